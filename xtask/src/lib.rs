//! The generator of the `segmind` crate: `schema/*.json` is loaded and checked
//! (`load`), turned into a typed model (`ir`), emitted as Rust (`emit`) and
//! written to `generated/` (`write`). Nothing is written unless every schema
//! file is valid. `import` drafts a schema file from a Segmind model page;
//! `schema_diff` classes the schema changes since a git revision (semver).

pub mod emit;
pub mod error;
pub mod escape;
pub mod import;
pub mod ir;
pub mod load;
pub mod memo;
pub mod names;
pub mod openapi;
pub mod parallel;
pub mod schema_diff;
pub mod write;

use std::path::{Path, PathBuf};

pub use emit::GeneratedFile;
pub use error::{Error, SchemaError};
pub use memo::Memo;
pub use write::Mode;

/// The workspace root (the folder holding `schema/` and `generated/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Every file of the generated crate for the schemas in `schema_dir`.
pub fn generate(schema_dir: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let models = load::load_models(schema_dir, "schema")?;
    all_files(&models, None)
}

/// The Rust files and `openapi.json`, sorted by path. The OpenAPI document
/// is built on a thread of its own meanwhile, on a core the formatting of
/// the largest files leaves idle at its end.
fn all_files(models: &[ir::Model], memo: Option<&Memo>) -> Result<Vec<GeneratedFile>, Error> {
    let (files, openapi) = std::thread::scope(|scope| {
        let openapi = scope.spawn(|| openapi::openapi_file(models));
        let files = emit::emit_crate_with(models, memo);
        let openapi = openapi
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (files, openapi)
    });
    let mut files = files?;
    files.push(openapi?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Runs codegen for the workspace at `root`: writes (or, in check mode,
/// compares) `root/generated/`. Returns the files that differed.
pub fn codegen(root: &Path, mode: Mode) -> Result<Vec<String>, Error> {
    codegen_with(root, mode, None)
}

/// [`codegen`], reusing what `memo` knows of earlier runs (a file whose
/// tokens and text are unchanged is not formatted again) and updating it.
/// The result is the same as without it.
pub fn codegen_with(root: &Path, mode: Mode, memo: Option<&Memo>) -> Result<Vec<String>, Error> {
    let models = load::load_models(&root.join("schema"), "schema")?;
    let files = all_files(&models, memo)?;
    if let Some(memo) = memo {
        // The memo is right whatever the folder holds; failing to keep it
        // only makes the next run slower.
        let _ = memo.save();
    }
    write::sync(&root.join("generated"), "generated", &files, mode)
}
