//! `cargo xtask diff`'s classes on a matrix of schema changes: each fixture
//! in `tests/fixtures/diff/` (named after the behaviour it pins) holds the
//! old and the new model files and the verdict it must get; the report is
//! pinned by an insta snapshot. Both sides go through the real loader.

use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::ir::Model;
use xtask::schema_diff::{compare, render, verdict};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

/// Loads `docs` (model files) with the workspace's meta-schema.
fn load(docs: &Value, side: &str) -> Vec<Model> {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for doc in docs.as_array().unwrap() {
        let path = dir
            .path()
            .join(format!("{}.json", doc["slug"].as_str().unwrap()));
        std::fs::write(&path, serde_json::to_vec_pretty(doc).unwrap()).unwrap();
        files.push(path);
    }
    let meta = xtask::workspace_root().join("schema/meta/model.schema.json");
    xtask::load::load_files(&files, &meta, side).unwrap_or_else(|e| panic!("{side}: {e}"))
}

#[test]
fn every_fixture_gets_its_verdict_and_report() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "the matrix is {} fixtures", names.len());
    let mut wrong = Vec::new();
    for path in names {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let case: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let old = load(&case["old"], &format!("{name}/old"));
        let new = load(&case["new"], &format!("{name}/new"));
        let changes = compare(&old, &new);
        let got = verdict(&changes).map(|c| c.word());
        if got != case["verdict"].as_str() {
            wrong.push(format!(
                "{name}: verdict {got:?}, the fixture says {}",
                case["verdict"]
            ));
        }
        insta::assert_snapshot!(name.clone(), render(&changes, "BASE"));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
