//! `Client::from_env` with and without `SEGMIND_API_KEY`. The environment is
//! process-wide, so each case runs this test binary again as a child process
//! with its own environment, instead of changing the variables under the
//! other tests' feet.

use std::process::Command;

use segmind_runtime::{Client, Error};

const CHILD: &str = "SEGMIND_RUNTIME_TEST_CHILD";

fn run_child(case: &str, vars: &[(&str, &str)]) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args([
        "--exact",
        "env::from_env_in_a_child",
        "--test-threads=1",
        "--nocapture",
    ]);
    for name in ["SEGMIND_API_KEY", "SEGMIND_BASE_URL", "SEGMIND_UPLOAD_URL"] {
        command.env_remove(name);
    }
    command.env(CHILD, case);
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "case {case} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "the child did not run the test:\n{stdout}"
    );
}

#[test]
fn from_env_without_a_key_is_a_config_error() {
    run_child("missing", &[]);
}

#[test]
fn from_env_with_a_key_and_a_base_url() {
    run_child(
        "configured",
        &[
            ("SEGMIND_API_KEY", crate::support::KEY),
            ("SEGMIND_BASE_URL", "http://127.0.0.1:9"),
        ],
    );
}

#[test]
fn from_env_in_a_child() {
    let Ok(case) = std::env::var(CHILD) else {
        return; // Only meaningful when started by the tests above.
    };
    match case.as_str() {
        "missing" => {
            let err = Client::from_env().unwrap_err();
            assert!(
                matches!(&err, Error::Config(m) if m.contains("SEGMIND_API_KEY")),
                "{err:?}"
            );
        }
        "configured" => {
            let client = Client::from_env().unwrap();
            assert_eq!(client.base_url(), "http://127.0.0.1:9");
            assert_eq!(client.upload_url(), "http://127.0.0.1:9/upload-asset");
            crate::support::assert_no_key_in_debug(&client);
        }
        other => panic!("unknown case {other}"),
    }
}
