//! Client configuration in one place: the defaults, the environment
//! variables, and [`ClientBuilder`], which checks everything before a
//! [`Client`] exists.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::Url;
use tokio::sync::Semaphore;

use crate::client::{Client, Inner};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::secret::ApiKey;

/// Segmind's API.
pub const DEFAULT_BASE_URL: &str = "https://api.segmind.com";
/// Segmind's storage upload endpoint for local media files.
pub const DEFAULT_UPLOAD_URL: &str = "https://workflows-api.segmind.com/upload-asset";
/// Time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for one HTTP exchange, body included. A v1 call blocks until
/// the video is made (80 to 300 s, more when queued), so this is long.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(20 * 60);
/// The `User-Agent` sent by default.
pub const DEFAULT_USER_AGENT: &str = concat!("segmind-rs/", env!("CARGO_PKG_VERSION"));

/// Requests a client (with all its clones) has in flight at most, by
/// default. Further calls wait for a free slot rather than opening more
/// connections than the process has file descriptors for.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 64;

/// Environment variable holding the API key.
pub const API_KEY_ENV: &str = "SEGMIND_API_KEY";
/// Environment variable overriding the base URL.
pub const BASE_URL_ENV: &str = "SEGMIND_BASE_URL";
/// Environment variable overriding the upload URL.
pub const UPLOAD_URL_ENV: &str = "SEGMIND_UPLOAD_URL";

/// How local media files (`Media::File`) reach Segmind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum MediaUpload {
    /// Upload each file to Segmind's storage and send the URL it returns.
    #[default]
    Upload,
    /// Send each file inline as a `data:` URL in the request body.
    Inline,
}

/// Builds a [`Client`]. Only the API key is required.
///
/// `C` is the client type [`ClientBuilder::build`] returns: the runtime's
/// [`Client`] here, the generated crate's own `Client` (which wraps it) there.
#[derive(Debug, Clone)]
pub struct ClientBuilder<C = Client> {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    upload_url: Option<String>,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: RetryPolicy,
    media_upload: MediaUpload,
    max_concurrent_requests: Option<usize>,
    configure_http: Option<HttpConfig>,
    client: PhantomData<fn() -> C>,
}

/// The caller's changes to the HTTP stack (see
/// [`ClientBuilder::configure_http`]).
#[derive(Clone)]
struct HttpConfig(Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>);

impl std::fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpConfig(..)")
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: None,
            upload_url: None,
            connect_timeout: None,
            request_timeout: None,
            user_agent: None,
            retry: RetryPolicy::default(),
            media_upload: MediaUpload::default(),
            max_concurrent_requests: None,
            configure_http: None,
            client: PhantomData,
        }
    }
}

impl<C> ClientBuilder<C> {
    /// A builder with every default and no API key.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder filled from `SEGMIND_API_KEY`, `SEGMIND_BASE_URL` and
    /// `SEGMIND_UPLOAD_URL`; fails when no key is set.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`ClientBuilder::from_env`] with the variables read through `lookup`.
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let read = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let api_key = read(API_KEY_ENV).ok_or_else(|| {
            Error::Config(format!("{API_KEY_ENV} is not set: export your Segmind API key in it, or pass the key to Client::new"))
        })?;
        let mut builder = Self::new().api_key(api_key);
        // Set but blank is a mistake (an empty variable in a script), not
        // a request for production: refuse it rather than guess.
        let url = |name: &str| match lookup(name) {
            Some(value) if value.trim().is_empty() => Err(Error::Config(format!(
                "{name} is set but blank: unset it to use Segmind's API, or give the URL"
            ))),
            value => Ok(value.map(|v| v.trim().to_owned())),
        };
        builder.base_url = url(BASE_URL_ENV)?;
        builder.upload_url = url(UPLOAD_URL_ENV)?;
        Ok(builder)
    }

    /// The Segmind API key, sent as `x-api-key`.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey::new(api_key));
        self
    }

    /// Another API root than `https://api.segmind.com` (a proxy, a local
    /// test server). Unless an upload URL is set too, files are then
    /// uploaded to `{base}/upload-asset`.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Where local media files are uploaded.
    pub fn upload_url(mut self, upload_url: impl Into<String>) -> Self {
        self.upload_url = Some(upload_url.into());
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one HTTP exchange, body included (default 20 min,
    /// since a v1 call blocks until the video is made).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `segmind-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// When and how long to retry (see [`RetryPolicy`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How local media files reach Segmind (default: uploaded).
    pub fn media_upload(mut self, media_upload: MediaUpload) -> Self {
        self.media_upload = media_upload;
        self
    }

    /// How many requests the client, with all its clones, has in flight at
    /// most (default [`DEFAULT_MAX_CONCURRENT_REQUESTS`]); it also bounds
    /// the idle connections kept. A call beyond it waits for a free slot.
    /// A streamed output holds its slot until it is saved or dropped.
    /// Budget about two file descriptors per slot: a slot whose output is
    /// being saved holds the output file while its connection may stay
    /// open in the pool.
    pub fn max_concurrent_requests(mut self, limit: usize) -> Self {
        self.max_concurrent_requests = Some(limit);
        self
    }

    /// Changes the HTTP stack (a `reqwest::ClientBuilder`) before it is
    /// built: proxies, root certificates, client certificates, DNS
    /// overrides, HTTP/2 settings, local address.
    ///
    /// `configure` gets the builder with this client's own settings
    /// (connect timeout, user agent, idle connections) already applied, so
    /// it may override them. Two settings are applied after it and cannot
    /// be changed: redirects stay off in the HTTP stack (the client follows
    /// them itself, so that the API key never goes to another host) and
    /// the idle connections stay bounded by
    /// [`ClientBuilder::max_concurrent_requests`].
    ///
    /// This takes a builder rather than a finished `reqwest::Client`
    /// because a finished one may follow redirects with the `x-api-key`
    /// header to any host, and that cannot be checked from outside.
    ///
    /// ```
    /// let client = segmind_runtime::Client::builder()
    ///     .api_key("sk-...")
    ///     .configure_http(|http| http.tcp_nodelay(true).pool_idle_timeout(None))
    ///     .build()?;
    /// # Ok::<(), segmind_runtime::Error>(())
    /// ```
    pub fn configure_http(
        mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure_http = Some(HttpConfig(Arc::new(configure)));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, Error>
    where
        C: crate::__private::FromClient,
    {
        self.build_runtime().map(C::from_client)
    }

    /// [`ClientBuilder::build`], giving the runtime's [`Client`].
    fn build_runtime(self) -> Result<Client, Error> {
        let api_key = self.api_key.clone().ok_or_else(|| {
            Error::Config(format!(
                "no API key: pass one to ClientBuilder::api_key or set {API_KEY_ENV}"
            ))
        })?;
        if api_key.is_empty() {
            return Err(Error::Config("the API key is empty".to_owned()));
        }
        if api_key.header_value().is_none() {
            return Err(Error::Config(
                "the API key holds characters an HTTP header cannot carry".to_owned(),
            ));
        }
        let base_url = match &self.base_url {
            Some(url) => Some(
                checked_url("base URL", url)?
                    .trim_end_matches('/')
                    .to_owned(),
            ),
            None => None,
        };
        let upload_url = match &self.upload_url {
            Some(url) => Some(checked_url("upload URL", url)?),
            None => None,
        };
        if self.max_concurrent_requests == Some(0) {
            return Err(Error::Config(
                "max_concurrent_requests is 0: at least one request must be allowed".to_owned(),
            ));
        }
        if let Some(agent) = &self.user_agent {
            HeaderValue::from_str(agent).map_err(|_| {
                Error::Config(format!(
                    "the user agent {agent:?} is not a valid header value"
                ))
            })?;
        }
        self.assemble(api_key, base_url, upload_url)
    }

    /// Builds without checking the key (a bad key fails at the first
    /// request instead), for the infallible `Client::new`.
    pub(crate) fn build_unchecked(self, api_key: ApiKey) -> Result<Client, Error> {
        self.assemble(api_key, None, None)
    }

    fn assemble(
        self,
        api_key: ApiKey,
        base_url: Option<String>,
        upload_url: Option<String>,
    ) -> Result<Client, Error> {
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let request_timeout = self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT);
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned());
        let upload_url = upload_url.unwrap_or_else(|| match &base_url {
            Some(base) if base != DEFAULT_BASE_URL => format!("{base}/upload-asset"),
            _ => DEFAULT_UPLOAD_URL.to_owned(),
        });
        let base_url = base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        // Checked by `checked_url` (or the default), so this parse holds.
        let base = Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("the base URL is not a URL: {e}")))?;
        let max_concurrent_requests = self
            .max_concurrent_requests
            .unwrap_or(DEFAULT_MAX_CONCURRENT_REQUESTS)
            .clamp(1, Semaphore::MAX_PERMITS);
        let mut http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .user_agent(user_agent.clone());
        if let Some(HttpConfig(configure)) = &self.configure_http {
            http = configure(http);
        }
        let http = http
            // Redirects are followed by `Client::send`, which knows where
            // the key may go; reqwest would carry `x-api-key` anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(max_concurrent_requests)
            .build()
            .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))?;
        let key_header = api_key.header_value();
        Ok(Client::from_inner(Arc::new(Inner {
            http,
            api_key,
            key_header,
            base_url,
            base,
            upload_url,
            connect_timeout,
            request_timeout,
            user_agent,
            retry: self.retry,
            media_upload: self.media_upload,
            slots: Arc::new(Semaphore::new(max_concurrent_requests)),
            max_concurrent_requests,
            paused_until: std::sync::Mutex::new(None),
        })))
    }
}

/// The URL trimmed, when it is an absolute `http` or `https` URL without a
/// user name or password. A URL is shown in an error with anything before
/// an `@` in it masked, since that is where a credential would be.
fn checked_url(what: &str, url: &str) -> Result<String, Error> {
    let url = url.trim();
    if url.is_empty() {
        return Err(Error::Config(format!(
            "the {what} is blank: leave it unset to use Segmind's, or give a URL"
        )));
    }
    let shown = masked_url(url);
    match Url::parse(url) {
        Ok(parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            Err(Error::Config(format!(
                "the {what} {shown:?} holds a user name or password: leave them out (the API key is sent as the x-api-key header, and only to the API)"
            )))
        }
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {
            Ok(url.to_owned())
        }
        Ok(_) => Err(Error::Config(format!(
            "the {what} {shown:?} is not an http or https URL"
        ))),
        Err(e) => Err(Error::Config(format!(
            "the {what} {shown:?} is not a URL: {e}"
        ))),
    }
}

/// `url` with the part between `://` (or the start) and the last `@` of
/// its authority replaced by `***`.
fn masked_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    // The last `@` anywhere: a password may hold `/`, `?` or `#`, and
    // then no parser agrees on where the authority ends.
    match rest.rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn env_without_a_key_is_a_clear_config_error() {
        for pairs in [&[][..], &[(API_KEY_ENV, "  ")][..]] {
            let err = ClientBuilder::<Client>::from_lookup(env(pairs)).unwrap_err();
            assert!(
                matches!(&err, Error::Config(m) if m.contains("SEGMIND_API_KEY is not set")),
                "{err}"
            );
        }
    }

    #[test]
    fn env_with_only_a_key_uses_segmind() {
        let client = ClientBuilder::<Client>::from_lookup(env(&[(API_KEY_ENV, "sk-SECRET-123\n")]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        assert_eq!(client.upload_url(), DEFAULT_UPLOAD_URL);
        assert!(!format!("{client:?}").contains("sk-SECRET-123"));
    }

    #[test]
    fn env_base_url_moves_the_upload_url_too() {
        let client = ClientBuilder::<Client>::from_lookup(env(&[
            (API_KEY_ENV, "k"),
            (BASE_URL_ENV, "http://127.0.0.1:9/api/"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/api");
        assert_eq!(client.upload_url(), "http://127.0.0.1:9/api/upload-asset");
    }

    #[test]
    fn explicit_upload_url_wins() {
        let client = ClientBuilder::<Client>::from_lookup(env(&[
            (API_KEY_ENV, "k"),
            (BASE_URL_ENV, "http://127.0.0.1:9"),
            (UPLOAD_URL_ENV, "http://127.0.0.1:10/up"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.upload_url(), "http://127.0.0.1:10/up");
        let client = Client::builder()
            .api_key("k")
            .upload_url("http://127.0.0.1:11/u")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        assert_eq!(client.upload_url(), "http://127.0.0.1:11/u");
    }

    #[test]
    fn default_base_url_given_explicitly_keeps_segmind_storage() {
        let client = Client::builder()
            .api_key("k")
            .base_url("https://api.segmind.com/")
            .build()
            .unwrap();
        assert_eq!(client.upload_url(), DEFAULT_UPLOAD_URL);
    }

    #[test]
    fn bad_settings_are_config_errors_without_the_key() {
        let cases = [
            Client::builder().build(),
            Client::builder().api_key("").build(),
            Client::builder().api_key("sk-SECRET-123\n").build(),
            Client::builder()
                .api_key("sk-SECRET-123")
                .base_url("ftp://x")
                .build(),
            Client::builder()
                .api_key("sk-SECRET-123")
                .base_url("not a url")
                .build(),
            Client::builder()
                .api_key("sk-SECRET-123")
                .upload_url("/relative")
                .build(),
            Client::builder()
                .api_key("sk-SECRET-123")
                .user_agent("a\nb")
                .build(),
        ];
        for result in cases {
            let err = result.unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
            assert!(!err.to_string().contains("sk-SECRET"), "{err}");
            assert!(!format!("{err:?}").contains("sk-SECRET"), "{err:?}");
        }
    }

    #[test]
    fn builder_debug_redacts_the_key() {
        let builder = Client::builder().api_key("sk-SECRET-123");
        let shown = format!("{builder:?}");
        assert!(
            !shown.contains("sk-SECRET-123") && shown.contains("[redacted]"),
            "{shown}"
        );
    }

    #[test]
    fn settings_reach_the_client() {
        let client = Client::builder()
            .api_key("k")
            .request_timeout(Duration::from_secs(5))
            .retry(RetryPolicy::none())
            .media_upload(MediaUpload::Inline)
            .build()
            .unwrap();
        assert_eq!(client.request_timeout(), Duration::from_secs(5));
        assert_eq!(client.retry_policy(), RetryPolicy::none());
        assert_eq!(client.media_upload(), MediaUpload::Inline);
        let defaults = Client::new("k");
        assert_eq!(defaults.request_timeout(), DEFAULT_REQUEST_TIMEOUT);
        assert!(DEFAULT_REQUEST_TIMEOUT >= Duration::from_secs(15 * 60));
    }

    #[test]
    fn blank_url_variables_are_errors_not_production() {
        for name in [BASE_URL_ENV, UPLOAD_URL_ENV] {
            let err =
                ClientBuilder::<Client>::from_lookup(env(&[(API_KEY_ENV, "k"), (name, "  ")]))
                    .unwrap_err();
            assert!(
                matches!(&err, Error::Config(m) if m.contains(name) && m.contains("blank")),
                "{err}"
            );
        }
    }

    #[test]
    fn credentials_in_urls_are_refused_and_masked() {
        let err = Client::builder()
            .api_key("k")
            .base_url("http://me:sk-SECRET-123@127.0.0.1:9")
            .build()
            .unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("user name or password"), "{shown}");
        assert!(!shown.contains("sk-SECRET"), "{shown}");
        assert_eq!(masked_url("http://a:b@h/p"), "http://***@h/p");
        assert_eq!(masked_url("http://h/p"), "http://h/p");
        assert_eq!(masked_url("a:b/c@h"), "***@h");
    }

    #[test]
    fn a_zero_request_limit_is_refused() {
        let err = Client::builder()
            .api_key("k")
            .max_concurrent_requests(0)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        let client = Client::builder()
            .api_key("k")
            .max_concurrent_requests(3)
            .build()
            .unwrap();
        assert_eq!(client.max_concurrent_requests(), 3);
        assert_eq!(
            Client::new("k").max_concurrent_requests(),
            DEFAULT_MAX_CONCURRENT_REQUESTS
        );
    }
}
