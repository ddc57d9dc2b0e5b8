//! `POST /upload-asset` and `GET /assets/{name}`: data URLs in, URLs out, under
//! either answer key.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use segmind_server::UploadKey;
use serde_json::{json, Value};

use crate::{client, config, error_of, header, json_of, post_json, start, KEY};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really an image";
const MP3: &[u8] = b"ID3\x03\x00fake audio";

fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", STANDARD.encode(bytes))
}

async fn round_trip(key: UploadKey, answer_key: &str, other_key: &str) {
    let server = start(config().with_upload_key(key)).await;
    let body = json!({ "data_urls": [data_url("image/png", PNG), data_url("audio/mpeg", MP3)] });
    let response = post_json(&server, "/upload-asset", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer = json_of(response).await;
    assert!(answer.get(other_key).is_none(), "{answer}");
    let urls: Vec<&str> = answer[answer_key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{answer_key}` in {answer}"))
        .iter()
        .map(|url| url.as_str().unwrap())
        .collect();
    let base = server.base_url();
    assert_eq!(
        urls,
        [
            format!("{base}/assets/1.png"),
            format!("{base}/assets/2.mp3")
        ]
    );

    for (url, mime, bytes) in [(urls[0], "image/png", PNG), (urls[1], "audio/mpeg", MP3)] {
        // Served without a key, like an S3 link.
        let file = client().get(url).send().await.unwrap();
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(header(&file, "content-type"), Some(mime));
        assert_eq!(&file.bytes().await.unwrap()[..], bytes);
    }
}

#[tokio::test]
async fn upload_round_trip_under_file_urls() {
    round_trip(UploadKey::FileUrls, "file_urls", "urls").await;
}

#[tokio::test]
async fn upload_round_trip_under_urls() {
    round_trip(UploadKey::Urls, "urls", "file_urls").await;
}

#[tokio::test]
async fn bad_data_urls_are_400_naming_the_entry() {
    let server = start(config()).await;
    let cases: [(Value, &str); 4] = [
        (
            json!({ "data_urls": [data_url("image/png", PNG), "https://example.com/a.png"] }),
            "/data_urls/1",
        ),
        (
            json!({ "data_urls": ["data:image/png;base64,@@@"] }),
            "/data_urls/0",
        ),
        (
            json!({ "data_urls": "data:image/png;base64,AA==" }),
            "/data_urls",
        ),
        (json!({ "files": [] }), "/data_urls"),
    ];
    for (body, pointer) in cases {
        let response = post_json(&server, "/upload-asset", &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error = error_of(response).await;
        assert!(error.contains(pointer), "{error}");
    }
    // Nothing was stored by the failed uploads.
    let missing = client()
        .get(format!("{}/assets/1.png", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn upload_checks_key_and_content_type() {
    let server = start(config()).await;
    let body = json!({ "data_urls": [data_url("image/png", PNG)] }).to_string();
    let no_key = client()
        .post(format!("{}/upload-asset", server.base_url()))
        .header(CONTENT_TYPE, "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED);
    let no_type = client()
        .post(format!("{}/upload-asset", server.base_url()))
        .header("x-api-key", KEY)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(no_type.status(), StatusCode::NOT_ACCEPTABLE);
}
