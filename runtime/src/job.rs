//! The v2 job: `POST {base}/v2/{slug}` submits and returns a [`Job`] at
//! once; the job is then polled at its status URL until it completes, and
//! its result fetched from its response URL. A job can be rebuilt from its
//! request id alone, to resume after a crash or a timeout.

use std::fmt;
use std::time::Duration;

use serde_json::Value;
use tracing::Instrument as _;

use crate::client::Client;
use crate::error::Error;
use crate::job_result::JobResult;
use crate::job_status::{id_text, JobState, JobStatus};
use crate::meta::ResponseMeta;
use crate::model::ModelInput;
use crate::model_call::Endpoint;
use crate::retry::RequestKind;

/// Largest status, submit or result reply read.
const REPLY_LIMIT: usize = 16 << 20;

/// How [`Job::wait`] polls.
///
/// Build one with [`WaitOptions::new`] and the `with_*` setters; the type is
/// `non_exhaustive`, so an option added later is not a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Pause between two polls (default 2 s).
    pub poll_interval: Duration,
    /// Time budget for the whole wait, result included (default 900 s).
    pub deadline: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            poll_interval: Duration::from_secs(2),
            deadline: Duration::from_secs(900),
        }
    }
}

impl WaitOptions {
    /// The defaults: poll every 2 s for up to 900 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the pause between two polls.
    pub fn with_poll_interval(mut self, poll_interval: Duration) -> Self {
        self.poll_interval = poll_interval;
        self
    }

    /// Sets the time budget of the wait.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }
}

/// A submitted v2 job. Cheap to clone; `Debug` never shows the API key.
#[derive(Clone)]
pub struct Job {
    client: Client,
    request_id: String,
    status_url: String,
    response_url: String,
    meta: ResponseMeta,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("request_id", &self.request_id)
            .field("status_url", &self.status_url)
            .field("response_url", &self.response_url)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Submits a model run (v2): validates the input, resolves its media,
    /// POSTs it and returns the queued [`Job`]. The POST is billed, so it is
    /// retried only after a 429 or a connection that failed before sending.
    pub async fn submit<I: ModelInput + ?Sized>(&self, input: &I) -> Result<Job, Error> {
        let (response, meta) = self.post_model(Endpoint::V2, input).await?;
        let timeout = self.request_timeout();
        // The job is billed from here on: a reply that cannot be read still
        // names the request id its headers gave, if any.
        let reply = self
            .read_json(response, timeout, REPLY_LIMIT, "the submit reply")
            .await
            .map_err(|e| e.with_request_id(meta.request_id.as_deref()))?;
        let request_id = reply
            .get("request_id")
            .and_then(id_text)
            .or_else(|| meta.request_id.clone())
            .ok_or_else(|| {
                let shown: String = reply.to_string().chars().take(200).collect();
                Error::decode(format!("the submit reply has no request_id: {shown}"))
            })?;
        let mut job = self.job(request_id);
        job.meta = meta;
        // Segmind's own URLs are used when they point at the API itself; the
        // key is never sent to another host.
        let given = |key: &str| {
            reply
                .get(key)
                .and_then(Value::as_str)
                .filter(|url| self.is_same_origin(url))
        };
        if let Some(url) = given("status_url").or_else(|| given("poll_url")) {
            job.status_url = url.to_owned();
        }
        if let Some(url) = given("response_url") {
            job.response_url = url.to_owned();
        }
        Ok(job)
    }

    /// The job with this request id, to poll or fetch again (for instance
    /// after a crash or a [`Error::Timeout`]). Segmind keeps job records for
    /// an hour.
    pub fn job(&self, request_id: impl Into<String>) -> Job {
        let request_id = request_id.into();
        Job {
            client: self.clone(),
            status_url: self.request_url(&request_id, true),
            response_url: self.request_url(&request_id, false),
            request_id,
            meta: ResponseMeta::default(),
        }
    }
}

impl Job {
    /// Segmind's id of the job; keep it to resume with [`Client::job`].
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Where the job's status is polled.
    pub fn status_url(&self) -> &str {
        &self.status_url
    }

    /// Where the job's result is fetched.
    pub fn response_url(&self) -> &str {
        &self.response_url
    }

    /// The submit reply's metadata headers (empty for a resumed job).
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// Polls once. A job that failed (Segmind answers 422) is
    /// [`Error::JobFailed`] with Segmind's reason.
    pub async fn status(&self) -> Result<JobStatus, Error> {
        let reply = self.get_json(&self.status_url).await?;
        Ok(JobStatus::from_json(reply))
    }

    /// Fetches the result of a completed job without polling first.
    pub async fn result(&self) -> Result<JobResult, Error> {
        let client = &self.client;
        let timeout = client.request_timeout();
        let response = client
            .send(RequestKind::Get, timeout, || {
                client.get(&self.response_url, true)
            })
            .await
            .map_err(|e| self.job_error(e))?;
        let headers = ResponseMeta::from_headers(response.headers());
        let reply = client
            .read_json(response, timeout, REPLY_LIMIT, "the job result")
            .await
            .map_err(|e| self.job_error(e))?;
        if JobStatus::from_json(reply.clone()).state == JobState::Failed {
            return Err(self.failed(&JobStatus::from_json(reply)));
        }
        JobResult::from_json(client.clone(), &self.request_id, reply, headers)
    }

    /// Polls until the job completes, then fetches its result. Fails with
    /// [`Error::JobFailed`] when the job fails and with [`Error::Timeout`]
    /// (carrying the request id) when `options.deadline` passes first.
    pub async fn wait(&self, options: WaitOptions) -> Result<JobResult, Error> {
        self.wait_with_progress(options, |_| {}).await
    }

    /// [`Job::wait`], calling `on_status` with every poll's answer.
    pub async fn wait_with_progress(
        &self,
        options: WaitOptions,
        mut on_status: impl FnMut(&JobStatus),
    ) -> Result<JobResult, Error> {
        let span = tracing::info_span!("segmind.job", request_id = %self.request_id);
        let waiting = async {
            let mut polls: u64 = 0;
            loop {
                let status = self.status().await?;
                polls += 1;
                tracing::debug!(poll = polls, state = ?status.state, "polled");
                on_status(&status);
                match status.state {
                    JobState::Completed => break,
                    JobState::Failed => return Err(self.failed(&status)),
                    _ => tokio::time::sleep(options.poll_interval).await,
                }
            }
            let result = self.result().await?;
            tracing::info!(polls, cost = result.metrics.cost, "job completed");
            Ok(result)
        };
        let outcome =
            match tokio::time::timeout(options.deadline, waiting.instrument(span.clone())).await {
                Ok(outcome) => outcome,
                Err(_) => Err(Error::Timeout {
                    request_id: Some(self.request_id.clone()),
                    after: options.deadline,
                    billed_call: false,
                }),
            };
        if let Err(error) = &outcome {
            tracing::warn!(parent: &span, error = %error, "job wait failed");
        }
        outcome
    }

    /// GETs a JSON reply with the key, retrying transient failures.
    async fn get_json(&self, url: &str) -> Result<Value, Error> {
        let client = &self.client;
        let timeout = client.request_timeout();
        let response = client
            .send(RequestKind::Get, timeout, || client.get(url, true))
            .await
            .map_err(|e| self.job_error(e))?;
        client
            .read_json(response, timeout, REPLY_LIMIT, "the job status")
            .await
            .map_err(|e| self.job_error(e))
    }

    /// An error of this job: a 422 (or any answer saying FAILED) is the job
    /// failing; a timeout gets the request id.
    fn job_error(&self, error: Error) -> Error {
        if let Some(info) = error.api_info() {
            let body = info.body_json();
            let says_failed = body
                .as_ref()
                .and_then(|b| b.get("status"))
                .and_then(Value::as_str)
                .is_some_and(|s| JobState::parse(s) == JobState::Failed);
            if info.status.as_u16() == 422 || says_failed {
                let message = info
                    .message
                    .clone()
                    .unwrap_or_else(|| "the job failed".to_owned());
                return Error::JobFailed {
                    request_id: self.request_id.clone(),
                    message,
                    info: error.api_info().cloned().map(Box::new),
                };
            }
        }
        error.with_request_id(Some(&self.request_id))
    }

    /// The error for a reply that says FAILED with a success status.
    fn failed(&self, status: &JobStatus) -> Error {
        let message = status
            .error_message()
            .map(str::to_owned)
            .unwrap_or_else(|| "the job failed".to_owned());
        Error::JobFailed {
            request_id: self.request_id.clone(),
            message,
            info: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_options_defaults_follow_segmind() {
        let options = WaitOptions::default();
        assert_eq!(options.poll_interval, Duration::from_secs(2));
        assert_eq!(options.deadline, Duration::from_secs(900));
        let custom = WaitOptions::new()
            .with_poll_interval(Duration::from_millis(5))
            .with_deadline(Duration::from_secs(1));
        assert_eq!(
            custom,
            WaitOptions {
                poll_interval: Duration::from_millis(5),
                deadline: Duration::from_secs(1)
            }
        );
    }

    #[test]
    fn a_resumed_job_builds_its_urls_from_the_base() {
        let client = Client::builder()
            .api_key("sk-SECRET-123")
            .base_url("http://127.0.0.1:7")
            .build()
            .unwrap();
        let job = client.job("abc-123");
        assert_eq!(job.request_id(), "abc-123");
        assert_eq!(
            job.status_url(),
            "http://127.0.0.1:7/v2/requests/abc-123/status"
        );
        assert_eq!(job.response_url(), "http://127.0.0.1:7/v2/requests/abc-123");
        assert_eq!(job.meta(), &ResponseMeta::default());
        let shown = format!("{job:?}");
        assert!(
            shown.contains("abc-123") && !shown.contains("sk-SECRET-123"),
            "{shown}"
        );
    }
}
