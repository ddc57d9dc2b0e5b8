//! Codegen at catalogue scale: N models synthesised from the real schema
//! files (renamed copies: slug, file name, title and `x-rust-name` get a
//! `-cK` / ` K` / `_cK` suffix, so every name stays unique) in a temporary
//! workspace, for N = 5, 50 and 500. For each N it prints:
//!
//! - codegen time, in process, median of the runs: without the memo (every
//!   file formatted) and with a warm memo (nothing changed since the last run),
//!   and the load+check and emit+format phases;
//! - generated Rust lines (the `.rs` files of `generated/`, the shard
//!   crates' included), in total and per model;
//! - editing one schema file, then codegen and `cargo build -p segmind`
//!   (debug), incremental and with `CARGO_INCREMENTAL=0`;
//! - the same build with that model's feature only
//!   (`--no-default-features --features <model>`);
//! - for the target, that one-model build at 500 models against the
//!   five-model build once more, the two in alternation (at least 5 rounds);
//! - side by side with another generator's crate of 500 operations (when
//!   `CODEGEN_SCALE_REBUILD_CRATE` is set): ours is editing one schema
//!   field, codegen with the memo (as `cargo xtask codegen` runs) and
//!   `cargo build -p segmind` of all 500 models; theirs is renewing the
//!   modification time of their generated file and `cargo build -p` their
//!   crate (both `--offline`, debug, each in its own target folder, its
//!   dependencies built by an untimed warm-up), incremental and with
//!   `CARGO_INCREMENTAL=0`, A B A B; medians, spread (min-max), the ratio
//!   of the medians and the median of the round-by-round ratios, and the
//!   files codegen wrote for the edit. Target: ours <= 0.5 x theirs in
//!   both modes.
//!
//! Run with `cargo bench -p segmind-codegen --bench codegen_scale` (about 15 minutes on
//! 2 cores, most of it the 500-model builds). Settings, from the environment:
//!
//! - `CODEGEN_SCALE_N`: the model counts, default `5 50 500`;
//! - `CODEGEN_SCALE_RUNS`: timed codegen runs per figure (after one warm-up),
//!   default 5; `CODEGEN_SCALE_BUILD_RUNS`: timed builds, default 3;
//! - `CODEGEN_SCALE_BUILDS=0`: no per-N build figures (the side by side
//!   below still runs when asked for);
//! - `CODEGEN_SCALE_REBUILD_CRATE`: the folder of the other side's crate
//!   that compiles one generated file of 500 operations (for progenitor,
//!   its anchor's `client-500`), and `CODEGEN_SCALE_REBUILD_TOUCH`: that
//!   file (`gen/segmind_500.rs`); `CODEGEN_SCALE_REBUILD_RUNS`: rounds per
//!   mode, default and at least 3. Needs 500 in `CODEGEN_SCALE_N`;
//! - `CODEGEN_SCALE_BASE=all`: copy every schema file, not only the five
//!   video models the progenitor comparison uses;
//! - `CODEGEN_SCALE_KEEP=1`: keep the temporary workspaces (their paths are
//!   printed), to look at what was generated;
//! - `CODEGEN_SCALE_TARGET`: the target folder of the builds, shared by every
//!   run so that the dependencies build once (default `target/codegen-scale`
//!   in the workspace, or under `CARGO_TARGET_DIR` when that is set);
//! - `CODEGEN_SCALE_VERSUS`: another generator to time side by side with
//!   ours, as a command template in which `{n}` stands for the model count,
//!   for instance `progenitor-gen spec_{n}.json out_{n}.rs` (split on
//!   whitespace, no shell, no quoting). For each N both run as whole
//!   processes, wall clock: ours is the `xtask` binary (release, as built for
//!   this bench) run as `xtask codegen` on the temporary workspace
//!   (`XTASK_CODEGEN_ROOT`, no memo: every file formatted) after `generated/`
//!   is removed, so it writes every file (and, for information, once more
//!   with `generated/` up to date: the same formatting, nothing written);
//!   theirs is the command. One untimed warm-up of each, then
//!   `CODEGEN_SCALE_RUNS` rounds alternating ours and theirs, so that drift
//!   of a shared machine falls on both alike. The table gets the medians,
//!   the ratio of the medians and the median of the run-by-run ratios, and
//!   (on Linux) the median CPU time of each, which shows the work apart
//!   from the parallelism; at 500 models the target is ours (writing every
//!   file) <= 0.5 x theirs, wall clock. Every timed process runs after a
//!   `sync`, so that the disk's freeing of what an untimed step removed does
//!   not land in it. For progenitor, `theirs` is a small binary around
//!   `progenitor::Generator` (output through prettyplease, as its README's
//!   `build.rs` does) and the specs are an OpenAPI rendering of the five
//!   video models' endpoints, cloned to 50 and 500 operations.
//!
//! The builds use the workspace's `runtime/` by its absolute path and a copy
//! of its `Cargo.lock`. Not a test: `cargo test` neither builds nor runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use segmind_codegen::{load, Memo, Mode};
use serde_json::Value;

/// The allocator of `cargo xtask codegen`, so that the figures are its.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The five video models of the progenitor comparison.
const FIVE: &[&str] = &[
    "hallo",
    "sadtalker",
    "hailuo-02-fast",
    "heygen-avatar-iv",
    "hailuo-2.3-fast",
];
/// Codegen targets: at most this long for 5 and for 500 models.
const TARGET_CODEGEN_5: Duration = Duration::from_millis(25);
const TARGET_CODEGEN_500: Duration = Duration::from_millis(420);
/// Side by side at 500 models, whole processes: ours at most this times
/// theirs.
const TARGET_VERSUS_500: f64 = 0.5;
/// Generated Rust lines per model at 500 models: at most progenitor's
/// lines per operation (about 194 at 500 operations).
const TARGET_LINES_PER_MODEL_500: usize = 200;
/// Editing one schema, codegen and the build of every model at 500 models,
/// incremental and not: at most this times the other side's touch and
/// build of its 500-operation crate, in the same run.
const TARGET_REBUILD_VERSUS_500: f64 = 0.5;

fn repo_root() -> PathBuf {
    segmind_codegen::workspace_root()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    match values.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}

/// How a target line ends: whether it was met.
fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

/// The schema files copies are made of, as JSON documents.
fn base_models() -> Vec<Value> {
    let dir = repo_root().join("schema");
    let all = std::env::var("CODEGEN_SCALE_BASE").is_ok_and(|v| v == "all");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read schema/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| all || p.file_stem().is_some_and(|s| FIVE.iter().any(|f| s == *f)))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("read a schema file");
            serde_json::from_str(&text).expect("a schema file is JSON")
        })
        .collect()
}

/// Copy `k` of a model (copy 0 is the model itself).
fn renamed(doc: &Value, k: usize) -> Value {
    let mut doc = doc.clone();
    if k == 0 {
        return doc;
    }
    let object = doc.as_object_mut().expect("a schema file is an object");
    let suffix = |key: &str, object: &mut serde_json::Map<String, Value>, tail: String| {
        if let Some(Value::String(s)) = object.get_mut(key) {
            s.push_str(&tail);
        }
    };
    suffix("slug", object, format!("-c{k}"));
    suffix("title", object, format!(" {k}"));
    suffix("x-rust-name", object, format!("_c{k}"));
    doc
}

/// A workspace with `n` models: `schema/` (and its meta-schema), a root
/// `Cargo.toml` whose `segmind-runtime` is the repository's runtime, and the
/// repository's `Cargo.lock`. Returns the slug and Rust name of the first
/// model (the one edited).
fn make_workspace(root: &Path, n: usize, bases: &[Value]) -> (String, String) {
    let schema = root.join("schema");
    let meta = schema.join("meta");
    std::fs::create_dir_all(&meta).expect("create schema/meta");
    let repo = repo_root();
    std::fs::copy(
        repo.join("schema").join(load::META_SCHEMA),
        schema.join(load::META_SCHEMA),
    )
    .expect("copy the meta-schema");
    for i in 0..n {
        let doc = renamed(&bases[i % bases.len()], i / bases.len());
        let slug = doc["slug"].as_str().expect("a slug").to_owned();
        let text = serde_json::to_string_pretty(&doc).expect("JSON");
        std::fs::write(schema.join(format!("{slug}.json")), text).expect("write a schema file");
    }
    std::fs::write(root.join("Cargo.toml"), workspace_manifest(&repo)).expect("write Cargo.toml");
    std::fs::copy(repo.join("Cargo.lock"), root.join("Cargo.lock")).expect("copy Cargo.lock");
    let models = load::load_models(&schema, "schema").expect("the copies load");
    let first = &models[0];
    (first.slug.clone(), first.rust_name.clone())
}

/// The root manifest of the temporary workspace: the repository's
/// `[workspace.package]` and the dependencies the generated crate inherits.
fn workspace_manifest(repo: &Path) -> String {
    let text = std::fs::read_to_string(repo.join("Cargo.toml")).expect("read Cargo.toml");
    let package: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "[workspace.package]")
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let dependency = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name} = ")))
            .unwrap_or_else(|| panic!("{name} in [workspace.dependencies]"))
            .to_owned()
    };
    // `[workspace.lints.*]`, which the generated crate's `[lints]` inherits.
    let mut lints = String::new();
    let mut in_lints = false;
    for line in text.lines() {
        if line.starts_with('[') {
            in_lints = line.starts_with("[workspace.lints");
        }
        if in_lints {
            lints.push_str(line);
            lints.push('\n');
        }
    }
    let runtime = repo.join("runtime");
    format!(
        "[workspace]\nresolver = \"3\"\nmembers = [\"generated\"]\n\n{}\n\n{lints}\n[workspace.dependencies]\n{}\n{}\nsegmind-runtime = {{ path = {:?} }}\n",
        package.join("\n"),
        dependency("serde"),
        dependency("serde_json"),
        runtime.display().to_string()
    )
}

/// Lines of every Rust file below `dir`.
fn rust_lines_below(dir: &Path) -> usize {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).expect("read a generated folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            total += rust_lines_below(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += std::fs::read_to_string(&path)
                .expect("read a generated file")
                .lines()
                .count();
        }
    }
    total
}

/// Changes the summary of `schema/<slug>.json` (a new text each time), as an
/// edit of one schema file; it shows in the model's module, the crate root
/// and the client.
fn edit_schema(root: &Path, slug: &str, edit: usize) {
    let path = root.join("schema").join(format!("{slug}.json"));
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("JSON");
    doc["summary"] = Value::String(format!("Edited summary, edit {edit}."));
    std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("JSON")).expect("write");
}

struct Build<'a> {
    root: &'a Path,
    target: PathBuf,
    incremental: bool,
    features: Option<&'a str>,
    /// The package built: `segmind`, or the other side's crate.
    package: &'a str,
}

impl Build<'_> {
    /// `cargo build -p PACKAGE` (`--offline`); the time it took. Panics
    /// when the build fails, or when `must_compile` and it did not compile
    /// the crate.
    fn run(&self, must_compile: bool) -> Duration {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
        cmd.current_dir(self.root)
            .args(["build", "--offline", "-p", self.package])
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS");
        if let Some(feature) = self.features {
            cmd.args(["--no-default-features", "--features", feature]);
        }
        cmd.env(
            "CARGO_INCREMENTAL",
            if self.incremental { "1" } else { "0" },
        );
        let start = Instant::now();
        let out = cmd.output().expect("run cargo");
        let took = start.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "cargo build failed:\n{stderr}");
        assert!(
            !must_compile || stderr.contains(&format!("Compiling {} v", self.package)),
            "cargo did not compile {}:\n{stderr}",
            self.package
        );
        took
    }
}

/// Edit one schema, codegen (with the memo, as `cargo xtask codegen` runs),
/// build: `runs` times after one untimed warm-up. Medians of the codegen
/// time and of the build time.
fn edit_codegen_build(
    root: &Path,
    slug: &str,
    memo: &Memo,
    build: &Build<'_>,
    runs: usize,
    edits: &mut usize,
) -> (Duration, Duration) {
    build.run(false);
    let mut codegen = Vec::new();
    let mut builds = Vec::new();
    for i in 0..=runs {
        *edits += 1;
        edit_schema(root, slug, *edits);
        let start = Instant::now();
        segmind_codegen::codegen_with(root, Mode::Write, Some(memo)).expect("codegen");
        let generated = start.elapsed();
        let built = build.run(true);
        if i > 0 {
            codegen.push(generated);
            builds.push(built);
        }
    }
    (median(codegen), median(builds))
}

/// CPU time (user + system) of this process's waited-for children so far,
/// from `/proc/self/stat` (Linux; `None` elsewhere), in clock ticks of 10 ms
/// (`USER_HZ`, 100 on Linux).
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which ends at the last `)`:
    // state is field 3, cutime and cstime are fields 16 and 17.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    Some(Duration::from_millis(10 * (ticks(13)? + ticks(14)?)))
}

/// One run of a generator as a process.
#[derive(Clone, Copy)]
struct Run {
    /// Wall clock from spawn to exit.
    wall: Duration,
    /// CPU time of the process, when known.
    cpu: Option<Duration>,
}

/// Flushes the disk's pending work (`sync`), untimed, before a timed run:
/// otherwise the freeing of the files an untimed step removed (ours
/// removes `generated/`, theirs truncates its output) lands in whichever
/// run comes next. Without a `sync` command this does nothing.
fn settle() {
    let _ = Command::new("sync")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Runs `cmd` to its end, output discarded (stderr kept for the panic when
/// it fails), after [`settle`].
fn timed(mut cmd: Command, what: &str) -> Run {
    settle();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let cpu_before = children_cpu();
    let start = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let wall = start.elapsed();
    let cpu = children_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Run { wall, cpu }
}

/// Our generator as a process: the `xtask` binary making every file of
/// `root/generated` from `root/schema`, no memo. When `fresh`, `generated/`
/// is removed first (untimed), so every file is written; otherwise it is
/// already up to date and nothing is written.
fn ours_as_process(root: &Path, fresh: bool) -> Run {
    let generated = root.join("generated");
    if fresh {
        match std::fs::remove_dir_all(&generated) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("cannot remove {}: {e}", generated.display()),
        }
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg("codegen").env("XTASK_CODEGEN_ROOT", root);
    timed(cmd, "xtask codegen")
}

/// The `CODEGEN_SCALE_VERSUS` command for `n` models.
fn theirs_as_process(template: &str, n: usize) -> Run {
    let line = template.replace("{n}", &n.to_string());
    let mut words = line.split_whitespace();
    let program = words.next().expect("CODEGEN_SCALE_VERSUS is not empty");
    let mut cmd = Command::new(program);
    cmd.args(words);
    timed(cmd, &line)
}

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Side-by-side medians.
struct Versus {
    /// Ours writing every file.
    ours: Duration,
    /// Ours with `generated/` up to date: the same formatting, no writes.
    ours_unchanged: Duration,
    theirs: Duration,
    /// The median of ours / theirs, run by run.
    pairwise: f64,
    /// CPU time (user + system), when known.
    ours_cpu: Option<Duration>,
    theirs_cpu: Option<Duration>,
}

impl Versus {
    fn ratio(&self) -> f64 {
        self.ours.as_secs_f64() / self.theirs.as_secs_f64()
    }
}

/// Ours (writing every file, then with nothing to write) and theirs in
/// alternation: one untimed warm-up each, then `runs` rounds.
fn versus(root: &Path, n: usize, template: &str, runs: usize) -> Versus {
    ours_as_process(root, true);
    ours_as_process(root, false);
    theirs_as_process(template, n);
    let mut ours = Vec::new();
    let mut unchanged = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..runs {
        ours.push(ours_as_process(root, true));
        unchanged.push(ours_as_process(root, false).wall);
        theirs.push(theirs_as_process(template, n));
    }
    let cpu = |runs: &[Run]| {
        runs.iter()
            .map(|r| r.cpu)
            .collect::<Option<Vec<_>>>()
            .map(median)
    };
    Versus {
        ours: median(ours.iter().map(|r| r.wall).collect()),
        ours_unchanged: median(unchanged),
        theirs: median(theirs.iter().map(|r| r.wall).collect()),
        pairwise: median_f64(
            ours.iter()
                .zip(&theirs)
                .map(|(a, b)| a.wall.as_secs_f64() / b.wall.as_secs_f64())
                .collect(),
        ),
        ours_cpu: cpu(&ours),
        theirs_cpu: cpu(&theirs),
    }
}

struct Figures {
    n: usize,
    input_bytes: u64,
    cold: Duration,
    warm: Duration,
    load: Duration,
    emit: Duration,
    lines: usize,
    module_lines: usize,
    versus: Option<Versus>,
    builds: Option<BuildFigures>,
    /// The workspace, kept until the end for [`one_against_five`].
    workspace: Workspace,
}

/// A temporary workspace of N models and the model the bench edits.
struct Workspace {
    root: PathBuf,
    slug: String,
    rust_name: String,
    /// Removes the workspace when dropped (unless `CODEGEN_SCALE_KEEP`).
    _dir: Option<tempfile::TempDir>,
}

struct BuildFigures {
    edit_codegen: Duration,
    inc: Duration,
    noinc: Duration,
    one_inc: Duration,
    one_noinc: Duration,
}

fn measure(
    n: usize,
    bases: &[Value],
    runs: usize,
    build_runs: Option<usize>,
    target: &Path,
    template: Option<&str>,
) -> Figures {
    let dir = tempfile::tempdir().expect("tempdir");
    let (root_dir, dir) = if std::env::var_os("CODEGEN_SCALE_KEEP").is_some() {
        let kept = dir.keep();
        eprintln!("keeping the workspace of {n} models: {}", kept.display());
        (kept, None)
    } else {
        (dir.path().to_path_buf(), Some(dir))
    };
    let root: &Path = &root_dir;
    let (slug, rust_name) = make_workspace(root, n, bases);
    let schema = root.join("schema");
    let input_bytes = std::fs::read_dir(&schema)
        .expect("read schema")
        .filter_map(|e| e.ok()?.metadata().ok())
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
        .sum();

    // Codegen without a memo: every file formatted.
    segmind_codegen::codegen(root, Mode::Write).expect("codegen");
    let mut cold = Vec::new();
    let mut load_times = Vec::new();
    let mut emit_times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        segmind_codegen::codegen(root, Mode::Write).expect("codegen");
        cold.push(start.elapsed());
        let start = Instant::now();
        let models = load::load_models(&schema, "schema").expect("load");
        load_times.push(start.elapsed());
        let start = Instant::now();
        segmind_codegen::emit::emit_crate(&models).expect("emit");
        emit_times.push(start.elapsed());
    }
    // With a memo, nothing changed since the last run.
    let memo_dir = tempfile::tempdir().expect("tempdir");
    let memo = Memo::open(memo_dir.path(), &root.join("generated"));
    segmind_codegen::codegen_with(root, Mode::Write, Some(&memo)).expect("codegen");
    let mut warm = Vec::new();
    for _ in 0..runs {
        let memo = Memo::open(memo_dir.path(), &root.join("generated"));
        let start = Instant::now();
        segmind_codegen::codegen_with(root, Mode::Check, Some(&memo)).expect("up to date");
        warm.push(start.elapsed());
    }
    let generated = root.join("generated");
    // Rust only: `openapi.json` is a description for other tools, not code
    // to compile (progenitor's figure is its Rust too).
    let lines = rust_lines_below(&generated);
    // The model's types, in its shard crate (its docs and client methods
    // are a few dozen lines of lib.rs).
    let shard = segmind_codegen::emit::shard::dir(segmind_codegen::emit::shard::of_slug(&slug));
    let module_lines =
        std::fs::read_to_string(generated.join(format!("{shard}/src/{rust_name}.rs")))
            .expect("a model's types")
            .lines()
            .count();
    let versus = template.map(|template| versus(root, n, template, runs));

    let builds = build_runs.map(|build_runs| {
        let mut edits = 0;
        let memo = Memo::open(memo_dir.path(), &generated);
        let mut build = Build {
            root,
            target: target.join("inc"),
            incremental: true,
            features: None,
            package: "segmind",
        };
        let (edit_codegen, inc) =
            edit_codegen_build(root, &slug, &memo, &build, build_runs, &mut edits);
        build.features = Some(&rust_name);
        let (_, one_inc) = edit_codegen_build(root, &slug, &memo, &build, build_runs, &mut edits);
        build.target = target.join("noinc");
        build.incremental = false;
        let (_, one_noinc) = edit_codegen_build(root, &slug, &memo, &build, build_runs, &mut edits);
        build.features = None;
        let (_, noinc) = edit_codegen_build(root, &slug, &memo, &build, build_runs, &mut edits);
        BuildFigures {
            edit_codegen,
            inc,
            noinc,
            one_inc,
            one_noinc,
        }
    });
    Figures {
        n,
        input_bytes,
        cold: median(cold),
        warm: median(warm),
        load: median(load_times),
        emit: median(emit_times),
        lines,
        module_lines,
        versus,
        builds,
        workspace: Workspace {
            root: root_dir.clone(),
            slug,
            rust_name,
            _dir: dir,
        },
    }
}

/// One model's feature build at many models against the five-model build,
/// in alternation (edit, codegen, build each, `runs` rounds after one
/// warm-up each), so that drift falls on both alike: the medians of the
/// build times, (one model, five models).
fn one_against_five(
    five: &Workspace,
    many: &Workspace,
    target: &Path,
    incremental: bool,
    runs: usize,
) -> (Duration, Duration) {
    let target = target.join(if incremental { "inc" } else { "noinc" });
    let full = Build {
        root: &five.root,
        target: target.clone(),
        incremental,
        features: None,
        package: "segmind",
    };
    let one = Build {
        root: &many.root,
        target,
        incremental,
        features: Some(&many.rust_name),
        package: "segmind",
    };
    // Edit numbers the earlier steps did not use, so every edit changes
    // the file.
    let mut edit = 1_000_000;
    let mut step = |ws: &Workspace, build: &Build<'_>, timed: bool| {
        edit += 1;
        edit_schema(&ws.root, &ws.slug, edit);
        segmind_codegen::codegen(&ws.root, Mode::Write).expect("codegen");
        let took = build.run(timed);
        timed.then_some(took)
    };
    step(five, &full, false);
    step(many, &one, false);
    let (mut ones, mut fulls) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        fulls.extend(step(five, &full, true));
        ones.extend(step(many, &one, true));
    }
    (median(ones), median(fulls))
}

/// The other side of the rebuild comparison: a crate that compiles one
/// generated file (progenitor's client of 500 operations), from
/// `CODEGEN_SCALE_REBUILD_CRATE` (its folder) and
/// `CODEGEN_SCALE_REBUILD_TOUCH` (the generated file it compiles).
struct Theirs {
    /// The crate's folder; cargo finds its workspace from there.
    dir: PathBuf,
    /// The generated file whose modification time is renewed before each
    /// build, so that cargo compiles the crate again.
    touch: PathBuf,
    /// The crate's package name, from its `Cargo.toml`.
    package: String,
}

impl Theirs {
    /// From the environment; `None` when `CODEGEN_SCALE_REBUILD_CRATE` is
    /// not set. Panics when it is set but not usable.
    fn from_env() -> Option<Theirs> {
        let dir = PathBuf::from(std::env::var_os("CODEGEN_SCALE_REBUILD_CRATE")?);
        let touch =
            PathBuf::from(std::env::var_os("CODEGEN_SCALE_REBUILD_TOUCH").expect(
                "CODEGEN_SCALE_REBUILD_TOUCH names the file of CODEGEN_SCALE_REBUILD_CRATE",
            ));
        assert!(touch.is_file(), "{} is no file", touch.display());
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{}/Cargo.toml: {e}", dir.display()));
        let package = manifest
            .lines()
            .skip_while(|l| l.trim() != "[package]")
            .find_map(|l| {
                let (key, value) = l.split_once('=')?;
                (key.trim() == "name").then(|| value.trim().trim_matches('"').to_owned())
            })
            .expect("a package name in the crate's Cargo.toml");
        Some(Theirs {
            dir,
            touch,
            package,
        })
    }

    /// `touch FILE`: a new modification time, the content unchanged.
    fn touch(&self) {
        std::fs::File::options()
            .write(true)
            .open(&self.touch)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()))
            .unwrap_or_else(|e| panic!("touch {}: {e}", self.touch.display()));
    }
}

/// One mode of the rebuild comparison: every round's times.
struct Rebuild {
    incremental: bool,
    /// Ours: edit one schema, codegen (with the memo), build every model.
    ours: Vec<Duration>,
    /// The codegen part of `ours`.
    codegen: Vec<Duration>,
    /// Theirs: touch the generated file, build.
    theirs: Vec<Duration>,
    /// The files our codegen wrote on the last edit.
    written: Vec<String>,
}

impl Rebuild {
    fn ratio(&self) -> f64 {
        median(self.ours.clone()).as_secs_f64() / median(self.theirs.clone()).as_secs_f64()
    }

    fn pairwise(&self) -> f64 {
        median_f64(
            self.ours
                .iter()
                .zip(&self.theirs)
                .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64())
                .collect(),
        )
    }
}

/// `min-max` of `values`, in seconds.
fn spread(values: &[Duration]) -> String {
    let min = values.iter().min().copied().unwrap_or_default();
    let max = values.iter().max().copied().unwrap_or_default();
    format!("{}-{}", secs(min), secs(max))
}

/// Ours (edit one schema field, codegen with the memo, `cargo build -p
/// segmind` of every model) and theirs (touch their generated file, build
/// their crate) in alternation, after one untimed warm-up each (which
/// also builds the dependencies the first time): `rounds` rounds, A B A B.
fn rebuild_versus(
    ws: &Workspace,
    theirs: &Theirs,
    target: &Path,
    incremental: bool,
    rounds: usize,
) -> Rebuild {
    let mode = if incremental { "inc" } else { "noinc" };
    let ours_build = Build {
        root: &ws.root,
        target: target.join(mode),
        incremental,
        features: None,
        package: "segmind",
    };
    let theirs_build = Build {
        root: &theirs.dir,
        target: target.join(format!("versus-{mode}")),
        incremental,
        features: None,
        package: &theirs.package,
    };
    let memo_dir = tempfile::tempdir().expect("tempdir");
    let generated = ws.root.join("generated");
    let mut edit = 2_000_000 + usize::from(incremental) * 1_000_000;
    let mut written = Vec::new();
    let mut ours_step = |timed: bool| {
        edit += 1;
        edit_schema(&ws.root, &ws.slug, edit);
        settle();
        let start = Instant::now();
        let memo = Memo::open(memo_dir.path(), &generated);
        written =
            segmind_codegen::codegen_with(&ws.root, Mode::Write, Some(&memo)).expect("codegen");
        let codegen = start.elapsed();
        ours_build.run(timed);
        (start.elapsed(), codegen)
    };
    let theirs_step = |timed: bool| {
        theirs.touch();
        settle();
        theirs_build.run(timed)
    };
    ours_step(false);
    theirs_step(false);
    let mut result = Rebuild {
        incremental,
        ours: Vec::new(),
        codegen: Vec::new(),
        theirs: Vec::new(),
        written: Vec::new(),
    };
    for _ in 0..rounds {
        let (ours, codegen) = ours_step(true);
        result.ours.push(ours);
        result.codegen.push(codegen);
        result.theirs.push(theirs_step(true));
    }
    result.written = written;
    result
}

fn row(name: &str, cells: impl IntoIterator<Item = String>) {
    print!("{name:<58}");
    for cell in cells {
        print!(" {cell:>10}");
    }
    println!();
}

fn main() -> ExitCode {
    let sizes: Vec<usize> = std::env::var("CODEGEN_SCALE_N")
        .unwrap_or_else(|_| "5 50 500".to_owned())
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    let runs = env_usize("CODEGEN_SCALE_RUNS", 5).max(1);
    let build_runs = (env_usize("CODEGEN_SCALE_BUILDS", 1) != 0)
        .then(|| env_usize("CODEGEN_SCALE_BUILD_RUNS", 3).max(1));
    let target = std::env::var_os("CODEGEN_SCALE_TARGET")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR").map(|t| PathBuf::from(t).join("codegen-scale"))
        })
        .unwrap_or_else(|| repo_root().join("target/codegen-scale"));
    let template = std::env::var("CODEGEN_SCALE_VERSUS")
        .ok()
        .filter(|t| !t.trim().is_empty());
    let bases = base_models();
    println!(
        "codegen at scale: copies of {} schema files; {} formatting threads; codegen medians of {runs} runs, builds of {} (debug profile)",
        bases.len(),
        segmind_codegen::parallel::threads(),
        build_runs.map_or("none".to_owned(), |r| r.to_string()),
    );
    let mut all = Vec::new();
    for &n in &sizes {
        eprintln!("measuring {n} models...");
        all.push(measure(
            n,
            &bases,
            runs,
            build_runs,
            &target,
            template.as_deref(),
        ));
    }

    row("models", all.iter().map(|f| f.n.to_string()));
    row(
        "schema input (bytes)",
        all.iter().map(|f| f.input_bytes.to_string()),
    );
    row(
        "codegen, every file formatted (ms)",
        all.iter().map(|f| ms(f.cold)),
    );
    row("  load + check (ms)", all.iter().map(|f| ms(f.load)));
    row("  emit + format (ms)", all.iter().map(|f| ms(f.emit)));
    row(
        "codegen, nothing changed, warm memo (ms)",
        all.iter().map(|f| ms(f.warm)),
    );
    row(
        "generated Rust lines",
        all.iter().map(|f| f.lines.to_string()),
    );
    row(
        "generated Rust lines per model",
        all.iter().map(|f| (f.lines / f.n.max(1)).to_string()),
    );
    row(
        "lines of one model's types",
        all.iter().map(|f| f.module_lines.to_string()),
    );
    if let Some(template) = &template {
        fn v(f: &Figures) -> &Versus {
            f.versus
                .as_ref()
                .expect("measured when CODEGEN_SCALE_VERSUS is set")
        }
        println!("side by side, whole processes, alternating; theirs: {template}");
        row(
            "  ours: xtask codegen, no memo, every file written (ms)",
            all.iter().map(|f| ms(v(f).ours)),
        );
        row(
            "  ours, generated/ up to date, nothing written (ms)",
            all.iter().map(|f| ms(v(f).ours_unchanged)),
        );
        row(
            "  theirs: CODEGEN_SCALE_VERSUS (ms)",
            all.iter().map(|f| ms(v(f).theirs)),
        );
        row(
            "  ours / theirs, ratio of the medians",
            all.iter().map(|f| format!("{:.3}", v(f).ratio())),
        );
        row(
            "  ours / theirs, median of the run-by-run ratios",
            all.iter().map(|f| format!("{:.3}", v(f).pairwise)),
        );
        row(
            "  ours up to date / theirs, ratio of the medians",
            all.iter().map(|f| {
                format!(
                    "{:.3}",
                    v(f).ours_unchanged.as_secs_f64() / v(f).theirs.as_secs_f64()
                )
            }),
        );
        if all
            .iter()
            .all(|f| v(f).ours_cpu.is_some() && v(f).theirs_cpu.is_some())
        {
            let cpu = |d: Option<Duration>| ms(d.expect("checked"));
            row(
                "  ours, CPU time user + system (ms, 10 ms ticks)",
                all.iter().map(|f| cpu(v(f).ours_cpu)),
            );
            row(
                "  theirs, CPU time user + system (ms, 10 ms ticks)",
                all.iter().map(|f| cpu(v(f).theirs_cpu)),
            );
        }
    }
    if all.iter().all(|f| f.builds.is_some()) {
        fn b(f: &Figures) -> &BuildFigures {
            f.builds.as_ref().expect("checked")
        }
        row(
            "edit one schema: codegen, warm memo (ms)",
            all.iter().map(|f| ms(b(f).edit_codegen)),
        );
        row(
            "  + cargo build -p segmind, incremental (s)",
            all.iter().map(|f| secs(b(f).inc)),
        );
        row(
            "  + cargo build -p segmind, CARGO_INCREMENTAL=0 (s)",
            all.iter().map(|f| secs(b(f).noinc)),
        );
        row(
            "  + build of that model's feature only, incremental (s)",
            all.iter().map(|f| secs(b(f).one_inc)),
        );
        row(
            "  + build of that model's feature only, CARGO_INCREMENTAL=0 (s)",
            all.iter().map(|f| secs(b(f).one_noinc)),
        );
    }

    let mut ok = true;
    for f in &all {
        let target = match f.n {
            5 => TARGET_CODEGEN_5,
            500 => TARGET_CODEGEN_500,
            _ => continue,
        };
        let met = f.cold <= target;
        ok &= met;
        println!(
            "target: codegen of {} models every file formatted {} ms <= {} ms: {}",
            f.n,
            ms(f.cold),
            ms(target),
            verdict(met)
        );
    }
    if let Some(f) = all.iter().find(|f| f.n == 500) {
        let per_model = f.lines / f.n;
        let met = per_model <= TARGET_LINES_PER_MODEL_500;
        ok &= met;
        println!(
            "target: generated Rust lines per model at 500 models {per_model} <= {TARGET_LINES_PER_MODEL_500}: {}",
            verdict(met)
        );
    }
    match (all.iter().find(|f| f.n == 500), Theirs::from_env()) {
        (Some(f), Some(theirs)) => {
            let rounds = env_usize("CODEGEN_SCALE_REBUILD_RUNS", 3).max(3);
            println!(
                "edit one schema + codegen + cargo build -p segmind at 500 models, side by side with `touch {}` + cargo build -p {} ({}), alternating, {rounds} rounds after a warm-up each:",
                theirs.touch.display(),
                theirs.package,
                theirs.dir.display(),
            );
            for incremental in [true, false] {
                eprintln!("rebuild side by side, incremental {incremental}...");
                let r = rebuild_versus(&f.workspace, &theirs, &target, incremental, rounds);
                let what = if r.incremental {
                    "incremental"
                } else {
                    "CARGO_INCREMENTAL=0"
                };
                println!(
                    "  {what}: ours {} s ({}; codegen {} ms of it), theirs {} s ({}); ours / theirs {:.3} (median of round ratios {:.3})",
                    secs(median(r.ours.clone())),
                    spread(&r.ours),
                    ms(median(r.codegen.clone())),
                    secs(median(r.theirs.clone())),
                    spread(&r.theirs),
                    r.ratio(),
                    r.pairwise(),
                );
                println!("  {what}: codegen wrote {}", r.written.join(", "));
                let met = r.ratio() <= TARGET_REBUILD_VERSUS_500;
                ok &= met;
                println!(
                    "target: edit + codegen + build at 500 models ({what}), ours / theirs {:.3} <= {TARGET_REBUILD_VERSUS_500}: {}",
                    r.ratio(),
                    verdict(met)
                );
            }
        }
        (Some(_), None) => println!(
            "edit + codegen + build at 500 models side by side: not measured (set CODEGEN_SCALE_REBUILD_CRATE and CODEGEN_SCALE_REBUILD_TOUCH)"
        ),
        (None, _) => {}
    }
    if let Some(v) = all
        .iter()
        .find(|f| f.n == 500)
        .and_then(|f| f.versus.as_ref())
    {
        let met = v.ratio() <= TARGET_VERSUS_500;
        ok &= met;
        println!(
            "target: side by side at 500 models, ours / theirs {:.3} <= {TARGET_VERSUS_500}: {}",
            v.ratio(),
            verdict(met)
        );
    }
    let five = all.iter().find(|f| f.n == 5 && f.builds.is_some());
    let many = all.iter().find(|f| f.n == 500 && f.builds.is_some());
    if let (Some(five), Some(many), Some(build_runs)) = (five, many, build_runs) {
        // Measured again side by side: the figures above come from runs
        // minutes apart, and these builds are short enough for drift to
        // decide.
        for (what, incremental) in [("incremental", true), ("CARGO_INCREMENTAL=0", false)] {
            let (one, full) = one_against_five(
                &five.workspace,
                &many.workspace,
                &target,
                incremental,
                build_runs.max(5),
            );
            let met = one <= full;
            ok &= met;
            println!(
                "target: one model's build at 500 models {} s <= five-model build {} s ({what}, alternating): {}",
                secs(one),
                secs(full),
                verdict(met)
            );
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
