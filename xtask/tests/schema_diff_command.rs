//! `cargo xtask diff` end to end, on a scratch git repository with a model
//! file and `generated/Cargo.toml`: the default base (the last
//! `segmind-v*` tag, else `HEAD`), the version check before and after a
//! bump, the CHANGELOG.md entry, and clear errors for a base that does not
//! load or is no commit.

use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn diff(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .arg("--root")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn set_version(dir: &Path, version: &str) {
    write(
        dir,
        "generated/Cargo.toml",
        &format!("[package]\nname = \"segmind\"\nversion = \"{version}\"\n\n[dependencies]\nserde = {{ version = \"1\" }}\n"),
    );
}

/// A repository with `schema/hallo.json` (copied from the workspace) and
/// version 0.1.0, committed.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = xtask::workspace_root();
    for file in ["schema/meta/model.schema.json", "schema/hallo.json"] {
        write(
            dir.path(),
            file,
            &std::fs::read_to_string(root.join(file)).unwrap(),
        );
    }
    set_version(dir.path(), "0.1.0");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "first"]);
    dir
}

fn narrow_pose_weight(dir: &Path) {
    let path = dir.join("schema/hallo.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["input"]["properties"]["pose_weight"]["maximum"] = 5.into();
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
}

#[test]
fn without_a_release_tag_it_compares_with_head_and_the_check_passes() {
    let dir = repo();
    let (ok, out, _) = diff(dir.path(), &["--check"]);
    assert!(ok, "{out}");
    assert!(out.contains("no schema changes from HEAD"), "{out}");
    assert!(out.contains("no release tag (segmind-v*) yet"), "{out}");
    narrow_pose_weight(dir.path());
    let (ok, out, _) = diff(dir.path(), &["--check"]);
    assert!(ok, "no tag: nothing to check against\n{out}");
    assert!(
        out.contains("from HEAD to the working tree: 1 change in 1 model; verdict: breaking"),
        "{out}"
    );
}

#[test]
fn a_narrowed_range_since_the_release_needs_a_minor_bump_in_0x() {
    let dir = repo();
    git(dir.path(), &["tag", "segmind-v0.1.0"]);
    narrow_pose_weight(dir.path());
    let (ok, out, _) = diff(dir.path(), &[]);
    assert!(ok, "a report alone succeeds\n{out}");
    assert!(
        out.contains("from segmind-v0.1.0 to the working tree"),
        "{out}"
    );
    assert!(
        out.contains("breaking  pose_weight: range was 0 to 10, is 0 to 5: narrowed")
            && out.contains("compiles as before, refused at run time"),
        "{out}"
    );
    let (ok, out, _) = diff(dir.path(), &["--check"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("version check FAILS") && out.contains("it must be at least 0.2.0"),
        "{out}"
    );
    set_version(dir.path(), "0.1.1");
    assert!(
        !diff(dir.path(), &["--check"]).0,
        "a patch bump is not enough for a breaking change"
    );
    set_version(dir.path(), "0.2.0");
    let (ok, out, _) = diff(dir.path(), &["--check"]);
    assert!(ok, "{out}");
    assert!(out.contains("version check passes"), "{out}");
    // The check is against the last release even when BASE is given.
    let (ok, _, _) = diff(dir.path(), &["--check", "HEAD"]);
    assert!(ok);
}

#[test]
fn changelog_gets_one_unreleased_entry() {
    let dir = repo();
    write(
        dir.path(),
        "CHANGELOG.md",
        "# Changelog\n\n## 0.1.0\n\n- First release.\n",
    );
    narrow_pose_weight(dir.path());
    for _ in 0..2 {
        let (ok, out, err) = diff(dir.path(), &["--changelog"]);
        assert!(ok, "{out}{err}");
    }
    let text = std::fs::read_to_string(dir.path().join("CHANGELOG.md")).unwrap();
    assert_eq!(text.matches("## Unreleased").count(), 1, "{text}");
    assert!(text.starts_with("# Changelog\n\n## Unreleased\n\nSchema changes since HEAD; verdict: breaking.\n\n### Breaking\n\n- `hallo`: pose_weight: range was 0 to 10, is 0 to 5"), "{text}");
    assert!(text.ends_with("\n## 0.1.0\n\n- First release.\n"), "{text}");
}

#[test]
fn a_base_that_does_not_load_or_does_not_exist_is_named() {
    let dir = repo();
    let path = dir.path().join("schema/hallo.json");
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replace("\"maximum\": 10", "\"maximum\": -1")).unwrap();
    git(dir.path(), &["commit", "-qam", "broken"]);
    git(dir.path(), &["tag", "broken"]);
    std::fs::write(&path, &good).unwrap();
    let (ok, out, err) = diff(dir.path(), &["broken"]);
    assert!(!ok, "{out}");
    assert!(err.contains("schema/ at broken does not load"), "{err}");
    assert!(
        err.contains("broken:schema/hallo.json: /input/properties/"),
        "{err}"
    );
    let (ok, _, err) = diff(dir.path(), &["no-such-rev"]);
    assert!(!ok);
    assert!(
        err.contains("\"no-such-rev\" is no commit of this repository"),
        "{err}"
    );
    let (ok, _, err) = diff(dir.path(), &["--bogus"]);
    assert!(!ok);
    assert!(err.contains("unknown option \"--bogus\""), "{err}");
}
