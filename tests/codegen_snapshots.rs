//! Snapshots of what the generator writes: every file of the real crate, the
//! module of every fixture schema (one per feature), the crate of every
//! fixture set (schemas that are tested together), and the error message of
//! every broken fixture (a file, or a folder of files that are only wrong
//! together). Reviewing a snapshot diff is how a change to a schema or to the
//! generator is judged.

use std::path::{Path, PathBuf};

use segmind_tests::{
    fixture_name, fixture_paths, load_fixture, meta_schema, workspace_root, xtask,
};

/// The folders in `tests/fixtures/<kind>/`, sorted.
fn fixture_dirs(kind: &str) -> Vec<PathBuf> {
    let dir = workspace_root().join("tests/fixtures").join(kind);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The schema files of a folder fixture, sorted.
fn files_of(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Loads the files of a folder fixture as if they were all of `schema/`.
fn load_dir(dir: &Path) -> Result<Vec<xtask::ir::Model>, xtask::Error> {
    xtask::load::load_files(&files_of(dir), &meta_schema(), "schema")
}

/// Snapshot checks that do not stop at the first difference: each one is
/// made, so one `cargo test` run writes every pending `.snap.new` (or, with
/// `INSTA_UPDATE=always`, every new snapshot) for a single review round, and
/// the test fails at the end naming all that differ.
#[derive(Default)]
struct Snapshots {
    differ: Vec<String>,
}

impl Snapshots {
    fn check(&mut self, name: String, contents: &str) {
        let checked = std::panic::catch_unwind(|| insta::assert_snapshot!(name.clone(), contents));
        if checked.is_err() {
            self.differ.push(name);
        }
    }

    fn finish(self) {
        assert!(
            self.differ.is_empty(),
            "{} snapshots differ: {:?}; review them with `cargo insta review`, or accept all with INSTA_UPDATE=always",
            self.differ.len(),
            self.differ
        );
    }
}

#[test]
fn every_generated_file_matches_its_snapshot() {
    let files = xtask::generate(&workspace_root().join("schema")).expect("the real schemas load");
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut snapshots = Snapshots::default();
    snapshots.check("generated_file_list".to_owned(), &paths.join("\n"));
    for file in &files {
        let file_name = file.path.rsplit('/').next().unwrap_or_default();
        if file_name.starts_with("LICENSE-") {
            // Copies of the workspace's licence files (the crate's and each
            // shard crate's), not pinned twice.
            let root = std::fs::read_to_string(workspace_root().join(file_name))
                .expect("the workspace's licence file");
            assert!(
                file.contents == root,
                "{} differs from the workspace's",
                file.path
            );
            continue;
        }
        let name = format!("generated__{}", file.path.replace(['/', '.'], "_"));
        snapshots.check(name, &file.contents);
    }
    snapshots.finish();
}

#[test]
fn generation_is_byte_identical_on_every_run() {
    let dir = workspace_root().join("schema");
    let first = xtask::generate(&dir).expect("first run");
    let second = xtask::generate(&dir).expect("second run");
    assert_eq!(first, second);
}

#[test]
fn every_valid_fixture_matches_its_snapshot() {
    let paths = fixture_paths("schemas");
    assert!(paths.len() >= 7, "fixtures missing: {paths:?}");
    let mut snapshots = Snapshots::default();
    for path in paths {
        let model = load_fixture(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = xtask::emit::emit_model_file(&model).expect("emits");
        snapshots.check(format!("fixture__{}", fixture_name(&path)), &file.contents);
    }
    snapshots.finish();
}

#[test]
fn every_fixture_set_makes_a_crate_that_matches_its_snapshot() {
    let dirs = fixture_dirs("sets");
    assert!(!dirs.is_empty(), "fixture sets missing");
    let mut snapshots = Snapshots::default();
    for dir in dirs {
        let models = load_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let files = xtask::emit::emit_crate(&models).expect("emits");
        let name = fixture_name(&dir);
        // The model modules are pinned by the single-file fixtures; what a
        // set adds is the crate root, the client and the registry.
        for file in files
            .iter()
            .filter(|f| ["src/lib.rs", "src/client.rs", "src/models.rs"].contains(&f.path.as_str()))
        {
            let path = file.path.replace(['/', '.'], "_");
            snapshots.check(format!("set__{name}__{path}"), &file.contents);
        }
    }
    snapshots.finish();
}

#[test]
fn every_broken_folder_fixture_is_refused_naming_its_files() {
    let dirs = fixture_dirs("invalid");
    assert!(dirs.len() >= 4, "folder fixtures missing: {dirs:?}");
    let mut snapshots = Snapshots::default();
    for dir in dirs {
        let name = fixture_name(&dir);
        let prefixes: Vec<String> = files_of(&dir)
            .iter()
            .map(|f| format!("schema/{}.json: /", fixture_name(f)))
            .collect();
        let err = match load_dir(&dir) {
            Ok(models) => panic!("{name} loaded: {models:?}"),
            Err(e) => e.to_string(),
        };
        for line in err.lines() {
            assert!(
                prefixes.iter().any(|p| line.starts_with(p)),
                "{name}: {line}"
            );
        }
        snapshots.check(format!("invalid__{name}"), &err);
    }
    snapshots.finish();
}

#[test]
fn every_broken_fixture_is_refused_with_file_pointer_and_problem() {
    let paths = fixture_paths("invalid");
    assert!(paths.len() >= 20, "fixtures missing: {paths:?}");
    let mut snapshots = Snapshots::default();
    for path in paths {
        let name = fixture_name(&path);
        let err = match load_fixture(&path) {
            Ok(model) => panic!("{name} loaded: {model:?}"),
            Err(e) => e.to_string(),
        };
        for line in err.lines() {
            assert!(
                line.starts_with(&format!("schema/{name}.json: /")),
                "{name}: {line}"
            );
        }
        snapshots.check(format!("invalid__{name}"), &err);
    }
    snapshots.finish();
}
