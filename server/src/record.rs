//! The log of the requests the server received, for assertions in tests. It
//! is capped: the latest [`crate::ServerConfig::max_records`] requests, each
//! with the first [`RECORDED_BODY_BYTES`] of its body.

use axum::http::request::Parts;

/// How much of each request body the log keeps: the first 64 KiB. The
/// body's full length is kept too ([`RecordedRequest::body_len`]).
pub const RECORDED_BODY_BYTES: usize = 64 * 1024;

/// One request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// Every header, name in lower case, value as text (bytes that are not
    /// UTF-8 are replaced).
    pub headers: Vec<(String, String)>,
    /// The body's first bytes: all of it up to [`RECORDED_BODY_BYTES`], at
    /// most that many of a longer one.
    pub body: Vec<u8>,
    /// The body's full length in bytes. For a body refused as too large, the
    /// length its `Content-Length` declared, or what had arrived when it was
    /// refused.
    pub body_len: u64,
    /// Whether [`RecordedRequest::body`] holds less than the whole body.
    pub body_truncated: bool,
}

impl RecordedRequest {
    /// The request of `parts` whose body starts with `body` and is `body_len`
    /// bytes long in all; the body is cut to [`RECORDED_BODY_BYTES`].
    pub(crate) fn new(parts: &Parts, body: &[u8], body_len: u64) -> Self {
        let kept = &body[..body.len().min(RECORDED_BODY_BYTES)];
        RecordedRequest {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: kept.to_vec(),
            body_len,
            body_truncated: (kept.len() as u64) < body_len,
        }
    }

    /// The first value of a header, by its lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    fn parts() -> Parts {
        Request::post("/upload-asset?x=1")
            .header("X-Api-Key", "k")
            .body(())
            .unwrap()
            .into_parts()
            .0
    }

    #[test]
    fn short_bodies_are_kept_whole() {
        let record = RecordedRequest::new(&parts(), b"{}", 2);
        assert_eq!(record.path, "/upload-asset");
        assert_eq!(record.header("x-api-key"), Some("k"));
        assert_eq!(record.body, b"{}");
        assert_eq!(record.body_len, 2);
        assert!(!record.body_truncated);
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = vec![b'a'; RECORDED_BODY_BYTES + 10];
        let record = RecordedRequest::new(&parts(), &body, body.len() as u64);
        assert_eq!(record.body.len(), RECORDED_BODY_BYTES);
        assert_eq!(record.body_len, body.len() as u64);
        assert!(record.body_truncated);
        // A refused body: nothing read, its declared length kept.
        let record = RecordedRequest::new(&parts(), b"", 5_000_000);
        assert!(record.body.is_empty() && record.body_truncated);
        assert_eq!(record.body_len, 5_000_000);
    }
}
