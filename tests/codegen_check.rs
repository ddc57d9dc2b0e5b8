//! `cargo xtask codegen` and `--check` on copies of the workspace: the check
//! names each stale file, a write brings the tree in line, a broken schema
//! leaves `generated/` untouched, and a sixth schema file is all a new model
//! takes.

use std::fs;
use std::path::{Path, PathBuf};

use segmind_tests::{workspace_root, xtask};
use xtask::Mode;

/// A temporary workspace with copies of `schema/` and `generated/`.
fn copy_workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    for dir in ["schema", "generated"] {
        copy_dir(&workspace_root().join(dir), &tmp.path().join(dir));
    }
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push((path.clone(), fs::read(&path).expect("read")));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn the_committed_generated_crate_is_up_to_date() {
    // The same check as `cargo xtask codegen --check`, on the real tree.
    let changed = xtask::codegen(&workspace_root(), Mode::Check)
        .expect("generated/ is stale: run `cargo xtask codegen`");
    assert!(changed.is_empty());
}

#[test]
fn check_names_each_stale_file_and_write_fixes_them() {
    let ws = copy_workspace();
    let root = ws.path();
    assert_eq!(
        xtask::codegen(root, Mode::Check).expect("fresh copy is up to date"),
        Vec::<String>::new()
    );

    // A schema change makes its module and the registry stale; a hand edit
    // and a stray file are stale too.
    let schema = root.join("schema/hallo.json");
    let text = fs::read_to_string(&schema)
        .expect("read")
        .replace("Weight of the pose in the output.", "Pose weight.");
    fs::write(&schema, text).expect("write");
    fs::write(root.join("generated/src/client.rs"), "// edited by hand\n").expect("write");
    fs::write(root.join("generated/src/stray.rs"), "// not generated\n").expect("write");

    let err = xtask::codegen(root, Mode::Check).expect_err("stale files are found");
    let xtask::Error::Stale(files) = &err else {
        panic!("{err}")
    };
    // A field's text is in the model's types, in its shard crate
    // (`shards/07` for `hallo`); its module in `src/` does not change.
    assert_eq!(
        files,
        &[
            "generated/openapi.json",
            "generated/shards/07/src/hallo.rs",
            "generated/src/client.rs",
            "generated/src/stray.rs"
        ]
    );
    assert!(
        err.to_string().contains(
            "generated/shards/07/src/hallo.rs was not up-to-date, run `cargo xtask codegen`"
        ),
        "{err}"
    );

    let written = xtask::codegen(root, Mode::Write).expect("write");
    assert_eq!(written.len(), 4, "{written:?}");
    assert!(!root.join("generated/src/stray.rs").exists());
    assert!(
        fs::read_to_string(root.join("generated/shards/07/src/hallo.rs"))
            .expect("read")
            .contains("/// Pose weight.")
    );
    assert_eq!(
        xtask::codegen(root, Mode::Check).expect("up to date after write"),
        Vec::<String>::new()
    );
}

#[test]
fn a_warm_memo_changes_nothing_and_still_finds_hand_edits() {
    let ws = copy_workspace();
    let root = ws.path();
    let memo_dir = tempfile::tempdir().expect("tempdir");
    let generated = root.join("generated");
    let memo = || xtask::Memo::open(memo_dir.path(), &generated);
    let before = snapshot_tree(&generated);
    // The first run fills the memo; the second one takes every text from it.
    for _ in 0..2 {
        assert_eq!(
            xtask::codegen_with(root, Mode::Check, Some(&memo())).expect("up to date"),
            Vec::<String>::new()
        );
    }
    assert_eq!(snapshot_tree(&generated), before);

    // Hand edits of files the memo knows: a changed line, a file emptied, a
    // file removed. Each is stale, and a write restores the committed text.
    let hallo = generated.join("shards/07/src/hallo.rs");
    let edited = fs::read_to_string(&hallo)
        .expect("read")
        .replacen("pub ", "pub(crate) ", 1);
    fs::write(&hallo, edited).expect("edit");
    fs::write(generated.join("src/models.rs"), "").expect("empty");
    fs::remove_file(generated.join("shards/06/src/sadtalker.rs")).expect("remove");
    let err = xtask::codegen_with(root, Mode::Check, Some(&memo())).expect_err("stale");
    let xtask::Error::Stale(files) = &err else {
        panic!("{err}")
    };
    assert_eq!(
        files,
        &[
            "generated/shards/06/src/sadtalker.rs",
            "generated/shards/07/src/hallo.rs",
            "generated/src/models.rs"
        ]
    );
    let written = xtask::codegen_with(root, Mode::Write, Some(&memo())).expect("write");
    assert_eq!(written.len(), 3, "{written:?}");
    assert_eq!(snapshot_tree(&generated), before);

    // A schema edit with a warm memo gives what a run without one gives.
    let schema = root.join("schema/hallo.json");
    let text = fs::read_to_string(&schema)
        .expect("read")
        .replace("Weight of the pose in the output.", "Pose weight.");
    fs::write(&schema, text).expect("write");
    xtask::codegen_with(root, Mode::Write, Some(&memo())).expect("write");
    let with_memo = snapshot_tree(&generated);
    assert_ne!(with_memo, before);
    assert_eq!(
        xtask::codegen(root, Mode::Check).expect("the memo's output is the plain output"),
        Vec::<String>::new()
    );
}

#[test]
fn a_broken_schema_stops_codegen_and_leaves_generated_untouched() {
    let ws = copy_workspace();
    let root = ws.path();
    let schema = root.join("schema/sadtalker.json");
    let text = fs::read_to_string(&schema)
        .expect("read")
        .replace("\"default\": \"full\"", "\"default\": \"everything\"");
    fs::write(&schema, text).expect("write");
    // Another, valid change that would rewrite a file if codegen went ahead.
    let hallo = root.join("schema/hallo.json");
    let text = fs::read_to_string(&hallo)
        .expect("read")
        .replace("Face expand ratio.", "Changed.");
    fs::write(&hallo, text).expect("write");

    let before = snapshot_tree(&root.join("generated"));
    let err = xtask::codegen(root, Mode::Write).expect_err("broken schema");
    assert_eq!(
        err.to_string(),
        "schema/sadtalker.json: /input/properties/preprocess/default: default \"everything\" is not one of the allowed values \"crop\", \"extcrop\", \"resize\", \"full\", \"extfull\""
    );
    assert_eq!(
        snapshot_tree(&root.join("generated")),
        before,
        "generated/ was touched"
    );
}

#[test]
fn a_sixth_schema_file_is_all_a_new_model_takes() {
    let ws = copy_workspace();
    let root = ws.path();
    let sixth = r#"{
  "slug": "wan-2.1-i2v",
  "title": "Wan 2.1 Image to Video",
  "summary": "Animates an image.",
  "output": "video",
  "x-rust-name": "wan_2_1_i2v",
  "typical_latency_seconds": 90,
  "input": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": false,
    "required": ["image", "prompt"],
    "properties": {
      "image": { "type": "string", "format": "uri", "x-media": "image", "description": "Start frame." },
      "prompt": { "type": "string", "description": "What happens." },
      "fps": { "type": "integer", "description": "Frames per second.", "enum": [16, 24], "default": 16, "x-enum-names": ["Fps16", "Fps24"] }
    }
  }
}
"#;
    fs::write(root.join("schema/wan-2.1-i2v.json"), sixth).expect("write");
    let written = xtask::codegen(root, Mode::Write).expect("codegen");
    // `client.rs` does not name the models: it stays as it was. The crate's
    // README gains a row in its model table. The model's types go to its
    // shard crate, `shards/01`, which no model had before: the whole crate
    // is new.
    assert_eq!(
        written,
        [
            "generated/Cargo.toml",
            "generated/README.md",
            "generated/openapi.json",
            "generated/shards/01/Cargo.toml",
            "generated/shards/01/LICENSE-APACHE",
            "generated/shards/01/LICENSE-MIT",
            "generated/shards/01/README.md",
            "generated/shards/01/src/lib.rs",
            "generated/shards/01/src/wan_2_1_i2v.rs",
            "generated/src/lib.rs",
            "generated/src/models.rs"
        ]
    );
    // The crate's README lists it in its model table.
    let readme = fs::read_to_string(root.join("generated/README.md")).expect("read");
    assert!(readme.contains("| Wan 2.1 Image to Video | `wan-2.1-i2v` | `wan_2_1_i2v` |"));
    let openapi = fs::read_to_string(root.join("generated/openapi.json")).expect("read");
    assert!(openapi.contains("\"/v1/wan-2.1-i2v\""));
    assert!(openapi.contains("\"/v2/wan-2.1-i2v\""));
    // Its feature, on by default.
    let manifest = fs::read_to_string(root.join("generated/Cargo.toml")).expect("read");
    assert!(manifest.contains("\n    \"wan_2_1_i2v\",\n"), "{manifest}");
    assert!(
        manifest.contains(
            "\nwan_2_1_i2v = [\"dep:segmind-models-01\", \"segmind-models-01/wan_2_1_i2v\"]\n"
        ),
        "{manifest}"
    );
    assert!(
        manifest.contains(
            "\nsegmind-models-01 = { path = \"shards/01\", version = \"=0.1.0\", optional = true }\n"
        ),
        "{manifest}"
    );
    let shard = fs::read_to_string(root.join("generated/shards/01/Cargo.toml")).expect("read");
    assert!(
        shard.contains("\nname = \"segmind-models-01\"\n"),
        "{shard}"
    );
    assert!(shard.contains("\nwan_2_1_i2v = []\n"), "{shard}");
    let types =
        fs::read_to_string(root.join("generated/shards/01/src/wan_2_1_i2v.rs")).expect("read");
    assert!(types.contains("pub struct Input"));
    assert!(types.contains("pub enum Fps"));
    // Its module, inline in lib.rs: its docs, its types from the shard and
    // its two client methods.
    let lib = fs::read_to_string(root.join("generated/src/lib.rs")).expect("read");
    let start = lib
        .find("\npub mod wan_2_1_i2v {\n")
        .expect("the module is declared");
    let module = &lib[start..start + lib[start..].find("\n}\n").expect("it ends")];
    assert!(module.contains("pub use ::segmind_models_01::wan_2_1_i2v::*;"));
    // Its two client methods are in its module.
    assert!(module.contains("impl super::Client {"));
    assert!(module.contains("pub fn wan_2_1_i2v<'a>("));
    assert!(module.contains("pub fn wan_2_1_i2v_submit<'a>("));
    assert!(lib.contains("#[cfg(feature = \"wan_2_1_i2v\")]\npub mod wan_2_1_i2v {\n"));
    let registry = fs::read_to_string(root.join("generated/src/models.rs")).expect("read");
    assert!(registry.contains("(\"wan-2.1-i2v\", json) =>"));
}

#[test]
fn removing_the_last_model_of_a_shard_removes_its_crate() {
    let ws = copy_workspace();
    let root = ws.path();
    // `hallo` is the only model of shard 07.
    assert!(root.join("generated/shards/07/Cargo.toml").exists());
    fs::remove_file(root.join("schema/hallo.json")).expect("remove");
    let written = xtask::codegen(root, Mode::Write).expect("codegen");
    for file in [
        "Cargo.toml",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/lib.rs",
        "src/hallo.rs",
    ] {
        let path = format!("generated/shards/07/{file}");
        assert!(written.contains(&path), "{path} not in {written:?}");
    }
    assert!(
        !root.join("generated/shards/07").exists(),
        "the emptied shard's folder is left"
    );
    let lib = fs::read_to_string(root.join("generated/src/lib.rs")).expect("read");
    assert!(!lib.contains("pub mod hallo"), "{lib}");
    let manifest = fs::read_to_string(root.join("generated/Cargo.toml")).expect("read");
    assert!(!manifest.contains("segmind-models-07"), "{manifest}");
    // The other shards are untouched.
    assert!(root.join("generated/shards/06/src/sadtalker.rs").exists());
    assert_eq!(
        xtask::codegen(root, Mode::Check).expect("up to date"),
        Vec::<String>::new()
    );
}

#[test]
fn a_missing_generated_folder_appears_whole_and_alone() {
    let ws = copy_workspace();
    let root = ws.path();
    let committed = snapshot_tree(&root.join("generated"));
    fs::remove_dir_all(root.join("generated")).expect("rm generated");
    let written = xtask::codegen(root, Mode::Write).expect("codegen");
    // Every file, the same bytes as the committed crate, and nothing else
    // beside it (no staging folder left).
    assert_eq!(written.len(), committed.len(), "{written:?}");
    assert_eq!(snapshot_tree(&root.join("generated")), committed);
    let mut entries: Vec<String> = fs::read_dir(root)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["generated", "schema"]);
    assert!(xtask::codegen(root, Mode::Check).expect("check").is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(root.join("generated"))
            .expect("metadata")
            .permissions()
            .mode();
        assert_ne!(mode & 0o055, 0, "the folder is not private: {mode:o}");
    }
}

#[test]
fn a_generated_folder_that_cannot_be_made_is_an_error_naming_it() {
    let ws = copy_workspace();
    let root = ws.path();
    fs::remove_dir_all(root.join("generated")).expect("rm generated");
    // Where the folder's parent should be, a file: `generated/` cannot be made.
    let blocked = root.join("blocked");
    fs::write(&blocked, "a file").expect("write");
    let files = xtask::generate(&root.join("schema")).expect("generate");
    let err = xtask::write::sync(&blocked.join("generated"), "generated", &files, Mode::Write)
        .expect_err("a file is in the way");
    assert!(err.to_string().contains("blocked"), "{err}");
    assert_eq!(fs::read_to_string(&blocked).expect("read"), "a file");
}
