//! The v1 call: `POST {base}/v1/{slug}` blocks until the video is made, and
//! answers either with the raw video (streamed into a [`Video`]) or, in
//! base64 mode, with JSON wrapping it (decoded into a [`Video`]).

use reqwest::header::CONTENT_TYPE;

use crate::base64_reply::decode_video;
use crate::client::Client;
use crate::error::Error;
use crate::meta::ResponseMeta;
use crate::model::ModelInput;
use crate::retry::RequestKind;
use crate::video::Video;

/// Largest base64 JSON reply read into memory.
const JSON_REPLY_LIMIT: usize = 1 << 30;

impl Client {
    /// Runs a model synchronously (v1): validates the input, resolves its
    /// media, POSTs it and returns the video once it is made. The POST is
    /// billed, so it is retried only after a 429 or a connection that failed
    /// before sending.
    pub async fn run<I: ModelInput + ?Sized>(&self, input: &I) -> Result<Video, Error> {
        let body = self.prepare_body(input).await?;
        let url = self.model_url("v1", input.info().slug);
        let timeout = self.request_timeout();
        let response = self
            .send(RequestKind::ModelCall, timeout, || {
                self.post_json(&url, &body)
            })
            .await?;
        let meta = ResponseMeta::from_headers(response.headers());
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !is_json(content_type) {
            return Ok(Video::streamed(response, meta, timeout, self.key(), true));
        }
        // Billed from here on: a failure names the request id, when known.
        let with_id = |e: Error| e.with_request_id(meta.request_id.as_deref());
        let text = self
            .read_body(response, timeout, JSON_REPLY_LIMIT)
            .await
            .map_err(with_id)?;
        let reply: serde_json::Value = serde_json::from_slice(&text)
            .map_err(|e| with_id(Error::decode_with("the JSON reply is not valid JSON", e)))?;
        let decoded =
            decode_video(&reply).map_err(|why| with_id(Error::decode(self.scrub(&why))))?;
        Ok(Video::decoded(
            decoded.bytes,
            decoded.media_type,
            meta,
            self.key(),
        ))
    }
}

/// `application/json`, `text/json` or any `+json` type, parameters aside.
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    crate::video::is_json_type(&essence.to_ascii_lowercase())
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
