//! `segmind run SLUG` against the local server, for slugs this tool has no
//! schema of (copies of real models the server serves under new slugs):
//! v1 and `--async`, the kind of the output read from the reply, `--set`
//! and `--json-input`, a local file only when named with `--file`, a dry
//! run, slugs that try to leave their path segment, and a slug this tool
//! knows read and validated as its own subcommand reads it.

mod common;

use common::{
    schemas_with_unknown_models, segmind, server, Scratch, KEY, UNKNOWN_IMAGE_MODEL,
    UNKNOWN_JSON_MODEL, UNKNOWN_VIDEO_MODEL,
};
use segmind_server::{Route, ServerConfig, TestServer};
use serde_json::Value;

async fn start(scratch: &Scratch) -> TestServer {
    let dir = schemas_with_unknown_models(scratch);
    server(ServerConfig::new(dir).with_polls_before_complete(1)).await
}

fn body_sent(server: &TestServer, path: &str) -> Value {
    let call = server
        .requests()
        .into_iter()
        .find(|r| r.path == path)
        .unwrap_or_else(|| panic!("no request to {path}"));
    serde_json::from_slice(&call.body).expect("a JSON body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_slug_without_a_schema_is_saved_with_the_replys_extension() {
    let scratch = Scratch::new();
    let server = start(&scratch).await;
    let base = server.base_url();
    let line = format!(
        "--api-key {KEY} --base-url {base} --json run {UNKNOWN_IMAGE_MODEL} --set prompt=a_fox --set steps=1"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["model"], UNKNOWN_IMAGE_MODEL);
    // The default name takes its extension from the reply's type.
    let name = format!("{UNKNOWN_IMAGE_MODEL}.jpg");
    assert_eq!(report["output_path"], name.as_str(), "{report}");
    let saved = std::fs::read(scratch.file(&name)).unwrap();
    assert_eq!(saved, TestServer::fixture_image("jpeg").unwrap());
    // `--set` values are JSON when they parse, strings otherwise.
    let body = body_sent(&server, &format!("/v1/{UNKNOWN_IMAGE_MODEL}"));
    assert_eq!(body, serde_json::json!({"prompt": "a_fox", "steps": 1}));
    assert_eq!(server.post_count_for(Route::V1), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_slug_without_a_schema_prints_its_answer_over_v1_and_v2() {
    let scratch = Scratch::new();
    let server = start(&scratch).await;
    let base = server.base_url();
    std::fs::write(
        scratch.file("body.json"),
        r#"{"prompt": "what is this?", "images": "https://example.test/a.png"}"#,
    )
    .unwrap();
    for extra in ["", "--async --poll-interval 0.05"] {
        let line = format!(
            "--api-key {KEY} --base-url {base} --quiet run {UNKNOWN_JSON_MODEL} --json-input body.json {extra}"
        );
        let run = segmind(scratch.path(), &line).await;
        assert_eq!(run.code, 0, "{extra}: {run:?}");
        let printed: Value = serde_json::from_str(&run.stdout).expect("the answer");
        assert_eq!(
            printed,
            TestServer::json_answer(UNKNOWN_JSON_MODEL),
            "{extra}"
        );
    }
    assert_eq!(server.post_count_for(Route::V1), 1);
    assert_eq!(server.post_count_for(Route::V2Submit), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_file_is_sent_only_when_named_with_file() {
    let scratch = Scratch::new();
    let server = start(&scratch).await;
    let base = server.base_url();
    std::fs::write(
        scratch.file("face.png"),
        TestServer::fixture_image("png").unwrap(),
    )
    .unwrap();
    // A string that names an existing file is still a string: the server's
    // own check refuses it as no URL, and nothing is uploaded.
    let line = format!(
        "--api-key {KEY} --base-url {base} run {UNKNOWN_VIDEO_MODEL} --set input_image=face.png \
         --set input_audio=https://example.test/v.mp3 --out a.mp4"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_ne!(run.code, 0, "{run:?}");
    assert_eq!(server.post_count_for(Route::Upload), 0);
    let body = body_sent(&server, &format!("/v1/{UNKNOWN_VIDEO_MODEL}"));
    assert_eq!(body["input_image"], "face.png");
    // Named with --file, it is uploaded and its URL sent in its place.
    let line = format!(
        "--api-key {KEY} --base-url {base} --json run {UNKNOWN_VIDEO_MODEL} --file input_image=face.png \
         --set input_audio=https://example.test/v.mp3 --out b.mp4"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(server.post_count_for(Route::Upload), 1);
    let saved = std::fs::read(scratch.file("b.mp4")).unwrap();
    assert_eq!(saved, TestServer::fixture_video());
    let last = server
        .requests()
        .into_iter()
        .rfind(|r| r.path == format!("/v1/{UNKNOWN_VIDEO_MODEL}"))
        .unwrap();
    let body: Value = serde_json::from_slice(&last.body).unwrap();
    let url = body["input_image"].as_str().unwrap();
    assert!(url.starts_with(&base), "{url}");
    // A file that does not exist is refused before anything is sent.
    let posts = server.post_count();
    let line = format!(
        "--api-key {KEY} --base-url {base} run {UNKNOWN_VIDEO_MODEL} --file input_image=missing.png"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("missing.png"), "{run:?}");
    assert_eq!(server.post_count(), posts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_prints_the_body_and_the_url_and_sends_nothing() {
    let scratch = Scratch::new();
    let server = start(&scratch).await;
    let base = server.base_url();
    let line = format!(
        "--api-key {KEY} --base-url {base} --json run brand-new-model --set prompt=p --set n=2 --async --dry-run"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["url"], format!("{base}/v2/brand-new-model"));
    assert_eq!(report["body"], serde_json::json!({"prompt": "p", "n": 2}));
    assert!(!run.stdout.contains(KEY), "{run:?}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slugs_that_could_leave_their_path_segment_are_usage_errors() {
    let scratch = Scratch::new();
    let server = start(&scratch).await;
    let base = server.base_url();
    for slug in [
        "..",
        "../v2/requests/x",
        "a/b",
        "a%2fb",
        "https://evil.test",
        ".x",
    ] {
        let line = format!("--api-key {KEY} --base-url {base} run {slug} --set a=1");
        let run = segmind(scratch.path(), &line).await;
        assert_eq!(run.code, 2, "{slug}: {run:?}");
        assert!(run.stderr.contains("invalid slug"), "{slug}: {run:?}");
        let line = format!("--api-key {KEY} --base-url {base} batch {slug} in.jsonl --out-dir o");
        let run = segmind(scratch.path(), &line).await;
        assert_eq!(run.code, 2, "batch {slug}: {run:?}");
    }
    let line = format!("--api-key {KEY} --base-url {base} run some-model --set =1");
    assert_eq!(segmind(scratch.path(), &line).await.code, 2);
    assert_eq!(server.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slug_this_tool_knows_is_read_and_validated_as_its_subcommand_reads_it() {
    let scratch = Scratch::new();
    let server = start(&scratch).await;
    let base = server.base_url();
    let inputs =
        "--set input_image=https://example.test/f.png --set input_audio=https://example.test/v.mp3";
    let line = format!("--api-key {KEY} --base-url {base} run hallo {inputs} --set pose_weight=12");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr
            .contains("pose_weight: 12.0 is above the maximum 10"),
        "{run:?}"
    );
    let line = format!("--api-key {KEY} --base-url {base} run hallo {inputs} --set nope=1");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("nope"), "{run:?}");
    assert_eq!(server.post_count(), 0, "nothing was sent");
    // Valid: it runs as `segmind hallo` does, and a --file is a file.
    std::fs::write(
        scratch.file("face.png"),
        TestServer::fixture_image("png").unwrap(),
    )
    .unwrap();
    let line = format!(
        "--api-key {KEY} --base-url {base} run hallo --file input_image=face.png \
         --set input_audio=https://example.test/v.mp3 --out out.mp4"
    );
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(server.post_count_for(Route::Upload), 1);
    assert_eq!(
        std::fs::read(scratch.file("out.mp4")).unwrap(),
        TestServer::fixture_video()
    );
}

/// The OpenAI-format chat fixture is compiled into no crate: the CLI calls
/// it through `segmind run`, over v1 and v2, and prints the whole reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_format_chat_fixture_runs_through_segmind_run() {
    let scratch = Scratch::new();
    let dir = schemas_with_unknown_models(&scratch);
    let fixture = "chat-output-openai-format.json";
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/schemas")
            .join(fixture),
        dir.join(fixture),
    )
    .unwrap();
    let server = server(ServerConfig::new(dir).with_polls_before_complete(1)).await;
    let base = server.base_url();
    std::fs::write(
        scratch.file("chat.json"),
        r#"{"messages": [{"role": "user", "content": "hello there"}]}"#,
    )
    .unwrap();
    for extra in ["", "--async --poll-interval 0.05"] {
        let line = format!(
            "--api-key {KEY} --base-url {base} --quiet run chat-output-openai-format --json-input chat.json {extra}"
        );
        // The reply's text, as a chat model's own subcommand prints it.
        let run = segmind(scratch.path(), &line).await;
        assert_eq!(run.code, 0, "{extra}: {run:?}");
        let said = format!("{}hello there", segmind_server::CHAT_REPLY_PREFIX);
        assert_eq!(run.stdout.trim(), said, "{extra}: {run:?}");
        // With --json, the whole reply.
        let line = format!(
            "--api-key {KEY} --base-url {base} --json run chat-output-openai-format --json-input chat.json {extra}"
        );
        let run = segmind(scratch.path(), &line).await;
        assert_eq!(run.code, 0, "{extra}: {run:?}");
        let report = run.json();
        assert_eq!(
            report["output"]["choices"][0]["message"]["content"], said,
            "{extra}: {report}"
        );
    }
}
