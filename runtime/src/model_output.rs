//! [`ModelOutput`]: what a call returns, chosen by type ([`crate::Video`],
//! [`crate::Image`], [`crate::Audio`] or [`JsonOutput`]), so that a JSON
//! answer can never be saved as a video; and [`JsonOutput`], the answer of
//! a model that returns JSON.

use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use crate::base64_reply::{find_base64, Base64Source};
use crate::error::{Error, NotMediaInfo};
use crate::media_output::{essence, MediaOutput, MediaOutputKind};
use crate::meta::ResponseMeta;
use crate::model::OutputKind;
use crate::secret::ApiKey;

/// The answer of a model whose output is JSON ("Text/JSON" on Segmind's
/// pages, of a shape Segmind does not document): the parsed JSON kept
/// whole, with the API key redacted from every string and key in it, and
/// what the reply's headers said.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonOutput {
    value: Value,
    meta: ResponseMeta,
}

impl JsonOutput {
    /// The JSON, whole, as Segmind sent it (key redacted).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The JSON, taken out.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// What the answer's headers (v1) or the job's metrics (v2) said.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }
}

pub(crate) mod sealed {
    use super::*;

    /// A reply as it reaches [`super::ModelOutput`]; opaque outside the
    /// crate.
    pub struct Reply(pub(crate) ReplyKind);

    /// A reply: still streaming, read whole, or (for a v2 job) the
    /// result's `output` value.
    pub(crate) enum ReplyKind {
        /// A successful answer whose body is still to be read.
        Stream {
            /// The answer (headers scrubbed of the key).
            response: reqwest::Response,
            /// What its headers said.
            meta: ResponseMeta,
            /// Time allowed to read it.
            timeout: Duration,
            /// For redaction.
            key: ApiKey,
            /// Whether it answers a model call (v1).
            billed_call: bool,
        },
        /// A v1 answer read whole, with its `Content-Type`.
        Text {
            /// The body.
            body: Bytes,
            /// Its `Content-Type`, if any.
            content_type: Option<String>,
            /// What its headers said.
            meta: ResponseMeta,
            /// For redaction.
            key: ApiKey,
        },
        /// A v1 answer in base64 mode, its output decoded as it streamed.
        Base64 {
            /// The decoded output.
            source: Base64Source,
            /// What its headers said.
            meta: ResponseMeta,
            /// For redaction.
            key: ApiKey,
        },
        /// A finished job's `output` (already redacted).
        Value {
            /// The output.
            value: Value,
            /// The job's metadata.
            meta: ResponseMeta,
        },
    }

    /// What [`super::ModelOutput`] needs and users cannot implement.
    pub trait Sealed: Sized {
        /// Whether the type takes whatever kind the reply turns out to be
        /// ([`crate::AnyOutput`]): a JSON reply is then JSON, never a
        /// base64-wrapped file.
        const ANY_KIND: bool = false;

        /// Builds the output from a reply.
        fn from_reply(reply: Reply) -> Result<Self, Error>;
    }
}

use sealed::{Reply, ReplyKind};

/// What a model call returns, picked by type: [`crate::Video`],
/// [`crate::Image`], [`crate::Audio`] (any [`MediaOutput`]),
/// [`JsonOutput`] or [`crate::ChatOutput`]. `Client::run` and `JobResult::download` are generic over
/// it, so the type asked for decides how the reply is read and checked:
///
/// ```no_run
/// # async fn demo(client: segmind_runtime::Client, input: &dyn segmind_runtime::ModelInput)
/// # -> Result<(), segmind_runtime::Error> {
/// use segmind_runtime::{Image, JsonOutput};
///
/// let image: Image = client.run(input).await?; // refused unless the model returns images
/// let path = format!("out.{}", image.extension()); // jpg, png, webp... as the reply says
/// image.save(path).await?;
/// let answer: JsonOutput = client.run(input).await?; // refused unless the model returns JSON
/// println!("{}", answer.value());
/// # Ok(())
/// # }
/// ```
///
/// Sealed: implemented by [`MediaOutput`] of every kind, [`JsonOutput`]
/// and [`crate::ChatOutput`].
pub trait ModelOutput: sealed::Sealed + Send + 'static {
    /// The kind this type holds; `None` when it holds more than one: any
    /// media ([`crate::AnyMediaKind`]) or any chat format
    /// ([`crate::ChatOutput`]).
    const KIND: Option<OutputKind>;

    /// Whether the reply is JSON read whole (a JSON or chat answer)
    /// rather than a media file.
    const WHOLE_JSON: bool = false;

    /// Whether a model that returns `kind` can be read as this type.
    fn accepts(kind: OutputKind) -> bool {
        match Self::KIND {
            Some(own) => own == kind,
            None => kind.is_media(),
        }
    }

    /// The name of what this type holds, for messages (`video`, `image`,
    /// `audio`, `media file`, `JSON`).
    fn name() -> &'static str;
}

impl<K: MediaOutputKind> sealed::Sealed for MediaOutput<K> {
    fn from_reply(reply: Reply) -> Result<Self, Error> {
        match reply.0 {
            ReplyKind::Stream {
                response,
                meta,
                timeout,
                key,
                billed_call,
            } => Ok(MediaOutput::streamed(
                response,
                meta,
                timeout,
                key,
                billed_call,
            )),
            ReplyKind::Text {
                body, meta, key, ..
            } => {
                let with_id = |e: Error| e.with_request_id(meta.request_id.as_deref());
                let source = find_base64(body, K::KIND)
                    .map_err(|why| with_id(Error::decode(key.scrub(&why))))?;
                Ok(MediaOutput::base64(source, meta, key))
            }
            ReplyKind::Base64 { source, meta, key } => Ok(MediaOutput::base64(source, meta, key)),
            ReplyKind::Value { value, .. } => {
                let shown: String = value.to_string().chars().take(200).collect();
                Err(Error::decode(format!(
                    "the job's output is not the URL of the {} file: {shown}",
                    K::NAME
                )))
            }
        }
    }
}

impl<K: MediaOutputKind> ModelOutput for MediaOutput<K> {
    const KIND: Option<OutputKind> = K::KIND;

    fn name() -> &'static str {
        K::NAME
    }
}

impl sealed::Sealed for JsonOutput {
    fn from_reply(reply: Reply) -> Result<Self, Error> {
        match reply.0 {
            ReplyKind::Value { value, meta } => Ok(JsonOutput { value, meta }),
            ReplyKind::Text {
                body,
                content_type,
                meta,
                key,
            } => {
                let declared = content_type.as_deref().map(essence);
                let value = match serde_json::from_slice::<Value>(&body) {
                    Ok(mut value) => {
                        key.scrub_json(&mut value);
                        value
                    }
                    // A plain-text answer is kept as one JSON string.
                    Err(_) if declared.as_deref() == Some("text/plain") => {
                        match std::str::from_utf8(&body) {
                            Ok(text) => Value::String(key.scrub(text)),
                            Err(_) => return Err(not_json(&body, content_type, &meta, &key)),
                        }
                    }
                    Err(_) => return Err(not_json(&body, content_type, &meta, &key)),
                };
                Ok(JsonOutput { value, meta })
            }
            ReplyKind::Stream { .. } | ReplyKind::Base64 { .. } => Err(Error::decode(
                "a JSON output was handed an unread reply (a bug in the client)",
            )),
        }
    }
}

impl ModelOutput for JsonOutput {
    const KIND: Option<OutputKind> = Some(OutputKind::Json);
    const WHOLE_JSON: bool = true;

    fn name() -> &'static str {
        "JSON"
    }
}

/// The error for a reply that should have been JSON and is not.
pub(crate) fn not_json(
    body: &[u8],
    content_type: Option<String>,
    meta: &ResponseMeta,
    key: &ApiKey,
) -> Error {
    let shown = &body[..body.len().min(64)];
    Error::NotMedia(Box::new(NotMediaInfo {
        expected: "JSON",
        content_type,
        size: body.len() as u64,
        head: Bytes::from(key.scrub_bytes(shown)),
        message: None,
        request_id: meta.request_id.clone(),
    }))
}
