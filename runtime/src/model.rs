//! The contract between generated model code and the runtime: the
//! [`ModelInput`] trait every generated input implements, and the static
//! [`ModelInfo`] description of each model that tools (the CLI, the local test
//! server) read instead of hard-coding anything about a model.

use serde_json::Value;

use crate::media::{Media, MediaKind};
use crate::validate::{ValidationError, Violations};

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

    /// The media inputs that are set, in schema order, each with the JSON
    /// pointer of its place in [`ModelInput::to_json`]'s body (`/input_image`,
    /// `/image_urls/0`, `/shots/1/images/0`).
    fn media(&self) -> Vec<(String, &Media)>;
}

/// What every generated request type (the model's `Input` and the structs of
/// its nested objects) does at a place inside a body: check itself and list
/// its media. The generated code calls it; there is no need to call it by
/// hand.
pub trait Nested {
    /// Adds every violation of this value, found at `path` (see
    /// [`Violation::field`](crate::Violation::field)), to `violations`.
    fn validate_at(&self, path: &str, violations: &mut Violations);

    /// Adds every media input that is set, with the JSON pointer of its
    /// place, to `found`; `pointer` is this value's own (`""` for the body).
    fn media_at<'a>(&'a self, pointer: &str, found: &mut Vec<(String, &'a Media)>);
}

/// Why a JSON value is not a valid input: where (a JSON pointer) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", if pointer.is_empty() { "/" } else { pointer.as_str() })]
pub struct JsonError {
    /// JSON pointer of the offending value (empty for the whole body).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl JsonError {
    /// An error at `pointer`.
    pub fn new(pointer: &str, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }

    /// "expected {what}, found {the value's JSON type}".
    pub fn expected(pointer: &str, what: &str, found: &Value) -> Self {
        Self::new(
            pointer,
            format!("expected {what}, found {}", json_type(found)),
        )
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reading a field's value from JSON with JSON Schema's rules exactly (which
/// serde's defaults differ from): `6.0` is an integer, `null` is no string,
/// an array is no object, an integer past `i64` is no `i64`.
pub trait FromJson: Sized {
    /// The value at `pointer` (a JSON pointer, for messages).
    ///
    /// # Errors
    ///
    /// When the value is not of this type.
    fn from_json(value: &Value, pointer: &str) -> Result<Self, JsonError>;
}

impl FromJson for String {
    fn from_json(value: &Value, pointer: &str) -> Result<Self, JsonError> {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| JsonError::expected(pointer, "a string", value))
    }
}

impl FromJson for bool {
    fn from_json(value: &Value, pointer: &str) -> Result<Self, JsonError> {
        value
            .as_bool()
            .ok_or_else(|| JsonError::expected(pointer, "a boolean", value))
    }
}

impl FromJson for f64 {
    fn from_json(value: &Value, pointer: &str) -> Result<Self, JsonError> {
        match value {
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| JsonError::expected(pointer, "a number", value)),
            other => Err(JsonError::expected(pointer, "a number", other)),
        }
    }
}

impl FromJson for i64 {
    /// Any JSON number with no fractional part (`6`, `6.0`, `-0`, `1e3`), as
    /// JSON Schema's `integer` says, that fits an `i64`; codegen keeps the
    /// bounds of integer fields within `i64`, so what does not fit is out of
    /// range for the schema too.
    fn from_json(value: &Value, pointer: &str) -> Result<Self, JsonError> {
        let Value::Number(n) = value else {
            return Err(JsonError::expected(pointer, "an integer", value));
        };
        if let Some(i) = n.as_i64() {
            return Ok(i);
        }
        if n.is_u64() {
            return Err(JsonError::new(
                pointer,
                format!("{n} is beyond the 64-bit integer range"),
            ));
        }
        match n.as_f64() {
            Some(x) if x.fract() == 0.0 => {
                // -2^63 <= x < 2^63 is exactly the range `as` keeps.
                if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
                    Ok(x as i64)
                } else {
                    Err(JsonError::new(
                        pointer,
                        format!("{n} is beyond the 64-bit integer range"),
                    ))
                }
            }
            _ => Err(JsonError::new(
                pointer,
                format!("expected an integer, found {n}"),
            )),
        }
    }
}

impl FromJson for Media {
    /// A string, read as [`Media::parse`] reads it.
    fn from_json(value: &Value, pointer: &str) -> Result<Self, JsonError> {
        value
            .as_str()
            .map(Media::parse)
            .ok_or_else(|| JsonError::expected(pointer, "a URL or a local file (a string)", value))
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value, pointer: &str) -> Result<Self, JsonError> {
        let items = value
            .as_array()
            .ok_or_else(|| JsonError::expected(pointer, "an array", value))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_json(item, &format!("{pointer}/{i}")))
            .collect()
    }
}

/// The helpers generated `FromJson` implementations of objects are made of.
pub mod json {
    use serde_json::{Map, Value};

    use super::{FromJson, JsonError};

    /// The value as a JSON object (an array is not one).
    ///
    /// # Errors
    ///
    /// When it is not an object.
    pub fn object<'a>(
        value: &'a Value,
        pointer: &str,
    ) -> Result<&'a Map<String, Value>, JsonError> {
        value
            .as_object()
            .ok_or_else(|| JsonError::expected(pointer, "an object", value))
    }

    /// Refuses a key that is not among `known` (`additionalProperties: false`).
    ///
    /// # Errors
    ///
    /// At the first unknown key.
    pub fn deny_unknown(
        map: &Map<String, Value>,
        known: &[&str],
        pointer: &str,
    ) -> Result<(), JsonError> {
        match map.keys().find(|key| !known.contains(&key.as_str())) {
            Some(key) => Err(JsonError::new(
                pointer,
                format!(
                    "unknown field {key:?}, expected one of {}",
                    known.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    fn at(pointer: &str, key: &str) -> String {
        format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
    }

    /// A required field.
    ///
    /// # Errors
    ///
    /// When it is missing or not of its type.
    pub fn required<T: FromJson>(
        map: &Map<String, Value>,
        key: &str,
        pointer: &str,
    ) -> Result<T, JsonError> {
        match map.get(key) {
            Some(value) => T::from_json(value, &at(pointer, key)),
            None => Err(JsonError::new(pointer, format!("missing field {key:?}"))),
        }
    }

    /// An optional field: absent is `None`; `null` is an error unless the
    /// type reads it.
    ///
    /// # Errors
    ///
    /// When it is present and not of its type.
    pub fn optional<T: FromJson>(
        map: &Map<String, Value>,
        key: &str,
        pointer: &str,
    ) -> Result<Option<T>, JsonError> {
        map.get(key)
            .map(|value| T::from_json(value, &at(pointer, key)))
            .transpose()
    }

    /// An optional field that may be `null`: absent is `None`, `null` is
    /// `Some(None)`.
    ///
    /// # Errors
    ///
    /// When it is present, not `null` and not of its type.
    pub fn nullable<T: FromJson>(
        map: &Map<String, Value>,
        key: &str,
        pointer: &str,
    ) -> Result<Option<Option<T>>, JsonError> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(value) => T::from_json(value, &at(pointer, key)).map(|v| Some(Some(v))),
        }
    }
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

/// A static description of one request field (or, for a list, of its
/// items).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldInfo {
    /// Wire name (the JSON key); `items` for the items of a list.
    pub name: &'static str,
    /// Rust field and setter name.
    pub rust_name: &'static str,
    /// Description from the schema.
    pub description: &'static str,
    /// Whether the field must be sent.
    pub required: bool,
    /// Whether the field may be sent as JSON `null`.
    pub nullable: bool,
    /// The JSON type of the field and, for media, lists and objects, what
    /// it holds.
    pub kind: FieldKind,
    /// The server's default, as JSON text (`1.4`, `"full"`), when documented.
    pub default: Option<&'static str>,
    /// Inclusive lower bound, for numbers.
    pub minimum: Option<f64>,
    /// Inclusive upper bound, for numbers.
    pub maximum: Option<f64>,
    /// Exclusive lower bound, for numbers.
    pub exclusive_minimum: Option<f64>,
    /// Exclusive upper bound, for numbers.
    pub exclusive_maximum: Option<f64>,
    /// The value must be a multiple of this, for numbers.
    pub multiple_of: Option<f64>,
    /// The fewest characters (code points), for strings.
    pub min_length: Option<u64>,
    /// The most characters (code points), for strings.
    pub max_length: Option<u64>,
    /// A regular expression the string must match, for strings.
    pub pattern: Option<&'static str>,
    /// The fewest items, for lists.
    pub min_items: Option<u64>,
    /// The most items, for lists.
    pub max_items: Option<u64>,
    /// The allowed (closed set) or named (open set) values.
    pub allowed: &'static [AllowedValue],
    /// Whether values outside `allowed` are accepted too.
    pub open: bool,
}

impl FieldInfo {
    /// An optional field named `name` (its wire and Rust names) of this
    /// kind, with no description, default, limit or value list: a base for
    /// hand-written descriptions (`FieldInfo { required: true,
    /// ..FieldInfo::new("x", FieldKind::String) }`), as in tests.
    pub const fn new(name: &'static str, kind: FieldKind) -> Self {
        FieldInfo {
            name,
            rust_name: name,
            description: "",
            required: false,
            nullable: false,
            kind,
            default: None,
            minimum: None,
            maximum: None,
            exclusive_minimum: None,
            exclusive_maximum: None,
            multiple_of: None,
            min_length: None,
            max_length: None,
            pattern: None,
            min_items: None,
            max_items: None,
            allowed: &[],
            open: false,
        }
    }
}

/// The JSON type of a field.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// A JSON array; its items are described by the `FieldInfo` (named
    /// `items`).
    List(&'static FieldInfo),
    /// A JSON object with these fields.
    Object(&'static [FieldInfo]),
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

impl<T: WireValue> WireValue for Vec<T> {
    fn to_wire(&self) -> serde_json::Value {
        serde_json::Value::Array(self.iter().map(WireValue::to_wire).collect())
    }
}

impl<T: WireValue> WireValue for Option<T> {
    /// `None` is JSON `null` (a field that the schema lets be `null`).
    fn to_wire(&self) -> serde_json::Value {
        self.as_ref()
            .map_or(serde_json::Value::Null, WireValue::to_wire)
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
