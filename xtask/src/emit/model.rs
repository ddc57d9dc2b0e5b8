//! The module of one model: its static description (`MODEL`), its enums and
//! the structs of its nested objects, the `Input` request type with
//! constructor, setters and `validate`, and its `ModelInput` implementation
//! (its types, [`emit_types`], which the `segmind` crate compiles in a shard
//! crate); its docs and client methods ([`emit_facade`]); or all of it in
//! one file, as a user's crate has it ([`emit_model`]).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Number, Value};

use super::{docs, shard};
use crate::ir::{EnumDef, EnumKind, Field, FieldType, Model, ObjectDef, Shape, UnionDef};

/// The whole module file of `model`, as a user's crate has it (see
/// [`super::emit_module_files`]): [`emit_facade`] with the `pub use` of the
/// types replaced by [`emit_types`]'s items. Its doc example names the crate
/// (or module) that holds the model modules, `doc_path` (`segmind`).
pub fn emit_model(model: &Model, doc_path: &str) -> TokenStream {
    let module_doc = docs::inner(&module_doc(model, doc_path));
    let types = type_items(model);
    let methods = emit_methods(model);
    quote! {
        #module_doc
        use ::segmind_runtime as rt;

        #types
        #methods
    }
}

/// The items of `model`'s module in the `segmind` crate, which `lib.rs`
/// holds inline: its docs, its types re-exported from the module of the
/// same name in its shard crate (see [`super::shard`]) and its two client
/// methods.
pub fn emit_facade(model: &Model, doc_path: &str) -> TokenStream {
    let module_doc = docs::inner(&module_doc(model, doc_path));
    let shard = format_ident!("{}", shard::crate_name(shard::of(model)).replace('-', "_"));
    let module = format_ident!("{}", model.rust_name);
    let methods = emit_methods(model);
    quote! {
        #module_doc
        use ::segmind_runtime as rt;
        pub use ::#shard::#module::*;

        #methods
    }
}

/// The module of `model` in its shard crate: everything but the docs and
/// the client methods, which are the `segmind` crate's ([`emit_facade`]).
pub fn emit_types(model: &Model) -> TokenStream {
    let doc = docs::inner(&format!(
        "The types of {} (`{}`), which the `segmind` crate re-exports as `segmind::{}` beside the model's client methods.",
        docs::inline(&model.title),
        model.slug,
        model.rust_name,
    ));
    let types = type_items(model);
    quote! {
        #doc
        use ::segmind_runtime as rt;

        #types
    }
}

/// The items of the types of `model`: its `MODEL`, `Input` and the enums
/// and structs of its fields.
fn type_items(model: &Model) -> TokenStream {
    let info = emit_info(model);
    let mut items = Vec::new();
    collect_types(&model.fields, &mut items);
    let types = items.iter().map(|item| match item {
        TypeItem::Enum(field, def) => emit_enum(field, def),
        TypeItem::Struct(field, def) => emit_nested_struct(field, def),
        TypeItem::Union(field, def) => emit_union(field, def),
    });
    let input = emit_input(model);
    quote! {
        #info
        #input
        #(#types)*
    }
}

/// The model's two methods on `super::Client` (the crate's `Client`, or
/// the one beside the module in a user's crate): blocking (v1) and job (v2),
/// each one call into the runtime's `call_v1` and `call_v2`. The input goes
/// as `&dyn ModelInput`, so the whole call path is compiled once per output
/// type rather than once per model (at 500 models, about 15% of a
/// non-incremental build of the crate), and the methods are plain
/// functions returning the runtime's named, boxed future [`rt::Call`]: no
/// state machine per method, and its `Send` is proven once, where the
/// future is boxed, not once per method (an `async fn` or an opaque
/// `impl Future + Send` per method made a build at 500 models several times
/// slower).
fn emit_methods(model: &Model) -> TokenStream {
    let v1 = format_ident!("{}", model.rust_name);
    let v2 = format_ident!("{}_submit", model.rust_name);
    let cost = docs::cost_line(model)
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let kind = docs::output_kind(model);
    let output = format_ident!("{}", kind.type_name);
    let title = docs::inline(&model.title);
    let v1_doc = docs::outer(&format!(
        "Runs {title} (`POST /v1{}`) and waits for {}{cost}; see [`Client::run`](super::Client::run).",
        model.request_path(), kind.noun,
    ));
    let v2_doc = docs::outer(&format!(
        "Submits a {title} job (`POST /v2{}`) and returns at once; see [`Client::submit`](super::Client::submit).",
        model.request_path(),
    ));
    let v1_allow = super::allow_self_convention(&model.rust_name, false);
    let v2_allow = super::allow_self_convention(&format!("{}_submit", model.rust_name), false);
    quote! {
        impl super::Client {
            #v1_doc
            #v1_allow
            pub fn #v1<'a>(&'a self, input: &'a Input) -> rt::Call<'a, rt::#output> {
                rt::__private::call_v1(&self.inner, input)
            }

            #v2_doc
            #v2_allow
            pub fn #v2<'a>(&'a self, input: &'a Input) -> rt::Call<'a, rt::Job> {
                rt::__private::call_v2(&self.inner, input)
            }
        }
    }
}

/// A type the module defines besides `Input`.
enum TypeItem<'a> {
    Enum(&'a Field, &'a EnumDef),
    Struct(&'a Field, &'a ObjectDef),
    Union(&'a Field, &'a UnionDef),
}

/// Every enum and struct of `fields`, depth first, in schema order.
fn collect_types<'a>(fields: &'a [Field], out: &mut Vec<TypeItem<'a>>) {
    for field in fields {
        collect_shape_types(field, &field.shape, out);
    }
}

/// Every enum and struct of a value of `shape` (of `field`), depth first.
fn collect_shape_types<'a>(field: &'a Field, shape: &'a Shape, out: &mut Vec<TypeItem<'a>>) {
    let mut shape = shape;
    while let FieldType::List(item) = &shape.ty {
        shape = item;
    }
    match &shape.ty {
        FieldType::Enum(def) => out.push(TypeItem::Enum(field, def)),
        FieldType::Object(def) => {
            out.push(TypeItem::Struct(field, def));
            collect_types(&def.fields, out);
        }
        FieldType::TextOr(def) => {
            out.push(TypeItem::Union(field, def));
            collect_shape_types(field, &def.other, out);
        }
        _ => {}
    }
}

fn module_doc(model: &Model, doc_path: &str) -> String {
    let kind = docs::output_kind(model);
    let mut doc = format!(
        "{}\n\nEndpoints: `POST /v1{path}` (blocking) and `POST /v2{path}` (job).",
        docs::headline(model),
        path = model.request_path(),
    );
    if let Some(cost) = docs::cost_line(model) {
        doc.push_str(&format!(" Output: {}, {cost}.", kind.short));
    } else {
        doc.push_str(&format!(" Output: {}.", kind.short));
    }
    doc.push_str("\n\n# Example\n\n");
    doc.push_str(&example(model, doc_path));
    doc
}

/// A `no_run` doctest that builds an input from the constructor's fields
/// (their schema examples where given) and uses what the call returns.
pub(super) fn example(model: &Model, doc_path: &str) -> String {
    let module = &model.rust_name;
    let path = format!("{doc_path}::{module}");
    let call = format!(
        "let input = {};",
        constructor_example(&path, "Input", &model.fields, 0)
    );
    let kind = docs::output_kind(model);
    let use_output = match kind.extension {
        Some(ext) => format!("client.{module}(&input).await?.save(\"{module}.{ext}\").await?;"),
        None if model.chat_format.is_some() => format!(
            "let reply = client.{module}(&input).await?;\nprintln!(\"{{}}\", reply.text().unwrap_or_default());"
        ),
        None => {
            format!("let answer = client.{module}(&input).await?;\nprintln!(\"{{answer:?}}\");")
        }
    };
    format!(
        "```no_run\n# async fn example() -> Result<(), {doc_path}::Error> {{\nlet client = {doc_path}::Client::from_env()?;\n{call}\n{use_output}\n# Ok(())\n# }}\n```"
    )
}

/// `<path>::<type>::new(..)` with a value for every argument, `path`
/// naming the model's module (`segmind::hallo`).
fn constructor_example(path: &str, type_name: &str, fields: &[Field], depth: usize) -> String {
    let args: Vec<String> = fields
        .iter()
        .filter(|f| f.is_argument())
        .map(|f| example_value(path, f, &f.shape, depth + 1))
        .collect();
    let pad = "    ".repeat(depth);
    if args.is_empty() {
        format!("{path}::{type_name}::new()")
    } else {
        let lines: Vec<String> = args.iter().map(|a| format!("{pad}    {a},")).collect();
        format!("{path}::{type_name}::new(\n{}\n{pad})", lines.join("\n"))
    }
}

/// A Rust expression of a valid value of `shape` (of `field`).
fn example_value(path: &str, field: &Field, shape: &Shape, depth: usize) -> String {
    let example = field.examples.first();
    let example = if matches!(field.shape.ty, FieldType::List(_))
        && !matches!(shape.ty, FieldType::List(_))
    {
        example.and_then(|e| e.as_array()).and_then(|a| a.first())
    } else {
        example
    };
    match &shape.ty {
        FieldType::Enum(def) if !def.open => {
            let variant = field
                .default
                .as_ref()
                .and_then(|d| def.variants.iter().find(|v| &v.value == d))
                .or(def.variants.first())
                .map(|v| v.name.as_str())
                .unwrap_or_default();
            format!("{path}::{}::{variant}", def.type_name)
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
        FieldType::String | FieldType::TextOr(_) => {
            format!("{:?}", example.and_then(|e| e.as_str()).unwrap_or("text"))
        }
        FieldType::Boolean => example.and_then(Value::as_bool).unwrap_or(true).to_string(),
        FieldType::Integer => {
            let value = example.and_then(Value::as_i64).or(shape
                .limits
                .minimum
                .as_ref()
                .and_then(Number::as_i64));
            value.unwrap_or(0).to_string()
        }
        FieldType::Number => {
            let value = example.and_then(Value::as_f64).or(shape
                .limits
                .minimum
                .as_ref()
                .and_then(Number::as_f64));
            format!("{:?}", value.unwrap_or(1.0))
        }
        FieldType::List(item) => {
            let count = shape.limits.min_items.unwrap_or(1).clamp(1, 3);
            let one = example_value(path, field, item, depth);
            let items: Vec<String> = (0..count).map(|_| one.clone()).collect();
            format!("[{}]", items.join(", "))
        }
        FieldType::Object(def) => constructor_example(path, &def.type_name, &def.fields, depth),
    }
}

fn media_extension(kind: &str) -> &'static str {
    match kind {
        "image" => "png",
        "audio" => "mp3",
        _ => "mp4",
    }
}

/// The Rust type of a value of `shape`.
fn rust_type(shape: &Shape) -> TokenStream {
    match &shape.ty {
        FieldType::String => quote!(String),
        FieldType::Number => quote!(f64),
        FieldType::Integer => quote!(i64),
        FieldType::Boolean => quote!(bool),
        FieldType::Media(_) => quote!(rt::Media),
        FieldType::Enum(def) => {
            let name = format_ident!("{}", def.type_name);
            quote!(#name)
        }
        FieldType::Object(def) => {
            let name = format_ident!("{}", def.type_name);
            quote!(#name)
        }
        FieldType::TextOr(def) => {
            let name = format_ident!("{}", def.type_name);
            quote!(#name)
        }
        FieldType::List(item) => {
            let item = rust_type(item);
            quote!(Vec<#item>)
        }
    }
}

/// The type of the struct field: `T`, `Option<T>`, or `Option<Option<T>>`
/// for an optional field that may be `null`.
fn storage_type(field: &Field) -> TokenStream {
    let ty = rust_type(&field.shape);
    if field.required {
        ty
    } else if field.nullable {
        quote!(Option<Option<#ty>>)
    } else {
        quote!(Option<#ty>)
    }
}

/// Whether a constructor argument or setter takes `impl Into<..>`, sparing
/// the caller a conversion (strings, media, open enums).
fn takes_into(shape: &Shape) -> bool {
    match &shape.ty {
        FieldType::String | FieldType::Media(_) | FieldType::TextOr(_) => true,
        FieldType::Enum(def) => def.open,
        _ => false,
    }
}

/// The parameter type of a constructor argument or setter, and the
/// expression that turns the parameter `value` into the stored value.
fn param(shape: &Shape, value: TokenStream) -> (TokenStream, TokenStream) {
    let ty = rust_type(shape);
    match &shape.ty {
        FieldType::List(item) => {
            let item = rust_type(item);
            (
                quote!(impl IntoIterator<Item = impl Into<#item>>),
                quote!(#value.into_iter().map(Into::into).collect()),
            )
        }
        _ if takes_into(shape) => (quote!(impl Into<#ty>), quote!(#value.into())),
        _ => (ty, value),
    }
}

/// An expression of the Rust value of `value` (a checked default).
fn value_expr(shape: &Shape, value: &Value) -> TokenStream {
    match &shape.ty {
        FieldType::String => {
            let text = value.as_str().unwrap_or_default();
            quote!(#text.to_owned())
        }
        FieldType::Number => {
            let lit = Literal::f64_suffixed(value.as_f64().unwrap_or_default());
            quote!(#lit)
        }
        FieldType::Integer => {
            let lit = Literal::i64_suffixed(integer_of(value));
            quote!(#lit)
        }
        FieldType::Boolean => {
            let b = value.as_bool().unwrap_or_default();
            quote!(#b)
        }
        FieldType::Enum(def) => {
            let name = format_ident!("{}", def.type_name);
            let found = def.variants.iter().find(|v| match def.kind {
                EnumKind::String => &v.value == value,
                _ => v.value.as_f64() == value.as_f64(),
            });
            match found {
                Some(v) => {
                    let variant = format_ident!("{}", v.name);
                    quote!(#name::#variant)
                }
                None => {
                    let text = value.as_str().unwrap_or_default();
                    quote!(#name::from(#text))
                }
            }
        }
        // The loader gives no default to media, lists and objects.
        _ => quote!(Default::default()),
    }
}

/// A JSON integer (`6` or `6.0`) as an `i64`.
fn integer_of(value: &Value) -> i64 {
    value
        .as_i64()
        .or_else(|| value.as_f64().map(|x| x as i64))
        .unwrap_or_default()
}

fn emit_input(model: &Model) -> TokenStream {
    let title = docs::inline(&model.title);
    let path = model.request_path();
    let doc = format!(
        "Request body of {title} (`POST /v1{path}` and `POST /v2{path}`): see [`Input::new`]\nand the setters; unset optional fields are not sent (the server applies its defaults)."
    );
    let body = emit_struct("Input", &doc, &model.fields, true);
    quote! {
        #body

        impl rt::__private::Body for Input {
            const MODEL: &'static rt::ModelInfo = &MODEL;
        }
    }
}

fn emit_nested_struct(field: &Field, def: &ObjectDef) -> TokenStream {
    let doc = format!(
        "An object of `{}`: {}",
        field.wire,
        docs::prose(&docs::ensure_period(&field.description))
    );
    emit_struct(&def.type_name, &doc, &def.fields, false)
}

/// A request struct (the body, or a nested object) with its constructor,
/// setters, its table of fields, and `validate` for the body.
fn emit_struct(type_name: &str, doc: &str, fields: &[Field], is_body: bool) -> TokenStream {
    let name = format_ident!("{}", type_name);
    let struct_doc = docs::outer(doc);
    let arguments: Vec<&Field> = fields.iter().filter(|f| f.is_argument()).collect();

    let members = fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust);
        let doc = docs::outer(&docs::field_doc(f));
        let ty = storage_type(f);
        quote! { #doc pub #ident: #ty, }
    });

    let args = arguments.iter().map(|f| {
        let ident = format_ident!("{}", f.rust);
        let (ty, _) = param(&f.shape, quote!(#ident));
        quote!(#ident: #ty)
    });
    let inits = fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust);
        if f.is_argument() {
            let (_, value) = param(&f.shape, quote!(#ident));
            if ident == value.to_string() {
                quote!(#ident)
            } else {
                quote!(#ident: #value)
            }
        } else if let (true, Some(default)) = (f.required, &f.default) {
            let value = value_expr(&f.shape, default);
            quote!(#ident: #value)
        } else {
            quote!(#ident: None)
        }
    });
    let many_args = (arguments.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let new_doc = docs::outer(&if arguments.is_empty() {
        "A value with every optional field unset (and every required field at its default)."
            .to_owned()
    } else {
        let names: Vec<String> = arguments.iter().map(|f| format!("`{}`", f.wire)).collect();
        format!(
            "A value from the required fields ({}); optional fields are unset.",
            names.join(", ")
        )
    });

    let setters = fields.iter().filter(|f| !f.is_argument()).map(|f| {
        let ident = format_ident!("{}", f.rust);
        let (ty, value) = param(&f.shape, quote!(value));
        let stored = if f.required {
            value
        } else if f.nullable {
            quote!(Some(Some(#value)))
        } else {
            quote!(Some(#value))
        };
        let doc = docs::outer(&format!("Sets the field `{}` (see its docs).", f.rust));
        let allow = super::allow_self_convention(&f.rust, true);
        let null_setter = f.nullable.then(|| {
            let null = format_ident!("{}_null", f.rust);
            let doc = docs::outer(&format!(
                "Sends `{}` as JSON `null`, which its schema allows.",
                f.wire
            ));
            let allow = super::allow_self_convention(&null.to_string(), true);
            quote! {
                #doc
                #allow
                pub fn #null(mut self) -> Self {
                    self.#ident = Some(None);
                    self
                }
            }
        });
        quote! {
            #doc
            #allow
            pub fn #ident(mut self, value: #ty) -> Self {
                self.#ident = #stored;
                self
            }
            #null_setter
        }
    });

    let table = fields.iter().map(field_info);
    let listed = fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust);
        if f.nullable && !f.required {
            quote!(#ident(nullable))
        } else {
            quote!(#ident)
        }
    });

    let eq = (!fields.iter().any(|f| f.shape.has_float())).then(|| quote!(Eq,));
    // With no required field, `new()` takes nothing and sets nothing:
    // `Default` is the same (and clippy's `new_without_default` asks for it).
    let derive_default = (!fields.iter().any(|f| f.required)).then(|| quote!(Default,));
    let new_without_default =
        (arguments.is_empty() && fields.iter().any(|f| f.required)).then(|| {
            quote! {
                impl Default for #name {
                    fn default() -> Self {
                        Self::new()
                    }
                }
            }
        });
    let validate = is_body.then(|| {
        quote! {
            /// Checks every constraint of the schema and reports every violation
            /// at once (where, constraint and value); a local media file must exist.
            pub fn validate(&self) -> Result<(), rt::ValidationError> {
                rt::__private::validate(self)
            }
        }
    });

    quote! {
        #struct_doc
        #[derive(Clone, #derive_default PartialEq, #eq)]
        #[non_exhaustive]
        #[must_use]
        pub struct #name {
            #(#members)*
        }

        impl #name {
            #new_doc
            #many_args
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*

            #validate
        }

        #new_without_default

        impl rt::__private::Fields for #name {
            const FIELDS: &'static [rt::FieldInfo] = &[#(#table),*];
        }
        rt::__private::object!(#name { #(#listed),* });
    }
}

fn limit(bound: &Option<Number>) -> Option<TokenStream> {
    bound.as_ref().map(|n| match n.as_i64() {
        Some(i) => {
            let lit = Literal::i64_unsuffixed(i);
            quote!(rt::Limit::Int(#lit))
        }
        None => {
            let lit = Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
            quote!(rt::Limit::Float(#lit))
        }
    })
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(x) => {
            let lit = Literal::f64_unsuffixed(x);
            quote!(Some(#lit))
        }
        None => quote!(None),
    }
}

fn emit_info(model: &Model) -> TokenStream {
    let slug = &model.slug;
    let path = match &model.path {
        Some(path) => quote!(Some(#path)),
        None => quote!(None),
    };
    let title = &model.title;
    let summary = &model.summary;
    let rust_name = &model.rust_name;
    let latency = opt_f64(model.latency);
    let price = opt_f64(model.price);
    let output = match model.chat_format.as_deref() {
        Some(format) => {
            let format = format_ident!("{}", chat_format_variant(format));
            quote!(Chat(rt::ChatFormat::#format))
        }
        None => {
            let kind = format_ident!("{}", heck::AsUpperCamelCase(&model.output).to_string());
            quote!(#kind)
        }
    };
    let doc = docs::outer(&format!(
        "Static description of {}, generated from {}; its fields are the table of [`Input`].",
        docs::inline(title),
        docs::inline(&model.file)
    ));
    quote! {
        #doc
        pub static MODEL: rt::ModelInfo = rt::ModelInfo {
            slug: #slug,
            path: #path,
            title: #title,
            summary: #summary,
            rust_name: #rust_name,
            typical_latency_seconds: #latency,
            typical_price_usd: #price,
            output: rt::OutputKind::#output,
            fields: <Input as rt::__private::Fields>::FIELDS,
        };
    }
}

/// The `ChatFormat` variant of a model file's `chat_format`.
fn chat_format_variant(format: &str) -> &'static str {
    match format {
        "openai" => "OpenAi",
        "anthropic" => "Anthropic",
        _ => "Gemini",
    }
}

fn field_info(f: &Field) -> TokenStream {
    let base = shape_info(&f.wire, &f.rust, &f.description, &f.shape);
    let required = f.required.then(|| quote!(.required()));
    let nullable = f.nullable.then(|| quote!(.nullable()));
    let default = f.default.as_ref().map(|v| {
        let text = v.to_string();
        quote!(.default(#text))
    });
    quote!(#base #required #nullable #default)
}

/// The table entry of a value of `shape`: a constructor for its kind, then
/// one `const` setter per fact the schema states (nothing for the facts it
/// leaves out).
fn shape_info(name: &str, rust: &str, description: &str, shape: &Shape) -> TokenStream {
    let base = match &shape.ty {
        FieldType::String => quote!(rt::FieldInfo::string(#name)),
        FieldType::Number => quote!(rt::FieldInfo::number(#name)),
        FieldType::Integer => quote!(rt::FieldInfo::integer(#name)),
        FieldType::Boolean => quote!(rt::FieldInfo::boolean(#name)),
        FieldType::Enum(def) => match def.kind {
            EnumKind::Integer => quote!(rt::FieldInfo::integer(#name)),
            EnumKind::Number => quote!(rt::FieldInfo::number(#name)),
            EnumKind::String => quote!(rt::FieldInfo::string(#name)),
        },
        FieldType::Media(kind) => {
            let variant = format_ident!(
                "{}",
                heck::ToUpperCamelCase::to_upper_camel_case(kind.as_str())
            );
            quote!(rt::FieldInfo::media(#name, rt::MediaKind::#variant))
        }
        FieldType::List(item) => {
            let item = shape_info("items", rust, "One item.", item);
            quote!(rt::FieldInfo::list(#name, &#item.required()))
        }
        FieldType::Object(def) => {
            let ty = format_ident!("{}", def.type_name);
            quote!(rt::FieldInfo::object(#name, <#ty as rt::__private::Fields>::FIELDS))
        }
        FieldType::TextOr(def) => {
            let other = shape_info(name, rust, description, &def.other);
            quote!(rt::FieldInfo::text_or(#name, &#other))
        }
    };
    let base = quote!(#base.description(#description));
    let rust_name = (name != rust).then(|| quote!(.rust_name(#rust)));
    let l = &shape.limits;
    let bounds = [
        (quote!(minimum), limit(&l.minimum)),
        (quote!(maximum), limit(&l.maximum)),
        (quote!(exclusive_minimum), limit(&l.exclusive_minimum)),
        (quote!(exclusive_maximum), limit(&l.exclusive_maximum)),
        (quote!(multiple_of), limit(&l.multiple_of)),
    ]
    .into_iter()
    .filter_map(|(setter, value)| value.map(|v| quote!(.#setter(#v))));
    let counts = [
        (quote!(min_length), l.min_length),
        (quote!(max_length), l.max_length),
        (quote!(min_items), l.min_items),
        (quote!(max_items), l.max_items),
    ]
    .into_iter()
    .filter_map(|(setter, value)| {
        value.map(|n| {
            let lit = Literal::u64_unsuffixed(n);
            quote!(.#setter(#lit))
        })
    });
    let pattern = l.pattern.as_ref().map(|p| quote!(.pattern(#p)));
    let allowed = match &shape.ty {
        FieldType::Enum(def) => {
            let ty = format_ident!("{}", def.type_name);
            let open = def.open.then(|| quote!(.open()));
            Some(quote!(.allowed(#ty::VALUES) #open))
        }
        _ => None,
    };
    quote!(#base #rust_name #(#bounds)* #(#counts)* #pattern #allowed)
}

/// An enum: its definition (every variant with its wire value in its doc),
/// then one `wire_enum!` call that maps each variant to its wire value and
/// gives the value list, `Display` and the serde encoding.
fn emit_enum(field: &Field, def: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", def.type_name);
    // The field's own words; its values and default are the variants'
    // docs, and the rest of what the schema says is on the field.
    let doc = docs::outer(&format!(
        "Values of `{}`: {}",
        field.wire,
        docs::prose(&docs::ensure_period(&field.description))
    ));
    // The server's default, when it is a named value: derived `Default`.
    let default_index = field
        .default
        .as_ref()
        .and_then(|d| def.variants.iter().position(|v| &v.value == d));
    let derive_default = default_index.map(|_| quote!(Default,));
    let variants = def.variants.iter().enumerate().map(|(i, v)| {
        let ident = format_ident!("{}", v.name);
        let value = docs::value_text(&v.value);
        if Some(i) == default_index {
            let doc = docs::outer(&format!("The value {value} (the server's default)."));
            quote! { #doc #[default] #ident, }
        } else {
            let doc = docs::outer(&format!("The value {value}."));
            quote! { #doc #ident, }
        }
    });
    let pairs = def.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let wire = match def.kind {
            EnumKind::String => Literal::string(&v.text()),
            EnumKind::Integer => Literal::i64_unsuffixed(v.value.as_i64().unwrap_or_default()),
            EnumKind::Number => match v.value.as_i64() {
                Some(i) => Literal::i64_unsuffixed(i),
                None => Literal::f64_unsuffixed(v.value.as_f64().unwrap_or_default()),
            },
        };
        quote!(#ident(#wire))
    });
    let kind = match (def.kind, def.open) {
        (EnumKind::String, true) => quote!(open),
        (EnumKind::String, false) => quote!(str),
        (EnumKind::Integer, _) => quote!(int),
        (EnumKind::Number, _) => quote!(number),
    };
    let (derives, other) = if def.open {
        (
            quote!(Debug, Clone, PartialEq, Eq, Hash, #derive_default),
            Some(quote! {
                /// A value not named in the schema, sent as is.
                Other(String),
            }),
        )
    } else {
        // `Debug` from `wire_enum!`: the variant's name, from the table.
        (
            quote!(Clone, Copy, PartialEq, Eq, Hash, #derive_default),
            None,
        )
    };
    quote! {
        #doc
        #[derive(#derives)]
        pub enum #name {
            #(#variants)*
            #other
        }
        rt::__private::wire_enum!(#name, #kind, [#(#pairs),*]);
    }
}

/// The enum of a field that is text or one list or object (JSON Schema
/// `anyOf`): `Text(String)` and the other branch, then one `text_or!`
/// call that gives the conversions (`From<&str>`, `From<String>`, from the
/// other branch's type) and the untagged serde encoding.
fn emit_union(field: &Field, def: &UnionDef) -> TokenStream {
    let name = format_ident!("{}", def.type_name);
    let doc = docs::outer(&format!(
        "Values of `{}`: {}",
        field.wire,
        docs::prose(&docs::ensure_period(&field.description))
    ));
    let variant = format_ident!("{}", def.variant);
    let ty = rust_type(&def.other);
    // The macro is given a list's item type (`Blocks[ContentBlock]`), which
    // reads better than `Vec<..>` among a macro's tokens.
    let (other_doc, macro_arg) = match &def.other.ty {
        FieldType::List(item) => {
            let item = rust_type(item);
            ("A list, sent as a JSON array.", quote!(#variant[#item]))
        }
        _ => ("An object, sent as a JSON object.", quote!(#variant(#ty))),
    };
    let eq = (!def.other.has_float()).then(|| quote!(Eq,));
    let other_doc = docs::outer(other_doc);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #eq)]
        pub enum #name {
            /// Text, sent as a JSON string.
            Text(String),
            #other_doc
            #variant(#ty),
        }
        rt::__private::text_or!(#name, #macro_arg);
    }
}
