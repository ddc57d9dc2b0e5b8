//! Generates the module of every valid fixture schema into OUT_DIR, so the
//! `fixture_types` test compiles (and clippy lints) every fixture's output;
//! and the whole crate of every fixture set (`tests/fixtures/sets/<set>/`,
//! schemas that only mean something together), so `codegen_shared_names`
//! compiles the crate root, the client and the registry they make.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("fixtures/schemas");
    let sets = root.join("fixtures/sets");
    let meta = root.join("../schema").join(xtask::load::META_SCHEMA);
    println!("cargo:rerun-if-changed={}", fixtures.display());
    println!("cargo:rerun-if-changed={}", sets.display());
    println!("cargo:rerun-if-changed={}", meta.display());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let out = out_dir.join("fixtures");
    std::fs::create_dir_all(&out).expect("create OUT_DIR/fixtures");

    let mut index = String::from(FIXTURE_CLIENT);
    let mut registry = String::from(
        "/// Every valid fixture: its schema file and a reader of its input from JSON.\n#[allow(clippy::type_complexity)]\npub static ALL: &[(&str, fn(::serde_json::Value) -> Result<Box<dyn ::segmind_runtime::ModelInput>, ::serde_json::Error>)] = &[\n",
    );
    for path in &json_files(&fixtures) {
        let models = xtask::load::load_files(std::slice::from_ref(path), &meta, "schema")
            .unwrap_or_else(|e| panic!("fixture {} does not load:\n{e}", path.display()));
        for model in &models {
            let file = xtask::emit::emit_model_file(model).unwrap_or_else(|e| panic!("{e}"));
            let target = out.join(format!("{}.rs", model.rust_name));
            // A model's methods are on `super::Client`: here, the stand-in
            // client of the fixtures' index, as the module is.
            std::fs::write(&target, &file.contents).expect("write fixture module");
            writeln!(
                index,
                "#[path = {:?}]\npub mod {};",
                target.display().to_string(),
                model.rust_name
            )
            .expect("write to string");
            writeln!(
                registry,
                "    ({:?}, |json| ::serde_json::from_value::<crate::fixtures::{}::Input>(json).map(|input| Box::new(input) as Box<dyn ::segmind_runtime::ModelInput>)),",
                path.display().to_string(),
                model.rust_name
            )
            .expect("write to string");
        }
    }
    registry.push_str("];\n");
    std::fs::write(out.join("index.rs"), index).expect("write fixture index");
    std::fs::write(out.join("registry.rs"), registry).expect("write fixture registry");

    write_sets(&sets, &meta, &out_dir.join("sets"));
}

/// What a fixture module's methods are defined on: the generated crate's
/// `Client` holds the runtime's as `inner`, which the model methods call
/// through, and so does this stand-in.
const FIXTURE_CLIENT: &str = r#"/// The generated crate's `Client`, as far as a model's methods need it.
pub struct Client {
    /// The runtime's client.
    pub(crate) inner: ::segmind_runtime::Client,
}
"#;

/// The `*.json` files directly in `dir`, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in &paths {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    paths
}

/// Writes the crate of every set to `out/<set>/` and `out/index.rs`, which
/// declares each as a module. The crate's own paths (`crate::hallo::Input`)
/// are rewritten to the module's (`crate::fixture_sets::<set>::hallo::Input`);
/// the test declares `mod fixture_sets` at its crate root to match. Each
/// model's feature test (`feature = "hallo"`), which this crate does not
/// have, becomes `test`, true in the test that compiles the sets, as if every
/// model's feature were on.
fn write_sets(sets: &Path, meta: &Path, out: &Path) {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(sets)
        .unwrap_or_else(|e| panic!("read {}: {e}", sets.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut index = String::new();
    for dir in &dirs {
        let set = dir
            .file_name()
            .map(|n| n.to_string_lossy().replace('-', "_"))
            .expect("a set folder has a name");
        let models = xtask::load::load_files(&json_files(dir), meta, "schema")
            .unwrap_or_else(|e| panic!("fixture set {} does not load:\n{e}", dir.display()));
        let files = xtask::emit::emit_crate(&models).unwrap_or_else(|e| panic!("{e}"));
        let crate_dir = out.join(&set);
        // The shard crates become modules of the set's root, named as the
        // crates are, and the paths into them follow.
        let shards: Vec<String> = files
            .iter()
            .filter_map(|f| f.path.strip_suffix("/src/lib.rs"))
            .map(|dir| dir.to_owned())
            .collect();
        for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
            let target = crate_dir.join(&file.path);
            std::fs::create_dir_all(target.parent().expect("a file has a folder"))
                .expect("create a set's folder");
            let mut contents = file
                .contents
                .replace("crate::", &format!("crate::fixture_sets::{set}::"))
                .replace(
                    "::segmind_models_",
                    &format!("crate::fixture_sets::{set}::segmind_models_"),
                );
            if file.path == "src/lib.rs" {
                for dir in &shards {
                    let name = dir.replace("shards/", "segmind_models_");
                    let path = crate_dir.join(dir).join("src/lib.rs");
                    writeln!(
                        contents,
                        "#[path = {:?}]\npub mod {name};",
                        path.display().to_string()
                    )
                    .expect("write to string");
                }
            }
            std::fs::write(&target, all_features_on(&contents)).expect("write a set's file");
        }
        writeln!(
            index,
            "#[path = {:?}]\npub mod {set};",
            crate_dir.join("src/lib.rs").display().to_string()
        )
        .expect("write to string");
    }
    std::fs::create_dir_all(out).expect("create OUT_DIR/sets");
    std::fs::write(out.join("index.rs"), index).expect("write set index");
}

/// `text` with every `feature = "<name>"` (in `cfg` and `cfg_attr`) replaced
/// by `test`.
fn all_features_on(text: &str) -> String {
    const TEST: &str = "feature = \"";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(TEST) {
        out.push_str(&rest[..start]);
        let after = &rest[start + TEST.len()..];
        let end = after.find('"').expect("a feature name ends with a quote");
        out.push_str("test");
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
