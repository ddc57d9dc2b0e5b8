//! Typed models in a user's own crate: their `build.rs` calls [`generate`]
//! on their `schema/` folder, and their crate `include!`s the result. The
//! files are loaded and checked by the same loader as `cargo xtask codegen`
//! (same rules, same messages naming the file and the JSON pointer) and
//! emitted by the same functions, so the modules are the `segmind` crate's
//! modules: see [`crate::emit::emit_module_files`] for the two differences
//! (the doc examples' path, and no Cargo feature per model).
//!
//! ```no_run
//! // The body of `fn main` in the build.rs of a crate with `segmind-codegen`
//! // (default-features = false) in [build-dependencies] and
//! // `segmind-runtime`, `serde`, `serde_json` in [dependencies].
//! if let Err(e) = segmind_codegen::build::generate("schema") {
//!     // One line per problem: `schema/my-model.json: /input/...: ...`
//!     panic!("{e}");
//! }
//! ```
//!
//! and in the crate (`src/lib.rs` or `src/main.rs`):
//!
//! ```ignore
//! pub mod segmind {
//!     include!(concat!(env!("OUT_DIR"), "/segmind_models.rs"));
//! }
//!
//! // segmind::Client, segmind::my_model::Input, client.my_model(&input) ...
//! ```

use std::path::{Path, PathBuf};

use crate::error::{Error, SchemaError};
use crate::{emit, escape, load};

/// The file a crate `include!`s, in `OUT_DIR`: the root of the model modules.
pub const ROOT_FILE: &str = "segmind_models.rs";

/// The folder beside [`ROOT_FILE`] that holds the modules' files.
pub const MODULE_DIR: &str = "segmind_models";

/// The meta-schema every model file is checked against: the generator's
/// own, the one `cargo xtask codegen` uses, whatever the user's folder holds.
pub const META_SCHEMA_JSON: &str = include_str!("../model.schema.json");

/// The command named in the header of every file written here.
pub const COMMAND: &str = "segmind_codegen::build::generate";

/// What [`generate_with`] does; [`Options::default`] is what [`generate`] does.
#[derive(Debug, Clone, Default)]
pub struct Options {
    out_dir: Option<PathBuf>,
    doc_path: Option<String>,
    quiet: bool,
}

impl Options {
    /// Options with every default: write to `OUT_DIR`, doc examples naming
    /// `<the package's crate name>::segmind`, print `cargo:` lines.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes to `dir` instead of the `OUT_DIR` cargo gives a build script.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The path by which the doc examples of the model modules name the
    /// module that includes [`ROOT_FILE`] (`my_crate::segmind`, the default
    /// with `my_crate` from `CARGO_PKG_NAME`). Rustdoc compiles these
    /// `no_run` examples as doctests of a library crate, so they pass when
    /// this path is right and public.
    pub fn doc_path(mut self, path: impl Into<String>) -> Self {
        self.doc_path = Some(path.into());
        self
    }

    /// Prints no `cargo:rerun-if-changed` lines (for a caller that is not a
    /// build script).
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }
}

/// What [`generate_with`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The file to `include!` ([`ROOT_FILE`] in the output folder).
    pub root: PathBuf,
    /// Every file written or found up to date, the root first.
    pub files: Vec<PathBuf>,
    /// The Rust module name of each model, in schema file order.
    pub modules: Vec<String>,
}

/// Generates the model modules of every `*.json` file directly in
/// `schema_dir` into `OUT_DIR` (see [`generate_with`]); `schema_dir` is
/// relative to the crate's folder when it is relative (`"schema"`).
///
/// # Errors
///
/// As [`generate_with`].
pub fn generate(schema_dir: impl AsRef<Path>) -> Result<Generated, Error> {
    generate_with(schema_dir, &Options::default())
}

/// Loads and checks every model file directly in `schema_dir` (any other
/// file or folder there is left alone), emits the model modules and writes
/// [`ROOT_FILE`] and [`MODULE_DIR`] into the output folder. A file whose
/// contents are unchanged is not written again; a module file whose model
/// is gone is removed. Unless quiet, prints `cargo:rerun-if-changed` for
/// the folder and each model file.
///
/// # Errors
///
/// [`Error::Schema`] naming every problem of every file
/// (`schema/my-model.json: /properties/steps/maximum: ...`), in which case
/// nothing is written; [`Error::Io`] when a folder or file cannot be read
/// or written, or `OUT_DIR` is unset and no output folder was given.
pub fn generate_with(schema_dir: impl AsRef<Path>, options: &Options) -> Result<Generated, Error> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let schema_dir = match &manifest_dir {
        Some(root) if schema_dir.as_ref().is_relative() => root.join(schema_dir.as_ref()),
        _ => schema_dir.as_ref().to_path_buf(),
    };
    let display_dir = display_name(&schema_dir, manifest_dir.as_deref());
    if !options.quiet {
        println!("cargo:rerun-if-changed={}", schema_dir.display());
    }
    let files = load::model_files(&schema_dir, &display_dir)?;
    if !options.quiet {
        for file in &files {
            println!("cargo:rerun-if-changed={}", file.display());
        }
    }
    let meta_display = format!("{COMMAND}'s meta-schema");
    let meta: serde_json::Value = serde_json::from_str(META_SCHEMA_JSON).map_err(|e| {
        Error::Schema(vec![SchemaError {
            file: meta_display.clone(),
            pointer: String::new(),
            message: format!("not valid JSON: {e}"),
        }])
    })?;
    let models = load::load_files_with_meta(&files, &meta, &meta_display, &display_dir)?;

    let out_dir = match &options.out_dir {
        Some(dir) => dir.clone(),
        None => std::env::var_os("OUT_DIR")
            .map(PathBuf::from)
            .ok_or_else(|| Error::Io {
                path: PathBuf::from("OUT_DIR"),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "not set: call generate from a build script, or give Options::out_dir",
                ),
            })?,
    };
    let doc_path = match &options.doc_path {
        Some(path) => path.clone(),
        None => default_doc_path(),
    };
    let sources = format!("{display_dir}/*.json");
    let module_dir = out_dir.join(MODULE_DIR);
    let mut made = emit::emit_module_files(&models, &doc_path, COMMAND, &sources)?;
    made.push(emit::emit_module_root(
        &models,
        &module_dir,
        COMMAND,
        &sources,
    )?);

    std::fs::create_dir_all(&module_dir).map_err(|source| Error::Io {
        path: module_dir.clone(),
        source,
    })?;
    let root = out_dir.join(ROOT_FILE);
    let mut written = Vec::new();
    for file in &made {
        let target = if file.path == "mod.rs" {
            root.clone()
        } else {
            module_dir.join(&file.path)
        };
        write_if_changed(&target, &file.contents)?;
        written.push(target);
    }
    remove_stale(&module_dir, &made)?;
    written.rotate_right(1);
    Ok(Generated {
        root,
        files: written,
        modules: models.iter().map(|m| m.rust_name.clone()).collect(),
    })
}

/// `schema_dir` as messages and docs name it: relative to the crate's
/// folder when it is inside it (`schema`, `models/schema`), else by its own
/// name (no absolute path of the machine goes into the code); with `/`
/// separators, escaped.
fn display_name(schema_dir: &Path, manifest_dir: Option<&Path>) -> String {
    let inside = manifest_dir
        .and_then(|root| schema_dir.strip_prefix(root).ok())
        .filter(|rel| !rel.as_os_str().is_empty());
    let parts: Vec<String> = match inside {
        Some(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect(),
        None => vec![schema_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "schema".to_owned())],
    };
    escape::escape(&parts.join("/"))
}

/// `<crate name>::segmind`, the crate name from `CARGO_PKG_NAME` (the
/// package's name, `-` as `_`), or `segmind` when that is unset.
fn default_doc_path() -> String {
    match std::env::var("CARGO_PKG_NAME") {
        Ok(name) => format!("{}::segmind", name.replace('-', "_")),
        Err(_) => "segmind".to_owned(),
    }
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), Error> {
    if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, contents).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Removes the `*.rs` files of `module_dir` that are none of `made` (the
/// module of a model whose schema file was deleted).
fn remove_stale(module_dir: &Path, made: &[emit::GeneratedFile]) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: module_dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(module_dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let keep = name
            .as_deref()
            .is_some_and(|n| made.iter().any(|f| f.path == n));
        if !keep && path.extension().is_some_and(|e| e == "rs") {
            std::fs::remove_file(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
        }
    }
    Ok(())
}
