//! When to try a request again and how long to wait first.
//!
//! A POST starts a billed job, so it is retried only when it certainly did
//! not reach the server: after a 429 (not billed) or a connection that failed
//! before anything was sent. A GET (job status, job result, file download) is
//! also retried after 502, 503, 504, any connection failure and a timeout.

use std::time::{Duration, SystemTime};

use crate::error::{is_transient_status, Error};

/// How often and how long the client retries.
/// Build one from [`RetryPolicy::default`] or [`RetryPolicy::none`] and the
/// `with_*` setters; the type is `non_exhaustive`, so a setting added later
/// is not a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 3).
    pub max_retries: u32,
    /// First backoff wait; doubled on each retry (default 1 s).
    pub base_delay: Duration,
    /// Longest wait. A 429 whose reset lies further away than this is
    /// returned to the caller instead of waited for (default 60 s).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets the number of retries.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the first backoff wait.
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// Sets the longest wait.
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// The exponential backoff before retry number `attempt + 1`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.checked_pow(attempt.min(31)).unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// How long to wait before retrying after `error`, or `None` to give up.
    /// `attempt` counts the retries already made.
    pub(crate) fn delay_after(
        &self,
        kind: RequestKind,
        error: &Error,
        attempt: u32,
        now: SystemTime,
    ) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        let backoff = self.backoff(attempt);
        match error {
            Error::RateLimited {
                reset_at,
                retry_after,
                ..
            } => {
                let until_reset =
                    reset_at.map(|at| at.duration_since(now).unwrap_or(Duration::ZERO));
                let hinted = until_reset.max(*retry_after).filter(|wait| !wait.is_zero());
                let wait = hinted.unwrap_or(backoff);
                (wait <= self.max_delay).then_some(wait)
            }
            Error::Transport {
                may_have_reached_server: false,
                ..
            } => Some(backoff),
            Error::Transport { .. } | Error::Timeout { .. } if kind == RequestKind::Get => {
                Some(backoff)
            }
            Error::Server(info) if kind == RequestKind::Get && is_transient_status(info.status) => {
                Some(backoff)
            }
            _ => None,
        }
    }
}

/// Whether a request may be repeated without side effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestKind {
    /// A model call (v1 run or v2 submit): billed, not idempotent.
    ModelCall,
    /// Another POST (an upload): not billed, but not repeated either once
    /// it may have arrived.
    Post,
    /// A GET: safe to repeat.
    Get,
}

impl RequestKind {
    /// Whether the request starts a billed job.
    pub(crate) fn is_billed(self) -> bool {
        self == RequestKind::ModelCall
    }

    /// Its name in tracing events.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RequestKind::ModelCall => "model_call",
            RequestKind::Post => "post",
            RequestKind::Get => "get",
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;

    use super::*;
    use crate::error::ApiErrorInfo;

    fn status(code: u16) -> Error {
        Error::from_api(ApiErrorInfo::new(
            StatusCode::from_u16(code).unwrap(),
            HeaderMap::new(),
            Bytes::new(),
        ))
    }

    fn rate_limited(reset_at: Option<SystemTime>, retry_after: Option<Duration>) -> Error {
        Error::RateLimited {
            info: Box::new(ApiErrorInfo::new(
                StatusCode::TOO_MANY_REQUESTS,
                HeaderMap::new(),
                Bytes::new(),
            )),
            reset_at,
            retry_after,
        }
    }

    const MS: Duration = Duration::from_millis(1);

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            base_delay: 10 * MS,
            max_delay: 100 * MS,
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = policy();
        assert_eq!(
            [0, 1, 2, 3, 40].map(|a| p.backoff(a)),
            [10 * MS, 20 * MS, 40 * MS, 80 * MS, 100 * MS]
        );
    }

    #[test]
    fn rate_limit_waits_for_the_reset_then_backs_off() {
        let now = SystemTime::now();
        let p = policy();
        let reset = rate_limited(Some(now + 30 * MS), None);
        assert_eq!(
            p.delay_after(RequestKind::Post, &reset, 0, now),
            Some(30 * MS)
        );
        let after = rate_limited(None, Some(50 * MS));
        assert_eq!(
            p.delay_after(RequestKind::Post, &after, 0, now),
            Some(50 * MS)
        );
        let both = rate_limited(Some(now + 30 * MS), Some(50 * MS));
        assert_eq!(
            p.delay_after(RequestKind::Post, &both, 0, now),
            Some(50 * MS)
        );
        let past = rate_limited(Some(now - Duration::from_secs(5)), None);
        assert_eq!(
            p.delay_after(RequestKind::Post, &past, 1, now),
            Some(20 * MS)
        );
        let bare = rate_limited(None, None);
        assert_eq!(
            p.delay_after(RequestKind::Post, &bare, 2, now),
            Some(40 * MS)
        );
    }

    #[test]
    fn rate_limit_too_far_away_or_out_of_budget_gives_up() {
        let now = SystemTime::now();
        let p = policy();
        let far = rate_limited(Some(now + Duration::from_secs(3600)), None);
        assert_eq!(p.delay_after(RequestKind::Post, &far, 0, now), None);
        let bare = rate_limited(None, None);
        assert_eq!(p.delay_after(RequestKind::Post, &bare, 3, now), None);
        assert_eq!(
            RetryPolicy::none().delay_after(RequestKind::Get, &bare, 0, now),
            None
        );
    }

    #[test]
    fn posts_are_never_retried_after_they_may_have_arrived() {
        let now = SystemTime::now();
        let p = policy();
        for code in [500, 502, 503, 504] {
            assert_eq!(
                p.delay_after(RequestKind::Post, &status(code), 0, now),
                None,
                "{code}"
            );
        }
        let timeout = Error::Timeout {
            request_id: None,
            after: MS,
            billed_call: false,
        };
        assert_eq!(p.delay_after(RequestKind::Post, &timeout, 0, now), None);
    }

    #[test]
    fn gets_are_retried_on_transient_failures_only() {
        let now = SystemTime::now();
        let p = policy();
        for code in [502, 503, 504] {
            assert_eq!(
                p.delay_after(RequestKind::Get, &status(code), 1, now),
                Some(20 * MS),
                "{code}"
            );
        }
        for code in [400, 401, 404, 410, 422, 500] {
            assert_eq!(
                p.delay_after(RequestKind::Get, &status(code), 0, now),
                None,
                "{code}"
            );
        }
        let timeout = Error::Timeout {
            request_id: None,
            after: MS,
            billed_call: false,
        };
        assert_eq!(
            p.delay_after(RequestKind::Get, &timeout, 0, now),
            Some(10 * MS)
        );
    }
}
