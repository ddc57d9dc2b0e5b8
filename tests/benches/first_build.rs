//! The first build of a user's crate, side by side with progenitor's.
//!
//! Builds, in one run and alternating (ours, theirs, ours, theirs, ...),
//! each time in a fresh target directory with `cargo build` (debug):
//!
//! - **ours**: a fresh crate outside the workspace that depends on this
//!   repository's `segmind` (path dependency) with one model only
//!   (`default-features = false, features = ["hallo"]`), offline, with the
//!   workspace's `Cargo.lock` copied in so that every version matches;
//! - **theirs**: progenitor's client of the same API, as its users get it
//!   for `https`: its crate copied to a temporary folder with `reqwest`'s
//!   default features (and so its default TLS stack) turned on;
//! - for information, **ours with the five video models** (`hallo`,
//!   `sadtalker`, `hailuo_02_fast`, `heygen_avatar_iv`, `hailuo_2_3_fast`),
//!   the endpoints progenitor's client covers.
//!
//! It prints each build's wall time, the medians, the spread, the ratio,
//! how many crates each side compiles and which TLS stack each side uses,
//! and exits non-zero when ours takes more than [`TARGET`] times theirs.
//!
//! ```text
//! FIRST_BUILD_VERSUS=<progenitor client crate> \
//!     cargo bench -p segmind-tests --bench first_build
//! ```
//!
//! Settings (environment):
//! - `FIRST_BUILD_VERSUS` (required): progenitor's client crate, a folder
//!   with `Cargo.toml` and `src/lib.rs`, whose `lib.rs` includes
//!   `../../gen/segmind_5.rs`;
//! - `FIRST_BUILD_VERSUS_GEN`: that generated file (default: `gen/segmind_5.rs`
//!   beside the crate's folder);
//! - `FIRST_BUILD_VERSUS_LOCK`: a `Cargo.lock` for it (default: the one
//!   beside the crate's folder, when there is one);
//! - `FIRST_BUILD_ROUNDS`: rounds (default 3, at least 1);
//! - `FIRST_BUILD_FIVE=0`: skip the five-model build;
//! - `FIRST_BUILD_BASELINE`: another checkout of this repository (an older
//!   commit, say); its one-model build joins the rounds, for information;
//! - `FIRST_BUILD_TIMINGS=<folder>`: also pass `--timings` and copy each
//!   build's HTML report there (it shows the critical path).
//!
//! Progenitor's side resolves its dependencies from the local registry
//! cache (`cargo fetch --offline`), falling back to `cargo fetch` once,
//! before any timed build.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// Ours may take at most this share of progenitor's time.
const TARGET: f64 = 0.75;

/// The five video models progenitor's client covers.
const FIVE: [&str; 5] = [
    "hallo",
    "sadtalker",
    "hailuo_02_fast",
    "heygen_avatar_iv",
    "hailuo_2_3_fast",
];

/// One crate to build again and again.
struct Side {
    /// What the report calls it.
    name: &'static str,
    /// The folder with its `Cargo.toml`.
    dir: PathBuf,
    /// The wall time of each build.
    times: Vec<Duration>,
    /// How many crates a build compiled (the `Compiling` lines).
    crates: usize,
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // The target directory is the bench's to choose, per build.
    command.env_remove("CARGO_TARGET_DIR");
    command.env_remove("CARGO_BUILD_TARGET_DIR");
    command
}

/// Runs `command`, returning its stdout, or why it failed.
fn run(command: &mut Command) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{command:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// A fresh crate depending on the `segmind` of the repository at `root`
/// with `features`.
fn user_crate(dir: &Path, root: &Path, features: &[&str]) -> Result<(), String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let features: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"first-build-user\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nsegmind = {{ path = {:?}, default-features = false, features = [{}] }}\n\n[workspace]\n",
            root.join("generated").display().to_string(),
            features.join(", ")
        ),
    )?;
    let uses: String = FIVE
        .iter()
        .filter(|m| features.iter().any(|f| f == &format!("{m:?}")))
        .map(|m| format!("pub use segmind::{m};\n"))
        .collect();
    write(
        &dir.join("src/lib.rs"),
        &format!("//! A user's crate.\n\npub use segmind::Client;\n{uses}"),
    )?;
    copy(&root.join("Cargo.lock"), &dir.join("Cargo.lock"))
}

/// Progenitor's client crate, copied with reqwest's default features on.
fn versus_crate(dir: &Path) -> Result<(), String> {
    let versus = PathBuf::from(
        std::env::var_os("FIRST_BUILD_VERSUS")
            .ok_or("set FIRST_BUILD_VERSUS to progenitor's client crate (a folder with Cargo.toml and src/lib.rs)")?,
    );
    let generated = std::env::var_os("FIRST_BUILD_VERSUS_GEN")
        .map(PathBuf::from)
        .unwrap_or_else(|| versus.join("../gen/segmind_5.rs"));
    let client = dir.join("client");
    std::fs::create_dir_all(client.join("src")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("gen")).map_err(|e| e.to_string())?;
    copy(&versus.join("src/lib.rs"), &client.join("src/lib.rs"))?;
    copy(&generated, &dir.join("gen/segmind_5.rs"))?;
    let lock = std::env::var_os("FIRST_BUILD_VERSUS_LOCK")
        .map(PathBuf::from)
        .unwrap_or_else(|| versus.join("../Cargo.lock"));
    if lock.is_file() {
        copy(&lock, &client.join("Cargo.lock"))?;
    }
    let manifest = std::fs::read_to_string(versus.join("Cargo.toml"))
        .map_err(|e| format!("cannot read {}/Cargo.toml: {e}", versus.display()))?;
    let mut changed = 0;
    let manifest: String = manifest
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("reqwest") && line.contains("default-features = false")
            {
                changed += 1;
                line.replace("default-features = false, ", "")
                    .replace(", default-features = false", "")
                    .replace("default-features = false", "")
            } else {
                line.to_owned()
            }
        })
        .map(|line| line + "\n")
        .collect();
    if changed != 1 {
        return Err(format!(
            "expected one reqwest line with `default-features = false` in {}/Cargo.toml, found {changed}",
            versus.display()
        ));
    }
    write(&client.join("Cargo.toml"), &(manifest + "\n[workspace]\n"))?;
    if run(cargo().arg("fetch").arg("--offline").current_dir(&client)).is_err() {
        run(cargo().arg("fetch").current_dir(&client))?;
    }
    Ok(())
}

/// The TLS stack of the crate in `dir`, read from its dependency tree.
fn tls_stack(dir: &Path) -> Result<String, String> {
    let tree = run(cargo()
        .args(["tree", "--offline", "-e", "normal", "--prefix", "none"])
        .current_dir(dir))?;
    let has = |name: &str| {
        tree.lines()
            .find(|l| l.starts_with(&format!("{name} v")))
            .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
    };
    let parts: Vec<String> = [
        "reqwest",
        "rustls",
        "ring",
        "aws-lc-rs",
        "native-tls",
        "openssl",
    ]
    .iter()
    .filter_map(|n| has(n))
    .collect();
    Ok(parts.join(", "))
}

/// One build of `side` in a fresh target directory under `scratch`.
fn build(side: &mut Side, scratch: &Path, round: usize) -> Result<(), String> {
    let target = scratch.join(format!("target-{}-{round}", side.name.replace(' ', "-")));
    let timings = std::env::var_os("FIRST_BUILD_TIMINGS").map(PathBuf::from);
    let mut command = cargo();
    command
        .args(["build", "--offline"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&side.dir);
    if timings.is_some() {
        command.arg("--timings");
    }
    let start = Instant::now();
    let out = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{} failed to build:\n{stderr}", side.name));
    }
    side.crates = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    side.times.push(elapsed);
    println!(
        "round {round}: {:<22} {:>7.2} s  ({} crates compiled)",
        side.name,
        elapsed.as_secs_f64(),
        side.crates
    );
    if let Some(folder) = timings {
        std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
        let reports = target.join("cargo-timings/cargo-timing.html");
        copy(
            &reports,
            &folder.join(format!("{}-{round}.html", side.name.replace(' ', "-"))),
        )?;
    }
    std::fs::remove_dir_all(&target).map_err(|e| format!("cannot remove {}: {e}", target.display()))
}

fn median(times: &[Duration]) -> f64 {
    let mut secs: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    secs.sort_by(f64::total_cmp);
    let n = secs.len();
    if n % 2 == 1 {
        secs[n / 2]
    } else {
        (secs[n / 2 - 1] + secs[n / 2]) / 2.0
    }
}

fn spread(times: &[Duration]) -> String {
    let secs: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    let min = secs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = secs.iter().copied().fold(0.0, f64::max);
    format!("{min:.2}–{max:.2} s")
}

fn bench() -> Result<bool, String> {
    let rounds: usize = match std::env::var("FIRST_BUILD_ROUNDS") {
        Ok(n) => n
            .parse()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or(format!("FIRST_BUILD_ROUNDS={n:?} is not a count of rounds"))?,
        Err(_) => 3,
    };
    let five = std::env::var("FIRST_BUILD_FIVE").map_or(true, |v| v != "0");
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = segmind_tests::workspace_root();
    let ours_dir = scratch.path().join("ours");
    user_crate(&ours_dir, &root, &["hallo"])?;
    let five_dir = scratch.path().join("ours-five");
    user_crate(&five_dir, &root, &FIVE)?;
    let theirs_dir = scratch.path().join("theirs");
    versus_crate(&theirs_dir)?;
    let mut sides = vec![
        Side {
            name: "ours (hallo)",
            dir: ours_dir,
            times: Vec::new(),
            crates: 0,
        },
        Side {
            name: "progenitor + TLS",
            dir: theirs_dir.join("client"),
            times: Vec::new(),
            crates: 0,
        },
    ];
    if five {
        sides.push(Side {
            name: "ours (5 video models)",
            dir: five_dir,
            times: Vec::new(),
            crates: 0,
        });
    }
    if let Some(baseline) = std::env::var_os("FIRST_BUILD_BASELINE") {
        let dir = scratch.path().join("baseline");
        user_crate(&dir, Path::new(&baseline), &["hallo"])?;
        sides.push(Side {
            name: "baseline (hallo)",
            dir,
            times: Vec::new(),
            crates: 0,
        });
    }
    let tls: Vec<String> = sides
        .iter()
        .map(|s| tls_stack(&s.dir))
        .collect::<Result<_, _>>()?;
    for round in 1..=rounds {
        for side in sides.iter_mut() {
            build(side, scratch.path(), round)?;
        }
    }
    println!();
    for (side, tls) in sides.iter().zip(&tls) {
        println!(
            "{:<22} median {:>7.2} s, spread {}, {} crates, TLS: {tls}",
            side.name,
            median(&side.times),
            spread(&side.times),
            side.crates
        );
    }
    let ours = median(&sides[0].times);
    let theirs = median(&sides[1].times);
    let per_round: Vec<String> = sides[0]
        .times
        .iter()
        .zip(&sides[1].times)
        .map(|(a, b)| format!("{:.2}", a.as_secs_f64() / b.as_secs_f64()))
        .collect();
    let ratio = ours / theirs;
    println!(
        "first build, one model: ours / progenitor with TLS = {ratio:.2}× (per round: {}; target ≤ {TARGET}×)",
        per_round.join(", ")
    );
    for side in &sides[2..] {
        println!(
            "for information, {}: {:.2}× progenitor's",
            side.name,
            median(&side.times) / theirs
        );
    }
    Ok(ratio <= TARGET)
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; this binary takes no arguments.
    match bench() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            println!("MISSED: the first build is above its target");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("first_build: {e}");
            ExitCode::from(2)
        }
    }
}
