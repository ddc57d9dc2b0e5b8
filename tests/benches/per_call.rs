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
//! its standard output, which is discarded; ours parses it, as `client.llava_v1_6` does, with every
//! guarantee of a call: validation, the no-retry rule of a billed POST, the
//! key's redaction, the reply checks).
//!
//! Where the calls are made from matters more than anything the client
//! does, so each way is a side of its own:
//! - **task**: inside a task of a multi-thread runtime (`tokio::spawn`),
//!   where the call and hyper's connection task share a worker thread;
//! - **current-thread**: on a current-thread runtime, as the `segmind` CLI
//!   runs;
//! - **block_on**: in the main future of `#[tokio::main]`, i.e. `block_on`
//!   on a thread that is not one of the runtime's workers. Every message
//!   between the call and hyper's connection task (request, reply head,
//!   body) then wakes another thread: four thread wake-ups per call where
//!   curl has two. The bare `reqwest` loop in the same place pays the same,
//!   so this side is compared with it rather than gated.
//!
//! Each round runs N calls per side, the sides alternating; the rates are
//! medians over the rounds, with their spread (lowest–highest), and each
//! ratio is the median of the rounds' own ratios (two sides run one right
//! after the other see the machine about as busy). The bench exits
//! non-zero when ours, from a task or on a current-thread runtime, makes
//! fewer than 0.9× curl's calls per second.
//!
//! For information, not gated, it also times small calls whose output is
//! saved to a file (a 1 KiB video): `curl` writing each reply over one
//! file, ours saving atomically with and without the durability sync.
//! `PER_CALL_SAVE_N` (default 500) and `PER_CALL_SAVE_ROUNDS` (default 5)
//! size that part.
//!
//! Run with `cargo bench -p segmind-tests --bench per_call`.
//! `PER_CALL_N` (default 5000) and `PER_CALL_ROUNDS` (default 15) change the
//! size of the run. `PER_CALL_ONLY=<side>` (`task`, `current-thread`,
//! `block_on`, `bare-block_on`, `bare-task`) runs that side alone, N calls
//! once, for a profiler (`perf record`, `perf stat -e context-switches`,
//! `valgrind --tool=callgrind`), and prints its figure without a verdict.

use std::future::Future;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use segmind::{hallo, llava_v1_6, Client, OutputFile, RetryPolicy};
use segmind_server::{ServerConfig, TestServer, VideoSource};
use tokio::runtime::Runtime;

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

/// What every side needs to make its calls.
struct Setup {
    base_url: String,
    /// The URL our client POSTs to.
    url: String,
    user_agent: String,
    /// The exact body our client sends.
    body: Vec<u8>,
    body_path: PathBuf,
    /// curl's configs: N transfers, and [`WARM_UP`] transfers.
    curl_config: PathBuf,
    curl_warm_up: PathBuf,
}

/// Size of the video of the save figures.
const SAVED_BYTES: u64 = 1024;

/// Calls per side before the rounds.
const WARM_UP: usize = 100;

/// Our client of the server at `base_url`, never retrying.
fn client(base_url: String) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

/// N calls of our client, the client built first (as curl connects first).
async fn ours(base_url: String, n: usize) -> Duration {
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
async fn bare(url: String, user_agent: String, body: Arc<[u8]>, n: usize) -> Duration {
    let start = Instant::now();
    let http = reqwest::Client::builder()
        .user_agent(user_agent)
        .build()
        .expect("reqwest");
    for _ in 0..n {
        let response = http
            .post(&url)
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

/// Writes the curl config: N transfers of the URL, each reply written to
/// `output` (the same file each time) or else to curl's standard output,
/// which is discarded.
fn curl_config(dir: &Path, url: &str, n: usize, output: Option<&Path>) -> PathBuf {
    let name = if output.is_some() { "save" } else { "call" };
    let path = dir.join(format!("curl-{name}-{n}.cfg"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("curl config"));
    for _ in 0..n {
        writeln!(file, "url = \"{url}\"").expect("curl config");
        if let Some(output) = output {
            writeln!(file, "output = \"{}\"", output.display()).expect("curl config");
        }
    }
    file.flush().expect("curl config");
    path
}

/// N POSTs by one curl process over one connection. `--fail` makes any
/// answer but a success fail the run. When `check`, curl also reports each
/// transfer's status and connections opened, which must be 200s and one
/// connection in all (the warm-up checks; the timed runs, with the same
/// config, skip the extra write per transfer).
fn curl(setup: &Setup, config: &Path, body_path: &Path, n: usize, check: bool) -> Duration {
    let mut command = Command::new("curl");
    command
        .args([
            "--silent",
            "--show-error",
            "--fail",
            "--disable",
            "--config",
        ])
        .arg(config)
        .args(["-H", &format!("x-api-key: {API_KEY}")])
        .args(["-H", "content-type: application/json"])
        .args(["-A", &setup.user_agent])
        .arg("--data-binary")
        .arg(format!("@{}", body_path.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if check {
        command.args(["--write-out", "%{stderr}%{http_code} %{num_connects}\\n"]);
    }
    let start = Instant::now();
    let out = command.output().expect("curl runs");
    let elapsed = start.elapsed();
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "curl: {}: {report}", out.status);
    if check {
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
    }
    elapsed
}

/// The sides, in the order each round runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Curl,
    Task,
    CurrentThread,
    BlockOn,
    BareBlockOn,
    BareTask,
}

const SIDES: [Side; 6] = [
    Side::Curl,
    Side::Task,
    Side::CurrentThread,
    Side::BlockOn,
    Side::BareBlockOn,
    Side::BareTask,
];

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Curl => "curl",
            Side::Task => "task",
            Side::CurrentThread => "current-thread",
            Side::BlockOn => "block_on",
            Side::BareBlockOn => "bare-block_on",
            Side::BareTask => "bare-task",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Side::Curl => "curl, one process",
            Side::Task => "ours, in a task",
            Side::CurrentThread => "ours, current-thread rt",
            Side::BlockOn => "ours, block_on main thread",
            Side::BareBlockOn => "bare reqwest, block_on",
            Side::BareTask => "bare reqwest, in a task",
        }
    }

    /// Runs N calls of this side.
    fn run(self, setup: &Setup, multi: &Runtime, single: &Runtime, n: usize) -> Duration {
        let base = setup.base_url.clone();
        let body: Arc<[u8]> = setup.body.clone().into();
        let (url, agent) = (setup.url.clone(), setup.user_agent.clone());
        match self {
            Side::Curl if n == WARM_UP => {
                curl(setup, &setup.curl_warm_up, &setup.body_path, n, true)
            }
            Side::Curl => curl(setup, &setup.curl_config, &setup.body_path, n, false),
            Side::Task => in_task(multi, ours(base, n)),
            Side::CurrentThread => single.block_on(ours(base, n)),
            Side::BlockOn => multi.block_on(ours(base, n)),
            Side::BareBlockOn => multi.block_on(bare(url, agent, body, n)),
            Side::BareTask => in_task(multi, bare(url, agent, body, n)),
        }
    }
}

/// N hallo calls, each tiny video saved to `path` (synced when `sync`).
async fn ours_saved(base_url: String, n: usize, path: PathBuf, sync: bool) -> Duration {
    let input = hallo::Input::new(
        "https://media.example/face.png",
        "https://media.example/voice.mp3",
    );
    let start = Instant::now();
    let client = client(base_url);
    for _ in 0..n {
        let video = client.hallo(&input).await.expect("our call");
        let out = OutputFile::create(&path).expect("output file").sync(sync);
        let written = video.save_into(out, |_, _| {}).await.expect("saved");
        assert_eq!(written, SAVED_BYTES);
    }
    start.elapsed()
}

/// For information: small calls whose output is saved, as the issue's
/// first figure was made (a video model, the output saved). `curl` writes
/// each reply over one file; ours saves atomically (a temporary file,
/// renamed), without and with the durability sync, on a current-thread
/// runtime. Not gated.
fn save_figures(setup: &Setup, server: &TestServer, single: &Runtime, dir: &Path) {
    let n = env_number("PER_CALL_SAVE_N", 500);
    let rounds = env_number("PER_CALL_SAVE_ROUNDS", 5);
    let path = dir.join("ours.mp4");
    let base = setup.base_url.clone();
    single.block_on(ours_saved(base.clone(), 10, path.clone(), false));
    let sent = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "POST" && r.path.ends_with("/hallo"))
        .expect("a recorded hallo POST");
    let body_path = dir.join("hallo.json");
    std::fs::write(&body_path, &sent.body).expect("body");
    let url = format!("{}{}", setup.base_url, sent.path);
    let curl_out = dir.join("curl.mp4");
    let config = curl_config(dir, &url, n, Some(&curl_out));
    curl(
        setup,
        &curl_config(dir, &url, 10, Some(&curl_out)),
        &body_path,
        10,
        true,
    );
    let (mut t_curl, mut t_plain, mut t_synced) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        t_curl.push(curl(setup, &config, &body_path, n, false));
        t_plain.push(single.block_on(ours_saved(base.clone(), n, path.clone(), false)));
        t_synced.push(single.block_on(ours_saved(base.clone(), n, path.clone(), true)));
    }
    assert_eq!(
        std::fs::metadata(&curl_out).expect("curl's file").len(),
        SAVED_BYTES
    );
    println!(
        "for information: {n} calls of hallo, each {SAVED_BYTES} B video saved, {rounds} rounds alternating (current-thread rt)"
    );
    let curl_rate = summary("curl -o file", &t_curl, n);
    let plain = summary("ours, saved without sync", &t_plain, n);
    let synced = summary("ours, saved and synced", &t_synced, n);
    println!(
        "ours saved without sync {:.2}× curl; with the sync {:.2}× curl",
        plain / curl_rate,
        synced / curl_rate
    );
}

/// Runs `future` as a task of the multi-thread runtime (on its workers).
fn in_task(multi: &Runtime, future: impl Future<Output = Duration> + Send + 'static) -> Duration {
    multi.block_on(async move { tokio::spawn(future).await.expect("the task") })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Median rate and spread (lowest–highest) of the rounds, in calls/s.
fn summary(label: &str, times: &[Duration], n: usize) -> f64 {
    let mut rates: Vec<f64> = times.iter().map(|t| n as f64 / t.as_secs_f64()).collect();
    let rate = median(&mut rates);
    println!(
        "{label:<28} {rate:>8.0} calls/s  {:>6.1} µs/call  (rounds {:.0}–{:.0})",
        1e6 / rate,
        rates[0],
        rates[rates.len() - 1]
    );
    rate
}

fn main() -> ExitCode {
    let n = env_number("PER_CALL_N", 5000);
    let rounds = env_number("PER_CALL_ROUNDS", 15);

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("server")
        .enable_all()
        .build()
        .expect("server runtime");
    let server = server_rt
        .block_on(TestServer::start(
            ServerConfig::new(segmind_server::workspace_schema_dir())
                .with_max_records(16)
                .with_video(VideoSource::Generated { size: SAVED_BYTES }),
        ))
        .expect("server");
    let base_url = server.base_url();

    // The user's default: `#[tokio::main]` (one worker per core).
    let multi = Runtime::new().expect("runtime");
    let single = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("current-thread runtime");

    // Warm-up, and the exact request our client sends, for the others.
    multi.block_on(ours(base_url.clone(), WARM_UP));
    let sent = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "POST")
        .expect("a recorded POST");
    assert!(!sent.body_truncated);
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("{base_url}{}", sent.path);
    let setup = Setup {
        base_url,
        user_agent: sent.header("user-agent").unwrap_or("").to_owned(),
        body_path: dir.path().join("body.json"),
        curl_config: curl_config(dir.path(), &url, n, None),
        curl_warm_up: curl_config(dir.path(), &url, WARM_UP, None),
        url,
        body: sent.body.clone(),
    };
    std::fs::write(&setup.body_path, &setup.body).expect("body");

    if let Ok(only) = std::env::var("PER_CALL_ONLY") {
        let Some(side) = SIDES.into_iter().find(|s| s.name() == only) else {
            let names: Vec<_> = SIDES.iter().map(|s| s.name()).collect();
            panic!("PER_CALL_ONLY={only}: one of {}", names.join(", "));
        };
        let time = side.run(&setup, &multi, &single, n);
        summary(side.label(), &[time], n);
        return ExitCode::SUCCESS;
    }

    for side in SIDES {
        side.run(&setup, &multi, &single, WARM_UP);
    }
    println!(
        "{n} sequential v1 calls of llava-v1.6 ({} B request, JSON reply) per side, {rounds} rounds alternating",
        setup.body.len()
    );
    let mut times = vec![Vec::new(); SIDES.len()];
    let posts_before = server.post_count();
    for _ in 0..rounds {
        for (i, side) in SIDES.into_iter().enumerate() {
            times[i].push(side.run(&setup, &multi, &single, n));
        }
    }
    assert_eq!(
        server.post_count() - posts_before,
        SIDES.len() * rounds * n,
        "every side made every call, once"
    );
    let rates: Vec<f64> = SIDES
        .iter()
        .zip(&times)
        .map(|(side, times)| summary(side.label(), times, n))
        .collect();
    let index = |side: Side| SIDES.iter().position(|&s| s == side).expect("a side");
    // Each round's ratio of two sides' rates (one right after the other,
    // on the machine as busy as it then was), then the median of those.
    let ratio = |side: Side, base: Side| {
        let mut per_round: Vec<f64> = times[index(base)]
            .iter()
            .zip(&times[index(side)])
            .map(|(base, side)| base.as_secs_f64() / side.as_secs_f64())
            .collect();
        let median = median(&mut per_round);
        (median, per_round[0], per_round[per_round.len() - 1])
    };
    let mut met = true;
    for side in [Side::Task, Side::CurrentThread] {
        let (median, low, high) = ratio(side, Side::Curl);
        println!(
            "{}: {median:.2}× curl, median of the rounds' ratios ({low:.2}–{high:.2}; ratio of the medians {:.2}×; target ≥ {TARGET_RATIO}×)",
            side.label(),
            rates[index(side)] / rates[index(Side::Curl)],
        );
        met &= median >= TARGET_RATIO;
    }
    let info = |side: Side, base: Side| ratio(side, base).0;
    println!(
        "for information: ours, block_on {:.2}× curl and {:.2}× the bare reqwest loop in the same place; ours in a task {:.2}× bare reqwest in a task; bare reqwest in a task {:.2}× curl",
        info(Side::BlockOn, Side::Curl),
        info(Side::BlockOn, Side::BareBlockOn),
        info(Side::Task, Side::BareTask),
        info(Side::BareTask, Side::Curl),
    );
    save_figures(&setup, &server, &single, dir.path());
    drop(server);
    if met {
        ExitCode::SUCCESS
    } else {
        println!("MISSED: ours makes fewer than {TARGET_RATIO}× curl's calls per second");
        ExitCode::FAILURE
    }
}
