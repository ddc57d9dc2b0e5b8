//! Every example is built and run against the local Segmind server on
//! 127.0.0.1, as a user would run it: the image and videos are saved, the
//! v2 job is submitted once and resumed from its id in a second process,
//! and the error example names the violation.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use segmind_server::{Route, ServerConfig, TestServer};

/// The examples' folder. `cargo test` builds the examples of a package
/// with its tests, so they are there and current; when only this test
/// target was asked for (`--test run_examples`) they are built here.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its path");
    // target/<profile>/deps/<test> -> target/<profile>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test runs from target/<profile>/deps");
    let examples = profile_dir.join("examples");
    let built = [
        "v1_call",
        "v2_submit_and_resume",
        "local_files",
        "error_handling",
    ]
    .iter()
    .all(|name| examples.join(name).is_file());
    if built {
        return examples;
    }
    let target_dir = profile_dir.parent().expect("target dir");
    let mut build = Command::new(env!("CARGO"));
    build
        .args([
            "build",
            "--quiet",
            "--package",
            "segmind-examples",
            "--examples",
        ])
        .arg("--target-dir")
        .arg(target_dir);
    if profile_dir
        .file_name()
        .is_some_and(|name| name == "release")
    {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building the examples failed");
    examples
}

fn run(dir: &Path, base: &str, cwd: &Path, name: &str, args: &[&str]) -> Output {
    Command::new(dir.join(name))
        .args(args)
        .env("SEGMIND_API_KEY", "sk-examples")
        .env("SEGMIND_BASE_URL", base)
        .env_remove("SEGMIND_UPLOAD_URL")
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("{name} runs: {e}"))
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn every_example_runs_against_the_local_server() {
    let dir = tokio::task::spawn_blocking(examples_dir).await.unwrap();
    let config =
        ServerConfig::new(segmind_server::workspace_schema_dir()).with_api_key("sk-examples");
    let server = TestServer::start(config).await.expect("server starts");
    let base = server.base_url();
    let scratch = tempfile::tempdir().unwrap();
    let cwd = scratch.path().to_path_buf();

    let run_blocking = |name: &'static str, args: Vec<String>| {
        let (dir, base, cwd) = (dir.clone(), base.clone(), cwd.clone());
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run(&dir, &base, &cwd, name, &args)
        })
    };

    let v1 = run_blocking("v1_call", vec![]).await.unwrap();
    assert!(v1.status.success(), "{}", text(&v1));
    let saved = std::fs::read(cwd.join("lighthouse.jpg")).expect("the image is saved");
    assert!(saved.starts_with(&[0xFF, 0xD8]), "not a JPEG");

    let submitted = run_blocking("v2_submit_and_resume", vec!["submit".into()])
        .await
        .unwrap();
    assert!(submitted.status.success(), "{}", text(&submitted));
    let id = String::from_utf8(submitted.stdout)
        .unwrap()
        .trim()
        .to_owned();
    assert!(!id.is_empty());
    let resumed = run_blocking("v2_submit_and_resume", vec!["resume".into(), id])
        .await
        .unwrap();
    assert!(resumed.status.success(), "{}", text(&resumed));
    assert_eq!(
        std::fs::read(cwd.join("hallo.mp4")).unwrap(),
        TestServer::fixture_video()
    );
    assert_eq!(server.post_count_for(Route::V2Submit), 1, "submitted once");

    std::fs::write(cwd.join("face.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    std::fs::write(cwd.join("voice.mp3"), b"ID3").unwrap();
    let local = run_blocking("local_files", vec!["face.png".into(), "voice.mp3".into()])
        .await
        .unwrap();
    assert!(local.status.success(), "{}", text(&local));
    assert_eq!(
        server.post_count_for(Route::Upload),
        2,
        "both files uploaded"
    );
    assert!(cwd.join("talking.mp4").is_file());

    let posts_before = server.post_count();
    let failed = run_blocking("error_handling", vec![]).await.unwrap();
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("fix: pose_weight: 12.0 is above the maximum 10"),
        "{stderr}"
    );
    assert_eq!(server.post_count(), posts_before, "nothing sent");

    std::fs::write(
        cwd.join("prompts.jsonl"),
        "{\"prompt\": \"a red fox\", \"id\": \"fox\"}\n{\"prompt\": \"a blue whale\"}\n",
    )
    .unwrap();
    let submits_before = server.post_count_for(Route::V2Submit);
    for run in 0..2 {
        let batch = run_blocking("batch", vec!["prompts.jsonl".into(), "out".into()])
            .await
            .unwrap();
        assert!(batch.status.success(), "run {run}: {}", text(&batch));
        let stdout = String::from_utf8_lossy(&batch.stdout);
        assert!(stdout.contains("2 done, 0 not done"), "run {run}: {stdout}");
    }
    // The second run found both lines done in the manifest: two POSTs in all.
    assert_eq!(server.post_count_for(Route::V2Submit) - submits_before, 2);
    assert!(cwd.join("out/manifest.jsonl").is_file());
    let saved: Vec<String> = std::fs::read_dir(cwd.join("out"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "manifest.jsonl")
        .collect();
    assert_eq!(saved.len(), 2, "{saved:?}");
    assert!(
        saved.iter().any(|name| name.starts_with("1-fox.")),
        "{saved:?}"
    );
}
