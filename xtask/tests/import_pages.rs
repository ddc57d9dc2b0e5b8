//! `cargo xtask import` on Segmind's real pages (the five seed pages in
//! `tests/pages/`): each draft passes the loader, matches the committed
//! `schema/<slug>.json` but for differences its warnings name, and `--check`
//! finds no API change; broken pages give a clear error, never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;

use segmind_codegen::import::diff::{self, Aspect, Weight};
use segmind_codegen::import::{self, Imported, WarningKind};

fn root() -> PathBuf {
    segmind_codegen::workspace_root()
}

fn pages() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/pages")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 5, "the five seed pages");
    pages
}

fn import_page(path: &Path) -> Imported {
    let bytes = std::fs::read(path).expect("page");
    let name = format!(
        "tests/pages/{}",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    let text = import::page_text(&bytes, &name).expect("text");
    import::import(&text, &name, &root().join("schema")).unwrap_or_else(|e| panic!("{e}"))
}

fn committed(slug: &str) -> serde_json::Value {
    let path = root().join("schema").join(format!("{slug}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("committed schema")).expect("json")
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_seed_page_drafts_its_snapshot() {
    for path in pages() {
        let imported = import_page(&path);
        assert_eq!(imported.slug, stem(&path));
        insta::assert_snapshot!(format!("draft__{}", stem(&path)), imported.text);
        let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(format!("warnings__{}", stem(&path)), warnings.join("\n"));
    }
}

/// Every difference between a draft and the committed file is named by a
/// warning: the wording by the editorial one, variant names by the field's
/// names warning, anything else by a warning on that field.
#[test]
fn drafts_differ_from_the_committed_schemas_only_where_a_warning_says() {
    for path in pages() {
        let imported = import_page(&path);
        let old = committed(&imported.slug);
        let differences = diff::diff(&old, &imported.doc);
        let mut report = Vec::new();
        for d in &differences {
            let named = imported.warnings.iter().any(|w| match d.aspect {
                Aspect::Text | Aspect::Description | Aspect::Examples => {
                    w.kind == WarningKind::Editorial
                }
                Aspect::EnumNames => w.field == d.field && w.kind == WarningKind::EnumNames,
                Aspect::Figures => w.field.is_none() && w.kind == WarningKind::Missing,
                _ => {
                    d.field.is_some()
                        && w.field == d.field
                        && !matches!(w.kind, WarningKind::Editorial | WarningKind::NotInSample)
                }
            });
            assert!(
                named,
                "{}: no warning names the difference {d}",
                stem(&path)
            );
            report.push(d.to_string());
        }
        insta::assert_snapshot!(format!("differences__{}", stem(&path)), report.join("\n"));
    }
}

#[test]
fn check_finds_no_api_change_on_the_seed_pages() {
    for path in pages() {
        let imported = import_page(&path);
        let api: Vec<String> = diff::diff(&committed(&imported.slug), &imported.doc)
            .iter()
            .filter(|d| d.weight == Weight::Api)
            .map(ToString::to_string)
            .collect();
        assert!(api.is_empty(), "{}: {api:?}", stem(&path));
    }
}

#[test]
fn the_corrections_of_api_notes_are_made_and_warned() {
    let by_name = |slug: &str| {
        let path = pages().into_iter().find(|p| stem(p) == slug).expect("page");
        import_page(&path)
    };
    let hailuo = by_name("hailuo-02-fast");
    let kinds = |i: &Imported, field: &str| -> Vec<WarningKind> {
        i.warnings
            .iter()
            .filter(|w| w.field.as_deref() == Some(field))
            .map(|w| w.kind)
            .collect()
    };
    assert!(kinds(&hailuo, "duration").contains(&WarningKind::SampleType));
    assert!(kinds(&hailuo, "duration").contains(&WarningKind::NumericSplit));
    assert!(kinds(&hailuo, "last_frame_image").contains(&WarningKind::RequiredNull));
    assert_eq!(
        hailuo.doc.pointer("/input/properties/duration/enum"),
        Some(&serde_json::json!([6, 10]))
    );
    let heygen = by_name("heygen-avatar-iv");
    assert!(kinds(&heygen, "voice_id").contains(&WarningKind::OpenSet));
    assert!(kinds(&heygen, "voice_id").contains(&WarningKind::DefaultNotInValues));
    let sad = by_name("sadtalker");
    assert!(kinds(&sad, "image_size").contains(&WarningKind::SampleType));
    assert!(kinds(&sad, "input_image").contains(&WarningKind::MediaDefault));
    let h23 = by_name("hailuo-2.3-fast");
    assert_eq!(
        h23.doc.get("x-rust-name"),
        Some(&serde_json::json!("hailuo_2_3_fast"))
    );
}

fn error_of(bytes: &[u8]) -> String {
    let text = match import::page_text(bytes, "page.txt") {
        Ok(t) => t,
        Err(e) => return e.to_string(),
    };
    match import::import(&text, "page.txt", &root().join("schema")) {
        Ok(i) => panic!("imported {}", i.slug),
        Err(e) => e.to_string(),
    }
}

#[test]
fn broken_pages_give_a_clear_error() {
    let e = error_of(b"");
    assert_eq!(e, "page.txt: the page is empty");
    let e = error_of(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert_eq!(e, "page.txt: binary data (NUL bytes), not a page's text");
    let e = error_of(b"Hallo\n\xff\xfe broken");
    assert_eq!(e, "page.txt:2: not UTF-8 text (a binary file?)");
    let other = "Example Domain\nThis domain is for use in illustrative examples in documents.\nMore information...\n";
    let e = error_of(other.as_bytes());
    assert!(e.starts_with("page.txt: no Segmind endpoint"), "{e}");
    let html = "<!doctype html><html><body><h1>Pricing</h1><p>https://api.openai.com/v1/chat</p></body></html>";
    assert!(error_of(html.as_bytes()).contains("no Segmind endpoint"));
    // Cut after the parameter list starts: the list never ends.
    let hallo = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/hallo.txt"),
    )
    .expect("page");
    let cut = &hallo[..hallo.find("lip_weight").expect("field")];
    let e = error_of(cut.as_bytes());
    assert!(e.starts_with("page.txt:"), "{e}");
    assert!(e.contains("cut short"), "{e}");
    // Cut before the parameter list.
    let cut = &hallo[..hallo.find("Parameters").expect("section")];
    assert!(error_of(cut.as_bytes()).contains("no \"Parameters\""));
}

/// Every prefix of every seed page either imports (to a draft the loader
/// takes) or fails with a one-line message naming the page; none panics.
#[test]
fn truncated_pages_never_panic() {
    for path in pages() {
        let text = std::fs::read_to_string(&path).expect("page");
        let mut cuts: Vec<usize> = (0..text.len()).step_by(7).collect();
        cuts.push(text.len());
        for cut in cuts {
            let Some(prefix) = text.get(..cut) else {
                continue;
            };
            match import::import(prefix, "page.txt", &root().join("schema")) {
                Ok(i) => assert!(!i.text.is_empty()),
                Err(e) => {
                    let message = e.to_string();
                    assert!(message.starts_with("page.txt"), "{message}");
                    assert!(!message.contains('\n'), "{message}");
                }
            }
        }
    }
}

fn xtask_cmd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
}

fn schema_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("meta")).expect("meta");
    std::fs::copy(
        root().join("schema/meta/model.schema.json"),
        dir.path().join("meta/model.schema.json"),
    )
    .expect("copy meta");
    dir
}

#[test]
fn the_command_writes_once_then_needs_force_and_checks() {
    let dir = schema_dir();
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/hallo.txt");
    let run = |args: &[&str]| {
        let out = xtask_cmd()
            .arg("import")
            .args(["--schema-dir", dir.path().to_str().expect("utf-8")])
            .args(args)
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let page_arg = page.to_str().expect("utf-8");
    let (code, stdout, stderr) = run(&[page_arg]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("wrote schema/hallo.json (3 warnings)"),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: schema/hallo.json: input_audio: line 41: "),
        "{stderr}"
    );
    let written = dir.path().join("hallo.json");
    let first = std::fs::read_to_string(&written).expect("written");
    segmind_codegen::load::load_files(
        std::slice::from_ref(&written),
        &dir.path().join("meta/model.schema.json"),
        "schema",
    )
    .expect("the loader takes the draft");

    // Never overwrites without --force; with it, writes the same bytes.
    std::fs::write(&written, "{}").expect("edit");
    let (code, _, stderr) = run(&[page_arg]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("exists"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&written).expect("kept"), "{}");
    let (code, _, _) = run(&["--force", page_arg]);
    assert_eq!(code, Some(0));
    assert_eq!(std::fs::read_to_string(&written).expect("replaced"), first);

    // --check: the same page matches; a changed page does not.
    let (code, stdout, _) = run(&["--check", page_arg]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("schema/hallo.json matches the page"),
        "{stdout}"
    );
    let changed = std::fs::read_to_string(&page)
        .expect("page")
        .replace("Default: 1.4Range: 0 - 10", "Default: 2Range: 0 - 20")
        .replace("base64optional", "base64_outoptional")
        .replace("\"base64\": false", "\"base64_out\": false");
    let changed_page = dir.path().join("changed.txt");
    std::fs::write(&changed_page, changed).expect("write");
    let (code, stdout, _) = run(&["--check", changed_page.to_str().expect("utf-8")]);
    assert_eq!(code, Some(1), "{stdout}");
    for line in [
        "changed: schema/hallo.json: pose_weight: default was 1.4, is 2",
        "changed: schema/hallo.json: pose_weight: maximum was 10, is 20",
        "changed: schema/hallo.json: base64: removed",
        "changed: schema/hallo.json: base64_out: added",
    ] {
        assert!(stdout.contains(line), "{line} in\n{stdout}");
    }
    assert_eq!(std::fs::read_to_string(&written).expect("untouched"), first);
}

#[test]
fn the_command_reads_stdin_and_refuses_bad_usage() {
    let dir = schema_dir();
    let page =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/sadtalker.txt"))
            .expect("page");
    let mut child = xtask_cmd()
        .args([
            "import",
            "--schema-dir",
            dir.path().to_str().expect("utf-8"),
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&page).expect("write");
    }
    let out = child.wait_with_output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("sadtalker.json").is_file());

    for args in [
        &["import"][..],
        &["import", "a", "b"],
        &["import", "--bogus", "a"],
        &["import", "--check", "--force", "a"],
    ] {
        let out = xtask_cmd().args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = xtask_cmd()
        .args([
            "import",
            "--schema-dir",
            dir.path().to_str().expect("utf-8"),
            "no-such-page.txt",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: no-such-page.txt: "));
}

/// A price range and a per-generation price: the highest price is taken,
/// with a warning; a single price is taken as it is.
#[test]
fn price_forms() {
    let hallo = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/hallo.txt"),
    )
    .expect("page");
    let ranged = hallo.replace("~$0.421", "~$0.30 - $0.45");
    let imported = import::import(&ranged, "page.txt", &root().join("schema")).expect("imports");
    assert_eq!(imported.doc["typical_price_usd"], serde_json::json!(0.45));
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.field.is_none() && w.message.contains("price range")));
    let each = hallo.replace("~$0.421", "$0.05 per generation");
    let imported = import::import(&each, "page.txt", &root().join("schema")).expect("imports");
    assert_eq!(imported.doc["typical_price_usd"], serde_json::json!(0.05));
}
