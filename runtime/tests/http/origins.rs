//! The key goes only to the API's origin: two local servers, one playing
//! Segmind and one playing another host (a bucket, an attacker). Redirects
//! across origins carry no key, and a billed POST is never re-sent elsewhere.

use segmind_runtime::{Client, Error, WaitOptions};
use serde_json::json;

use crate::support::*;

/// The other host: answers every request with a small MP4 and records it.
async fn foreign() -> Stub {
    Stub::start(|_| video_reply(mp4_file(100), &[])).await
}

fn redirect(status: u16, to: &str) -> Reply {
    Reply::Now(respond(status, &[("location", to)], ""))
}

fn keyless(stub: &Stub) -> bool {
    stub.requests()
        .iter()
        .all(|r| r.header("x-api-key").is_none())
}

#[tokio::test]
async fn a_v1_post_redirected_to_another_origin_is_not_followed() {
    for status in [301, 302, 303, 307, 308] {
        let other = foreign().await;
        let target = format!("{}/steal", other.base_url());
        let api = Stub::start(move |_| redirect(status, &target)).await;
        let err = api
            .client()
            .run::<Video, _>(&TestInput::url())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::UnexpectedStatus(_)),
            "{status}: {err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("not followed") && text.contains("/steal"),
            "{text}"
        );
        assert!(
            other.requests().is_empty(),
            "{status}: the POST went elsewhere"
        );
        assert_eq!(api.count("POST", "/v1/test-model"), 1, "{status}");
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn a_post_redirected_within_the_origin_by_307_or_308_is_repeated_there_once() {
    let api = Stub::start(|ctx| match ctx.request.path.as_str() {
        "/v1/test-model" => redirect(308, "/v1/moved"),
        _ => video_reply(mp4_file(10), &[]),
    })
    .await;
    let video = api
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap();
    assert!(!video.bytes().await.unwrap().is_empty());
    let moved = api.requests();
    let moved: Vec<_> = moved.iter().filter(|r| r.path == "/v1/moved").collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].method, "POST");
    assert_eq!(moved[0].header("x-api-key"), Some(KEY));
    assert_eq!(moved[0].json()["strength"], json!(1.0));
}

#[tokio::test]
async fn a_status_poll_redirected_elsewhere_goes_without_the_key() {
    let other = Stub::start(|_| json_reply(200, json!({"status": "PROCESSING"}))).await;
    let target = other.base_url();
    let api = Stub::start(move |_| redirect(302, &format!("{target}/status"))).await;
    let status = api.client().job("req-1").status().await.unwrap();
    assert_eq!(status.state.as_str(), "PROCESSING");
    assert_eq!(other.requests().len(), 1);
    assert!(keyless(&other), "{:?}", other.requests());
}

#[tokio::test]
async fn an_output_on_the_api_origin_redirected_to_a_bucket_is_fetched_without_the_key() {
    let bucket = foreign().await;
    let to = format!("{}/bucket/v.mp4", bucket.base_url());
    let api = Stub::start(move |ctx| match ctx.request.path.as_str() {
        "/v2/requests/req-2" => json_reply(
            200,
            json!({"status": "COMPLETED", "output": format!("{}/files/v.mp4", ctx.base)}),
        ),
        _ => redirect(302, &to),
    })
    .await;
    let result = api.client().job("req-2").result().await.unwrap();
    let bytes = result
        .download::<Video>()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len(), mp4_file(100).len());
    assert_eq!(api.requests()[1].header("x-api-key"), Some(KEY));
    assert_eq!(bucket.requests().len(), 1);
    assert!(keyless(&bucket));
}

#[tokio::test]
async fn a_redirect_back_to_the_api_carries_the_key_again_and_loops_end() {
    let api_base = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let back = api_base.clone();
    let other = Stub::start(move |_| {
        let to = format!("{}/files/back.mp4", back.lock().unwrap());
        redirect(307, &to)
    })
    .await;
    let to_other = other.base_url();
    let api = Stub::start(move |ctx| match ctx.request.path.as_str() {
        "/files/back.mp4" => video_reply(mp4_file(5), &[]),
        _ => redirect(302, &format!("{to_other}/x")),
    })
    .await;
    *api_base.lock().unwrap() = api.base_url();
    let client = api.client();
    let result = client.job("r").result().await;
    // The result GET itself is redirected away and back, to a video: not
    // JSON, so a decode error; what matters is who got the key.
    assert!(result.is_err());
    assert!(keyless(&other));
    let back_hits: Vec<_> = api
        .requests()
        .into_iter()
        .filter(|r| r.path == "/files/back.mp4")
        .collect();
    assert!(!back_hits.is_empty());
    assert!(back_hits.iter().all(|r| r.header("x-api-key") == Some(KEY)));

    // A loop stops after a bounded number of hops.
    let looping = Stub::start(|_| redirect(302, "/again")).await;
    let err = looping.client().job("r").status().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err:?}");
    assert!(
        looping.requests().len() <= 10,
        "{}",
        looping.requests().len()
    );
}

#[test]
fn a_base_url_with_userinfo_is_refused_without_showing_it() {
    for url in [
        format!("http://user:{KEY}@127.0.0.1:9"),
        format!("http://{KEY}@127.0.0.1:9/api"),
        format!("http://u:{KEY}/x@127.0.0.1:notaport"),
    ] {
        let err = Client::builder()
            .api_key("other-key")
            .base_url(url.clone())
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
        assert_no_key(&err);
        let err = Client::builder()
            .api_key("other-key")
            .upload_url(url.clone())
            .build()
            .unwrap_err();
        assert_no_key(&err);
    }
}

#[tokio::test]
async fn submit_urls_naming_another_origin_are_not_polled_with_the_key() {
    let other = foreign().await;
    let elsewhere = other.base_url();
    let api = Stub::start(move |ctx| match ctx.request.path.as_str() {
        "/v2/test-model" => json_reply(
            200,
            json!({"request_id": "r-9", "status_url": format!("{elsewhere}/s"), "response_url": format!("{elsewhere}/r")}),
        ),
        "/v2/requests/r-9/status" => json_reply(200, json!({"status": "COMPLETED"})),
        _ => json_reply(200, json!({"output": format!("{}/files/o.mp4", ctx.base)})),
    })
    .await;
    let job = api.client().submit(&TestInput::url()).await.unwrap();
    let options = WaitOptions::new().with_poll_interval(std::time::Duration::from_millis(5));
    job.wait(options).await.unwrap();
    assert!(other.requests().is_empty());
}

#[tokio::test]
async fn a_configured_http_stack_is_used_but_cannot_turn_redirects_back_on() {
    let other = foreign().await;
    let target = format!("{}/steal", other.base_url());
    let api = Stub::start(move |_| redirect(302, &target)).await;
    let client = api
        .builder()
        .configure_http(|http| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert("x-configured", "yes".parse().unwrap());
            // Both tried here: a header of the caller's, and reqwest's own
            // redirect following, which would carry the key elsewhere.
            http.default_headers(headers)
                .redirect(reqwest::redirect::Policy::limited(10))
        })
        .build()
        .unwrap();
    let err = client.run::<Video, _>(&TestInput::url()).await.unwrap_err();
    assert!(err.to_string().contains("not followed"), "{err}");
    assert!(other.requests().is_empty(), "the POST went elsewhere");
    let sent = api.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("x-configured"), Some("yes"));
    // A GET is redirected by the client's own rules: without the key.
    let _ = client.job("req-1").status().await;
    assert!(!other.requests().is_empty());
    assert!(keyless(&other));
}
