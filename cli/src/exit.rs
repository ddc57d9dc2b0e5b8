//! Exit codes of `segmind`: one per kind of outcome, so a script can tell a
//! bad input from an API refusal, a failed job or a timeout, and the table
//! that documents them (in `segmind --help` and in the README).

use segmind_runtime::{Error, ErrorCategory};

/// How `segmind` ends. The discriminant is the process exit code.
///
/// | code | meaning |
/// |---|---|
/// | 0 | success: the output was saved or printed (or the dry run / listing printed) |
/// | 2 | usage: a bad flag or value (clap's own errors), no API key, a bad base URL |
/// | 3 | invalid input: the schema's checks failed (every violation is listed); nothing was sent |
/// | 4 | API error: Segmind answered an HTTP error (the status and its message are printed) |
/// | 5 | job failed: a v2 job ended `FAILED` |
/// | 6 | timed out: the job's request id is printed, resume with `segmind wait <id>` |
/// | 7 | network, file or other error |
/// | 130 | interrupted with Ctrl-C (a billed request's id is printed) |
/// | 143 | terminated by SIGTERM (a billed request's id is printed) |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The command did what it was asked.
    Success = 0,
    /// The command line is wrong, or a setting is missing or invalid.
    Usage = 2,
    /// The model input breaks its schema; nothing was sent.
    InvalidInput = 3,
    /// Segmind answered an HTTP error status.
    Api = 4,
    /// A v2 job ended in the `FAILED` state.
    JobFailed = 5,
    /// The wait budget (or one HTTP exchange) ran out.
    TimedOut = 6,
    /// The network, a local file, or anything else failed.
    Other = 7,
    /// The user pressed Ctrl-C.
    Interrupted = 130,
    /// The process got SIGTERM.
    Terminated = 143,
}

/// Every exit code with its meaning, in the order they are documented.
pub const EXIT_CODES: &[(Exit, &str)] = &[
    (
        Exit::Success,
        "success: the output was saved or printed (or the dry run or listing printed)",
    ),
    (
        Exit::Usage,
        "usage: a bad flag or value, no API key, a bad base URL",
    ),
    (
        Exit::InvalidInput,
        "invalid input: every violation of the schema is listed; nothing was sent",
    ),
    (
        Exit::Api,
        "API error: Segmind answered an HTTP error (status and message printed)",
    ),
    (Exit::JobFailed, "job failed: the v2 job ended FAILED"),
    (
        Exit::TimedOut,
        "timed out: the request id is printed; resume with `segmind wait <id>`",
    ),
    (Exit::Other, "network, file or other error"),
    (
        Exit::Interrupted,
        "interrupted with Ctrl-C (a billed request's id is printed)",
    ),
    (
        Exit::Terminated,
        "terminated by SIGTERM (a billed request's id is printed)",
    ),
];

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// A short name of the outcome, for `--json` error reports.
    pub fn kind(self) -> &'static str {
        match self {
            Exit::Success => "success",
            Exit::Usage => "usage",
            Exit::InvalidInput => "invalid_input",
            Exit::Api => "api",
            Exit::JobFailed => "job_failed",
            Exit::TimedOut => "timed_out",
            Exit::Other => "other",
            Exit::Interrupted => "interrupted",
            Exit::Terminated => "terminated",
        }
    }

    /// The exit code a runtime error ends the command with.
    ///
    /// It follows the runtime's [`ErrorCategory`], which sorts every
    /// variant of the `non_exhaustive` [`Error`]; this match has no
    /// catch-all arm either, so a new category cannot fall under "other"
    /// unnoticed.
    pub fn for_error(error: &Error) -> Exit {
        match error.category() {
            ErrorCategory::InvalidInput => Exit::InvalidInput,
            ErrorCategory::Config => Exit::Usage,
            ErrorCategory::Api => Exit::Api,
            ErrorCategory::JobFailed => Exit::JobFailed,
            ErrorCategory::Timeout => Exit::TimedOut,
            ErrorCategory::Transport | ErrorCategory::Decode | ErrorCategory::Io => Exit::Other,
        }
    }
}

/// The exit-code table as `segmind --help` prints it after the options.
pub fn help_table() -> String {
    let mut text = String::from("Exit codes:\n");
    for (exit, meaning) in EXIT_CODES {
        text.push_str(&format!("  {:>3}  {meaning}\n", exit.code()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_documented_in_order() {
        let codes: Vec<u8> = EXIT_CODES.iter().map(|(exit, _)| exit.code()).collect();
        assert_eq!(codes, vec![0, 2, 3, 4, 5, 6, 7, 130, 143]);
        let table = help_table();
        assert!(table.contains("    3  invalid input"), "{table}");
        assert!(table.contains("  130  interrupted"), "{table}");
    }

    #[test]
    fn runtime_errors_map_to_their_meaning() {
        let timeout = Error::Timeout {
            request_id: Some("r".into()),
            after: std::time::Duration::from_secs(1),
            billed_call: false,
        };
        assert_eq!(Exit::for_error(&timeout), Exit::TimedOut);
        let failed = Error::JobFailed {
            request_id: "r".into(),
            message: "no face".into(),
            info: None,
        };
        assert_eq!(Exit::for_error(&failed), Exit::JobFailed);
        assert_eq!(
            Exit::for_error(&Error::Config("no key".into())),
            Exit::Usage
        );
        let io = Error::Io {
            path: None,
            source: std::io::Error::other("disk full"),
        };
        assert_eq!(Exit::for_error(&io), Exit::Other);
    }
}
