//! The typed model that a schema file is loaded into, after every check has
//! passed: what the emitters read, with every Rust name already decided.

use serde_json::{Number, Value};

/// One Segmind model.
#[derive(Debug, Clone)]
pub struct Model {
    /// The schema file, relative to the workspace (`schema/hallo.json`).
    pub file: String,
    /// Path segment of the endpoint.
    pub slug: String,
    /// Display name.
    pub title: String,
    /// One sentence on what the model does.
    pub summary: String,
    /// Rust module and method name.
    pub rust_name: String,
    /// Whether the file gives `rust_name` itself (`x-rust-name`) rather
    /// than it being derived from the slug.
    pub explicit_rust_name: bool,
    /// Typical latency in seconds.
    pub latency: Option<f64>,
    /// Typical price in US dollars.
    pub price: Option<f64>,
    /// What a call returns: `video`, `image`, `audio` or `json` (the
    /// meta-schema's `output`).
    pub output: String,
    /// Request fields in schema order.
    pub fields: Vec<Field>,
}

impl Model {
    /// The JSON pointer of what decides the Rust name: `/x-rust-name` when
    /// the file gives one, else `/slug`.
    pub fn rust_name_pointer(&self) -> &'static str {
        if self.explicit_rust_name {
            "/x-rust-name"
        } else {
            "/slug"
        }
    }
}

/// One request field.
#[derive(Debug, Clone)]
pub struct Field {
    /// JSON key.
    pub wire: String,
    /// Rust field and setter name (keywords already escaped).
    pub rust: String,
    /// Description from the schema.
    pub description: String,
    /// Whether the field is required.
    pub required: bool,
    /// Rust type of the value.
    pub ty: FieldType,
    /// The server's documented default.
    pub default: Option<Value>,
    /// Inclusive minimum.
    pub minimum: Option<Number>,
    /// Inclusive maximum.
    pub maximum: Option<Number>,
    /// Example values.
    pub examples: Vec<Value>,
}

/// What Rust type a field has.
#[derive(Debug, Clone)]
pub enum FieldType {
    /// `String`.
    String,
    /// `f64`.
    Number,
    /// `i64`.
    Integer,
    /// `bool`.
    Boolean,
    /// `Media` of the given kind (`image`, `audio`, `video`).
    Media(String),
    /// A generated enum.
    Enum(EnumDef),
}

/// A generated enum.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Rust type name.
    pub type_name: String,
    /// Whether the values are JSON integers (else strings).
    pub integer: bool,
    /// Whether other strings are accepted (an `Other(String)` variant).
    pub open: bool,
    /// The named values.
    pub variants: Vec<Variant>,
}

/// One named value of an enum.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    /// The value on the wire.
    pub value: Value,
}

impl Variant {
    /// The value as text without JSON quotes.
    pub fn text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}
