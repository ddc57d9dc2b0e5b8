//! The generated module of every fixture schema, compiled (the build script
//! writes them) and exercised: each fixture pins one feature of the generator.

// Not every item of every fixture is exercised here; the generated crate
// itself is linted without any allow.
#[allow(dead_code)]
mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures/index.rs"));
}

use fixtures::*;
use segmind_runtime::{FieldKind, MediaKind, ModelInput};
use serde_json::json;

#[test]
fn string_enum_uses_wire_names_and_derives_the_servers_default() {
    use string_enum_with_default::{Input, Mode, Style};
    let input = Input::new(Mode::SlowAndSteady).style(Style::OilPainting);
    assert_eq!(
        input.to_json(),
        json!({"mode": "slow-and-steady", "style": "oil painting"})
    );
    assert_eq!(
        serde_json::to_value(&input).expect("serialises"),
        input.to_json()
    );
    assert_eq!(Style::default(), Style::Anime);
    assert_eq!(
        Mode::ALL.map(Mode::as_str),
        ["fast", "slow-and-steady", "extra_careful"]
    );
    let back: Input =
        serde_json::from_value(json!({"mode": "extra_careful"})).expect("deserialises");
    assert_eq!(back, Input::new(Mode::ExtraCareful));
    assert!(serde_json::from_value::<Input>(json!({"mode": "turbo"})).is_err());
}

#[test]
fn integer_enum_goes_on_the_wire_as_a_json_integer() {
    use integer_enum::{Duration, Input, Steps};
    let input = Input::new()
        .duration(Duration::Seconds10)
        .steps(Steps::VMinus1);
    assert_eq!(input.to_json(), json!({"duration": 10, "steps": -1}));
    assert_eq!(
        serde_json::to_string(&input).expect("serialises"),
        r#"{"duration":10,"steps":-1}"#
    );
    assert_eq!(Duration::default(), Duration::Seconds6);
    assert_eq!(Steps::from_value(25), Some(Steps::V25));
    let err =
        serde_json::from_value::<Input>(json!({"duration": 7})).expect_err("7 is not allowed");
    assert!(err.to_string().contains("one of 6, 10"), "{err}");
    assert!(
        serde_json::from_value::<Input>(json!({"duration": "6"})).is_err(),
        "a string is not an integer"
    );
    assert_eq!(integer_enum::MODEL.fields[0].kind, FieldKind::Integer);
}

#[test]
fn open_enum_keeps_named_values_and_passes_any_other_string() {
    use open_enum::{Input, Voice};
    assert_eq!(Voice::from("v-002"), Voice::Bob);
    assert_eq!(Voice::from("v-999"), Voice::Other("v-999".to_owned()));
    let input = Input::new().voice("custom-voice");
    assert_eq!(input.to_json(), json!({"voice": "custom-voice"}));
    let input = Input::new().voice(Voice::Alice);
    assert_eq!(input.to_json(), json!({"voice": "v-001"}));
    let back: Input = serde_json::from_value(json!({"voice": "v-002"})).expect("deserialises");
    assert_eq!(back.voice, Some(Voice::Bob));
    let field = open_enum::MODEL.field("voice").expect("field");
    assert!(field.open);
    assert_eq!(field.allowed.len(), 2);
    assert_eq!(field.default, Some("\"some-unlisted-voice\""));
}

#[test]
fn keyword_field_names_get_an_underscore_and_keep_their_wire_name() {
    use keyword_field_names::{Input, Match};
    let input = Input::new("kind")
        .self_(true)
        .match_(Match::Fuzzy)
        .async_(3);
    assert_eq!(input.type_, "kind");
    assert_eq!(
        input.to_json(),
        json!({"type": "kind", "self": true, "match": "fuzzy", "async": 3})
    );
    assert_eq!(
        serde_json::to_value(&input).expect("serialises"),
        input.to_json()
    );
    let err = Input::new("k")
        .async_(-1)
        .validate()
        .expect_err("below minimum");
    assert_eq!(
        err.violations[0].to_string(),
        "async: -1 is below the minimum 0"
    );
}

#[test]
fn names_that_would_collide_are_told_apart() {
    use names_that_would_collide::{Input, InputKind};
    let input = Input::new("camel")
        .video_title_snake("snake")
        .input_kind(InputKind::B);
    assert_eq!(
        input.to_json(),
        json!({"videoTitle": "camel", "video_title": "snake", "input": "b"})
    );
    assert_eq!(
        serde_json::to_value(&input).expect("serialises"),
        input.to_json()
    );
}

#[test]
fn numeric_bounds_are_inclusive_and_every_violation_is_reported() {
    use numeric_bounds::Input;
    assert!(Input::new(0.05)
        .seed(-1)
        .guidance(20.0)
        .scale(1e9)
        .validate()
        .is_ok());
    let err = Input::new(0.96)
        .seed(-2)
        .guidance(20.5)
        .scale(f64::INFINITY)
        .validate()
        .expect_err("four violations");
    let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "strength: 0.96 is above the maximum 0.95",
            "seed: -2 is below the minimum -1",
            "guidance: 20.5 is above the maximum 20",
            "scale: inf is not a finite number",
        ]
    );
    let err = Input::new(0.0).validate().expect_err("below");
    assert_eq!(
        err.violations[0].to_string(),
        "strength: 0.0 is below the minimum 0.05"
    );
}

#[test]
fn optional_media_is_listed_only_when_set() {
    use optional_media::Input;
    let input = Input::new("https://x.test/face.png");
    assert_eq!(input.media().len(), 1);
    let input = input.motion(segmind_runtime::Media::file("clip.mp4"));
    let media: Vec<String> = input.media().into_iter().map(|(name, _)| name).collect();
    assert_eq!(media, ["/face", "/motion"]);
    assert_eq!(
        input.to_json(),
        json!({"face": "https://x.test/face.png", "motion": "clip.mp4"})
    );
    let err = input.validate().expect_err("clip.mp4 does not exist");
    assert_eq!(err.violations.len(), 1);
    assert!(
        err.violations[0]
            .to_string()
            .starts_with("motion: cannot read clip.mp4"),
        "{}",
        err.violations[0]
    );
    let kinds: Vec<FieldKind> = optional_media::MODEL
        .fields
        .iter()
        .map(|f| f.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            FieldKind::Media(MediaKind::Image),
            FieldKind::Media(MediaKind::Audio),
            FieldKind::Media(MediaKind::Video)
        ]
    );
}

#[test]
fn a_lossy_slug_gets_the_module_name_its_schema_gives() {
    let info = lossy_1_5_slug::MODEL;
    assert_eq!(info.slug, "lossy-1.5-slug");
    assert_eq!(info.rust_name, "lossy_1_5_slug");
    assert_eq!(info.typical_latency_seconds, Some(12.5));
    assert_eq!(info.typical_price_usd, Some(0.01));
    let input = lossy_1_5_slug::Input::new("a prompt");
    assert_eq!(input.info().slug, "lossy-1.5-slug");
}

#[test]
fn hostile_text_reaches_the_registry_and_the_wire_unchanged() {
    use hostile_unicode_text::{Input, Mode, Style, Voice, MODEL};
    assert_eq!(
        MODEL.title,
        "Hostile \"text\" \\ */ /* \u{202e}RTL\u{202c} 😀\r\nsecond line\u{2028}third\tend | pipe"
    );
    assert!(
        MODEL
            .summary
            .starts_with("Summary with a bare CR\rthen NUL \0, LS \u{2028}, PS \u{2029}"),
        "{:?}",
        MODEL.summary
    );
    assert!(MODEL.fields[0]
        .description
        .starts_with("Line one\r\nline two\rline three\n```\n"));
    assert_eq!(
        Mode::ALL.map(Mode::as_str),
        [
            "a\rb",
            "quote\"d",
            "back\\slash",
            "nul\0",
            "ls\u{2028}ps\u{2029}",
            "rtl\u{202e}ltr\u{202c}",
            "emoji😀",
            "star*/slash/*",
            "tab\tbed",
            "crlf\r\nend",
            "`tick`",
            "zw\u{200b}sp\u{ad}\u{2060}",
            "del\u{7f}c1\u{85}\u{9b}",
        ]
    );
    for mode in Mode::ALL {
        let wire = serde_json::to_value(mode).expect("serialises");
        assert_eq!(wire, json!(mode.as_str()));
        assert_eq!(serde_json::from_value::<Mode>(wire).expect("back"), mode);
    }
    assert_eq!(Style::default(), Style::Cr);
    assert_eq!(Voice::default(), Voice::Crlf);
    assert_eq!(Voice::from("\u{2029}para"), Voice::Para);
    let input = Input::new("a\r\"b\"", "https://x.test/a.png", Mode::Nul)
        .voice("other\u{2028}")
        .style(Style::Quotes);
    assert_eq!(
        input.to_json(),
        json!({
            "prompt": "a\r\"b\"",
            "image": "https://x.test/a.png",
            "mode": "nul\0",
            "voice": "other\u{2028}",
            "style": "\"\\\""
        })
    );
    let field = MODEL.field("voice").expect("voice");
    assert_eq!(field.default, Some("\"crlf\\r\\nvalue\""));
    assert_eq!(field.allowed[2].value, "bidi\u{2066}iso\u{2069}");
}

#[test]
fn setters_named_like_conversions_set_their_fields() {
    use setters_named_like_conversions::Input;
    let input = Input::new()
        .is_public(true)
        .as_text(false)
        .to_gif(true)
        .from_frame(3)
        .into_loop(true)
        .to_x_mut(false);
    assert_eq!(
        input.to_json(),
        json!({
            "is_public": true,
            "as_text": false,
            "to_gif": true,
            "from_frame": 3,
            "into_loop": true,
            "to_x_mut": false
        })
    );
    // No field is required: `Default` is `new()`.
    assert_eq!(Input::default(), Input::new());
}
