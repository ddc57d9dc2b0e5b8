//! After a billed POST nothing is lost: a reply that is not a video is
//! refused and saves nothing, every failure names the request id, SIGTERM
//! leaves no partial file, `--timeout` bounds the whole call (late headers
//! too), and settings that would silently mean production are refused.

mod common;

use std::time::{Duration, Instant};

use common::{command, config, segmind, segmind_blocking, server, Scratch, KEY};
use segmind_server::{Fault, Route};

const URL_INPUTS: &str =
    "--input-image https://example.test/face.png --input-audio https://example.test/voice.mp3";

/// The files in the scratch folder but the media inputs it starts with.
fn files_in(scratch: &Scratch) -> Vec<String> {
    std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "face.png" && name != "voice.mp3")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v1_html_page_is_not_saved_and_exits_as_an_api_error() {
    let server = server(config().with_fault(Route::V1, Fault::HtmlPage(200))).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!("--api-key {KEY} --base-url {base} hallo {URL_INPUTS} --out out.mp4");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("not a video"), "{run:?}");
    assert!(files_in(&scratch).is_empty(), "{:?}", files_in(&scratch));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v2_download_that_is_not_a_video_names_the_billed_job() {
    for (fault, code) in [(Fault::HtmlPage(200), 4), (Fault::CutBody, 7)] {
        let server = server(config().with_fault(Route::File, fault.clone())).await;
        let scratch = Scratch::new();
        let base = server.base_url();
        let line = format!(
            "--api-key {KEY} --base-url {base} --json hallo {URL_INPUTS} --async --poll-interval 0.05 --out out.mp4"
        );
        let run = segmind(scratch.path(), &line).await;
        assert_eq!(run.code, code, "{fault:?}: {run:?}");
        let report = run.json();
        let id = report["error"]["request_id"]
            .as_str()
            .expect("the request id");
        assert!(!id.is_empty());
        // With --json, the one object on stdout is the whole report.
        assert!(run.stderr.is_empty(), "{run:?}");
        assert!(files_in(&scratch).is_empty(), "{:?}", files_in(&scratch));
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signal_during_a_download_leaves_no_file_and_names_the_request() {
    for (signal, code, says) in [("TERM", 143, "terminated"), ("INT", 130, "interrupted")] {
        let slow = Fault::SlowBody {
            chunk_delay: Duration::from_millis(700),
        };
        let server = server(config().with_fault(Route::V1, slow)).await;
        let scratch = Scratch::new();
        let base = server.base_url();
        let line = format!("--api-key {KEY} --base-url {base} hallo {URL_INPUTS} --out out.mp4");
        let dir = scratch.path().to_path_buf();
        let (partial, output) = tokio::task::spawn_blocking(move || {
            let child = std::process::Command::new(env!("CARGO_BIN_EXE_segmind"))
                .args(line.split_whitespace())
                .current_dir(&dir)
                .env_remove("SEGMIND_API_KEY")
                .env_remove("SEGMIND_BASE_URL")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            // The headers come at once; the body takes about two seconds.
            std::thread::sleep(Duration::from_millis(900));
            let partial: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            std::process::Command::new("kill")
                .args([&format!("-{signal}"), &child.id().to_string()])
                .status()
                .unwrap();
            (partial, child.wait_with_output().unwrap())
        })
        .await
        .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            partial.iter().any(|n| n.ends_with(".part")),
            "{signal}: no output was reserved: {partial:?}"
        );
        assert_eq!(output.status.code(), Some(code), "{signal}: {stderr}");
        assert!(
            stderr.contains(says) && stderr.contains("request id"),
            "{signal}: {stderr}"
        );
        assert!(files_in(&scratch).is_empty(), "{:?}", files_in(&scratch));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_bounds_the_whole_call_when_headers_come_late() {
    for (route, extra) in [(Route::V1, ""), (Route::V2Submit, "--async")] {
        let late = Fault::DelayHeaders(Duration::from_secs(6));
        let server = server(config().with_fault(route, late)).await;
        let scratch = Scratch::new();
        let base = server.base_url();
        let line = format!(
            "--api-key {KEY} --base-url {base} hallo {URL_INPUTS} {extra} --timeout 1 --out out.mp4"
        );
        let started = Instant::now();
        let run = segmind(scratch.path(), &line).await;
        let took = started.elapsed();
        assert_eq!(run.code, 6, "{route:?}: {run:?}");
        assert!(took < Duration::from_secs(4), "{route:?} took {took:?}");
    }
}

#[test]
fn blank_urls_and_too_fast_polling_are_usage_errors() {
    let scratch = Scratch::new();
    let args = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["--api-key", KEY, "hallo", "--out", "o.mp4"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(URL_INPUTS.split_whitespace().map(str::to_owned));
        args
    };
    let run = segmind_blocking(scratch.path(), &args(&["--base-url", " "]));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("blank"), "{run:?}");

    let output = command()
        .env("SEGMIND_BASE_URL", "")
        .args(args(&[]))
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("blank"));

    let run = segmind_blocking(
        scratch.path(),
        &args(&["--async", "--poll-interval", "1e-9"]),
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("too short"), "{run:?}");
    assert!(files_in(&scratch).is_empty());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_out_is_refused_before_anything_is_billed() {
    let server = server(config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    std::os::unix::fs::symlink("/dev/null", scratch.file("null.mp4")).unwrap();
    std::fs::create_dir(scratch.file("taken.mp4")).unwrap();
    for (out, says) in [
        ("/dev/null", "not a regular file"),
        ("null.mp4", "not a regular file"),
        ("taken.mp4", "is a folder"),
        ("no/such/out.mp4", "does not exist"),
    ] {
        for extra in ["", "--async"] {
            let line =
                format!("--api-key {KEY} --base-url {base} hallo {URL_INPUTS} {extra} --out {out}");
            let run = segmind(scratch.path(), &line).await;
            assert_eq!(run.code, 2, "{out} {extra}: {run:?}");
            assert!(run.stderr.contains(says), "{out}: {run:?}");
        }
    }
    assert_eq!(server.post_count(), 0, "a POST was sent");
    let meta = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(!meta.is_file(), "/dev/null was replaced");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_symlink_to_a_file_is_followed_and_dash_is_stdout() {
    let server = server(config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    std::fs::write(scratch.file("real.mp4"), b"old").unwrap();
    std::os::unix::fs::symlink("real.mp4", scratch.file("link.mp4")).unwrap();
    let line = format!("--api-key {KEY} --base-url {base} hallo {URL_INPUTS} --out link.mp4");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    let meta = std::fs::symlink_metadata(scratch.file("link.mp4")).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    let saved = std::fs::read(scratch.file("real.mp4")).unwrap();
    assert_eq!(saved, segmind_server::TestServer::fixture_video());

    let args: Vec<String> = format!("--api-key {KEY} --base-url {base} hallo {URL_INPUTS} --out -")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let output = command()
        .args(&args)
        .current_dir(scratch.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(output.stdout, segmind_server::TestServer::fixture_video());
    assert!(String::from_utf8_lossy(&output.stderr).contains("saved -"));
    let json = segmind(
        scratch.path(),
        &format!("--api-key {KEY} --base-url {base} --json hallo {URL_INPUTS} --out -"),
    )
    .await;
    assert_eq!(json.code, 2, "{json:?}");
}
