//! Every error class: status to variant, the answer kept whole, one clear
//! line of `Display`, and the POST never repeated.

use segmind_runtime::Error;
use serde_json::json;

use crate::support::*;

struct Case {
    status: u16,
    content_type: &'static str,
    body: &'static str,
    check: fn(&Error) -> bool,
    display: &'static str,
    retryable: bool,
}

const HTML_405: &str = "<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n<center><h1>405 Not Allowed</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

fn cases() -> Vec<Case> {
    let json = "application/json";
    vec![
        Case {
            status: 400,
            content_type: json,
            body: r#"{"error":"input_image is required"}"#,
            check: |e| matches!(e, Error::BadRequest(_)),
            display: "Segmind answered 400 Bad Request: input_image is required",
            retryable: false,
        },
        Case {
            status: 401,
            content_type: json,
            body: r#"{"error":"Invalid API key"}"#,
            check: |e| matches!(e, Error::Unauthorized(_)),
            display: "Segmind answered 401 Unauthorized: Invalid API key",
            retryable: false,
        },
        Case {
            status: 403,
            content_type: json,
            body: r#"{"error":"Forbidden"}"#,
            check: |e| matches!(e, Error::Forbidden(_)),
            display: "Segmind answered 403 Forbidden: Forbidden",
            retryable: false,
        },
        Case {
            status: 404,
            content_type: json,
            body: r#"{"error":"Model not found"}"#,
            check: |e| matches!(e, Error::NotFound(_)),
            display: "Segmind answered 404 Not Found: Model not found",
            retryable: false,
        },
        Case {
            status: 405,
            content_type: "text/html",
            body: HTML_405,
            check: |e| matches!(e, Error::UnexpectedStatus(_)),
            display: "Segmind answered 405 Method Not Allowed: 405 Not Allowed",
            retryable: false,
        },
        Case {
            status: 406,
            content_type: json,
            body: r#"{"error":"Insufficient credits"}"#,
            check: |e| matches!(e, Error::InsufficientCredits(_)),
            display: "Segmind answered 406 Not Acceptable: Insufficient credits",
            retryable: false,
        },
        Case {
            status: 406,
            content_type: json,
            body: r#"{"error":"Invalid content type"}"#,
            check: |e| matches!(e, Error::BadContentType(_)),
            display: "Segmind answered 406 Not Acceptable: Invalid content type",
            retryable: false,
        },
        Case {
            status: 410,
            content_type: json,
            body: r#"{"error":"This model has been retired"}"#,
            check: |e| matches!(e, Error::Gone(_)),
            display: "Segmind answered 410 Gone: This model has been retired",
            retryable: false,
        },
        Case {
            status: 422,
            content_type: json,
            body: r#"{"error":"Unprocessable"}"#,
            check: |e| matches!(e, Error::UnexpectedStatus(_)),
            display: "Segmind answered 422 Unprocessable Entity: Unprocessable",
            retryable: false,
        },
        Case {
            status: 500,
            content_type: json,
            body: r#"{"error":"Internal error"}"#,
            check: |e| matches!(e, Error::Server(_)),
            display: "Segmind answered 500 Internal Server Error: Internal error",
            retryable: false,
        },
        Case {
            status: 502,
            content_type: "text/plain",
            body: "bad gateway",
            check: |e| matches!(e, Error::Server(_)),
            display: "Segmind answered 502 Bad Gateway: bad gateway",
            retryable: false,
        },
        Case {
            status: 503,
            content_type: json,
            body: r#"{"error":"Busy"}"#,
            check: |e| matches!(e, Error::Server(_)),
            display: "Segmind answered 503 Service Unavailable: Busy",
            retryable: false,
        },
        Case {
            status: 504,
            content_type: "text/plain",
            body: "",
            check: |e| matches!(e, Error::Server(_)),
            display: "Segmind answered 504 Gateway Timeout: (empty body)",
            retryable: false,
        },
    ]
}

#[tokio::test]
async fn every_status_maps_to_its_variant_and_the_post_is_sent_once() {
    for case in cases() {
        let (status, content_type, body) = (case.status, case.content_type, case.body);
        let stub = Stub::start(move |_| {
            Reply::Now(respond(
                status,
                &[("content-type", content_type), ("x-request-id", "req-err")],
                body,
            ))
        })
        .await;
        let err = stub
            .client()
            .run::<Video, _>(&TestInput::url())
            .await
            .unwrap_err();
        assert!((case.check)(&err), "{status}: {err:?}");
        assert_eq!(err.to_string(), case.display);
        assert_eq!(err.is_retryable(), case.retryable, "{status}");
        // A model call answered 5xx may have started a job; a refusal did not.
        assert_eq!(err.may_have_been_billed(), status >= 500, "{status}");
        assert_eq!(err.api_info().map(|i| i.answers_a_model_call()), Some(true));
        let info = err.api_info().expect("an HTTP error keeps the answer");
        assert_eq!(info.status.as_u16(), status);
        assert_eq!(
            info.body.as_ref(),
            body.as_bytes(),
            "{status}: the raw body is kept"
        );
        assert_eq!(info.headers.get("content-type").unwrap(), content_type);
        assert_eq!(err.request_id().as_deref(), Some("req-err"));
        assert_no_key(&err);
        // A billed POST is never repeated, whatever the answer.
        assert_eq!(stub.count("POST", "/v1/test-model"), 1, "{status}");
    }
}

#[tokio::test]
async fn the_html_405_page_is_kept_as_is() {
    let stub =
        Stub::start(|_| Reply::Now(respond(405, &[("content-type", "text/html")], HTML_405))).await;
    let err = stub
        .client()
        .run::<Video, _>(&TestInput::url())
        .await
        .unwrap_err();
    let info = err.api_info().unwrap();
    assert_eq!(info.body_text(), HTML_405);
    assert_eq!(info.message, None);
    assert_eq!(info.body_json(), None);
}

#[tokio::test]
async fn submit_errors_map_the_same_way() {
    let stub = Stub::start(|_| json_reply(500, json!({"error": "bad parameter"}))).await;
    let err = stub.client().submit(&TestInput::url()).await.unwrap_err();
    assert!(matches!(err, Error::Server(_)), "{err:?}");
    assert_eq!(stub.count("POST", "/v2/test-model"), 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_before_sending() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = segmind_runtime::Client::builder()
        .api_key(KEY)
        .base_url(base)
        .retry(fast_retry())
        .build()
        .unwrap();
    let err = client.run::<Video, _>(&TestInput::url()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_reached_server: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert!(
        err.to_string()
            .starts_with("could not connect to Segmind: "),
        "{err}"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "the source is kept"
    );
    assert_no_key(&err);
}

#[tokio::test]
async fn a_connection_dropped_after_sending_is_not_retried() {
    // A raw socket that reads the request and hangs up without answering.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buffer = vec![0u8; 64 * 1024];
            let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buffer).await;
            drop(socket);
        }
    });
    let client = segmind_runtime::Client::builder()
        .api_key(KEY)
        .base_url(base)
        .retry(fast_retry())
        .build()
        .unwrap();
    let err = client.run::<Video, _>(&TestInput::url()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_reached_server: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert!(err.may_have_been_billed());
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_no_key(&err);
    server.abort();
}

#[tokio::test]
async fn a_poll_answered_5xx_stays_retryable_and_names_its_job() {
    let stub = Stub::start(|_| json_reply(503, serde_json::json!({"error": "Busy"}))).await;
    let client = stub
        .builder()
        .retry(segmind_runtime::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.job("req-p").status().await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert!(!err.api_info().unwrap().answers_a_model_call());
    // Polling again is free: the job was billed once, whatever happens.
    assert!(!err.may_have_been_billed());
}
