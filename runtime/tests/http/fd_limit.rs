//! Many calls at once with few file descriptors: the client waits for one of
//! its request slots instead of failing with "Too many open files", and every
//! call's output, reserved before the call, is saved: no billed output is
//! lost. The calls run in a child process (this test binary again) whose
//! descriptor limit is lowered with `ulimit -n`, against a server in this
//! process.

use std::process::Command;

use crate::support::*;

const CHILD_BASE_ENV: &str = "SEGMIND_FD_TEST_BASE";
const CALLS: usize = 600;
const FD_LIMIT: u32 = 128;
/// The child's request slots. Each may hold a connection and, while its
/// output is saved, that file: 2 descriptors a slot, plus the process's
/// own (stdio, the runtime's), must fit under [`FD_LIMIT`]. With 64 slots
/// the worst case (64 sockets and 64 files) is the whole limit.
const SLOTS: usize = 48;

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_calls_under_a_low_descriptor_limit_all_succeed() {
    let stub = Stub::start(|_| video_reply(mp4_file(64), &[])).await;
    let exe = std::env::current_exe().unwrap();
    let base = stub.base_url();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -n {FD_LIMIT} && exec \"$0\" \"$@\""))
            .arg(exe)
            .args([
                "--exact",
                "fd_limit::child_many_calls",
                "--ignored",
                "--nocapture",
            ])
            .env(CHILD_BASE_ENV, base)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let shown = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{shown}");
    assert!(
        shown.contains(&format!("{CALLS} of {CALLS} calls succeeded")),
        "{shown}"
    );
    assert_eq!(stub.count("POST", "/v1/test-model"), CALLS);
}

/// Run only as the child of the test above.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by hundreds_of_calls_under_a_low_descriptor_limit_all_succeed"]
async fn child_many_calls() {
    let Ok(base) = std::env::var(CHILD_BASE_ENV) else {
        return;
    };
    let client = segmind_runtime::Client::builder()
        .api_key(KEY)
        .base_url(base)
        .retry(segmind_runtime::RetryPolicy::none())
        .max_concurrent_requests(SLOTS)
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Every output is reserved before its call, as the CLI does.
    let outputs: Vec<_> = (0..CALLS)
        .map(|i| segmind_runtime::OutputFile::create(dir.path().join(format!("{i}.mp4"))).unwrap())
        .collect();
    let calls = outputs.into_iter().map(|out| {
        let client = client.clone();
        tokio::spawn(async move {
            let video = client.run::<Video, _>(&TestInput::url()).await?;
            video.save_into(out, |_, _| {}).await
        })
    });
    let mut failures = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        if let Err(e) = call.await.unwrap() {
            failures.push(e.to_string());
        }
    }
    println!("{} of {CALLS} calls succeeded", CALLS - failures.len());
    failures.dedup();
    assert!(failures.is_empty(), "{failures:?}");
    let expected = mp4_file(64);
    for i in 0..CALLS {
        let saved = std::fs::read(dir.path().join(format!("{i}.mp4"))).unwrap();
        assert_eq!(saved, expected, "output {i}");
    }
    let parts = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".part")
        })
        .count();
    assert_eq!(parts, 0);
    println!("{CALLS} outputs saved");
}
