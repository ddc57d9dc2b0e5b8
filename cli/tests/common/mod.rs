//! What the integration tests share: running the built `segmind` binary in a
//! scratch folder (without the caller's SEGMIND_* settings) while a local
//! Segmind server on 127.0.0.1 answers it, and the media files it sends.

#![allow(dead_code)]

use assert_cmd::Command;
use segmind_server::{ServerConfig, TestServer};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The key the tests pass with `--api-key`.
pub const KEY: &str = "sk-test-KEY-0123456789";

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
}

/// A scratch folder holding a small image and a small audio file.
pub struct Scratch {
    dir: TempDir,
}

impl Scratch {
    /// A new folder with `face.png` and `voice.mp3` in it.
    pub fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("face.png"),
            b"\x89PNG\r\n\x1a\nnot really a picture",
        )
        .expect("write");
        std::fs::write(dir.path().join("voice.mp3"), b"ID3 not really a voice").expect("write");
        Scratch { dir }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A file in the folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Starts a local server on 127.0.0.1 with `config` (built from the
/// workspace's `schema/` folder by the caller).
pub async fn server(config: ServerConfig) -> TestServer {
    TestServer::start(config)
        .await
        .expect("the local server starts")
}

/// A slug the server serves (a copy of flux-schnell) and this tool does not
/// know: an image model.
pub const UNKNOWN_IMAGE_MODEL: &str = "flux-schnell-next";
/// The same for a JSON model (a copy of llava-v1.6).
pub const UNKNOWN_JSON_MODEL: &str = "llava-next";
/// The same for a video model (a copy of hallo).
pub const UNKNOWN_VIDEO_MODEL: &str = "hallo-next";

/// A folder with the workspace's schemas and copies of three of them under
/// slugs no crate knows ([`UNKNOWN_IMAGE_MODEL`], [`UNKNOWN_JSON_MODEL`],
/// [`UNKNOWN_VIDEO_MODEL`]), for a server that serves models this tool has
/// no schema of.
#[allow(dead_code, reason = "not every test binary uses it")]
pub fn schemas_with_unknown_models(scratch: &Scratch) -> PathBuf {
    segmind_server::schema_dir_with_copies(
        &scratch.file("server-schemas"),
        &[
            ("flux-schnell", UNKNOWN_IMAGE_MODEL),
            ("llava-v1.6", UNKNOWN_JSON_MODEL),
            ("hallo", UNKNOWN_VIDEO_MODEL),
        ],
    )
}

/// The default server configuration.
pub fn config() -> ServerConfig {
    ServerConfig::new(segmind_server::workspace_schema_dir())
}

/// Runs `segmind` with the words of `line` as its arguments (split at
/// whitespace) in `dir`, off the async runtime so the server keeps answering
/// meanwhile.
pub async fn segmind(dir: &Path, line: &str) -> Run {
    let dir = dir.to_path_buf();
    let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
    tokio::task::spawn_blocking(move || segmind_blocking(&dir, &args))
        .await
        .expect("the run finishes")
}

/// The built `segmind` binary, without the caller's SEGMIND_* settings.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_segmind"));
    command
        .env_remove("SEGMIND_API_KEY")
        .env_remove("SEGMIND_BASE_URL")
        .env_remove("SEGMIND_UPLOAD_URL");
    command
}

/// Runs `segmind` with `args` in `dir` and waits for it.
pub fn segmind_blocking(dir: &Path, args: &[String]) -> Run {
    let output = command()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
