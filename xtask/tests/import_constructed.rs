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
