//! The [`Client`]: one connection pool and one configuration shared by every
//! call, and the single place where requests are sent, retried and their
//! failures sorted into [`Error`]s.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE, LOCATION};
use reqwest::{IntoUrl, RequestBuilder, Response, Url};
use tokio::sync::Semaphore;
use tracing::Instrument as _;

use crate::config::{ClientBuilder, MediaUpload};
use crate::error::{ApiErrorInfo, Error};
use crate::model::{ModelInfo, ModelInput};
use crate::retry::{RequestKind, RetryPolicy};
use crate::secret::ApiKey;

/// Most of an error body that is kept.
const ERROR_BODY_LIMIT: usize = 1 << 20;

/// The header the API key goes in (a name, so that no request parses it).
const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// Most redirects a GET follows.
pub(crate) const MAX_REDIRECTS: usize = 5;

/// A Segmind API client. Cloning is cheap: clones share one connection pool.
///
/// `Debug` shows the settings, never the API key.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What every clone of a [`Client`] shares.
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) api_key: ApiKey,
    /// `None` when the key cannot be a header value (reported per request).
    pub(crate) key_header: Option<HeaderValue>,
    pub(crate) base_url: String,
    /// `base_url` parsed once, so that building a call's URL is a clone
    /// and a push of path segments, never a parse.
    pub(crate) base: Url,
    pub(crate) upload_url: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) media_upload: MediaUpload,
    /// One permit per request allowed in flight.
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) max_concurrent_requests: usize,
    /// Until when new requests wait, after a 429 that named its reset.
    pub(crate) paused_until: std::sync::Mutex<Option<tokio::time::Instant>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("upload_url", &inner.upload_url)
            .field("media_upload", &inner.media_upload)
            .field("connect_timeout", &inner.connect_timeout)
            .field("request_timeout", &inner.request_timeout)
            .field("retry", &inner.retry)
            .field("max_concurrent_requests", &inner.max_concurrent_requests)
            .field("user_agent", &inner.user_agent)
            .field("api_key", &inner.api_key)
            .finish()
    }
}

impl Client {
    /// A client for `https://api.segmind.com` with this API key and every
    /// default. A key that cannot be sent as a header fails at the first
    /// request; use [`Client::builder`] to have it checked up front.
    ///
    /// # Panics
    ///
    /// When the HTTP stack cannot be initialised at all (as
    /// `reqwest::Client::new` does).
    pub fn new(api_key: impl Into<String>) -> Client {
        match ClientBuilder::<Client>::new().build_unchecked(ApiKey::new(api_key)) {
            Ok(client) => client,
            Err(e) => panic!("{e}"),
        }
    }

    /// A client configured from `SEGMIND_API_KEY` (required),
    /// `SEGMIND_BASE_URL` and `SEGMIND_UPLOAD_URL` (optional).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn from_inner(inner: Arc<Inner>) -> Client {
        Client { inner }
    }

    /// The API root, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Where local media files are uploaded.
    pub fn upload_url(&self) -> &str {
        &self.inner.upload_url
    }

    /// Time allowed for one HTTP exchange.
    pub fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    /// The retry settings.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// How local media files reach Segmind.
    pub fn media_upload(&self) -> MediaUpload {
        self.inner.media_upload
    }

    /// How many requests this client (and its clones) has in flight at most.
    pub fn max_concurrent_requests(&self) -> usize {
        self.inner.max_concurrent_requests
    }

    /// `{base}/{version}{path}`: the model's request path
    /// ([`ModelInfo::request_path`]) under the API version.
    pub(crate) fn model_url(&self, version: &str, model: &ModelInfo) -> String {
        self.model_url_parsed(version, model).into()
    }

    /// [`Client::model_url`], parsed.
    fn model_url_parsed(&self, version: &str, model: &ModelInfo) -> Url {
        let mut url = self.inner.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty()
                .push(version)
                .extend(model.path_segments());
        }
        url
    }

    /// Where a call of `input` is POSTed: [`Client::v2_url`] of its model
    /// when `v2` (else [`Client::v1_url`]), or for an input without a schema
    /// (a [`crate::JsonInput`]) `{base}/v1/{slug}` and `{base}/v2/{slug}`.
    pub fn call_url<I: ModelInput + ?Sized>(&self, input: &I, v2: bool) -> String {
        self.call_url_parsed(input, v2).into()
    }

    /// [`Client::call_url`], parsed: what a call hands to the HTTP stack,
    /// which then need not parse it again.
    pub(crate) fn call_url_parsed<I: ModelInput + ?Sized>(&self, input: &I, v2: bool) -> Url {
        let version = if v2 { "v2" } else { "v1" };
        match input.info() {
            Some(model) => self.model_url_parsed(version, model),
            None => self.api_url_parsed(&[version, input.slug()]),
        }
    }

    /// Where a v1 call of `model` is POSTed: `{base}/v1{path}`, the path
    /// being [`ModelInfo::request_path`] (`/{slug}` unless the model file
    /// states another).
    pub fn v1_url(&self, model: &ModelInfo) -> String {
        self.model_url("v1", model)
    }

    /// Where a v2 job of `model` is submitted: `{base}/v2{path}`.
    pub fn v2_url(&self, model: &ModelInfo) -> String {
        self.model_url("v2", model)
    }

    /// `{base}/v2/requests/{id}`, then `/status` when `status`.
    pub(crate) fn request_url(&self, request_id: &str, status: bool) -> String {
        if status {
            self.api_url(&["v2", "requests", request_id, "status"])
        } else {
            self.api_url(&["v2", "requests", request_id])
        }
    }

    /// The base URL with these path segments appended, each percent-encoded
    /// by `Url::path_segments_mut` so that a slug or an id stays one segment.
    fn api_url(&self, segments: &[&str]) -> String {
        self.api_url_parsed(segments).into()
    }

    /// [`Client::api_url`], parsed.
    fn api_url_parsed(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Whether `url` has the base URL's scheme, host and port, so it may be
    /// sent the API key.
    pub(crate) fn is_same_origin(&self, url: &str) -> bool {
        Url::parse(url).is_ok_and(|url| same_origin(&url, &self.inner.base))
    }

    fn key_header(&self) -> Result<HeaderValue, Error> {
        self.inner.key_header.clone().ok_or_else(|| {
            Error::Config("the API key holds characters an HTTP header cannot carry".to_owned())
        })
    }

    /// A JSON POST with the key.
    pub(crate) fn post_json(
        &self,
        url: impl IntoUrl,
        body: &serde_json::Value,
    ) -> Result<RequestBuilder, Error> {
        Ok(self.json_post(url)?.json(body))
    }

    /// A JSON POST with the key whose body of exactly `len` bytes is
    /// streamed from `body` (sent with its length, not chunked).
    pub(crate) fn post_json_stream(
        &self,
        url: impl IntoUrl,
        len: u64,
        body: reqwest::Body,
    ) -> Result<RequestBuilder, Error> {
        Ok(self
            .json_post(url)?
            .header(reqwest::header::CONTENT_LENGTH, len)
            .body(body))
    }

    /// A POST with the key and the JSON content type, still without a body.
    fn json_post(&self, url: impl IntoUrl) -> Result<RequestBuilder, Error> {
        Ok(self
            .inner
            .http
            .post(url)
            .header(API_KEY_HEADER, self.key_header()?)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json")))
    }

    /// A GET, with the key when `with_key`.
    pub(crate) fn get(&self, url: &str, with_key: bool) -> Result<RequestBuilder, Error> {
        let request = self.inner.http.get(url);
        Ok(if with_key {
            request.header(API_KEY_HEADER, self.key_header()?)
        } else {
            request
        })
    }

    /// Sends the request `make` builds, retrying as the policy and `kind`
    /// allow, and returns the first success. A non-success answer becomes
    /// its [`Error`] with the body kept.
    ///
    /// Each attempt first takes one of the client's request slots (see
    /// [`crate::ClientBuilder::max_concurrent_requests`]), so that many
    /// calls at once wait for a free connection instead of running out of
    /// file descriptors; a successful response keeps its slot until it is
    /// dropped, its body read or not.
    pub(crate) async fn send(
        &self,
        kind: RequestKind,
        timeout: Duration,
        make: impl Fn() -> Result<RequestBuilder, Error>,
    ) -> Result<Response, Error> {
        let mut attempt = 0;
        loop {
            self.wait_for_pause().await;
            let slot = self
                .inner
                .slots
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| Error::Config("the client's request slots are closed".to_owned()))?;
            let request = make()?
                .timeout(timeout)
                .build()
                .map_err(|e| transport_error(e, timeout, kind))?;
            let span = tracing::debug_span!(
                "segmind.request",
                method = %request.method(),
                path = %self.scrub(request.url().path()),
                kind = kind.as_str(),
                attempt,
            );
            let started = Instant::now();
            let outcome = self
                .execute(request, kind, timeout)
                .instrument(span.clone())
                .await;
            let latency_ms = started.elapsed().as_millis() as u64;
            let error = match outcome {
                Ok(mut response) if response.status().is_success() => {
                    tracing::debug!(parent: &span, status = response.status().as_u16(), latency_ms, "reply");
                    // Everything read from the headers later (metadata,
                    // content type) is then free of an echoed key.
                    self.inner.api_key.scrub_headers(response.headers_mut());
                    response.extensions_mut().insert(Arc::new(slot));
                    return Ok(response);
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    tracing::debug!(parent: &span, status, latency_ms, "error reply");
                    self.api_error(response, kind).await
                }
                Err(e) => {
                    tracing::debug!(parent: &span, latency_ms, error = %e, "no reply");
                    e
                }
            };
            drop(slot);
            self.pause_after(&error);
            match self
                .inner
                .retry
                .delay_after(kind, &error, attempt, SystemTime::now())
            {
                Some(delay) => {
                    tracing::info!(
                        parent: &span,
                        delay_ms = delay.as_millis() as u64,
                        error = %error,
                        "retrying"
                    );
                    attempt += 1;
                    tokio::time::sleep(delay).await;
                }
                None => {
                    tracing::debug!(parent: &span, error = %error, "not retried");
                    return Err(error);
                }
            }
        }
    }

    /// Waits while the client is paused by a rate limit (see
    /// [`Client::pause_after`]).
    async fn wait_for_pause(&self) {
        loop {
            let until = *self.paused_until();
            match until {
                Some(until) if until > tokio::time::Instant::now() => {
                    tokio::time::sleep_until(until).await;
                }
                _ => return,
            }
        }
    }

    /// After a 429 that says when the limit resets (a reset time or a
    /// `Retry-After`), every clone of this client holds its new requests
    /// until then, instead of each task finding the limit on its own. A
    /// reset further away than the retry policy's `max_delay` does not
    /// pause the client (the call fails instead).
    fn pause_after(&self, error: &Error) {
        let Error::RateLimited {
            reset_at,
            retry_after,
            ..
        } = error
        else {
            return;
        };
        let until_reset = reset_at.map(|at| {
            at.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
        });
        let wait = until_reset.max(*retry_after).unwrap_or(Duration::ZERO);
        if wait.is_zero() || wait > self.inner.retry.max_delay {
            return;
        }
        let until = tokio::time::Instant::now() + wait;
        let mut paused = self.paused_until();
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    /// Until when the client is paused (a poisoned lock still holds a time).
    fn paused_until(&self) -> std::sync::MutexGuard<'_, Option<tokio::time::Instant>> {
        self.inner
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sends one request, following redirects by this client's rules
    /// (automatic redirects are off in the HTTP stack, which would carry
    /// the `x-api-key` header to any host):
    /// - a GET follows up to [`MAX_REDIRECTS`] hops, and each hop carries
    ///   the key only when it goes to the API's own origin;
    /// - a POST (billed) follows only a 307 or 308 to the origin it was
    ///   sent to, which repeats it there unchanged; any other redirect is
    ///   handed back unfollowed and becomes an error naming its target.
    async fn execute(
        &self,
        mut request: reqwest::Request,
        kind: RequestKind,
        timeout: Duration,
    ) -> Result<Response, Error> {
        let mut hops = 0;
        loop {
            // Only a POST is repeated as it is (a GET is built anew for
            // its target), so only a POST keeps a copy.
            let repeat = match kind {
                RequestKind::Get => None,
                RequestKind::Post | RequestKind::ModelCall => request.try_clone(),
            };
            let from = request.url().clone();
            let response = self
                .inner
                .http
                .execute(request)
                .await
                .map_err(|e| transport_error(e, timeout, kind))?;
            let Some(target) = redirect_target(&response, &from) else {
                return Ok(response);
            };
            if hops == MAX_REDIRECTS {
                return Ok(response);
            }
            hops += 1;
            request = match (kind, response.status().as_u16(), repeat) {
                (RequestKind::Get, ..) => {
                    let with_key = self.is_same_origin(target.as_str());
                    self.get(target.as_str(), with_key)?
                        .timeout(timeout)
                        .build()
                        .map_err(|e| transport_error(e, timeout, kind))?
                }
                (RequestKind::Post | RequestKind::ModelCall, 307 | 308, Some(mut again))
                    if same_origin(&from, &target) =>
                {
                    *again.url_mut() = target;
                    again
                }
                _ => return Ok(response),
            };
        }
    }

    /// Reads a non-success answer into its error, with the key scrubbed from
    /// anything the server may have echoed.
    pub(crate) async fn api_error(&self, mut response: Response, kind: RequestKind) -> Error {
        let status = response.status();
        let mut headers = response.headers().clone();
        let mut body = BytesMut::new();
        // A body that fails midway is kept as far as it came.
        while let Ok(Some(chunk)) = response.chunk().await {
            let room = ERROR_BODY_LIMIT - body.len();
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if body.len() >= ERROR_BODY_LIMIT {
                break;
            }
        }
        let key = &self.inner.api_key;
        key.scrub_headers(&mut headers);
        let mut info = ApiErrorInfo::new(status, headers, Bytes::from(key.scrub_bytes(&body)));
        info.billed_call = kind.is_billed();
        info.message = info.message.map(|m| key.scrub(&m));
        Error::from_api(info)
    }

    /// Reads a whole (JSON) reply body, failing past `limit` bytes.
    pub(crate) async fn read_body(
        &self,
        mut response: Response,
        timeout: Duration,
        limit: usize,
    ) -> Result<Bytes, Error> {
        // A reply that says it is too large is refused before any of it
        // is read.
        if let Some(length) = response.content_length().filter(|&n| n > limit as u64) {
            return Err(Error::decode(format!(
                "the reply is larger than {limit} bytes (Content-Length: {length})"
            )));
        }
        // Reserved once from the length, so a large reply (base64) is
        // never copied while it grows.
        let declared = response.content_length().unwrap_or(0).min(limit as u64);
        let mut body = BytesMut::with_capacity(declared as usize);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Err(Error::decode(format!(
                            "the reply is larger than {limit} bytes"
                        )));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body.freeze()),
                Err(e) => return Err(body_error(e, timeout, body.len() as u64, false)),
            }
        }
    }

    /// Reads a whole JSON reply body (at most `limit` bytes), with the API
    /// key scrubbed from every string and key in it. `what` names the reply
    /// in the error when it is not JSON.
    pub(crate) async fn read_json(
        &self,
        response: Response,
        timeout: Duration,
        limit: usize,
        what: &str,
    ) -> Result<serde_json::Value, Error> {
        let body = self.read_body(response, timeout, limit).await?;
        let mut reply: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| Error::decode_with(format!("{what} is not valid JSON"), e))?;
        self.inner.api_key.scrub_json(&mut reply);
        Ok(reply)
    }

    /// The key, for scrubbing what a reply read later may say.
    pub(crate) fn key(&self) -> ApiKey {
        self.inner.api_key.clone()
    }

    /// `text` with the API key scrubbed out.
    pub(crate) fn scrub(&self, text: &str) -> String {
        self.inner.api_key.scrub(text)
    }
}

/// Whether two URLs share scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Where a redirect answer points, resolved against the URL it answered;
/// `None` for any other answer (a 304, or a 3xx without a usable
/// `Location`, is not a redirect to follow).
fn redirect_target(response: &Response, from: &Url) -> Option<Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let target = from.join(location).ok()?;
    matches!(target.scheme(), "http" | "https").then_some(target)
}

/// Sorts a failed send: before the request was sent, after, or timed out.
pub(crate) fn transport_error(e: reqwest::Error, timeout: Duration, kind: RequestKind) -> Error {
    let billed_call = kind.is_billed();
    if e.is_builder() {
        return Error::Config(format!("cannot build the request: {e}"));
    }
    if e.is_connect() {
        return Error::Transport {
            may_have_reached_server: false,
            billed_call,
            source: e,
        };
    }
    if e.is_timeout() {
        return Error::Timeout {
            request_id: None,
            after: timeout,
            billed_call,
        };
    }
    Error::Transport {
        may_have_reached_server: true,
        billed_call,
        source: e,
    }
}

/// Sorts a failure while reading a body that had started; `billed_call`
/// when it is the answer to a model call (whose repeat would be billed).
pub(crate) fn body_error(
    e: reqwest::Error,
    timeout: Duration,
    received: u64,
    billed_call: bool,
) -> Error {
    if e.is_timeout() {
        return Error::Timeout {
            request_id: None,
            after: timeout,
            billed_call,
        };
    }
    Error::decode_with(format!("the reply was cut off after {received} bytes"), e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OutputKind;

    const fn info(slug: &'static str, path: Option<&'static str>) -> ModelInfo {
        ModelInfo {
            slug,
            path,
            title: slug,
            summary: "",
            rust_name: "m",
            typical_latency_seconds: None,
            typical_price_usd: None,
            output: OutputKind::Video,
            fields: &[],
        }
    }

    #[test]
    fn debug_shows_settings_but_not_the_key() {
        let client = Client::new("sk-SECRET-123");
        let shown = format!("{client:?}");
        assert!(
            shown.contains("base_url: \"https://api.segmind.com\""),
            "{shown}"
        );
        assert!(shown.contains("api_key: \"[redacted]\""), "{shown}");
        assert!(!shown.contains("sk-SECRET-123"), "{shown}");
    }

    #[test]
    fn urls_are_built_from_the_base() {
        let client = Client::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:1/root/")
            .build()
            .unwrap();
        assert_eq!(
            client.v1_url(&info("hailuo-2.3-fast", None)),
            "http://127.0.0.1:1/root/v1/hailuo-2.3-fast"
        );
        // A model file's own request path, under either version.
        let prefixed = info("foo-1.5", Some("/fam/foo-1.5"));
        assert_eq!(
            client.v1_url(&prefixed),
            "http://127.0.0.1:1/root/v1/fam/foo-1.5"
        );
        assert_eq!(
            client.v2_url(&prefixed),
            "http://127.0.0.1:1/root/v2/fam/foo-1.5"
        );
        assert_eq!(
            client.request_url("a/b?c", true),
            "http://127.0.0.1:1/root/v2/requests/a%2Fb%3Fc/status"
        );
        assert!(client.is_same_origin("http://127.0.0.1:1/elsewhere"));
        assert!(!client.is_same_origin("http://127.0.0.1:2/root"));
        assert!(!client.is_same_origin("https://127.0.0.1:1/root"));
        assert!(!client.is_same_origin("not a url"));
    }

    #[test]
    fn a_key_that_cannot_be_a_header_fails_at_the_request() {
        let client = Client::new("bad\nkey");
        let err = client.get("http://127.0.0.1:1/", true).unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        assert!(client.get("http://127.0.0.1:1/", false).is_ok());
    }

    #[tokio::test]
    async fn a_refused_connection_may_be_retried_even_for_a_post() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1/x", listener.local_addr().unwrap());
        drop(listener);
        let failure = reqwest::Client::new().post(&url).send().await.unwrap_err();
        let error = transport_error(failure, Duration::from_secs(1), RequestKind::ModelCall);
        assert!(
            matches!(
                error,
                Error::Transport {
                    may_have_reached_server: false,
                    billed_call: true,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(!error.may_have_been_billed() && error.is_retryable());
        let policy = RetryPolicy::default();
        let now = SystemTime::now();
        assert_eq!(
            policy.delay_after(RequestKind::ModelCall, &error, 0, now),
            Some(policy.base_delay)
        );
        assert_eq!(
            policy.delay_after(RequestKind::ModelCall, &error, 3, now),
            None
        );
    }

    #[tokio::test]
    async fn a_rate_limit_with_a_reset_pauses_every_clone() {
        let client = Client::new("k");
        let clone = client.clone();
        let limited = |reset_in: Duration| Error::RateLimited {
            info: Box::new(ApiErrorInfo::new(
                reqwest::StatusCode::TOO_MANY_REQUESTS,
                reqwest::header::HeaderMap::new(),
                Bytes::new(),
            )),
            reset_at: Some(SystemTime::now() + reset_in),
            retry_after: None,
        };
        // A reset beyond the policy's longest wait does not pause.
        clone.pause_after(&limited(Duration::from_secs(3600)));
        assert!(client.paused_until().is_none());
        clone.pause_after(&limited(Duration::from_secs(30)));
        let until = client
            .paused_until()
            .expect("the clone's 429 pauses the client");
        assert!(until > tokio::time::Instant::now() + Duration::from_secs(20));
        // An earlier reset does not shorten the pause.
        client.pause_after(&limited(Duration::from_secs(5)));
        assert_eq!(*client.paused_until(), Some(until));
        // Other errors leave it alone.
        client.pause_after(&Error::Config("x".into()));
        assert_eq!(*client.paused_until(), Some(until));
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        let client = Client::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:1")
            .build()
            .unwrap();
        assert_eq!(
            client.v1_url(&info("abc-1.2_~", None)),
            "http://127.0.0.1:1/v1/abc-1.2_~"
        );
        assert_eq!(
            client.v1_url(&info("a b", None)),
            "http://127.0.0.1:1/v1/a%20b"
        );
        // A hand-made path cannot leave the version's folder nor add a
        // query: `.` and `..` are dropped, `?` and `#` are encoded.
        assert_eq!(
            client.v2_url(&info("x", Some("/../a/./b?c#d/"))),
            "http://127.0.0.1:1/v2/a/b%3Fc%23d"
        );
        assert_eq!(
            client.request_url("a b/é", false),
            "http://127.0.0.1:1/v2/requests/a%20b%2F%C3%A9"
        );
    }
}
