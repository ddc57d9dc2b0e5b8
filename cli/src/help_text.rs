//! The prose of the help screens, written from a model's static description:
//! a model's about line, latency and price, example, and each field's help
//! (description, media kind, default, range, known values).

use segmind_runtime::{FieldInfo, FieldKind, MediaKind, ModelInfo};

use crate::output::shell_quote;

/// The typical latency, as `~303 s`.
pub fn latency_text(model: &ModelInfo) -> Option<String> {
    model
        .typical_latency_seconds
        .map(|seconds| format!("~{seconds:.0} s"))
}

/// The typical price of one call, as `~$0.421`.
pub fn price_text(model: &ModelInfo) -> Option<String> {
    model.typical_price_usd.map(|price| format!("~${price}"))
}

/// The one-line about of a model's subcommand: its summary, with latency
/// and price when Segmind publishes them.
pub fn model_about(model: &ModelInfo) -> String {
    match (latency_text(model), price_text(model)) {
        (Some(latency), Some(price)) => format!("{} ({latency}, {price} per call)", model.summary),
        (Some(latency), None) => format!("{} ({latency})", model.summary),
        (None, Some(price)) => format!("{} ({price} per call)", model.summary),
        (None, None) => model.summary.to_owned(),
    }
}

/// The long about of a model's subcommand, shown by `--help`.
pub fn model_long_about(model: &ModelInfo) -> String {
    let latency = latency_text(model).unwrap_or_else(|| "not published".to_owned());
    let price = price_text(model)
        .map(|p| format!("{p} per call"))
        .unwrap_or_else(|| "not published".to_owned());
    format!(
        "{title}: {summary}\n\
         \n\
         Typical latency: {latency}. Typical price: {price}.\n\
         Calls POST /v1{path} and waits for {what}, or POST /v2{path} with --async.\n\
         \n\
         Media inputs take a local file (uploaded first, or sent inline with --inline-media) \
         or an http, https or data URL. Options left out are not sent: Segmind applies the \
         defaults shown.",
        title = model.title,
        summary = model.summary,
        path = model.request_path(),
        what = output_noun(model.output),
    )
}

/// What a model's v1 call waits for: `the video`, `the image`, `the audio`,
/// `the JSON answer`, `the chat reply`.
fn output_noun(kind: segmind_runtime::OutputKind) -> &'static str {
    match kind {
        segmind_runtime::OutputKind::Image => "the image",
        segmind_runtime::OutputKind::Audio => "the audio",
        segmind_runtime::OutputKind::Json => "the JSON answer",
        segmind_runtime::OutputKind::Chat(_) => "the chat reply",
        _ => "the video",
    }
}

/// An example command line with every required input, for the end of a
/// model's `--help`. `flags` gives each field's long flag.
pub fn model_example<'a>(
    subcommand: &str,
    flags: impl IntoIterator<Item = (&'a FieldInfo, &'a str)>,
) -> String {
    let mut line = format!("segmind {subcommand}");
    for (field, flag) in flags {
        if field.required {
            line.push_str(&format!(" --{flag} {}", example_value(field)));
        }
    }
    format!("Example:\n  {line} --out out.mp4")
}

/// A placeholder value for a field in an example command line.
fn example_value(field: &FieldInfo) -> String {
    if let Some(first) = field.allowed.first() {
        return shell_quote(first.value);
    }
    let number = || {
        field
            .minimum
            .map(|m| m.as_f64().to_string())
            .unwrap_or_else(|| "1".to_owned())
    };
    match field.kind {
        FieldKind::Media(MediaKind::Image) => "image.png".to_owned(),
        FieldKind::Media(MediaKind::Audio) => "audio.mp3".to_owned(),
        FieldKind::Media(MediaKind::Video) => "video.mp4".to_owned(),
        FieldKind::String => "'...'".to_owned(),
        FieldKind::Integer | FieldKind::Number => number(),
        FieldKind::Boolean => "true".to_owned(),
        FieldKind::List(item) => example_value(item),
        FieldKind::Object(_) => "'{...}'".to_owned(),
    }
}

/// The placeholder of a field's value in usage lines (`<NUMBER>`).
pub fn value_name(field: &FieldInfo) -> &'static str {
    match field.kind {
        FieldKind::List(item) => value_name(item),
        FieldKind::Object(_) => "JSON",
        FieldKind::Media(MediaKind::Image) => "IMAGE",
        FieldKind::Media(MediaKind::Audio) => "AUDIO",
        FieldKind::Media(MediaKind::Video) => "VIDEO",
        FieldKind::Integer => "INT",
        FieldKind::Number => "NUMBER",
        FieldKind::Boolean => "BOOL",
        FieldKind::String => "TEXT",
    }
}

/// The server's default as people read it: a JSON string without quotes,
/// anything else as written.
pub fn default_text(field: &FieldInfo) -> Option<String> {
    let written = field.default?;
    match serde_json::from_str::<serde_json::Value>(written) {
        Ok(serde_json::Value::String(text)) => Some(text),
        _ => Some(written.to_owned()),
    }
}

/// The bounds of a number field, as `0 to 10`, `at least 0` or `at most 10`,
/// with exclusive bounds (`above 0`, `below 1`) and a multiple (`multiple
/// of 8`).
pub fn range_text(field: &FieldInfo) -> Option<String> {
    let mut parts = Vec::new();
    let number = |limit: Option<segmind_runtime::Limit>| limit.map(segmind_runtime::Limit::as_f64);
    match (number(field.minimum), number(field.maximum)) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max}")),
        (Some(min), None) => parts.push(format!("at least {min}")),
        (None, Some(max)) => parts.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(min) = number(field.exclusive_minimum) {
        parts.push(format!("above {min}"));
    }
    if let Some(max) = number(field.exclusive_maximum) {
        parts.push(format!("below {max}"));
    }
    if let Some(m) = number(field.multiple_of) {
        parts.push(format!("multiple of {m}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The other limits of a field, one phrase each: string lengths and
/// pattern, list lengths, and for a list the limits of its items.
pub fn limit_texts(field: &FieldInfo) -> Vec<String> {
    let mut parts = Vec::new();
    match (field.min_length, field.max_length) {
        (Some(lo), Some(hi)) => parts.push(format!("{lo} to {hi} characters")),
        (Some(lo), None) => parts.push(format!("at least {lo} characters")),
        (None, Some(hi)) => parts.push(format!("at most {hi} characters")),
        (None, None) => {}
    }
    if let Some(pattern) = field.pattern {
        parts.push(format!("matching {pattern}"));
    }
    match (field.min_items, field.max_items) {
        (Some(lo), Some(hi)) => parts.push(format!("{lo} to {hi} items")),
        (Some(1), None) => parts.push("at least 1 item".to_owned()),
        (Some(lo), None) => parts.push(format!("at least {lo} items")),
        (None, Some(hi)) => parts.push(format!("at most {hi} items")),
        (None, None) => {}
    }
    if field.nullable {
        parts.push("may be null".to_owned());
    }
    if let FieldKind::List(item) = field.kind {
        let mut each: Vec<String> = range_text(item).into_iter().collect();
        each.extend(limit_texts(item));
        if let FieldKind::Media(kind) = item.kind {
            each.push(format!("{kind} (local file or URL)"));
        }
        if !item.allowed.is_empty() {
            let values: Vec<&str> = item.allowed.iter().map(|v| v.value).collect();
            each.push(format!("one of {}", values.join(", ")));
        }
        if !each.is_empty() {
            parts.push(format!("each item {}", each.join(", ")));
        }
    }
    parts
}

/// The shape of an object (or a list of objects) field: its keys, each
/// with its kind, for `--help`.
pub fn object_shape(fields: &[FieldInfo]) -> String {
    let keys: Vec<String> = fields
        .iter()
        .map(|f| {
            let required = if f.required { "" } else { "?" };
            let kind = match f.kind {
                FieldKind::Object(inner) => object_shape(inner),
                FieldKind::List(item) => match item.kind {
                    FieldKind::Object(inner) => format!("[{}]", object_shape(inner)),
                    _ => format!("[{}]", value_name(item).to_ascii_lowercase()),
                },
                _ if !f.allowed.is_empty() => {
                    let values: Vec<&str> = f.allowed.iter().map(|v| v.value).collect();
                    let more = if f.open { "|..." } else { "" };
                    format!("{}{more}", values.join("|"))
                }
                _ => value_name(f).to_ascii_lowercase(),
            };
            format!("{}{required}: {kind}", f.name)
        })
        .collect();
    format!("{{{}}}", keys.join(", "))
}

/// The one-paragraph help of a field, shown by `-h`.
pub fn field_help(field: &FieldInfo) -> String {
    let mut parts = vec![field.description.trim().to_owned()];
    if field.required && field.default.is_none() {
        parts.push("[required unless --json-input gives it]".to_owned());
    }
    if let FieldKind::Media(kind) = field.kind {
        parts.push(format!("[{kind}: local file or URL]"));
    }
    if let Some(default) = default_text(field) {
        parts.push(format!("[default: {default}]"));
    }
    if let Some(range) = range_text(field) {
        parts.push(format!("[range: {range}]"));
    }
    for limit in limit_texts(field) {
        parts.push(format!("[{limit}]"));
    }
    if matches!(field.kind, FieldKind::List(_)) {
        parts.push("[repeatable]".to_owned());
    }
    if field.open && !field.allowed.is_empty() {
        parts.push(format!(
            "[any value; {} known ones in --help]",
            field.allowed.len()
        ));
    }
    parts.retain(|part| !part.is_empty());
    parts.join(" ")
}

/// The full help of a field, shown by `--help`: the description, then one
/// line each for the media kind, default, range and known values. A closed
/// set's values are listed by clap itself.
pub fn field_long_help(field: &FieldInfo) -> String {
    let mut lines = Vec::new();
    if !field.description.trim().is_empty() {
        lines.push(field.description.trim().to_owned());
        lines.push(String::new());
    }
    if field.required && field.default.is_none() {
        lines.push("Required (unless --json-input gives it).".to_owned());
    }
    if let FieldKind::Media(kind) = field.kind {
        lines.push(format!(
            "{}: a local file (uploaded first, or inlined with --inline-media) or an http, https or data URL.",
            capitalised(kind.as_str())
        ));
    }
    if let Some(default) = default_text(field) {
        if field.required {
            lines.push(format!(
                "Default (sent when the flag is left out): {default}"
            ));
        } else {
            lines.push(format!(
                "Default (applied by the server when unset): {default}"
            ));
        }
    }
    if let Some(range) = range_text(field) {
        lines.push(format!("Range: {range}"));
    }
    for limit in limit_texts(field) {
        lines.push(format!("Limit: {limit}"));
    }
    match field.kind {
        FieldKind::List(item) => {
            lines.push("A list: give the flag once per item.".to_owned());
            if let FieldKind::Object(fields) = item.kind {
                lines.push(format!(
                    "Each item is JSON: {} (`?`: optional)",
                    object_shape(fields)
                ));
            }
        }
        FieldKind::Object(fields) => {
            lines.push(format!("JSON: {} (`?`: optional)", object_shape(fields)))
        }
        _ => {}
    }
    if field.open && !field.allowed.is_empty() {
        lines.push("Known values (any other value is accepted too):".to_owned());
        let width = field
            .allowed
            .iter()
            .map(|v| v.value.len())
            .max()
            .unwrap_or(0);
        for value in field.allowed {
            lines.push(format!("  {:<width$}  {}", value.value, value.name));
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use segmind_runtime::AllowedValue;

    use super::*;

    const WEIGHT: FieldInfo = FieldInfo {
        description: "Weight of the pose.",
        default: Some("1.4"),
        minimum: Some(segmind_runtime::Limit::Int(0)),
        maximum: Some(segmind_runtime::Limit::Int(10)),
        ..FieldInfo::new("pose_weight", FieldKind::Number)
    };

    const VOICE: FieldInfo = FieldInfo {
        description: "Voice.",
        default: Some("\"abc\""),
        allowed: &[
            AllowedValue {
                value: "v1",
                name: "Onyx",
            },
            AllowedValue {
                value: "v22",
                name: "Coral",
            },
        ],
        open: true,
        ..FieldInfo::new("voice_id", FieldKind::String)
    };

    #[test]
    fn short_help_has_default_and_range() {
        assert_eq!(
            field_help(&WEIGHT),
            "Weight of the pose. [default: 1.4] [range: 0 to 10]"
        );
        assert_eq!(
            field_help(&VOICE),
            "Voice. [default: abc] [any value; 2 known ones in --help]"
        );
    }

    #[test]
    fn long_help_lists_known_values_of_open_sets() {
        let text = field_long_help(&VOICE);
        assert!(
            text.contains("Default (applied by the server when unset): abc"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "Known values (any other value is accepted too):\n  v1   Onyx\n  v22  Coral"
            ),
            "{text}"
        );
    }

    #[test]
    fn about_shows_latency_and_price_when_known() {
        let model = ModelInfo {
            slug: "m",
            path: None,
            title: "M",
            summary: "Makes videos.",
            rust_name: "m",
            typical_latency_seconds: Some(303.27),
            typical_price_usd: Some(0.421),
            output: segmind_runtime::OutputKind::Video,
            fields: &[],
        };
        assert_eq!(
            model_about(&model),
            "Makes videos. (~303 s, ~$0.421 per call)"
        );
        let unknown = ModelInfo {
            typical_latency_seconds: None,
            typical_price_usd: None,
            output: segmind_runtime::OutputKind::Video,
            ..model
        };
        assert_eq!(model_about(&unknown), "Makes videos.");
        assert!(model_long_about(&unknown).contains("Typical latency: not published."));
        assert!(model_long_about(&unknown).contains("POST /v1/m and"));
    }

    #[test]
    fn long_about_shows_the_models_own_request_path() {
        let model = ModelInfo {
            slug: "m",
            path: Some("/fam/m"),
            title: "M",
            summary: "Makes videos.",
            rust_name: "m",
            typical_latency_seconds: None,
            typical_price_usd: None,
            output: segmind_runtime::OutputKind::Video,
            fields: &[],
        };
        let text = model_long_about(&model);
        assert!(
            text.contains(
                "Calls POST /v1/fam/m and waits for the video, or POST /v2/fam/m with --async."
            ),
            "{text}"
        );
    }

    #[test]
    fn example_uses_required_fields_only() {
        let image = FieldInfo {
            name: "image",
            required: true,
            kind: FieldKind::Media(MediaKind::Image),
            ..WEIGHT
        };
        let text = model_example("m", [(&image, "image"), (&WEIGHT, "pose-weight")]);
        assert_eq!(
            text,
            "Example:\n  segmind m --image image.png --out out.mp4"
        );
    }
}
