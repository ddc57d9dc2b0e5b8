//! The `segmind` crate re-exports the runtime's public items by name (so
//! that its own `Client` is the only one a user sees): every item the
//! runtime exports at its root is re-exported, except the runtime's client
//! and builder, which `segmind` replaces. A runtime export added later and
//! forgotten in the generator fails here.

use std::collections::BTreeSet;
use std::path::Path;

/// The names a file's `pub use` items bring in (the last segment of each
/// path, or its rename), from the paths starting with `prefix` when given.
fn reexported(file: &Path, prefix: Option<&str>) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let syntax = syn::parse_file(&text).unwrap();
    let mut names = BTreeSet::new();
    for item in syntax.items {
        let syn::Item::Use(item) = item else { continue };
        if !matches!(item.vis, syn::Visibility::Public(_)) {
            continue;
        }
        collect(&item.tree, String::new(), prefix, &mut names);
    }
    names
}

fn collect(tree: &syn::UseTree, path: String, prefix: Option<&str>, names: &mut BTreeSet<String>) {
    let wanted = |path: &str| prefix.is_none_or(|p| path.starts_with(p));
    match tree {
        syn::UseTree::Path(p) => collect(&p.tree, format!("{path}{}::", p.ident), prefix, names),
        syn::UseTree::Name(n) if wanted(&path) => {
            names.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) if wanted(&path) => {
            names.insert(r.rename.to_string());
        }
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                collect(tree, path.clone(), prefix, names);
            }
        }
        _ => {}
    }
}

#[test]
fn every_runtime_export_is_reexported_by_segmind() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let runtime = reexported(&root.join("runtime/src/lib.rs"), None);
    let segmind = reexported(
        &root.join("generated/src/lib.rs"),
        Some("segmind_runtime::"),
    );
    assert!(runtime.len() > 40, "{runtime:?}");
    let missing: Vec<_> = runtime
        .iter()
        .filter(|name| !segmind.contains(*name))
        .filter(|name| !["Client", "ClientBuilder"].contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "generated/src/lib.rs does not re-export {missing:?}: add them to xtask/src/emit/crate_files.rs"
    );
    assert!(!segmind.contains("Client") && !segmind.contains("ClientBuilder"));
}
