//! Validation reports: the generated `validate()` methods feed every check of
//! a schema into [`Violations`], which keeps every failure, so a caller sees
//! all that is wrong with an input at once, before any byte is sent.

use std::fmt;
use std::path::PathBuf;

use crate::media::Media;

/// A number as the schema or the caller wrote it: an integer bound prints as
/// `10`, a float value as `12.0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// A whole number.
    Int(i64),
    /// A number with a fractional part (or written as a float).
    Float(f64),
}

impl Limit {
    /// The number as an `f64` (exact for the bounds codegen lets through).
    pub fn as_f64(self) -> f64 {
        match self {
            Limit::Int(i) => i as f64,
            Limit::Float(x) => x,
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Int(i) => write!(f, "{i}"),
            Limit::Float(x) => write!(f, "{x:?}"),
        }
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The value is below the schema's inclusive minimum.
    BelowMinimum {
        /// The value given.
        value: Limit,
        /// The smallest value allowed.
        minimum: Limit,
    },
    /// The value is above the schema's inclusive maximum.
    AboveMaximum {
        /// The value given.
        value: Limit,
        /// The largest value allowed.
        maximum: Limit,
    },
    /// The value is not above the schema's exclusive minimum.
    NotAboveExclusiveMinimum {
        /// The value given.
        value: Limit,
        /// The value must be greater than this.
        exclusive_minimum: Limit,
    },
    /// The value is not below the schema's exclusive maximum.
    NotBelowExclusiveMaximum {
        /// The value given.
        value: Limit,
        /// The value must be less than this.
        exclusive_maximum: Limit,
    },
    /// The value is not a multiple of the schema's `multipleOf`.
    NotMultipleOf {
        /// The value given.
        value: Limit,
        /// What the value must be a multiple of.
        multiple_of: Limit,
    },
    /// A number field holds NaN or an infinity, which JSON cannot carry.
    NotFinite {
        /// The value given.
        value: f64,
    },
    /// A string has fewer characters (Unicode code points) than `minLength`.
    TooShort {
        /// Its length in code points.
        length: usize,
        /// The smallest length allowed.
        min_length: u64,
    },
    /// A string has more characters (Unicode code points) than `maxLength`.
    TooLong {
        /// Its length in code points.
        length: usize,
        /// The largest length allowed.
        max_length: u64,
    },
    /// A string does not match the schema's `pattern`.
    PatternMismatch {
        /// The string given.
        value: String,
        /// The pattern (a regular expression, searched anywhere in the string).
        pattern: &'static str,
    },
    /// A list has fewer items than `minItems`.
    TooFewItems {
        /// Its length.
        length: usize,
        /// The fewest items allowed.
        min_items: u64,
    },
    /// A list has more items than `maxItems`.
    TooManyItems {
        /// Its length.
        length: usize,
        /// The most items allowed.
        max_items: u64,
    },
    /// A media URL is not a URI as RFC 3986 defines one (what the schema's
    /// `format: uri` asks for).
    InvalidUrl {
        /// The URL given.
        value: String,
    },
    /// A local media file cannot be read.
    UnreadableFile {
        /// The path given.
        path: PathBuf,
        /// Why it cannot be read.
        reason: String,
    },
    /// The field has a limit that this build of `segmind-runtime` cannot
    /// check, because the Cargo feature that checks it is off (`pattern`
    /// needs the `pattern` feature, `multipleOf` the `multiple-of` feature).
    /// The generated `segmind` crate turns the feature on for every model
    /// whose schema uses the keyword, so this only shows when limits are
    /// written by hand; the input is refused rather than sent unchecked.
    Unchecked {
        /// The JSON Schema keyword (`pattern`, `multipleOf`).
        keyword: &'static str,
        /// The `segmind-runtime` feature that checks it.
        feature: &'static str,
    },
}

/// One failed check: where in the input, and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Where: the wire name of a top-level field (`pose_weight`), or the path
    /// of a value inside lists and objects, as a JSON pointer without its
    /// leading `/` (`messages/0/content`).
    pub field: String,
    /// What is wrong.
    pub kind: ViolationKind,
}

/// At most 80 characters of a value, for a message.
fn shown(value: &str) -> String {
    value.chars().take(80).collect()
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = &self.field;
        match &self.kind {
            ViolationKind::BelowMinimum { value, minimum } => {
                write!(f, "{field}: {value} is below the minimum {minimum}")
            }
            ViolationKind::AboveMaximum { value, maximum } => {
                write!(f, "{field}: {value} is above the maximum {maximum}")
            }
            ViolationKind::NotAboveExclusiveMinimum {
                value,
                exclusive_minimum,
            } => write!(f, "{field}: {value} is not above {exclusive_minimum}"),
            ViolationKind::NotBelowExclusiveMaximum {
                value,
                exclusive_maximum,
            } => write!(f, "{field}: {value} is not below {exclusive_maximum}"),
            ViolationKind::NotMultipleOf { value, multiple_of } => {
                write!(f, "{field}: {value} is not a multiple of {multiple_of}")
            }
            ViolationKind::NotFinite { value } => {
                write!(f, "{field}: {value} is not a finite number")
            }
            ViolationKind::TooShort { length, min_length } => write!(
                f,
                "{field}: {length} characters, fewer than the minimum {min_length}"
            ),
            ViolationKind::TooLong { length, max_length } => write!(
                f,
                "{field}: {length} characters, more than the maximum {max_length}"
            ),
            ViolationKind::PatternMismatch { value, pattern } => write!(
                f,
                "{field}: {:?} does not match the pattern {pattern:?}",
                shown(value)
            ),
            ViolationKind::TooFewItems { length, min_items } => write!(
                f,
                "{field}: {length} items, fewer than the minimum {min_items}"
            ),
            ViolationKind::TooManyItems { length, max_items } => write!(
                f,
                "{field}: {length} items, more than the maximum {max_items}"
            ),
            ViolationKind::Unchecked { keyword, feature } => write!(
                f,
                "{field}: its `{keyword}` cannot be checked: segmind-runtime was built without its `{feature}` feature"
            ),
            ViolationKind::InvalidUrl { value } => {
                write!(
                    f,
                    "{field}: {:?} is not a valid URL (RFC 3986)",
                    shown(value)
                )?;
                if !value.contains(':') {
                    // A path given where a URL goes: say how a file is named.
                    f.write_str("; a string is never read as a local file (use Media::file)")?;
                }
                Ok(())
            }
            ViolationKind::UnreadableFile { path, reason } => {
                write!(f, "{field}: cannot read {}: {reason}", path.display())
            }
        }
    }
}

/// Every violation found in one input.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// Slug of the model whose input failed.
    pub model: String,
    /// Every failed check, in field order.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(
            f,
            "invalid {} input ({n} problem{}): ",
            self.model,
            if n == 1 { "" } else { "s" }
        )?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// The numeric limits of a number or integer field (JSON Schema's
/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` and
/// `multipleOf`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NumberLimits {
    /// Inclusive lower bound.
    pub minimum: Option<Limit>,
    /// Inclusive upper bound.
    pub maximum: Option<Limit>,
    /// Exclusive lower bound.
    pub exclusive_minimum: Option<Limit>,
    /// Exclusive upper bound.
    pub exclusive_maximum: Option<Limit>,
    /// The value must be a multiple of this.
    pub multiple_of: Option<Limit>,
}

impl NumberLimits {
    /// No limit at all.
    pub const NONE: NumberLimits = NumberLimits {
        minimum: None,
        maximum: None,
        exclusive_minimum: None,
        exclusive_maximum: None,
        multiple_of: None,
    };
}

/// The limits of a string field (JSON Schema's `minLength`, `maxLength` and
/// `pattern`); lengths count Unicode code points, as JSON Schema does.
#[derive(Debug, Clone, Copy, Default)]
pub struct StringLimits {
    /// The fewest characters allowed.
    pub min_length: Option<u64>,
    /// The most characters allowed.
    pub max_length: Option<u64>,
    /// A regular expression the string must match somewhere.
    pub pattern: Option<&'static str>,
}

impl StringLimits {
    /// No limit at all.
    pub const NONE: StringLimits = StringLimits {
        min_length: None,
        max_length: None,
        pattern: None,
    };
}

/// Whether `text` matches the schema pattern `pattern` somewhere (JSON
/// Schema patterns are not anchored), with the pattern compiled (by the
/// `regex` crate) once per process. `None` when the pattern does not
/// compile, which codegen rules out: it only lets through patterns that mean
/// the same in ECMA-262 (what JSON Schema speaks) and in the `regex` crate.
#[cfg(feature = "pattern")]
pub(crate) fn pattern_matches(pattern: &'static str, text: &str) -> Option<bool> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock, PoisonError};
    static COMPILED: OnceLock<Mutex<HashMap<&'static str, Option<regex::Regex>>>> = OnceLock::new();
    let regex = COMPILED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(pattern)
        .or_insert_with(|| regex::Regex::new(pattern).ok())
        .clone();
    regex.map(|re| re.is_match(text))
}

/// The path of `segment` inside the value at `parent` (`""` is the input
/// itself): `pose_weight`, `messages/0/content`.
pub fn child_path(parent: &str, segment: impl fmt::Display) -> String {
    if parent.is_empty() {
        segment.to_string()
    } else {
        format!("{parent}/{segment}")
    }
}

/// Whether `text` is a URI as RFC 3986 defines one: what the JSON Schema
/// `format: uri` asks for, checked with the parser the server's validator
/// uses (`fluent-uri`).
pub fn is_uri(text: &str) -> bool {
    fluent_uri::Uri::parse(text).is_ok()
}

/// Collects violations while a generated `validate()` runs its checks.
#[derive(Debug, Default)]
pub struct Violations {
    found: Vec<Violation>,
}

impl Violations {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, field: &str, kind: ViolationKind) {
        self.found.push(Violation {
            field: field.to_owned(),
            kind,
        });
    }

    /// Checks a number field against its limits.
    pub fn number(&mut self, field: &str, value: f64, limits: &NumberLimits) {
        if !value.is_finite() {
            return self.push(field, ViolationKind::NotFinite { value });
        }
        self.limits(field, Limit::Float(value), limits);
    }

    /// Checks an integer field against its limits.
    pub fn integer(&mut self, field: &str, value: i64, limits: &NumberLimits) {
        self.limits(field, Limit::Int(value), limits);
    }

    fn limits(&mut self, field: &str, value: Limit, limits: &NumberLimits) {
        use std::cmp::Ordering::{Greater, Less};
        if let Some(minimum) = limits.minimum {
            if compare(value, minimum) == Less {
                self.push(field, ViolationKind::BelowMinimum { value, minimum });
            }
        }
        if let Some(maximum) = limits.maximum {
            if compare(value, maximum) == Greater {
                self.push(field, ViolationKind::AboveMaximum { value, maximum });
            }
        }
        if let Some(exclusive_minimum) = limits.exclusive_minimum {
            if compare(value, exclusive_minimum) != Greater {
                self.push(
                    field,
                    ViolationKind::NotAboveExclusiveMinimum {
                        value,
                        exclusive_minimum,
                    },
                );
            }
        }
        if let Some(exclusive_maximum) = limits.exclusive_maximum {
            if compare(value, exclusive_maximum) != Less {
                self.push(
                    field,
                    ViolationKind::NotBelowExclusiveMaximum {
                        value,
                        exclusive_maximum,
                    },
                );
            }
        }
        if let Some(multiple_of) = limits.multiple_of {
            #[cfg(feature = "multiple-of")]
            if !is_multiple_of(value, multiple_of) {
                self.push(field, ViolationKind::NotMultipleOf { value, multiple_of });
            }
            #[cfg(not(feature = "multiple-of"))]
            {
                let _ = multiple_of;
                self.push(
                    field,
                    ViolationKind::Unchecked {
                        keyword: "multipleOf",
                        feature: "multiple-of",
                    },
                );
            }
        }
    }

    /// Checks a string field against its lengths and pattern.
    pub fn string(&mut self, field: &str, value: &str, limits: &StringLimits) {
        let length = value.chars().count();
        if let Some(min_length) = limits.min_length {
            if (length as u64) < min_length {
                self.push(field, ViolationKind::TooShort { length, min_length });
            }
        }
        if let Some(max_length) = limits.max_length {
            if (length as u64) > max_length {
                self.push(field, ViolationKind::TooLong { length, max_length });
            }
        }
        if let Some(pattern) = limits.pattern {
            #[cfg(feature = "pattern")]
            if pattern_matches(pattern, value) != Some(true) {
                self.push(
                    field,
                    ViolationKind::PatternMismatch {
                        value: value.to_owned(),
                        pattern,
                    },
                );
            }
            #[cfg(not(feature = "pattern"))]
            {
                let _ = pattern;
                self.push(
                    field,
                    ViolationKind::Unchecked {
                        keyword: "pattern",
                        feature: "pattern",
                    },
                );
            }
        }
    }

    /// Checks the length of a list field.
    pub fn items(
        &mut self,
        field: &str,
        length: usize,
        min_items: Option<u64>,
        max_items: Option<u64>,
    ) {
        if let Some(min_items) = min_items {
            if (length as u64) < min_items {
                self.push(field, ViolationKind::TooFewItems { length, min_items });
            }
        }
        if let Some(max_items) = max_items {
            if (length as u64) > max_items {
                self.push(field, ViolationKind::TooManyItems { length, max_items });
            }
        }
    }

    /// Checks a media field: a URL must be a URI (RFC 3986, as the schema's
    /// `format: uri` says); a file must exist and be a regular file.
    pub fn media(&mut self, field: &str, media: &Media) {
        match media {
            Media::Url(url) => {
                if !is_uri(url) {
                    self.push(field, ViolationKind::InvalidUrl { value: url.clone() });
                }
            }
            Media::File(path) => {
                let reason = match std::fs::metadata(path) {
                    Ok(meta) if meta.is_file() => return,
                    Ok(_) => "not a regular file".to_owned(),
                    Err(e) => e.to_string(),
                };
                self.push(
                    field,
                    ViolationKind::UnreadableFile {
                        path: path.clone(),
                        reason,
                    },
                );
            }
        }
    }

    /// Ends the checks of `model`: `Ok` when nothing was found.
    pub fn finish(self, model: &str) -> Result<(), ValidationError> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                model: model.to_owned(),
                violations: self.found,
            })
        }
    }
}

/// `value` against `bound`, exactly: two integers as integers (no detour
/// through `f64`); otherwise as `f64`, which is exact because codegen keeps
/// the bounds of number fields within ±2^53.
fn compare(value: Limit, bound: Limit) -> std::cmp::Ordering {
    match (value, bound) {
        (Limit::Int(a), Limit::Int(b)) => a.cmp(&b),
        _ => value
            .as_f64()
            .partial_cmp(&bound.as_f64())
            .unwrap_or(std::cmp::Ordering::Equal),
    }
}

/// JSON Schema's `multipleOf`, decided by the very functions the server's
/// validator (the `jsonschema` crate) uses: an integer divisor takes the
/// exact integer path, a fractional one the decimal one.
#[cfg(feature = "multiple-of")]
fn is_multiple_of(value: Limit, multiple: Limit) -> bool {
    use jsonschema_value::numeric::{is_multiple_of_float, is_multiple_of_integer};
    let number = match value {
        Limit::Int(i) => serde_json::Number::from(i),
        Limit::Float(x) => match serde_json::Number::from_f64(x) {
            Some(n) => n,
            None => return false,
        },
    };
    let multiple = multiple.as_f64();
    if multiple.fract() == 0.0 {
        is_multiple_of_integer(&number, multiple)
    } else {
        is_multiple_of_float(&number, multiple)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_violation_with_field_bound_and_value() {
        let mut v = Violations::new();
        let zero_ten = NumberLimits {
            minimum: Some(Limit::Int(0)),
            maximum: Some(Limit::Int(10)),
            ..NumberLimits::NONE
        };
        v.number("pose_weight", 12.0, &zero_ten);
        v.number("face_weight", -0.5, &zero_ten);
        v.integer(
            "pose_style",
            46,
            &NumberLimits {
                minimum: Some(Limit::Int(0)),
                maximum: Some(Limit::Int(45)),
                ..NumberLimits::NONE
            },
        );
        v.number("lip_weight", f64::NAN, &NumberLimits::NONE);
        v.media("input_image", &Media::url("https://x.test/a b.png"));
        v.media("input_audio", &Media::file("/definitely/not/here.mp3"));
        let err = v.finish("hallo").unwrap_err();
        let lines: Vec<String> = err.violations.iter().map(|v| v.to_string()).collect();
        assert_eq!(lines[0], "pose_weight: 12.0 is above the maximum 10");
        assert_eq!(lines[1], "face_weight: -0.5 is below the minimum 0");
        assert_eq!(lines[2], "pose_style: 46 is above the maximum 45");
        assert_eq!(lines[3], "lip_weight: NaN is not a finite number");
        assert_eq!(
            lines[4],
            "input_image: \"https://x.test/a b.png\" is not a valid URL (RFC 3986)"
        );
        assert!(
            lines[5].starts_with("input_audio: cannot read /definitely/not/here.mp3: "),
            "{}",
            lines[5]
        );
        assert_eq!(err.violations.len(), 6);
        assert!(err
            .to_string()
            .starts_with("invalid hallo input (6 problems): pose_weight"));
    }

    #[test]
    fn bounds_are_inclusive_and_valid_input_passes() {
        let mut v = Violations::new();
        let limits = NumberLimits {
            minimum: Some(Limit::Int(0)),
            maximum: Some(Limit::Float(1.5)),
            ..NumberLimits::NONE
        };
        v.number("a", 0.0, &limits);
        v.number("b", 1.5, &limits);
        v.integer(
            "c",
            45,
            &NumberLimits {
                maximum: Some(Limit::Int(45)),
                ..NumberLimits::NONE
            },
        );
        v.media("d", &Media::url("https://x.test/a.png"));
        v.media("e", &Media::url("data:image/png;base64,AAAA"));
        assert_eq!(v.finish("m"), Ok(()));
    }

    #[test]
    fn urls_that_are_not_rfc_3986_uris_are_rejected() {
        for bad in [
            "https://a b",
            "face.png",
            "",
            "https://x.test/<a>",
            "https://x.test/a|b",
            "https://x.test/\"",
            "https://x.test/%zz",
            "https://x.test:port/",
            "https://x.test/é",
        ] {
            let mut v = Violations::new();
            v.media("f", &Media::Url(bad.into()));
            assert!(v.finish("m").is_err(), "{bad:?} passed");
        }
    }

    #[test]
    #[cfg(all(feature = "pattern", feature = "multiple-of"))]
    fn exclusive_bounds_multiples_lengths_and_patterns() {
        let mut v = Violations::new();
        let limits = NumberLimits {
            exclusive_minimum: Some(Limit::Int(0)),
            exclusive_maximum: Some(Limit::Int(2048)),
            multiple_of: Some(Limit::Int(8)),
            ..NumberLimits::NONE
        };
        v.integer("a", 512, &limits);
        v.integer("b", 0, &limits);
        v.integer("c", 2048, &limits);
        v.integer("d", 513, &limits);
        let strings = StringLimits {
            min_length: Some(2),
            max_length: Some(3),
            pattern: Some("^[0-9]+$"),
        };
        v.string("e", "12", &strings);
        v.string(
            "f",
            "ééé",
            &StringLimits {
                pattern: None,
                ..strings
            },
        );
        v.string("g", "1", &strings);
        v.string("h", "12a4", &strings);
        v.items("i", 0, Some(1), Some(2));
        let err = v.finish("m").unwrap_err();
        let lines: Vec<String> = err.violations.iter().map(|v| v.to_string()).collect();
        assert_eq!(
            lines,
            [
                "b: 0 is not above 0",
                "c: 2048 is not below 2048",
                "d: 513 is not a multiple of 8",
                "g: 1 characters, fewer than the minimum 2",
                "h: 4 characters, more than the maximum 3",
                "h: \"12a4\" does not match the pattern \"^[0-9]+$\"",
                "i: 0 items, fewer than the minimum 1",
            ]
        );
    }

    /// Without the feature that checks it, a `pattern` or `multipleOf` is
    /// never skipped: the input is refused with a violation that names the
    /// feature.
    #[test]
    #[cfg(not(all(feature = "pattern", feature = "multiple-of")))]
    fn a_limit_without_its_feature_is_refused_not_skipped() {
        let mut v = Violations::new();
        v.integer(
            "a",
            16,
            &NumberLimits {
                multiple_of: Some(Limit::Int(8)),
                ..NumberLimits::NONE
            },
        );
        v.string(
            "b",
            "123",
            &StringLimits {
                pattern: Some("^[0-9]+$"),
                ..StringLimits::NONE
            },
        );
        let found = v
            .finish("m")
            .map(|()| Vec::new())
            .unwrap_or_else(|err| err.violations.iter().map(|v| v.to_string()).collect());
        let mut expected = Vec::new();
        if cfg!(not(feature = "multiple-of")) {
            expected.push(
                "a: its `multipleOf` cannot be checked: segmind-runtime was built without its `multiple-of` feature",
            );
        }
        if cfg!(not(feature = "pattern")) {
            expected.push(
                "b: its `pattern` cannot be checked: segmind-runtime was built without its `pattern` feature",
            );
        }
        assert_eq!(found, expected);
    }
}
