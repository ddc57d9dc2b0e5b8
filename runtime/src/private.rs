//! What the generated `segmind` crate calls, and nothing else should: the
//! traits that tie a generated request type to its table of fields (the
//! [`FieldInfo`]s of its `MODEL`), and the one generic implementation of
//! validation, media listing and strict JSON reading that works from that
//! table. Hidden from the docs; not a stable API.
//!
//! A generated struct lists its fields once, in [`Fields::FIELDS`] (every
//! fact of the schema: type, limits, values, docs), and once in its
//! [`object!`] call, which gives it [`Visit::visit`] (a reference to each
//! Rust field, in the same order) and its `Deserialize`. Everything else
//! is derived from those two: [`validate`], [`ModelInput::media`], and the
//! checks of [`read_object`] before each field is read ([`FromObject`], one
//! plain function per struct, not one per deserializer). A generated
//! enum's [`wire_enum!`] call gives it its value list and serde encoding.

use serde::de::{DeserializeOwned, Error as _};
use serde::Deserializer;
pub use serde_json::Error as JsonReadError;
use serde_json::Map;
pub use serde_json::Value;

use crate::media::Media;
use crate::model::{AllowedValue, FieldInfo, FieldKind, ModelInfo, ModelInput};
use crate::validate::{child_path, NumberLimits, StringLimits, ValidationError};

pub use crate::validate::Violations;

pub use crate::{__object as object, __text_or as text_or, __wire_enum as wire_enum};
pub use serde;

/// A generated request struct (a model's `Input`, or a nested object):
/// its fields' table.
pub trait Fields {
    /// The struct's fields as the schema describes them, in schema order.
    const FIELDS: &'static [FieldInfo];
}

/// The values of a generated struct's fields, in the order of its table;
/// implemented by [`object!`]. Object safe: validation, media listing and
/// the JSON body are one function each, compiled once in this crate, that
/// take the table and a `&dyn Visit`, not one copy per generated type.
pub trait Visit {
    /// Calls `field` with every field, in the order of [`Fields::FIELDS`].
    fn visit<'a>(&'a self, field: &mut dyn FnMut(&'a dyn FieldValue));
}

/// A model's `Input`: its [`Fields`], serialised by serde, and the model it
/// is the input of. Every `Body` is a [`ModelInput`].
pub trait Body: Visit + Fields + serde::Serialize + Send + Sync {
    /// The model's static description.
    const MODEL: &'static ModelInfo;
}

impl<T: Body> ModelInput for T {
    fn info(&self) -> Option<&'static ModelInfo> {
        Some(T::MODEL)
    }

    fn slug(&self) -> &str {
        T::MODEL.slug
    }

    fn validate(&self) -> Result<(), ValidationError> {
        validate_object(T::MODEL, self)
    }

    fn to_json(&self) -> Value {
        object_to_json(T::FIELDS, self)
    }

    fn media(&self) -> Vec<(String, &Media)> {
        let mut found = Vec::new();
        media_of(T::FIELDS, self, "", &mut found);
        found
    }
}

/// Checks every constraint of `input`'s schema and reports every violation.
///
/// # Errors
///
/// Every violation found.
pub fn validate(input: &dyn ModelInput) -> Result<(), ValidationError> {
    input.validate()
}

/// [`validate`], compiled once for every model.
fn validate_object(model: &ModelInfo, input: &dyn Visit) -> Result<(), ValidationError> {
    let mut violations = Violations::new();
    check_fields(model.fields, input, "", &mut violations);
    violations.finish(model.slug)
}

fn check_fields(fields: &[FieldInfo], value: &dyn Visit, path: &str, violations: &mut Violations) {
    let mut infos = fields.iter();
    value.visit(&mut |field| {
        if let Some(info) = infos.next() {
            field.check(info, &child_path(path, info.name), violations);
        }
    });
}

fn media_of<'a>(
    fields: &[FieldInfo],
    value: &'a dyn Visit,
    pointer: &str,
    found: &mut Vec<(String, &'a Media)>,
) {
    let mut infos = fields.iter();
    value.visit(&mut |field| {
        if let Some(info) = infos.next() {
            field.media(&format!("{pointer}/{}", info.name), found);
        }
    });
}

/// The JSON object of a generated struct: each field that is set (an
/// unset optional field is absent), under its wire name, in table order.
pub fn object_to_json(fields: &[FieldInfo], value: &dyn Visit) -> Value {
    let mut map = Map::new();
    let mut infos = fields.iter();
    value.visit(&mut |field| {
        if let Some(info) = infos.next() {
            if !field.is_unset() {
                map.insert(info.name.to_owned(), field.to_json());
            }
        }
    });
    Value::Object(map)
}

/// The `Debug` of a generated struct (from [`object!`]): what
/// `#[derive(Debug)]` prints (`Input { prompt: "a cat", seed: None }`),
/// from the Rust names of its fields in table order, compiled once for
/// every generated type.
///
/// # Errors
///
/// The formatter's.
pub fn debug_object(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    fields: &[&str],
    value: &dyn Visit,
) -> std::fmt::Result {
    /// A field as `Debug` (a `&dyn FieldValue` is one through its
    /// supertrait).
    struct Field<'a>(&'a dyn FieldValue);
    impl std::fmt::Debug for Field<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            std::fmt::Debug::fmt(self.0, f)
        }
    }
    let mut out = f.debug_struct(name);
    let mut names = fields.iter();
    value.visit(&mut |field| {
        if let Some(name) = names.next() {
            out.field(name, &Field(field));
        }
    });
    out.finish()
}

/// The `Serialize` of a generated struct (from [`object!`]): the JSON
/// object of [`object_to_json`], so that every generated type shares one
/// serialisation instead of each having its own.
///
/// # Errors
///
/// The serializer's.
pub fn serialize_object<S: serde::Serializer>(
    fields: &[FieldInfo],
    value: &dyn Visit,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&object_to_json(fields, value), serializer)
}

/// A field's value, checked against its [`FieldInfo`]. Implemented for
/// every Rust type a field can have; a generated enum implements it with
/// nothing to check (its type already holds only allowed values).
pub trait FieldValue: std::fmt::Debug {
    /// The value as JSON, as it goes on the wire (`None` of an `Option`
    /// is `null`; see [`FieldValue::is_unset`]).
    fn to_json(&self) -> Value;

    /// The value from the JSON of a field (`null` is `None` of an
    /// `Option`), read as serde reads it, after [`read_object`] has
    /// checked it against the table. Compiled once per type, where serde
    /// would compile one chain of calls per type and deserializer: a
    /// generated enum's or struct's own `Deserialize` is not involved.
    ///
    /// # Errors
    ///
    /// When the JSON is not a value of the type.
    fn from_json(value: Value) -> Result<Self, serde_json::Error>
    where
        Self: Sized;

    /// Whether the field is unset, so absent from the JSON object: an
    /// optional field's `None`.
    fn is_unset(&self) -> bool {
        false
    }

    /// Adds every violation of this value, at `path`, to `violations`.
    fn check(&self, info: &FieldInfo, path: &str, violations: &mut Violations) {
        let _ = (info, path, violations);
    }

    /// Adds every media input in this value, with its JSON pointer, to
    /// `found`.
    fn media<'a>(&'a self, pointer: &str, found: &mut Vec<(String, &'a Media)>) {
        let _ = (pointer, found);
    }
}

fn number_limits(info: &FieldInfo) -> NumberLimits {
    NumberLimits {
        minimum: info.minimum,
        maximum: info.maximum,
        exclusive_minimum: info.exclusive_minimum,
        exclusive_maximum: info.exclusive_maximum,
        multiple_of: info.multiple_of,
    }
}

impl FieldValue for f64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }

    fn from_json(value: Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(value)
    }

    fn check(&self, info: &FieldInfo, path: &str, violations: &mut Violations) {
        violations.number(path, *self, &number_limits(info));
    }
}

impl FieldValue for i64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }

    fn from_json(value: Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(value)
    }

    fn check(&self, info: &FieldInfo, path: &str, violations: &mut Violations) {
        violations.integer(path, *self, &number_limits(info));
    }
}

impl FieldValue for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }

    fn from_json(value: Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(value)
    }
}

impl FieldValue for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }

    fn from_json(value: Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(value)
    }

    fn check(&self, info: &FieldInfo, path: &str, violations: &mut Violations) {
        let limits = StringLimits {
            min_length: info.min_length,
            max_length: info.max_length,
            pattern: info.pattern,
        };
        violations.string(path, self, &limits);
    }
}

impl FieldValue for Media {
    fn to_json(&self) -> Value {
        Value::String(self.to_wire_text())
    }

    fn from_json(value: Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(value)
    }

    fn check(&self, _info: &FieldInfo, path: &str, violations: &mut Violations) {
        violations.media(path, self);
    }

    fn media<'a>(&'a self, pointer: &str, found: &mut Vec<(String, &'a Media)>) {
        found.push((pointer.to_owned(), self));
    }
}

// Matches rather than `Option`'s and `Result`'s combinators here: this
// impl is compiled once per field type (every generated enum), and each
// combinator would be compiled with it.
impl<T: FieldValue> FieldValue for Option<T> {
    fn to_json(&self) -> Value {
        match self {
            Some(value) => value.to_json(),
            None => Value::Null,
        }
    }

    fn from_json(value: Value) -> Result<Self, serde_json::Error> {
        match value {
            Value::Null => Ok(None),
            value => match T::from_json(value) {
                Ok(value) => Ok(Some(value)),
                Err(e) => Err(e),
            },
        }
    }

    fn is_unset(&self) -> bool {
        self.is_none()
    }

    fn check(&self, info: &FieldInfo, path: &str, violations: &mut Violations) {
        if let Some(value) = self {
            value.check(info, path, violations);
        }
    }

    fn media<'a>(&'a self, pointer: &str, found: &mut Vec<(String, &'a Media)>) {
        if let Some(value) = self {
            value.media(pointer, found);
        }
    }
}

impl<T: FieldValue> FieldValue for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(FieldValue::to_json).collect())
    }

    fn from_json(value: Value) -> Result<Self, serde_json::Error> {
        match value {
            Value::Array(items) => items.into_iter().map(T::from_json).collect(),
            // Not an array: serde's own error for it (never `Ok`).
            other => serde_json::from_value::<Vec<Value>>(other).map(|_| Vec::new()),
        }
    }

    fn check(&self, info: &FieldInfo, path: &str, violations: &mut Violations) {
        if info.min_items.is_some() || info.max_items.is_some() {
            violations.items(path, self.len(), info.min_items, info.max_items);
        }
        if let FieldKind::List(item) = info.kind {
            for (i, value) in self.iter().enumerate() {
                value.check(item, &child_path(path, i), violations);
            }
        }
    }

    fn media<'a>(&'a self, pointer: &str, found: &mut Vec<(String, &'a Media)>) {
        for (i, value) in self.iter().enumerate() {
            value.media(&format!("{pointer}/{i}"), found);
        }
    }
}

impl<T: Visit + FromObject + std::fmt::Debug> FieldValue for T {
    fn to_json(&self) -> Value {
        object_to_json(T::FIELDS, self)
    }

    fn from_json(value: Value) -> Result<Self, serde_json::Error> {
        from_value(value).map_err(serde_json::Error::custom)
    }

    fn check(&self, _info: &FieldInfo, path: &str, violations: &mut Violations) {
        check_fields(T::FIELDS, self, path, violations);
    }

    fn media<'a>(&'a self, pointer: &str, found: &mut Vec<(String, &'a Media)>) {
        media_of(T::FIELDS, self, pointer, found);
    }
}

/// Checks the other branch (not the text) of a field that is text or a
/// list or object (see [`FieldKind::TextOr`]) against what the field's
/// table says of that branch.
pub fn check_other<T: FieldValue>(
    value: &T,
    info: &FieldInfo,
    path: &str,
    violations: &mut Violations,
) {
    if let FieldKind::TextOr(other) = info.kind {
        value.check(other, path, violations);
    }
}

/// Reads a field that is text or one list or object: a JSON string is the
/// text (`Ok(Err(text))`), anything else is read as `T` (`Ok(Ok(value))`).
///
/// # Errors
///
/// When the value is neither a string nor a `T`.
pub fn read_text_or<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Result<T, String>, D::Error> {
    match <Value as serde::Deserialize>::deserialize(deserializer)? {
        Value::String(text) => Ok(Err(text)),
        other => T::deserialize(other).map(Ok).map_err(D::Error::custom),
    }
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
    fn new(pointer: &str, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }

    /// "expected {what}, found {the value's JSON type}".
    fn expected(pointer: &str, what: &str, found: &Value) -> Self {
        Self::new(
            pointer,
            format!("expected {what}, found {}", type_name(found)),
        )
    }
}

pub use crate::media::with_named_files;

/// A JSON value's type, for messages: `null`, `a boolean`, `a number`, `a
/// string`, `an array`, `an object`.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The JSON pointer of `key` inside the value at `pointer`.
fn at(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Checks `value` against the fields of an object with JSON Schema's rules
/// exactly (which serde's defaults differ from): an unknown key, a missing
/// required field, `null` where the schema has no null, an array for an
/// object, `6.5` for an integer and a value outside a closed set are
/// errors. Integers written as floats (`6.0`, `1e3`) are rewritten as
/// integers, so that serde reads them as `i64`.
fn check_object(value: &mut Value, fields: &[FieldInfo], pointer: &str) -> Result<(), JsonError> {
    let expected = JsonError::expected(pointer, "an object", value);
    let map = value.as_object_mut().ok_or(expected)?;
    if let Some(key) = map
        .keys()
        .find(|key| !fields.iter().any(|f| f.name == key.as_str()))
    {
        let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
        return Err(JsonError::new(
            pointer,
            format!(
                "unknown field {key:?}, expected one of {}",
                known.join(", ")
            ),
        ));
    }
    for field in fields {
        match map.get_mut(field.name) {
            None if field.required => {
                return Err(JsonError::new(
                    pointer,
                    format!("missing field {:?}", field.name),
                ))
            }
            None => {}
            Some(Value::Null) if field.nullable && !field.required => {}
            Some(value) => check_value(value, field, &at(pointer, field.name))?,
        }
    }
    Ok(())
}

/// Checks one value of the field `info` (see [`check_object`]).
fn check_value(value: &mut Value, info: &FieldInfo, pointer: &str) -> Result<(), JsonError> {
    let closed = !info.allowed.is_empty() && !info.open;
    let not_one_of = |shown: String| not_one_of(pointer, shown, info.allowed);
    match info.kind {
        FieldKind::String => {
            let text = value
                .as_str()
                .ok_or_else(|| JsonError::expected(pointer, "a string", value))?;
            if closed && !info.allowed.iter().any(|v| v.value == text) {
                return Err(not_one_of(format!("{text:?}")));
            }
        }
        FieldKind::Boolean => {
            if !value.is_boolean() {
                return Err(JsonError::expected(pointer, "a boolean", value));
            }
        }
        FieldKind::Number => {
            let number = value
                .as_f64()
                .ok_or_else(|| JsonError::expected(pointer, "a number", value))?;
            if closed
                && !info
                    .allowed
                    .iter()
                    .any(|v| v.value.parse::<f64>() == Ok(number))
            {
                return Err(not_one_of(number.to_string()));
            }
        }
        FieldKind::Integer => {
            let number = integer(value, pointer)?;
            if closed
                && !info
                    .allowed
                    .iter()
                    .any(|v| v.value.parse::<i64>() == Ok(number))
            {
                return Err(not_one_of(number.to_string()));
            }
            *value = Value::from(number);
        }
        FieldKind::Media(_) => {
            if !value.is_string() {
                return Err(JsonError::expected(
                    pointer,
                    "a URL or a local file (a string)",
                    value,
                ));
            }
        }
        FieldKind::List(item) => {
            let expected = JsonError::expected(pointer, "an array", value);
            let items = value.as_array_mut().ok_or(expected)?;
            for (i, item_value) in items.iter_mut().enumerate() {
                check_value(item_value, item, &format!("{pointer}/{i}"))?;
            }
        }
        FieldKind::Object(fields) => check_object(value, fields, pointer)?,
        FieldKind::TextOr(other) => {
            let fits_other = match other.kind {
                FieldKind::List(_) => value.is_array(),
                _ => value.is_object(),
            };
            if fits_other {
                check_value(value, other, pointer)?;
            } else if !value.is_string() {
                let what = match other.kind {
                    FieldKind::List(_) => "a string or an array",
                    _ => "a string or an object",
                };
                return Err(JsonError::expected(pointer, what, value));
            }
        }
    }
    Ok(())
}

/// Any JSON number with no fractional part (`6`, `6.0`, `-0`, `1e3`), as
/// JSON Schema's `integer` says, that fits an `i64`; codegen keeps the
/// bounds of integer fields within `i64`, so what does not fit is out of
/// range for the schema too.
fn integer(value: &Value, pointer: &str) -> Result<i64, JsonError> {
    let Value::Number(n) = value else {
        return Err(JsonError::expected(pointer, "an integer", value));
    };
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    // JSON Schema's integers have no limit; the field is an `i64`, whose
    // range is the bound of a field whose schema gives none.
    let beyond = || {
        JsonError::new(
            pointer,
            format!(
                "{n} is beyond the 64-bit integer range ({} to {}) that the field holds",
                i64::MIN,
                i64::MAX
            ),
        )
    };
    if n.is_u64() {
        return Err(beyond());
    }
    match n.as_f64() {
        // -2^63 <= x < 2^63 is exactly the range `as` keeps.
        Some(x) if x.fract() == 0.0 => {
            if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
                Ok(x as i64)
            } else {
                Err(beyond())
            }
        }
        _ => Err(JsonError::new(
            pointer,
            format!("expected an integer, found {n}"),
        )),
    }
}

/// A JSON object checked against the table of a generated struct (see
/// [`read_object`]), from which its [`FromObject`] takes each field in
/// table order.
pub struct Object {
    map: Map<String, Value>,
    fields: std::slice::Iter<'static, FieldInfo>,
    error: Option<JsonError>,
}

/// A generated struct built from a checked [`Object`], one field after
/// another in table order (`object!` implements it).
pub trait FromObject: Fields + Sized {
    /// The value, or `None` when a field could not be read (the object
    /// keeps the error).
    fn from_object(object: &mut Object) -> Option<Self>;
}

/// Reads a JSON object for the generated struct `T` and checks it with JSON
/// Schema's rules exactly (every error names its JSON pointer and what is
/// wrong), then builds `T` from it field by field.
///
/// # Errors
///
/// When the JSON is not an object of `T`'s fields.
pub fn read_object<'de, T: FromObject, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    from_value(value).map_err(D::Error::custom)
}

/// The generated struct `T` from JSON, checked as [`read_object`] does.
fn from_value<T: FromObject>(value: Value) -> Result<T, JsonError> {
    let mut object = object_of(value, T::FIELDS)?;
    match T::from_object(&mut object) {
        Some(value) => Ok(value),
        None => Err(object.unread()),
    }
}

/// `value` checked against `fields`, as an [`Object`] to take them from.
fn object_of(mut value: Value, fields: &'static [FieldInfo]) -> Result<Object, JsonError> {
    check_object(&mut value, fields, "")?;
    match value {
        Value::Object(map) => Ok(Object {
            map,
            fields: fields.iter(),
            error: None,
        }),
        other => Err(JsonError::expected("", "an object", &other)),
    }
}

impl Object {
    /// The wire name of the next field of the table.
    fn next_key(&mut self) -> Option<&'static str> {
        self.fields.next().map(|info| info.name)
    }

    /// Why the struct could not be read: the error kept.
    fn unread(&mut self) -> JsonError {
        match self.error.take() {
            Some(e) => e,
            None => JsonError::new(
                "",
                "a generated struct has more fields than its table".to_owned(),
            ),
        }
    }

    /// Keeps the error of reading `key`. Not generic, unlike the two
    /// readers below (each compiled once per field type), which is why each
    /// of them matches on its own result rather than sharing a generic one.
    fn failed(&mut self, key: &str, e: serde_json::Error) {
        self.error = Some(JsonError::new(&at("", key), e.to_string()));
    }

    /// The next field of the table (absent reads as `null`: `None` for an
    /// optional field); `None` when the checked value is no `T` (the error
    /// is kept).
    pub fn take_next<T: FieldValue>(&mut self) -> Option<T> {
        let key = self.next_key()?;
        let value = self.map.remove(key).unwrap_or(Value::Null);
        match T::from_json(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.failed(key, e);
                None
            }
        }
    }

    /// The next field of the table, optional and allowed to be `null`:
    /// absent is `Some(None)`, `null` is `Some(Some(None))`; `None` when
    /// it is no `T` (the error is kept).
    pub fn take_next_nullable<T: FieldValue>(&mut self) -> Option<Option<Option<T>>> {
        let key = self.next_key()?;
        match self.map.remove(key) {
            None => Some(None),
            Some(Value::Null) => Some(Some(None)),
            Some(value) => match T::from_json(value) {
                Ok(v) => Some(Some(Some(v))),
                Err(e) => {
                    self.failed(key, e);
                    None
                }
            },
        }
    }
}

/// `7 is not one of 6, 10` at `pointer`: a value (as `shown`) outside a
/// closed set of allowed values.
fn not_one_of(pointer: &str, shown: impl std::fmt::Display, values: &[AllowedValue]) -> JsonError {
    let list: Vec<&str> = values.iter().map(|v| v.value).collect();
    JsonError::new(
        pointer,
        format!("{shown} is not one of {}", list.join(", ")),
    )
}

/// Reads a closed string enum: the index of its value among `names` (the
/// wire values, in the order of the enum's `ALL`), with serde's error for
/// an unknown variant. Generic over the deserializer only, so every enum
/// shares it.
///
/// # Errors
///
/// When the value is no string or not an allowed one.
pub fn string_enum<'de, D: Deserializer<'de>>(
    deserializer: D,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    names
        .iter()
        .position(|name| *name == text)
        .ok_or_else(|| D::Error::unknown_variant(&text, names))
}

/// The index of the wire value `value` among `values`, if it is one.
pub fn value_index(values: &[AllowedValue], value: &str) -> Option<usize> {
    values.iter().position(|v| v.value == value)
}

/// The index of the integer `value` among `values` (an integer enum's
/// wire values), if it is one.
pub fn integer_index(values: &[AllowedValue], value: i64) -> Option<usize> {
    values
        .iter()
        .position(|v| v.value.parse::<i64>() == Ok(value))
}

/// The index of the number `value` among `values` (a number enum's wire
/// values), compared as numbers: `1.0` is `1`.
pub fn number_index(values: &[AllowedValue], value: f64) -> Option<usize> {
    values
        .iter()
        .position(|v| v.value.parse::<f64>() == Ok(value))
}

/// Reads an integer enum: the index among `values` of any JSON integer (`2`
/// or `2.0`) that is one of them.
///
/// # Errors
///
/// When the value is no integer or not an allowed one.
pub fn integer_enum<'de, D: Deserializer<'de>>(
    deserializer: D,
    values: &[AllowedValue],
) -> Result<usize, D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    let number = integer(&value, "").map_err(D::Error::custom)?;
    integer_index(values, number).ok_or_else(|| D::Error::custom(not_one_of("", number, values)))
}

/// Reads a number enum: the index among `values` of any JSON number that
/// is one of them (compared as numbers: `1.0` is `1`).
///
/// # Errors
///
/// When the value is no number or not an allowed one.
pub fn number_enum<'de, D: Deserializer<'de>>(
    deserializer: D,
    values: &[AllowedValue],
) -> Result<usize, D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    let number = value
        .as_f64()
        .ok_or_else(|| D::Error::custom(JsonError::expected("", "a number", &value)))?;
    number_index(values, number).ok_or_else(|| D::Error::custom(not_one_of("", number, values)))
}

/// The JSON of a number enum's wire value as its schema wrote it: an
/// integer as an integer (`2`), anything else as a float (`0.5`).
pub fn number_json(text: &str) -> Value {
    match (text.parse::<i64>(), text.parse::<f64>()) {
        (Ok(i), _) => Value::from(i),
        (Err(_), Ok(x)) => Value::from(x),
        (Err(_), Err(_)) => Value::Null,
    }
}

/// Writes a number enum's value as its schema wrote it: an integer as an
/// integer (`2`), anything else as a float (`0.5`).
///
/// # Errors
///
/// The serializer's.
pub fn serialize_number<S: serde::Serializer>(
    serializer: S,
    text: &str,
) -> Result<S::Ok, S::Error> {
    match (text.parse::<i64>(), text.parse::<f64>()) {
        (Ok(i), _) => serializer.serialize_i64(i),
        (Err(_), Ok(x)) => serializer.serialize_f64(x),
        (Err(_), Err(_)) => Err(serde::ser::Error::custom(format!("{text} is not a number"))),
    }
}

/// Reads the input of the model whose generated input type is `T` from
/// JSON, for the generated registry.
///
/// # Errors
///
/// When the JSON does not fit `T`.
pub fn parse_input<T: Body + FromObject + 'static>(
    json: Value,
) -> Result<Box<dyn ModelInput>, crate::ParseInputError> {
    match from_value::<T>(json) {
        Ok(input) => Ok(Box::new(input)),
        Err(e) => Err(crate::ParseInputError::Invalid {
            model: T::MODEL.slug,
            source: serde_json::Error::custom(e),
        }),
    }
}

/// A client type that [`crate::ClientBuilder::build`] can give: the
/// runtime's [`crate::Client`], or a type wrapping it.
pub trait FromClient {
    /// The client built from the runtime's.
    fn from_client(client: crate::Client) -> Self;
}

impl FromClient for crate::Client {
    fn from_client(client: crate::Client) -> Self {
        client
    }
}

/// A generated model's blocking method: [`Client::run`](crate::Client::run)
/// of `input`, boxed as a [`Call`](crate::Call) (one `Send` proof per output
/// type, here, rather than one per model method).
pub fn call_v1<'a, O: crate::ModelOutput + 'a>(
    client: &'a crate::Client,
    input: &'a dyn crate::ModelInput,
) -> crate::Call<'a, O> {
    Box::pin(client.run(input))
}

/// A generated model's job method: [`Client::submit`](crate::Client::submit)
/// of `input`, boxed as a [`Call`](crate::Call).
pub fn call_v2<'a>(
    client: &'a crate::Client,
    input: &'a dyn crate::ModelInput,
) -> crate::Call<'a, crate::Job> {
    Box::pin(client.submit(input))
}
