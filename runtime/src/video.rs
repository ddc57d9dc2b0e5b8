//! [`Video`]: a model's output, either still streaming from the answer or
//! already decoded, and the ways to take it: saved atomically to a file,
//! written to any async writer, or collected into memory.
//!
//! Nothing is taken as a video until it looks like one: the first bytes and
//! the `Content-Type` are checked before a byte is written (an HTML page, a
//! JSON error or an empty body is [`Error::NotMedia`]), and the end is
//! checked against `Content-Length`, or, without one, against the MP4 box
//! structure ([`crate::mp4::BoxWalker`]).

use std::fmt;
use std::path::Path;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::client::body_error;
use crate::error::{Error, NotMediaInfo};
use crate::meta::ResponseMeta;
use crate::mp4::BoxWalker;
use crate::output_file::OutputFile;
use crate::secret::ApiKey;

/// Size of the pieces a decoded video is handed out in, so progress reports
/// keep coming.
const PIECE: usize = 256 * 1024;

/// Largest buffer reserved up front from a `Content-Length` header.
const MAX_RESERVE: u64 = 64 << 20;

/// Bytes read before the start of a reply is judged.
const HEAD_BYTES: usize = 16;

/// Most of a reply read to find the message of a JSON error in it.
const ERROR_PEEK_BYTES: usize = 64 << 10;

/// Bytes of the start of a wrong reply kept in [`Error::NotMedia`].
const SHOWN_HEAD_BYTES: usize = 64;

/// A video from a v1 call or a finished v2 job.
///
/// A binary answer is not read until the video is saved, written or
/// collected, so a long video never has to fit in memory.
pub struct Video {
    meta: ResponseMeta,
    content_type: Option<String>,
    content_length: Option<u64>,
    body: Body,
    timeout: Duration,
    key: ApiKey,
    read: ReadState,
    /// Whether this is the answer to a model call (v1), whose repeat would
    /// be billed, rather than a download that can be repeated.
    billed_call: bool,
}

enum Body {
    /// The unread answer.
    Stream(reqwest::Response),
    /// Decoded bytes (base64 mode), handed out from `offset` on.
    Decoded { bytes: Bytes, offset: usize },
}

/// How far the reading has got, for the checks at its start and its end.
#[derive(Default)]
struct ReadState {
    /// Bytes handed out so far.
    received: u64,
    /// Whether the start was checked.
    started: bool,
    /// The box structure, when the body is MP4.
    mp4: Option<BoxWalker>,
}

impl fmt::Debug for Video {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Video")
            .field("meta", &self.meta)
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .field("streamed", &self.is_streamed())
            .finish()
    }
}

impl Video {
    /// A video still to be read from `response` (whose headers were
    /// scrubbed of the key already); `key` redacts what a wrong body says;
    /// `billed_call` when it answers a model call rather than a download.
    pub(crate) fn streamed(
        response: reqwest::Response,
        meta: ResponseMeta,
        timeout: Duration,
        key: ApiKey,
        billed_call: bool,
    ) -> Self {
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let content_length = response.content_length();
        Video {
            meta,
            content_type,
            content_length,
            body: Body::Stream(response),
            timeout,
            key,
            read: ReadState::default(),
            billed_call,
        }
    }

    /// A video already in memory.
    pub(crate) fn decoded(
        bytes: Bytes,
        content_type: Option<String>,
        meta: ResponseMeta,
        key: ApiKey,
    ) -> Self {
        let content_length = Some(bytes.len() as u64);
        Video {
            meta,
            content_type,
            content_length,
            body: Body::Decoded { bytes, offset: 0 },
            timeout: Duration::ZERO,
            key,
            read: ReadState::default(),
            billed_call: true,
        }
    }

    /// What the answer's headers said about the call.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The media type (`video/mp4`...), when known.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The size in bytes, when known in advance.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Whether the bytes are still to be read from the network (binary
    /// answers) rather than already in memory (base64 answers).
    pub fn is_streamed(&self) -> bool {
        matches!(self.body, Body::Stream(_))
    }

    /// Whether a body cut short will be noticed: true when the size is
    /// known (`Content-Length`, or a decoded video) or the reply says it is
    /// MP4, whose box structure is then checked to its end. When false, a
    /// connection closed early looks like the end of the video; callers
    /// may want to warn.
    pub fn end_is_checked(&self) -> bool {
        self.content_length.is_some()
            || self
                .content_type
                .as_deref()
                .is_some_and(|t| is_mp4_type(&essence(t)))
    }

    /// Saves the video to `path` atomically: it is written to a temporary
    /// file in the same folder, then renamed. On any failure, including a
    /// body cut off midway or a reply that is not a video, neither `path`
    /// nor a temporary file is left. Returns the number of bytes written.
    /// `path` follows the rules of [`OutputFile`] (a device or a folder is
    /// refused, a symbolic link is followed); to find a bad path before the
    /// call is billed, create the [`OutputFile`] first and use
    /// [`Video::save_into`].
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        self.save_with_progress(path, |_, _| {}).await
    }

    /// [`Video::save`], calling `progress(written, total)` first with 0 and
    /// then after each piece written; `total` is the size when known.
    pub async fn save_with_progress(
        self,
        path: impl AsRef<Path>,
        progress: impl FnMut(u64, Option<u64>),
    ) -> Result<u64, Error> {
        let out = OutputFile::create(path)?;
        self.save_into(out, progress).await
    }

    /// Saves the video into an output reserved beforehand (see
    /// [`OutputFile::create`]), with progress as in
    /// [`Video::save_with_progress`].
    pub async fn save_into(
        self,
        out: OutputFile,
        mut progress: impl FnMut(u64, Option<u64>),
    ) -> Result<u64, Error> {
        let mut file = out.writer().await?;
        let target = out.target().to_path_buf();
        let written = self.copy(&mut file, Some(&target), &mut progress).await?;
        file.sync_all().await.map_err(|e| out.io(e))?;
        drop(file);
        out.persist()?;
        Ok(written)
    }

    /// Writes the video to `writer` and flushes it. Returns the number of
    /// bytes written. The start of the reply is checked before anything is
    /// written; a reply cut short is found only at its end, after the bytes
    /// before it were written.
    pub async fn write_to<W: AsyncWrite + Unpin>(self, writer: &mut W) -> Result<u64, Error> {
        self.copy(writer, None, &mut |_, _| {}).await
    }

    /// Collects the whole video in memory.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        let reserve = self.content_length.unwrap_or(0).min(MAX_RESERVE) as usize;
        let mut all = BytesMut::with_capacity(reserve);
        while let Some(chunk) = self.next_chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }

    async fn copy<W: AsyncWrite + Unpin>(
        mut self,
        writer: &mut W,
        path: Option<&Path>,
        progress: &mut impl FnMut(u64, Option<u64>),
    ) -> Result<u64, Error> {
        let io_error = |source| Error::Io {
            path: path.map(Path::to_path_buf),
            source,
        };
        let total = self.content_length;
        let mut written = 0u64;
        progress(0, total);
        while let Some(chunk) = self.next_chunk().await? {
            writer.write_all(&chunk).await.map_err(io_error)?;
            written += chunk.len() as u64;
            progress(written, total);
        }
        writer.flush().await.map_err(io_error)?;
        Ok(written)
    }

    /// The next piece of the video, checked: the first call judges the
    /// start of the reply, and the end (`None`) is returned only once the
    /// reply is known to be whole.
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let chunk = if self.read.started {
            self.raw_chunk().await?
        } else {
            self.read.started = true;
            let head = self.read_head().await?;
            self.check_start(head).await?
        };
        match chunk {
            Some(chunk) => {
                self.read.received += chunk.len() as u64;
                if let Some(walker) = &mut self.read.mp4 {
                    walker.feed(&chunk);
                }
                Ok(Some(chunk))
            }
            None => {
                self.check_end()?;
                Ok(None)
            }
        }
    }

    /// The first [`HEAD_BYTES`] or more of the body (fewer only when the
    /// body is shorter).
    async fn read_head(&mut self) -> Result<Bytes, Error> {
        let mut head = BytesMut::new();
        while head.len() < HEAD_BYTES {
            match self.raw_chunk().await? {
                Some(chunk) => head.extend_from_slice(&chunk),
                None => break,
            }
        }
        Ok(head.freeze())
    }

    /// Judges the start of the body and hands it back as the first piece.
    async fn check_start(&mut self, head: Bytes) -> Result<Option<Bytes>, Error> {
        let declared = self.content_type.as_deref().map(essence);
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
        let looks_json = matches!(first, Some(b'{' | b'['));
        let says_json = declared.as_deref().is_some_and(is_json_type);
        if head.is_empty() || looks_json || says_json {
            let mut seen = BytesMut::from(&head[..]);
            if looks_json || says_json {
                // Read on to find the message of a JSON error.
                while seen.len() < ERROR_PEEK_BYTES {
                    match self.raw_chunk().await? {
                        Some(chunk) => seen.extend_from_slice(&chunk),
                        None => break,
                    }
                }
            }
            return Err(self.not_media(&seen, json_error_message(&seen)));
        }
        let looks_markup = first == Some(b'<');
        let wrong_type = declared.as_deref().is_some_and(|t| !is_video_type(t));
        if looks_markup || wrong_type {
            return Err(self.not_media(&head, None));
        }
        if BoxWalker::looks_like_mp4(&head) {
            self.read.mp4 = Some(BoxWalker::default());
        } else if self.content_length.is_none() && declared.as_deref().is_some_and(is_mp4_type) {
            return Err(self.cut(format!(
                "the reply says {} but does not start like an MP4 file, and has no Content-Length: its end cannot be checked",
                declared.unwrap_or_default()
            )));
        }
        Ok(Some(head))
    }

    /// A body cut short, or one whose end cannot be trusted, is an error.
    fn check_end(&self) -> Result<(), Error> {
        let received = self.read.received;
        if received == 0 {
            return Err(self.not_media(&[], None));
        }
        if let Some(expected) = self.content_length {
            if expected != received {
                return Err(self.cut(format!(
                    "the video was cut off: received {received} of {expected} bytes"
                )));
            }
            return Ok(());
        }
        match &self.read.mp4 {
            Some(walker) => walker.check_end().map_err(|why| self.cut(why)),
            None => Ok(()),
        }
    }

    /// The next piece of the body as it comes, unchecked.
    async fn raw_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match &mut self.body {
            Body::Stream(response) => match response.chunk().await {
                Ok(chunk) => Ok(chunk),
                Err(e) => {
                    let received = self.read.received;
                    let error = body_error(e, self.timeout, received, self.billed_call);
                    Err(error.with_request_id(self.meta.request_id.as_deref()))
                }
            },
            Body::Decoded { bytes, offset } => {
                if *offset >= bytes.len() {
                    return Ok(None);
                }
                let end = (*offset + PIECE).min(bytes.len());
                let piece = bytes.slice(*offset..end);
                *offset = end;
                Ok(Some(piece))
            }
        }
    }

    /// The error for a reply that is not a video; `seen` is what was read.
    fn not_media(&self, seen: &[u8], message: Option<String>) -> Error {
        let shown = &seen[..seen.len().min(SHOWN_HEAD_BYTES)];
        Error::NotMedia(Box::new(NotMediaInfo {
            expected: "video",
            content_type: self.content_type.clone(),
            size: (seen.len() as u64).max(self.content_length.unwrap_or(0)),
            head: Bytes::from(self.key.scrub_bytes(shown)),
            message: message.map(|m| self.key.scrub(&m)),
            request_id: self.meta.request_id.clone(),
        }))
    }

    /// The error for a body that ended too soon.
    fn cut(&self, message: String) -> Error {
        Error::decode(message).with_request_id(self.meta.request_id.as_deref())
    }
}

/// A media type without its parameters, in lower case.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `application/json`, `text/json` or any `+json` type.
pub(crate) fn is_json_type(essence: &str) -> bool {
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// Types a video may come as: any `video/*`, the MP4 application type, and
/// the generic binary types storage services use.
fn is_video_type(essence: &str) -> bool {
    essence.starts_with("video/")
        || matches!(
            essence,
            "application/mp4" | "application/octet-stream" | "binary/octet-stream"
        )
}

/// The MP4-family types, whose box structure can be checked.
fn is_mp4_type(essence: &str) -> bool {
    matches!(
        essence,
        "video/mp4" | "video/quicktime" | "application/mp4" | "video/3gpp"
    )
}

/// The `error` (or `message`, `detail`) text of a JSON body, when it is one.
fn json_error_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["error", "message", "detail"]
        .iter()
        .find_map(|key| value.get(key)?.as_str().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(len: usize) -> Video {
        let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        Video::decoded(
            Bytes::from(bytes),
            Some("video/mp4".into()),
            ResponseMeta::default(),
            ApiKey::new("k"),
        )
    }

    #[tokio::test]
    async fn decoded_video_saves_in_pieces_with_progress() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mp4");
        let mut seen = Vec::new();
        let written = decoded(PIECE * 2 + 10)
            .save_with_progress(&path, |n, total| seen.push((n, total)))
            .await
            .unwrap();
        assert_eq!(written, (PIECE * 2 + 10) as u64);
        let total = Some(written);
        assert_eq!(
            seen,
            vec![
                (0, total),
                (PIECE as u64, total),
                (2 * PIECE as u64, total),
                (written, total)
            ]
        );
        let on_disk = std::fs::read(&path).unwrap();
        assert_eq!(on_disk.len() as u64, written);
        assert_eq!(on_disk[PIECE + 3], ((PIECE + 3) % 251) as u8);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.mp4")]);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn saved_file_is_not_private_like_a_temp_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mp4");
        decoded(10).save(&path).await.unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_ne!(mode & 0o777, 0o600, "{mode:o}");
    }

    #[tokio::test]
    async fn save_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mp4");
        std::fs::write(&path, b"old contents that are longer").unwrap();
        decoded(5).save(&path).await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), vec![0, 1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn save_into_a_missing_folder_is_an_io_error_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/folder/out.mp4");
        let err = decoded(5).save(&path).await.unwrap_err();
        match &err {
            Error::Io { path: Some(p), .. } => assert_eq!(p, &path),
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("out.mp4"), "{err}");
    }

    #[tokio::test]
    async fn save_over_a_folder_fails_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inner"), b"x").unwrap();
        assert!(matches!(
            decoded(5).save(&path).await,
            Err(Error::Io { .. })
        ));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("taken")]);
    }

    #[tokio::test]
    async fn write_to_and_bytes() {
        let mut out = Vec::new();
        assert_eq!(decoded(7).write_to(&mut out).await.unwrap(), 7);
        assert_eq!(out, vec![0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(decoded(3).bytes().await.unwrap().as_ref(), [0, 1, 2]);
    }

    #[test]
    fn accessors_and_debug() {
        let video = decoded(3);
        assert_eq!(video.content_type(), Some("video/mp4"));
        assert_eq!(video.content_length(), Some(3));
        assert!(!video.is_streamed());
        assert!(format!("{video:?}").contains("streamed: false"));
    }
}
