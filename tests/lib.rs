//! Shared helpers of the workspace tests: where the schemas and fixtures are,
//! and how one fixture file is loaded on its own.

use std::path::{Path, PathBuf};

pub use xtask;

/// The README's Rust example, compiled as a doctest so it cannot rot.
#[doc = include_str!("../README.md")]
pub mod readme {}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    xtask::workspace_root()
}

/// The meta-schema every model file is checked against.
pub fn meta_schema() -> PathBuf {
    workspace_root()
        .join("schema")
        .join(xtask::load::META_SCHEMA)
}

/// The fixture files in `tests/fixtures/<kind>/`, sorted.
pub fn fixture_paths(kind: &str) -> Vec<PathBuf> {
    let dir = workspace_root().join("tests/fixtures").join(kind);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

/// Loads one fixture as if it were the only file in `schema/`.
pub fn load_fixture(path: &Path) -> Result<xtask::ir::Model, xtask::Error> {
    let mut models = xtask::load::load_files(&[path.to_path_buf()], &meta_schema(), "schema")?;
    Ok(models.remove(0))
}

/// The file stem of a fixture (`integer-enum`).
pub fn fixture_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
