//! A differential property test of the generated validators: for arbitrary
//! JSON (any type at any place, any nesting, numbers at and around every
//! bound, huge integers, `6.0`, `-0`, unknown keys, missing keys, `null`s,
//! arrays where objects go, URL-looking strings that are and are not RFC 3986
//! URIs), `input_from_json` followed by `validate()` accepts exactly what
//! the `jsonschema` crate, configured as the local Segmind server configures
//! it (draft 2020-12, formats checked), accepts, for every model in `schema/`
//! and every valid fixture. A second test ties that configuration to the
//! real server over HTTP.
//!
//! Media strings come in every URI form and every form that is not one
//! (`mailto:`, `urn:`, `https:example.com`, `/etc/passwd`, `face.png`): a
//! string read from JSON is a URL, never a local file, so every case is
//! compared and none may hold a file.
//!
//! JSON Schema's integers have no limit; an integer field is an `i64`, and
//! a field whose schema gives no bound has i64's. A whole number beyond it
//! that the schema accepts is expected to be refused by the client with a
//! message naming the field, and is counted as an agreed case.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use segmind::models;
use segmind_runtime::ModelInput;
use segmind_server::{ServerConfig, TestServer};
use segmind_tests::{holds_a_file, input_schema};
use serde_json::{json, Map, Number, Value};

#[allow(dead_code)]
mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures/index.rs"));
}

mod fixture_registry {
    include!(concat!(env!("OUT_DIR"), "/fixtures/registry.rs"));
}

/// Reads a model's input from JSON.
type Reader = Box<dyn Fn(Value) -> Result<Box<dyn ModelInput>, String>>;

/// One schema under test: its name, its `input` schema and its reader.
struct Subject {
    name: String,
    input: Value,
    read: Reader,
}

/// Every model of `schema/` and every valid fixture.
fn subjects() -> Vec<Subject> {
    let mut all = Vec::new();
    let dir = segmind_server::workspace_schema_dir();
    for model in models::ALL {
        let slug = model.slug;
        all.push(Subject {
            name: slug.to_owned(),
            input: input_schema(&dir.join(format!("{slug}.json"))),
            read: Box::new(move |json| {
                models::input_from_json(slug, json).map_err(|e| e.to_string())
            }),
        });
    }
    for (path, read) in fixture_registry::ALL {
        let read = *read;
        all.push(Subject {
            name: Path::new(path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            input: input_schema(Path::new(path)),
            read: Box::new(move |json| read(json).map_err(|e| e.to_string())),
        });
    }
    all
}

/// The validator the local server builds for a model's `input`.
fn server_validator(input: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(input)
        .expect("the schema compiles")
}

/// Any JSON at all: every type, nested, with the numbers that tell exact
/// comparisons from approximate ones.
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        special_number().prop_map(Value::Number),
        any::<i64>().prop_map(|i| json!(i)),
        "[a-z0-9 :/.]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// Numbers at the edges of `i64`, `u64`, `f64`'s exact integers, and zero.
fn special_number() -> BoxedStrategy<Number> {
    let numbers: Vec<Number> = vec![
        Number::from(0),
        Number::from_f64(-0.0).expect("finite"),
        Number::from_f64(6.0).expect("finite"),
        Number::from_f64(0.5).expect("finite"),
        Number::from(i64::MAX),
        Number::from(i64::MIN),
        Number::from(u64::MAX),
        Number::from(1u64 << 63),
        Number::from((1i64 << 53) + 1),
        Number::from(-(1i64 << 53) - 1),
        Number::from_f64(9_223_372_036_854_775_808.0).expect("finite"),
        Number::from_f64(-9_223_372_036_854_775_808.0).expect("finite"),
        Number::from_f64(1e300).expect("finite"),
        Number::from_f64(-1e300).expect("finite"),
        Number::from_f64(1e-300).expect("finite"),
    ];
    proptest::sample::select(numbers).boxed()
}

/// A JSON number from an `f64`, if finite.
fn num(x: f64) -> Option<Value> {
    Number::from_f64(x).map(Value::Number)
}

/// Values at and around a schema's numeric limits (`integer`: whole ones,
/// and the same as floats `6.0`).
fn numbers_near(schema: &Value, integer: bool) -> BoxedStrategy<Value> {
    let mut points: Vec<f64> = vec![0.0, -1.0, 1.0];
    for key in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
        if let Some(x) = schema.get(key).and_then(Value::as_f64) {
            points.extend([x, x - 1.0, x + 1.0, x - 0.5, x + 0.5, x - 0.01, x + 0.01]);
        }
    }
    let mut values: Vec<Value> = Vec::new();
    for key in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
        // Integer bounds exactly, and one past them, with no f64 detour.
        if let Some(i) = schema.get(key).and_then(Value::as_i64) {
            values.extend([
                json!(i),
                json!(i.saturating_add(1)),
                json!(i.saturating_sub(1)),
            ]);
        }
    }
    if let Some(m) = schema.get("multipleOf").and_then(Value::as_f64) {
        for k in [1.0, 2.0, 3.0, 7.0, 64.0, 100.0, 256.0] {
            points.extend([m * k, m * k + 1.0, m * k - 0.5, m * k + m / 2.0]);
        }
    }
    for x in points.clone() {
        if let Some(v) = num(x) {
            values.push(v);
        }
        if x.fract() == 0.0 && x.abs() < 9e15 {
            values.push(json!(x as i64));
        }
    }
    values.retain(|v| !integer || v.as_f64().is_some_and(|x| x.fract() != 0.0) || v.is_number());
    let lo = schema
        .get("minimum")
        .or(schema.get("exclusiveMinimum"))
        .and_then(Value::as_f64)
        .unwrap_or(-100.0)
        .max(-1e15);
    let hi = schema
        .get("maximum")
        .or(schema.get("exclusiveMaximum"))
        .and_then(Value::as_f64)
        .unwrap_or(100.0)
        .min(1e15);
    let hi = hi.max(lo + 1.0);
    let step = schema.get("multipleOf").and_then(Value::as_f64);
    let in_range: BoxedStrategy<Value> = if integer {
        (lo as i64..=hi as i64)
            .prop_map(move |i| match step {
                Some(m) if m.fract() == 0.0 && m >= 1.0 => json!(i - i % (m as i64)),
                _ => json!(i),
            })
            .boxed()
    } else {
        (lo..=hi)
            .prop_map(move |x| match step {
                Some(m) => num((x / m).round() * m).unwrap_or(json!(0)),
                None => num(x).unwrap_or(json!(0)),
            })
            .boxed()
    };
    prop_oneof![
        4 => proptest::sample::select(values),
        4 => in_range,
        1 => special_number().prop_map(Value::Number),
    ]
    .boxed()
}

/// Strings for a media field: URLs and URI references of every form, valid
/// RFC 3986 URIs or not. Hierarchical (`https://host/path`) with hosts and
/// paths that are and are not valid (`<`, `|`, `"`, `%zz`, a port that is
/// no number, raw non-ASCII, spaces); any scheme with an opaque part
/// (`mailto:`, `urn:`, `https:example.com`, `data:`); no scheme at all
/// (absolute and relative paths, `//host`, `?q`, `#f`, Windows paths);
/// schemes that are not schemes (`1a:`, `a b:`, `:x`). A string read with
/// serde is a URL whatever it looks like, so each is valid exactly when
/// `format: uri` says so.
fn url_like() -> BoxedStrategy<Value> {
    let scheme = proptest::sample::select(vec![
        "https", "http", "ftp", "data", "HTTPS", "a+b.c-d", "mailto", "urn", "file", "x",
    ]);
    let host = proptest::sample::select(vec![
        "media.example",
        "x.test:8080",
        "x.test:port",
        "[::1]",
        "[::1",
        "[v1.x]",
        "user@x.test",
        "",
        "x y.test",
        "192.0.2.1:",
    ]);
    let path = proptest::collection::vec(
        proptest::sample::select(vec![
            "a",
            "/",
            "b.png",
            "%20",
            "%zz",
            "%2",
            "<",
            ">",
            "|",
            "\"",
            "é",
            " ",
            "?q=1",
            "#f",
            "{",
            "}",
            "^",
            "`",
            "\\",
            "[",
            "]",
            "~",
            "!$&'()*+,;=",
            ":",
            "@",
            "..",
        ]),
        0..5,
    )
    .prop_map(|parts| parts.concat());
    let hierarchical = (scheme.clone(), host, path.clone()).prop_map(|(scheme, host, path)| {
        if scheme == "data" {
            json!(format!("data:image/png;base64,{host}{path}"))
        } else {
            json!(format!("{scheme}://{host}/{path}"))
        }
    });
    // `scheme:` then anything: mailto:a@b, urn:isbn:1, https:example.com.
    let opaque =
        (scheme, path.clone()).prop_map(|(scheme, path)| json!(format!("{scheme}:{path}")));
    // No scheme: what a path or a relative reference looks like.
    let start = proptest::sample::select(vec![
        "/",
        "./",
        "../",
        "",
        "//",
        "~/",
        "C:\\",
        "C:/",
        "\\\\srv\\",
        "?",
        "#",
        "1a:",
        "a b:",
        ":",
        "-x:",
        "é:",
    ]);
    let schemeless = (start, path).prop_map(|(start, path)| json!(format!("{start}{path}")));
    prop_oneof![
        6 => hierarchical,
        3 => opaque,
        3 => schemeless,
        1 => proptest::sample::select(vec![
            "https://", "data:", "data:,", "", "mailto:someone@x.test", "urn:isbn:0451450523",
            "https:example.com", "file:///etc/passwd", "/etc/passwd", "face.png",
            "tel:+1-555-0100", "x:", "HTTP://X.TEST/A.PNG",
        ])
        .prop_map(|s| json!(s)),
    ]
    .boxed()
}

/// Strings around a schema's lengths (counted in code points: multi-byte
/// characters included) and, when it has a pattern, matching it.
fn strings_for(schema: &Value) -> BoxedStrategy<Value> {
    // A length may be written `2.0`.
    let min = schema
        .get("minLength")
        .and_then(Value::as_f64)
        .unwrap_or(0.0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_f64)
        .map_or(min + 8, |m| m as usize);
    let chars = proptest::sample::select(vec!['a', 'Z', '0', '9', '-', '_', ' ', 'é', '😀', '#']);
    let lengths = proptest::collection::vec(chars, min.saturating_sub(1)..=(max + 1).min(64))
        .prop_map(|cs| json!(cs.into_iter().collect::<String>()));
    let mut options: Vec<(u32, BoxedStrategy<Value>)> = vec![(3, lengths.boxed())];
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        if let Ok(matching) = proptest::string::string_regex(pattern) {
            options.push((3, matching.prop_map(Value::String).boxed()));
        }
    }
    for key in ["enum", "x-known-values", "examples"] {
        if let Some(values) = schema.get(key).and_then(Value::as_array) {
            if !values.is_empty() {
                options.push((3, proptest::sample::select(values.clone()).boxed()));
            }
        }
    }
    proptest::strategy::Union::new_weighted(options).boxed()
}

/// A value for `schema`: mostly of its shape (so a case reaches the deep
/// checks), sometimes `null` or anything at all.
fn value_for(schema: &Value) -> BoxedStrategy<Value> {
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        // A field that is text or a list (or object): a value of either
        // branch (each also `null` or anything at all now and then).
        let each: Vec<BoxedStrategy<Value>> = branches.iter().map(value_for).collect();
        return proptest::strategy::Union::new(each).boxed();
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let main = types
        .iter()
        .copied()
        .find(|t| *t != "null")
        .unwrap_or("null");
    let typed: BoxedStrategy<Value> =
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            // Every value, the same numbers written as floats or integers, and
            // near misses.
            let mut all = values.clone();
            for v in values {
                if let Some(x) = v.as_f64() {
                    all.extend(num(x));
                    all.extend(num(x + 1.0));
                    if x.fract() == 0.0 {
                        all.push(json!(x as i64));
                    }
                }
                if let Some(s) = v.as_str() {
                    all.push(json!(s.to_lowercase()));
                    all.push(json!(format!("{s} ")));
                }
            }
            proptest::sample::select(all).boxed()
        } else {
            match main {
                "integer" => numbers_near(schema, true),
                "number" => numbers_near(schema, false),
                "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
                "string" if schema.get("format").is_some() => url_like(),
                "string" => strings_for(schema),
                "array" => {
                    let items = schema.get("items").cloned().unwrap_or(json!({}));
                    let max = schema
                        .get("maxItems")
                        .and_then(Value::as_f64)
                        .map_or(4, |m| m as usize + 1)
                        .min(6);
                    proptest::collection::vec(value_for(&items), 0..=max)
                        .prop_map(Value::Array)
                        .boxed()
                }
                "object" => object_for(schema),
                _ => any_json(),
            }
        };
    prop_oneof![
        12 => typed,
        1 => Just(Value::Null),
        1 => any_json(),
    ]
    .boxed()
}

/// An object for an object schema: each property maybe (required ones
/// mostly), sometimes an unknown key, sometimes the values as an array.
fn object_for(schema: &Value) -> BoxedStrategy<Value> {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let entries: Vec<BoxedStrategy<Option<(String, Value)>>> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(key, sub)| {
                    let key = key.clone();
                    let keep = if required.contains(&key) { 0.95 } else { 0.5 };
                    proptest::option::weighted(
                        keep,
                        value_for(sub).prop_map(move |v| (key.clone(), v)),
                    )
                    .boxed()
                })
                .collect()
        })
        .unwrap_or_default();
    let extra = proptest::option::weighted(0.05, ("[a-z_]{1,8}", any_json()));
    (entries, extra, 0..40u8)
        .prop_map(|(entries, extra, shape)| {
            let mut map: Map<String, Value> = entries.into_iter().flatten().collect();
            if let Some((k, v)) = extra {
                map.entry(k).or_insert(v);
            }
            if shape == 0 {
                // An array is not an object.
                Value::Array(map.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(map)
            }
        })
        .boxed()
}

/// The JSON pointers of the whole numbers in `body` beyond `i64` where
/// `schema` has an integer.
fn beyond_i64(schema: &Value, body: &Value, pointer: &str, found: &mut Vec<String>) {
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        // The branch of the body's JSON type, if any (the other is text).
        let kind = match body {
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            _ => return,
        };
        if let Some(branch) = branches.iter().find(|b| b["type"] == kind) {
            beyond_i64(branch, body, pointer, found);
        }
        return;
    }
    let integer = match schema.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    };
    match body {
        Value::Number(n) if integer => {
            // -2^63 <= x < 2^63 is i64's range written as a float.
            let fits = n.as_i64().is_some()
                || (!n.is_u64()
                    && n.as_f64().is_some_and(|x| {
                        (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x)
                    }));
            if !fits && n.as_f64().is_some_and(|x| x.fract() == 0.0) {
                found.push(pointer.to_owned());
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    beyond_i64(item, v, &format!("{pointer}/{i}"), found);
                }
            }
        }
        Value::Object(map) => {
            if let Some(properties) = schema.get("properties") {
                for (key, v) in map {
                    if let Some(property) = properties.get(key) {
                        beyond_i64(property, v, &format!("{pointer}/{key}"), found);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The JSON types (`string`, `array`, `object`) that the fields of `body`
/// whose schema is `anyOf` (text or a list or object) hold.
fn union_forms(schema: &Value, body: &Value, found: &mut std::collections::BTreeSet<&'static str>) {
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let kind = match body {
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            _ => return,
        };
        found.insert(kind);
        if let Some(branch) = branches.iter().find(|b| b["type"] == kind) {
            union_forms(branch, body, found);
        }
        return;
    }
    match body {
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for v in items {
                    union_forms(item, v, found);
                }
            }
        }
        Value::Object(map) => {
            if let Some(properties) = schema.get("properties") {
                for (key, v) in map {
                    if let Some(property) = properties.get(key) {
                        union_forms(property, v, found);
                    }
                }
            }
        }
        _ => {}
    }
}

/// At most this many runs of a subject's cases, until both branches of its
/// text-or-blocks fields have been met valid.
const UNION_RUNS: usize = 4;

/// One subject's counts: compared (beyond i64 among them), accepted.
type Counts = (usize, usize, usize);

/// Runs `cases` cases per subject; returns the name and counts of each.
/// Every case is compared: a media string read from JSON is a URL, never a
/// local file (checked on every case), so no case is set aside.
fn agree(cases: u32) -> Vec<(String, Counts)> {
    let mut report = Vec::new();
    for subject in subjects() {
        let validator = server_validator(&subject.input);
        let strategy = object_for(&subject.input);
        let counts = std::cell::Cell::new((0usize, 0usize, 0usize));
        // The forms of anyOf fields in inputs both sides accept.
        let forms = std::cell::RefCell::new(std::collections::BTreeSet::new());
        let has_union = subject.input.to_string().contains("\"anyOf\"");
        // Both branches of a text-or-blocks field must be met, valid. The
        // cases are random, so a run that met one branch only is followed
        // by more runs (each comparing every case too), up to a bound.
        let both_forms_met = |forms: &std::collections::BTreeSet<&'static str>| {
            forms.contains("string") && (forms.contains("array") || forms.contains("object"))
        };
        for _ in 0..UNION_RUNS {
            let mut runner = TestRunner::new(Config {
                cases,
                failure_persistence: None,
                ..Config::default()
            });
            runner
            .run(&strategy, |body| {
                let (mut compared, mut big, mut accepted) = counts.get();
                let valid = validator.is_valid(&body);
                let mut beyond = Vec::new();
                if valid {
                    beyond_i64(&subject.input, &body, "", &mut beyond);
                }
                // The client accepts what the schema accepts, save a whole
                // number beyond i64 in an integer field.
                let server = valid && beyond.is_empty();
                let local = match (subject.read)(body.clone()) {
                    Ok(input) => {
                        prop_assert!(
                            !holds_a_file(input.as_ref()),
                            "{}: JSON read as a local file: {body}",
                            subject.name
                        );
                        input.validate().map_err(|e| e.to_string())
                    }
                    Err(e) => Err(e),
                };
                if server {
                    union_forms(&subject.input, &body, &mut forms.borrow_mut());
                }
                compared += 1;
                accepted += usize::from(server);
                big += usize::from(!beyond.is_empty());
                counts.set((compared, big, accepted));
                if local.is_ok() != server {
                    return Err(TestCaseError::fail(format!(
                        "{}: {body}: local {local:?}, server valid: {valid}, beyond i64 at {beyond:?}",
                        subject.name
                    )));
                }
                if let (false, Err(e)) = (beyond.is_empty(), &local) {
                    let named = beyond.iter().any(|at| e.contains(&format!("{at}: ")));
                    if !named || !e.contains("beyond the 64-bit integer range") {
                        return Err(TestCaseError::fail(format!(
                            "{}: {body}: {e:?} does not name a field beyond i64 of {beyond:?}",
                            subject.name
                        )));
                    }
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", subject.name));
            if !has_union || both_forms_met(&forms.borrow()) {
                break;
            }
        }
        let (compared, big, accepted) = counts.get();
        assert!(accepted > 0, "{}: no valid input generated", subject.name);
        assert!(
            compared > accepted,
            "{}: no invalid input generated",
            subject.name
        );
        if has_union {
            let forms = forms.borrow();
            assert!(
                both_forms_met(&forms),
                "{}: valid anyOf values met only as {forms:?}",
                subject.name
            );
        }
        report.push((subject.name, (compared, big, accepted)));
    }
    report
}

fn print(report: &[(String, Counts)]) {
    for (name, (compared, big, accepted)) in report {
        eprintln!(
            "{name}: {compared} compared ({accepted} valid; {big} valid to JSON Schema but beyond i64, refused naming the field), 0 disagreements"
        );
    }
}

/// Checks that integers beyond i64 were met, where a schema lets them
/// through.
fn assert_beyond_i64_met(report: &[(String, Counts)]) {
    let (_, (_, big, _)) = report
        .iter()
        .find(|(name, _)| name == "integer-without-range.json")
        .expect("the fixture is a subject");
    assert!(*big > 0, "no value beyond i64 generated: {report:?}");
}

#[test]
fn generated_validators_agree_with_json_schema_on_arbitrary_json() {
    let report = agree(2_000);
    print(&report);
    assert_beyond_i64_met(&report);
}

/// The long run: `cargo test -p segmind-tests --test validator_agreement --
/// --ignored` (100,000 cases per model and fixture).
#[test]
#[ignore = "long: 100,000 cases per model"]
fn generated_validators_agree_with_json_schema_100k() {
    let started = std::time::Instant::now();
    let report = agree(100_000);
    print(&report);
    eprintln!("took {:?}", started.elapsed());
}

#[test]
fn the_server_over_http_answers_as_the_validator_configured_here() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let server = runtime
        .block_on(TestServer::start(ServerConfig::new(
            segmind_server::workspace_schema_dir(),
        )))
        .expect("server");
    let http = reqwest::Client::new();
    let dir = segmind_server::workspace_schema_dir();
    for model in models::ALL {
        let input = input_schema(&dir.join(format!("{}.json", model.slug)));
        let validator = server_validator(&input);
        let url = format!("{}/v1/{}", server.base_url(), model.slug);
        let mut runner = TestRunner::new(Config {
            cases: 48,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&object_for(&input), |body| {
                let status = runtime.block_on(async {
                    http.post(&url)
                        .header("x-api-key", "any")
                        .json(&body)
                        .send()
                        .await
                        .expect("server answers")
                        .status()
                        .as_u16()
                });
                prop_assert!(status == 200 || status == 400, "{status}");
                prop_assert_eq!(validator.is_valid(&body), status == 200, "{}", body);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", model.slug));
    }
}

/// `run_json`'s reading of a slug the crate knows is the typed path's: on
/// arbitrary JSON, `Client::submit_json` refuses exactly what
/// `input_from_json` + `validate()` refuses, with the same message and
/// nothing sent, and sends (to the local server, which accepts it) what
/// they accept.
#[test]
fn submit_json_of_a_known_slug_refuses_exactly_what_the_typed_path_refuses() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let server = runtime
        .block_on(TestServer::start(ServerConfig::new(
            segmind_server::workspace_schema_dir(),
        )))
        .expect("server");
    let client = segmind::Client::builder()
        .api_key("differential-key")
        .base_url(server.base_url())
        .build()
        .expect("client");
    let dir = segmind_server::workspace_schema_dir();
    let (refused, sent) = (std::cell::Cell::new(0usize), std::cell::Cell::new(0usize));
    for model in models::ALL {
        let slug = model.slug;
        let input = input_schema(&dir.join(format!("{slug}.json")));
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&object_for(&input), |body| {
                let typed = models::input_from_json(slug, body.clone())
                    .map_err(|e| e.to_string())
                    .and_then(|input| input.validate().map_err(|e| e.to_string()));
                let posts = server.post_count();
                let untyped = runtime.block_on(client.submit_json(slug, body.clone()));
                match (&typed, &untyped) {
                    (Err(typed), Err(error)) => {
                        prop_assert!(
                            matches!(
                                error,
                                segmind::Error::Input(_) | segmind::Error::Validation(_)
                            ),
                            "{slug}: {body}: {error:?}"
                        );
                        prop_assert_eq!(typed, &error.to_string(), "{}: {}", slug, body);
                        prop_assert_eq!(server.post_count(), posts, "{}: sent", slug);
                        refused.set(refused.get() + 1);
                    }
                    (Ok(()), Ok(_)) => sent.set(sent.get() + 1),
                    _ => prop_assert!(
                        false,
                        "{slug}: {body}: typed {typed:?}, run_json {untyped:?}"
                    ),
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{slug}: {e}"));
    }
    let (refused, sent) = (refused.get(), sent.get());
    assert!(refused > 0 && sent > 0, "{refused} refused, {sent} sent");
    eprintln!("{refused} refused by both, {sent} sent by both, 0 disagreements");
}
