//! HTTP tests of the server: each starts a `TestServer` on 127.0.0.1 and talks
//! to it with reqwest.

mod checks;
mod counting;
mod faults;
mod kinds;
mod limits;
mod startup;
mod upload;
mod v1;
mod v2;

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Response};
use segmind_server::{workspace_schema_dir, ServerConfig, TestServer};
use serde_json::{json, Value};

/// The key the tests send.
pub const KEY: &str = "test-key";

/// The workspace's model files, default settings.
pub fn config() -> ServerConfig {
    ServerConfig::new(workspace_schema_dir())
}

/// Starts a server, failing the test if it cannot.
pub async fn start(config: ServerConfig) -> TestServer {
    match TestServer::start(config).await {
        Ok(server) => server,
        Err(error) => panic!("server did not start: {error}"),
    }
}

/// A client that never goes through a proxy.
pub fn client() -> Client {
    Client::builder().no_proxy().build().expect("client builds")
}

/// A valid request body for `hallo`.
pub fn hallo_body() -> Value {
    json!({
        "input_image": "https://example.com/face.png",
        "input_audio": "https://example.com/voice.mp3",
        "pose_weight": 1.5
    })
}

/// POSTs JSON with the key and content type set.
pub async fn post_json(server: &TestServer, path: &str, body: &Value) -> Response {
    client()
        .post(format!("{}{path}", server.base_url()))
        .header("x-api-key", KEY)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request is answered")
}

/// GETs with the key set.
pub async fn get(server: &TestServer, path_or_url: &str) -> Response {
    let url = if path_or_url.starts_with("http") {
        path_or_url.to_owned()
    } else {
        format!("{}{path_or_url}", server.base_url())
    };
    client()
        .get(url)
        .header("x-api-key", KEY)
        .send()
        .await
        .expect("request is answered")
}

/// The body as JSON.
pub async fn json_of(response: Response) -> Value {
    let text = response.text().await.expect("body is read");
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

/// The `error` text of a JSON error body.
pub async fn error_of(response: Response) -> String {
    let body = json_of(response).await;
    body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no `error` string in {body}"))
        .to_owned()
}

/// A header's value as text.
pub fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}
