//! The two macros the generated `segmind` crate calls in one line each, so
//! that what is the same for every generated type is written once, here:
//!
//! - `object!` gives a generated struct its [`Visit`](crate::__private::Visit)
//!   (a reference to each field, in the order of its `FIELDS` table) and its
//!   strict `Deserialize` (checked against that table first);
//! - `wire_enum!` gives a generated enum its value list, its wire value,
//!   `Display` and its serde encoding, from the list of its variants and
//!   their wire values.
//!
//! - `text_or!` gives the enum of a field that is text or one list or
//!   object (JSON Schema `anyOf`) its conversions, its untagged serde
//!   encoding (a JSON string, or the other branch's JSON) and its checks.
//!
//! They are reached as `segmind_runtime::__private::{object, wire_enum, text_or}`,
//! hidden from the docs and not a stable API. What goes on the wire stays
//! in the generated code: every field, its type, limits and docs (in the
//! struct and its `FIELDS` table), every variant and its wire value (in the
//! enum and the `wire_enum!` call).

/// Implements `Visit`, `Debug`, `Serialize`, `Deserialize` and `FromObject`
/// (one plain function that reads the checked fields, on which every
/// deserializer's `Deserialize` and the registry's parsing rely) for a
/// generated struct whose fields are listed in the order of its `FIELDS` table. A
/// field that is optional and may be `null` (an `Option<Option<T>>`) is
/// written `name(nullable)`: absent reads as `None`, `null` as
/// `Some(None)`. `Serialize` writes the JSON object the runtime makes from
/// the table and `Visit` (unset optional fields absent), code compiled once
/// for every generated type rather than a derive's copy per type.
#[doc(hidden)]
#[macro_export]
macro_rules! __object {
    ($name:ident { $($field:ident $(($nullable:ident))?),* $(,)? }) => {
        impl $crate::__private::Visit for $name {
            fn visit<'a>(
                &'a self,
                field: &mut dyn FnMut(&'a dyn $crate::__private::FieldValue),
            ) {
                $(field(&self.$field);)*
            }
        }

        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::__private::debug_object(f, stringify!($name), &[$(stringify!($field)),*], self)
            }
        }

        /// Writes the JSON object of the wire names of the fields that are
        /// set, in schema order.
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__private::serialize_object(
                    <Self as $crate::__private::Fields>::FIELDS,
                    self,
                    s,
                )
            }
        }

        /// Reads JSON with JSON Schema's rules exactly (an error names its
        /// JSON pointer).
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::read_object(d)
            }
        }

        impl $crate::__private::FromObject for $name {
            fn from_object(json: &mut $crate::__private::Object) -> ::core::option::Option<Self> {
                ::core::option::Option::Some(Self {
                    $($field: $crate::__take_field!(json $($nullable)?)?,)*
                })
            }
        }
    };
}

/// One field of `object!`'s `Deserialize`: the next field of the table.
#[doc(hidden)]
#[macro_export]
macro_rules! __take_field {
    ($json:ident) => {
        $json.take_next()
    };
    ($json:ident nullable) => {
        $json.take_next_nullable()
    };
}

/// `Display` and `Serialize` of a string enum: its `as_str`.
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum_text {
    ($name:ident) => {
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

/// `Debug` of a closed enum: its variant's name, from its `VALUES` table
/// (what `#[derive(Debug)]` prints, without a match per enum).
#[doc(hidden)]
#[macro_export]
macro_rules! __variant_debug {
    ($name:ident) => {
        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(Self::VALUES[*self as usize].name)
            }
        }
    };
}

/// Implements the value list, the wire value, `Display`, `Serialize`,
/// `Deserialize` and `FieldValue` of a generated enum, from its variants
/// and their wire values, in schema order. `FieldValue::from_json` matches
/// on the shared reader's result rather than using `?` or `map`: either
/// would compile one more function for every enum. The kinds:
///
/// - `wire_enum!(Name, str, [A("a"), B("b")])`: a closed set of strings
///   (`ALL`, `VALUES`, `as_str`);
/// - `wire_enum!(Name, open, [A("a")])`: strings where any other value is
///   `Other(String)` (`KNOWN`, `VALUES`, `as_str`, `From<&str>`,
///   `From<String>`);
/// - `wire_enum!(Name, int, [A(6)])`: integers (`ALL`, `VALUES`, `value`,
///   `from_value`);
/// - `wire_enum!(Name, number, [A(0.5)])`: numbers (the same, as `f64`).
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_enum {
    ($name:ident, str, [$($variant:ident($wire:literal)),* $(,)?]) => {
        impl $name {
            /// Every value, in schema order.
            pub const ALL: [Self; [$(stringify!($wire)),*].len()] = [$(Self::$variant),*];
            /// Every value as sent on the wire, with its variant's name, in
            /// schema order.
            pub const VALUES: &'static [$crate::AllowedValue] =
                &[$($crate::AllowedValue::new($wire, stringify!($variant))),*];

            /// The string sent on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)*
                }
            }

            /// The wire strings, in the order of `ALL`.
            const NAMES: &'static [&'static str] = &[$($wire),*];
        }

        $crate::__string_enum_text!($name);
        $crate::__variant_debug!($name);

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                ::core::result::Result::Ok(Self::ALL[$crate::__private::string_enum(d, Self::NAMES)?])
            }
        }

        impl $crate::__private::FieldValue for $name {
            fn to_json(&self) -> $crate::__private::Value {
                $crate::__private::Value::String(self.as_str().into())
            }

            fn from_json(
                value: $crate::__private::Value,
            ) -> ::core::result::Result<Self, $crate::__private::JsonReadError> {
                match $crate::__private::string_enum(value, Self::NAMES) {
                    ::core::result::Result::Ok(i) => ::core::result::Result::Ok(Self::ALL[i]),
                    ::core::result::Result::Err(e) => ::core::result::Result::Err(e),
                }
            }
        }
    };
    ($name:ident, open, [$($variant:ident($wire:literal)),* $(,)?]) => {
        impl $name {
            /// Every named value, in schema order.
            pub const KNOWN: [Self; [$(stringify!($wire)),*].len()] = [$(Self::$variant),*];
            /// Every named value as sent on the wire, with its variant's
            /// name, in schema order.
            pub const VALUES: &'static [$crate::AllowedValue] =
                &[$($crate::AllowedValue::new($wire, stringify!($variant))),*];

            /// The string sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(value) => value,
                }
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match $crate::__private::value_index(Self::VALUES, value) {
                    ::core::option::Option::Some(i) => Self::KNOWN[i].clone(),
                    ::core::option::Option::None => Self::Other(value.into()),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        $crate::__string_enum_text!($name);

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                ::core::result::Result::Ok(Self::from(
                    <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(d)?,
                ))
            }
        }

        impl $crate::__private::FieldValue for $name {
            fn to_json(&self) -> $crate::__private::Value {
                $crate::__private::Value::String(self.as_str().into())
            }

            fn from_json(
                value: $crate::__private::Value,
            ) -> ::core::result::Result<Self, $crate::__private::JsonReadError> {
                match <::std::string::String as $crate::__private::FieldValue>::from_json(value) {
                    ::core::result::Result::Ok(text) => ::core::result::Result::Ok(Self::from(text)),
                    ::core::result::Result::Err(e) => ::core::result::Result::Err(e),
                }
            }
        }
    };
    ($name:ident, int, [$($variant:ident($wire:literal)),* $(,)?]) => {
        $crate::__numeric_enum!($name, i64, "integer", integer_enum, integer_index, [$($variant($wire)),*]);
    };
    ($name:ident, number, [$($variant:ident($wire:literal)),* $(,)?]) => {
        $crate::__numeric_enum!($name, f64, "number", number_enum, number_index, [$($variant($wire)),*]);
    };
}

/// The integer and number kinds of `wire_enum!`: `$ty` is the wire type,
/// `$read` the runtime's reader of it and `$index` its lookup among the
/// wire values (both shared by every enum of the kind). The wire text in `VALUES` is the
/// literal as the schema gives it (`-1`, `0.25`), and it is what `Display`
/// shows and serde writes (an integer as an integer).
#[doc(hidden)]
#[macro_export]
macro_rules! __numeric_enum {
    ($name:ident, $ty:ty, $what:literal, $read:ident, $index:ident, [$($variant:ident($wire:literal)),*]) => {
        impl $name {
            /// Every value, in schema order.
            pub const ALL: [Self; [$(stringify!($wire)),*].len()] = [$(Self::$variant),*];
            /// Every value as sent on the wire, with its variant's name, in
            /// schema order.
            pub const VALUES: &'static [$crate::AllowedValue] =
                &[$($crate::AllowedValue::new(concat!($wire), stringify!($variant))),*];

            #[doc = concat!("The ", $what, " sent on the wire.")]
            pub const fn value(self) -> $ty {
                match self {
                    $(Self::$variant => $wire as $ty,)*
                }
            }

            #[doc = concat!("The variant of a wire ", $what, ", if it is one of the allowed values (compared as numbers: `1.0` is `1`).")]
            pub fn from_value(value: $ty) -> ::core::option::Option<Self> {
                match $crate::__private::$index(Self::VALUES, value) {
                    ::core::option::Option::Some(i) => ::core::option::Option::Some(Self::ALL[i]),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(Self::VALUES[*self as usize].value)
            }
        }

        $crate::__variant_debug!($name);

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__private::serialize_number(s, Self::VALUES[*self as usize].value)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                ::core::result::Result::Ok(Self::ALL[$crate::__private::$read(d, Self::VALUES)?])
            }
        }

        impl $crate::__private::FieldValue for $name {
            fn to_json(&self) -> $crate::__private::Value {
                $crate::__private::number_json(Self::VALUES[*self as usize].value)
            }

            fn from_json(
                value: $crate::__private::Value,
            ) -> ::core::result::Result<Self, $crate::__private::JsonReadError> {
                match $crate::__private::$read(value, Self::VALUES) {
                    ::core::result::Result::Ok(i) => ::core::result::Result::Ok(Self::ALL[i]),
                    ::core::result::Result::Err(e) => ::core::result::Result::Err(e),
                }
            }
        }
    };
}

/// Implements `From<&str>`, `From<String>`, `From<$ty>` (and from an array,
/// for a list), `Serialize`,
/// `Deserialize` (untagged: a JSON string is `Text`, anything else the other
/// branch) and `FieldValue` (each branch checked against its own limits;
/// media inside the other branch found) of a generated enum
/// `enum Name { Text(String), Variant(T) }`:
/// `text_or!(Content, Blocks[ContentBlock])` for a list of `ContentBlock`
/// (`Vec<ContentBlock>`, also from an array `[ContentBlock; N]`), `text_or!(Format, Object(FormatObject))` for an
/// object.
#[doc(hidden)]
#[macro_export]
macro_rules! __text_or {
    ($name:ident, $variant:ident[$item:ty]) => {
        $crate::__text_or!($name, $variant(::std::vec::Vec<$item>));

        impl<const N: usize> ::core::convert::From<[$item; N]> for $name {
            fn from(value: [$item; N]) -> Self {
                Self::$variant(value.into())
            }
        }
    };
    ($name:ident, $variant:ident($ty:ty)) => {
        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::Text(value.into())
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::Text(value)
            }
        }

        impl ::core::convert::From<$ty> for $name {
            fn from(value: $ty) -> Self {
                Self::$variant(value)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    Self::Text(text) => s.serialize_str(text),
                    Self::$variant(value) => {
                        $crate::__private::serde::Serialize::serialize(value, s)
                    }
                }
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                ::core::result::Result::Ok(match $crate::__private::read_text_or::<$ty, D>(d)? {
                    ::core::result::Result::Ok(value) => Self::$variant(value),
                    ::core::result::Result::Err(text) => Self::Text(text),
                })
            }
        }

        impl $crate::__private::FieldValue for $name {
            fn to_json(&self) -> $crate::__private::Value {
                match self {
                    Self::Text(text) => $crate::__private::Value::String(text.clone()),
                    Self::$variant(value) => $crate::__private::FieldValue::to_json(value),
                }
            }

            fn from_json(
                value: $crate::__private::Value,
            ) -> ::core::result::Result<Self, $crate::__private::JsonReadError> {
                <Self as $crate::__private::serde::Deserialize>::deserialize(value)
            }

            fn check(
                &self,
                info: &$crate::FieldInfo,
                path: &str,
                violations: &mut $crate::__private::Violations,
            ) {
                match self {
                    Self::Text(text) => {
                        $crate::__private::FieldValue::check(text, info, path, violations)
                    }
                    Self::$variant(value) => {
                        $crate::__private::check_other(value, info, path, violations)
                    }
                }
            }

            fn media<'a>(
                &'a self,
                pointer: &str,
                found: &mut ::std::vec::Vec<(::std::string::String, &'a $crate::Media)>,
            ) {
                if let Self::$variant(value) = self {
                    $crate::__private::FieldValue::media(value, pointer, found);
                }
            }
        }
    };
}
