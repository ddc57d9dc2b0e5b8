//! Speed and memory figures, with their targets: how long codegen takes for
//! the real schemas, how much memory a 200 MB video costs when it is
//! streamed to disk (it must not be buffered whole), and how much a base64
//! reply costs (its text once, never a second copy of the output).
//!
//! Run with `cargo bench -p segmind-tests --bench figures`; exits non-zero
//! when a target is missed.

use std::time::{Duration, Instant};

use segmind::{Client, RetryPolicy};
use segmind_server::{ServerConfig, TestServer, VideoSource};

/// Streaming must not hold the video: the peak resident set may grow by at
/// most this much while 200 MB go to disk.
const MAX_RSS_GROWTH_MIB: f64 = 32.0;
/// Codegen for the real schemas, per run.
const MAX_CODEGEN: Duration = Duration::from_millis(500);
const VIDEO_BYTES: u64 = 200_000_000;
/// A base64 reply of a 60 MB output (80 MB of JSON) may cost its text plus
/// this much: decoding it into a second buffer would cost 60 MB more (and
/// parsing it into a JSON value 80 MB more again).
const MAX_BASE64_EXTRA_MIB: f64 = 32.0;
const BASE64_OUTPUT_BYTES: u64 = 60_000_000;

/// Peak resident set size of this process in KiB (Linux `VmHWM`).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn codegen_figure() -> bool {
    let dir = segmind_tests::workspace_root().join("schema");
    let runs = 20u32;
    xtask::generate(&dir).expect("warm-up");
    let start = Instant::now();
    for _ in 0..runs {
        xtask::generate(&dir).expect("codegen");
    }
    let per_run = start.elapsed() / runs;
    println!(
        "codegen: {per_run:?} per run for {} models (target < {MAX_CODEGEN:?})",
        segmind::models::ALL.len()
    );
    per_run < MAX_CODEGEN
}

/// The local server, making videos of `size` bytes, and a client of it
/// that never retries.
async fn video_server(size: u64) -> (TestServer, Client) {
    let server = TestServer::start(
        ServerConfig::new(segmind_server::workspace_schema_dir())
            .with_video(VideoSource::Generated { size }),
    )
    .await
    .expect("server");
    let client = Client::builder()
        .api_key("bench-key")
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    (server, client)
}

async fn streaming_figure() -> bool {
    let (_server, client) = video_server(VIDEO_BYTES).await;
    let input = segmind_tests::hallo_input();
    let dir = tempfile::tempdir().expect("tempdir");
    let before = peak_rss_kib();
    let start = Instant::now();
    let written = client
        .hallo(&input)
        .await
        .expect("v1")
        .save(dir.path().join("big.mp4"))
        .await
        .expect("saved");
    let elapsed = start.elapsed();
    let after = peak_rss_kib();
    assert_eq!(written, VIDEO_BYTES);
    let mb_per_s = VIDEO_BYTES as f64 / 1e6 / elapsed.as_secs_f64();
    println!(
        "v1 streaming: {} MB in {elapsed:?} ({mb_per_s:.0} MB/s over loopback), synced before the rename",
        VIDEO_BYTES / 1_000_000
    );
    // The same without the durability sync (`OutputFile::sync(false)`,
    // the CLI's `--no-sync`), alternating with the synced save.
    let (mut synced, mut unsynced) = (vec![elapsed], Vec::new());
    for round in 0..3 {
        for sync in [false, true] {
            let path = dir.path().join(format!("{round}-{sync}.mp4"));
            let out = segmind::OutputFile::create(&path)
                .expect("reserve")
                .sync(sync);
            let start = Instant::now();
            client
                .hallo(&input)
                .await
                .expect("v1")
                .save_into(out, |_, _| {})
                .await
                .expect("saved");
            if sync { &mut synced } else { &mut unsynced }.push(start.elapsed());
            std::fs::remove_file(&path).expect("remove");
        }
    }
    synced.sort();
    unsynced.sort();
    println!(
        "v1 streaming: median with the sync {:?}, without {:?} (ratio {:.2})",
        synced[synced.len() / 2],
        unsynced[unsynced.len() / 2],
        synced[synced.len() / 2].as_secs_f64() / unsynced[unsynced.len() / 2].as_secs_f64()
    );
    match (before, after) {
        (Some(before), Some(after)) => {
            let growth = (after.saturating_sub(before)) as f64 / 1024.0;
            println!("v1 streaming: peak RSS grew by {growth:.1} MiB (target < {MAX_RSS_GROWTH_MIB} MiB)");
            growth < MAX_RSS_GROWTH_MIB
        }
        _ => {
            println!("v1 streaming: peak RSS not measurable on this platform");
            true
        }
    }
}

async fn base64_figure() -> bool {
    let (_server, client) = video_server(BASE64_OUTPUT_BYTES).await;
    let input = segmind_tests::hallo_input().base64(true);
    let dir = tempfile::tempdir().expect("tempdir");
    let before = peak_rss_kib();
    let start = Instant::now();
    let written = client
        .hallo(&input)
        .await
        .expect("v1")
        .save(dir.path().join("b64.mp4"))
        .await
        .expect("saved");
    let elapsed = start.elapsed();
    let after = peak_rss_kib();
    assert_eq!(written, BASE64_OUTPUT_BYTES);
    let text_mib = BASE64_OUTPUT_BYTES.div_ceil(3) as f64 * 4.0 / (1024.0 * 1024.0);
    println!(
        "v1 base64: {} MB output from {text_mib:.0} MiB of JSON in {elapsed:?}",
        BASE64_OUTPUT_BYTES / 1_000_000
    );
    match (before, after) {
        (Some(before), Some(after)) => {
            let growth = (after.saturating_sub(before)) as f64 / 1024.0;
            println!(
                "v1 base64: peak RSS grew by {growth:.1} MiB (target < the reply's {text_mib:.0} MiB + {MAX_BASE64_EXTRA_MIB} MiB)"
            );
            growth < text_mib + MAX_BASE64_EXTRA_MIB
        }
        _ => {
            println!("v1 base64: peak RSS not measurable on this platform");
            true
        }
    }
}

/// A base64 reply may take at most this many times the raw reply's time.
const MAX_BASE64_RATIO: f64 = 2.0;
/// The output size of the side-by-side run.
const VERSUS_BYTES: u64 = 200 * 1024 * 1024;

/// The same 200 MiB output fetched raw and in base64 mode, alternating (3
/// rounds each), saved to disk: the ratio of the medians.
async fn base64_versus_raw_figure() -> bool {
    let (_server, client) = video_server(VERSUS_BYTES).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut raw, mut base64) = (Vec::new(), Vec::new());
    for round in 0..3 {
        for encoded in [false, true] {
            let input = segmind_tests::hallo_input().base64(encoded);
            let path = dir.path().join(format!("{round}-{encoded}.mp4"));
            let start = Instant::now();
            let written = client
                .hallo(&input)
                .await
                .expect("v1")
                .save(&path)
                .await
                .expect("saved");
            let elapsed = start.elapsed();
            assert_eq!(written, VERSUS_BYTES);
            std::fs::remove_file(&path).expect("remove");
            if encoded { &mut base64 } else { &mut raw }.push(elapsed);
        }
    }
    raw.sort();
    base64.sort();
    let ratio = base64[1].as_secs_f64() / raw[1].as_secs_f64();
    println!(
        "v1 base64 vs raw, 200 MiB output, medians of 3 alternating: base64 {:?}, raw {:?}, ratio {ratio:.2} (target <= {MAX_BASE64_RATIO})",
        base64[1], raw[1]
    );
    ratio <= MAX_BASE64_RATIO
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let codegen_ok = codegen_figure();
    let streaming_ok = runtime.block_on(streaming_figure());
    let base64_ok = runtime.block_on(base64_figure());
    let versus_ok = runtime.block_on(base64_versus_raw_figure());
    if !(codegen_ok && streaming_ok && base64_ok && versus_ok) {
        eprintln!("a target was missed");
        std::process::exit(1);
    }
}
