//! Downloads that need no key, like Segmind's S3 links: `GET /files/{id}.mp4`
//! (the video of a completed v2 job) and `GET /assets/{name}` (an uploaded
//! file, with its MIME type).

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::jobs::JobState;
use crate::routes::json_error;
use crate::routes::v2::current;
use crate::state::AppState;
use crate::video;

/// The video of a completed job.
pub(crate) async fn job_video(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let completed = file
        .strip_suffix(".mp4")
        .and_then(|id| current(&state, id))
        .is_some_and(|(now, _)| now == JobState::Completed);
    if completed {
        video::mp4_response(state.video)
    } else {
        json_error(StatusCode::NOT_FOUND, format!("File not found: {file}"))
    }
}

/// An uploaded file.
pub(crate) async fn asset(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let Some(asset) = state.asset(&name) else {
        return json_error(StatusCode::NOT_FOUND, format!("File not found: {name}"));
    };
    let mut response = asset.bytes.into_response();
    let mime = HeaderValue::from_str(&asset.mime)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    response.headers_mut().insert(CONTENT_TYPE, mime);
    response
}
