//! The `segmind-server` binary: it prints the address it bound as its first
//! line, serves, and honours its options.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, StatusCode};
use segmind_server::workspace_schema_dir;

/// The running binary; killed when dropped.
struct Running {
    child: Child,
    base_url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_segmind-server"))
        .args(["--port", "0", "--schema-dir"])
        .arg(workspace_schema_dir())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let base_url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Running { child, base_url }
}

fn client() -> Client {
    Client::builder().no_proxy().build().unwrap()
}

fn hallo_body() -> String {
    serde_json::json!({
        "input_image": "https://example.com/face.png",
        "input_audio": "https://example.com/voice.mp3"
    })
    .to_string()
}

#[tokio::test]
async fn prints_its_address_then_serves() {
    let server = spawn(&[]);
    let port = server
        .base_url
        .strip_prefix("http://127.0.0.1:")
        .expect("bound to 127.0.0.1");
    assert!(port.parse::<u16>().unwrap() > 0);
    let response = client()
        .post(format!("{}/v1/hallo", server.base_url))
        .header("x-api-key", "any")
        .header(CONTENT_TYPE, "application/json")
        .body(hallo_body())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        &response.bytes().await.unwrap()[..],
        segmind_server::TestServer::fixture_video()
    );
}

#[tokio::test]
async fn options_set_key_video_size_polls_and_faults() {
    let server = spawn(&[
        "--api-key",
        "secret",
        "--video-size",
        "12345",
        "--polls",
        "0",
        "--fail-jobs",
        "no face",
        "--fault",
        "v1=503",
    ]);
    let post = |key: &'static str, path: &str| {
        client()
            .post(format!("{}{path}", server.base_url))
            .header("x-api-key", key)
            .header(CONTENT_TYPE, "application/json")
            .body(hallo_body())
            .send()
    };
    // A queued fault comes before every check, as a gateway in front would.
    assert_eq!(
        post("secret", "/v1/hallo").await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        post("wrong", "/v1/hallo").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let video = post("secret", "/v1/hallo").await.unwrap();
    assert_eq!(video.content_length(), Some(12_345));
    assert_eq!(video.bytes().await.unwrap().len(), 12_345);

    let job: serde_json::Value = post("secret", "/v2/hallo")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status = client()
        .get(job["status_url"].as_str().unwrap())
        .header("x-api-key", "secret")
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = status.json().await.unwrap();
    assert_eq!(body["error"], "no face");
}

#[test]
fn a_bad_schema_folder_exits_with_an_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_segmind-server"))
        .args(["--port", "0", "--schema-dir", "no-such-schema-folder"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|child| child.wait_with_output())
        .expect("the binary runs");
    assert!(!output.status.success());
    let mut stderr = String::new();
    output
        .stderr
        .as_slice()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("no-such-schema-folder"), "{stderr}");
    assert!(output.stdout.is_empty());
}
