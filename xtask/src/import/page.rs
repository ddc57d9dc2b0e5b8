//! Reading a model page's text: the header (title, summary, latency, price),
//! the sample request, the endpoint (the slug: its last path segment; and
//! the request path when it has more segments than the slug), the
//! parameter list and the output kind. This module only splits the page into what it says; what the
//! words mean for the model file is decided in `draft`.
//!
//! The parameter list comes in several layouts, all read by one scan: a
//! field starts where `<name>required|optional<type>` stands, with nothing or
//! a line break between the three parts (`input_audiorequired\nstring (uri)`,
//! `input_audio\nrequiredstring (uri)`, `first_frame_imagerequiredstring
//! (uri)`), or spaces when the name starts its line. The name may be glued to
//! the end of the field before (`6610go_fast`, `Range: 0 - 45preprocess`,
//! `falseprompt_optimizer`): digits before it belong to the field before, and
//! a glued `true`/`false`/`null` is split off by `draft` with the sample's
//! help.

use std::sync::OnceLock;

use regex::Regex;

use super::sample::{self, Sample};
use super::PageError;

/// One value as the page writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A quoted string, with the label written before it (`Onyx"26b2..."`).
    Str {
        /// The text between the quotes.
        value: String,
        /// The text before the opening quote on its line, if any.
        label: Option<String>,
    },
    /// A number as written (`6610` may be several numbers run together).
    Num(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// Unquoted text (a default written without quotes).
    Word(String),
}

/// An `Allowed values` list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueList {
    /// The listed values.
    pub toks: Vec<Tok>,
    /// `(N total)`, when the page says it.
    pub total: Option<usize>,
    /// `+N more`, when the page says it.
    pub more: Option<usize>,
}

/// One field of the parameter list, as the page writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The field name.
    pub name: String,
    /// The 1-based page line where the field starts.
    pub line: usize,
    /// Whether the page says `required`.
    pub required: bool,
    /// The type as written (`string (uri)`, `integer`, ...).
    pub ty: String,
    /// The description, whitespace collapsed.
    pub description: String,
    /// `Default: X`.
    pub default: Option<Tok>,
    /// `Range: lo - hi`, as written.
    pub range: Option<(String, String)>,
    /// `Allowed values ...`.
    pub list: Option<ValueList>,
    /// Values written after the description without a label (the compact
    /// layout: the default, then the allowed values).
    pub blob: Vec<Tok>,
    /// Text at the end of the field that could not be read as anything.
    pub leftover: Option<String>,
}

/// What a page says.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The first line.
    pub title: String,
    /// The lines between the title and the latency, price or code.
    pub summary: String,
    /// The endpoint URL's last path segment.
    pub slug: String,
    /// The endpoint's path after the version (`/<prefix>/<slug>` for
    /// `https://api.segmind.com/v1/<prefix>/<slug>`), when it is not just
    /// `/<slug>`.
    pub path: Option<String>,
    /// `~303.27s`.
    pub latency: Option<f64>,
    /// The latency line as written.
    pub latency_text: Option<String>,
    /// The price lines (`~$0.421`, `$0.05 per generation`, `$0.05 - $0.10`):
    /// every dollar amount of the first one.
    pub prices: Vec<f64>,
    /// The price line as written.
    pub price_text: Option<String>,
    /// `Returns: X`, with its line.
    pub output: Option<(String, usize)>,
    /// The parameter list, in page order.
    pub params: Vec<Param>,
    /// The sample request.
    pub sample: Option<Sample>,
    /// Why the sample request could not be read, with its line.
    pub sample_error: Option<(usize, String)>,
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| unreachable!("bad regex: {e}")))
}

fn header_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?P<name>[A-Za-z0-9_]+)(?P<sep1>[ \t]*\n\s*|[ \t]+)?(?P<req>required|optional)(?P<sep2>[ \t]*\n\s*|[ \t]+)?(?P<ty>string \(uri\)|string\[\]|string|integer|number|boolean|array(?:<[a-z]+>| of [a-z]+)?|object|float|int|list)",
    )
}

fn endpoint_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"https://api\.segmind\.com/v[12]((?:/[a-z0-9][a-z0-9.\-]*)+)",
    )
}

/// 1-based line of byte offset `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.get(..at.min(text.len()))
        .map(|t| t.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// Reads a page's text. `source` names the page in errors.
pub fn read(text: &str, source: &str) -> Result<Page, PageError> {
    let err = |line: Option<usize>, message: String| PageError {
        source: source.to_owned(),
        line,
        message,
    };
    if text.trim().is_empty() {
        return Err(err(None, "the page is empty".into()));
    }
    // The endpoint: the sample's `url = "..."`, else the API Endpoint line.
    // (`/v2/requests/...`, a job's status or result, is no model's endpoint.)
    let Some(endpoint) = endpoint_re().captures_iter(text).find(|c| {
        c.get(1)
            .is_some_and(|m| m.as_str() != "/requests" && !m.as_str().starts_with("/requests/"))
    }) else {
        return Err(err(
            None,
            "no Segmind endpoint (https://api.segmind.com/v1/<slug>) on the page: is it a Segmind model's API page?".into(),
        ));
    };
    let endpoint_at = endpoint.get(0).map_or(0, |m| m.start());
    let mut segments: Vec<String> = endpoint
        .get(1)
        .map(|m| m.as_str())
        .unwrap_or_default()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    // A path glued to the next word ("hailuo-2.3-fastParameters") stops at
    // the capital; a lower-case glued word cannot be told apart, so the
    // sample's quoted URL (found first, it stands before the endpoint line)
    // is preferred. Either way a trailing dot or dash is no part of it.
    if let Some(last) = segments.last_mut() {
        while last.ends_with(['.', '-']) {
            last.pop();
        }
    }
    // The slug is the endpoint's last segment; segments before it make the
    // request path (`/v1/<prefix>/<slug>`).
    let slug = segments.last().cloned().unwrap_or_default();
    let path = (segments.len() > 1).then(|| format!("/{}", segments.join("/")));

    let sample_found = sample::find(text);
    let (sample, sample_error) = match sample_found {
        Ok(s) => (s, None),
        Err(e) => (None, Some(e)),
    };

    // The header: before the code (`import requests`, `data = {`) or the
    // endpoint section.
    let lines: Vec<&str> = text.lines().collect();
    let header_end = lines
        .iter()
        .position(|l| {
            let t = l
                .trim_start()
                .trim_start_matches(|c: char| c.is_ascii_digit());
            t.starts_with("import ")
                || t.starts_with("data = {")
                || t.starts_with("API Endpoint")
                || t.starts_with("Parameters")
                || t.contains("https://api.segmind.com/")
        })
        .unwrap_or(lines.len());
    let mut title = None;
    let mut summary: Vec<&str> = Vec::new();
    let mut latency = None;
    let mut latency_text = None;
    let mut prices = Vec::new();
    let mut price_text = None;
    for line in &lines[..header_end] {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if title.is_none() {
            title = Some(t.to_owned());
            continue;
        }
        if let Some(l) = read_latency(t) {
            if latency.is_none() {
                latency = Some(l);
                latency_text = Some(t.to_owned());
            }
            continue;
        }
        if t.contains('$') {
            let amounts = read_prices(t);
            if !amounts.is_empty() {
                if prices.is_empty() {
                    prices = amounts;
                    price_text = Some(t.to_owned());
                }
                continue;
            }
        }
        if latency.is_none() && prices.is_empty() {
            summary.push(t);
        }
    }
    let Some(title) = title else {
        return Err(err(
            None,
            "no title: the page starts with its code or endpoint".into(),
        ));
    };

    // The parameter list: from "Parameters" after the "API Endpoint" label
    // (or, without one, after the last endpoint URL) to "Response Type" /
    // "Returns:".
    let anchor = text.find("API Endpoint").unwrap_or_else(|| {
        text.match_indices("https://api.segmind.com/")
            .map(|(i, _)| i)
            .last()
            .unwrap_or(endpoint_at)
    });
    let Some(params_at) = text[anchor..].find("Parameters").map(|i| i + anchor) else {
        return Err(err(
            Some(line_of(text, anchor)),
            "no \"Parameters\" after the endpoint: the page is cut short or not a model's API page"
                .into(),
        ));
    };
    let section_start = params_at + "Parameters".len();
    let rest = &text[section_start..];
    let end = ["Response Type", "Returns:", "Common Error Codes"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min();
    let Some(end) = end else {
        return Err(err(
            Some(line_of(text, text.len())),
            "the parameter list does not end (no \"Response Type\" or \"Returns:\" after it): the page is cut short".into(),
        ));
    };
    let section = &rest[..end];
    let params = read_params(section, text, section_start);
    if params.is_empty() {
        return Err(err(
            Some(line_of(text, params_at)),
            "no field under \"Parameters\" (a field reads `<name> required|optional <type>`)"
                .into(),
        ));
    }
    let output = text[section_start + end..].find("Returns:").map(|i| {
        let at = section_start + end + i;
        let word: String = text[at + "Returns:".len()..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '/')
            .collect();
        (word, line_of(text, at))
    });

    Ok(Page {
        title,
        summary: summary.join(" "),
        slug,
        path,
        latency,
        latency_text,
        prices,
        price_text,
        output,
        params,
        sample,
        sample_error,
    })
}

fn read_latency(line: &str) -> Option<f64> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &R,
        r"^~?\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds|min|mins|minutes)\b\.?$",
    );
    let c = r.captures(line)?;
    let n: f64 = c.get(1)?.as_str().parse().ok()?;
    let unit = c.get(2)?.as_str();
    Some(if unit.starts_with('m') { n * 60.0 } else { n })
}

fn read_prices(line: &str) -> Vec<f64> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"\$\s*(\d+(?:\.\d+)?)");
    r.captures_iter(line)
        .filter_map(|c| c.get(1)?.as_str().parse().ok())
        .collect()
}

/// The fields of the parameter section `section`, which starts at byte
/// `offset` of `text`.
fn read_params(section: &str, text: &str, offset: usize) -> Vec<Param> {
    struct Head {
        name_start: usize,
        end: usize,
        name: String,
        required: bool,
        ty: String,
    }
    let mut heads: Vec<Head> = Vec::new();
    for c in header_re().captures_iter(section) {
        let (Some(name), Some(req), Some(ty)) = (c.name("name"), c.name("req"), c.name("ty"))
        else {
            continue;
        };
        let spaced = |sep: Option<regex::Match<'_>>| {
            sep.is_some_and(|m| !m.as_str().is_empty() && !m.as_str().contains('\n'))
        };
        // Leading digits belong to the field before (`6610go_fast`).
        let raw = name.as_str();
        let digits = raw.len() - raw.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let name_start = name.start() + digits;
        let clean = &raw[digits..];
        if clean.is_empty() {
            continue;
        }
        // With spaces between the parts, the name must start its line
        // (prose such as "an optional string" is no field).
        if spaced(c.name("sep1")) || spaced(c.name("sep2")) {
            let before = section[..name_start].rsplit('\n').next().unwrap_or("");
            if !before.trim().is_empty() {
                continue;
            }
        }
        heads.push(Head {
            name_start,
            end: ty.end(),
            name: clean.to_owned(),
            required: req.as_str() == "required",
            ty: ty.as_str().to_owned(),
        });
    }
    let mut params = Vec::new();
    for (i, head) in heads.iter().enumerate() {
        let body_end = heads.get(i + 1).map_or(section.len(), |h| h.name_start);
        let body = section.get(head.end..body_end).unwrap_or_default();
        let mut param = read_body(body);
        param.name.clone_from(&head.name);
        param.line = line_of(text, offset + head.name_start);
        param.required = head.required;
        param.ty.clone_from(&head.ty);
        params.push(param);
    }
    params
}

/// The labels a field's text may hold, as (label, kind).
const LABELS: &[(&str, Label)] = &[
    ("Default:", Label::Default),
    ("Default :", Label::Default),
    ("Range:", Label::Range),
    ("Range :", Label::Range),
    ("Allowed values", Label::Values),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Label {
    Default,
    Range,
    Values,
}

/// Reads the text of one field after its type: description, labelled
/// default, range and values, and unlabelled values at its end.
pub fn read_body(body: &str) -> Param {
    let mut param = Param {
        name: String::new(),
        line: 0,
        required: false,
        ty: String::new(),
        description: String::new(),
        default: None,
        range: None,
        list: None,
        blob: Vec::new(),
        leftover: None,
    };
    let mut found: Vec<(usize, usize, Label)> = Vec::new();
    for (label, kind) in LABELS {
        for (at, _) in body.match_indices(label) {
            found.push((at, at + label.len(), *kind));
        }
    }
    found.sort_by_key(|f| f.0);
    let desc_end = found.first().map_or(body.len(), |f| f.0);

    // Description, then any unlabelled values on its last lines.
    let desc_lines: Vec<&str> = body[..desc_end]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut cut = desc_lines.len();
    let mut blob = Vec::new();
    while cut > 0 {
        match tokens(desc_lines[cut - 1], false) {
            Some(list) if !list.toks.is_empty() && list.more.is_none() => {
                let mut toks = list.toks;
                toks.extend(blob);
                blob = toks;
                cut -= 1;
            }
            _ => break,
        }
    }
    // A description of only values is a description (the field says
    // nothing else): keep at least one line of text when no label follows.
    param.description = collapse(&desc_lines[..cut].join(" "));
    param.blob = blob;

    for (i, &(_, content_start, kind)) in found.iter().enumerate() {
        let content_end = found.get(i + 1).map_or(body.len(), |f| f.0);
        let content = body.get(content_start..content_end).unwrap_or_default();
        match kind {
            Label::Default => {
                let first = content.trim_start();
                let value = first_token(first);
                if param.default.is_none() {
                    param.default = value;
                }
            }
            Label::Range => {
                static R: OnceLock<Regex> = OnceLock::new();
                let r = re(
                    &R,
                    r"^\s*(-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?)",
                );
                if let Some(c) = r.captures(content) {
                    if let (Some(lo), Some(hi)) = (c.get(1), c.get(2)) {
                        param.range = Some((lo.as_str().to_owned(), hi.as_str().to_owned()));
                        let rest = content[hi.end()..].trim();
                        if !rest.is_empty() {
                            param.leftover = Some(rest.to_owned());
                        }
                    }
                }
            }
            Label::Values => {
                static R: OnceLock<Regex> = OnceLock::new();
                let r = re(&R, r"^\s*(?:\((\d+)\s*total\))?\s*:?");
                let (total, start) = match r.captures(content) {
                    Some(c) => (
                        c.get(1).and_then(|m| m.as_str().parse().ok()),
                        c.get(0).map_or(0, |m| m.end()),
                    ),
                    None => (None, 0),
                };
                let mut list = tokens(&content[start..], true).unwrap_or_default();
                list.total = total;
                param.list = Some(list);
            }
        }
    }
    param
}

/// Collapses runs of whitespace to one space.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first value of `text` (a `Default:`'s content): a quoted string, a
/// number, a literal, or the rest of the line as a word.
fn first_token(text: &str) -> Option<Tok> {
    let line = text.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        return None;
    }
    if let Some(rest) = line.strip_prefix('"') {
        let end = rest.find('"').unwrap_or(rest.len());
        return Some(Tok::Str {
            value: rest[..end].to_owned(),
            label: None,
        });
    }
    if let Some(n) = leading_number(line) {
        let after = &line[n.len()..];
        if !after.starts_with(|c: char| c.is_alphanumeric()) || after.starts_with("Range") {
            return Some(Tok::Num(n.to_owned()));
        }
    }
    for (word, tok) in [
        ("true", Tok::Bool(true)),
        ("false", Tok::Bool(false)),
        ("null", Tok::Null),
    ] {
        if let Some(after) = line.strip_prefix(word) {
            if !after.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                return Some(tok);
            }
        }
    }
    Some(Tok::Word(line.to_owned()))
}

fn leading_number(text: &str) -> Option<&str> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"^-?\d+(?:\.\d+)?");
    r.find(text).map(|m| m.as_str())
}

/// Reads `text` as values only: quoted strings, numbers, literals, `+N
/// more`; with `labels`, text before a quoted string on its line is its
/// label, and a line of unquoted comma-separated words is a list of words.
/// `None` when something else stands in it.
pub fn tokens(text: &str, labels: bool) -> Option<ValueList> {
    let mut list = ValueList::default();
    let mut label = String::new();
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if let Some(after) = trimmed.strip_prefix('\n') {
            label.clear();
            rest = after;
            continue;
        }
        rest = trimmed;
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c == '"' {
            let inner = &rest[1..];
            let end = inner.find('"')?;
            let value = &inner[..end];
            if value.contains('\n') {
                return None;
            }
            let l = collapse(&label);
            list.toks.push(Tok::Str {
                value: value.to_owned(),
                label: (!l.is_empty()).then_some(l),
            });
            label.clear();
            rest = &inner[end + 1..];
            continue;
        }
        if c == '+' {
            static R: OnceLock<Regex> = OnceLock::new();
            let r = re(&R, r"^\+\s*(\d+)\s*more\b");
            if let Some(m) = r.captures(rest) {
                list.more = m.get(1).and_then(|n| n.as_str().parse().ok());
                rest = &rest[m.get(0).map_or(0, |m| m.end())..];
                continue;
            }
        }
        if label.is_empty() {
            if let Some(n) = leading_number(rest) {
                let after = &rest[n.len()..];
                if !after.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                    list.toks.push(Tok::Num(n.to_owned()));
                    rest = after.trim_start_matches(',');
                    continue;
                }
            }
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let lit = match word.as_str() {
                "true" => Some(Tok::Bool(true)),
                "false" => Some(Tok::Bool(false)),
                "null" => Some(Tok::Null),
                _ => None,
            };
            if let Some(lit) = lit {
                list.toks.push(lit);
                rest = rest[word.len()..].trim_start_matches(',');
                continue;
            }
        }
        if !labels {
            return None;
        }
        // Label text up to the next quote on this line; a line without a
        // quote is a list of unquoted words.
        let line_end = rest.find('\n').unwrap_or(rest.len());
        match rest[..line_end].find('"') {
            Some(q) => {
                label.push_str(&rest[..q]);
                rest = &rest[q..];
            }
            None => {
                let line = &rest[..line_end];
                for word in line.split(',') {
                    let word = word.trim();
                    if !word.is_empty() {
                        list.toks.push(Tok::Word(word.to_owned()));
                    }
                }
                rest = &rest[line_end..];
            }
        }
    }
    Some(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_read_run_together_values() {
        let list = tokens("\"1080p\"\"768p\"\"1080p\"", false).expect("values");
        assert_eq!(list.toks.len(), 3);
        assert_eq!(
            tokens("6610", false).expect("n").toks,
            [Tok::Num("6610".into())]
        );
        assert!(tokens("Sets the ending image.", false).is_none());
        let labelled =
            tokens("Onyx\"26b\"\nLukas in car\"8f0\"\n+51 more", true).expect("labelled");
        assert_eq!(labelled.more, Some(51));
        assert_eq!(
            labelled.toks[1],
            Tok::Str {
                value: "8f0".into(),
                label: Some("Lukas in car".into())
            }
        );
    }

    #[test]
    fn latency_and_price_lines() {
        assert_eq!(read_latency("~303.27s"), Some(303.27));
        assert_eq!(read_latency("~2 min"), Some(120.0));
        assert_eq!(read_latency("Hallo lets you create 3s clips"), None);
        assert_eq!(read_prices("~$0.421"), [0.421]);
        assert_eq!(read_prices("$0.05 per generation"), [0.05]);
        assert_eq!(read_prices("~$0.05 - $0.10"), [0.05, 0.10]);
    }

    #[test]
    fn the_slug_is_the_endpoints_last_segment() {
        let page = |endpoint: &str| {
            format!(
                "Title\n10data = {{\"a\": 1}}\nAPI Endpoint\nPOST\n{endpoint}\nParameters\naoptionalinteger\nA.\nResponse Type\nReturns: Video\n"
            )
        };
        let read = |endpoint: &str| read(&page(endpoint), "p").expect("reads");
        let p = read("https://api.segmind.com/v1/fam/foo-1.5");
        assert_eq!(p.slug, "foo-1.5");
        assert_eq!(p.path.as_deref(), Some("/fam/foo-1.5"));
        let p = read("https://api.segmind.com/v1/hailuo-2.3-fastParameters");
        assert_eq!((p.slug.as_str(), p.path), ("hailuo-2.3-fast", None));
        // A v2 job's path is no model's endpoint.
        let p = read("https://api.segmind.com/v2/requests/abc https://api.segmind.com/v2/a/b/c.");
        assert_eq!(p.slug, "c");
        assert_eq!(p.path.as_deref(), Some("/a/b/c"));
    }

    #[test]
    fn bodies_read_labels_glued_together() {
        let p = read_body("\n\nWeight of the Face in output\n\nDefault: 1.2Range: 0 - 10\n");
        assert_eq!(p.description, "Weight of the Face in output");
        assert_eq!(p.default, Some(Tok::Num("1.2".into())));
        assert_eq!(p.range, Some(("0".into(), "10".into())));
        let p = read_body("Seed\nDefault:\n-1\nRange: -1 - 999999999999999");
        assert_eq!(p.default, Some(Tok::Num("-1".into())));
        assert_eq!(p.range, Some(("-1".into(), "999999999999999".into())));
        let p = read_body("Sets video quality.\n\"1080p\"\"768p\"\"1080p\"");
        assert_eq!(p.description, "Sets video quality.");
        assert_eq!(p.blob.len(), 3);
    }
}
