//! Media inputs: URLs pass through; local files are uploaded (either reply
//! key) or inlined; an unreadable file stops everything before any request.

use base64::Engine as _;
use segmind_runtime::{Error, Media, MediaUpload};
use serde_json::json;

use crate::support::*;

/// Uploads answer with `key`; the model answers with a tiny video.
async fn storage_and_model(key: &'static str) -> Stub {
    Stub::start(move |ctx| match ctx.request.path.as_str() {
        "/upload-asset" => json_reply(
            200,
            json!({ key: [format!("https://cdn.test/upload-{}.bin", ctx.nth)] }),
        ),
        _ => video_reply(pattern(4), &[]),
    })
    .await
}

fn png_file(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, b"\x89PNG fake image").unwrap();
    path
}

#[tokio::test]
async fn a_url_is_sent_as_is() {
    let stub = storage_and_model("file_urls").await;
    stub.client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap();
    let requests = stub.requests();
    assert_eq!(requests.len(), 1, "no upload");
    assert_eq!(
        requests[0].json()["input_image"],
        json!("https://images.test/face.png")
    );
}

#[tokio::test]
async fn a_local_file_is_uploaded_and_its_url_sent_for_either_reply_key() {
    for key in ["file_urls", "urls"] {
        let stub = storage_and_model(key).await;
        let dir = tempfile::tempdir().unwrap();
        let path = png_file(dir.path(), "face.png");
        stub.client()
            .run::<Video, _>(&TestInput::new(Media::file(&path)))
            .await
            .unwrap();

        let requests = stub.requests();
        assert_eq!(requests.len(), 2, "{key}");
        let upload = &requests[0];
        assert_eq!(
            (upload.method.as_str(), upload.path.as_str()),
            ("POST", "/upload-asset")
        );
        assert_eq!(upload.header("x-api-key"), Some(KEY));
        let data_url = upload.json()["data_urls"][0].as_str().unwrap().to_owned();
        let encoded = data_url
            .strip_prefix("data:image/png;base64,")
            .expect("a PNG data URL");
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap(),
            b"\x89PNG fake image"
        );

        let call = &requests[1];
        assert_eq!(call.path, "/v1/test-model");
        assert_eq!(
            call.json()["input_image"],
            json!("https://cdn.test/upload-0.bin"),
            "{key}"
        );
    }
}

#[tokio::test]
async fn one_file_used_twice_is_uploaded_once() {
    let stub = storage_and_model("file_urls").await;
    let dir = tempfile::tempdir().unwrap();
    let path = png_file(dir.path(), "face.png");
    let mut input = TestInput::new(Media::file(&path));
    input.audio = Some(Media::file(&path));
    let body = stub.client().prepare_body(&input).await.unwrap();
    assert_eq!(body["input_image"], body["input_audio"]);
    assert_eq!(stub.count("POST", "/upload-asset"), 1);
}

#[tokio::test]
async fn inline_mode_sends_a_data_url_and_uploads_nothing() {
    let stub = storage_and_model("file_urls").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("voice.mp3");
    std::fs::write(&path, b"ID3 audio").unwrap();
    let client = stub
        .builder()
        .media_upload(MediaUpload::Inline)
        .build()
        .unwrap();
    let mut input = TestInput::url();
    input.audio = Some(Media::file(&path));
    client.run::<Video, _>(&input).await.unwrap();
    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    let body = requests[0].json();
    assert_eq!(body["input_image"], json!("https://images.test/face.png"));
    let expected = format!(
        "data:audio/mpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(b"ID3 audio")
    );
    assert_eq!(body["input_audio"], json!(expected));
}

#[tokio::test]
async fn a_missing_file_fails_before_any_request() {
    let stub = storage_and_model("file_urls").await;
    let dir = tempfile::tempdir().unwrap();
    // The first media field is fine and would be uploaded; the second is missing.
    let mut input = TestInput::new(Media::file(png_file(dir.path(), "face.png")));
    let missing = dir.path().join("missing.mp3");
    input.audio = Some(Media::file(&missing));
    for result in [
        stub.client().run::<Video, _>(&input).await.map(|_| ()),
        stub.client().submit(&input).await.map(|_| ()),
    ] {
        let err = result.unwrap_err();
        match &err {
            Error::MediaFile { field, path, .. } => {
                assert_eq!(field, "input_audio");
                assert_eq!(path, &missing);
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("missing.mp3"), "{err}");
        assert_no_key(&err);
    }
    assert!(
        stub.requests().is_empty(),
        "the server saw {:?}",
        stub.requests()
    );
}

#[tokio::test]
async fn a_failed_upload_stops_before_the_model_call() {
    let stub = Stub::start(|ctx| match ctx.request.path.as_str() {
        "/upload-asset" => json_reply(401, json!({"error": "Unauthorized"})),
        _ => video_reply(pattern(4), &[]),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let err = stub
        .client()
        .run::<Video, _>(&TestInput::new(Media::file(png_file(dir.path(), "a.png"))))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(stub.count("POST", "/v1/test-model"), 0);
    assert_no_key(&err);
}

#[tokio::test]
async fn an_upload_reply_without_urls_is_a_decode_error() {
    let stub = Stub::start(|_| json_reply(200, json!({"ok": true}))).await;
    let dir = tempfile::tempdir().unwrap();
    let err = stub
        .client()
        .prepare_body(&TestInput::new(Media::file(png_file(dir.path(), "a.png"))))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("file_urls"), "{err}");
}

#[tokio::test]
async fn an_explicit_upload_url_is_used() {
    let storage =
        Stub::start(|_| json_reply(200, json!({"urls": ["https://cdn.test/x.png"]}))).await;
    let model = Stub::start(|_| video_reply(pattern(4), &[])).await;
    let client = model
        .builder()
        .upload_url(format!("{}/somewhere/upload", storage.base_url()))
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let body = client
        .prepare_body(&TestInput::new(Media::file(png_file(dir.path(), "a.png"))))
        .await
        .unwrap();
    assert_eq!(body["input_image"], json!("https://cdn.test/x.png"));
    assert_eq!(storage.count("POST", "/somewhere/upload"), 1);
    assert!(model.requests().is_empty());
}

#[tokio::test]
async fn prepare_body_is_the_exact_body_sent() {
    let stub = storage_and_model("urls").await;
    let dir = tempfile::tempdir().unwrap();
    let mut input = TestInput::new(Media::file(png_file(dir.path(), "a.png")));
    input.strength = 2.5;
    let client = stub.client();
    let body = client.prepare_body(&input).await.unwrap();
    assert_eq!(
        body,
        json!({"input_image": "https://cdn.test/upload-0.bin", "strength": 2.5})
    );
    client.run::<Video, _>(&input).await.unwrap();
    let sent = stub
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/test-model")
        .unwrap();
    assert_eq!(
        sent.json(),
        json!({"input_image": "https://cdn.test/upload-1.bin", "strength": 2.5})
    );
}
