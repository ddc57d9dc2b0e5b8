//! Reading a v1 reply in base64 mode: a JSON object wrapping the video as a
//! base64 string under a key Segmind does not document for video models. The
//! likely keys are tried first, then any single string field that decodes.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use bytes::Bytes;
use serde_json::Value;

/// Keys tried first, in this order.
const LIKELY_KEYS: &[&str] = &[
    "video", "output", "image", "data", "base64", "result", "file",
];

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Keys that hold words, never the video.
const TEXT_KEYS: &[&str] = &["error", "message", "detail", "status", "request_id", "id"];

/// A decoded video and the media type a `data:` URL gave it, if any.
#[derive(Debug, PartialEq)]
pub(crate) struct Decoded {
    pub(crate) bytes: Bytes,
    pub(crate) media_type: Option<String>,
}

/// Finds and decodes the base64 video in a JSON reply, or says why not.
pub(crate) fn decode_video(reply: &Value) -> Result<Decoded, String> {
    let fields = match reply {
        Value::String(text) => {
            return decode_text(text)
                .ok_or_else(|| "the reply is a string that is not base64".to_owned())
        }
        Value::Object(fields) => fields,
        _ => return Err("the reply is JSON but neither an object nor a string".to_owned()),
    };
    for key in LIKELY_KEYS {
        if let Some(decoded) = fields
            .get(*key)
            .and_then(Value::as_str)
            .and_then(decode_text)
        {
            return Ok(decoded);
        }
    }
    let mut candidates: Vec<(usize, Decoded)> = fields
        .iter()
        .filter(|(key, _)| {
            !LIKELY_KEYS.contains(&key.as_str()) && !TEXT_KEYS.contains(&key.as_str())
        })
        .filter_map(|(_, value)| value.as_str())
        .filter_map(|text| Some((text.len(), decode_text(text)?)))
        .collect();
    candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
    match candidates.as_slice() {
        [] => {
            let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
            let why = match fields.get("error").and_then(Value::as_str) {
                Some(error) => format!("the JSON reply holds no base64 video: {error}"),
                None => format!("the JSON reply holds no base64 video (keys: {})", keys.join(", ")),
            };
            Err(why)
        }
        [_] => Ok(candidates.remove(0).1),
        [(longest, _), (second, _), ..] if longest > second => Ok(candidates.remove(0).1),
        _ => Err("the JSON reply holds several base64 strings of the same length; cannot tell which is the video".to_owned()),
    }
}

/// Decodes plain base64 (either alphabet, padding optional, line breaks
/// allowed, spaces not: they mark prose) or a `data:<type>;base64,` URL. Empty results do not count.
fn decode_text(text: &str) -> Option<Decoded> {
    let (media_type, payload) = match text.strip_prefix("data:") {
        Some(rest) => {
            let (header, payload) = rest.split_once(',')?;
            let media_type = header.strip_suffix(";base64")?;
            (
                Some(media_type.to_owned()).filter(|t| !t.is_empty()),
                payload,
            )
        }
        None => (None, text),
    };
    let compact: Vec<u8> = payload
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    if compact.is_empty() {
        return None;
    }
    let bytes = STANDARD
        .decode(&compact)
        .or_else(|_| URL_SAFE.decode(&compact))
        .ok()?;
    if bytes.is_empty() {
        return None;
    }
    let media_type = media_type.or_else(|| sniff(&bytes).map(str::to_owned));
    Some(Decoded {
        bytes: Bytes::from(bytes),
        media_type,
    })
}

/// The media type of a few common containers, from their first bytes.
pub(crate) fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => Some("video/mp4"),
        [0x1A, 0x45, 0xDF, 0xA3, ..] => Some("video/webm"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose;
    use serde_json::json;

    use super::*;

    const MP4: &[u8] = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41";

    fn b64(bytes: &[u8]) -> String {
        general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn likely_keys_win() {
        let reply = json!({"status": "done", "video": b64(MP4), "blob": b64(b"something else entirely, and longer")});
        let decoded = decode_video(&reply).unwrap();
        assert_eq!(decoded.bytes.as_ref(), MP4);
        assert_eq!(decoded.media_type.as_deref(), Some("video/mp4"));
    }

    #[test]
    fn any_single_decodable_string_is_taken() {
        let reply = json!({"status": "ok!", "mp4_b64": b64(MP4), "n": 3});
        assert_eq!(decode_video(&reply).unwrap().bytes.as_ref(), MP4);
        // "done" decodes as base64 too; the longer string is the video.
        let reply = json!({"state": "done", "payload": b64(MP4)});
        assert_eq!(decode_video(&reply).unwrap().bytes.as_ref(), MP4);
    }

    #[test]
    fn data_urls_padding_alphabets_and_line_breaks() {
        let url = format!("data:video/webm;base64,{}", b64(b"webm bytes here"));
        let decoded = decode_video(&json!({ "output": url })).unwrap();
        assert_eq!(decoded.bytes.as_ref(), b"webm bytes here");
        assert_eq!(decoded.media_type.as_deref(), Some("video/webm"));

        let unpadded = general_purpose::STANDARD_NO_PAD.encode(b"ab");
        assert_eq!(
            decode_video(&json!({ "video": unpadded }))
                .unwrap()
                .bytes
                .as_ref(),
            b"ab"
        );
        let url_safe = general_purpose::URL_SAFE.encode([0xFB, 0xFF, 0xBF]);
        assert_eq!(
            decode_video(&json!({ "video": url_safe }))
                .unwrap()
                .bytes
                .as_ref(),
            [0xFB, 0xFF, 0xBF]
        );
        let wrapped = format!("{}\n{}", &b64(MP4)[..8], &b64(MP4)[8..]);
        assert_eq!(
            decode_video(&json!({ "video": wrapped }))
                .unwrap()
                .bytes
                .as_ref(),
            MP4
        );
        assert_eq!(decode_video(&json!(b64(MP4))).unwrap().bytes.as_ref(), MP4);
    }

    #[test]
    fn nothing_decodable_says_why() {
        let err = decode_video(&json!({"error": "model crashed"})).unwrap_err();
        assert!(err.contains("model crashed"), "{err}");
        let err = decode_video(&json!({"error": "OutOfMemory", "status": "FAIL"})).unwrap_err();
        assert!(err.contains("OutOfMemory"), "{err}");
        let err = decode_video(&json!({"a": "not base64!", "b": 1})).unwrap_err();
        assert!(err.contains("keys: a, b"), "{err}");
        assert!(decode_video(&json!({"video": ""})).is_err());
        assert!(decode_video(&json!([1, 2])).is_err());
        assert!(decode_video(&json!({"x": "AAAA", "y": "BBBB"})).is_err());
    }

    proptest::proptest! {
        #[test]
        fn round_trips_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..300)) {
            let decoded = decode_video(&json!({ "video": b64(&bytes) })).unwrap();
            proptest::prop_assert_eq!(decoded.bytes.as_ref(), bytes.as_slice());
        }
    }
}
