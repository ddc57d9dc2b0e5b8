//! Chat models: the reply a chat model gets, in its file's `chat_format`
//! (OpenAI, Anthropic or Gemini), built from the request so that a test can
//! check what went there and back. The reply's text is `You said: ` and
//! the text of the last user message, split in two parts where the format
//! has parts; the token counts are word counts.

use serde_json::{json, Value};

/// A chat model's format, as its model file's `chat_format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChatFormat {
    OpenAi,
    Anthropic,
    Gemini,
}

/// What every chat reply's text starts with, before the echoed message.
pub const CHAT_REPLY_PREFIX: &str = "You said: ";

impl ChatFormat {
    /// Reads a model file's `chat_format`.
    pub fn parse(text: &str) -> Option<ChatFormat> {
        Some(match text {
            "openai" => ChatFormat::OpenAi,
            "anthropic" => ChatFormat::Anthropic,
            "gemini" => ChatFormat::Gemini,
            _ => return None,
        })
    }

    /// The reply to `request` (a body the model's schema accepted).
    pub fn reply(self, request: &Value, slug: &str) -> Value {
        let heard = last_user_text(self, request).unwrap_or_default();
        let input_tokens = words(request);
        let output_tokens = 2 + heard.split_whitespace().count() as u64;
        match self {
            ChatFormat::OpenAi => json!({
                "id": "chatcmpl-local",
                "object": "chat.completion",
                "model": slug,
                "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": format!("{CHAT_REPLY_PREFIX}{heard}")},
                    "finish_reason": "stop"
                }],
                "usage": {
                    "prompt_tokens": input_tokens,
                    "completion_tokens": output_tokens,
                    "total_tokens": input_tokens + output_tokens
                }
            }),
            ChatFormat::Anthropic => json!({
                "id": "msg_local",
                "type": "message",
                "role": "assistant",
                "model": slug,
                "content": [
                    {"type": "text", "text": CHAT_REPLY_PREFIX},
                    {"type": "text", "text": heard}
                ],
                "stop_reason": "end_turn",
                "stop_sequence": null,
                "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens}
            }),
            ChatFormat::Gemini => json!({
                "candidates": [{
                    "content": {"role": "model", "parts": [{"text": CHAT_REPLY_PREFIX}, {"text": heard}]},
                    "finishReason": "STOP",
                    "index": 0
                }],
                "usageMetadata": {
                    "promptTokenCount": input_tokens,
                    "candidatesTokenCount": output_tokens,
                    "totalTokenCount": input_tokens + output_tokens
                },
                "modelVersion": slug
            }),
        }
    }
}

/// The text of the last user message: `messages[]` of `{role, content}`
/// (content a string or blocks with `text`), or for Gemini
/// `messages.contents[]` of `{role, parts}`.
fn last_user_text(format: ChatFormat, request: &Value) -> Option<String> {
    let messages = match format {
        ChatFormat::Gemini => request.get("messages")?.get("contents")?,
        _ => request.get("messages")?,
    };
    let message = messages
        .as_array()?
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))?;
    let content = match format {
        ChatFormat::Gemini => message.get("parts")?,
        _ => message.get("content")?,
    };
    match content {
        Value::String(text) => Some(text.clone()),
        Value::Array(blocks) => Some(
            blocks
                .iter()
                .filter_map(|b| b.get("text")?.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

/// The words of every string in `value`: the prompt's token count.
fn words(value: &Value) -> u64 {
    match value {
        Value::String(text) => text.split_whitespace().count() as u64,
        Value::Array(items) => items.iter().map(words).sum(),
        Value::Object(fields) => fields.values().map(words).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_echoes_the_last_user_message() {
        let openai = json!({"messages": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [{"type": "text", "text": "hello there"}]}
        ]});
        let reply = ChatFormat::OpenAi.reply(&openai, "m");
        assert_eq!(
            reply["choices"][0]["message"]["content"],
            "You said: hello there"
        );
        assert_eq!(reply["usage"]["prompt_tokens"], 8);
        let anthropic = json!({"messages": [{"role": "user", "content": "hi"}]});
        let reply = ChatFormat::Anthropic.reply(&anthropic, "m");
        assert_eq!(reply["content"][1]["text"], "hi");
        let gemini =
            json!({"messages": {"contents": [{"role": "user", "parts": [{"text": "yo"}]}]}});
        let reply = ChatFormat::Gemini.reply(&gemini, "m");
        assert_eq!(reply["candidates"][0]["content"]["parts"][1]["text"], "yo");
        assert_eq!(ChatFormat::parse("claude"), None);
    }
}
