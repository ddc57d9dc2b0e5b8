//! The crate's frame: `Cargo.toml` with one feature per model, and
//! `src/lib.rs` with the model table and one module per model, each behind
//! its feature.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, shard, COMMAND};
use crate::ir::{FieldType, Model, Shape};

/// The Cargo feature that compiles every model.
pub const ALL_MODELS: &str = "all-models";

/// The Cargo feature that compiles `model` (its module, its registry entry
/// and its client methods): the model's Rust module name.
pub fn feature(model: &Model) -> &str {
    &model.rust_name
}

/// `#[cfg(feature = "<model's feature>")]`.
pub fn cfg(model: &Model) -> TokenStream {
    let feature = feature(model);
    quote!(#[cfg(feature = #feature)])
}

/// The features of `segmind-runtime` that `model`'s checks need: `pattern`
/// (the `regex` crate) when some value of its input has a `pattern`,
/// `multiple-of` (big-number arithmetic) when some value has a
/// `multipleOf`. A model's feature turns these on, so a dependency only
/// comes in with a model that needs it.
pub fn runtime_features(model: &Model) -> Vec<&'static str> {
    fn walk(shape: &Shape, pattern: &mut bool, multiple_of: &mut bool) {
        *pattern |= shape.limits.pattern.is_some();
        *multiple_of |= shape.limits.multiple_of.is_some();
        match &shape.ty {
            FieldType::List(item) => walk(item, pattern, multiple_of),
            FieldType::Object(def) => {
                for field in &def.fields {
                    walk(&field.shape, pattern, multiple_of);
                }
            }
            FieldType::TextOr(def) => walk(&def.other, pattern, multiple_of),
            _ => {}
        }
    }
    let (mut pattern, mut multiple_of) = (false, false);
    for field in &model.fields {
        walk(&field.shape, &mut pattern, &mut multiple_of);
    }
    let mut features = Vec::new();
    if multiple_of {
        features.push("multiple-of");
    }
    if pattern {
        features.push("pattern");
    }
    features
}

/// The version of the `segmind` crate, written into its `Cargo.toml` and
/// README. The workspace's `[workspace.dependencies]` entry for `segmind`
/// names the same version (a test checks the two agree).
pub const VERSION: &str = "0.1.0";

/// The licence files of the generated crate, byte copies of the
/// workspace's (read through the links in `xtask/`), so that `generated/`
/// stays the generator's alone and the packaged crate carries them.
pub const LICENSE_FILES: [(&str, &str); 2] = [
    ("LICENSE-APACHE", include_str!("../../LICENSE-APACHE")),
    ("LICENSE-MIT", include_str!("../../LICENSE-MIT")),
];

/// `generated/Cargo.toml`: every model is a feature, all on by default,
/// that turns on the model's shard crate and the model in it; the package
/// metadata crates.io and docs.rs read.
pub fn cargo_toml(models: &[Model]) -> String {
    let mut features = format!(
        "\n[features]\n# One feature per model, named after its module; all on by default. Each\n# turns on the shard crate that holds the model's types, and the model in it.\ndefault = [\"{ALL_MODELS}\"]\n{ALL_MODELS} = ["
    );
    for model in models {
        features.push_str(&format!("\n    \"{}\",", feature(model)));
    }
    features.push_str(if models.is_empty() { "]\n" } else { "\n]\n" });
    for model in models {
        let shard = shard::crate_name(shard::of(model));
        features.push_str(&format!(
            "{} = [\"dep:{shard}\", \"{shard}/{}\"]\n",
            feature(model),
            feature(model)
        ));
    }
    let mut shards = String::new();
    for (shard, _) in shard::group(models) {
        shards.push_str(&format!(
            "{} = {{ path = \"{}\", version = \"={VERSION}\", optional = true }}\n",
            shard::crate_name(shard),
            shard::dir(shard)
        ));
    }
    manifest(
        "segmind",
        "Typed Rust bindings for Segmind's models (video, image, audio, JSON and chat outputs), generated from one JSON Schema file per model.",
        r#"["segmind", "api", "client", "video", "ai"]"#,
        r#"["api-bindings", "multimedia"]"#,
        "# The library, its README and the licences; `openapi.json`, `rustfmt.toml`\n# and the shard crates (`shards/`, each published on its own) serve the\n# repository only.\n",
        &format!(
            "serde_json.workspace = true\n# The crates that hold the models' types, each pinned to this version: they\n# are parts of this crate, published apart so that a change to one model\n# rebuilds one of them.\n{shards}{features}"
        ),
    )
}

/// `shards/NN/Cargo.toml`: one feature per model of the shard, none on by
/// default (the `segmind` crate turns on the ones it compiles). A model
/// whose schema has a `pattern` or `multipleOf` turns on the runtime
/// feature that checks it (`pattern`: regex; `multiple-of`: big numbers).
pub fn shard_cargo_toml(shard: u8, models: &[&Model]) -> String {
    let name = shard::crate_name(shard);
    let mut features = String::from(
        "\n[features]\n# One feature per model, named after its module; `segmind` turns them on. A\n# model whose schema has a `pattern` or `multipleOf` turns on the runtime\n# feature that checks it (`pattern`: regex; `multiple-of`: big numbers).\n",
    );
    for model in models {
        let runtime: Vec<String> = runtime_features(model)
            .iter()
            .map(|f| format!("\"segmind-runtime/{f}\""))
            .collect();
        features.push_str(&format!("{} = [{}]\n", feature(model), runtime.join(", ")));
    }
    manifest(
        &name,
        "A part of the `segmind` crate (typed Rust bindings for Segmind's models): the input types of some of its models. Depend on `segmind`, which re-exports them.",
        r#"["segmind", "api", "client"]"#,
        r#"["api-bindings"]"#,
        "",
        &features,
    )
}

/// A generated crate's `Cargo.toml`: the package `name` at [`VERSION`]
/// with `description`, `keywords` and `categories` (TOML arrays), published
/// with its sources, README and licences (`include_note` says why, when
/// there is more in its folder), the workspace's edition, licence and
/// lints, docs.rs's settings, and its dependencies: the runtime, then
/// `rest` (more dependencies, its features).
fn manifest(
    name: &str,
    description: &str,
    keywords: &str,
    categories: &str,
    include_note: &str,
    rest: &str,
) -> String {
    format!(
        r#"# @generated by `{COMMAND}`. Do not edit.

[package]
name = "{name}"
version = "{VERSION}"
description = "{description}"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
documentation = "https://docs.rs/{name}"
readme = "README.md"
keywords = {keywords}
categories = {categories}
publish = true
{include_note}include = ["/src/**/*.rs", "/README.md", "/LICENSE-MIT", "/LICENSE-APACHE"]

[package.metadata.docs.rs]
all-features = true
rustdoc-args = ["--cfg", "docsrs"]

[lints]
workspace = true

[dependencies]
segmind-runtime.workspace = true
{rest}"#
    )
}

/// `shards/NN/README.md`: what the crate is and that users depend on
/// `segmind` instead.
pub fn shard_readme(shard: u8, models: &[&Model]) -> String {
    let name = shard::crate_name(shard);
    format!(
        "<!-- @generated by `{COMMAND}`. Do not edit. -->\n\n# {name}\n\nA part of the [`segmind`](https://crates.io/crates/segmind) crate, typed Rust\nbindings for Segmind's model API: the input types of the models below, each\nbehind a Cargo feature named after its module. Depend on `segmind`, which\nre-exports each module with its client methods and pins this crate's exact\nversion; this crate's API is not stable on its own.\n\nThe models' types are split over {} such crates, by a hash of the\nslug, so that a change to one model rebuilds one of them rather than every\nmodel.\n\n## Models\n\n{}\nLicensed under either of the Apache License, Version 2.0 or the MIT licence,\nat your option.\n",
        shard::COUNT_IN_WORDS,
        model_table(models)
    )
}

/// `shards/NN/src/lib.rs`: one module per model of the shard, each behind
/// its feature.
pub fn shard_lib_rs(shard: u8, models: &[&Model]) -> TokenStream {
    let doc = docs::inner(&format!(
        "A part of the `segmind` crate: the types of the models whose slugs hash to shard {shard} of {}, each module behind the Cargo feature of its name.\n\nDepend on `segmind`, which re-exports each module (`segmind::<module>`) with the model's client methods and pins this crate's exact version; this crate's API is not stable on its own.",
        shard::COUNT
    ));
    let modules = models.iter().map(|m| {
        let module = format_ident!("{}", m.rust_name);
        let cfg = cfg(m);
        quote! { #cfg pub mod #module; }
    });
    quote! {
        #doc
        #![warn(missing_docs)]
        #![cfg_attr(docsrs, feature(doc_cfg))]

        #(#modules)*
    }
}

/// `generated/README.md`, the crate's page on crates.io: what the crate is,
/// how to depend on it, a call of the first model and the table of models.
pub fn readme(models: &[Model]) -> String {
    let minor = VERSION.rsplit_once('.').map_or(VERSION, |(minor, _)| minor);
    let first = models.first().map_or("<module>", feature);
    let mut text = format!(
        "<!-- @generated by `{COMMAND}`. Do not edit. -->\n\n# segmind\n\nTyped Rust bindings for Segmind's model API: one module per model, generated\nfrom a JSON Schema file per model, with its input type (required fields are\nconstructor arguments, optionals chained setters), a validator that reports\nevery violation before any byte is sent, and two client methods (a blocking\nv1 call and a v2 job). The HTTP runtime (errors, retries that never pay\ntwice, media upload, outputs saved atomically) is `segmind-runtime`, whose\ntypes are re-exported here. Each model's types are compiled in one of the\n`segmind-models-NN` crates, parts of this one that it re-exports and pins\nat its own version: depend on `segmind` alone.\n\n```toml\n[dependencies]\nsegmind = \"{minor}\"\n# or only the models you call, each a feature named after its module:\n# segmind = {{ version = \"{minor}\", default-features = false, features = [\"{first}\"] }}\n```\n\nThe client reads the API key from `SEGMIND_API_KEY` (`Client::from_env`);\n`SEGMIND_BASE_URL` points it at another host.\n"
    );
    if let Some(first) = models.first() {
        let example = super::model::example(first, "segmind")
            .replacen("```no_run", "```rust,no_run", 1)
            .lines()
            .map(|line| line.strip_prefix("# ").unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n");
        text.push_str(&format!("\n## A call\n\n{example}\n"));
    }
    text.push_str(&format!(
        "\n## Models\n\n{}\nThe guide, the `segmind` command (crate `segmind-cli`) and the generator\nare in the repository: <https://github.com/segmind-rs/segmind-rs>.\n\nLicensed under either of the Apache License, Version 2.0 or the MIT licence,\nat your option.\n",
        model_table(models)
    ));
    text
}

/// The Markdown table of `models`: title, slug, module (and feature),
/// typical latency and price.
fn model_table<M: std::borrow::Borrow<Model>>(models: &[M]) -> String {
    let mut table = String::from(
        "| Model | Slug | Module and feature | Typical latency | Typical price |\n|---|---|---|---|---|\n",
    );
    for m in models {
        let m: &Model = m.borrow();
        let latency = m
            .latency
            .map(|s| format!("~{s} s"))
            .unwrap_or_else(|| "n/a".to_owned());
        let price = m
            .price
            .map(|p| format!("~${p}"))
            .unwrap_or_else(|| "n/a".to_owned());
        table.push_str(&format!(
            "| {} | `{}` | `{}` | {latency} | {price} |\n",
            docs::table_cell(&m.title),
            m.slug,
            m.rust_name
        ));
    }
    table
}

/// `generated/rustfmt.toml`: `cargo fmt` leaves the crate as prettyplease
/// printed it, so that `cargo xtask codegen --check` and `cargo fmt --check`
/// both hold (the two format differently).
pub const RUSTFMT_TOML: &str = "# @generated by `cargo xtask codegen`. Do not edit.\n# The files here are formatted by the generator; `cargo fmt` leaves them alone.\ndisable_all_formatting = true\n";

/// `generated/src/lib.rs`.
pub fn lib_rs(models: &[Model]) -> TokenStream {
    let mut doc = format!(
        "Typed Rust bindings for Segmind's models.\n\nEvery module below is generated from one file in `schema/`; the HTTP\nruntime (errors, v1 calls, v2 jobs, media upload, outputs) is the\n`segmind-runtime` crate, whose public types are re-exported here.\n\nEvery model is a Cargo feature named after its module, and all are on by\ndefault: `default-features = false, features = [\"hallo\"]` compiles one model.\nA model's types are compiled in one of {} shard crates\n(`{}` to `{}`, by a hash of its slug) and\nre-exported by its module here, beside its client methods: a change to one\nmodel rebuilds its shard and this crate, not every model.\n\n",
        shard::COUNT_IN_WORDS,
        shard::crate_name(0),
        shard::crate_name((shard::COUNT - 1) as u8),
    );
    doc.push_str(&model_table(models));
    let crate_doc = docs::inner(&doc);
    // Each model's module is inline: its docs, the `pub use` of its types
    // and its client methods are a few dozen lines, and one file per model
    // beside its types' file in the shard would double the files a fresh
    // `generated/` has to create (about half a millisecond each here).
    let modules = models.iter().map(|m| {
        let module = format_ident!("{}", m.rust_name);
        let cfg = cfg(m);
        let items = super::model::emit_facade(m, super::CRATE_NAME);
        quote! { #cfg pub mod #module { #items } }
    });
    let reexports = reexports();
    quote! {
        #crate_doc
        #![warn(missing_docs)]
        #![cfg_attr(docsrs, feature(doc_cfg))]

        #reexports

        mod client;
        pub use client::Client;
        /// Builds a [`Client`] with every setting; only the API key is required.
        pub type ClientBuilder = ::segmind_runtime::ClientBuilder<Client>;
        pub mod models;

        #(#modules)*
    }
}

/// The root of the model modules in a user's crate (see
/// [`super::emit_module_root`]): the items of [`lib_rs`], every module
/// declared with its file's path in `dir`, no feature gates.
pub fn module_root(models: &[Model], dir: &std::path::Path) -> TokenStream {
    let file = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let client = file("client.rs");
    let registry = file("models.rs");
    let modules = models.iter().map(|m| {
        let module = format_ident!("{}", m.rust_name);
        let path = file(&format!("{}.rs", m.rust_name));
        quote! {
            #[path = #path]
            pub mod #module;
        }
    });
    let reexports = reexports();
    quote! {
        #reexports

        #[path = #client]
        mod client;
        pub use client::Client;
        /// Builds a [`Client`] with every setting; only the API key is required.
        pub type ClientBuilder = ::segmind_runtime::ClientBuilder<Client>;
        #[path = #registry]
        pub mod models;

        #(#modules)*
    }
}

/// The runtime's public types, re-exported beside the models.
fn reexports() -> TokenStream {
    quote! {
        pub use ::segmind_runtime::{
            AllowedValue, AnyMediaKind, ApiErrorInfo, Audio, AudioKind, Batch, BatchEvent, BatchLine,
            BatchSummary, Bytes, Call, ChatFormat, ChatOutput, Error, ErrorCategory, FieldInfo, LineProblems, LineState,
            ManifestContents, ManifestRecord, ManifestWriter,
            FieldKind, HeaderMap, Image, ImageKind, Job, JobMetrics, JobResult, JobState, JobStatus,
            JsonOutput, Limit, Media, MediaKind, MediaOutput, MediaOutputKind, MediaUpload,
            ModelInfo, ModelInput, ModelOutput, NotMediaInfo, OutputFile, OutputKind,
            ParseInputError, ResponseMeta, Result, RetryPolicy, StatusCode, ValidationError, Video,
            VideoKind, Violation, ViolationKind, WaitOptions, API_KEY_ENV, BASE_URL_ENV,
            DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS,
            DEFAULT_MAX_INLINE_BYTES, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_REQUEST_TIMEOUT,
            DEFAULT_UPLOAD_URL, DEFAULT_USER_AGENT, UPLOAD_URL_ENV, DEFAULT_BATCH_CONCURRENCY, TokenUsage,
            LINE_ID_KEY, MANIFEST_FILE, with_local_paths, AnyOutput, JsonInput, check_slug,
        };
    }
}
