//! Media resolution: turning an input's media fields into URLs before the
//! request body is sent. A URL passes through; a local file is checked first
//! (all of them, so a missing, unreadable or too large one fails before any
//! request), then either uploaded to Segmind's storage, streamed from disk,
//! or inlined as a `data:` URL.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use futures_util::stream::{self, Stream, StreamExt as _};
use serde_json::Value;
use tokio::io::AsyncReadExt as _;

use crate::client::Client;
use crate::config::MediaUpload;
use crate::error::Error;
use crate::media::Media;
use crate::model::ModelInput;
use crate::retry::RequestKind;

/// Largest local media file sent through Segmind's storage upload
/// ([`MediaUpload::Upload`], the default): 100 MiB (104,857,600 bytes).
///
/// Segmind does not document a limit. The upload sends the file base64
/// encoded inside a JSON body, a third larger than the file (a 100 MiB file
/// is a 133.4 MiB request), streamed from disk, so the client's memory does
/// not grow with the file. The limit is there so that a wrong path (a film,
/// a disk image) is refused at once, before minutes of sending end in a
/// refusal from the far side; the inputs of the video models (a picture, a
/// voice clip, a short video) are far smaller. The local test server
/// accepts request bodies of up to 256 MiB, enough for a file of this size.
///
/// Every file is checked against it, by its size on disk, before any file
/// is read and before any request is sent.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

/// Largest local media file sent inline as a `data:` URL inside the model
/// request ([`MediaUpload::Inline`]): 10 MiB (10,485,760 bytes).
///
/// An inlined file is held in memory whole, base64 encoded, inside the JSON
/// body of the model call (which [`Client::prepare_body`] returns as a
/// value), and the same body goes to every retry, so the limit is far below
/// [`DEFAULT_MAX_UPLOAD_BYTES`]. A larger file is refused, before it is read,
/// with an error that suggests upload mode.
pub const DEFAULT_MAX_INLINE_BYTES: u64 = 10 * 1024 * 1024;

/// Raw bytes read per piece of a streamed upload. A multiple of 3, so that
/// every piece but the last encodes to base64 without padding and the
/// pieces join into one valid base64 text.
const UPLOAD_CHUNK_BYTES: usize = 3 * 128 * 1024;
const _: () = assert!(UPLOAD_CHUNK_BYTES % 3 == 0);

/// Largest upload reply read.
const UPLOAD_REPLY_LIMIT: usize = 1 << 20;

impl Client {
    /// The exact JSON body a call would send: validates the input (nothing
    /// is sent when that fails), then resolves every media field to a URL,
    /// uploading local files unless the client inlines them.
    ///
    /// Every local file is checked first (it exists, is a regular file, can
    /// be opened, and is no larger than [`DEFAULT_MAX_UPLOAD_BYTES`], or
    /// [`DEFAULT_MAX_INLINE_BYTES`] when inlined); any failure is an
    /// [`Error::MediaFile`] naming the field and the file, and nothing is
    /// sent.
    pub async fn prepare_body<I: ModelInput + ?Sized>(&self, input: &I) -> Result<Value, Error> {
        self.prepare_body_with_file_limit(input, self.max_media_file_bytes())
            .await
    }

    /// [`Client::prepare_body`] with `max_file_bytes` as the size limit of
    /// every local file instead of the client's own. For tests and
    /// benchmarks that need a small or a large limit; not a stable API.
    #[doc(hidden)]
    pub async fn prepare_body_with_file_limit<I: ModelInput + ?Sized>(
        &self,
        input: &I,
        max_file_bytes: u64,
    ) -> Result<Value, Error> {
        input.validate()?;
        let mut body = input.to_json();
        let media = input.media();
        let mode = self.media_upload();

        // Check every local file before any request; none is read yet.
        let mut files: HashMap<&Path, LocalFile> = HashMap::new();
        for (pointer, item) in &media {
            if let Media::File(path) = item {
                if !files.contains_key(path.as_path()) {
                    let field = pointer.strip_prefix('/').unwrap_or(pointer);
                    let file = LocalFile::check(field, path, max_file_bytes, mode).await?;
                    files.insert(path, file);
                }
            }
        }

        let mut resolved: HashMap<&Path, String> = HashMap::new();
        for (pointer, item) in &media {
            let url = match item {
                Media::Url(url) => url.clone(),
                Media::File(path) => {
                    match (resolved.get(path.as_path()), files.get(path.as_path())) {
                        (Some(url), _) => url.clone(),
                        (None, Some(file)) => {
                            let url = match mode {
                                MediaUpload::Inline => file.read_data_url().await?,
                                MediaUpload::Upload => self.upload(file).await?,
                            };
                            resolved.insert(path.as_path(), url.clone());
                            url
                        }
                        // Every file was checked above.
                        (None, None) => continue,
                    }
                }
            };
            // Each media value sits at its JSON pointer in the body.
            if let Some(slot) = body.pointer_mut(pointer) {
                *slot = Value::String(url);
            }
        }
        Ok(body)
    }

    /// The size limit of one local media file in this client's media mode.
    fn max_media_file_bytes(&self) -> u64 {
        match self.media_upload() {
            MediaUpload::Upload => DEFAULT_MAX_UPLOAD_BYTES,
            MediaUpload::Inline => DEFAULT_MAX_INLINE_BYTES,
        }
    }

    /// Uploads one checked file to the storage endpoint, streamed from disk,
    /// and returns the URL it is served from. Billed or not, it is a POST:
    /// retried only when it certainly did not arrive, and then the file is
    /// opened and read again from its start.
    async fn upload(&self, file: &LocalFile) -> Result<String, Error> {
        let url = self.upload_url();
        let timeout = self.request_timeout();
        tracing::info!(
            field = %file.field,
            path = %file.path.display(),
            bytes = file.size,
            "uploading a local file"
        );
        let sent = self
            .send(RequestKind::Post, timeout, || {
                let (body, len) = file.upload_body()?;
                self.post_json_stream(url, len, reqwest::Body::wrap_stream(body))
            })
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return Err(file.explain_failed_upload(error).await),
        };
        let reply = self
            .read_body(response, timeout, UPLOAD_REPLY_LIMIT)
            .await?;
        let reply: Value = serde_json::from_slice(&reply)
            .map_err(|e| Error::decode_with("the upload reply is not valid JSON", e))?;
        let url = uploaded_url(&reply);
        if url.is_some() {
            tracing::debug!(field = %file.field, "uploaded");
        }
        url.ok_or_else(|| {
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

/// A local media file that passed the checks, with what sending it needs.
#[derive(Debug)]
struct LocalFile {
    /// Wire name of the (first) field that names it.
    field: String,
    path: PathBuf,
    /// Its size when it was checked; exactly this many bytes are sent.
    size: u64,
    /// Its MIME type, guessed from the name.
    media_type: String,
}

impl LocalFile {
    /// Checks, without reading it, that the file exists, is a regular file
    /// no larger than `limit` bytes and can be opened.
    async fn check(
        field: &str,
        path: &Path,
        limit: u64,
        mode: MediaUpload,
    ) -> Result<LocalFile, Error> {
        let error = |source| media_file_error(field, path, source);
        let metadata = tokio::fs::metadata(path).await.map_err(error)?;
        if !metadata.is_file() {
            return Err(error(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            )));
        }
        let size = metadata.len();
        if size > limit {
            return Err(error(too_large(size, limit, mode)));
        }
        // Readable: opened and closed again; it is read when it is sent.
        drop(tokio::fs::File::open(path).await.map_err(error)?);
        Ok(LocalFile {
            field: field.to_owned(),
            path: path.to_path_buf(),
            size,
            media_type: mime_guess::from_path(path)
                .first_or_octet_stream()
                .essence_str()
                .to_owned(),
        })
    }

    /// An [`Error::MediaFile`] about this file.
    fn error(&self, source: io::Error) -> Error {
        media_file_error(&self.field, &self.path, source)
    }

    /// `data:<type>;base64,`
    fn data_url_head(&self) -> String {
        format!("data:{};base64,", self.media_type)
    }

    /// The whole file as `data:<type>;base64,<...>`, for inline mode.
    async fn read_data_url(&self) -> Result<String, Error> {
        let file = tokio::fs::File::open(&self.path)
            .await
            .map_err(|e| self.error(e))?;
        let mut bytes = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
        // One byte past the checked size tells a file that grew since.
        file.take(self.size.saturating_add(1))
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| self.error(e))?;
        if bytes.len() as u64 != self.size {
            return Err(self.error(changed_size(self.size, Some(bytes.len() as u64))));
        }
        let mut url = self.data_url_head();
        url.reserve(encoded_len(self.size) as usize);
        STANDARD.encode_string(&bytes, &mut url);
        Ok(url)
    }

    /// The upload request's body, `{"data_urls":["data:<type>;base64,..."]}`,
    /// made while it is sent: the file is read in pieces of
    /// [`UPLOAD_CHUNK_BYTES`] and each is encoded as it goes, so memory stays
    /// flat whatever the file's size. Answers the body and its exact length
    /// in bytes. The file is opened here, anew for every attempt.
    fn upload_body(
        &self,
    ) -> Result<(impl Stream<Item = io::Result<Bytes>> + Send + 'static, u64), Error> {
        let file = std::fs::File::open(&self.path).map_err(|e| self.error(e))?;
        Ok(upload_stream(
            tokio::fs::File::from_std(file),
            &self.data_url_head(),
            self.size,
        ))
    }

    /// Turns a failed upload into a file error when the file changed size
    /// while it was being sent (the stream then fails midway); any other
    /// failure is returned as it is.
    async fn explain_failed_upload(&self, error: Error) -> Error {
        if !matches!(error, Error::Transport { .. }) {
            return error;
        }
        match tokio::fs::metadata(&self.path).await {
            Ok(now) if now.len() == self.size => error,
            Ok(now) => self.error(changed_size(self.size, Some(now.len()))),
            Err(_) => self.error(changed_size(self.size, None)),
        }
    }
}

/// `{"data_urls":["<head><base64 of size bytes of reader>"]}` as a stream of
/// pieces, and its exact length. Fails midway if the reader ends early.
fn upload_stream<R>(
    reader: R,
    head: &str,
    size: u64,
) -> (impl Stream<Item = io::Result<Bytes>> + Send + 'static, u64)
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
{
    // The head is written as a JSON string that is left open.
    let quoted = Value::String(head.to_owned()).to_string();
    let open = &quoted[..quoted.len() - 1];
    let prefix = Bytes::from(format!("{{\"data_urls\":[{open}"));
    let suffix = Bytes::from_static(b"\"]}");
    let len = (prefix.len() as u64)
        .saturating_add(encoded_len(size))
        .saturating_add(suffix.len() as u64);

    struct Pieces<R> {
        reader: R,
        left: u64,
        buffer: Vec<u8>,
    }
    let start = Pieces {
        reader,
        left: size,
        buffer: Vec::new(),
    };
    let data = stream::try_unfold(start, move |mut pieces| async move {
        if pieces.left == 0 {
            return Ok(None);
        }
        let want = usize::try_from(pieces.left)
            .unwrap_or(UPLOAD_CHUNK_BYTES)
            .min(UPLOAD_CHUNK_BYTES);
        pieces.buffer.resize(want, 0);
        pieces
            .reader
            .read_exact(&mut pieces.buffer)
            .await
            .map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => changed_size(size, None),
                _ => e,
            })?;
        pieces.left -= want as u64;
        let encoded = Bytes::from(STANDARD.encode(&pieces.buffer));
        Ok(Some((encoded, pieces)))
    });
    let body = stream::once(async move { Ok(prefix) })
        .chain(data)
        .chain(stream::once(async move { Ok(suffix) }));
    (body, len)
}

/// Length of the padded base64 text of `size` bytes.
fn encoded_len(size: u64) -> u64 {
    size.div_ceil(3).saturating_mul(4)
}

fn media_file_error(field: &str, path: &Path, source: io::Error) -> Error {
    Error::MediaFile {
        field: field.to_owned(),
        path: path.to_path_buf(),
        source,
    }
}

/// Why a file of `size` bytes is refused under `limit` in `mode`.
fn too_large(size: u64, limit: u64, mode: MediaUpload) -> io::Error {
    let what = format!(
        "the file is {size} bytes ({}), over the limit of {limit} bytes ({})",
        mebibytes(size),
        mebibytes(limit)
    );
    let message = match mode {
        MediaUpload::Upload => format!("{what} for an upload"),
        MediaUpload::Inline => format!(
            "{what} for inline media; send it in upload mode instead (MediaUpload::Upload, the default), which streams the file from disk"
        ),
    };
    io::Error::new(io::ErrorKind::FileTooLarge, message)
}

/// Why a file that no longer has its checked size cannot be sent.
fn changed_size(checked: u64, now: Option<u64>) -> io::Error {
    let now = match now {
        Some(now) => format!("{now} bytes"),
        None => "unreadable".to_owned(),
    };
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the file changed while it was sent: it was {checked} bytes, now {now}"),
    )
}

/// `12.5 MiB`
fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt as _;
    use serde_json::json;

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

    async fn checked(field: &str, path: &Path, limit: u64, mode: MediaUpload) -> LocalFile {
        LocalFile::check(field, path, limit, mode).await.unwrap()
    }

    #[tokio::test]
    async fn data_urls_carry_the_guessed_type() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("voice.mp3");
        std::fs::write(&path, b"ID3abc").unwrap();
        let file = checked("input_audio", &path, 100, MediaUpload::Inline).await;
        assert_eq!(
            file.read_data_url().await.unwrap(),
            "data:audio/mpeg;base64,SUQzYWJj"
        );
        let odd = dir.path().join("blob.unknownext");
        std::fs::write(&odd, b"x").unwrap();
        let file = checked("f", &odd, 100, MediaUpload::Inline).await;
        assert_eq!(
            file.read_data_url().await.unwrap(),
            "data:application/octet-stream;base64,eA=="
        );
    }

    #[tokio::test]
    async fn unreadable_files_name_field_and_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.png");
        let err = LocalFile::check("input_image", &missing, 100, MediaUpload::Upload)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::MediaFile { field, path, .. } if field == "input_image" && path == &missing)
        );
        assert!(
            err.to_string().contains("gone.png") && err.to_string().contains("input_image"),
            "{err}"
        );
        let err = LocalFile::check("input_image", dir.path(), 100, MediaUpload::Upload)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }

    #[tokio::test]
    async fn a_file_over_the_limit_is_refused_by_its_size_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clip.mp4");
        std::fs::write(&path, [7u8; 1001]).unwrap();
        checked("input_video", &path, 1001, MediaUpload::Upload).await;
        for mode in [MediaUpload::Upload, MediaUpload::Inline] {
            let err = LocalFile::check("input_video", &path, 1000, mode)
                .await
                .unwrap_err();
            let Error::MediaFile {
                field,
                path: named,
                source,
            } = &err
            else {
                panic!("{err:?}");
            };
            assert_eq!((field.as_str(), named), ("input_video", &path));
            assert_eq!(source.kind(), io::ErrorKind::FileTooLarge);
            let text = err.to_string();
            for part in ["input_video", "clip.mp4", "1001 bytes", "1000 bytes"] {
                assert!(text.contains(part), "{part} in {text}");
            }
            assert_eq!(
                text.contains("upload mode instead"),
                mode == MediaUpload::Inline,
                "{text}"
            );
        }
    }

    /// What the old code sent: the JSON of the whole data URL.
    fn whole_body(head: &str, bytes: &[u8]) -> Vec<u8> {
        let url = format!("{head}{}", STANDARD.encode(bytes));
        serde_json::to_vec(&json!({ "data_urls": [url] })).unwrap()
    }

    #[tokio::test]
    async fn the_streamed_body_is_the_whole_body_with_its_exact_length() {
        let chunk = UPLOAD_CHUNK_BYTES;
        for size in [0, 1, 2, 3, 4, chunk - 1, chunk, chunk + 1, 2 * chunk + 2] {
            let bytes: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
            let head = "data:video/mp4;base64,";
            let (stream, len) =
                upload_stream(std::io::Cursor::new(bytes.clone()), head, size as u64);
            let pieces: Vec<Bytes> = stream.try_collect().await.unwrap();
            let sent: Vec<u8> = pieces.concat();
            assert_eq!(sent, whole_body(head, &bytes), "size {size}");
            assert_eq!(len, sent.len() as u64, "size {size}");
            assert!(
                pieces.iter().all(|piece| piece.len() <= chunk / 3 * 4),
                "size {size}"
            );
        }
    }

    #[tokio::test]
    async fn a_head_that_needs_escaping_stays_valid_json() {
        let (stream, len) =
            upload_stream(std::io::Cursor::new(b"ab".to_vec()), "data:a\"b;base64,", 2);
        let sent: Vec<u8> = stream.try_collect::<Vec<Bytes>>().await.unwrap().concat();
        assert_eq!(len, sent.len() as u64);
        let value: Value = serde_json::from_slice(&sent).unwrap();
        assert_eq!(value["data_urls"][0], json!("data:a\"b;base64,YWI="));
    }

    #[tokio::test]
    async fn a_file_that_shrinks_fails_the_stream() {
        let (stream, _) = upload_stream(std::io::Cursor::new(vec![1u8; 10]), "data:;base64,", 20);
        let err = stream.try_collect::<Vec<Bytes>>().await.unwrap_err();
        assert!(
            err.to_string().contains("changed while it was sent"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn an_inlined_file_that_grew_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        std::fs::write(&path, b"abc").unwrap();
        let file = checked("input_image", &path, 100, MediaUpload::Inline).await;
        std::fs::write(&path, b"abcdef").unwrap();
        let err = file.read_data_url().await.unwrap_err();
        assert!(err.to_string().contains("it was 3 bytes"), "{err}");
    }
}
