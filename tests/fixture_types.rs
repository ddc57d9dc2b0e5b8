//! The generated module of every fixture schema, compiled (the build script
//! writes them) and exercised: each fixture pins one feature of the generator.

// Not every item of every fixture is exercised here; the generated crate
// itself is linted without any allow.
#[allow(dead_code)]
mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures/index.rs"));
}

use fixtures::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use segmind_runtime::{FieldKind, MediaKind, ModelInput};
use serde_json::{json, Value};

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
    assert_eq!(input.slug(), "lossy-1.5-slug");
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

#[test]
fn lists_of_media_are_local_file_capable_and_found_at_their_pointers() {
    use list_of_media_urls::Input;
    let input = Input::new(["https://x.test/a.png", "b.png"])
        .sizes([512, 1024])
        .tags(["cat"]);
    let media: Vec<String> = input.media().into_iter().map(|(p, _)| p).collect();
    assert_eq!(media, ["/image_urls/0", "/image_urls/1"]);
    assert_eq!(
        input.to_json(),
        json!({"image_urls": ["https://x.test/a.png", "b.png"], "tags": ["cat"], "sizes": [512, 1024]})
    );
    let err = Input::new(Vec::<&str>::new())
        .sizes([512, 513, 4096])
        .tags(["", "a", "b", "c"])
        .weights([1.5])
        .validate()
        .expect_err("invalid");
    let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "image_urls: 0 items, fewer than the minimum 1",
            "tags: 4 items, more than the maximum 3",
            "tags/0: 0 characters, fewer than the minimum 1",
            "sizes/1: 513 is not a multiple of 8",
            "sizes/2: 4096 is above the maximum 2048",
            "weights/0: 1.5 is above the maximum 1",
        ]
    );
    assert!(matches!(
        MODEL_OF_LIST.fields[0].kind,
        FieldKind::List(item) if item.kind == FieldKind::Media(MediaKind::Image)
    ));
    assert_eq!(MODEL_OF_LIST.fields[0].min_items, Some(1));
}

static MODEL_OF_LIST: &segmind_runtime::ModelInfo = &list_of_media_urls::MODEL;

#[test]
fn nested_objects_are_structs_with_their_own_constructor_and_checks() {
    use nested_objects_chat_messages::{Input, Message, Role, Settings, Shot};
    let input = Input::new([
        Message::new(Role::System, "be brief"),
        Message::new(Role::User, "hi"),
    ])
    .shots([Shot::new(["https://x.test/1.png", "local.png"]).caption("one")])
    .settings(Settings::new().temperature(0.5));
    assert_eq!(
        input.to_json(),
        json!({
            "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
            "shots": [{"images": ["https://x.test/1.png", "local.png"], "caption": "one"}],
            "settings": {"temperature": 0.5}
        })
    );
    let media: Vec<String> = input.media().into_iter().map(|(p, _)| p).collect();
    assert_eq!(media, ["/shots/0/images/0", "/shots/0/images/1"]);
    let back: Input = serde_json::from_value(input.to_json()).expect("reads back");
    assert_eq!(back, input);

    let err = Input::new([Message::new(Role::User, "")])
        .shots([Shot::new(["https://x.test/a b.png"])])
        .settings(Settings::new().temperature(3.0))
        .validate()
        .expect_err("invalid");
    let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "messages/0/content: 0 characters, fewer than the minimum 1",
            "shots/0/images/0: \"https://x.test/a b.png\" is not a valid URL (RFC 3986)",
            "settings/temperature: 3.0 is above the maximum 2",
        ]
    );
    // JSON Schema's rules: unknown keys, an array for an object, a null.
    for bad in [
        json!({"messages": [{"role": "user", "content": "x", "extra": 1}]}),
        json!({"messages": [["user", "x"]]}),
        json!({"messages": [{"role": "user", "content": null}]}),
        json!({"messages": [{"role": "user", "content": "x"}], "settings": null}),
    ] {
        assert!(
            serde_json::from_value::<Input>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn exclusive_bounds_and_multiples_are_exact() {
    use multiple_of_and_exclusive_bounds::Input;
    assert_eq!(
        Input::new()
            .width(1024)
            .strength(0.5)
            .guidance(7.5)
            .validate(),
        Ok(())
    );
    let err = Input::new()
        .width(1020)
        .strength(1.0)
        .guidance(0.35)
        .big(9_223_372_036_854_775_807)
        .validate()
        .expect_err("invalid");
    let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "width: 1020 is not a multiple of 8",
            "strength: 1.0 is not below 1",
            "guidance: 0.35 is not a multiple of 0.1",
            "big: 9223372036854775807 is not below 9223372036854775807",
        ]
    );
    // 6.0 is an integer; 2^63 is beyond any i64.
    let six: Input = serde_json::from_value(json!({"width": 1024.0})).expect("integral float");
    assert_eq!(six.width, Some(1024));
    assert!(serde_json::from_value::<Input>(json!({"big": 9_223_372_036_854_775_808u64})).is_err());
}

#[test]
fn string_lengths_count_code_points_and_patterns_match() {
    use string_lengths_and_pattern::Input;
    assert_eq!(
        Input::new("😀".repeat(20))
            .color("#a0B1c2")
            .tag("hotdogs")
            .validate(),
        Ok(())
    );
    let err = Input::new("😀".repeat(21))
        .color("#12345")
        .tag("bird")
        .validate()
        .expect_err("invalid");
    let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "prompt: 21 characters, more than the maximum 20",
            "color: \"#12345\" does not match the pattern \"^#[0-9A-Fa-f]{6}$\"",
            "tag: \"bird\" does not match the pattern \"(cat|dog)s?\"",
        ]
    );
}

#[test]
fn number_enums_and_non_identifier_values_get_readable_variants() {
    use non_identifier_string_enum::{AspectRatio, Motion, Quality, ResponseModalities, Sampler};
    use number_enum::{Ratio, Scale};
    assert_eq!(Scale::default(), Scale::V2);
    assert_eq!(Ratio::ALL.map(Ratio::value), [1.0, 0.25, 0.5, -1.5]);
    assert_eq!(
        number_enum::Input::new()
            .ratio(Ratio::V0_25)
            .scale(Scale::V8)
            .to_json(),
        json!({"scale": 8, "ratio": 0.25})
    );
    assert_eq!(
        number_enum::Input::new().ratio(Ratio::V1).to_json(),
        json!({"ratio": 1})
    );
    let one: number_enum::Input =
        serde_json::from_value(json!({"ratio": 1.0, "scale": 4.0})).expect("reads");
    assert_eq!((one.ratio, one.scale), (Some(Ratio::V1), Some(Scale::V4)));
    assert_eq!(AspectRatio::Ratio16x9.as_str(), "16:9");
    assert_eq!(AspectRatio::default(), AspectRatio::Ratio1x1);
    assert_eq!(Motion::PanUp.as_str(), "Pan Up");
    assert_eq!(
        ResponseModalities::default(),
        ResponseModalities::TextAndImage
    );
    assert_eq!(Quality::V4k.as_str(), "4k");
    assert_eq!(Sampler::DpmPlusPlus2m.as_str(), "dpm++ 2m");
}

#[test]
fn null_is_sent_and_read_only_where_the_schema_allows_it() {
    use nullable_optional::Input;
    let input = Input::new("hi").voice_2_null().seed(7);
    assert_eq!(
        input.to_json(),
        json!({"text": "hi", "voice_2": null, "seed": 7})
    );
    let read: Input = serde_json::from_value(json!({"text": "hi", "voice_2": null, "seed": null}))
        .expect("nullable");
    assert_eq!((read.voice_2, read.seed), (Some(None), Some(None)));
    assert!(serde_json::from_value::<Input>(json!({"text": "hi", "speed": null})).is_err());
    assert!(serde_json::from_value::<Input>(json!({"text": null})).is_err());
    assert!(nullable_optional::MODEL.fields[1].nullable);
}

#[test]
fn required_fields_with_a_default_are_sent_at_it_unless_set() {
    use required_with_default::{Format, Input, Voice};
    let input = Input::new("hello");
    assert_eq!(
        input.to_json(),
        json!({"text": "hello", "temperature": 0.4, "voice": "Kore", "format": "mp3"})
    );
    let set = input
        .temperature(1.5)
        .voice("Zephyr")
        .format(Format::Wav)
        .steps(8);
    assert_eq!(set.voice, Voice::Other("Zephyr".to_owned()));
    assert_eq!(set.to_json()["format"], json!("wav"));
    // On the wire it is required: a body without it is refused.
    assert!(serde_json::from_value::<Input>(json!({"text": "x"})).is_err());
}

#[test]
fn the_output_kind_is_in_the_model_info() {
    assert_eq!(
        output_image::MODEL.output,
        segmind_runtime::OutputKind::Image
    );
    assert_eq!(
        nested_objects_chat_messages::MODEL.output,
        segmind_runtime::OutputKind::Json
    );
    assert_eq!(
        nullable_optional::MODEL.output,
        segmind_runtime::OutputKind::Audio
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn media_in_lists_and_nested_objects_are_uploaded_once_and_put_at_their_pointers() {
    use nested_objects_chat_messages::{Input, Message, Role, Shot};
    use segmind_runtime::{Client, Media, MediaUpload};
    use segmind_server::{Route, ServerConfig, TestServer};

    let server = TestServer::start(
        ServerConfig::new(segmind_server::workspace_schema_dir()).with_api_key("k"),
    )
    .await
    .expect("server");
    let client = Client::builder()
        .api_key("k")
        .base_url(server.base_url())
        .media_upload(MediaUpload::Upload)
        .build()
        .expect("client");
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.png");
    let b = dir.path().join("b.png");
    std::fs::write(&a, b"\x89PNG a").expect("write");
    std::fs::write(&b, b"\x89PNG b").expect("write");
    let input = Input::new([Message::new(Role::User, "hi")]).shots([
        Shot::new([
            Media::file(&a),
            Media::url("https://x.test/1.png"),
            Media::file(&a),
        ]),
        Shot::new([Media::file(&b)]),
    ]);
    let body = client.prepare_body(&input).await.expect("prepared");
    let url = |pointer: &str| {
        body.pointer(pointer)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let first = url("/shots/0/images/0");
    assert!(first.starts_with(&server.base_url()), "{first}");
    assert_eq!(url("/shots/0/images/1"), "https://x.test/1.png");
    assert_eq!(url("/shots/0/images/2"), first);
    let second = url("/shots/1/images/0");
    assert!(
        second.starts_with(&server.base_url()) && second != first,
        "{second}"
    );
    assert_eq!(body["messages"], json!([{"role": "user", "content": "hi"}]));
    // Each local file once, however often it appears.
    assert_eq!(server.post_count_for(Route::Upload), 2);
}

/// Every variant of an enum made by `wire_enum!`, in `VALUES` order, against
/// its `VALUES` entry: it serialises to the JSON its wire text is, displays
/// as that text, reads back from that JSON, and carries its variant's name.
fn each_value_round_trips<T>(variants: &[T], values: &[segmind_runtime::AllowedValue])
where
    T: serde::Serialize
        + serde::de::DeserializeOwned
        + std::fmt::Display
        + std::fmt::Debug
        + PartialEq,
{
    assert_eq!(variants.len(), values.len());
    for (variant, value) in variants.iter().zip(values) {
        let json = serde_json::to_value(variant).expect("serialises");
        let expected = match &json {
            serde_json::Value::String(_) => json!(value.value),
            _ => serde_json::from_str::<serde_json::Value>(value.value).expect("a JSON number"),
        };
        assert_eq!(json, expected, "{variant:?}");
        assert_eq!(variant.to_string(), value.value, "{variant:?}");
        assert_eq!(format!("{variant:?}"), value.name);
        assert_eq!(
            &serde_json::from_value::<T>(json).expect("reads back"),
            variant
        );
    }
}

#[test]
fn every_enum_value_round_trips_through_its_wire_text() {
    use integer_enum::{Duration, Steps};
    use non_identifier_string_enum::{AspectRatio, Motion, Quality, Sampler};
    use number_enum::{Ratio, Scale};
    use open_enum::Voice;
    use string_enum_with_default::{Mode, Style};
    each_value_round_trips(&Mode::ALL, Mode::VALUES);
    each_value_round_trips(&Style::ALL, Style::VALUES);
    each_value_round_trips(&AspectRatio::ALL, AspectRatio::VALUES);
    each_value_round_trips(&Motion::ALL, Motion::VALUES);
    each_value_round_trips(&Quality::ALL, Quality::VALUES);
    each_value_round_trips(&Sampler::ALL, Sampler::VALUES);
    each_value_round_trips(&Voice::KNOWN, Voice::VALUES);
    each_value_round_trips(&Duration::ALL, Duration::VALUES);
    // A negative integer's wire text is `-1`, whatever the spacing of the
    // generated source.
    each_value_round_trips(&Steps::ALL, Steps::VALUES);
    assert_eq!(Steps::VALUES[0].value, "-1");
    each_value_round_trips(&Scale::ALL, Scale::VALUES);
    each_value_round_trips(&Ratio::ALL, Ratio::VALUES);
    assert_eq!(serde_json::to_string(&Ratio::V1).expect("json"), "1");
    assert_eq!(
        serde_json::to_string(&Ratio::VMinus1_5).expect("json"),
        "-1.5"
    );

    // A value outside a closed set is refused, naming the set; an open
    // set keeps it.
    let err = serde_json::from_value::<Mode>(json!("turbo")).expect_err("not a mode");
    assert_eq!(
        err.to_string(),
        "unknown variant `turbo`, expected one of `fast`, `slow-and-steady`, `extra_careful`"
    );
    let err = serde_json::from_value::<Mode>(json!(3)).expect_err("not a string");
    assert!(err.to_string().contains("expected a string"), "{err}");
    let err = serde_json::from_value::<Steps>(json!(7)).expect_err("not a step");
    assert!(
        err.to_string().contains("7 is not one of -1, 0, 25"),
        "{err}"
    );
    assert_eq!(
        serde_json::from_value::<Voice>(json!("v-999")).expect("open"),
        Voice::Other("v-999".to_owned())
    );
}

/// JSON an enum field may be given: every wire value of `values` (as a
/// string and as the number it may be), near misses of them, and other
/// values of every JSON type.
fn enum_field_json(values: &'static [segmind_runtime::AllowedValue]) -> BoxedStrategy<Value> {
    let wire = proptest::sample::select(values).prop_flat_map(|v| {
        let text = v.value;
        let mut forms = vec![
            json!(text),
            json!(format!("{text} ")),
            json!(text.to_uppercase()),
        ];
        if let Ok(number) = serde_json::from_str::<Value>(text) {
            forms.push(number);
        }
        if let Ok(x) = text.parse::<f64>() {
            forms.push(json!(x));
            forms.push(json!(x + 0.5));
        }
        proptest::sample::select(forms)
    });
    let other = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<f64>().prop_map(|x| json!(x)),
        "[a-zA-Z0-9 _+.:-]{0,10}".prop_map(Value::String),
        Just(json!([])),
        Just(json!({"value": "fast"})),
    ];
    prop_oneof![3 => wire, 2 => other]
        .prop_recursive(1, 4, 2, |inner| {
            proptest::collection::vec(inner, 0..3).prop_map(Value::Array)
        })
        .boxed()
}

/// `FieldValue::from_json`, how a generated struct reads a field, against
/// serde's own reading of the same type, for `T` and `Option<T>`: the same
/// value or the same error message, for any JSON.
fn reads_as_serde_does<T>(values: &'static [segmind_runtime::AllowedValue])
where
    T: segmind_runtime::__private::FieldValue + serde::de::DeserializeOwned + PartialEq,
{
    fn same<U>(json: &Value) -> Result<(), TestCaseError>
    where
        U: segmind_runtime::__private::FieldValue + serde::de::DeserializeOwned + PartialEq,
    {
        let ours = <U as segmind_runtime::__private::FieldValue>::from_json(json.clone())
            .map_err(|e| e.to_string());
        let serde = serde_json::from_value::<U>(json.clone()).map_err(|e| e.to_string());
        prop_assert_eq!(ours, serde, "{}", json);
        Ok(())
    }
    let config = ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest::test_runner::TestRunner::new(config)
        .run(&enum_field_json(values), |json| {
            same::<T>(&json)?;
            same::<Option<T>>(&json)?;
            same::<Vec<T>>(&json)
        })
        .unwrap_or_else(|e| panic!("{}: {e}", std::any::type_name::<T>()));
}

#[test]
fn every_kind_of_field_reads_as_serde_reads_it() {
    use integer_enum::{Duration, Steps};
    use non_identifier_string_enum::{Motion, Sampler};
    use number_enum::{Ratio, Scale};
    use open_enum::Voice;
    use string_enum_with_default::{Mode, Style};
    reads_as_serde_does::<Mode>(Mode::VALUES);
    reads_as_serde_does::<Style>(Style::VALUES);
    reads_as_serde_does::<Motion>(Motion::VALUES);
    reads_as_serde_does::<Sampler>(Sampler::VALUES);
    reads_as_serde_does::<Voice>(Voice::VALUES);
    reads_as_serde_does::<Duration>(Duration::VALUES);
    reads_as_serde_does::<Steps>(Steps::VALUES);
    reads_as_serde_does::<Scale>(Scale::VALUES);
    reads_as_serde_does::<Ratio>(Ratio::VALUES);
    // The plain types, given the same JSON.
    reads_as_serde_does::<i64>(Steps::VALUES);
    reads_as_serde_does::<f64>(Ratio::VALUES);
    reads_as_serde_does::<bool>(Mode::VALUES);
    reads_as_serde_does::<String>(Voice::VALUES);
    reads_as_serde_does::<segmind_runtime::Media>(Mode::VALUES);
}

/// The reader's message for a whole number beyond `i64` at `pointer`.
fn beyond_i64(pointer: &str, written: &str) -> String {
    format!("{pointer}: {written} is beyond the 64-bit integer range (-9223372036854775808 to 9223372036854775807) that the field holds")
}

#[test]
fn an_integer_without_range_takes_any_i64_and_json_beyond_it_is_refused_naming_the_field() {
    use integer_without_range::{Grid, Input};
    // A missing bound is i64's: the table states none, every i64 passes.
    for info in integer_without_range::MODEL.fields {
        if info.name != "steps" && info.name != "offset" {
            assert!(info.minimum.is_none() && info.maximum.is_none(), "{info:?}");
        }
    }
    let extremes = Input::new(i64::MIN)
        .steps(i64::MAX)
        .offset(i64::MIN)
        .decoding(i64::MAX)
        .seeds([i64::MIN, i64::MAX])
        .grid(Grid::new(i64::MAX));
    assert_eq!(extremes.validate(), Ok(()));
    let read: Input = serde_json::from_value(json!({
        "seed": 9_223_372_036_854_775_807i64,
        "steps": 1e18,
        "offset": -9_223_372_036_854_775_808.0,
        "grid": {"rows": -1},
    }))
    .expect("every value is an i64");
    assert_eq!(read.seed, i64::MAX);
    assert_eq!(read.offset, Some(i64::MIN));
    // The one bound that is given still holds.
    let err = Input::new(0)
        .steps(0)
        .offset(0)
        .validate()
        .expect_err("below");
    let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "steps: 0 is below the minimum 1",
            "offset: 0 is not below 0",
        ]
    );
    // JSON Schema accepts any integer; the field holds an i64, so one beyond
    // it is an error naming the field, the value and the range.
    for (body, pointer, written) in [
        (json!({"seed": u64::MAX}), "/seed", "18446744073709551615"),
        (json!({"seed": 1e30}), "/seed", "1e+30"),
        (
            json!({"seed": 1, "steps": 9_223_372_036_854_775_808.0}),
            "/steps",
            "9.223372036854776e+18",
        ),
        (json!({"seed": 1, "offset": -1e20}), "/offset", "-1e+20"),
        (json!({"seed": 1, "decoding": 1e300}), "/decoding", "1e+300"),
        (
            json!({"seed": 1, "seeds": [1, -1e19]}),
            "/seeds/1",
            "-1e+19",
        ),
        (
            json!({"seed": 1, "grid": {"rows": 9_223_372_036_854_775_808u64}}),
            "/grid/rows",
            "9223372036854775808",
        ),
    ] {
        let err = serde_json::from_value::<Input>(body.clone()).expect_err("beyond i64");
        assert_eq!(err.to_string(), beyond_i64(pointer, written), "{body}");
    }
}

#[test]
fn whole_numbers_written_with_a_fraction_are_those_integers() {
    use number_forms_with_fractions::{Duration, Input};
    // minLength 2.0, maxLength 5.0 and the items' maxLength 8.0 hold.
    let err = Input::new("f")
        .tags(["123456789"])
        .validate()
        .expect_err("too short");
    let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "name: 1 characters, fewer than the minimum 2",
            "tags/0: 9 characters, more than the maximum 8",
        ]
    );
    assert!(Input::new("sixsix").validate().is_err());
    // minimum 1.0, maximum 1e1, exclusiveMinimum -1e2, multipleOf 2.0,
    // minItems 1e0 and maxItems 3.0, on integers and lists.
    let err = Input::new("ab")
        .count(11)
        .step(-100)
        .tags(Vec::<String>::new())
        .sizes([-1])
        .validate()
        .expect_err("out of range");
    let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "count: 11 is above the maximum 10",
            "step: -100 is not above -100",
            "tags: 0 items, fewer than the minimum 1",
            "sizes/0: -1 is below the minimum 0",
        ]
    );
    assert!(Input::new("ab").step(3).validate().is_err());
    assert!(Input::new("ab")
        .tags(["a", "b", "c", "d"])
        .validate()
        .is_err());
    // enum [1.0, 2.0] and default 2.0: an integer enum with its default,
    // integers on the wire.
    assert_eq!(Duration::default(), Duration::V2);
    let input = Input::new("ab")
        .duration(Duration::V1)
        .step(-98)
        .sizes([0, 7]);
    assert_eq!(input.count, 2);
    assert_eq!(input.validate(), Ok(()));
    assert_eq!(
        serde_json::to_value(&input).expect("serialises"),
        json!({"name": "ab", "count": 2, "step": -98, "duration": 1, "sizes": [0, 7]})
    );
    let read: Input = serde_json::from_value(
        json!({"name": "ab", "count": 3.0, "duration": 2.0, "sizes": [1e1]}),
    )
    .expect("whole numbers");
    assert_eq!((read.count, read.duration), (3, Some(Duration::V2)));
    assert_eq!(read.sizes, Some(vec![10]));
    let count = number_forms_with_fractions::MODEL
        .fields
        .iter()
        .find(|f| f.name == "count")
        .expect("count");
    assert_eq!(count.default, Some("2"));
}

/// A model file's own request path (`"path": "/fam/<slug>"`): the static
/// description carries it, and the client reaches the local server there,
/// for the v1 call and the v2 job alike, never at `/v1/{slug}`.
#[tokio::test(flavor = "multi_thread")]
async fn a_model_with_its_own_request_path_is_called_there() {
    use request_path_with_prefix::{Input, MODEL};
    use segmind_runtime::{Client, JsonOutput, WaitOptions};
    use segmind_server::{ServerConfig, TestServer};

    assert_eq!(MODEL.slug, "request-path-with-prefix");
    assert_eq!(MODEL.path, Some("/fam/request-path-with-prefix"));
    assert_eq!(MODEL.request_path(), "/fam/request-path-with-prefix");

    let dir = tempfile::tempdir().expect("tempdir");
    let file = "request-path-with-prefix.json";
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/schemas")
            .join(file),
        dir.path().join(file),
    )
    .expect("copy the fixture");
    let server = TestServer::start(ServerConfig::new(dir.path()).with_api_key("k"))
        .await
        .expect("server");
    let client = Client::builder()
        .api_key("k")
        .base_url(server.base_url())
        .build()
        .expect("client");
    assert_eq!(
        client.v1_url(&MODEL),
        format!("{}/v1/fam/request-path-with-prefix", server.base_url())
    );

    let input = Input::new("hi");
    let answer: JsonOutput = client.run(&input).await.expect("the v1 call");
    assert_eq!(answer.value()["model"], "request-path-with-prefix");
    let job = client.submit(&input).await.expect("the v2 submit");
    let wait = WaitOptions::default().with_poll_interval(std::time::Duration::from_millis(10));
    let result = job.wait(wait).await.expect("the job");
    let answer: JsonOutput = result.download().await.expect("the job's JSON");
    assert_eq!(answer.value()["model"], "request-path-with-prefix");

    let posts: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path)
        .collect();
    assert_eq!(
        posts,
        [
            "/v1/fam/request-path-with-prefix",
            "/v2/fam/request-path-with-prefix"
        ]
    );
}

#[test]
fn string_or_blocks_content_is_a_json_string_or_a_json_array() {
    use string_or_blocks_content::{
        BlockType, Content, ContentBlock, Format, Input, Message, Role,
    };
    // Text goes as a JSON string, blocks as a JSON array, each from its
    // own `From`.
    let text = Message::new(Role::User, "Hello");
    assert_eq!(text.content, Content::Text("Hello".to_owned()));
    let blocks = Message::new(
        Role::User,
        vec![
            ContentBlock::new(BlockType::Text).text("What is this?"),
            ContentBlock::new(BlockType::ImageUrl).image_url("https://x.test/cat.png"),
        ],
    );
    let input = Input::new([text, blocks]).response_format("json_object");
    let wire = json!({
        "messages": [
            {"role": "user", "content": "Hello"},
            {"role": "user", "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": "https://x.test/cat.png"}
            ]}
        ],
        "response_format": "json_object"
    });
    assert_eq!(input.to_json(), wire);
    assert_eq!(input.validate(), Ok(()));
    // And back: a JSON string is the text, a JSON array the blocks.
    let back: Input = serde_json::from_value(wire).expect("reads back");
    assert_eq!(back, input);
    assert_eq!(
        serde_json::from_value::<Content>(json!("hi")).expect("text"),
        Content::from(String::from("hi"))
    );
    let object: Input = serde_json::from_value(json!({
        "messages": [{"role": "assistant", "content": "ok"}],
        "response_format": {"type": "json_object", "strict": true}
    }))
    .expect("the object branch");
    assert!(
        matches!(&object.response_format, Some(Format::Object(f)) if f.strict == Some(true)),
        "{object:?}"
    );
    assert_eq!(object.to_json()["response_format"]["type"], "json_object");
}

#[test]
fn string_or_blocks_content_finds_media_inside_the_blocks_only() {
    use string_or_blocks_content::{BlockType, ContentBlock, Input, Message, Role};
    let input = Input::new([
        Message::new(Role::User, "https://x.test/not-media.png"),
        Message::new(
            Role::User,
            vec![
                ContentBlock::new(BlockType::Text).text("look"),
                ContentBlock::new(BlockType::ImageUrl).image_url("https://x.test/a.png"),
            ],
        ),
    ]);
    let media: Vec<String> = input.media().into_iter().map(|(p, _)| p).collect();
    assert_eq!(media, ["/messages/1/content/1/image_url"]);
}

#[test]
fn string_or_blocks_content_checks_the_limits_of_the_branch_taken() {
    use string_or_blocks_content::{BlockType, ContentBlock, Input, Message, Role};
    let block = || ContentBlock::new(BlockType::Text).text("x");
    let err = Input::new([
        // The text branch: 1 to 200 characters.
        Message::new(Role::User, ""),
        Message::new(Role::User, "a".repeat(201)),
        // The blocks branch: 1 to 4 blocks, each block's own limits.
        Message::new(Role::User, Vec::<ContentBlock>::new()),
        Message::new(
            Role::User,
            vec![block(), block(), block(), block(), block()],
        ),
        Message::new(
            Role::User,
            vec![
                ContentBlock::new(BlockType::Text).text(""),
                ContentBlock::new(BlockType::ImageUrl).image_url("https://x.test/a b.png"),
            ],
        ),
        // 4 blocks and 200 characters are within the limits.
        Message::new(Role::User, vec![block(), block(), block(), block()]),
        Message::new(Role::User, "a".repeat(200)),
    ])
    .response_format("Not A Name")
    .validate()
    .expect_err("invalid");
    let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "messages/0/content: 0 characters, fewer than the minimum 1",
            "messages/1/content: 201 characters, more than the maximum 200",
            "messages/2/content: 0 items, fewer than the minimum 1",
            "messages/3/content: 5 items, more than the maximum 4",
            "messages/4/content/0/text: 0 characters, fewer than the minimum 1",
            "messages/4/content/1/image_url: \"https://x.test/a b.png\" is not a valid URL (RFC 3986)",
            "response_format: \"Not A Name\" does not match the pattern \"^[a-z_]+$\"",
        ]
    );
}

#[test]
fn string_or_blocks_content_refuses_json_of_neither_branch() {
    use string_or_blocks_content::Input;
    for (bad, says) in [
        (
            json!({"messages": [{"role": "user", "content": 5}]}),
            "/messages/0/content: expected a string or an array, found a number",
        ),
        (
            json!({"messages": [{"role": "user", "content": {"type": "text"}}]}),
            "/messages/0/content: expected a string or an array, found an object",
        ),
        (
            json!({"messages": [{"role": "user", "content": null}]}),
            "/messages/0/content: expected a string or an array, found null",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"type": "video"}]}]}),
            "/messages/0/content/0/type: \"video\" is not one of text, image_url",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"type": "text", "extra": 1}]}]}),
            "/messages/0/content/0: unknown field \"extra\"",
        ),
        (
            json!({"messages": [{"role": "user", "content": "x"}], "response_format": ["text"]}),
            "/response_format: expected a string or an object, found an array",
        ),
    ] {
        let err = serde_json::from_value::<Input>(bad.clone()).expect_err("refused");
        assert!(err.to_string().contains(says), "{bad}: {err}");
    }
}

#[test]
fn string_or_blocks_content_table_says_which_branch_holds_what() {
    let info = string_or_blocks_content::MODEL
        .field("response_format")
        .expect("field");
    let FieldKind::TextOr(other) = info.kind else {
        panic!("{:?}", info.kind)
    };
    assert!(matches!(other.kind, FieldKind::Object(_)));
    assert_eq!(info.pattern, Some("^[a-z_]+$"));
    let FieldKind::List(message) = string_or_blocks_content::MODEL.fields[0].kind else {
        panic!("messages is a list")
    };
    let FieldKind::Object(fields) = message.kind else {
        panic!("of objects")
    };
    let FieldKind::TextOr(blocks) = fields[1].kind else {
        panic!("content is text or blocks")
    };
    assert_eq!(
        (fields[1].min_length, fields[1].max_length),
        (Some(1), Some(200))
    );
    assert_eq!((blocks.min_items, blocks.max_items), (Some(1), Some(4)));
    assert!(
        matches!(blocks.kind, FieldKind::List(item) if matches!(item.kind, FieldKind::Object(_)))
    );
}

#[test]
fn debug_of_generated_types_prints_what_a_derive_prints() {
    // The same shapes with `#[derive(Debug)]`: the runtime's table-driven
    // `Debug` of structs and closed enums must print exactly this.
    #[derive(Debug)]
    #[allow(dead_code, reason = "only printed")]
    enum Style {
        Photo,
        OilPainting,
    }
    #[derive(Debug)]
    #[allow(dead_code, reason = "only printed")]
    struct Input {
        mode: Mode,
        style: Option<Style>,
    }
    #[derive(Debug)]
    #[allow(dead_code, reason = "only printed")]
    enum Mode {
        SlowAndSteady,
    }
    let generated =
        string_enum_with_default::Input::new(string_enum_with_default::Mode::SlowAndSteady)
            .style(string_enum_with_default::Style::OilPainting);
    let derived = Input {
        mode: Mode::SlowAndSteady,
        style: Some(Style::OilPainting),
    };
    assert_eq!(format!("{generated:?}"), format!("{derived:?}"));
    assert_eq!(format!("{generated:#?}"), format!("{derived:#?}"));
    let unset = string_enum_with_default::Input::new(string_enum_with_default::Mode::SlowAndSteady);
    assert_eq!(
        format!("{unset:?}"),
        "Input { mode: SlowAndSteady, style: None }"
    );
    let _ = Style::Photo;

    #[derive(Debug)]
    #[allow(dead_code, reason = "only printed")]
    struct Nullable {
        text: String,
        voice_2: Option<Option<String>>,
        seed: Option<Option<i64>>,
        speed: Option<f64>,
    }
    let generated = nullable_optional::Input::new("a \"cat\"")
        .seed_null()
        .speed(1.5);
    let derived = Nullable {
        text: "a \"cat\"".to_owned(),
        voice_2: None,
        seed: Some(None),
        speed: Some(1.5),
    };
    assert_eq!(
        format!("{generated:?}"),
        format!("{derived:?}").replacen("Nullable", "Input", 1)
    );
}
