//! Retries: a 429 is waited out and the POST sent again (it was not billed);
//! nothing else repeats a POST; the budget and the longest wait hold.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use segmind_runtime::{Error, RetryPolicy};
use serde_json::json;

use crate::support::*;

fn unix_seconds_from_now(wait: Duration) -> String {
    let at = SystemTime::now() + wait;
    format!(
        "{:.3}",
        at.duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
    )
}

#[tokio::test]
async fn a_429_waits_for_the_reset_then_succeeds() {
    let stub = Stub::start(|ctx| {
        if ctx.nth == 0 {
            let reset = unix_seconds_from_now(Duration::from_millis(80));
            Reply::Now(respond(
                429,
                &[
                    ("content-type", "application/json"),
                    ("x-rate-limit-reset-at-utc", &reset),
                ],
                json!({"error": "Rate limit exceeded"}).to_string(),
            ))
        } else {
            video_reply(pattern(8), &[])
        }
    })
    .await;
    let started = Instant::now();
    let video = stub
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(60),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(video.bytes().await.unwrap().len(), 8);
    assert_eq!(stub.count("POST", "/v1/test-model"), 2);
    let bodies: Vec<_> = stub.requests().iter().map(|r| r.json()).collect();
    assert_eq!(bodies[0], bodies[1], "the same body is sent again");
}

#[tokio::test]
async fn a_429_with_retry_after_seconds_is_honoured() {
    let stub = Stub::start(|ctx| {
        if ctx.nth == 0 {
            Reply::Now(respond(429, &[("retry-after", "0.05")], "slow down"))
        } else {
            video_reply(pattern(3), &[])
        }
    })
    .await;
    let started = Instant::now();
    stub.client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(40));
    assert_eq!(stub.count("POST", "/v1/test-model"), 2);
}

#[tokio::test]
async fn a_429_without_hints_backs_off_within_the_budget() {
    let stub = Stub::start(|_| {
        Reply::Now(respond(
            429,
            &[("content-type", "application/json")],
            r#"{"error":"Too many"}"#,
        ))
    })
    .await;
    let err = stub
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap_err();
    match &err {
        Error::RateLimited {
            reset_at,
            retry_after,
            info,
        } => {
            assert_eq!((*reset_at, *retry_after), (None, None));
            assert_eq!(info.message.as_deref(), Some("Too many"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    // The first try and three retries.
    assert_eq!(stub.count("POST", "/v1/test-model"), 4);
    assert_no_key(&err);
}

#[tokio::test]
async fn a_reset_further_away_than_the_longest_wait_is_returned_at_once() {
    let stub = Stub::start(|_| {
        let reset = unix_seconds_from_now(Duration::from_secs(3600));
        Reply::Now(respond(429, &[("x-rate-limit-reset-at-utc", &reset)], ""))
    })
    .await;
    let started = Instant::now();
    let err = stub
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match err {
        Error::RateLimited {
            reset_at: Some(at), ..
        } => assert!(at > SystemTime::now() + Duration::from_secs(3000)),
        other => panic!("{other:?}"),
    }
    assert_eq!(stub.count("POST", "/v1/test-model"), 1);
}

#[tokio::test]
async fn no_retries_when_the_policy_says_none() {
    let stub = Stub::start(|_| Reply::Now(respond(429, &[], ""))).await;
    let client = stub.builder().retry(RetryPolicy::none()).build().unwrap();
    assert!(matches!(
        client.run::<Video, _>(&TestInput::url()).await,
        Err(Error::RateLimited { .. })
    ));
    assert_eq!(stub.count("POST", "/v1/test-model"), 1);
}

#[tokio::test]
async fn server_errors_on_a_post_are_never_retried() {
    for status in [500u16, 502, 503, 504] {
        let stub = Stub::start(move |_| Reply::Now(respond(status, &[], "down"))).await;
        let err = stub
            .client()
            .run::<Video, _>(&TestInput::url())
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(stub.count("POST", "/v1/test-model"), 1, "{status}");
    }
}
