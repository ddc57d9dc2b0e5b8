//! The POST counters and the request log, which let tests prove a client did
//! not retry a billed call.

use reqwest::StatusCode;
use segmind_server::Route;
use serde_json::json;

use crate::{client, config, get, hallo_body, post_json, start, KEY};

#[tokio::test]
async fn posts_are_counted_per_route_whatever_the_answer() {
    let server = start(config()).await;
    assert_eq!(server.post_count(), 0);
    post_json(&server, "/v1/hallo", &hallo_body()).await;
    post_json(&server, "/v1/hallo", &json!({})).await; // 400, still a POST
    let faulted = client()
        .post(format!("{}/v1/hallo", server.base_url()))
        .header("x-test-fault", "503")
        .send()
        .await
        .unwrap();
    assert_eq!(faulted.status(), StatusCode::SERVICE_UNAVAILABLE);
    let job = crate::json_of(post_json(&server, "/v2/hallo", &hallo_body()).await).await;
    post_json(
        &server,
        "/upload-asset",
        &json!({"data_urls": ["data:text/plain;base64,aGk="]}),
    )
    .await;
    post_json(&server, "/nowhere", &json!({})).await;
    get(&server, job["status_url"].as_str().unwrap()).await;

    assert_eq!(server.post_count_for(Route::V1), 3);
    assert_eq!(server.post_count_for(Route::V2Submit), 1);
    assert_eq!(server.post_count_for(Route::Upload), 1);
    assert_eq!(server.post_count_for(Route::Status), 0);
    assert_eq!(server.post_count(), 6);
    assert_eq!(server.post_count_for(Route::Any), 6);
}

#[tokio::test]
async fn every_request_is_recorded_with_lowercase_headers_and_body() {
    let server = start(config()).await;
    let body = hallo_body();
    post_json(&server, "/v1/hallo", &body).await;
    client()
        .get(format!("{}/v2/requests/abc/status?x=1", server.base_url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/v1/hallo");
    assert_eq!(requests[0].header("x-api-key"), Some(KEY));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(requests[0].body, body.to_string().into_bytes());
    assert_eq!(requests[1].method, "GET");
    assert_eq!(requests[1].path, "/v2/requests/abc/status");
    assert!(requests[1]
        .headers
        .iter()
        .all(|(name, _)| *name == name.to_lowercase()));
    assert!(requests[1].body.is_empty());
}
