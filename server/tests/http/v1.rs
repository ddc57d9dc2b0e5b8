//! `POST /v1/{slug}`: video bytes, billing headers, base64 mode, generated
//! videos streamed at any size.

use std::collections::HashSet;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use futures_util::StreamExt;
use reqwest::StatusCode;
use segmind_server::{TestServer, VideoSource};
use serde_json::json;

use crate::{config, hallo_body, header, json_of, post_json, start};

#[tokio::test]
async fn answers_the_fixture_mp4_with_billing_headers() {
    let server = start(config()).await;
    let response = post_json(&server, "/v1/hallo", &hallo_body()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), Some("video/mp4"));
    assert_eq!(
        response.content_length(),
        Some(TestServer::fixture_video().len() as u64)
    );
    assert_eq!(header(&response, "x-cost"), Some("0.421"));
    assert_eq!(header(&response, "x-remaining-credits"), Some("99.579"));
    assert!(!header(&response, "x-request-id").unwrap().is_empty());
    let generation: f64 = header(&response, "x-generation-time")
        .unwrap()
        .parse()
        .unwrap();
    assert!(generation >= 0.0);
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..], TestServer::fixture_video());
    assert_eq!(&bytes[4..8], b"ftyp");
}

#[tokio::test]
async fn credits_decrease_and_request_ids_are_unique() {
    let server = start(config()).await;
    let mut credits = Vec::new();
    let mut ids = HashSet::new();
    for _ in 0..3 {
        let response = post_json(&server, "/v1/sadtalker", &sadtalker_body()).await;
        assert_eq!(response.status(), StatusCode::OK);
        // sadtalker's file gives a typical price of 0.184.
        assert_eq!(header(&response, "x-cost"), Some("0.184"));
        credits.push(
            header(&response, "x-remaining-credits")
                .unwrap()
                .parse::<f64>()
                .unwrap(),
        );
        ids.insert(header(&response, "x-request-id").unwrap().to_owned());
    }
    assert!(
        credits.windows(2).all(|pair| pair[1] < pair[0]),
        "{credits:?}"
    );
    assert_eq!(ids.len(), 3);
}

#[tokio::test]
async fn base64_true_wraps_the_video_in_json() {
    let server = start(config()).await;
    let mut body = hallo_body();
    body["base64"] = json!(true);
    let response = post_json(&server, "/v1/hallo", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert!(header(&response, "x-remaining-credits").is_some());
    assert!(header(&response, "x-cost").is_some());
    assert!(header(&response, "x-request-id").is_some());
    assert!(header(&response, "x-generation-time").is_some());
    let json = json_of(response).await;
    let video = STANDARD.decode(json["video"].as_str().unwrap()).unwrap();
    assert_eq!(video, TestServer::fixture_video());
}

#[tokio::test]
async fn base64_of_a_generated_video_decodes_to_it() {
    let source = VideoSource::Generated { size: 200_001 };
    let server = start(config().with_video(source)).await;
    let mut body = sadtalker_body();
    body["base64"] = json!(true);
    let response = post_json(&server, "/v1/sadtalker", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let json = json_of(response).await;
    let video = STANDARD.decode(json["video"].as_str().unwrap()).unwrap();
    assert_eq!(video, source.to_vec());
}

#[tokio::test]
async fn generated_50_mb_video_streams_exactly_that_many_bytes() {
    const SIZE: u64 = 50_000_000;
    let server = start(config().with_generated_video(SIZE)).await;
    let response = post_json(&server, "/v1/hallo", &hallo_body()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), Some("video/mp4"));
    assert_eq!(response.content_length(), Some(SIZE));
    let mut stream = response.bytes_stream();
    let mut total = 0u64;
    let mut head = Vec::new();
    let mut chunks = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk arrives");
        if head.len() < 8 {
            head.extend_from_slice(&chunk[..chunk.len().min(8)]);
        }
        total += chunk.len() as u64;
        chunks += 1;
    }
    assert_eq!(total, SIZE);
    assert_eq!(&head[4..8], b"ftyp");
    assert!(chunks > 1, "the body came in one piece");
}

fn sadtalker_body() -> serde_json::Value {
    json!({
        "input_image": "https://example.com/face.png",
        "input_audio": "https://example.com/voice.mp3",
        "image_size": 512
    })
}
