//! The layer in front of every handler: it records the request, counts POSTs,
//! picks the request's fault (its `x-test-fault` header, else the first queued
//! fault for its route) and applies it: answering instead of the handler,
//! delaying it, or reshaping the handler's body.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::body_faults;
use crate::clock;
use crate::faults::{Fault, Route, FAULT_HEADER};
use crate::record::RecordedRequest;
use crate::routes::{html_page, json_error};
use crate::state::AppState;

/// The largest request body read, in bytes.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Records, counts and applies faults around the handlers.
pub(crate) async fn inject(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return json_error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large");
    };
    state.record(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    });
    let route = Route::classify(&parts.method, parts.uri.path());
    if parts.method == Method::POST {
        state.count_post(route);
    }

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
