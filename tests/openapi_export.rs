//! `generated/openapi.json`, the OpenAPI 3.1 export of the schemas: valid
//! against the official OpenAPI 3.1 schema (vendored in
//! `tests/fixtures/openapi-3.1/`), read by an OpenAPI library (`oas3`) as
//! a tool of another language would, and saying what the schema files say:
//! both paths of every model, its input as the request body, its output
//! kind's media types, the API key, the error statuses and the headers the
//! runtime reads. The same holds for the document of every fixture schema.

use std::collections::BTreeSet;
use std::path::Path;

use oas3::spec::{ObjectOrReference, Operation, SecurityScheme};
use segmind_tests::{fixture_paths, load_fixture, workspace_root, xtask};
use serde_json::{json, Value};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn committed_text() -> String {
    read(&workspace_root().join("generated/openapi.json"))
}

fn committed() -> Value {
    serde_json::from_str(&committed_text()).expect("generated/openapi.json is JSON")
}

/// The raw model files of `schema/`, sorted: read here without the
/// generator, so the export is compared with what the files say.
fn model_files() -> Vec<Value> {
    let mut paths: Vec<_> = std::fs::read_dir(workspace_root().join("schema"))
        .expect("schema/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 5, "model files missing: {paths:?}");
    paths
        .iter()
        .map(|p| serde_json::from_str(&read(p)).expect("a model file is JSON"))
        .collect()
}

fn official_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&read(
        &workspace_root().join("tests/fixtures/openapi-3.1/schema.json"),
    ))
    .expect("the official schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the official schema compiles")
}

/// Every place where `doc` breaks the official schema.
fn violations(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Every local `$ref` in `doc` that points at nothing.
fn dangling_refs(doc: &Value) -> Vec<String> {
    fn walk(node: &Value, doc: &Value, out: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let found = target
                        .strip_prefix('#')
                        .and_then(|pointer| doc.pointer(pointer));
                    if found.is_none() {
                        out.push(target.clone());
                    }
                }
                map.values().for_each(|v| walk(v, doc, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, doc, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, doc, &mut out);
    out
}

/// `value` without any `x-...` key and without `$schema`, at every depth.
/// (Property names cannot start with `x-`: the meta-schema allows no `-`.)
fn without_extensions(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !k.starts_with("x-") && k.as_str() != "$schema")
                .map(|(k, v)| (k.clone(), without_extensions(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_extensions).collect()),
        other => other.clone(),
    }
}

/// Every key of every object in `value`.
fn all_keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                all_keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| all_keys(v, out)),
        _ => {}
    }
}

/// Each example request of the document's request bodies, checked against
/// the schema it names; returns how many there were.
fn check_examples(doc: &Value) -> usize {
    let mut checked = 0;
    let bodies = doc["components"]["requestBodies"]
        .as_object()
        .expect("components/requestBodies");
    for (name, body) in bodies {
        let media = &body["content"]["application/json"];
        let Some(example) = media.get("example") else {
            continue;
        };
        let target = media["schema"]["$ref"].as_str().expect("a schema $ref");
        let schema = doc
            .pointer(target.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{name}: {target} resolves"));
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(schema)
            .unwrap_or_else(|e| panic!("{name}: the input schema compiles: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(example)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{name}: the example request is invalid: {errors:?}"
        );
        // The check can fail: without its required fields the example is refused.
        let required = schema["required"].as_array().expect("required");
        if let Some(first) = required.first().and_then(Value::as_str) {
            let mut broken = example.clone();
            broken.as_object_mut().expect("an object").remove(first);
            assert!(!validator.is_valid(&broken), "{name}: {first} is required");
        }
        checked += 1;
    }
    checked
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    let doc = committed();
    let errors = violations(&official_validator(), &doc);
    assert!(errors.is_empty(), "generated/openapi.json: {errors:#?}");
    assert_eq!(dangling_refs(&doc), Vec::<String>::new());
    // Every schema in it is a valid JSON Schema 2020-12 (the official
    // OpenAPI schema leaves them unchecked); this check refuses a bad one.
    assert!(jsonschema::draft202012::meta::validate(&json!({ "type": 5 })).is_err());
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        jsonschema::draft202012::meta::validate(schema)
            .unwrap_or_else(|e| panic!("components/schemas/{name}: {e}"));
    }
}

/// A change that makes the document invalid OpenAPI.
type Breakage = fn(&mut Value);

#[test]
fn a_broken_document_is_refused() {
    let validator = official_validator();
    let doc = committed();
    let breakages: Vec<(&str, Breakage)> = vec![
        ("no info", |d| {
            d.as_object_mut().expect("object").remove("info");
        }),
        ("OpenAPI 3.0", |d| d["openapi"] = json!("3.0.3")),
        ("an API key in the body", |d| {
            d["components"]["securitySchemes"]["apiKey"]["in"] = json!("body")
        }),
        ("a path without a slash", |d| {
            let paths = d["paths"].as_object_mut().expect("paths");
            let item = paths.remove("/v1/hallo").expect("/v1/hallo");
            paths.insert("v1/hallo".to_owned(), item);
        }),
        ("a status that is no status", |d| {
            d["paths"]["/v1/hallo"]["post"]["responses"]["20x"] = json!({ "description": "?" })
        }),
        ("a response without a description", |d| {
            d["components"]["responses"]["BadRequest"]
                .as_object_mut()
                .expect("object")
                .remove("description");
        }),
        ("a request body without content", |d| {
            d["components"]["requestBodies"]["hallo"]
                .as_object_mut()
                .expect("object")
                .remove("content");
        }),
    ];
    for (what, break_it) in breakages {
        let mut broken = doc.clone();
        break_it(&mut broken);
        assert!(
            !violations(&validator, &broken).is_empty(),
            "{what}: the official schema took it"
        );
    }
}

#[test]
fn the_file_is_pretty_printed_with_a_final_line_break() {
    let text = committed_text();
    let pretty = serde_json::to_string_pretty(&committed()).expect("prints");
    assert_eq!(text, format!("{pretty}\n"));
}

fn post<'a>(spec: &'a oas3::Spec, path: &str) -> &'a Operation {
    spec.paths
        .as_ref()
        .and_then(|paths| paths.get(path))
        .and_then(|item| item.post.as_ref())
        .unwrap_or_else(|| panic!("POST {path} is in the document"))
}

fn get<'a>(spec: &'a oas3::Spec, path: &str) -> &'a Operation {
    spec.paths
        .as_ref()
        .and_then(|paths| paths.get(path))
        .and_then(|item| item.get.as_ref())
        .unwrap_or_else(|| panic!("GET {path} is in the document"))
}

/// The status keys of an operation's responses, each resolved.
fn responses(spec: &oas3::Spec, op: &Operation) -> Vec<(String, oas3::spec::Response)> {
    op.responses
        .iter()
        .flatten()
        .map(|(status, r)| {
            let resolved = r
                .resolve(spec)
                .unwrap_or_else(|e| panic!("response {status} resolves: {e}"));
            (status.clone(), resolved)
        })
        .collect()
}

/// What a v1 call of output kind `kind` may answer, as the runtime reads it.
fn expected_media_types(kind: &str, base64: bool) -> BTreeSet<String> {
    let types: &[&str] = match kind {
        "video" => &["video/*", "application/mp4", "application/octet-stream"],
        "image" => &["image/*", "application/octet-stream"],
        "audio" => &["audio/*", "application/octet-stream"],
        "json" | "chat" => &["application/json"],
        other => panic!("unknown output kind {other}"),
    };
    let mut types: BTreeSet<String> = types.iter().map(|t| (*t).to_owned()).collect();
    if base64 {
        types.insert("application/json".to_owned());
    }
    types
}

const MODEL_CALL_ERRORS: &[&str] = &[
    "400", "401", "402", "403", "404", "406", "410", "429", "5XX",
];

#[test]
fn every_model_has_its_paths_input_and_output_as_oas3_reads_them() {
    let spec = oas3::from_json(committed_text()).expect("oas3 reads generated/openapi.json");
    assert_eq!(spec.openapi, "3.1.0");
    spec.validate_version().expect("a 3.1 version");
    let files = model_files();
    let operations: Vec<_> = spec.operations().collect();
    assert_eq!(
        operations.len(),
        2 * files.len() + 2,
        "two per model, two for jobs"
    );

    for file in &files {
        let slug = file["slug"].as_str().expect("slug");
        let kind = file["output"].as_str().expect("output");
        let input = &file["input"];
        // The file's own request path, else `/{slug}`.
        let request_path = file["path"]
            .as_str()
            .map_or_else(|| format!("/{slug}"), str::to_owned);
        for version in ["v1", "v2"] {
            let path = format!("/{version}{request_path}");
            let op = post(&spec, &path);
            let body = op
                .request_body(&spec)
                .expect("the request body resolves")
                .unwrap_or_else(|| panic!("{path} has a request body"));
            assert_eq!(body.required, Some(true), "{path}");
            assert_eq!(
                body.content.keys().collect::<Vec<_>>(),
                ["application/json"],
                "{path}"
            );
            let schema = body.content["application/json"]
                .schema(&spec)
                .expect("the input schema resolves")
                .unwrap_or_else(|| panic!("{path} has an input schema"));
            let exported = serde_json::to_value(&schema).expect("serialises");
            // The same request, whatever extensions say.
            let plain = without_extensions(input);
            let exported_plain = without_extensions(&exported);
            for key in ["type", "additionalProperties", "required", "properties"] {
                assert_eq!(exported_plain[key], plain[key], "{path}: {key}");
            }
            // Media fields stay marked, Rust names go.
            for (name, field) in input["properties"].as_object().expect("properties") {
                assert_eq!(
                    exported["properties"][name]["x-media"], field["x-media"],
                    "{path}: {name}"
                );
            }

            let responses = responses(&spec, op);
            let statuses: Vec<&str> = responses.iter().map(|(s, _)| s.as_str()).collect();
            let mut expected = vec!["200"];
            expected.extend(MODEL_CALL_ERRORS);
            assert_eq!(
                statuses.iter().copied().collect::<BTreeSet<_>>(),
                expected.into_iter().collect(),
                "{path}"
            );
            let ok = &responses.iter().find(|(s, _)| s == "200").expect("200").1;
            for header in ["x-remaining-credits", "x-cost", "x-request-id"] {
                assert!(ok.headers.contains_key(header), "{path}: 200 has {header}");
            }
            let media: BTreeSet<String> = ok.content.keys().cloned().collect();
            if version == "v1" {
                let base64 = input["properties"].get("base64").is_some();
                assert_eq!(media, expected_media_types(kind, base64), "{path}");
            } else {
                assert_eq!(
                    media,
                    BTreeSet::from(["application/json".to_owned()]),
                    "{path}"
                );
                let submitted = ok.content["application/json"]
                    .schema(&spec)
                    .expect("resolves")
                    .expect("a schema");
                assert!(submitted.properties.contains_key("request_id"), "{path}");
                assert!(submitted.properties.contains_key("status_url"), "{path}");
                assert_eq!(submitted.required, ["request_id"], "{path}");
            }
            assert_eq!(op.extensions["segmind-output"], json!(kind), "{path}");
            // A chat model names its format, and its reply says where the
            // text is.
            assert_eq!(
                op.extensions.contains_key("segmind-chat-format"),
                kind == "chat",
                "{path}"
            );
            if kind == "chat" && version == "v1" {
                let reply = ok.content["application/json"]
                    .schema(&spec)
                    .expect("resolves")
                    .expect("a schema");
                let format = op.extensions["segmind-chat-format"]
                    .as_str()
                    .expect("a string");
                let text_key = match format {
                    "openai" => "choices",
                    "anthropic" => "content",
                    _ => "candidates",
                };
                assert!(reply.properties.contains_key(text_key), "{path}");
            }
        }
    }
}

#[test]
fn errors_jobs_and_the_api_key_are_described() {
    let spec = oas3::from_json(committed_text()).expect("oas3 reads generated/openapi.json");
    let components = spec.components.as_ref().expect("components");

    // The API key: a header, required by every operation.
    assert_eq!(spec.security.len(), 1);
    let scheme = components.security_schemes["apiKey"]
        .resolve(&spec)
        .expect("resolves");
    let SecurityScheme::ApiKey { name, location, .. } = scheme else {
        panic!("not an API key scheme: {scheme:?}")
    };
    assert_eq!((name.as_str(), location.as_str()), ("x-api-key", "header"));
    assert_eq!(
        serde_json::to_value(&spec.security[0]).expect("serialises"),
        json!({ "apiKey": [] })
    );
    assert_eq!(
        spec.primary_server().map(|s| s.url.as_str()),
        Some("https://api.segmind.com")
    );

    // A 429 says when to come back; every error has the JSON error body.
    let op = post(&spec, "/v2/hallo");
    for (status, response) in responses(&spec, op) {
        if status == "200" {
            continue;
        }
        let schema = response.content["application/json"]
            .schema(&spec)
            .expect("resolves")
            .expect("a schema");
        assert!(schema.properties.contains_key("error"), "{status}");
        if status == "429" {
            assert!(response.headers.contains_key("x-rate-limit-reset-at-utc"));
            assert!(response.headers.contains_key("Retry-After"));
        }
    }

    // The job's status and result, by request id; a failed job is a 422.
    for path in [
        "/v2/requests/{request_id}/status",
        "/v2/requests/{request_id}",
    ] {
        let item = &spec.paths.as_ref().expect("paths")[path];
        let parameter = item.parameters[0].resolve(&spec).expect("resolves");
        assert_eq!(parameter.name, "request_id");
        let op = get(&spec, path);
        let statuses: BTreeSet<String> = responses(&spec, op).into_iter().map(|(s, _)| s).collect();
        for status in ["200", "401", "404", "422", "429", "5XX"] {
            assert!(statuses.contains(status), "{path}: {status}");
        }
    }
    let result = get(&spec, "/v2/requests/{request_id}");
    let ok = &responses(&spec, result)[0].1;
    let schema = ok.content["application/json"]
        .schema(&spec)
        .expect("resolves")
        .expect("a schema");
    assert_eq!(schema.required, ["output"]);
    assert!(matches!(
        schema.properties["metrics"],
        ObjectOrReference::Ref { .. }
    ));
}

#[test]
fn the_headers_and_statuses_are_the_ones_the_runtime_reads() {
    let doc = committed();
    let meta = read(&workspace_root().join("runtime/src/meta.rs"));
    let timestamps = read(&workspace_root().join("runtime/src/timestamp.rs"));
    for name in doc["components"]["headers"]
        .as_object()
        .expect("headers")
        .keys()
    {
        let name = name.to_ascii_lowercase();
        assert!(
            meta.contains(&format!("\"{name}\"")) || timestamps.contains(&name),
            "the runtime does not read the header {name}"
        );
    }
    let errors = read(&workspace_root().join("runtime/src/error.rs"));
    for status in ["400", "401", "402", "403", "404", "406", "410", "429"] {
        assert!(
            errors.contains(&format!("{status} =>")) || errors.contains(&format!("{status} if")),
            "the runtime does not tell {status} apart"
        );
    }
}

#[test]
fn no_rust_only_key_is_exported_and_enum_names_are_translated() {
    let doc = committed();
    let mut keys = BTreeSet::new();
    all_keys(&doc, &mut keys);
    for key in ["x-rust-name", "x-rust-type", "x-enum-names", "$schema"] {
        assert!(!keys.contains(key), "{key} is exported");
    }
    // A nested object with Rust names, enum names and media in a list.
    let path = workspace_root().join("tests/fixtures/schemas/nested-objects-chat-messages.json");
    let file: Value = serde_json::from_str(&read(&path)).expect("JSON");
    let exported = xtask::openapi::export_schema(&file["input"]);
    assert_eq!(
        without_extensions(&exported),
        without_extensions(&file["input"])
    );
    let mut exported_keys = BTreeSet::new();
    all_keys(&exported, &mut exported_keys);
    assert!(!exported_keys.iter().any(|k| k.starts_with("x-rust")));
    let renamed = xtask::openapi::export_schema(&json!({
        "type": "string",
        "enum": ["16:9", "1:1"],
        "x-enum-names": ["Wide", "Square"],
        "x-rust-type": "Ratio",
    }));
    assert_eq!(
        renamed,
        json!({ "type": "string", "enum": ["16:9", "1:1"], "x-enum-varnames": ["Wide", "Square"] })
    );
}

#[test]
fn every_example_request_fits_its_input_schema() {
    let doc = committed();
    let checked = check_examples(&doc);
    // Every model whose file gives a value for each required field has one.
    let expected = model_files()
        .iter()
        .filter(|file| {
            let input = &file["input"];
            input["required"]
                .as_array()
                .expect("required")
                .iter()
                .all(|name| {
                    let field = &input["properties"][name.as_str().expect("a name")];
                    field.get("examples").is_some() || field.get("default").is_some()
                })
        })
        .count();
    assert_eq!(checked, expected);
    assert!(checked >= 5, "only {checked} example requests");
    assert!(
        doc["components"]["requestBodies"]["hallo"]["content"]["application/json"]
            .get("example")
            .is_some()
    );
}

#[test]
fn the_document_of_every_fixture_schema_is_valid_too() {
    let validator = official_validator();
    let paths = fixture_paths("schemas");
    assert!(paths.len() >= 7, "fixtures missing: {paths:?}");
    let mut models = Vec::new();
    for path in &paths {
        let model = load_fixture(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc = xtask::openapi::document(std::slice::from_ref(&model));
        let errors = violations(&validator, &doc);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        assert_eq!(
            dangling_refs(&doc),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
        check_examples(&doc);
        let text = serde_json::to_string(&doc).expect("prints");
        oas3::from_json(&text).unwrap_or_else(|e| panic!("{}: oas3: {e}", path.display()));
        models.push(model);
    }
    // All of them in one document: no two share a path, a schema or an
    // operation id.
    models.sort_by(|a, b| a.slug.cmp(&b.slug));
    models.dedup_by(|a, b| a.slug == b.slug);
    let doc = xtask::openapi::document(&models);
    assert!(violations(&validator, &doc).is_empty());
    assert_eq!(
        doc["paths"].as_object().expect("paths").len(),
        2 * models.len() + 2
    );
    let spec =
        oas3::from_json(serde_json::to_string(&doc).expect("prints")).expect("oas3 reads it");
    let ids: BTreeSet<String> = spec
        .operations()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    assert_eq!(ids.len(), 2 * models.len() + 2, "operation ids are unique");
}

#[test]
fn whole_numbers_written_with_a_fraction_are_exported_as_integers_where_integers_go() {
    let exported = xtask::openapi::export_schema(&json!({
        "type": "object",
        "properties": {
            "name": { "type": "string", "minLength": 2.0, "maxLength": 5e0 },
            "count": { "type": "integer", "minimum": 1.0, "maximum": 1e1, "multipleOf": 1.0, "default": 2.0, "examples": [3.0] },
            "seed": { "type": ["integer", "null"], "exclusiveMaximum": 0.0 },
            "duration": { "type": "integer", "enum": [1.0, 2] },
            "sizes": { "type": "array", "minItems": 1e0, "maxItems": 3.0, "items": { "type": "integer" }, "examples": [[1.0, 2e0]] },
            "weight": { "type": "number", "minimum": 1.0, "default": 2.0, "enum": [1.0, 2.5] },
            "scales": { "type": "array", "items": { "type": "number" }, "examples": [[1.0]] },
        },
    }));
    assert_eq!(
        exported["properties"],
        json!({
            "name": { "type": "string", "minLength": 2, "maxLength": 5 },
            "count": { "type": "integer", "minimum": 1, "maximum": 10, "multipleOf": 1, "default": 2, "examples": [3] },
            "seed": { "type": ["integer", "null"], "exclusiveMaximum": 0 },
            "duration": { "type": "integer", "enum": [1, 2] },
            "sizes": { "type": "array", "minItems": 1, "maxItems": 3, "items": { "type": "integer" }, "examples": [[1, 2]] },
            // A number field's values are numbers as written.
            "weight": { "type": "number", "minimum": 1.0, "default": 2.0, "enum": [1.0, 2.5] },
            "scales": { "type": "array", "items": { "type": "number" }, "examples": [[1.0]] },
        })
    );
    // Compared as JSON values, 2 and 2.0 differ: the test sees the form.
    assert_ne!(json!(2), json!(2.0));
}

/// A model file's own request path (`"path": "/fam/<slug>"`) is where the
/// export puts both of the model's operations; `/v1/{slug}` is not there.
#[test]
fn a_model_with_its_own_request_path_is_exported_there() {
    let path = workspace_root().join("tests/fixtures/schemas/request-path-with-prefix.json");
    let model = load_fixture(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = xtask::openapi::document(std::slice::from_ref(&model));
    assert!(violations(&official_validator(), &doc).is_empty());
    let spec =
        oas3::from_json(serde_json::to_string(&doc).expect("prints")).expect("oas3 reads it");
    for version in ["v1", "v2"] {
        let op = post(&spec, &format!("/{version}/fam/request-path-with-prefix"));
        assert_eq!(op.tags, ["request-path-with-prefix"]);
        assert!(
            doc["paths"]
                .get(format!("/{version}/request-path-with-prefix"))
                .is_none(),
            "{version}: the slug's own path is exported"
        );
    }
    let paths: Vec<&String> = doc["paths"].as_object().expect("paths").keys().collect();
    assert_eq!(paths.len(), 4, "{paths:?}");
}
