//! What goes on the wire: exact JSON bodies of the real models (unset
//! optionals absent, integer enums as integers, open enums as given), and
//! serde round trips.

use segmind::{
    hailuo_02_fast, hailuo_2_3_fast, hallo, heygen_avatar_iv, models, sadtalker, FieldKind,
    ModelInput,
};
use serde_json::{json, Value};

fn assert_round_trip<T>(input: &T)
where
    T: ModelInput + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = input.to_json();
    assert_eq!(serde_json::to_value(input).expect("serialises"), json);
    let back: T = serde_json::from_value(json).expect("deserialises");
    assert_eq!(&back, input);
}

#[test]
fn hallo_sends_only_what_was_set() {
    let input = hallo::Input::new("https://x.test/face.png", "https://x.test/voice.mp3");
    assert_eq!(
        input.to_json(),
        json!({"input_image": "https://x.test/face.png", "input_audio": "https://x.test/voice.mp3"})
    );
    let input = input.pose_weight(1.5).base64(false);
    assert_eq!(
        serde_json::to_string(&input).expect("serialises"),
        r#"{"input_image":"https://x.test/face.png","input_audio":"https://x.test/voice.mp3","pose_weight":1.5,"base64":false}"#
    );
    assert_round_trip(&input);
}

#[test]
fn sadtalker_sends_image_size_as_an_integer() {
    let input = sadtalker::Input::new("https://x.test/a.png", "https://x.test/a.mp3")
        .image_size(sadtalker::ImageSize::Px512)
        .preprocess(sadtalker::Preprocess::Extcrop)
        .pose_style(4);
    assert_eq!(input.to_json()["image_size"], json!(512));
    assert_eq!(input.to_json()["preprocess"], json!("extcrop"));
    assert_eq!(input.to_json()["pose_style"], json!(4));
    assert_round_trip(&input);
}

#[test]
fn hailuo_sends_duration_as_an_integer_and_no_null_last_frame() {
    let input = hailuo_02_fast::Input::new("a boy sings", "https://x.test/first.jpg")
        .duration(hailuo_02_fast::Duration::Seconds10);
    assert_eq!(
        input.to_json(),
        json!({"prompt": "a boy sings", "first_frame_image": "https://x.test/first.jpg", "duration": 10})
    );
    assert_round_trip(&input);
    let input = hailuo_2_3_fast::Input::new("a walk", "https://x.test/f.jpg")
        .resolution(hailuo_2_3_fast::Resolution::P768);
    assert_eq!(input.to_json()["resolution"], json!("768p"));
    assert_round_trip(&input);
}

#[test]
fn heygen_voice_id_is_an_open_set() {
    let named = heygen_avatar_iv::Input::new("https://x.test/face.png", "Hello")
        .voice_id(heygen_avatar_iv::VoiceId::Onyx);
    assert_eq!(
        named.to_json()["voice_id"],
        json!("26b2064088674c80b1e5fc5ab1a068ea")
    );
    let other = heygen_avatar_iv::Input::new("https://x.test/face.png", "Hello")
        .voice_id("f80e430f06b34b70b275c9c746436e37");
    assert_eq!(
        other.voice_id,
        Some(heygen_avatar_iv::VoiceId::Other(
            "f80e430f06b34b70b275c9c746436e37".into()
        ))
    );
    assert_eq!(
        other.to_json()["voice_id"],
        json!("f80e430f06b34b70b275c9c746436e37")
    );
    assert_round_trip(&named);
    assert_round_trip(&other);
}

#[test]
fn unknown_fields_are_refused_when_reading_json() {
    let err = serde_json::from_value::<hallo::Input>(json!({
        "input_image": "https://x.test/a.png", "input_audio": "https://x.test/a.mp3", "pose_wieght": 1
    }))
    .expect_err("typo");
    assert!(err.to_string().contains("pose_wieght"), "{err}");
}

#[test]
fn the_registry_reads_back_what_every_model_writes() {
    for model in models::ALL {
        let body: serde_json::Map<String, Value> = model
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| match f.kind {
                FieldKind::Media(_) | FieldKind::String => {
                    (f.name.to_owned(), json!("https://x.test/value"))
                }
                _ => (
                    f.name.to_owned(),
                    segmind_tests::valid_value(f, segmind_tests::End::Lower),
                ),
            })
            .collect();
        let input =
            models::input_from_json(model.slug, Value::Object(body.clone())).expect("parses");
        assert_eq!(input.to_json(), Value::Object(body), "{}", model.slug);
        assert_eq!(input.slug(), model.slug);
    }
    assert!(matches!(
        models::input_from_json("no-such-model", json!({})),
        Err(segmind::ParseInputError::UnknownModel(_))
    ));
}
