//! The HTTP surface: which handler serves which path, the fault-injecting and
//! recording layer around them all, and the answers for unknown paths and
//! wrong methods.

mod checks;
mod files;
mod inject;
mod upload;
mod v1;
mod v2;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub(crate) use checks::{html_page, json_error};

/// The whole application, bound to one server's state.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        // A model's request path may have several segments
        // (`/v1/<prefix>/<slug>`); the v2 job paths, more specific, win.
        .route("/v1/{*path}", post(v1::generate))
        .route("/v2/{*path}", post(v2::submit))
        .route("/v2/requests/{id}/status", get(v2::status))
        .route("/v2/requests/{id}", get(v2::result))
        .route("/files/{file}", get(files::job_video))
        .route("/assets/{name}", get(files::asset))
        .route("/upload-asset", post(upload::upload))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state.clone())
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state, inject::inject))
}

async fn not_found() -> Response {
    json_error(StatusCode::NOT_FOUND, "Not found")
}

/// Segmind's gateway answers a wrong method with an HTML page, not JSON.
async fn method_not_allowed() -> Response {
    html_page(StatusCode::METHOD_NOT_ALLOWED)
}
