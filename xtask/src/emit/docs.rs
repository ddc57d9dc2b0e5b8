//! Rustdoc for generated items: one `#[doc]` attribute per line (so
//! prettyplease prints `///` lines), and the shared wording of defaults,
//! ranges, allowed values, latency and price.
//!
//! Text from a schema file may hold any Unicode. Two layers keep what it
//! gives safe:
//!
//! - [`outer`] and [`inner`] make every line something rustc and clippy take
//!   in a `///` comment: any line break (CR, CRLF, NEL, U+2028, U+2029) ends
//!   the line, a tab becomes a space, and every other control character and
//!   every bidirectional control (which rustc refuses in comments) is written
//!   as a visible escape (`\u0000`, `\u202e`);
//! - [`prose`], [`inline`] and [`value_text`] keep schema text from changing
//!   the structure of the Markdown around it: no code block (which rustdoc
//!   would compile as a doctest), no HTML, no intra-doc link, no bare URL.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::escape;
use crate::ir::{Field, FieldType, Model, Shape};

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

/// Whether `c` ends a line (CR and CRLF too, and the Unicode line breaks).
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The lines of `text`, split at every kind of line break (CRLF is one).
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_line_break(c) {
            lines.push(&text[start..i]);
            let mut end = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(j, '\n')) = chars.peek() {
                    chars.next();
                    end = j + 1;
                }
            }
            start = end;
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// The text of one doc attribute per line of `text` (what [`outer`] and
/// [`inner`] emit), for a doc attribute of another form (`cfg_attr`).
pub fn lines(text: &str) -> Vec<String> {
    split_lines(text)
        .into_iter()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {}", comment_safe(l))
            }
        })
        .collect()
}

/// One line of a doc comment with nothing rustc or clippy refuses in one: a
/// tab becomes a space (clippy's `tabs_in_doc_comments`), other control
/// characters and bidirectional controls become visible escapes.
fn comment_safe(line: &str) -> String {
    escape::unprintable(&line.replace('\t', " "))
}

/// Schema text (a description, a summary) as Markdown paragraphs: each line
/// of it a paragraph of its own, trimmed (so no indented code block), with
/// [`markdown_line`] keeping it from opening a code block, HTML or a link.
pub fn prose(text: &str) -> String {
    let paragraphs: Vec<String> = split_lines(text)
        .into_iter()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(markdown_line)
        .collect();
    paragraphs.join("\n\n")
}

/// Schema text (a title) on one line, for a sentence or a heading: its lines
/// joined with spaces, made safe as [`prose`] is.
pub fn inline(text: &str) -> String {
    let words: Vec<&str> = split_lines(text)
        .into_iter()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    markdown_line(&words.join(" "))
}

/// Schema text in a cell of a Markdown table: [`inline`] with `|` escaped.
pub fn table_cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

/// One trimmed line of schema text as Markdown that keeps its inline marks
/// (code spans, emphasis) but cannot open a fenced code block (which rustdoc
/// would compile), start HTML, make a link (an unresolved intra-doc link is a
/// rustdoc warning) or leave a bare URL (a rustdoc warning too). Code spans
/// and the writer's own backslash escapes are kept as they are.
fn markdown_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    if line.starts_with("```") || line.starts_with("~~~") {
        out.push('\\');
    }
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let taken = if c == '`' {
            // A code span: a run of backticks up to the next run of the same
            // length; an unmatched run is literal text.
            let run = rest.len() - rest.trim_start_matches('`').len();
            let taken = closing_run(&rest[run..], run).map_or(run, |end| run + end + run);
            out.push_str(&rest[..taken]);
            taken
        } else if let Some(url) = url_at(rest) {
            out.push('<');
            out.push_str(url);
            out.push('>');
            url.len()
        } else if c == '\\' {
            // The writer's own escape of a punctuation character stays one.
            let escaped = rest[1..].chars().next().filter(char::is_ascii_punctuation);
            let taken = 1 + escaped.map_or(0, char::len_utf8);
            out.push_str(&rest[..taken]);
            taken
        } else {
            if matches!(c, '<' | '[') {
                out.push('\\');
            }
            out.push(c);
            c.len_utf8()
        };
        rest = &rest[taken..];
    }
    out
}

/// The URL that `text` starts with, without trailing punctuation, if it
/// starts with one (`http://` or `https://` and something after it).
fn url_at(text: &str) -> Option<&str> {
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|s| text.starts_with(s))?;
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '`' | '"'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
    (url.len() > scheme.len()).then_some(url)
}

/// Where in `text` a run of exactly `run` backticks starts, if one does.
fn closing_run(text: &str, run: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'`' {
                i += 1;
            }
            if i - start == run {
                return Some(start);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// `text` as a Markdown code span that shows it exactly: fenced with more
/// backticks than it holds in a row, padded when it starts or ends with a
/// backtick or a space, its unprintable characters escaped (`\n`, `\u2028`).
pub fn code_span(text: &str) -> String {
    if text.is_empty() {
        return "`\"\"`".to_owned();
    }
    let text = escape::unprintable(text);
    let mut longest = 0;
    let mut current = 0;
    for c in text.chars() {
        current = if c == '`' { current + 1 } else { 0 };
        longest = longest.max(current);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// `Title: Summary.`: what a model is, as the first line of its docs.
pub fn headline(model: &Model) -> String {
    format!(
        "{}: {}",
        inline(&model.title),
        prose(&ensure_period(&model.summary))
    )
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

/// What a model's output kind means for its generated code and docs.
pub struct OutputDocs {
    /// The runtime type a v1 call returns (`Video`).
    pub type_name: &'static str,
    /// What the call waits for (`the video`).
    pub noun: &'static str,
    /// An article and the noun, for the module docs (`a video`).
    pub short: &'static str,
    /// The file extension the example saves to, if the output is a file.
    pub extension: Option<&'static str>,
}

/// The docs and types of `model`'s output kind (the schema's `output`).
pub fn output_kind(model: &Model) -> OutputDocs {
    match model.output.as_str() {
        "image" => OutputDocs {
            type_name: "Image",
            noun: "the image",
            short: "an image",
            extension: Some("jpg"),
        },
        "audio" => OutputDocs {
            type_name: "Audio",
            noun: "the audio",
            short: "an audio file",
            extension: Some("mp3"),
        },
        "chat" => OutputDocs {
            type_name: "ChatOutput",
            noun: "the chat reply",
            short: "a chat reply",
            extension: None,
        },
        "json" => OutputDocs {
            type_name: "JsonOutput",
            noun: "the JSON answer",
            short: "JSON",
            extension: None,
        },
        _ => OutputDocs {
            type_name: "Video",
            noun: "the video",
            short: "a video",
            extension: Some("mp4"),
        },
    }
}

/// A value as a reader sees it: a code span, strings without JSON quotes.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => code_span(s),
        other => code_span(&escape::json(other)),
    }
}

/// The rustdoc of one field: description, then what the schema says of it.
pub fn field_doc(field: &Field) -> String {
    let mut doc = prose(&ensure_period(&field.description));
    let mut facts = shape_facts(&field.shape);
    if field.nullable {
        facts.push("May also be sent as `null` (its `_null` setter).".to_owned());
    }
    if let Some(default) = &field.default {
        if field.required {
            facts.push(format!(
                "Default: {} (required: sent with every call, at this value unless set).",
                value_text(default)
            ));
        } else {
            facts.push(format!(
                "Default (applied by the server when unset): {}.",
                value_text(default)
            ));
        }
    }
    if let Some(example) = field.examples.first() {
        facts.push(format!("Example: {}.", value_text(example)));
    }
    if !facts.is_empty() {
        doc.push(' ');
        doc.push_str(&facts.join(" "));
    }
    doc
}

/// What the schema says of a value of `shape`, one sentence each.
fn shape_facts(shape: &Shape) -> Vec<String> {
    let mut facts = Vec::new();
    let l = &shape.limits;
    match &shape.ty {
        FieldType::Media(kind) => facts.push(format!(
            "Media ({kind}): a URL (a string is always one), or a local file given with `Media::file`, uploaded before the request."
        )),
        FieldType::List(item) => {
            let count = match (l.min_items, l.max_items) {
                (Some(lo), Some(hi)) => format!(", {lo} to {hi} items"),
                (Some(1), None) => ", at least 1 item".to_owned(),
                (Some(lo), None) => format!(", at least {lo} items"),
                (None, Some(hi)) => format!(", at most {hi} items"),
                (None, None) => String::new(),
            };
            let inner = shape_facts(item);
            let what = if inner.is_empty() {
                String::new()
            } else {
                format!(" Each item: {}", inner.join(" "))
            };
            facts.push(format!("A list{count}.{what}"));
        }
        FieldType::Object(def) => {
            facts.push(format!("An object: [`{}`].", def.type_name));
        }
        _ => {}
    }
    match (&l.minimum, &l.maximum) {
        (Some(lo), Some(hi)) => facts.push(format!("Range: {lo} to {hi}.")),
        (Some(lo), None) => facts.push(format!("Minimum: {lo}.")),
        (None, Some(hi)) => facts.push(format!("Maximum: {hi}.")),
        (None, None) => {}
    }
    if let Some(lo) = &l.exclusive_minimum {
        facts.push(format!("Above {lo} (exclusive)."));
    }
    if let Some(hi) = &l.exclusive_maximum {
        facts.push(format!("Below {hi} (exclusive)."));
    }
    if let Some(m) = &l.multiple_of {
        facts.push(format!("A multiple of {m}."));
    }
    match (l.min_length, l.max_length) {
        (Some(lo), Some(hi)) => facts.push(format!("Length: {lo} to {hi} characters.")),
        (Some(1), None) => facts.push("At least 1 character.".to_owned()),
        (Some(lo), None) => facts.push(format!("At least {lo} characters.")),
        (None, Some(hi)) => facts.push(format!("At most {hi} characters.")),
        (None, None) => {}
    }
    if let Some(p) = &l.pattern {
        facts.push(format!("Matches the pattern {}.", code_span(p)));
    }
    if let FieldType::Enum(def) = &shape.ty {
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
    facts
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_break_ends_a_line() {
        assert_eq!(
            split_lines("a\r\nb\rc\nd\u{2028}e\u{2029}f\u{85}g"),
            ["a", "b", "c", "d", "e", "f", "g"]
        );
        assert_eq!(split_lines("a\n\nb\r\n"), ["a", "", "b"]);
        assert_eq!(lines("x\r\u{0}\u{202e}\ty"), [" x", " \\u0000\\u202e y"]);
    }

    #[test]
    fn schema_text_cannot_open_a_code_block_html_or_a_link() {
        assert_eq!(
            prose("a\n```\nfn main() {}\n```\n    indented\n~~~"),
            "a\n\n\\```\n\nfn main() {}\n\n\\```\n\nindented\n\n\\~~~"
        );
        assert_eq!(
            prose("<pre> [link](x) \\[kept\\] `a<b [c]` see https://x.test/a."),
            "\\<pre> \\[link](x) \\[kept\\] `a<b [c]` see <https://x.test/a>."
        );
        assert_eq!(prose("an ``odd` one"), "an ``odd` one");
        assert_eq!(table_cell("A | B\nC"), "A \\| B C");
    }

    #[test]
    fn values_are_code_spans_that_show_them_exactly() {
        assert_eq!(code_span("crop"), "`crop`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a``"), "``` `a`` ```");
        assert_eq!(code_span(" a "), "`  a  `");
        assert_eq!(code_span("a\nb\u{2028}"), "`a\\nb\\u2028`");
        assert_eq!(code_span(""), "`\"\"`");
        assert_eq!(value_text(&serde_json::json!(1.5)), "`1.5`");
    }
}
