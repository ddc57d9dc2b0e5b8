//! A throwaway HTTP server for these tests, bound to 127.0.0.1:0: it records
//! every request and answers with whatever the test's handler says. Also a
//! small hand-written model input and client settings that keep tests fast.

use std::fmt::{Debug, Display};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use bytes::Bytes;
use segmind_runtime::{
    Client, Limit, Media, ModelInfo, ModelInput, OutputKind, RetryPolicy, ValidationError,
    Violation, ViolationKind,
};
use serde_json::{json, Value};

pub use segmind_runtime::Video;

/// The key every test client sends; it must never show up in an error.
pub const KEY: &str = "sk-SECRET-123";

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What the handler sees: the server's own base URL, the request, and how
/// many requests with the same method and path came before it.
pub struct Ctx<'a> {
    pub base: &'a str,
    pub request: &'a Recorded,
    pub nth: usize,
}

/// The handler's answer, sent at once or after a pause.
pub enum Reply {
    Now(Response),
    After(Duration, Response),
}

type Handler = dyn Fn(&Ctx<'_>) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    base: String,
    log: Arc<Mutex<Vec<Recorded>>>,
    handler: Arc<Handler>,
}

/// A running throwaway server; stopped when dropped.
pub struct Stub {
    base: String,
    log: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Stub {
    pub async fn start(handler: impl Fn(&Ctx<'_>) -> Reply + Send + Sync + 'static) -> Stub {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            base: base.clone(),
            log: log.clone(),
            handler: Arc::new(handler),
        };
        let app = Router::new().fallback(handle).with_state(shared);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Stub { base, log, task }
    }

    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    /// Requests with this method and path.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    }

    /// A client of this server with fast retries.
    pub fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    pub fn builder(&self) -> segmind_runtime::ClientBuilder {
        Client::builder()
            .api_key(KEY)
            .base_url(self.base_url())
            .request_timeout(Duration::from_secs(10))
            .retry(fast_retry())
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(3)
        .with_base_delay(Duration::from_millis(2))
        .with_max_delay(Duration::from_millis(500))
}

async fn handle(State(shared): State<Shared>, request: Request) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let body = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let recorded = Recorded {
        method,
        path,
        headers,
        body,
    };
    let nth = {
        let mut log = shared.log.lock().unwrap();
        let nth = log
            .iter()
            .filter(|r| r.method == recorded.method && r.path == recorded.path)
            .count();
        log.push(recorded.clone());
        nth
    };
    let reply = (shared.handler)(&Ctx {
        base: &shared.base,
        request: &recorded,
        nth,
    });
    match reply {
        Reply::Now(response) => response,
        Reply::After(pause, response) => {
            tokio::time::sleep(pause).await;
            response
        }
    }
}

/// A response with a status, headers and a body.
pub fn respond(status: u16, headers: &[(&str, &str)], body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    for (name, value) in headers {
        response.headers_mut().append(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    response
}

pub fn json_reply(status: u16, value: Value) -> Reply {
    Reply::Now(respond(
        status,
        &[("content-type", "application/json")],
        value.to_string(),
    ))
}

pub fn video_reply(bytes: Vec<u8>, headers: &[(&str, &str)]) -> Reply {
    let mut all = vec![("content-type", "video/mp4")];
    all.extend_from_slice(headers);
    Reply::Now(respond(200, &all, bytes))
}

/// A body that sends `first`, pauses so the head and that part reach the
/// client, and then fails, so the connection is cut midway.
pub fn cut_body(first: Vec<u8>) -> Body {
    let parts = futures_util::stream::unfold(Some(Some(first)), |state| async move {
        match state? {
            Some(first) => Some((Ok(Bytes::from(first)), Some(None))),
            None => {
                tokio::time::sleep(Duration::from_millis(30)).await;
                Some((Err(std::io::Error::other("cut off on purpose")), None))
            }
        }
    });
    Body::from_stream(parts)
}

/// `len` bytes of a recognisable pattern.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

/// Asserts that the key appears in neither the `Display` nor the `Debug` of
/// `thing`.
pub fn assert_no_key(thing: &(impl Debug + Display)) {
    let shown = format!("{thing} / {thing:?}");
    assert!(!shown.contains(KEY), "the key leaked: {shown}");
}

/// Asserts that the key is absent from `Debug`.
pub fn assert_no_key_in_debug(thing: &impl Debug) {
    let shown = format!("{thing:?}");
    assert!(!shown.contains(KEY), "the key leaked: {shown}");
}

/// The test model's description, returning `output`.
const fn info(output: OutputKind) -> ModelInfo {
    ModelInfo {
        slug: "test-model",
        path: None,
        title: "Test model",
        summary: "A model that exists only in these tests.",
        rust_name: "test_model",
        typical_latency_seconds: None,
        typical_price_usd: None,
        output,
        fields: &[],
    }
}

static INFO: ModelInfo = info(OutputKind::Video);
static IMAGE_INFO: ModelInfo = info(OutputKind::Image);
static AUDIO_INFO: ModelInfo = info(OutputKind::Audio);
static JSON_INFO: ModelInfo = info(OutputKind::Json);

/// A hand-written input: an image, an optional audio, a bounded number and
/// the base64 switch. Its `validate` checks the number only, so the runtime's
/// own handling of unreadable files is what the media tests see.
#[derive(Debug, Clone)]
pub struct TestInput {
    pub image: Media,
    pub audio: Option<Media>,
    pub strength: f64,
    pub base64: Option<bool>,
    /// What the model returns (video unless set).
    pub output: OutputKind,
}

impl TestInput {
    pub fn new(image: Media) -> Self {
        TestInput {
            image,
            audio: None,
            strength: 1.0,
            base64: None,
            output: OutputKind::Video,
        }
    }

    /// The URL input of a model that returns `output`.
    pub fn of_kind(output: OutputKind) -> Self {
        TestInput {
            output,
            ..Self::url()
        }
    }

    pub fn url() -> Self {
        Self::new(Media::url("https://images.test/face.png"))
    }
}

impl ModelInput for TestInput {
    fn info(&self) -> Option<&'static ModelInfo> {
        Some(match self.output {
            OutputKind::Image => &IMAGE_INFO,
            OutputKind::Audio => &AUDIO_INFO,
            OutputKind::Json => &JSON_INFO,
            _ => &INFO,
        })
    }

    fn slug(&self) -> &str {
        self.info().map_or("", |info| info.slug)
    }

    fn validate(&self) -> Result<(), ValidationError> {
        // `strength` is a number from 0 to 10.
        let value = Limit::Float(self.strength);
        let kind = if self.strength < 0.0 {
            ViolationKind::BelowMinimum {
                value,
                minimum: Limit::Int(0),
            }
        } else if self.strength > 10.0 {
            ViolationKind::AboveMaximum {
                value,
                maximum: Limit::Int(10),
            }
        } else {
            return Ok(());
        };
        Err(ValidationError {
            model: "test-model".to_owned(),
            violations: vec![Violation {
                field: "strength".to_owned(),
                kind,
            }],
        })
    }

    fn to_json(&self) -> Value {
        let mut body =
            json!({ "input_image": self.image.to_wire_text(), "strength": self.strength });
        if let Some(audio) = &self.audio {
            body["input_audio"] = json!(audio.to_wire_text());
        }
        if let Some(base64) = self.base64 {
            body["base64"] = json!(base64);
        }
        body
    }

    fn media(&self) -> Vec<(String, &Media)> {
        let mut media = vec![("/input_image".to_owned(), &self.image)];
        if let Some(audio) = &self.audio {
            media.push(("/input_audio".to_owned(), audio));
        }
        media
    }
}

/// A small but well-formed MP4: an `ftyp`, a `moov` and an `mdat` holding
/// `payload` bytes, so its box structure ends exactly at its end.
pub fn mp4_file(payload: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut push_box = |kind: &[u8; 4], body: &[u8]| {
        out.extend_from_slice(&(8 + body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
    };
    push_box(b"ftyp", b"isom\0\0\x02\0isomiso2");
    push_box(b"moov", &[0; 16]);
    push_box(b"mdat", &pattern(payload));
    out
}

/// Any JSON body sent as the input of a model known by its description
/// (for the model files of every kind the local server loads).
#[derive(Debug, Clone)]
pub struct RawInput {
    pub info: &'static ModelInfo,
    pub body: Value,
}

impl ModelInput for RawInput {
    fn info(&self) -> Option<&'static ModelInfo> {
        Some(self.info)
    }

    fn slug(&self) -> &str {
        self.info.slug
    }

    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn to_json(&self) -> Value {
        self.body.clone()
    }

    fn media(&self) -> Vec<(String, &Media)> {
        Vec::new()
    }
}

/// A description of the model `slug` returning `output`, leaked: for tests.
pub fn model(slug: &'static str, output: OutputKind) -> &'static ModelInfo {
    Box::leak(Box::new(ModelInfo {
        slug,
        path: None,
        title: slug,
        summary: "",
        rust_name: "m",
        typical_latency_seconds: None,
        typical_price_usd: None,
        output,
        fields: &[],
    }))
}

/// The names of the files in `dir`, sorted.
pub fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
