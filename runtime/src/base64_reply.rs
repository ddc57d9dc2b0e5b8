//! Reading a v1 reply in base64 mode: a JSON object wrapping the output as
//! a base64 string (image models use the key `image`; other keys are not
//! documented). The likely keys for the kind are tried first, then any
//! single string field that is base64.
//!
//! The reply is never held whole: a small state machine reads the JSON as
//! it streams, and decodes each string that may be the output, four
//! characters at a time in pieces of [`PIECE_CHARS`], into memory while it
//! is small and into an anonymous temporary file beyond
//! [`SPILL_BYTES`]. Only the best candidate so far (by key, then by
//! length) is kept, so memory stays bounded whatever the reply's size and
//! disk use is at most about twice the output's. The output is then handed
//! out piece by piece ([`Base64Source`]).

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Duration;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use bytes::Bytes;

use crate::client::body_error;
use crate::error::Error;
use crate::model::OutputKind;

/// Keys tried first for every kind, after the kind's own name.
const LIKELY_KEYS: &[&str] = &[
    "output", "data", "base64", "b64", "result", "file", "image", "audio", "video",
];

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
/// Every candidate is decoded with the standard alphabet: URL-safe
/// characters are mapped to it as they are read.
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);

/// Keys that hold words, never the output.
const TEXT_KEYS: &[&str] = &["error", "message", "detail", "status", "request_id", "id"];

/// Base64 characters decoded per piece (a multiple of 4): 256 KiB out.
const PIECE_CHARS: usize = 256 * 1024 / 3 * 4;

/// Bytes handed out per piece.
const PIECE_BYTES: usize = 256 * 1024;

/// Decoded bytes kept in memory before they go to a temporary file.
const SPILL_BYTES: usize = 256 * 1024;

/// Longest `data:<type>;base64,` head looked at.
const MAX_DATA_HEAD: usize = 256;

/// Most keys named in an error.
const MAX_KEYS_SHOWN: usize = 64;

/// Most bytes kept of a key or of an `error` string.
const MAX_TEXT: usize = 4096;

/// A decoded base64 output, ready to be handed out piece by piece.
#[derive(Debug)]
pub(crate) struct Base64Source {
    store: Store,
    /// Bytes handed out so far.
    pos: u64,
    /// The size of the decoded output.
    pub(crate) decoded_len: u64,
    /// The media type a `data:` URL gave, else the one the first bytes show.
    pub(crate) media_type: Option<String>,
}

/// Where decoded bytes are kept.
#[derive(Debug)]
enum Store {
    Memory(Vec<u8>),
    File(File),
}

impl Base64Source {
    /// The next piece of the output, `None` at the end; an error says why
    /// it cannot be read.
    pub(crate) fn next_piece(&mut self) -> Result<Option<Bytes>, String> {
        let left = self.decoded_len.saturating_sub(self.pos);
        if left == 0 {
            return Ok(None);
        }
        let size = left.min(PIECE_BYTES as u64) as usize;
        let piece = match &mut self.store {
            Store::Memory(bytes) => {
                let start = self.pos as usize;
                Bytes::copy_from_slice(&bytes[start..start + size])
            }
            Store::File(file) => {
                let mut piece = vec![0u8; size];
                file.read_exact(&mut piece)
                    .map_err(|e| format!("the decoded output cannot be read back: {e}"))?;
                Bytes::from(piece)
            }
        };
        self.pos += size as u64;
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

/// Reads a base64 reply as it streams and decodes the output of `kind` in
/// it; a reply larger than `limit` bytes is refused, before any of it is
/// read when its `Content-Length` says so.
pub(crate) async fn stream_base64(
    mut response: reqwest::Response,
    kind: Option<OutputKind>,
    timeout: Duration,
    limit: u64,
) -> Result<Base64Source, Base64Failure> {
    let too_large = || {
        Base64Failure::Read(Error::decode(format!(
            "the reply is larger than {limit} bytes"
        )))
    };
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut scanner = Scanner::new(kind);
    let mut read = 0u64;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                read += chunk.len() as u64;
                if read > limit {
                    return Err(too_large());
                }
                scanner.feed(&chunk).map_err(Base64Failure::Format)?;
            }
            Ok(None) => break,
            Err(e) => return Err(Base64Failure::Read(body_error(e, timeout, read, true))),
        }
    }
    scanner.finish().map_err(Base64Failure::Format)
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
}

/// A finished candidate.
#[derive(Debug)]
struct Done {
    store: Store,
    decoded_len: u64,
    media_type: Option<String>,
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
        self.current = candidate.then(Candidate::new);
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
    fn finish(self) -> Result<Base64Source, String> {
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
            store: self.store,
            pos: 0,
            decoded_len: self.decoded_len,
            media_type: self.media_type,
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
        }
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

    /// Standard-alphabet characters, checked already, to decode.
    fn append(&mut self, mut run: &[u8]) -> Result<(), String> {
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
        let mut decoded = std::mem::take(&mut self.decoded_piece);
        decoded.clear();
        if STANDARD.decode_vec(&self.pending, &mut decoded).is_err() {
            self.invalidate();
            return Ok(());
        }
        self.pending.clear();
        let bytes = decoded.as_slice();
        if self.first.len() < 64 {
            let room = 64 - self.first.len();
            self.first
                .extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
        self.decoded += bytes.len() as u64;
        let spill = match &mut self.store {
            Store::Memory(kept) => {
                kept.extend_from_slice(bytes);
                kept.len() > SPILL_BYTES
            }
            Store::File(file) => {
                file.write_all(bytes).map_err(|e| {
                    format!("cannot keep the decoded output in a temporary file: {e}")
                })?;
                false
            }
        };
        if spill {
            let mut file = tempfile::tempfile()
                .map_err(|e| format!("cannot make a temporary file for the decoded output: {e}"))?;
            if let Store::Memory(kept) = &self.store {
                file.write_all(kept).map_err(|e| {
                    format!("cannot keep the decoded output in a temporary file: {e}")
                })?;
            }
            self.store = Store::File(file);
        }
        self.decoded_piece = decoded;
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
        let store = match self.store {
            Store::File(mut file) => {
                file.flush()
                    .and_then(|()| file.seek(SeekFrom::Start(0)).map(|_| ()))
                    .map_err(|e| format!("cannot read back the decoded output: {e}"))?;
                Store::File(file)
            }
            memory => memory,
        };
        let media_type = self
            .media_type
            .or_else(|| crate::containers::sniff(&self.first).map(|s| s.media_type.to_owned()));
        Ok(Some(Done {
            store,
            decoded_len: self.decoded,
            media_type,
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
                while let Some(bytes) = source.next_piece().unwrap() {
                    out.extend_from_slice(&bytes);
                }
                (out, source.media_type)
            });
            let whole =
                find_in_pieces(reply.as_bytes(), kind, reply.len().max(1)).map(|mut source| {
                    let mut out = Vec::new();
                    while let Some(bytes) = source.next_piece().unwrap() {
                        out.extend_from_slice(&bytes);
                    }
                    (out, source.media_type)
                });
            assert_eq!(found, whole, "fed {piece} bytes at a time: {reply}");
        }
        let mut source = find_base64(Bytes::from(reply.to_owned()), kind)?;
        let media_type = source.media_type.clone();
        let expected = source.decoded_len;
        let mut out = Vec::new();
        while let Some(piece) = source.next_piece()? {
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
        assert_eq!(source.decoded_len, bytes.len() as u64);
        let mut pieces = 0;
        let mut out = Vec::new();
        while let Some(piece) = source.next_piece().unwrap() {
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
}
