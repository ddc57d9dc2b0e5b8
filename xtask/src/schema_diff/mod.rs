//! `cargo xtask diff`: what changed in `schema/` between a git revision and
//! the working tree, model by model, in plain words, each change classed as
//! breaking, additive or cosmetic, and the semver bump of the `segmind` crate
//! that the worst of them needs.
//!
//! Both sides are loaded by the real loader (`crate::load`), so the changes
//! are those of the checked models (the IR), not of the JSON text: `1` and
//! `1.0` are one bound, and an `exclusiveMinimum` of 0 on an integer field
//! is the `minimum` 1.
//!
//! A change is judged twice, on the wire and in Rust: a narrowed range keeps
//! every Rust type and still refuses inputs the old schema accepted (a
//! type-level semver check cannot see it), and a required field made
//! optional accepts more on the wire yet turns `T` into `Option<T>`.
//! (`crate::import::diff` compares a model file with a page's draft as raw
//! JSON, since a draft need not load; this module compares loaded models.)

mod command;
mod compare;
mod git;
mod range;
mod report;
mod version;

use std::fmt;

pub use command::{run, Options, Outcome};
pub use compare::compare;
pub use git::{last_release_tag, models_at, version_at, version_in, TAG_PREFIX};
pub use report::{changelog_entry, render, update_changelog};
pub use version::{next_version, Bump, VersionCheck};

/// How much a change matters to a user of the `segmind` crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Docs only: titles, summaries, descriptions, examples, figures.
    Cosmetic,
    /// Something new that no existing caller can notice failing.
    Additive,
    /// A caller written against the old schema may no longer compile, may
    /// have an input refused, or may mean something else now.
    Breaking,
}

impl Class {
    /// The word for it.
    pub fn word(self) -> &'static str {
        match self {
            Class::Cosmetic => "cosmetic",
            Class::Additive => "additive",
            Class::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// One change of one model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The model's slug.
    pub model: String,
    /// The field's path (`size`, `messages[].role`), or `None` for the model.
    pub field: Option<String>,
    /// How much it matters.
    pub class: Class,
    /// Whether an input the old schema accepts may be refused now (by the
    /// generated validators, the server, any JSON Schema validator).
    pub wire: bool,
    /// Whether Rust code written against the old crate may no longer
    /// compile or may mean something else (a type, name, variant or
    /// constructor argument changed).
    pub rust: bool,
    /// What changed, in words.
    pub message: String,
}

impl Change {
    /// Where it breaks, for a breaking change: on the wire only (code
    /// compiles and fails at run time), in Rust only (the server accepts
    /// what it did), both, or neither (same types and JSON, another meaning).
    pub fn impact(&self) -> Option<&'static str> {
        if self.class != Class::Breaking {
            return None;
        }
        Some(match (self.wire, self.rust) {
            (true, false) => {
                "compiles as before, refused at run time: a type-level semver check cannot see this"
            }
            (false, true) => "Rust code breaks; the wire accepts what it did",
            (true, true) => "Rust code breaks, and the wire refuses inputs it accepted",
            (false, false) => "same Rust types and JSON, another meaning",
        })
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(impact) = self.impact() {
            write!(f, " ({impact})")?;
        }
        Ok(())
    }
}

/// The worst class among `changes`, or `None` when nothing changed.
pub fn verdict(changes: &[Change]) -> Option<Class> {
    changes.iter().map(|c| c.class).max()
}

/// Why `cargo xtask diff` could not compare.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A git command failed.
    #[error("git {args}: {message}")]
    Git {
        /// The arguments, as typed.
        args: String,
        /// git's message.
        message: String,
    },
    /// `schema/` at the base revision does not load.
    #[error("schema/ at {rev} does not load with today's loader, so there is nothing to compare with:\n{source}")]
    Base {
        /// The revision.
        rev: String,
        /// The loader's errors, each naming `{rev}:schema/<file>`.
        source: crate::Error,
    },
    /// `schema/` in the working tree does not load.
    #[error("{0}")]
    Current(crate::Error),
    /// A version could not be read.
    #[error("{file}: {message}")]
    Version {
        /// The file (`generated/Cargo.toml`, or `REV:generated/Cargo.toml`).
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", crate::escape::unprintable(&path.display().to_string()))]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
