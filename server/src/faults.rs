//! What can go wrong on purpose: the routes a fault can target, the faults
//! themselves, and the `x-test-fault` header syntax that picks one per request.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use axum::http::Method;

/// The request header that injects a fault into the one request carrying it.
/// Its value is a spec parsed by [`Fault::from_str`].
pub const FAULT_HEADER: &str = "x-test-fault";

/// How long a `429` spec without a number tells the client to wait.
const DEFAULT_RESET_AFTER: Duration = Duration::from_secs(1);

/// How long a `slow` spec without a number waits before each chunk.
const DEFAULT_CHUNK_DELAY: Duration = Duration::from_millis(100);

/// The kinds of request a queued fault can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `POST /v1{path}` (a model's request path: `/{slug}`, or longer)
    V1,
    /// `POST /v2{path}`
    V2Submit,
    /// `GET /v2/requests/{id}/status`
    Status,
    /// `GET /v2/requests/{id}`
    Result,
    /// `GET /files/{id}.mp4` and `GET /assets/{name}`
    File,
    /// `POST /upload-asset`
    Upload,
    /// Any request at all, including ones to unknown paths.
    Any,
}

impl Route {
    /// The route a request belongs to, or `None` for a path the server does not
    /// serve (only [`Route::Any`] faults match those).
    pub(crate) fn classify(method: &Method, path: &str) -> Option<Route> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let post = *method == Method::POST;
        let get = *method == Method::GET;
        match segments.as_slice() {
            ["upload-asset"] if post => Some(Route::Upload),
            ["v2", "requests", _, "status"] if get => Some(Route::Status),
            ["v2", "requests", _] if get => Some(Route::Result),
            ["v1", _, ..] if post => Some(Route::V1),
            ["v2", first, ..] if post && *first != "requests" => Some(Route::V2Submit),
            ["files", _] | ["assets", _] if get => Some(Route::File),
            _ => None,
        }
    }

    /// Whether a fault queued for `self` applies to a request on `route`.
    pub fn matches(self, route: Option<Route>) -> bool {
        self == Route::Any || Some(self) == route
    }
}

impl FromStr for Route {
    type Err = FaultSpecError;

    /// Parses `v1`, `v2-submit`, `status`, `result`, `file`, `upload` or `any`
    /// (any case; `_` may stand for `-`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().replace('_', "-").as_str() {
            "v1" => Ok(Route::V1),
            "v2-submit" | "v2submit" | "v2" => Ok(Route::V2Submit),
            "status" => Ok(Route::Status),
            "result" => Ok(Route::Result),
            "file" | "files" => Ok(Route::File),
            "upload" => Ok(Route::Upload),
            "any" => Ok(Route::Any),
            _ => Err(FaultSpecError(format!(
                "unknown route `{text}` (expected v1, v2-submit, status, result, file, upload or any)"
            ))),
        }
    }
}

/// One injected failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `429 {"error":"rate limited"}` with `x-rate-limit-reset-at-utc` set to
    /// now + `reset_after` (RFC 3339, UTC, whole seconds rounded up) and no
    /// `Retry-After`.
    RateLimited {
        /// How far in the future the reset time lies.
        reset_after: Duration,
    },
    /// This status with a JSON body `{"error": "..."}`.
    Status(u16),
    /// This status with a `text/html` page, as Segmind's gateway answers a 405.
    HtmlPage(u16),
    /// The normal answer, its body sent in up to four pieces with this delay
    /// before each piece but the first (a body already in chunks keeps them).
    SlowBody {
        /// Pause before each piece after the first.
        chunk_delay: Duration,
    },
    /// The normal status and headers with the full `Content-Length`, then half
    /// the body, then the connection is aborted: the client fails reading it.
    CutBody,
    /// Wait this long, then answer normally.
    DelayHeaders(Duration),
}

/// A fault or route spec that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FaultSpecError(String);

impl FromStr for Fault {
    type Err = FaultSpecError;

    /// Parses the `x-test-fault` syntax:
    ///
    /// | spec | fault |
    /// |---|---|
    /// | `429`, `429:2`, `429:0.5` | [`Fault::RateLimited`], reset after 1 s / the given seconds |
    /// | `500`, `502`, `503`, `504`, `403`, ... (any 100–599 but 429) | [`Fault::Status`] |
    /// | `405-html` (any status) | [`Fault::HtmlPage`] |
    /// | `slow`, `slow:200` | [`Fault::SlowBody`], 100 ms / the given ms per chunk |
    /// | `cut` | [`Fault::CutBody`] |
    /// | `delay:1500` | [`Fault::DelayHeaders`], the given ms |
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let spec = text.trim().to_ascii_lowercase();
        let (head, arg) = match spec.split_once(':') {
            Some((head, arg)) => (head, Some(arg.trim())),
            None => (spec.as_str(), None),
        };
        let bad = || FaultSpecError(format!("invalid fault spec `{text}`"));
        match (head.trim(), arg) {
            ("429", None) => Ok(Fault::RateLimited {
                reset_after: DEFAULT_RESET_AFTER,
            }),
            ("429", Some(secs)) => Ok(Fault::RateLimited {
                reset_after: parse_seconds(secs).ok_or_else(bad)?,
            }),
            ("cut", None) => Ok(Fault::CutBody),
            ("slow", None) => Ok(Fault::SlowBody {
                chunk_delay: DEFAULT_CHUNK_DELAY,
            }),
            ("slow", Some(ms)) => Ok(Fault::SlowBody {
                chunk_delay: parse_millis(ms).ok_or_else(bad)?,
            }),
            ("delay", Some(ms)) => Ok(Fault::DelayHeaders(parse_millis(ms).ok_or_else(bad)?)),
            (code, None) => {
                if let Some(code) = code.strip_suffix("-html") {
                    Ok(Fault::HtmlPage(parse_status(code).ok_or_else(bad)?))
                } else {
                    Ok(Fault::Status(parse_status(code).ok_or_else(bad)?))
                }
            }
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Fault {
    /// Writes the spec [`Fault::from_str`] reads back (sub-millisecond parts of
    /// durations are dropped; `Status(429)` is written `429`, which reads back
    /// as a rate limit).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::RateLimited { reset_after } => {
                let millis = reset_after.as_millis();
                if millis % 1000 == 0 {
                    write!(f, "429:{}", millis / 1000)
                } else {
                    write!(f, "429:{}", reset_after.as_secs_f64())
                }
            }
            Fault::Status(code) => write!(f, "{code}"),
            Fault::HtmlPage(code) => write!(f, "{code}-html"),
            Fault::SlowBody { chunk_delay } => write!(f, "slow:{}", chunk_delay.as_millis()),
            Fault::CutBody => f.write_str("cut"),
            Fault::DelayHeaders(delay) => write!(f, "delay:{}", delay.as_millis()),
        }
    }
}

fn parse_status(text: &str) -> Option<u16> {
    let code: u16 = text.trim().parse().ok()?;
    (100..=599).contains(&code).then_some(code)
}

fn parse_millis(text: &str) -> Option<Duration> {
    text.parse::<u64>().ok().map(Duration::from_millis)
}

fn parse_seconds(text: &str) -> Option<Duration> {
    let secs: f64 = text.parse().ok()?;
    if secs.is_finite() && (0.0..=86_400.0 * 365.0).contains(&secs) {
        Some(Duration::from_secs_f64(secs))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_spec() {
        let cases = [
            (
                "429",
                Fault::RateLimited {
                    reset_after: Duration::from_secs(1),
                },
            ),
            (
                "429:2",
                Fault::RateLimited {
                    reset_after: Duration::from_secs(2),
                },
            ),
            ("500", Fault::Status(500)),
            ("502", Fault::Status(502)),
            ("503", Fault::Status(503)),
            ("504", Fault::Status(504)),
            ("405-html", Fault::HtmlPage(405)),
            (
                "slow:200",
                Fault::SlowBody {
                    chunk_delay: Duration::from_millis(200),
                },
            ),
            ("cut", Fault::CutBody),
            (
                "delay:1500",
                Fault::DelayHeaders(Duration::from_millis(1500)),
            ),
        ];
        for (spec, fault) in cases {
            assert_eq!(spec.parse::<Fault>(), Ok(fault.clone()), "{spec}");
            assert_eq!(fault.to_string().parse::<Fault>(), Ok(fault));
        }
    }

    #[test]
    fn rejects_nonsense() {
        for spec in [
            "", "abc", "99", "600", "delay", "delay:x", "slow:-1", "429:x", "cut:1",
        ] {
            assert!(spec.parse::<Fault>().is_err(), "{spec}");
        }
    }

    #[test]
    fn classifies_paths() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(Route::classify(&post, "/v1/hallo"), Some(Route::V1));
        assert_eq!(Route::classify(&post, "/v2/hallo"), Some(Route::V2Submit));
        assert_eq!(
            Route::classify(&get, "/v2/requests/abc/status"),
            Some(Route::Status)
        );
        assert_eq!(
            Route::classify(&get, "/v2/requests/abc"),
            Some(Route::Result)
        );
        assert_eq!(Route::classify(&get, "/files/abc.mp4"), Some(Route::File));
        assert_eq!(Route::classify(&get, "/assets/1.png"), Some(Route::File));
        assert_eq!(Route::classify(&post, "/upload-asset"), Some(Route::Upload));
        assert_eq!(Route::classify(&get, "/v1/hallo"), None);
        // A request path of several segments.
        assert_eq!(Route::classify(&post, "/v1/fam/foo"), Some(Route::V1));
        assert_eq!(Route::classify(&post, "/v2/fam/foo"), Some(Route::V2Submit));
        assert_eq!(Route::classify(&post, "/v2/requests/abc"), None);
        assert_eq!(Route::classify(&post, "/v1"), None);
        assert!(Route::Any.matches(None));
        assert!(!Route::V1.matches(Some(Route::V2Submit)));
    }
}
