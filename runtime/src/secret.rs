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

    /// `text` with every occurrence of the key replaced by `[redacted]`,
    /// in any of the forms a server may echo it (see [`ApiKey::scrub_bytes`]).
    pub(crate) fn scrub(&self, text: &str) -> String {
        if !self.occurs_in(text.as_bytes()) {
            return text.to_owned();
        }
        String::from_utf8_lossy(&self.scrub_bytes(text.as_bytes())).into_owned()
    }

    /// `bytes` with every occurrence of the key replaced by `[redacted]`:
    /// the key as it is, and the key with any of its characters written as
    /// a JSON escape (`\u0073`, `\/`), a percent escape (`%73`, either
    /// case), or `+` for a space, as a server echoing it in JSON, a URL or
    /// a form body would write it. Matching is on bytes, so it also works
    /// inside bodies that are not UTF-8.
    pub(crate) fn scrub_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        if !self.occurs_in(bytes) {
            return bytes.to_vec();
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match self.encoded_match(&bytes[i..]) {
                Some(len) => {
                    out.extend_from_slice(REDACTED.as_bytes());
                    i += len;
                }
                None => {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// Whether the key, in any form, occurs in `bytes`.
    pub(crate) fn occurs_in(&self, bytes: &[u8]) -> bool {
        self.may_occur_in(bytes)
            && self
                .match_starts(bytes)
                .any(|i| self.encoded_match(&bytes[i..]).is_some())
    }

    /// Every offset of `bytes` where a form of the key may start: its
    /// first byte as it is, or an escape (`%`, `\`; `+` for a leading
    /// space). Every other offset cannot start a match, and is skipped
    /// with `memchr` rather than tried.
    fn match_starts<'a>(&self, bytes: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
        let first = self.0.as_bytes().first().copied().unwrap_or(b'%');
        let pluses = (first == b' ')
            .then(|| memchr::memchr_iter(b'+', bytes))
            .into_iter()
            .flatten();
        memchr::memchr3_iter(first, b'%', b'\\', bytes).chain(pluses)
    }

    /// A cheap pre-check: the shortest form of the key is the key itself, so
    /// shorter text cannot hold it, and an empty key matches nothing.
    fn may_occur_in(&self, bytes: &[u8]) -> bool {
        !self.0.is_empty() && bytes.len() >= self.0.len()
    }

    /// The length of the key, in some encoded form, at the start of `text`.
    fn encoded_match(&self, text: &[u8]) -> Option<usize> {
        let mut at = 0;
        for &want in self.0.as_bytes() {
            at += encoded_byte(&text[at..], want)?;
        }
        Some(at)
    }

    /// Replaces the key in every string and every object key of `value`.
    pub(crate) fn scrub_json(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(text) => {
                if self.occurs_in(text.as_bytes()) {
                    *text = self.scrub(text);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.scrub_json(item)),
            Value::Object(fields) => {
                if fields.keys().any(|key| self.occurs_in(key.as_bytes())) {
                    let old = std::mem::take(fields);
                    for (key, value) in old {
                        fields.insert(self.scrub(&key), value);
                    }
                }
                fields.values_mut().for_each(|item| self.scrub_json(item));
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Replaces every header value that holds the key, in any form.
    pub(crate) fn scrub_headers(&self, headers: &mut HeaderMap) {
        for value in headers.values_mut() {
            if self.occurs_in(value.as_bytes()) {
                *value = HeaderValue::from_static(REDACTED);
            }
        }
    }
}

/// How many bytes at the start of `text` spell the byte `want`: the byte
/// itself, `%XX`, `\uXXXX`, a JSON short escape, or `+` for a space.
fn encoded_byte(text: &[u8], want: u8) -> Option<usize> {
    // Hex digits, either case, spelling exactly `want`.
    let hex_is = |digits: &[u8]| -> bool {
        digits
            .iter()
            .try_fold(0u32, |value, &digit| {
                let digit = char::from(digit).to_digit(16)?;
                Some((value << 4) | digit)
            })
            .is_some_and(|value| value == u32::from(want))
    };
    match text {
        [first, ..] if *first == want => Some(1),
        [b'%', a, b, ..] if hex_is(&[*a, *b]) => Some(3),
        [b'\\', b'u', a, b, c, d, ..] if hex_is(&[*a, *b, *c, *d]) => Some(6),
        [b'\\', escaped, ..] if json_short_escape(*escaped) == Some(want) => Some(2),
        [b'+', ..] if want == b' ' => Some(1),
        _ => None,
    }
}

/// The byte a two-character JSON escape (`\/`, `\"`...) stands for.
fn json_short_escape(letter: u8) -> Option<u8> {
    Some(match letter {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        _ => return None,
    })
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

    #[test]
    fn scrubs_escaped_and_encoded_forms() {
        let key = ApiKey::new("sk-S/ 1");
        for echoed in [
            "sk-S/ 1",
            "\\u0073k-S/ 1",
            "\\u0073\\u006B\\u002d\\u0053\\/\\u00201",
            "sk-S%2F%201",
            "%73%6b-S%2f+1",
        ] {
            let text = format!("<{echoed}>");
            assert_eq!(key.scrub(&text), "<[redacted]>", "{echoed}");
            assert!(key.occurs_in(text.as_bytes()), "{echoed}");
        }
        assert!(!key.occurs_in(b"sk-S/ 2"));
        assert!(!ApiKey::new("").occurs_in(b"anything"));
    }

    #[test]
    fn scrubs_json_keys_and_nested_strings() {
        let key = ApiKey::new("sk-SECRET-123");
        let mut value = serde_json::json!({
            "sk-SECRET-123": [1, {"a": "x sk%2DSECRET-123"}],
            "n": 5,
        });
        key.scrub_json(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"[redacted]": [1, {"a": "x [redacted]"}], "n": 5})
        );
    }

    /// The plain scan the fast one must agree with: a match tried at
    /// every offset.
    fn occurs_at_some_offset(key: &ApiKey, bytes: &[u8]) -> bool {
        !key.0.is_empty() && (0..bytes.len()).any(|i| key.encoded_match(&bytes[i..]).is_some())
    }

    proptest::proptest! {
        #[test]
        fn the_skipping_scan_finds_what_the_plain_scan_finds(
            key in "[ a-c%+\\\\/-]{1,4}",
            filler in proptest::collection::vec("[ a-c%+\\\\/u0-9A-F-]{0,3}|%2[0-9A-F]|%6[1-3]|\\\\u00[2-6][0-9a-f]|\\\\/", 0..8),
        ) {
            let key = ApiKey::new(key);
            let text = filler.concat();
            proptest::prop_assert_eq!(
                key.occurs_in(text.as_bytes()),
                occurs_at_some_offset(&key, text.as_bytes()),
                "{:?}", text
            );
            // With the key spliced in, in its plain form, it is found.
            let spliced = format!("{text}{}{text}", key.0);
            proptest::prop_assert!(key.occurs_in(spliced.as_bytes()));
        }
    }

    #[test]
    fn hex_escapes_spell_exactly_the_byte() {
        let key = ApiKey::new("s");
        assert!(key.occurs_in(b"%73") && key.occurs_in(b"\\u0073") && key.occurs_in(b"%73"));
        assert!(key.occurs_in(b"x\\u0073"));
        for other in [
            &b"%74"[..],
            b"%7",
            b"%g3",
            b"\\u0074",
            b"\\u073",
            b"\\u+073",
            b"%+7",
        ] {
            assert!(!key.occurs_in(other), "{}", String::from_utf8_lossy(other));
        }
        // A space may be written `+`, `%20` or `\\u0020`.
        let spaced = ApiKey::new(" k");
        for echoed in [&b"+k"[..], b"%20k", b"\\u0020k", b" k"] {
            assert!(
                spaced.occurs_in(echoed),
                "{}",
                String::from_utf8_lossy(echoed)
            );
        }
        assert!(!key.occurs_in(b"+"));
    }
}
