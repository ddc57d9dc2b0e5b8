//! v2: submit, poll, result, download; a failed job, poll retries, the
//! deadline, and resuming a job from its request id.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use segmind_runtime::{Error, JobState, WaitOptions};
use serde_json::json;

use crate::support::*;

fn fast() -> WaitOptions {
    WaitOptions::new()
        .with_poll_interval(Duration::from_millis(5))
        .with_deadline(Duration::from_secs(5))
}

fn submitted(ctx: &Ctx<'_>, id: &str) -> Reply {
    json_reply(
        200,
        json!({
            "request_id": id,
            "status": "QUEUED",
            "poll_url": format!("{}/v2/requests/{id}/status", ctx.base),
            "status_url": format!("{}/v2/requests/{id}/status", ctx.base),
            "response_url": format!("{}/v2/requests/{id}", ctx.base),
        }),
    )
}

/// A Segmind-like v2 flow: queued, processing, then completed on poll 3.
fn happy_flow(ctx: &Ctx<'_>) -> Reply {
    let path = ctx.request.path.as_str();
    match (ctx.request.method.as_str(), path) {
        ("POST", "/v2/test-model") => submitted(ctx, "req-1"),
        ("GET", "/v2/requests/req-1/status") => {
            let state = ["QUEUED", "PROCESSING", "COMPLETED"][ctx.nth.min(2)];
            json_reply(
                200,
                json!({"status": state, "request_id": "req-1", "metrics": {"queue_time": 1.5}}),
            )
        }
        ("GET", "/v2/requests/req-1") => json_reply(
            200,
            json!({
                "request_id": "req-1",
                "status": "COMPLETED",
                "output": format!("{}/files/req-1.mp4", ctx.base),
                "metrics": {"cost": 0.3, "remaining_credits": "12.5", "inference_time": 80.5,
                            "queue_time": 2, "total_time": 82.5, "gpu": "A100"},
                "seed": 1234
            }),
        ),
        ("GET", "/files/req-1.mp4") => video_reply(pattern(3000), &[]),
        _ => Reply::Now(respond(404, &[], "no such route")),
    }
}

#[tokio::test]
async fn submit_wait_result_and_download() {
    let stub = Stub::start(happy_flow).await;
    let client = stub.client();
    let job = client.submit(&TestInput::url()).await.unwrap();
    assert_eq!(job.request_id(), "req-1");
    assert_eq!(
        job.status_url(),
        format!("{}/v2/requests/req-1/status", stub.base_url())
    );
    assert_eq!(
        job.response_url(),
        format!("{}/v2/requests/req-1", stub.base_url())
    );
    assert_no_key_in_debug(&job);

    let mut seen = Vec::new();
    let result = job
        .wait_with_progress(fast(), |status| seen.push(status.state.clone()))
        .await
        .unwrap();
    assert_eq!(
        seen,
        vec![JobState::Queued, JobState::Processing, JobState::Completed]
    );
    assert_eq!(result.request_id, "req-1");
    assert_eq!(
        result.output,
        format!("{}/files/req-1.mp4", stub.base_url())
    );
    assert_eq!(result.metrics.cost, Some(0.3));
    assert_eq!(result.metrics.remaining_credits, Some(12.5));
    assert_eq!(result.metrics.inference_time, Some(80.5));
    assert_eq!(result.metrics.queue_time, Some(2.0));
    assert_eq!(result.metrics.total_time, Some(82.5));
    assert_eq!(result.metrics.other.get("gpu"), Some(&json!("A100")));
    assert_eq!(result.extra.get("seed"), Some(&json!(1234)));
    assert_eq!(result.meta.cost, Some(0.3));
    assert_eq!(result.meta.request_id.as_deref(), Some("req-1"));
    assert_no_key_in_debug(&result);

    let video = result.download::<Video>().await.unwrap();
    assert_eq!(video.meta().cost, Some(0.3));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("job.mp4");
    assert_eq!(video.save(&path).await.unwrap(), 3000);
    assert_eq!(std::fs::read(&path).unwrap(), pattern(3000));

    assert_eq!(stub.count("POST", "/v2/test-model"), 1);
    assert_eq!(stub.count("GET", "/v2/requests/req-1/status"), 3);
    for request in stub.requests() {
        assert_eq!(
            request.header("x-api-key"),
            Some(KEY),
            "{} {}",
            request.method,
            request.path
        );
    }
}

#[tokio::test]
async fn the_key_is_not_sent_to_an_output_host_elsewhere() {
    let storage = Stub::start(|_| video_reply(pattern(10), &[])).await;
    let storage_url = storage.base_url();
    let api = Stub::start(move |ctx| match ctx.request.path.as_str() {
        "/v2/requests/req-9" => {
            json_reply(200, json!({"output": format!("{storage_url}/out.mp4")}))
        }
        _ => Reply::Now(respond(404, &[], "")),
    })
    .await;
    let result = api.client().job("req-9").result().await.unwrap();
    assert_eq!(
        result
            .download::<Video>()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len(),
        10
    );
    let fetched = storage.requests();
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].header("x-api-key"), None);
}

#[tokio::test]
async fn a_failed_job_answered_with_422_is_job_failed() {
    let stub = Stub::start(|ctx| match ctx.request.method.as_str() {
        "POST" => submitted(ctx, "req-f"),
        _ => json_reply(
            422,
            json!({"status": "FAILED", "error": "No face found in input_image"}),
        ),
    })
    .await;
    let job = stub.client().submit(&TestInput::url()).await.unwrap();
    let err = job.wait(fast()).await.unwrap_err();
    match &err {
        Error::JobFailed {
            request_id,
            message,
            info,
        } => {
            assert_eq!(request_id, "req-f");
            assert_eq!(message, "No face found in input_image");
            assert_eq!(info.as_ref().unwrap().status.as_u16(), 422);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "Segmind job req-f failed: No face found in input_image"
    );
    assert!(!err.is_retryable());
    assert_eq!(stub.count("GET", "/v2/requests/req-f/status"), 1);
    assert_no_key(&err);
    // One poll says the same.
    assert!(matches!(job.status().await, Err(Error::JobFailed { .. })));
}

#[tokio::test]
async fn a_failed_state_in_a_200_is_job_failed_too() {
    let stub =
        Stub::start(|_| json_reply(200, json!({"status": "FAILED", "error": "out of memory"})))
            .await;
    let err = stub.client().job("req-x").wait(fast()).await.unwrap_err();
    assert!(
        matches!(&err, Error::JobFailed { message, .. } if message == "out of memory"),
        "{err:?}"
    );
}

#[tokio::test]
async fn polls_are_retried_on_503() {
    let stub = Stub::start(|ctx| match (ctx.request.path.as_str(), ctx.nth) {
        ("/v2/requests/req-r/status", 0) => Reply::Now(respond(503, &[], "busy")),
        ("/v2/requests/req-r/status", 1) => Reply::Now(respond(502, &[], "bad gateway")),
        ("/v2/requests/req-r/status", _) => json_reply(200, json!({"status": "COMPLETED"})),
        ("/v2/requests/req-r", 0) => Reply::Now(respond(504, &[], "")),
        ("/v2/requests/req-r", _) => json_reply(200, json!({"output": "https://cdn.test/r.mp4"})),
        _ => Reply::Now(respond(404, &[], "")),
    })
    .await;
    let result = stub.client().job("req-r").wait(fast()).await.unwrap();
    assert_eq!(result.output, "https://cdn.test/r.mp4");
    assert_eq!(stub.count("GET", "/v2/requests/req-r/status"), 3);
    assert_eq!(stub.count("GET", "/v2/requests/req-r"), 2);
}

#[tokio::test]
async fn polls_give_up_after_the_retry_budget() {
    let stub = Stub::start(|_| Reply::Now(respond(503, &[], "busy"))).await;
    let err = stub.client().job("req-b").status().await.unwrap_err();
    assert!(matches!(err, Error::Server(_)), "{err:?}");
    assert_eq!(stub.count("GET", "/v2/requests/req-b/status"), 4);
}

#[tokio::test]
async fn the_deadline_gives_a_timeout_with_the_request_id_and_the_job_resumes() {
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let stub =
        Stub::start(
            move |ctx| match (ctx.request.method.as_str(), ctx.request.path.as_str()) {
                ("POST", _) => submitted(ctx, "req-slow"),
                ("GET", "/v2/requests/req-slow/status") => {
                    let state = if flag.load(Ordering::SeqCst) {
                        "COMPLETED"
                    } else {
                        "PROCESSING"
                    };
                    json_reply(200, json!({"status": state}))
                }
                ("GET", "/v2/requests/req-slow") => {
                    json_reply(200, json!({"output": "https://cdn.test/slow.mp4"}))
                }
                _ => Reply::Now(respond(404, &[], "")),
            },
        )
        .await;
    let client = stub.client();
    let job = client.submit(&TestInput::url()).await.unwrap();
    let options = WaitOptions::new()
        .with_poll_interval(Duration::from_millis(5))
        .with_deadline(Duration::from_millis(60));
    let err = job.wait(options).await.unwrap_err();
    let id = match &err {
        Error::Timeout {
            request_id: Some(id),
            after,
            ..
        } => {
            assert_eq!(*after, Duration::from_millis(60));
            id.clone()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(id, "req-slow");
    assert!(err.is_retryable());
    assert!(err.to_string().contains("req-slow"), "{err}");
    assert!(stub.count("GET", "/v2/requests/req-slow/status") >= 2);
    assert_no_key(&err);

    // Later, perhaps in another process: resume from the id alone.
    done.store(true, Ordering::SeqCst);
    let resumed = client.job(id);
    assert_eq!(
        resumed.status_url(),
        format!("{}/v2/requests/req-slow/status", stub.base_url())
    );
    assert_eq!(resumed.status().await.unwrap().state, JobState::Completed);
    let result = resumed.wait(fast()).await.unwrap();
    assert_eq!(result.output, "https://cdn.test/slow.mp4");
    assert_eq!(result.request_id, "req-slow");
}

#[tokio::test]
async fn a_poll_that_hangs_is_cut_by_the_deadline() {
    let stub = Stub::start(|_| Reply::After(Duration::from_secs(5), respond(200, &[], "{}"))).await;
    let options = WaitOptions::new().with_deadline(Duration::from_millis(50));
    let err = stub.client().job("req-h").wait(options).await.unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { request_id: Some(id), .. } if id == "req-h"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_expired_job_is_not_found() {
    let stub = Stub::start(|_| json_reply(404, json!({"error": "Request not found"}))).await;
    let err = stub.client().job("old").status().await.unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert_eq!(stub.count("GET", "/v2/requests/old/status"), 1);
}

#[tokio::test]
async fn submit_reply_urls_elsewhere_are_ignored_and_a_missing_id_is_an_error() {
    let stub = Stub::start(|ctx| match ctx.nth {
        0 => json_reply(
            200,
            json!({"request_id": "req-o", "status_url": "https://evil.test/steal", "response_url": "https://evil.test/r"}),
        ),
        _ => json_reply(200, json!({"status": "QUEUED"})),
    })
    .await;
    let client = stub.client();
    let job = client.submit(&TestInput::url()).await.unwrap();
    assert_eq!(
        job.status_url(),
        format!("{}/v2/requests/req-o/status", stub.base_url())
    );
    assert_eq!(
        job.response_url(),
        format!("{}/v2/requests/req-o", stub.base_url())
    );
    let err = client.submit(&TestInput::url()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("no request_id"), "{err}");
}

#[tokio::test]
async fn a_result_without_output_is_a_decode_error() {
    let stub = Stub::start(|_| json_reply(200, json!({"status": "COMPLETED", "seed": 3}))).await;
    let err = stub.client().job("req-n").result().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}
