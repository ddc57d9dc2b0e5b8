//! Rustdoc for generated items: one `#[doc]` attribute per line (so
//! prettyplease prints `///` lines), and the shared wording of defaults,
//! ranges, allowed values, latency and price.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::ir::{Field, FieldType, Model};

/// Outer doc attributes, one per line of `text`.
pub fn outer(text: &str) -> TokenStream {
    let lines = lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// Inner doc attributes (`//!`), one per line of `text`.
pub fn inner(text: &str) -> TokenStream {
    let lines = lines(text);
    quote! { #( #![doc = #lines] )* }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect()
}

/// `~303.27 s, ~$0.421 per call`, or what of it is known.
pub fn cost_line(model: &Model) -> Option<String> {
    let parts: Vec<String> = [
        model.latency.map(|s| format!("typically ~{s} s")),
        model.price.map(|p| format!("~${p} per call")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A value as a reader sees it: strings unquoted in backticks.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// The rustdoc of one field: description, then what the schema says of it.
pub fn field_doc(field: &Field) -> String {
    let mut doc = ensure_period(&field.description);
    let mut facts = Vec::new();
    if let FieldType::Media(kind) = &field.ty {
        facts.push(format!(
            "Media ({kind}): a URL, or a local file that is uploaded before the request."
        ));
    }
    match (&field.minimum, &field.maximum) {
        (Some(lo), Some(hi)) => facts.push(format!("Range: {lo} to {hi}.")),
        (Some(lo), None) => facts.push(format!("Minimum: {lo}.")),
        (None, Some(hi)) => facts.push(format!("Maximum: {hi}.")),
        (None, None) => {}
    }
    if let FieldType::Enum(def) = &field.ty {
        let values: Vec<String> = def.variants.iter().map(|v| value_text(&v.value)).collect();
        if def.open {
            facts.push(format!(
                "Known values: {}; any other string is accepted too.",
                values.join(", ")
            ));
        } else {
            facts.push(format!("Allowed values: {}.", values.join(", ")));
        }
    }
    if let Some(default) = &field.default {
        facts.push(format!(
            "Default (applied by the server when unset): {}.",
            value_text(default)
        ));
    }
    if let Some(example) = field.examples.first() {
        facts.push(format!("Example: {}.", value_text(example)));
    }
    if !facts.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&facts.join("\n"));
    }
    doc
}

/// `text` ending with a full stop.
pub fn ensure_period(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}
