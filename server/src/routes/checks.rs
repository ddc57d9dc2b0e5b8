//! The checks every model call goes through, in Segmind's order (key, slug,
//! content type, body), and the error answers they produce.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::schemas::Model;
use crate::state::Shared;

/// `status` with the body `{"error": message}`.
pub(crate) fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// A refusal: answered as `status` with `{"error": message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// A refusal with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.status, self.message)
    }
}

/// `status` with a `text/html` page naming it, as a web gateway writes one.
pub(crate) fn html_page(status: StatusCode) -> Response {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
    );
    let mut response = (status, page).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// 401 unless the request carries an acceptable `x-api-key`: the configured
/// one, or any non-empty key when none is configured.
pub(crate) fn check_key(state: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get("x-api-key")
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|key| !key.is_empty());
    match (given, state.api_key.as_deref()) {
        (None, _) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: missing x-api-key header",
        )),
        (Some(given), Some(expected)) if given != expected => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: invalid x-api-key",
        )),
        _ => Ok(()),
    }
}

/// 406 unless `Content-Type` is `application/json` (parameters allowed).
pub(crate) fn check_json_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "Invalid content type",
        ))
    }
}

/// 400 unless the body is JSON.
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("Request body is not valid JSON: {error}"),
        )
    })
}

/// All checks of a model call: key (401), model (404: no model at `path`,
/// the request path after the version without its leading `/`), content
/// type (406), body (400 listing every schema violation with its JSON
/// pointer). Answers the model and the parsed body.
pub(crate) fn check_model_call<'a>(
    state: &'a Shared,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
) -> Result<(&'a Model, Value), ApiError> {
    check_key(state, headers)?;
    let model = state
        .models
        .get(path)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("Model not found: {path}")))?;
    check_json_content_type(headers)?;
    let request = parse_json(body)?;
    model
        .validate(&request)
        .map_err(|problems| ApiError::new(StatusCode::BAD_REQUEST, problems))?;
    Ok((model, request))
}
