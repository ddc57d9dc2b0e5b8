//! The v1 call: `POST {base}/v1/{slug}` blocks until the output is made,
//! and answers with the raw media (streamed into a [`crate::MediaOutput`]),
//! in base64 mode with JSON wrapping it (decoded piece by piece), or, for a
//! model that returns JSON, with that JSON ([`crate::JsonOutput`]).

use crate::media_output::content_type_of;

use crate::base64_reply::{stream_base64, Base64Failure};
use crate::client::Client;
use crate::error::Error;
use crate::model::ModelInput;
use crate::model_call::Endpoint;
use crate::model_output::sealed::{Reply, ReplyKind};
use crate::model_output::ModelOutput;

/// Largest JSON answer of a JSON model, read into memory.
const JSON_REPLY_LIMIT: usize = 1 << 30;

/// Largest base64 reply: it is decoded as it streams (to a temporary file
/// past 256 KiB), so its size costs disk, not memory.
const BASE64_REPLY_LIMIT: u64 = 16 << 30;

impl Client {
    /// Runs a model synchronously (v1): validates the input, resolves its
    /// media, POSTs it and returns the output once it is made, as the type
    /// asked for: a [`crate::Video`], [`crate::Image`] or
    /// [`crate::Audio`] (streamed when saved; base64 replies decoded piece
    /// by piece) or a [`crate::JsonOutput`] (see [`ModelOutput`]).
    ///
    /// A type that does not fit the model's [`crate::ModelInfo::output`]
    /// (a [`crate::Video`] asked of an image model) is refused with
    /// [`Error::Config`] before anything is sent. The POST is billed, so it
    /// is retried only after a 429 or a connection that failed before
    /// sending.
    pub async fn run<O: ModelOutput, I: ModelInput + ?Sized>(&self, input: &I) -> Result<O, Error> {
        check_kind::<O>(input)?;
        let (response, meta) = self.post_model(Endpoint::V1, input).await?;
        let timeout = self.request_timeout();
        let content_type = content_type_of(&response);
        let whole = O::WHOLE_JSON
            || content_type.as_deref().is_some_and(is_json)
            || (O::ANY_KIND && content_type.as_deref().is_some_and(is_text));
        if !whole {
            return O::from_reply(Reply(ReplyKind::Stream {
                response,
                meta,
                timeout,
                key: self.key(),
                billed_call: true,
            }));
        }
        // Billed from here on: a failure names the request id, when known.
        if !O::WHOLE_JSON && !O::ANY_KIND {
            let key = self.key();
            let source = stream_base64(response, O::KIND, timeout, BASE64_REPLY_LIMIT)
                .await
                .map_err(|failure| {
                    let error = match failure {
                        Base64Failure::Read(error) => error,
                        Base64Failure::Format(why) => Error::decode(key.scrub(&why)),
                    };
                    error.with_request_id(meta.request_id.as_deref())
                })?;
            return O::from_reply(Reply(ReplyKind::Base64 { source, meta, key }));
        }
        let body = self
            .read_body(response, timeout, JSON_REPLY_LIMIT)
            .await
            .map_err(|e| e.with_request_id(meta.request_id.as_deref()))?;
        O::from_reply(Reply(ReplyKind::Text {
            body,
            content_type,
            meta,
            key: self.key(),
        }))
    }
}

/// Refuses an output type that cannot hold what the model returns.
pub(crate) fn check_kind<O: ModelOutput>(input: &(impl ModelInput + ?Sized)) -> Result<(), Error> {
    // Without a schema, the reply's kind is read from the reply itself.
    let Some(info) = input.info() else {
        return Ok(());
    };
    if O::accepts(info.output) {
        return Ok(());
    }
    Err(Error::Config(format!(
        "the model `{}` returns {}, but its output was asked for as {}: nothing was sent",
        info.slug,
        info.output.as_str(),
        O::name()
    )))
}

/// `text/plain`, parameters aside: an untyped reply read as text (JSON).
pub(crate) fn is_text(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("text/plain")
}

/// `application/json`, `text/json` or any `+json` type, parameters aside.
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    crate::media_output::is_json_type(&essence.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        for yes in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/problem+json",
            "text/json",
        ] {
            assert!(is_json(yes), "{yes}");
        }
        for no in [
            "video/mp4",
            "application/octet-stream",
            "",
            "text/html",
            "application/jsonl",
        ] {
            assert!(!is_json(no), "{no}");
        }
    }
}
