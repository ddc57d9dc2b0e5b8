//! `cargo xtask import` on chat model pages (`tests/pages/chat/`, our own
//! renderings of three chat models' published facts in the pages' layout):
//! nested `Array items:` lists, dotted names, untyped content arrays, a
//! "Response Format" example in place of `Returns:`, and the SDK's v2
//! sample. Each draft passes the loader (and codegen), with a warning
//! wherever the importer guessed.

mod common;

use std::path::Path;

use segmind_codegen::import::draft::ChatFormat;
use segmind_codegen::import::{self, Imported, WarningKind};
use serde_json::json;

fn import_page(name: &str) -> Imported {
    common::import_test_page("chat", name)
}

const PAGES: &[&str] = &["claude-3-haiku", "claude-3.5-sonnet", "gemini-1.5-pro"];

#[test]
fn every_chat_page_drafts_its_snapshot() {
    for name in PAGES {
        let imported = import_page(name);
        assert_eq!(&imported.slug, name);
        insta::assert_snapshot!(format!("draft__{name}"), imported.text);
        let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(format!("warnings__{name}"), warnings.join("\n"));
    }
}

fn kinds(i: &Imported, field: Option<&str>) -> Vec<WarningKind> {
    i.warnings
        .iter()
        .filter(|w| w.field.as_deref() == field)
        .map(|w| w.kind)
        .collect()
}

#[test]
fn chat_pages_make_typed_nested_messages() {
    for (name, format) in [
        ("claude-3-haiku", ChatFormat::Anthropic),
        ("claude-3.5-sonnet", ChatFormat::Anthropic),
        ("gemini-1.5-pro", ChatFormat::Gemini),
    ] {
        let imported = import_page(name);
        // The format is detected: the output is the chat kind with its
        // format, and a warning names the format (a guess to check).
        assert_eq!(imported.chat_format, Some(format), "{name}");
        assert_eq!(imported.doc["output"], json!("chat"), "{name}");
        assert_eq!(imported.doc["chat_format"], json!(format.wire()), "{name}");
        assert!(
            imported.warnings.iter().any(|w| w.field.is_none()
                && w.kind == WarningKind::Guess
                && w.message.contains(format.name())),
            "{name}: {:?}",
            imported.warnings
        );
    }
    // Anthropic: messages is a list of {role, content}; role an enum.
    let sonnet = import_page("claude-3.5-sonnet");
    let item = &sonnet.doc["input"]["properties"]["messages"]["items"];
    assert_eq!(item["type"], json!("object"));
    assert_eq!(item["required"], json!(["role", "content"]));
    assert_eq!(
        item["properties"]["role"]["enum"],
        json!(["user", "assistant"])
    );
    // Untyped content: blocks as the SDK sample sends them, with a warning.
    let block = &item["properties"]["content"]["items"];
    assert_eq!(
        block["properties"]["type"]["x-known-values"],
        json!(["text", "image"])
    );
    assert_eq!(
        block["properties"]["source"]["required"],
        json!(["type", "media_type", "data"])
    );
    assert!(kinds(&sonnet, Some("messages[].content")).contains(&WarningKind::Guess));
    // The field after the items list is top-level again (the sample says so).
    assert_eq!(
        sonnet.doc.pointer("/input/properties/instruction/type"),
        Some(&json!("string"))
    );
    assert!(item["properties"].get("instruction").is_none());
    // No price on the page: left out, with a warning.
    assert!(sonnet.doc.get("typical_price_usd").is_none());
    assert!(kinds(&sonnet, None).contains(&WarningKind::Missing));
    // The SDK sample's slug and v2 endpoint.
    assert_eq!(sonnet.doc.get("path"), None);

    // Haiku's sample sends content as a string: a string field, warned.
    let haiku = import_page("claude-3-haiku");
    assert_eq!(
        haiku
            .doc
            .pointer("/input/properties/messages/items/properties/content/type"),
        Some(&json!("string"))
    );
    assert!(kinds(&haiku, Some("messages[].content")).contains(&WarningKind::Guess));

    // Gemini: messages is an object; dotted names are its fields.
    let gemini = import_page("gemini-1.5-pro");
    let messages = &gemini.doc["input"]["properties"]["messages"];
    assert_eq!(messages["type"], json!("object"));
    assert_eq!(messages["required"], json!(["contents"]));
    assert_eq!(
        messages["properties"]["contents"]["items"]["properties"]["role"]["enum"],
        json!(["user", "model"])
    );
    assert_eq!(
        messages.pointer("/properties/system_instruction/properties/parts/properties/text/type"),
        Some(&json!("string"))
    );
    let parts = &messages["properties"]["contents"]["items"]["properties"]["parts"]["items"];
    assert_eq!(
        parts["properties"]["inlineData"]["required"],
        json!(["mimeType", "data"])
    );
    assert_eq!(gemini.doc["typical_price_usd"], json!(0.017));
}

/// Each draft is accepted by codegen as a model of the crate (beside the
/// models in `schema/`).
#[test]
fn codegen_accepts_every_chat_draft() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("meta")).expect("meta dir");
    std::fs::copy(
        segmind_codegen::workspace_root().join("schema/meta/model.schema.json"),
        dir.path().join("meta/model.schema.json"),
    )
    .expect("meta");
    for name in PAGES {
        let imported = import_page(name);
        std::fs::write(
            dir.path().join(format!("{}.json", imported.slug)),
            &imported.text,
        )
        .expect("write");
    }
    let files = segmind_codegen::generate(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let sonnet = files
        .iter()
        .find(|f| f.path.ends_with("claude_3_5_sonnet.rs"))
        .expect("the sonnet module");
    for item in ["pub struct Message", "pub enum Role", "pub struct Source"] {
        assert!(sonnet.contents.contains(item), "{item}");
    }
}

fn page_text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pages/chat")
        .join(format!("{name}.txt"));
    std::fs::read_to_string(path).expect("page")
}

/// What the page says of its format that does not fit is warned, naming
/// the line; the draft is still made.
#[test]
fn format_clues_that_do_not_fit_are_warned() {
    let schema = segmind_codegen::workspace_root().join("schema");
    let gemini = page_text("gemini-1.5-pro");
    // A line naming the Anthropic format over a Gemini reply example: the
    // line is taken, the conflict warned.
    let text = gemini.replace("API Format: Google Gemini", "API Format: Anthropic Claude");
    let i = import::import(&text, "p.txt", &schema).expect("imports");
    assert_eq!(i.chat_format, Some(ChatFormat::Anthropic));
    assert!(
        i.warnings
            .iter()
            .any(|w| w.kind == WarningKind::Guess && w.message.contains("shape of a Gemini reply")),
        "{:?}",
        i.warnings
    );
    // An unknown format line: the reply example's shape decides, warned.
    let text = gemini.replace("API Format: Google Gemini", "API Format: Some Provider");
    let i = import::import(&text, "p.txt", &schema).expect("imports");
    assert_eq!(i.chat_format, Some(ChatFormat::Gemini));
    assert!(i
        .warnings
        .iter()
        .any(|w| w.message.contains("names no one chat format")));
    // A reply example that is no JSON, and no format line: warned with its
    // line; not a chat model, the output JSON.
    let text = gemini
        .replace("API Format: Google Gemini", "")
        .replace("\"finishReason\": \"STOP\"", "finishReason: STOP");
    let i = import::import(&text, "p.txt", &schema).expect("imports");
    assert_eq!(i.chat_format, None);
    assert_eq!(i.doc["output"], json!("json"));
    assert!(
        i.warnings
            .iter()
            .any(|w| w.message.starts_with("line ") && w.message.contains("is no JSON")),
        "{:?}",
        i.warnings
    );
}

#[test]
fn truncated_chat_pages_never_panic() {
    let schema = segmind_codegen::workspace_root().join("schema");
    for name in PAGES {
        let text = page_text(name);
        let mut cuts: Vec<usize> = (0..text.len()).step_by(11).collect();
        cuts.push(text.len());
        for cut in cuts {
            let Some(prefix) = text.get(..cut) else {
                continue;
            };
            match import::import(prefix, "page.txt", &schema) {
                Ok(i) => assert!(!i.text.is_empty()),
                Err(e) => {
                    let message = e.to_string();
                    assert!(message.starts_with("page.txt"), "{message}");
                    assert!(!message.contains('\n'), "{message}");
                }
            }
        }
    }
}
