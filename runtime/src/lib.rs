//! Hand-written runtime behind the generated `segmind` crate.
//!
//! The generated crate owns everything that differs per model (input types,
//! validators, client methods); this crate owns what every model shares: the
//! HTTP client, the v1 call and the v2 job, media inputs, the outputs
//! (video, image, audio, JSON or a chat reply), errors and validation
//! reports.
//!
//! ```no_run
//! # async fn demo(input: &dyn segmind_runtime::ModelInput) -> Result<(), segmind_runtime::Error> {
//! use segmind_runtime::{Client, Video, WaitOptions};
//!
//! let client = Client::from_env()?;
//! // v1: blocks until the video is made, then streams it to disk. The type
//! // asked for (Video, Image, Audio or JsonOutput) picks how the reply is read.
//! let video: Video = client.run(input).await?;
//! video.save("out.mp4").await?;
//! // v2: submit, keep the request id, wait, download.
//! let job = client.submit(input).await?;
//! let done = job.wait(WaitOptions::default()).await?;
//! done.download::<Video>().await?.save("out.mp4").await?;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]
// On docs.rs (nightly, `--cfg docsrs`), items behind a `cfg` say so.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod any_output;
mod base64_reply;
mod batch;
mod chat;
mod client;
mod config;
mod containers;
mod error;
mod job;
mod job_result;
mod job_status;
mod json_input;
mod manifest;
mod media;
mod media_output;
mod meta;
mod model;
mod model_call;
mod model_output;
mod mp4;
mod output_file;
mod retry;
mod secret;
mod timestamp;
mod upload;
mod v1;
mod validate;
mod wire_macros;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use bytes::Bytes;
pub use reqwest::header::HeaderMap;
pub use reqwest::StatusCode;

pub use batch::{
    Batch, BatchEvent, BatchLine, BatchSummary, LineProblems, DEFAULT_BATCH_CONCURRENCY,
    LINE_ID_KEY,
};
pub use chat::{ChatFormat, ChatOutput, TokenUsage};
pub use client::Client;
pub use config::{
    ClientBuilder, MediaUpload, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_UPLOAD_URL, DEFAULT_USER_AGENT, UPLOAD_URL_ENV,
};
pub use error::{ApiErrorInfo, Error, ErrorCategory, NotMediaInfo};

/// `Result` with this crate's [`Error`]: what the client's calls return.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The future a model's method on the generated `Client` returns
/// (`client.hallo(&input)`, `client.hallo_submit(&input)`): `.await` it
/// like any future; it is `Send`, so it may be spawned.
///
/// A named, boxed type rather than each method's own `async fn` state
/// machine: at hundreds of models, one state machine and one `Send` proof
/// per method made the generated crate several times slower to build, and
/// the box costs one allocation per call, next to a round trip.
pub type Call<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'a>>;
pub use any_output::AnyOutput;
pub use job::{Job, WaitOptions};
pub use job_result::{JobMetrics, JobResult};
pub use job_status::{JobState, JobStatus};
pub use json_input::{check_slug, JsonInput};
pub use manifest::{LineState, ManifestContents, ManifestRecord, ManifestWriter, MANIFEST_FILE};
pub use media::{with_local_paths, Media, MediaKind};
pub use media_output::{
    AnyMediaKind, Audio, AudioKind, Image, ImageKind, MediaOutput, MediaOutputKind, Video,
    VideoKind,
};
pub use meta::ResponseMeta;
pub use model::{
    AllowedValue, FieldInfo, FieldKind, ModelInfo, ModelInput, OutputKind, ParseInputError,
};
pub use model_output::{JsonOutput, ModelOutput};
pub use output_file::OutputFile;
pub use retry::RetryPolicy;
pub use upload::{DEFAULT_MAX_INLINE_BYTES, DEFAULT_MAX_UPLOAD_BYTES};
pub use validate::{Limit, ValidationError, Violation, ViolationKind};
