//! Tracing: the spans and events a call emits, captured by a subscriber
//! that records everything at every level, with a canary API key that the
//! server echoes wherever it can. The events must be there (call, retry,
//! upload, poll, save, status and latency) and the key nowhere.
//!
//! A test binary of its own, with one test: tracing caches per call site
//! whether anyone listens, and a call site first reached on another test's
//! thread (with no subscriber there) could stay off for this one.

#[allow(dead_code)] // the helpers other HTTP tests use
#[path = "http/support.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use segmind_runtime::{Media, WaitOptions};
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::support::*;

const CANARY: &str = "sk-trace-canary-5Kd";

/// Everything the subscriber wrote.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A server that echoes the key into headers and bodies: the v1 call is
/// rate limited once, then answers with the key as its request id; the
/// upload answers with the key in its URL list; the v2 job is polled twice.
fn echoing(ctx: &Ctx<'_>) -> Reply {
    let key = ctx.request.header("x-api-key").unwrap_or("").to_owned();
    let base = ctx.base;
    match (ctx.request.method.as_str(), ctx.request.path.as_str()) {
        ("POST", "/upload-asset") => json_reply(
            200,
            json!({"file_urls": [format!("{base}/files/face.png")], "echo": key}),
        ),
        ("POST", "/v1/test-model") if ctx.nth == 0 => Reply::Now(respond(
            429,
            &[("x-echo", &key)],
            format!("{{\"error\": \"slow down, {key}\"}}"),
        )),
        ("POST", "/v1/test-model") => {
            video_reply(mp4_file(200), &[("x-request-id", &key), ("x-cost", "0.5")])
        }
        ("POST", "/v2/test-model") => json_reply(
            200,
            json!({"request_id": "req-7", "status": "QUEUED", "echo": key}),
        ),
        ("GET", "/v2/requests/req-7/status") => {
            let state = ["PROCESSING", "COMPLETED"][ctx.nth.min(1)];
            json_reply(200, json!({"status": state, "note": key}))
        }
        ("GET", "/v2/requests/req-7") => json_reply(
            200,
            json!({"status": "COMPLETED", "output": format!("{base}/files/{key}.mp4"),
                   "metrics": {"cost": 0.25}}),
        ),
        _ => Reply::Now(respond(500, &[("x-echo", &key)], key.clone())),
    }
}

#[tokio::test]
async fn spans_and_events_are_emitted_and_never_carry_the_key() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let api = Stub::start(echoing).await;
    let client = api.builder().api_key(CANARY).build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let face = dir.path().join("face.png");
    std::fs::write(&face, b"\x89PNG\r\n\x1a\nnot really").unwrap();

    let video = client
        .run::<Video, _>(&TestInput::new(Media::file(&face)))
        .await
        .unwrap();
    video.save(dir.path().join("out.mp4")).await.unwrap();

    let job = client.submit(&TestInput::url()).await.unwrap();
    let options = WaitOptions::new()
        .with_poll_interval(Duration::from_millis(5))
        .with_deadline(Duration::from_secs(5));
    job.wait(options).await.unwrap();
    // A failure is an event too.
    let failed = client.job("gone").status().await.unwrap_err();
    assert_eq!(failed.status().map(|s| s.as_u16()), Some(500));

    let text = captured.text();
    assert!(!text.contains(CANARY), "the key was traced:\n{text}");
    for expected in [
        "segmind.call",
        "model=\"test-model\"",
        "endpoint=\"v1\"",
        "endpoint=\"v2\"",
        "segmind.request",
        "attempt=1",
        "status=429",
        "status=200",
        "status=500",
        "latency_ms=",
        "retrying",
        "uploading a local file",
        "bytes=18",
        "output saved",
        "model call answered",
        "segmind.job",
        "request_id=req-7",
        "polled",
        "job completed",
        "not retried",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
}
