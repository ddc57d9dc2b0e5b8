//! Local files against the local Segmind server (`segmind-server`): an upload
//! is streamed from disk and arrives byte for byte, again from its start when
//! it is retried; a file over the upload or the inline limit is refused by its
//! size alone, before any request.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use segmind_runtime::{
    Client, Error, Media, MediaUpload, RetryPolicy, DEFAULT_MAX_INLINE_BYTES,
    DEFAULT_MAX_UPLOAD_BYTES,
};
use segmind_server::{Fault, Route, ServerConfig, TestServer, RECORDED_BODY_BYTES};

use crate::support::{assert_no_key, fast_retry, pattern, TestInput, Video, KEY};

async fn server() -> TestServer {
    TestServer::start(ServerConfig::new(segmind_server::workspace_schema_dir()))
        .await
        .expect("the local server starts")
}

fn client(server: &TestServer, mode: MediaUpload, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .request_timeout(Duration::from_secs(20))
        .retry(retry)
        .media_upload(mode)
        .build()
        .expect("client")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("written");
    path
}

/// A file of `len` bytes that takes no room on disk: its size is all the
/// checks look at.
fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|file| file.set_len(len))
        .expect("sparse file");
    path
}

/// What the server serves at `url`: the bytes and their content type.
async fn fetch(url: &str) -> (Vec<u8>, String) {
    let response = reqwest::get(url).await.expect("served");
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    let mime = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.bytes().await.expect("body").to_vec(), mime)
}

#[tokio::test]
async fn a_streamed_upload_arrives_byte_for_byte() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    // Several pieces of the stream, and a length that is not a multiple of 3.
    let video = pattern(3 * 1024 * 1024 + 2);
    let path = write(dir.path(), "clip.mp4", &video);
    let client = client(&server, MediaUpload::Upload, fast_retry());
    let body = client
        .prepare_body(&TestInput::new(Media::file(&path)))
        .await
        .expect("uploaded");
    let url = body["input_image"].as_str().expect("a URL");
    let (served, mime) = fetch(url).await;
    assert!(
        served == video,
        "the served file differs from the one on disk"
    );
    assert_eq!(mime, "video/mp4");

    let requests = server.requests();
    let upload = &requests[0];
    assert_eq!(upload.path, "/upload-asset");
    assert_eq!(upload.header("x-api-key"), Some(KEY));
    assert_eq!(upload.header("content-type"), Some("application/json"));
    // One exact length up front, no chunked encoding.
    assert_eq!(
        upload.header("content-length"),
        Some(upload.body_len.to_string().as_str())
    );
    assert_eq!(upload.header("transfer-encoding"), None);
    let base64_len = (video.len() as u64).div_ceil(3) * 4;
    assert_eq!(
        upload.body_len,
        r#"{"data_urls":["data:video/mp4;base64,"]}"#.len() as u64 + base64_len
    );
    assert!(upload.body_truncated && upload.body.len() == RECORDED_BODY_BYTES);
    assert!(upload
        .body
        .starts_with(br#"{"data_urls":["data:video/mp4;base64,"#));
}

#[tokio::test]
async fn a_retried_upload_sends_the_file_again_from_its_start() {
    let server = server().await;
    // A rate limit answered before anything is stored: the client waits out
    // the reset (under a second away) and sends the upload again.
    server.push_fault(Route::Upload, "429:0".parse::<Fault>().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let audio = pattern(700_001);
    let path = write(dir.path(), "voice.mp3", &audio);
    let retry = fast_retry().with_max_delay(Duration::from_secs(3));
    let client = client(&server, MediaUpload::Upload, retry);
    let body = client
        .prepare_body(&TestInput::new(Media::file(&path)))
        .await
        .expect("uploaded after a retry");
    assert_eq!(server.post_count_for(Route::Upload), 2);
    let lengths: Vec<u64> = server.requests().iter().map(|r| r.body_len).collect();
    assert_eq!(lengths[0], lengths[1], "both attempts sent the whole file");
    let (served, mime) = fetch(body["input_image"].as_str().unwrap()).await;
    assert!(served == audio);
    assert_eq!(mime, "audio/mpeg");
}

/// The error's field, path and reason, asserting it is a too-large refusal.
fn too_large(err: &Error) -> (&str, &Path, String) {
    match err {
        Error::MediaFile {
            field,
            path,
            source,
        } if source.kind() == ErrorKind::FileTooLarge => (field, path, err.to_string()),
        other => panic!("not a too-large media file error: {other:?}"),
    }
}

#[tokio::test]
async fn a_file_over_the_upload_limit_is_refused_before_any_request() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    // The first media field is fine and would be uploaded first.
    let mut input = TestInput::new(Media::file(write(dir.path(), "face.png", b"png")));
    let film = sparse(dir.path(), "film.mp4", DEFAULT_MAX_UPLOAD_BYTES + 1);
    input.audio = Some(Media::file(&film));
    let client = client(&server, MediaUpload::Upload, fast_retry());
    for result in [
        client.run::<Video, _>(&input).await.map(|_| ()),
        client.submit(&input).await.map(|_| ()),
        client.prepare_body(&input).await.map(|_| ()),
    ] {
        let err = result.expect_err("refused");
        let (field, path, text) = too_large(&err);
        assert_eq!((field, path), ("input_audio", film.as_path()));
        for part in [
            "input_audio",
            "film.mp4",
            "104857601 bytes",
            "limit of 104857600 bytes (100.0 MiB)",
        ] {
            assert!(text.contains(part), "`{part}` missing from: {text}");
        }
        assert_no_key(&err);
    }
    assert_eq!(server.post_count(), 0);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_limit_admits_a_file_of_exactly_its_size() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "face.png", &pattern(1000));
    let input = TestInput::new(Media::file(&path));
    let client = client(&server, MediaUpload::Upload, fast_retry());
    let err = client
        .prepare_body_with_file_limit(&input, 999)
        .await
        .expect_err("over by one byte");
    assert!(too_large(&err).2.contains("1000 bytes"), "{err}");
    assert_eq!(server.post_count(), 0);
    client
        .prepare_body_with_file_limit(&input, 1000)
        .await
        .expect("at the limit");
    assert_eq!(server.post_count(), 1);
}

#[tokio::test]
async fn inline_mode_refuses_a_file_over_its_limit_before_reading_it() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let mut input = TestInput::url();
    let voice = sparse(dir.path(), "voice.wav", DEFAULT_MAX_INLINE_BYTES + 1);
    input.audio = Some(Media::file(&voice));
    let client = client(&server, MediaUpload::Inline, fast_retry());
    let err = client.run::<Video, _>(&input).await.expect_err("refused");
    let (field, path, text) = too_large(&err);
    assert_eq!((field, path), ("input_audio", voice.as_path()));
    for part in [
        "voice.wav",
        "10485761 bytes",
        "limit of 10485760 bytes (10.0 MiB) for inline media",
        "upload mode",
    ] {
        assert!(text.contains(part), "`{part}` missing from: {text}");
    }
    assert_eq!(server.post_count(), 0);
}
