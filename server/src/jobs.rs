//! v2 jobs and how they progress: `QUEUED` on the first poll, `PROCESSING`
//! until the configured number of polls is used up, then `COMPLETED` (or
//! `FAILED` when the server fails jobs) for good.

use std::time::Instant;

use crate::outputs::Output;

/// One submitted v2 job.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    /// Status polls answered so far.
    polls: u32,
    /// When it was submitted.
    pub submitted: Instant,
    /// What it cost, in thousandths of a credit.
    pub cost_millis: u64,
    /// Credits left after it was charged, in thousandths.
    pub remaining_millis: u64,
    /// What it answers.
    pub output: Output,
    /// The model it runs.
    pub slug: String,
    /// Why it fails whatever the server's setting, when its input says so.
    pub fails_with: Option<String>,
    /// A chat model's reply, built from the request when it was submitted.
    pub reply: Option<serde_json::Value>,
}

/// Where a job stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Being generated.
    Processing,
    /// Done; the result and file can be fetched.
    Completed,
    /// Done, without a video; the message says why.
    Failed(String),
}

impl JobState {
    /// The wire name of the state.
    pub fn as_str(&self) -> &'static str {
        match self {
            JobState::Queued => "QUEUED",
            JobState::Processing => "PROCESSING",
            JobState::Completed => "COMPLETED",
            JobState::Failed(_) => "FAILED",
        }
    }
}

impl Job {
    /// A job that has not been polled yet.
    pub fn new(cost_millis: u64, remaining_millis: u64, output: Output, slug: &str) -> Self {
        Job {
            output,
            slug: slug.to_owned(),
            fails_with: None,
            reply: None,
            polls: 0,
            submitted: Instant::now(),
            cost_millis,
            remaining_millis,
        }
    }

    /// Counts one status poll and answers the state it reports.
    pub fn poll(&mut self, polls_before_complete: u32, fail: Option<&str>) -> JobState {
        self.polls = self.polls.saturating_add(1);
        self.state(polls_before_complete, fail)
    }

    /// The state after the polls made so far (`QUEUED` before any poll).
    pub fn state(&self, polls_before_complete: u32, fail: Option<&str>) -> JobState {
        if self.polls > polls_before_complete {
            match self.fails_with.as_deref().or(fail) {
                Some(message) => JobState::Failed(message.to_owned()),
                None => JobState::Completed,
            }
        } else if self.polls <= 1 {
            JobState::Queued
        } else {
            JobState::Processing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_polls_then_completed() {
        let mut job = Job::new(1, 1, Output::Video, "m");
        assert_eq!(job.poll(2, None), JobState::Queued);
        assert_eq!(job.poll(2, None), JobState::Processing);
        assert_eq!(job.poll(2, None), JobState::Completed);
        assert_eq!(job.poll(2, None), JobState::Completed);
    }

    #[test]
    fn zero_polls_completes_at_once_and_failure_sticks() {
        let mut job = Job::new(1, 1, Output::Video, "m");
        assert_eq!(job.poll(0, None), JobState::Completed);
        let mut job = Job::new(1, 1, Output::Video, "m");
        assert_eq!(job.poll(1, Some("boom")), JobState::Queued);
        assert_eq!(job.poll(1, Some("boom")), JobState::Failed("boom".into()));
        assert_eq!(job.poll(1, Some("boom")), JobState::Failed("boom".into()));
    }
}
