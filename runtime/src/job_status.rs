//! One poll of a v2 job: its [`JobState`] and the [`JobStatus`] reply around
//! it, both read leniently (an unknown state is kept, not refused).

use std::fmt;

use serde_json::{Map, Value};

/// Where a v2 job is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for a worker (`QUEUED`).
    Queued,
    /// Being made (`PROCESSING`).
    Processing,
    /// Done; the result can be fetched (`COMPLETED`).
    Completed,
    /// Failed (`FAILED`).
    Failed,
    /// A state this crate does not know, as sent.
    Other(String),
}

impl JobState {
    /// Reads a state, accepting the usual synonyms in any case.
    pub fn parse(text: &str) -> Self {
        match text
            .trim()
            .to_ascii_uppercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "QUEUED" | "IN_QUEUE" | "PENDING" | "SUBMITTED" | "WAITING" => JobState::Queued,
            "PROCESSING" | "IN_PROGRESS" | "RUNNING" | "STARTED" => JobState::Processing,
            "COMPLETED" | "COMPLETE" | "SUCCEEDED" | "SUCCESS" | "DONE" => JobState::Completed,
            "FAILED" | "FAILURE" | "ERROR" | "ERRORED" => JobState::Failed,
            _ => JobState::Other(text.to_owned()),
        }
    }

    /// The state as Segmind spells it (`QUEUED`...), or as sent.
    pub fn as_str(&self) -> &str {
        match self {
            JobState::Queued => "QUEUED",
            JobState::Processing => "PROCESSING",
            JobState::Completed => "COMPLETED",
            JobState::Failed => "FAILED",
            JobState::Other(text) => text,
        }
    }

    /// Whether the job will not change any more.
    pub fn is_finished(&self) -> bool {
        matches!(self, JobState::Completed | JobState::Failed)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer to one status poll.
#[derive(Debug, Clone, PartialEq)]
pub struct JobStatus {
    /// The job's state (`Other("")` when the reply has none).
    pub state: JobState,
    /// The request id, when the reply repeats it.
    pub request_id: Option<String>,
    /// The reply's `metrics` object (empty when absent).
    pub metrics: Map<String, Value>,
    /// The whole reply.
    pub raw: Value,
}

impl JobStatus {
    /// Reads a status reply; nothing in it is required.
    pub fn from_json(raw: Value) -> Self {
        let state = raw
            .get("status")
            .and_then(Value::as_str)
            .map(JobState::parse);
        let metrics = raw
            .get("metrics")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        JobStatus {
            state: state.unwrap_or_else(|| JobState::Other(String::new())),
            request_id: raw.get("request_id").and_then(id_text),
            metrics,
            raw,
        }
    }

    /// The reply's `error` (or `message`) text, as a failed job gives it.
    pub fn error_message(&self) -> Option<&str> {
        ["error", "message"]
            .iter()
            .find_map(|key| self.raw.get(key)?.as_str())
    }
}

/// An id written as a JSON string or number.
pub(crate) fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn states_parse_leniently() {
        assert_eq!(JobState::parse("QUEUED"), JobState::Queued);
        assert_eq!(JobState::parse("in-queue"), JobState::Queued);
        assert_eq!(JobState::parse("processing"), JobState::Processing);
        assert_eq!(JobState::parse("In Progress"), JobState::Processing);
        assert_eq!(JobState::parse("COMPLETED"), JobState::Completed);
        assert_eq!(JobState::parse("succeeded"), JobState::Completed);
        assert_eq!(JobState::parse("FAILED"), JobState::Failed);
        assert_eq!(
            JobState::parse("CANCELLED"),
            JobState::Other("CANCELLED".into())
        );
        assert_eq!(JobState::Other("x".into()).to_string(), "x");
        assert_eq!(JobState::Completed.to_string(), "COMPLETED");
        assert!(JobState::Failed.is_finished() && !JobState::Queued.is_finished());
    }

    #[test]
    fn status_replies_parse_leniently() {
        let status = JobStatus::from_json(
            json!({"status": "PROCESSING", "request_id": "r-1", "metrics": {"queue_time": 2}}),
        );
        assert_eq!(status.state, JobState::Processing);
        assert_eq!(status.request_id.as_deref(), Some("r-1"));
        assert_eq!(status.metrics["queue_time"], json!(2));

        let bare = JobStatus::from_json(json!([1]));
        assert_eq!(bare.state, JobState::Other(String::new()));
        assert_eq!(bare.request_id, None);
        assert!(bare.metrics.is_empty());

        let numbered =
            JobStatus::from_json(json!({"status": 3, "request_id": 42, "metrics": "no"}));
        assert_eq!(numbered.request_id.as_deref(), Some("42"));
        assert_eq!(numbered.state, JobState::Other(String::new()));

        let failed = JobStatus::from_json(json!({"status": "FAILED", "error": "face not found"}));
        assert_eq!(failed.error_message(), Some("face not found"));
    }
}
