//! One model field as one clap flag: its long name (the kebab-case of the
//! wire name, moved aside when it would clash with the command's own
//! options), its value parser (typed by the field's kind, a closed set checked
//! by clap) and its help.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser, ValueParser};
use clap::{Arg, ArgAction, ValueHint};
use heck::ToKebabCase;
use segmind_runtime::{FieldInfo, FieldKind, ModelInfo};
use serde_json::{Number, Value};

use crate::help_text;

/// A model field and the long flag that sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldFlag {
    /// The field.
    pub field: &'static FieldInfo,
    /// The long flag, without its dashes.
    pub long: String,
}

/// The clap id of a field's argument: kept apart from the ids of the
/// command's own options whatever the field is called.
pub fn arg_id(field: &FieldInfo) -> String {
    format!("field:{}", field.name)
}

/// The long flag (without dashes) of the field with wire name `field`; the
/// wire name itself if no flag has it.
pub fn long_flag<'a>(flags: &'a [FieldFlag], field: &'a str) -> &'a str {
    flags
        .iter()
        .find(|flag| flag.field.name == field)
        .map_or(field, |flag| flag.long.as_str())
}

/// The flags of every field of `model`, in schema order. A flag is the
/// kebab-case of the wire name; when that is one of `reserved` (the command's
/// own options) or already taken, it becomes `field-<name>` (then
/// `field-<name>-2`, ...), so no schema can break the command line.
pub fn field_flags(model: &'static ModelInfo, reserved: &[&str]) -> Vec<FieldFlag> {
    let mut taken: Vec<String> = reserved.iter().map(|name| (*name).to_owned()).collect();
    let mut flags = Vec::with_capacity(model.fields.len());
    for field in model.fields {
        let mut base = field.name.to_kebab_case();
        if base.is_empty() {
            base = "field".to_owned();
        }
        let mut long = base.clone();
        if taken.contains(&long) {
            long = format!("field-{base}");
        }
        let mut n = 2;
        while taken.contains(&long) {
            long = format!("field-{base}-{n}");
            n += 1;
        }
        taken.push(long.clone());
        flags.push(FieldFlag { field, long });
    }
    flags
}

/// The clap argument of one field. Its value is stored as the JSON value the
/// field takes on the wire.
///
/// A list field is a repeatable flag, one item each (`--image-urls a.png
/// --image-urls https://...`), each item parsed as the list's item kind.
/// An object field, or a list of objects, takes each value as JSON text.
/// A required field without a default is a required flag unless
/// `--json-input` gives the body.
pub fn field_arg(flag: &FieldFlag) -> Arg {
    let field = flag.field;
    let (value_field, action) = match field.kind {
        FieldKind::List(item) => (item, ArgAction::Append),
        _ => (field, ArgAction::Set),
    };
    let mut arg = Arg::new(arg_id(field))
        .long(flag.long.clone())
        .value_name(help_text::value_name(field))
        .help(help_text::field_help(field))
        .long_help(help_text::field_long_help(field))
        .action(action)
        .value_parser(value_parser(value_field, field.nullable));
    if field.required && field.default.is_none() {
        arg = arg.required_unless_present(crate::command::JSON_INPUT);
    }
    match value_field.kind {
        FieldKind::Integer | FieldKind::Number => arg = arg.allow_negative_numbers(true),
        // `--go-fast` alone means true; `--go-fast false` is false.
        FieldKind::Boolean if !matches!(field.kind, FieldKind::List(_)) => {
            arg = arg.num_args(0..=1).default_missing_value("true");
        }
        FieldKind::Media(_) => arg = arg.value_hint(ValueHint::FilePath),
        _ => {}
    }
    arg
}

/// Parses a flag's text into the field's JSON value. A closed set of values
/// is checked by clap (and listed in the help); an open set accepts any text.
///
/// `null` is the JSON null for a field that may be null.
fn value_parser(field: &FieldInfo, nullable: bool) -> ValueParser {
    let kind = field.kind;
    if nullable {
        return ValueParser::new(move |text: &str| {
            if text.trim() == "null" {
                Ok(serde_json::Value::Null)
            } else {
                wire_value(kind, text)
            }
        });
    }
    if !field.allowed.is_empty() && !field.open {
        let values = field
            .allowed
            .iter()
            .map(|allowed| PossibleValue::new(allowed.value));
        return ValueParser::new(
            PossibleValuesParser::new(values).try_map(move |text| wire_value(kind, &text)),
        );
    }
    if matches!(kind, FieldKind::Boolean) {
        let values = [PossibleValue::new("true"), PossibleValue::new("false")];
        return ValueParser::new(
            PossibleValuesParser::new(values).try_map(move |text| wire_value(kind, &text)),
        );
    }
    ValueParser::new(move |text: &str| wire_value(kind, text))
}

/// The JSON value of one flag's text: an integer, a finite number, a
/// boolean (`true` or `false`), or a string (media included: a path or URL).
pub fn wire_value(kind: FieldKind, text: &str) -> Result<Value, String> {
    match kind {
        FieldKind::Integer => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{text}` is not an integer")),
        FieldKind::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("`{text}` is not a finite number")),
        FieldKind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("`{text}` is not `true` or `false`")),
        },
        FieldKind::String | FieldKind::Media(_) => Ok(Value::String(text.to_owned())),
        // An object (or a list given whole) is JSON text.
        FieldKind::Object(_) | FieldKind::List(_) => {
            serde_json::from_str(text).map_err(|e| format!("`{text}` is not JSON: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use segmind_runtime::MediaKind;
    use serde_json::json;

    use super::*;

    #[test]
    fn values_follow_the_field_kind() {
        assert_eq!(wire_value(FieldKind::Integer, "6"), Ok(json!(6)));
        assert_eq!(wire_value(FieldKind::Number, "1.5"), Ok(json!(1.5)));
        assert_eq!(wire_value(FieldKind::Number, "-2"), Ok(json!(-2.0)));
        assert_eq!(wire_value(FieldKind::Boolean, "false"), Ok(json!(false)));
        assert_eq!(wire_value(FieldKind::String, "a cat"), Ok(json!("a cat")));
        assert_eq!(
            wire_value(FieldKind::Media(MediaKind::Image), "face.png"),
            Ok(json!("face.png"))
        );
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(wire_value(FieldKind::Integer, "6.5").is_err());
        assert!(wire_value(FieldKind::Number, "NaN").is_err());
        assert!(wire_value(FieldKind::Number, "inf").is_err());
        assert!(wire_value(FieldKind::Boolean, "yes").is_err());
    }

    const BASE: FieldInfo = FieldInfo::new("out", FieldKind::String);

    static FIELDS: [FieldInfo; 5] = [
        BASE,
        FieldInfo {
            name: "field_out",
            rust_name: "field_out",
            ..BASE
        },
        FieldInfo {
            name: "input_image",
            rust_name: "input_image",
            kind: FieldKind::Media(MediaKind::Image),
            ..BASE
        },
        FieldInfo {
            name: "go_fast",
            rust_name: "go_fast",
            kind: FieldKind::Boolean,
            ..BASE
        },
        FieldInfo {
            name: "sizes",
            rust_name: "sizes",
            kind: FieldKind::List(&FieldInfo {
                name: "items",
                kind: FieldKind::Integer,
                ..BASE
            }),
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
        output: segmind_runtime::OutputKind::Video,
        fields: &FIELDS,
    };

    #[test]
    fn flags_are_kebab_case_and_never_clash() {
        let flags = field_flags(&MODEL, &["out", "json"]);
        let longs: Vec<&str> = flags.iter().map(|flag| flag.long.as_str()).collect();
        assert_eq!(
            longs,
            [
                "field-out",
                "field-field-out",
                "input-image",
                "go-fast",
                "sizes"
            ]
        );
    }

    #[test]
    fn values_are_parsed_by_kind() {
        let flags = field_flags(&MODEL, &[]);
        let mut command = clap::Command::new("m").no_binary_name(true);
        for flag in &flags {
            command = command.arg(field_arg(flag));
        }
        let matches = command
            .clone()
            .try_get_matches_from(["--go-fast", "--input-image", "a.png"])
            .expect("parses");
        let fast = matches.get_one::<serde_json::Value>("field:go_fast");
        assert_eq!(fast, Some(&serde_json::Value::Bool(true)));
        let refused = command.try_get_matches_from(["--go-fast", "maybe"]);
        assert!(refused.is_err());
    }

    #[test]
    fn list_flags_repeat_and_parse_each_item() {
        let flags = field_flags(&MODEL, &[]);
        let mut command = clap::Command::new("m").no_binary_name(true);
        for flag in &flags {
            command = command.arg(field_arg(flag));
        }
        let matches = command
            .clone()
            .try_get_matches_from(["--sizes", "512", "--sizes", "-8"])
            .expect("parses");
        let sizes: Vec<&serde_json::Value> = matches
            .get_many::<serde_json::Value>("field:sizes")
            .expect("given")
            .collect();
        assert_eq!(sizes, [&serde_json::json!(512), &serde_json::json!(-8)]);
        assert!(command.try_get_matches_from(["--sizes", "1.5"]).is_err());
    }
}
