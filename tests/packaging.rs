//! The crates a user depends on are publishable, and only they: as
//! `cargo metadata` and `cargo package --list` see the workspace,
//! `segmind-runtime`, `segmind`, `segmind-cli`, `segmind-codegen` and the
//! shard crates of `segmind` (`segmind-models-NN`) each carry what crates.io
//! and docs.rs read (description, links, keywords, categories, licence,
//! README, docs.rs settings), ship the workspace's licence files and a
//! version on every path dependency (a shard's exact version); everything
//! else says `publish = false`. `.ci/run` also packages them with
//! verification (`cargo package`, which builds them from their packaged
//! sources alone); this test names a missing field in seconds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use segmind_tests::workspace_root;
use serde_json::Value;

/// The crates a user can depend on or install.
const USERS_CRATES: [&str; 4] = [
    "segmind-runtime",
    "segmind",
    "segmind-cli",
    "segmind-codegen",
];

/// The prefix of the shard crates: parts of `segmind`, published beside it
/// (`generated/shards/NN`), which it depends on at its exact version.
const SHARD_PREFIX: &str = "segmind-models-";

/// Every crate that is published: [`USERS_CRATES`] and the shard crates
/// the workspace has (at least one).
fn published(packages: &[Value]) -> Vec<String> {
    let shards: Vec<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str())
        .filter(|name| name.starts_with(SHARD_PREFIX))
        .map(str::to_owned)
        .collect();
    assert!(!shards.is_empty(), "no shard crate in the workspace");
    USERS_CRATES
        .iter()
        .map(|name| (*name).to_owned())
        .chain(shards)
        .collect()
}

/// The repository every published crate links to.
const REPOSITORY: &str = "https://github.com/segmind-rs/segmind-rs";

/// The licence files at the workspace root that every published crate ships.
const LICENCE_FILES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// `cargo` itself (the one running the tests, when it says).
fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workspace_root());
    command
}

/// The stdout of `command`, which must succeed.
fn stdout_of(mut command: Command) -> String {
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("cargo prints UTF-8")
}

/// The workspace's packages as `cargo metadata --no-deps` describes them.
fn packages() -> Vec<Value> {
    let mut command = cargo();
    command.args([
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
        "--offline",
    ]);
    let metadata: Value = serde_json::from_str(&stdout_of(command)).expect("metadata is JSON");
    metadata["packages"]
        .as_array()
        .expect("metadata lists packages")
        .clone()
}

/// The package named `name`.
fn package<'a>(packages: &'a [Value], name: &str) -> &'a Value {
    packages
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no package {name} in the workspace"))
}

/// The folder holding a package's `Cargo.toml`.
fn package_dir(package: &Value) -> PathBuf {
    Path::new(package["manifest_path"].as_str().expect("a manifest path"))
        .parent()
        .expect("a manifest has a folder")
        .to_path_buf()
}

/// Whether cargo may publish `package` (`publish` absent, or a registry list
/// that is not empty).
fn is_published(package: &Value) -> bool {
    match &package["publish"] {
        Value::Null => true,
        Value::Array(registries) => !registries.is_empty(),
        other => panic!("{}: unexpected publish {other}", package["name"]),
    }
}

#[test]
fn only_the_crates_users_depend_on_are_published() {
    let packages = packages();
    let publishable: BTreeSet<String> = packages
        .iter()
        .filter(|p| is_published(p))
        .map(|p| p["name"].as_str().expect("a package has a name").to_owned())
        .collect();
    let published = published(&packages);
    assert_eq!(publishable, published.iter().cloned().collect());
    // Every shard crate is one of `generated/shards/`.
    for name in published.iter().filter(|n| n.starts_with(SHARD_PREFIX)) {
        let dir = package_dir(package(&packages, name));
        let shard = name.trim_start_matches(SHARD_PREFIX);
        assert_eq!(
            dir,
            workspace_root().join("generated/shards").join(shard),
            "{name}"
        );
    }
    for unpublished in ["segmind-server", "segmind-tests", "segmind-examples"] {
        assert!(
            !is_published(package(&packages, unpublished)),
            "{unpublished}"
        );
    }
}

#[test]
fn every_published_crate_has_the_metadata_crates_io_and_docs_rs_read() {
    let packages = packages();
    for name in &published(&packages) {
        let name = name.as_str();
        let p = package(&packages, name);
        let text = |key: &str| p[key].as_str().unwrap_or_default().to_owned();
        assert!(text("description").len() > 20, "{name}: description");
        assert_eq!(text("license"), "MIT OR Apache-2.0", "{name}: license");
        assert_eq!(text("repository"), REPOSITORY, "{name}: repository");
        assert_eq!(
            text("documentation"),
            format!("https://docs.rs/{name}"),
            "{name}: documentation"
        );
        // crates.io: at most five keywords of at most 20 characters, ASCII
        // letters, digits, `-`, `_` and `+`, starting with a letter or digit.
        let keywords = p["keywords"].as_array().expect("keywords");
        assert!(
            (1..=5).contains(&keywords.len()),
            "{name}: keywords {keywords:?}"
        );
        for keyword in keywords {
            let keyword = keyword.as_str().expect("a keyword is a string");
            assert!(
                keyword.len() <= 20
                    && keyword.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && keyword
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_+".contains(c)),
                "{name}: keyword {keyword:?}"
            );
        }
        let categories = p["categories"].as_array().expect("categories");
        assert!((1..=5).contains(&categories.len()), "{name}: categories");
        // Its own README, starting with the crate's name.
        let readme = package_dir(p).join(text("readme"));
        let readme_text = std::fs::read_to_string(&readme)
            .unwrap_or_else(|e| panic!("{name}: README {}: {e}", readme.display()));
        assert!(
            readme_text.contains(&format!("# {name}\n")),
            "{name}: {} does not start with `# {name}`",
            readme.display()
        );
        // docs.rs: every feature, and the `docsrs` cfg.
        let docs_rs = &p["metadata"]["docs"]["rs"];
        assert_eq!(
            docs_rs["all-features"], true,
            "{name}: docs.rs all-features"
        );
        assert_eq!(
            docs_rs["rustdoc-args"],
            serde_json::json!(["--cfg", "docsrs"]),
            "{name}: docs.rs rustdoc-args"
        );
    }
}

#[test]
fn every_published_crate_ships_the_workspace_licence_files() {
    let root = workspace_root();
    let packages = packages();
    for name in &published(&packages) {
        let name = name.as_str();
        let dir = package_dir(package(&packages, name));
        for file in LICENCE_FILES {
            let want = std::fs::read(root.join(file)).expect("the workspace's licence file");
            let have = std::fs::read(dir.join(file))
                .unwrap_or_else(|e| panic!("{name}: {}: {e}", dir.join(file).display()));
            assert!(have == want, "{name}: {file} differs from the workspace's");
        }
        // What `cargo package` would put in the `.crate` file.
        let mut command = cargo();
        command.args([
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "-p",
            name,
        ]);
        let listed = stdout_of(command);
        let listed: BTreeSet<&str> = listed.lines().collect();
        for file in LICENCE_FILES.into_iter().chain(["README.md", "Cargo.toml"]) {
            assert!(
                listed.contains(file),
                "{name}: the package lacks {file}: {listed:?}"
            );
        }
    }
}

#[test]
fn every_path_dependency_of_a_published_crate_names_the_version_it_has() {
    let packages = packages();
    for name in &published(&packages) {
        let name = name.as_str();
        let p = package(&packages, name);
        for dep in p["dependencies"].as_array().expect("dependencies") {
            let Some(path) = dep["path"].as_str() else {
                continue;
            };
            let dep_name = dep["name"].as_str().expect("a dependency has a name");
            let req = dep["req"].as_str().expect("a requirement");
            if dep["kind"] == "dev" {
                // `cargo package` drops a dev-dependency without a version;
                // with one, its crate would have to be published too.
                assert_eq!(req, "*", "{name}: dev-dependency {dep_name} ({path})");
                continue;
            }
            let target = package(&packages, dep_name);
            assert!(
                is_published(target),
                "{name} depends on {dep_name}, which is not published"
            );
            let version = target["version"].as_str().expect("a version");
            // A shard is a part of `segmind`: pinned to its exact version.
            let wanted = if dep_name.starts_with(SHARD_PREFIX) {
                format!("={version}")
            } else {
                format!("^{version}")
            };
            assert_eq!(
                req, wanted,
                "{name}: dependency {dep_name} ({path}) names no version, or not {version}"
            );
        }
    }
}
