//! Rust names for schema names: snake_case fields and modules, UpperCamelCase
//! types and variants, keywords escaped with a trailing underscore (a raw
//! identifier cannot spell `self` or `crate`); and the names every model
//! takes in the namespaces the generated crate shares, with the names there
//! that are already taken.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of a later edition than syn knows of: `gen` is reserved from
/// edition 2024, where a caller could only spell it `r#gen`.
const LATER_KEYWORDS: &[&str] = &["gen"];

/// Whether `name` is usable as a Rust identifier as it is, in every edition
/// (not a keyword, not `_`).
pub fn is_plain_ident(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok() && !LATER_KEYWORDS.contains(&name)
}

/// Whether `name` is spelled like an identifier but is a Rust keyword (in
/// some edition) or `_`.
pub fn is_keyword(name: &str) -> bool {
    !is_plain_ident(name) && {
        let mut chars = name.chars();
        chars
            .next()
            .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
            && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
    }
}

/// Whether rustc's `non_snake_case` lint takes `name`: no upper-case letter
/// and no double underscore between its first and last letter.
pub fn is_snake_case(name: &str) -> bool {
    let inner = name.trim_matches('_');
    !inner.contains("__") && !inner.chars().any(char::is_uppercase)
}

/// How a message names the keyword `name`: `a Rust keyword`, or for one
/// of a later edition, `a Rust keyword from edition 2024`.
pub fn keyword_kind(name: &str) -> &'static str {
    if LATER_KEYWORDS.contains(&name) {
        "a Rust keyword from edition 2024"
    } else {
        "a Rust keyword"
    }
}

/// The snake_case Rust name of a field; keywords get a trailing `_`.
pub fn field_name(wire: &str) -> String {
    escape_keyword(wire.to_snake_case())
}

/// Escapes a keyword with a trailing underscore.
pub fn escape_keyword(name: String) -> String {
    if !name.is_empty() && !is_plain_ident(&name) && is_plain_ident(&format!("{name}_")) {
        format!("{name}_")
    } else {
        name
    }
}

/// The module name a slug maps to, or `None` when the mapping would lose
/// information (a dot or an upper-case letter in the slug) or gives no
/// identifier (a leading digit), so the schema must say `x-rust-name` itself.
/// The name may still be a keyword ([`is_keyword`]).
pub fn module_name(slug: &str) -> Option<String> {
    let derived = slug.to_snake_case();
    (derived == slug.replace('-', "_") && derived.starts_with(|c: char| c.is_ascii_lowercase()))
        .then_some(derived)
}

/// The UpperCamelCase type name of an enum field.
pub fn type_name(field_rust: &str) -> String {
    field_rust.trim_end_matches('_').to_upper_camel_case()
}

/// The type name of one item of a list whose type name is `plural`:
/// `Messages` makes `Message`, `Stories` `Story`; a name that does not end
/// in a plural `s` gets `Item` (`DataItem`).
pub fn singular(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else if plural.ends_with('s') && !plural.ends_with("ss") && plural.len() > 1 {
        plural[..plural.len() - 1].to_owned()
    } else {
        format!("{plural}Item")
    }
}

/// The variant name of a string value, when it makes a valid ASCII
/// identifier: `Pan Up` is `PanUp`, `TEXT_AND_IMAGE` is `TextAndImage`, an
/// aspect ratio `16:9` is `Ratio16x9`, a value that starts with a digit
/// (`720p`) takes a `V` (`V720p`). (A non-ASCII one is refused: two values
/// that differ only in their Unicode normal form would make one identifier,
/// and rustc lints uncommon code points.)
pub fn string_variant(value: &str) -> Option<String> {
    if let Some((w, h)) = value.split_once(':') {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        return (digits(w) && digits(h)).then(|| format!("Ratio{w}x{h}"));
    }
    let mut name = value.to_upper_camel_case();
    if value.starts_with(|c: char| c.is_ascii_digit())
        && value.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        name = format!("V{name}");
    }
    (name.is_ascii() && is_plain_ident(&name) && name.starts_with(|c: char| c.is_ascii_uppercase()))
        .then_some(name)
}

/// The variant name of a number value: `V1`, `V0_25`, `VMinus0_5`; `None`
/// when its text is not plain decimal digits (an exponent).
pub fn number_variant(text: &str) -> Option<String> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("Minus", rest),
        None => ("", text),
    };
    digits
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.')
        .then(|| format!("V{sign}{}", digits.replace('.', "_")))
}

/// The variant name of an integer value: `V256`, `VMinus1`.
pub fn integer_variant(value: i64) -> String {
    if value < 0 {
        format!("VMinus{}", value.unsigned_abs())
    } else {
        format!("V{value}")
    }
}

/// A namespace of the generated crate that every model puts a name in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Namespace {
    /// The crate root's modules (`segmind::<name>`, inline in `src/lib.rs`,
    /// its types in the file `shards/NN/src/<name>.rs` of its shard crate).
    Module,
    /// The methods of the generated `Client` (its own, and the runtime
    /// client's reached through `Deref`).
    ClientMethod,
}

/// One name a model takes in a shared namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where the name lives.
    pub namespace: Namespace,
    /// The name.
    pub name: String,
    /// What the model makes with it, for messages.
    pub what: &'static str,
}

impl Item {
    /// How a message names the item: `module segmind::hallo`,
    /// `client method Client::hallo_submit`.
    pub fn display(&self) -> String {
        match self.namespace {
            Namespace::Module => format!("module segmind::{}", self.name),
            Namespace::ClientMethod => format!("client method Client::{}", self.name),
        }
    }
}

/// Every name the model with Rust name `rust_name` takes in the shared
/// namespaces: its module (and module file), its v1 client method and its v2
/// client method. (Its registry entry is keyed by slug, which is unique as
/// file names are; everything else lives inside its module.)
pub fn model_items(rust_name: &str) -> Vec<Item> {
    vec![
        Item {
            namespace: Namespace::Module,
            name: rust_name.to_owned(),
            what: "module",
        },
        Item {
            namespace: Namespace::ClientMethod,
            name: rust_name.to_owned(),
            what: "v1 method",
        },
        Item {
            namespace: Namespace::ClientMethod,
            name: format!("{rust_name}_submit"),
            what: "v2 method",
        },
    ]
}

/// Module names the generated crate, its files or its paths use already,
/// with what uses them. (A lower-case name the runtime exports at its root
/// would belong here too, as the crate re-exports the runtime's public
/// items; `tests/codegen_shared_names.rs` checks that there is none
/// missing.)
pub const RESERVED_MODULE_NAMES: &[(&str, &str)] = &[
    ("client", "is the crate's client module (src/client.rs)"),
    ("models", "is the crate's model registry (src/models.rs)"),
    ("runtime", "named the re-exported runtime crate in earlier versions (kept reserved, so a model name never takes it back)"),
    (
        "default",
        "would be the crate's Cargo feature of this model, and Cargo's `default` feature is the set of models on by default",
    ),
    (
        "json",
        "named the runtime's JSON reading helpers at the crate root in earlier versions (kept reserved)",
    ),
    (
        "child_path",
        "named the runtime's path helper at the crate root in earlier versions (kept reserved)",
    ),
    (
        "is_uri",
        "named the runtime's URI check at the crate root in earlier versions (kept reserved)",
    ),
    (
        "check_slug",
        "is the runtime's slug check, re-exported at the crate root",
    ),
    (
        "with_local_paths",
        "is the runtime's opt-in for local paths in trusted JSON, re-exported at the crate root",
    ),
    ("lib", "would be the file src/lib.rs, the crate root"),
    (
        "main",
        "would be the file src/main.rs, which Cargo builds as a binary",
    ),
    (
        "rustfmt",
        "is the tool namespace of #[rustfmt::skip] attributes",
    ),
    ("clippy", "is the tool named by lint attributes"),
    (
        "diagnostic",
        "is the tool namespace of #[diagnostic] attributes",
    ),
    ("std", "is the standard library's crate name"),
    ("core", "is the core library's crate name"),
    ("alloc", "is the alloc library's crate name"),
    ("proc_macro", "is a built-in crate's name"),
    ("test", "is a built-in crate's name"),
    ("segmind", "is the generated crate's own name"),
    ("segmind_runtime", "is the runtime crate's name"),
    ("serde", "is the name of a crate the generated code uses"),
    (
        "serde_json",
        "is the name of a crate the generated code uses",
    ),
];

/// Method names a `Client` has already, with whose they are: the generated
/// client's own, the runtime client's public methods (reached through
/// `Deref`, so a model method of that name would hide them), and the methods
/// of the traits `Client` implements. `tests/codegen_shared_names.rs`
/// checks this list against the runtime's and the generator's sources.
pub const RESERVED_CLIENT_METHODS: &[(&str, &str)] = &[
    ("new", "segmind::Client::new"),
    ("from_env", "segmind::Client::from_env"),
    ("builder", "segmind::Client::builder"),
    (
        "runtime",
        "segmind::Client::runtime in earlier versions (kept reserved)",
    ),
    ("base_url", "segmind_runtime::Client::base_url"),
    ("upload_url", "segmind_runtime::Client::upload_url"),
    ("v1_url", "segmind_runtime::Client::v1_url"),
    ("v2_url", "segmind_runtime::Client::v2_url"),
    (
        "request_timeout",
        "segmind_runtime::Client::request_timeout",
    ),
    ("retry_policy", "segmind_runtime::Client::retry_policy"),
    ("media_upload", "segmind_runtime::Client::media_upload"),
    (
        "max_concurrent_requests",
        "segmind_runtime::Client::max_concurrent_requests",
    ),
    ("run", "segmind_runtime::Client::run"),
    ("submit", "segmind_runtime::Client::submit"),
    ("job", "segmind_runtime::Client::job"),
    ("batch", "segmind::Client::batch"),
    ("call_url", "segmind_runtime::Client::call_url"),
    ("run_json", "segmind::Client::run_json"),
    ("submit_json", "segmind::Client::submit_json"),
    ("batch_json", "segmind::Client::batch_json"),
    ("prepare_body", "segmind_runtime::Client::prepare_body"),
    (
        "prepare_body_with_file_limit",
        "segmind_runtime::Client::prepare_body_with_file_limit",
    ),
    ("from", "From::from"),
    ("into", "Into::into"),
    ("try_from", "TryFrom::try_from"),
    ("try_into", "TryInto::try_into"),
    ("clone", "Clone::clone"),
    ("clone_from", "Clone::clone_from"),
    ("clone_into", "ToOwned::clone_into"),
    ("to_owned", "ToOwned::to_owned"),
    ("fmt", "Debug::fmt"),
    ("deref", "Deref::deref"),
    ("borrow", "Borrow::borrow"),
    ("borrow_mut", "BorrowMut::borrow_mut"),
    ("type_id", "Any::type_id"),
];

/// Why `item`'s name is taken already, if it is: the end of a sentence
/// "... makes the module segmind::lib, which ...".
pub fn reserved(item: &Item) -> Option<String> {
    let list = match item.namespace {
        Namespace::Module => RESERVED_MODULE_NAMES,
        Namespace::ClientMethod => RESERVED_CLIENT_METHODS,
    };
    let (_, why) = list.iter().find(|(name, _)| *name == item.name)?;
    Some(match item.namespace {
        Namespace::Module => (*why).to_owned(),
        Namespace::ClientMethod => format!("the client has already ({why})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("match"), "match_");
        assert_eq!(field_name("gen"), "gen_");
        assert_eq!(field_name("poseWeight"), "pose_weight");
        assert_eq!(type_name("type_"), "Type");
    }

    #[test]
    fn keywords_of_every_edition_are_keywords() {
        for name in ["gen", "type", "async", "try", "dyn", "_", "self", "crate"] {
            assert!(is_keyword(name), "{name}");
            assert!(!is_plain_ident(name), "{name}");
        }
        for name in ["hallo", "gen_", "union", "raw", "r", "x1", "3d", ""] {
            assert!(!is_keyword(name), "{name}");
        }
    }

    #[test]
    fn snake_case_is_what_rustc_takes() {
        for name in ["hallo", "type_", "_x", "a_b_c", "gen_2"] {
            assert!(is_snake_case(name), "{name}");
        }
        for name in ["a__b", "type__submit", "aB"] {
            assert!(!is_snake_case(name), "{name}");
        }
    }

    #[test]
    fn lossy_slugs_need_a_name() {
        assert_eq!(module_name("hallo").as_deref(), Some("hallo"));
        assert_eq!(
            module_name("hailuo-02-fast").as_deref(),
            Some("hailuo_02_fast")
        );
        assert_eq!(module_name("hailuo-2.3-fast"), None);
        assert_eq!(module_name("3d-face"), None);
        assert_eq!(module_name("a--b"), None);
        // A keyword is lossless; the loader refuses it on its own.
        assert_eq!(module_name("type").as_deref(), Some("type"));
    }

    #[test]
    fn variants() {
        assert_eq!(string_variant("extcrop").as_deref(), Some("Extcrop"));
        assert_eq!(string_variant("full body").as_deref(), Some("FullBody"));
        assert_eq!(string_variant("1080p").as_deref(), Some("V1080p"));
        assert_eq!(string_variant("16:9").as_deref(), Some("Ratio16x9"));
        assert_eq!(string_variant("Pan Up").as_deref(), Some("PanUp"));
        assert_eq!(
            string_variant("TEXT_AND_IMAGE").as_deref(),
            Some("TextAndImage")
        );
        assert_eq!(string_variant("1.5x"), None);
        assert_eq!(number_variant("0.25").as_deref(), Some("V0_25"));
        assert_eq!(number_variant("-1.5").as_deref(), Some("VMinus1_5"));
        assert_eq!(number_variant("1e3"), None);
        assert_eq!(singular("Messages"), "Message");
        assert_eq!(singular("Stories"), "Story");
        assert_eq!(singular("Data"), "DataItem");
        assert_eq!(string_variant("café"), None);
        assert_eq!(string_variant("self"), None);
        assert_eq!(integer_variant(256), "V256");
        assert_eq!(integer_variant(-3), "VMinus3");
    }

    #[test]
    fn a_model_takes_a_module_and_two_methods() {
        let items = model_items("hallo");
        let names: Vec<String> = items.iter().map(Item::display).collect();
        assert_eq!(
            names,
            [
                "module segmind::hallo",
                "client method Client::hallo",
                "client method Client::hallo_submit"
            ]
        );
        assert!(reserved(&model_items("new")[1]).is_some());
        assert!(reserved(&model_items("lib")[0]).is_some());
        assert!(model_items("hallo").iter().all(|i| reserved(i).is_none()));
    }
}
