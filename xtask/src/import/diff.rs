//! What differs between two model files, field by field: what `--check`
//! reports as Segmind's changes (fields added, removed, retyped, made
//! required or optional; defaults, ranges and values changed; the output
//! kind; the request path), and the wording (title, summary, descriptions, examples, variant
//! and Rust names, latency and price), which it shows as notes.

use std::fmt;

use serde_json::{Map, Value};

use crate::escape;

/// How much a difference matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weight {
    /// The API changed: a client built from the old file may be wrong.
    Api,
    /// Wording, names and figures: docs only.
    Note,
}

/// What differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Aspect {
    /// The output kind.
    Output,
    /// The request path (`path`).
    Path,
    /// A field only in the new file.
    Added,
    /// A field only in the old file.
    Removed,
    /// The type, format, media kind or items.
    Type,
    /// Required or optional.
    Required,
    /// The default.
    Default,
    /// Minimum, maximum or another limit.
    Range,
    /// The allowed or known values, or whether the set is open.
    Values,
    /// Another key of a field.
    Other,
    /// The order of the required fields (the constructor's arguments).
    RequiredOrder,
    /// Title, summary.
    Text,
    /// A field's description.
    Description,
    /// A field's examples.
    Examples,
    /// `x-enum-names`.
    EnumNames,
    /// `x-rust-name`.
    RustName,
    /// Latency or price.
    Figures,
}

/// One difference between the old and the new file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// Whether the API changed.
    pub weight: Weight,
    /// The field, or `None` for the model.
    pub field: Option<String>,
    /// What differs.
    pub aspect: Aspect,
    /// Old and new, in words.
    pub message: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::field_line(self.field.as_deref(), &self.message))
    }
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "none".to_owned(), escape::json)
}

fn aspect_of(key: &str) -> (Weight, Aspect) {
    match key {
        "type" | "format" | "x-media" | "items" => (Weight::Api, Aspect::Type),
        "default" => (Weight::Api, Aspect::Default),
        "minimum" | "maximum" | "multipleOf" | "maxItems" | "minItems" | "maxLength"
        | "minLength" | "pattern" | "exclusiveMinimum" | "exclusiveMaximum" => {
            (Weight::Api, Aspect::Range)
        }
        "enum" | "x-known-values" => (Weight::Api, Aspect::Values),
        "description" => (Weight::Note, Aspect::Description),
        "examples" => (Weight::Note, Aspect::Examples),
        "x-enum-names" => (Weight::Note, Aspect::EnumNames),
        "x-rust-name" => (Weight::Note, Aspect::RustName),
        _ => (Weight::Api, Aspect::Other),
    }
}

/// The differences from `old` to `new` (two model files).
pub fn diff(old: &Value, new: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut push = |weight, field: Option<&str>, aspect, message: String| {
        out.push(Difference {
            weight,
            field: field.map(str::to_owned),
            aspect,
            message,
        });
    };
    for (key, weight, aspect) in [
        ("output", Weight::Api, Aspect::Output),
        ("path", Weight::Api, Aspect::Path),
        ("title", Weight::Note, Aspect::Text),
        ("summary", Weight::Note, Aspect::Text),
        ("x-rust-name", Weight::Note, Aspect::RustName),
        ("typical_latency_seconds", Weight::Note, Aspect::Figures),
        ("typical_price_usd", Weight::Note, Aspect::Figures),
    ] {
        let (a, b) = (old.get(key), new.get(key));
        if a != b {
            push(
                weight,
                None,
                aspect,
                format!("{key} was {}, is {}", show(a), show(b)),
            );
        }
    }
    let empty = Map::new();
    let props = |v: &Value| -> Map<String, Value> {
        v.pointer("/input/properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone()
    };
    let required = |v: &Value| -> Vec<String> {
        v.pointer("/input/required")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_props, new_props) = (props(old), props(new));
    let (old_req, new_req) = (required(old), required(new));
    for (name, o) in &old_props {
        let Some(n) = new_props.get(name) else {
            push(
                Weight::Api,
                Some(name),
                Aspect::Removed,
                "removed (the file has it, the page does not)".into(),
            );
            continue;
        };
        let (or, nr) = (old_req.contains(name), new_req.contains(name));
        if or != nr {
            let word = |r: bool| if r { "required" } else { "optional" };
            push(
                Weight::Api,
                Some(name),
                Aspect::Required,
                format!("was {}, is {}", word(or), word(nr)),
            );
        }
        let mut keys: Vec<&String> = o
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        for k in n
            .as_object()
            .map(|m| m.keys().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        for key in keys {
            let (a, b) = (o.get(key), n.get(key));
            if a == b {
                continue;
            }
            let (weight, aspect) = aspect_of(key);
            // Numbers compare by value (1 and 1.0 are one default).
            if let (Some(x), Some(y)) = (a.and_then(Value::as_f64), b.and_then(Value::as_f64)) {
                if x == y && key != "type" {
                    continue;
                }
            }
            let message = match aspect {
                Aspect::Description => "the description differs".to_owned(),
                _ => format!("{key} was {}, is {}", show(a), show(b)),
            };
            push(weight, Some(name), aspect, message);
        }
    }
    for name in new_props.keys() {
        if !old_props.contains_key(name) {
            push(
                Weight::Api,
                Some(name),
                Aspect::Added,
                "added (the page has it, the file does not)".into(),
            );
        }
    }
    let common = |req: &[String]| -> Vec<String> {
        req.iter()
            .filter(|r| old_req.contains(r) && new_req.contains(r))
            .cloned()
            .collect()
    };
    let order_of = |props: &Map<String, Value>, req: &[String]| -> Vec<String> {
        props.keys().filter(|k| req.contains(k)).cloned().collect()
    };
    let (oo, no) = (
        common(&order_of(&old_props, &old_req)),
        common(&order_of(&new_props, &new_req)),
    );
    if oo != no {
        push(
            Weight::Note,
            None,
            Aspect::RequiredOrder,
            format!(
                "the required fields' order (the constructor's arguments) was {}, is {}",
                oo.join(", "),
                no.join(", ")
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_new_request_path_is_an_api_change() {
        let old = json!({"slug": "foo", "output": "video"});
        let new = json!({"slug": "foo", "path": "/fam/foo", "output": "video"});
        let differences = diff(&old, &new);
        assert_eq!(differences.len(), 1, "{differences:?}");
        let d = &differences[0];
        assert_eq!(
            (d.weight, d.aspect, d.field.as_deref()),
            (Weight::Api, Aspect::Path, None)
        );
        assert_eq!(d.message, "path was none, is \"/fam/foo\"");
    }
}
