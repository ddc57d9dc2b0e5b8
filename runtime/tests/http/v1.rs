//! v1: the binary answer streamed to a file (atomically), base64 JSON
//! answers, and the metadata headers.

use std::time::Duration;

use base64::Engine as _;
use segmind_runtime::{Error, Media};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn binary_video_is_streamed_to_a_file_with_its_metadata() {
    let video = pattern(1 << 20);
    let served = video.clone();
    let stub = Stub::start(move |_| {
        video_reply(
            served.clone(),
            &[
                ("x-remaining-credits", "41.5"),
                ("x-cost", "0.421"),
                ("x-request-id", "req-v1"),
                ("x-generation-time", "93.2"),
                ("x-rate-limit-reset-at-utc", "2030-01-01T00:00:00Z"),
            ],
        )
    })
    .await;
    let input = TestInput::url();
    let result = stub.client().run::<Video, _>(&input).await.unwrap();
    assert!(result.is_streamed());
    assert_eq!(result.content_type(), Some("video/mp4"));
    assert_eq!(result.content_length(), Some(1 << 20));
    let meta = result.meta().clone();
    assert_eq!(meta.remaining_credits, Some(41.5));
    assert_eq!(meta.cost, Some(0.421));
    assert_eq!(meta.request_id.as_deref(), Some("req-v1"));
    assert_eq!(meta.generation_time, Some(93.2));
    assert_eq!(
        meta.rate_limit_reset_at,
        Some(std::time::UNIX_EPOCH + Duration::from_secs(1_893_456_000))
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.mp4");
    let mut reports = Vec::new();
    let written = result
        .save_with_progress(&path, |n, total| reports.push((n, total)))
        .await
        .unwrap();
    assert_eq!(written, 1 << 20);
    assert_eq!(std::fs::read(&path).unwrap(), video);
    assert_eq!(names_in(dir.path()), vec!["out.mp4"]);
    assert_eq!(reports.first(), Some(&(0, Some(1 << 20))));
    assert_eq!(reports.last(), Some(&(1 << 20, Some(1 << 20))));
    assert!(reports.windows(2).all(|w| w[0].0 <= w[1].0));

    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/test-model")
    );
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert!(request
        .header("user-agent")
        .unwrap()
        .starts_with("segmind-rs/"));
    assert_eq!(
        request.json(),
        json!({"input_image": "https://images.test/face.png", "strength": 1.0})
    );
}

#[tokio::test]
async fn octet_stream_and_missing_content_types_are_binary() {
    let stub = Stub::start(|ctx| {
        if ctx.nth == 0 {
            Reply::Now(respond(
                200,
                &[("content-type", "application/octet-stream")],
                pattern(10),
            ))
        } else {
            Reply::Now(respond(200, &[], pattern(12)))
        }
    })
    .await;
    let client = stub.client();
    let first = client.run::<Video, _>(&TestInput::url()).await.unwrap();
    assert_eq!(first.content_type(), Some("application/octet-stream"));
    assert_eq!(
        first.bytes().await.unwrap().as_ref(),
        pattern(10).as_slice()
    );
    let second = client.run::<Video, _>(&TestInput::url()).await.unwrap();
    assert_eq!(second.content_type(), None);
    let mut out = Vec::new();
    assert_eq!(second.write_to(&mut out).await.unwrap(), 12);
    assert_eq!(out, pattern(12));
}

#[tokio::test]
async fn a_body_cut_off_midway_leaves_no_file_and_no_temp_file() {
    // Chunked, then with a Content-Length the body never reaches.
    for declared in [None, Some("4096")] {
        let stub = Stub::start(move |_| {
            let mut response = respond(
                200,
                &[("content-type", "video/mp4")],
                cut_body(pattern(2048)),
            );
            if let Some(len) = declared {
                response
                    .headers_mut()
                    .insert("content-length", len.parse().unwrap());
            }
            Reply::Now(response)
        })
        .await;
        let video = stub
            .client()
            .run::<Video, _>(&TestInput::url())
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mp4");
        let err = video.save(&path).await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{declared:?}: {err:?}");
        assert!(!path.exists());
        assert!(
            names_in(dir.path()).is_empty(),
            "{:?}",
            names_in(dir.path())
        );
        assert_no_key(&err);
        assert_eq!(stub.count("POST", "/v1/test-model"), 1);
    }
}

#[tokio::test]
async fn a_cut_body_fails_bytes_too() {
    let stub = Stub::start(|_| {
        Reply::Now(respond(
            200,
            &[("content-type", "video/mp4")],
            cut_body(pattern(100)),
        ))
    })
    .await;
    let err = stub
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn base64_json_answers_are_decoded() {
    let mp4 = b"\0\0\0\x18ftypmp42 some more video bytes".to_vec();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&mp4);
    let stub = Stub::start(move |ctx| match ctx.nth {
        0 => json_reply(200, json!({"video": encoded, "status": "done"})),
        1 => json_reply(
            200,
            json!({"out_b64": format!("data:video/webm;base64,{encoded}")}),
        ),
        _ => json_reply(
            200,
            json!({"result_url": "https://x.test/a.mp4", "error": "nothing here"}),
        ),
    })
    .await;
    let client = stub.client();
    let mut input = TestInput::url();
    input.base64 = Some(true);

    let video = client.run::<Video, _>(&input).await.unwrap();
    assert!(!video.is_streamed());
    assert_eq!(video.content_type(), Some("video/mp4"));
    assert_eq!(video.content_length(), Some(mp4.len() as u64));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b64.mp4");
    assert_eq!(video.save(&path).await.unwrap(), mp4.len() as u64);
    assert_eq!(std::fs::read(&path).unwrap(), mp4);
    assert_eq!(stub.requests()[0].json()["base64"], json!(true));

    let webm = client.run::<Video, _>(&input).await.unwrap();
    assert_eq!(webm.content_type(), Some("video/webm"));
    assert_eq!(webm.bytes().await.unwrap().as_ref(), mp4.as_slice());

    let err = client.run::<Video, _>(&input).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing here"), "{err}");
}

#[tokio::test]
async fn invalid_json_in_base64_mode_is_a_decode_error() {
    let stub = Stub::start(|_| {
        Reply::Now(respond(
            200,
            &[("content-type", "application/json")],
            "{\"video\": ",
        ))
    })
    .await;
    let err = stub
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn garbage_metadata_headers_are_just_none() {
    let stub = Stub::start(|_| {
        video_reply(
            pattern(4),
            &[
                ("x-remaining-credits", "plenty"),
                ("x-cost", ""),
                ("x-generation-time", "1.2.3"),
                ("x-rate-limit-reset-at-utc", "whenever"),
            ],
        )
    })
    .await;
    let video = stub
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap();
    assert_eq!(video.meta(), &segmind_runtime::ResponseMeta::default());
    assert_eq!(video.bytes().await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_the_post_is_not_repeated() {
    let stub =
        Stub::start(|_| Reply::After(Duration::from_millis(400), video_reply_now(pattern(4))))
            .await;
    let client = stub
        .builder()
        .request_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.run::<Video, _>(&TestInput::url()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                request_id: None,
                ..
            }
        ),
        "{err:?}"
    );
    // It may have started a billed job: retrying blindly could pay twice.
    assert!(!err.is_retryable());
    assert!(err.may_have_been_billed());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(stub.count("POST", "/v1/test-model"), 1);
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let stub = Stub::start(|_| video_reply(pattern(4), &[])).await;
    let mut input = TestInput::new(Media::url("https://images.test/face.png"));
    input.strength = 12.0;
    let err = stub.client().run::<Video, _>(&input).await.unwrap_err();
    match &err {
        Error::Validation(report) => assert_eq!(report.violations.len(), 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "invalid test-model input (1 problem): strength: 12.0 is above the maximum 10"
    );
    assert!(!err.is_retryable());
    assert!(stub.requests().is_empty());
}

fn video_reply_now(bytes: Vec<u8>) -> axum::response::Response {
    respond(200, &[("content-type", "video/mp4")], bytes)
}
