//! Data is never a file path: tried as an attacker would. A canary file
//! holds a secret; arbitrary JSON inputs for every model of `schema/` and
//! every valid fixture name it in every way a path can be written (absolute,
//! relative to the working folder, `file://`, Windows-style, inside lists and
//! nested objects, in fields that are not media at all). Each input is read
//! through serde (the generated `Input` types), `models::input_from_json`
//! and batch lines, and what reads is sent to the local server, uploads
//! included, over both media modes (upload and inline).
//!
//! What must hold, unless the caller opted in with
//! `input_from_trusted_json` / `with_local_paths`:
//! - no input read from JSON holds a local file;
//! - the canary is never opened (inotify watches it);
//! - the local upload endpoint receives nothing, and no request body holds
//!   the canary's bytes, raw or in base64.
//!
//! The opt-in is checked the other way round: there the canary is opened and
//! uploaded, which also shows that the watchers above can see it.

#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use inotify::{Inotify, WatchMask};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use segmind::models;
use segmind_runtime::{
    with_local_paths, BatchLine, Client, Media, MediaUpload, ModelInput, RetryPolicy,
};
use segmind_server::{Route, ServerConfig, TestServer};
use segmind_tests::{holds_a_file, input_schema};
use serde_json::{json, Map, Value};

mod fixture_registry {
    include!(concat!(env!("OUT_DIR"), "/fixtures/registry.rs"));
}

#[allow(dead_code)]
mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures/index.rs"));
}

/// The secret a canary file holds.
const SECRET: &[u8] = b"CANARY-SECRET-7f3a9c-do-not-upload";

/// A canary file, watched for opens and reads.
struct Canary {
    _dir: tempfile::TempDir,
    path: PathBuf,
    inotify: Inotify,
}

impl Canary {
    fn new() -> Canary {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("canary.png");
        std::fs::write(&path, SECRET).expect("write canary");
        let inotify = Inotify::init().expect("inotify");
        inotify
            .watches()
            .add(&path, WatchMask::OPEN | WatchMask::ACCESS)
            .expect("watch canary");
        Canary {
            _dir: dir,
            path,
            inotify,
        }
    }

    /// Every way of writing the canary's path in a JSON string.
    fn spellings(&self) -> Vec<String> {
        let absolute = self.path.display().to_string();
        // Relative to the working folder: up to the root, then down.
        let relative = format!("{}{}", "../".repeat(32), absolute.trim_start_matches('/'));
        vec![
            absolute.clone(),
            relative.clone(),
            format!("./{relative}"),
            format!("file://{absolute}"),
            format!("file:{absolute}"),
            format!("FILE://localhost{absolute}"),
            absolute.replace('/', "\\"),
            format!("C:{absolute}"),
            format!("{absolute}\u{0}"),
            format!(" {absolute}"),
        ]
    }

    /// Whether the canary was opened or read since the last call.
    fn touched(&mut self) -> bool {
        let mut buffer = [0u8; 4096];
        let mut seen = false;
        loop {
            match self.inotify.read_events(&mut buffer) {
                Ok(events) => {
                    let mut any = false;
                    for _ in events {
                        any = true;
                    }
                    if !any {
                        return seen;
                    }
                    seen = true;
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return seen,
                Err(e) => panic!("inotify: {e}"),
            }
        }
    }
}

/// Whether any request the server received carries the secret, raw or in
/// base64 (a data URL), or whether anything was uploaded.
fn leaked(server: &TestServer) -> Option<String> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(SECRET);
    let uploads = server.post_count_for(Route::Upload);
    if uploads > 0 {
        return Some(format!("{uploads} upload(s) reached the upload endpoint"));
    }
    server.requests().into_iter().find_map(|request| {
        let body = String::from_utf8_lossy(&request.body);
        let raw = request.body.windows(SECRET.len()).any(|w| w == SECRET);
        (raw || body.contains(&encoded))
            .then(|| format!("{} {} carries the canary", request.method, request.path))
    })
}

/// A value for `schema` in which strings name the canary: media fields
/// mostly, but also plain strings; sometimes any JSON at all.
fn hostile(schema: &Value, spellings: &[String]) -> BoxedStrategy<Value> {
    let path = proptest::sample::select(spellings.to_vec()).prop_map(Value::String);
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let typed: BoxedStrategy<Value> = match ty {
        "string" => prop_oneof![
            4 => path.clone(),
            1 => Just(json!("https://media.example/a.png")),
            1 => "[a-z./:]{0,12}".prop_map(Value::String),
        ]
        .boxed(),
        "array" => {
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            proptest::collection::vec(hostile(&items, spellings), 0..4)
                .prop_map(Value::Array)
                .boxed()
        }
        "object" => hostile_object(schema, spellings),
        _ => prop_oneof![
            Just(json!(1)),
            Just(json!(true)),
            Just(json!(0.5)),
            path.clone()
        ]
        .boxed(),
    };
    prop_oneof![
        8 => typed,
        1 => path,
        1 => Just(Value::Null),
        1 => Just(json!({"url": "/etc/passwd", "file": "/etc/passwd"})),
    ]
    .boxed()
}

/// An object for an object schema, each property maybe.
fn hostile_object(schema: &Value, spellings: &[String]) -> BoxedStrategy<Value> {
    let entries: Vec<BoxedStrategy<Option<(String, Value)>>> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(key, sub)| {
                    let key = key.clone();
                    proptest::option::weighted(
                        0.8,
                        hostile(sub, spellings).prop_map(move |v| (key.clone(), v)),
                    )
                    .boxed()
                })
                .collect()
        })
        .unwrap_or_default();
    entries
        .prop_map(|entries| Value::Object(entries.into_iter().flatten().collect::<Map<_, _>>()))
        .boxed()
}

/// Reads an input from JSON, as one of the ways under test does.
type Reader = Box<dyn Fn(Value) -> Result<Box<dyn ModelInput>, String>>;

/// One schema under test: its name, its `input` schema, its readers, and
/// whether the local server serves it (the models of `schema/` do).
struct Subject {
    name: String,
    input: Value,
    read: Reader,
    slug: Option<&'static str>,
}

fn subjects() -> Vec<Subject> {
    let dir = segmind_server::workspace_schema_dir();
    let mut all: Vec<Subject> = models::ALL
        .iter()
        .map(|model| {
            let slug = model.slug;
            Subject {
                name: slug.to_owned(),
                input: input_schema(&dir.join(format!("{slug}.json"))),
                read: Box::new(move |json| {
                    models::input_from_json(slug, json).map_err(|e| e.to_string())
                }),
                slug: Some(slug),
            }
        })
        .collect();
    for (path, read) in fixture_registry::ALL {
        let read = *read;
        all.push(Subject {
            name: path.to_string(),
            input: input_schema(Path::new(path)),
            read: Box::new(move |json| read(json).map_err(|e| e.to_string())),
            slug: None,
        });
    }
    all
}

fn client(server: &TestServer, upload: MediaUpload) -> Client {
    Client::builder()
        .api_key("canary-test-key")
        .base_url(server.base_url())
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(5)))
        .media_upload(upload)
        .build()
        .expect("client")
}

/// Sends what read: a v2 job for a model the server serves, the upload
/// step alone (`prepare_body`) for a fixture. Refusals are expected.
async fn send(clients: &[Client; 2], case: usize, subject: &Subject, input: &dyn ModelInput) {
    let client = &clients[case % 2];
    if subject.slug.is_some() {
        let _ = client.submit(input).await;
    } else {
        let _ = client.prepare_body(input).await;
    }
}

#[test]
fn json_from_anyone_never_opens_or_uploads_a_local_file() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let server = runtime
        .block_on(TestServer::start(ServerConfig::new(
            segmind_server::workspace_schema_dir(),
        )))
        .expect("server");
    let clients = [
        client(&server, MediaUpload::Upload),
        client(&server, MediaUpload::Inline),
    ];
    let canary = std::cell::RefCell::new(Canary::new());
    let spellings = canary.borrow().spellings();
    let out = tempfile::tempdir().expect("out dir");
    let case = std::cell::Cell::new(0usize);
    let read = std::cell::Cell::new(0usize);
    let valid = std::cell::Cell::new(0usize);
    for subject in subjects() {
        let batch_text = std::cell::RefCell::new(String::new());
        let mut runner = TestRunner::new(Config {
            cases: 96,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&hostile_object(&subject.input, &spellings), |body| {
                case.set(case.get() + 1);
                batch_text.borrow_mut().push_str(&format!("{body}\n"));
                if let Ok(input) = (subject.read)(body.clone()) {
                    read.set(read.get() + 1);
                    prop_assert!(!holds_a_file(input.as_ref()), "{}: {body}", subject.name);
                    valid.set(valid.get() + usize::from(input.validate().is_ok()));
                    runtime.block_on(send(&clients, case.get(), &subject, input.as_ref()));
                }
                prop_assert!(
                    !canary.borrow_mut().touched(),
                    "{}: canary opened by {body}",
                    subject.name
                );
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", subject.name));
        // The same inputs as the lines of a batch file, run as a batch.
        if let Some(slug) = subject.slug {
            let model = models::find(slug).expect("compiled in");
            let (lines, _problems) = BatchLine::parse_all(&batch_text.borrow(), model, |json| {
                models::input_from_json(slug, json)
            });
            assert!(
                lines.iter().all(|line| !holds_a_file(line.input.as_ref())),
                "{slug}: a batch line read as a local file"
            );
            let lines: Vec<BatchLine> = lines.into_iter().take(8).collect();
            let summary = runtime.block_on(async {
                segmind_runtime::Batch::new(&clients[0], model, lines, out.path().join(slug))
                    .wait_options(
                        segmind_runtime::WaitOptions::default()
                            .with_poll_interval(Duration::from_millis(5)),
                    )
                    .run(|_| {})
                    .await
            });
            summary.unwrap_or_else(|e| panic!("{slug}: batch: {e}"));
        }
        assert!(
            !canary.borrow_mut().touched(),
            "{}: canary opened",
            subject.name
        );
        if let Some(leak) = leaked(&server) {
            panic!("{}: {leak}", subject.name);
        }
    }
    let (case, read, valid) = (case.get(), read.get(), valid.get());
    assert!(valid > 0, "no valid input at all: the generator is off");
    eprintln!(
        "{case} inputs, {read} read and sent ({valid} valid, so POSTed); canary untouched, 0 uploads"
    );
}

#[test]
fn the_opt_in_reads_and_uploads_local_files_and_the_watchers_see_it() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let server = runtime
        .block_on(TestServer::start(ServerConfig::new(
            segmind_server::workspace_schema_dir(),
        )))
        .expect("server");
    let mut canary = Canary::new();
    let path = canary.path.display().to_string();
    let body = json!({"input_image": path, "input_audio": "https://media.example/a.mp3"});

    // Trusted JSON through the registry: the canary is a file.
    let input = models::input_from_trusted_json("hallo", body.clone()).expect("reads");
    assert!(holds_a_file(input.as_ref()));
    // The same JSON untrusted is a URL, and not a valid one.
    let untrusted = models::input_from_json("hallo", body.clone()).expect("reads");
    assert!(!holds_a_file(untrusted.as_ref()));
    let refused = untrusted.validate().expect_err("a path is no URL");
    assert!(
        refused.to_string().contains("never read as a local file"),
        "{refused}"
    );

    // Typed serde inside the opt-in, and a trusted batch line.
    let typed: segmind::hallo::Input =
        with_local_paths(|| serde_json::from_value(body.clone())).expect("reads");
    assert_eq!(typed.input_image, Media::file(&canary.path));
    let (lines, problems) =
        BatchLine::parse_all(&format!("{body}\n"), &segmind::hallo::MODEL, |json| {
            models::input_from_trusted_json("hallo", json)
        });
    assert!(problems.is_empty(), "{problems:?}");
    assert!(holds_a_file(lines[0].input.as_ref()));
    assert!(
        !canary.touched(),
        "reading JSON opens no file, even trusted"
    );

    // Sending it uploads the canary: the watchers see the open and the upload.
    let client = client(&server, MediaUpload::Upload);
    runtime
        .block_on(client.submit(input.as_ref()))
        .expect("submitted");
    assert!(canary.touched(), "the upload opened the canary");
    assert_eq!(server.post_count_for(Route::Upload), 1);
    assert!(leaked(&server).is_some());
}
