//! The limits that keep the server's memory bounded: the request log keeps the
//! latest requests with the head of each body, and a body over the limit is
//! refused with 413 (and still logged and counted).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use segmind_server::{Route, DEFAULT_MAX_RECORDS, RECORDED_BODY_BYTES};
use serde_json::json;

use crate::{client, config, error_of, get, json_of, post_json, start, KEY};

#[tokio::test]
async fn the_log_keeps_only_the_latest_requests() {
    let server = start(config().with_max_records(5)).await;
    for n in 0..8 {
        get(&server, &format!("/v2/requests/r{n}/status")).await;
    }
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    let expected: Vec<String> = (3..8)
        .map(|n| format!("/v2/requests/r{n}/status"))
        .collect();
    assert_eq!(paths, expected);
    assert_eq!(server.request_count(), 8);
}

#[tokio::test]
async fn the_log_stays_at_its_default_cap_after_many_requests() {
    let server = start(config()).await;
    let many = DEFAULT_MAX_RECORDS + 50;
    let http = client();
    for n in 0..many {
        http.get(format!("{}/nowhere/{n}", server.base_url()))
            .send()
            .await
            .expect("answered");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), DEFAULT_MAX_RECORDS);
    assert_eq!(requests[0].path, "/nowhere/50");
    assert_eq!(
        requests[DEFAULT_MAX_RECORDS - 1].path,
        format!("/nowhere/{}", many - 1)
    );
    assert_eq!(server.request_count(), many as u64);
}

#[tokio::test]
async fn a_big_body_is_logged_cut_to_its_head_with_its_full_length() {
    let server = start(config()).await;
    let file: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let body =
        json!({ "data_urls": [format!("data:video/mp4;base64,{}", STANDARD.encode(&file))] });
    let sent = body.to_string().into_bytes();
    let answer = json_of(post_json(&server, "/upload-asset", &body).await).await;
    let url = answer["file_urls"][0].as_str().expect("a URL").to_owned();
    let served = client()
        .get(url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        served.as_ref(),
        file.as_slice(),
        "the upload itself is whole"
    );

    let record = &server.requests()[0];
    assert_eq!(record.body.len(), RECORDED_BODY_BYTES);
    assert_eq!(record.body, sent[..RECORDED_BODY_BYTES]);
    assert_eq!(record.body_len, sent.len() as u64);
    assert!(record.body_truncated);
    // A small body is kept whole.
    let small = json!({"data_urls": ["data:text/plain;base64,aGk="]});
    post_json(&server, "/upload-asset", &small).await;
    let record = &server.requests()[2];
    assert_eq!(record.body, small.to_string().into_bytes());
    assert_eq!(record.body_len, record.body.len() as u64);
    assert!(!record.body_truncated);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_yet_logged_and_counted() {
    let server = start(config().with_max_body_bytes(1000)).await;
    let post = |body: reqwest::Body| {
        client()
            .post(format!("{}/upload-asset", server.base_url()))
            .header("x-api-key", KEY)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
    };
    // Declared too large: refused without being read.
    let response = post(vec![b' '; 1001].into()).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let error = error_of(response).await;
    assert!(
        error.contains("1001 bytes") && error.contains("limit of 1000 bytes"),
        "{error}"
    );
    // Sent in pieces without a length: refused once past the limit.
    let pieces = futures_util::stream::iter(
        (0..10).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b' '; 300]))),
    );
    let response = post(reqwest::Body::wrap_stream(pieces)).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // At the limit: taken (and refused for what it says).
    let response = post(vec![b' '; 1000].into()).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    assert_eq!(server.post_count_for(Route::Upload), 3);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].body_len, 1001);
    assert!(requests[0].body.is_empty() && requests[0].body_truncated);
    assert!(requests[1].body_len > 1000 && requests[1].body_truncated);
    assert_eq!(requests[2].body_len, 1000);
    assert!(!requests[2].body_truncated);
}
