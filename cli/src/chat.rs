//! Chat models on the command line: `--prompt TEXT`, one user message in
//! the request shape of the model's chat format, and the reply delivered as
//! its text (printed), or whole (with `--json`, or written to `--out`).

use clap::{Arg, ArgMatches};
use segmind_runtime::{ChatFormat, ChatOutput, ModelInfo};
use serde_json::{json, Map, Value};

use crate::failure::Failure;
use crate::save::{save_json, Delivered};
use crate::wait::Destination;

/// `--prompt TEXT`: one user message, for chat models.
pub const PROMPT: &str = "prompt";

/// The `--prompt` argument of a chat model's subcommand.
pub fn prompt_arg(format: ChatFormat) -> Arg {
    Arg::new(PROMPT)
        .long(PROMPT)
        .value_name("TEXT")
        .conflicts_with(crate::command::JSON_INPUT)
        .help("One user message: the whole conversation, instead of --json-input")
        .long_help(format!(
            "One user message, sent as the whole conversation in the model's {format} format: {}. \
             Field flags given too replace its keys. For a longer conversation, images or a system \
             prompt, give the body with --json-input.",
            prompt_body(format, "TEXT")
                .get("messages")
                .map(Value::to_string)
                .unwrap_or_default()
        ))
}

/// The request body of one user message saying `text`, in `format`.
pub fn prompt_body(format: ChatFormat, text: &str) -> Map<String, Value> {
    let messages = match format {
        ChatFormat::Gemini => json!({"contents": [{"role": "user", "parts": [{"text": text}]}]}),
        ChatFormat::OpenAi | ChatFormat::Anthropic => {
            json!([{"role": "user", "content": [{"type": "text", "text": text}]}])
        }
    };
    let mut body = Map::new();
    body.insert("messages".to_owned(), messages);
    body
}

/// The body `--prompt` gives, for a chat model whose subcommand got one.
pub fn prompt_input(model: &ModelInfo, matches: &ArgMatches) -> Option<Map<String, Value>> {
    let format = model.output.chat_format()?;
    let text = matches.try_get_one::<String>(PROMPT).ok().flatten()?;
    Some(prompt_body(format, text))
}

/// Delivers a chat reply: the whole reply to `--out` when given, else its
/// text to print (the whole reply when it carries no text).
pub async fn save_chat(reply: ChatOutput, destination: Destination) -> Result<Delivered, Failure> {
    let text = reply.text();
    let mut delivered = save_json(reply.value().clone(), destination).await?;
    if delivered.output.is_some() {
        delivered.text = text;
    }
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_user_message_in_each_format() {
        let openai = Value::Object(prompt_body(ChatFormat::OpenAi, "hi"));
        assert_eq!(openai["messages"][0]["role"], "user");
        assert_eq!(openai["messages"][0]["content"][0]["text"], "hi");
        let gemini = Value::Object(prompt_body(ChatFormat::Gemini, "hi"));
        assert_eq!(gemini["messages"]["contents"][0]["parts"][0]["text"], "hi");
    }
}
