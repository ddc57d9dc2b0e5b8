//! Reading a v1 reply in base64 mode: a JSON object wrapping the output as
//! a base64 string (image models use the key `image`; other keys are not
//! documented). The likely keys for the kind are tried first, then any
//! single string field that is base64.
//!
//! The reply is never held whole: a small state machine reads the JSON as
//! it streams, and decodes each string that may be the output, four
//! characters at a time in pieces of [`PIECE_CHARS`]. Only the best
//! candidate so far (by key, then by length) is kept, so memory stays
//! bounded whatever the reply's size.
//!
//! The call reads the reply until it ends or until [`SPILL_BYTES`] are
//! decoded; a small output is then whole in memory. A larger one is read
//! on when it is consumed ([`Base64Source`] holds the rest of the reply):
//! saved, it is decoded straight into the output's temporary file beside
//! the target (written once, then renamed); taken any other way, it goes
//! through an anonymous temporary file and is handed out piece by piece.

use std::collections::BTreeSet;
use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Duration;

use bytes::Bytes;

use crate::client::body_error;
use crate::error::Error;
use crate::model::OutputKind;

/// Keys tried first for every kind, after the kind's own name.
const LIKELY_KEYS: &[&str] = &[
    "output", "data", "base64", "b64", "result", "file", "image", "audio", "video",
];

/// Every candidate is decoded with the standard alphabet (URL-safe
/// characters are mapped to it as they are read), without padding (`=` is
/// counted as it is read, never decoded).
const STANDARD: base64_simd::Base64 = base64_simd::STANDARD_NO_PAD;

/// Keys that hold words, never the output.
const TEXT_KEYS: &[&str] = &["error", "message", "detail", "status", "request_id", "id"];

/// Base64 characters decoded per piece (a multiple of 4): 256 KiB out.
const PIECE_CHARS: usize = 256 * 1024 / 3 * 4;

/// Bytes handed out per piece.
const PIECE_BYTES: usize = 256 * 1024;

/// Decoded bytes kept in memory: a call reads the reply until it ends or
/// this much is decoded, and past it decoded bytes go to a file.
const SPILL_BYTES: usize = 256 * 1024;

/// Decoded bytes at the start of the output kept to judge it.
const HEAD_BYTES: usize = 64;

/// Longest `data:<type>;base64,` head looked at.
const MAX_DATA_HEAD: usize = 256;

/// Most keys named in an error.
const MAX_KEYS_SHOWN: usize = 64;

/// Most bytes kept of a key or of an `error` string.
const MAX_TEXT: usize = 4096;

/// A base64 output: decoded already, or with the rest of its reply still
/// to read. Handed out piece by piece, or decoded into a file.
pub(crate) struct Base64Source {
    state: SourceState,
    /// The size of the decoded output, once it is known (the whole reply
    /// was read).
    pub(crate) decoded_len: Option<u64>,
    /// The media type a `data:` URL gave, else the one the first bytes
    /// show (of the best candidate so far while the reply is read).
    pub(crate) media_type: Option<String>,
    /// The first decoded bytes (up to [`HEAD_BYTES`]).
    head: Vec<u8>,
}

enum SourceState {
    /// Decoded whole; `pos` bytes handed out so far.
    Decoded { store: Store, pos: u64 },
    /// The rest of the reply is still to be read.
    Reading(Box<Reading>),
}

impl fmt::Debug for Base64Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Base64Source")
            .field("reading", &self.is_reading())
            .field("decoded_len", &self.decoded_len)
            .field("media_type", &self.media_type)
            .finish()
    }
}

/// Where decoded bytes are kept.
#[derive(Debug)]
enum Store {
    Memory(Vec<u8>),
    /// An anonymous temporary file.
    File(File),
    /// The caller's output file (through its writer): the output is
    /// written where it will stay.
    Sink(SinkHandle),
    /// In the caller's output file, whole (the writer is done).
    InSink,
}

/// Decoded pieces on their way to the writer of the caller's output file.
const SINK_DEPTH: usize = 4;

/// What the writer of the caller's output file does next.
enum SinkOp {
    /// Empties the file (another string takes it over).
    Empty,
    /// Appends a piece.
    Write(Vec<u8>),
}

/// A way to the writer of the caller's output file: a thread of its own,
/// so that decoding the reply overlaps writing the output (as a raw
/// download's writes go to tokio's blocking pool). Pieces are written in
/// the order they are sent, at most [`SINK_DEPTH`] waiting.
#[derive(Clone)]
struct SinkHandle {
    ops: std::sync::mpsc::SyncSender<SinkOp>,
    /// Pieces written, to decode the next ones into.
    spare: std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

impl fmt::Debug for SinkHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SinkHandle")
    }
}

impl SinkHandle {
    /// An empty buffer for the next piece.
    fn buffer(&self) -> Vec<u8> {
        self.spare
            .lock()
            .ok()
            .and_then(|mut spare| spare.pop())
            .unwrap_or_else(|| Vec::with_capacity(PIECE_BYTES))
    }

    fn send(&self, op: SinkOp) -> Result<(), String> {
        // The writer stops only on a write error, which its end reports.
        self.ops
            .send(op)
            .map_err(|_| "the output file could not be written".to_owned())
    }
}

/// The writer thread of the caller's output file.
struct SinkWriter {
    handle: SinkHandle,
    thread: std::thread::JoinHandle<std::io::Result<()>>,
}

impl SinkWriter {
    fn start(mut file: File) -> std::io::Result<SinkWriter> {
        let (ops, queue) = std::sync::mpsc::sync_channel(SINK_DEPTH);
        let spare = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let back = spare.clone();
        let thread = std::thread::Builder::new()
            .name("segmind-output-writer".to_owned())
            .spawn(move || {
                // Ends when every handle is gone, or at the first error.
                for op in queue {
                    match op {
                        SinkOp::Empty => {
                            file.set_len(0)?;
                            file.seek(SeekFrom::Start(0))?;
                        }
                        SinkOp::Write(mut piece) => {
                            file.write_all(&piece)?;
                            piece.clear();
                            if let Ok(mut spare) = back.lock() {
                                if spare.len() <= SINK_DEPTH {
                                    spare.push(piece);
                                }
                            }
                        }
                    }
                }
                Ok(())
            })?;
        Ok(SinkWriter {
            handle: SinkHandle { ops, spare },
            thread,
        })
    }

    /// Waits until every piece sent is written (every other handle must
    /// be gone), and says whether all were.
    fn finish(self) -> std::io::Result<()> {
        drop(self.handle);
        self.thread
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the output file's writer failed")))
    }
}

impl Base64Source {
    /// Whether the rest of the reply is still to be read.
    pub(crate) fn is_reading(&self) -> bool {
        matches!(self.state, SourceState::Reading(_))
    }

    /// The first decoded bytes of the output (up to 64), to judge it by.
    pub(crate) fn head(&self) -> &[u8] {
        &self.head
    }

    /// Whether the output was decoded straight into the file given to
    /// [`Base64Source::read_to_end`]: it is there whole, from its start,
    /// and nothing more is to be written.
    pub(crate) fn is_in_sink(&self) -> bool {
        matches!(
            self.state,
            SourceState::Decoded {
                store: Store::InSink,
                ..
            }
        )
    }

    /// Reads the rest of the reply, if any, decoding the output into
    /// `sink` when given (the caller's output file, empty, opened for
    /// writing; see [`Base64Source::is_in_sink`]), else into memory and an
    /// anonymous temporary file. `progress` gets the bytes decoded so far
    /// after each piece of the reply.
    pub(crate) async fn read_to_end(
        &mut self,
        sink: Option<&File>,
        progress: &mut impl FnMut(u64),
    ) -> Result<(), Base64Failure> {
        let placeholder = SourceState::Decoded {
            store: Store::Memory(Vec::new()),
            pos: 0,
        };
        let mut reading = match std::mem::replace(&mut self.state, placeholder) {
            SourceState::Reading(reading) => reading,
            decoded => {
                self.state = decoded;
                return Ok(());
            }
        };
        let io_failure = |source| Base64Failure::Read(Error::Io { path: None, source });
        let writer = match sink {
            Some(file) => Some(
                file.try_clone()
                    .and_then(SinkWriter::start)
                    .map_err(io_failure)?,
            ),
            None => None,
        };
        reading
            .scanner
            .open(writer.as_ref().map(|w| w.handle.clone()));
        let scanned = async {
            let mut shown = 0;
            while reading.feed_next().await? {
                let decoded = reading.scanner.decoded_so_far();
                if decoded > shown {
                    shown = decoded;
                    progress(decoded);
                }
            }
            let mut source = reading.scanner.finish().map_err(Base64Failure::Format)?;
            if let SourceState::Decoded { store, .. } = &mut source.state {
                if matches!(store, Store::Sink(_)) {
                    *store = Store::InSink;
                }
            }
            Ok(source)
        }
        .await;
        // Every handle on the writer is gone by now: it finishes the
        // pieces sent. A write error is the cause of any other.
        writer
            .map_or(Ok(()), SinkWriter::finish)
            .map_err(io_failure)?;
        *self = scanned?;
        Ok(())
    }

    /// The next piece of the output, `None` at the end (reading the rest
    /// of the reply first, when it is still to be read).
    pub(crate) async fn next_piece(&mut self) -> Result<Option<Bytes>, Base64Failure> {
        if self.is_reading() {
            self.read_to_end(None, &mut |_| {}).await?;
        }
        self.next_decoded_piece().map_err(Base64Failure::Format)
    }

    /// The next piece of a decoded output, `None` at the end (and for an
    /// output in the caller's file); an error says why it cannot be read.
    pub(crate) fn next_decoded_piece(&mut self) -> Result<Option<Bytes>, String> {
        let SourceState::Decoded { store, pos } = &mut self.state else {
            return Err("the reply was not read to its end".to_owned());
        };
        let left = self.decoded_len.unwrap_or(0).saturating_sub(*pos);
        if left == 0 {
            return Ok(None);
        }
        let size = left.min(PIECE_BYTES as u64) as usize;
        let piece = match store {
            Store::Memory(bytes) => {
                let start = *pos as usize;
                Bytes::copy_from_slice(&bytes[start..start + size])
            }
            Store::File(file) => {
                let mut piece = vec![0u8; size];
                file.read_exact(&mut piece)
                    .map_err(|e| format!("the decoded output cannot be read back: {e}"))?;
                Bytes::from(piece)
            }
            Store::Sink(_) | Store::InSink => return Ok(None),
        };
        *pos += size as u64;
        Ok(Some(piece))
    }
}

/// Why a streamed base64 reply gave no output.
#[derive(Debug)]
pub(crate) enum Base64Failure {
    /// The reply could not be read (cut off, timed out, too large).
    Read(Error),
    /// The reply was read but holds no usable base64 output; says why.
    Format(String),
}

/// A base64 reply being read.
struct Reading {
    response: reqwest::Response,
    scanner: Scanner,
    /// Bytes of the reply read so far.
    read: u64,
    limit: u64,
    timeout: Duration,
}

impl Reading {
    /// Reads and scans the next piece of the reply; `false` at its end.
    async fn feed_next(&mut self) -> Result<bool, Base64Failure> {
        match self.response.chunk().await {
            Ok(Some(chunk)) => {
                self.read += chunk.len() as u64;
                if self.read > self.limit {
                    return Err(too_large(self.limit));
                }
                self.scanner.feed(&chunk).map_err(Base64Failure::Format)?;
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(e) => Err(Base64Failure::Read(body_error(
                e,
                self.timeout,
                self.read,
                true,
            ))),
        }
    }
}

fn too_large(limit: u64) -> Base64Failure {
    Base64Failure::Read(Error::decode(format!(
        "the reply is larger than {limit} bytes"
    )))
}

/// Reads a base64 reply as it streams and decodes the output of `kind` in
/// it, until the reply ends or [`SPILL_BYTES`] are decoded (the rest is
/// read when the output is consumed); a reply larger than `limit` bytes is
/// refused, before any of it is read when its `Content-Length` says so.
pub(crate) async fn stream_base64(
    response: reqwest::Response,
    kind: Option<OutputKind>,
    timeout: Duration,
    limit: u64,
) -> Result<Base64Source, Base64Failure> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut scanner = Scanner::new(kind);
    scanner.hold = true;
    let mut reading = Box::new(Reading {
        response,
        scanner,
        read: 0,
        limit,
        timeout,
    });
    while reading.feed_next().await? {
        if reading.scanner.held_bytes() > SPILL_BYTES {
            let (media_type, head) = reading.scanner.provisional_head();
            return Ok(Base64Source {
                state: SourceState::Reading(reading),
                decoded_len: None,
                media_type,
                head,
            });
        }
    }
    reading.scanner.finish().map_err(Base64Failure::Format)
}

/// Finds the base64 output of `kind` in a JSON reply held whole, or says
/// why there is none.
pub(crate) fn find_base64(reply: Bytes, kind: Option<OutputKind>) -> Result<Base64Source, String> {
    find_in_pieces(&reply, kind, 64 * 1024)
}

/// [`find_base64`], the reply fed to the reader `piece` bytes at a time.
fn find_in_pieces(
    reply: &[u8],
    kind: Option<OutputKind>,
    piece: usize,
) -> Result<Base64Source, String> {
    let mut scanner = Scanner::new(kind);
    for piece in reply.chunks(piece) {
        scanner.feed(piece)?;
    }
    scanner.finish()
}

/// Where the JSON reader stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the top value.
    Lead,
    /// After `{` or `,`: a key, or `}`.
    KeyOrEnd,
    /// Inside a key.
    Key,
    /// After a key: the `:`.
    Colon,
    /// After `:`: the value.
    Value,
    /// Inside a string value (or the top string).
    Text,
    /// After `[` of a likely key: its first item.
    FirstItem,
    /// Inside an array or object being skipped.
    Skip,
    /// Inside a number, `true`, `false` or `null` being skipped.
    Scalar,
    /// After a value of the object: `,` or `}`.
    AfterValue,
    /// After the top value: nothing but white space.
    End,
}

/// A streaming reader of a base64 reply.
struct Scanner {
    kind: Option<OutputKind>,
    state: State,
    /// Whether the top value is a string (not an object).
    top_string: bool,
    /// The key being read, or whose value is being read.
    key: Vec<u8>,
    /// Inside a string: the last byte was a backslash.
    escaped: bool,
    /// Inside a `\uXXXX` escape: the hex digits read so far.
    unicode: Option<Vec<u8>>,
    /// Depth of the array or object being skipped, and whether the skip
    /// is inside one of its strings.
    depth: u32,
    skip_string: bool,
    /// The candidate being decoded (inside a string value).
    current: Option<Candidate>,
    /// The text of an `error` string (raw JSON content).
    error_text: Option<Vec<u8>>,
    /// Whether the current string is an `error` value.
    in_error: bool,
    /// The best likely-key candidate, with its rank (lower is better).
    best: Option<(usize, Done)>,
    /// The longest candidate under any other key, and the second length.
    longest: Option<Done>,
    second: u64,
    /// Every top-level key (up to [`MAX_KEYS_SHOWN`]).
    keys: BTreeSet<String>,
    /// Whether the value being read is the first item of a likely key's
    /// list (its end goes back to skipping the list).
    in_list: bool,
    /// Whether decoded bytes stay in memory whatever their size (while the
    /// call reads the start of the reply; [`Scanner::open`] ends it).
    hold: bool,
    /// The caller's output file, offered to the candidate being decoded
    /// when no kept candidate holds it.
    sink: Option<SinkHandle>,
}

/// A finished candidate.
#[derive(Debug)]
struct Done {
    store: Store,
    decoded_len: u64,
    media_type: Option<String>,
    /// The first decoded bytes.
    head: Vec<u8>,
}

impl Scanner {
    fn new(kind: Option<OutputKind>) -> Self {
        Scanner {
            kind,
            state: State::Lead,
            top_string: false,
            key: Vec::new(),
            escaped: false,
            unicode: None,
            depth: 0,
            skip_string: false,
            current: None,
            error_text: None,
            in_error: false,
            best: None,
            longest: None,
            second: 0,
            keys: BTreeSet::new(),
            in_list: false,
            hold: false,
            sink: None,
        }
    }

    /// Ends the hold on memory: decoded bytes past [`SPILL_BYTES`] go to
    /// `sink` (the caller's output file) when given and free, else to an
    /// anonymous temporary file.
    fn open(&mut self, sink: Option<SinkHandle>) {
        self.hold = false;
        self.sink = sink;
        let offer = self.free_sink();
        if let Some(current) = &mut self.current {
            current.hold = false;
            current.sink = offer;
        }
    }

    /// A handle on the caller's output file, when there is one and no kept
    /// candidate is in it.
    fn free_sink(&self) -> Option<SinkHandle> {
        let in_sink = |done: Option<&Done>| done.is_some_and(|d| matches!(d.store, Store::Sink(_)));
        if in_sink(self.best.as_ref().map(|(_, d)| d)) || in_sink(self.longest.as_ref()) {
            return None;
        }
        self.sink.clone()
    }

    /// Decoded bytes held in memory (the candidate being read and those
    /// kept; characters waiting to be decoded aside, at most a piece).
    fn held_bytes(&self) -> usize {
        let held = |store: &Store| match store {
            Store::Memory(bytes) => bytes.len(),
            _ => 0,
        };
        self.current.as_ref().map_or(0, |c| held(&c.store))
            + self.best.as_ref().map_or(0, |(_, d)| held(&d.store))
            + self.longest.as_ref().map_or(0, |d| held(&d.store))
    }

    /// Bytes of the output decoded so far: the string being read, else the
    /// best one kept.
    fn decoded_so_far(&self) -> u64 {
        match (&self.current, &self.best, &self.longest) {
            (Some(current), _, _) if current.valid => current.decoded,
            (_, Some((_, done)), _) | (_, None, Some(done)) => done.decoded_len,
            _ => 0,
        }
    }

    /// The media type and first bytes of the best candidate so far (a kept
    /// one with a likely key, else the string being read, else the longest
    /// other one), while the reply is still being read.
    fn provisional_head(&self) -> (Option<String>, Vec<u8>) {
        if let Some((_, done)) = &self.best {
            return (done.media_type.clone(), done.head.clone());
        }
        if let Some(current) = self.current.as_ref().filter(|c| c.valid) {
            return (current.media_type_now(), current.first.clone());
        }
        match &self.longest {
            Some(done) => (done.media_type.clone(), done.head.clone()),
            None => (None, Vec::new()),
        }
    }

    fn what(&self) -> &'static str {
        self.kind.map_or("media", |k| k.as_str())
    }

    /// The rank of a likely key (the kind's own name, its plural, then
    /// [`LIKELY_KEYS`] in order), `None` for any other key.
    fn rank(&self, key: &str) -> Option<usize> {
        let own = self.kind.map(OutputKind::as_str);
        if own == Some(key) {
            return Some(0);
        }
        if own.is_some_and(|own| key.strip_suffix('s') == Some(own)) {
            return Some(1);
        }
        LIKELY_KEYS.iter().position(|k| *k == key).map(|i| i + 2)
    }

    /// The current key as text.
    fn key_text(&self) -> String {
        let mut quoted = Vec::with_capacity(self.key.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(&self.key);
        quoted.push(b'"');
        serde_json::from_slice::<String>(&quoted)
            .unwrap_or_else(|_| String::from_utf8_lossy(&self.key).into_owned())
    }

    fn not_json(&self, byte: u8) -> String {
        format!(
            "the JSON reply is not valid JSON: unexpected `{}`",
            char::from(byte).escape_default()
        )
    }

    /// Reads the next bytes of the reply.
    fn feed(&mut self, bytes: &[u8]) -> Result<(), String> {
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match self.state {
                State::Text if !self.escaped && self.unicode.is_none() => {
                    // The bulk of the reply: plain characters go straight
                    // to the candidate.
                    let run = memchr::memchr2(b'"', b'\\', &bytes[i..]).unwrap_or(bytes.len() - i);
                    if run > 0 {
                        self.text_chars(&bytes[i..i + run])?;
                        i += run;
                        continue;
                    }
                    self.text_byte(b)?;
                }
                State::Text => self.text_byte(b)?,
                _ => self.structure_byte(b)?,
            }
            i += 1;
        }
        Ok(())
    }

    /// Plain content bytes of a string value.
    fn text_chars(&mut self, chars: &[u8]) -> Result<(), String> {
        if self.in_error {
            if let Some(text) = &mut self.error_text {
                let room = MAX_TEXT.saturating_sub(text.len());
                text.extend_from_slice(&chars[..chars.len().min(room)]);
            }
        }
        if let Some(candidate) = &mut self.current {
            candidate.push_run(chars)?;
        }
        Ok(())
    }

    /// One byte inside a string value that may be an escape or the end.
    fn text_byte(&mut self, b: u8) -> Result<(), String> {
        let closing = b == b'"' && !self.escaped && self.unicode.is_none();
        if self.in_error && !closing {
            if let Some(text) = &mut self.error_text {
                if text.len() < MAX_TEXT {
                    text.push(b);
                }
            }
        }
        if let Some(hex) = &mut self.unicode {
            hex.push(b);
            if hex.len() == 4 {
                let code = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u16::from_str_radix(h, 16).ok());
                self.unicode = None;
                match code.and_then(|c| u8::try_from(c).ok()) {
                    Some(b'\n' | b'\r') => {}
                    Some(c) => self.push_char(c, false)?,
                    None => self.push_char(0, true)?,
                }
            }
            return Ok(());
        }
        if self.escaped {
            self.escaped = false;
            match b {
                b'/' => self.push_char(b'/', false)?,
                b'n' | b'r' => {}
                b'u' => self.unicode = Some(Vec::with_capacity(4)),
                _ => self.push_char(0, true)?,
            }
            return Ok(());
        }
        match b {
            b'\\' => self.escaped = true,
            b'"' => self.end_text()?,
            _ => self.push_char(b, false)?,
        }
        Ok(())
    }

    /// A character of the current string's content; `bad` for one that
    /// cannot be in base64.
    fn push_char(&mut self, c: u8, bad: bool) -> Result<(), String> {
        if let Some(candidate) = &mut self.current {
            if bad {
                candidate.invalidate();
            } else {
                candidate.push(c)?;
            }
        }
        Ok(())
    }

    /// The end of a string value: keep its candidate if it beats the ones
    /// kept so far.
    fn end_text(&mut self) -> Result<(), String> {
        self.in_error = false;
        let finished = match self.current.take() {
            Some(candidate) => candidate.finish()?,
            None => None,
        };
        if self.top_string {
            self.state = State::End;
            if let Some(done) = finished {
                self.best = Some((0, done));
            }
            return Ok(());
        }
        if let Some(done) = finished {
            let key = self.key_text();
            match self.rank(&key) {
                Some(rank) => {
                    if self.best.as_ref().is_none_or(|(kept, _)| rank < *kept) {
                        self.best = Some((rank, done));
                    }
                }
                None => {
                    let longest = self.longest.as_ref().map_or(0, |d| d.decoded_len);
                    if done.decoded_len > longest {
                        self.second = longest;
                        self.longest = Some(done);
                    } else {
                        self.second = self.second.max(done.decoded_len);
                    }
                }
            }
        }
        if self.in_list {
            // The rest of the list is skipped.
            self.in_list = false;
            self.state = State::Skip;
            self.depth = 1;
            self.skip_string = false;
        } else {
            self.state = State::AfterValue;
        }
        Ok(())
    }

    /// Starts a string value: a candidate unless its key holds words.
    fn start_text(&mut self, candidate: bool) {
        self.state = State::Text;
        self.escaped = false;
        self.unicode = None;
        self.current = if candidate {
            let mut new = Candidate::new();
            new.hold = self.hold;
            new.sink = if self.hold { None } else { self.free_sink() };
            Some(new)
        } else {
            None
        };
    }

    /// One byte outside string values.
    fn structure_byte(&mut self, b: u8) -> Result<(), String> {
        let space = b.is_ascii_whitespace();
        match self.state {
            State::Lead => match b {
                _ if space => {}
                b'"' => {
                    self.top_string = true;
                    self.start_text(true);
                }
                b'{' => self.state = State::KeyOrEnd,
                b'[' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                    return Err("the reply is JSON but neither an object nor a string".to_owned())
                }
                _ => return Err(self.not_json(b)),
            },
            State::KeyOrEnd => match b {
                _ if space => {}
                b'"' => {
                    self.key.clear();
                    self.escaped = false;
                    self.state = State::Key;
                }
                b'}' => self.state = State::End,
                _ => return Err(self.not_json(b)),
            },
            State::Key => {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.state = State::Colon;
                    if self.keys.len() < MAX_KEYS_SHOWN {
                        let key = self.key_text();
                        self.keys.insert(key);
                    }
                    return Ok(());
                }
                if self.key.len() < MAX_TEXT {
                    self.key.push(b);
                }
            }
            State::Colon => match b {
                _ if space => {}
                b':' => self.state = State::Value,
                _ => return Err(self.not_json(b)),
            },
            State::Value => {
                let key = self.key_text();
                match b {
                    _ if space => {}
                    b'"' => {
                        let words = TEXT_KEYS.contains(&key.as_str());
                        if key == "error" {
                            self.in_error = true;
                            self.error_text = Some(Vec::new());
                        }
                        self.start_text(!words);
                    }
                    b'[' if self.rank(&key).is_some() => self.state = State::FirstItem,
                    b'[' | b'{' => {
                        self.state = State::Skip;
                        self.depth = 1;
                        self.skip_string = false;
                    }
                    b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => self.state = State::Scalar,
                    _ => return Err(self.not_json(b)),
                }
            }
            State::FirstItem => match b {
                _ if space => {}
                b'"' => {
                    self.in_list = true;
                    self.start_text(true);
                }
                b']' => self.state = State::AfterValue,
                _ => {
                    // Not a string: the list is skipped from here.
                    self.state = State::Skip;
                    self.depth = 1;
                    self.skip_string = false;
                    return self.structure_byte(b);
                }
            },
            State::Skip => {
                if self.skip_string {
                    if self.escaped {
                        self.escaped = false;
                    } else if b == b'\\' {
                        self.escaped = true;
                    } else if b == b'"' {
                        self.skip_string = false;
                    }
                    return Ok(());
                }
                match b {
                    b'"' => {
                        self.skip_string = true;
                        self.escaped = false;
                    }
                    b'[' | b'{' => self.depth += 1,
                    b']' | b'}' => {
                        self.depth -= 1;
                        if self.depth == 0 {
                            self.state = State::AfterValue;
                        }
                    }
                    _ => {}
                }
            }
            State::Scalar => match b {
                b',' | b'}' => {
                    self.state = State::AfterValue;
                    return self.structure_byte(b);
                }
                _ if space => self.state = State::AfterValue,
                _ => {}
            },
            State::AfterValue => match b {
                _ if space => {}
                b',' => self.state = State::KeyOrEnd,
                b'}' => self.state = State::End,
                _ => return Err(self.not_json(b)),
            },
            State::End => {
                if !space {
                    return Err(self.not_json(b));
                }
            }
            State::Text => unreachable!("string content is read by text_byte"),
        }
        Ok(())
    }

    /// The output, once the whole reply was read.
    fn finish(mut self) -> Result<Base64Source, String> {
        // A handle on the caller's file is kept only by the output.
        self.sink = None;
        if self.state != State::End {
            return Err("the JSON reply is not valid JSON: it ends too soon".to_owned());
        }
        let what = self.what();
        if self.top_string {
            return match self.best {
                Some((_, done)) => Ok(done.into_source()),
                None => Err(format!(
                    "the reply is a JSON string that is not base64, not a {what}"
                )),
            };
        }
        if let Some((_, done)) = self.best {
            return Ok(done.into_source());
        }
        match self.longest {
            Some(done) if done.decoded_len > self.second => Ok(done.into_source()),
            Some(_) => Err(format!(
                "the JSON reply holds several base64 strings of the same length; cannot tell which is the {what}"
            )),
            None => {
                let error = self.error_text.as_ref().and_then(|raw| {
                    let mut quoted = Vec::with_capacity(raw.len() + 2);
                    quoted.push(b'"');
                    quoted.extend_from_slice(raw);
                    quoted.push(b'"');
                    serde_json::from_slice::<String>(&quoted).ok()
                });
                let keys: Vec<&str> = self.keys.iter().map(String::as_str).collect();
                Err(match error {
                    Some(error) => format!("the JSON reply holds no base64 {what}: {error}"),
                    None => format!(
                        "the JSON reply holds no base64 {what} (keys: {})",
                        keys.join(", ")
                    ),
                })
            }
        }
    }
}

impl Done {
    fn into_source(self) -> Base64Source {
        Base64Source {
            state: SourceState::Decoded {
                store: self.store,
                pos: 0,
            },
            decoded_len: Some(self.decoded_len),
            media_type: self.media_type,
            head: self.head,
        }
    }
}

/// How far the `data:` head of a candidate is known.
#[derive(Debug, PartialEq, Eq)]
enum Head {
    /// The first characters, until they show whether it is a `data:` URL.
    Unknown(Vec<u8>),
    /// Inside a `data:` URL's head, before the `,`.
    DataUrl(Vec<u8>),
    /// Base64 from here on.
    Base64,
}

/// A string being decoded as base64.
struct Candidate {
    head: Head,
    media_type: Option<String>,
    /// Characters read and not decoded yet (standard alphabet, no padding).
    pending: Vec<u8>,
    standard: bool,
    url_safe: bool,
    data: u64,
    padding: u64,
    valid: bool,
    store: Store,
    decoded: u64,
    /// The first decoded bytes, to tell the type.
    first: Vec<u8>,
    /// The buffer each piece is decoded into, kept between pieces.
    decoded_piece: Vec<u8>,
    /// Whether decoded bytes stay in memory whatever their size.
    hold: bool,
    /// The caller's output file, to spill into instead of an anonymous
    /// temporary file.
    sink: Option<SinkHandle>,
}

/// Whether `c` is in the standard base64 alphabet (`A-Z a-z 0-9 + /`),
/// without branches, so that a loop over many characters vectorises.
#[inline]
fn is_standard(c: u8) -> bool {
    (c.wrapping_sub(b'A') < 26)
        | (c.wrapping_sub(b'a') < 26)
        | (c.wrapping_sub(b'0') < 10)
        | (c == b'+')
        | (c == b'/')
}

/// How many characters at the start of `text` are in the standard
/// alphabet: 64 at a time while whole blocks are, then one by one.
fn standard_prefix(text: &[u8]) -> usize {
    let mut n = 0;
    for block in text.chunks_exact(64) {
        if !block.iter().fold(true, |all, &c| all & is_standard(c)) {
            break;
        }
        n += 64;
    }
    n + text[n..]
        .iter()
        .position(|&c| !is_standard(c))
        .unwrap_or(text.len() - n)
}

impl Candidate {
    fn new() -> Self {
        Candidate {
            head: Head::Unknown(Vec::new()),
            media_type: None,
            pending: Vec::new(),
            standard: false,
            url_safe: false,
            data: 0,
            padding: 0,
            valid: true,
            store: Store::Memory(Vec::new()),
            decoded: 0,
            first: Vec::new(),
            decoded_piece: Vec::new(),
            hold: false,
            sink: None,
        }
    }

    /// The media type a `data:` URL gave, else the one the first bytes
    /// show.
    fn media_type_now(&self) -> Option<String> {
        self.media_type
            .clone()
            .or_else(|| crate::containers::sniff(&self.first).map(|s| s.media_type.to_owned()))
    }

    /// Gives up on the candidate: the string is not base64.
    fn invalidate(&mut self) {
        self.valid = false;
        self.pending = Vec::new();
        self.store = Store::Memory(Vec::new());
    }

    /// One character of the string's content (escapes undone, line breaks
    /// already skipped or to skip).
    fn push(&mut self, c: u8) -> Result<(), String> {
        if !self.valid || matches!(c, b'\n' | b'\r') {
            return Ok(());
        }
        match &mut self.head {
            Head::Base64 => self.push_base64(c),
            Head::Unknown(seen) => {
                seen.push(c);
                if b"data:".starts_with(seen) {
                    if seen.len() == 5 {
                        self.head = Head::DataUrl(Vec::new());
                    }
                    return Ok(());
                }
                let seen = std::mem::take(seen);
                self.head = Head::Base64;
                for c in seen {
                    self.push_base64(c)?;
                }
                Ok(())
            }
            Head::DataUrl(head) => {
                if c != b',' {
                    head.push(c);
                    if head.len() > MAX_DATA_HEAD {
                        self.invalidate();
                    }
                    return Ok(());
                }
                let head = String::from_utf8_lossy(head).into_owned();
                match head.strip_suffix(";base64") {
                    Some(kind) => {
                        self.media_type = Some(kind.to_owned()).filter(|t| !t.is_empty());
                        self.head = Head::Base64;
                    }
                    None => self.invalidate(),
                }
                Ok(())
            }
        }
    }

    /// Plain characters of the string's content, many at a time: once the
    /// head is read, each run of standard-alphabet characters is taken
    /// whole (one table lookup a byte, then a copy), and only the others
    /// (`=`, line breaks, URL-safe characters, anything invalid) go one by
    /// one through [`Candidate::push`]. The same result as pushing each.
    fn push_run(&mut self, chars: &[u8]) -> Result<(), String> {
        let mut rest = chars;
        while let Some(&first) = rest.first() {
            if !self.valid {
                return Ok(());
            }
            if matches!(self.head, Head::Base64) && self.padding == 0 {
                let n = standard_prefix(rest);
                if n > 0 {
                    let (run, after) = rest.split_at(n);
                    if !self.standard && run.iter().any(|&c| c == b'+' || c == b'/') {
                        self.standard = true;
                    }
                    if self.standard && self.url_safe {
                        self.invalidate();
                        return Ok(());
                    }
                    self.append(run)?;
                    rest = after;
                    continue;
                }
            }
            self.push(first)?;
            rest = &rest[1..];
        }
        Ok(())
    }

    /// Standard-alphabet characters, checked already, to decode: whole
    /// pieces straight from `run`, the rest through `pending`.
    fn append(&mut self, mut run: &[u8]) -> Result<(), String> {
        while self.pending.is_empty() && run.len() >= PIECE_CHARS {
            let (piece, rest) = run.split_at(PIECE_CHARS);
            self.data += PIECE_CHARS as u64;
            self.decode(piece)?;
            run = rest;
        }
        while !run.is_empty() {
            let take = PIECE_CHARS
                .saturating_sub(self.pending.len())
                .min(run.len());
            self.pending.extend_from_slice(&run[..take]);
            self.data += take as u64;
            run = &run[take..];
            if self.pending.len() >= PIECE_CHARS {
                self.decode_pending()?;
            }
        }
        Ok(())
    }

    /// One character of the base64 text.
    fn push_base64(&mut self, c: u8) -> Result<(), String> {
        if !self.valid {
            return Ok(());
        }
        let c = match c {
            b'=' => {
                self.padding += 1;
                if self.padding > 2 {
                    self.invalidate();
                }
                return Ok(());
            }
            _ if self.padding > 0 => {
                self.invalidate();
                return Ok(());
            }
            b'+' | b'/' => {
                self.standard = true;
                c
            }
            b'-' => {
                self.url_safe = true;
                b'+'
            }
            b'_' => {
                self.url_safe = true;
                b'/'
            }
            _ if c.is_ascii_alphanumeric() => c,
            _ => {
                self.invalidate();
                return Ok(());
            }
        };
        if self.standard && self.url_safe {
            self.invalidate();
            return Ok(());
        }
        self.data += 1;
        self.pending.push(c);
        if self.pending.len() >= PIECE_CHARS {
            self.decode_pending()?;
        }
        Ok(())
    }

    /// Decodes the characters read so far (a multiple of 4, or the last
    /// ones) and keeps the bytes.
    fn decode_pending(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        self.decode(&pending)?;
        self.pending = pending;
        self.pending.clear();
        Ok(())
    }

    /// Decodes `chars` (standard alphabet, no padding; a multiple of 4
    /// unless they are the last) and keeps the bytes.
    fn decode(&mut self, chars: &[u8]) -> Result<(), String> {
        if !self.valid {
            return Ok(());
        }
        let mut decoded = match &self.store {
            Store::Sink(sink) => sink.buffer(),
            _ => std::mem::take(&mut self.decoded_piece),
        };
        decoded.clear();
        if STANDARD.decode_append(chars, &mut decoded).is_err() {
            self.invalidate();
            return Ok(());
        }
        if self.first.len() < HEAD_BYTES {
            let room = HEAD_BYTES - self.first.len();
            self.first
                .extend_from_slice(&decoded[..decoded.len().min(room)]);
        }
        self.decoded += decoded.len() as u64;
        let spill = match &mut self.store {
            Store::Memory(kept) => {
                kept.extend_from_slice(&decoded);
                !self.hold && kept.len() > SPILL_BYTES
            }
            Store::File(file) => {
                file.write_all(&decoded)
                    .map_err(|e| format!("cannot write the decoded output to a file: {e}"))?;
                false
            }
            Store::Sink(sink) => return sink.send(SinkOp::Write(decoded)),
            Store::InSink => false,
        };
        self.decoded_piece = decoded;
        if spill {
            self.spill()?;
        }
        Ok(())
    }

    /// Moves the bytes decoded so far from memory to the caller's output
    /// file when it was offered (emptied first), else to an anonymous
    /// temporary file; the rest follows them there.
    fn spill(&mut self) -> Result<(), String> {
        let store = match self.sink.take() {
            Some(sink) => {
                sink.send(SinkOp::Empty)?;
                Store::Sink(sink)
            }
            None => Store::File(tempfile::tempfile().map_err(|e| {
                format!("cannot make a temporary file for the decoded output: {e}")
            })?),
        };
        let kept = match std::mem::replace(&mut self.store, store) {
            Store::Memory(kept) => kept,
            _ => Vec::new(),
        };
        match &mut self.store {
            Store::File(file) => file
                .write_all(&kept)
                .map_err(|e| format!("cannot write the decoded output to a file: {e}"))?,
            Store::Sink(sink) => sink.send(SinkOp::Write(kept))?,
            _ => {}
        }
        Ok(())
    }

    /// The decoded candidate, or `None` when the string is not base64 (or
    /// is empty).
    fn finish(mut self) -> Result<Option<Done>, String> {
        if self.head != Head::Base64 {
            // A string shorter than `data:` that matched its start, or a
            // `data:` URL without its comma.
            match std::mem::replace(&mut self.head, Head::Base64) {
                Head::Unknown(seen) => {
                    for c in seen {
                        self.push_base64(c)?;
                    }
                }
                _ => return Ok(None),
            }
        }
        let data = self.data;
        let padded_badly = self.padding > 0 && (data + self.padding) % 4 != 0;
        if !self.valid || data % 4 == 1 || padded_badly || data == 0 {
            return Ok(None);
        }
        self.decode_pending()?;
        if !self.valid {
            return Ok(None);
        }
        let media_type = self.media_type_now();
        let store = match self.store {
            Store::File(mut file) => {
                file.flush()
                    .and_then(|()| file.seek(SeekFrom::Start(0)).map(|_| ()))
                    .map_err(|e| format!("cannot read back the decoded output: {e}"))?;
                Store::File(file)
            }
            other => other,
        };
        Ok(Some(Done {
            store,
            decoded_len: self.decoded,
            media_type,
            head: self.first,
        }))
    }
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// The block-wise scan finds the same prefix as a byte-by-byte one,
        /// whatever the bytes (a break in any block, at any offset).
        #[test]
        fn the_standard_prefix_is_the_byte_by_byte_one(
            text in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => proptest::sample::select(b"ABCxyz019+/".to_vec()),
                    1 => proptest::num::u8::ANY,
                ],
                0..300,
            )
        ) {
            let naive = text
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || c == b'+' || c == b'/'))
                .unwrap_or(text.len());
            proptest::prop_assert_eq!(super::standard_prefix(&text), naive);
        }
    }

    use base64::engine::general_purpose;
    use base64::Engine as _;
    use serde_json::json;

    use super::*;

    const MP4: &[u8] = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";

    fn b64(bytes: &[u8]) -> String {
        general_purpose::STANDARD.encode(bytes)
    }

    fn decode(reply: &str, kind: Option<OutputKind>) -> Result<(Vec<u8>, Option<String>), String> {
        // Every state is crossed at a piece boundary too.
        for piece in [1, 7] {
            let found = find_in_pieces(reply.as_bytes(), kind, piece).map(|mut source| {
                let mut out = Vec::new();
                while let Some(bytes) = source.next_decoded_piece().unwrap() {
                    out.extend_from_slice(&bytes);
                }
                (out, source.media_type)
            });
            let whole =
                find_in_pieces(reply.as_bytes(), kind, reply.len().max(1)).map(|mut source| {
                    let mut out = Vec::new();
                    while let Some(bytes) = source.next_decoded_piece().unwrap() {
                        out.extend_from_slice(&bytes);
                    }
                    (out, source.media_type)
                });
            assert_eq!(found, whole, "fed {piece} bytes at a time: {reply}");
        }
        let mut source = find_base64(Bytes::from(reply.to_owned()), kind)?;
        let media_type = source.media_type.clone();
        let expected = source.decoded_len.unwrap();
        let mut out = Vec::new();
        while let Some(piece) = source.next_decoded_piece()? {
            out.extend_from_slice(&piece);
        }
        assert_eq!(out.len() as u64, expected, "the announced size");
        Ok((out, media_type))
    }

    fn video(value: serde_json::Value) -> Result<(Vec<u8>, Option<String>), String> {
        decode(&value.to_string(), Some(OutputKind::Video))
    }

    #[test]
    fn the_kinds_own_key_wins() {
        let reply = json!({"status": "done", "video": b64(MP4), "image": b64(PNG), "blob": b64(b"something else entirely, and longer")});
        let (bytes, media_type) = video(reply.clone()).unwrap();
        assert_eq!(bytes, MP4);
        assert_eq!(media_type.as_deref(), Some("video/mp4"));
        let (bytes, media_type) = decode(&reply.to_string(), Some(OutputKind::Image)).unwrap();
        assert_eq!(bytes, PNG);
        assert_eq!(media_type.as_deref(), Some("image/png"));
        let audio = json!({"audio": b64(b"ID3 audio bytes")});
        let (bytes, _) = decode(&audio.to_string(), Some(OutputKind::Audio)).unwrap();
        assert_eq!(bytes, b"ID3 audio bytes");
        let listed = json!({"images": [b64(PNG), b64(b"second")]});
        let (bytes, _) = decode(&listed.to_string(), Some(OutputKind::Image)).unwrap();
        assert_eq!(bytes, PNG);
    }

    #[test]
    fn any_single_decodable_string_is_taken() {
        let reply = json!({"status": "ok!", "mp4_b64": b64(MP4), "n": 3});
        assert_eq!(video(reply).unwrap().0, MP4);
        // "done" decodes as base64 too; the longer string is the output.
        let reply = json!({"state": "done", "payload": b64(MP4)});
        assert_eq!(video(reply).unwrap().0, MP4);
    }

    #[test]
    fn data_urls_padding_alphabets_escapes_and_line_breaks() {
        let url = format!("data:video/webm;base64,{}", b64(b"webm bytes here"));
        let (bytes, media_type) = video(json!({ "output": url })).unwrap();
        assert_eq!(bytes, b"webm bytes here");
        assert_eq!(media_type.as_deref(), Some("video/webm"));

        let unpadded = general_purpose::STANDARD_NO_PAD.encode(b"ab");
        assert_eq!(video(json!({ "video": unpadded })).unwrap().0, b"ab");
        let url_safe = general_purpose::URL_SAFE.encode([0xFB, 0xFF, 0xBF]);
        assert_eq!(
            video(json!({ "video": url_safe })).unwrap().0,
            [0xFB, 0xFF, 0xBF]
        );
        let wrapped = format!("{}\n{}", &b64(MP4)[..8], &b64(MP4)[8..]);
        assert_eq!(video(json!({ "video": wrapped })).unwrap().0, MP4);
        assert_eq!(video(json!(b64(MP4))).unwrap().0, MP4);
        // `\/` and `\u0041` escapes, as some JSON writers put them.
        let escaped = b64(&[0xFF; 30]).replace('/', "\\/");
        let reply = format!(r#"{{"image": "data:image\/png;base64,{escaped}"}}"#);
        let (bytes, media_type) = decode(&reply, Some(OutputKind::Image)).unwrap();
        assert_eq!(bytes, [0xFF; 30]);
        assert_eq!(media_type.as_deref(), Some("image/png"));
        let reply = format!(r#"{{"video": "\u0041{}"}}"#, &b64(b"\0\0xyz")[1..]);
        assert_eq!(decode(&reply, None).unwrap().0, b"\0\0xyz");
    }

    #[test]
    fn nothing_decodable_says_why() {
        let err = video(json!({"error": "model crashed"})).unwrap_err();
        assert!(err.contains("model crashed"), "{err}");
        let err = video(json!({"error": "OutOfMemory", "status": "FAIL"})).unwrap_err();
        assert!(err.contains("OutOfMemory"), "{err}");
        let err = video(json!({"a": "not base64!", "b": 1})).unwrap_err();
        assert!(err.contains("keys: a, b"), "{err}");
        let err = decode(r#"{"a": "x y"}"#, Some(OutputKind::Image)).unwrap_err();
        assert!(err.contains("no base64 image"), "{err}");
        assert!(video(json!({"video": ""})).is_err());
        assert!(video(json!([1, 2])).is_err());
        assert!(video(json!({"x": "AAAA", "y": "BBBB"})).is_err());
        assert!(video(json!({"video": "AB=C"})).is_err());
        assert!(video(json!({"video": "A+_B"})).is_err());
        assert!(decode("{not json", None).is_err());
    }

    #[test]
    fn large_outputs_come_in_pieces() {
        let bytes: Vec<u8> = (0..700_001u32).map(|i| (i % 251) as u8).collect();
        let reply = json!({ "image": b64(&bytes) }).to_string();
        let mut source = find_base64(Bytes::from(reply), Some(OutputKind::Image)).unwrap();
        assert_eq!(source.decoded_len, Some(bytes.len() as u64));
        let mut pieces = 0;
        let mut out = Vec::new();
        while let Some(piece) = source.next_decoded_piece().unwrap() {
            pieces += 1;
            out.extend_from_slice(&piece);
        }
        assert!(pieces >= 3, "{pieces}");
        assert_eq!(out, bytes);
    }

    proptest::proptest! {
        #[test]
        fn round_trips_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..300)) {
            let (decoded, _) = video(json!({ "video": b64(&bytes) })).unwrap();
            proptest::prop_assert_eq!(decoded, bytes);
        }
    }

    /// Scans `reply` fed `piece` bytes at a time as a call and then a save
    /// do: holding decoded bytes in memory until more than [`SPILL_BYTES`]
    /// are held, then offering `sink` (an empty file). Returns the output
    /// (read from `sink` when it went there) and whether it did.
    fn decode_like_a_save(
        reply: &[u8],
        kind: Option<OutputKind>,
        piece: usize,
        sink: &File,
    ) -> Result<(Vec<u8>, Option<String>, bool), String> {
        let writer = SinkWriter::start(sink.try_clone().unwrap()).unwrap();
        let scanned = (|| -> Result<Base64Source, String> {
            let mut scanner = Scanner::new(kind);
            scanner.hold = true;
            let mut opened = false;
            for part in reply.chunks(piece) {
                scanner.feed(part)?;
                if !opened && scanner.held_bytes() > SPILL_BYTES {
                    scanner.open(Some(writer.handle.clone()));
                    opened = true;
                }
            }
            let mut source = scanner.finish()?;
            if let SourceState::Decoded { store, .. } = &mut source.state {
                if matches!(store, Store::Sink(_)) {
                    *store = Store::InSink;
                }
            }
            Ok(source)
        })();
        writer.finish().unwrap();
        let mut source = scanned?;
        let media_type = source.media_type.clone();
        if source.is_in_sink() {
            let mut out = Vec::new();
            let mut file = sink.try_clone().unwrap();
            file.seek(SeekFrom::Start(0)).unwrap();
            file.read_to_end(&mut out).unwrap();
            assert_eq!(Some(out.len() as u64), source.decoded_len);
            assert_eq!(source.head(), &out[..out.len().min(HEAD_BYTES)]);
            return Ok((out, media_type, true));
        }
        let mut out = Vec::new();
        while let Some(bytes) = source.next_decoded_piece()? {
            out.extend_from_slice(&bytes);
        }
        Ok((out, media_type, false))
    }

    /// `len` pseudo-random bytes from `seed`.
    fn noise(seed: u64, len: usize) -> Vec<u8> {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect()
    }

    /// How a test reply wraps its output.
    #[derive(Debug, Clone)]
    struct Shape {
        /// A base64 string under an unranked key before the output.
        before: Option<usize>,
        /// One after it.
        after: Option<usize>,
        url_safe: bool,
        data_url: bool,
        /// `\/` for `/`, as some JSON writers put it.
        escaped_slashes: bool,
    }

    impl Shape {
        /// The output's string alone, standard alphabet, no escapes.
        const PLAIN: Shape = Shape {
            before: None,
            after: None,
            url_safe: false,
            data_url: false,
            escaped_slashes: false,
        };
    }

    fn reply_of(output: &[u8], shape: &Shape) -> String {
        use base64::engine::general_purpose::URL_SAFE;
        let text = if shape.url_safe {
            URL_SAFE.encode(output)
        } else {
            b64(output)
        };
        let text = if shape.data_url {
            format!("data:video/webm;base64,{text}")
        } else {
            text
        };
        let text = serde_json::to_string(&text).unwrap();
        let text = if shape.escaped_slashes {
            text.replace('/', "\\/")
        } else {
            text
        };
        let mut reply = String::from("{\"n\": 1, ");
        if let Some(len) = shape.before {
            reply.push_str(&format!("\"before\": \"{}\", ", b64(&noise(7, len))));
        }
        reply.push_str(&format!("\"video\": {text}"));
        if let Some(len) = shape.after {
            reply.push_str(&format!(", \"after\": \"{}\"", b64(&noise(9, len))));
        }
        reply.push('}');
        reply
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Decoding straight into the output's file gives what decoding in
        /// memory gives, for any output, reply shape and chunking.
        #[test]
        fn decoding_into_the_file_equals_decoding_in_memory(
            len in proptest::prop_oneof![0usize..2000, 200_000usize..700_000],
            seed in proptest::prelude::any::<u64>(),
            piece in proptest::prop_oneof![1usize..64, 64usize..300_000],
            before in proptest::option::of(proptest::prop_oneof![1usize..100, 250_000usize..400_000]),
            after in proptest::option::of(proptest::prop_oneof![1usize..100, 250_000usize..400_000]),
            url_safe in proptest::prelude::any::<bool>(),
            data_url in proptest::prelude::any::<bool>(),
            escaped_slashes in proptest::prelude::any::<bool>(),
        ) {
            // Byte-at-a-time feeding of a large reply is slow in debug
            // builds: larger pieces for those.
            let piece = if len > 2000 { piece.max(512) } else { piece };
            let output = noise(seed, len);
            let shape = Shape { before, after, url_safe, data_url, escaped_slashes };
            let reply = reply_of(&output, &shape);
            let kind = Some(OutputKind::Video);
            let in_memory = find_in_pieces(reply.as_bytes(), kind, reply.len().max(1)).map(|mut source| {
                let mut out = Vec::new();
                while let Some(bytes) = source.next_decoded_piece().unwrap() {
                    out.extend_from_slice(&bytes);
                }
                (out, source.media_type)
            });
            let sink = tempfile::tempfile().unwrap();
            let saved = decode_like_a_save(reply.as_bytes(), kind, piece, &sink);
            match (&in_memory, &saved) {
                (Ok((bytes, media_type)), Ok((saved_bytes, saved_type, _))) => {
                    proptest::prop_assert!(bytes == saved_bytes, "the bytes differ");
                    proptest::prop_assert_eq!(media_type, saved_type);
                    if len > 0 {
                        proptest::prop_assert!(bytes == &output, "not the output");
                    }
                }
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a, b),
                _ => proptest::prop_assert!(false, "{:?} vs {:?}", in_memory.is_ok(), saved.as_ref().map(|s| s.2)),
            }
        }
    }

    #[test]
    fn a_large_output_goes_straight_into_the_file_unless_another_string_wins() {
        let output = noise(1, 600_000);
        let plain = Shape::PLAIN;
        for (shape, in_file) in [
            (plain.clone(), true),
            // A longer string under an unknown key after it loses to the
            // kind's own key: the output stays in the file.
            (
                Shape {
                    after: Some(700_000),
                    ..plain.clone()
                },
                true,
            ),
            // One before it took the file first: the output is copied.
            (
                Shape {
                    before: Some(700_000),
                    ..plain.clone()
                },
                false,
            ),
        ] {
            let reply = reply_of(&output, &shape);
            let sink = tempfile::tempfile().unwrap();
            let (bytes, _, went_to_file) =
                decode_like_a_save(reply.as_bytes(), Some(OutputKind::Video), 70_000, &sink)
                    .unwrap();
            assert!(bytes == output, "{shape:?}");
            assert_eq!(went_to_file, in_file, "{shape:?}");
        }
    }

    #[test]
    fn a_write_error_stops_the_decoding_and_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("read-only");
        File::create(&path).unwrap();
        // Opened for reading only: every write fails.
        let writer = SinkWriter::start(File::open(&path).unwrap()).unwrap();
        let mut scanner = Scanner::new(Some(OutputKind::Video));
        scanner.open(Some(writer.handle.clone()));
        let plain = Shape::PLAIN;
        let reply = reply_of(&noise(3, 4_000_000), &plain);
        let fed = reply
            .as_bytes()
            .chunks(64 * 1024)
            .try_for_each(|piece| scanner.feed(piece));
        let err = fed.expect_err("the decoding stops");
        assert!(err.contains("could not be written"), "{err}");
        drop(scanner);
        assert!(writer.finish().is_err(), "the write error is kept");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    }
}
