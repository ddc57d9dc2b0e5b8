//! The generated validators of the five real models: a valid input passes,
//! each kind of violation is reported with field, constraint and value, and
//! every violation of one input is reported at once. The registry-driven
//! tests cover every model in `schema/`, including ones added later.

use segmind::{
    hailuo_02_fast, hailuo_2_3_fast, hallo, heygen_avatar_iv, models, sadtalker, FieldKind, Media,
};
use segmind_tests::{valid_input, End};
use serde_json::{json, Map, Value};

fn messages(err: segmind::ValidationError) -> Vec<String> {
    err.violations.iter().map(ToString::to_string).collect()
}

#[test]
fn hallo_reports_every_violation_at_once() {
    let ok = hallo::Input::new("https://x.test/face.png", "https://x.test/voice.mp3")
        .pose_weight(10.0)
        .face_weight(0.0)
        .lip_weight(1.2)
        .face_expand_ratio(1.2);
    assert_eq!(ok.validate(), Ok(()));

    let bad = hallo::Input::new(
        "https://x.test/face|1.png",
        Media::file("no/such/voice.mp3"),
    )
    .pose_weight(12.0)
    .face_weight(-1.0)
    .lip_weight(f64::NAN)
    .face_expand_ratio(10.5);
    let err = bad.validate().expect_err("invalid");
    assert_eq!(err.model, "hallo");
    let lines = messages(err);
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert_eq!(
        lines[0],
        "input_image: \"https://x.test/face|1.png\" is not a valid URL (RFC 3986)"
    );
    assert!(
        lines[1].starts_with("input_audio: cannot read no/such/voice.mp3: "),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "pose_weight: 12.0 is above the maximum 10");
    assert_eq!(lines[3], "face_weight: -1.0 is below the minimum 0");
    assert_eq!(lines[4], "lip_weight: NaN is not a finite number");
    assert_eq!(lines[5], "face_expand_ratio: 10.5 is above the maximum 10");
}

#[test]
fn sadtalker_checks_integer_and_number_ranges() {
    let ok = sadtalker::Input::new("https://x.test/a.png", "https://x.test/a.mp3")
        .pose_style(45)
        .expression_scale(1.0);
    assert_eq!(ok.validate(), Ok(()));
    let err = sadtalker::Input::new("https://x.test/a.png", "https://x.test/a.mp3")
        .pose_style(46)
        .expression_scale(0.5)
        .validate()
        .expect_err("invalid");
    assert_eq!(
        messages(err),
        [
            "pose_style: 46 is above the maximum 45",
            "expression_scale: 0.5 is below the minimum 1"
        ]
    );
}

#[test]
fn hailuo_and_heygen_check_their_media() {
    let dir = tempfile::tempdir().expect("tempdir");
    let frame = dir.path().join("frame.png");
    std::fs::write(&frame, b"png").expect("write");

    let ok = hailuo_02_fast::Input::new("a prompt", Media::file(&frame))
        .last_frame_image("https://x.test/end.png");
    assert_eq!(ok.validate(), Ok(()));
    let err = hailuo_02_fast::Input::new("a prompt", "https://x.test:port/a.png")
        .last_frame_image(Media::file(dir.path()))
        .validate()
        .expect_err("invalid");
    let lines = messages(err);
    assert_eq!(
        lines[0],
        "first_frame_image: \"https://x.test:port/a.png\" is not a valid URL (RFC 3986)"
    );
    assert!(lines[1].ends_with("not a regular file"), "{}", lines[1]);

    assert_eq!(
        hailuo_2_3_fast::Input::new("p", "data:image/png;base64,AAAA").validate(),
        Ok(())
    );

    let err = heygen_avatar_iv::Input::new("not a url", "Title")
        .audio_url(Media::file(dir.path().join("missing.wav")))
        .validate()
        .expect_err("invalid");
    let lines = messages(err);
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("image_url: "), "{}", lines[0]);
    assert!(
        lines[1].starts_with("audio_url: cannot read "),
        "{}",
        lines[1]
    );
}

fn full_input(model: &segmind::ModelInfo) -> Map<String, Value> {
    valid_input(model, End::Lower)
}

#[test]
fn every_model_accepts_an_input_with_every_field_valid() {
    assert_eq!(
        models::ALL.len(),
        std::fs::read_dir(segmind_tests::workspace_root().join("schema"))
            .expect("schema/")
            .filter(|e| e
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json")))
            .count()
    );
    for model in models::ALL {
        let input =
            models::input_from_json(model.slug, Value::Object(full_input(model))).expect("parses");
        assert_eq!(input.validate(), Ok(()), "{}", model.slug);
    }
}

#[test]
fn every_bounded_field_of_every_model_reports_both_bounds() {
    for model in models::ALL {
        for field in model.fields {
            for (bound, past, word) in [
                (field.minimum, -1.0, "below the minimum"),
                (field.maximum, 1.0, "above the maximum"),
            ] {
                let Some(bound) = bound.map(segmind_runtime::Limit::as_f64) else {
                    continue;
                };
                // A bound at i64's own limit (the bound of an integer
                // field that gives none, which a schema may still write)
                // cannot be passed by an i64: a JSON integer beyond it is
                // refused when read, tested below and in the differential
                // property test.
                let at_i64_limit = bound <= i64::MIN as f64 || bound >= i64::MAX as f64;
                if field.kind == FieldKind::Integer && at_i64_limit {
                    continue;
                }
                let mut json = full_input(model);
                let value = match field.kind {
                    FieldKind::Integer => json!(bound as i64 + past as i64),
                    _ => json!(bound + past * 0.5),
                };
                json.insert(field.name.to_owned(), value.clone());
                let input =
                    models::input_from_json(model.slug, Value::Object(json)).expect("parses");
                let err = input.validate().expect_err("out of range");
                // Past a bound, a field with a step (`multipleOf`) may break
                // that too: every violation is this field's, one of them the bound.
                let lines: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
                let prefix = format!("{}: ", field.name);
                assert!(
                    lines.iter().all(|l| l.starts_with(&prefix))
                        && lines.iter().any(|l| l.contains(word)),
                    "{}: {err}",
                    model.slug
                );
            }
        }
    }
}

#[test]
fn every_closed_enum_of_every_model_refuses_other_values() {
    for model in models::ALL {
        for field in model
            .fields
            .iter()
            .filter(|f| !f.allowed.is_empty() && !f.open)
        {
            let mut json = full_input(model);
            let bad = match field.kind {
                FieldKind::Integer => json!(123_456),
                _ => json!("not-an-allowed-value"),
            };
            json.insert(field.name.to_owned(), bad);
            let err = models::input_from_json(model.slug, Value::Object(json))
                .err()
                .expect("refused");
            assert!(
                err.to_string()
                    .contains(&format!("invalid {} input", model.slug)),
                "{err}"
            );
        }
    }
}

#[test]
fn a_json_integer_beyond_i64_is_an_error_naming_the_field_wherever_json_is_read() {
    // flux-schnell's seed has no range on Segmind's page: any 64-bit seed.
    let range = "is beyond the 64-bit integer range (-9223372036854775808 to 9223372036854775807) that the field holds";
    for seed in [json!(i64::MIN), json!(i64::MAX), json!(i64::MIN as f64)] {
        let input = models::input_from_json("flux-schnell", json!({"prompt": "p", "seed": seed}))
            .expect("an i64");
        assert_eq!(input.validate(), Ok(()), "{seed}");
    }
    let err = models::input_from_json(
        "flux-schnell",
        json!({"prompt": "p", "seed": 18_446_744_073_709_551_615u64}),
    )
    .err()
    .expect("beyond i64");
    assert_eq!(
        err.to_string(),
        format!("invalid flux-schnell input: /seed: 18446744073709551615 {range}")
    );
    let (lines, bad) = segmind::BatchLine::parse_all(
        "{\"prompt\": \"p\", \"seed\": 1e30}\n{\"prompt\": \"p\", \"seed\": 9223372036854775807}",
        &segmind::flux_schnell::MODEL,
        |json| models::input_from_json("flux-schnell", json),
    );
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].line, 2);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].line, 1);
    assert_eq!(bad[0].problems, [format!("/seed: 1e+30 {range}")]);
}
