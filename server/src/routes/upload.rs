//! `POST /upload-asset`: Segmind's storage upload. Takes `{"data_urls":
//! ["data:<mime>;base64,..."]}`, keeps the bytes in memory and answers their
//! URLs (`{base}/assets/{n}.{ext}`) under `file_urls` or `urls`, as configured.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use serde_json::{Map, Value};

use crate::data_url;
use crate::routes::checks::{check_json_content_type, check_key, parse_json, ApiError};
use crate::state::{AppState, Asset};

/// Stores every data URL of the body, or none if any is bad (400).
pub(crate) async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_key(&state, &headers)?;
    check_json_content_type(&headers)?;
    let request = parse_json(&body)?;
    let bad = |message: String| Err(ApiError::new(StatusCode::BAD_REQUEST, message));
    let Some(urls) = request.get("data_urls").and_then(Value::as_array) else {
        return bad("/data_urls: missing or not an array of data URLs".to_owned());
    };
    if urls.is_empty() {
        return bad("/data_urls: empty; give at least one data URL".to_owned());
    }
    let mut decoded = Vec::with_capacity(urls.len());
    for (index, url) in urls.iter().enumerate() {
        let Some(url) = url.as_str() else {
            return bad(format!("/data_urls/{index}: not a string"));
        };
        match data_url::parse(url) {
            Ok(parsed) => decoded.push(parsed),
            Err(problem) => return bad(format!("/data_urls/{index}: the data URL {problem}")),
        }
    }
    let stored: Vec<Value> = decoded
        .into_iter()
        .map(|parsed| {
            let name = state.insert_asset(
                data_url::extension(&parsed.mime),
                Asset {
                    mime: parsed.mime,
                    bytes: parsed.bytes.into(),
                },
            );
            Value::String(format!("{}/assets/{name}", state.base_url))
        })
        .collect();
    let mut answer = Map::new();
    answer.insert(state.upload_key.as_str().to_owned(), Value::Array(stored));
    Ok(Json(Value::Object(answer)).into_response())
}
