//! The module of one model: its static description (`MODEL`), its enums, the
//! `Input` request type with constructor, setters and `validate`, and its
//! `ModelInput` implementation.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Number;

use super::docs;
use crate::ir::{EnumDef, Field, FieldType, Model};

/// The whole module file of `model`.
pub fn emit_model(model: &Model) -> TokenStream {
    let module_doc = docs::inner(&module_doc(model));
    let info = emit_info(model);
    let enums = model.fields.iter().filter_map(|f| match &f.ty {
        FieldType::Enum(def) => Some(emit_enum(f, def)),
        _ => None,
    });
    let input = emit_input(model);
    quote! {
        #module_doc
        use ::segmind_runtime as rt;

        #info
        #input
        #(#enums)*
    }
}

fn module_doc(model: &Model) -> String {
    let mut doc = format!(
        "{}\n\nEndpoints: `POST /v1/{}` (blocking) and `POST /v2/{}` (job).",
        docs::headline(model),
        model.slug,
        model.slug
    );
    if let Some(cost) = docs::cost_line(model) {
        doc.push_str(&format!(" Output: a video, {cost}."));
    } else {
        doc.push_str(" Output: a video.");
    }
    doc.push_str("\n\n# Example\n\n");
    doc.push_str(&example(model));
    doc
}

/// A `no_run` doctest that builds an input from the required fields (their
/// schema examples where given) and makes a video with it.
fn example(model: &Model) -> String {
    let module = &model.rust_name;
    let args: Vec<String> = model
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| example_arg(module, f))
        .collect();
    let call = if args.is_empty() {
        format!("let input = segmind::{module}::Input::new();")
    } else {
        let lines: Vec<String> = args.iter().map(|a| format!("    {a},")).collect();
        format!(
            "let input = segmind::{module}::Input::new(\n{}\n);",
            lines.join("\n")
        )
    };
    format!(
        "```no_run\n# async fn example() -> Result<(), segmind::Error> {{\nlet client = segmind::Client::from_env()?;\n{call}\nclient.{module}(&input).await?.save(\"{module}.mp4\").await?;\n# Ok(())\n# }}\n```"
    )
}

/// A Rust expression of a valid value for a required field.
fn example_arg(module: &str, field: &Field) -> String {
    let example = field.examples.first();
    match &field.ty {
        FieldType::Enum(def) if !def.open => {
            let variant = field
                .default
                .as_ref()
                .and_then(|d| def.variants.iter().find(|v| &v.value == d))
                .or(def.variants.first())
                .map(|v| v.name.as_str())
                .unwrap_or_default();
            format!("segmind::{module}::{}::{variant}", def.type_name)
        }
        FieldType::Enum(def) => format!(
            "{:?}",
            def.variants.first().map(|v| v.text()).unwrap_or_default()
        ),
        FieldType::Media(kind) => {
            let url = example.and_then(|e| e.as_str()).map(str::to_owned);
            format!(
                "{:?}",
                url.unwrap_or_else(|| format!(
                    "https://example.com/{}.{}",
                    field.wire,
                    media_extension(kind)
                ))
            )
        }
        FieldType::String => format!("{:?}", example.and_then(|e| e.as_str()).unwrap_or("text")),
        FieldType::Boolean => example
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true)
            .to_string(),
        FieldType::Integer => {
            let value = example
                .and_then(serde_json::Value::as_i64)
                .or(field.minimum.as_ref().and_then(Number::as_i64));
            value.unwrap_or(0).to_string()
        }
        FieldType::Number => {
            let value = example
                .and_then(serde_json::Value::as_f64)
                .or(field.minimum.as_ref().and_then(Number::as_f64));
            format!("{:?}", value.unwrap_or(1.0))
        }
    }
}

fn media_extension(kind: &str) -> &'static str {
    match kind {
        "image" => "png",
        "audio" => "mp3",
        _ => "mp4",
    }
}

/// The Rust type of a field's value (without the `Option` of optionals).
fn value_type(field: &Field) -> TokenStream {
    match &field.ty {
        FieldType::String => quote!(String),
        FieldType::Number => quote!(f64),
        FieldType::Integer => quote!(i64),
        FieldType::Boolean => quote!(bool),
        FieldType::Media(_) => quote!(rt::Media),
        FieldType::Enum(def) => {
            let name = format_ident!("{}", def.type_name);
            quote!(#name)
        }
    }
}

/// Whether a constructor argument or setter takes `impl Into<..>`, sparing
/// the caller a conversion (strings, media, open enums).
fn takes_into(field: &Field) -> bool {
    match &field.ty {
        FieldType::String | FieldType::Media(_) => true,
        FieldType::Enum(def) => def.open,
        _ => false,
    }
}

/// The parameter type of a constructor argument or setter.
fn param_type(field: &Field) -> TokenStream {
    let ty = value_type(field);
    if takes_into(field) {
        quote!(impl Into<#ty>)
    } else {
        ty
    }
}

fn emit_input(model: &Model) -> TokenStream {
    let title = docs::inline(&model.title);
    let slug = &model.slug;
    let required: Vec<&Field> = model.fields.iter().filter(|f| f.required).collect();
    let optional: Vec<&Field> = model.fields.iter().filter(|f| !f.required).collect();

    let struct_doc = docs::outer(&format!(
        "Request body of {title} (`POST /v1/{slug}` and `POST /v2/{slug}`).\n\nRequired fields are the arguments of [`Input::new`]; optional fields start unset\nand are sent only when set, so the server applies its own defaults. The type is\n`non_exhaustive`: a field added to the schema later is not a breaking change."
    ));
    let fields = model.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust);
        let doc = docs::outer(&docs::field_doc(f));
        let ty = value_type(f);
        let rename = (f.rust != f.wire).then(|| {
            let wire = &f.wire;
            quote!(#[serde(rename = #wire)])
        });
        if f.required {
            quote! { #doc #rename pub #ident: #ty, }
        } else {
            quote! {
                #doc
                #rename
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub #ident: Option<#ty>,
            }
        }
    });

    let args = required.iter().map(|f| {
        let ident = format_ident!("{}", f.rust);
        let ty = param_type(f);
        quote!(#ident: #ty)
    });
    let inits = model.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust);
        if f.required && takes_into(f) {
            quote!(#ident: #ident.into())
        } else if f.required {
            quote!(#ident)
        } else {
            quote!(#ident: None)
        }
    });
    let many_args = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let new_doc = docs::outer(&if required.is_empty() {
        "An input with every optional field unset.".to_owned()
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
        format!(
            "An input from the required fields ({}); optional fields are unset.",
            names.join(", ")
        )
    });

    let setters = optional.iter().map(|f| {
        let ident = format_ident!("{}", f.rust);
        let ty = param_type(f);
        let value = if takes_into(f) {
            quote!(value.into())
        } else {
            quote!(value)
        };
        let doc = docs::outer(&format!("Sets `{}`.\n\n{}", f.wire, docs::field_doc(f)));
        let allow = super::allow_self_convention(&f.rust, true);
        quote! {
            #doc
            #allow
            #[must_use]
            pub fn #ident(mut self, value: #ty) -> Self {
                self.#ident = Some(#value);
                self
            }
        }
    });

    let checks: Vec<TokenStream> = model.fields.iter().filter_map(emit_check).collect();
    let validate_body = if checks.is_empty() {
        quote! { rt::Violations::new().finish(MODEL.slug) }
    } else {
        quote! {
            let mut violations = rt::Violations::new();
            #(#checks)*
            violations.finish(MODEL.slug)
        }
    };

    let body_inserts = model.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust);
        let wire = &f.wire;
        if f.required {
            quote! { body.insert(#wire.to_owned(), rt::WireValue::to_wire(&self.#ident)); }
        } else {
            quote! {
                if let Some(value) = &self.#ident {
                    body.insert(#wire.to_owned(), rt::WireValue::to_wire(value));
                }
            }
        }
    });
    let media_fields: Vec<&Field> = model
        .fields
        .iter()
        .filter(|f| matches!(f.ty, FieldType::Media(_)))
        .collect();
    let media_body = if media_fields.is_empty() {
        quote!(Vec::new())
    } else {
        let entries = media_fields.iter().map(|f| {
            let ident = format_ident!("{}", f.rust);
            let wire = &f.wire;
            if f.required {
                quote!((#wire, Some(&self.#ident)))
            } else {
                quote!((#wire, self.#ident.as_ref()))
            }
        });
        quote! {
            [#(#entries),*]
                .into_iter()
                .filter_map(|(name, media)| media.map(|media| (name, media)))
                .collect()
        }
    };
    let eq = if model
        .fields
        .iter()
        .any(|f| matches!(f.ty, FieldType::Number))
    {
        quote!()
    } else {
        quote!(Eq,)
    };
    // With no required field, `new()` takes nothing: `Default` is the same
    // (and clippy's `new_without_default` asks for it).
    let default = required.is_empty().then(|| quote!(Default,));

    quote! {
        #struct_doc
        #[derive(Debug, Clone, #default PartialEq, #eq ::serde::Serialize, ::serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[non_exhaustive]
        pub struct Input {
            #(#fields)*
        }

        impl Input {
            #new_doc
            #many_args
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*

            /// Checks every constraint of the schema and reports every violation
            /// at once (field, constraint and value); a local media file must exist.
            pub fn validate(&self) -> Result<(), rt::ValidationError> {
                #validate_body
            }
        }

        impl rt::ModelInput for Input {
            fn info(&self) -> &'static rt::ModelInfo {
                &MODEL
            }

            fn validate(&self) -> Result<(), rt::ValidationError> {
                Input::validate(self)
            }

            fn to_json(&self) -> ::serde_json::Value {
                let mut body = ::serde_json::Map::new();
                #(#body_inserts)*
                ::serde_json::Value::Object(body)
            }

            fn media(&self) -> Vec<(&'static str, &rt::Media)> {
                #media_body
            }
        }
    }
}

fn limit(bound: &Option<Number>) -> TokenStream {
    match bound {
        None => quote!(None),
        Some(n) => match n.as_i64() {
            Some(i) => {
                let lit = Literal::i64_unsuffixed(i);
                quote!(Some(rt::Limit::Int(#lit)))
            }
            None => {
                let lit = Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
                quote!(Some(rt::Limit::Float(#lit)))
            }
        },
    }
}

/// The `validate` statement of one field, if it has anything to check.
fn emit_check(field: &Field) -> Option<TokenStream> {
    let ident = format_ident!("{}", field.rust);
    let wire = &field.wire;
    let (min, max) = (limit(&field.minimum), limit(&field.maximum));
    let bounded = field.minimum.is_some() || field.maximum.is_some();
    let (check, by_value) = match &field.ty {
        FieldType::Number => (quote!(violations.number(#wire, value, #min, #max);), true),
        FieldType::Integer if bounded => {
            (quote!(violations.integer(#wire, value, #min, #max);), true)
        }
        FieldType::Media(_) => (quote!(violations.media(#wire, value);), false),
        _ => return None,
    };
    Some(match (field.required, by_value) {
        (true, true) => quote! { { let value = self.#ident; #check } },
        (true, false) => quote! { { let value = &self.#ident; #check } },
        (false, true) => quote! { if let Some(value) = self.#ident { #check } },
        (false, false) => quote! { if let Some(value) = &self.#ident { #check } },
    })
}

fn emit_info(model: &Model) -> TokenStream {
    let slug = &model.slug;
    let title = &model.title;
    let summary = &model.summary;
    let rust_name = &model.rust_name;
    let opt_f64 = |v: Option<f64>| match v {
        Some(x) => {
            let lit = Literal::f64_unsuffixed(x);
            quote!(Some(#lit))
        }
        None => quote!(None),
    };
    let latency = opt_f64(model.latency);
    let price = opt_f64(model.price);
    let fields = model.fields.iter().map(|f| {
        let name = &f.wire;
        let rust = &f.rust;
        let description = &f.description;
        let required = f.required;
        let kind = match &f.ty {
            FieldType::String => quote!(rt::FieldKind::String),
            FieldType::Number => quote!(rt::FieldKind::Number),
            FieldType::Integer => quote!(rt::FieldKind::Integer),
            FieldType::Boolean => quote!(rt::FieldKind::Boolean),
            FieldType::Enum(def) if def.integer => quote!(rt::FieldKind::Integer),
            FieldType::Enum(_) => quote!(rt::FieldKind::String),
            FieldType::Media(kind) => {
                let variant = format_ident!(
                    "{}",
                    heck::ToUpperCamelCase::to_upper_camel_case(kind.as_str())
                );
                quote!(rt::FieldKind::Media(rt::MediaKind::#variant))
            }
        };
        let default = match &f.default {
            Some(v) => {
                let text = v.to_string();
                quote!(Some(#text))
            }
            None => quote!(None),
        };
        let minimum = opt_f64(f.minimum.as_ref().and_then(Number::as_f64));
        let maximum = opt_f64(f.maximum.as_ref().and_then(Number::as_f64));
        let (allowed, open) = match &f.ty {
            FieldType::Enum(def) => {
                let values = def.variants.iter().map(|v| {
                    let value = v.text();
                    let name = &v.name;
                    quote!(rt::AllowedValue { value: #value, name: #name })
                });
                (quote!(&[#(#values),*]), def.open)
            }
            _ => (quote!(&[]), false),
        };
        quote! {
            rt::FieldInfo {
                name: #name,
                rust_name: #rust,
                description: #description,
                required: #required,
                kind: #kind,
                default: #default,
                minimum: #minimum,
                maximum: #maximum,
                allowed: #allowed,
                open: #open,
            }
        }
    });
    let output = format_ident!("{}", heck::AsUpperCamelCase(&model.output).to_string());
    let doc = docs::outer(&format!(
        "Static description of {}, generated from {}.",
        docs::inline(title),
        docs::inline(&model.file)
    ));
    quote! {
        #doc
        pub static MODEL: rt::ModelInfo = rt::ModelInfo {
            slug: #slug,
            title: #title,
            summary: #summary,
            rust_name: #rust_name,
            typical_latency_seconds: #latency,
            typical_price_usd: #price,
            output: rt::OutputKind::#output,
            fields: &[#(#fields),*],
        };
    }
}

fn emit_enum(field: &Field, def: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", def.type_name);
    let doc = docs::outer(&format!(
        "Values of `{}`: {}",
        field.wire,
        docs::field_doc(field)
    ));
    let idents: Vec<_> = def
        .variants
        .iter()
        .map(|v| format_ident!("{}", v.name))
        .collect();
    let count = Literal::usize_unsuffixed(def.variants.len());
    // The server's default, when it is a named value: derived `Default`.
    let default_index = field
        .default
        .as_ref()
        .and_then(|d| def.variants.iter().position(|v| &v.value == d));
    let derive_default = default_index.map(|_| quote!(Default,));
    let variant_docs: Vec<TokenStream> = def
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let value = format!("The value {}.", docs::value_text(&v.value));
            if Some(i) == default_index {
                let doc = docs::outer(&format!("{value}\n\nThe server's default."));
                quote! { #doc #[default] }
            } else {
                docs::outer(&value)
            }
        })
        .collect();

    if def.integer {
        let values: Vec<Literal> = def
            .variants
            .iter()
            .map(|v| Literal::i64_unsuffixed(v.value.as_i64().unwrap_or_default()))
            .collect();
        let expected = format!(
            "one of {}",
            def.variants
                .iter()
                .map(|v| v.text())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #derive_default)]
            pub enum #name {
                #(#variant_docs #idents,)*
            }

            impl #name {
                /// Every value, in schema order.
                pub const ALL: [Self; #count] = [#(Self::#idents),*];

                /// The integer sent on the wire.
                pub const fn value(self) -> i64 {
                    match self {
                        #(Self::#idents => #values,)*
                    }
                }

                /// The variant of a wire integer, if it is one of the allowed values.
                pub const fn from_value(value: i64) -> Option<Self> {
                    match value {
                        #(#values => Some(Self::#idents),)*
                        _ => None,
                    }
                }
            }


            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Display::fmt(&self.value(), f)
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_i64(self.value())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <i64 as ::serde::Deserialize>::deserialize(deserializer)?;
                    Self::from_value(value).ok_or_else(|| {
                        <D::Error as ::serde::de::Error>::invalid_value(::serde::de::Unexpected::Signed(value), &#expected)
                    })
                }
            }

            impl rt::WireValue for #name {
                fn to_wire(&self) -> ::serde_json::Value {
                    ::serde_json::Value::from(self.value())
                }
            }
        };
    }

    let texts: Vec<String> = def.variants.iter().map(|v| v.text()).collect();
    if def.open {
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Hash, #derive_default)]
            pub enum #name {
                #(#variant_docs #idents,)*
                /// A value not named in the schema, sent as is.
                Other(String),
            }

            impl #name {
                /// Every named value, in schema order.
                pub const KNOWN: [Self; #count] = [#(Self::#idents),*];

                /// The string sent on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#idents => #texts,)*
                        Self::Other(value) => value,
                    }
                }
            }


            impl From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #(#texts => Self::#idents,)*
                        other => Self::Other(other.to_owned()),
                    }
                }
            }

            impl From<String> for #name {
                fn from(value: String) -> Self {
                    Self::from(value.as_str())
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(value))
                }
            }

            impl rt::WireValue for #name {
                fn to_wire(&self) -> ::serde_json::Value {
                    ::serde_json::Value::String(self.as_str().to_owned())
                }
            }
        };
    }

    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #derive_default ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name {
            #(#variant_docs #[serde(rename = #texts)] #idents,)*
        }

        impl #name {
            /// Every value, in schema order.
            pub const ALL: [Self; #count] = [#(Self::#idents),*];

            /// The string sent on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(Self::#idents => #texts,)*
                }
            }
        }


        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rt::WireValue for #name {
            fn to_wire(&self) -> ::serde_json::Value {
                ::serde_json::Value::String(self.as_str().to_owned())
            }
        }
    }
}
