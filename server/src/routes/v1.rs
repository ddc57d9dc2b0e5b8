//! `POST /v1{path}` (the model's request path, `/{slug}` unless its file
//! states another): the synchronous call. Answers the output itself (the
//! video, image or audio bytes with their type, a JSON model's JSON, or a
//! chat model's reply in its format), or
//! for media `{"video"|"image"|"audio": "<base64>"}` when the body asks
//! `"base64": true`, with Segmind's billing headers.

use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use serde_json::Value;

use crate::ids;
use crate::outputs::Output;
use crate::routes::checks::{check_model_call, ApiError};
use crate::state::{credits_text, AppState};

/// Validates the call, charges it and answers the output.
pub(crate) async fn generate(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let (model, request) = check_model_call(&state, &headers, &path, &body)?;
    let wants_base64 = request.get("base64").and_then(Value::as_bool) == Some(true);
    let remaining = state.charge(model.cost_millis);
    let output = Output::for_request(model.output, &request);
    let mut response = if let Output::Chat(format) = output {
        Json(format.reply(&request, &model.slug)).into_response()
    } else if wants_base64 {
        output.base64_response(state.video, &model.slug)
    } else {
        output.raw_response(state.video, &model.slug)
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
