//! The contract between generated model code and the runtime: the
//! [`ModelInput`] trait every generated input implements, and the static
//! [`ModelInfo`] description of each model that tools (the CLI, the local test
//! server) read instead of hard-coding anything about a model.

use crate::media::{Media, MediaKind};
use crate::validate::ValidationError;

/// A validated, serialisable request body of one Segmind model.
///
/// Implemented by every generated `Input` type. It is object safe, so tools
/// that pick the model at run time can hold a `Box<dyn ModelInput>`.
pub trait ModelInput: Send + Sync {
    /// The model's static description (slug, fields, typical latency and price).
    fn info(&self) -> &'static ModelInfo;

    /// Checks every constraint of the schema and reports every violation at once.
    fn validate(&self) -> Result<(), ValidationError>;

    /// The JSON body as it goes on the wire, with media inputs as they were
    /// given (a local file appears as its path until the runtime resolves it).
    /// Unset optional fields are absent.
    fn to_json(&self) -> serde_json::Value;

    /// The media inputs that are set, by wire name, in schema order.
    fn media(&self) -> Vec<(&'static str, &Media)>;
}

/// A static description of one model, generated from its schema file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelInfo {
    /// Path segment of the model in `/v1/{slug}` and `/v2/{slug}`.
    pub slug: &'static str,
    /// Display name.
    pub title: &'static str,
    /// One sentence on what the model does.
    pub summary: &'static str,
    /// Rust module and method name of the model.
    pub rust_name: &'static str,
    /// Typical time to a result in seconds, when Segmind publishes it.
    pub typical_latency_seconds: Option<f64>,
    /// Typical price of one call in US dollars, when Segmind publishes it.
    pub typical_price_usd: Option<f64>,
    /// What a successful call returns.
    pub output: OutputKind,
    /// The request fields, in schema order.
    pub fields: &'static [FieldInfo],
}

impl ModelInfo {
    /// The field with this wire name.
    pub fn field(&self, name: &str) -> Option<&'static FieldInfo> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// What a model returns: a media file of one kind, or JSON (Segmind's
/// "Text/JSON").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutputKind {
    /// A video file (MP4 and the like).
    Video,
    /// An image file (JPEG, PNG, WebP...).
    Image,
    /// An audio file (MP3, WAV...).
    Audio,
    /// JSON of a shape Segmind does not document, kept whole.
    Json,
}

impl OutputKind {
    /// The kind as the schema files spell it (`video`, `image`, `audio`,
    /// `json`).
    pub fn as_str(self) -> &'static str {
        match self {
            OutputKind::Video => "video",
            OutputKind::Image => "image",
            OutputKind::Audio => "audio",
            OutputKind::Json => "json",
        }
    }
}

/// A static description of one request field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldInfo {
    /// Wire name (the JSON key).
    pub name: &'static str,
    /// Rust field and setter name.
    pub rust_name: &'static str,
    /// Description from the schema.
    pub description: &'static str,
    /// Whether the field must be sent.
    pub required: bool,
    /// The JSON type of the field and, for media, what it holds.
    pub kind: FieldKind,
    /// The server's default, as JSON text (`1.4`, `"full"`), when documented.
    pub default: Option<&'static str>,
    /// Inclusive lower bound, for numbers.
    pub minimum: Option<f64>,
    /// Inclusive upper bound, for numbers.
    pub maximum: Option<f64>,
    /// The allowed (closed set) or named (open set) values.
    pub allowed: &'static [AllowedValue],
    /// Whether values outside `allowed` are accepted too.
    pub open: bool,
}

/// The JSON type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A JSON string.
    String,
    /// A JSON integer.
    Integer,
    /// A JSON number.
    Number,
    /// A JSON boolean.
    Boolean,
    /// A URL of a media file (a local file is uploaded first).
    Media(MediaKind),
}

/// One allowed or named value of an enumerated field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowedValue {
    /// The value as text without JSON quotes (`crop`, `256`).
    pub value: &'static str,
    /// The Rust variant name.
    pub name: &'static str,
}

/// How a field value goes on the wire: the JSON the generated `to_json` puts
/// in the request body. Implemented for every Rust type a field can have, and
/// by the generated enums.
pub trait WireValue {
    /// The value as JSON.
    fn to_wire(&self) -> serde_json::Value;
}

impl WireValue for String {
    fn to_wire(&self) -> serde_json::Value {
        serde_json::Value::String(self.clone())
    }
}

impl WireValue for bool {
    fn to_wire(&self) -> serde_json::Value {
        serde_json::Value::Bool(*self)
    }
}

impl WireValue for i64 {
    fn to_wire(&self) -> serde_json::Value {
        serde_json::Value::from(*self)
    }
}

impl WireValue for f64 {
    /// A finite number; NaN and infinities (which `validate` rejects) become `null`.
    fn to_wire(&self) -> serde_json::Value {
        serde_json::Value::from(*self)
    }
}

impl WireValue for Media {
    fn to_wire(&self) -> serde_json::Value {
        serde_json::Value::String(self.to_wire_text())
    }
}

/// Why [`ModelInput`] could not be built from JSON by a model registry.
#[derive(Debug, thiserror::Error)]
pub enum ParseInputError {
    /// No model has this slug.
    #[error("unknown model {0:?}")]
    UnknownModel(String),
    /// The JSON does not fit the model's input type.
    #[error("invalid {model} input: {source}")]
    Invalid {
        /// Slug of the model.
        model: &'static str,
        /// What serde found wrong.
        #[source]
        source: serde_json::Error,
    },
}
