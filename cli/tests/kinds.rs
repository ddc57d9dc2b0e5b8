//! Output kinds from the command line: default output names whose
//! extension follows the reply's type, JSON answers printed (or written to
//! `--out`), `segmind wait` on jobs of every kind, and the kind in the
//! models list. Model subcommands come from the generated registry: the
//! tests of image, audio and JSON subcommands run once such models are in
//! `schema/`, and say so when skipped.

mod common;

use common::{command, segmind, server, Scratch, KEY};
use segmind_runtime::{
    Client, Media, ModelInfo, ModelInput, OutputKind, ValidationError, WaitOptions,
};
use segmind_server::{kinds_schema_dir, ServerConfig, TestServer};
use serde_json::{json, Value};

/// hallo's required inputs as URLs, so nothing is uploaded.
const URL_INPUTS: &str =
    "--input-image https://example.test/face.png --input-audio https://example.test/voice.mp3";

/// The names in `dir` other than the scratch inputs, sorted.
fn outputs_in(scratch: &Scratch) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "face.png" && name != "voice.mp3")
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_out_a_video_is_saved_as_the_model_name() {
    let server = server(common::config()).await;
    let scratch = Scratch::new();
    let base = server.base_url();
    let line = format!("--api-key {KEY} --base-url {base} --json hallo {URL_INPUTS}");
    let run = segmind(scratch.path(), &line).await;
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["output_path"], "hallo.mp4");
    assert_eq!(report["content_type"], "video/mp4");
    assert_eq!(report["output"], Value::Null);
    assert_eq!(outputs_in(&scratch), vec!["hallo.mp4"]);
    let saved = std::fs::read(scratch.file("hallo.mp4")).unwrap();
    assert_eq!(saved, TestServer::fixture_video());
}

#[test]
fn the_models_list_shows_the_kind() {
    let run = command().args(["models", "--json"]).output().unwrap();
    let list: Value = serde_json::from_slice(&run.stdout).unwrap();
    for model in list.as_array().unwrap() {
        assert!(
            ["video", "image", "audio", "json", "chat"]
                .contains(&model["output"].as_str().unwrap()),
            "{model}"
        );
    }
    let run = command().arg("models").output().unwrap();
    let table = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(table.lines().next().unwrap().contains("OUTPUT"), "{table}");
}

/// A job's body for a model of the kinds folder, sent as is.
struct Raw {
    info: &'static ModelInfo,
    body: Value,
}

impl ModelInput for Raw {
    fn info(&self) -> Option<&'static ModelInfo> {
        Some(self.info)
    }
    fn slug(&self) -> &str {
        self.info.slug
    }
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
    fn to_json(&self) -> Value {
        self.body.clone()
    }
    fn media(&self) -> Vec<(String, &Media)> {
        Vec::new()
    }
}

/// Submits a v2 job of `slug` (returning `output`) and waits until it is
/// done, so `segmind wait` finds it completed.
async fn finished_job(
    server: &TestServer,
    slug: &'static str,
    output: OutputKind,
    body: Value,
) -> String {
    let info: &'static ModelInfo = Box::leak(Box::new(ModelInfo {
        slug,
        path: None,
        title: slug,
        summary: "",
        rust_name: "m",
        typical_latency_seconds: None,
        typical_price_usd: None,
        output,
        fields: &[],
    }));
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .build()
        .unwrap();
    let job = client.submit(&Raw { info, body }).await.unwrap();
    let fast = WaitOptions::new().with_poll_interval(std::time::Duration::from_millis(5));
    job.wait(fast).await.unwrap();
    job.request_id().to_owned()
}

async fn kinds_server() -> TestServer {
    server(ServerConfig::new(kinds_schema_dir()).with_polls_before_complete(0)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_saves_media_of_any_kind_under_the_request_id() {
    let server = kinds_server().await;
    let base = server.base_url();
    let cases = [
        (
            "flux-schnell",
            OutputKind::Image,
            json!({"prompt": "fox"}),
            "jpg",
            TestServer::fixture_image("jpeg").unwrap(),
        ),
        (
            "esrgan",
            OutputKind::Image,
            json!({"image": "https://x.test/a.png", "output_format": "png"}),
            "png",
            TestServer::fixture_image("png").unwrap(),
        ),
        (
            "gemini-3.1-flash-tts",
            OutputKind::Audio,
            json!({"text": "hi"}),
            "wav",
            TestServer::fixture_audio(),
        ),
    ];
    for (slug, kind, body, ext, bytes) in cases {
        let id = finished_job(&server, slug, kind, body).await;
        let scratch = Scratch::new();
        let run = segmind(
            scratch.path(),
            &format!("--api-key {KEY} --base-url {base} --json wait {id}"),
        )
        .await;
        assert_eq!(run.code, 0, "{run:?}");
        let name = format!("{id}.{ext}");
        assert_eq!(run.json()["output_path"], name.as_str(), "{run:?}");
        assert_eq!(
            outputs_in(&scratch),
            vec![name.clone()],
            "no temp file left"
        );
        assert_eq!(std::fs::read(scratch.file(&name)).unwrap(), bytes, "{slug}");

        // With --out, the name is kept even when the type says otherwise.
        let run = segmind(
            scratch.path(),
            &format!("--api-key {KEY} --base-url {base} wait {id} --out given.bin"),
        )
        .await;
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(std::fs::read(scratch.file("given.bin")).unwrap(), bytes);
        assert!(
            run.stderr.contains("it is saved as given.bin as asked"),
            "{run:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_prints_a_json_answer_or_writes_it_to_out() {
    let server = kinds_server().await;
    let base = server.base_url();
    let body = json!({"images": "https://x.test/cat.png", "prompt": "what?"});
    let id = finished_job(&server, "llava-v1.6", OutputKind::Json, body).await;
    let answer = TestServer::json_answer("llava-v1.6");
    let scratch = Scratch::new();

    let run = segmind(
        scratch.path(),
        &format!("--api-key {KEY} --base-url {base} wait {id}"),
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json(), answer, "stdout is the answer alone");
    assert!(run.stderr.contains(&format!("request id {id}")), "{run:?}");
    assert!(
        outputs_in(&scratch).is_empty(),
        "nothing saved: {:?}",
        outputs_in(&scratch)
    );

    let run = segmind(
        scratch.path(),
        &format!("--api-key {KEY} --base-url {base} --json wait {id}"),
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["output"], answer);
    assert_eq!(report["output_path"], Value::Null);
    assert_eq!(report["request_id"], id.as_str());

    let run = segmind(
        scratch.path(),
        &format!("--api-key {KEY} --base-url {base} --json wait {id} --out answer.json"),
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["output_path"], "answer.json");
    let saved: Value =
        serde_json::from_slice(&std::fs::read(scratch.file("answer.json")).unwrap()).unwrap();
    assert_eq!(saved, answer);
}

/// The model `slug` of the generated registry, if it is there yet.
fn registered(slug: &str) -> bool {
    let found = segmind::models::ALL.iter().any(|model| model.slug == slug);
    if !found {
        eprintln!("skipped: `{slug}` is not in schema/ yet");
    }
    found
}

/// Image, audio and JSON subcommands through v1 and `--async`, once their
/// schema files are in `schema/` (against the workspace's schemas).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subcommands_of_every_kind() {
    let server = server(common::config().with_polls_before_complete(0)).await;
    let base = server.base_url();
    let cases = [
        (
            "flux-schnell",
            "--prompt fox",
            "flux-schnell.jpg",
            TestServer::fixture_image("jpeg"),
        ),
        (
            "esrgan",
            "--image https://x.test/a.png --output-format png",
            "esrgan.png",
            TestServer::fixture_image("png"),
        ),
        (
            "gemini-3.1-flash-tts",
            "--text hello",
            "gemini-3.1-flash-tts.wav",
            Some(TestServer::fixture_audio()),
        ),
    ];
    for (slug, flags, name, bytes) in cases {
        if !registered(slug) {
            continue;
        }
        for mode in ["", "--async --poll-interval 0.05"] {
            let scratch = Scratch::new();
            let line = format!("--api-key {KEY} --base-url {base} --json {slug} {flags} {mode}");
            let run = segmind(scratch.path(), &line).await;
            assert_eq!(run.code, 0, "{run:?}");
            assert_eq!(run.json()["output_path"], name, "{run:?}");
            assert_eq!(outputs_in(&scratch), vec![name.to_owned()]);
            assert_eq!(Some(&std::fs::read(scratch.file(name)).unwrap()[..]), bytes);
        }
    }
    for (slug, flags) in [
        (
            "llava-v1.6",
            "--images https://x.test/cat.png --prompt what",
        ),
        ("nano-banana", "--prompt banana"),
    ] {
        if !registered(slug) {
            continue;
        }
        for mode in ["", "--async --poll-interval 0.05"] {
            let scratch = Scratch::new();
            let line = format!("--api-key {KEY} --base-url {base} {slug} {flags} {mode}");
            let run = segmind(scratch.path(), &line).await;
            assert_eq!(run.code, 0, "{run:?}");
            assert_eq!(run.json(), TestServer::json_answer(slug), "{run:?}");
            assert!(outputs_in(&scratch).is_empty());
        }
    }
}
