//! Why a server could not start. Every schema problem names its file.

use std::path::PathBuf;

/// A start-up failure of the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The schema folder could not be listed.
    #[error("cannot read the schema folder {}: {source}", dir.display())]
    SchemaDir {
        /// The folder.
        dir: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The schema folder holds no `*.json` model file.
    #[error("no model files (*.json) in the schema folder {}", dir.display())]
    NoModels {
        /// The folder.
        dir: PathBuf,
    },
    /// A model file could not be read.
    #[error("cannot read {}: {source}", file.display())]
    SchemaRead {
        /// The model file.
        file: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// A model file is not JSON.
    #[error("{} is not valid JSON: {source}", file.display())]
    SchemaJson {
        /// The model file.
        file: PathBuf,
        /// Where the parser stopped.
        source: serde_json::Error,
    },
    /// A model file lacks a `slug` or an `input`, or its `input` is not a JSON
    /// Schema the validator can compile.
    #[error("{}: {message}", file.display())]
    SchemaInvalid {
        /// The model file.
        file: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Two model files declare the same slug.
    #[error("{} and {} both declare the slug `{slug}`", first.display(), second.display())]
    DuplicateSlug {
        /// The slug.
        slug: String,
        /// The file loaded first.
        first: PathBuf,
        /// The file that repeats it.
        second: PathBuf,
    },
    /// Two model files make the same request path (`path`, else `/{slug}`).
    #[error("{} and {} are both served at /v1{path}", first.display(), second.display())]
    DuplicatePath {
        /// The request path after the API version.
        path: String,
        /// The file loaded first.
        first: PathBuf,
        /// The file that repeats it.
        second: PathBuf,
    },
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// What the operating system said.
        source: std::io::Error,
    },
}
