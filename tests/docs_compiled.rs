//! Every Markdown file of `docs/` (and each published crate's README) is a
//! doctest module of `tests/lib.rs`, so that its Rust code blocks are
//! compiled: a guide page added without its module fails here.

use segmind_tests::workspace_root;

#[test]
fn every_docs_page_and_readme_is_compiled_as_a_doctest() {
    let root = workspace_root();
    let lib = std::fs::read_to_string(root.join("tests/lib.rs")).expect("tests/lib.rs");
    let mut pages: Vec<String> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| {
            let name = path.file_name().expect("a file name").to_string_lossy();
            format!("../docs/{name}")
        })
        .collect();
    assert!(pages.len() >= 10, "docs/ pages missing: {pages:?}");
    pages.extend(
        ["README.md", "generated/README.md", "runtime/README.md"].map(|p| format!("../{p}")),
    );
    for page in pages {
        assert!(
            lib.contains(&format!("#[doc = include_str!(\"{page}\")]")),
            "{page} is not compiled: add `#[doc = include_str!(\"{page}\")]` to tests/lib.rs"
        );
    }
}
