//! `segmind batch` against the local server: rate limits, failing polls and
//! a failed job in one run; a run killed with SIGKILL and resumed without a
//! POST sent twice; a run under `ulimit -n 256`; `--dry-run` listing every
//! problem of every invalid line.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::{config, segmind, server, Scratch, KEY};
use segmind_server::{Fault, Route, TestServer};
use serde_json::Value;

/// The marker that makes the server fail a job.
const FAIL: &str = "FAIL-THIS-JOB";

/// Writes `count` lines of flux-schnell input, `fail` lines carrying the
/// marker, and answers the file's path.
fn inputs(scratch: &Scratch, count: u64, fail: &[u64]) -> String {
    let mut text = String::new();
    for line in 1..=count {
        let prompt = if fail.contains(&line) {
            format!("a cat {FAIL}")
        } else {
            format!("a cat number {line}")
        };
        let value = serde_json::json!({"prompt": prompt, "steps": 1, "id": format!("cat {line}")});
        text.push_str(&format!("{value}\n"));
    }
    let path = scratch.file("inputs.jsonl");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// The manifest's records by line.
fn manifest(dir: &Path) -> BTreeMap<u64, Value> {
    let text = std::fs::read_to_string(dir.join("manifest.jsonl")).unwrap();
    let mut records = BTreeMap::new();
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let number = record["line"].as_u64().unwrap();
        assert!(
            records.insert(number, record).is_none(),
            "one record per line: {number}"
        );
    }
    records
}

/// Checks that every done record's output is the server's whole image.
fn outputs_are_whole(dir: &Path, records: &BTreeMap<u64, Value>) -> usize {
    let image = TestServer::fixture_image("jpeg").unwrap();
    let mut done = 0;
    for (line, record) in records {
        if record["state"] != "done" {
            continue;
        }
        done += 1;
        let name = record["output"].as_str().unwrap();
        assert_eq!(name, format!("{line}-cat_{line}.jpg"));
        let bytes = std::fs::read(dir.join(name)).unwrap();
        assert_eq!(bytes, image, "line {line}");
    }
    done
}

fn fast_config() -> segmind_server::ServerConfig {
    config()
        .with_polls_before_complete(1)
        .with_fail_jobs_marked(FAIL)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_lines_through_rate_limits_failing_polls_and_a_failed_job() {
    let mut config = fast_config();
    for _ in 0..3 {
        config = config.with_fault(
            Route::V2Submit,
            Fault::RateLimited {
                reset_after: Duration::from_millis(500),
            },
        );
    }
    for _ in 0..4 {
        config = config.with_fault(Route::Status, Fault::Status(503));
    }
    config = config
        .with_fault(Route::Result, Fault::Status(502))
        .with_fault(Route::File, Fault::Status(503));
    let server = server(config).await;
    let scratch = Scratch::new();
    let inputs = inputs(&scratch, 200, &[50]);
    let out = scratch.file("out");
    let line = format!(
        "--api-key {KEY} --base-url {} --json batch flux-schnell {inputs} --out-dir {} --poll-interval 0.05 --concurrency 32",
        server.base_url(),
        out.display()
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 5, "one line failed: {run:?}");
    // Every line once, plus the three POSTs refused with a 429.
    assert_eq!(server.post_count_for(Route::V2Submit), 203);
    let records = manifest(&out);
    assert_eq!(records.len(), 200);
    assert_eq!(outputs_are_whole(&out, &records), 199);
    assert_eq!(records[&50]["state"], "failed");
    assert!(records[&50]["request_id"].is_string());
    assert!(records[&50]["error"].as_str().unwrap().contains(FAIL));
    let summary: Value = serde_json::from_str(run.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["done"], 199);
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["job_failed"], 1);
    assert!(summary["cost"].as_f64().unwrap() > 0.0);
    assert!(summary["remaining_credits"].is_number());
    // Every other stdout line is a JSON record.
    for line in run.stdout.lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        assert!(value["event"].is_string(), "{line}");
    }

    // Run again: nothing is sent, the failed job is left alone.
    let again = segmind(scratch.path(), &line).await;
    assert_eq!(again.code, 5, "{again:?}");
    assert_eq!(server.post_count_for(Route::V2Submit), 203);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_mid_way_resumes_without_sending_a_line_twice() {
    let scratch = Scratch::new();
    killed_and_resumed(&scratch, "flux-schnell", config()).await;
}

/// The same for a slug this tool has no schema of (a copy of flux-schnell
/// the server knows under another slug): its lines are sent as they are,
/// with the same manifest, resume and billing rules.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_of_a_slug_without_a_schema_killed_mid_way_resumes_without_sending_a_line_twice() {
    let scratch = Scratch::new();
    let dir = common::schemas_with_unknown_models(&scratch);
    let config = segmind_server::ServerConfig::new(dir);
    killed_and_resumed(&scratch, common::UNKNOWN_IMAGE_MODEL, config).await;
}

/// Runs a batch of 120 lines of `model`, SIGKILLs it once every line is
/// submitted and some are done, runs it again: every line is sent once and
/// every output is whole.
#[cfg(unix)]
async fn killed_and_resumed(scratch: &Scratch, model: &str, config: segmind_server::ServerConfig) {
    // Every line is submitted at once, then each job takes a few polls, so
    // the kill lands while jobs are waited on and outputs downloaded.
    let server = server(config.with_polls_before_complete(8)).await;
    let lines = 120;
    let inputs = inputs(scratch, lines, &[]);
    let out = scratch.file("out");
    let line = format!(
        "--api-key {KEY} --base-url {} --quiet batch {model} {inputs} --out-dir {} --poll-interval 0.05 --concurrency {lines}",
        server.base_url(),
        out.display()
    );
    let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
    let dir = scratch.path().to_path_buf();
    let manifest_path = out.join("manifest.jsonl");
    let killed = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_segmind"))
            .env_remove("SEGMIND_API_KEY")
            .env_remove("SEGMIND_BASE_URL")
            .args(&args)
            .current_dir(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill once every line is submitted and some are done.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let text = std::fs::read_to_string(&manifest_path).unwrap_or_default();
            let submitted = text.matches("\"state\":\"submitted\"").count();
            let done = text.matches("\"state\":\"done\"").count();
            if submitted as u64 == lines && done >= 10 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the run never got going"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // SIGKILL, by the child's own PID.
        child.kill().unwrap();
        child.wait().unwrap()
    })
    .await
    .unwrap();
    assert!(!killed.success());
    let after_kill = server.post_count_for(Route::V2Submit);
    assert_eq!(after_kill as u64, lines);

    let line = line.replace("--quiet", "--json");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(server.post_count_for(Route::V2Submit) as u64, lines);
    let records = manifest(&out);
    assert_eq!(records.len() as u64, lines);
    assert_eq!(outputs_are_whole(&out, &records) as u64, lines);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_runs_with_256_file_descriptors() {
    let server = server(fast_config()).await;
    let scratch = Scratch::new();
    let inputs = inputs(&scratch, 300, &[]);
    let out = scratch.file("out");
    let binary = env!("CARGO_BIN_EXE_segmind");
    let script = format!(
        "ulimit -n 256 && exec {binary} --api-key {KEY} --base-url {} --json batch flux-schnell {inputs} --out-dir {} --poll-interval 0.05 --concurrency 300",
        server.base_url(),
        out.display()
    );
    let dir = scratch.path().to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(dir)
            .env_remove("SEGMIND_API_KEY")
            .env_remove("SEGMIND_BASE_URL")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(server.post_count_for(Route::V2Submit), 300);
    let records = manifest(&out);
    assert_eq!(outputs_are_whole(&out, &records), 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_lists_every_problem_of_every_invalid_line_and_sends_nothing() {
    let server = server(fast_config()).await;
    let scratch = Scratch::new();
    let text = [
        r#"{"prompt": "fine", "id": 1}"#,
        r#"{"prompt": "too many steps", "steps": 99, "width": 10}"#,
        "",
        "not json",
        r#"{"steps": 2}"#,
        r#"{"prompt": "fine again"}"#,
    ]
    .join("\n");
    std::fs::write(scratch.file("in.jsonl"), text).unwrap();
    let out = scratch.file("out");
    let base = format!(
        "--api-key {KEY} --base-url {} batch flux-schnell in.jsonl --out-dir {}",
        server.base_url(),
        out.display()
    );
    for line in [format!("{base} --dry-run"), base.clone()] {
        let run = segmind(scratch.path(), &line).await;
        assert_eq!(run.code, 3, "{run:?}");
        assert!(run.stderr.contains("3 invalid lines"), "{run:?}");
        assert!(run.stderr.contains("line 2: steps"), "{run:?}");
        assert!(run.stderr.contains("line 2: width"), "{run:?}");
        assert!(run.stderr.contains("line 4: not valid JSON"), "{run:?}");
        assert!(run.stderr.contains("line 5:"), "{run:?}");
        assert!(!run.stderr.contains("line 1:"), "{run:?}");
        assert!(!run.stderr.contains("line 6:"), "{run:?}");
    }
    assert_eq!(server.post_count(), 0);
    assert!(!out.exists());
    std::fs::write(
        scratch.file("ok.jsonl"),
        "{\"prompt\": \"a\"}\n{\"prompt\": \"b\"}\n",
    )
    .unwrap();
    let line = base.replace("in.jsonl", "ok.jsonl") + " --dry-run";
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("all 2 lines"), "{run:?}");
    assert_eq!(server.post_count(), 0);
}
