//! Reading the repository at a git revision: the release tags, the model
//! files of `schema/` (loaded by the real loader from a scratch folder, so
//! every message names `REV:schema/<file>`, as `git show` takes it) and the
//! version in `generated/Cargo.toml`. Only local git commands; no network.

use std::path::Path;
use std::process::Command;

use semver::Version;

use super::DiffError;
use crate::ir::Model;
use crate::load;

/// Release tags of the `segmind` crate are `segmind-v<version>`
/// (`segmind-v0.2.0`), one tag per crate as the workspace publishes several.
pub const TAG_PREFIX: &str = "segmind-v";

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, DiffError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| DiffError::Git {
            args: args.join(" "),
            message: format!("cannot run git: {e}"),
        })?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(DiffError::Git {
            args: args.join(" "),
            message: crate::escape::unprintable(String::from_utf8_lossy(&output.stderr).trim()),
        })
    }
}

fn git_text(root: &Path, args: &[&str]) -> Result<String, DiffError> {
    git(root, args).map(|out| String::from_utf8_lossy(&out).into_owned())
}

/// The release tag (`segmind-v<version>`, reachable from `HEAD`) with the
/// highest version, or `None` when there is none yet.
pub fn last_release_tag(root: &Path) -> Result<Option<String>, DiffError> {
    let pattern = format!("{TAG_PREFIX}*");
    let tags = git_text(root, &["tag", "--list", &pattern, "--merged", "HEAD"])?;
    Ok(tags
        .lines()
        .filter_map(|t| {
            let version = Version::parse(t.strip_prefix(TAG_PREFIX)?).ok()?;
            Some((version, t.to_owned()))
        })
        .max()
        .map(|(_, tag)| tag))
}

/// The models of `schema/` at revision `rev`, checked against the
/// meta-schema of that revision by today's loader.
pub fn models_at(root: &Path, rev: &str) -> Result<Vec<Model>, DiffError> {
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| DiffError::Git {
        args: format!("rev-parse {rev}"),
        message: format!(
            "{} is no commit of this repository",
            crate::escape::quote(rev)
        ),
    })?;
    let listing = git(root, &["ls-tree", "-z", "--name-only", rev, "schema/"])?;
    let scratch = tempfile::tempdir().map_err(|source| DiffError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let dir = scratch.path().join("schema");
    let write = |path: &Path, bytes: &[u8]| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| DiffError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(path, bytes).map_err(|source| DiffError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut names = vec![format!("schema/{}", load::META_SCHEMA)];
    names.extend(
        listing
            .split(|&b| b == 0)
            .filter_map(|name| std::str::from_utf8(name).ok())
            .filter(|name| name.ends_with(".json"))
            .map(str::to_owned),
    );
    for name in &names {
        let bytes = git(root, &["show", &format!("{rev}:{name}")])?;
        let relative = name.strip_prefix("schema/").unwrap_or(name);
        write(&dir.join(relative), &bytes)?;
    }
    load::load_models(&dir, &format!("{rev}:schema")).map_err(|source| DiffError::Base {
        rev: rev.to_owned(),
        source,
    })
}

/// The `version = "..."` of the `[package]` table of a Cargo.toml's text;
/// `file` names it in the error.
pub fn version_in(text: &str, file: &str) -> Result<Version, DiffError> {
    let err = |message: String| DiffError::Version {
        file: file.to_owned(),
        message,
    };
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        let Some(rest) = line.strip_prefix("version") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        if !in_package {
            continue;
        }
        let value = value.trim();
        let Some(quoted) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
            return Err(err(format!(
                "[package] version is {}, not a quoted version",
                crate::escape::quote(value)
            )));
        };
        return Version::parse(quoted).map_err(|e| {
            err(format!(
                "[package] version {} is no semver version: {e}",
                crate::escape::quote(quoted)
            ))
        });
    }
    Err(err("no version = \"...\" line in [package]".to_owned()))
}

/// The version in `generated/Cargo.toml` at revision `rev`.
pub fn version_at(root: &Path, rev: &str) -> Result<Version, DiffError> {
    let file = format!("{rev}:generated/Cargo.toml");
    let text = git_text(root, &["show", &file])?;
    version_in(&text, &file)
}
