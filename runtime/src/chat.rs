//! Chat (LLM) models: [`ChatFormat`], the three request/reply formats
//! Segmind's gateway passes through (OpenAI, Anthropic, Gemini), and
//! [`ChatOutput`], one output type that reads the reply text, the finish
//! reason and the token usage of any of them and keeps the raw body.
//!
//! Reading is lenient: any JSON is accepted, nothing in it can make a
//! reader panic, and a place that holds no value of the expected type
//! reads as `None`.

use std::fmt;

use bytes::Bytes;
use serde_json::Value;

use crate::error::Error;
use crate::meta::ResponseMeta;
use crate::model::OutputKind;
use crate::model_output::sealed::{Reply, ReplyKind, Sealed};
use crate::model_output::{not_json, ModelOutput};

/// The request and reply format of a chat model, as its page's line
/// "API Format: …" names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatFormat {
    /// "OpenAI GPT (Standard Format)": `messages` of `{role, content}`; the
    /// reply's text in `choices[0].message.content`.
    OpenAi,
    /// "Anthropic Claude": `messages` of `{role, content}` and an optional
    /// `instruction`; the reply's text in the `text` parts of `content`.
    Anthropic,
    /// "Google Gemini": `messages.contents` of `{role, parts}`; the reply's
    /// text in the `text` parts of `candidates[0].content.parts`.
    Gemini,
}

impl ChatFormat {
    /// Every format, in the order [`ChatFormat::detect`] tries them.
    pub const ALL: [ChatFormat; 3] = [
        ChatFormat::OpenAi,
        ChatFormat::Anthropic,
        ChatFormat::Gemini,
    ];

    /// The format as model files spell it (`openai`, `anthropic`, `gemini`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChatFormat::OpenAi => "openai",
            ChatFormat::Anthropic => "anthropic",
            ChatFormat::Gemini => "gemini",
        }
    }

    /// The format spelled `text` (as [`ChatFormat::as_str`] writes it).
    pub fn from_name(text: &str) -> Option<ChatFormat> {
        ChatFormat::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// The format whose reply shape `reply` has: a `choices` list
    /// (OpenAI), a `content` list (Anthropic) or a `candidates` list
    /// (Gemini), tried in that order; `None` for any other JSON.
    pub fn detect(reply: &Value) -> Option<ChatFormat> {
        let list = |key: &str| reply.get(key).is_some_and(Value::is_array);
        if list("choices") {
            Some(ChatFormat::OpenAi)
        } else if list("content") {
            Some(ChatFormat::Anthropic)
        } else if list("candidates") {
            Some(ChatFormat::Gemini)
        } else {
            None
        }
    }
}

impl fmt::Display for ChatFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The tokens a chat call used, read from any of the three formats: the
/// prompt's (`prompt_tokens`, `input_tokens`, `promptTokenCount`), the
/// reply's (`completion_tokens`, `output_tokens`, `candidatesTokenCount`)
/// and their total (`total_tokens`, `totalTokenCount`, or the sum of the
/// two when the reply gives no total). A count that is not a
/// non-negative integer is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenUsage {
    /// Tokens of the prompt (the input).
    pub input_tokens: Option<u64>,
    /// Tokens of the reply (the output).
    pub output_tokens: Option<u64>,
    /// Tokens in all.
    pub total_tokens: Option<u64>,
}

/// The answer of a chat model, in any of the three formats.
///
/// ```
/// use segmind_runtime::{ChatFormat, ChatOutput};
///
/// let reply = ChatOutput::from_slice(
///     br#"{"content": [{"type": "text", "text": "Hello"}], "stop_reason": "end_turn",
///          "usage": {"input_tokens": 3, "output_tokens": 1}}"#,
/// )
/// .unwrap();
/// assert_eq!(reply.format(), Some(ChatFormat::Anthropic));
/// assert_eq!(reply.text().as_deref(), Some("Hello"));
/// assert_eq!(reply.finish_reason(), Some("end_turn"));
/// assert_eq!(reply.usage().total_tokens, Some(4));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ChatOutput {
    raw: Bytes,
    value: Value,
    meta: ResponseMeta,
}

impl ChatOutput {
    /// Reads a chat reply body. Any JSON is accepted; a body that is not
    /// JSON is an error. [`ChatOutput::raw`] gives back `body` unchanged.
    pub fn from_slice(body: &[u8]) -> Result<ChatOutput, serde_json::Error> {
        let value = serde_json::from_slice(body)?;
        Ok(ChatOutput {
            raw: Bytes::copy_from_slice(body),
            value,
            meta: ResponseMeta::default(),
        })
    }

    /// A chat reply given as JSON; its raw body is the JSON's text.
    pub fn from_value(value: Value) -> ChatOutput {
        let raw = Bytes::from(value.to_string());
        ChatOutput {
            raw,
            value,
            meta: ResponseMeta::default(),
        }
    }

    /// The format the reply's shape shows (see [`ChatFormat::detect`]).
    pub fn format(&self) -> Option<ChatFormat> {
        ChatFormat::detect(&self.value)
    }

    /// The reply's text: the text parts of the first choice or candidate,
    /// joined; `None` when the reply carries no text.
    pub fn text(&self) -> Option<String> {
        let message = match self.format()? {
            ChatFormat::OpenAi => first(&self.value, "choices")?
                .get("message")?
                .get("content")?,
            ChatFormat::Anthropic => self.value.get("content")?,
            ChatFormat::Gemini => first(&self.value, "candidates")?
                .get("content")?
                .get("parts")?,
        };
        joined_text(message)
    }

    /// Why the model stopped (`stop`, `end_turn`, `STOP`, `length`...), as
    /// sent.
    pub fn finish_reason(&self) -> Option<&str> {
        let reason = match self.format()? {
            ChatFormat::OpenAi => first(&self.value, "choices")?.get("finish_reason"),
            ChatFormat::Anthropic => self.value.get("stop_reason"),
            ChatFormat::Gemini => first(&self.value, "candidates")?.get("finishReason"),
        };
        reason?.as_str()
    }

    /// The tokens used, as far as the reply says.
    pub fn usage(&self) -> TokenUsage {
        let (key, input, output, total) = match self.format() {
            Some(ChatFormat::OpenAi) => (
                "usage",
                "prompt_tokens",
                "completion_tokens",
                "total_tokens",
            ),
            Some(ChatFormat::Anthropic) => ("usage", "input_tokens", "output_tokens", ""),
            Some(ChatFormat::Gemini) => (
                "usageMetadata",
                "promptTokenCount",
                "candidatesTokenCount",
                "totalTokenCount",
            ),
            None => return TokenUsage::default(),
        };
        let Some(usage) = self.value.get(key) else {
            return TokenUsage::default();
        };
        let count = |name: &str| usage.get(name).and_then(Value::as_u64);
        let (input_tokens, output_tokens) = (count(input), count(output));
        let total_tokens = count(total).or_else(|| input_tokens?.checked_add(output_tokens?));
        TokenUsage {
            input_tokens,
            output_tokens,
            total_tokens,
        }
    }

    /// The reply's body as it arrived (the API key redacted; for a v2 job,
    /// the result's `output` written as JSON).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The reply as JSON, whole.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// What the answer's headers (v1) or the job's metrics (v2) said.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }
}

/// The first item of the list at `key`.
fn first<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key)?.as_array()?.first()
}

/// The text of a message's content: a string as it is, or the `text`
/// strings of a list of parts joined (parts with another `type` than
/// `text` left out); `None` when there is no text.
fn joined_text(content: &Value) -> Option<String> {
    match content {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => {
            let texts: Vec<&str> = parts
                .iter()
                .filter(|part| part.get("type").is_none_or(|t| t == "text"))
                .filter_map(|part| part.get("text")?.as_str())
                .collect();
            (!texts.is_empty()).then(|| texts.concat())
        }
        _ => None,
    }
}

impl Sealed for ChatOutput {
    fn from_reply(reply: Reply) -> Result<Self, Error> {
        match reply.0 {
            ReplyKind::Value { value, meta } => Ok(ChatOutput {
                meta,
                ..ChatOutput::from_value(value)
            }),
            ReplyKind::Text {
                body,
                content_type,
                meta,
                key,
            } => {
                let Ok(mut value) = serde_json::from_slice::<Value>(&body) else {
                    return Err(not_json(&body, content_type, &meta, &key));
                };
                key.scrub_json(&mut value);
                Ok(ChatOutput {
                    raw: Bytes::from(key.scrub_bytes(&body)),
                    value,
                    meta,
                })
            }
            ReplyKind::Stream { .. } | ReplyKind::Base64 { .. } => Err(Error::decode(
                "a chat output was handed an unread reply (a bug in the client)",
            )),
        }
    }
}

impl ModelOutput for ChatOutput {
    const KIND: Option<OutputKind> = None;
    const WHOLE_JSON: bool = true;

    fn accepts(kind: OutputKind) -> bool {
        matches!(kind, OutputKind::Chat(_))
    }

    fn name() -> &'static str {
        "a chat reply"
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn openai(content: Value) -> Value {
        json!({
            "id": "chatcmpl-1", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21}
        })
    }

    fn anthropic(content: Value) -> Value {
        json!({
            "id": "msg_1", "type": "message", "role": "assistant", "content": content,
            "stop_reason": "end_turn", "usage": {"input_tokens": 10, "output_tokens": 25}
        })
    }

    fn gemini(parts: Value) -> Value {
        json!({
            "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 6, "totalTokenCount": 10}
        })
    }

    #[test]
    fn reads_each_format() {
        let reply = ChatOutput::from_value(openai(json!("Hi there")));
        assert_eq!(reply.format(), Some(ChatFormat::OpenAi));
        assert_eq!(reply.text().as_deref(), Some("Hi there"));
        assert_eq!(reply.finish_reason(), Some("stop"));
        let usage = reply.usage();
        assert_eq!(
            (usage.input_tokens, usage.output_tokens, usage.total_tokens),
            (Some(9), Some(12), Some(21))
        );

        let reply = ChatOutput::from_value(anthropic(json!([
            {"type": "text", "text": "Hello, "},
            {"type": "tool_use", "id": "t", "name": "x", "input": {}},
            {"type": "text", "text": "world"}
        ])));
        assert_eq!(reply.format(), Some(ChatFormat::Anthropic));
        assert_eq!(reply.text().as_deref(), Some("Hello, world"));
        assert_eq!(reply.finish_reason(), Some("end_turn"));
        assert_eq!(reply.usage().total_tokens, Some(35));

        let reply = ChatOutput::from_value(gemini(json!([{"text": "a"}, {"text": "b"}])));
        assert_eq!(reply.format(), Some(ChatFormat::Gemini));
        assert_eq!(reply.text().as_deref(), Some("ab"));
        assert_eq!(reply.finish_reason(), Some("STOP"));
        assert_eq!(reply.usage().output_tokens, Some(6));
    }

    #[test]
    fn openai_content_as_parts_and_missing_text() {
        let parts = openai(json!([{"type": "text", "text": "x"}, {"type": "image_url"}]));
        assert_eq!(ChatOutput::from_value(parts).text().as_deref(), Some("x"));
        assert_eq!(ChatOutput::from_value(openai(Value::Null)).text(), None);
        assert_eq!(ChatOutput::from_value(json!({"choices": []})).text(), None);
        let other = ChatOutput::from_value(json!({"text": "not a chat reply"}));
        assert_eq!((other.format(), other.text()), (None, None));
        assert_eq!(other.usage(), TokenUsage::default());
    }

    #[test]
    fn format_names_round_trip() {
        for format in ChatFormat::ALL {
            assert_eq!(ChatFormat::from_name(format.as_str()), Some(format));
        }
        assert_eq!(ChatFormat::from_name("OpenAI"), None);
    }

    /// Any JSON value, a few levels deep, with keys that chat replies use.
    fn any_json() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("text".to_owned()),
            Just("type".to_owned()),
            Just("content".to_owned()),
            Just("parts".to_owned()),
            Just("message".to_owned()),
            "[a-z]{1,6}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            ".{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
                proptest::collection::btree_map(key.clone(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Where arbitrary JSON goes into a reply of each format.
    fn replies(noise: Value) -> Vec<Value> {
        let n = || noise.clone();
        vec![
            n(),
            openai(n()),
            json!({"choices": [n()], "usage": n()}),
            json!({"choices": [{"message": n(), "finish_reason": n()}]}),
            anthropic(n()),
            anthropic(json!([n(), {"type": "text", "text": n()}])),
            json!({"content": [], "usage": {"input_tokens": n(), "output_tokens": n()}}),
            gemini(n()),
            json!({"candidates": [{"content": n()}], "usageMetadata": n()}),
            json!({"candidates": n(), "choices": n(), "content": n()}),
        ]
    }

    /// Whether `value` holds a string anywhere.
    fn has_string(value: &Value) -> bool {
        match value {
            Value::String(_) => true,
            Value::Array(items) => items.iter().any(has_string),
            Value::Object(fields) => fields.values().any(has_string),
            _ => false,
        }
    }

    /// `value` with every string taken out.
    fn without_strings(value: &Value) -> Value {
        match value {
            Value::String(_) => Value::Null,
            Value::Array(items) => items.iter().map(without_strings).collect(),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), without_strings(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    proptest! {
        #[test]
        fn arbitrary_json_around_each_reply_never_panics(noise in any_json()) {
            for reply in replies(noise) {
                let output = ChatOutput::from_value(reply);
                let _ = (output.text(), output.finish_reason(), output.usage(), output.format());
            }
        }

        #[test]
        fn text_is_none_when_the_reply_carries_no_text(noise in any_json()) {
            // The replies keep their ids, roles, types and stop reasons:
            // only the places a text could be are without strings.
            let noise = without_strings(&noise);
            prop_assert!(!has_string(&noise));
            for reply in replies(noise) {
                prop_assert_eq!(ChatOutput::from_value(reply).text(), None);
            }
        }

        #[test]
        fn the_raw_body_round_trips(noise in any_json(), pretty in any::<bool>()) {
            for reply in replies(noise) {
                let body = if pretty {
                    serde_json::to_vec_pretty(&reply).unwrap()
                } else {
                    serde_json::to_vec(&reply).unwrap()
                };
                let output = ChatOutput::from_slice(&body).unwrap();
                prop_assert_eq!(output.raw(), &body[..]);
                prop_assert_eq!(output.value(), &reply);
                let again = ChatOutput::from_value(output.value().clone());
                prop_assert_eq!(serde_json::from_slice::<Value>(again.raw()).unwrap(), reply);
            }
        }
    }
}
