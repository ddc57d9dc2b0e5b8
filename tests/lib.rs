//! Shared helpers of the workspace tests: where the schemas and fixtures are,
//! and how one fixture file is loaded on its own.

use std::path::{Path, PathBuf};

use segmind::{hallo, FieldInfo, FieldKind, ModelInfo};
use serde_json::{json, Map, Value};

pub use xtask;

/// The README's Rust example, compiled as a doctest so it cannot rot.
#[doc = include_str!("../README.md")]
pub mod readme {}

/// The `segmind` crate's README (written by the generator), compiled.
#[doc = include_str!("../generated/README.md")]
pub mod generated_readme {}

/// The `segmind-runtime` crate's README, compiled.
#[doc = include_str!("../runtime/README.md")]
pub mod runtime_readme {}

/// The generator's README (its blocks need a build script's `OUT_DIR`).
#[doc = include_str!("../xtask/README.md")]
pub mod codegen_readme {}

/// The guide in `docs/`, one module per file, so that every Rust code block
/// in it is compiled as a doctest (`docs/README.md`, the index, too).
pub mod docs {
    /// `docs/README.md`.
    #[doc = include_str!("../docs/README.md")]
    pub mod index {}
    /// `docs/adding-a-model.md`.
    #[doc = include_str!("../docs/adding-a-model.md")]
    pub mod adding_a_model {}
    /// `docs/batch.md`.
    #[doc = include_str!("../docs/batch.md")]
    pub mod batch {}

    /// Its blocks need a build script's `OUT_DIR`: `build_rs_crate` builds
    /// the same code in a scratch crate instead.
    #[doc = include_str!("../docs/build-rs.md")]
    pub mod build_rs {}
    /// `docs/benchmarks.md`.
    #[doc = include_str!("../docs/benchmarks.md")]
    pub mod benchmarks {}
    /// `docs/cli.md`.
    #[doc = include_str!("../docs/cli.md")]
    pub mod cli {}
    /// `docs/codegen.md`.
    #[doc = include_str!("../docs/codegen.md")]
    pub mod codegen {}
    /// `docs/development.md`.
    #[doc = include_str!("../docs/development.md")]
    pub mod development {}
    /// `docs/http-stack.md`.
    #[doc = include_str!("../docs/http-stack.md")]
    pub mod http_stack {}
    /// `docs/local-files.md`.
    #[doc = include_str!("../docs/local-files.md")]
    pub mod local_files {}
    /// `docs/openapi.md`.
    #[doc = include_str!("../docs/openapi.md")]
    pub mod openapi {}
    /// `docs/output-kinds.md`.
    #[doc = include_str!("../docs/output-kinds.md")]
    pub mod output_kinds {}
    /// `docs/retries-and-billing.md`.
    #[doc = include_str!("../docs/retries-and-billing.md")]
    pub mod retries_and_billing {}
    /// `docs/rust-client.md`.
    #[doc = include_str!("../docs/rust-client.md")]
    pub mod rust_client {}
    /// `docs/semver.md`.
    #[doc = include_str!("../docs/semver.md")]
    pub mod semver {}
    /// `docs/schema-format.md`.
    #[doc = include_str!("../docs/schema-format.md")]
    pub mod schema_format {}
    /// `docs/tracing.md`.
    #[doc = include_str!("../docs/tracing.md")]
    pub mod tracing {}
}

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

/// Which end of each field's allowed values a valid input takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The first allowed value, the minimum.
    Lower,
    /// The last allowed value, the maximum.
    Upper,
}

/// A valid value of `field`, from what the registry says of it.
pub fn valid_value(field: &FieldInfo, end: End) -> Value {
    let allowed = match end {
        End::Lower => field.allowed.first(),
        End::Upper => field.allowed.last(),
    };
    if let Some(v) = allowed {
        return match field.kind {
            FieldKind::Integer => json!(v.value.parse::<i64>().expect("integer enum value")),
            _ => json!(v.value),
        };
    }
    let bound = match end {
        End::Lower => field.minimum.map_or(0.0, segmind_runtime::Limit::as_f64),
        End::Upper => field.maximum.map_or(1.0, segmind_runtime::Limit::as_f64),
    };
    match field.kind {
        FieldKind::Media(_) => json!(format!("https://media.example/{}.bin", field.name)),
        FieldKind::String => json!("text"),
        FieldKind::Boolean => json!(end == End::Lower),
        FieldKind::Integer => json!(bound as i64),
        FieldKind::Number => json!(bound),
        FieldKind::List(item) => {
            let count = field.min_items.unwrap_or(1).max(1);
            Value::Array((0..count).map(|_| valid_value(item, end)).collect())
        }
        FieldKind::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.name.to_owned(), valid_value(f, end)))
                .collect(),
        ),
        // Text at the lower end, the other branch at the upper: both
        // branches are taken by the inputs of a model.
        FieldKind::TextOr(other) => match end {
            End::Lower => json!("text"),
            End::Upper => valid_value(other, end),
        },
    }
}

/// An input of `model` with every field set to a valid value.
pub fn valid_input(model: &ModelInfo, end: End) -> Map<String, Value> {
    model
        .fields
        .iter()
        .map(|f| (f.name.to_owned(), valid_value(f, end)))
        .collect()
}

/// A hallo input of two media URLs, every option unset.
pub fn hallo_input() -> hallo::Input {
    hallo::Input::new(
        "https://media.example/face.png",
        "https://media.example/voice.mp3",
    )
}

/// The `input` schema of the model file at `path`.
pub fn input_schema(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    doc["input"].clone()
}

/// Whether `input` holds a media value read as a local file.
pub fn holds_a_file(input: &dyn segmind::ModelInput) -> bool {
    input
        .media()
        .iter()
        .any(|(_, media)| matches!(media, segmind::Media::File(_)))
}

/// Waiting for a job of the local server: polls every 10 ms, gives up
/// after 20 s.
pub fn fast_wait() -> segmind::WaitOptions {
    segmind::WaitOptions::default()
        .with_poll_interval(std::time::Duration::from_millis(10))
        .with_deadline(std::time::Duration::from_secs(20))
}

/// Peak resident set size of this process in KiB (Linux `VmHWM`).
pub fn peak_rss_kib() -> Option<u64> {
    proc_status_kib("VmHWM:")
}

/// Resident set size of this process in KiB (Linux `VmRSS`).
pub fn rss_kib() -> Option<u64> {
    proc_status_kib("VmRSS:")
}

/// A size in KiB from `/proc/self/status`, by its line's label; `None`
/// where there is no such file (not Linux) or line.
fn proc_status_kib(label: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(label))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
