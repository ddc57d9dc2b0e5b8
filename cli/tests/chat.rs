//! Chat models from the command line against the local server: `--prompt`
//! sends one user message in the model's format, the reply's text is
//! printed (the whole reply with `--json`, or written to `--out`), over v1
//! and `--async` (v2), and `--json-input` gives a whole conversation.

mod common;

use common::{command, segmind_blocking, server, Scratch, KEY};
use segmind_server::{Route, CHAT_REPLY_PREFIX};
use serde_json::Value;

/// Runs `segmind` with `args` against `base`, off the async runtime.
async fn run(dir: &std::path::Path, base: &str, args: &[&str]) -> common::Run {
    let mut all = vec![
        "--api-key".to_owned(),
        KEY.to_owned(),
        "--base-url".to_owned(),
        base.to_owned(),
    ];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || segmind_blocking(&dir, &all))
        .await
        .expect("the run finishes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompt_prints_the_reply_text_of_each_chat_model_over_v1_and_v2() {
    let server = server(common::config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let prompt = "what is the capital of France";
    for slug in ["claude-3.5-sonnet", "claude-3-haiku", "gemini-1.5-pro"] {
        for mode in [None, Some("--async")] {
            let mut args = vec![slug, "--prompt", prompt, "--poll-interval", "0.05"];
            args.extend(mode);
            let done = run(scratch.path(), &base, &args).await;
            assert_eq!(done.code, 0, "{slug} {mode:?}: {done:?}");
            assert_eq!(
                done.stdout,
                format!("{CHAT_REPLY_PREFIX}{prompt}\n"),
                "{slug} {mode:?}"
            );
            assert!(done.stderr.contains("request id"), "{done:?}");
        }
    }
    // One user message, in each format's request shape.
    let sent = |path: &str| -> Value {
        let request = server
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.path == path)
            .expect("recorded");
        serde_json::from_slice(&request.body).unwrap()
    };
    assert_eq!(
        sent("/v1/claude-3-haiku"),
        serde_json::json!({"messages": [{"role": "user", "content": [{"type": "text", "text": prompt}]}]})
    );
    assert_eq!(
        sent("/v2/gemini-1.5-pro"),
        serde_json::json!({"messages": {"contents": [{"role": "user", "parts": [{"text": prompt}]}]}})
    );
    // Nothing was saved in the folder.
    let names: Vec<_> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "face.png" && n != "voice.mp3")
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_reports_the_whole_reply_and_out_saves_it() {
    let server = server(common::config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let done = run(
        scratch.path(),
        &base,
        &["--json", "gemini-1.5-pro", "--prompt", "hello"],
    )
    .await;
    assert_eq!(done.code, 0, "{done:?}");
    assert_eq!(done.stderr, "");
    let report = done.json();
    assert_eq!(report["model"], "gemini-1.5-pro");
    let reply = &report["output"];
    assert_eq!(reply["candidates"][0]["finishReason"], "STOP");
    assert_eq!(
        reply["candidates"][0]["content"]["parts"][1]["text"],
        "hello"
    );
    assert!(
        reply["usageMetadata"]["totalTokenCount"].is_u64(),
        "{reply}"
    );

    let done = run(
        scratch.path(),
        &base,
        &[
            "claude-3.5-sonnet",
            "--prompt",
            "hi",
            "--out",
            "reply.json",
            "--async",
        ],
    )
    .await;
    assert_eq!(done.code, 0, "{done:?}");
    let saved: Value =
        serde_json::from_slice(&std::fs::read(scratch.file("reply.json")).unwrap()).unwrap();
    assert_eq!(saved["stop_reason"], "end_turn");
    assert_eq!(saved["content"][1]["text"], "hi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_input_gives_a_whole_conversation() {
    let server = server(common::config()).await;
    let scratch = Scratch::new();
    let body = serde_json::json!({
        "instruction": "Be brief.",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "first"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
            {"role": "user", "content": [{"type": "text", "text": "and the last one"}]}
        ]
    });
    std::fs::write(scratch.file("chat.json"), body.to_string()).unwrap();
    let done = run(
        scratch.path(),
        &server.base_url(),
        &["claude-3-haiku", "--json-input", "chat.json"],
    )
    .await;
    assert_eq!(done.code, 0, "{done:?}");
    assert_eq!(
        done.stdout,
        format!("{CHAT_REPLY_PREFIX}and the last one\n")
    );
    assert_eq!(server.post_count_for(Route::V1), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_chat_command_lines_send_nothing() {
    let server = server(common::config()).await;
    let scratch = Scratch::new();
    std::fs::write(scratch.file("chat.json"), "{}").unwrap();
    let base = server.base_url();
    // --prompt and --json-input are two ways to give the body: one only.
    let both = run(
        scratch.path(),
        &base,
        &[
            "claude-3-haiku",
            "--prompt",
            "hi",
            "--json-input",
            "chat.json",
        ],
    )
    .await;
    assert_eq!(both.code, 2, "{both:?}");
    assert!(both.stderr.contains("--prompt"), "{both:?}");
    // Neither: messages are required.
    let neither = run(scratch.path(), &base, &["gemini-1.5-pro"]).await;
    assert_eq!(neither.code, 2, "{neither:?}");
    // A role outside the enum is refused by validation, by flag.
    let wrong = serde_json::json!({"messages": [{"role": "system", "content": [{"type": "text", "text": "x"}]}]});
    std::fs::write(scratch.file("wrong.json"), wrong.to_string()).unwrap();
    let invalid = run(
        scratch.path(),
        &base,
        &["claude-3-haiku", "--json-input", "wrong.json"],
    )
    .await;
    assert_eq!(invalid.code, 3, "{invalid:?}");
    assert!(invalid.stderr.contains("system"), "{invalid:?}");
    assert_eq!(server.post_count_for(Route::V1), 0);
    // --prompt is a chat model's flag only.
    let not_chat = command()
        .args(["hallo", "--prompt", "hi", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(not_chat.status.code(), Some(2));
}

#[test]
fn dry_run_shows_the_prompt_body_and_help_names_the_format() {
    let dry = command()
        .args([
            "--api-key",
            KEY,
            "gemini-1.5-pro",
            "--prompt",
            "hi",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(0), "{dry:?}");
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(
        text.contains(r#""parts""#) && text.contains(r#""hi""#),
        "{text}"
    );
    let help = command()
        .args(["claude-3.5-sonnet", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("--prompt <TEXT>") && text.contains("anthropic"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_on_a_chat_job_prints_its_reply_text() {
    let server = server(common::config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let done = run(
        scratch.path(),
        &base,
        &[
            "--json",
            "claude-3-haiku",
            "--prompt",
            "again",
            "--async",
            "--poll-interval",
            "0.05",
        ],
    )
    .await;
    assert_eq!(done.code, 0, "{done:?}");
    let id = done.json()["request_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    // `segmind wait` does not know the model: the reply's shape says chat.
    let again = run(
        scratch.path(),
        &base,
        &["wait", &id, "--poll-interval", "0.05"],
    )
    .await;
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(again.stdout, format!("{CHAT_REPLY_PREFIX}again\n"));
    assert_eq!(server.post_count_for(Route::V2Submit), 1);
}
