//! The layer in front of every handler: it records the request, counts POSTs,
//! picks the request's fault (its `x-test-fault` header, else the first queued
//! fault for its route) and applies it: answering instead of the handler,
//! delaying it, or reshaping the handler's body.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt as _;

use crate::body_faults;
use crate::clock;
use crate::faults::{Fault, Route, FAULT_HEADER};
use crate::record::{RecordedRequest, RECORDED_BODY_BYTES};
use crate::routes::{html_page, json_error};
use crate::state::{AppState, Shared};

/// Records, counts and applies faults around the handlers.
pub(crate) async fn inject(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = match read_body(&parts, body, state.max_body_bytes).await {
        Ok(body) => body,
        Err(refused) => return refuse(&state, &parts, refused),
    };
    state.record(RecordedRequest::new(&parts, &body, body.len() as u64));
    let route = count(&state, &parts);

    let fault = match parts.headers.get(FAULT_HEADER) {
        Some(spec) => match spec.to_str().ok().map(str::parse::<Fault>) {
            Some(Ok(fault)) => Some(fault),
            Some(Err(error)) => {
                return json_error(
                    StatusCode::BAD_REQUEST,
                    format!("Bad {FAULT_HEADER} header: {error}"),
                )
            }
            None => {
                return json_error(
                    StatusCode::BAD_REQUEST,
                    format!("Bad {FAULT_HEADER} header: not text"),
                )
            }
        },
        None => state.take_fault(route),
    };

    match fault {
        Some(Fault::RateLimited { reset_after }) => {
            let mut response = json_error(StatusCode::TOO_MANY_REQUESTS, "rate limited");
            if let Ok(at) = HeaderValue::from_str(&clock::utc_after(reset_after)) {
                response
                    .headers_mut()
                    .insert("x-rate-limit-reset-at-utc", at);
            }
            return response;
        }
        Some(Fault::Status(code)) => return injected_status(code),
        Some(Fault::HtmlPage(code)) => {
            return html_page(
                StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            )
        }
        Some(Fault::DelayHeaders(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::SlowBody { .. } | Fault::CutBody) | None => {}
    }

    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    match fault {
        Some(Fault::SlowBody { chunk_delay }) => body_faults::slow(response, chunk_delay),
        Some(Fault::CutBody) => body_faults::cut(response),
        _ => response,
    }
}

/// Counts a POST on its route, and answers the route.
fn count(state: &Shared, parts: &Parts) -> Option<Route> {
    let route = Route::classify(&parts.method, parts.uri.path());
    if parts.method == Method::POST {
        state.count_post(route);
    }
    route
}

/// Why a body was not read whole.
#[derive(Debug)]
enum Refused {
    /// Over the limit: `len` bytes declared (by `Content-Length`) or
    /// received so far, `head` the part that was read.
    TooLarge {
        len: u64,
        declared: bool,
        head: Bytes,
        limit: usize,
    },
    /// The body broke off (the client went away or sent a bad frame).
    Broken {
        len: u64,
        head: Bytes,
        error: String,
    },
}

/// The whole body, read into one buffer (no second copy), or why not: a
/// body over `limit` bytes is refused as soon as its `Content-Length`, or
/// what has arrived, says so.
async fn read_body(parts: &Parts, body: Body, limit: usize) -> Result<Bytes, Refused> {
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if let Some(len) = declared.filter(|&len| len > limit as u64) {
        return Err(Refused::TooLarge {
            len,
            declared: true,
            head: Bytes::new(),
            limit,
        });
    }
    let mut stream = body.into_data_stream();
    // Usually one piece, taken as it is.
    let first = match stream.next().await {
        None => return Ok(Bytes::new()),
        Some(Err(error)) => {
            return Err(Refused::Broken {
                len: 0,
                head: Bytes::new(),
                error: error.to_string(),
            })
        }
        Some(Ok(first)) => first,
    };
    if first.len() > limit {
        return Err(Refused::TooLarge {
            len: first.len() as u64,
            declared: false,
            head: first,
            limit,
        });
    }
    let Some(second) = stream.next().await else {
        return Ok(first);
    };
    let capacity = declared.map_or(0, |len| len as usize).max(first.len());
    let mut whole = BytesMut::with_capacity(capacity);
    whole.extend_from_slice(&first);
    drop(first);
    let mut next = Some(second);
    while let Some(piece) = next {
        let piece = piece.map_err(|error| Refused::Broken {
            len: whole.len() as u64,
            head: Bytes::copy_from_slice(&whole[..whole.len().min(RECORDED_BODY_BYTES)]),
            error: error.to_string(),
        })?;
        if whole.len() + piece.len() > limit {
            return Err(Refused::TooLarge {
                len: (whole.len() + piece.len()) as u64,
                declared: false,
                head: whole.freeze(),
                limit,
            });
        }
        whole.extend_from_slice(&piece);
        next = stream.next().await;
    }
    Ok(whole.freeze())
}

/// Logs and counts a request whose body was not read whole, and answers 413
/// (too large) or 400 (broken off).
fn refuse(state: &Shared, parts: &Parts, refused: Refused) -> Response {
    let (len, head, response) = match refused {
        Refused::TooLarge {
            len,
            declared,
            head,
            limit,
        } => {
            let more = if declared { "" } else { " or more" };
            let message = format!(
                "Request body too large: {len} bytes{more}, over the limit of {limit} bytes"
            );
            (
                len,
                head,
                json_error(StatusCode::PAYLOAD_TOO_LARGE, message),
            )
        }
        Refused::Broken { len, head, error } => (
            len,
            head,
            json_error(
                StatusCode::BAD_REQUEST,
                format!("Cannot read the request body: {error}"),
            ),
        ),
    };
    state.record(RecordedRequest::new(parts, &head, len));
    count(state, parts);
    response
}

/// An injected error status with a JSON body in Segmind's words for it.
fn injected_status(code: u16) -> Response {
    let Ok(status) = StatusCode::from_u16(code) else {
        return json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Injected fault has an invalid status {code}"),
        );
    };
    let message = match code {
        403 => "Forbidden",
        406 => "Insufficient credits",
        410 => "This model has been retired",
        500 => "Internal server error",
        502 => "Bad gateway",
        503 => "Service unavailable",
        504 => "Gateway timeout",
        _ => status.canonical_reason().unwrap_or("Injected error"),
    };
    json_error(status, message)
}
