//! The typed model that a schema file is loaded into, after every check has
//! passed: what the emitters read, with every Rust name already decided.

use serde_json::{Number, Value};

/// One Segmind model.
#[derive(Debug, Clone)]
pub struct Model {
    /// The schema file, relative to the workspace (`schema/hallo.json`).
    pub file: String,
    /// The model's name at Segmind (the last segment of its endpoint).
    pub slug: String,
    /// The endpoint's path after the API version, when the file gives one
    /// (`/<prefix>/<slug>`); `None` means `/{slug}`.
    pub path: Option<String>,
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
    /// What a call returns: `video`, `image`, `audio`, `json` or `chat`
    /// (the meta-schema's `output`).
    pub output: String,
    /// A chat model's format: `openai`, `anthropic` or `gemini` (the
    /// meta-schema's `chat_format`, given exactly when `output` is `chat`).
    pub chat_format: Option<String>,
    /// Request fields in schema order.
    pub fields: Vec<Field>,
    /// The file's `input` as written: the JSON Schema of the request body
    /// (what the OpenAPI export publishes).
    pub input_schema: Value,
}

impl Model {
    /// The endpoint's path after the API version: the file's `path`, else
    /// `/{slug}`. The model is at `POST /v1{path}` and `POST /v2{path}`.
    pub fn request_path(&self) -> String {
        self.path
            .clone()
            .unwrap_or_else(|| format!("/{}", self.slug))
    }

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

/// One request field (of the body, or of a nested object).
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
    /// Whether the schema lets it be `null` (`type: [..., "null"]`); only
    /// for optional fields.
    pub nullable: bool,
    /// What it holds.
    pub shape: Shape,
    /// The server's documented default. A required field with one starts at
    /// it and is no constructor argument.
    pub default: Option<Value>,
    /// Example values.
    pub examples: Vec<Value>,
}

impl Field {
    /// Whether `Input::new` takes the field as an argument: required and
    /// without a default.
    pub fn is_argument(&self) -> bool {
        self.required && self.default.is_none()
    }

    /// The field's Rust type is `T` (required) rather than `Option<T>`.
    pub fn is_always_set(&self) -> bool {
        self.required
    }
}

/// A value's type and the limits the schema puts on it.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The Rust type.
    pub ty: FieldType,
    /// The limits.
    pub limits: Limits,
}

impl Shape {
    /// Whether `validate` has anything to check in a value of this shape.
    pub fn has_checks(&self) -> bool {
        match &self.ty {
            FieldType::Number | FieldType::Media(_) | FieldType::Object(_) => true,
            FieldType::List(item) => {
                self.limits.min_items.is_some()
                    || self.limits.max_items.is_some()
                    || item.has_checks()
            }
            FieldType::Integer => self.limits.has_numeric(),
            FieldType::String => self.limits.has_string(),
            _ => false,
        }
    }

    /// Whether a value of this shape may hold media.
    pub fn has_media(&self) -> bool {
        match &self.ty {
            FieldType::Media(_) | FieldType::Object(_) => true,
            FieldType::List(item) => item.has_media(),
            _ => false,
        }
    }

    /// Whether the Rust type holds an `f64` (so no `Eq`).
    pub fn has_float(&self) -> bool {
        match &self.ty {
            FieldType::Number => true,
            FieldType::List(item) => item.has_float(),
            FieldType::Object(def) => def.fields.iter().any(|f| f.shape.has_float()),
            _ => false,
        }
    }
}

/// JSON Schema's limits on a value.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// `minimum`.
    pub minimum: Option<Number>,
    /// `maximum`.
    pub maximum: Option<Number>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: Option<Number>,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: Option<Number>,
    /// `multipleOf`.
    pub multiple_of: Option<Number>,
    /// `minLength` (code points).
    pub min_length: Option<u64>,
    /// `maxLength` (code points).
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
}

impl Limits {
    /// Whether a numeric limit is set.
    pub fn has_numeric(&self) -> bool {
        self.minimum.is_some()
            || self.maximum.is_some()
            || self.exclusive_minimum.is_some()
            || self.exclusive_maximum.is_some()
            || self.multiple_of.is_some()
    }

    /// Whether a string limit is set.
    pub fn has_string(&self) -> bool {
        self.min_length.is_some() || self.max_length.is_some() || self.pattern.is_some()
    }
}

/// What Rust type a value has.
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
    /// `Vec<item>`.
    List(Box<Shape>),
    /// A generated struct.
    Object(ObjectDef),
}

/// A generated struct of a nested object.
#[derive(Debug, Clone)]
pub struct ObjectDef {
    /// Rust type name.
    pub type_name: String,
    /// Its fields, in schema order.
    pub fields: Vec<Field>,
}

/// What JSON type an enum's values have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumKind {
    /// Strings.
    String,
    /// Integers.
    Integer,
    /// Numbers.
    Number,
}

/// A generated enum.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Rust type name.
    pub type_name: String,
    /// The JSON type of the values.
    pub kind: EnumKind,
    /// Whether other strings are accepted (an `Other(String)` variant).
    pub open: bool,
    /// The named values.
    pub variants: Vec<Variant>,
}

impl EnumDef {
    /// Whether the values are integers.
    pub fn integer(&self) -> bool {
        self.kind == EnumKind::Integer
    }
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
