//! From what a page says (`page::Page`) to a draft model: types, required,
//! defaults, ranges, value lists, media kinds, examples, with a warning for
//! every guess and every correction of the pages that the README's "How the
//! schemas model Segmind's pages" describes.
//!
//! The draft is first made in its ideal form (standard JSON Schema where the
//! page says something the format may not know yet: an image output, a
//! required field with a default, an array, a number enum, `multipleOf`,
//! `maxItems`, `maxLength`); `render` writes each such [`Feature`] either as
//! it is or, once the loader has refused it, in the closest form the loader
//! takes, with a warning.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use heck::ToUpperCamelCase;
use regex::Regex;
use serde_json::{Map, Number, Value};

use super::numbers::{self, Evidence, Layout, Reading};
use super::page::{Page, Param, Tok};
use super::sample::parse_number;
use super::{Warning, WarningKind as K};
use crate::escape::quote;
use crate::names;

/// The JSON type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `integer`.
    Integer,
    /// `boolean`.
    Boolean,
    /// `array` (of strings, or of media URLs).
    Array,
    /// `object`.
    Object,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::String => "string",
            Ty::Number => "number",
            Ty::Integer => "integer",
            Ty::Boolean => "boolean",
            Ty::Array => "array",
            Ty::Object => "object",
        }
    }
}

/// Something the draft says that today's format may not know; written in
/// its standard form until the loader refuses it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Feature {
    /// An output other than video.
    Output,
    /// A default on a required field (of this name).
    RequiredDefault(String),
    /// An array field.
    Array(String),
    /// An object field.
    Object(String),
    /// A list of allowed numbers on a `number` field.
    NumberEnum(String),
    /// `multipleOf`.
    MultipleOf(String),
    /// `maxItems`.
    MaxItems(String),
    /// `maxLength`.
    MaxLength(String),
}

impl Feature {
    /// The JSON pointer of what the feature writes.
    pub fn pointer(&self) -> String {
        let field = |name: &str, key: &str| {
            format!(
                "/input/properties/{}/{key}",
                crate::error::pointer_segment(name)
            )
        };
        match self {
            Feature::Output => "/output".to_owned(),
            Feature::RequiredDefault(n) => field(n, "default"),
            Feature::Array(n) | Feature::Object(n) => field(n, "type"),
            Feature::NumberEnum(n) => field(n, "enum"),
            Feature::MultipleOf(n) => field(n, "multipleOf"),
            Feature::MaxItems(n) => field(n, "maxItems"),
            Feature::MaxLength(n) => field(n, "maxLength"),
        }
    }

    /// The JSON key the feature writes.
    pub fn key(&self) -> &'static str {
        match self {
            Feature::Output => "output",
            Feature::RequiredDefault(_) => "default",
            Feature::Array(_) => "items",
            Feature::Object(_) => "type",
            Feature::NumberEnum(_) => "enum",
            Feature::MultipleOf(_) => "multipleOf",
            Feature::MaxItems(_) => "maxItems",
            Feature::MaxLength(_) => "maxLength",
        }
    }
}

/// One field of the draft.
#[derive(Debug, Clone)]
pub struct FieldDraft {
    /// The JSON key.
    pub name: String,
    /// Whether the draft makes it required.
    pub required: bool,
    /// Its type.
    pub ty: Ty,
    /// `x-media` (with `format: uri`), for the field or an array's items.
    pub media: Option<&'static str>,
    /// Description.
    pub description: String,
    /// Default.
    pub default: Option<Value>,
    /// Minimum.
    pub minimum: Option<Number>,
    /// Maximum.
    pub maximum: Option<Number>,
    /// Allowed (or, when `open`, known) values.
    pub values: Vec<Value>,
    /// Whether the list is incomplete (`x-known-values`).
    pub open: bool,
    /// `x-enum-names`.
    pub names: Option<Vec<String>>,
    /// Examples.
    pub examples: Vec<Value>,
    /// `multipleOf` from the description.
    pub multiple_of: Option<Number>,
    /// `maxItems` from the description.
    pub max_items: Option<u64>,
    /// `maxLength` from the description.
    pub max_length: Option<u64>,
    /// `x-rust-name`.
    pub rust_name: Option<String>,
}

/// A draft model.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Slug.
    pub slug: String,
    /// The request path after the version, when it is not `/{slug}`.
    pub path: Option<String>,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// `video`, `image`, `audio` or `json`.
    pub output: String,
    /// Model `x-rust-name`, when the slug needs one.
    pub rust_name: Option<String>,
    /// Latency.
    pub latency: Option<f64>,
    /// Price.
    pub price: Option<f64>,
    /// Fields in draft order.
    pub fields: Vec<FieldDraft>,
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| unreachable!("bad regex: {e}")))
}

struct Builder<'a> {
    page: &'a Page,
    warnings: &'a mut Vec<Warning>,
}

impl Builder<'_> {
    fn warn(&mut self, field: Option<&str>, kind: K, message: String) {
        self.warnings.push(Warning {
            field: field.map(str::to_owned),
            kind,
            message,
        });
    }
}

/// Makes the draft of `page`, pushing a warning for every guess.
pub fn build(page: &Page, warnings: &mut Vec<Warning>) -> Draft {
    let mut b = Builder { page, warnings };
    let title = strip_title(&page.title);
    let slug = page.slug.clone();
    let summary = if page.summary.is_empty() {
        b.warn(
            None,
            K::Missing,
            "the page has no summary line under its title; the title is used".into(),
        );
        title.clone()
    } else {
        page.summary.clone()
    };
    let rust_name = match names::module_name(&slug) {
        Some(_) => None,
        None => {
            let mut name = heck::ToSnakeCase::to_snake_case(slug.as_str());
            if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
                name = format!("model_{name}");
            }
            b.warn(
                None,
                K::RustName,
                format!(
                    "the slug {} has no lossless Rust name: \"x-rust-name\" is {}",
                    quote(&slug),
                    quote(&name)
                ),
            );
            Some(name)
        }
    };
    if let Some(path) = &page.path {
        b.warn(
            None,
            K::Guess,
            format!(
                "the endpoint's path is {} (more than the slug): \"path\" is {} and the slug its last segment; check both",
                quote(&format!("/v1{path}")),
                quote(path)
            ),
        );
    }
    let output = match page.output.as_ref() {
        None => {
            b.warn(
                None,
                K::Missing,
                "the page has no \"Returns:\" line: the output is taken to be a video".into(),
            );
            "video".to_owned()
        }
        Some((word, line)) => match word.to_ascii_lowercase().as_str() {
            "video" => "video".to_owned(),
            "image" => "image".to_owned(),
            "audio" => "audio".to_owned(),
            "text/json" | "json" | "text" => "json".to_owned(),
            other => {
                b.warn(
                    None,
                    K::Guess,
                    format!(
                        "line {line}: \"Returns: {}\" is no known output kind: taken as JSON",
                        crate::escape::escape(other)
                    ),
                );
                "json".to_owned()
            }
        },
    };
    let latency = match page.latency {
        None => {
            b.warn(
                None,
                K::Missing,
                "the page gives no typical latency: \"typical_latency_seconds\" is left out".into(),
            );
            None
        }
        Some(l) if l.is_finite() && l > 0.0 && Number::from_f64(l).is_some() => Some(l),
        Some(_) => {
            b.warn(
                None,
                K::Missing,
                format!(
                    "the page's typical latency {} is no time above 0 seconds, which the format needs: \"typical_latency_seconds\" is left out",
                    quote(page.latency_text.as_deref().unwrap_or_default())
                ),
            );
            None
        }
    };
    let price = match page.prices.as_slice() {
        [] => {
            b.warn(
                None,
                K::Missing,
                "the page gives no price: \"typical_price_usd\" is left out".into(),
            );
            None
        }
        [one] if one.is_finite() => Some(*one),
        [_] => {
            b.warn(
                None,
                K::Missing,
                format!(
                    "the page's price {} is no amount the format takes: \"typical_price_usd\" is left out",
                    quote(page.price_text.as_deref().unwrap_or_default())
                ),
            );
            None
        }
        many => {
            let hi = many
                .iter()
                .copied()
                .filter(|p| p.is_finite())
                .fold(0.0, f64::max);
            b.warn(
                None,
                K::Guess,
                format!(
                    "the page gives a price range ({}): the highest, {hi}, is the typical price",
                    quote(page.price_text.as_deref().unwrap_or_default())
                ),
            );
            Some(hi)
        }
    };
    if let Some((line, why)) = &page.sample_error {
        b.warn(
            None,
            K::Sample,
            format!(
                "line {line}: the sample request does not read ({}): no examples or checks from it",
                crate::escape::escape(why)
            ),
        );
    } else if page.sample.is_none() {
        b.warn(
            None,
            K::Sample,
            "the page has no sample request (`data = {...}`): no examples or checks from it".into(),
        );
    }

    let params = split_glued_literals(&mut b);
    let mut fields = Vec::new();
    for param in &params {
        fields.push(b.field(param));
    }
    // Fields the sample sends that the list lacks.
    if let Some(sample) = &page.sample {
        for (name, value) in &sample.fields {
            if params.iter().any(|p| &p.name == name) {
                continue;
            }
            let valid_key = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid_key {
                b.warn(
                    Some(name),
                    K::SampleOnly,
                    "the sample sends this key, which is no field name the format takes: left out"
                        .into(),
                );
                continue;
            }
            let ty = match value {
                Value::Bool(_) => Ty::Boolean,
                Value::Number(n) if n.is_i64() || n.is_u64() => Ty::Integer,
                Value::Number(_) => Ty::Number,
                Value::Array(_) => Ty::Array,
                Value::Object(_) => Ty::Object,
                _ => Ty::String,
            };
            b.warn(
                Some(name),
                K::SampleOnly,
                format!(
                    "the sample sends it but the parameter list lacks it: added as an optional {} (type from the sample's value)",
                    ty.name()
                ),
            );
            let mut field = empty_field(name, ty);
            field.description =
                format!("Sent by the page's sample request; not in its parameter list ({name}).");
            if !value.is_null() && ty != Ty::Boolean {
                field.examples.push(value.clone());
            }
            fields.push(field);
        }
    }
    check_descriptions(&mut b, &fields);

    // Order: required fields, then optional ones; each in the sample's order,
    // then the rest in page order (the required order is the constructor's).
    let position = |name: &str| {
        page.sample
            .as_ref()
            .and_then(|s| s.fields.iter().position(|(k, _)| k == name))
            .unwrap_or(usize::MAX)
    };
    let mut indexed: Vec<(usize, FieldDraft)> = fields.into_iter().enumerate().collect();
    indexed.sort_by_key(|(i, f)| (!f.required, position(&f.name), *i));
    let fields = indexed.into_iter().map(|(_, f)| f).collect();

    b.warn(
        None,
        K::Editorial,
        "the title, summary, descriptions and examples are the page's words as they stand: edit them for the docs".into(),
    );
    Draft {
        slug,
        path: page.path.clone(),
        title,
        summary,
        output,
        rust_name,
        latency,
        price,
        fields,
    }
}

/// The title without the page's " Serverless API" / " API" tail.
fn strip_title(title: &str) -> String {
    let t = title.trim();
    for tail in [" Serverless API", " API"] {
        if let Some(s) = t.strip_suffix(tail) {
            if !s.trim().is_empty() {
                return s.trim().to_owned();
            }
        }
    }
    t.to_owned()
}

fn empty_field(name: &str, ty: Ty) -> FieldDraft {
    FieldDraft {
        name: name.to_owned(),
        required: false,
        ty,
        media: None,
        description: String::new(),
        default: None,
        minimum: None,
        maximum: None,
        values: Vec::new(),
        open: false,
        names: None,
        examples: Vec::new(),
        multiple_of: None,
        max_items: None,
        max_length: None,
        rust_name: None,
    }
}

/// A name glued to the previous field's `true`/`false`/`null`
/// (`falseprompt_optimizer`): split when the sample knows the shorter name,
/// or, without the sample's word, when the field before has no value yet.
fn split_glued_literals(b: &mut Builder<'_>) -> Vec<Param> {
    let mut params = b.page.params.clone();
    for i in 1..params.len() {
        let name = params[i].name.clone();
        let sample = b.page.sample.as_ref();
        for (word, tok) in [
            ("false", Tok::Bool(false)),
            ("true", Tok::Bool(true)),
            ("null", Tok::Null),
        ] {
            let Some(rest) = name.strip_prefix(word) else {
                continue;
            };
            if rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                continue;
            }
            let known_whole = sample.is_some_and(|s| s.has(&name));
            let known_rest = sample.is_some_and(|s| s.has(rest));
            let prev = &params[i - 1];
            let prev_empty = prev.default.is_none() && prev.blob.is_empty() && prev.list.is_none();
            let fits = matches!(tok, Tok::Null) || prev.ty == "boolean";
            let split = if known_rest && !known_whole {
                true
            } else if known_whole {
                false
            } else {
                prev_empty && fits
            };
            if split {
                if !known_rest || known_whole {
                    b.warn(
                        Some(rest),
                        K::NameSplit,
                        format!(
                            "line {}: read {} as {word} (the value of {}) glued to the name {}; the sample does not tell",
                            params[i].line,
                            quote(&name),
                            prev.name,
                            quote(rest)
                        ),
                    );
                }
                params[i - 1].blob.push(tok.clone());
                params[i].name = rest.to_owned();
            }
            break;
        }
    }
    params
}

fn number_of(raw: &str) -> Option<Number> {
    parse_number(raw)
}

fn as_f64(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

impl Builder<'_> {
    fn field(&mut self, p: &Param) -> FieldDraft {
        let name = p.name.as_str();
        let f = Some(name);
        let line = p.line;
        let (ty, uri) = match p.ty.as_str() {
            "string (uri)" => (Ty::String, true),
            "string" => (Ty::String, false),
            "integer" | "int" => (Ty::Integer, false),
            "number" | "float" => (Ty::Number, false),
            "boolean" => (Ty::Boolean, false),
            "object" => (Ty::Object, false),
            _ => (Ty::Array, false),
        };
        let mut d = empty_field(name, ty);
        d.required = p.required;
        d.description = p.description.clone();
        if d.description.is_empty() {
            d.description = format!("{name} (the page gives no description).");
            self.warn(
                f,
                K::Missing,
                format!("line {line}: the page gives no description"),
            );
        }
        if let Some(left) = &p.leftover {
            self.warn(
                f,
                K::Guess,
                format!(
                    "line {line}: text after the range was not read: {}",
                    quote(left)
                ),
            );
        }
        let sample = self.page.sample.as_ref().and_then(|s| s.get(name)).cloned();
        if self.page.sample.is_some() && sample.is_none() {
            self.warn(
                f,
                K::NotInSample,
                "in the parameter list but not in the sample request".into(),
            );
        }

        // Media.
        let sample_url = sample.as_ref().and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_owned),
            _ => None,
        });
        if uri || (ty == Ty::Array && p.ty.contains("uri")) {
            d.media = Some(self.media_kind(name, &p.description, sample_url.as_deref()));
        } else if ty == Ty::String
            && sample_url.as_deref().is_some_and(|u| u.starts_with("http"))
            && media_word(name).is_some()
        {
            self.warn(
                f,
                K::Guess,
                "the sample sends a URL and the name says media, but the page types it as a plain string: kept a string (make it \"format\": \"uri\" with \"x-media\" if it takes a file)".into(),
            );
        }
        if ty == Ty::Array {
            if d.media.is_none() && name_says_media_list(name) {
                d.media = media_word(name);
            }
            self.warn(
                f,
                K::Guess,
                format!(
                    "line {line}: the page types it {}: an array of {}strings is assumed",
                    quote(&p.ty),
                    if d.media.is_some() { "media URL " } else { "" }
                ),
            );
        }

        // Range.
        if let Some((lo, hi)) = &p.range {
            if matches!(ty, Ty::Integer | Ty::Number) {
                d.minimum = number_of(lo);
                d.maximum = number_of(hi);
                if ty == Ty::Integer {
                    for (bound, up) in [(&mut d.minimum, true), (&mut d.maximum, false)] {
                        if let Some(n) = bound.as_ref().filter(|n| !n.is_i64()) {
                            let x = as_f64(n);
                            #[allow(clippy::cast_possible_truncation)]
                            let whole = if up { x.ceil() } else { x.floor() } as i64;
                            self.warn(
                                f,
                                K::Guess,
                                format!("line {line}: the range bound {n} of an integer field is not whole (or too large): made {whole}"),
                            );
                            *bound = Some(Number::from(whole));
                        }
                    }
                }
            } else {
                self.warn(
                    f,
                    K::Guess,
                    format!(
                        "line {line}: a range ({lo} - {hi}) on a {} field is left out",
                        ty.name()
                    ),
                );
            }
        }

        // Default and values.
        let evidence = Evidence {
            sample: sample.as_ref().and_then(int_of),
            range: match (&d.minimum, &d.maximum) {
                (Some(lo), Some(hi)) => Some((as_f64(lo), as_f64(hi))),
                _ => None,
            },
            mentioned: mentioned_numbers(&p.description),
        };
        let numeric = matches!(ty, Ty::Integer | Ty::Number);
        let mut default_tok = p.default.clone();
        let mut value_toks: Vec<Tok> = Vec::new();
        let mut open = false;
        let mut labels: Vec<Option<String>> = Vec::new();
        if let Some(list) = &p.list {
            value_toks.clone_from(&list.toks);
            let listed = list.toks.len();
            if list.more.is_some() || list.total.is_some_and(|t| t > listed) {
                open = true;
                let total = list.total.map_or_else(
                    || format!("{} more than listed", list.more.unwrap_or(0)),
                    |t| format!("{t} in all"),
                );
                self.warn(
                    f,
                    K::OpenSet,
                    format!("line {line}: the page lists {listed} values of {total}: an open set (\"x-known-values\"), any other value is sent as is"),
                );
            }
            // A known default and one run of digits in the list.
            if numeric {
                if let [Tok::Num(digits)] = list.toks.as_slice() {
                    if digits.len() > 1 && !digits.contains(['.', '-']) {
                        let known = default_tok.as_ref().and_then(tok_int);
                        if let Some(readings) =
                            numbers::infer(digits, Layout::Values(known), &evidence)
                        {
                            value_toks =
                                self.numeric_reading(f, line, digits, &readings, known.is_some());
                        }
                    }
                }
            }
        }
        if !p.blob.is_empty() {
            if default_tok.is_some() || p.list.is_some() {
                self.warn(
                    f,
                    K::Guess,
                    format!("line {line}: unlabelled values after the description besides a labelled default or list: ignored"),
                );
            } else {
                let (dflt, values) = self.read_blob(f, line, &p.blob, numeric, &evidence);
                default_tok = dflt;
                value_toks = values;
            }
        }
        labels.extend(value_toks.iter().map(|t| match t {
            Tok::Str { label, .. } => label.clone(),
            _ => None,
        }));

        // Values into JSON of the field's type.
        let mut values = Vec::new();
        for tok in &value_toks {
            match self.typed(f, line, tok, ty, "allowed value") {
                Some(Value::Null) | None => {}
                Some(v) => {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
            }
        }
        if ty == Ty::Boolean {
            values.clear();
        }
        // A value list and a range: the format takes one or the other (an
        // enum's values say what goes). The listed values inside the range
        // are kept and the range left out; with none inside, the list is.
        if !values.is_empty() && (d.minimum.is_some() || d.maximum.is_some()) {
            let (lo, hi) = (
                d.minimum.as_ref().map(as_f64),
                d.maximum.as_ref().map(as_f64),
            );
            let inside = |v: &Value| {
                v.as_f64()
                    .is_some_and(|x| lo.is_none_or(|lo| lo <= x) && hi.is_none_or(|hi| x <= hi))
            };
            let shown: Vec<String> = values.iter().map(crate::escape::json).collect();
            if values.iter().any(inside) {
                values.retain(inside);
                self.warn(
                    f,
                    K::Guess,
                    format!("line {line}: the page gives both a range and the values {}, which the format cannot say together: the values inside the range are the allowed ones, the range is left out", shown.join(", ")),
                );
                d.minimum = None;
                d.maximum = None;
            } else {
                self.warn(
                    f,
                    K::Guess,
                    format!("line {line}: the values {} are all outside the page's range: left out (the range stays)", shown.join(", ")),
                );
                values.clear();
            }
        }
        d.open = open;

        // The default.
        let mut default = default_tok
            .as_ref()
            .and_then(|t| self.typed(f, line, t, ty, "default"));
        if default == Some(Value::Null) {
            default = None;
            if d.required {
                d.required = false;
                self.warn(
                    f,
                    K::RequiredNull,
                    format!("line {line}: the page marks it required with the default null: made optional, as the API treats it"),
                );
            }
        }
        if let Some(v) = default.take() {
            if d.media.is_some() {
                if v.as_str().is_some_and(is_uri) {
                    self.warn(
                        f,
                        K::MediaDefault,
                        format!("line {line}: the page's default is a sample URL: made an example, not a default"),
                    );
                    d.examples.push(v);
                } else {
                    self.warn(
                        f,
                        K::MediaDefault,
                        format!(
                            "line {line}: the page's default {} is no URL (a media field takes one): left out",
                            crate::escape::json(&v)
                        ),
                    );
                }
            } else {
                default = Some(v);
            }
        }
        if let Some(v) = &default {
            if !values.is_empty() && !values.contains(v) {
                if open {
                    self.warn(
                        f,
                        K::DefaultNotInValues,
                        format!("line {line}: the default {} is not among the listed values (the list is incomplete)", crate::escape::json(v)),
                    );
                } else {
                    self.warn(
                        f,
                        K::DefaultNotInValues,
                        format!("line {line}: the default {} is not among the allowed values: added to them", crate::escape::json(v)),
                    );
                    values.push(v.clone());
                }
            }
            if let Some(x) = v.as_f64() {
                let below = d.minimum.as_ref().is_some_and(|lo| x < as_f64(lo));
                let above = d.maximum.as_ref().is_some_and(|hi| x > as_f64(hi));
                if below || above {
                    self.warn(
                        f,
                        K::DefaultOutsideRange,
                        format!(
                            "line {line}: the default {} is outside the range: left out",
                            crate::escape::json(v)
                        ),
                    );
                    default = None;
                }
            }
        }
        d.default = default;

        if !values.is_empty() {
            let strings_or_ints = matches!(ty, Ty::String | Ty::Integer);
            if open && ty != Ty::String {
                self.warn(
                    f,
                    K::Unsupported,
                    format!("an open set of {} values has no form in the format (open sets are of strings): the listed values are examples", ty.name()),
                );
                d.open = false;
                for v in values.drain(..) {
                    if !d.examples.contains(&v) {
                        d.examples.push(v);
                    }
                }
            } else if strings_or_ints || ty == Ty::Number {
                d.values = values;
                d.names = self.enum_names(f, &d.values, &labels, ty);
            }
        }

        // Examples: the sample's value, then the description's `Example: '...'`.
        self.sample_value(&mut d, sample.as_ref());
        if ty == Ty::String && d.values.is_empty() {
            if let Some(ex) = description_example(&p.description) {
                let ok = d.media.is_none() || ex.starts_with("http");
                if ok && !d.examples.iter().any(|e| e.as_str() == Some(ex.as_str())) {
                    d.examples.push(Value::String(ex));
                }
            }
        }

        self.prose_limits(&mut d, &p.description, line);
        d
    }

    fn media_kind(&mut self, name: &str, description: &str, url: Option<&str>) -> &'static str {
        let by_name = media_word(name);
        let by_desc = media_word(description);
        let by_url = url.and_then(url_media);
        let chosen = by_name.or(by_desc).or(by_url);
        let f = Some(name);
        match chosen {
            None => {
                self.warn(
                    f,
                    K::MediaKind,
                    "a uri field whose name, description and sample say no media kind: \"x-media\" image is a guess".into(),
                );
                "image"
            }
            Some(kind) => {
                for (what, other) in [("description", by_desc), ("sample URL", by_url)] {
                    if other.is_some_and(|o| o != kind) {
                        self.warn(
                            f,
                            K::MediaKind,
                            format!(
                                "\"x-media\" {kind} (from the {}), but the {what} says {}",
                                if by_name.is_some() {
                                    "name"
                                } else {
                                    "description"
                                },
                                other.unwrap_or_default()
                            ),
                        );
                    }
                }
                kind
            }
        }
    }

    /// Reads unlabelled values (the compact layout): the default, then the
    /// allowed values.
    fn read_blob(
        &mut self,
        f: Option<&str>,
        line: usize,
        blob: &[Tok],
        numeric: bool,
        evidence: &Evidence,
    ) -> (Option<Tok>, Vec<Tok>) {
        if numeric {
            if let [Tok::Num(digits)] = blob {
                if digits.len() > 1 && !digits.contains(['.', '-']) {
                    if let Some(readings) =
                        numbers::infer(digits, Layout::DefaultThenValues, evidence)
                    {
                        let first = readings[0].clone();
                        if first.values.is_empty() && readings.len() == 1 {
                            return (first.default.map(|d| Tok::Num(d.to_string())), Vec::new());
                        }
                        let values = self.numeric_reading(f, line, digits, &readings, false);
                        return (first.default.map(|d| Tok::Num(d.to_string())), values);
                    }
                }
            }
        }
        match blob {
            [] => (None, Vec::new()),
            [one] => (Some(one.clone()), Vec::new()),
            [first, rest @ ..] => {
                if rest.iter().any(|t| same_value(t, first)) {
                    (Some(first.clone()), rest.to_vec())
                } else {
                    self.warn(
                        f,
                        K::ValuesWithoutDefault,
                        format!("line {line}: unlabelled values whose first does not come again: read as allowed values without a default"),
                    );
                    (None, blob.to_vec())
                }
            }
        }
    }

    /// Warns of a split of run-together digits and gives the values of the
    /// best reading.
    fn numeric_reading(
        &mut self,
        f: Option<&str>,
        line: usize,
        digits: &str,
        readings: &[Reading],
        known_default: bool,
    ) -> Vec<Tok> {
        let best = &readings[0];
        let basis = if known_default {
            "the default, the sample, the range and the description"
        } else {
            "the sample, the range and the description"
        };
        if readings.len() > 1 {
            let others: Vec<String> = readings[1..]
                .iter()
                .take(3)
                .map(Reading::describe)
                .collect();
            self.warn(
                f,
                K::NumericSplitAmbiguous,
                format!(
                    "line {line}: the run-together numbers {} read as {}; other readings fit {basis} almost as well: {}; check the page",
                    quote(digits),
                    best.describe(),
                    others.join(" or ")
                ),
            );
        } else {
            self.warn(
                f,
                K::NumericSplit,
                format!(
                    "line {line}: the run-together numbers {} read as {} (by {basis}); check the page",
                    quote(digits),
                    best.describe()
                ),
            );
        }
        best.values
            .iter()
            .map(|v| Tok::Num(v.to_string()))
            .collect()
    }

    /// A token as a JSON value of type `ty`; `None` (with a warning) when
    /// it cannot be one.
    fn typed(
        &mut self,
        f: Option<&str>,
        line: usize,
        tok: &Tok,
        ty: Ty,
        what: &str,
    ) -> Option<Value> {
        let text = match tok {
            Tok::Null => return Some(Value::Null),
            Tok::Str { value, .. } => value.clone(),
            Tok::Num(n) => n.clone(),
            Tok::Word(w) => w.clone(),
            Tok::Bool(b) => b.to_string(),
        };
        let quoted = matches!(tok, Tok::Str { .. });
        let out = match ty {
            Ty::String | Ty::Array | Ty::Object => {
                if !matches!(tok, Tok::Str { .. } | Tok::Word(_)) {
                    self.warn(f, K::Guess, format!("line {line}: the {what} {text} is not quoted on a string field: read as the string {}", quote(&text)));
                }
                Some(Value::String(text.clone()))
            }
            Ty::Integer => text.trim().parse::<i64>().ok().map(Value::from),
            Ty::Number => parse_number(text.trim()).map(Value::Number),
            Ty::Boolean => match text.trim() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
        };
        match (&out, ty) {
            (None, _) => self.warn(
                f,
                K::Guess,
                format!(
                    "line {line}: the {what} {} is not a {}: left out",
                    quote(&text),
                    ty.name()
                ),
            ),
            (Some(_), Ty::Integer | Ty::Number | Ty::Boolean) if quoted => self.warn(
                f,
                K::Guess,
                format!(
                    "line {line}: the page quotes the {what} {} of a {} field: read as {text}",
                    quote(&text),
                    ty.name()
                ),
            ),
            _ => {}
        }
        out
    }

    fn enum_names(
        &mut self,
        f: Option<&str>,
        values: &[Value],
        labels: &[Option<String>],
        ty: Ty,
    ) -> Option<Vec<String>> {
        if ty == Ty::Number {
            return None;
        }
        let all_labelled = labels.len() == values.len() && labels.iter().all(Option::is_some);
        if all_labelled {
            let names = unique(
                labels
                    .iter()
                    .map(|l| guess_variant(l.as_deref().unwrap_or_default()))
                    .collect(),
            );
            self.warn(
                f,
                K::EnumNames,
                format!("variant names from the page's labels: {}", names.join(", ")),
            );
            return Some(names);
        }
        if ty == Ty::Integer {
            let derived: Vec<String> = values
                .iter()
                .filter_map(Value::as_i64)
                .map(names::integer_variant)
                .collect();
            self.warn(
                f,
                K::EnumNames,
                format!(
                    "the variants will be {}: give \"x-enum-names\" for better names",
                    derived.join(", ")
                ),
            );
            return None;
        }
        let derived: Vec<Option<String>> = values
            .iter()
            .map(|v| v.as_str().and_then(names::string_variant))
            .collect();
        let mut seen = BTreeSet::new();
        let fine = derived.iter().all(|n| {
            n.as_ref()
                .is_some_and(|n| n != "Other" && seen.insert(n.clone()))
        });
        if fine {
            let needs_naming = values.iter().filter_map(Value::as_str).any(|v| {
                v.starts_with(|c: char| c.is_ascii_digit())
                    || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if needs_naming {
                let derived: Vec<String> = derived.into_iter().flatten().collect();
                self.warn(
                    f,
                    K::EnumNames,
                    format!(
                        "the variants will be {}: give \"x-enum-names\" for better names",
                        derived.join(", ")
                    ),
                );
            }
            return None;
        }
        let names = unique(
            values
                .iter()
                .map(|v| guess_variant(v.as_str().unwrap_or_default()))
                .collect(),
        );
        self.warn(
            f,
            K::EnumNames,
            format!(
                "some values make no Rust variant name: \"x-enum-names\" guessed as {}",
                names.join(", ")
            ),
        );
        Some(names)
    }

    fn sample_value(&mut self, d: &mut FieldDraft, sample: Option<&Value>) {
        let Some(v) = sample else { return };
        let f = Some(d.name.as_str());
        if v.is_null() {
            return;
        }
        let shown = crate::escape::json(v);
        let typed = match (d.ty, v) {
            (Ty::String, Value::String(_))
            | (Ty::Boolean, Value::Bool(_))
            | (Ty::Array, Value::Array(_))
            | (Ty::Object, Value::Object(_)) => Some(v.clone()),
            (Ty::Integer, Value::Number(n)) if n.is_i64() => Some(v.clone()),
            (Ty::Number, Value::Number(_)) => Some(v.clone()),
            (Ty::Integer, Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
            (Ty::Number, Value::String(s)) => parse_number(s.trim()).map(Value::Number),
            _ => None,
        };
        let Some(typed) = typed else {
            self.warn(
                f,
                K::SampleType,
                format!(
                    "the sample sends {shown}, which is no {}: not used",
                    d.ty.name()
                ),
            );
            return;
        };
        if &typed != v {
            self.warn(
                f,
                K::SampleType,
                format!(
                    "the sample sends {shown} (a string) for this {} field: the value is sent as {} (the API's type)",
                    d.ty.name(),
                    crate::escape::json(&typed)
                ),
            );
        }
        if d.media.is_some() && typed.as_str().is_some_and(|u| !is_uri(u)) {
            self.warn(
                f,
                K::SampleValue,
                format!("the sample sends {shown}, which is no URL (a media field takes one): not made an example"),
            );
            return;
        }
        if !d.values.is_empty() && !d.open && !d.values.contains(&typed) {
            self.warn(
                f,
                K::SampleValue,
                format!("the sample sends {shown}, which is not among the allowed values"),
            );
            return;
        }
        if let Some(x) = typed.as_f64() {
            let below = d.minimum.as_ref().is_some_and(|lo| x < as_f64(lo));
            let above = d.maximum.as_ref().is_some_and(|hi| x > as_f64(hi));
            if below || above {
                self.warn(
                    f,
                    K::SampleValue,
                    format!("the sample sends {shown}, outside the range"),
                );
                return;
            }
        }
        let example = match d.ty {
            Ty::String | Ty::Array | Ty::Object => d.values.is_empty() || d.open,
            Ty::Integer | Ty::Number => d.values.is_empty() && d.default.as_ref() != Some(&typed),
            Ty::Boolean => false,
        };
        if example
            && !(d.open && d.ty == Ty::String && d.default.as_ref() == Some(&typed))
            && !d.examples.contains(&typed)
        {
            d.examples.insert(0, typed);
        }
    }

    fn prose_limits(&mut self, d: &mut FieldDraft, description: &str, line: usize) {
        let f = Some(d.name.as_str());
        static MULT: OnceLock<Regex> = OnceLock::new();
        static BETWEEN: OnceLock<Regex> = OnceLock::new();
        static ITEMS: OnceLock<Regex> = OnceLock::new();
        static LENGTH: OnceLock<Regex> = OnceLock::new();
        static OPTIONS: OnceLock<Regex> = OnceLock::new();
        let numeric = matches!(d.ty, Ty::Integer | Ty::Number);
        if let Some(c) = re(&MULT, r"(?i)\bmultiples? of (\d+(?:\.\d+)?)").captures(description) {
            let n = c.get(1).map_or("", |m| m.as_str());
            if numeric && d.values.is_empty() {
                d.multiple_of = number_of(n);
                self.warn(f, K::ProseLimit, format!("line {line}: \"multiples of {n}\" is only in the description: \"multipleOf\": {n}"));
            } else {
                self.warn(
                    f,
                    K::ProseLimit,
                    format!(
                        "line {line}: the description says \"multiples of {n}\": not made a rule"
                    ),
                );
            }
        }
        if let Some(c) = re(
            &BETWEEN,
            r"(?i)\bbetween (-?\d+(?:\.\d+)?) and (-?\d+(?:\.\d+)?)",
        )
        .captures(description)
        {
            let (lo, hi) = (
                c.get(1).map_or("", |m| m.as_str()),
                c.get(2).map_or("", |m| m.as_str()),
            );
            let (nlo, nhi) = (number_of(lo), number_of(hi));
            let whole = d.ty != Ty::Integer
                || (nlo.as_ref().is_some_and(Number::is_i64)
                    && nhi.as_ref().is_some_and(Number::is_i64));
            let default_in = d.default.as_ref().and_then(Value::as_f64).is_none_or(|x| {
                nlo.as_ref().is_some_and(|l| as_f64(l) <= x)
                    && nhi.as_ref().is_some_and(|h| x <= as_f64(h))
            });
            if numeric
                && d.minimum.is_none()
                && d.maximum.is_none()
                && d.values.is_empty()
                && whole
                && default_in
                && nlo
                    .as_ref()
                    .zip(nhi.as_ref())
                    .is_some_and(|(l, h)| as_f64(l) <= as_f64(h))
            {
                d.minimum = nlo;
                d.maximum = nhi;
                self.warn(f, K::ProseLimit, format!("line {line}: the range {lo} - {hi} is only in the description: made \"minimum\" and \"maximum\""));
            } else {
                self.warn(f, K::ProseLimit, format!("line {line}: the description says \"between {lo} and {hi}\": not made a rule"));
            }
        }
        if let Some(c) = re(&ITEMS, r"(?i)\b(?:max(?:imum)?|at most|up to)\s*(?:of\s*)?(\d+)\s*(?:elements|items|images|urls|files|entries)").captures(description) {
            let n = c.get(1).map_or("", |m| m.as_str());
            if d.ty == Ty::Array {
                d.max_items = n.parse().ok();
                self.warn(f, K::ProseLimit, format!("line {line}: \"at most {n}\" items is only in the description: \"maxItems\": {n}"));
            } else {
                self.warn(f, K::ProseLimit, format!("line {line}: the description limits it to {n} items: not made a rule"));
            }
        }
        if let Some(c) = re(&LENGTH, r"(?i)\b(?:max(?:imum)?|at most|up to)\s*(?:of\s*)?(\d+)\s*(?:characters|chars|letters)").captures(description) {
            let n = c.get(1).map_or("", |m| m.as_str());
            if d.ty == Ty::String && d.values.is_empty() {
                d.max_length = n.parse().ok();
                self.warn(f, K::ProseLimit, format!("line {line}: \"at most {n} characters\" is only in the description: \"maxLength\": {n}"));
            } else {
                self.warn(f, K::ProseLimit, format!("line {line}: the description limits its length to {n}: not made a rule"));
            }
        }
        if let Some(c) = re(&OPTIONS, r"(?i)\boptions?:\s*([^.;]+)").captures(description) {
            let list = c.get(1).map_or("", |m| m.as_str()).trim();
            if d.values.is_empty() && list.contains(',') {
                self.warn(f, K::ProseLimit, format!("line {line}: the description lists options ({}) the page gives no value list for: not made an enum", quote(list)));
            }
        }
    }
}

/// Whether `text` is a URI as the loader checks `"format": "uri"` (the
/// JSON Schema validator's, formats on): an absolute URI such as
/// `https://...`, never `""` or a bare file name.
pub fn is_uri(text: &str) -> bool {
    static URI: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    URI.get_or_init(|| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&serde_json::json!({ "type": "string", "format": "uri" }))
            .ok()
    })
    .as_ref()
    .is_some_and(|v| v.is_valid(&Value::String(text.to_owned())))
}

fn same_value(a: &Tok, b: &Tok) -> bool {
    match (a, b) {
        (Tok::Str { value: x, .. }, Tok::Str { value: y, .. }) => x == y,
        _ => a == b,
    }
}

fn tok_int(t: &Tok) -> Option<i64> {
    match t {
        Tok::Num(n) | Tok::Word(n) | Tok::Str { value: n, .. } => n.trim().parse().ok(),
        _ => None,
    }
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn mentioned_numbers(text: &str) -> Vec<i64> {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\b\d+\b")
        .find_iter(text)
        .filter_map(|m| m.as_str().parse().ok())
        .collect()
}

fn description_example(text: &str) -> Option<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    let c = re(&R, r#"Example:\s*(?:'([^']+)'|"([^"]+)")"#).captures(text)?;
    c.get(1).or_else(|| c.get(2)).map(|m| m.as_str().to_owned())
}

/// The media kind a word of a name or description says.
fn media_word(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| {
        words.iter().any(|w| {
            list.iter()
                .any(|l| w == l || w.strip_suffix('s') == Some(l))
        })
    };
    let kinds: Vec<&'static str> = [
        ("video", &["video", "clip", "mp4", "movie"][..]),
        (
            "audio",
            &[
                "audio", "voice", "sound", "speech", "music", "song", "wav", "mp3",
            ][..],
        ),
        (
            "image",
            &[
                "image", "img", "photo", "picture", "frame", "face", "avatar", "mask", "png",
                "jpg", "jpeg",
            ][..],
        ),
    ]
    .into_iter()
    .filter(|(_, words)| has(words))
    .map(|(kind, _)| kind)
    .collect();
    // A text that names two kinds ("the starting image of the video") says
    // none for sure.
    match kinds.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

fn name_says_media_list(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("url") || media_word(name).is_some()
}

fn url_media(url: &str) -> Option<&'static str> {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "png" | "jpg" | "jpeg" | "webp" | "gif" | "bmp" => Some("image"),
        "mp3" | "wav" | "ogg" | "flac" | "m4a" | "aac" => Some("audio"),
        "mp4" | "mov" | "webm" | "mkv" | "avi" => Some("video"),
        _ => None,
    }
}

/// A variant name for a value or label: `1080p` → `P1080`, `Lukas in car`
/// → `LukasInCar`, `16:9` → `V16x9`.
pub fn guess_variant(text: &str) -> String {
    static R: OnceLock<Regex> = OnceLock::new();
    if let Some(c) = re(&R, r"^(\d+)([A-Za-z]+)$").captures(text) {
        let digits = c.get(1).map_or("", |m| m.as_str());
        let letters = c.get(2).map_or("", |m| m.as_str());
        return format!("{}{digits}", letters.to_upper_camel_case());
    }
    let mapped: String = text
        .chars()
        .map(|c| match c {
            ':' => "x".to_owned(),
            '.' => "p".to_owned(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => " ".to_owned(),
        })
        .collect();
    let mut name = String::new();
    for word in mapped.split_whitespace() {
        let lower = if word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            word.to_ascii_lowercase()
        } else {
            word.to_owned()
        };
        let mut chars = lower.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name = format!("V{name}");
    }
    if name == "Other" || name == "Self" || !names::is_plain_ident(&name) {
        name.push_str("Value");
    }
    name
}

fn unique(names: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    names
        .into_iter()
        .map(|n| {
            let mut candidate = n.clone();
            let mut i = 2;
            while !seen.insert(candidate.clone()) {
                candidate = format!("{n}{i}");
                i += 1;
            }
            candidate
        })
        .collect()
}

/// Descriptions copied from another field: a text that names another
/// one-word field of the same type but not its own (width: "Image height"), or the same text as another field's
/// (blamed on the one that does not name itself).
fn check_descriptions(b: &mut Builder<'_>, fields: &[FieldDraft]) {
    let single: Vec<&str> = fields
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| !n.contains('_'))
        .collect();
    let names_other = |f: &FieldDraft| -> Option<String> {
        let desc = f.description.to_ascii_lowercase();
        let words: BTreeSet<&str> = desc
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let own = f.name.to_ascii_lowercase();
        if own.split('_').any(|w| words.contains(w)) {
            return None;
        }
        // Only a one-word field of the same type (width and height).
        if f.name.contains('_') {
            return None;
        }
        single
            .iter()
            .filter(|o| fields.iter().any(|x| x.name == **o && x.ty == f.ty))
            .find(|o| **o != f.name && words.contains(o.to_ascii_lowercase().as_str()))
            .map(|o| (*o).to_owned())
    };
    for (i, f) in fields.iter().enumerate() {
        if let Some(other) = names_other(f) {
            b.warn(
                Some(&f.name),
                K::CopiedDescription,
                format!(
                    "its description names the field {other}, not {}: copied from {other}?",
                    f.name
                ),
            );
            continue;
        }
        if let Some(other) = fields[..i]
            .iter()
            .find(|o| o.description.eq_ignore_ascii_case(&f.description))
        {
            if names_other(other).is_none() {
                b.warn(
                    Some(&f.name),
                    K::CopiedDescription,
                    format!(
                        "its description is the one of {}: copied from there?",
                        other.name
                    ),
                );
            }
        }
    }
}

/// Writes the draft as a model file, each feature not in `degraded` in its
/// standard form, each one in it in the closest form the loader takes (with
/// a warning). Returns the document and the features it used.
pub fn render(
    d: &Draft,
    degraded: &BTreeSet<Feature>,
    warnings: &mut Vec<Warning>,
) -> (Value, Vec<Feature>) {
    let mut used = Vec::new();
    let mut warn = |field: Option<&str>, message: String| {
        warnings.push(Warning {
            field: field.map(str::to_owned),
            kind: K::Unsupported,
            message,
        });
    };
    let mut doc = Map::new();
    doc.insert("slug".into(), Value::String(d.slug.clone()));
    if let Some(path) = &d.path {
        doc.insert("path".into(), Value::String(path.clone()));
    }
    doc.insert("title".into(), Value::String(d.title.clone()));
    doc.insert("summary".into(), Value::String(d.summary.clone()));
    let output = if d.output == "video" {
        d.output.clone()
    } else {
        used.push(Feature::Output);
        if degraded.contains(&Feature::Output) {
            warn(None, format!("the page says it returns {}, which today's format cannot say (\"output\" is only \"video\"): written as video; re-import once the format knows {} outputs", d.output, d.output));
            "video".to_owned()
        } else {
            d.output.clone()
        }
    };
    doc.insert("output".into(), Value::String(output));
    if let Some(l) = d.latency.and_then(Number::from_f64) {
        doc.insert("typical_latency_seconds".into(), Value::Number(l));
    }
    if let Some(p) = d.price.and_then(Number::from_f64) {
        doc.insert("typical_price_usd".into(), Value::Number(p));
    }
    if let Some(n) = &d.rust_name {
        doc.insert("x-rust-name".into(), Value::String(n.clone()));
    }
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in &d.fields {
        let name = f.name.as_str();
        let mut m = Map::new();
        let mut examples = f.examples.clone();
        let mut ty = f.ty;
        let mut items = None;
        match f.ty {
            Ty::Array => {
                let feature = Feature::Array(f.name.clone());
                used.push(feature.clone());
                if degraded.contains(&feature) {
                    warn(Some(name), "an array, which today's format has no form for: written as a string field (wrong on the wire: fix by hand or wait for the format's arrays)".into());
                    ty = Ty::String;
                    examples.retain(|e| !e.is_array());
                } else {
                    let mut item = Map::new();
                    item.insert("type".into(), "string".into());
                    if let Some(media) = f.media {
                        item.insert("format".into(), "uri".into());
                        item.insert("x-media".into(), media.into());
                    }
                    items = Some(Value::Object(item));
                }
            }
            Ty::Object => {
                let feature = Feature::Object(f.name.clone());
                used.push(feature.clone());
                if degraded.contains(&feature) {
                    warn(Some(name), "an object, which today's format has no form for: written as a string field (fix by hand)".into());
                    ty = Ty::String;
                    examples.retain(|e| !e.is_object());
                }
            }
            _ => {}
        }
        m.insert("type".into(), ty.name().into());
        if ty != Ty::Array {
            if let Some(media) = f.media.filter(|_| ty == Ty::String) {
                m.insert("format".into(), "uri".into());
                m.insert("x-media".into(), media.into());
            }
        }
        if let Some(items) = items {
            m.insert("items".into(), items);
        }
        if let Some(n) = &f.rust_name {
            m.insert("x-rust-name".into(), Value::String(n.clone()));
        }
        m.insert("description".into(), Value::String(f.description.clone()));
        if let Some(v) = &f.default {
            let v = if ty == Ty::String && !v.is_string() {
                Value::String(v.to_string())
            } else {
                v.clone()
            };
            if f.required {
                let feature = Feature::RequiredDefault(f.name.clone());
                used.push(feature.clone());
                if degraded.contains(&feature) {
                    warn(Some(name), format!("required, and the page gives the default {}, which today's format refuses on a required field: made an example (for a required field the page's default is its sample value)", crate::escape::json(&v)));
                    if !examples.contains(&v) {
                        examples.insert(0, v);
                    }
                } else {
                    m.insert("default".into(), v);
                }
            } else {
                m.insert("default".into(), v);
            }
        }
        // An integer field needs both bounds (its Rust type is i64, JSON
        // Schema's integers have none): a side the page leaves open gets the
        // 64-bit limit, which accepts what the page allows.
        let open_int = ty == Ty::Integer && f.values.is_empty();
        let minimum = f
            .minimum
            .clone()
            .or_else(|| open_int.then(|| Number::from(i64::MIN)));
        let maximum = f
            .maximum
            .clone()
            .or_else(|| open_int.then(|| Number::from(i64::MAX)));
        if open_int && (f.minimum.is_none() || f.maximum.is_none()) {
            warn(Some(name), "an integer the page gives no full range for: the open side is bounded by the 64-bit limit, which the loader needs (narrow it if the API does)".into());
        }
        if let Some(n) = &minimum {
            m.insert("minimum".into(), Value::Number(n.clone()));
        }
        if let Some(n) = &maximum {
            m.insert("maximum".into(), Value::Number(n.clone()));
        }
        if let Some(n) = &f.multiple_of {
            let feature = Feature::MultipleOf(f.name.clone());
            used.push(feature.clone());
            if degraded.contains(&feature) {
                warn(Some(name), format!("\"multipleOf\": {n} is not in today's format: left out (the docs' description still says it)"));
            } else {
                m.insert("multipleOf".into(), Value::Number(n.clone()));
            }
        }
        if let Some(n) = f.max_length {
            let feature = Feature::MaxLength(f.name.clone());
            used.push(feature.clone());
            if degraded.contains(&feature) {
                warn(
                    Some(name),
                    format!("\"maxLength\": {n} is not in today's format: left out"),
                );
            } else {
                m.insert("maxLength".into(), n.into());
            }
        }
        if let Some(n) = f.max_items {
            let feature = Feature::MaxItems(f.name.clone());
            used.push(feature.clone());
            if degraded.contains(&feature) || ty != Ty::Array {
                warn(
                    Some(name),
                    format!("\"maxItems\": {n} is not in today's format: left out"),
                );
            } else {
                m.insert("maxItems".into(), n.into());
            }
        }
        if !f.values.is_empty() {
            if ty == Ty::Number {
                let feature = Feature::NumberEnum(f.name.clone());
                used.push(feature.clone());
                if degraded.contains(&feature) {
                    let shown: Vec<String> = f.values.iter().map(crate::escape::json).collect();
                    warn(Some(name), format!("allowed numbers {}, which today's format cannot say (enums are of strings or integers): left out", shown.join(", ")));
                } else {
                    m.insert("enum".into(), Value::Array(f.values.clone()));
                }
            } else if f.open {
                m.insert("x-known-values".into(), Value::Array(f.values.clone()));
            } else {
                m.insert("enum".into(), Value::Array(f.values.clone()));
            }
            if let Some(names) = &f.names {
                if ty != Ty::Number {
                    m.insert(
                        "x-enum-names".into(),
                        Value::Array(names.iter().cloned().map(Value::String).collect()),
                    );
                }
            }
        }
        if !examples.is_empty() {
            m.insert("examples".into(), Value::Array(examples));
        }
        if f.required {
            required.push(Value::String(f.name.clone()));
        }
        props.insert(f.name.clone(), Value::Object(m));
    }
    let mut input = Map::new();
    input.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    input.insert("type".into(), "object".into());
    input.insert("additionalProperties".into(), false.into());
    input.insert("required".into(), Value::Array(required));
    input.insert("properties".into(), Value::Object(props));
    doc.insert("input".into(), Value::Object(input));
    (Value::Object(doc), used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_guesses() {
        assert_eq!(guess_variant("1080p"), "P1080");
        assert_eq!(guess_variant("Lukas in car"), "LukasInCar");
        assert_eq!(
            guess_variant("DARAN INSIDE 2 with mic"),
            "DaranInside2WithMic"
        );
        assert_eq!(guess_variant("16:9"), "V16x9");
        assert_eq!(guess_variant(""), "Value");
        assert_eq!(guess_variant("Other"), "OtherValue");
    }

    #[test]
    fn media_words() {
        assert_eq!(media_word("input_audio"), Some("audio"));
        assert_eq!(media_word("first_frame_image"), Some("image"));
        assert_eq!(media_word("images"), Some("image"));
        assert_eq!(media_word("prompt"), None);
        assert_eq!(media_word("Sets the starting image of the video"), None);
        assert_eq!(url_media("https://x/a.mp3?x=1"), Some("audio"));
    }
}
