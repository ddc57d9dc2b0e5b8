//! The generated client end to end against the local Segmind server on
//! 127.0.0.1: every model through v1 and v2, base64 replies, a 50 MB video
//! streamed to disk, local files uploaded or inlined, jobs resumed by id.

use std::time::Duration;

use segmind::{
    hallo, models, sadtalker, AnyMediaKind, ChatOutput, Client, JsonOutput, Media, MediaOutput,
    MediaUpload, ModelInfo, ModelInput, OutputKind, ResponseMeta, RetryPolicy,
};
use segmind_server::{Route, ServerConfig, TestServer, UploadKey, VideoSource};
use segmind_tests::{fast_wait, hallo_input, valid_input, End};
use serde_json::{json, Value};

const KEY: &str = "sk-e2e-key-7c1d";

async fn server(config: ServerConfig) -> TestServer {
    TestServer::start(config.with_api_key(KEY))
        .await
        .expect("server starts on 127.0.0.1")
}

fn config() -> ServerConfig {
    ServerConfig::new(segmind_server::workspace_schema_dir())
}

fn client(server: &TestServer, upload: MediaUpload) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(10)))
        .media_upload(upload)
        .build()
        .expect("client")
}

/// An input of `model` with every field at the upper end of its values.
fn full_input(model: &ModelInfo) -> Value {
    Value::Object(valid_input(model, End::Upper))
}

fn last_body(server: &TestServer, path: &str) -> Value {
    let request = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path == path)
        .expect("request recorded");
    serde_json::from_slice(&request.body).expect("JSON body")
}

/// What the local server answers: a file's bytes, or a JSON model's JSON.
#[derive(Debug, PartialEq)]
enum Output {
    File(Vec<u8>),
    Json(Value),
}

/// What the local server answers `model` for the request body `body`.
fn expected(model: &ModelInfo, body: &Value) -> Output {
    match model.output {
        OutputKind::Json => Output::Json(TestServer::json_answer(model.slug)),
        OutputKind::Chat(format) => Output::Json(
            TestServer::chat_answer(format.as_str(), model.slug, body).expect("a chat format"),
        ),
        OutputKind::Image => {
            let format = body["output_format"].as_str().unwrap_or("jpeg");
            Output::File(
                TestServer::fixture_image(format)
                    .expect("a format")
                    .to_vec(),
            )
        }
        OutputKind::Audio => Output::File(TestServer::fixture_audio().to_vec()),
        _ => Output::File(TestServer::fixture_video().to_vec()),
    }
}

/// Runs `input` through v1 and takes its output as its model's kind
/// (media of any kind saved to `path`, JSON kept).
async fn v1_output(
    client: &Client,
    input: &dyn ModelInput,
    path: &std::path::Path,
) -> (ResponseMeta, Output) {
    let slug = input.slug();
    let info = input.info().expect("typed");
    if let OutputKind::Chat(format) = info.output {
        let reply: ChatOutput = client
            .run(input)
            .await
            .unwrap_or_else(|e| panic!("{slug}: {e}"));
        assert_eq!(reply.format(), Some(format), "{slug}");
        assert_eq!(
            serde_json::from_slice::<Value>(reply.raw()).expect("raw JSON"),
            *reply.value()
        );
        return (reply.meta().clone(), Output::Json(reply.value().clone()));
    }
    if info.output == OutputKind::Json {
        let answer: JsonOutput = client
            .run(input)
            .await
            .unwrap_or_else(|e| panic!("{slug}: {e}"));
        return (answer.meta().clone(), Output::Json(answer.into_value()));
    }
    let media: MediaOutput<AnyMediaKind> = client
        .run(input)
        .await
        .unwrap_or_else(|e| panic!("{slug}: {e}"));
    let meta = media.meta().clone();
    let written = media.save(path).await.expect("saved");
    let bytes = std::fs::read(path).expect("read");
    assert_eq!(written, bytes.len() as u64);
    (meta, Output::File(bytes))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_model_runs_end_to_end_through_v1_and_v2() {
    let server = server(config()).await;
    let client = client(&server, MediaUpload::Upload);
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(!models::ALL.is_empty());
    for model in models::ALL {
        let json = full_input(model);
        let input = models::input_from_json(model.slug, json.clone()).expect("input");

        // v1: the body on the wire is exactly the input; the output is the
        // server's file (or JSON) of the model's kind.
        let out = dir.path().join(format!("{}-v1.out", model.rust_name));
        let (meta, output) = v1_output(&client, &*input, &out).await;
        assert_eq!(
            last_body(&server, &format!("/v1/{}", model.slug)),
            json,
            "{}",
            model.slug
        );
        assert!(
            meta.request_id.is_some() && meta.cost.is_some() && meta.remaining_credits.is_some(),
            "{meta:?}"
        );
        assert_eq!(output, expected(model, &json), "{}", model.slug);

        // v2: submit, poll, fetch the result, take the output.
        let job = client.submit(&*input).await.expect("submitted");
        assert_eq!(last_body(&server, &format!("/v2/{}", model.slug)), json);
        let done = job.wait(fast_wait()).await.expect("completed");
        assert_eq!(done.request_id, job.request_id());
        assert!(
            done.metrics.cost.is_some() && done.metrics.total_time.is_some(),
            "{:?}",
            done.metrics
        );
        assert_eq!(done.extra.get("extra_key_from_model"), Some(&json!("kept")));
        let output = if let OutputKind::Chat(_) = model.output {
            assert_eq!(done.output_url(), None);
            let reply = done.download::<ChatOutput>().await.expect("the reply");
            Output::Json(reply.value().clone())
        } else if model.output == OutputKind::Json {
            assert_eq!(done.output_url(), None);
            let answer = done.download::<JsonOutput>().await.expect("the JSON");
            Output::Json(answer.into_value())
        } else {
            let url = done.output_url().expect("a URL");
            assert!(url.starts_with(&server.base_url()), "{url}");
            let out = dir.path().join(format!("{}-v2.out", model.rust_name));
            done.download::<MediaOutput<AnyMediaKind>>()
                .await
                .expect("download")
                .save(&out)
                .await
                .expect("saved");
            Output::File(std::fs::read(&out).expect("read"))
        };
        assert_eq!(output, expected(model, &json), "{}", model.slug);
    }
    assert_eq!(server.post_count_for(Route::V1), models::ALL.len());
    assert_eq!(server.post_count_for(Route::V2Submit), models::ALL.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_typed_model_methods_call_their_endpoints() {
    let server = server(config()).await;
    let client = client(&server, MediaUpload::Upload);
    let input = hallo_input().pose_weight(1.2);
    let bytes = client
        .hallo(&input)
        .await
        .expect("v1")
        .bytes()
        .await
        .expect("body");
    assert_eq!(&bytes[..], TestServer::fixture_video());
    assert_eq!(last_body(&server, "/v1/hallo"), input.to_json());

    let input = sadtalker::Input::new("https://media.example/a.png", "https://media.example/a.mp3")
        .image_size(sadtalker::ImageSize::Px512);
    let job = client.sadtalker_submit(&input).await.expect("v2");
    assert_eq!(
        last_body(&server, "/v2/sadtalker")["image_size"],
        json!(512)
    );

    // A job resumes from its request id alone, from another client.
    let other = self::client(&server, MediaUpload::Upload);
    let done = other
        .job(job.request_id())
        .wait(fast_wait())
        .await
        .expect("resumed");
    assert_eq!(done.request_id, job.request_id());
}

#[tokio::test(flavor = "multi_thread")]
async fn base64_mode_is_decoded() {
    let server = server(config()).await;
    let client = client(&server, MediaUpload::Upload);
    let input = hallo_input().base64(true);
    let video = client.hallo(&input).await.expect("v1");
    assert_eq!(
        video.content_type(),
        Some("video/mp4"),
        "decoded videos report the video type"
    );
    assert_eq!(
        &video.bytes().await.expect("decoded")[..],
        TestServer::fixture_video()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_50_mb_video_is_streamed_to_disk() {
    const SIZE: u64 = 50_000_000;
    let server = server(config().with_video(VideoSource::Generated { size: SIZE })).await;
    let client = client(&server, MediaUpload::Upload);
    let input = hallo_input();
    let video = client.hallo(&input).await.expect("v1");
    assert!(video.is_streamed());
    assert_eq!(video.content_length(), Some(SIZE));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("big.mp4");
    let mut calls = 0u64;
    let mut last = 0u64;
    let written = video
        .save_with_progress(&out, |done, total| {
            calls += 1;
            assert!(done >= last, "progress goes forward");
            assert_eq!(total, Some(SIZE));
            last = done;
        })
        .await
        .expect("saved");
    assert_eq!(written, SIZE);
    assert_eq!(std::fs::metadata(&out).expect("file").len(), SIZE);
    assert_eq!(last, SIZE);
    assert!(
        calls > 10,
        "the body arrived in chunks ({calls} progress calls)"
    );
    let entries = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(entries, 1, "no temp file left beside the video");
}

fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn local_files_are_uploaded_and_the_urls_sent() {
    for key in [UploadKey::FileUrls, UploadKey::Urls] {
        let server = server(config().with_upload_key(key)).await;
        let client = client(&server, MediaUpload::Upload);
        let dir = tempfile::tempdir().expect("tempdir");
        let face = write_file(dir.path(), "face.png", b"\x89PNG fake image bytes");
        let voice = write_file(dir.path(), "voice.mp3", b"ID3 fake audio bytes");
        let input = hallo::Input::new(Media::file(&face), Media::file(&voice));
        client
            .hallo(&input)
            .await
            .expect("v1")
            .bytes()
            .await
            .expect("body");

        let body = last_body(&server, "/v1/hallo");
        for (field, path, mime) in [
            ("input_image", &face, "image/png"),
            ("input_audio", &voice, "audio/mpeg"),
        ] {
            let url = body[field].as_str().expect("a URL was sent");
            assert!(
                url.starts_with(&format!("{}/assets/", server.base_url())),
                "{url}"
            );
            // The stored asset is the file, byte for byte, with its MIME type.
            let reply = reqwest_get(url).await;
            assert_eq!(reply.0, std::fs::read(path).expect("read"));
            assert_eq!(reply.1, mime);
        }
        assert_eq!(server.post_count_for(Route::Upload), 2, "{key:?}");
    }
}

async fn reqwest_get(url: &str) -> (Vec<u8>, String) {
    let response = reqwest::get(url).await.expect("GET");
    let mime = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.bytes().await.expect("body").to_vec(), mime)
}

#[tokio::test(flavor = "multi_thread")]
async fn local_files_can_be_inlined_as_data_urls() {
    let server = server(config()).await;
    let client = client(&server, MediaUpload::Inline);
    let dir = tempfile::tempdir().expect("tempdir");
    let face = write_file(dir.path(), "face.png", b"png!");
    let input = hallo::Input::new(Media::file(&face), "https://media.example/voice.mp3");
    client.hallo(&input).await.expect("v1");
    let body = last_body(&server, "/v1/hallo");
    assert_eq!(body["input_image"], json!("data:image/png;base64,cG5nIQ=="));
    assert_eq!(server.post_count_for(Route::Upload), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_local_file_fails_before_any_request() {
    let server = server(config()).await;
    let client = client(&server, MediaUpload::Upload);
    let input = hallo::Input::new(
        Media::file("no/such/face.png"),
        "https://media.example/voice.mp3",
    );
    let err = client.hallo(&input).await.expect_err("missing file");
    assert!(matches!(err, segmind::Error::Validation(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("input_image: cannot read no/such/face.png"),
        "{err}"
    );
    let err = client.hallo_submit(&input).await.expect_err("missing file");
    assert!(matches!(err, segmind::Error::Validation(_)), "{err:?}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_input_is_refused_before_any_request() {
    let server = server(config()).await;
    let client = client(&server, MediaUpload::Upload);
    let input = hallo_input().pose_weight(12.0).lip_weight(-1.0);
    let err = client.hallo(&input).await.expect_err("invalid");
    let segmind::Error::Validation(report) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(report.violations.len(), 2);
    assert!(!err.is_retryable());
    assert!(server.requests().is_empty());
}
