//! Reading a v1 reply in base64 mode: a JSON object wrapping the output as
//! a base64 string (image models use the key `image`; other keys are not
//! documented). The likely keys for the kind are tried first, then any
//! single string field that is base64.
//!
//! The output is never decoded into a second buffer: the reply's text is
//! kept, the string's byte range in it found (the JSON is parsed with
//! borrowed raw values, so no string is copied), and the base64 is decoded
//! piece by piece as the output is written ([`Base64Source`]). A reply of
//! `n` bytes costs `n` bytes of memory plus one piece.

use std::collections::BTreeMap;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use bytes::Bytes;
use serde_json::value::RawValue;

use crate::model::OutputKind;

/// Keys tried first for every kind, after the kind's own name.
const LIKELY_KEYS: &[&str] = &[
    "output", "data", "base64", "b64", "result", "file", "image", "audio", "video",
];

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Keys that hold words, never the output.
const TEXT_KEYS: &[&str] = &["error", "message", "detail", "status", "request_id", "id"];

/// Base64 characters decoded per piece (a multiple of 4): 256 KiB out.
const PIECE_CHARS: usize = 256 * 1024 / 3 * 4;

/// A base64 string found in a reply, ready to be decoded piece by piece.
#[derive(Debug, Clone)]
pub(crate) struct Base64Source {
    /// The whole reply text.
    text: Bytes,
    /// Next byte of the string's content to read.
    pos: usize,
    /// End of the string's content (before the closing quote).
    end: usize,
    /// Whether the URL-safe alphabet is used.
    url_safe: bool,
    /// The size of the decoded output.
    pub(crate) decoded_len: u64,
    /// The media type a `data:` URL gave, else the one the first bytes show.
    pub(crate) media_type: Option<String>,
}

impl Base64Source {
    /// The next piece of the output, `None` at the end; an error says why
    /// the base64 does not decode.
    pub(crate) fn next_piece(&mut self) -> Result<Option<Bytes>, String> {
        if self.pos >= self.end {
            return Ok(None);
        }
        let mut chars = Vec::with_capacity(PIECE_CHARS.min(self.end - self.pos));
        let mut reader = Chars {
            text: &self.text,
            pos: self.pos,
            end: self.end,
        };
        while chars.len() < PIECE_CHARS {
            match reader.next() {
                Some(Ok(c)) => chars.push(c),
                Some(Err(())) => return Err("the base64 string holds an invalid character".into()),
                None => break,
            }
        }
        self.pos = reader.pos;
        if chars.is_empty() {
            return Ok(None);
        }
        let engine = if self.url_safe { &URL_SAFE } else { &STANDARD };
        let bytes = engine
            .decode(&chars)
            .map_err(|e| format!("the base64 string does not decode: {e}"))?;
        Ok(Some(Bytes::from(bytes)))
    }
}

/// The characters of a JSON string's content with JSON escapes undone and
/// line breaks (raw or escaped) skipped: the base64 text as written.
struct Chars<'a> {
    text: &'a [u8],
    pos: usize,
    end: usize,
}

impl Iterator for Chars<'_> {
    /// A character, or `Err` for one that cannot be in base64.
    type Item = Result<u8, ()>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.pos >= self.end {
                return None;
            }
            let c = self.text[self.pos];
            self.pos += 1;
            let c = if c == b'\\' {
                let escape = *self.text.get(self.pos)?;
                self.pos += 1;
                match escape {
                    b'/' => b'/',
                    b'n' | b'r' => continue,
                    b'u' => {
                        let hex = self.text.get(self.pos..self.pos + 4)?;
                        self.pos += 4;
                        let code = std::str::from_utf8(hex)
                            .ok()
                            .and_then(|h| u16::from_str_radix(h, 16).ok());
                        match code.and_then(|c| u8::try_from(c).ok()) {
                            Some(b'\n' | b'\r') => continue,
                            Some(c) => c,
                            None => return Some(Err(())),
                        }
                    }
                    _ => return Some(Err(())),
                }
            } else {
                c
            };
            if matches!(c, b'\n' | b'\r') {
                continue;
            }
            return Some(if c.is_ascii_alphanumeric() || b"+/-_=".contains(&c) {
                Ok(c)
            } else {
                Err(())
            });
        }
    }
}

/// Finds the base64 output of `kind` in a JSON reply, or says why there is
/// none. `reply` is the whole reply text.
pub(crate) fn find_base64(reply: Bytes, kind: Option<OutputKind>) -> Result<Base64Source, String> {
    let text: &[u8] = &reply;
    let top: &RawValue = serde_json::from_slice(text)
        .map_err(|e| format!("the JSON reply is not valid JSON: {e}"))?;
    let what = kind.map_or("media", |k| k.as_str());
    let raw = top.get();
    let first = raw.trim_start().as_bytes().first().copied();
    let found = match first {
        Some(b'"') => candidate(&reply, top).ok_or_else(|| {
            format!("the reply is a JSON string that is not base64, not a {what}")
        })?,
        Some(b'{') => {
            let fields: BTreeMap<String, &RawValue> = serde_json::from_str(raw)
                .map_err(|e| format!("the JSON reply cannot be read: {e}"))?;
            pick(&reply, &fields, kind, what)?
        }
        _ => return Err("the reply is JSON but neither an object nor a string".to_owned()),
    };
    Ok(found)
}

/// The best base64 string among the fields of an object.
fn pick(
    reply: &Bytes,
    fields: &BTreeMap<String, &RawValue>,
    kind: Option<OutputKind>,
    what: &str,
) -> Result<Base64Source, String> {
    let own = kind.map(OutputKind::as_str);
    let plural = own.map(|k| format!("{k}s"));
    let keys = own
        .iter()
        .copied()
        .chain(plural.as_deref())
        .chain(LIKELY_KEYS.iter().copied());
    for key in keys {
        if let Some(found) = fields
            .get(key)
            .and_then(|value| first_candidate(reply, value))
        {
            return Ok(found);
        }
    }
    let mut candidates: Vec<Base64Source> = fields
        .iter()
        .filter(|(key, _)| {
            !LIKELY_KEYS.contains(&key.as_str()) && !TEXT_KEYS.contains(&key.as_str())
        })
        .filter_map(|(_, value)| candidate(reply, value))
        .collect();
    candidates.sort_by_key(|c| std::cmp::Reverse(c.decoded_len));
    match candidates.as_slice() {
        [] => {
            let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
            let error = fields
                .get("error")
                .and_then(|v| serde_json::from_str::<String>(v.get()).ok());
            Err(match error {
                Some(error) => format!("the JSON reply holds no base64 {what}: {error}"),
                None => format!(
                    "the JSON reply holds no base64 {what} (keys: {})",
                    keys.join(", ")
                ),
            })
        }
        [_] => Ok(candidates.remove(0)),
        [longest, second, ..] if longest.decoded_len > second.decoded_len => {
            Ok(candidates.remove(0))
        }
        _ => Err(format!(
            "the JSON reply holds several base64 strings of the same length; cannot tell which is the {what}"
        )),
    }
}

/// `value` as a base64 source, or the first string of a list that is one
/// (`{"images": ["<base64>"]}`).
fn first_candidate(reply: &Bytes, value: &RawValue) -> Option<Base64Source> {
    if value.get().starts_with('[') {
        let items: Vec<&RawValue> = serde_json::from_str(value.get()).ok()?;
        return items.first().and_then(|item| candidate(reply, item));
    }
    candidate(reply, value)
}

/// `value` as a base64 source, when it is a JSON string holding plain
/// base64 (either alphabet, padding optional, line breaks allowed, spaces
/// not: they mark prose) or a `data:<type>;base64,` URL. Empty strings do
/// not count.
fn candidate(reply: &Bytes, value: &RawValue) -> Option<Base64Source> {
    let raw = value.get();
    let start = (raw.as_ptr() as usize).checked_sub(reply.as_ptr() as usize)?;
    if raw.len() < 2 || !raw.starts_with('"') || start + raw.len() > reply.len() {
        return None;
    }
    let mut from = start + 1;
    let end = start + raw.len() - 1;
    let mut media_type = None;
    let content = &reply[from..end];
    if let Some(rest) = content.strip_prefix(b"data:") {
        let comma = rest.iter().take(256).position(|&b| b == b',')?;
        let header = String::from_utf8_lossy(&rest[..comma]).replace("\\/", "/");
        let kind = header.strip_suffix(";base64")?;
        media_type = Some(kind.to_owned()).filter(|t| !t.is_empty());
        from += 5 + comma + 1;
    }
    let (url_safe, decoded_len) = scan(&reply[..end], from)?;
    if decoded_len == 0 {
        return None;
    }
    let mut source = Base64Source {
        text: reply.clone(),
        pos: from,
        end,
        url_safe,
        decoded_len,
        media_type,
    };
    if source.media_type.is_none() {
        // The first bytes tell the type: decode a few from a copy.
        let mut probe = Base64Source {
            end: end.min(from + 64),
            ..source.clone()
        };
        let head = probe.next_piece().ok().flatten().unwrap_or_default();
        source.media_type = crate::containers::sniff(&head).map(|s| s.media_type.to_owned());
    }
    Some(source)
}

/// Checks that `text[from..]` is base64 and answers its alphabet (URL-safe
/// or not) and decoded size; `None` when it is not base64.
fn scan(text: &[u8], from: usize) -> Option<(bool, u64)> {
    let chars = Chars {
        text,
        pos: from,
        end: text.len(),
    };
    let (mut standard, mut url_safe) = (false, false);
    let (mut data, mut padding) = (0u64, 0u64);
    for c in chars {
        match c.ok()? {
            b'=' => padding += 1,
            _ if padding > 0 => return None,
            b'+' | b'/' => standard = true,
            b'-' | b'_' => url_safe = true,
            _ => {}
        }
        if !matches!(padding, 0..=2) {
            return None;
        }
        data += u64::from(padding == 0);
    }
    if (standard && url_safe) || data % 4 == 1 || (padding > 0 && (data + padding) % 4 != 0) {
        return None;
    }
    Some((url_safe, data / 4 * 3 + (data % 4).saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose;
    use serde_json::json;

    use super::*;

    const MP4: &[u8] = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";

    fn b64(bytes: &[u8]) -> String {
        general_purpose::STANDARD.encode(bytes)
    }

    fn decode(reply: &str, kind: Option<OutputKind>) -> Result<(Vec<u8>, Option<String>), String> {
        let mut source = find_base64(Bytes::from(reply.to_owned()), kind)?;
        let media_type = source.media_type.clone();
        let expected = source.decoded_len;
        let mut out = Vec::new();
        while let Some(piece) = source.next_piece()? {
            out.extend_from_slice(&piece);
        }
        assert_eq!(out.len() as u64, expected, "the announced size");
        Ok((out, media_type))
    }

    fn video(value: serde_json::Value) -> Result<(Vec<u8>, Option<String>), String> {
        decode(&value.to_string(), Some(OutputKind::Video))
    }

    #[test]
    fn the_kinds_own_key_wins() {
        let reply = json!({"status": "done", "video": b64(MP4), "image": b64(PNG), "blob": b64(b"something else entirely, and longer")});
        let (bytes, media_type) = video(reply.clone()).unwrap();
        assert_eq!(bytes, MP4);
        assert_eq!(media_type.as_deref(), Some("video/mp4"));
        let (bytes, media_type) = decode(&reply.to_string(), Some(OutputKind::Image)).unwrap();
        assert_eq!(bytes, PNG);
        assert_eq!(media_type.as_deref(), Some("image/png"));
        let audio = json!({"audio": b64(b"ID3 audio bytes")});
        let (bytes, _) = decode(&audio.to_string(), Some(OutputKind::Audio)).unwrap();
        assert_eq!(bytes, b"ID3 audio bytes");
        let listed = json!({"images": [b64(PNG), b64(b"second")]});
        let (bytes, _) = decode(&listed.to_string(), Some(OutputKind::Image)).unwrap();
        assert_eq!(bytes, PNG);
    }

    #[test]
    fn any_single_decodable_string_is_taken() {
        let reply = json!({"status": "ok!", "mp4_b64": b64(MP4), "n": 3});
        assert_eq!(video(reply).unwrap().0, MP4);
        // "done" decodes as base64 too; the longer string is the output.
        let reply = json!({"state": "done", "payload": b64(MP4)});
        assert_eq!(video(reply).unwrap().0, MP4);
    }

    #[test]
    fn data_urls_padding_alphabets_escapes_and_line_breaks() {
        let url = format!("data:video/webm;base64,{}", b64(b"webm bytes here"));
        let (bytes, media_type) = video(json!({ "output": url })).unwrap();
        assert_eq!(bytes, b"webm bytes here");
        assert_eq!(media_type.as_deref(), Some("video/webm"));

        let unpadded = general_purpose::STANDARD_NO_PAD.encode(b"ab");
        assert_eq!(video(json!({ "video": unpadded })).unwrap().0, b"ab");
        let url_safe = general_purpose::URL_SAFE.encode([0xFB, 0xFF, 0xBF]);
        assert_eq!(
            video(json!({ "video": url_safe })).unwrap().0,
            [0xFB, 0xFF, 0xBF]
        );
        let wrapped = format!("{}\n{}", &b64(MP4)[..8], &b64(MP4)[8..]);
        assert_eq!(video(json!({ "video": wrapped })).unwrap().0, MP4);
        assert_eq!(video(json!(b64(MP4))).unwrap().0, MP4);
        // `\/` and `\u0041` escapes, as some JSON writers put them.
        let escaped = b64(&[0xFF; 30]).replace('/', "\\/");
        let reply = format!(r#"{{"image": "data:image\/png;base64,{escaped}"}}"#);
        let (bytes, media_type) = decode(&reply, Some(OutputKind::Image)).unwrap();
        assert_eq!(bytes, [0xFF; 30]);
        assert_eq!(media_type.as_deref(), Some("image/png"));
        let reply = format!(r#"{{"video": "\u0041{}"}}"#, &b64(b"\0\0xyz")[1..]);
        assert_eq!(decode(&reply, None).unwrap().0, b"\0\0xyz");
    }

    #[test]
    fn nothing_decodable_says_why() {
        let err = video(json!({"error": "model crashed"})).unwrap_err();
        assert!(err.contains("model crashed"), "{err}");
        let err = video(json!({"error": "OutOfMemory", "status": "FAIL"})).unwrap_err();
        assert!(err.contains("OutOfMemory"), "{err}");
        let err = video(json!({"a": "not base64!", "b": 1})).unwrap_err();
        assert!(err.contains("keys: a, b"), "{err}");
        let err = decode(r#"{"a": "x y"}"#, Some(OutputKind::Image)).unwrap_err();
        assert!(err.contains("no base64 image"), "{err}");
        assert!(video(json!({"video": ""})).is_err());
        assert!(video(json!([1, 2])).is_err());
        assert!(video(json!({"x": "AAAA", "y": "BBBB"})).is_err());
        assert!(video(json!({"video": "AB=C"})).is_err());
        assert!(video(json!({"video": "A+_B"})).is_err());
        assert!(decode("{not json", None).is_err());
    }

    #[test]
    fn large_outputs_come_in_pieces() {
        let bytes: Vec<u8> = (0..700_001u32).map(|i| (i % 251) as u8).collect();
        let reply = json!({ "image": b64(&bytes) }).to_string();
        let mut source = find_base64(Bytes::from(reply), Some(OutputKind::Image)).unwrap();
        assert_eq!(source.decoded_len, bytes.len() as u64);
        let mut pieces = 0;
        let mut out = Vec::new();
        while let Some(piece) = source.next_piece().unwrap() {
            pieces += 1;
            out.extend_from_slice(&piece);
        }
        assert!(pieces >= 3, "{pieces}");
        assert_eq!(out, bytes);
    }

    proptest::proptest! {
        #[test]
        fn round_trips_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..300)) {
            let (decoded, _) = video(json!({ "video": b64(&bytes) })).unwrap();
            proptest::prop_assert_eq!(decoded, bytes);
        }
    }
}
