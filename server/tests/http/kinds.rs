//! Each model answers the kind its file's `output` names, with real bytes:
//! images (JPEG by default, PNG or WebP as `output_format` asks), audio
//! (WAV), JSON; raw, as base64 under the kind's key, and through v2.

use std::path::PathBuf;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::StatusCode;
use segmind_server::{kinds_schema_dir, ServerConfig, ServerError, TestServer};
use serde_json::{json, Value};

use crate::{get, header, json_of, post_json, start};

async fn kinds() -> TestServer {
    start(ServerConfig::new(kinds_schema_dir()).with_polls_before_complete(0)).await
}

/// One media call: path, body, content type, bytes, base64 key, extension.
type Case = (
    &'static str,
    Value,
    &'static str,
    &'static [u8],
    &'static str,
    &'static str,
);

fn media_cases() -> Vec<Case> {
    let image = |format: &str| TestServer::fixture_image(format).expect("a fixture");
    vec![
        (
            "/v1/flux-schnell",
            json!({"prompt": "a fox"}),
            "image/jpeg",
            image("jpeg"),
            "image",
            "jpg",
        ),
        (
            "/v1/esrgan",
            json!({"image": "https://x.test/a.png"}),
            "image/jpeg",
            image("jpeg"),
            "image",
            "jpg",
        ),
        (
            "/v1/esrgan",
            json!({"image": "https://x.test/a.png", "output_format": "png"}),
            "image/png",
            image("png"),
            "image",
            "png",
        ),
        (
            "/v1/esrgan",
            json!({"image": "https://x.test/a.png", "output_format": "webp"}),
            "image/webp",
            image("webp"),
            "image",
            "webp",
        ),
        (
            "/v1/gemini-3.1-flash-tts",
            json!({"text": "hello"}),
            "audio/wav",
            TestServer::fixture_audio(),
            "audio",
            "wav",
        ),
        (
            "/v1/hallo",
            json!({"input_image": "https://x.test/a.png", "input_audio": "https://x.test/a.mp3"}),
            "video/mp4",
            TestServer::fixture_video(),
            "video",
            "mp4",
        ),
    ]
}

#[tokio::test]
async fn media_models_answer_real_files_of_their_kind() {
    let server = kinds().await;
    for (path, body, content_type, bytes, key, ext) in media_cases() {
        let response = post_json(&server, path, &body).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&response, "content-type"),
            Some(content_type),
            "{path}"
        );
        assert_eq!(response.content_length(), Some(bytes.len() as u64));
        assert!(header(&response, "x-request-id").is_some());
        assert_eq!(&response.bytes().await.unwrap()[..], bytes, "{path}");

        let mut wrapped = body.clone();
        wrapped["base64"] = json!(true);
        let response = post_json(&server, path, &wrapped).await;
        assert_eq!(header(&response, "content-type"), Some("application/json"));
        let reply = json_of(response).await;
        let decoded = STANDARD
            .decode(reply[key].as_str().expect("the kind's key"))
            .unwrap();
        assert_eq!(decoded, bytes, "{path} base64");

        let submit = json_of(post_json(&server, &path.replace("/v1/", "/v2/"), &body).await).await;
        let id = submit["request_id"].as_str().unwrap();
        json_of(get(&server, &format!("/v2/requests/{id}/status")).await).await;
        let result = json_of(get(&server, &format!("/v2/requests/{id}")).await).await;
        let url = result["output"].as_str().expect("a URL");
        assert!(url.ends_with(&format!("/files/{id}.{ext}")), "{url}");
        let file = get(&server, url).await;
        assert_eq!(header(&file, "content-type"), Some(content_type));
        assert_eq!(&file.bytes().await.unwrap()[..], bytes, "{path} v2");
        let wrong = get(&server, &format!("/files/{id}.gif")).await;
        assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn json_models_answer_json_in_v1_and_in_the_result() {
    let server = kinds().await;
    let body = json!({"prompt": "Dancing Banana"});
    let response = post_json(&server, "/v1/nano-banana", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert!(header(&response, "x-cost").is_some());
    assert_eq!(
        json_of(response).await,
        TestServer::json_answer("nano-banana")
    );

    let submit = json_of(post_json(&server, "/v2/nano-banana", &body).await).await;
    let id = submit["request_id"].as_str().unwrap();
    json_of(get(&server, &format!("/v2/requests/{id}/status")).await).await;
    let result = json_of(get(&server, &format!("/v2/requests/{id}")).await).await;
    assert_eq!(result["output"], TestServer::json_answer("nano-banana"));
    assert_eq!(result["extra_key_from_model"], "kept");
    let file = get(&server, &format!("/files/{id}.json")).await;
    assert_eq!(file.status(), StatusCode::NOT_FOUND);

    // The output format is checked against the schema like any field.
    let bad = json!({"image": "https://x.test/a.png", "output_format": "bmp"});
    let response = post_json(&server, "/v1/esrgan", &bad).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_unknown_output_kind_is_refused_at_start() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("segmind-server-kinds");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("odd.json");
    std::fs::write(
        &file,
        r#"{"slug": "odd", "output": "smell", "input": {"type": "object"}}"#,
    )
    .unwrap();
    let error = match TestServer::start(ServerConfig::new(&dir)).await {
        Ok(server) => panic!("started on {}", server.base_url()),
        Err(error) => error,
    };
    assert!(
        matches!(error, ServerError::SchemaInvalid { .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("odd.json") && text.contains("/output: \"smell\""),
        "{text}"
    );
}
