//! Speed and memory figures, with their targets: how long codegen takes for
//! the real schemas, how much memory a 200 MB video costs when it is
//! streamed to disk (it must not be buffered whole), and how much a base64
//! reply costs (its text once, never a second copy of the output).
//!
//! Then base64 against raw, side by side in one run (alternating, medians,
//! with the spread): a 200 MiB output, then a 1 GiB one with the base64
//! side's peak memory.
//!
//! Run with `cargo bench -p segmind-tests --bench figures`; exits non-zero
//! when a target is missed. `FIGURES=versus` (or `codegen`, `streaming`,
//! `base64`, comma-separated) runs only those.

use segmind_tests::{peak_rss_kib, rss_kib};
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
/// Rounds of each side in the side-by-side run.
const VERSUS_ROUNDS: usize = 7;
/// The output size of the large side-by-side run, and its rounds.
const LARGE_VERSUS_BYTES: u64 = 1024 * 1024 * 1024;
const LARGE_VERSUS_ROUNDS: usize = 5;
/// A base64 reply of the large output may grow the peak resident set by at
/// most this much: it is decoded as it streams, never held.
const MAX_LARGE_BASE64_RSS_GROWTH_MIB: f64 = 32.0;

/// Resets the peak resident set (`VmHWM`) to the current one, so that a
/// later peak is this step's alone; false where that cannot be done.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The median, the lowest and the highest of `times`.
fn spread(times: &mut [Duration]) -> (Duration, Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[0], times[times.len() - 1])
}

/// The same output of `size` bytes fetched raw and in base64 mode,
/// alternating (`rounds` each), saved to disk (synced before the rename,
/// as by default): the ratio of the medians, with the spread of each side,
/// and the peak resident set's growth over the base64 runs. The base64
/// side is timed from the call to the saved file, as the raw one.
async fn versus(size: u64, rounds: usize, label: &str, max_growth_mib: Option<f64>) -> bool {
    let (_server, client) = video_server(size).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut raw, mut base64) = (Vec::new(), Vec::new());
    let mut growth_kib = 0u64;
    for round in 0..rounds {
        for encoded in [false, true] {
            let input = segmind_tests::hallo_input().base64(encoded);
            let path = dir.path().join(format!("{round}-{encoded}.mp4"));
            let before = (encoded && reset_peak_rss()).then(rss_kib).flatten();
            let start = Instant::now();
            let written = client
                .hallo(&input)
                .await
                .expect("v1")
                .save(&path)
                .await
                .expect("saved");
            let elapsed = start.elapsed();
            if let (Some(before), Some(peak)) = (before, peak_rss_kib()) {
                growth_kib = growth_kib.max(peak.saturating_sub(before));
            }
            assert_eq!(written, size);
            std::fs::remove_file(&path).expect("remove");
            if encoded { &mut base64 } else { &mut raw }.push(elapsed);
        }
    }
    let (b_med, b_min, b_max) = spread(&mut base64);
    let (r_med, r_min, r_max) = spread(&mut raw);
    let ratio = b_med.as_secs_f64() / r_med.as_secs_f64();
    println!(
        "v1 base64 vs raw, {label} output, medians of {rounds} alternating: base64 {} ms ({}..{}), raw {} ms ({}..{}), ratio {ratio:.2} (target <= {MAX_BASE64_RATIO})",
        b_med.as_millis(),
        b_min.as_millis(),
        b_max.as_millis(),
        r_med.as_millis(),
        r_min.as_millis(),
        r_max.as_millis()
    );
    let mut ok = ratio <= MAX_BASE64_RATIO;
    if let Some(max) = max_growth_mib {
        let growth = growth_kib as f64 / 1024.0;
        if reset_peak_rss() {
            println!(
                "v1 base64, {label} output: peak RSS grew by at most {growth:.1} MiB over a call and save (target < {max} MiB)"
            );
            ok &= growth < max;
        } else {
            println!("v1 base64, {label} output: peak RSS not measurable on this platform");
        }
    }
    ok
}

/// 200 MiB raw against base64; then 1 GiB, with the base64 side's memory.
async fn base64_versus_raw_figure() -> bool {
    let ok = versus(VERSUS_BYTES, VERSUS_ROUNDS, "200 MiB", None).await;
    let large_ok = versus(
        LARGE_VERSUS_BYTES,
        LARGE_VERSUS_ROUNDS,
        "1 GiB",
        Some(MAX_LARGE_BASE64_RSS_GROWTH_MIB),
    )
    .await;
    ok && large_ok
}

/// Whether the figure `name` is to run: all of them unless `FIGURES`
/// names some (`codegen`, `streaming`, `base64`, `versus`, comma-separated).
fn wanted(name: &str) -> bool {
    match std::env::var("FIGURES") {
        Ok(list) if !list.trim().is_empty() => list.split(',').any(|n| n.trim() == name),
        _ => true,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let codegen_ok = !wanted("codegen") || codegen_figure();
    let streaming_ok = !wanted("streaming") || runtime.block_on(streaming_figure());
    let base64_ok = !wanted("base64") || runtime.block_on(base64_figure());
    let versus_ok = !wanted("versus") || runtime.block_on(base64_versus_raw_figure());
    if !(codegen_ok && streaming_ok && base64_ok && versus_ok) {
        eprintln!("a target was missed");
        std::process::exit(1);
    }
}
