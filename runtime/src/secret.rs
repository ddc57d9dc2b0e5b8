//! The API key as a secret: a wrapper that never shows it in `Debug`, and the
//! scrubbing that removes it from anything a server might echo back into an
//! error.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderValue};

/// What stands in for the key wherever it would otherwise appear.
pub(crate) const REDACTED: &str = "[redacted]";

/// An API key. `Debug` prints `"[redacted]"`; the text is only reachable
/// inside the crate, to put in the `x-api-key` header.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    pub(crate) fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// The key as a header value marked sensitive (HTTP/2 never indexes it),
    /// or `None` when it holds characters a header cannot carry.
    pub(crate) fn header_value(&self) -> Option<HeaderValue> {
        let mut value = HeaderValue::from_str(&self.0).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// `text` with every occurrence of the key replaced by `[redacted]`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        if self.is_empty() || !text.contains(&self.0) {
            return text.to_owned();
        }
        text.replace(&self.0, REDACTED)
    }

    /// `bytes` with every occurrence of the key replaced by `[redacted]`.
    pub(crate) fn scrub_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        let needle = self.0.as_bytes();
        if needle.is_empty() || bytes.len() < needle.len() {
            return bytes.to_vec();
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i..].starts_with(needle) {
                out.extend_from_slice(REDACTED.as_bytes());
                i += needle.len();
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        out
    }

    /// Replaces every header value that holds the key.
    pub(crate) fn scrub_headers(&self, headers: &mut HeaderMap) {
        if self.is_empty() {
            return;
        }
        let needle = self.0.as_bytes();
        for value in headers.values_mut() {
            if value.as_bytes().windows(needle.len()).any(|w| w == needle) {
                *value = HeaderValue::from_static(REDACTED);
            }
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("sk-SECRET-123");
        assert_eq!(format!("{key:?}"), "\"[redacted]\"");
    }

    #[test]
    fn scrubs_text_bytes_and_headers() {
        let key = ApiKey::new("sk-SECRET-123");
        assert_eq!(key.scrub("bad key sk-SECRET-123!"), "bad key [redacted]!");
        assert_eq!(
            key.scrub_bytes(b"sk-SECRET-123sk-SECRET-123x"),
            b"[redacted][redacted]x".to_vec()
        );
        assert_eq!(key.scrub_bytes(b"short"), b"short".to_vec());
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", HeaderValue::from_static("key=sk-SECRET-123"));
        headers.insert("x-other", HeaderValue::from_static("fine"));
        key.scrub_headers(&mut headers);
        assert_eq!(headers["x-echo"], REDACTED);
        assert_eq!(headers["x-other"], "fine");
    }

    #[test]
    fn header_value_is_sensitive_and_rejects_newlines() {
        assert!(ApiKey::new("abc").header_value().unwrap().is_sensitive());
        assert!(ApiKey::new("a\nb").header_value().is_none());
        assert!(ApiKey::new("  ").is_empty());
    }
}
