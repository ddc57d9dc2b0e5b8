//! `cargo xtask import` on pages constructed in the seed pages' layouts from
//! the facts Segmind publishes for five image, audio and JSON models (their
//! fields, defaults, ranges and value lists; `tests/pages/constructed/`).
//! They exercise what today's format cannot say: each such form is written
//! in the closest form the loader takes, with an "unsupported" warning, so
//! these snapshots are the list to re-check once the format learns it.

use std::path::{Path, PathBuf};

use serde_json::json;
use xtask::import::{self, Imported, WarningKind};

fn import_page(name: &str) -> Imported {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pages/constructed")
        .join(format!("{name}.txt"));
    let bytes = std::fs::read(&path).expect("page");
    let source = format!("tests/pages/constructed/{name}.txt");
    let text = import::page_text(&bytes, &source).expect("text");
    import::import(&text, &source, &xtask::workspace_root().join("schema"))
        .unwrap_or_else(|e| panic!("{e}"))
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
fn what_the_format_cannot_say_is_warned_and_written_in_its_closest_form() {
    // Outputs other than video.
    for name in PAGES {
        let imported = import_page(name);
        assert!(
            kinds(&imported, None).contains(&WarningKind::Unsupported),
            "{name}"
        );
    }
    let flux = import_page("flux-schnell");
    // A required field with a page default: the default becomes an example.
    assert!(kinds(&flux, Some("prompt")).contains(&WarningKind::Unsupported));
    assert!(flux
        .doc
        .pointer("/input/properties/prompt/default")
        .is_none());
    // Limits in prose: the range is made, multipleOf is not in the format.
    assert_eq!(
        flux.doc.pointer("/input/properties/width/minimum"),
        Some(&json!(512))
    );
    assert!(kinds(&flux, Some("width")).contains(&WarningKind::ProseLimit));
    assert!(kinds(&flux, Some("width")).contains(&WarningKind::CopiedDescription));
    assert!(!kinds(&flux, Some("height")).contains(&WarningKind::CopiedDescription));
    // An incomplete list is an open set.
    assert!(flux
        .doc
        .pointer("/input/properties/sampler_name/x-known-values")
        .is_some());
    let nano = import_page("nano-banana");
    assert!(kinds(&nano, Some("image_urls")).contains(&WarningKind::Unsupported));
    assert!(nano
        .doc
        .pointer("/input/properties/aspect_ratio/x-enum-names")
        .is_some());
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

/// A schema folder whose meta-schema knows image outputs and `multipleOf`
/// (as the format extension will): the importer then writes those forms as
/// they are, and warns only of what the loader still refuses.
#[test]
fn forms_the_loader_takes_are_written_as_they_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let meta_path = xtask::workspace_root().join("schema/meta/model.schema.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(meta_path).expect("meta")).expect("json");
    meta["properties"]["output"]["enum"] = json!(["video", "image", "audio", "json"]);
    meta["$defs"]["field"]["properties"]["multipleOf"] =
        json!({"type": "number", "exclusiveMinimum": 0});
    std::fs::create_dir(dir.path().join("meta")).expect("meta dir");
    std::fs::write(dir.path().join("meta/model.schema.json"), meta.to_string()).expect("write");
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/constructed/flux-schnell.txt");
    let text = std::fs::read_to_string(path).expect("page");
    let flux = import::import(&text, "flux-schnell.txt", dir.path()).expect("imports");
    assert_eq!(flux.doc["output"], json!("image"));
    assert_eq!(
        flux.doc.pointer("/input/properties/width/multipleOf"),
        Some(&json!(8))
    );
    assert!(!kinds(&flux, None).contains(&WarningKind::Unsupported));
    assert!(!kinds(&flux, Some("width")).contains(&WarningKind::Unsupported));
    // The loader's own rule still refuses a default on a required field.
    assert!(kinds(&flux, Some("prompt")).contains(&WarningKind::Unsupported));
}

/// A draft whose Rust name another model in the folder takes is written,
/// with a warning naming the clash.
#[test]
fn a_clash_with_another_model_is_warned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = xtask::workspace_root().join("schema");
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
