//! `cargo xtask import` on pages constructed in the seed pages' layouts from
//! the facts Segmind publishes for five image, audio and JSON models (their
//! fields, defaults, ranges and value lists; `tests/pages/constructed/`).
//! They exercise the forms the catalogue format added (image, audio and JSON
//! outputs, lists of media, `multipleOf`, required fields with a default,
//! open sets), each written as it is, with a warning for every guess.

mod common;

use std::path::Path;

use segmind_codegen::import::{self, Imported, WarningKind};
use serde_json::json;

fn import_page(name: &str) -> Imported {
    common::import_test_page("constructed", name)
}

fn kinds(i: &Imported, field: Option<&str>) -> Vec<WarningKind> {
    i.warnings
        .iter()
        .filter(|w| w.field.as_deref() == field)
        .map(|w| w.kind)
        .collect()
}

const PAGES: &[&str] = &[
    "esrgan",
    "flux-schnell",
    "gemini-3.1-flash-tts",
    "llava-v1.6",
    "nano-banana",
];

#[test]
fn every_constructed_page_drafts_its_snapshot() {
    for name in PAGES {
        let imported = import_page(name);
        assert_eq!(&imported.slug, name);
        insta::assert_snapshot!(format!("draft__{name}"), imported.text);
        let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(format!("warnings__{name}"), warnings.join("\n"));
    }
}

#[test]
fn the_catalogue_forms_are_written_as_they_are() {
    // Outputs other than video are said as they are.
    for (name, output) in [
        ("esrgan", "image"),
        ("flux-schnell", "image"),
        ("gemini-3.1-flash-tts", "audio"),
        ("llava-v1.6", "json"),
        ("nano-banana", "json"),
    ] {
        let imported = import_page(name);
        assert_eq!(imported.doc["output"], json!(output), "{name}");
        assert!(
            !kinds(&imported, None).contains(&WarningKind::Unsupported),
            "{name}: {:?}",
            imported.warnings
        );
    }
    let flux = import_page("flux-schnell");
    // A required field with a page default keeps it, as the page says.
    assert_eq!(
        flux.doc
            .pointer("/input/properties/prompt/default")
            .is_some(),
        flux.doc["input"]["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("prompt")))
    );
    // Limits in prose: the range and the step are made rules.
    assert_eq!(
        flux.doc.pointer("/input/properties/width/minimum"),
        Some(&json!(512))
    );
    assert_eq!(
        flux.doc.pointer("/input/properties/width/multipleOf"),
        Some(&json!(8))
    );
    assert!(kinds(&flux, Some("width")).contains(&WarningKind::ProseLimit));
    assert!(kinds(&flux, Some("width")).contains(&WarningKind::CopiedDescription));
    assert!(!kinds(&flux, Some("height")).contains(&WarningKind::CopiedDescription));
    // An integer with no range on the page stays open (i64's range, by the
    // loader's rule), with a warning; no limit is written for it.
    assert_eq!(flux.doc.pointer("/input/properties/seed/maximum"), None);
    assert_eq!(flux.doc.pointer("/input/properties/seed/minimum"), None);
    assert!(!kinds(&flux, Some("seed")).is_empty());
    // An incomplete list is an open set.
    assert!(flux
        .doc
        .pointer("/input/properties/sampler_name/x-known-values")
        .is_some());
    let nano = import_page("nano-banana");
    assert_eq!(
        nano.doc.pointer("/input/properties/image_urls/type"),
        Some(&json!("array"))
    );
    assert_eq!(
        nano.doc
            .pointer("/input/properties/image_urls/items/x-media"),
        Some(&json!("image"))
    );
    assert!(!kinds(&nano, Some("image_urls")).contains(&WarningKind::Unsupported));
    let esrgan = import_page("esrgan");
    assert_eq!(
        esrgan.doc.pointer("/input/properties/scale/enum"),
        Some(&json!([2, 4, 8]))
    );
    assert!(kinds(&esrgan, Some("scale")).contains(&WarningKind::SampleType));
    assert!(!kinds(&esrgan, Some("scale")).contains(&WarningKind::CopiedDescription));
    let tts = import_page("gemini-3.1-flash-tts");
    assert!(kinds(&tts, Some("voice_1")).contains(&WarningKind::ProseLimit));
    assert!(kinds(&tts, Some("voice_2")).contains(&WarningKind::NotInSample));
    assert_eq!(
        tts.doc.get("x-rust-name"),
        Some(&json!("gemini_3_1_flash_tts"))
    );
}

/// A draft whose Rust name another model in the folder takes is written,
/// with a warning naming the clash.
#[test]
fn a_clash_with_another_model_is_warned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = segmind_codegen::workspace_root().join("schema");
    std::fs::create_dir(dir.path().join("meta")).expect("meta dir");
    std::fs::copy(
        root.join("meta/model.schema.json"),
        dir.path().join("meta/model.schema.json"),
    )
    .expect("meta");
    // Another model that claims the Rust name the draft derives.
    let other = std::fs::read_to_string(root.join("hallo.json"))
        .expect("hallo")
        .replace(
            "\"output\": \"video\",",
            "\"output\": \"video\",\n  \"x-rust-name\": \"esrgan\",",
        );
    std::fs::write(dir.path().join("hallo.json"), other).expect("write");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/constructed/esrgan.txt");
    let text = std::fs::read_to_string(path).expect("page");
    let esrgan = import::import(&text, "esrgan.txt", dir.path()).expect("imports");
    let clash: Vec<String> = esrgan
        .warnings
        .iter()
        .filter(|w| w.message.starts_with("beside the other models"))
        .map(ToString::to_string)
        .collect();
    assert!(!clash.is_empty(), "{:?}", esrgan.warnings);
    assert!(clash[0].contains("schema/hallo.json"), "{clash:?}");
}
