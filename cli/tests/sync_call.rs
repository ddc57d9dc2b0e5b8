//! `segmind <model>` against the local server: a v1 call that saves the
//! video, a bad input refused before any request, API errors, a body cut off,
//! a missing key or output folder, and `--dry-run`.

mod common;

use common::{config, segmind, server, Scratch, KEY};
use segmind_server::{Fault, Route, TestServer};
use serde_json::{json, Value};

/// hallo's required inputs as URLs, so nothing is uploaded.
const URL_INPUTS: &str =
    "--input-image https://example.test/face.png --input-audio https://example.test/voice.mp3";

fn body_of(server: &TestServer, path: &str) -> Value {
    let call = server
        .requests()
        .into_iter()
        .find(|r| r.path == path)
        .expect("the call");
    serde_json::from_slice(&call.body).expect("a JSON body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_call_saves_the_video_and_reports_json() {
    let server = server(config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!(
        "--api-key {KEY} --base-url {base} --json hallo --input-image face.png \
         --input-audio voice.mp3 --pose-weight 2.5 --out out.mp4"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    // With --json: exactly one JSON object on stdout, nothing on stderr.
    assert!(run.stderr.is_empty(), "{run:?}");
    assert_eq!(run.stdout.trim().lines().count(), 1, "{run:?}");
    let saved = std::fs::read(scratch.file("out.mp4")).expect("the video is saved");
    assert_eq!(saved, TestServer::fixture_video());

    let report = run.json();
    assert_eq!(report["model"], "hallo");
    assert_eq!(report["output_path"], "out.mp4");
    assert_eq!(report["bytes"], TestServer::fixture_video().len());
    assert!(report["request_id"].is_string(), "{report}");
    assert!(report["cost"].is_number(), "{report}");
    assert!(report["remaining_credits"].is_number(), "{report}");
    assert_eq!(report["output_url"], Value::Null);

    // Both local files were uploaded, then one v1 call carried their URLs.
    assert_eq!(server.post_count_for(Route::Upload), 2);
    assert_eq!(server.post_count_for(Route::V1), 1);
    let call = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/hallo")
        .expect("the v1 call");
    assert_eq!(call.header("x-api-key"), Some(KEY));
    let body = body_of(&server, "/v1/hallo");
    assert_eq!(body["pose_weight"], 2.5);
    let image = body["input_image"].as_str().unwrap_or_default();
    assert!(image.starts_with("http://127.0.0.1"), "{body}");
    assert!(
        body.get("face_weight").is_none(),
        "unset options are not sent: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_report_and_inline_media() {
    let server = server(config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!(
        "--api-key {KEY} --base-url {base} --inline-media sadtalker --input-image face.png \
         --input-audio https://example.test/voice.mp3 --image-size 512 --enhancer false -o talk.mp4"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("saved talk.mp4 ("), "{run:?}");
    assert!(
        run.stderr
            .contains("--input-image: sending inline face.png"),
        "{run:?}"
    );
    let saved = std::fs::read(scratch.file("talk.mp4")).expect("saved");
    assert_eq!(saved, TestServer::fixture_video());
    assert_eq!(server.post_count_for(Route::Upload), 0);
    let body = body_of(&server, "/v1/sadtalker");
    assert_eq!(body["image_size"], 512, "integer enums go as JSON integers");
    assert_eq!(body["enhancer"], false);
    let image = body["input_image"].as_str().unwrap_or_default();
    assert!(image.starts_with("data:"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_lists_every_violation_and_sends_nothing() {
    let server = server(config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!(
        "--api-key {KEY} --base-url {base} hallo --input-image missing.png --input-audio voice.mp3 \
         --pose-weight 12 --face-weight -1 --out out.mp4"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 3, "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "error: invalid hallo input (3 problems); nothing was sent:"
    );
    assert!(
        lines[1].starts_with("  --input-image: cannot read missing.png: "),
        "{run:?}"
    );
    assert_eq!(lines[2], "  --pose-weight: 12.0 is above the maximum 10");
    assert_eq!(lines[3], "  --face-weight: -1.0 is below the minimum 0");
    assert_eq!(lines.len(), 4, "{run:?}");
    assert!(server.requests().is_empty(), "nothing may reach the server");
    assert!(!scratch.file("out.mp4").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_error_prints_status_and_message_but_never_the_key() {
    let server = server(config().with_api_key("the-right-key")).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let wrong = "sk-WRONG-key-5f3a9c";
    let line = format!("--api-key {wrong} --base-url {base} hallo {URL_INPUTS} --out out.mp4");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("401"), "{run:?}");
    assert!(
        run.stderr.contains("invalid x-api-key"),
        "the server's message: {run:?}"
    );
    assert!(
        !run.stderr.contains(wrong) && !run.stdout.contains(wrong),
        "{run:?}"
    );
    assert!(!scratch.file("out.mp4").exists());

    let run = segmind(scratch.path(), &format!("--json {line}")).await;
    assert_eq!(run.code, 4, "{run:?}");
    let report = run.json();
    assert_eq!(report["error"]["status"], 401);
    assert_eq!(report["error"]["exit_code"], 4);
    assert!(
        !run.stdout.contains(wrong) && !run.stderr.contains(wrong),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_and_cut_body_leave_no_file() {
    let config = config()
        .with_fault(Route::V1, Fault::Status(500))
        .with_fault(Route::V1, Fault::CutBody);
    let server = server(config).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!("--api-key {KEY} --base-url {base} hallo {URL_INPUTS} --out out.mp4");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains("500"), "{run:?}");
    assert_eq!(
        server.post_count_for(Route::V1),
        1,
        "a billed POST is never retried"
    );

    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 7, "{run:?}");
    assert!(run.stderr.contains("cut off"), "{run:?}");
    let left: Vec<String> = std::fs::read_dir(scratch.path())
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        !left.iter().any(|name| name.contains("out.mp4")),
        "{left:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_key_is_a_usage_error() {
    let server = server(config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!("--base-url {base} hallo {URL_INPUTS} --out o.mp4");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 2, "{run:?}");
    let expected = "no API key: pass --api-key or set SEGMIND_API_KEY";
    assert!(run.stderr.contains(expected), "{run:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_in_a_missing_folder_is_refused_before_sending() {
    let server = server(config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line =
        format!("--api-key {KEY} --base-url {base} hallo {URL_INPUTS} --out no/such/out.mp4");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("the folder no/such does not exist"),
        "{run:?}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_body_and_a_masked_curl_and_sends_nothing() {
    let server = server(config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let secret = "sk-SECRET-dry-7e1d";
    let line = format!(
        "--api-key {secret} --base-url {base} hallo --input-image face.png \
         --input-audio https://example.test/voice.mp3 --lip-weight 1.5 --base64 false --dry-run"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    let body = json!({
        "input_image": "face.png",
        "input_audio": "https://example.test/voice.mp3",
        "lip_weight": 1.5,
        "base64": false
    });
    let pretty = serde_json::to_string_pretty(&body).expect("JSON");
    assert_eq!(run.stdout, format!("{pretty}\n"));
    let curl = format!(
        "curl -sS -X POST {base}/v1/hallo -H 'x-api-key: ****' \
         -H 'Content-Type: application/json' -d '{body}' -o hallo.mp4"
    );
    assert!(run.stderr.lines().any(|line| line == curl), "{run:?}");
    let note = "face.png is a local file: it would be uploaded";
    assert!(run.stderr.contains(note), "{run:?}");
    assert!(
        !run.stderr.contains(secret) && !run.stdout.contains(secret),
        "{run:?}"
    );
    assert!(server.requests().is_empty(), "a dry run sends nothing");

    // Without a key, through v2, and as JSON for scripts.
    let line = format!(
        "--base-url {base} --json hallo --input-image face.png --input-audio voice.mp3 --async --dry-run"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["url"], format!("{base}/v2/hallo"));
    let body = json!({"input_image": "face.png", "input_audio": "voice.mp3"});
    assert_eq!(report["body"], body);
    assert_eq!(report["local_files"].as_array().map(Vec::len), Some(2));
    assert!(server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_still_validates() {
    let scratch = Scratch::new();
    let line = "sadtalker --input-image face.png --input-audio voice.mp3 --pose-style 46 --dry-run";
    let run = segmind(scratch.path(), line).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr
            .contains("--pose-style: 46 is above the maximum 45"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty());
}
