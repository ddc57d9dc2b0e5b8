//! Round trip: random model files are written as Segmind page text in each
//! layout the real pages use, imported, and must come back as they were:
//! slug, title, latency, price, output, and every field's type, media kind,
//! required, default, range and values. Where a layout loses information
//! the importer must say so:
//! - integer values run together (`11231`) are always an inference, warned
//!   as one (an "uncertain" warning when other readings fit almost as
//!   well); a reading that differs from the model must carry one of them.
//!   (In the compact layout a list with no default cannot be told from a
//!   default and a list: `11231` may be 11, 231 or default 1 in 1, 231.)
//! - an output today's format cannot say carries an "unsupported" warning.
//!
//! The layouts, as on the seed pages in `tests/pages/`:
//! - `Blocks` (hallo, heygen): blocks separated by blank lines, labelled
//!   `Default:`, `Range:` and `Allowed values :`, words run together
//!   (`input_audiorequired`, `Default: 1.2Range: 0 - 10`), value lists run
//!   together (`"cover""contain"`, `510`);
//! - `Lines` (sadtalker): one item per line, `requiredstring` run together,
//!   a range glued to the next field's name (`Range: 0 - 45preprocess`);
//! - `Compact` (hailuo): `namerequiredtypeDescription`, then unlabelled
//!   values (the default, then the allowed values: `6610`,
//!   `"1080p""768p""1080p"`) glued to the next field's name.

use std::fmt::Write as _;

use proptest::prelude::*;
use serde_json::{json, Value};
use xtask::import::{self, WarningKind};

#[derive(Debug, Clone, Copy)]
enum Layout {
    Blocks,
    Lines,
    Compact,
}

#[derive(Debug, Clone)]
enum Kind {
    Str(Option<String>),
    Media(&'static str),
    Int {
        default: Option<i64>,
        range: Option<(i64, i64)>,
    },
    Num {
        default: Option<f64>,
        range: Option<(i64, i64)>,
    },
    Bool(Option<bool>),
    StrEnum {
        values: Vec<String>,
        default: Option<usize>,
    },
    IntEnum {
        values: Vec<i64>,
        default: Option<usize>,
    },
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    required: bool,
    kind: Kind,
    /// Index into the values / a choice of sample value.
    sample_pick: usize,
    /// Whether the sample sends an integer as a string ("6").
    sample_as_string: bool,
    /// A value the page shows that does not fit the format (hostile pages
    /// only).
    misfit: Option<Misfit>,
}

/// A value a page shows that does not fit the model format, as real pages
/// have them: the importer must drop or map it, with a warning on its field.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Misfit {
    /// A media field's sample (and, when required, its "default") is "".
    EmptyUrl,
    /// A media field's sample is a bare file name, no URL.
    RelativeUrl,
    /// A default outside the field's range.
    DefaultOutsideRange,
    /// A sample value outside the field's range.
    SampleOutsideRange,
    /// An integer default beyond i64.
    HugeDefault,
    /// A string whose description says "At most 2 characters.", with a
    /// longer sample (and default).
    TooLong,
    /// A sample not among the allowed values.
    SampleNotAllowed,
    /// An integer default not among the allowed values.
    DefaultNotAllowed,
}

/// The page's latency and price lines, when hostile.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Figures {
    /// As the model says.
    Plain,
    /// `~0.00s`: a latency that rounds to nothing.
    ZeroLatency,
    /// `~$0.000`.
    ZeroPrice,
    /// `~$lo - $hi`, in thousandths.
    PriceRange(u32, u32),
}

#[derive(Debug, Clone)]
struct Model {
    slug: String,
    title: String,
    summary: String,
    latency: Option<f64>,
    price: Option<f64>,
    output: &'static str,
    fields: Vec<Field>,
    /// Path segments between the version and the slug in the endpoint
    /// (`/v1/<prefix>/<slug>`).
    prefix: Vec<String>,
    /// The latency and price lines.
    figures: Figures,
}

const NAMES: &[&str] = &[
    "prompt",
    "seed",
    "steps",
    "width",
    "height",
    "guidance_scale",
    "mode",
    "quality",
    "fps",
    "style",
    "aspect",
    "strength",
    "negative_prompt",
    "output_format",
    "scale",
    "motion",
    "lip_weight",
    "cfg",
    "sampler",
    "loop_count",
    "detail",
    "tone",
    "speed",
    "pitch",
];
const WORDS: &[&str] = &[
    "cover",
    "contain",
    "landscape",
    "portrait",
    "crop",
    "full",
    "resize",
    "euler",
    "normal",
    "karras",
    "fast",
    "slow",
    "soft",
    "sharp",
    "p720",
    "hd",
    "square",
    "wide",
];

fn kind() -> impl Strategy<Value = Kind> {
    let word = proptest::sample::select(WORDS).prop_map(str::to_owned);
    let range =
        proptest::option::of((-100i64..100, 0i64..5000).prop_map(|(lo, span)| (lo, lo + span)));
    prop_oneof![
        proptest::option::of(word.clone()).prop_map(Kind::Str),
        proptest::sample::select(&["image", "audio", "video"][..]).prop_map(Kind::Media),
        (
            range.clone(),
            any::<proptest::sample::Index>(),
            any::<bool>()
        )
            .prop_map(|(range, i, has)| {
                let default = has.then(|| match range {
                    Some((lo, hi)) => {
                        lo + i64::try_from(i.index(usize::try_from(hi - lo + 1).unwrap_or(1)))
                            .unwrap_or(0)
                    }
                    None => i64::try_from(i.index(100_000)).unwrap_or(0),
                });
                Kind::Int { default, range }
            }),
        (range, any::<proptest::sample::Index>(), any::<bool>()).prop_map(|(range, i, has)| {
            let (lo, hi) = range.unwrap_or((0, 100));
            let tenths = i64::try_from(i.index(usize::try_from((hi - lo) * 10 + 1).unwrap_or(1)))
                .unwrap_or(0);
            #[allow(clippy::cast_precision_loss)]
            let default = has.then(|| lo as f64 + tenths as f64 / 10.0);
            Kind::Num { default, range }
        }),
        proptest::option::of(any::<bool>()).prop_map(Kind::Bool),
        (
            proptest::sample::subsequence(WORDS, 2..5),
            proptest::option::of(0usize..4)
        )
            .prop_map(|(values, d)| {
                let values: Vec<String> = values.into_iter().map(str::to_owned).collect();
                let default = d.map(|d| d % values.len());
                Kind::StrEnum { values, default }
            }),
        (
            proptest::collection::btree_set(1i64..2000, 2..4),
            proptest::option::of(0usize..4)
        )
            .prop_map(|(values, d)| {
                let values: Vec<i64> = values.into_iter().collect();
                let default = d.map(|d| d % values.len());
                Kind::IntEnum { values, default }
            }),
    ]
}

fn model() -> impl Strategy<Value = Model> {
    let fields = proptest::collection::vec((kind(), any::<bool>(), 0usize..8, any::<bool>()), 1..7);
    (
        "[a-z]{3,8}(-v[0-9])?",
        "[A-Z][a-z]{2,8}( [A-Z][a-z]{1,6}){0,2}",
        proptest::option::of(1u32..100_000),
        proptest::option::of(1u32..10_000),
        proptest::sample::select(&["video", "video", "image", "audio", "json"][..]),
        fields,
        proptest::sample::subsequence(NAMES, 6),
    )
        .prop_map(|(slug, title, latency, price, output, fields, names)| {
            let mut media_count = 0;
            let fields = fields
                .into_iter()
                .zip(names)
                .map(|((kind, required, sample_pick, sample_as_string), name)| {
                    let name = match &kind {
                        Kind::Media(k) => {
                            media_count += 1;
                            format!("input_{k}_{media_count}")
                        }
                        _ => name.to_owned(),
                    };
                    let has_default = match &kind {
                        Kind::Str(d) => d.is_some(),
                        Kind::Media(_) => false,
                        Kind::Int { default, .. } => default.is_some(),
                        Kind::Num { default, .. } => default.is_some(),
                        Kind::Bool(d) => d.is_some(),
                        Kind::StrEnum { default, .. } | Kind::IntEnum { default, .. } => {
                            default.is_some()
                        }
                    };
                    Field {
                        name,
                        required: required && !has_default,
                        kind,
                        sample_pick,
                        sample_as_string,
                        misfit: None,
                    }
                })
                .collect();
            Model {
                slug,
                summary: format!("{title} makes things from other things."),
                title,
                latency: latency.map(|l| f64::from(l) / 100.0),
                price: price.map(|p| f64::from(p) / 1000.0),
                output,
                fields,
                prefix: Vec::new(),
                figures: Figures::Plain,
            }
        })
}

/// The misfits a field of this kind can be given.
fn misfits(kind: &Kind) -> &'static [Misfit] {
    match kind {
        Kind::Media(_) => &[Misfit::EmptyUrl, Misfit::RelativeUrl],
        Kind::Int { range: Some(_), .. } => &[
            Misfit::DefaultOutsideRange,
            Misfit::SampleOutsideRange,
            Misfit::HugeDefault,
        ],
        Kind::Num { range: Some(_), .. } => {
            &[Misfit::DefaultOutsideRange, Misfit::SampleOutsideRange]
        }
        Kind::Str(_) => &[Misfit::TooLong],
        Kind::StrEnum { .. } => &[Misfit::SampleNotAllowed],
        Kind::IntEnum { .. } => &[Misfit::SampleNotAllowed, Misfit::DefaultNotAllowed],
        _ => &[],
    }
}

/// A model whose page shows values that do not fit the format: misfit
/// samples and defaults, a zero latency, a zero price or a price range, an
/// endpoint with extra path segments.
fn hostile_model() -> impl Strategy<Value = Model> {
    let figures = prop_oneof![
        Just(Figures::Plain),
        Just(Figures::ZeroLatency),
        Just(Figures::ZeroPrice),
        (0u32..500, 1u32..500).prop_map(|(lo, span)| Figures::PriceRange(lo, lo + span)),
        Just(Figures::PriceRange(0, 0)),
    ];
    (
        model(),
        proptest::collection::vec(any::<proptest::sample::Index>(), 6),
        proptest::collection::vec(any::<bool>(), 6),
        proptest::collection::vec("[a-z][a-z0-9-]{0,7}", 0..3),
        figures,
    )
        .prop_map(|(mut m, picks, hit, prefix, figures)| {
            for ((f, pick), hit) in m.fields.iter_mut().zip(picks).zip(hit) {
                let choices = misfits(&f.kind);
                if hit && !choices.is_empty() {
                    let misfit = choices[pick.index(choices.len())];
                    if misfit == Misfit::EmptyUrl {
                        // Real pages send "" for a required URL.
                        f.required = true;
                    }
                    f.misfit = Some(misfit);
                }
            }
            m.prefix = prefix;
            m.figures = figures;
            m
        })
}

impl Field {
    fn ty(&self) -> &'static str {
        match self.kind {
            Kind::Str(_) | Kind::StrEnum { .. } => "string",
            Kind::Media(_) => "string (uri)",
            Kind::Int { .. } | Kind::IntEnum { .. } => "integer",
            Kind::Num { .. } => "number",
            Kind::Bool(_) => "boolean",
        }
    }

    fn description(&self) -> String {
        let tail = if self.misfit == Some(Misfit::TooLong) {
            " At most 2 characters."
        } else {
            ""
        };
        format!(
            "Sets the {} of the result.{tail}",
            self.name.replace('_', " ")
        )
    }

    /// The misfit sample, when the field has one.
    fn misfit_sample(&self) -> Option<Value> {
        let outside = |range: Option<(i64, i64)>| range.map_or(0, |r| r.1 + 7);
        Some(match (self.misfit?, &self.kind) {
            (Misfit::EmptyUrl, _) => json!(""),
            (Misfit::RelativeUrl, _) => json!(format!("{}.png", self.name)),
            (Misfit::SampleOutsideRange, Kind::Int { range, .. }) => json!(outside(*range)),
            #[allow(clippy::cast_precision_loss)]
            (Misfit::SampleOutsideRange, Kind::Num { range, .. }) => {
                json!(outside(*range) as f64 + 0.5)
            }
            (Misfit::SampleNotAllowed, Kind::StrEnum { .. }) => json!("not-listed"),
            (Misfit::SampleNotAllowed, Kind::IntEnum { .. }) => json!(99_999),
            _ => return None,
        })
    }

    /// The misfit default, as the page writes it, when the field has one.
    fn misfit_default(&self) -> Option<String> {
        Some(match (self.misfit?, &self.kind) {
            (Misfit::EmptyUrl, _) => "\"\"".to_owned(),
            (Misfit::DefaultOutsideRange, Kind::Int { range, .. }) => {
                (range.map_or(0, |r| r.1) + 3).to_string()
            }
            (Misfit::DefaultOutsideRange, Kind::Num { range, .. }) => {
                format!("{}.5", range.map_or(0, |r| r.1) + 3)
            }
            (Misfit::HugeDefault, _) => "99999999999999999999".to_owned(),
            (Misfit::TooLong, _) => "\"much too long\"".to_owned(),
            (Misfit::DefaultNotAllowed, _) => "4321".to_owned(),
            _ => return None,
        })
    }

    fn sample(&self) -> Value {
        if let Some(v) = self.misfit_sample() {
            return v;
        }
        match &self.kind {
            Kind::Str(d) => json!(d.clone().unwrap_or_else(|| "a sample text".into())),
            Kind::Media(k) => {
                let ext = match *k {
                    "image" => "png",
                    "audio" => "mp3",
                    _ => "mp4",
                };
                json!(format!("https://example.com/{}.{ext}", self.name))
            }
            Kind::Int { default, range } => {
                let v = default.unwrap_or_else(|| range.map_or(7, |r| r.0));
                if self.sample_as_string {
                    json!(v.to_string())
                } else {
                    json!(v)
                }
            }
            Kind::Num { default, range } => {
                json!(default.unwrap_or_else(|| range.map_or(0.5, |r| r.0 as f64)))
            }
            Kind::Bool(d) => json!(d.is_none_or(|b| !b)),
            Kind::StrEnum { values, .. } => json!(values[self.sample_pick % values.len()]),
            Kind::IntEnum { values, .. } => {
                let v = values[self.sample_pick % values.len()];
                if self.sample_as_string {
                    json!(v.to_string())
                } else {
                    json!(v)
                }
            }
        }
    }

    fn default_text(&self) -> Option<String> {
        if let Some(d) = self.misfit_default() {
            return Some(d);
        }
        match &self.kind {
            Kind::Str(d) => d.as_ref().map(|d| format!("\"{d}\"")),
            Kind::Media(_) => self.required.then(|| self.sample().to_string()),
            Kind::Int { default, .. } => default.map(|d| d.to_string()),
            Kind::Num { default, .. } => default.map(num),
            Kind::Bool(d) => d.map(|b| b.to_string()),
            Kind::StrEnum { values, default } => default.map(|i| format!("\"{}\"", values[i])),
            Kind::IntEnum { values, default } => default.map(|i| values[i].to_string()),
        }
    }

    fn range(&self) -> Option<(i64, i64)> {
        match &self.kind {
            Kind::Int { range, .. } | Kind::Num { range, .. } => *range,
            _ => None,
        }
    }

    /// The allowed values as the page runs them together.
    fn values_text(&self, sep: &str) -> Option<String> {
        match &self.kind {
            Kind::StrEnum { values, .. } => Some(
                values
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(sep),
            ),
            Kind::IntEnum { values, .. } => Some(
                values
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(sep),
            ),
            _ => None,
        }
    }
}

impl Model {
    /// The endpoint's path after the version: `/<prefix>/<slug>`.
    fn endpoint(&self) -> String {
        let mut path = String::new();
        for segment in self.prefix.iter().chain([&self.slug]) {
            path.push('/');
            path.push_str(segment);
        }
        path
    }
}

fn num(x: f64) -> String {
    let s = format!("{x}");
    s
}

fn render(m: &Model, layout: Layout) -> String {
    let mut page = String::new();
    let gap = match layout {
        Layout::Blocks => "\n\n",
        _ => "\n",
    };
    let _ = write!(page, "{} Serverless API{gap}{}{gap}", m.title, m.summary);
    match m.figures {
        Figures::ZeroLatency => page.push_str("~0.00s\n"),
        _ => {
            if let Some(l) = m.latency {
                let _ = writeln!(page, "~{l:.2}s");
            }
        }
    }
    match m.figures {
        Figures::ZeroPrice => page.push_str("~$0.000\n"),
        Figures::PriceRange(lo, hi) => {
            let _ = writeln!(
                page,
                "~${:.3} - ${:.3}",
                f64::from(lo) / 1000.0,
                f64::from(hi) / 1000.0
            );
        }
        _ => {
            if let Some(p) = m.price {
                let _ = writeln!(page, "~${p:.3}");
            }
        }
    }
    let endpoint = m.endpoint();
    // The sample code, numbered, as the pages show it (twice on some).
    let mut code = vec![
        "import requests".to_owned(),
        "import json".to_owned(),
        String::new(),
        format!("url = \"https://api.segmind.com/v1{endpoint}\""),
        "headers = {".into(),
        " \"x-api-key\": \"YOUR_API_KEY\",".into(),
        " \"Content-Type\": \"application/json\"".into(),
        "}".into(),
        String::new(),
        "data = {".into(),
    ];
    for (i, f) in m.fields.iter().enumerate() {
        let comma = if i + 1 < m.fields.len() { "," } else { "" };
        code.push(format!(" \"{}\": {}{comma}", f.name, f.sample()));
    }
    code.push("}".into());
    code.push("response = requests.post(url, headers=headers, json=data)".into());
    for (i, line) in code.iter().enumerate() {
        let _ = writeln!(page, "{}{line}", i + 1);
    }
    let _ = write!(
        page,
        "API Endpoint{gap}POST{gap}https://api.segmind.com/v1{endpoint}{gap}Parameters{gap}"
    );
    let n = m.fields.len();
    for (i, f) in m.fields.iter().enumerate() {
        let req = if f.required { "required" } else { "optional" };
        let last = i + 1 == n;
        match layout {
            Layout::Blocks => {
                let _ = write!(
                    page,
                    "{}{req}\n{}\n\n{}\n\n",
                    f.name,
                    f.ty(),
                    f.description()
                );
                let mut line = String::new();
                if let Some(d) = f.default_text() {
                    let _ = write!(line, "Default: {d}");
                }
                if let Some((lo, hi)) = f.range() {
                    let _ = write!(line, "Range: {lo} - {hi}");
                }
                if !line.is_empty() {
                    let _ = writeln!(page, "{line}");
                }
                if let Some(v) = f.values_text("") {
                    let _ = write!(page, "Allowed values :\n{v}\n");
                }
            }
            Layout::Lines => {
                let _ = write!(page, "{}\n{req}{}\n{}\n", f.name, f.ty(), f.description());
                if let Some(d) = f.default_text() {
                    let _ = write!(page, "Default:\n{d}\n");
                }
                if let Some(v) = f.values_text("\n") {
                    let _ = write!(page, "Allowed values :\n{v}\n");
                }
                if let Some((lo, hi)) = f.range() {
                    // Glued to the next field's name, as on sadtalker's page.
                    let _ = write!(page, "Range: {lo} - {hi}");
                    if last {
                        page.push('\n');
                    }
                }
            }
            Layout::Compact => {
                let _ = writeln!(page, "{}{req}{}{}", f.name, f.ty(), f.description());
                let mut blob = f.default_text().unwrap_or_default();
                if let Some(v) = f.values_text("") {
                    blob.push_str(&v);
                }
                if let Some((lo, hi)) = f.range() {
                    let _ = write!(blob, "Range: {lo} - {hi}");
                }
                // Glued to the next field's name, as on hailuo's pages.
                page.push_str(&blob);
                if last && !blob.is_empty() {
                    page.push('\n');
                }
            }
        }
    }
    let returns = match m.output {
        "video" => "Video",
        "image" => "Image",
        "audio" => "Audio",
        _ => "Text/JSON",
    };
    let _ = writeln!(
        page,
        "Response Type{gap}Returns: {returns}{gap}Common Error Codes"
    );
    page
}

fn schema_dir() -> std::path::PathBuf {
    xtask::workspace_root().join("schema")
}

fn same_number(a: Option<&Value>, b: Option<f64>) -> bool {
    match (a.and_then(Value::as_f64), b) {
        (None, None) => true,
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => false,
    }
}

/// What a field should come back as: type, media, default, values, range.
type Expected<'a> = (
    &'a str,
    Option<&'a str>,
    Option<Value>,
    Option<Value>,
    Option<(i64, i64)>,
);

fn check(m: &Model, layout: Layout) -> Result<(), TestCaseError> {
    let page = render(m, layout);
    let imported = import::import(&page, "page.txt", &schema_dir())
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- page ---\n{page}")))?;
    let doc = &imported.doc;
    let ctx = || {
        let w: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        format!(
            "--- page ---\n{page}\n--- draft ---\n{}\n--- warnings ---\n{}",
            imported.text,
            w.join("\n")
        )
    };
    let warned = |field: Option<&str>, kind: WarningKind| {
        imported
            .warnings
            .iter()
            .any(|w| w.field.as_deref() == field && w.kind == kind)
    };
    prop_assert_eq!(&imported.slug, &m.slug, "{}", ctx());
    prop_assert_eq!(doc["title"].as_str(), Some(m.title.as_str()), "{}", ctx());
    prop_assert!(
        same_number(doc.get("typical_latency_seconds"), m.latency),
        "latency {}",
        ctx()
    );
    prop_assert!(
        same_number(doc.get("typical_price_usd"), m.price),
        "price {}",
        ctx()
    );
    if doc["output"] != json!(m.output) {
        prop_assert!(warned(None, WarningKind::Unsupported), "output {}", ctx());
    }
    let props = doc
        .pointer("/input/properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    prop_assert_eq!(props.len(), m.fields.len(), "fields {}", ctx());
    let required: Vec<&str> = doc
        .pointer("/input/required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for f in &m.fields {
        let Some(p) = props.get(&f.name) else {
            return Err(TestCaseError::fail(format!(
                "{} missing\n{}",
                f.name,
                ctx()
            )));
        };
        let name = Some(f.name.as_str());
        prop_assert_eq!(
            required.contains(&f.name.as_str()),
            f.required,
            "{} required {}",
            f.name,
            ctx()
        );
        let uncertain = warned(name, WarningKind::NumericSplitAmbiguous)
            || warned(name, WarningKind::NumericSplit);
        let (ty, media, default, values, range): Expected<'_> = match &f.kind {
            Kind::Str(d) => ("string", None, d.clone().map(Value::from), None, None),
            Kind::Media(k) => ("string", Some(*k), None, None, None),
            Kind::Int { default, range } => {
                ("integer", None, default.map(Value::from), None, *range)
            }
            Kind::Num { default, range } => {
                ("number", None, default.map(Value::from), None, *range)
            }
            Kind::Bool(d) => ("boolean", None, d.map(Value::from), None, None),
            Kind::StrEnum { values, default } => (
                "string",
                None,
                default.map(|i| json!(values[i])),
                Some(json!(values)),
                None,
            ),
            Kind::IntEnum { values, default } => (
                "integer",
                None,
                default.map(|i| json!(values[i])),
                Some(json!(values)),
                None,
            ),
        };
        prop_assert_eq!(p["type"].as_str(), Some(ty), "{} type {}", f.name, ctx());
        prop_assert_eq!(
            p.get("x-media").and_then(Value::as_str),
            media,
            "{} media {}",
            f.name,
            ctx()
        );
        if uncertain {
            continue;
        }
        let got_default = p.get("default");
        match (&default, got_default) {
            (Some(a), Some(b)) => prop_assert!(
                a == b || (a.as_f64().is_some() && a.as_f64() == b.as_f64()),
                "{} default {}",
                f.name,
                ctx()
            ),
            (None, None) => {}
            _ => {
                return Err(TestCaseError::fail(format!(
                    "{} default {default:?} vs {got_default:?}\n{}",
                    f.name,
                    ctx()
                )))
            }
        }
        // An integer with no range on the page gets the 64-bit limits.
        let open_integer = ty == "integer" && values.is_none();
        prop_assert_eq!(
            p.get("enum").cloned(),
            values,
            "{} values {}",
            f.name,
            ctx()
        );
        let open = |bound: Option<i64>, limit: i64| {
            if open_integer {
                Some(bound.unwrap_or(limit))
            } else {
                bound
            }
        };
        prop_assert_eq!(
            p.get("minimum").and_then(Value::as_i64),
            open(range.map(|r| r.0), i64::MIN),
            "{} minimum {}",
            f.name,
            ctx()
        );
        prop_assert_eq!(
            p.get("maximum").and_then(Value::as_i64),
            open(range.map(|r| r.1), i64::MAX),
            "{} maximum {}",
            f.name,
            ctx()
        );
    }
    Ok(())
}

/// The draft of a hostile page: `import` succeeds, the draft passes the
/// loader on its own (checked here again, not trusted from `import`), the
/// slug and request path come from the endpoint, and every misfit value is
/// gone from the draft (or mapped into a form that fits) with a warning on
/// its field.
fn check_hostile(m: &Model, layout: Layout) -> Result<(), TestCaseError> {
    let page = render(m, layout);
    let imported = import::import(&page, "page.txt", &schema_dir())
        .map_err(|e| TestCaseError::fail(format!("refused: {e}\n--- page ---\n{page}")))?;
    let ctx = || {
        let w: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        format!(
            "--- page ---\n{page}\n--- draft ---\n{}\n--- warnings ---\n{}",
            imported.text,
            w.join("\n")
        )
    };
    // The loader, on the draft as written.
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let file = dir.path().join(format!("{}.json", imported.slug));
    std::fs::write(&file, &imported.text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    if let Err(e) = xtask::load::load_files(
        &[file],
        &schema_dir().join(xtask::load::META_SCHEMA),
        "schema",
    ) {
        return Err(TestCaseError::fail(format!(
            "the loader refuses the draft: {e}\n{}",
            ctx()
        )));
    }
    let doc = &imported.doc;
    let warned = |field: Option<&str>| {
        imported
            .warnings
            .iter()
            .any(|w| w.field.as_deref() == field)
    };
    prop_assert_eq!(&imported.slug, &m.slug, "slug {}", ctx());
    let path = (!m.prefix.is_empty()).then(|| json!(m.endpoint()));
    prop_assert_eq!(doc.get("path"), path.as_ref(), "path {}", ctx());
    match m.figures {
        Figures::ZeroLatency => {
            prop_assert!(
                doc.get("typical_latency_seconds").is_none(),
                "latency {}",
                ctx()
            );
            prop_assert!(
                imported
                    .warnings
                    .iter()
                    .any(|w| w.field.is_none() && w.message.contains("0.00")),
                "latency warning {}",
                ctx()
            );
        }
        Figures::ZeroPrice => prop_assert!(
            same_number(doc.get("typical_price_usd"), Some(0.0)),
            "price {}",
            ctx()
        ),
        Figures::PriceRange(_, hi) => prop_assert!(
            same_number(doc.get("typical_price_usd"), Some(f64::from(hi) / 1000.0)),
            "price {}",
            ctx()
        ),
        Figures::Plain => {}
    }
    for f in &m.fields {
        let Some(misfit) = f.misfit else { continue };
        let p = doc
            .pointer(&format!("/input/properties/{}", f.name))
            .cloned()
            .unwrap_or_default();
        prop_assert!(
            warned(Some(&f.name)),
            "{} {misfit:?}: no warning {}",
            f.name,
            ctx()
        );
        // (Where a layout loses the range or the value list, the misfit may
        // fit what the draft says; the loader's check above covers the rest.)
        let examples = p["examples"].as_array().cloned().unwrap_or_default();
        match misfit {
            Misfit::EmptyUrl | Misfit::RelativeUrl => prop_assert!(
                !examples
                    .iter()
                    .chain(p.get("default"))
                    .any(|e| Some(e) == f.misfit_sample().as_ref()),
                "{} {misfit:?}: the non-URL is kept {}",
                f.name,
                ctx()
            ),
            Misfit::TooLong => {
                prop_assert_eq!(
                    p.get("maxLength"),
                    Some(&json!(2)),
                    "{} maxLength {}",
                    f.name,
                    ctx()
                );
                prop_assert!(
                    p.get("default").is_none(),
                    "{} {misfit:?}: default {}",
                    f.name,
                    ctx()
                );
                prop_assert!(
                    examples
                        .iter()
                        .all(|e| e.as_str().is_some_and(|e| e.chars().count() <= 2)),
                    "{} {misfit:?}: examples {}",
                    f.name,
                    ctx()
                );
            }
            Misfit::HugeDefault => {
                prop_assert!(
                    p.get("default").is_none(),
                    "{} {misfit:?}: default {}",
                    f.name,
                    ctx()
                );
            }
            _ => {}
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Pages showing values the format refuses: 0 drafts refused, in every
    /// layout.
    #[test]
    fn hostile_pages_never_make_a_refused_draft(m in hostile_model(), layout in prop_oneof![Just(Layout::Blocks), Just(Layout::Lines), Just(Layout::Compact)]) {
        check_hostile(&m, layout)?;
    }

    #[test]
    fn blocks_layout_round_trips(m in model()) {
        check(&m, Layout::Blocks)?;
    }

    #[test]
    fn lines_layout_round_trips(m in model()) {
        check(&m, Layout::Lines)?;
    }

    #[test]
    fn compact_layout_round_trips(m in model()) {
        check(&m, Layout::Compact)?;
    }

    /// Any text at all: an error or a draft, never a panic.
    #[test]
    fn any_text_gives_a_draft_or_an_error(text in ".{0,400}", tail in "(Parameters|requiredstring|Default: |Range: |\"|6610|Returns: Video|data = \\{|\n){0,12}") {
        let page = format!("Title\nhttps://api.segmind.com/v1/x{text}{tail}");
        if let Err(e) = import::import(&page, "page.txt", &schema_dir()) {
            let message = e.to_string();
            prop_assert!(!message.contains('\n'), "not one line: {}", message);
        }
        let _ = import::page_text(text.as_bytes(), "page.txt");
        let _ = import::html::to_text(&format!("<p>{text}</p><script>{tail}"));
    }
}
