//! Whatever text the loader accepts, the generator emits code that compiles:
//! a property test puts random Unicode (CR, CRLF, NUL, U+2028, U+2029, tabs,
//! quotes, backslashes, `*/`, bidirectional controls, Markdown fences, ...)
//! into the title, summary, descriptions, enum values, known values, examples
//! and default of a base model and checks, for every file the loader lets
//! through, that
//!
//! - `syn::parse_file` parses it (its lexer, like rustc's, refuses a bare CR
//!   in a doc comment);
//! - no character rustc refuses or clippy flags is in it raw: no control
//!   character but `\n`, no bidirectional control (rustc's deny-by-default
//!   `text_direction_codepoint_in_*`), no zero-width space, soft hyphen or
//!   word joiner (clippy's `invisible_characters`), no tab;
//! - schema text opened no code block in a doc comment (rustdoc would compile
//!   it as a doctest): no fence but the module example's, no indented line
//!   outside it.
//!
//! `tests/fixtures/schemas/hostile-unicode-text.json` is the same compiled
//! for real by rustc (and linted by clippy) through `tests/build.rs`.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use segmind_tests::{meta_schema, workspace_root, xtask};
use serde_json::{json, Value};

/// Characters and snippets that have broken, or could break, generated code.
const HOSTILE: &[&str] = &[
    "\r",
    "\r\n",
    "\n",
    "\0",
    "\t",
    "\u{b}",
    "\u{c}",
    "\u{7f}",
    "\u{85}",
    "\u{9b}",
    "\u{2028}",
    "\u{2029}",
    "\u{202a}",
    "\u{202e}",
    "\u{2066}",
    "\u{2069}",
    "\u{200e}",
    "\u{200f}",
    "\u{200b}",
    "\u{ad}",
    "\u{2060}",
    "\u{feff}",
    "\"",
    "\\",
    "'",
    "*/",
    "/*",
    "//",
    "///",
    "#",
    "# ",
    "```",
    "~~~",
    "    ",
    "<pre>",
    "[x]",
    "https://e.test/a",
    "`",
    "|",
    "!",
    "😀",
    "ש",
    "\u{301}",
];

/// Text of 0..10 pieces, mostly hostile ones.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(HOSTILE).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
            1 => "[a-z ]{1,4}",
        ],
        0..10,
    )
    .prop_map(|parts| parts.concat())
}

/// Whether rustc refuses `c` raw in a comment or literal, or clippy flags it.
fn refused_raw(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{200b}' | '\u{ad}' | '\u{2060}')
}

/// The content of a doc comment line (`/// x` gives ` x`).
fn doc_content(line: &str) -> Option<&str> {
    let line = line.trim_start();
    line.strip_prefix("///")
        .or_else(|| line.strip_prefix("//!"))
}

/// Checks one generated file of a crate of `models` models: each model's
/// module, inline in `src/lib.rs`, has the one doc example (a `no_run`
/// fence and its end), and nothing else opens a code block.
fn check_file(path: &str, contents: &str, models: usize) -> Result<(), TestCaseError> {
    if let Err(e) = syn::parse_file(contents) {
        return Err(TestCaseError::fail(format!("{path} does not parse: {e}")));
    }
    if let Some(c) = contents.chars().find(|&c| refused_raw(c)) {
        return Err(TestCaseError::fail(format!("{path} holds {c:?} raw")));
    }
    let mut fences = Vec::new();
    let mut in_fence = false;
    for line in contents.lines() {
        let Some(content) = doc_content(line) else {
            continue;
        };
        let text = content.strip_prefix(' ').unwrap_or(content);
        if text.starts_with("```") || text.starts_with("~~~") {
            fences.push(text.to_owned());
            in_fence = !in_fence;
            continue;
        }
        if !in_fence && text.starts_with([' ', '\t']) {
            return Err(TestCaseError::fail(format!(
                "{path}: an indented doc line is a code block: {line:?}"
            )));
        }
    }
    let examples = if path == "src/lib.rs" { models } else { 0 };
    let expected: Vec<&str> = ["```no_run", "```"].repeat(examples);
    if fences != expected {
        return Err(TestCaseError::fail(format!(
            "{path}: schema text opened a code block: {fences:?}"
        )));
    }
    Ok(())
}

/// The texts a case puts into the base model.
#[derive(Debug, Clone)]
struct Texts {
    title: String,
    summary: String,
    description: String,
    enum_values: Vec<String>,
    known_values: Vec<String>,
    example: String,
    default_index: usize,
}

fn texts() -> impl Strategy<Value = Texts> {
    (
        (text(), text(), text()),
        proptest::collection::vec(text(), 1..4),
        proptest::collection::vec(text(), 1..3),
        text(),
        any::<usize>(),
    )
        .prop_map(
            |((title, summary, description), enum_values, known_values, example, default_index)| {
                Texts {
                    title,
                    summary,
                    description,
                    enum_values,
                    known_values,
                    example,
                    default_index,
                }
            },
        )
}

/// A model of every kind of field whose text is `texts`.
fn model(texts: &Texts) -> Value {
    let names = |n: usize, prefix: &str| -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    };
    let default = &texts.enum_values[texts.default_index % texts.enum_values.len()];
    json!({
        "slug": "hostile",
        "title": texts.title,
        "summary": texts.summary,
        "output": "video",
        "input": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "additionalProperties": false,
            "required": ["prompt", "image", "mode"],
            "properties": {
                "prompt": { "type": "string", "description": texts.description, "examples": [texts.example] },
                "image": { "type": "string", "format": "uri", "x-media": "image", "description": texts.description, "examples": ["https://example.com/a%22b.png"] },
                "mode": { "type": "string", "description": texts.description, "enum": texts.enum_values, "x-enum-names": names(texts.enum_values.len(), "Mode") },
                "style": { "type": "string", "description": texts.description, "enum": texts.enum_values, "x-enum-names": names(texts.enum_values.len(), "Style"), "default": default },
                "voice": { "type": "string", "description": texts.description, "x-known-values": texts.known_values, "x-enum-names": names(texts.known_values.len(), "Voice"), "default": texts.example },
                "shots": {
                    "type": "array", "description": texts.description,
                    "items": {
                        "type": "object", "additionalProperties": false, "required": ["caption"],
                        "properties": {
                            "caption": { "type": "string", "description": texts.description, "examples": [texts.example], "maxLength": 100 },
                            "kind": { "type": "string", "description": texts.description, "enum": texts.enum_values, "x-enum-names": names(texts.enum_values.len(), "Kind") }
                        }
                    }
                }
            }
        }
    })
}

#[test]
fn whatever_text_the_loader_accepts_makes_code_that_parses_and_lints_clean() {
    let meta = meta_schema();
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("hostile.json");
    let mut runner = TestRunner::new(Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    });
    let accepted = std::cell::Cell::new(0u32);
    runner
        .run(&texts(), |texts| {
            std::fs::write(&path, model(&texts).to_string()).expect("write");
            let Ok(models) = xtask::load::load_files(std::slice::from_ref(&path), &meta, "schema")
            else {
                return Ok(());
            };
            accepted.set(accepted.get() + 1);
            let files = xtask::emit::emit_crate(&models)
                .map_err(|e| TestCaseError::fail(format!("emit: {e}")))?;
            for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
                check_file(&file.path, &file.contents, models.len())?;
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        accepted.get() >= 64,
        "only {} of 128 cases were accepted",
        accepted.get()
    );
}

#[test]
fn the_real_crate_passes_the_same_checks() {
    let files = xtask::generate(&workspace_root().join("schema")).expect("the real schemas load");
    let models = xtask::load::load_models(&workspace_root().join("schema"), "schema")
        .expect("the real schemas load")
        .len();
    for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
        check_file(&file.path, &file.contents, models).unwrap_or_else(|e| panic!("{e}"));
    }
}
