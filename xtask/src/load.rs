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
use crate::ir::{EnumDef, EnumKind, Field, FieldType, Limits, Model, ObjectDef, Shape, Variant};
use crate::names::{self, Namespace};

/// Where the meta-schema lives, relative to the schema folder.
pub const META_SCHEMA: &str = "meta/model.schema.json";

/// Method and item names of a generated input type that a field setter must
/// not take.
const RESERVED_FIELD_NAMES: &[&str] = &[
    "new",
    "validate",
    "info",
    "to_json",
    "media",
    "clone",
    "fmt",
    "validate_at",
    "media_at",
    "from_json",
    "to_wire",
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

    // Each file is read and checked on its own, on every core.
    let loaded = crate::parallel::map(files, |path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let display = format!("{display_dir}/{}", crate::escape::escape(&name));
        let mut found = Vec::new();
        let mut model = None;
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
                    model = checker.model(&doc, stem);
                }
            }
        }
        (model.filter(|_| found.is_empty()), found)
    });
    let mut models = Vec::new();
    let mut errors = Vec::new();
    for (model, found) in loaded {
        models.extend(model);
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
    let mut paths: BTreeMap<String, (&str, bool)> = BTreeMap::new();
    for model in models {
        let explicit = model.path.is_some();
        // (Two files with one slug and no path are the slug clash below.)
        if let Some((first, _)) = paths
            .insert(model.request_path(), (&model.file, explicit))
            .filter(|&(_, first_explicit)| explicit || first_explicit)
        {
            let (pointer, whose) = if model.path.is_some() {
                ("/path", "path")
            } else {
                ("/slug", "slug")
            };
            errors.push(SchemaError {
                file: model.file.clone(),
                pointer: pointer.to_owned(),
                message: format!(
                    "the {whose} makes the endpoint /v1{}, which {first} has too; an endpoint serves one model",
                    unprintable(&model.request_path())
                ),
            });
        }
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
        let path = doc.get("path").and_then(Value::as_str).map(str::to_owned);
        if let Some(path) = &path {
            if let Err(why) = check_request_path(path, &slug) {
                self.error("/path", format!("the path {} {why}", quote(path)));
            }
        }
        let input = doc.get("input")?;
        let fields = self.fields(input)?;
        Some(Model {
            file: self.file.to_owned(),
            slug,
            path,
            title: text("title"),
            summary: text("summary"),
            rust_name,
            explicit_rust_name: explicit.is_some(),
            latency: doc.get("typical_latency_seconds").and_then(Value::as_f64),
            price: doc.get("typical_price_usd").and_then(Value::as_f64),
            output: text("output"),
            chat_format: doc
                .get("chat_format")
                .and_then(Value::as_str)
                .map(str::to_owned),
            fields,
            input_schema: input.clone(),
        })
    }

    fn fields(&mut self, input: &Value) -> Option<Vec<Field>> {
        let mut type_names: BTreeMap<String, String> = BTreeMap::new();
        self.object_fields(input, "/input", &mut type_names)
    }

    /// The fields of an object schema (the body, or a nested object) at
    /// `pointer`. `type_names` holds every type name the model's module
    /// takes already, with the pointer that took it.
    fn object_fields(
        &mut self,
        schema: &Value,
        pointer: &str,
        type_names: &mut BTreeMap<String, String>,
    ) -> Option<Vec<Field>> {
        let properties = schema.get("properties")?.as_object()?;
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (i, name) in required.iter().enumerate() {
            if !properties.contains_key(*name) {
                self.error(
                    format!("{pointer}/required/{i}"),
                    format!("{} is required but not among the properties", quote(name)),
                );
            }
        }
        let mut fields = Vec::new();
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        for (wire, field_schema) in properties {
            let field_pointer = format!("{pointer}/properties/{}", pointer_segment(wire));
            let Some(field_schema) = field_schema.as_object() else {
                continue;
            };
            let Some(field) = self.field(
                wire,
                field_schema,
                required.contains(&wire.as_str()),
                &field_pointer,
                type_names,
            ) else {
                continue;
            };
            let mut taken = vec![field.rust.clone()];
            if field.nullable {
                taken.push(format!("{}_null", field.rust));
            }
            for name in taken {
                if let Some(other) = rust_names.insert(name.clone(), wire.clone()) {
                    self.error(
                        &field_pointer,
                        format!(
                            "{} and {} both map to the Rust name {name}; set \"x-rust-name\" on one",
                            quote(&other),
                            quote(wire),
                        ),
                    );
                }
            }
            fields.push(field);
        }
        Some(fields)
    }

    /// Claims the type name `name` in the model's module for the value at
    /// `pointer`; `false` (and an error) when it cannot have it.
    fn claim_type_name(
        &mut self,
        name: &str,
        what: &str,
        pointer: &str,
        type_names: &mut BTreeMap<String, String>,
    ) -> bool {
        if RESERVED_TYPE_NAMES.contains(&name) || !names::is_plain_ident(name) {
            self.error(
                pointer,
                format!("its {what} type would be named {name}, a name the generated code uses itself; set \"x-rust-type\" to another name"),
            );
            return false;
        }
        if let Some(other) = type_names.insert(name.to_owned(), pointer.to_owned()) {
            self.error(
                pointer,
                format!(
                    "its {what} type would be named {name}, which {} makes too; set \"x-rust-type\" on one",
                    unprintable(&other)
                ),
            );
            return false;
        }
        true
    }

    fn field(
        &mut self,
        wire: &str,
        schema: &Map<String, Value>,
        required: bool,
        pointer: &str,
        type_names: &mut BTreeMap<String, String>,
    ) -> Option<Field> {
        let at = |key: &str| format!("{pointer}/{key}");
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

        let (ty, nullable) = match schema.get("type") {
            Some(Value::Array(types)) => {
                let named: Vec<&str> = types
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .collect();
                match named.as_slice() {
                    [one] if types.len() == 2 => (*one, true),
                    _ => {
                        self.error(
                            at("type"),
                            "a list of types must be one type and \"null\" (a field that may be sent as null)",
                        );
                        return None;
                    }
                }
            }
            Some(Value::String(ty)) => (ty.as_str(), false),
            _ => ("", false),
        };
        if nullable {
            if required {
                self.error(
                    at("type"),
                    "a required field cannot be null here; make it optional (drop it from \"required\") or drop \"null\" from its type",
                );
                return None;
            }
            if !matches!(ty, "string" | "number" | "integer" | "boolean")
                || schema.contains_key("enum")
                || schema.contains_key("x-known-values")
                || schema.contains_key("x-media")
            {
                self.error(
                    at("type"),
                    "only a plain string, number, integer or boolean field may also be null (not an enum, media, list or object); drop \"null\" from its type",
                );
                return None;
            }
        }

        let shape = self.shape(ty, schema, pointer, &rust, false, type_names)?;

        let default = schema.get("default").cloned();
        if let Some(default) = &default {
            match &shape.ty {
                FieldType::Media(_) => self.error(
                    at("default"),
                    "a media field has no default (a sample URL belongs in \"examples\")",
                ),
                FieldType::List(_) | FieldType::Object(_) => self.error(
                    at("default"),
                    "a list or object field has no default here (a sample value belongs in \"examples\"); drop \"default\"",
                ),
                _ => {
                    self.check_value(default, schema, &at("default"), "default");
                    if required && default.is_null() {
                        self.error(
                            at("default"),
                            "a required field cannot default to null; drop \"default\"",
                        );
                    }
                }
            }
        }
        let default = default.map(|d| self.integers_as_i64(&shape, d, &at("default"), "default"));
        let examples: Vec<Value> = schema
            .get("examples")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let examples = examples
            .into_iter()
            .enumerate()
            .map(|(i, example)| {
                let at = format!("{pointer}/examples/{i}");
                self.check_value(&example, schema, &at, "example");
                self.integers_as_i64(&shape, example, &at, "example")
            })
            .collect();

        Some(Field {
            wire: wire.to_owned(),
            rust,
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            required,
            nullable,
            shape,
            default,
            examples,
        })
    }

    /// The shape of a value of type `ty` described by `schema` at `pointer`;
    /// `rust` is the Rust name of the field it belongs to (type names come
    /// from it), `item` whether it is a list's item (so `messages` makes
    /// `Message`).
    fn shape(
        &mut self,
        ty: &str,
        schema: &Map<String, Value>,
        pointer: &str,
        rust: &str,
        item: bool,
        type_names: &mut BTreeMap<String, String>,
    ) -> Option<Shape> {
        let at = |key: &str| format!("{pointer}/{key}");
        let limits = self.limits(ty, schema, pointer)?;

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
            (Some(_), true) if limits.has_string() => self.error(
                at("x-media"),
                "a media field takes no minLength, maxLength or pattern; drop them",
            ),
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
        if closed.is_some() && !matches!(ty, "string" | "integer" | "number") {
            self.error(
                at("enum"),
                format!("an enum must be of strings, integers or numbers, not of a {ty} field"),
            );
            return None;
        }
        if known.is_some() && ty != "string" {
            self.error(at("x-known-values"), "an open set must be of strings");
            return None;
        }
        if (closed.is_some() || known.is_some()) && (limits.has_numeric() || limits.has_string()) {
            self.error(
                pointer,
                "an enum or open set takes no bounds, lengths or pattern (its values say what goes); drop them",
            );
            return None;
        }
        if enum_names.is_some() && closed.is_none() && known.is_none() {
            self.error(
                at("x-enum-names"),
                "names given but no \"enum\" or \"x-known-values\" to name",
            );
        }
        for key in ["items", "minItems", "maxItems"] {
            if schema.contains_key(key) && ty != "array" {
                self.error(
                    at(key),
                    format!("{key} applies to lists, not to a {ty} field"),
                );
            }
        }
        for key in ["properties", "required", "additionalProperties"] {
            if schema.contains_key(key) && ty != "object" {
                self.error(
                    at(key),
                    format!("{key} applies to objects, not to a {ty} field"),
                );
            }
        }
        if schema.contains_key("x-rust-type")
            && !(ty == "object" || closed.is_some() || known.is_some())
        {
            self.error(
                at("x-rust-type"),
                "a type name is for an object or an enum, which this is not",
            );
        }
        let type_name = schema
            .get("x-rust-type")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                let base = names::type_name(rust);
                if item {
                    names::singular(&base)
                } else {
                    base
                }
            });

        let field_type = if let Some(kind) = media {
            FieldType::Media(kind.to_owned())
        } else if let Some(values) = closed.or(known) {
            let key = if closed.is_some() {
                "enum"
            } else {
                "x-known-values"
            };
            let def = self.enum_def(
                &type_name,
                ty,
                values,
                enum_names,
                known.is_some(),
                pointer,
                key,
            )?;
            if !self.claim_type_name(&def.type_name, "enum", pointer, type_names) {
                return None;
            }
            FieldType::Enum(def)
        } else {
            match ty {
                "string" => FieldType::String,
                "number" => FieldType::Number,
                "integer" => FieldType::Integer,
                "boolean" => FieldType::Boolean,
                "array" => {
                    let Some(items) = schema.get("items").and_then(Value::as_object) else {
                        self.error(pointer, "a list needs \"items\", the schema of one item");
                        return None;
                    };
                    let item_ty = match items.get("type") {
                        Some(Value::String(t)) => t.as_str(),
                        _ => {
                            self.error(
                                at("items/type"),
                                "a list's items need one \"type\" (no null)",
                            );
                            return None;
                        }
                    };
                    if item_ty == "array" {
                        self.error(
                            at("items/type"),
                            "a list of lists is not supported; wrap the inner list in an object",
                        );
                        return None;
                    }
                    for key in ["default", "x-rust-name"] {
                        if items.contains_key(key) {
                            self.error(
                                at(&format!("items/{key}")),
                                format!("{key} belongs on the list field, not on its items"),
                            );
                        }
                    }
                    let shape = self.shape(item_ty, items, &at("items"), rust, true, type_names)?;
                    FieldType::List(Box::new(shape))
                }
                "object" => {
                    if schema.get("additionalProperties") != Some(&Value::Bool(false)) {
                        self.error(
                            pointer,
                            "a nested object needs \"additionalProperties\": false (its Rust struct refuses unknown keys)",
                        );
                        return None;
                    }
                    if !schema.contains_key("properties") {
                        self.error(pointer, "a nested object needs \"properties\"");
                        return None;
                    }
                    if !self.claim_type_name(&type_name, "struct", pointer, type_names) {
                        return None;
                    }
                    let fields =
                        self.object_fields(&Value::Object(schema.clone()), pointer, type_names)?;
                    FieldType::Object(ObjectDef { type_name, fields })
                }
                _ => {
                    self.error(at("type"), format!("unsupported type {}", quote(ty)));
                    return None;
                }
            }
        };
        Some(Shape {
            ty: field_type,
            limits,
        })
    }

    /// The limits of a value of type `ty`, each checked: it applies to the
    /// type, and the value types hold exactly what JSON Schema compares.
    fn limits(&mut self, ty: &str, schema: &Map<String, Value>, pointer: &str) -> Option<Limits> {
        let at = |key: &str| format!("{pointer}/{key}");
        let numeric = ty == "number" || ty == "integer";
        // A bound of an integer field is kept as the integer it is (`1.0`
        // is 1), so that it compares exactly with an i64.
        let mut number = |key: &str| {
            let bound = schema.get(key).and_then(Value::as_number)?;
            if ty != "integer" {
                return Some(bound.clone());
            }
            match whole_i64(bound) {
                Some(i) => Some(Number::from(i)),
                None => {
                    self.error(
                        at(key),
                        format!("{key} {bound} of an integer field must be a whole number from -9223372036854775808 to 9223372036854775807 (the field is an i64); leave a bound out where any 64-bit value goes"),
                    );
                    None
                }
            }
        };
        let minimum = number("minimum");
        let maximum = number("maximum");
        let exclusive_minimum = number("exclusiveMinimum");
        let exclusive_maximum = number("exclusiveMaximum");
        let multiple_of = number("multipleOf");
        // A length or a number of items, in any of JSON Schema's forms
        // (`2.0` is 2); never ignored.
        let mut count = |key: &str| {
            let value = schema.get(key)?;
            match value.as_number().and_then(whole_u64) {
                Some(n) => Some(n),
                None => {
                    self.error(
                        at(key),
                        format!(
                            "{key} {} must be a whole number from 0 to 18446744073709551615",
                            json(value)
                        ),
                    );
                    None
                }
            }
        };
        let min_length = count("minLength");
        let max_length = count("maxLength");
        let min_items = count("minItems");
        let max_items = count("maxItems");
        let limits = Limits {
            minimum,
            maximum,
            exclusive_minimum,
            exclusive_maximum,
            multiple_of,
            min_length,
            max_length,
            pattern: schema
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_owned),
            min_items,
            max_items,
        };
        let bounds = [
            ("minimum", &limits.minimum),
            ("maximum", &limits.maximum),
            ("exclusiveMinimum", &limits.exclusive_minimum),
            ("exclusiveMaximum", &limits.exclusive_maximum),
            ("multipleOf", &limits.multiple_of),
        ];
        for (key, bound) in bounds {
            let Some(bound) = bound else { continue };
            if !numeric {
                self.error(
                    at(key),
                    format!("{key} applies to numbers, not to a {ty} field"),
                );
            } else if ty == "number" && as_f64(bound).abs() > MAX_EXACT {
                self.error(
                    at(key),
                    format!("{key} {bound} of a number field must be within ±2^53 (9007199254740992), where f64 holds every integer exactly"),
                );
            }
        }
        for (lo_key, lo, hi_key, hi) in [
            ("minimum", &limits.minimum, "maximum", &limits.maximum),
            (
                "exclusiveMinimum",
                &limits.exclusive_minimum,
                "exclusiveMaximum",
                &limits.exclusive_maximum,
            ),
            (
                "minimum",
                &limits.minimum,
                "exclusiveMaximum",
                &limits.exclusive_maximum,
            ),
            (
                "exclusiveMinimum",
                &limits.exclusive_minimum,
                "maximum",
                &limits.maximum,
            ),
        ] {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if as_f64(lo) > as_f64(hi) {
                    self.error(
                        at(lo_key),
                        format!("{lo_key} {lo} is above the {hi_key} {hi}"),
                    );
                }
            }
        }
        if numeric && schema.get("enum").is_none() {
            // An integer field's missing bound is i64's: the Rust type holds
            // no other value, and reading JSON refuses one beyond it.
            let lower = limits.minimum.is_some() || limits.exclusive_minimum.is_some();
            let upper = limits.maximum.is_some() || limits.exclusive_maximum.is_some();
            if ty == "number" && limits.multiple_of.is_some() && !(lower && upper) {
                self.error(
                    at("multipleOf"),
                    "a number field with multipleOf needs a minimum and a maximum (within ±2^53), so that f64 decides it exactly; add them",
                );
            }
        }
        if let Some(m) = &limits.multiple_of {
            if as_f64(m) <= 0.0 {
                self.error(at("multipleOf"), format!("multipleOf {m} must be above 0"));
            }
        }
        for (key, set) in [
            ("minLength", limits.min_length.is_some()),
            ("maxLength", limits.max_length.is_some()),
            ("pattern", limits.pattern.is_some()),
        ] {
            if set && ty != "string" {
                self.error(
                    at(key),
                    format!("{key} applies to strings, not to a {ty} field"),
                );
            }
        }
        if let (Some(lo), Some(hi)) = (limits.min_length, limits.max_length) {
            if lo > hi {
                self.error(
                    at("minLength"),
                    format!("minLength {lo} is above the maxLength {hi}"),
                );
            }
        }
        if let (Some(lo), Some(hi)) = (limits.min_items, limits.max_items) {
            if lo > hi {
                self.error(
                    at("minItems"),
                    format!("minItems {lo} is above the maxItems {hi}"),
                );
            }
        }
        if let Some(pattern) = &limits.pattern {
            if let Err(why) = check_pattern(pattern) {
                self.error(
                    at("pattern"),
                    format!("{} {why}", json(&Value::String(pattern.clone()))),
                );
            }
        }
        Some(limits)
    }

    #[allow(clippy::too_many_arguments)]
    fn enum_def(
        &mut self,
        type_name: &str,
        ty: &str,
        values: &[Value],
        enum_names: Option<&Vec<Value>>,
        open: bool,
        pointer: &str,
        key: &str,
    ) -> Option<EnumDef> {
        let kind = match ty {
            "integer" => EnumKind::Integer,
            "number" => EnumKind::Number,
            _ => EnumKind::String,
        };
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
        let mut variants: Vec<Variant> = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, written) in values.iter().enumerate() {
            let value_pointer = format!("{pointer}/{key}/{i}");
            // An integer enum's value is kept as the integer it is (`1.0` is
            // 1): its wire value, its variant name and its default's match.
            let integer = written.as_number().and_then(whole_i64);
            let type_ok = match kind {
                EnumKind::Integer => integer.is_some(),
                EnumKind::Number => written.as_f64().is_some_and(|x| x.abs() <= MAX_EXACT),
                EnumKind::String => written.is_string(),
            };
            if !type_ok {
                let why = match kind {
                    EnumKind::Number if written.is_number() => {
                        " (a number enum's values are within ±2^53)"
                    }
                    EnumKind::Integer if written.as_f64().is_some_and(|x| x.fract() == 0.0) => {
                        " (an integer enum's values are within -9223372036854775808 to 9223372036854775807, as the field is an i64)"
                    }
                    _ => "",
                };
                self.error(
                    value_pointer,
                    format!("{} is not of the field's type {ty}{why}", json(written)),
                );
                continue;
            }
            let value = &match integer {
                Some(i) if kind == EnumKind::Integer => Value::from(i),
                _ => written.clone(),
            };
            let same = |v: &Variant| match kind {
                EnumKind::Integer => v.value.as_i64() == value.as_i64(),
                EnumKind::Number => v.value.as_f64() == value.as_f64(),
                EnumKind::String => false,
            };
            if variants.iter().any(same) {
                self.error(
                    value_pointer,
                    format!(
                        "{} is listed twice (as numbers, 1 and 1.0 are one value)",
                        json(written)
                    ),
                );
                continue;
            }
            let derived = match kind {
                EnumKind::Integer => value.as_i64().map(names::integer_variant),
                EnumKind::Number => names::number_variant(&value.to_string()),
                EnumKind::String => value.as_str().and_then(names::string_variant),
            };
            let name = if let Some(given) = enum_names {
                given[i].as_str().unwrap_or_default().to_owned()
            } else if let Some(name) = derived {
                name
            } else {
                self.error(
                    value_pointer,
                    format!(
                        "{} makes no Rust variant name (an ASCII identifier); set \"x-enum-names\" (one UpperCamelCase name per value, in order)",
                        json(value)
                    ),
                );
                continue;
            };
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
            type_name: type_name.to_owned(),
            kind,
            open,
            variants,
        })
    }

    /// A default or an example (checked against the field's schema) with
    /// every integer of `shape` written as one (`2.0` is 2), as the emitted
    /// code and docs show it. A whole number beyond `i64` where the field is
    /// an `i64` fits JSON Schema's integer but no Rust value: refused.
    fn integers_as_i64(&mut self, shape: &Shape, value: Value, pointer: &str, what: &str) -> Value {
        let integer_enum = matches!(&shape.ty, FieldType::Enum(def) if def.integer());
        match (&shape.ty, value) {
            (FieldType::Integer, Value::Number(n)) => match whole_i64(&n) {
                Some(i) => Value::from(i),
                None => {
                    if n.as_f64().is_some_and(|x| x.fract() == 0.0) {
                        self.error(
                            pointer,
                            format!("{what} {n} is beyond the range of the field's Rust type i64, -9223372036854775808 to 9223372036854775807"),
                        );
                    }
                    Value::Number(n)
                }
            },
            (_, Value::Number(n)) if integer_enum => {
                whole_i64(&n).map_or(Value::Number(n), Value::from)
            }
            (FieldType::List(item), Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| self.integers_as_i64(item, v, &format!("{pointer}/{i}"), what))
                    .collect(),
            ),
            (FieldType::Object(def), Value::Object(map)) => Value::Object(
                map.into_iter()
                    .map(|(key, v)| {
                        let v = match def.fields.iter().find(|f| f.wire == key) {
                            Some(f) => self.integers_as_i64(
                                &f.shape,
                                v,
                                &format!("{pointer}/{}", pointer_segment(&key)),
                                what,
                            ),
                            None => v,
                        };
                        (key, v)
                    })
                    .collect(),
            ),
            (_, other) => other,
        }
    }

    /// Checks a default or an example against the field's own schema, with
    /// the JSON Schema validator the server uses (formats on).
    fn check_value(
        &mut self,
        value: &Value,
        schema: &Map<String, Value>,
        pointer: &str,
        what: &str,
    ) {
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            let same = |a: &Value| match (a.as_f64(), value.as_f64()) {
                (Some(x), Some(y)) => x == y,
                _ => a == value,
            };
            if !allowed.iter().any(same) {
                let allowed: Vec<String> = allowed.iter().map(json).collect();
                self.error(
                    pointer,
                    format!(
                        "{what} {} is not one of the allowed values {}",
                        json(value),
                        allowed.join(", ")
                    ),
                );
                return;
            }
        }
        let schema = Value::Object(schema.clone());
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
        {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    pointer,
                    format!(
                        "the field's schema does not compile: {}",
                        unprintable(&e.to_string())
                    ),
                );
                return;
            }
        };
        let first = validator.iter_errors(value).next().map(|e| {
            let at = e.instance_path().to_string();
            let place = if at.is_empty() {
                String::new()
            } else {
                format!(" (at {})", error::pointer(&at))
            };
            format!(
                "{what} {} does not fit the field{place}: {}",
                json(value),
                unprintable(&e.to_string())
            )
        });
        if let Some(message) = first {
            self.error(pointer, message);
        }
    }
}

/// The largest magnitude below which `f64` holds every integer (2^53).
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

fn as_f64(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// A JSON number as the integer it is, in any of JSON Schema's forms (`2`,
/// `2.0`, `2e0`), when that integer is within `i64`; `None` for a fraction
/// or a value beyond `i64`.
pub(crate) fn whole_i64(n: &Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    if n.is_u64() {
        return None;
    }
    // -2^63 <= x < 2^63 is exactly the range `as` converts without loss.
    n.as_f64()
        .filter(|x| {
            x.fract() == 0.0
                && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(x)
        })
        .map(|x| x as i64)
}

/// A JSON number as a count (a length or a number of items), in any of JSON
/// Schema's forms; `None` for a fraction, a negative value or one beyond
/// `u64`.
fn whole_u64(n: &Number) -> Option<u64> {
    if let Some(u) = n.as_u64() {
        return Some(u);
    }
    if n.is_i64() {
        return None;
    }
    // 0 <= x < 2^64 is exactly the range `as` converts without loss.
    n.as_f64()
        .filter(|x| x.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(x))
        .map(|x| x as u64)
}

/// Whether `path`, a model file's `path`, is a request path the client,
/// the local server and the OpenAPI export can all follow: `/` then
/// segments of RFC 3986 unreserved characters, none empty, `.` or `..`; no
/// host, query or trailing slash; not the v2 job paths; not `/{slug}`,
/// which is what no `path` means.
fn check_request_path(path: &str, slug: &str) -> Result<(), String> {
    if path.contains("://") {
        return Err(
            "is a URL: give only the path after the API version, such as \"/<prefix>/<slug>\""
                .to_owned(),
        );
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err("does not start with \"/\": give the path after the API version, such as \"/<prefix>/<slug>\"".to_owned());
    };
    if rest.starts_with('/') {
        return Err(
            "starts with \"//\", which names a host: give only the path after the API version"
                .to_owned(),
        );
    }
    for segment in rest.split('/') {
        if segment.is_empty() {
            return Err("has an empty segment (a doubled or trailing \"/\")".to_owned());
        }
        if segment == "." || segment == ".." {
            return Err(format!(
                "has the segment {}, which would step out of the API's paths",
                quote(segment)
            ));
        }
        if let Some(c) = segment
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')))
        {
            return Err(format!(
                "holds {}, which a path segment here may not (letters, digits and -._~ only)",
                quote(&c.to_string())
            ));
        }
    }
    if rest == "requests" || rest.starts_with("requests/") {
        return Err(
            "starts with /requests, where the v2 job paths are (/v2/requests/{id})".to_owned(),
        );
    }
    if rest == slug {
        return Err(format!(
            "is the slug's own path (/v1/{slug} and /v2/{slug}); drop \"path\""
        ));
    }
    Ok(())
}

/// Whether a `pattern` means the same to the server's validator (ECMA-262,
/// translated by the `jsonschema` crate) and to the `regex` crate, which the
/// generated `validate()` uses: it must compile with `regex`, the
/// `jsonschema` crate must use it unchanged, and it may hold only syntax
/// that reads the same in both: printable ASCII; escapes of punctuation
/// only (no `\d`, `\w`, `\s`, `\b`: ECMA-262 and `regex` give them other
/// classes); no `.` (ECMA-262's excludes `\r` and U+2028/9, `regex`'s only
/// `\n`); no `(?` groups; no `[` inside a class, no `&&`, `--` or `~~` in one
/// (set operations in `regex`, literals in ECMA-262); `{` only as a
/// `{n}`, `{n,}` or `{n,m}` quantifier.
fn check_pattern(pattern: &str) -> Result<(), String> {
    const FIX: &str =
        "; write it with plain characters, classes such as [0-9A-Za-z_] and quantifiers";
    if let Err(e) = regex::Regex::new(pattern) {
        let first = e.to_string();
        let first = first.lines().last().unwrap_or_default().trim().to_owned();
        return Err(format!(
            "does not compile as a regular expression ({})",
            unprintable(&first)
        ));
    }
    let bytes = pattern.as_bytes();
    let mut in_class = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if !(0x20..0x7f).contains(&c) {
            return Err(format!("holds a character other than printable ASCII, which ECMA-262 and the regex crate may read differently{FIX}"));
        }
        match c {
            b'\\' => {
                let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                if !next.is_ascii_punctuation() {
                    return Err(format!(
                        "uses the escape \\{}, which ECMA-262 and the regex crate may read differently{FIX}",
                        next as char
                    ));
                }
                i += 2;
                continue;
            }
            b'[' if in_class => {
                return Err(format!("has [ inside a character class (a nested class in the regex crate, a literal in ECMA-262); escape it as \\[{FIX}"));
            }
            b'[' => {
                in_class = true;
                if bytes.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i + 1) == Some(&b']') {
                    return Err(format!("has an empty class or one starting with ], which ECMA-262 and the regex crate read differently{FIX}"));
                }
            }
            b']' if in_class => in_class = false,
            b'&' | b'-' | b'~' if in_class && bytes.get(i + 1) == Some(&c) => {
                return Err(format!(
                    "has {0}{0} inside a class (a set operation in the regex crate, literals in ECMA-262){FIX}",
                    c as char
                ));
            }
            b'.' if !in_class => {
                return Err("uses ., which matches \\r and U+2028 in the regex crate but not in ECMA-262; write a class such as [^\\n\\r] instead".to_owned());
            }
            b'(' if !in_class && bytes.get(i + 1) == Some(&b'?') => {
                return Err(format!("uses a (? group (flags, names, lookaround), which ECMA-262 and the regex crate read differently{FIX}"));
            }
            b'{' if !in_class => {
                let rest = &pattern[i..];
                let end = rest.find('}').unwrap_or(0);
                let inner = &rest[1..end.max(1)];
                let valid = end > 1 && {
                    let (lo, hi) = inner.split_once(',').unwrap_or((inner, "0"));
                    !lo.is_empty()
                        && lo.bytes().all(|b| b.is_ascii_digit())
                        && hi.bytes().all(|b| b.is_ascii_digit())
                };
                if !valid || i == 0 {
                    return Err(format!("uses {{ other than as a quantifier {{n}}, {{n,}} or {{n,m}} after something to repeat{FIX}"));
                }
                i += end + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    match jsonschema_regex::to_rust_regex(pattern) {
        Ok(translated) if translated == pattern => Ok(()),
        _ => Err(format!(
            "is rewritten by the server's validator before it matches, so it may not mean the same as here{FIX}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::{check_pattern, whole_i64, whole_u64};
    use serde_json::Number;

    fn number(text: &str) -> Number {
        serde_json::from_str(text).expect("a JSON number")
    }

    #[test]
    fn whole_numbers_in_any_form_are_integers_within_the_rust_type() {
        for (text, i) in [
            ("2", Some(2)),
            ("2.0", Some(2)),
            ("1e1", Some(10)),
            ("-0.0", Some(0)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("-9223372036854775808.0", Some(i64::MIN)),
            ("9223372036854775807", Some(i64::MAX)),
            ("9223372036854775808", None),
            ("9223372036854775808.0", None),
            ("1e19", None),
            ("2.5", None),
        ] {
            assert_eq!(whole_i64(&number(text)), i, "{text}");
        }
        for (text, u) in [
            ("2.0", Some(2)),
            ("1e0", Some(1)),
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", None),
            ("-1", None),
            ("-1.0", None),
            ("0.5", None),
        ] {
            assert_eq!(whole_u64(&number(text)), u, "{text}");
        }
    }

    #[test]
    fn patterns_that_read_the_same_in_ecma_262_and_regex_pass() {
        for ok in [
            "^[a-z0-9_-]+$",
            "^#[0-9A-Fa-f]{6}$",
            "^(cat|dog)s?$",
            "a{2,}",
            "\\.png$",
        ] {
            assert_eq!(check_pattern(ok), Ok(()), "{ok}");
        }
        for bad in [
            "\\d+", "^.+$", "[[a]]", "(?i)a", "a{,3}", "é", "[a&&b]", "(", "\\w", "{2}",
        ] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
    }
}
