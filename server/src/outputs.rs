//! What a model answers, by the kind its model file's `output` names:
//! video (the MP4 of [`crate::VideoSource`]), image (a real JPEG, PNG or
//! WebP, as the request's `output_format` asks; JPEG by default), audio (a
//! real WAV), JSON, or a chat reply in the model's format
//! ([`crate::chat`]). Media are answered as raw bytes with their type, or
//! wrapped as base64 in JSON under the kind's key (`video`, `image`,
//! `audio`) when the request asks `"base64": true`.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::chat::ChatFormat;
use crate::video;
use crate::video::VideoSource;

/// A real 16x16 baseline JPEG (see `fixtures/README.md`).
pub(crate) static JPEG: &[u8] = include_bytes!("../fixtures/sample.jpg");
/// A real 16x16 RGB PNG.
pub(crate) static PNG: &[u8] = include_bytes!("../fixtures/sample.png");
/// A real 16x16 lossy WebP.
pub(crate) static WEBP: &[u8] = include_bytes!("../fixtures/sample.webp");
/// A real 0.1 s, 8 kHz, 16-bit mono PCM WAV (a 440 Hz tone).
pub(crate) static WAV: &[u8] = include_bytes!("../fixtures/sample.wav");

/// What a model returns, as its model file's `output` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputKind {
    Video,
    Image,
    Audio,
    Json,
    Chat(ChatFormat),
}

impl OutputKind {
    /// Reads a model file's `output` (`video` when absent) and, for
    /// `chat`, its `chat_format`.
    pub fn parse(text: Option<&str>, chat_format: Option<&str>) -> Option<OutputKind> {
        Some(match text {
            None | Some("video") => OutputKind::Video,
            Some("image") => OutputKind::Image,
            Some("audio") => OutputKind::Audio,
            Some("json") => OutputKind::Json,
            Some("chat") => OutputKind::Chat(ChatFormat::parse(chat_format?)?),
            Some(_) => return None,
        })
    }
}

/// The answer one call gets: its kind, and for an image its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Output {
    Video,
    Image(ImageFormat),
    Audio,
    Json,
    Chat(ChatFormat),
}

/// The image formats `output_format` may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageFormat {
    Jpeg,
    Png,
    Webp,
}

impl Output {
    /// The answer a call of a `kind` model with this request body gets.
    pub fn for_request(kind: OutputKind, request: &Value) -> Output {
        match kind {
            OutputKind::Video => Output::Video,
            OutputKind::Audio => Output::Audio,
            OutputKind::Json => Output::Json,
            OutputKind::Chat(format) => Output::Chat(format),
            OutputKind::Image => {
                let format = request.get("output_format").and_then(Value::as_str);
                Output::Image(match format.map(str::to_ascii_lowercase).as_deref() {
                    Some("png") => ImageFormat::Png,
                    Some("webp") => ImageFormat::Webp,
                    _ => ImageFormat::Jpeg,
                })
            }
        }
    }

    /// The file extension of the output (`mp4`, `jpg`, `png`, `webp`,
    /// `wav`, `json`).
    pub fn extension(self) -> &'static str {
        match self {
            Output::Video => "mp4",
            Output::Image(ImageFormat::Jpeg) => "jpg",
            Output::Image(ImageFormat::Png) => "png",
            Output::Image(ImageFormat::Webp) => "webp",
            Output::Audio => "wav",
            Output::Json | Output::Chat(_) => "json",
        }
    }

    /// The fixture bytes and their type, for the image and audio outputs.
    fn fixture(self) -> Option<(&'static [u8], &'static str)> {
        match self {
            Output::Image(ImageFormat::Jpeg) => Some((JPEG, "image/jpeg")),
            Output::Image(ImageFormat::Png) => Some((PNG, "image/png")),
            Output::Image(ImageFormat::Webp) => Some((WEBP, "image/webp")),
            Output::Audio => Some((WAV, "audio/wav")),
            Output::Video | Output::Json | Output::Chat(_) => None,
        }
    }

    /// The raw answer: the media with its type and length, or the JSON.
    pub fn raw_response(self, source: VideoSource, slug: &str) -> Response {
        match self.fixture() {
            Some((bytes, content_type)) => video::static_response(bytes, content_type),
            None if self == Output::Json => Json(json_answer(slug)).into_response(),
            None => video::mp4_response(source),
        }
    }

    /// The base64 answer: the media as base64 under its kind's key; a JSON
    /// model answers its JSON as always.
    pub fn base64_response(self, source: VideoSource, slug: &str) -> Response {
        match self.fixture() {
            Some((bytes, _)) => {
                let key = if self == Output::Audio {
                    "audio"
                } else {
                    "image"
                };
                video::base64_static_response(key, bytes)
            }
            None if self == Output::Json => Json(json_answer(slug)).into_response(),
            None => video::base64_json_response(source),
        }
    }
}

/// What a JSON model answers: a small object of nested values, the same
/// for every call of one model.
pub(crate) fn json_answer(slug: &str) -> Value {
    json!({
        "model": slug,
        "text": format!("A local answer from {slug}."),
        "choices": [{"index": 0, "finish_reason": "stop", "tokens": 7}],
        "safe": true
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_what_they_claim() {
        assert_eq!(&JPEG[..3], [0xFF, 0xD8, 0xFF]);
        assert_eq!(&JPEG[JPEG.len() - 2..], [0xFF, 0xD9]);
        assert_eq!(&PNG[1..4], b"PNG");
        assert_eq!(&PNG[PNG.len() - 8..PNG.len() - 4], b"IEND");
        assert_eq!((&WEBP[..4], &WEBP[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
        assert_eq!((&WAV[..4], &WAV[8..12]), (&b"RIFF"[..], &b"WAVE"[..]));
        let riff = |b: &[u8]| u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize + 8;
        assert_eq!(riff(WAV), WAV.len());
        assert_eq!(riff(WEBP), WEBP.len());
    }

    #[test]
    fn output_format_picks_the_image() {
        let image = |body: Value| Output::for_request(OutputKind::Image, &body);
        assert_eq!(image(json!({})), Output::Image(ImageFormat::Jpeg));
        assert_eq!(
            image(json!({"output_format": "png"})),
            Output::Image(ImageFormat::Png)
        );
        assert_eq!(
            image(json!({"output_format": "webp"})),
            Output::Image(ImageFormat::Webp)
        );
        assert_eq!(image(json!({"output_format": "jpeg"})).extension(), "jpg");
        assert_eq!(OutputKind::parse(Some("sound"), None), None);
        assert_eq!(OutputKind::parse(None, None), Some(OutputKind::Video));
        assert_eq!(OutputKind::parse(Some("chat"), None), None);
        assert_eq!(
            OutputKind::parse(Some("chat"), Some("gemini")),
            Some(OutputKind::Chat(ChatFormat::Gemini))
        );
    }
}
