//! Output kinds: images, audio and JSON through v1 and v2, base64 replies
//! of each media kind, replies of the wrong kind refused, the end of PNG,
//! JPEG and WAV checked without a `Content-Length`, extensions from the
//! reply's type; and every kind against the local Segmind server.

use axum::body::Body;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use segmind_runtime::{
    AnyMediaKind, Audio, Error, Image, JsonOutput, MediaOutput, OutputKind, WaitOptions,
};
use segmind_server::{ServerConfig, TestServer};
use serde_json::json;

use crate::support::*;

fn png() -> &'static [u8] {
    TestServer::fixture_image("png").unwrap()
}

fn jpeg() -> &'static [u8] {
    TestServer::fixture_image("jpeg").unwrap()
}

fn wav() -> &'static [u8] {
    TestServer::fixture_audio()
}

/// A body sent in small chunks, with no Content-Length.
fn chunked(bytes: &[u8]) -> Body {
    let parts: Vec<Result<Bytes, std::io::Error>> = bytes
        .chunks(5)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    Body::from_stream(futures_util::stream::iter(parts))
}

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

#[tokio::test]
async fn an_image_is_saved_with_the_extension_of_its_type() {
    let stub = Stub::start(|_| {
        Reply::Now(respond(
            200,
            &[("content-type", "image/png"), ("x-request-id", "img-1")],
            png(),
        ))
    })
    .await;
    let image: Image = stub
        .client()
        .run(&TestInput::of_kind(OutputKind::Image))
        .await
        .unwrap();
    assert_eq!(image.extension(), "png");
    assert_eq!(image.content_type(), Some("image/png"));
    assert!(image.is_streamed() && image.end_is_checked());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("out.{}", image.extension()));
    assert_eq!(image.save(&path).await.unwrap(), png().len() as u64);
    assert_eq!(std::fs::read(&path).unwrap(), png());
}

#[tokio::test]
async fn png_jpeg_and_wav_ends_are_checked_without_a_length() {
    let cases: [(&'static str, &'static [u8], OutputKind); 3] = [
        ("image/png", png(), OutputKind::Image),
        ("image/jpeg", jpeg(), OutputKind::Image),
        ("audio/wav", wav(), OutputKind::Audio),
    ];
    for (content_type, file, kind) in cases {
        // Whole: saved.
        let stub = Stub::start(move |_| {
            Reply::Now(respond(
                200,
                &[("content-type", content_type)],
                chunked(file),
            ))
        })
        .await;
        let dir = tempfile::tempdir().unwrap();
        let input = TestInput::of_kind(kind);
        let media: MediaOutput<AnyMediaKind> = stub.client().run(&input).await.unwrap();
        assert!(media.content_length().is_none() && media.end_is_checked());
        let bytes = media.bytes().await.unwrap();
        assert_eq!(&bytes[..], file, "{content_type}");

        // Cut short (cleanly, so only the container can tell): refused.
        let short = &file[..file.len() - 3];
        let stub = Stub::start(move |_| {
            Reply::Now(respond(
                200,
                &[("content-type", content_type)],
                chunked(short),
            ))
        })
        .await;
        let media: MediaOutput<AnyMediaKind> = stub.client().run(&input).await.unwrap();
        let err = media.save(dir.path().join("out")).await.unwrap_err();
        assert!(
            matches!(err, Error::Decode { .. }),
            "{content_type}: {err:?}"
        );
        assert!(err.to_string().contains("cut off"), "{err}");
        assert_eq!(files_in(dir.path()), 0, "{content_type}");
    }
}

#[tokio::test]
async fn an_mp3_without_a_length_says_its_end_is_not_checked() {
    let mp3 = b"ID3\x04\0\0\0\0\0\0 frames of sound".to_vec();
    let stub = Stub::start(move |_| {
        Reply::Now(respond(
            200,
            &[("content-type", "audio/mpeg")],
            chunked(&mp3),
        ))
    })
    .await;
    let audio: Audio = stub
        .client()
        .run(&TestInput::of_kind(OutputKind::Audio))
        .await
        .unwrap();
    assert!(!audio.end_is_checked());
    assert_eq!(audio.extension(), "mp3");
    assert_eq!(audio.bytes().await.unwrap().len(), 26);
}

/// The error of saving a v1 reply of `content_type` and `body` as `kind`.
async fn refused(kind: OutputKind, content_type: &'static str, body: &'static [u8]) -> Error {
    let stub = Stub::start(move |_| {
        Reply::Now(respond(
            200,
            &[("content-type", content_type), ("x-request-id", "req-k")],
            body,
        ))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = stub.client();
    let input = TestInput::of_kind(kind);
    let path = dir.path().join("out");
    let err = match kind {
        OutputKind::Image => match client.run::<Image, _>(&input).await {
            Ok(media) => media.save(&path).await.unwrap_err(),
            Err(e) => e,
        },
        OutputKind::Audio => match client.run::<Audio, _>(&input).await {
            Ok(media) => media.save(&path).await.unwrap_err(),
            Err(e) => e,
        },
        _ => match client.run::<Video, _>(&input).await {
            Ok(media) => media.save(&path).await.unwrap_err(),
            Err(e) => e,
        },
    };
    assert_eq!(files_in(dir.path()), 0);
    assert_eq!(err.request_id().as_deref(), Some("req-k"));
    err
}

#[tokio::test]
async fn replies_of_the_wrong_kind_are_refused() {
    let mp4: &'static [u8] = Box::leak(mp4_file(100).into_boxed_slice());
    let cases: [(OutputKind, &'static str, &'static [u8], &str); 7] = [
        (
            OutputKind::Video,
            "image/png",
            png(),
            "not a video: image/png",
        ),
        (
            OutputKind::Image,
            "video/mp4",
            mp4,
            "not an image: video/mp4",
        ),
        (
            OutputKind::Audio,
            "image/jpeg",
            jpeg(),
            "not audio: image/jpeg",
        ),
        (
            OutputKind::Video,
            "application/octet-stream",
            png(),
            "its bytes are image/png, not video",
        ),
        (
            OutputKind::Image,
            "image/png",
            wav(),
            "its bytes are audio/wav, not image",
        ),
        (
            OutputKind::Image,
            "text/html",
            b"<html><title>Gateway</title></html>",
            "<html>",
        ),
        (
            OutputKind::Audio,
            "audio/wav",
            br#"{"error": "voice not found"}"#,
            "saying: voice not found",
        ),
    ];
    for (kind, content_type, body, says) in cases {
        let err = refused(kind, content_type, body).await;
        let Error::NotMedia(info) = &err else {
            panic!("{kind:?} {content_type}: {err:?}")
        };
        assert_eq!(info.expected, kind.as_str(), "{err}");
        assert_eq!(info.content_type.as_deref(), Some(content_type));
        let text = err.to_string();
        assert!(text.contains(says), "{text}");
        assert!(text.contains("nothing was saved"), "{text}");
    }
}

#[tokio::test]
async fn asking_for_the_wrong_type_sends_nothing() {
    let stub = Stub::start(|_| video_reply(mp4_file(10), &[])).await;
    let client = stub.client();
    let image_model = TestInput::of_kind(OutputKind::Image);
    let err = client.run::<Video, _>(&image_model).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("returns image, but its output was asked for as video"),
        "{err}"
    );
    let err = client
        .run::<JsonOutput, _>(&TestInput::url())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("as JSON"), "{err}");
    let err = client
        .run::<MediaOutput<AnyMediaKind>, _>(&TestInput::of_kind(OutputKind::Json))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("returns json"), "{err}");
    assert!(!err.may_have_been_billed());
    assert_eq!(stub.count("POST", "/v1/test-model"), 0);
}

#[tokio::test]
async fn base64_images_and_audio_are_decoded_from_their_keys() {
    for (kind, key, file, ext) in [
        (OutputKind::Image, "image", png(), "png"),
        (OutputKind::Image, "image", jpeg(), "jpg"),
        (OutputKind::Audio, "audio", wav(), "wav"),
    ] {
        let body = json!({ key: STANDARD.encode(file), "status": "Success" });
        let stub = Stub::start(move |_| json_reply(200, body.clone())).await;
        let input = TestInput {
            base64: Some(true),
            ..TestInput::of_kind(kind)
        };
        let media: MediaOutput<AnyMediaKind> = stub.client().run(&input).await.unwrap();
        assert!(!media.is_streamed());
        assert_eq!(media.content_length(), Some(file.len() as u64));
        assert_eq!(media.extension(), ext);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        assert_eq!(media.save(&path).await.unwrap(), file.len() as u64);
        assert_eq!(std::fs::read(&path).unwrap(), file, "{key}");
    }
}

#[tokio::test]
async fn a_json_answer_is_kept_whole_and_redacted() {
    let answer = json!({
        "text": "A cat on a mat.",
        "nested": {"list": [1, 2.5, null, {"deep": true}], "unknown_key": "kept"},
        "echo": format!("the key was {KEY}"),
    });
    let reply = answer.clone();
    let stub = Stub::start(move |_| {
        Reply::Now(respond(
            200,
            &[("content-type", "application/json"), ("x-cost", "0.01")],
            reply.to_string(),
        ))
    })
    .await;
    let output: JsonOutput = stub
        .client()
        .run(&TestInput::of_kind(OutputKind::Json))
        .await
        .unwrap();
    assert_eq!(output.value()["nested"], answer["nested"]);
    assert_eq!(output.value()["text"], "A cat on a mat.");
    assert_eq!(output.value()["echo"], "the key was [redacted]");
    assert_eq!(output.meta().cost, Some(0.01));
    assert_no_key_in_debug(&output);

    // Plain text is kept as a string; an HTML page is not JSON.
    let stub = Stub::start(|_| {
        Reply::Now(respond(
            200,
            &[("content-type", "text/plain")],
            "just words",
        ))
    })
    .await;
    let input = TestInput::of_kind(OutputKind::Json);
    let output: JsonOutput = stub.client().run(&input).await.unwrap();
    assert_eq!(output.value(), &json!("just words"));
    let stub = Stub::start(|_| {
        Reply::Now(respond(
            200,
            &[("content-type", "text/html")],
            "<html></html>",
        ))
    })
    .await;
    let err = stub
        .client()
        .run::<JsonOutput, _>(&input)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("is not JSON: text/html"), "{err}");
}

fn fast() -> WaitOptions {
    WaitOptions::new()
        .with_poll_interval(std::time::Duration::from_millis(5))
        .with_deadline(std::time::Duration::from_secs(5))
}

async fn local(kinds: bool) -> (TestServer, segmind_runtime::Client) {
    let dir = if kinds {
        segmind_server::kinds_schema_dir()
    } else {
        segmind_server::workspace_schema_dir()
    };
    let server = TestServer::start(ServerConfig::new(dir).with_polls_before_complete(0))
        .await
        .unwrap();
    let client = segmind_runtime::Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(fast_retry())
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn every_kind_through_v1_and_v2_against_the_local_server() {
    let (server, client) = local(true).await;
    let cases = [
        (
            model("flux-schnell", OutputKind::Image),
            json!({"prompt": "a fox"}),
            jpeg(),
            "jpg",
        ),
        (
            model("esrgan", OutputKind::Image),
            json!({"image": "https://x.test/a.png", "output_format": "png"}),
            png(),
            "png",
        ),
        (
            model("esrgan", OutputKind::Image),
            json!({"image": "https://x.test/a.png", "output_format": "webp"}),
            TestServer::fixture_image("webp").unwrap(),
            "webp",
        ),
        (
            model("gemini-3.1-flash-tts", OutputKind::Audio),
            json!({"text": "hello"}),
            wav(),
            "wav",
        ),
    ];
    for (info, body, file, ext) in cases {
        let input = RawInput {
            info,
            body: body.clone(),
        };
        // v1, raw and base64.
        let media: MediaOutput<AnyMediaKind> = client.run(&input).await.unwrap();
        assert_eq!(media.extension(), ext, "{}", info.slug);
        assert_eq!(&media.bytes().await.unwrap()[..], file, "{}", info.slug);
        let mut with_base64 = body.clone();
        with_base64["base64"] = json!(true);
        let input64 = RawInput {
            info,
            body: with_base64,
        };
        let media: MediaOutput<AnyMediaKind> = client.run(&input64).await.unwrap();
        assert!(!media.is_streamed());
        assert_eq!(media.extension(), ext, "{} base64", info.slug);
        assert_eq!(
            &media.bytes().await.unwrap()[..],
            file,
            "{} base64",
            info.slug
        );
        // v2.
        let done = client
            .submit(&input)
            .await
            .unwrap()
            .wait(fast())
            .await
            .unwrap();
        let url = done.output_url().unwrap().to_owned();
        assert!(url.ends_with(&format!(".{ext}")), "{url}");
        let media = done.download::<MediaOutput<AnyMediaKind>>().await.unwrap();
        assert_eq!(&media.bytes().await.unwrap()[..], file, "{} v2", info.slug);
    }
    // The typed kinds too.
    let flux = RawInput {
        info: model("flux-schnell", OutputKind::Image),
        body: json!({"prompt": "a fox"}),
    };
    let image: Image = client.run(&flux).await.unwrap();
    assert_eq!(image.bytes().await.unwrap().len(), jpeg().len());
    let done = client
        .submit(&flux)
        .await
        .unwrap()
        .wait(fast())
        .await
        .unwrap();
    let image = done.download::<Image>().await.unwrap();
    assert_eq!(image.content_type(), Some("image/jpeg"));
    let err = done.download::<Audio>().await.unwrap().bytes().await;
    assert!(matches!(err, Err(Error::NotMedia(_))), "{err:?}");
    drop(server);
}

#[tokio::test]
async fn json_models_through_v1_and_v2_against_the_local_server() {
    let (server, client) = local(true).await;
    let input = RawInput {
        info: model("llava-v1.6", OutputKind::Json),
        body: json!({"images": "https://x.test/cat.png", "prompt": "what is it?"}),
    };
    let answer: JsonOutput = client.run(&input).await.unwrap();
    assert_eq!(answer.value(), &TestServer::json_answer("llava-v1.6"));
    assert!(answer.meta().request_id.is_some());
    let done = client
        .submit(&input)
        .await
        .unwrap()
        .wait(fast())
        .await
        .unwrap();
    assert_eq!(done.output_url(), None);
    assert_eq!(done.json(), &TestServer::json_answer("llava-v1.6"));
    let requests = server.request_count();
    let answer = done.download::<JsonOutput>().await.unwrap();
    assert_eq!(answer.value(), &TestServer::json_answer("llava-v1.6"));
    assert_eq!(server.request_count(), requests, "nothing was fetched");
    let err = done.download::<Image>().await.unwrap_err();
    assert!(
        err.to_string().contains("not the URL of the image file"),
        "{err}"
    );
}
