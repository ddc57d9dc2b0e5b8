//! How text from a schema file is shown in a message: every name, key, value
//! or text is written with JSON string escapes, so a message is always one
//! line whatever a file holds (raw newlines, carriage returns, other control
//! characters, U+2028/U+2029 and the bidirectional controls never appear).
//!
//! `escape` is the one function that decides which characters are escaped
//! and how; `quote`, `json` and `unprintable` are built on it.

use std::fmt::Write as _;

use serde_json::Value;

/// Whether `c` must never appear raw in a message or a generated comment:
/// control characters, the Unicode line and paragraph separators, the
/// characters that change the visible direction of text (which rustc refuses
/// in comments and literals) and the invisible ones clippy flags (zero-width
/// space, soft hyphen, word joiner) with the byte order mark.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}'
        )
        || is_bidi_control(c)
}

/// The bidirectional formatting characters (the ones rustc's
/// `text_direction_codepoint_in_comment` refuses, and the marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Writes the JSON escape of `c` (`\n`, `\"`, `\u2028`, ...) to `out`, or
/// `c` itself when it needs none. With `quotes` false, `"` and `\` are left
/// as they are (for text whose quoting is already done).
fn escape_char(out: &mut String, c: char, quotes: bool) {
    match c {
        '"' if quotes => out.push_str("\\\""),
        '\\' if quotes => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if is_unprintable(c) => {
            // Every such character is in the Basic Multilingual Plane.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// `text` with JSON string escapes, without the surrounding quotes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        escape_char(&mut out, c, true);
    }
    out
}

/// `text` as a JSON string: in double quotes, with JSON string escapes.
pub fn quote(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

/// `value` as compact JSON, every string (keys too) written by [`quote()`].
pub fn json(value: &Value) -> String {
    match value {
        Value::String(s) => quote(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(json).collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}:{}", quote(k), json(v)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
        other => other.to_string(),
    }
}

/// `text` with only its unprintable characters escaped: for text that is
/// already quoted (a message from the JSON Schema validator, whose values
/// are JSON already) and as the last guard when a message is shown.
pub fn unprintable(text: &str) -> String {
    if !text.chars().any(is_unprintable) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        escape_char(&mut out, c, false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_are_json() {
        let text = "a\"b\\c\nd\re\tf\u{0}g\u{7f}h\u{85}i\u{2028}j\u{2029}k\u{202e}l\u{8}\u{c}";
        let escaped = quote(text);
        assert_eq!(
            escaped,
            r#""a\"b\\c\nd\re\tf\u0000g\u007fh\u0085i\u2028j\u2029k\u202el\b\f""#
        );
        assert_eq!(
            serde_json::from_str::<String>(&escaped).expect("valid JSON"),
            text
        );
        assert!(!escaped.chars().any(is_unprintable));
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(quote("crop"), "\"crop\"");
        assert_eq!(escape("héllo wörld 😀 שלום"), "héllo wörld 😀 שלום");
        assert_eq!(unprintable("\"a\\b\""), "\"a\\b\"");
        assert_eq!(unprintable("a\u{2028}b"), "a\\u2028b");
    }

    #[test]
    fn values_are_compact_json_with_escaped_strings() {
        let value = json!({"k\n": ["a\u{2028}", 1, 2.5, true, null]});
        let text = json(&value);
        assert_eq!(text, r#"{"k\n":["a\u2028",1,2.5,true,null]}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).expect("JSON"),
            value
        );
    }
}
