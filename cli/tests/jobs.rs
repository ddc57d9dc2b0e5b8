//! `--async` and `segmind wait` against the local server: a job polled to
//! completion, a job that fails, and a job that outlives `--timeout` and is
//! resumed by its request id.

mod common;

use common::{config, segmind, server, Scratch, KEY};
use segmind_server::{Route, TestServer};

/// hallo's required inputs as URLs, so nothing is uploaded.
const URL_INPUTS: &str =
    "--input-image https://example.test/face.png --input-audio https://example.test/voice.mp3";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_job_is_polled_then_downloaded() {
    let server = server(config().with_polls_before_complete(3)).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!(
        "--api-key {KEY} --base-url {base} --json hallo {URL_INPUTS} --async --poll-interval 0.05 --out job.mp4"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    let saved = std::fs::read(scratch.file("job.mp4")).expect("saved");
    assert_eq!(saved, TestServer::fixture_video());
    let report = run.json();
    let id = report["request_id"].as_str().expect("a request id");
    let url = report["output_url"].as_str().unwrap_or_default();
    assert!(url.starts_with(&base), "{report}");
    assert_eq!(report["model"], "hallo");
    assert_eq!(server.post_count_for(Route::V2Submit), 1);
    let status_path = format!("/v2/requests/{id}/status");
    let polls = server
        .requests()
        .iter()
        .filter(|r| r.path == status_path)
        .count();
    assert_eq!(polls, 4, "three unfinished polls, then COMPLETED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_id_is_printed_on_stderr_without_json() {
    let server = server(config().with_polls_before_complete(0)).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line =
        format!("--api-key {KEY} --base-url {base} hallo {URL_INPUTS} --async --out job.mp4");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    let said = run
        .stderr
        .lines()
        .find(|line| line.starts_with("request id: "));
    let said = said.expect("the request id is printed");
    assert!(said.contains("(resume with: segmind wait "), "{said}");
    assert!(run.stdout.contains("output URL"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_job_exits_5_with_the_reason() {
    let config = config()
        .with_polls_before_complete(1)
        .with_fail_jobs("no face found in the image");
    let server = server(config).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!(
        "--api-key {KEY} --base-url {base} hallo {URL_INPUTS} --async --poll-interval 0.05 --out job.mp4"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        run.stderr.contains("failed: no face found in the image"),
        "{run:?}"
    );
    assert!(!scratch.file("job.mp4").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timed_out_job_is_resumed_with_wait() {
    let server = server(config().with_polls_before_complete(20)).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!(
        "--api-key {KEY} --base-url {base} --json hallo {URL_INPUTS} --async \
         --poll-interval 0.1 --timeout 0.3 --out job.mp4"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 6, "{run:?}");
    let report = run.json();
    assert_eq!(report["error"]["kind"], "timed_out");
    let id = report["error"]["request_id"]
        .as_str()
        .expect("the request id")
        .to_owned();
    let hint = format!("resume with: segmind wait {id} --out job.mp4");
    let details = report["error"]["details"].to_string();
    assert!(details.contains(&hint), "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    assert!(!scratch.file("job.mp4").exists());

    let line = format!(
        "--api-key {KEY} --base-url {base} --json wait {id} --out job.mp4 --poll-interval 0.05"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["request_id"], id.as_str());
    let saved = std::fs::read(scratch.file("job.mp4")).expect("saved");
    assert_eq!(saved, TestServer::fixture_video());
    assert_eq!(
        server.post_count_for(Route::V2Submit),
        1,
        "waiting never submits again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_on_an_unknown_job_is_an_api_error() {
    let server = server(config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!("--api-key {KEY} --base-url {base} wait no-such-job --out x.mp4");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("404"), "{run:?}");
    assert!(run.stderr.contains("for an hour"), "{run:?}");
}
