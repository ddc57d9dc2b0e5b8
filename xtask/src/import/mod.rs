//! `cargo xtask import PAGE`: a Segmind model page (its text, as copied
//! from the browser or saved) becomes a draft `schema/<slug>.json` that the
//! loader accepts, with a warning for every guess; `--check` compares the
//! page with the existing file instead and lists what changed.
//!
//! The steps: `page` splits the text into what it says, `sample` reads its
//! sample request, `numbers` reads numbers written with nothing between
//! them, `draft` decides the model file, `pretty` writes it, `diff` compares
//! two model files, `html` turns a downloaded page into text (`--url`).
//!
//! The draft is written in standard JSON Schema where the page says
//! something today's format may not know (an image output, a required field
//! with a default, an array, a number enum, `multipleOf`, `maxItems`,
//! `maxLength`); [`import`] runs the real loader on it and writes each form
//! the loader refuses in the closest form it takes, with a warning. So once
//! the format learns a form, the importer writes it without a change here.

pub mod diff;
pub mod draft;
pub mod html;
pub mod numbers;
pub mod page;
pub mod pretty;
pub mod sample;

use std::collections::BTreeSet;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::escape;
use crate::load::META_SCHEMA;
use draft::Feature;

/// What a warning is about (for tests and tools; the message says it all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningKind {
    /// The page's words are copied as they are: review them.
    Editorial,
    /// The page lacks something (latency, price, description, output).
    Missing,
    /// The slug needs an `x-rust-name`.
    RustName,
    /// The sample request is missing or does not read.
    Sample,
    /// A sample value of the wrong type (`"6"` for an integer).
    SampleType,
    /// A sample value outside the range or the value list.
    SampleValue,
    /// A field in the sample but not in the parameter list.
    SampleOnly,
    /// A field in the parameter list but not in the sample.
    NotInSample,
    /// A default outside the value list.
    DefaultNotInValues,
    /// A default outside the range.
    DefaultOutsideRange,
    /// Run-together numbers split by inference.
    NumericSplit,
    /// Run-together numbers with more than one reading that fits.
    NumericSplitAmbiguous,
    /// Unlabelled values read as values without a default.
    ValuesWithoutDefault,
    /// An incomplete value list made an open set.
    OpenSet,
    /// A media field's sample URL made an example, not a default.
    MediaDefault,
    /// A required field with the default null made optional.
    RequiredNull,
    /// The media kind of a uri field was guessed or is contradicted.
    MediaKind,
    /// Variant names taken from labels, guessed, or derived.
    EnumNames,
    /// A limit written only in prose.
    ProseLimit,
    /// A description that looks copied from another field.
    CopiedDescription,
    /// A name glued to the previous field's value, split.
    NameSplit,
    /// Something today's format cannot say, written in its closest form.
    Unsupported,
    /// Any other guess.
    Guess,
}

/// `field: message` on one line, `(model)` standing for the model as a
/// whole, with the field escaped and unprintable characters shown: the form
/// of a warning and of a drift difference.
pub(crate) fn field_line(field: Option<&str>, message: &str) -> String {
    let field = field.map_or_else(|| "(model)".to_owned(), escape::escape);
    format!("{field}: {}", escape::unprintable(message))
}

/// One warning: a guess or a correction, naming its field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// The field it is about; `None` for the model as a whole.
    pub field: Option<String>,
    /// What it is about.
    pub kind: WarningKind,
    /// What was guessed or corrected, and why.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&field_line(self.field.as_deref(), &self.message))
    }
}

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    /// The page, as the user named it.
    pub source: String,
    /// The 1-based line, when one is to blame.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = escape::unprintable(&self.source);
        match self.line {
            Some(line) => write!(f, "{source}:{line}: {}", escape::unprintable(&self.message)),
            None => write!(f, "{source}: {}", escape::unprintable(&self.message)),
        }
    }
}

/// Why `import` stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The page could not be read.
    #[error("{0}")]
    Page(PageError),
    /// The draft does not pass the loader even in its closest forms (an
    /// importer bug, or a page no model file can say, such as an endpoint
    /// the format refuses): the loader's messages, on one line. No file is
    /// written.
    #[error(
        "the draft of {} does not pass the loader, so nothing was written: {errors}",
        escape::unprintable(page)
    )]
    Draft {
        /// The page.
        page: String,
        /// The loader's messages, joined by `; `.
        errors: String,
    },
    /// A file could not be read or written.
    #[error("{}: {message}", escape::unprintable(&path.display().to_string()))]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The draft's file exists and `--force` was not given.
    #[error("{} exists: compare with `cargo xtask import --check`, or replace it with --force", escape::unprintable(&.0.display().to_string()))]
    Exists(PathBuf),
}

/// A draft made from a page.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The model's slug (the file is `<slug>.json`).
    pub slug: String,
    /// The model file.
    pub doc: Value,
    /// The model file as written (pretty JSON, trailing newline).
    pub text: String,
    /// Every guess and correction, in page order of their fields.
    pub warnings: Vec<Warning>,
}

/// Reads raw bytes as page text: UTF-8 without NUL bytes, line ends made
/// `\n`, a byte order mark dropped, no-break spaces made spaces.
pub fn page_text(bytes: &[u8], source: &str) -> Result<String, PageError> {
    let err = |message: &str| PageError {
        source: source.to_owned(),
        line: None,
        message: message.to_owned(),
    };
    if bytes.contains(&0) {
        return Err(err("binary data (NUL bytes), not a page's text"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| PageError {
        source: source.to_owned(),
        line: Some(crate::import::page::line_of(
            &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
            e.valid_up_to(),
        )),
        message: "not UTF-8 text (a binary file?)".to_owned(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace(['\u{a0}', '\u{202f}'], " "))
}

/// Makes the draft of a page's text. `source` names the page in messages;
/// `schema_dir` holds the meta-schema (`meta/model.schema.json`) the draft
/// is checked against, with the loader's other rules.
pub fn import(text: &str, source: &str, schema_dir: &Path) -> Result<Imported, ImportError> {
    let page = page::read(text, source).map_err(ImportError::Page)?;
    let mut warnings = Vec::new();
    let mut draft = draft::build(&page, &mut warnings);
    let meta = schema_dir.join(META_SCHEMA);
    let mut degraded: BTreeSet<Feature> = BTreeSet::new();
    for _round in 0..12 {
        let mut render_warnings = Vec::new();
        let (doc, used) = draft::render(&draft, &degraded, &mut render_warnings);
        let text = pretty::to_string(&doc);
        let errors = loader_errors(&draft.slug, &text, &meta)?;
        if errors.is_empty() {
            warnings.extend(render_warnings);
            warnings.extend(shared_name_clashes(&draft.slug, &text, schema_dir));
            sort_warnings(&mut warnings, &draft);
            return Ok(Imported {
                slug: draft.slug.clone(),
                doc,
                text,
                warnings,
            });
        }
        let mut progress = false;
        for e in &errors {
            if drop_refused_value(e, &doc, &mut draft, &mut warnings) {
                progress = true;
                continue;
            }
            let blamed: Vec<Feature> = used
                .iter()
                .filter(|f| !degraded.contains(*f) && blames(e, f))
                .cloned()
                .collect();
            if !blamed.is_empty() {
                progress = true;
            }
            degraded.extend(blamed);
            if !progress && fix_rust_name(e, &mut draft, &mut warnings) {
                progress = true;
            }
        }
        if !progress {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            return Err(ImportError::Draft {
                page: source.to_owned(),
                errors: lines.join("; "),
            });
        }
    }
    Err(ImportError::Draft {
        page: source.to_owned(),
        errors: "no form the loader takes was found".to_owned(),
    })
}

/// Warnings in the draft's field order, model-wide ones first.
fn sort_warnings(warnings: &mut [Warning], draft: &draft::Draft) {
    let order = |w: &Warning| match &w.field {
        None => 0,
        Some(name) => draft
            .fields
            .iter()
            .position(|f| &f.name == name)
            .map_or(usize::MAX, |i| i + 1),
    };
    warnings.sort_by_key(order);
}

/// Whether a loader message at `e.pointer` is about `feature`: the pointer is
/// the feature's or one of its parents or children (the meta-schema blames
/// an unknown key on its object, naming the key in the message).
fn blames(e: &crate::SchemaError, feature: &Feature) -> bool {
    let fp = feature.pointer();
    let ep = e.pointer.as_str();
    if ep.is_empty() || ep == "/input" || ep == "/input/properties" {
        return false;
    }
    let related =
        fp == ep || fp.starts_with(&format!("{ep}/")) || ep.starts_with(&format!("{fp}/"));
    if !related {
        return false;
    }
    if fp.starts_with(&format!("{ep}/")) && fp.matches('/').count() > ep.matches('/').count() + 1 {
        return false;
    }
    // At the field's own pointer, only the key the message names (when it
    // names one of the feature keys).
    if fp.starts_with(&format!("{ep}/")) && e.message.contains("unexpected") {
        return e.message.contains(&format!("\"{}\"", feature.key()))
            || (feature.key() == "items" && e.message.contains("\"items\""));
    }
    true
}

/// Drops from the draft a value of the page that the loader refuses, with a
/// warning naming why: a latency or price (at `/typical_latency_seconds`,
/// `/typical_price_usd`), a field's default, or one of its examples (a
/// sample value that breaks a limit only the description states, say).
/// `doc` is the draft as the loader saw it. Whether anything was dropped.
fn drop_refused_value(
    e: &crate::SchemaError,
    doc: &Value,
    d: &mut draft::Draft,
    warnings: &mut Vec<Warning>,
) -> bool {
    let shown = doc
        .pointer(&e.pointer)
        .map_or_else(|| "none".to_owned(), escape::json);
    let mut warn = |field: Option<&str>, kind: WarningKind, what: &str| {
        warnings.push(Warning {
            field: field.map(str::to_owned),
            kind,
            message: format!(
                "the page's {what} {shown} does not fit the format ({}): left out",
                e.message
            ),
        });
    };
    match e.pointer.as_str() {
        "/typical_latency_seconds" => {
            let dropped = d.latency.take().is_some();
            if dropped {
                warn(None, WarningKind::Missing, "typical latency");
            }
            return dropped;
        }
        "/typical_price_usd" => {
            let dropped = d.price.take().is_some();
            if dropped {
                warn(None, WarningKind::Missing, "price");
            }
            return dropped;
        }
        _ => {}
    }
    // A field's own default or example, as the loader's value check words
    // it ("default 3 does not fit the field ...", "example ... is not one
    // of the allowed values ..."); anything else there is the format's.
    let Some(rest) = e.pointer.strip_prefix("/input/properties/") else {
        return false;
    };
    let parts: Vec<String> = rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some(value) = doc.pointer(&e.pointer) else {
        return false;
    };
    let Some(field) = d.fields.iter_mut().find(|f| f.name == parts[0]) else {
        return false;
    };
    let name = field.name.clone();
    match parts.get(1..).unwrap_or_default() {
        [key] if key == "default" && e.message.starts_with("default ") => {
            if field.default.take().is_none() {
                return false;
            }
            warn(Some(&name), WarningKind::DefaultOutsideRange, "default");
            true
        }
        [key, _] if key == "examples" && e.message.starts_with("example ") => {
            let before = field.examples.len();
            field.examples.retain(|x| x != value);
            let mut dropped = field.examples.len() < before;
            // A required field's default written as an example.
            if field.default.as_ref() == Some(value) {
                field.default = None;
                dropped = true;
            }
            if dropped {
                warn(Some(&name), WarningKind::SampleValue, "sample value");
            }
            dropped
        }
        _ => false,
    }
}

/// Sets an `x-rust-name` where the loader asks for one (a field named like a
/// method, a keyword model name, two fields making one enum type).
fn fix_rust_name(
    e: &crate::SchemaError,
    d: &mut draft::Draft,
    warnings: &mut Vec<Warning>,
) -> bool {
    if !e.message.contains("x-rust-name") {
        return false;
    }
    let prefix = "/input/properties/";
    if let Some(rest) = e.pointer.strip_prefix(prefix) {
        let seg = rest.split('/').next().unwrap_or_default();
        let name = seg.replace("~1", "/").replace("~0", "~");
        if let Some(f) = d
            .fields
            .iter_mut()
            .find(|f| f.name == name && f.rust_name.is_none())
        {
            let base = heck::ToSnakeCase::to_snake_case(name.as_str());
            let base = base.trim_matches('_');
            let base = if base.starts_with(|c: char| c.is_ascii_lowercase()) {
                base.to_owned()
            } else {
                format!("field_{base}")
            };
            let rust = format!("{base}_value");
            warnings.push(Warning {
                field: Some(name.clone()),
                kind: WarningKind::Guess,
                message: format!(
                    "the loader refuses its Rust name ({}): \"x-rust-name\" is {}",
                    e.message,
                    escape::quote(&rust)
                ),
            });
            f.rust_name = Some(rust);
            return true;
        }
        return false;
    }
    if (e.pointer == "/slug" || e.pointer == "/x-rust-name")
        && !d
            .rust_name
            .as_deref()
            .is_some_and(|n| n.ends_with("_model"))
    {
        let base = heck::ToSnakeCase::to_snake_case(d.slug.as_str());
        let base = base.trim_matches('_');
        let rust = if base.starts_with(|c: char| c.is_ascii_lowercase()) {
            format!("{base}_model")
        } else {
            format!("model_{base}")
        };
        warnings.push(Warning {
            field: None,
            kind: WarningKind::RustName,
            message: format!(
                "the loader refuses the model's Rust name ({}): \"x-rust-name\" is {}",
                e.message,
                escape::quote(&rust)
            ),
        });
        d.rust_name = Some(rust);
        return true;
    }
    false
}

/// What the loader says of the draft beside the other models of
/// `schema_dir` (a Rust name another model takes already), as warnings: the
/// draft is written anyway, and codegen names the clash until it is fixed.
fn shared_name_clashes(slug: &str, text: &str, schema_dir: &Path) -> Vec<Warning> {
    let own = format!("{slug}.json");
    let Ok(entries) = std::fs::read_dir(schema_dir) else {
        return Vec::new();
    };
    let mut others: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != own.as_str()))
        .collect();
    if others.is_empty() {
        return Vec::new();
    }
    others.sort();
    let Ok(dir) = tempfile::tempdir() else {
        return Vec::new();
    };
    let path = dir.path().join(&own);
    if std::fs::write(&path, text).is_err() {
        return Vec::new();
    }
    others.push(path);
    let display = format!("schema/{}", escape::escape(&own));
    match crate::load::load_files(&others, &schema_dir.join(META_SCHEMA), "schema") {
        Err(crate::Error::Schema(errors)) => errors
            .into_iter()
            .filter(|e| e.file == display)
            .map(|e| Warning {
                field: None,
                kind: WarningKind::RustName,
                message: format!(
                    "beside the other models in schema/: {}: {}",
                    e.pointer, e.message
                ),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The loader's messages for `text` as `schema/<slug>.json` (checked in a
/// temporary folder against the meta-schema at `meta`).
fn loader_errors(
    slug: &str,
    text: &str,
    meta: &Path,
) -> Result<Vec<crate::SchemaError>, ImportError> {
    let dir = tempfile::tempdir().map_err(|e| ImportError::Io {
        path: std::env::temp_dir(),
        message: e.to_string(),
    })?;
    let path = dir.path().join(format!("{slug}.json"));
    std::fs::write(&path, text).map_err(|e| ImportError::Io {
        path: path.clone(),
        message: e.to_string(),
    })?;
    match crate::load::load_files(&[path], meta, "schema") {
        Ok(_) => Ok(Vec::new()),
        Err(crate::Error::Schema(errors)) => {
            if errors.iter().any(|e| e.file.ends_with(META_SCHEMA)) {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                return Err(ImportError::Io {
                    path: meta.to_path_buf(),
                    message: lines.join("; "),
                });
            }
            Ok(errors)
        }
        Err(other) => Err(ImportError::Io {
            path: meta.to_path_buf(),
            message: other.to_string(),
        }),
    }
}

/// Writes `text` to `path` atomically (a temporary file in the same folder,
/// renamed); an existing file is replaced only with `force`.
pub fn write_file(path: &Path, text: &str, force: bool) -> Result<(), ImportError> {
    let io = |message: String| ImportError::Io {
        path: path.to_path_buf(),
        message,
    };
    if !force && path.exists() {
        return Err(ImportError::Exists(path.to_path_buf()));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(e.to_string()))?;
    tmp.write_all(text.as_bytes())
        .map_err(|e| io(e.to_string()))?;
    tmp.as_file().sync_all().map_err(|e| io(e.to_string()))?;
    if force {
        tmp.persist(path).map_err(|e| io(e.error.to_string()))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                ImportError::Exists(path.to_path_buf())
            } else {
                io(e.error.to_string())
            }
        })?;
    }
    Ok(())
}
