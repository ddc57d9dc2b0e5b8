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
//!
//! Chat pages add nested fields: a dotted name (`messages.system_instruction`)
//! is a field of the object it names, and an `object[]` whose text has a line
//! `Array items:` is followed by the fields of its items. That nested list
//! has no end marker: a field belongs to the innermost open list whose
//! items the sample sends it in, else to the level where the sample sends
//! it, else (the sample silent) to the innermost list, marked as a guess.
//! Such a page may also end its parameter list with a "Response Format"
//! heading and a JSON example of the reply in place of `Returns:`, and say
//! its provider's request format on a line `API Format: ...`.

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
    /// The field name (the last segment of a dotted name).
    pub name: String,
    /// The keys from the request body's top to the field: `[name]` for a
    /// top-level field; `[messages, system_instruction]` for a dotted name;
    /// `[messages, role]` for a field listed under `messages`'s `Array
    /// items:` (a list's items are passed through, not named).
    pub path: Vec<String>,
    /// Whether its text has a line `Array items:`: the fields that follow
    /// are its items' (an `object[]`).
    pub lists_items: bool,
    /// Set when the page does not tell whether it is a field of an open
    /// `Array items:` list or of a level above: why it was put where it is.
    pub level_guess: Option<String>,
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
    /// The "Response Format" JSON example of the reply, with its line.
    pub response_example: Option<(serde_json::Value, usize)>,
    /// Why the "Response Format" example could not be read, with its line.
    pub response_error: Option<(usize, String)>,
    /// The `API Format: ...` line's text, with its line.
    pub api_format: Option<(String, usize)>,
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
        r"(?P<name>[A-Za-z0-9_]+(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?P<sep1>[ \t]*\n\s*|[ \t]+)?(?P<req>required|optional)(?P<sep2>[ \t]*\n\s*|[ \t]+)?(?P<ty>string \(uri\)|string\[\]|string|integer|number|boolean|array(?:<[a-z]+>| of [a-z]+)?|object\[\]|object|float|int|list)",
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
    let sample_found = sample::find(text);
    let (sample, sample_error) = match sample_found {
        Ok(s) => (s, None),
        Err(e) => (None, Some(e)),
    };
    let sdk_slug = sample
        .as_ref()
        .and_then(|s| s.call.as_ref())
        .and_then(|(_, slug)| slug.clone());
    // The endpoint: the sample's `url = "..."`, else the API Endpoint line,
    // else the slug an SDK sample names.
    // (`/v2/requests/...`, a job's status or result, is no model's endpoint.)
    let endpoint = endpoint_re().captures_iter(text).find(|c| {
        c.get(1)
            .is_some_and(|m| m.as_str() != "/requests" && !m.as_str().starts_with("/requests/"))
    });
    let (endpoint_at, mut segments): (usize, Vec<String>) = match (endpoint, sdk_slug) {
        (Some(endpoint), _) => (
            endpoint.get(0).map_or(0, |m| m.start()),
            endpoint
                .get(1)
                .map(|m| m.as_str())
                .unwrap_or_default()
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        (None, Some(slug)) if sdk_slug_ok(&slug) => (0, vec![slug]),
        (None, _) => {
            return Err(err(
                None,
                "no Segmind endpoint (https://api.segmind.com/v1/<slug>) on the page: is it a Segmind model's API page?".into(),
            ));
        }
    };
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
                || t.starts_with("API Format")
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
    let end = [
        "Response Type",
        "Returns:",
        "Response Format",
        "Common Error Codes",
    ]
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
    let params = read_params(section, text, section_start, sample.as_ref());
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
    let (response_example, response_error) =
        match text[section_start + end..].find("Response Format") {
            None => (None, None),
            Some(i) => match read_response_example(text, section_start + end + i) {
                Ok(v) => (Some(v), None),
                Err(e) => (None, Some(e)),
            },
        };
    let api_format = {
        static R: OnceLock<Regex> = OnceLock::new();
        re(&R, r"(?m)API Format\s*:[ \t]*([^\n]*)")
            .captures(text)
            .and_then(|c| c.get(1).map(|m| (m, c.get(0).map_or(0, |m| m.start()))))
            .map(|(m, at)| (m.as_str().trim().to_owned(), line_of(text, at)))
            .filter(|(t, _)| !t.is_empty())
    };

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
        response_example,
        response_error,
        api_format,
        sample,
        sample_error,
    })
}

/// Whether an SDK call's first argument can be a slug (the endpoint's
/// rules: lower-case letters, digits, dots and dashes).
fn sdk_slug_ok(slug: &str) -> bool {
    slug.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
}

/// The JSON example under the "Response Format" heading at byte `at`: the
/// first JSON value after it (its code lines may be numbered, as the
/// sample's are). `Err((line, why))` when there is none or it does not read.
fn read_response_example(
    text: &str,
    at: usize,
) -> Result<(serde_json::Value, usize), (usize, String)> {
    let heading_line = line_of(text, at);
    let rest = &text[at + "Response Format".len()..];
    let Some(open) = rest.find(['{', '[']) else {
        return Err((
            heading_line,
            "no JSON example under \"Response Format\"".to_owned(),
        ));
    };
    let start = at + "Response Format".len() + open;
    let line = line_of(text, start);
    // The code's lines, page numbers stripped when the first has one.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let numbered = text[line_start..start]
        .trim()
        .chars()
        .all(|c| c.is_ascii_digit())
        && !text[line_start..start].trim().is_empty();
    let code: String = if numbered {
        text[line_start..]
            .lines()
            .map(|l| {
                let t = l.trim_start();
                let n = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                format!("{}\n", &t[n..])
            })
            .collect()
    } else {
        text[start..].to_owned()
    };
    let mut stream = serde_json::Deserializer::from_str(&code).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(value)) => Ok((value, line)),
        Some(Err(e)) => Err((
            line + e.line().saturating_sub(1),
            format!("the \"Response Format\" example is no JSON ({e})"),
        )),
        None => Err((line, "the \"Response Format\" example is empty".to_owned())),
    }
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
/// `offset` of `text`; `sample` tells where a field after an `Array items:`
/// list belongs.
fn read_params(section: &str, text: &str, offset: usize, sample: Option<&Sample>) -> Vec<Param> {
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
        let mut name_start = name.start() + digits;
        let mut clean = &raw[digits..];
        if clean.is_empty() {
            continue;
        }
        // A dotted name is a field of an object when it starts its line or
        // names a field listed before; else the text before its last dot is
        // the end of the previous field's words (`the face.base64optional`).
        if let Some((before_last, _)) = clean.rsplit_once('.') {
            let first = clean.split('.').next().unwrap_or_default();
            let at_line_start = section[..name_start]
                .rsplit('\n')
                .next()
                .is_some_and(|b| b.trim().is_empty());
            let known = heads
                .iter()
                .any(|h| h.name == first || h.name.starts_with(&format!("{first}.")));
            if !(at_line_start || known) || first.starts_with(|c: char| c.is_ascii_digit()) {
                name_start += before_last.len() + 1;
                clean = &clean[before_last.len() + 1..];
            }
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
    // The open `Array items:` lists, innermost last: each its field's path.
    let mut open: Vec<Vec<String>> = Vec::new();
    for (i, head) in heads.iter().enumerate() {
        let body_end = heads.get(i + 1).map_or(section.len(), |h| h.name_start);
        let mut body = section.get(head.end..body_end).unwrap_or_default();
        let lists_items = match body.find("Array items") {
            Some(at) => {
                body = &body[..at];
                true
            }
            None => false,
        };
        let mut param = read_body(body);
        let segments: Vec<String> = head.name.split('.').map(str::to_owned).collect();
        param.name = segments.last().cloned().unwrap_or_default();
        param.line = line_of(text, offset + head.name_start);
        param.required = head.required;
        param.ty.clone_from(&head.ty);
        param.lists_items = lists_items;
        if segments.len() > 1 || open.is_empty() {
            // A dotted name says its place; it ends every open list.
            open.clear();
            param.path = segments;
        } else {
            let (level, guess) = list_level(&open, &param.name, sample);
            open.truncate(level);
            param.path = open.last().cloned().unwrap_or_default();
            param.path.push(param.name.clone());
            param.level_guess = guess;
        }
        if lists_items {
            open.push(param.path.clone());
        }
        params.push(param);
    }
    params
}

/// Where a plain name after an `Array items:` list belongs: the number of
/// open lists it stays inside (0 for the top level), and why, when the
/// sample does not tell.
fn list_level(
    open: &[Vec<String>],
    name: &str,
    sample: Option<&Sample>,
) -> (usize, Option<String>) {
    let Some(sample) = sample else {
        return (
            open.len(),
            Some("the page has no sample request to tell".to_owned()),
        );
    };
    for level in (0..=open.len()).rev() {
        let sends = match level {
            0 => sample.has(name),
            n => sample_objects(sample, &open[n - 1])
                .iter()
                .any(|o| o.contains_key(name)),
        };
        if sends {
            return (level, None);
        }
    }
    (
        open.len(),
        Some("the sample request sends it at no level".to_owned()),
    )
}

/// The objects the sample sends at `path` (the items of lists passed
/// through).
pub fn sample_objects<'a>(
    sample: &'a Sample,
    path: &[String],
) -> Vec<&'a serde_json::Map<String, serde_json::Value>> {
    let mut values: Vec<&serde_json::Value> = path
        .first()
        .and_then(|k| sample.get(k))
        .into_iter()
        .collect();
    for key in path.iter().skip(1) {
        values = flatten(values)
            .into_iter()
            .filter_map(|v| v.as_object()?.get(key))
            .collect();
    }
    flatten(values)
        .into_iter()
        .filter_map(serde_json::Value::as_object)
        .collect()
}

/// Values with the items of arrays among them put in their place.
fn flatten(values: Vec<&serde_json::Value>) -> Vec<&serde_json::Value> {
    values
        .into_iter()
        .flat_map(|v| match v {
            serde_json::Value::Array(items) => items.iter().collect(),
            other => vec![other],
        })
        .collect()
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
        path: Vec::new(),
        lists_items: false,
        level_guess: None,
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
    fn nested_fields_take_their_place() {
        let page = "Chat\n10data = {\"messages\": [{\"role\": \"user\"}], \"top\": 1}\nAPI Endpoint\nhttps://api.segmind.com/v1/chat\nParameters\nmessagesrequired\nobject[]\nTurns.\nArray items:\nrolerequired\nstring\nWho.\nnameoptional\nstring\nA name.\ntopoptional\ninteger\nTop, at the face.cfgoptional\nnumber\nGlued.\nmessages.metaoptional\nobject\nMeta.\nResponse Format\n 1{\"choices\": []}\n";
        let p = read(page, "p").expect("reads");
        let paths: Vec<Vec<&str>> = p
            .params
            .iter()
            .map(|x| x.path.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            paths,
            [
                vec!["messages"],
                vec!["messages", "role"],
                vec!["messages", "name"],
                vec!["top"],
                vec!["cfg"],
                vec!["messages", "meta"],
            ]
        );
        assert!(p.params[0].lists_items);
        // The sample sends `name` nowhere: its level is a guess.
        assert!(p.params[2].level_guess.is_some());
        assert!(p.params[1].level_guess.is_none());
        // `face.cfg` glued to a description is the field `cfg`.
        assert_eq!(p.params[3].description, "Top, at the face.");
        assert_eq!(
            p.response_example.as_ref().map(|(v, _)| v.clone()),
            Some(serde_json::json!({"choices": []}))
        );
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
