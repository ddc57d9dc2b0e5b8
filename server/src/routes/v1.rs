//! `POST /v1/{slug}`: the synchronous call. Answers the video itself
//! (`video/mp4`), or `{"video": "<base64>"}` when the body asks `"base64": true`,
//! with Segmind's billing headers.

use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use crate::ids;
use crate::routes::checks::{check_model_call, ApiError};
use crate::state::{credits_text, AppState};
use crate::video;

/// Validates the call, charges it and answers the video.
pub(crate) async fn generate(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let (model, request) = check_model_call(&state, &headers, &slug, &body)?;
    let wants_base64 = request.get("base64").and_then(Value::as_bool) == Some(true);
    let remaining = state.charge(model.cost_millis);
    let mut response = if wants_base64 {
        video::base64_json_response(state.video)
    } else {
        video::mp4_response(state.video)
    };
    let extra = [
        ("x-remaining-credits", credits_text(remaining)),
        ("x-cost", credits_text(model.cost_millis)),
        ("x-request-id", ids::next_id()),
        (
            "x-generation-time",
            format!("{:.3}", started.elapsed().as_secs_f64()),
        ),
    ];
    for (name, value) in extra {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}
