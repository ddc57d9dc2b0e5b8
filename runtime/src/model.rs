//! The contract between generated model code and the runtime: the
//! [`ModelInput`] trait every generated input implements, and the static
//! [`ModelInfo`] description of each model that tools (the CLI, the local test
//! server) read instead of hard-coding anything about a model.

use crate::chat::ChatFormat;
use crate::media::{Media, MediaKind};
use crate::validate::{Limit, ValidationError};

/// A validated, serialisable request body of one Segmind model.
///
/// Implemented by every generated `Input` type. It is object safe, so tools
/// that pick the model at run time can hold a `Box<dyn ModelInput>`.
pub trait ModelInput: Send + Sync {
    /// The model's static description (slug, fields, typical latency and
    /// price), when the crate knows the model: `None` for a
    /// [`crate::JsonInput`] to a slug without a schema.
    fn info(&self) -> Option<&'static ModelInfo>;

    /// The model's slug: the last segment of `/v1/{slug}` and `/v2/{slug}`.
    fn slug(&self) -> &str;

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

/// A static description of one model, generated from its schema file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelInfo {
    /// The model's name at Segmind: its path segment in `/v1/{slug}` and
    /// `/v2/{slug}`, unless [`ModelInfo::path`] says otherwise.
    pub slug: &'static str,
    /// The endpoint's path after the API version when it is not
    /// `/{slug}`: `Some("/<prefix>/<slug>")` for a model Segmind serves at
    /// `POST /v1/<prefix>/<slug>` (and `/v2/<prefix>/<slug>`). `None`, the
    /// usual case, means `/{slug}`. See [`ModelInfo::request_path`].
    pub path: Option<&'static str>,
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

    /// The endpoint's path after the API version (`/hallo`,
    /// `/<prefix>/<slug>`): the model is at `POST {base}/v1{path}` and
    /// `POST {base}/v2{path}`.
    pub fn request_path(&self) -> String {
        let mut path = String::new();
        for segment in self.path_segments() {
            path.push('/');
            path.push_str(segment);
        }
        path
    }

    /// The segments of [`ModelInfo::request_path`]: `[slug]`, or the
    /// non-empty segments of [`ModelInfo::path`].
    pub fn path_segments(&self) -> Vec<&'static str> {
        match self.path {
            Some(path) => path.split('/').filter(|s| !s.is_empty()).collect(),
            None => vec![self.slug],
        }
    }
}

/// What a model returns: a media file of one kind, JSON (Segmind's
/// "Text/JSON"), or a chat reply in one of the chat formats.
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
    /// The reply of a chat (LLM) model, in this format
    /// ([`crate::ChatOutput`] reads it).
    Chat(ChatFormat),
}

impl OutputKind {
    /// The kind as the schema files spell it (`video`, `image`, `audio`,
    /// `json`, `chat`; a chat model's format is
    /// [`OutputKind::chat_format`]).
    pub fn as_str(self) -> &'static str {
        match self {
            OutputKind::Video => "video",
            OutputKind::Image => "image",
            OutputKind::Audio => "audio",
            OutputKind::Json => "json",
            OutputKind::Chat(_) => "chat",
        }
    }

    /// The chat format, for a chat model.
    pub fn chat_format(self) -> Option<ChatFormat> {
        match self {
            OutputKind::Chat(format) => Some(format),
            _ => None,
        }
    }

    /// Whether the output is a media file (video, image or audio).
    pub fn is_media(self) -> bool {
        matches!(
            self,
            OutputKind::Video | OutputKind::Image | OutputKind::Audio
        )
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
    pub minimum: Option<Limit>,
    /// Inclusive upper bound, for numbers.
    pub maximum: Option<Limit>,
    /// Exclusive lower bound, for numbers.
    pub exclusive_minimum: Option<Limit>,
    /// Exclusive upper bound, for numbers.
    pub exclusive_maximum: Option<Limit>,
    /// The value must be a multiple of this, for numbers.
    pub multiple_of: Option<Limit>,
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
    /// kind, with no description, default, limit or value list. The
    /// constructors below and the `const` setters after them describe a
    /// field one fact at a time, as the generated tables do:
    /// `FieldInfo::number("pose_weight").description("Weight of the pose.").minimum(Limit::Int(0))`.
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

    /// An optional string field.
    pub const fn string(name: &'static str) -> Self {
        Self::new(name, FieldKind::String)
    }

    /// An optional integer field.
    pub const fn integer(name: &'static str) -> Self {
        Self::new(name, FieldKind::Integer)
    }

    /// An optional number field.
    pub const fn number(name: &'static str) -> Self {
        Self::new(name, FieldKind::Number)
    }

    /// An optional boolean field.
    pub const fn boolean(name: &'static str) -> Self {
        Self::new(name, FieldKind::Boolean)
    }

    /// An optional media field of this kind.
    pub const fn media(name: &'static str, kind: MediaKind) -> Self {
        Self::new(name, FieldKind::Media(kind))
    }

    /// An optional list field whose items `items` describes.
    pub const fn list(name: &'static str, items: &'static FieldInfo) -> Self {
        Self::new(name, FieldKind::List(items))
    }

    /// An optional object field with these fields.
    pub const fn object(name: &'static str, fields: &'static [FieldInfo]) -> Self {
        Self::new(name, FieldKind::Object(fields))
    }

    /// An optional field that is text or the list or object `other`
    /// describes (JSON Schema `anyOf`); the text's limits are this
    /// field's own.
    pub const fn text_or(name: &'static str, other: &'static FieldInfo) -> Self {
        Self::new(name, FieldKind::TextOr(other))
    }

    /// The items of a list whose field has the Rust name `rust_name`:
    /// named `items`, described as "One item.", always present.
    pub const fn items(kind: FieldKind, rust_name: &'static str) -> Self {
        Self::new("items", kind)
            .description("One item.")
            .rust_name(rust_name)
            .required()
    }

    /// With this description.
    pub const fn description(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    /// With this Rust name (when it is not the wire name).
    pub const fn rust_name(mut self, rust_name: &'static str) -> Self {
        self.rust_name = rust_name;
        self
    }

    /// Required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// May be sent as JSON `null`.
    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// With the server's default, as JSON text.
    pub const fn default(mut self, default: &'static str) -> Self {
        self.default = Some(default);
        self
    }

    /// With an inclusive lower bound.
    pub const fn minimum(mut self, bound: Limit) -> Self {
        self.minimum = Some(bound);
        self
    }

    /// With an inclusive upper bound.
    pub const fn maximum(mut self, bound: Limit) -> Self {
        self.maximum = Some(bound);
        self
    }

    /// With an exclusive lower bound.
    pub const fn exclusive_minimum(mut self, bound: Limit) -> Self {
        self.exclusive_minimum = Some(bound);
        self
    }

    /// With an exclusive upper bound.
    pub const fn exclusive_maximum(mut self, bound: Limit) -> Self {
        self.exclusive_maximum = Some(bound);
        self
    }

    /// Must be a multiple of `multiple`. Only with the `multiple-of`
    /// feature, which brings in the code that checks it: a schema that
    /// uses `multipleOf` cannot be compiled without it.
    #[cfg(feature = "multiple-of")]
    pub const fn multiple_of(mut self, multiple: Limit) -> Self {
        self.multiple_of = Some(multiple);
        self
    }

    /// With at least this many characters.
    pub const fn min_length(mut self, length: u64) -> Self {
        self.min_length = Some(length);
        self
    }

    /// With at most this many characters.
    pub const fn max_length(mut self, length: u64) -> Self {
        self.max_length = Some(length);
        self
    }

    /// Matching this regular expression. Only with the `pattern` feature,
    /// which brings in the `regex` crate that checks it: a schema that uses
    /// `pattern` cannot be compiled without it.
    #[cfg(feature = "pattern")]
    pub const fn pattern(mut self, pattern: &'static str) -> Self {
        self.pattern = Some(pattern);
        self
    }

    /// With at least this many items.
    pub const fn min_items(mut self, count: u64) -> Self {
        self.min_items = Some(count);
        self
    }

    /// With at most this many items.
    pub const fn max_items(mut self, count: u64) -> Self {
        self.max_items = Some(count);
        self
    }

    /// With these allowed values (a closed set unless [`FieldInfo::open`]).
    pub const fn allowed(mut self, values: &'static [AllowedValue]) -> Self {
        self.allowed = values;
        self
    }

    /// Accepting values outside [`FieldInfo::allowed`] too.
    pub const fn open(mut self) -> Self {
        self.open = true;
        self
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
    /// A JSON string (with the string limits of the field's own
    /// `FieldInfo`) or the list or object this `FieldInfo` describes, with
    /// its own limits: JSON Schema's `anyOf` of a text branch and one
    /// other, such as a chat message's content as text or as blocks.
    TextOr(&'static FieldInfo),
}

/// One allowed or named value of an enumerated field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowedValue {
    /// The value as text without JSON quotes (`crop`, `256`).
    pub value: &'static str,
    /// The Rust variant name.
    pub name: &'static str,
}

impl AllowedValue {
    /// The value `value` (as text) of the variant `name`.
    pub const fn new(value: &'static str, name: &'static str) -> Self {
        Self { value, name }
    }
}

/// Why [`ModelInput`] could not be built from JSON by a model registry.
#[derive(Debug, thiserror::Error)]
pub enum ParseInputError {
    /// No model has this slug.
    #[error("unknown model {0:?}")]
    UnknownModel(String),
    /// The slug cannot name a model (see [`crate::check_slug`]).
    #[error("{0}")]
    InvalidSlug(String),
    /// The input of an untyped call is not a JSON object.
    #[error("the input of {slug} must be a JSON object, not {found}")]
    NotAnObject {
        /// The slug called.
        slug: String,
        /// What it was instead (`an array`, `a string`, ...).
        found: &'static str,
    },
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
