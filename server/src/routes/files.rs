//! Downloads that need no key, like Segmind's S3 links: `GET /files/{id}.{ext}`
//! (the output file of a completed v2 job: `mp4`, `jpg`, `png`, `webp`, `wav`) and `GET /assets/{name}` (an uploaded
//! file, with its MIME type).

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::jobs::JobState;
use crate::outputs::Output;
use crate::routes::json_error;
use crate::routes::v2::current;
use crate::state::AppState;

/// The output file of a completed job, under the extension its result gave.
pub(crate) async fn job_video(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let found = file.rsplit_once('.').and_then(|(id, ext)| {
        let completed = current(&state, id).is_some_and(|(now, _)| now == JobState::Completed);
        let (output, slug) = state.with_job(id, |job| (job.output, job.slug.clone()))?;
        (completed && output != Output::Json && output.extension() == ext).then_some((output, slug))
    });
    if let Some((output, slug)) = found {
        output.raw_response(state.video, &slug)
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
