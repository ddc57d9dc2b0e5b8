//! `cargo xtask diff` itself: which revision to compare with, the report,
//! the CHANGELOG.md entry and the version check.

use std::path::PathBuf;

use super::{
    changelog_entry, compare, last_release_tag, models_at, render, update_changelog, verdict,
    version_at, version_in, DiffError, VersionCheck,
};
use crate::load;

/// What to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The repository (holding `schema/` and `generated/`).
    pub root: PathBuf,
    /// The revision to compare with; default: the last release tag, else
    /// `HEAD`.
    pub base: Option<String>,
    /// Write the entry into `CHANGELOG.md`.
    pub changelog: bool,
    /// Check that `generated/Cargo.toml`'s version is bumped far enough.
    pub check: bool,
}

/// What `run` found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The report, ready to print.
    pub text: String,
    /// `false` when `--check` failed.
    pub passed: bool,
}

/// Compares `schema/` at the base revision with the working tree; writes
/// the changelog entry and checks the version when asked.
pub fn run(options: &Options) -> Result<Outcome, DiffError> {
    let root = &options.root;
    let tag = last_release_tag(root)?;
    let base = options
        .base
        .clone()
        .or_else(|| tag.clone())
        .unwrap_or_else(|| "HEAD".to_owned());
    let old = models_at(root, &base)?;
    let new = load::load_models(&root.join("schema"), "schema").map_err(DiffError::Current)?;
    let changes = compare(&old, &new);
    let mut text = render(&changes, &base);
    let mut passed = true;
    if options.changelog {
        let path = root.join("CHANGELOG.md");
        update_changelog(&path, &changelog_entry(&changes, &base))?;
        text.push_str("\nwrote the Unreleased entry of CHANGELOG.md\n");
    }
    if options.check {
        // The version check is always against the last release, whatever
        // BASE was given.
        text.push('\n');
        match &tag {
            None => text.push_str(&format!(
                "version check: no release tag ({}*) yet, nothing to compare generated/Cargo.toml's version with; passes\n",
                super::TAG_PREFIX
            )),
            Some(tag) => {
                let verdict = if *tag == base {
                    verdict(&changes)
                } else {
                    verdict(&compare(&models_at(root, tag)?, &new))
                };
                let file = root.join("generated/Cargo.toml");
                let current = std::fs::read_to_string(&file).map_err(|source| DiffError::Io {
                    path: file.clone(),
                    source,
                })?;
                let check = VersionCheck {
                    base: version_at(root, tag)?,
                    current: version_in(&current, "generated/Cargo.toml")?,
                    verdict,
                };
                passed = check.passes();
                let word = if passed { "passes" } else { "FAILS" };
                text.push_str(&format!("version check {word}: {}\n", check.words(tag)));
            }
        }
    }
    Ok(Outcome { text, passed })
}
