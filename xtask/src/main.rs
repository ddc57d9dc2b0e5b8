//! `cargo xtask codegen [--check]`: writes `generated/` from `schema/*.json`,
//! or with `--check` fails when `generated/` is stale.
//! `cargo xtask import [--force] [--check] PAGE`: drafts `schema/<slug>.json`
//! from a Segmind model page's text, or compares the page with that file.
//! `cargo xtask diff [BASE] [--changelog] [--check]`: the schema changes
//! since a git revision, classed, with the semver bump they need.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use segmind_codegen::import::{self, diff, html, ImportError};
use segmind_codegen::{codegen_with, escape, schema_diff, workspace_root, Memo, Mode};

/// Codegen allocates and frees many small token trees; mimalloc does that
/// in about three quarters of the time glibc's malloc takes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask codegen [--check]
       cargo xtask import [--force] [--check] [--schema-dir DIR] (PAGE | - | --url SLUG|URL)
       cargo xtask diff [--changelog] [--check] [--root DIR] [BASE]

  codegen          write generated/ from schema/*.json
  codegen --check  fail (exit 1) when generated/ is not what schema/ gives

  import PAGE      draft schema/<slug>.json from a Segmind model page's text
                   (a saved or copied page; - reads stdin), with a warning for
                   every guess; review the draft, then run codegen
    --force        replace an existing schema/<slug>.json
    --check        write nothing: compare the page with schema/<slug>.json and
                   list what Segmind changed (exit 1 on any API change)
    --url X        download https://www.segmind.com/models/<X>/api (or the
                   URL X) instead of reading PAGE (needs network)
    --schema-dir D the schema folder (default: the workspace's schema/)

  diff [BASE]      list the changes of schema/ from the git revision BASE
                   (default: the last release tag segmind-v*, else HEAD) to
                   the working tree, per model, each breaking, additive or
                   cosmetic, and the verdict
    --changelog    also write them into CHANGELOG.md as the Unreleased entry
    --check        fail (exit 1) when generated/Cargo.toml's version is not
                   bumped as far as the verdict needs since the last release
                   tag (passes when there is no release tag yet)
    --root DIR     the repository (default: this workspace)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("import") {
        return import_command(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("diff") {
        return diff_command(&args[1..]);
    }
    let mode = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => Mode::Write,
        ["codegen", "--check"] => Mode::Check,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Hidden, for the `codegen_scale` bench's side-by-side timing: with
    // `XTASK_CODEGEN_ROOT=DIR`, codegen reads `DIR/schema`, writes
    // `DIR/generated` and uses no memo (every file is formatted).
    let (root, memo) = match std::env::var_os("XTASK_CODEGEN_ROOT") {
        Some(dir) => (PathBuf::from(dir), None),
        None => {
            let root = workspace_root();
            let memo = Memo::for_executable(&root.join("generated"));
            (root, memo)
        }
    };
    match codegen_with(&root, mode, memo.as_ref()) {
        Ok(changed) if mode == Mode::Write => {
            if changed.is_empty() {
                println!("generated/ is up to date");
            } else {
                for file in &changed {
                    println!("wrote {file}");
                }
            }
            ExitCode::SUCCESS
        }
        Ok(_) => {
            println!("generated/ is up to date");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

struct ImportArgs {
    force: bool,
    check: bool,
    url: Option<String>,
    page: Option<String>,
    schema_dir: Option<PathBuf>,
}

fn parse_import_args(args: &[String]) -> Result<ImportArgs, String> {
    let mut out = ImportArgs {
        force: false,
        check: false,
        url: None,
        page: None,
        schema_dir: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--force" => out.force = true,
            "--check" => out.check = true,
            "--url" => {
                out.url = Some(it.next().ok_or("--url needs a slug or a URL")?.clone());
            }
            "--schema-dir" => {
                out.schema_dir = Some(PathBuf::from(
                    it.next().ok_or("--schema-dir needs a folder")?,
                ));
            }
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {}", escape::quote(flag)))
            }
            page => {
                if out.page.is_some() {
                    return Err("give one page".to_owned());
                }
                out.page = Some(page.to_owned());
            }
        }
    }
    match (&out.page, &out.url) {
        (None, None) => Err("give a page (a file, or - for stdin) or --url".to_owned()),
        (Some(_), Some(_)) => Err("give a page or --url, not both".to_owned()),
        _ if out.force && out.check => {
            Err("--check writes nothing; --force does not go with it".to_owned())
        }
        _ => Ok(out),
    }
}

/// A subcommand's parsed arguments, or its exit: an empty complaint is a
/// request for help (the usage on stdout, success), any other is printed
/// with the usage on stderr (exit code 2).
fn or_usage<T>(parsed: Result<T, String>) -> Result<T, ExitCode> {
    parsed.map_err(|why| {
        if why.is_empty() {
            println!("{USAGE}");
            ExitCode::SUCCESS
        } else {
            eprintln!("error: {why}\n\n{USAGE}");
            ExitCode::from(2)
        }
    })
}

fn import_command(args: &[String]) -> ExitCode {
    let args = match or_usage(parse_import_args(args)) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let schema_dir = args
        .schema_dir
        .clone()
        .unwrap_or_else(|| workspace_root().join("schema"));
    let (source, bytes) = match read_source(&args) {
        Ok(x) => x,
        Err(why) => {
            eprintln!("error: {}", escape::unprintable(&why));
            return ExitCode::FAILURE;
        }
    };
    let text = match import::page_text(&bytes, &source) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let imported = match import::import(&text, &source, &schema_dir) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let file = format!("schema/{}.json", imported.slug);
    let path = schema_dir.join(format!("{}.json", imported.slug));
    if args.check {
        return check(&path, &file, &imported);
    }
    for w in &imported.warnings {
        eprintln!("warning: {file}: {w}");
    }
    match import::write_file(&path, &imported.text, args.force) {
        Ok(()) => {
            println!(
                "wrote {file} ({} warnings): review it against the page, then run `cargo xtask codegen`",
                imported.warnings.len()
            );
            ExitCode::SUCCESS
        }
        Err(e @ ImportError::Exists(_)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read_source(args: &ImportArgs) -> Result<(String, Vec<u8>), String> {
    if let Some(x) = &args.url {
        let url = html::page_url(x);
        let body = html::fetch(&url)?;
        let text = html::to_text(&String::from_utf8_lossy(&body));
        return Ok((url, text.into_bytes()));
    }
    let page = args.page.clone().unwrap_or_default();
    if page == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("stdin: {e}"))?;
        return Ok(("<stdin>".to_owned(), bytes));
    }
    let bytes = std::fs::read(&page).map_err(|e| format!("{page}: {e}"))?;
    Ok((page, bytes))
}

fn check(path: &std::path::Path, file: &str, imported: &import::Imported) -> ExitCode {
    let old = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {file}: {e} (nothing to compare with: import the page without --check first)");
            return ExitCode::FAILURE;
        }
    };
    let old: serde_json::Value = match serde_json::from_str(&old) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {file}: not valid JSON: {e}");
            return ExitCode::FAILURE;
        }
    };
    let differences = diff::diff(&old, &imported.doc);
    let api: Vec<&diff::Difference> = differences
        .iter()
        .filter(|d| d.weight == diff::Weight::Api)
        .collect();
    // Latency and price are Segmind's figures; the rest of the notes (wording,
    // examples, variant names) are edits made in the file on purpose.
    let mut wording = 0;
    for d in &differences {
        if d.weight == diff::Weight::Note {
            if d.aspect == diff::Aspect::Figures {
                println!("note: {file}: {d}");
            } else {
                wording += 1;
            }
        }
    }
    for d in &api {
        println!("changed: {file}: {d}");
    }
    if api.is_empty() {
        println!(
            "{file} matches the page (fields, types, defaults, ranges, values, output); {wording} differences in wording, examples or names not shown"
        );
        ExitCode::SUCCESS
    } else {
        println!(
            "{file}: {} API changes on the page ({} import warnings not shown; run the import without --check into another --schema-dir to see them)",
            api.len(),
            imported.warnings.len()
        );
        ExitCode::FAILURE
    }
}

fn parse_diff_args(args: &[String]) -> Result<schema_diff::Options, String> {
    let mut out = schema_diff::Options {
        root: workspace_root(),
        base: None,
        changelog: false,
        check: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--changelog" => out.changelog = true,
            "--check" => out.check = true,
            "--root" => out.root = PathBuf::from(it.next().ok_or("--root needs a folder")?),
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option {}", escape::quote(flag)))
            }
            base => {
                if out.base.is_some() {
                    return Err("give one BASE revision".to_owned());
                }
                out.base = Some(base.to_owned());
            }
        }
    }
    Ok(out)
}

fn diff_command(args: &[String]) -> ExitCode {
    let options = match or_usage(parse_diff_args(args)) {
        Ok(o) => o,
        Err(code) => return code,
    };
    match schema_diff::run(&options) {
        Ok(outcome) => {
            print!("{}", outcome.text);
            if outcome.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
