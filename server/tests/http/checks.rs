//! The request checks and their order: 401, 404, 406, 400; unknown paths and
//! wrong methods.

use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::json;

use crate::{client, config, error_of, hallo_body, header, post_json, start, KEY};

#[tokio::test]
async fn missing_key_is_401_before_anything_else() {
    let server = start(config()).await;
    // Unknown slug, no content type, broken body: the key is checked first.
    let response = client()
        .post(format!("{}/v1/no-such-model", server.base_url()))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(error_of(response).await.contains("x-api-key"));
}

#[tokio::test]
async fn configured_key_rejects_others_and_accepts_itself() {
    let server = start(config().with_api_key(KEY)).await;
    let wrong = client()
        .post(format!("{}/v1/hallo", server.base_url()))
        .header("x-api-key", "other")
        .header(CONTENT_TYPE, "application/json")
        .body(hallo_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(!error_of(wrong).await.is_empty());
    let right = post_json(&server, "/v1/hallo", &hallo_body()).await;
    assert_eq!(right.status(), StatusCode::OK);
}

#[tokio::test]
async fn any_key_works_when_none_is_configured() {
    let server = start(config()).await;
    let response = client()
        .post(format!("{}/v1/hallo", server.base_url()))
        .header("x-api-key", "whatever")
        .header(CONTENT_TYPE, "application/json")
        .body(hallo_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_slug_is_404_before_content_type() {
    let server = start(config()).await;
    for route in ["v1", "v2"] {
        let response = client()
            .post(format!("{}/{route}/no-such-model", server.base_url()))
            .header("x-api-key", KEY)
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{route}");
        assert!(error_of(response).await.contains("no-such-model"));
    }
}

#[tokio::test]
async fn missing_or_wrong_content_type_is_406() {
    let server = start(config()).await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = client()
            .post(format!("{}/v1/hallo", server.base_url()))
            .header("x-api-key", KEY)
            .body("not even json");
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::NOT_ACCEPTABLE,
            "{content_type:?}"
        );
        assert_eq!(error_of(response).await, "Invalid content type");
    }
}

#[tokio::test]
async fn json_content_type_with_charset_is_accepted() {
    let server = start(config()).await;
    let response = client()
        .post(format!("{}/v1/hallo", server.base_url()))
        .header("x-api-key", KEY)
        .header(CONTENT_TYPE, "Application/JSON; charset=utf-8")
        .body(hallo_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn body_that_is_not_json_is_400() {
    let server = start(config()).await;
    let response = client()
        .post(format!("{}/v1/hallo", server.base_url()))
        .header("x-api-key", KEY)
        .header(CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(error_of(response).await.contains("not valid JSON"));
}

#[tokio::test]
async fn schema_violations_are_400_with_every_pointer() {
    let server = start(config()).await;
    let body = json!({
        "input_image": "https://example.com/face.png",
        "input_audio": "not a uri",
        "pose_weight": 12.0,
        "colour": "red"
    });
    let response = post_json(&server, "/v1/hallo", &body).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = error_of(response).await;
    assert!(error.contains("/pose_weight: "), "{error}");
    assert!(error.contains("maximum"), "{error}");
    assert!(error.contains("/input_audio: "), "{error}");
    assert!(error.contains("colour"), "{error}");

    let response = post_json(&server, "/v2/sadtalker", &json!({"image_size": 300})).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = error_of(response).await;
    assert!(
        error.contains("(root): \"input_image\" is a required property"),
        "{error}"
    );
    assert!(error.contains("/image_size: "), "{error}");
}

#[tokio::test]
async fn every_workspace_model_is_loaded_and_validated() {
    let server = start(config()).await;
    for slug in [
        "hailuo-02-fast",
        "hailuo-2.3-fast",
        "hallo",
        "heygen-avatar-iv",
        "sadtalker",
    ] {
        let response = post_json(&server, &format!("/v1/{slug}"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{slug}");
        assert!(error_of(response).await.contains("required"), "{slug}");
    }
    let valid = json!({
        "prompt": "a cat",
        "first_frame_image": "https://example.com/cat.png",
        "duration": 10
    });
    let response = post_json(&server, "/v1/hailuo-2.3-fast", &valid).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_path_is_404_json_and_wrong_method_is_405_html() {
    let server = start(config()).await;
    let response = client()
        .get(format!("{}/nothing/here", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!error_of(response).await.is_empty());

    let response = client()
        .get(format!("{}/v1/hallo", server.base_url()))
        .header("x-api-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Method Not Allowed"));
}
