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
    fn as_f64(self) -> f64 {
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
    /// A number field holds NaN or an infinity, which JSON cannot carry.
    NotFinite {
        /// The value given.
        value: f64,
    },
    /// A media URL is not an `http`, `https` or `data` URL.
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
}

/// One failed check: the field's wire name and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Wire name of the field.
    pub field: &'static str,
    /// What is wrong.
    pub kind: ViolationKind,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.field;
        match &self.kind {
            ViolationKind::BelowMinimum { value, minimum } => {
                write!(f, "{field}: {value} is below the minimum {minimum}")
            }
            ViolationKind::AboveMaximum { value, maximum } => {
                write!(f, "{field}: {value} is above the maximum {maximum}")
            }
            ViolationKind::NotFinite { value } => {
                write!(f, "{field}: {value} is not a finite number")
            }
            ViolationKind::InvalidUrl { value } => {
                let shown: String = value.chars().take(80).collect();
                write!(f, "{field}: {shown:?} is not an http, https or data URL")
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
    pub model: &'static str,
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

    fn push(&mut self, field: &'static str, kind: ViolationKind) {
        self.found.push(Violation { field, kind });
    }

    /// Checks a number field against its inclusive bounds.
    pub fn number(
        &mut self,
        field: &'static str,
        value: f64,
        minimum: Option<Limit>,
        maximum: Option<Limit>,
    ) {
        if !value.is_finite() {
            return self.push(field, ViolationKind::NotFinite { value });
        }
        self.range(field, Limit::Float(value), minimum, maximum);
    }

    /// Checks an integer field against its inclusive bounds.
    pub fn integer(
        &mut self,
        field: &'static str,
        value: i64,
        minimum: Option<Limit>,
        maximum: Option<Limit>,
    ) {
        self.range(field, Limit::Int(value), minimum, maximum);
    }

    fn range(
        &mut self,
        field: &'static str,
        value: Limit,
        minimum: Option<Limit>,
        maximum: Option<Limit>,
    ) {
        if let Some(minimum) = minimum {
            if value.as_f64() < minimum.as_f64() {
                self.push(field, ViolationKind::BelowMinimum { value, minimum });
            }
        }
        if let Some(maximum) = maximum {
            if value.as_f64() > maximum.as_f64() {
                self.push(field, ViolationKind::AboveMaximum { value, maximum });
            }
        }
    }

    /// Checks a media field: a URL must be `http`, `https` or `data` with
    /// something after the scheme; a file must exist and be a regular file.
    pub fn media(&mut self, field: &'static str, media: &Media) {
        match media {
            Media::Url(url) => {
                if !is_media_url(url) {
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
    pub fn finish(self, model: &'static str) -> Result<(), ValidationError> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                model,
                violations: self.found,
            })
        }
    }
}

fn is_media_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = ["https://", "http://", "data:"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme));
    match rest {
        Some(rest) => !rest.is_empty() && !rest.chars().any(char::is_whitespace),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_violation_with_field_bound_and_value() {
        let mut v = Violations::new();
        v.number(
            "pose_weight",
            12.0,
            Some(Limit::Int(0)),
            Some(Limit::Int(10)),
        );
        v.number(
            "face_weight",
            -0.5,
            Some(Limit::Int(0)),
            Some(Limit::Int(10)),
        );
        v.integer("pose_style", 46, Some(Limit::Int(0)), Some(Limit::Int(45)));
        v.number("lip_weight", f64::NAN, None, None);
        v.media("input_image", &Media::url("ftp://x.test/a.png"));
        v.media("input_audio", &Media::file("/definitely/not/here.mp3"));
        let err = v.finish("hallo").unwrap_err();
        let lines: Vec<String> = err.violations.iter().map(|v| v.to_string()).collect();
        assert_eq!(lines[0], "pose_weight: 12.0 is above the maximum 10");
        assert_eq!(lines[1], "face_weight: -0.5 is below the minimum 0");
        assert_eq!(lines[2], "pose_style: 46 is above the maximum 45");
        assert_eq!(lines[3], "lip_weight: NaN is not a finite number");
        assert_eq!(
            lines[4],
            "input_image: \"ftp://x.test/a.png\" is not an http, https or data URL"
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
        v.number("a", 0.0, Some(Limit::Int(0)), Some(Limit::Float(1.5)));
        v.number("b", 1.5, Some(Limit::Int(0)), Some(Limit::Float(1.5)));
        v.integer("c", 45, Some(Limit::Int(0)), Some(Limit::Int(45)));
        v.media("d", &Media::url("https://x.test/a.png"));
        v.media("e", &Media::url("data:image/png;base64,AAAA"));
        assert_eq!(v.finish("m"), Ok(()));
    }

    #[test]
    fn empty_or_spaced_urls_are_rejected() {
        for bad in ["https://", "data:", "https://a b", "face.png", ""] {
            let mut v = Violations::new();
            v.media("f", &Media::Url(bad.into()));
            assert!(v.finish("m").is_err(), "{bad:?} passed");
        }
    }
}
