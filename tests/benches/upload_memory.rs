//! Peak memory of uploading a 1 GiB local file, with its target: the client
//! streams the file from disk into the upload's JSON body, so its peak
//! resident set must grow by at most 32 MiB, whatever the file's size. Beside
//! it, for comparison, the whole-file approach uploads used before (the file
//! read whole, made a base64 `data:` URL, put in a JSON body and serialized;
//! inline mode still works that way, for files of up to 10 MiB).
//!
//! Run with `cargo bench -p segmind-tests --bench upload_memory`; exits
//! non-zero when the target is missed.
//!
//! The parent process makes a sparse 1 GiB file and runs the local server,
//! its body limit raised for the file. Each measurement runs in a child
//! process (this binary again, told what to do by an environment variable),
//! so that its peak resident set (Linux `VmHWM`) is the client's alone.

use segmind_tests::peak_rss_kib;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use segmind::{hallo, Media};
use segmind_runtime::{Client, MediaUpload, RetryPolicy};
use segmind_server::{ServerConfig, TestServer};

/// The file uploaded.
const FILE_BYTES: u64 = 1 << 30;
/// The streamed upload may grow the client's peak resident set by at most
/// this much.
const MAX_RSS_GROWTH_MIB: f64 = 32.0;
/// Set in a child: `stream` or `whole`.
const CHILD_ENV: &str = "SEGMIND_UPLOAD_MEMORY_CHILD";

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn input(path: &Path) -> hallo::Input {
    hallo::Input::new(
        Media::file(path),
        Media::url("https://example.com/voice.mp3"),
    )
}

/// One measurement, in a child: prints `<peak before KiB> <peak after KiB>
/// <milliseconds> <url or ->`.
fn child(mode: &str, base_url: &str, path: &Path) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let media_upload = match mode {
        "stream" => MediaUpload::Upload,
        _ => MediaUpload::Inline,
    };
    let client = Client::builder()
        .api_key("bench-key")
        .base_url(base_url)
        .retry(RetryPolicy::none())
        .request_timeout(Duration::from_secs(600))
        .media_upload(media_upload)
        .build()
        .map_err(|e| e.to_string())?;
    let input = input(path);
    let before = peak_rss_kib().ok_or("no VmHWM")?;
    let start = Instant::now();
    let url = runtime.block_on(async {
        // No size limit: the figure is about memory, not the refusal.
        let body = client
            .prepare_body_with_file_limit(&input, u64::MAX)
            .await
            .map_err(|e| e.to_string())?;
        if mode == "stream" {
            Ok::<_, String>(body["input_image"].as_str().unwrap_or("-").to_owned())
        } else {
            // What the old upload then sent: the body serialized.
            let sent = serde_json::to_vec(&serde_json::json!({
                "data_urls": [body["input_image"]]
            }))
            .map_err(|e| e.to_string())?;
            Ok(format!("-{}", sent.len()))
        }
    })?;
    let elapsed = start.elapsed();
    let after = peak_rss_kib().ok_or("no VmHWM")?;
    println!("{before} {after} {} {url}", elapsed.as_millis());
    Ok(())
}

/// A child's figures: peak growth in KiB, time, and its last word.
fn measure(mode: &str, base_url: &str, path: &Path) -> Result<(u64, Duration, String), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(exe)
        .env(CHILD_ENV, mode)
        .arg(base_url)
        .arg(path)
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the {mode} child failed ({}): {stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let fields: Vec<&str> = stdout.split_whitespace().collect();
    let number = |i: usize| -> Result<u64, String> {
        fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| format!("unexpected child output: {stdout}"))
    };
    let (before, after, millis) = (number(0)?, number(1)?, number(2)?);
    let last = fields.get(3).copied().unwrap_or_default().to_owned();
    Ok((
        after.saturating_sub(before),
        Duration::from_millis(millis),
        last,
    ))
}

fn run() -> Result<bool, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("big.mp4");
    // Sparse: no room taken on disk, and read back as zeros at memory speed,
    // so the figure is the client's, not the disk's.
    std::fs::File::create(&path)
        .and_then(|file| file.set_len(FILE_BYTES))
        .map_err(|e| e.to_string())?;

    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let body_limit = usize::try_from(FILE_BYTES / 3 * 4 + (1 << 20)).map_err(|e| e.to_string())?;
    let server = runtime
        .block_on(TestServer::start(
            ServerConfig::new(segmind_server::workspace_schema_dir())
                .with_max_body_bytes(body_limit),
        ))
        .map_err(|e| e.to_string())?;
    let base_url = server.base_url();

    let server_before = peak_rss_kib();
    let (stream_kib, stream_time, url) = measure("stream", &base_url, &path)?;
    let server_after = peak_rss_kib();
    // The server kept the file: its length is the file's.
    let served = runtime.block_on(async {
        let response = reqwest::get(&url).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(response.content_length())
    })?;
    if served != Some(FILE_BYTES) {
        return Err(format!(
            "the server holds {served:?} bytes at {url}, not {FILE_BYTES}"
        ));
    }
    let gib = FILE_BYTES as f64 / f64::from(1u32 << 30);
    let rate = FILE_BYTES as f64 / 1e6 / stream_time.as_secs_f64();
    println!(
        "upload (streamed): {gib:.0} GiB file in {stream_time:?} ({rate:.0} MB/s over loopback); client peak RSS grew by {:.1} MiB (target < {MAX_RSS_GROWTH_MIB} MiB)",
        mib(stream_kib)
    );
    let streamed_ok = mib(stream_kib) < MAX_RSS_GROWTH_MIB;
    if let (Some(before), Some(after)) = (server_before, server_after) {
        // The local server holds the request body and the decoded file.
        println!(
            "local server (this process): peak RSS grew by {:.1} MiB taking the upload",
            mib(after.saturating_sub(before))
        );
    }

    let (whole_kib, whole_time, sent) = measure("whole", &base_url, &path)?;
    println!(
        "whole-file approach (read whole, base64 data URL, JSON body of {} bytes serialized, not sent): client peak RSS grew by {:.1} MiB in {whole_time:?}",
        sent.trim_start_matches('-'),
        mib(whole_kib)
    );
    if stream_kib > 0 {
        println!(
            "ratio: the whole-file approach peaks {:.0}x higher",
            whole_kib as f64 / stream_kib as f64
        );
    }
    drop(server);
    Ok(streamed_ok)
}

fn main() -> ExitCode {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        let args: Vec<String> = std::env::args().collect();
        let (Some(base_url), Some(path)) = (args.get(1), args.get(2)) else {
            eprintln!("a child needs a base URL and a path");
            return ExitCode::FAILURE;
        };
        return match child(&mode, base_url, Path::new(path)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("{error}");
                ExitCode::FAILURE
            }
        };
    }
    // `cargo bench` passes `--bench`; nothing else is taken.
    if peak_rss_kib().is_none() {
        println!("upload memory: peak RSS not measurable on this platform");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("a target was missed");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("upload memory: {error}");
            ExitCode::FAILURE
        }
    }
}
