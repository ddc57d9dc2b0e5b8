//! A local server on 127.0.0.1 that behaves like Segmind's API.
//!
//! It loads the model files of `schema/`, validates request bodies against each
//! model's JSON Schema, answers each model with real bytes of the kind its
//! file's `output` names (video, image, audio) or with JSON, answers the v1 (synchronous) and v2 (queued) calls, the
//! storage upload and the file downloads, and can inject faults (rate limits,
//! error statuses, HTML pages, slow or cut bodies, delays) so the client crates
//! can be tested offline. [`TestServer`] runs it inside a test; the
//! `segmind-server` binary runs it from the command line.
//!
//! # What it answers
//! | request | answer |
//! |---|---|
//! | `POST /v1{path}` (a model's request path: its file's `path`, else `/{slug}`) | the output with `x-remaining-credits`, `x-cost`, `x-request-id`, `x-generation-time`: by the model file's `output`, `200 video/mp4` (the video), `image/jpeg`, `image/png` or `image/webp` (as the request's `output_format` asks; JPEG by default), `audio/wav`, `application/json` (a JSON model's answer, [`TestServer::json_answer`]), or a chat model's reply in its file's `chat_format` (OpenAI, Anthropic or Gemini JSON, its text [`CHAT_REPLY_PREFIX`] and the last user message); with `"base64": true`, media come as `200 application/json` `{"video"\|"image"\|"audio": "<base64>"}` |
//! | `POST /v2{path}` | `{"request_id", "status": "QUEUED", "poll_url", "status_url", "response_url"}`, absolute URLs on this server |
//! | `GET /v2/requests/{id}/status` | `{"status", "request_id", "metrics"}`; `QUEUED`, then `PROCESSING`, then `COMPLETED` after [`ServerConfig::polls_before_complete`] polls; a failed job is `422 {"status": "FAILED", "error", "request_id"}` |
//! | `GET /v2/requests/{id}` | `{"output", "metrics", "request_id", "extra_key_from_model"}` once completed (`output`: the file's URL, a JSON model's JSON, or a chat model's reply); **409 `{"error": "not ready"}`** before; 422 if failed; 404 for an unknown id |
//! | `GET /files/{id}.{ext}` | the output file of a completed job (`mp4`, `jpg`, `png`, `webp`, `wav`), no key needed |
//! | `POST /upload-asset` | `{"file_urls": [...]}` (or `urls`, see [`UploadKey`]) for `{"data_urls": ["data:<mime>;base64,..."]}` |
//! | `GET /assets/{name}` | an uploaded file with its MIME type, no key needed |
//!
//! Model calls are checked in Segmind's order: `401` without an accepted
//! `x-api-key`, `404` for a path no model has, `406 {"error": "Invalid content
//! type"}` without `Content-Type: application/json`, `400` for a body that is
//! not JSON or breaks the schema (every violation as `<JSON pointer>: <message>`,
//! joined by `; `, the root written `(root)`). Errors are `{"error": "..."}`; a
//! wrong method is a `405` HTML page, as Segmind's gateway answers it.
//!
//! # Faults
//! A request's `x-test-fault` header ([`FAULT_HEADER`]) or the first queued
//! fault of its [`Route`] ([`ServerConfig::faults`], [`TestServer::push_fault`])
//! is applied before any check: see [`Fault`] for the spec syntax (`429`,
//! `429:2`, `503`, `405-html`, `slow:200`, `cut`, `delay:1500`). Every request
//! is recorded ([`TestServer::requests`]) and every POST counted
//! ([`TestServer::post_count`]), faulted or not.
//!
//! # Limits
//! A request body over [`ServerConfig::max_body_bytes`] (default
//! [`DEFAULT_MAX_BODY_BYTES`], 256 MiB) is answered `413 {"error": ...}`
//! before any fault or check; a body is read into memory once, and an upload
//! is decoded from it without further copies. The request log is capped: it
//! keeps the latest [`ServerConfig::max_records`] requests (default
//! [`DEFAULT_MAX_RECORDS`], 1,000) and of each body its first
//! [`RECORDED_BODY_BYTES`] (64 KiB) with its full length
//! ([`RecordedRequest::body_len`], [`RecordedRequest::body_truncated`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), segmind_server::ServerError> {
//! use segmind_server::{Fault, Route, ServerConfig, TestServer};
//! let config = ServerConfig::new(segmind_server::workspace_schema_dir())
//!     .with_api_key("secret")
//!     .with_fault(Route::V1, Fault::Status(503));
//! let server = TestServer::start(config).await?;
//! println!("{}", server.base_url());
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod body_faults;
mod chat;
mod clock;
mod config;
mod data_url;
mod error;
mod faults;
mod ids;
mod jobs;
mod outputs;
mod record;
mod routes;
mod schemas;
mod server;
mod state;
mod video;

use std::path::PathBuf;

pub use chat::CHAT_REPLY_PREFIX;
pub use config::{ServerConfig, UploadKey, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RECORDS};
pub use error::ServerError;
pub use faults::{Fault, FaultSpecError, Route, FAULT_HEADER};
pub use record::{RecordedRequest, RECORDED_BODY_BYTES};
pub use server::TestServer;
pub use video::VideoSource;

/// The `schema/` folder of this workspace, for tests.
pub fn workspace_schema_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema"))
}

/// Writes into `dir` (created if missing) the workspace's model files plus,
/// for each `(from, to)`, a copy of the model `from` under the slug `to`
/// (without its `x-rust-name`), and answers `dir`: a server started on it
/// serves models no crate of the workspace has a schema of, for tests of
/// the untyped path.
///
/// # Panics
///
/// When a file cannot be read or written, or `from` is no model file.
pub fn schema_dir_with_copies(dir: &std::path::Path, copies: &[(&str, &str)]) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create the schema folder");
    let source = workspace_schema_dir();
    for entry in std::fs::read_dir(&source).expect("read schema/") {
        let path = entry.expect("a schema/ entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_name().expect("a file name");
            std::fs::copy(&path, dir.join(name)).expect("copy a model file");
        }
    }
    for (from, to) in copies {
        let text = std::fs::read_to_string(source.join(format!("{from}.json")))
            .expect("read the model file");
        let mut model: serde_json::Value = serde_json::from_str(&text).expect("a JSON model file");
        model["slug"] = serde_json::Value::String((*to).to_owned());
        if let Some(object) = model.as_object_mut() {
            object.remove("x-rust-name");
        }
        std::fs::write(dir.join(format!("{to}.json")), model.to_string()).expect("write the copy");
    }
    dir.to_path_buf()
}

/// A folder of model files with every output kind, for tests: image
/// (`flux-schnell`, `esrgan` with its `output_format`), audio
/// (`gemini-3.1-flash-tts`), JSON (`nano-banana`, `llava-v1.6`) and video
/// (`hallo`). Every media model there takes `base64`.
pub fn kinds_schema_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/kinds"))
}
