//! Generates the module of every valid fixture schema into OUT_DIR, so the
//! `fixture_types` test compiles (and clippy lints) every fixture's output.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("fixtures/schemas");
    let meta = root.join("../schema").join(xtask::load::META_SCHEMA);
    println!("cargo:rerun-if-changed={}", fixtures.display());
    println!("cargo:rerun-if-changed={}", meta.display());
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("fixtures");
    std::fs::create_dir_all(&out).expect("create OUT_DIR/fixtures");

    let mut paths: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("read tests/fixtures/schemas")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut index = String::new();
    for path in &paths {
        println!("cargo:rerun-if-changed={}", path.display());
        let models = xtask::load::load_files(std::slice::from_ref(path), &meta, "schema")
            .unwrap_or_else(|e| panic!("fixture {} does not load:\n{e}", path.display()));
        for model in &models {
            let file = xtask::emit::emit_model_file(model).unwrap_or_else(|e| panic!("{e}"));
            let target = out.join(format!("{}.rs", model.rust_name));
            std::fs::write(&target, file.contents).expect("write fixture module");
            writeln!(
                index,
                "#[path = {:?}]\npub mod {};",
                target.display().to_string(),
                model.rust_name
            )
            .expect("write to string");
        }
    }
    std::fs::write(out.join("index.rs"), index).expect("write fixture index");
}
