//! The generated validators against an independent one: for random inputs of
//! every model (numbers inside and outside their ranges, every enum value,
//! booleans, optional fields set or not), `validate()` accepts exactly what
//! the local Segmind server, checking the body against the model's JSON
//! Schema with the `jsonschema` crate, accepts.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use segmind::{models, FieldInfo, FieldKind, ModelInfo};
use segmind_server::{ServerConfig, TestServer};
use serde_json::{json, Map, Value};

/// A value for `field`: numbers from a range wider than the allowed one.
fn field_value(field: &'static FieldInfo) -> BoxedStrategy<Value> {
    if !field.allowed.is_empty() {
        let values: Vec<Value> = field
            .allowed
            .iter()
            .map(|v| match field.kind {
                FieldKind::Integer => json!(v.value.parse::<i64>().expect("integer enum")),
                _ => json!(v.value),
            })
            .collect();
        return proptest::sample::select(values).boxed();
    }
    let (lo, hi) = (
        field.minimum.unwrap_or(-100.0),
        field.maximum.unwrap_or(100.0),
    );
    let span = (hi - lo).max(1.0);
    // Mostly valid values, so one bad field is not hidden behind another;
    // the bounds themselves and the values just past them; and anything.
    match field.kind {
        FieldKind::Number => prop_oneof![
            6 => (lo..=hi).prop_map(|x| json!(x)),
            1 => Just(json!(lo)),
            1 => Just(json!(hi)),
            1 => Just(json!(lo - 0.01)),
            1 => Just(json!(hi + 0.5)),
            1 => ((lo - span)..(hi + span)).prop_map(|x| json!(x)),
        ]
        .boxed(),
        FieldKind::Integer => {
            let (lo, hi) = (lo as i64, hi as i64);
            prop_oneof![
                6 => (lo..=hi).prop_map(|x| json!(x)),
                1 => Just(json!(lo)),
                1 => Just(json!(hi)),
                1 => Just(json!(lo - 1)),
                1 => Just(json!(hi + 1)),
                1 => ((lo - span as i64)..=(hi + span as i64)).prop_map(|x| json!(x)),
            ]
            .boxed()
        }
        FieldKind::Boolean => any::<bool>().prop_map(|b| json!(b)).boxed(),
        FieldKind::String => "[a-z ]{0,12}".prop_map(|s| json!(s)).boxed(),
        FieldKind::Media(_) => Just(json!(format!("https://media.example/{}", field.name))).boxed(),
    }
}

/// An input of `model`: required fields always, each optional one maybe.
fn input(model: &'static ModelInfo) -> BoxedStrategy<Value> {
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = model
        .fields
        .iter()
        .map(|f| {
            let name = f.name.to_owned();
            let value = field_value(f).prop_map(move |v| (name.clone(), v));
            if f.required {
                value.prop_map(Some).boxed()
            } else {
                proptest::option::of(value).boxed()
            }
        })
        .collect();
    fields
        .prop_map(|entries| Value::Object(entries.into_iter().flatten().collect::<Map<_, _>>()))
        .boxed()
}

#[test]
fn generated_validators_agree_with_the_servers_json_schema_validation() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let server = runtime
        .block_on(TestServer::start(ServerConfig::new(
            segmind_server::workspace_schema_dir(),
        )))
        .expect("server");
    let http = reqwest::Client::new();
    for model in models::ALL {
        let mut runner = TestRunner::new(Config {
            cases: 128,
            ..Config::default()
        });
        let url = format!("{}/v1/{}", server.base_url(), model.slug);
        let seen = std::cell::Cell::new([0usize; 2]);
        runner
            .run(&input(model), |body| {
                let local = models::input_from_json(model.slug, body.clone())
                    .expect("typed")
                    .validate();
                let status = runtime.block_on(async {
                    http.post(&url)
                        .header("x-api-key", "any")
                        .json(&body)
                        .send()
                        .await
                        .expect("server answers")
                        .status()
                        .as_u16()
                });
                prop_assert!(status == 200 || status == 400, "{status}");
                prop_assert_eq!(
                    local.is_ok(),
                    status == 200,
                    "{} {}: local {:?}, server {}",
                    model.slug,
                    body,
                    local,
                    status
                );
                let mut counts = seen.get();
                counts[usize::from(status == 200)] += 1;
                seen.set(counts);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", model.slug));
        let bounded = model
            .fields
            .iter()
            .any(|f| f.minimum.is_some() || f.maximum.is_some());
        // Models with ranges saw both answers; the others were always valid.
        let seen = seen.get();
        assert!(seen[1] > 0, "{}: no valid input generated", model.slug);
        assert!(
            !bounded || seen[0] > 0,
            "{}: no invalid input generated",
            model.slug
        );
    }
}
