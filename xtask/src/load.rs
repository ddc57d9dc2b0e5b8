//! Loading `schema/*.json`: each file is checked against the meta-schema
//! (`schema/meta/model.schema.json`) with a real JSON Schema validator, then
//! against the rules JSON Schema cannot say, and turned into the typed model
//! the emitters read. Every problem in every file is collected, each naming
//! the file and the JSON pointer of the offending value, on one line: the
//! file's own text in a message is JSON-escaped (`crate::escape`).
//!
//! What passes makes a crate that compiles: every Rust name is an identifier
//! that is no keyword in any edition, and no two items of the crate's shared
//! namespaces (modules, client methods) get one name, nor a name the crate or
//! the runtime client uses already.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};

use crate::error::{self, pointer_segment, Error, SchemaError};
use crate::escape::{json, quote, unprintable};
use crate::ir::{EnumDef, Field, FieldType, Model, Variant};
use crate::names::{self, Namespace};

/// Where the meta-schema lives, relative to the schema folder.
pub const META_SCHEMA: &str = "meta/model.schema.json";

/// Method and item names of a generated input type that a field setter must
/// not take.
const RESERVED_FIELD_NAMES: &[&str] = &[
    "new", "validate", "info", "to_json", "media", "clone", "fmt",
];

/// Type names an enum must not take: the request type and the prelude names
/// the generated code uses unqualified.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Input",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "From",
    "Into",
    "Clone",
    "Copy",
    "Debug",
    "Eq",
    "PartialEq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Self",
];

/// Loads every model file directly in `schema_dir`, sorted by file name,
/// checked against `schema_dir/meta/model.schema.json`.
///
/// `display_dir` is how the folder is named in messages (`schema`).
pub fn load_models(schema_dir: &Path, display_dir: &str) -> Result<Vec<Model>, Error> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(schema_dir).map_err(|source| Error::Io {
        path: schema_dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: schema_dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(Error::Schema(vec![SchemaError {
            file: display_dir.to_owned(),
            pointer: String::new(),
            message: "no model files (*.json) found".to_owned(),
        }]));
    }
    load_files(&files, &schema_dir.join(META_SCHEMA), display_dir)
}

/// Loads the given model files, checked against the meta-schema at
/// `meta_path`; each file is named `{display_dir}/{file name}` in messages.
/// Every problem of every file is reported; nothing is returned unless all
/// files are valid.
pub fn load_files(
    files: &[PathBuf],
    meta_path: &Path,
    display_dir: &str,
) -> Result<Vec<Model>, Error> {
    let meta_display = format!("{display_dir}/{META_SCHEMA}");
    let meta = read_json(meta_path, &meta_display).map_err(|e| Error::Schema(vec![e]))?;
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&meta)
        .map_err(|e| {
            Error::Schema(vec![SchemaError {
                file: meta_display.clone(),
                pointer: error::pointer(&e.instance_path().to_string()),
                message: format!("not a valid JSON Schema: {}", unprintable(&e.to_string())),
            }])
        })?;

    let mut models = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let display = format!("{display_dir}/{}", crate::escape::escape(&name));
        let mut found = Vec::new();
        match read_json(path, &display) {
            Err(e) => found.push(e),
            Ok(doc) => {
                for e in validator.iter_errors(&doc) {
                    found.push(SchemaError {
                        file: display.clone(),
                        pointer: error::pointer(&e.instance_path().to_string()),
                        message: meta_schema_message(&e),
                    });
                }
                if found.is_empty() {
                    let stem = name.strip_suffix(".json").unwrap_or(&name);
                    let mut checker = Checker {
                        file: &display,
                        errors: &mut found,
                    };
                    if let Some(model) = checker.model(&doc, stem) {
                        if found.is_empty() {
                            models.push(model);
                        }
                    }
                }
            }
        }
        errors.extend(found);
    }
    check_shared_names(&models, &mut errors);
    if errors.is_empty() {
        Ok(models)
    } else {
        errors.sort();
        errors.dedup();
        Err(Error::Schema(errors))
    }
}

fn read_json(path: &Path, display: &str) -> Result<Value, SchemaError> {
    let err = |message: String| SchemaError {
        file: display.to_owned(),
        pointer: String::new(),
        message: unprintable(&message),
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
    serde_json::from_str(&text).map_err(|e| err(format!("not valid JSON: {e}")))
}

/// The message of a meta-schema violation, on one line. The validator writes
/// values as JSON (so quotes and C0 controls are escaped already) but names
/// unexpected keys raw, in single quotes; those are quoted here.
fn meta_schema_message(e: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::ValidationErrorKind;
    let (what, keys) = match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => ("Additional", unexpected),
        ValidationErrorKind::UnevaluatedProperties { unexpected } => ("Unevaluated", unexpected),
        _ => return unprintable(&e.to_string()),
    };
    let keys: Vec<String> = keys.iter().map(|k| quote(k)).collect();
    let verb = if keys.len() == 1 { "was" } else { "were" };
    format!(
        "{what} properties are not allowed ({} {verb} unexpected)",
        keys.join(", ")
    )
}

/// Refuses two models that would give one item of a shared namespace the
/// same name (`hallo_submit` as the v2 method of `hallo` and the v1 method of
/// `hallo-submit`), and two files with one slug. A clash is reported once, on
/// the later file, naming the earlier one.
fn check_shared_names(models: &[Model], errors: &mut Vec<SchemaError>) {
    let mut seen: BTreeMap<(Namespace, String), (&str, &'static str)> = BTreeMap::new();
    let mut slugs: BTreeMap<&str, &str> = BTreeMap::new();
    for model in models {
        if let Some(first) = slugs.insert(&model.slug, &model.file) {
            errors.push(SchemaError {
                file: model.file.clone(),
                pointer: "/slug".to_owned(),
                message: format!(
                    "the slug {} is the slug of {first} too; a slug names one model",
                    quote(&model.slug)
                ),
            });
        }
        let mut reported: Vec<&str> = Vec::new();
        for item in names::model_items(&model.rust_name) {
            let key = (item.namespace, item.name.clone());
            let Some(&(first, first_what)) = seen.get(&key) else {
                seen.insert(key, (&model.file, item.what));
                continue;
            };
            if reported.contains(&first) {
                continue;
            }
            reported.push(first);
            let whose = if first == model.file {
                "this model".to_owned()
            } else {
                first.to_owned()
            };
            errors.push(SchemaError {
                file: model.file.clone(),
                pointer: model.rust_name_pointer().to_owned(),
                message: format!(
                    "the Rust name {} makes the {} (its {}), which {whose} makes too (its {first_what}); set \"x-rust-name\" in one of them to another name",
                    model.rust_name,
                    item.display(),
                    item.what,
                ),
            });
        }
    }
}

/// The semantic checks of one file that passed the meta-schema.
struct Checker<'a> {
    file: &'a str,
    errors: &'a mut Vec<SchemaError>,
}

impl Checker<'_> {
    fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.errors.push(SchemaError {
            file: self.file.to_owned(),
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    fn model(&mut self, doc: &Value, stem: &str) -> Option<Model> {
        let text = |key: &str| {
            doc.get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let slug = text("slug");
        if slug != stem {
            self.error(
                "/slug",
                format!(
                    "slug {} does not match the file name {}",
                    quote(&slug),
                    quote(&format!("{stem}.json"))
                ),
            );
        }
        let explicit = doc.get("x-rust-name").and_then(Value::as_str);
        let rust_name = match explicit {
            Some(name) => {
                if !names::is_plain_ident(name) {
                    self.error(
                        "/x-rust-name",
                        format!(
                            "{} is {}; set \"x-rust-name\" to another name",
                            quote(name),
                            names::keyword_kind(name)
                        ),
                    );
                }
                name.to_owned()
            }
            None => match names::module_name(&slug) {
                Some(name) if names::is_keyword(&name) => {
                    self.error(
                        "/slug",
                        format!(
                            "slug {} makes the Rust name {name}, {}; set \"x-rust-name\" (for example {})",
                            quote(&slug),
                            names::keyword_kind(&name),
                            quote(&format!("{name}_model"))
                        ),
                    );
                    name
                }
                Some(name) => name,
                None => {
                    let suggestion = heck::ToSnakeCase::to_snake_case(slug.as_str());
                    let suggestion = if suggestion.starts_with(|c: char| c.is_ascii_lowercase()) {
                        suggestion
                    } else {
                        format!("model_{suggestion}")
                    };
                    self.error(
                        "/slug",
                        format!(
                            "slug {} has no lossless Rust name; set \"x-rust-name\" (for example {})",
                            quote(&slug),
                            quote(&suggestion)
                        ),
                    );
                    return None;
                }
            },
        };
        let name_pointer = if explicit.is_some() {
            "/x-rust-name"
        } else {
            "/slug"
        };
        let v2 = format!("{rust_name}_submit");
        if !names::is_snake_case(&rust_name) || !names::is_snake_case(&v2) {
            self.error(
                name_pointer,
                format!(
                    "the Rust name {rust_name} makes the client method {v2}, which is not snake_case (a double underscore) and rustc warns of; set \"x-rust-name\" to a name without a double or trailing underscore"
                ),
            );
        }
        for item in names::model_items(&rust_name) {
            if let Some(why) = names::reserved(&item) {
                self.error(
                    name_pointer,
                    format!(
                        "the Rust name {rust_name} would make the {} (its {}), which {why}; set \"x-rust-name\" to another name",
                        item.display(),
                        item.what
                    ),
                );
            }
        }
        let input = doc.get("input")?;
        let fields = self.fields(input)?;
        Some(Model {
            file: self.file.to_owned(),
            slug,
            title: text("title"),
            summary: text("summary"),
            rust_name,
            explicit_rust_name: explicit.is_some(),
            latency: doc.get("typical_latency_seconds").and_then(Value::as_f64),
            price: doc.get("typical_price_usd").and_then(Value::as_f64),
            output: text("output"),
            fields,
        })
    }

    fn fields(&mut self, input: &Value) -> Option<Vec<Field>> {
        let properties = input.get("properties")?.as_object()?;
        let required: Vec<&str> = input
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (i, name) in required.iter().enumerate() {
            if !properties.contains_key(*name) {
                self.error(
                    format!("/input/required/{i}"),
                    format!("{} is required but not among the properties", quote(name)),
                );
            }
        }
        let mut fields = Vec::new();
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        let mut type_names: BTreeMap<String, String> = BTreeMap::new();
        for (wire, schema) in properties {
            let pointer = format!("/input/properties/{}", pointer_segment(wire));
            let Some(schema) = schema.as_object() else {
                continue;
            };
            let Some(field) = self.field(wire, schema, required.contains(&wire.as_str()), &pointer)
            else {
                continue;
            };
            if let Some(other) = rust_names.insert(field.rust.clone(), wire.clone()) {
                self.error(
                    &pointer,
                    format!(
                        "{} and {} both map to the Rust name {}; set \"x-rust-name\" on one",
                        quote(&other),
                        quote(wire),
                        field.rust
                    ),
                );
            }
            if let FieldType::Enum(def) = &field.ty {
                if RESERVED_TYPE_NAMES.contains(&def.type_name.as_str()) {
                    self.error(
                        &pointer,
                        format!("its enum type would be named {}, a name the generated code uses itself; set \"x-rust-name\"", def.type_name),
                    );
                } else if let Some(other) = type_names.insert(def.type_name.clone(), wire.clone()) {
                    self.error(
                        &pointer,
                        format!(
                            "{} and {} both make an enum named {}; set \"x-rust-name\" on one",
                            quote(&other),
                            quote(wire),
                            def.type_name
                        ),
                    );
                }
            }
            fields.push(field);
        }
        Some(fields)
    }

    fn field(
        &mut self,
        wire: &str,
        schema: &Map<String, Value>,
        required: bool,
        pointer: &str,
    ) -> Option<Field> {
        let at = |key: &str| format!("{pointer}/{key}");
        let ty = schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let rust = match schema.get("x-rust-name").and_then(Value::as_str) {
            Some(name) if names::is_plain_ident(name) && names::is_snake_case(name) => {
                name.to_owned()
            }
            Some(name) if names::is_plain_ident(name) => {
                self.error(
                    at("x-rust-name"),
                    format!(
                        "{} is not snake_case (a double underscore), which rustc warns of; set \"x-rust-name\" to another name",
                        quote(name)
                    ),
                );
                return None;
            }
            Some(name) => {
                self.error(
                    at("x-rust-name"),
                    format!(
                        "{} is {}; set \"x-rust-name\" to another name",
                        quote(name),
                        names::keyword_kind(name)
                    ),
                );
                return None;
            }
            None => names::field_name(wire),
        };
        if !names::is_plain_ident(&rust) {
            self.error(
                pointer,
                format!(
                    "{} makes no Rust identifier ({}); set \"x-rust-name\"",
                    quote(wire),
                    quote(&rust)
                ),
            );
            return None;
        }
        if RESERVED_FIELD_NAMES.contains(&rust.as_str()) {
            self.error(pointer, format!("the Rust name {rust} clashes with a method of the input type; set \"x-rust-name\""));
            return None;
        }

        let minimum = schema.get("minimum").and_then(Value::as_number).cloned();
        let maximum = schema.get("maximum").and_then(Value::as_number).cloned();
        let numeric = ty == "number" || ty == "integer";
        for (key, bound) in [("minimum", &minimum), ("maximum", &maximum)] {
            if let Some(bound) = bound {
                if !numeric {
                    self.error(
                        at(key),
                        format!("{key} applies to numbers, not to a {ty} field"),
                    );
                } else if ty == "integer" && !bound.is_i64() {
                    self.error(
                        at(key),
                        format!("{key} {bound} of an integer field must be a whole number"),
                    );
                }
            }
        }
        if let (Some(lo), Some(hi)) = (&minimum, &maximum) {
            if as_f64(lo) > as_f64(hi) {
                self.error(
                    at("minimum"),
                    format!("minimum {lo} is above the maximum {hi}"),
                );
            }
        }

        let media = schema.get("x-media").and_then(Value::as_str);
        let uri = schema.get("format").is_some();
        match (media, uri) {
            (Some(_), false) => {
                self.error(at("x-media"), "a media field needs \"format\": \"uri\"")
            }
            (None, true) => self.error(
                at("format"),
                "a uri field needs \"x-media\" (image, audio or video)",
            ),
            (Some(_), true) if ty != "string" => {
                self.error(at("type"), "a media field must be a string")
            }
            _ => {}
        }

        let closed = schema.get("enum").and_then(Value::as_array);
        let known = schema.get("x-known-values").and_then(Value::as_array);
        let enum_names = schema.get("x-enum-names").and_then(Value::as_array);
        if closed.is_some() && known.is_some() {
            self.error(
                at("x-known-values"),
                "a field has either a closed \"enum\" or open \"x-known-values\", not both",
            );
            return None;
        }
        if closed.is_some() && !(ty == "string" || ty == "integer") {
            self.error(
                at("enum"),
                format!("an enum must be of strings or integers, not of a {ty} field"),
            );
            return None;
        }
        if known.is_some() && ty != "string" {
            self.error(at("x-known-values"), "an open set must be of strings");
            return None;
        }
        if enum_names.is_some() && closed.is_none() && known.is_none() {
            self.error(
                at("x-enum-names"),
                "names given but no \"enum\" or \"x-known-values\" to name",
            );
        }

        let field_type = if let Some(kind) = media {
            FieldType::Media(kind.to_owned())
        } else if let Some(values) = closed.or(known) {
            let key = if closed.is_some() {
                "enum"
            } else {
                "x-known-values"
            };
            let def =
                self.enum_def(&rust, ty, values, enum_names, known.is_some(), pointer, key)?;
            FieldType::Enum(def)
        } else {
            match ty {
                "string" => FieldType::String,
                "number" => FieldType::Number,
                "integer" => FieldType::Integer,
                _ => FieldType::Boolean,
            }
        };

        let default = schema.get("default").cloned();
        if let Some(default) = &default {
            self.check_value(
                default,
                ty,
                &field_type,
                &minimum,
                &maximum,
                &at("default"),
                "default",
            );
            if media.is_some() {
                self.error(
                    at("default"),
                    "a media field has no default (a sample URL belongs in \"examples\")",
                );
            }
            if required {
                self.error(
                    at("default"),
                    "a required field has no default (a sample value belongs in \"examples\")",
                );
            }
        }
        let examples: Vec<Value> = schema
            .get("examples")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, example) in examples.iter().enumerate() {
            self.check_value(
                example,
                ty,
                &field_type,
                &minimum,
                &maximum,
                &format!("{pointer}/examples/{i}"),
                "example",
            );
        }

        Some(Field {
            wire: wire.to_owned(),
            rust,
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            required,
            ty: field_type,
            default,
            minimum,
            maximum,
            examples,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn enum_def(
        &mut self,
        rust: &str,
        ty: &str,
        values: &[Value],
        enum_names: Option<&Vec<Value>>,
        open: bool,
        pointer: &str,
        key: &str,
    ) -> Option<EnumDef> {
        let integer = ty == "integer";
        if let Some(given) = enum_names {
            if given.len() != values.len() {
                self.error(
                    format!("{pointer}/x-enum-names"),
                    format!(
                        "{} names for {} values in {key:?}",
                        given.len(),
                        values.len()
                    ),
                );
                return None;
            }
        }
        let mut variants = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, value) in values.iter().enumerate() {
            let value_pointer = format!("{pointer}/{key}/{i}");
            let name = if let Some(given) = enum_names {
                given[i].as_str().unwrap_or_default().to_owned()
            } else if integer {
                match value.as_i64() {
                    Some(n) => names::integer_variant(n),
                    None => {
                        self.error(value_pointer, format!("{} is not an integer", json(value)));
                        continue;
                    }
                }
            } else {
                match value.as_str().map(names::string_variant) {
                    Some(Some(name)) => name,
                    Some(None) => {
                        self.error(
                            value_pointer,
                            format!(
                                "{} makes no Rust variant name (an ASCII identifier); set \"x-enum-names\"",
                                json(value)
                            ),
                        );
                        continue;
                    }
                    None => {
                        self.error(value_pointer, format!("{} is not a string", json(value)));
                        continue;
                    }
                }
            };
            let type_ok = if integer {
                value.is_i64()
            } else {
                value.is_string()
            };
            if !type_ok {
                self.error(
                    value_pointer,
                    format!("{} is not of the field's type {ty}", json(value)),
                );
                continue;
            }
            if !names::is_plain_ident(&name) || (open && name == "Other") {
                // A given name is at its place in x-enum-names; a derived
                // one comes from the value.
                if enum_names.is_some() {
                    self.error(
                        format!("{pointer}/x-enum-names/{i}"),
                        format!("{} cannot name a variant here", quote(&name)),
                    );
                } else {
                    self.error(
                        value_pointer,
                        format!(
                            "{} makes the variant {name}, which an open set keeps for the values it does not name; set \"x-enum-names\"",
                            json(value)
                        ),
                    );
                }
                continue;
            }
            if let Some(first) = seen.insert(name.clone(), i) {
                self.error(
                    value_pointer,
                    format!(
                        "values {first} and {i} both make the variant {name}; set \"x-enum-names\""
                    ),
                );
                continue;
            }
            variants.push(Variant {
                name,
                value: value.clone(),
            });
        }
        Some(EnumDef {
            type_name: names::type_name(rust),
            integer,
            open,
            variants,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn check_value(
        &mut self,
        value: &Value,
        ty: &str,
        field_type: &FieldType,
        minimum: &Option<Number>,
        maximum: &Option<Number>,
        pointer: &str,
        what: &str,
    ) {
        let type_ok = match ty {
            "string" => value.is_string(),
            "number" => value.is_number(),
            "integer" => value.is_i64(),
            _ => value.is_boolean(),
        };
        if !type_ok {
            self.error(
                pointer,
                format!("{what} {} is not of the field's type {ty}", json(value)),
            );
            return;
        }
        if let Some(x) = value.as_f64() {
            if let Some(lo) = minimum.as_ref().filter(|lo| x < as_f64(lo)) {
                self.error(
                    pointer,
                    format!("{what} {} is below the minimum {lo}", json(value)),
                );
            }
            if let Some(hi) = maximum.as_ref().filter(|hi| x > as_f64(hi)) {
                self.error(
                    pointer,
                    format!("{what} {} is above the maximum {hi}", json(value)),
                );
            }
        }
        if let FieldType::Enum(def) = field_type {
            if !def.open && !def.variants.iter().any(|v| &v.value == value) {
                let allowed: Vec<String> = def.variants.iter().map(|v| json(&v.value)).collect();
                self.error(
                    pointer,
                    format!(
                        "{what} {} is not one of the allowed values {}",
                        json(value),
                        allowed.join(", ")
                    ),
                );
            }
        }
    }
}

fn as_f64(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}
