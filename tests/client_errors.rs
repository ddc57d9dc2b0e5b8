//! Every error class of the client against the local Segmind server, the
//! retry rules (a billed POST is never repeated; 429s and polls are), cut-off
//! bodies that leave nothing behind, and the API key kept out of every
//! message.

use std::time::Duration;

use segmind::{Client, Error, RetryPolicy, WaitOptions};
use segmind_server::{Fault, Route, ServerConfig, TestServer};
use segmind_tests::{fast_wait, hallo_input};

const KEY: &str = "sk-SECRET-e2e-31415";

fn config() -> ServerConfig {
    ServerConfig::new(segmind_server::workspace_schema_dir()).with_api_key(KEY)
}

fn client_for(base_url: &str, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(base_url)
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(10))
                .with_max_delay(Duration::from_secs(5)),
        )
        .build()
        .expect("client")
}

/// Tells whether an error is of the expected class.
type IsClass = fn(&Error) -> bool;

/// Every string a caller could print of an error holds neither the key nor a part of it.
fn assert_no_key(err: &Error) {
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(
            !text.contains(KEY) && !text.contains("SECRET"),
            "key leaked: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_status_maps_to_its_error_class_and_keeps_status_and_body() {
    let server = TestServer::start(config()).await.expect("server");
    let client = client_for(&server.base_url(), KEY);
    let cases: Vec<(Fault, IsClass, u16)> = vec![
        (
            Fault::Status(400),
            |e| matches!(e, Error::BadRequest(_)),
            400,
        ),
        (
            Fault::Status(403),
            |e| matches!(e, Error::Forbidden(_)),
            403,
        ),
        (Fault::Status(404), |e| matches!(e, Error::NotFound(_)), 404),
        (
            Fault::Status(406),
            |e| matches!(e, Error::InsufficientCredits(_)),
            406,
        ),
        (Fault::Status(410), |e| matches!(e, Error::Gone(_)), 410),
        (Fault::Status(500), |e| matches!(e, Error::Server(_)), 500),
        (Fault::Status(502), |e| matches!(e, Error::Server(_)), 502),
        (Fault::Status(503), |e| matches!(e, Error::Server(_)), 503),
        (Fault::Status(504), |e| matches!(e, Error::Server(_)), 504),
        (
            Fault::HtmlPage(405),
            |e| matches!(e, Error::UnexpectedStatus(_)),
            405,
        ),
    ];
    for (fault, is_class, status) in cases {
        let before = server.post_count_for(Route::V1);
        server.push_fault(Route::V1, fault.clone());
        let err = client.hallo(&hallo_input()).await.expect_err("fault");
        assert!(is_class(&err), "{fault:?} gave {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let info = err.api_info().expect("keeps the answer");
        assert!(!info.body.is_empty(), "raw body kept for {status}");
        assert!(
            err.to_string()
                .starts_with(&format!("Segmind answered {status}")),
            "{err}"
        );
        // A POST that may have reached the server is never sent twice.
        assert_eq!(
            server.post_count_for(Route::V1),
            before + 1,
            "{fault:?} was retried"
        );
        assert_no_key(&err);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_html_error_page_is_kept_as_it_came() {
    let server = TestServer::start(config()).await.expect("server");
    server.push_fault(Route::V1, Fault::HtmlPage(405));
    let err = client_for(&server.base_url(), KEY)
        .hallo(&hallo_input())
        .await
        .expect_err("405");
    let info = err.api_info().expect("info");
    assert!(info.body_text().contains("<html"), "{}", info.body_text());
    assert_eq!(info.message, None, "no JSON error field in an HTML page");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_is_unauthorized_and_never_shown() {
    let server = TestServer::start(config().with_api_key("the-right-key"))
        .await
        .expect("server");
    let client = client_for(&server.base_url(), KEY);
    assert!(!format!("{client:?}").contains(KEY), "{client:?}");
    let err = client.hallo(&hallo_input()).await.expect_err("401");
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert!(!err.is_retryable());
    assert_no_key(&err);
    let job = client.job("some-id");
    assert!(!format!("{job:?}").contains(KEY));
    let err = job.status().await.expect_err("401 on poll");
    assert_no_key(&err);
    // What the server saw: the key in its header, nowhere else.
    let request = &server.requests()[0];
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("content-type"), Some("application/json"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limit_is_waited_out_then_the_call_succeeds() {
    let server = TestServer::start(config()).await.expect("server");
    server.push_fault(
        Route::V1,
        Fault::RateLimited {
            reset_after: Duration::from_millis(200),
        },
    );
    let client = client_for(&server.base_url(), KEY);
    let video = client
        .hallo(&hallo_input())
        .await
        .expect("succeeds after the 429");
    assert_eq!(
        &video.bytes().await.expect("body")[..],
        TestServer::fixture_video()
    );
    assert_eq!(
        server.post_count_for(Route::V1),
        2,
        "one 429 (not billed), one success"
    );

    // Without a retry budget the 429 comes back with its reset time.
    server.push_fault(
        Route::V1,
        Fault::RateLimited {
            reset_after: Duration::from_secs(30),
        },
    );
    let strict = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let err = strict.hallo(&hallo_input()).await.expect_err("429");
    let Error::RateLimited { reset_at, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(reset_at.is_some(), "x-rate-limit-reset-at-utc was parsed");
    assert!(err.is_retryable());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_500_on_submit_is_not_retried_but_polls_are() {
    let server = TestServer::start(config()).await.expect("server");
    let client = client_for(&server.base_url(), KEY);
    server.push_fault(Route::V2Submit, Fault::Status(500));
    let err = client.hallo_submit(&hallo_input()).await.expect_err("500");
    assert!(matches!(err, Error::Server(_)), "{err:?}");
    assert_eq!(
        server.post_count_for(Route::V2Submit),
        1,
        "the billed POST was sent once"
    );

    // Transient failures of the GET polls are retried.
    let job = client
        .hallo_submit(&hallo_input())
        .await
        .expect("submitted");
    server.push_fault(Route::Status, Fault::Status(503));
    server.push_fault(Route::Status, Fault::Status(502));
    server.push_fault(
        Route::Result,
        Fault::RateLimited {
            reset_after: Duration::from_millis(100),
        },
    );
    let done = job
        .wait(fast_wait())
        .await
        .expect("completed despite the faults");
    assert_eq!(done.request_id, job.request_id());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_job_is_a_job_failure_with_the_servers_message() {
    let server = TestServer::start(config().with_fail_jobs("face not found in input_image"))
        .await
        .expect("server");
    let client = client_for(&server.base_url(), KEY);
    let job = client
        .hallo_submit(&hallo_input())
        .await
        .expect("submitted");
    let err = job.wait(fast_wait()).await.expect_err("failed");
    let Error::JobFailed {
        request_id,
        message,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(request_id, job.request_id());
    assert_eq!(message, "face not found in input_image");
    assert!(!err.is_retryable());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wait_past_its_deadline_times_out_with_the_request_id() {
    let server = TestServer::start(config().with_polls_before_complete(1_000))
        .await
        .expect("server");
    let client = client_for(&server.base_url(), KEY);
    let job = client
        .hallo_submit(&hallo_input())
        .await
        .expect("submitted");
    let options = WaitOptions::default()
        .with_poll_interval(Duration::from_millis(10))
        .with_deadline(Duration::from_millis(150));
    let err = job.wait(options).await.expect_err("deadline");
    let Error::Timeout { request_id, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(request_id.as_deref(), Some(job.request_id()));
    assert!(err.to_string().contains(job.request_id()), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cut_off_body_leaves_no_output_file() {
    let server = TestServer::start(config()).await.expect("server");
    let client = client_for(&server.base_url(), KEY);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.mp4");

    server.push_fault(Route::V1, Fault::CutBody);
    let video = client.hallo(&hallo_input()).await.expect("headers arrive");
    let err = video.save(&out).await.expect_err("the body is cut");
    assert!(
        matches!(err, Error::Decode { .. } | Error::Transport { .. }),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "no file, no temp file"
    );

    // The same for a v2 download.
    let done = client
        .hallo_submit(&hallo_input())
        .await
        .expect("submit")
        .wait(fast_wait())
        .await
        .expect("done");
    server.push_fault(Route::File, Fault::CutBody);
    let err = match done.download::<segmind::Video>().await {
        Ok(video) => video.save(&out).await.expect_err("cut"),
        Err(e) => e,
    };
    assert_no_key(&err);
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_server_is_a_transport_error() {
    // Bind a port, then free it: nothing listens there any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let err = client.hallo(&hallo_input()).await.expect_err("refused");
    let Error::Transport {
        may_have_reached_server,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(!may_have_reached_server);
    assert!(err.is_retryable());
    assert_no_key(&err);
}
