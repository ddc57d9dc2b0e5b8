//! The names models take in the namespaces the generated crate shares: its
//! modules and the methods of its `Client`. Two models must not make one
//! name (`hallo_submit`, the v2 method of `hallo` and the v1 method of
//! `hallo-submit`), nor a name the crate, the runtime client or a Rust
//! keyword has already; the loader refuses such sets and everything it
//! accepts compiles.
//!
//! - a fixture set of names close to taken ones is compiled (the build script
//!   writes its whole crate) and used here;
//! - the reserved names the loader knows of are checked against the runtime
//!   client's and the generated client's real methods;
//! - a property test loads random sets of names made to collide and checks,
//!   on the code generated for every set the loader accepts, that the names
//!   are pairwise distinct, free and no keyword.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use segmind_tests::{meta_schema, workspace_root, xtask};
use serde_json::Value;

/// The crate of every fixture set in `tests/fixtures/sets/`, written by the
/// build script with its `crate::` paths pointing here.
// Only what is used here is used, and the crate root's re-exports are not
// the test's; any other warning (a name rustc finds badly styled) stays one.
#[allow(dead_code, missing_docs, unused_imports)]
mod fixture_sets {
    include!(concat!(env!("OUT_DIR"), "/sets/index.rs"));
}

#[test]
fn names_close_to_taken_ones_compile_and_keep_every_method() {
    use fixture_sets::names_close_to_taken_ones as set;

    // The client's own methods are still there beside every model's two.
    let client = set::Client::new("key");
    let job = client.job("the-request-id");
    assert_eq!(job.request_id(), "the-request-id");
    assert!(!client.base_url().is_empty());
    let _ = set::Client::from_env;
    let _ = set::Client::builder;
    let _ = (set::Client::hallo, set::Client::hallo_submit);
    let _ = (
        set::Client::hallo_submit_submit,
        set::Client::hallo_submit_submit_submit,
    );
    let _ = (set::Client::rt, set::Client::rt_submit);
    let _ = (set::Client::union, set::Client::union_submit);
    let _ = (set::Client::macro_rules, set::Client::macro_rules_submit);
    let _ = (set::Client::self_type, set::Client::self_type_submit);
    let _ = (set::Client::new_model, set::Client::new_model_submit);
    let _ = (set::Client::gen_2, set::Client::gen_2_submit);
    let _ = (
        set::Client::from_env_submit,
        set::Client::from_env_submit_submit,
    );
    let _ = (set::Client::job_submit, set::Client::job_submit_submit);
    let _ = (
        set::Client::into_the_wild,
        set::Client::to_x_mut,
        set::Client::as_is,
    );

    let slugs: Vec<&str> = set::models::ALL.iter().map(|m| m.slug).collect();
    assert_eq!(
        slugs,
        [
            "as-is",
            "from-env-submit",
            "gen-2",
            "hallo-submit-submit",
            "hallo",
            "into-the-wild",
            "job-submit",
            "macro-rules",
            "new-model",
            "rt",
            "to-x-mut",
            "type-model",
            "union"
        ]
    );
    assert_eq!(set::self_type::MODEL.rust_name, "self_type");
    let input =
        set::models::input_from_json("rt", serde_json::json!({"prompt": "p"})).expect("rt's input");
    assert_eq!(input.slug(), "rt");
}

/// The public methods of every `impl Client` block in `files`.
fn client_methods(files: &[PathBuf]) -> BTreeSet<String> {
    let mut methods = BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        methods.extend(inherent_methods(&file, "Client"));
    }
    methods
}

/// The public inherent methods of the type `ty` in `file`, its inline
/// modules' included.
fn inherent_methods(file: &syn::File, ty: &str) -> Vec<String> {
    let mut found = Vec::new();
    methods_in(&file.items, ty, &mut found);
    found
}

/// [`inherent_methods`] of `items`, added to `found`.
fn methods_in(items: &[syn::Item], ty: &str, found: &mut Vec<String>) {
    for item in items {
        if let syn::Item::Mod(module) = item {
            if let Some((_, items)) = &module.content {
                methods_in(items, ty, found);
            }
            continue;
        }
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(path) = &*block.self_ty else {
            continue;
        };
        if block.trait_.is_some() || path.path.segments.last().is_none_or(|s| s.ident != ty) {
            continue;
        }
        for item in &block.items {
            if let syn::ImplItem::Fn(f) = item {
                if matches!(f.vis, syn::Visibility::Public(_)) {
                    found.push(f.sig.ident.to_string());
                }
            }
        }
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// The methods of the generated client without any model, and of the
/// runtime's client, read from their sources.
fn methods_a_client_has() -> BTreeSet<String> {
    let mut methods = client_methods(&rust_files(&workspace_root().join("runtime/src")));
    let files = xtask::emit::emit_crate(&[]).expect("an empty crate emits");
    let client = files
        .iter()
        .find(|f| f.path == "src/client.rs")
        .expect("src/client.rs");
    let file = syn::parse_file(&client.contents).expect("client.rs parses");
    methods.extend(inherent_methods(&file, "Client"));
    methods
}

#[test]
fn the_loader_knows_every_method_a_client_has() {
    let reserved: BTreeSet<&str> = xtask::names::RESERVED_CLIENT_METHODS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    let methods = methods_a_client_has();
    assert!(
        methods.contains("run") && methods.contains("new"),
        "{methods:?}"
    );
    let missing: Vec<&String> = methods
        .iter()
        .filter(|m| !reserved.contains(m.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "add these to xtask::names::RESERVED_CLIENT_METHODS, a model method of that name would hide them: {missing:?}"
    );
}

/// The lower-case names the runtime's crate root makes public: modules and
/// re-exports, which `pub use ::segmind_runtime::*` brings into the
/// generated crate's root, where a model module of that name would hide them.
fn runtime_root_names() -> BTreeSet<String> {
    fn use_names(tree: &syn::UseTree, names: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(path) => use_names(&path.tree, names),
            syn::UseTree::Name(name) => {
                names.insert(name.ident.to_string());
            }
            syn::UseTree::Rename(rename) => {
                names.insert(rename.rename.to_string());
            }
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| use_names(t, names)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let path = workspace_root().join("runtime/src/lib.rs");
    let text = std::fs::read_to_string(&path).expect("runtime/src/lib.rs");
    let file = syn::parse_file(&text).expect("runtime/src/lib.rs parses");
    let mut names = BTreeSet::new();
    for item in &file.items {
        match item {
            syn::Item::Mod(m) if matches!(m.vis, syn::Visibility::Public(_)) => {
                names.insert(m.ident.to_string());
            }
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                use_names(&u.tree, &mut names);
            }
            _ => {}
        }
    }
    names.retain(|n| n.starts_with(|c: char| c.is_ascii_lowercase()));
    names
}

#[test]
fn the_loader_knows_every_module_name_the_runtime_exports() {
    let reserved: BTreeSet<&str> = xtask::names::RESERVED_MODULE_NAMES
        .iter()
        .map(|(name, _)| *name)
        .collect();
    let missing: Vec<String> = runtime_root_names()
        .into_iter()
        .filter(|n| !reserved.contains(n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "add these to xtask::names::RESERVED_MODULE_NAMES, a model module of that name would hide them in the generated crate: {missing:?}"
    );
}

/// Every keyword of every edition, strict and reserved (`union`, `raw`,
/// `macro_rules` and the other weak keywords are identifiers).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "_",
];

/// Trait methods a model method must not hide (`Client::from` is how a
/// runtime client becomes a generated one).
const TRAIT_METHODS: &[&str] = &[
    "from",
    "into",
    "try_from",
    "try_into",
    "clone",
    "clone_from",
    "to_owned",
    "fmt",
    "deref",
];

/// Module names a model must not take: the crate's own modules and files,
/// the tools its attributes name, and the crates its code names.
const TAKEN_MODULES: &[&str] = &[
    "client",
    "models",
    "runtime",
    "lib",
    "main",
    "rustfmt",
    "std",
    "core",
    "serde",
    "serde_json",
    "segmind_runtime",
];

/// Words that make collisions likely.
const WORDS: &[&str] = &[
    "new", "run", "job", "submit", "hallo", "builder", "from", "env", "gen", "type", "self", "lib",
    "main", "client", "models", "runtime", "union", "rt", "x", "2", "0", "async", "try", "fmt",
    "clone", "base", "url", "std", "",
];

/// A slug of 1..3 words joined by `-` (sometimes `.`, which needs
/// `x-rust-name`), and maybe an `x-rust-name` of 1..3 words joined by `_`.
fn model_name() -> impl Strategy<Value = (String, Option<String>)> {
    let word = proptest::sample::select(WORDS);
    let slug = (
        proptest::collection::vec(word.clone(), 1..=3),
        prop_oneof![5 => Just("-"), 1 => Just(".")],
    )
        .prop_map(|(words, sep)| words.join(sep))
        .prop_filter("a slug starts with a letter or digit", |s| {
            s.starts_with(|c: char| c.is_ascii_alphanumeric())
        });
    let rust = proptest::option::weighted(
        0.3,
        proptest::collection::vec(word, 1..=3)
            .prop_map(|words| words.join("_"))
            .prop_filter("x-rust-name starts with a letter", |s| {
                s.starts_with(|c: char| c.is_ascii_lowercase())
            }),
    );
    (slug, rust)
}

/// Writes one schema per name (copies of `base` renamed) to `dir`.
fn write_set(dir: &Path, base: &Value, names: &[(String, Option<String>)]) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for (slug, rust) in names {
        let mut doc = base.clone();
        let object = doc.as_object_mut().expect("a model file is an object");
        object.insert("slug".into(), Value::String(slug.clone()));
        object.remove("x-rust-name");
        if let Some(rust) = rust {
            object.insert("x-rust-name".into(), Value::String(rust.clone()));
        }
        let path = dir.join(format!("{slug}.json"));
        std::fs::write(&path, doc.to_string()).expect("write a schema");
        paths.push(path);
    }
    paths.sort();
    paths
}

/// The crate-root modules `lib.rs` declares.
fn modules(lib: &syn::File) -> Vec<String> {
    lib.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Checks the crate generated for an accepted set.
fn check_accepted(models: &[xtask::ir::Model], base_methods: &BTreeSet<String>) {
    let files = xtask::emit::emit_crate(models).expect("an accepted set emits");
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths.len(), files.len(), "two files at one path");
    assert!(
        !paths.contains("src/main.rs"),
        "Cargo would build src/main.rs as a binary"
    );
    let file = |path: &str| {
        let text = &files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path}"))
            .contents;
        syn::parse_file(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
    };

    let modules = modules(&file("src/lib.rs"));
    let unique: BTreeSet<&String> = modules.iter().collect();
    assert_eq!(
        unique.len(),
        modules.len(),
        "two modules of one name: {modules:?}"
    );
    let snake_case = |name: &str| {
        let inner = name.trim_matches('_');
        !inner.contains("__") && !inner.chars().any(char::is_uppercase)
    };
    for model in models {
        let name = &model.rust_name;
        assert!(snake_case(name), "rustc warns of {name}");
        assert!(!KEYWORDS.contains(&name.as_str()), "keyword module {name}");
        assert!(
            !TAKEN_MODULES.contains(&name.as_str()),
            "taken module {name}"
        );
        assert!(modules.contains(name), "{name} not declared: {modules:?}");
    }

    // The client's methods: its own (client.rs) and each model's two (in
    // the model's module, inline in lib.rs).
    let mut methods = inherent_methods(&file("src/client.rs"), "Client");
    methods.extend(inherent_methods(&file("src/lib.rs"), "Client"));
    let unique: BTreeSet<&String> = methods.iter().collect();
    assert_eq!(
        unique.len(),
        methods.len(),
        "two methods of one name: {methods:?}"
    );
    // The client's own methods: those of the client of no model.
    let own_files = xtask::emit::emit_crate(&[]).expect("the crate of no model");
    let own_client = own_files
        .iter()
        .find(|f| f.path == "src/client.rs")
        .expect("src/client.rs");
    let own = inherent_methods(
        &syn::parse_file(&own_client.contents).expect("client.rs parses"),
        "Client",
    );
    let model_methods: Vec<&String> = methods.iter().filter(|m| !own.contains(m)).collect();
    assert_eq!(model_methods.len(), 2 * models.len(), "{methods:?}");
    for method in model_methods {
        assert!(
            !KEYWORDS.contains(&method.as_str()),
            "keyword method {method}"
        );
        assert!(snake_case(method), "rustc warns of {method}");
        assert!(
            !base_methods.contains(method) && !TRAIT_METHODS.contains(&method.as_str()),
            "the model method {method} hides a method the client has"
        );
    }
}

#[test]
fn random_sets_of_colliding_names_are_refused_or_make_distinct_free_names() {
    let base: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("schema/hallo.json")).expect("read"),
    )
    .expect("hallo.json is JSON");
    let meta = meta_schema();
    let base_methods = methods_a_client_has();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut runner = TestRunner::new(Config {
        cases: 160,
        failure_persistence: None,
        ..Config::default()
    });
    let (accepted, refused) = (Cell::new(0u32), Cell::new(0u32));
    let strategy = proptest::collection::vec(model_name(), 1..=4);
    runner
        .run(&strategy, |names| {
            let dir = tempfile::tempdir_in(tmp.path()).expect("tempdir");
            // One file per slug, as in a folder.
            let mut seen = BTreeSet::new();
            let names: Vec<_> = names
                .into_iter()
                .filter(|(slug, _)| seen.insert(slug.clone()))
                .collect();
            let paths = write_set(dir.path(), &base, &names);
            match xtask::load::load_files(&paths, &meta, "schema") {
                Ok(models) => {
                    accepted.set(accepted.get() + 1);
                    check_accepted(&models, &base_methods);
                }
                Err(xtask::Error::Schema(errors)) => {
                    refused.set(refused.get() + 1);
                    for e in &errors {
                        let line = e.to_string();
                        if line.lines().count() != 1 || !line.starts_with("schema/") {
                            return Err(TestCaseError::fail(format!("{line:?}")));
                        }
                    }
                }
                Err(e) => return Err(TestCaseError::fail(format!("{names:?}: {e}"))),
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (accepted, refused) = (accepted.get(), refused.get());
    eprintln!("accepted {accepted}, refused {refused}");
    assert!(
        accepted >= 20 && refused >= 20,
        "accepted {accepted}, refused {refused}: the names do not test both sides"
    );
}
