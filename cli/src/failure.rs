//! [`Failure`]: why a command stopped, as the user sees it (a message, one
//! line per detail) and as a script sees it (`--json`, exit code).

use std::path::Path;

use segmind_runtime::Error;
use serde_json::{json, Value};

use crate::exit::Exit;
use crate::output;

/// Why a command stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The exit code it ends with.
    pub exit: Exit,
    /// What went wrong, in one line.
    pub message: String,
    /// Further lines: each violation, a hint on how to go on.
    pub details: Vec<String>,
    /// The HTTP status Segmind answered, when it did.
    pub status: Option<u16>,
    /// The request id the failure concerns, when there is one.
    pub request_id: Option<String>,
}

impl Failure {
    /// A failure with this exit code and message and nothing else.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
            details: Vec::new(),
            status: None,
            request_id: None,
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Exit::Usage, message)
    }

    /// Any other error (exit 7).
    pub fn other(message: impl Into<String>) -> Self {
        Failure::new(Exit::Other, message)
    }

    /// An invalid input (exit 3) with one detail line per violation.
    pub fn invalid(message: impl Into<String>, violations: Vec<String>) -> Self {
        Failure {
            details: violations,
            ..Failure::new(Exit::InvalidInput, message)
        }
    }

    /// The failure for a runtime error. Validation errors list their
    /// violations by wire name; callers that know the flags report those
    /// through [`Failure::invalid`] instead.
    pub fn from_runtime(error: Error) -> Self {
        let exit = Exit::for_error(&error);
        let status = error.status().map(|status| status.as_u16());
        let request_id = error.request_id();
        match error {
            Error::Validation(report) => {
                let lines = report.violations.iter().map(ToString::to_string).collect();
                Failure::invalid(format!("invalid {} input:", report.model), lines)
            }
            other => {
                let mut failure = Failure {
                    status,
                    request_id,
                    ..Failure::new(exit, other.to_string())
                };
                if other.may_have_been_billed() && failure.request_id.is_none() {
                    failure.details.push(
                        "Segmind may have started (and billed) this call: check your account before running it again".to_owned(),
                    );
                }
                failure
            }
        }
    }

    /// The failure when the process was asked to stop (`exit` is
    /// [`Exit::Interrupted`] or [`Exit::Terminated`]) during the work on
    /// `request_id` (a billed request), or before one was known.
    pub fn interrupted(exit: Exit, request_id: Option<&str>) -> Self {
        let what = if exit == Exit::Terminated {
            "terminated"
        } else {
            "interrupted"
        };
        let mut failure = Failure::new(exit, what);
        match request_id {
            Some(id) => failure.request_id = Some(id.to_owned()),
            None => failure
                .details
                .push("a request that reached Segmind may still run and be billed".to_owned()),
        }
        failure
    }

    /// Adds how to resume the job with `segmind wait`, when the failure is
    /// a timeout or an interruption that names a request id.
    pub fn with_resume_hint(mut self, out: Option<&Path>) -> Self {
        let resumable = matches!(
            self.exit,
            Exit::TimedOut | Exit::Interrupted | Exit::Terminated
        );
        if let (true, Some(id)) = (resumable, &self.request_id) {
            let out = out
                .map(|out| format!(" --out {}", output::shell_quote(&out.display().to_string())))
                .unwrap_or_default();
            self.details.push(format!(
                "request id: {id} (Segmind keeps it for an hour); resume with: segmind wait {}{out}",
                output::shell_quote(id)
            ));
        }
        self
    }

    /// Prints the failure: `error: ...` and its details on stderr or, with
    /// `json`, one JSON object on stdout and nothing on stderr (a script
    /// reads one stream; the details and the request id are in the object).
    pub fn print(&self, json: bool) {
        // A command that reported its own outcome ends with its code only.
        if self.message.is_empty() && self.details.is_empty() {
            return;
        }
        if json {
            output::stdout_json(&self.to_json());
            return;
        }
        let mut text = format!("error: {}\n", self.message);
        for line in &self.details {
            text.push_str(&format!("  {line}\n"));
        }
        // A billed request's id is never lost, whatever went wrong after.
        if let Some(id) = &self.request_id {
            if !text.contains(id.as_str()) {
                text.push_str(&format!("  request id: {id}\n"));
            }
        }
        output::stderr(&text);
    }

    /// The failure as `{"error": {...}}`.
    pub fn to_json(&self) -> Value {
        json!({
            "error": {
                "exit_code": self.exit.code(),
                "kind": self.exit.kind(),
                "message": self.message,
                "details": self.details,
                "status": self.status,
                "request_id": self.request_id,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn timeouts_say_how_to_resume() {
        let error = Error::Timeout {
            request_id: Some("abc 1".into()),
            after: Duration::from_secs(3),
            billed_call: false,
        };
        let failure = Failure::from_runtime(error).with_resume_hint(Some(Path::new("my out.mp4")));
        assert_eq!(failure.exit, Exit::TimedOut);
        assert_eq!(failure.request_id.as_deref(), Some("abc 1"));
        assert!(
            failure.details[0].ends_with("resume with: segmind wait 'abc 1' --out 'my out.mp4'"),
            "{:?}",
            failure.details
        );
    }

    #[test]
    fn other_failures_get_no_resume_hint() {
        let failed = Error::JobFailed {
            request_id: "r".into(),
            message: "no face".into(),
            info: None,
        };
        let failure = Failure::from_runtime(failed).with_resume_hint(Some(Path::new("o.mp4")));
        assert_eq!(failure.exit, Exit::JobFailed);
        assert!(failure.details.is_empty());
        assert!(failure.message.contains("no face"));
    }

    #[test]
    fn json_report_names_the_kind_and_code() {
        let failure = Failure::invalid(
            "invalid hallo input:",
            vec!["--pose-weight: 12.0 is above the maximum 10".into()],
        );
        let report = failure.to_json();
        assert_eq!(report["error"]["exit_code"], 3);
        assert_eq!(report["error"]["kind"], "invalid_input");
        assert_eq!(
            report["error"]["details"][0],
            "--pose-weight: 12.0 is above the maximum 10"
        );
        assert_eq!(report["error"]["status"], Value::Null);
    }

    #[test]
    fn a_possibly_billed_failure_without_an_id_says_to_check_first() {
        let error = Error::Timeout {
            request_id: None,
            after: Duration::from_secs(3),
            billed_call: true,
        };
        let failure = Failure::from_runtime(error);
        assert!(
            failure
                .details
                .iter()
                .any(|d| d.contains("may have started")),
            "{failure:?}"
        );
        let refused = Failure::from_runtime(Error::Config("no key".into()));
        assert!(refused.details.is_empty());
    }
}
