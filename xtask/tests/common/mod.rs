//! What the importer tests share: importing one of the test pages.

use std::path::Path;

use segmind_codegen::import::{self, Imported};

/// Imports `tests/pages/<folder>/<name>.txt` against the workspace's
/// `schema/`, panicking with the importer's message if it fails.
pub fn import_test_page(folder: &str, name: &str) -> Imported {
    let source = format!("tests/pages/{folder}/{name}.txt");
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(&source)).expect("page");
    let text = import::page_text(&bytes, &source).expect("text");
    import::import(
        &text,
        &source,
        &segmind_codegen::workspace_root().join("schema"),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}
