//! A reply is a video only if it is one: HTML pages, empty bodies, JSON
//! errors under a video type and bodies cut short without a length are
//! refused before anything is saved, and say what arrived.

use axum::body::Body;
use bytes::Bytes;
use segmind_runtime::{Error, WaitOptions};
use serde_json::json;

use crate::support::*;

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

/// Saves the v1 reply of a server answering `reply` and returns the error.
async fn v1_save_error(reply: impl Fn() -> Reply + Send + Sync + 'static) -> Error {
    let stub = Stub::start(move |_| reply()).await;
    let dir = tempfile::tempdir().unwrap();
    let outcome = match stub.client().run::<Video, _>(&TestInput::url()).await {
        Ok(video) => video.save(dir.path().join("out.mp4")).await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert_eq!(files_in(dir.path()), 0, "something was left on disk");
    assert_eq!(stub.count("POST", "/v1/test-model"), 1);
    outcome.unwrap_err()
}

/// A body sent in chunks, with no Content-Length, ending cleanly.
fn chunked(bytes: Vec<u8>) -> Body {
    let parts: Vec<Result<Bytes, std::io::Error>> = bytes
        .chunks(7)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    Body::from_stream(futures_util::stream::iter(parts))
}

#[tokio::test]
async fn an_html_page_is_not_a_video() {
    let page = "<!DOCTYPE html><html><head><title>Captive portal</title></head></html>";
    for content_type in [
        "text/html; charset=utf-8",
        "video/mp4",
        "application/octet-stream",
    ] {
        let err = v1_save_error(move || {
            Reply::Now(respond(
                200,
                &[("content-type", content_type), ("x-request-id", "req-h")],
                page,
            ))
        })
        .await;
        let Error::NotMedia(info) = &err else {
            panic!("{content_type}: {err:?}")
        };
        assert_eq!(info.content_type.as_deref(), Some(content_type));
        assert!(info.head.starts_with(b"<!DOCTYPE"), "{info:?}");
        let text = err.to_string();
        assert!(
            text.contains("not a video") && text.contains("<!DOCTYPE html>"),
            "{text}"
        );
        assert_eq!(err.request_id().as_deref(), Some("req-h"));
    }
}

#[tokio::test]
async fn an_empty_body_is_not_a_video() {
    let err = v1_save_error(|| video_reply(Vec::new(), &[])).await;
    assert!(matches!(err, Error::NotMedia(_)), "{err:?}");
    assert!(err.to_string().contains("0 bytes"), "{err}");
    let err = v1_save_error(|| {
        Reply::Now(respond(
            200,
            &[("content-type", "video/mp4")],
            chunked(vec![]),
        ))
    })
    .await;
    assert!(matches!(err, Error::NotMedia(_)), "{err:?}");
}

#[tokio::test]
async fn a_json_error_under_a_video_type_says_its_message() {
    let body = json!({"error": "Model crashed: CUDA out of memory"}).to_string();
    let err = v1_save_error(move || video_reply(body.clone().into_bytes(), &[])).await;
    let Error::NotMedia(info) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        info.message.as_deref(),
        Some("Model crashed: CUDA out of memory")
    );
    assert!(err.to_string().contains("CUDA out of memory"), "{err}");
}

#[tokio::test]
async fn an_image_type_is_not_a_video() {
    let err =
        v1_save_error(|| Reply::Now(respond(200, &[("content-type", "image/png")], mp4_file(10))))
            .await;
    assert!(matches!(err, Error::NotMedia(_)), "{err:?}");
}

#[tokio::test]
async fn an_mp4_cut_short_without_a_length_is_refused() {
    let whole = mp4_file(5000);
    for keep in [whole.len() - 1, whole.len() / 2, 30] {
        let part = whole[..keep].to_vec();
        let err = v1_save_error(move || {
            Reply::Now(respond(
                200,
                &[("content-type", "video/mp4"), ("x-request-id", "req-c")],
                chunked(part.clone()),
            ))
        })
        .await;
        assert!(matches!(err, Error::Decode { .. }), "{keep}: {err:?}");
        assert!(err.to_string().contains("cut off"), "{err}");
        assert_eq!(err.request_id().as_deref(), Some("req-c"));
    }
}

#[tokio::test]
async fn a_whole_mp4_without_a_length_is_saved() {
    let whole = mp4_file(5000);
    let served = whole.clone();
    let stub = Stub::start(move |_| {
        Reply::Now(respond(
            200,
            &[("content-type", "video/mp4")],
            chunked(served.clone()),
        ))
    })
    .await;
    let video = stub
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap();
    assert_eq!(video.content_length(), None);
    assert!(video.end_is_checked());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.mp4");
    assert_eq!(video.save(&path).await.unwrap(), whole.len() as u64);
    assert_eq!(std::fs::read(&path).unwrap(), whole);
}

#[tokio::test]
async fn a_webm_without_a_length_is_saved_but_flagged_unchecked() {
    let webm = [&[0x1A, 0x45, 0xDF, 0xA3][..], &pattern(100)].concat();
    let served = webm.clone();
    let stub = Stub::start(move |_| {
        Reply::Now(respond(
            200,
            &[("content-type", "video/webm")],
            chunked(served.clone()),
        ))
    })
    .await;
    let video = stub
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap();
    assert!(!video.end_is_checked());
    assert_eq!(video.bytes().await.unwrap().as_ref(), webm.as_slice());
}

#[tokio::test]
async fn a_v2_output_url_answering_an_access_denied_page_is_refused() {
    let page = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>";
    let stub = Stub::start(move |ctx| match ctx.request.path.as_str() {
        "/v2/requests/r-1" => {
            json_reply(200, json!({"output": format!("{}/files/o.mp4", ctx.base)}))
        }
        _ => Reply::Now(respond(200, &[("content-type", "application/xml")], page)),
    })
    .await;
    let result = stub.client().job("r-1").result().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = result
        .download::<Video>()
        .await
        .unwrap()
        .save(dir.path().join("o.mp4"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotMedia(_)), "{err:?}");
    assert!(err.to_string().contains("AccessDenied"), "{err}");
    assert_eq!(err.request_id().as_deref(), Some("r-1"));
    assert_eq!(files_in(dir.path()), 0);
    let _ = WaitOptions::default();
}
