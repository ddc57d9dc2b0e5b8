//! Media resolution: turning an input's media fields into URLs before the
//! request body is sent. A URL passes through; a local file is read (all of
//! them first, so a missing one fails before any request), then either
//! uploaded to Segmind's storage or inlined as a `data:` URL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::client::Client;
use crate::config::MediaUpload;
use crate::error::Error;
use crate::media::Media;
use crate::model::ModelInput;
use crate::retry::RequestKind;

/// Largest upload reply read.
const UPLOAD_REPLY_LIMIT: usize = 1 << 20;

impl Client {
    /// The exact JSON body a call would send: validates the input (nothing
    /// is sent when that fails), then resolves every media field to a URL,
    /// uploading local files unless the client inlines them.
    pub async fn prepare_body<I: ModelInput + ?Sized>(&self, input: &I) -> Result<Value, Error> {
        input.validate()?;
        let mut body = input.to_json();
        let media = input.media();

        // Read every local file before any request.
        let mut data_urls: HashMap<PathBuf, String> = HashMap::new();
        for (field, item) in &media {
            if let Media::File(path) = item {
                if !data_urls.contains_key(path) {
                    data_urls.insert(path.clone(), read_data_url(field, path).await?);
                }
            }
        }

        let mut resolved: HashMap<PathBuf, String> = HashMap::new();
        for (field, item) in media {
            let url = match item {
                Media::Url(url) => url.clone(),
                Media::File(path) => match resolved.get(path) {
                    Some(url) => url.clone(),
                    None => {
                        let data_url = data_urls.remove(path).unwrap_or_default();
                        let url = match self.media_upload() {
                            MediaUpload::Inline => data_url,
                            MediaUpload::Upload => self.upload(&data_url).await?,
                        };
                        resolved.insert(path.clone(), url.clone());
                        url
                    }
                },
            };
            if let Some(fields) = body.as_object_mut() {
                fields.insert(field.to_owned(), Value::String(url));
            }
        }
        Ok(body)
    }

    /// Uploads one `data:` URL to the storage endpoint and returns the URL
    /// it is served from. Billed or not, it is a POST: retried only when it
    /// certainly did not arrive.
    async fn upload(&self, data_url: &str) -> Result<String, Error> {
        let url = self.upload_url();
        let body = json!({ "data_urls": [data_url] });
        let timeout = self.request_timeout();
        let response = self
            .send(RequestKind::Post, timeout, || self.post_json(url, &body))
            .await?;
        let reply = self
            .read_body(response, timeout, UPLOAD_REPLY_LIMIT)
            .await?;
        let reply: Value = serde_json::from_slice(&reply)
            .map_err(|e| Error::decode_with("the upload reply is not valid JSON", e))?;
        uploaded_url(&reply).ok_or_else(|| {
            let shown: String = reply.to_string().chars().take(200).collect();
            Error::decode(self.scrub(&format!(
                "the upload reply has no `file_urls` or `urls` list: {shown}"
            )))
        })
    }
}

/// The first URL of the reply's `file_urls` (the SDK's key) or `urls` (the
/// docs' key); a plain string there is accepted too.
fn uploaded_url(reply: &Value) -> Option<String> {
    ["file_urls", "urls"].iter().find_map(|key| {
        let found = match reply.get(key)? {
            Value::Array(items) => items.iter().find_map(Value::as_str),
            Value::String(url) => Some(url.as_str()),
            _ => None,
        };
        found
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_owned)
    })
}

/// The file as `data:<type>;base64,<...>`, its type guessed from the name.
async fn read_data_url(field: &str, path: &Path) -> Result<String, Error> {
    let media_file_error = |source| Error::MediaFile {
        field: field.to_owned(),
        path: path.to_path_buf(),
        source,
    };
    let metadata = tokio::fs::metadata(path).await.map_err(media_file_error)?;
    if !metadata.is_file() {
        return Err(media_file_error(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    let bytes = tokio::fs::read(path).await.map_err(media_file_error)?;
    let media_type = mime_guess::from_path(path).first_or_octet_stream();
    Ok(format!(
        "data:{};base64,{}",
        media_type.essence_str(),
        STANDARD.encode(bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_reply_keys() {
        assert_eq!(
            uploaded_url(&json!({"file_urls": ["https://s/a.png"]})).as_deref(),
            Some("https://s/a.png")
        );
        assert_eq!(
            uploaded_url(&json!({"urls": ["https://s/b.png"]})).as_deref(),
            Some("https://s/b.png")
        );
        assert_eq!(
            uploaded_url(&json!({"urls": "https://s/c.png"})).as_deref(),
            Some("https://s/c.png")
        );
        assert_eq!(
            uploaded_url(&json!({"file_urls": [], "urls": ["https://s/d"]})).as_deref(),
            Some("https://s/d")
        );
        assert_eq!(uploaded_url(&json!({"file_urls": [""]})), None);
        assert_eq!(uploaded_url(&json!({"url": "https://s/e"})), None);
        assert_eq!(uploaded_url(&json!([1])), None);
    }

    #[tokio::test]
    async fn data_urls_carry_the_guessed_type() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("voice.mp3");
        std::fs::write(&path, b"ID3abc").unwrap();
        assert_eq!(
            read_data_url("input_audio", &path).await.unwrap(),
            "data:audio/mpeg;base64,SUQzYWJj"
        );
        let odd = dir.path().join("blob.unknownext");
        std::fs::write(&odd, b"x").unwrap();
        assert_eq!(
            read_data_url("f", &odd).await.unwrap(),
            "data:application/octet-stream;base64,eA=="
        );
    }

    #[tokio::test]
    async fn unreadable_files_name_field_and_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.png");
        let err = read_data_url("input_image", &missing).await.unwrap_err();
        assert!(
            matches!(&err, Error::MediaFile { field, path, .. } if field == "input_image" && path == &missing)
        );
        assert!(
            err.to_string().contains("gone.png") && err.to_string().contains("input_image"),
            "{err}"
        );
        let err = read_data_url("input_image", dir.path()).await.unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
}
