//! Figures of batch runs against the local server, with their targets:
//!
//! 1. 10,000 jobs in one process (the runtime's `Batch`, 256 jobs in
//!    flight, the client's default request limit): wall time, peak resident
//!    set, peak open sockets; targets RSS <= 64 MiB, sockets <= the request
//!    limit + 16, 0 errors; run twice, the second time under `ulimit -n 1024`.
//! 2. One v1 reply in base64 mode of 1 GiB (a 768 MiB video): peak resident
//!    set <= 32 MiB while it is decoded and saved.
//! 3. 1,000 lines with faults injected (429s on submits, 5xx on polls,
//!    results and downloads, downloads cut off), the run killed with SIGKILL
//!    once every line is submitted, then resumed until done: 0 duplicate
//!    POSTs, 0 lost outputs.
//!
//! Run with `cargo bench -p segmind-tests --bench batch_scale`; exits
//! non-zero when a target is missed. The parent runs the local server; each
//! measurement runs in a child process (this binary again, told what to do
//! by environment variables), so its peak resident set (Linux `VmHWM`) and
//! its sockets are the client's alone.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use segmind_runtime::{
    Batch, BatchLine, Client, Video, WaitOptions, DEFAULT_MAX_CONCURRENT_REQUESTS,
};
use segmind_server::{Fault, Route, ServerConfig, TestServer};

/// What a child does: `jobs`, `base64` or `faults`.
const CHILD_ENV: &str = "SEGMIND_BATCH_BENCH_CHILD";
/// The server's URL, for a child.
const URL_ENV: &str = "SEGMIND_BATCH_BENCH_URL";
/// The folder a child works in.
const DIR_ENV: &str = "SEGMIND_BATCH_BENCH_DIR";

const JOBS: u64 = 10_000;
const JOBS_IN_FLIGHT: usize = 256;
const MAX_JOBS_RSS_MIB: f64 = 64.0;
const BASE64_VIDEO_BYTES: u64 = 768 << 20;
const MAX_BASE64_RSS_MIB: f64 = 32.0;
const FAULT_LINES: u64 = 1_000;

/// Peak resident set size of this process in KiB (Linux `VmHWM`), 0 where
/// it cannot be read.
fn peak_rss_kib() -> u64 {
    segmind_tests::peak_rss_kib().unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Open sockets of this process, now.
fn sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| {
                    std::fs::read_link(entry.path())
                        .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"))
                })
                .count()
        })
        .unwrap_or(0)
}

/// Samples the open sockets every 2 ms until dropped; keeps the peak.
struct SocketWatch {
    peak: Arc<AtomicUsize>,
    stop: Arc<AtomicUsize>,
}

impl SocketWatch {
    fn start() -> Self {
        let peak = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicUsize::new(0));
        let (p, s) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while s.load(Ordering::Relaxed) == 0 {
                p.fetch_max(sockets(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        SocketWatch { peak, stop }
    }

    fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }
}

impl Drop for SocketWatch {
    fn drop(&mut self) {
        self.stop.store(1, Ordering::Relaxed);
    }
}

/// `count` lines of flux-schnell input.
fn write_inputs(dir: &Path, count: u64) -> String {
    let mut text = String::new();
    for line in 1..=count {
        text.push_str(&format!(
            "{{\"prompt\": \"a cat number {line}\", \"steps\": 1}}\n"
        ));
    }
    let path = dir.join("inputs.jsonl");
    std::fs::write(&path, &text).unwrap();
    text
}

fn client(url: &str) -> Client {
    Client::builder()
        .api_key("bench-key")
        .base_url(url)
        .retry(segmind_runtime::RetryPolicy::default().with_base_delay(Duration::from_millis(50)))
        .build()
        .unwrap()
}

/// A batch run in this (child) process; prints `<ms> <peak KiB> <peak
/// sockets> <done> <failed>`.
fn child_batch(url: &str, dir: &Path, jobs_in_flight: usize) -> Result<(), String> {
    let text = std::fs::read_to_string(dir.join("inputs.jsonl")).map_err(|e| e.to_string())?;
    let model = segmind::models::find("flux-schnell").ok_or("no flux-schnell")?;
    let (lines, problems) = BatchLine::parse_all(&text, model, |value| {
        segmind::models::input_from_json(model.slug, value)
    });
    if !problems.is_empty() {
        return Err(format!("{problems:?}"));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let watch = SocketWatch::start();
    let started = Instant::now();
    let summary = runtime
        .block_on(
            Batch::new(&client(url), model, lines, dir.join("out"))
                .concurrency(jobs_in_flight)
                .wait_options(WaitOptions::new().with_poll_interval(Duration::from_millis(50)))
                .run(|_| {}),
        )
        .map_err(|e| e.to_string())?;
    let ms = started.elapsed().as_millis();
    println!(
        "{ms} {} {} {} {}",
        peak_rss_kib(),
        watch.peak(),
        summary.done,
        summary.failed
    );
    Ok(())
}

/// One base64 reply saved in this (child) process; prints `<ms> <peak
/// before KiB> <peak KiB> <bytes saved>`.
fn child_base64(url: &str, dir: &Path) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let input = segmind::models::input_from_json(
        "hallo",
        serde_json::json!({
            "input_image": "https://example.com/face.png",
            "input_audio": "https://example.com/voice.mp3",
            "base64": true
        }),
    )
    .map_err(|e| e.to_string())?;
    let before = peak_rss_kib();
    let started = Instant::now();
    let saved = runtime
        .block_on(async {
            let video: Video = client(url).run(&*input).await?;
            video.save(dir.join("out.mp4")).await
        })
        .map_err(|e| e.to_string())?;
    println!(
        "{} {before} {} {saved}",
        started.elapsed().as_millis(),
        peak_rss_kib()
    );
    Ok(())
}

/// Runs this binary as a child doing `what`, with a file limit when given;
/// answers its stdout's first line.
fn run_child(what: &str, url: &str, dir: &Path, file_limit: Option<u32>) -> Result<String, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = match file_limit {
        Some(limit) => {
            let mut command = Command::new("sh");
            command
                .arg("-c")
                .arg(format!("ulimit -n {limit} && exec \"$0\""))
                .arg(&me);
            command
        }
        None => Command::new(&me),
    };
    let output = command
        .env(CHILD_ENV, what)
        .env(URL_ENV, url)
        .env(DIR_ENV, dir)
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "the {what} child failed: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(stdout.lines().next().unwrap_or("").to_owned())
}

fn numbers(line: &str) -> Vec<f64> {
    line.split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// Figure 1: 10,000 jobs, with and without `ulimit -n 1024`.
fn bench_jobs(runtime: &tokio::runtime::Runtime) -> bool {
    let mut ok = true;
    for limit in [None, Some(1024)] {
        let server = runtime
            .block_on(TestServer::start(
                ServerConfig::new(segmind_server::workspace_schema_dir())
                    .with_polls_before_complete(1),
            ))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        write_inputs(dir.path(), JOBS);
        let line = match run_child("jobs", &server.base_url(), dir.path(), limit) {
            Ok(line) => line,
            Err(e) => {
                println!("10,000 jobs: {e}");
                ok = false;
                continue;
            }
        };
        let n = numbers(&line);
        let (ms, rss, socks, done, failed) = (n[0], n[1] as u64, n[2] as usize, n[3], n[4]);
        let posts = server.post_count_for(Route::V2Submit);
        let max_sockets = DEFAULT_MAX_CONCURRENT_REQUESTS + 16;
        let pass = mib(rss) <= MAX_JOBS_RSS_MIB
            && socks <= max_sockets
            && failed == 0.0
            && done as u64 == JOBS
            && posts as u64 == JOBS;
        ok &= pass;
        let limit = limit.map_or("no file limit".to_owned(), |l| format!("ulimit -n {l}"));
        println!(
            "10,000 jobs ({limit}, {JOBS_IN_FLIGHT} in flight): {:.1} s, peak RSS {:.1} MiB (target <= {MAX_JOBS_RSS_MIB}), peak sockets {socks} (target <= {max_sockets}), {done} done, {failed} failed, {posts} POSTs: {}",
            ms / 1000.0,
            mib(rss),
            if pass { "ok" } else { "MISSED" }
        );
    }
    ok
}

/// Figure 2: a 1 GiB base64 reply.
fn bench_base64(runtime: &tokio::runtime::Runtime) -> bool {
    let server = runtime
        .block_on(TestServer::start(
            ServerConfig::new(segmind_server::workspace_schema_dir())
                .with_generated_video(BASE64_VIDEO_BYTES),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let line = match run_child("base64", &server.base_url(), dir.path(), None) {
        Ok(line) => line,
        Err(e) => {
            println!("1 GiB base64 reply: {e}");
            return false;
        }
    };
    let n = numbers(&line);
    let (ms, before, peak, saved) = (n[0], n[1] as u64, n[2] as u64, n[3] as u64);
    let whole = saved == BASE64_VIDEO_BYTES;
    let pass = mib(peak) <= MAX_BASE64_RSS_MIB && whole;
    let reply_mib = (BASE64_VIDEO_BYTES.div_ceil(3) * 4) as f64 / 1048576.0;
    println!(
        "base64 reply of {reply_mib:.0} MiB ({} MiB video): {:.1} s, peak RSS {:.1} MiB (before the call {:.1} MiB; target <= {MAX_BASE64_RSS_MIB}), saved {saved} bytes: {}",
        BASE64_VIDEO_BYTES >> 20,
        ms / 1000.0,
        mib(peak),
        mib(before),
        if pass { "ok" } else { "MISSED" }
    );
    pass
}

/// Figure 3: 1,000 lines with faults, killed once, resumed until done.
fn bench_faults(runtime: &tokio::runtime::Runtime) -> bool {
    let mut config =
        ServerConfig::new(segmind_server::workspace_schema_dir()).with_polls_before_complete(8);
    let rate_limits = 20;
    for _ in 0..rate_limits {
        config = config.with_fault(
            Route::V2Submit,
            Fault::RateLimited {
                reset_after: Duration::from_millis(200),
            },
        );
    }
    for i in 0..60 {
        config = config
            .with_fault(Route::Status, Fault::Status([502, 503, 504][i % 3]))
            .with_fault(Route::Result, Fault::Status(503));
        if i % 2 == 0 {
            config = config
                .with_fault(Route::File, Fault::CutBody)
                .with_fault(Route::File, Fault::Status(502));
        }
    }
    let server = runtime.block_on(TestServer::start(config)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_inputs(dir.path(), FAULT_LINES);
    let url = server.base_url();
    let me = std::env::current_exe().unwrap();
    // The first run is killed once every line is submitted.
    let mut child = Command::new(&me)
        .env(CHILD_ENV, "faults")
        .env(URL_ENV, &url)
        .env(DIR_ENV, dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let manifest = dir.path().join("out").join("manifest.jsonl");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let text = std::fs::read_to_string(&manifest).unwrap_or_default();
        let submitted = text.matches("\"state\":\"submitted\"").count() as u64;
        if submitted >= FAULT_LINES || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut runs = 1;
    while runs < 6 {
        runs += 1;
        let last = match run_child("faults", &url, dir.path(), None) {
            Ok(line) => line,
            Err(e) => {
                println!("1,000 lines with faults: {e}");
                return false;
            }
        };
        if numbers(&last).get(4) == Some(&0.0) {
            break;
        }
    }
    let posts = server.post_count_for(Route::V2Submit) as u64;
    let duplicates = posts.saturating_sub(FAULT_LINES + rate_limits);
    let image = TestServer::fixture_image("jpeg").unwrap();
    let out = dir.path().join("out");
    let records = segmind_runtime::ManifestContents::read(&manifest)
        .unwrap()
        .records;
    let lost = (1..=FAULT_LINES)
        .filter(|line| {
            let record = records.get(line);
            let name = record.and_then(|r| r.output.as_deref());
            name.and_then(|name| std::fs::read(out.join(name)).ok())
                .is_none_or(|bytes| bytes != image)
        })
        .count();
    let pass = duplicates == 0 && lost == 0 && posts == FAULT_LINES + rate_limits;
    println!(
        "1,000 lines with faults, killed once then resumed ({runs} runs): {posts} POSTs for {FAULT_LINES} lines and {rate_limits} 429s, {duplicates} duplicate POSTs, {lost} lost outputs: {}",
        if pass { "ok" } else { "MISSED" }
    );
    pass
}

fn main() -> ExitCode {
    if let Ok(what) = std::env::var(CHILD_ENV) {
        let url = std::env::var(URL_ENV).unwrap_or_default();
        let dir = std::path::PathBuf::from(std::env::var(DIR_ENV).unwrap_or_default());
        let outcome = match what.as_str() {
            "jobs" => child_batch(&url, &dir, JOBS_IN_FLIGHT),
            "faults" => child_batch(&url, &dir, FAULT_LINES as usize),
            "base64" => child_base64(&url, &dir),
            other => Err(format!("unknown child {other}")),
        };
        return match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let only = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut ok = true;
    if only.as_deref().is_none_or(|o| o == "jobs") {
        ok &= bench_jobs(&runtime);
    }
    if only.as_deref().is_none_or(|o| o == "base64") {
        ok &= bench_base64(&runtime);
    }
    if only.as_deref().is_none_or(|o| o == "faults") {
        ok &= bench_faults(&runtime);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
