//! The queued API: `POST /v2{path}` (the model's request path) submits a job, `GET
//! /v2/requests/{id}/status` advances and reports it, `GET /v2/requests/{id}`
//! answers its result once it is completed (409 `{"error":"not ready"}` before,
//! 422 when it failed, 404 for an unknown id).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use serde_json::{json, Value};

use crate::ids;
use crate::jobs::{Job, JobState};
use crate::outputs::{json_answer, Output};
use crate::routes::checks::{check_key, check_model_call, ApiError};
use crate::state::{credits_number, AppState, Shared};

/// Validates the call, charges it and queues a job.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (model, request) = check_model_call(&state, &headers, &path, &body)?;
    let remaining = state.charge(model.cost_millis);
    let id = ids::next_id();
    let output = Output::for_request(model.output, &request);
    let mut job = Job::new(model.cost_millis, remaining, output, &model.slug);
    if let Output::Chat(format) = output {
        job.reply = Some(format.reply(&request, &model.slug));
    }
    let marked = state.fail_jobs_marked.as_deref().filter(|marker| {
        !marker.is_empty() && body.windows(marker.len()).any(|w| w == marker.as_bytes())
    });
    job.fails_with = marked.map(|marker| format!("the model failed on this input ({marker})"));
    state.insert_job(id.clone(), job);
    let status_url = format!("{}/v2/requests/{id}/status", state.base_url);
    Ok(Json(json!({
        "request_id": id,
        "status": "QUEUED",
        "poll_url": status_url,
        "status_url": status_url,
        "response_url": format!("{}/v2/requests/{id}", state.base_url),
    }))
    .into_response())
}

/// Counts a poll and answers the job's state; a failed job is answered 422.
pub(crate) async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_key(&state, &headers)?;
    let polled = state.with_job(&id, |job| {
        let now = job.poll(state.polls_before_complete, state.fail_jobs.as_deref());
        (now, metrics(job))
    });
    let (now, metrics) = polled.ok_or_else(|| unknown_job(&id))?;
    Ok(match now {
        JobState::Failed(message) => failed(&id, &message),
        now => Json(json!({
            "status": now.as_str(),
            "request_id": id,
            "metrics": metrics,
        }))
        .into_response(),
    })
}

/// The result of a completed job: its output (the URL of its file, a
/// JSON model's JSON, or a chat model's reply), its metrics, and a model-specific key that clients
/// must keep.
pub(crate) async fn result(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_key(&state, &headers)?;
    let (now, metrics) = current(&state, &id).ok_or_else(|| unknown_job(&id))?;
    let (output, slug, reply) = state
        .with_job(&id, |job| (job.output, job.slug.clone(), job.reply.clone()))
        .unwrap_or((Output::Video, String::new(), None));
    let output = match output {
        Output::Json => json_answer(&slug),
        Output::Chat(_) => reply.unwrap_or_default(),
        media => json!(format!(
            "{}/files/{id}.{}",
            state.base_url,
            media.extension()
        )),
    };
    match now {
        JobState::Completed => Ok(Json(json!({
            "output": output,
            "metrics": metrics,
            "request_id": id,
            "extra_key_from_model": "kept",
        }))
        .into_response()),
        JobState::Failed(message) => Ok(failed(&id, &message)),
        JobState::Queued | JobState::Processing => {
            Err(ApiError::new(StatusCode::CONFLICT, "not ready"))
        }
    }
}

/// The job's state without counting a poll, and its metrics.
pub(crate) fn current(state: &Shared, id: &str) -> Option<(JobState, Value)> {
    state.with_job(id, |job| {
        (
            job.state(state.polls_before_complete, state.fail_jobs.as_deref()),
            metrics(job),
        )
    })
}

/// Cost, credits left and times (seconds since submission: a quarter of it
/// counted as queue time, the rest as inference).
fn metrics(job: &Job) -> Value {
    let total = job.submitted.elapsed().as_millis() as f64 / 1000.0;
    let queue = (total * 250.0).round() / 1000.0;
    json!({
        "cost": credits_number(job.cost_millis),
        "remaining_credits": credits_number(job.remaining_millis),
        "inference_time": ((total - queue) * 1000.0).round() / 1000.0,
        "queue_time": queue,
        "total_time": total,
    })
}

fn failed(id: &str, message: &str) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "status": "FAILED", "error": message, "request_id": id })),
    )
        .into_response()
}

fn unknown_job(id: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("Request not found: {id}"))
}
