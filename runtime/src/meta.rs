//! Response metadata: what Segmind's reply headers say about the call
//! (remaining credits, cost, request id, generation time, rate-limit reset),
//! read leniently: a missing or garbled header is `None`, never an error.

use std::time::{Duration, SystemTime};

use reqwest::header::{AsHeaderName, HeaderMap, HeaderName};

use crate::timestamp::{parse_reset_time, parse_retry_after};

// The names are `HeaderName`s, not text: a lookup by text would check and
// lower-case the name on every reply.

/// Header with the credits left on the account after the call.
pub(crate) const REMAINING_CREDITS: HeaderName = HeaderName::from_static("x-remaining-credits");
/// Header with the price of the call.
pub(crate) const COST: HeaderName = HeaderName::from_static("x-cost");
/// Header with Segmind's id of the request.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Header with the time the model took, in seconds.
pub(crate) const GENERATION_TIME: HeaderName = HeaderName::from_static("x-generation-time");
/// Header with the moment the rate limit resets.
pub(crate) const RATE_LIMIT_RESET_AT: HeaderName =
    HeaderName::from_static("x-rate-limit-reset-at-utc");

/// What Segmind's reply headers say about a call. Every field is optional:
/// Segmind does not always send them, and a value that does not parse is
/// left out rather than failing the call.
/// The type is `non_exhaustive`: a header read later is not a breaking
/// change. Build one with [`ResponseMeta::from_headers`] or `Default`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// Credits left on the account (`x-remaining-credits`).
    pub remaining_credits: Option<f64>,
    /// Price of the call (`x-cost`).
    pub cost: Option<f64>,
    /// Segmind's id of the request (`x-request-id`).
    pub request_id: Option<String>,
    /// Seconds the model took (`x-generation-time`).
    pub generation_time: Option<f64>,
    /// When the rate limit resets (`x-rate-limit-reset-at-utc`).
    pub rate_limit_reset_at: Option<SystemTime>,
}

impl ResponseMeta {
    /// Reads the metadata headers of a reply.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        ResponseMeta {
            remaining_credits: header_text(headers, REMAINING_CREDITS).and_then(lenient_number),
            cost: header_text(headers, COST).and_then(lenient_number),
            request_id: header_text(headers, REQUEST_ID).map(str::to_owned),
            generation_time: header_text(headers, GENERATION_TIME).and_then(lenient_number),
            rate_limit_reset_at: header_text(headers, RATE_LIMIT_RESET_AT)
                .and_then(parse_reset_time),
        }
    }

    /// Fills every field that is `None` here from `other`.
    pub(crate) fn or(mut self, other: &ResponseMeta) -> Self {
        self.remaining_credits = self.remaining_credits.or(other.remaining_credits);
        self.cost = self.cost.or(other.cost);
        self.request_id = self.request_id.or_else(|| other.request_id.clone());
        self.generation_time = self.generation_time.or(other.generation_time);
        self.rate_limit_reset_at = self.rate_limit_reset_at.or(other.rate_limit_reset_at);
        self
    }
}

/// The trimmed text of a header, when it is present, visible ASCII and not
/// empty.
pub(crate) fn header_text(headers: &HeaderMap, name: impl AsHeaderName) -> Option<&str> {
    let text = headers.get(name)?.to_str().ok()?.trim();
    (!text.is_empty()).then_some(text)
}

/// The `Retry-After` header as a wait from `now`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    header_text(headers, reqwest::header::RETRY_AFTER).and_then(|text| parse_retry_after(text, now))
}

/// A finite number written plainly, with an optional leading `$` and an
/// optional trailing `s` (seconds).
pub(crate) fn lenient_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let text = text.strip_prefix('$').unwrap_or(text);
    let text = text.strip_suffix('s').unwrap_or(text).trim();
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !plain {
        return None;
    }
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A number in a JSON reply: a JSON number or a string holding one.
pub(crate) fn json_number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64().filter(|x| x.is_finite()),
        serde_json::Value::String(s) => lenient_number(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_bytes(value).unwrap());
        }
        map
    }

    #[test]
    fn reads_every_header() {
        let meta = ResponseMeta::from_headers(&headers(&[
            ("x-remaining-credits", b"12.5"),
            ("x-cost", b" 0.421 "),
            ("x-request-id", b"req-7"),
            ("x-generation-time", b"93.2"),
            ("x-rate-limit-reset-at-utc", b"2024-03-01T12:34:56Z"),
        ]));
        assert_eq!(
            meta,
            ResponseMeta {
                remaining_credits: Some(12.5),
                cost: Some(0.421),
                request_id: Some("req-7".into()),
                generation_time: Some(93.2),
                rate_limit_reset_at: Some(UNIX_EPOCH + Duration::from_secs(1_709_296_496)),
            }
        );
    }

    #[test]
    fn missing_or_garbled_headers_are_none() {
        assert_eq!(
            ResponseMeta::from_headers(&HeaderMap::new()),
            ResponseMeta::default()
        );
        let meta = ResponseMeta::from_headers(&headers(&[
            ("x-remaining-credits", b"lots"),
            ("x-cost", b"NaN"),
            ("x-request-id", b"   "),
            ("x-generation-time", b"\xff\xfe"),
            ("x-rate-limit-reset-at-utc", b"tomorrow-ish"),
        ]));
        assert_eq!(meta, ResponseMeta::default());
    }

    #[test]
    fn numbers_are_read_leniently() {
        assert_eq!(lenient_number("$0.42"), Some(0.42));
        assert_eq!(lenient_number("93.2s"), Some(93.2));
        assert_eq!(lenient_number("-1"), Some(-1.0));
        assert_eq!(lenient_number("inf"), None);
        assert_eq!(lenient_number("1,5"), None);
        assert_eq!(json_number(&serde_json::json!(3)), Some(3.0));
        assert_eq!(json_number(&serde_json::json!("2.5")), Some(2.5));
        assert_eq!(json_number(&serde_json::json!(null)), None);
        assert_eq!(json_number(&serde_json::json!([1])), None);
    }

    #[test]
    fn or_fills_only_the_gaps() {
        let mine = ResponseMeta {
            cost: Some(1.0),
            ..Default::default()
        };
        let other = ResponseMeta {
            cost: Some(2.0),
            request_id: Some("r".into()),
            ..Default::default()
        };
        let merged = mine.or(&other);
        assert_eq!(merged.cost, Some(1.0));
        assert_eq!(merged.request_id.as_deref(), Some("r"));
    }

    #[test]
    fn retry_after_header() {
        let map = headers(&[("retry-after", b"3")]);
        assert_eq!(retry_after(&map, UNIX_EPOCH), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&HeaderMap::new(), UNIX_EPOCH), None);
    }
}
