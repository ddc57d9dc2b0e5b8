//! The untyped path against the local server: `run_json`, `submit_json` and
//! `batch_json` for slugs the crate has no schema of (copies of real models
//! the server serves under new slugs, of every output kind), the kind of
//! the reply read from the reply, a kind asked for and refused naming what
//! came, slugs that try to leave their path segment, and a known slug read
//! exactly as its typed path reads it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use segmind::{AnyOutput, Client, Error, Image, JsonOutput, OutputKind, RetryPolicy, WaitOptions};
use segmind_server::{Route, ServerConfig, TestServer};
use serde_json::{json, Value};

/// Slugs the server serves and the crate does not know, by the real model
/// they copy, with the kind each answers.
const UNKNOWN: [(&str, &str, OutputKind); 3] = [
    ("flux-schnell", "flux-schnell-next", OutputKind::Image),
    ("llava-v1.6", "llava-next", OutputKind::Json),
    ("hallo", "hallo-next", OutputKind::Video),
];

/// A folder with the workspace's schemas plus the copies of [`UNKNOWN`].
fn schema_dir(scratch: &Path) -> PathBuf {
    let copies: Vec<(&str, &str)> = UNKNOWN.iter().map(|(from, to, _)| (*from, *to)).collect();
    segmind_server::schema_dir_with_copies(&scratch.join("schemas"), &copies)
}

async fn start(scratch: &Path) -> TestServer {
    TestServer::start(ServerConfig::new(schema_dir(scratch)).with_polls_before_complete(1))
        .await
        .expect("server")
}

fn client(server: &TestServer) -> Client {
    Client::builder()
        .api_key("untyped-test-key")
        .base_url(server.base_url())
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(5)))
        .build()
        .expect("client")
}

/// A valid input of the real model `from` (so of its copy too).
fn body_of(from: &str) -> Value {
    let model = segmind::models::find(from).expect("compiled in");
    let mut body = segmind_tests::valid_input(model, segmind_tests::End::Lower);
    // The raw output, not JSON wrapping it in base64.
    body.remove("base64");
    Value::Object(body)
}

fn fast() -> WaitOptions {
    WaitOptions::default()
        .with_poll_interval(Duration::from_millis(5))
        .with_deadline(Duration::from_secs(20))
}

#[tokio::test]
async fn any_slug_over_v1_and_v2_answers_the_kind_its_reply_says() {
    let scratch = tempfile::tempdir().unwrap();
    let server = start(scratch.path()).await;
    let client = client(&server);
    for (from, slug, kind) in UNKNOWN {
        assert!(segmind::models::find(slug).is_none(), "{slug} is unknown");
        let output: AnyOutput = client.run_json(slug, body_of(from)).await.unwrap();
        assert_eq!(output.kind(), Some(kind), "{slug} over v1");
        assert!(output.meta().request_id.is_some());
        let path = scratch
            .path()
            .join(format!("{slug}-v1.{}", output.extension()));
        let written = output.save(&path).await.unwrap();
        assert!(written > 0 && std::fs::metadata(&path).unwrap().len() == written);
        if kind == OutputKind::Json {
            let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            assert_eq!(saved, TestServer::json_answer(slug));
        }

        let job = client.submit_json(slug, body_of(from)).await.unwrap();
        let done = job.wait(fast()).await.unwrap();
        let output: AnyOutput = done.download().await.unwrap();
        assert_eq!(output.kind(), Some(kind), "{slug} over v2");
        let path = scratch
            .path()
            .join(format!("{slug}-v2.{}", output.extension()));
        output.save(&path).await.unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 0);
    }
    // No schema, so the server's checks are the only ones: an invalid body
    // is sent and refused there (a 400, not billed).
    let refused = client
        .run_json::<AnyOutput>("flux-schnell-next", json!({"steps": "many"}))
        .await
        .expect_err("the server refuses it");
    assert!(matches!(refused, Error::BadRequest(_)), "{refused:?}");
}

#[tokio::test]
async fn a_kind_asked_for_refuses_another_naming_what_came_and_keeps_the_request_id() {
    let scratch = tempfile::tempdir().unwrap();
    let server = start(scratch.path()).await;
    let client = client(&server);
    // An image model asked for a video.
    let video: segmind::Video = client
        .run_json("flux-schnell-next", body_of("flux-schnell"))
        .await
        .unwrap();
    let path = scratch.path().join("out.mp4");
    let error = video.save(&path).await.expect_err("an image is no video");
    let text = error.to_string();
    assert!(text.contains("image/jpeg"), "{text}");
    assert!(error.request_id().is_some(), "{error:?}");
    assert!(!path.exists(), "nothing is saved on a refusal");
    // A JSON model asked for an image: the JSON is no base64 image.
    let error = client
        .run_json::<Image>("llava-next", body_of("llava-v1.6"))
        .await
        .expect_err("JSON is no image");
    assert!(error.request_id().is_some(), "{error:?}");
    // And an image model asked for JSON.
    let error = client
        .run_json::<JsonOutput>("flux-schnell-next", body_of("flux-schnell"))
        .await
        .expect_err("an image is no JSON");
    assert!(error.to_string().contains("JSON"), "{error}");
    assert_eq!(server.post_count_for(Route::V1), 3, "each sent once");
}

#[tokio::test]
async fn slugs_that_could_leave_their_path_segment_are_refused_before_sending() {
    let scratch = tempfile::tempdir().unwrap();
    let server = start(scratch.path()).await;
    let client = client(&server);
    for slug in [
        "",
        "..",
        "../v2/requests/x",
        "hallo/../flux-schnell",
        "a%2Fb",
        "https://evil.test/x",
        "//evil.test",
        "x?y=1",
        "x#y",
        ".hidden",
        "a b",
    ] {
        let error = client
            .run_json::<AnyOutput>(slug, json!({}))
            .await
            .expect_err(slug);
        assert!(matches!(error, Error::Input(_)), "{slug}: {error:?}");
        assert!(!error.may_have_been_billed());
        let error = client.submit_json(slug, json!({})).await.expect_err(slug);
        assert!(error.to_string().contains("invalid slug"), "{error}");
    }
    // Not an object: refused before sending too.
    let error = client
        .run_json::<AnyOutput>("any-model", json!(["a"]))
        .await
        .expect_err("an array");
    assert!(
        error.to_string().contains("must be a JSON object"),
        "{error}"
    );
    assert_eq!(server.request_count(), 0, "nothing reached the server");
}

#[tokio::test]
async fn a_known_slug_through_run_json_is_refused_exactly_as_its_typed_path_refuses() {
    let scratch = tempfile::tempdir().unwrap();
    let server = start(scratch.path()).await;
    let client = client(&server);
    let cases = [
        json!({"input_image": "https://x.test/a.png", "input_audio": "https://x.test/a.mp3", "pose_weight": 12}),
        json!({"input_image": "/etc/passwd", "input_audio": "https://x.test/a.mp3"}),
        json!({"input_image": "https://x.test/a.png"}),
        json!({"input_image": "https://x.test/a.png", "input_audio": "https://x.test/a.mp3", "nope": 1}),
        json!({"input_image": 3, "input_audio": "https://x.test/a.mp3"}),
    ];
    for body in cases {
        let typed = segmind::models::input_from_json("hallo", body.clone())
            .map_err(|e| e.to_string())
            .and_then(|input| input.validate().map_err(|e| e.to_string()));
        let typed = typed.expect_err("each case is invalid");
        let error = client
            .run_json::<AnyOutput>("hallo", body.clone())
            .await
            .expect_err("refused");
        assert!(
            matches!(error, Error::Input(_) | Error::Validation(_)),
            "{error:?}"
        );
        assert_eq!(error.to_string(), typed, "{body}");
    }
    assert_eq!(server.request_count(), 0, "nothing was sent");
    // A valid one goes through, as its typed output kind.
    let output: AnyOutput = client
        .run_json(
            "hallo",
            json!({"input_image": "https://x.test/a.png", "input_audio": "https://x.test/a.mp3"}),
        )
        .await
        .unwrap();
    assert_eq!(output.kind(), Some(OutputKind::Video));
}

#[tokio::test]
async fn a_batch_of_a_slug_without_a_schema_saves_each_output_as_its_reply_says() {
    let scratch = tempfile::tempdir().unwrap();
    let server = start(scratch.path()).await;
    let client = client(&server);
    let mut text = String::new();
    for n in 0..6 {
        text.push_str(
            &json!({"prompt": format!("fox {n}"), "steps": 1, "id": format!("fox-{n}")})
                .to_string(),
        );
        text.push('\n');
    }
    text.push_str("[1, 2]\n");
    let (lines, problems) = segmind::models::batch_lines("flux-schnell-next", &text).unwrap();
    assert_eq!(lines.len(), 6);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, 7);
    let out = scratch.path().join("out");
    let summary = client
        .batch_json("flux-schnell-next", lines, &out)
        .unwrap()
        .wait_options(fast())
        .run(|_| {})
        .await
        .unwrap();
    assert_eq!(summary.done, 6, "{summary:?}");
    for n in 0..6 {
        let saved = std::fs::read(out.join(format!("{}-fox-{n}.jpg", n + 1))).unwrap();
        assert_eq!(saved, TestServer::fixture_image("jpeg").unwrap());
    }
    // Run again: everything is done, nothing is sent.
    let (lines, _) = segmind::models::batch_lines("flux-schnell-next", &text).unwrap();
    let posts = server.post_count_for(Route::V2Submit);
    let again = client
        .batch_json("flux-schnell-next", lines, &out)
        .unwrap()
        .wait_options(fast())
        .run(|_| {})
        .await
        .unwrap();
    assert_eq!(again.done, 6);
    assert_eq!(server.post_count_for(Route::V2Submit), posts);
    // A slug that cannot name a model is refused.
    assert!(segmind::models::batch_lines("../x", &text).is_err());
}
