//! The models the server knows: every `*.json` file directly in the schema
//! folder, its `input` compiled into a JSON Schema (2020-12) validator, keyed by
//! its request path (the file's `path`, else `/{slug}`): the model is served
//! at `POST /v1{path}` and `POST /v2{path}`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::ServerError;
use crate::outputs::OutputKind;

/// What a call costs when the model file gives no `typical_price_usd`, in
/// thousandths of a credit.
const DEFAULT_COST_MILLIS: u64 = 421;

/// One model: its request validator and its price.
pub(crate) struct Model {
    /// The model's name (the last segment of its endpoint).
    pub slug: String,
    /// The compiled `input` schema.
    validator: jsonschema::Validator,
    /// What one call costs, in thousandths of a credit.
    pub cost_millis: u64,
    /// What the model returns (`output`; video when absent).
    pub output: OutputKind,
}

impl Model {
    /// Checks a request body; on failure, every violation as
    /// `<JSON pointer>: <message>` (the root written `(root)`), joined by `; `.
    pub fn validate(&self, body: &Value) -> Result<(), String> {
        let problems: Vec<String> = self
            .validator
            .iter_errors(body)
            .map(|error| {
                let pointer = error.instance_path().as_str();
                let pointer = if pointer.is_empty() {
                    "(root)"
                } else {
                    pointer
                };
                format!("{pointer}: {error}")
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

/// Every model, by request path.
pub(crate) struct Models {
    by_path: HashMap<String, Model>,
}

impl Models {
    /// The model served at `/v1/{path}` and `/v2/{path}` (`path` without
    /// its leading `/`: `hallo`, `<prefix>/<slug>`).
    pub fn get(&self, path: &str) -> Option<&Model> {
        self.by_path.get(path)
    }
}

/// Loads and compiles every `*.json` file directly in `dir` (sub-folders, such
/// as `meta/`, are not read).
pub(crate) fn load(dir: &Path) -> Result<Models, ServerError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ServerError::SchemaDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ServerError::SchemaDir {
            dir: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(ServerError::NoModels {
            dir: dir.to_path_buf(),
        });
    }
    files.sort();

    let mut by_path: HashMap<String, Model> = HashMap::new();
    let mut origin: HashMap<String, PathBuf> = HashMap::new();
    let mut path_origin: HashMap<String, PathBuf> = HashMap::new();
    for file in files {
        let (model, path) = load_file(&file)?;
        if let Some(first) = origin.get(&model.slug) {
            return Err(ServerError::DuplicateSlug {
                slug: model.slug,
                first: first.clone(),
                second: file,
            });
        }
        if let Some(first) = path_origin.get(&path) {
            return Err(ServerError::DuplicatePath {
                path: format!("/{path}"),
                first: first.clone(),
                second: file,
            });
        }
        origin.insert(model.slug.clone(), file.clone());
        path_origin.insert(path.clone(), file);
        by_path.insert(path, model);
    }
    Ok(Models { by_path })
}

/// The model of `file` and its request path without the leading `/`.
fn load_file(file: &Path) -> Result<(Model, String), ServerError> {
    let invalid = |message: String| ServerError::SchemaInvalid {
        file: file.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(file).map_err(|source| ServerError::SchemaRead {
        file: file.to_path_buf(),
        source,
    })?;
    let document: Value =
        serde_json::from_str(&text).map_err(|source| ServerError::SchemaJson {
            file: file.to_path_buf(),
            source,
        })?;
    let slug = document
        .get("slug")
        .and_then(Value::as_str)
        .filter(|slug| !slug.is_empty())
        .ok_or_else(|| invalid("/slug: missing or not a non-empty string".to_owned()))?;
    // The request path: the file's `path` (codegen checks it in full), else
    // the slug.
    let path = match document.get("path") {
        None => slug.to_owned(),
        Some(Value::String(path))
            if path.len() > 1
                && path.starts_with('/')
                && !path.contains("//")
                && !path.ends_with('/') =>
        {
            path[1..].to_owned()
        }
        Some(other) => {
            return Err(invalid(format!(
                "/path: {other} is not a request path such as \"/<prefix>/<slug>\""
            )))
        }
    };
    let input = document
        .get("input")
        .filter(|input| input.is_object())
        .ok_or_else(|| invalid("/input: missing or not an object".to_owned()))?;
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(input)
        .map_err(|error| {
            invalid(format!(
                "/input{}: not a valid JSON Schema: {error}",
                error.instance_path().as_str()
            ))
        })?;
    let output_text = document.get("output");
    let chat_format = document.get("chat_format").and_then(Value::as_str);
    let output = OutputKind::parse(output_text.and_then(Value::as_str), chat_format)
        .filter(|_| output_text.is_none_or(Value::is_string))
        .ok_or_else(|| {
            invalid(format!(
                "/output: {} is not one of \"video\", \"image\", \"audio\", \"json\", or \"chat\" with a /chat_format of \"openai\", \"anthropic\", \"gemini\"",
                output_text.map(Value::to_string).unwrap_or_default()
            ))
        })?;
    let cost_millis = document
        .get("typical_price_usd")
        .and_then(Value::as_f64)
        .filter(|price| price.is_finite() && *price >= 0.0)
        .map_or(DEFAULT_COST_MILLIS, |price| (price * 1000.0).round() as u64);
    Ok((
        Model {
            slug: slug.to_owned(),
            validator,
            cost_millis,
            output,
        },
        path,
    ))
}
