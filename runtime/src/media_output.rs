//! [`MediaOutput`]: a model's media output ([`Video`], [`Image`] or
//! [`Audio`]), either still streaming from the answer or wrapped as base64
//! in a JSON reply, and the ways to take it: saved atomically to a file,
//! written to any async writer, or collected into memory.
//!
//! Nothing is taken as the output until it looks like one: the first bytes
//! and the `Content-Type` are checked before a byte is written (an HTML
//! page, a JSON error, an empty body or another kind of media is
//! [`Error::NotMedia`]), and the end is checked against `Content-Length`,
//! or, without one, against the container ([`crate::containers`]: MP4
//! boxes, PNG chunks, JPEG's end marker, the RIFF size of WAV and WebP).

use std::fmt;
use std::io::Seek as _;
use std::marker::PhantomData;
use std::path::Path;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::base64_reply::{Base64Failure, Base64Source};
use crate::client::body_error;
use crate::containers::{extension_for, sniff, EndCheck};
use crate::error::{Error, NotMediaInfo};
use crate::meta::ResponseMeta;
use crate::model::OutputKind;
use crate::output_file::OutputFile;
use crate::secret::ApiKey;

/// Largest buffer reserved up front from a `Content-Length` header.
const MAX_RESERVE: u64 = 64 << 20;

/// Bytes read before the start of a reply is judged.
const HEAD_BYTES: usize = 16;

/// Most of a reply read to find the message of a JSON error in it.
const ERROR_PEEK_BYTES: usize = 64 << 10;

/// Bytes of the start of a wrong reply kept in [`Error::NotMedia`].
const SHOWN_HEAD_BYTES: usize = 64;

mod sealed {
    pub trait Sealed {}
}

/// The kind of media a [`MediaOutput`] holds: [`VideoKind`], [`ImageKind`],
/// [`AudioKind`] or [`AnyMediaKind`]. It decides which `Content-Type`s are
/// accepted, the name errors give the output, and the file extension used
/// when the reply's type does not give one. Sealed: these four are all.
pub trait MediaOutputKind: sealed::Sealed + Send + Sync + 'static {
    /// The output kind, `None` for [`AnyMediaKind`].
    const KIND: Option<OutputKind>;
    /// What errors call the output (`video`, `image`, `audio`, `media file`).
    const NAME: &'static str;
    /// The extension when the reply's `Content-Type` gives none (`mp4`,
    /// `jpg`, `mp3`; `bin` for any media).
    const DEFAULT_EXTENSION: &'static str;
}

/// Marks a [`MediaOutput`] as a video ([`Video`]): `video/*` replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoKind {}
/// Marks a [`MediaOutput`] as an image ([`Image`]): `image/*` replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {}
/// Marks a [`MediaOutput`] as a sound file ([`Audio`]): `audio/*` replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioKind {}
/// Marks a [`MediaOutput`] whose kind is not known in advance (such as a
/// job resumed by its request id alone): any video, image or audio reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnyMediaKind {}

impl sealed::Sealed for VideoKind {}
impl sealed::Sealed for ImageKind {}
impl sealed::Sealed for AudioKind {}
impl sealed::Sealed for AnyMediaKind {}

impl MediaOutputKind for VideoKind {
    const KIND: Option<OutputKind> = Some(OutputKind::Video);
    const NAME: &'static str = "video";
    const DEFAULT_EXTENSION: &'static str = "mp4";
}
impl MediaOutputKind for ImageKind {
    const KIND: Option<OutputKind> = Some(OutputKind::Image);
    const NAME: &'static str = "image";
    const DEFAULT_EXTENSION: &'static str = "jpg";
}
impl MediaOutputKind for AudioKind {
    const KIND: Option<OutputKind> = Some(OutputKind::Audio);
    const NAME: &'static str = "audio";
    const DEFAULT_EXTENSION: &'static str = "mp3";
}
impl MediaOutputKind for AnyMediaKind {
    const KIND: Option<OutputKind> = None;
    const NAME: &'static str = "media file";
    const DEFAULT_EXTENSION: &'static str = "bin";
}

/// A video from a v1 call or a finished v2 job (`video/*`; saved as `.mp4`
/// unless the reply says otherwise). See [`MediaOutput`] for its methods.
pub type Video = MediaOutput<VideoKind>;
/// An image from a v1 call or a finished v2 job (`image/*`; saved as
/// `.jpg` unless the reply says otherwise). See [`MediaOutput`].
pub type Image = MediaOutput<ImageKind>;
/// A sound file from a v1 call or a finished v2 job (`audio/*`; saved as
/// `.mp3` unless the reply says otherwise). See [`MediaOutput`].
pub type Audio = MediaOutput<AudioKind>;

/// A media output of kind `K`: [`Video`], [`Image`] or [`Audio`] (or any
/// media, with [`AnyMediaKind`]).
///
/// A binary answer is not read until the output is saved, written or
/// collected, so a long video never has to fit in memory. A base64 answer
/// is decoded as it streams: the call reads it until it ends or 256 KiB
/// are decoded, and the rest when the output is consumed. Saved, a large
/// base64 output is decoded straight into the temporary file beside the
/// target (written once, then renamed); written or collected, it goes
/// through an anonymous temporary file and is handed out piece by piece.
/// While a streamed output is alive it holds one of the client's request
/// slots.
///
/// Before a byte counts as written, the reply is checked: its
/// `Content-Type` must fit the kind (`video/*`, `image/*`, `audio/*`, or
/// the generic `application/octet-stream` and `binary/octet-stream`), its
/// first bytes must not be an HTML page, JSON or another kind of media, and
/// it must not be empty ([`Error::NotMedia`], saying what arrived). Its
/// length must match `Content-Length`; without one, the end is checked by
/// the container where that is cheap (see [`MediaOutput::end_is_checked`]).
pub struct MediaOutput<K: MediaOutputKind> {
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
    kind: PhantomData<fn() -> K>,
}

enum Body {
    /// The unread answer.
    Stream(reqwest::Response),
    /// A base64 string in a JSON reply (base64 mode), decoded as it is read.
    Base64(Base64Source),
    /// Bytes already in memory, handed out from `offset` on.
    #[cfg(test)]
    Memory { bytes: Bytes, offset: usize },
}

/// How far the reading has got, for the checks at its start and its end.
#[derive(Default)]
struct ReadState {
    /// Bytes handed out so far.
    received: u64,
    /// Whether the start was checked.
    started: bool,
    /// The end check the container calls for, when there is one.
    end: Option<EndCheck>,
}

impl<K: MediaOutputKind> fmt::Debug for MediaOutput<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaOutput")
            .field("kind", &K::NAME)
            .field("meta", &self.meta)
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .field("streamed", &self.is_streamed())
            .finish()
    }
}

impl<K: MediaOutputKind> MediaOutput<K> {
    /// An output still to be read from `response` (whose headers were
    /// scrubbed of the key already); `key` redacts what a wrong body says;
    /// `billed_call` when it answers a model call rather than a download.
    pub(crate) fn streamed(
        response: reqwest::Response,
        meta: ResponseMeta,
        timeout: Duration,
        key: ApiKey,
        billed_call: bool,
    ) -> Self {
        let content_type = content_type_of(&response);
        let content_length = response.content_length();
        Self::new(
            Body::Stream(response),
            content_type,
            content_length,
            meta,
            timeout,
            key,
            billed_call,
        )
    }

    /// An output wrapped as base64 in a JSON reply.
    pub(crate) fn base64(source: Base64Source, meta: ResponseMeta, key: ApiKey) -> Self {
        let content_type = source.media_type.clone();
        let content_length = source.decoded_len;
        Self::new(
            Body::Base64(source),
            content_type,
            content_length,
            meta,
            Duration::ZERO,
            key,
            true,
        )
    }

    fn new(
        body: Body,
        content_type: Option<String>,
        content_length: Option<u64>,
        meta: ResponseMeta,
        timeout: Duration,
        key: ApiKey,
        billed_call: bool,
    ) -> Self {
        MediaOutput {
            meta,
            content_type,
            content_length,
            body,
            timeout,
            key,
            read: ReadState::default(),
            billed_call,
            kind: PhantomData,
        }
    }

    /// What the answer's headers said about the call.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The media type (`video/mp4`, `image/png`...), when known: the
    /// reply's `Content-Type`, or for a base64 reply the type its `data:`
    /// URL or its first bytes give (for one still being read, those of the
    /// best string so far).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The size in bytes, when known in advance: the reply's
    /// `Content-Length`, or for a base64 reply its decoded size once the
    /// reply was read whole (at the call for an output up to 256 KiB, else
    /// once it is consumed).
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The file extension (without a dot) that fits the reply's media type:
    /// `jpg` (for `image/jpeg`), `png`, `webp`, `gif`, `mp3`, `wav`, `ogg`,
    /// `flac`, `m4a`, `mp4`, `webm`, `mov` and a few more; for a type it
    /// does not know (such as `application/octet-stream`) or none, the
    /// kind's usual one (`mp4`, `jpg`, `mp3`; `bin` for any media, unless
    /// the type at least says `image/`, `audio/` or `video/`).
    pub fn extension(&self) -> &'static str {
        let essence = self.content_type.as_deref().map(essence);
        if let Some(ext) = essence.as_deref().and_then(extension_for) {
            return ext;
        }
        if K::KIND.is_none() {
            let family = essence.as_deref().and_then(|t| t.split('/').next());
            return match family {
                Some("image") => ImageKind::DEFAULT_EXTENSION,
                Some("audio") => AudioKind::DEFAULT_EXTENSION,
                Some("video") => VideoKind::DEFAULT_EXTENSION,
                _ => K::DEFAULT_EXTENSION,
            };
        }
        K::DEFAULT_EXTENSION
    }

    /// Whether the bytes are still to be read from the network: binary
    /// answers, and base64 answers past 256 KiB of output until they are
    /// consumed; not a base64 answer decoded whole.
    pub fn is_streamed(&self) -> bool {
        match &self.body {
            Body::Stream(_) => true,
            Body::Base64(source) => source.is_reading(),
            #[cfg(test)]
            Body::Memory { .. } => false,
        }
    }

    /// Whether a body cut short will be noticed, as far as the headers
    /// tell: true when the size is known (`Content-Length`, or a base64
    /// reply) or the reply's type is one whose end is checked from its
    /// bytes (MP4 and QuickTime, PNG, JPEG, WAV, WebP). When false (an MP3
    /// or a generic binary type without a length), a connection closed
    /// early looks like the end of the output; callers may want to warn.
    /// (A generic type whose bytes turn out to be one of those formats is
    /// still checked; a WAV streamed with a placeholder size is not.)
    pub fn end_is_checked(&self) -> bool {
        // A base64 reply's end is its JSON's end.
        matches!(self.body, Body::Base64(_))
            || self.content_length.is_some()
            || self
                .content_type
                .as_deref()
                .is_some_and(|t| is_checkable_type(&essence(t)))
    }

    /// Saves the output to `path` atomically: it is written to a temporary
    /// file in the same folder, synced to disk (unless the [`OutputFile`]
    /// says not to: see [`OutputFile::sync`]), then renamed. A base64
    /// output still being read is decoded straight into that temporary
    /// file. On any failure, including a
    /// body cut off midway or a reply that is not of the right kind,
    /// neither `path` nor a temporary file is left. Returns the number of
    /// bytes written. `path` follows the rules of [`OutputFile`] (a device
    /// or a folder is refused, a symbolic link is followed); to find a bad
    /// path before the call is billed, create the [`OutputFile`] first and
    /// use [`MediaOutput::save_into`].
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        self.save_with_progress(path, |_, _| {}).await
    }

    /// [`MediaOutput::save`], calling `progress(written, total)` first with
    /// 0 and then after each piece written; `total` is the size when known.
    pub async fn save_with_progress(
        self,
        path: impl AsRef<Path>,
        progress: impl FnMut(u64, Option<u64>),
    ) -> Result<u64, Error> {
        let out = OutputFile::create_billed(path.as_ref()).await?;
        self.save_into(out, progress).await
    }

    /// Saves the output into an output file reserved beforehand (see
    /// [`OutputFile::create`]), with progress as in
    /// [`MediaOutput::save_with_progress`].
    pub async fn save_into(
        mut self,
        out: OutputFile,
        mut progress: impl FnMut(u64, Option<u64>),
    ) -> Result<u64, Error> {
        let mut file = out.writer().await?;
        let target = out.target().to_path_buf();
        let self_request_id = self.meta.request_id.clone();
        let is_reading_base64 = matches!(&self.body, Body::Base64(source) if source.is_reading());
        let written = if is_reading_base64 {
            let std_file = file.into_std().await;
            let in_file = self.decode_base64_into(&std_file, &mut progress).await;
            let in_file = in_file.map_err(|e| match e {
                // The output file could not be written: name it.
                Error::Io { path: None, source } => out.io(source),
                e => e.with_request_id(self_request_id.as_deref()),
            })?;
            if in_file.is_none() {
                // The output is elsewhere (another string won): the file
                // is emptied and the output copied in.
                let mut emptied = &std_file;
                emptied
                    .set_len(0)
                    .and_then(|()| emptied.seek(std::io::SeekFrom::Start(0)).map(|_| ()))
                    .map_err(|e| out.io(e))?;
            }
            file = tokio::fs::File::from_std(std_file);
            match in_file {
                Some(written) => written,
                None => self.copy(&mut file, Some(&target), &mut progress).await?,
            }
        } else {
            self.copy(&mut file, Some(&target), &mut progress).await?
        };
        if out.syncs() {
            file.sync_all().await.map_err(|e| out.io(e))?;
        }
        drop(file);
        out.persist()?;
        tracing::info!(
            path = %target.display(),
            bytes = written,
            request_id = self_request_id.as_deref(),
            "output saved"
        );
        Ok(written)
    }

    /// Reads the rest of a base64 reply, decoding the output into `file`
    /// (the output's temporary file, empty). Returns its size when it is
    /// there whole and judged to be the output; `None` when another string
    /// won and the output is to be copied in (the body is then decoded and
    /// read as usual).
    async fn decode_base64_into(
        &mut self,
        file: &std::fs::File,
        progress: &mut impl FnMut(u64, Option<u64>),
    ) -> Result<Option<u64>, Error> {
        let Body::Base64(source) = &mut self.body else {
            return Ok(None);
        };
        progress(0, None);
        let result = source
            .read_to_end(Some(file), &mut |n| progress(n, None))
            .await;
        let in_sink = source.is_in_sink();
        let head = source.head().to_vec();
        let (decoded_len, media_type) = (source.decoded_len, source.media_type.clone());
        result.map_err(|failure| self.base64_error(failure))?;
        self.content_length = decoded_len;
        self.content_type = media_type;
        if !in_sink {
            return Ok(None);
        }
        self.check_decoded_start(&head)?;
        let written = decoded_len.unwrap_or(0);
        self.read.started = true;
        self.read.received = written;
        progress(written, Some(written));
        Ok(Some(written))
    }

    /// The error for a base64 reply that could not be read, or that holds
    /// no output.
    fn base64_error(&self, failure: Base64Failure) -> Error {
        match failure {
            Base64Failure::Read(error) => error.with_request_id(self.meta.request_id.as_deref()),
            Base64Failure::Format(why) => self.cut(
                self.key
                    .scrub(&format!("the base64 {} cannot be read: {why}", K::NAME)),
            ),
        }
    }

    /// Writes the output to `writer` and flushes it. Returns the number of
    /// bytes written. The start of the reply is checked before anything is
    /// written; a reply cut short is found only at its end, after the bytes
    /// before it were written.
    pub async fn write_to<W: AsyncWrite + Unpin>(self, writer: &mut W) -> Result<u64, Error> {
        self.copy(writer, None, &mut |_, _| {}).await
    }

    /// Collects the whole output in memory, checked as when it is saved.
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

    /// The next piece of the output, checked: the first call judges the
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
                if let Some(end) = &mut self.read.end {
                    end.feed(&chunk);
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
        self.judge_media_start(&head)?;
        self.read.end = EndCheck::for_head(&head);
        if self.content_length.is_none() && self.read.end.is_none() {
            if let Some(declared) = declared.filter(|t| is_checkable_type(t)) {
                return Err(self.cut(format!(
                    "the reply says {declared} but does not start like one, and has no Content-Length: its end cannot be checked"
                )));
            }
        }
        Ok(Some(head))
    }

    /// Judges the start of an output decoded whole (its first bytes), as
    /// [`MediaOutput::check_start`] does a streamed one.
    fn check_decoded_start(&self, head: &[u8]) -> Result<(), Error> {
        let declared = self.content_type.as_deref().map(essence);
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
        let looks_json = matches!(first, Some(b'{' | b'['));
        let says_json = declared.as_deref().is_some_and(is_json_type);
        if head.is_empty() || looks_json || says_json {
            return Err(self.not_media(head, json_error_message(head)));
        }
        self.judge_media_start(head)
    }

    /// Refuses a start that is markup, of a type that does not fit the
    /// kind, or whose bytes are another kind of media.
    fn judge_media_start(&self, head: &[u8]) -> Result<(), Error> {
        let declared = self.content_type.as_deref().map(essence);
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
        let looks_markup = first == Some(b'<');
        let wrong_type = declared.as_deref().is_some_and(|t| !type_fits(K::KIND, t));
        if looks_markup || wrong_type {
            return Err(self.not_media(head, None));
        }
        let sniffed = sniff(head);
        if let (Some(expected), Some(found)) = (K::KIND, sniffed) {
            if found.kind.is_some_and(|kind| kind != expected) {
                let message = format!("its bytes are {}, not {}", found.media_type, K::NAME);
                return Err(self.not_media(head, Some(message)));
            }
        }
        Ok(())
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
                    "the {} was cut off: received {received} of {expected} bytes",
                    K::NAME
                )));
            }
            return Ok(());
        }
        match &self.read.end {
            Some(end) => end.check_end(received).map_err(|why| self.cut(why)),
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
            Body::Base64(source) => {
                let was_reading = source.is_reading();
                let piece = source.next_piece().await;
                if was_reading {
                    // The reply was read to its end: its size and type
                    // are known now.
                    self.content_length = source.decoded_len;
                    self.content_type = source.media_type.clone();
                }
                piece.map_err(|failure| self.base64_error(failure))
            }
            #[cfg(test)]
            Body::Memory { bytes, offset } => {
                if *offset >= bytes.len() {
                    return Ok(None);
                }
                let end = (*offset + 256 * 1024).min(bytes.len());
                let piece = bytes.slice(*offset..end);
                *offset = end;
                Ok(Some(piece))
            }
        }
    }

    /// The error for a reply that is not the output; `seen` is what was read.
    fn not_media(&self, seen: &[u8], message: Option<String>) -> Error {
        let shown = &seen[..seen.len().min(SHOWN_HEAD_BYTES)];
        Error::NotMedia(Box::new(NotMediaInfo {
            expected: K::NAME,
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

/// A reply's `Content-Type`, trimmed; `None` when missing, blank or not
/// text.
pub(crate) fn content_type_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A media type without its parameters, in lower case.
pub(crate) fn essence(content_type: &str) -> String {
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

/// Whether a reply of type `essence` may hold an output of `kind` (`None`:
/// any media kind): the kind's own family (`video/*`, `image/*`,
/// `audio/*`, plus `application/mp4` for video and `application/ogg` for
/// video and audio), and the generic binary types storage services use.
pub(crate) fn type_fits(kind: Option<OutputKind>, essence: &str) -> bool {
    if matches!(essence, "application/octet-stream" | "binary/octet-stream") {
        return true;
    }
    let video = essence.starts_with("video/") || matches!(essence, "application/mp4");
    let audio = essence.starts_with("audio/");
    let ogg = essence == "application/ogg";
    match kind {
        Some(OutputKind::Video) => video || ogg,
        Some(OutputKind::Image) => essence.starts_with("image/"),
        Some(OutputKind::Audio) => audio || ogg,
        Some(_) => false,
        None => video || audio || ogg || essence.starts_with("image/"),
    }
}

/// The types whose end is checked from their bytes.
fn is_checkable_type(essence: &str) -> bool {
    matches!(
        essence,
        "video/mp4"
            | "video/quicktime"
            | "application/mp4"
            | "video/3gpp"
            | "image/png"
            | "image/jpeg"
            | "image/jpg"
            | "image/webp"
            | "audio/wav"
            | "audio/x-wav"
            | "audio/wave"
            | "audio/vnd.wave"
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

    impl<K: MediaOutputKind> MediaOutput<K> {
        /// An output already in memory.
        pub(crate) fn decoded(bytes: Bytes, content_type: Option<String>) -> Self {
            let content_length = Some(bytes.len() as u64);
            Self::new(
                Body::Memory { bytes, offset: 0 },
                content_type,
                content_length,
                ResponseMeta::default(),
                Duration::ZERO,
                ApiKey::new("k"),
                true,
            )
        }
    }

    const PIECE: usize = 256 * 1024;

    fn decoded(len: usize) -> Video {
        let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        Video::decoded(Bytes::from(bytes), Some("video/mp4".into()))
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
        let shown = format!("{video:?}");
        assert!(
            shown.contains("streamed: false") && shown.contains("\"video\""),
            "{shown}"
        );
    }

    fn image(content_type: Option<&str>) -> Image {
        Image::decoded(Bytes::from_static(b"x"), content_type.map(str::to_owned))
    }

    #[test]
    fn extensions_follow_the_content_type() {
        assert_eq!(image(Some("image/jpeg")).extension(), "jpg");
        assert_eq!(image(Some("image/PNG; q=1")).extension(), "png");
        assert_eq!(image(Some("image/webp")).extension(), "webp");
        assert_eq!(image(Some("application/octet-stream")).extension(), "jpg");
        assert_eq!(image(None).extension(), "jpg");
        let audio = |t: &str| Audio::decoded(Bytes::from_static(b"x"), Some(t.to_owned()));
        assert_eq!(audio("audio/wav").extension(), "wav");
        assert_eq!(audio("audio/mpeg").extension(), "mp3");
        assert_eq!(audio("audio/ogg").extension(), "ogg");
        assert_eq!(audio("audio/flac").extension(), "flac");
        assert_eq!(audio("binary/octet-stream").extension(), "mp3");
        let video = |t: &str| Video::decoded(Bytes::from_static(b"x"), Some(t.to_owned()));
        assert_eq!(video("video/webm").extension(), "webm");
        assert_eq!(video("video/quicktime").extension(), "mov");
        assert_eq!(video("application/octet-stream").extension(), "mp4");
        let any = |t: &str| {
            MediaOutput::<AnyMediaKind>::decoded(Bytes::from_static(b"x"), Some(t.to_owned()))
        };
        assert_eq!(any("image/x-new").extension(), "jpg");
        assert_eq!(any("audio/x-new").extension(), "mp3");
        assert_eq!(any("application/octet-stream").extension(), "bin");
    }

    #[test]
    fn types_fit_their_kinds() {
        use OutputKind::*;
        assert!(type_fits(Some(Video), "video/mp4"));
        assert!(!type_fits(Some(Video), "image/png"));
        assert!(type_fits(Some(Image), "image/png"));
        assert!(!type_fits(Some(Image), "video/mp4"));
        assert!(type_fits(Some(Audio), "audio/wav"));
        assert!(!type_fits(Some(Audio), "image/jpeg"));
        for kind in [Some(Video), Some(Image), Some(Audio), None] {
            assert!(type_fits(kind, "application/octet-stream"));
            assert!(type_fits(kind, "binary/octet-stream"));
            assert!(!type_fits(kind, "text/plain"));
        }
    }
}
