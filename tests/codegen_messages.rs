//! Every message of the loader is one line, `schema/<file>: <pointer>:
//! <problem>`, whatever text a schema file holds: a property test takes the
//! real schema files and the fixtures, inserts arbitrary Unicode (newlines,
//! carriage returns, NUL, U+2028, quotes, backslashes, bidirectional
//! controls, ...) into their keys and strings (property names, enum values,
//! descriptions, titles, slugs, `x-rust-name`, examples, required names), and
//! sometimes into the file name, loads the result and checks each message.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use segmind_tests::{fixture_paths, meta_schema, workspace_root, xtask};
use serde_json::Value;

/// Characters that break lines or hide text, and the ones JSON escapes.
const HOSTILE: &[char] = &[
    '\n', '\r', '\0', '\t', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{2028}',
    '\u{2029}', '\u{202e}', '\u{2066}', '\u{200f}', '\u{feff}', '\u{200b}', '"', '\\', '\'', '/',
    '~', ':', ' ', '`', '😀', 'ש',
];

/// Text of 1..6 characters, mostly hostile ones.
fn hostile_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::sample::select(HOSTILE),
            1 => any::<char>(),
            1 => proptest::char::range('a', 'z'),
        ],
        1..6,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Whether `c` must never appear in a message: what breaks a line or is
/// invisible (the brief's set: control characters, U+2028, U+2029; and the
/// bidirectional controls, which reorder what a terminal shows).
fn breaks_a_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Where a mutation applies: an object key or a string, by its position in a
/// walk of the document.
#[derive(Debug, Clone, Copy)]
enum Site {
    Key(usize),
    Text(usize),
}

/// One change to a document: `text` inserted at char `at` of the key or
/// string at `site` (modulo the number of sites), or a new key of that name.
#[derive(Debug, Clone)]
enum Mutation {
    Insert { site: Site, at: usize, text: String },
    Replace { site: Site, text: String },
    AddKey { object: usize, text: String },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let site = prop_oneof![
        any::<usize>().prop_map(Site::Key),
        any::<usize>().prop_map(Site::Text)
    ];
    prop_oneof![
        4 => (site.clone(), any::<usize>(), hostile_text())
            .prop_map(|(site, at, text)| Mutation::Insert { site, at, text }),
        1 => (site, hostile_text()).prop_map(|(site, text)| Mutation::Replace { site, text }),
        1 => (any::<usize>(), hostile_text()).prop_map(|(object, text)| Mutation::AddKey { object, text }),
    ]
}

fn insert_at(s: &str, at: usize, text: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let at = at % (chars.len() + 1);
    let mut out: String = chars[..at].iter().collect();
    out.push_str(text);
    out.extend(&chars[at..]);
    out
}

/// Counts keys, strings and objects in walk order.
#[derive(Default)]
struct Counts {
    keys: usize,
    texts: usize,
    objects: usize,
}

fn count(value: &Value, counts: &mut Counts) {
    match value {
        Value::String(_) => counts.texts += 1,
        Value::Array(items) => items.iter().for_each(|v| count(v, counts)),
        Value::Object(map) => {
            counts.objects += 1;
            for (_, v) in map {
                counts.keys += 1;
                count(v, counts);
            }
        }
        _ => {}
    }
}

/// Applies `f` to the `target`-th key (`keys`) or string of `value`, or to
/// the `target`-th object (`objects`).
fn apply(value: &mut Value, mutation: &Mutation, counts: &Counts, seen: &mut Counts) {
    match value {
        Value::String(s) => {
            if let Mutation::Insert {
                site: Site::Text(i),
                at,
                text,
            } = mutation
            {
                if i % counts.texts.max(1) == seen.texts {
                    *s = insert_at(s, *at, text);
                }
            }
            if let Mutation::Replace {
                site: Site::Text(i),
                text,
            } = mutation
            {
                if i % counts.texts.max(1) == seen.texts {
                    s.clone_from(text);
                }
            }
            seen.texts += 1;
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| apply(v, mutation, counts, seen)),
        Value::Object(map) => {
            if let Mutation::AddKey { object, text } = mutation {
                if object % counts.objects.max(1) == seen.objects {
                    map.insert(text.clone(), Value::String("x".into()));
                }
            }
            seen.objects += 1;
            let old = std::mem::take(map);
            for (key, mut v) in old {
                let mut key = key;
                match mutation {
                    Mutation::Insert {
                        site: Site::Key(i),
                        at,
                        text,
                    } if i % counts.keys.max(1) == seen.keys => {
                        key = insert_at(&key, *at, text);
                    }
                    Mutation::Replace {
                        site: Site::Key(i),
                        text,
                    } if i % counts.keys.max(1) == seen.keys => {
                        key.clone_from(text);
                    }
                    _ => {}
                }
                seen.keys += 1;
                apply(&mut v, mutation, counts, seen);
                map.insert(key, v);
            }
        }
        _ => {}
    }
}

fn mutate(doc: &Value, mutations: &[Mutation]) -> Value {
    let mut doc = doc.clone();
    for m in mutations {
        let mut counts = Counts::default();
        count(&doc, &mut counts);
        apply(&mut doc, m, &counts, &mut Counts::default());
    }
    doc
}

/// Every schema file the property test starts from: the real ones and the
/// single-file fixtures, valid and invalid (but JSON).
fn bases() -> Vec<(String, Value)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(workspace_root().join("schema"))
        .expect("schema/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.extend(fixture_paths("schemas"));
    paths.extend(fixture_paths("invalid"));
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let doc = serde_json::from_str(&text).ok()?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, doc))
        })
        .collect()
}

/// The JSON string whose escaped body is `body`, if `body` is one.
fn unescape(body: &str) -> Option<String> {
    serde_json::from_str::<String>(&format!("\"{body}\"")).ok()
}

/// Checks one refusal: each message one line of the form
/// `schema/<file>: <pointer>: <problem>`, its parts JSON-escaped (they
/// unescape to the real file name and to a pointer into the document).
fn check_messages(
    errors: &[xtask::SchemaError],
    file_name: &str,
    doc: Option<&Value>,
) -> Result<(), TestCaseError> {
    for e in errors {
        let line = e.to_string();
        let fail = |why: &str| Err(TestCaseError::fail(format!("{why}: {line:?}")));
        if line.chars().any(breaks_a_line) {
            return fail("a raw control or line-breaking character");
        }
        for part in [&e.file, &e.pointer, &e.message] {
            if part.chars().any(breaks_a_line) {
                return fail("a part is not escaped where it was made");
            }
        }
        let pointer = if e.pointer.is_empty() {
            "/"
        } else {
            &e.pointer
        };
        if line != format!("{}: {pointer}: {}", e.file, e.message) || e.message.is_empty() {
            return fail("not <file>: <pointer>: <problem>");
        }
        if unescape(&e.file).as_deref() != Some(&format!("schema/{file_name}")) {
            return fail("the file is not the JSON-escaped file name");
        }
        let Some(unescaped) = unescape(&e.pointer) else {
            return fail("the pointer is not JSON-escaped");
        };
        if !unescaped.is_empty() {
            if let Some(doc) = doc {
                if doc.pointer(&unescaped).is_none() {
                    return fail("the pointer does not point into the file");
                }
            }
        }
    }
    Ok(())
}

#[test]
fn every_message_of_mutated_schema_files_is_one_line() {
    let bases = bases();
    assert!(bases.len() >= 25, "{}", bases.len());
    let meta = meta_schema();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        0..bases.len(),
        proptest::collection::vec(mutation(), 1..4),
        proptest::option::weighted(0.15, (any::<usize>(), hostile_text())),
    );
    runner
        .run(&strategy, |(base, mutations, rename)| {
            let (name, doc) = &bases[base];
            let doc = mutate(doc, &mutations);
            let mut name = name.clone();
            if let Some((at, text)) = rename {
                // A file name holds no `/` and no NUL.
                let text: String = text.chars().filter(|c| !matches!(c, '/' | '\0')).collect();
                let stem = name.trim_end_matches(".json");
                name = format!("{}.json", insert_at(stem, at, &text));
            }
            let dir = tempfile::tempdir_in(tmp.path()).expect("tempdir");
            let path = dir.path().join(&name);
            std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("JSON"))
                .expect("write");
            match xtask::load::load_files(&[path], &meta, "schema") {
                Ok(models) => {
                    xtask::emit::emit_crate(&models)
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
                Err(xtask::Error::Schema(errors)) => {
                    check_messages(&errors, &name, Some(&doc))?;
                    let all = xtask::Error::Schema(errors.clone()).to_string();
                    prop_assert_eq!(all.lines().count(), errors.len());
                }
                Err(e) => return Err(TestCaseError::fail(e.to_string())),
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_file_that_is_not_json_or_not_readable_gets_one_line_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "bad\nname\u{2028}\"x\".json";
    let path = dir.path().join(name);
    std::fs::write(&path, "{\"slug\": \"a\u{2028}\n").expect("write");
    let bad_utf8 = dir.path().join("latin1\r.json");
    std::fs::write(&bad_utf8, b"{\"slug\": \"\xe9\"}").expect("write");
    let err = xtask::load::load_files(
        &[
            path,
            bad_utf8,
            Path::new("/nonexistent/x\ny.json").to_path_buf(),
        ],
        &meta_schema(),
        "schema",
    )
    .expect_err("broken files");
    let xtask::Error::Schema(errors) = err else {
        panic!("{err}")
    };
    assert_eq!(errors.len(), 3, "{errors:?}");
    for (e, name) in
        errors
            .iter()
            .zip(["bad\nname\u{2028}\"x\".json", "latin1\r.json", "x\ny.json"])
    {
        check_messages(std::slice::from_ref(e), name, None).unwrap_or_else(|e| panic!("{e}"));
    }
}
