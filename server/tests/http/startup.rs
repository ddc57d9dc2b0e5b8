//! Starting up: binding 127.0.0.1 only, and refusing bad schema folders with an
//! error that names the file.

use std::net::TcpListener;
use std::path::PathBuf;

use reqwest::StatusCode;
use segmind_server::{ServerConfig, ServerError, TestServer};

use crate::{config, hallo_body, post_json, start};

/// A fresh folder under the target directory, holding these files.
fn schema_folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("segmind-server-startup")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

async fn start_error(dir: PathBuf) -> ServerError {
    match TestServer::start(ServerConfig::new(dir)).await {
        Ok(server) => panic!("started on {}", server.base_url()),
        Err(error) => error,
    }
}

const GOOD: &str = r#"{"slug": "tiny", "input": {"type": "object", "required": ["a"]}}"#;

#[tokio::test]
async fn binds_loopback_and_start_on_uses_the_port() {
    let server = start(config()).await;
    assert!(server.addr().ip().is_loopback());
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}", server.addr().port())
    );
    assert!(!server.base_url().ends_with('/'));

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = TestServer::start_on(config(), port).await.unwrap();
    assert_eq!(server.addr().port(), port);
    let response = post_json(&server, "/v1/hallo", &hallo_body()).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_busy_port_is_a_bind_error() {
    let server = start(config()).await;
    let error = TestServer::start_on(config(), server.addr().port())
        .await
        .unwrap_err();
    assert!(matches!(error, ServerError::Bind { .. }), "{error}");
}

#[tokio::test]
async fn models_in_a_custom_folder_are_served_and_subfolders_ignored() {
    let dir = schema_folder("custom", &[("tiny.json", GOOD)]);
    std::fs::create_dir_all(dir.join("meta")).unwrap();
    std::fs::write(dir.join("meta/model.schema.json"), "not a model").unwrap();
    let server = start(ServerConfig::new(&dir)).await;
    let ok = post_json(&server, "/v1/tiny", &serde_json::json!({"a": 1})).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let missing = post_json(&server, "/v1/tiny", &serde_json::json!({})).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let other = post_json(&server, "/v1/hallo", &hallo_body()).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_model_with_its_own_request_path_is_served_there_only() {
    let prefixed =
        r#"{"slug": "tiny", "path": "/fam/tiny", "input": {"type": "object", "required": ["a"]}}"#;
    let dir = schema_folder("request-path", &[("tiny.json", prefixed)]);
    let server = start(ServerConfig::new(&dir)).await;
    let body = serde_json::json!({"a": 1});
    for path in ["/v1/fam/tiny", "/v2/fam/tiny"] {
        let ok = post_json(&server, path, &body).await;
        assert_eq!(ok.status(), StatusCode::OK, "{path}");
        let missing = post_json(&server, path, &serde_json::json!({})).await;
        assert_eq!(missing.status(), StatusCode::BAD_REQUEST, "{path}");
    }
    for path in ["/v1/tiny", "/v2/tiny", "/v1/fam", "/v1/fam/tiny/x"] {
        let answer = post_json(&server, path, &body).await;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn two_models_at_one_request_path_are_an_error() {
    let prefixed = r#"{"slug": "other", "path": "/tiny", "input": {"type": "object"}}"#;
    let dir = schema_folder("same-path", &[("a.json", GOOD), ("b.json", prefixed)]);
    let error = start_error(dir).await;
    assert!(
        matches!(error, ServerError::DuplicatePath { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("a.json") && message.contains("b.json") && message.contains("/v1/tiny"),
        "{message}"
    );
}

#[tokio::test]
async fn bad_model_files_are_errors_naming_the_file() {
    let cases = [
        ("not-json", "broken.json", "{ nope", "is not valid JSON"),
        (
            "no-slug",
            "noslug.json",
            r#"{"input": {"type": "object"}}"#,
            "/slug",
        ),
        ("no-input", "noinput.json", r#"{"slug": "x"}"#, "/input"),
        (
            "bad-path",
            "badpath.json",
            r#"{"slug": "x", "path": "fam/x", "input": {"type": "object"}}"#,
            "/path",
        ),
        (
            "bad-schema",
            "badschema.json",
            r#"{"slug": "x", "input": {"type": 12}}"#,
            "JSON Schema",
        ),
        (
            "bad-pattern",
            "badpattern.json",
            r#"{"slug": "x", "input": {"type": "object", "properties": {"a": {"type": "string", "pattern": "(["}}}}"#,
            "JSON Schema",
        ),
    ];
    for (folder, file, text, expected) in cases {
        let dir = schema_folder(folder, &[("good.json", GOOD), (file, text)]);
        let message = start_error(dir).await.to_string();
        assert!(message.contains(file), "{folder}: {message}");
        assert!(message.contains(expected), "{folder}: {message}");
    }
}

#[tokio::test]
async fn duplicate_slugs_missing_and_empty_folders_are_errors() {
    let dir = schema_folder("duplicate", &[("a.json", GOOD), ("b.json", GOOD)]);
    let error = start_error(dir).await;
    assert!(
        matches!(error, ServerError::DuplicateSlug { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("a.json") && message.contains("b.json"),
        "{message}"
    );

    let dir = schema_folder("empty", &[("notes.txt", "hello")]);
    assert!(matches!(
        start_error(dir).await,
        ServerError::NoModels { .. }
    ));

    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("segmind-server-no-such-folder");
    let error = start_error(missing).await;
    assert!(matches!(error, ServerError::SchemaDir { .. }));
    assert!(error.to_string().contains("segmind-server-no-such-folder"));
}
