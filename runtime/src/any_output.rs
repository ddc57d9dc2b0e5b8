//! [`AnyOutput`]: whatever a model answered, when no schema says what to
//! expect. The reply's `Content-Type` decides: `video/*`, `image/*` and
//! `audio/*` are media of that kind, JSON (and plain text) is JSON, and any
//! other binary type is media of a kind the reply does not name. The checks
//! of each kind still run when the output is saved.

use std::path::Path;

use crate::error::Error;
use crate::media_output::{
    content_type_of, essence, AnyMediaKind, Audio, Image, MediaOutput, Video,
};
use crate::meta::ResponseMeta;
use crate::model::OutputKind;
use crate::model_output::sealed::{Reply, ReplyKind, Sealed};
use crate::model_output::{JsonOutput, ModelOutput};
use crate::output_file::OutputFile;

/// Whatever a model answered, by the reply's `Content-Type`: the output
/// type to ask for when calling a slug without a schema and taking what
/// comes (`client.run_json::<AnyOutput>(...)`). To insist on one kind, ask
/// for [`Video`], [`Image`], [`Audio`] or [`JsonOutput`] instead: a reply of
/// another kind is then an error naming what came.
///
/// A JSON reply is [`AnyOutput::Json`], even when it wraps a base64 file
/// (a model's `base64: true`): ask for the media kind to have it decoded.
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyOutput {
    /// A `video/*` reply.
    Video(Video),
    /// An `image/*` reply.
    Image(Image),
    /// An `audio/*` reply.
    Audio(Audio),
    /// A JSON (or plain-text) reply.
    Json(JsonOutput),
    /// A binary reply whose type names no kind (`application/octet-stream`,
    /// or none): media all the same, checked as media when saved.
    Media(MediaOutput<AnyMediaKind>),
}

impl AnyOutput {
    /// The kind that came: `None` for [`AnyOutput::Media`].
    pub fn kind(&self) -> Option<OutputKind> {
        match self {
            AnyOutput::Video(_) => Some(OutputKind::Video),
            AnyOutput::Image(_) => Some(OutputKind::Image),
            AnyOutput::Audio(_) => Some(OutputKind::Audio),
            AnyOutput::Json(_) => Some(OutputKind::Json),
            AnyOutput::Media(_) => None,
        }
    }

    /// What the answer's headers (v1) or the job's metrics (v2) said.
    pub fn meta(&self) -> &ResponseMeta {
        match self {
            AnyOutput::Video(media) => media.meta(),
            AnyOutput::Image(media) => media.meta(),
            AnyOutput::Audio(media) => media.meta(),
            AnyOutput::Json(json) => json.meta(),
            AnyOutput::Media(media) => media.meta(),
        }
    }

    /// The file extension that fits the output: the media's (see
    /// [`MediaOutput::extension`]), or `json`.
    pub fn extension(&self) -> &'static str {
        match self {
            AnyOutput::Video(media) => media.extension(),
            AnyOutput::Image(media) => media.extension(),
            AnyOutput::Audio(media) => media.extension(),
            AnyOutput::Json(_) => "json",
            AnyOutput::Media(media) => media.extension(),
        }
    }

    /// Saves the output to `path` atomically (temporary file, then rename;
    /// nothing is left on a failure): media as [`MediaOutput::save`] does,
    /// JSON pretty-printed. Returns the number of bytes written.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        self.save_into(OutputFile::create_billed(path.as_ref()).await?)
            .await
    }

    /// [`AnyOutput::save`] into an output file reserved beforehand.
    pub async fn save_into(self, out: OutputFile) -> Result<u64, Error> {
        match self {
            AnyOutput::Video(media) => media.save_into(out, |_, _| {}).await,
            AnyOutput::Image(media) => media.save_into(out, |_, _| {}).await,
            AnyOutput::Audio(media) => media.save_into(out, |_, _| {}).await,
            AnyOutput::Media(media) => media.save_into(out, |_, _| {}).await,
            AnyOutput::Json(json) => {
                let mut text = serde_json::to_vec_pretty(json.value()).map_err(|e| {
                    Error::decode(format!("the JSON answer cannot be written: {e}"))
                })?;
                text.push(b'\n');
                out.save_bytes(&text).await
            }
        }
    }
}

impl Sealed for AnyOutput {
    const ANY_KIND: bool = true;

    fn from_reply(reply: Reply) -> Result<Self, Error> {
        match reply.0 {
            ReplyKind::Stream {
                response,
                meta,
                timeout,
                key,
                billed_call,
            } => {
                let family = content_type_of(&response)
                    .map(|t| essence(&t))
                    .and_then(|t| t.split('/').next().map(str::to_owned));
                // One arm per kind: each builds its own MediaOutput type.
                Ok(match family.as_deref() {
                    Some("video") => AnyOutput::Video(MediaOutput::streamed(
                        response,
                        meta,
                        timeout,
                        key,
                        billed_call,
                    )),
                    Some("image") => AnyOutput::Image(MediaOutput::streamed(
                        response,
                        meta,
                        timeout,
                        key,
                        billed_call,
                    )),
                    Some("audio") => AnyOutput::Audio(MediaOutput::streamed(
                        response,
                        meta,
                        timeout,
                        key,
                        billed_call,
                    )),
                    _ => AnyOutput::Media(MediaOutput::streamed(
                        response,
                        meta,
                        timeout,
                        key,
                        billed_call,
                    )),
                })
            }
            reply @ (ReplyKind::Text { .. } | ReplyKind::Value { .. }) => {
                JsonOutput::from_reply(Reply(reply)).map(AnyOutput::Json)
            }
            ReplyKind::Base64 { source, meta, key } => {
                Ok(AnyOutput::Media(MediaOutput::base64(source, meta, key)))
            }
        }
    }
}

impl ModelOutput for AnyOutput {
    const KIND: Option<OutputKind> = None;

    /// Any model's output fits.
    fn accepts(_kind: OutputKind) -> bool {
        true
    }

    fn name() -> &'static str {
        "any output"
    }
}
