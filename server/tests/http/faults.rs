//! Every fault kind, chosen per request (`x-test-fault`) and per server (the
//! queue, each entry used by the first matching request).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::CONTENT_TYPE;
use reqwest::{RequestBuilder, StatusCode};
use segmind_server::{Fault, Route, TestServer};

use crate::{client, config, error_of, get, hallo_body, header, post_json, start, KEY};

fn v1_request(server: &TestServer) -> RequestBuilder {
    client()
        .post(format!("{}/v1/hallo", server.base_url()))
        .header("x-api-key", KEY)
        .header(CONTENT_TYPE, "application/json")
        .body(hallo_body().to_string())
}

async fn v1_with_fault(server: &TestServer, spec: &str) -> reqwest::Response {
    v1_request(server)
        .header("x-test-fault", spec)
        .send()
        .await
        .expect("headers arrive")
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ`.
fn parse_rfc3339(text: &str) -> u64 {
    assert_eq!(text.len(), 20, "{text}");
    assert_eq!(
        (&text[4..5], &text[7..8], &text[10..11], &text[19..]),
        ("-", "-", "T", "Z")
    );
    let number = |range: std::ops::Range<usize>| -> u64 { text[range].parse().expect("digits") };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let (hour, minute, second) = (number(11..13), number(14..16), number(17..19));
    // Days from the civil date, counting years from March.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    days * 86_400 + hour * 3600 + minute * 60 + second
}

#[tokio::test]
async fn rate_limited_has_a_reset_time_and_no_retry_after() {
    let server = start(config()).await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let response = v1_with_fault(&server, "429:2").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_none());
    let reset = parse_rfc3339(header(&response, "x-rate-limit-reset-at-utc").unwrap());
    assert!(
        (now + 2..=now + 4).contains(&reset),
        "reset {reset}, now {now}"
    );
    assert_eq!(error_of(response).await, "rate limited");
}

#[tokio::test]
async fn status_faults_answer_json_errors() {
    let server = start(config()).await;
    for code in [500u16, 502, 503, 504, 403, 406, 410] {
        let response = v1_with_fault(&server, &code.to_string()).await;
        assert_eq!(response.status().as_u16(), code);
        assert!(!error_of(response).await.is_empty(), "{code}");
    }
}

#[tokio::test]
async fn html_page_fault_is_text_html() {
    let server = start(config()).await;
    let response = v1_with_fault(&server, "405-html").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("text/html"));
    let page = response.text().await.unwrap();
    assert!(
        page.starts_with("<html>") && page.contains("Method Not Allowed"),
        "{page}"
    );
}

#[tokio::test]
async fn slow_body_trickles_the_whole_video() {
    let server = start(config()).await;
    let started = Instant::now();
    let response = v1_with_fault(&server, "slow:60").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.content_length(),
        Some(TestServer::fixture_video().len() as u64)
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..], TestServer::fixture_video());
    // Four pieces, a delay before each but the first.
    assert!(
        started.elapsed() >= Duration::from_millis(180),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn cut_body_makes_the_client_fail_reading_it() {
    let server = start(config()).await;
    let response = v1_with_fault(&server, "cut").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), Some("video/mp4"));
    assert_eq!(
        response.content_length(),
        Some(TestServer::fixture_video().len() as u64)
    );
    assert!(
        response.bytes().await.is_err(),
        "the cut body was read whole"
    );
}

#[tokio::test]
async fn cut_body_of_a_large_generated_file_fails_too() {
    let server = start(
        config()
            .with_generated_video(3_000_000)
            .with_polls_before_complete(0),
    )
    .await;
    let job = crate::json_of(post_json(&server, "/v2/hallo", &hallo_body()).await).await;
    let status = get(&server, job["status_url"].as_str().unwrap()).await;
    assert_eq!(crate::json_of(status).await["status"], "COMPLETED");
    let result = crate::json_of(get(&server, job["response_url"].as_str().unwrap()).await).await;
    server.push_fault(Route::File, Fault::CutBody);
    let file = client()
        .get(result["output"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(file.content_length(), Some(3_000_000));
    assert!(file.bytes().await.is_err());
    // The fault was used up: the next download is whole.
    let file = client()
        .get(result["output"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(file.bytes().await.unwrap().len(), 3_000_000);
}

#[tokio::test]
async fn delay_headers_waits_then_answers_normally() {
    let server = start(config()).await;
    let started = Instant::now();
    let response = v1_with_fault(&server, "delay:300").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        &response.bytes().await.unwrap()[..],
        TestServer::fixture_video()
    );
}

#[tokio::test]
async fn bad_fault_header_is_400() {
    let server = start(config()).await;
    let response = v1_with_fault(&server, "explode").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(error_of(response).await.contains("x-test-fault"));
}

#[tokio::test]
async fn queued_faults_are_used_once_in_order_by_matching_route() {
    let config = config()
        .with_fault(Route::Status, Fault::Status(502))
        .with_fault(Route::V1, Fault::Status(503))
        .with_fault(
            Route::V1,
            Fault::RateLimited {
                reset_after: Duration::from_secs(1),
            },
        );
    let server = start(config).await;
    let statuses = [
        v1_request(&server).send().await.unwrap().status(),
        v1_request(&server).send().await.unwrap().status(),
        v1_request(&server).send().await.unwrap().status(),
    ];
    assert_eq!(
        statuses,
        [
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::OK
        ]
    );
    // The status fault still waits for its route.
    let job = crate::json_of(post_json(&server, "/v2/hallo", &hallo_body()).await).await;
    let url = job["status_url"].as_str().unwrap();
    assert_eq!(get(&server, url).await.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(get(&server, url).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn any_route_fault_hits_the_next_request_whatever_it_is() {
    let server = start(config()).await;
    server.push_fault(Route::Any, Fault::HtmlPage(405));
    server.push_fault(Route::Upload, Fault::Status(500));
    let first = get(&server, "/v2/requests/nope/status").await;
    assert_eq!(first.status(), StatusCode::METHOD_NOT_ALLOWED);
    let second = get(&server, "/v2/requests/nope/status").await;
    assert_eq!(second.status(), StatusCode::NOT_FOUND);
    let upload = post_json(&server, "/upload-asset", &serde_json::json!({})).await;
    assert_eq!(upload.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn queued_delay_and_slow_faults_apply_to_their_route() {
    let server = start(config()).await;
    server.push_fault(
        Route::V2Submit,
        Fault::DelayHeaders(Duration::from_millis(200)),
    );
    server.push_fault(
        Route::Result,
        Fault::SlowBody {
            chunk_delay: Duration::from_millis(10),
        },
    );
    let started = Instant::now();
    let job = crate::json_of(post_json(&server, "/v2/hallo", &hallo_body()).await).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    let response = get(&server, job["response_url"].as_str().unwrap()).await;
    // Not ready yet; the slow body still carries the whole answer.
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(error_of(response).await, "not ready");
}

#[test]
fn fault_specs_round_trip_through_display() {
    for spec in ["429:2", "500", "405-html", "slow:200", "cut", "delay:1500"] {
        let fault: Fault = spec.parse().unwrap();
        assert_eq!(fault.to_string(), spec);
    }
}
