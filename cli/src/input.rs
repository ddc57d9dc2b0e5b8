//! From flags to a model input: each flag's text becomes the JSON value its
//! [`FieldKind`] calls for, the set flags form the request object, and the
//! registry turns that into the model's typed, validated input.

use clap::ArgMatches;
use segmind::models;
use segmind_runtime::{FieldKind, ModelInfo, ModelInput, ParseInputError, ValidationError};
use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::field_arg::{arg_id, FieldFlag};

/// The request object: the `--json-input` body when given (`base`), with
/// the key of every field flag that was given replaced by the flag's value
/// (a list flag's values make the whole list), in schema order; then each
/// required field with a default that is still absent, at its default (it
/// is sent on every call). Other flags left out are absent, so the server
/// applies its defaults.
pub fn request_json(
    model: &ModelInfo,
    matches: &ArgMatches,
    base: Option<Map<String, Value>>,
) -> Value {
    let mut body = base.unwrap_or_default();
    for field in model.fields {
        let id = arg_id(field);
        let value = match field.kind {
            FieldKind::List(_) => matches
                .try_get_many::<Value>(&id)
                .ok()
                .flatten()
                .map(|items| Value::Array(items.cloned().collect())),
            _ => matches.try_get_one::<Value>(&id).ok().flatten().cloned(),
        };
        if let Some(value) = value {
            body.insert(field.name.to_owned(), value);
        } else if let (true, Some(default), false) =
            (field.required, field.default, body.contains_key(field.name))
        {
            if let Ok(value) = serde_json::from_str(default) {
                body.insert(field.name.to_owned(), value);
            }
        }
    }
    Value::Object(body)
}

/// The body given with `--json-input`: a JSON object from a file, or from
/// stdin for `-`.
pub(crate) fn json_input(matches: &ArgMatches) -> Result<Option<Map<String, Value>>, Failure> {
    let Ok(Some(source)) = matches.try_get_one::<String>(crate::command::JSON_INPUT) else {
        return Ok(None);
    };
    let text = if source == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Failure::usage(format!("--json-input: cannot read stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| Failure::usage(format!("--json-input: cannot read {source}: {e}")))?
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(_) => Err(Failure::usage(
            "--json-input: the body must be a JSON object",
        )),
        Err(e) => Err(Failure::usage(format!("--json-input: not valid JSON: {e}"))),
    }
}

/// The model's typed input from `--json-input` and the flags, validated:
/// every violation of the schema is reported at once, by flag, before
/// anything is sent.
pub fn build_input(
    model: &ModelInfo,
    matches: &ArgMatches,
    flags: &[FieldFlag],
) -> Result<Box<dyn ModelInput>, Failure> {
    let base = match crate::chat::prompt_input(model, matches) {
        Some(body) => Some(body),
        None => json_input(matches)?,
    };
    // The flags and the --json-input file are the words of the person at the
    // terminal: a media string there may name a local file.
    let input = models::input_from_trusted_json(model.slug, request_json(model, matches, base))
        .map_err(parse_failure)?;
    input
        .validate()
        .map_err(|report| invalid_input(&report, flags))?;
    Ok(input)
}

/// The failure for JSON that cannot be a model's input: serde's problem on
/// its own line under "invalid <model> input:".
pub fn parse_failure(error: ParseInputError) -> Failure {
    match error {
        ParseInputError::Invalid { model, source } => {
            Failure::invalid(format!("invalid {model} input:"), vec![source.to_string()])
        }
        other => Failure::other(other.to_string()),
    }
}

/// The failure for a validation report, one line per violation, each
/// naming the flag rather than the wire name.
pub fn invalid_input(report: &ValidationError, flags: &[FieldFlag]) -> Failure {
    let count = report.violations.len();
    let lines = report
        .violations
        .iter()
        .map(|violation| {
            let text = violation.to_string();
            // `image_urls/0` is item 0 of --image-urls.
            let (top, inner) = violation
                .field
                .split_once('/')
                .unwrap_or((violation.field.as_str(), ""));
            let flag = flags.iter().find(|flag| flag.field.name == top);
            match (flag, text.strip_prefix(&format!("{}: ", violation.field))) {
                (Some(flag), Some(rest)) if inner.is_empty() => format!("--{}: {rest}", flag.long),
                (Some(flag), Some(rest)) => format!("--{} ({inner}): {rest}", flag.long),
                _ => text,
            }
        })
        .collect();
    let plural = if count == 1 { "" } else { "s" };
    Failure::invalid(
        format!(
            "invalid {} input ({count} problem{plural}); nothing was sent:",
            report.model
        ),
        lines,
    )
}

#[cfg(test)]
mod tests {
    use segmind_runtime::{Limit, MediaKind, Violation, ViolationKind};
    use serde_json::json;

    use super::*;

    #[test]
    fn violations_name_the_flag() {
        static FIELDS: [segmind_runtime::FieldInfo; 1] = [segmind_runtime::FieldInfo {
            description: "Weight of the pose.",
            minimum: Some(Limit::Int(0)),
            maximum: Some(Limit::Int(10)),
            ..segmind_runtime::FieldInfo::new("pose_weight", FieldKind::Number)
        }];
        static MODEL: ModelInfo = ModelInfo {
            slug: "hallo",
            path: None,
            title: "Hallo",
            summary: "Portraits.",
            rust_name: "hallo",
            typical_latency_seconds: None,
            typical_price_usd: None,
            output: segmind_runtime::OutputKind::Video,
            fields: &FIELDS,
        };
        let flags = crate::field_arg::field_flags(&MODEL, &[]);
        let report = ValidationError {
            model: "hallo".to_owned(),
            violations: vec![Violation {
                field: "pose_weight".to_owned(),
                kind: ViolationKind::AboveMaximum {
                    value: Limit::Float(12.0),
                    maximum: Limit::Int(10),
                },
            }],
        };
        let failure = invalid_input(&report, &flags);
        assert_eq!(
            failure.message,
            "invalid hallo input (1 problem); nothing was sent:"
        );
        assert_eq!(
            failure.details,
            vec!["--pose-weight: 12.0 is above the maximum 10".to_owned()]
        );
    }

    #[test]
    fn flags_replace_keys_of_the_json_body_and_required_defaults_are_filled_in() {
        const BASE: segmind_runtime::FieldInfo = segmind_runtime::FieldInfo {
            required: true,
            ..segmind_runtime::FieldInfo::new("prompt", FieldKind::String)
        };
        static FIELDS: [segmind_runtime::FieldInfo; 3] = [
            BASE,
            segmind_runtime::FieldInfo {
                name: "image_urls",
                rust_name: "image_urls",
                required: false,
                kind: FieldKind::List(&segmind_runtime::FieldInfo {
                    name: "items",
                    kind: FieldKind::Media(MediaKind::Image),
                    ..BASE
                }),
                ..BASE
            },
            segmind_runtime::FieldInfo {
                name: "temperature",
                rust_name: "temperature",
                kind: FieldKind::Number,
                default: Some("0.4"),
                ..BASE
            },
        ];
        static MODEL: ModelInfo = ModelInfo {
            slug: "m",
            path: None,
            title: "M",
            summary: "",
            rust_name: "m",
            typical_latency_seconds: None,
            typical_price_usd: None,
            output: segmind_runtime::OutputKind::Image,
            fields: &FIELDS,
        };
        let flags = crate::field_arg::field_flags(&MODEL, &[]);
        let mut command = clap::Command::new("m")
            .no_binary_name(true)
            .arg(clap::Arg::new(crate::command::JSON_INPUT).long(crate::command::JSON_INPUT));
        for flag in &flags {
            command = command.arg(crate::field_arg::field_arg(flag));
        }
        let matches = command
            .try_get_matches_from([
                "--json-input",
                "body.json",
                "--image-urls",
                "a.png",
                "--image-urls",
                "https://x.test/b.png",
            ])
            .expect("--prompt is optional when the body may hold it");
        let base = json!({"prompt": "from the body", "image_urls": ["old.png"]});
        let Value::Object(base) = base else {
            unreachable!()
        };
        assert_eq!(
            request_json(&MODEL, &matches, Some(base)),
            json!({
                "prompt": "from the body",
                "image_urls": ["a.png", "https://x.test/b.png"],
                "temperature": 0.4
            })
        );
    }
}
