//! A dependency only comes in with a model that needs it. Some checks need
//! a heavy crate: a schema's `pattern` needs `regex` (through the runtime's
//! `pattern` feature), its `multipleOf` the big-number arithmetic of
//! `jsonschema-value` (the `multiple-of` feature). The generator turns these
//! features on from a model's feature exactly when its schema uses the
//! keyword. These tests ask `cargo tree` what a user's build of one model
//! compiles, for every model of `schema/`, and fail if a heavy crate comes
//! in for a model that does not need it, or is missing for one that does.

use std::process::Command;

use segmind_tests::{fixture_paths, load_fixture, workspace_root};

/// What the `pattern` feature brings in.
const REGEX: [&str; 4] = ["regex", "regex-automata", "regex-syntax", "aho-corasick"];

/// What the `multiple-of` feature brings in.
const BIG_NUMBERS: [&str; 6] = [
    "jsonschema-value",
    "fraction",
    "num-bigint",
    "num-rational",
    "ahash",
    "zerocopy",
];

/// The names of the crates `cargo tree` lists for `args` (normal
/// dependencies, as a user's build compiles them).
fn crates(args: &[&str]) -> Vec<String> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(workspace_root())
        .args(["tree", "--offline", "-e", "normal", "--prefix", "none"])
        .args(args)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split(' ').next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

fn has_any(tree: &[String], names: &[&str]) -> Vec<String> {
    tree.iter()
        .filter(|c| names.contains(&c.as_str()))
        .cloned()
        .collect()
}

/// Whether `schema` (a model file's JSON) uses `keyword` anywhere in its
/// input schema.
fn uses(schema: &serde_json::Value, keyword: &str) -> bool {
    match schema {
        serde_json::Value::Object(map) => map
            .iter()
            .any(|(key, value)| key == keyword || uses(value, keyword)),
        serde_json::Value::Array(items) => items.iter().any(|v| uses(v, keyword)),
        _ => false,
    }
}

#[test]
fn each_model_pulls_regex_and_big_numbers_only_when_its_schema_needs_them() {
    let dir = workspace_root().join("schema");
    let mut checked = 0;
    for model in segmind::models::ALL {
        let slug = model.slug;
        let path = std::fs::read_dir(&dir)
            .expect("schema/")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| {
                std::fs::read_to_string(p)
                    .ok()
                    .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                    .is_some_and(|v| v["slug"] == slug)
            })
            .unwrap_or_else(|| panic!("no schema file for {slug}"));
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("JSON");
        let feature = model.rust_name;
        let tree = crates(&[
            "-p",
            "segmind",
            "--no-default-features",
            "--features",
            feature,
        ]);
        assert!(
            tree.iter().any(|c| c == "segmind-runtime"),
            "{feature}: {tree:?}"
        );
        let regex = has_any(&tree, &REGEX);
        let big = has_any(&tree, &BIG_NUMBERS);
        if uses(&schema["input"], "pattern") {
            assert_eq!(regex.len(), REGEX.len(), "{feature} needs regex: {tree:?}");
        } else {
            assert!(
                regex.is_empty(),
                "{feature} has no pattern but pulls {regex:?}"
            );
        }
        if uses(&schema["input"], "multipleOf") {
            assert!(
                big.iter().any(|c| c == "jsonschema-value"),
                "{feature} needs multipleOf's arithmetic: {tree:?}"
            );
        } else {
            assert!(
                big.is_empty(),
                "{feature} has no multipleOf but pulls {big:?}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} models checked");
}

/// The one-model build the first-build bench measures, spelled out: no
/// regex, no big numbers, and not the server's validator.
#[test]
fn hallo_alone_compiles_no_regex_no_big_numbers() {
    let tree = crates(&[
        "-p",
        "segmind",
        "--no-default-features",
        "--features",
        "hallo",
    ]);
    for heavy in REGEX.iter().chain(&BIG_NUMBERS).chain(&["jsonschema"]) {
        assert!(
            !tree.iter().any(|c| c == heavy),
            "{heavy} came back into the one-model build: {tree:?}"
        );
    }
    // The model with a `multipleOf` does bring the arithmetic in.
    let flux = crates(&[
        "-p",
        "segmind",
        "--no-default-features",
        "--features",
        "flux_schnell",
    ]);
    assert!(flux.iter().any(|c| c == "jsonschema-value"), "{flux:?}");
    assert!(has_any(&flux, &REGEX).is_empty(), "{flux:?}");
}

/// The runtime's features bring in exactly their crates.
#[test]
fn the_runtime_features_bring_in_their_crates() {
    let bare = crates(&["-p", "segmind-runtime"]);
    assert!(has_any(&bare, &REGEX).is_empty(), "{bare:?}");
    assert!(has_any(&bare, &BIG_NUMBERS).is_empty(), "{bare:?}");
    let pattern = crates(&["-p", "segmind-runtime", "--features", "pattern"]);
    assert_eq!(has_any(&pattern, &REGEX).len(), REGEX.len(), "{pattern:?}");
    assert!(has_any(&pattern, &BIG_NUMBERS).is_empty(), "{pattern:?}");
    let multiple = crates(&["-p", "segmind-runtime", "--features", "multiple-of"]);
    assert!(has_any(&multiple, &REGEX).is_empty(), "{multiple:?}");
    assert!(
        multiple.iter().any(|c| c == "jsonschema-value"),
        "{multiple:?}"
    );
}

/// A model whose schema has a `pattern` (the fixture; no model of
/// `schema/` has one yet) gets a feature that turns on the runtime's
/// `pattern`, and one with a `multipleOf` the runtime's `multiple-of`; a
/// model with neither turns on nothing.
#[test]
fn the_generated_features_turn_on_what_each_schema_needs() {
    let fixtures = workspace_root().join("tests/fixtures/schemas");
    let cases = [
        (
            "string-lengths-and-pattern.json",
            "[\"segmind-runtime/pattern\"]",
        ),
        (
            "multiple-of-and-exclusive-bounds.json",
            "[\"segmind-runtime/multiple-of\"]",
        ),
        ("integer-enum.json", "[]"),
    ];
    assert!(fixture_paths("schemas").len() >= cases.len());
    for (file, expected) in cases {
        let model = load_fixture(&fixtures.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let feature = model.rust_name.clone();
        let files = xtask::emit::emit_crate(&[model]).expect("emits");
        // The model's feature in its shard crate's manifest; the crate's
        // own feature turns it on.
        let cargo_toml = files
            .iter()
            .find(|f| f.path.starts_with("shards/") && f.path.ends_with("/Cargo.toml"))
            .expect("a shard's Cargo.toml");
        let facade = files
            .iter()
            .find(|f| f.path == "Cargo.toml")
            .expect("Cargo.toml");
        let shard = cargo_toml
            .path
            .trim_start_matches("shards/")
            .trim_end_matches("/Cargo.toml");
        let forwards = format!(
            "\n{feature} = [\"dep:segmind-models-{shard}\", \"segmind-models-{shard}/{feature}\"]\n"
        );
        assert!(
            facade.contents.contains(&forwards),
            "{file}: no {forwards:?} in\n{}",
            facade.contents
        );
        let line = format!("\n{feature} = {expected}\n");
        assert!(
            cargo_toml.contents.contains(&line),
            "{file}: no {line:?} in\n{}",
            cargo_toml.contents
        );
    }
}
