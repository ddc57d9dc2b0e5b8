//! Sequential small v1 calls, one process, against the local server: our
//! client beside `curl` (one process, one reused connection) and, for
//! information, a bare `reqwest` loop (the floor of our HTTP stack).
//!
//! The server is the in-process `TestServer` on a runtime of its own (one
//! worker thread), so it costs the same on every side: `curl` and the bare
//! loop talk to the very same server as our client. The model is
//! `llava-v1.6`, whose v1 reply is a small JSON document; every side sends
//! the same headers and the same body (the one our client sent, taken from
//! the server's request log) and reads the whole reply (`curl` writes it to
//! `/dev/null`; ours parses it, as `client.llava_v1_6` does, with every
//! guarantee of a call: validation, the no-retry rule of a billed POST, the
//! key's redaction, the reply checks).
//!
//! Each round runs N calls per side, alternating curl, ours, bare; the
//! figures are medians over the rounds, with their spread. Our client runs
//! on the runtime `#[tokio::main]` gives (multi-thread, one worker per
//! core) and, for information, on a current-thread runtime.
//!
//! Run with `cargo bench -p segmind-tests --bench per_call`; exits
//! non-zero when ours makes fewer than 0.9× curl's calls per second.
//! `PER_CALL_N` (default 5000) and `PER_CALL_ROUNDS` (default 7) change
//! the size of the run. `PER_CALL_ONLY=ours` (or `bare`, `single`) runs
//! that side alone, N calls once, for a profiler (`perf record`,
//! `valgrind --tool=callgrind`), and prints its figure without a verdict.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use segmind::{llava_v1_6, Client, RetryPolicy};
use segmind_server::{ServerConfig, TestServer};

/// Ours must make at least this share of curl's calls per second.
const TARGET_RATIO: f64 = 0.9;
const API_KEY: &str = "bench-key";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn input() -> llava_v1_6::Input {
    llava_v1_6::Input::new("https://media.example/photo.png", "What is in the picture?")
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

/// N calls of our client, the client built first (as curl connects first).
async fn ours(base_url: &str, n: usize) -> Duration {
    let input = input();
    let start = Instant::now();
    let client = client(base_url);
    for _ in 0..n {
        let output = client.llava_v1_6(&input).await.expect("our call");
        assert!(output.value().is_object(), "{:?}", output.value());
    }
    start.elapsed()
}

/// N POSTs of the same headers and body with a bare `reqwest::Client`.
async fn bare(url: &str, user_agent: &str, body: &[u8], n: usize) -> Duration {
    let start = Instant::now();
    let http = reqwest::Client::builder()
        .user_agent(user_agent)
        .build()
        .expect("reqwest");
    for _ in 0..n {
        let response = http
            .post(url)
            .header("x-api-key", API_KEY)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .expect("bare POST");
        assert!(response.status().is_success(), "{}", response.status());
        let reply = response.bytes().await.expect("bare reply");
        assert!(!reply.is_empty());
    }
    start.elapsed()
}

/// Writes the curl config: N transfers of the URL, each to `/dev/null`.
fn curl_config(dir: &Path, url: &str, n: usize) -> std::path::PathBuf {
    let path = dir.join(format!("curl-{n}.cfg"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("curl config"));
    for _ in 0..n {
        writeln!(file, "url = \"{url}\"\noutput = \"/dev/null\"").expect("curl config");
    }
    file.flush().expect("curl config");
    path
}

/// N POSTs by one curl process over one connection (checked: every
/// transfer answered 200, one connection opened in all).
fn curl(config: &Path, body: &Path, user_agent: &str, n: usize) -> Duration {
    let start = Instant::now();
    let out = Command::new("curl")
        .arg("--silent")
        .arg("--show-error")
        .arg("--disable")
        .arg("--config")
        .arg(config)
        .args(["-H", &format!("x-api-key: {API_KEY}")])
        .args(["-H", "content-type: application/json"])
        .args(["-A", user_agent])
        .arg("--data-binary")
        .arg(format!("@{}", body.display()))
        .args(["--write-out", "%{stderr}%{http_code} %{num_connects}\\n"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("curl runs");
    let elapsed = start.elapsed();
    assert!(out.status.success(), "curl: {}", out.status);
    let report = String::from_utf8_lossy(&out.stderr);
    let (mut ok, mut connects) = (0, 0u64);
    for line in report.lines() {
        let mut parts = line.split_whitespace();
        if parts.next() == Some("200") {
            ok += 1;
        }
        connects += parts
            .next()
            .and_then(|c| c.parse::<u64>().ok())
            .unwrap_or(0);
    }
    assert_eq!(ok, n, "curl transfers answered 200: {report}");
    assert_eq!(connects, 1, "curl must reuse one connection");
    elapsed
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Median rate and spread (lowest–highest) of the rounds, in calls/s.
fn summary(name: &str, times: &[Duration], n: usize) -> f64 {
    let mut rates: Vec<f64> = times.iter().map(|t| n as f64 / t.as_secs_f64()).collect();
    let rate = median(&mut rates);
    println!(
        "{name:<28} {rate:>8.0} calls/s  {:>6.1} µs/call  (rounds {:.0}–{:.0} calls/s)",
        1e6 / rate,
        rates[0],
        rates[rates.len() - 1]
    );
    rate
}

fn main() -> ExitCode {
    let n = env_number("PER_CALL_N", 5000);
    let rounds = env_number("PER_CALL_ROUNDS", 7);

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("server")
        .enable_all()
        .build()
        .expect("server runtime");
    let server = server_rt
        .block_on(TestServer::start(
            ServerConfig::new(segmind_server::workspace_schema_dir()).with_max_records(16),
        ))
        .expect("server");
    let base_url = server.base_url();

    // The user's default: `#[tokio::main]` (one worker per core).
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let single = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("current-thread runtime");

    // Warm-up, and the exact request our client sends, for the others.
    rt.block_on(ours(&base_url, 100));
    let sent = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "POST")
        .expect("a recorded POST");
    let url = format!("{base_url}{}", sent.path);
    let user_agent = sent.header("user-agent").unwrap_or("").to_owned();
    assert!(!sent.body_truncated);
    if let Ok(side) = std::env::var("PER_CALL_ONLY") {
        let time = match side.as_str() {
            "ours" => rt.block_on(ours(&base_url, n)),
            "bare" => rt.block_on(bare(&url, &user_agent, &sent.body, n)),
            "single" => single.block_on(ours(&base_url, n)),
            other => panic!("PER_CALL_ONLY={other}: one of ours, bare, single"),
        };
        summary(&side, &[time], n);
        return ExitCode::SUCCESS;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let body_path = dir.path().join("body.json");
    std::fs::write(&body_path, &sent.body).expect("body");
    let config = curl_config(dir.path(), &url, n);
    curl(
        &curl_config(dir.path(), &url, 100),
        &body_path,
        &user_agent,
        100,
    );
    rt.block_on(bare(&url, &user_agent, &sent.body, 100));
    single.block_on(ours(&base_url, 100));

    println!(
        "{n} sequential v1 calls of llava-v1.6 ({} B request, JSON reply) per side, {rounds} rounds alternating",
        sent.body.len()
    );
    let (mut t_curl, mut t_ours, mut t_bare, mut t_single) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let posts_before = server.post_count();
    for _ in 0..rounds {
        t_curl.push(curl(&config, &body_path, &user_agent, n));
        t_ours.push(rt.block_on(ours(&base_url, n)));
        t_bare.push(rt.block_on(bare(&url, &user_agent, &sent.body, n)));
        t_single.push(single.block_on(ours(&base_url, n)));
    }
    assert_eq!(server.post_count() - posts_before, 4 * rounds * n);

    let curl_rate = summary("curl (one process)", &t_curl, n);
    let ours_rate = summary("segmind client", &t_ours, n);
    let bare_rate = summary("bare reqwest (floor)", &t_bare, n);
    let single_rate = summary("segmind, current-thread rt", &t_single, n);
    let ratio = ours_rate / curl_rate;
    println!(
        "ours/curl {ratio:.2}× (target ≥ {TARGET_RATIO}×); bare reqwest/curl {:.2}×; ours current-thread/curl {:.2}×",
        bare_rate / curl_rate,
        single_rate / curl_rate
    );
    drop(server);
    if ratio >= TARGET_RATIO {
        ExitCode::SUCCESS
    } else {
        println!("MISSED: ours makes {ratio:.2}× curl's calls per second");
        ExitCode::FAILURE
    }
}
