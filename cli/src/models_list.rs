//! `segmind models`: every model of the registry with its subcommand, title,
//! output kind, typical latency and price and summary, as a table or as JSON.

use segmind_runtime::ModelInfo;
use serde_json::{json, Value};

use crate::command::subcommand_name;
use crate::help_text::{latency_text, price_text};
use crate::output;

/// Prints the list: a table, or a JSON array with `json`.
pub fn print(models: &[&ModelInfo], json: bool) {
    if json {
        output::stdout_json(&to_json(models));
    } else {
        output::stdout(&table(models));
    }
}

/// The models as a JSON array.
pub fn to_json(models: &[&ModelInfo]) -> Value {
    Value::Array(
        models
            .iter()
            .map(|model| {
                json!({
                    "slug": model.slug,
                    "command": subcommand_name(model),
                    "title": model.title,
                    "output": model.output.as_str(),
                    "summary": model.summary,
                    "typical_latency_seconds": model.typical_latency_seconds,
                    "typical_price_usd": model.typical_price_usd,
                })
            })
            .collect(),
    )
}

/// The models as an aligned table with a header line.
pub fn table(models: &[&ModelInfo]) -> String {
    let na = || "n/a".to_owned();
    let mut rows = vec![[
        "MODEL".to_owned(),
        "TITLE".to_owned(),
        "OUTPUT".to_owned(),
        "LATENCY".to_owned(),
        "PRICE".to_owned(),
        "SUMMARY".to_owned(),
    ]];
    for model in models {
        rows.push([
            subcommand_name(model),
            model.title.to_owned(),
            model.output.as_str().to_owned(),
            latency_text(model).unwrap_or_else(na),
            price_text(model).unwrap_or_else(na),
            model.summary.to_owned(),
        ]);
    }
    let mut widths = [0usize; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in &rows {
        for (width, cell) in widths.iter().zip(row.iter()) {
            text.push_str(&format!("{cell:<width$}  "));
        }
        text.push_str(&row[5]);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: ModelInfo = ModelInfo {
        slug: "m-1",
        path: None,
        title: "M One",
        summary: "Makes videos.",
        rust_name: "m_1",
        typical_latency_seconds: Some(119.2),
        typical_price_usd: None,
        output: segmind_runtime::OutputKind::Video,
        fields: &[],
    };

    #[test]
    fn table_is_aligned() {
        assert_eq!(
            table(&[&MODEL]),
            "MODEL  TITLE  OUTPUT  LATENCY  PRICE  SUMMARY\nm-1    M One  video   ~119 s   n/a    Makes videos.\n"
        );
    }

    #[test]
    fn json_keeps_unknowns_as_null() {
        let list = to_json(&[&MODEL]);
        assert_eq!(list[0]["slug"], "m-1");
        assert_eq!(list[0]["output"], "video");
        assert_eq!(list[0]["typical_latency_seconds"], 119.2);
        assert_eq!(list[0]["typical_price_usd"], Value::Null);
    }
}
