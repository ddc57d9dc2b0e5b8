//! Errors of the generator: a problem in a schema file names the file and the
//! JSON pointer of the offending value; everything else names the path. Every
//! message is one line: text from a file is escaped (`crate::escape`).

use std::fmt;
use std::path::PathBuf;

use crate::escape;

/// One problem in one schema file.
///
/// Whoever makes one escapes the text of the file it quotes (with
/// `crate::escape`); `Display` escapes whatever unprintable character is left
/// too, so the line `<file>: <pointer>: <problem>` is always one line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SchemaError {
    /// The file, as shown to the user (`schema/hallo.json`).
    pub file: String,
    /// JSON pointer of the offending value (empty for the whole document).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{}: {}: {}",
            escape::unprintable(&self.file),
            escape::unprintable(pointer),
            escape::unprintable(&self.message)
        )
    }
}

/// Why codegen stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more schema files are invalid; nothing was written.
    #[error("{}", display_schema_errors(.0))]
    Schema(Vec<SchemaError>),
    /// Reading or writing a file failed.
    #[error("{}: {source}", escape::unprintable(&path.display().to_string()))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Generated tokens did not parse as Rust (a generator bug).
    #[error(
        "generated code for {file} does not parse: {}",
        escape::unprintable(message)
    )]
    Emit {
        /// The generated file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// `--check` found generated files that differ from what the schemas give.
    #[error("{}", display_stale(.0))]
    Stale(Vec<String>),
}

fn display_schema_errors(errors: &[SchemaError]) -> String {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

fn display_stale(files: &[String]) -> String {
    let lines: Vec<String> = files
        .iter()
        .map(|f| {
            format!(
                "{} was not up-to-date, run `cargo xtask codegen`",
                escape::unprintable(f)
            )
        })
        .collect();
    lines.join("\n")
}

/// One JSON pointer segment as a message shows it: `~` and `/` escaped as
/// RFC 6901 says (`~0`, `~1`), then JSON string escapes, so that a key holding
/// a newline or a quote cannot break the line.
pub fn pointer_segment(segment: &str) -> String {
    escape::escape(&segment.replace('~', "~0").replace('/', "~1"))
}

/// A JSON pointer from the JSON Schema validator (already RFC 6901 escaped)
/// as a message shows it.
pub fn pointer(rfc6901: &str) -> String {
    escape::escape(rfc6901)
}
