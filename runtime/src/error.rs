//! Errors: one enum, [`Error`], with a variant per meaning. Every error that
//! comes from an HTTP answer keeps that answer (status, headers, raw body) in
//! an [`ApiErrorInfo`]; the API key never appears in any of them.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::meta::{retry_after, ResponseMeta};
use crate::validate::ValidationError;

/// How many characters of a message or body an error's one-line `Display`
/// shows.
const SUMMARY_CHARS: usize = 200;

/// An HTTP answer that was not a success, kept whole: the status, the
/// response headers, the raw body (which may be HTML rather than JSON) and
/// the JSON `error` message when the body has one.
#[derive(Debug, Clone)]
pub struct ApiErrorInfo {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (never our request headers, so never the key).
    pub headers: HeaderMap,
    /// The raw response body, possibly cut to its first megabyte.
    pub body: Bytes,
    /// The `error` field of a JSON body (or `message` / `detail`), when the
    /// body parses as JSON and has one.
    pub message: Option<String>,
    /// Whether the answer was to a model call (a billed POST).
    pub(crate) billed_call: bool,
}

impl ApiErrorInfo {
    /// Keeps an answer and reads its JSON message, if any.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let message = json_message(&body);
        ApiErrorInfo {
            status,
            headers,
            body,
            message,
            billed_call: false,
        }
    }

    /// Whether this answered a model call (a v1 run or a v2 submit: a billed
    /// POST) rather than a poll, a download or an upload.
    pub fn answers_a_model_call(&self) -> bool {
        self.billed_call
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body as JSON, when it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The metadata headers of the answer (request id, rate-limit reset...).
    pub fn meta(&self) -> ResponseMeta {
        ResponseMeta::from_headers(&self.headers)
    }

    /// One line saying what went wrong: the JSON message, else the start of
    /// the body (an HTML page's title when it has one).
    pub fn summary(&self) -> String {
        if let Some(message) = self.message.as_deref().filter(|m| !m.trim().is_empty()) {
            return one_line(message);
        }
        let text = self.body_text();
        let text = text.trim();
        if text.is_empty() {
            return "(empty body)".to_owned();
        }
        if text.starts_with('<') {
            return one_line(&html_summary(text));
        }
        one_line(text)
    }

    fn describe(&self) -> String {
        let code = self.status.as_u16();
        let mut text = match self.status.canonical_reason() {
            Some(reason) => format!("Segmind answered {code} {reason}: {}", self.summary()),
            None => format!("Segmind answered {code}: {}", self.summary()),
        };
        if self.status.is_redirection() {
            let location = self
                .headers
                .get(reqwest::header::LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let _ = match location {
                Some(to) => write!(text, " (a redirect to {to:?}, not followed: a billed request is never sent to another origin)"),
                None => write!(text, " (a redirect without a Location)"),
            };
        }
        text
    }
}

/// What arrived instead of the model's output ([`Error::NotMedia`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NotMediaInfo {
    /// What the output should have been (`video`, `image`, `audio`,
    /// `media file` or `JSON`).
    pub expected: &'static str,
    /// The reply's `Content-Type`, when it had one.
    pub content_type: Option<String>,
    /// The bytes received (or the `Content-Length`, if larger).
    pub size: u64,
    /// The first bytes of the body (at most 64), key redacted.
    pub head: Bytes,
    /// The JSON `error` (or `message`) of a JSON body, key redacted.
    pub message: Option<String>,
    /// The request the reply belongs to, when known.
    pub request_id: Option<String>,
}

impl std::fmt::Display for NotMediaInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = self.content_type.as_deref().unwrap_or("no Content-Type");
        let article = match self.expected {
            "JSON" | "audio" => "",
            e if e.starts_with(['a', 'e', 'i', 'o', 'u']) => "an ",
            _ => "a ",
        };
        write!(
            f,
            "Segmind's reply is not {article}{}: {kind}, {} bytes",
            self.expected, self.size
        )?;
        match &self.message {
            Some(message) => write!(f, ", saying: {}", one_line(message))?,
            None if !self.head.is_empty() => write!(f, ", starting {}", shown_head(&self.head))?,
            None => {}
        }
        write!(
            f,
            "; nothing was saved{}",
            request_id_hint(self.request_id.as_deref())
        )
    }
}

/// What kind of failure an [`Error`] is, for code that must act on every
/// kind (an exit code, a metric label) without matching the
/// `non_exhaustive` [`Error`] itself: [`Error::category`] sorts every
/// variant, so a variant added later lands in its category rather than
/// under a catch-all arm.
///
/// This enum is deliberately exhaustive: a new category would be a
/// breaking change, made only with a new major version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCategory {
    /// The client's settings are missing or invalid ([`Error::Config`]).
    Config,
    /// The input breaks its schema or names an unusable local file;
    /// nothing was sent.
    InvalidInput,
    /// Segmind answered with an HTTP error status, or with something other
    /// than the output asked for.
    Api,
    /// A v2 job ended in the `FAILED` state.
    JobFailed,
    /// A time budget ran out.
    Timeout,
    /// The connection failed.
    Transport,
    /// A reply could not be read or understood.
    Decode,
    /// A local file could not be read or written.
    Io,
}

impl ErrorCategory {
    /// A short snake_case name (`"invalid_input"`), stable across versions.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCategory::Config => "config",
            ErrorCategory::InvalidInput => "invalid_input",
            ErrorCategory::Api => "api",
            ErrorCategory::JobFailed => "job_failed",
            ErrorCategory::Timeout => "timeout",
            ErrorCategory::Transport => "transport",
            ErrorCategory::Decode => "decode",
            ErrorCategory::Io => "io",
        }
    }
}

/// Everything that can go wrong when calling Segmind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (no API key, a bad base URL...).
    #[error("{0}")]
    Config(String),

    /// The input breaks the model's schema; nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),

    /// JSON given as a model's input cannot be read as one (an unknown
    /// field, a value of the wrong type, a slug that cannot name a model,
    /// a body that is no object); nothing was sent.
    #[error(transparent)]
    Input(#[from] crate::model::ParseInputError),

    /// 400: Segmind rejected the request.
    #[error("{}", .0.describe())]
    BadRequest(Box<ApiErrorInfo>),

    /// 401: the API key is missing or invalid.
    #[error("{}", .0.describe())]
    Unauthorized(Box<ApiErrorInfo>),

    /// 403: the key may not use this model.
    #[error("{}", .0.describe())]
    Forbidden(Box<ApiErrorInfo>),

    /// 406 (or 402): not enough credits, or a spend limit was reached.
    #[error("{}", .0.describe())]
    InsufficientCredits(Box<ApiErrorInfo>),

    /// 406 whose message is about the request's content type.
    #[error("{}", .0.describe())]
    BadContentType(Box<ApiErrorInfo>),

    /// 404: no such model, or a job record that expired (after an hour).
    #[error("{}", .0.describe())]
    NotFound(Box<ApiErrorInfo>),

    /// 410: the model was retired.
    #[error("{}", .0.describe())]
    Gone(Box<ApiErrorInfo>),

    /// 429: too many requests. Not billed; safe to retry after the reset.
    #[error("{}{}", .info.describe(), rate_limit_hint(*.reset_at, *.retry_after))]
    RateLimited {
        /// The answer.
        info: Box<ApiErrorInfo>,
        /// When the limit resets (`x-rate-limit-reset-at-utc`), if said.
        reset_at: Option<SystemTime>,
        /// How long to wait (`Retry-After`), if said.
        retry_after: Option<Duration>,
    },

    /// A v2 job ended in the FAILED state.
    #[error("Segmind job {request_id} failed: {message}")]
    JobFailed {
        /// The job's request id.
        request_id: String,
        /// Segmind's reason.
        message: String,
        /// The answer that said so, when it was an HTTP error (422).
        info: Option<Box<ApiErrorInfo>>,
    },

    /// 5xx: Segmind failed. A POST that got this may have been billed.
    #[error("{}", .0.describe())]
    Server(Box<ApiErrorInfo>),

    /// Any other status (405, 422 outside a job, an odd 3xx...).
    #[error("{}", .0.describe())]
    UnexpectedStatus(Box<ApiErrorInfo>),

    /// A deadline passed: a job's wait budget, or the time allowed for one
    /// HTTP exchange. A job's request id is kept so the caller can resume.
    #[error("{}", timeout_text(.request_id.as_deref(), *.after))]
    Timeout {
        /// The job to resume with `Client::job`, when there is one.
        request_id: Option<String>,
        /// The budget that ran out.
        after: Duration,
        /// Whether it was a model call (a billed POST, or the v1 answer to
        /// one) that timed out, rather than a wait, a poll or a download.
        billed_call: bool,
    },

    /// The connection failed.
    #[error("{}", transport_text(*.may_have_reached_server, .source))]
    Transport {
        /// `false` when the failure came before the request was sent (such
        /// as a refused connection), so nothing can have been billed.
        may_have_reached_server: bool,
        /// Whether the request was a model call (a billed POST).
        billed_call: bool,
        /// The underlying failure.
        #[source]
        source: reqwest::Error,
    },

    /// A reply could not be read: bad JSON, bad base64, a body cut off.
    #[error("could not read Segmind's reply: {message}{}", request_id_hint(.request_id.as_deref()))]
    Decode {
        /// What was wrong.
        message: String,
        /// The request the reply belongs to, when known: a billed call whose
        /// reply was lost can still be looked up (or a job resumed) by it.
        request_id: Option<String>,
        /// The underlying failure, if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },

    /// A reply that should have been the model's output is something else:
    /// an HTML page (a proxy, a captive portal, a storage error page), an
    /// empty body, a JSON error sent with a media type, or a type that is
    /// not the output's kind. Nothing was saved.
    #[error("{0}")]
    NotMedia(Box<NotMediaInfo>),
    /// Writing the output (or another local file) failed.
    #[error("{}", io_text(.path.as_ref(), .source))]
    Io {
        /// The file, when the failure concerns one.
        path: Option<PathBuf>,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },

    /// A local media file given as input cannot be read; nothing was sent.
    #[error("cannot read media file {} for `{field}`: {source}", .path.display())]
    MediaFile {
        /// Wire name of the field.
        field: String,
        /// The file.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The kind of failure, with every variant sorted (see
    /// [`ErrorCategory`]).
    pub fn category(&self) -> ErrorCategory {
        // No catch-all arm: a new variant must be sorted here.
        match self {
            Error::Config(_) => ErrorCategory::Config,
            Error::Validation(_) | Error::Input(_) | Error::MediaFile { .. } => {
                ErrorCategory::InvalidInput
            }
            Error::BadRequest(_)
            | Error::Unauthorized(_)
            | Error::Forbidden(_)
            | Error::InsufficientCredits(_)
            | Error::BadContentType(_)
            | Error::NotFound(_)
            | Error::Gone(_)
            | Error::RateLimited { .. }
            | Error::Server(_)
            | Error::UnexpectedStatus(_)
            | Error::NotMedia(_) => ErrorCategory::Api,
            Error::JobFailed { .. } => ErrorCategory::JobFailed,
            Error::Timeout { .. } => ErrorCategory::Timeout,
            Error::Transport { .. } => ErrorCategory::Transport,
            Error::Decode { .. } => ErrorCategory::Decode,
            Error::Io { .. } => ErrorCategory::Io,
        }
    }

    /// Whether Segmind may have started (and so billed) a job before this
    /// error: a model call that timed out, lost its connection after
    /// sending or got a 5xx; any error about a submitted job (a failed job, a
    /// wait that timed out, a result or output that could not be read); and
    /// any error while reading or saving an output. It is `false` only when
    /// the call certainly did not start a job: invalid input, bad settings,
    /// a refused connection, and 4xx refusals such as 400, 401, 406 and 429.
    ///
    /// When it is `true`, do not simply call the model again: look for the
    /// job first ([`Error::request_id`], then `Client::job(id).wait(..)`).
    pub fn may_have_been_billed(&self) -> bool {
        match self {
            Error::Config(_) | Error::Validation(_) | Error::Input(_) | Error::MediaFile { .. } => {
                false
            }
            Error::Transport {
                may_have_reached_server,
                billed_call,
                ..
            } => *may_have_reached_server && *billed_call,
            Error::Timeout {
                request_id,
                billed_call,
                ..
            } => *billed_call || request_id.is_some(),
            Error::Server(info) => info.billed_call,
            Error::JobFailed { .. }
            | Error::Decode { .. }
            | Error::NotMedia(_)
            | Error::Io { .. } => true,
            Error::BadRequest(_)
            | Error::Unauthorized(_)
            | Error::Forbidden(_)
            | Error::InsufficientCredits(_)
            | Error::BadContentType(_)
            | Error::NotFound(_)
            | Error::Gone(_)
            | Error::UnexpectedStatus(_)
            | Error::RateLimited { .. } => false,
        }
    }

    /// Whether making the same call again may succeed **and cannot start a
    /// second billed job**: rate limits (429), a connection that failed
    /// before the request was sent, and, for polls, results and downloads
    /// (never for a model call), timeouts, lost connections and 502, 503 and
    /// 504. A model call that timed out or got a 5xx may have been billed
    /// (see [`Error::may_have_been_billed`]), so it is not retryable: resume
    /// by request id instead.
    ///
    /// A billing-safe retry loop:
    ///
    /// ```no_run
    /// # async fn demo(client: segmind_runtime::Client, input: &dyn segmind_runtime::ModelInput)
    /// # -> Result<(), segmind_runtime::Error> {
    /// use segmind_runtime::WaitOptions;
    ///
    /// let mut tries = 0;
    /// let job = loop {
    ///     match client.submit(input).await {
    ///         Ok(job) => break job,
    ///         Err(e) if e.is_retryable() && tries < 3 => tries += 1, // certainly not billed
    ///         Err(e) => return Err(e), // may be billed: never submit again blindly
    ///     }
    /// };
    /// // From here on, resume by id: waiting again is always safe.
    /// let id = job.request_id().to_owned();
    /// let result = loop {
    ///     match client.job(&id).wait(WaitOptions::default()).await {
    ///         Ok(result) => break result,
    ///         Err(e) if e.is_retryable() => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// result.download::<segmind_runtime::Video>().await?.save("out.mp4").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } => true,
            Error::Timeout { billed_call, .. } => !billed_call,
            Error::Server(info) => is_transient_status(info.status) && !info.billed_call,
            Error::Transport {
                may_have_reached_server,
                billed_call,
                ..
            } => !may_have_reached_server || !billed_call,
            _ => false,
        }
    }

    /// The HTTP answer behind this error, when there was one.
    pub fn api_info(&self) -> Option<&ApiErrorInfo> {
        match self {
            Error::BadRequest(info)
            | Error::Unauthorized(info)
            | Error::Forbidden(info)
            | Error::InsufficientCredits(info)
            | Error::BadContentType(info)
            | Error::NotFound(info)
            | Error::Gone(info)
            | Error::Server(info)
            | Error::UnexpectedStatus(info)
            | Error::RateLimited { info, .. } => Some(info),
            Error::JobFailed { info, .. } => info.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status behind this error, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.api_info().map(|info| info.status)
    }

    /// The request id this error concerns: a failed or timed-out job's, an
    /// unreadable reply's, else the `x-request-id` header of the answer.
    pub fn request_id(&self) -> Option<String> {
        match self {
            Error::JobFailed { request_id, .. } => Some(request_id.clone()),
            Error::Timeout { request_id, .. } | Error::Decode { request_id, .. } => {
                request_id.clone()
            }
            Error::NotMedia(info) => info.request_id.clone(),
            _ => self.api_info().and_then(|info| info.meta().request_id),
        }
    }

    /// Sorts a non-success answer into its variant.
    pub(crate) fn from_api(info: ApiErrorInfo) -> Self {
        let info = Box::new(info);
        match info.status.as_u16() {
            400 => Error::BadRequest(info),
            401 => Error::Unauthorized(info),
            402 => Error::InsufficientCredits(info),
            403 => Error::Forbidden(info),
            404 => Error::NotFound(info),
            406 if mentions_content_type(&info) => Error::BadContentType(info),
            406 => Error::InsufficientCredits(info),
            410 => Error::Gone(info),
            429 => {
                let meta = info.meta();
                let retry_after = retry_after(&info.headers, SystemTime::now());
                Error::RateLimited {
                    reset_at: meta.rate_limit_reset_at,
                    retry_after,
                    info,
                }
            }
            500..=599 => Error::Server(info),
            _ => Error::UnexpectedStatus(info),
        }
    }

    /// A reply that could not be read.
    pub(crate) fn decode(message: impl Into<String>) -> Self {
        Error::Decode {
            message: message.into(),
            request_id: None,
            source: None,
        }
    }

    /// A reply that could not be read, with the underlying failure.
    pub(crate) fn decode_with(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Decode {
            message: message.into(),
            request_id: None,
            source: Some(Box::new(source)),
        }
    }

    /// Gives an error about a reply that has no request id yet (a timeout,
    /// an unreadable or wrong reply) the id of the request it concerns.
    pub(crate) fn with_request_id(mut self, id: Option<&str>) -> Self {
        let slot = match &mut self {
            Error::Timeout { request_id, .. } | Error::Decode { request_id, .. } => request_id,
            Error::NotMedia(info) => &mut info.request_id,
            _ => return self,
        };
        if let Some(id) = id {
            if slot.is_none() {
                *slot = Some(id.to_owned());
            }
        }
        self
    }
}

/// 502, 503 and 504: the gateway or the service is briefly unavailable.
pub(crate) fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}

fn mentions_content_type(info: &ApiErrorInfo) -> bool {
    let text = info
        .message
        .clone()
        .unwrap_or_else(|| info.body_text().into_owned())
        .to_ascii_lowercase();
    text.contains("content type") || text.contains("content-type") || text.contains("content_type")
}

/// The `error` (or `message`, `detail`) string of a JSON body.
fn json_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["error", "message", "detail"]
        .iter()
        .find_map(|key| match value.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Object(inner) => inner.get("message")?.as_str().map(str::to_owned),
            _ => None,
        })
}

/// Whitespace collapsed to single spaces, cut to [`SUMMARY_CHARS`].
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > SUMMARY_CHARS {
        let cut: String = out.chars().take(SUMMARY_CHARS).collect();
        return format!("{cut}…");
    }
    out
}

/// An HTML page's `<title>`, else its text without tags.
fn html_summary(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let Some(start) = lower.find("<title>") {
        let from = start + "<title>".len();
        if let Some(len) = lower[from..].find("</title>") {
            let title = html[from..from + len].trim();
            if !title.is_empty() {
                return title.to_owned();
            }
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

fn rate_limit_hint(reset_at: Option<SystemTime>, retry_after: Option<Duration>) -> String {
    let mut hint = String::new();
    if let Some(at) = reset_at {
        let _ = write!(hint, " (limit resets at {})", httpdate::fmt_http_date(at));
    } else if let Some(wait) = retry_after {
        let _ = write!(hint, " (retry after {wait:?})");
    }
    hint
}

fn request_id_hint(request_id: Option<&str>) -> String {
    request_id
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

/// The first bytes of a body as readable text: printable ASCII as it is,
/// anything else as `\xNN`, quoted.
fn shown_head(head: &[u8]) -> String {
    let mut shown = String::from("\"");
    for &byte in head {
        match byte {
            b'"' | b'\\' => {
                shown.push('\\');
                shown.push(char::from(byte));
            }
            0x20..=0x7e => shown.push(char::from(byte)),
            _ => {
                let _ = write!(shown, "\\x{byte:02x}");
            }
        }
    }
    shown.push('"');
    shown
}

fn timeout_text(request_id: Option<&str>, after: Duration) -> String {
    match request_id {
        Some(id) => format!("gave up waiting for Segmind job {id} after {after:?}; it may still finish: resume with its request id"),
        None => format!("Segmind did not answer within {after:?}"),
    }
}

fn transport_text(may_have_reached_server: bool, source: &reqwest::Error) -> String {
    let mut causes: Vec<String> = vec![source.to_string()];
    let mut next = std::error::Error::source(source);
    while let Some(cause) = next {
        let text = cause.to_string();
        if causes.last() != Some(&text) {
            causes.push(text);
        }
        next = cause.source();
    }
    let chain = causes.join(": ");
    if may_have_reached_server {
        format!("the connection to Segmind failed after the request may have reached it: {chain}")
    } else {
        format!("could not connect to Segmind: {chain}")
    }
}

fn io_text(path: Option<&PathBuf>, source: &std::io::Error) -> String {
    match path {
        Some(path) => format!("cannot write {}: {source}", path.display()),
        None => format!("cannot write the output: {source}"),
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn info(status: u16, body: &str) -> ApiErrorInfo {
        ApiErrorInfo::new(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            Bytes::from(body.to_owned()),
        )
    }

    #[test]
    fn every_status_is_an_api_error_and_other_failures_have_their_category() {
        for status in 100..=599 {
            let err = Error::from_api(info(status, r#"{"error": "x"}"#));
            assert_eq!(err.category(), ErrorCategory::Api, "{status}");
        }
        let io = || std::io::Error::other("disk full");
        let cases = [
            (Error::Config("no key".into()), ErrorCategory::Config),
            (
                Error::MediaFile {
                    field: "input_image".into(),
                    path: "face.png".into(),
                    source: io(),
                },
                ErrorCategory::InvalidInput,
            ),
            (
                Error::JobFailed {
                    request_id: "r".into(),
                    message: "no face".into(),
                    info: None,
                },
                ErrorCategory::JobFailed,
            ),
            (
                Error::Timeout {
                    request_id: None,
                    after: Duration::from_secs(1),
                    billed_call: true,
                },
                ErrorCategory::Timeout,
            ),
            (Error::decode("short"), ErrorCategory::Decode),
            (
                Error::Io {
                    path: None,
                    source: io(),
                },
                ErrorCategory::Io,
            ),
        ];
        let mut names = std::collections::HashSet::new();
        for (err, category) in cases {
            assert_eq!(err.category(), category, "{err:?}");
            assert!(names.insert(category.as_str()));
        }
    }

    #[test]
    fn display_is_one_line_with_status_and_message() {
        let err = Error::from_api(info(401, r#"{"error": "Invalid API key"}"#));
        assert!(matches!(err, Error::Unauthorized(_)));
        assert_eq!(
            err.to_string(),
            "Segmind answered 401 Unauthorized: Invalid API key"
        );
    }

    #[test]
    fn html_bodies_are_kept_and_summarised_by_title() {
        let html = "<html>\n<head><title>405 Not Allowed</title></head>\n<body>nginx</body></html>";
        let err = Error::from_api(info(405, html));
        assert!(matches!(err, Error::UnexpectedStatus(_)));
        assert_eq!(
            err.to_string(),
            "Segmind answered 405 Method Not Allowed: 405 Not Allowed"
        );
        assert_eq!(err.api_info().unwrap().body_text(), html);
        assert_eq!(err.api_info().unwrap().message, None);
        let untitled = Error::from_api(info(
            405,
            "<html><body><h1>Nope</h1>\n  no way</body></html>",
        ));
        assert_eq!(
            untitled.to_string(),
            "Segmind answered 405 Method Not Allowed: Nope no way"
        );
    }

    #[test]
    fn long_and_empty_bodies() {
        let long = Error::from_api(info(500, &"x".repeat(5000))).to_string();
        assert!(long.len() < 260 && long.ends_with('…'), "{long}");
        assert_eq!(
            Error::from_api(info(502, "")).to_string(),
            "Segmind answered 502 Bad Gateway: (empty body)"
        );
        assert_eq!(
            Error::from_api(info(599, "odd")).to_string(),
            "Segmind answered 599: odd"
        );
    }

    type Check = fn(&Error) -> bool;

    #[test]
    fn every_status_maps_to_its_variant() {
        let cases: &[(u16, &str, Check)] = &[
            (400, "{}", |e| matches!(e, Error::BadRequest(_))),
            (401, "{}", |e| matches!(e, Error::Unauthorized(_))),
            (402, "{}", |e| matches!(e, Error::InsufficientCredits(_))),
            (403, "{}", |e| matches!(e, Error::Forbidden(_))),
            (404, "{}", |e| matches!(e, Error::NotFound(_))),
            (405, "<html/>", |e| matches!(e, Error::UnexpectedStatus(_))),
            (406, r#"{"error":"Insufficient credits"}"#, |e| {
                matches!(e, Error::InsufficientCredits(_))
            }),
            (406, r#"{"error":"Invalid content type"}"#, |e| {
                matches!(e, Error::BadContentType(_))
            }),
            (406, "Unsupported Content-Type", |e| {
                matches!(e, Error::BadContentType(_))
            }),
            (410, "{}", |e| matches!(e, Error::Gone(_))),
            (422, "{}", |e| matches!(e, Error::UnexpectedStatus(_))),
            (429, "{}", |e| matches!(e, Error::RateLimited { .. })),
            (500, "{}", |e| matches!(e, Error::Server(_))),
            (503, "{}", |e| matches!(e, Error::Server(_))),
            (302, "{}", |e| matches!(e, Error::UnexpectedStatus(_))),
        ];
        for (status, body, check) in cases {
            let err = Error::from_api(info(*status, body));
            assert!(check(&err), "{status} {body} gave {err:?}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(*status));
        }
    }

    #[test]
    fn retryable_errors() {
        let retryable = |status| Error::from_api(info(status, "")).is_retryable();
        assert!(retryable(429));
        assert!(retryable(502) && retryable(503) && retryable(504));
        for status in [400, 401, 403, 404, 405, 406, 410, 422, 500] {
            assert!(!retryable(status), "{status}");
        }
        assert!(Error::Timeout {
            request_id: None,
            after: Duration::from_secs(1),
            billed_call: false,
        }
        .is_retryable());
        assert!(!Error::JobFailed {
            request_id: "r".into(),
            message: "m".into(),
            info: None
        }
        .is_retryable());
        assert!(!Error::decode("x").is_retryable());
        let validation = ValidationError {
            model: "m".to_owned(),
            violations: vec![],
        };
        assert!(!Error::from(validation).is_retryable());
    }

    #[test]
    fn rate_limit_reads_reset_and_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-rate-limit-reset-at-utc",
            HeaderValue::from_static("2024-03-01T12:34:56Z"),
        );
        headers.insert("retry-after", HeaderValue::from_static("12"));
        let err = Error::from_api(ApiErrorInfo::new(
            StatusCode::TOO_MANY_REQUESTS,
            headers,
            Bytes::new(),
        ));
        match &err {
            Error::RateLimited {
                reset_at,
                retry_after,
                ..
            } => {
                assert_eq!(
                    *reset_at,
                    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_296_496))
                );
                assert_eq!(*retry_after, Some(Duration::from_secs(12)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "Segmind answered 429 Too Many Requests: (empty body) (limit resets at Fri, 01 Mar 2024 12:34:56 GMT)"
        );
    }

    #[test]
    fn messages_from_json_variants() {
        assert_eq!(
            info(400, r#"{"message":"m"}"#).message.as_deref(),
            Some("m")
        );
        assert_eq!(
            info(400, r#"{"error":{"message":"deep"}}"#)
                .message
                .as_deref(),
            Some("deep")
        );
        assert_eq!(info(400, r#"{"error":42}"#).message, None);
        assert_eq!(info(400, "[1,2]").message, None);
    }

    #[test]
    fn request_id_comes_from_the_job_or_the_header() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("hdr-1"));
        let err = Error::from_api(ApiErrorInfo::new(
            StatusCode::BAD_REQUEST,
            headers,
            Bytes::new(),
        ));
        assert_eq!(err.request_id().as_deref(), Some("hdr-1"));
        let timeout = Error::Timeout {
            request_id: None,
            after: Duration::from_secs(2),
            billed_call: false,
        }
        .with_request_id(Some("job-9"));
        assert_eq!(timeout.request_id().as_deref(), Some("job-9"));
        assert!(timeout.to_string().contains("job-9"), "{timeout}");
    }

    #[test]
    fn a_model_call_that_may_have_reached_segmind_is_never_retryable() {
        let answered = |status: u16, billed: bool| {
            let mut info = info(status, "");
            info.billed_call = billed;
            Error::from_api(info)
        };
        for status in [500, 502, 503, 504] {
            let call = answered(status, true);
            assert!(!call.is_retryable(), "{status}");
            assert!(call.may_have_been_billed(), "{status}");
            let poll = answered(status, false);
            assert_eq!(poll.is_retryable(), status != 500, "{status}");
            assert!(!poll.may_have_been_billed(), "{status}");
        }
        for status in [400, 401, 403, 404, 406, 410, 429] {
            assert!(!answered(status, true).may_have_been_billed(), "{status}");
        }
        assert!(answered(429, true).is_retryable());
        let timeout = |billed_call, request_id: Option<&str>| Error::Timeout {
            request_id: request_id.map(str::to_owned),
            after: Duration::from_secs(1),
            billed_call,
        };
        assert!(!timeout(true, None).is_retryable());
        assert!(timeout(true, None).may_have_been_billed());
        assert!(timeout(false, Some("job")).is_retryable());
        assert!(timeout(false, Some("job")).may_have_been_billed());
        assert!(!timeout(false, None).may_have_been_billed());
        assert!(Error::decode("cut").may_have_been_billed());
        assert!(!Error::Config("x".into()).may_have_been_billed());
    }
}
