//! A running server: binding 127.0.0.1, serving in a background task, the
//! handles tests assert with, and shutting down when dropped.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::ServerConfig;
use crate::error::ServerError;
use crate::faults::{Fault, Route};
use crate::record::RecordedRequest;
use crate::state::{AppState, Shared};
use crate::{outputs, routes, schemas, video};

/// A server running on 127.0.0.1 in the current Tokio runtime. It stops
/// accepting connections when dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestServer {
    /// Loads the models and serves on a free port of 127.0.0.1.
    pub async fn start(config: ServerConfig) -> Result<TestServer, ServerError> {
        Self::start_on(config, 0).await
    }

    /// Loads the models and serves on 127.0.0.1:`port` (`0` picks a free one).
    pub async fn start_on(config: ServerConfig, port: u16) -> Result<TestServer, ServerError> {
        let models = schemas::load(&config.schema_dir)?;
        let wanted = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let bind_error = |source| ServerError::Bind {
            addr: wanted,
            source,
        };
        let listener = TcpListener::bind(wanted).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let state: AppState = Arc::new(Shared::new(config, models, format!("http://{addr}")));
        let app = routes::router(state.clone());
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let serving = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            // Accept errors are retried inside `serve`; nothing else can end it.
            let _ = serving.await;
        });
        Ok(TestServer {
            addr,
            state,
            shutdown: Some(shutdown),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    /// POST requests received so far, on any path, whatever was answered.
    pub fn post_count(&self) -> usize {
        self.state.post_count(Route::Any)
    }

    /// POST requests received so far on one route ([`Route::Any`]: all of them).
    /// GET-only routes count 0.
    pub fn post_count_for(&self, route: Route) -> usize {
        self.state.post_count(route)
    }

    /// The requests received so far, in arrival order: the latest
    /// [`crate::ServerConfig::max_records`] of them, each body cut to its
    /// first [`crate::RECORDED_BODY_BYTES`] (see [`RecordedRequest`]).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.records()
    }

    /// How many requests were received in all, including those the log
    /// ([`TestServer::requests`]) no longer holds.
    pub fn request_count(&self) -> u64 {
        self.state.received()
    }

    /// Queues a fault for the first later request that matches `route`.
    pub fn push_fault(&self, route: Route, fault: Fault) {
        self.state.push_fault(route, fault);
    }

    /// The MP4 served by [`crate::VideoSource::Fixture`].
    pub fn fixture_video() -> &'static [u8] {
        video::FIXTURE
    }

    /// The image an image model answers for an `output_format` of `jpeg`
    /// (also `jpg`, and the default when the request has none), `png` or
    /// `webp`; `None` for any other format.
    pub fn fixture_image(format: &str) -> Option<&'static [u8]> {
        match format.to_ascii_lowercase().as_str() {
            "jpeg" | "jpg" => Some(outputs::JPEG),
            "png" => Some(outputs::PNG),
            "webp" => Some(outputs::WEBP),
            _ => None,
        }
    }

    /// The WAV an audio model answers.
    pub fn fixture_audio() -> &'static [u8] {
        outputs::WAV
    }

    /// The JSON a JSON model (`output: "json"`) with this slug answers, in
    /// v1 and as a v2 result's `output`.
    pub fn json_answer(slug: &str) -> serde_json::Value {
        outputs::json_answer(slug)
    }

    /// The reply a chat model (`output: "chat"`) with this slug and
    /// `chat_format` (`openai`, `anthropic`, `gemini`) answers to the
    /// request body `request`, in v1 and as a v2 result's `output`; `None`
    /// for another format.
    pub fn chat_answer(
        chat_format: &str,
        slug: &str,
        request: &serde_json::Value,
    ) -> Option<serde_json::Value> {
        Some(crate::chat::ChatFormat::parse(chat_format)?.reply(request, slug))
    }
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
