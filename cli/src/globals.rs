//! The global options (key, URLs, media mode, quiet, JSON) read once from the
//! command line and environment, and the Segmind client they configure.

use std::io::IsTerminal;
use std::time::Duration;

use clap::ArgMatches;
use segmind_runtime::{Client, MediaUpload, API_KEY_ENV};

use crate::command::{API_KEY, BASE_URL, INLINE_MEDIA, JSON, NO_SYNC, QUIET, UPLOAD_URL};
use crate::failure::Failure;
use crate::progress::Progress;

/// The global options. No `Debug`: it holds the API key.
pub struct Globals {
    api_key: Option<String>,
    /// `--base-url` or `SEGMIND_BASE_URL`.
    pub base_url: Option<String>,
    /// `--upload-url` or `SEGMIND_UPLOAD_URL`.
    pub upload_url: Option<String>,
    /// `--inline-media`.
    pub inline_media: bool,
    /// `--no-sync`: outputs are renamed into place without a sync first.
    pub no_sync: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// `--json`.
    pub json: bool,
}

impl Globals {
    /// Reads the global options from the matches of the subcommand that runs
    /// (clap hands global options down to it).
    pub fn from_matches(matches: &ArgMatches) -> Self {
        // A URL given but blank (an empty variable in a script) is kept as
        // given, so building the client refuses it instead of falling back
        // to production; any other blank value counts as unset.
        let url = |id: &str| {
            matches
                .try_get_one::<String>(id)
                .ok()
                .flatten()
                .map(|value| value.trim().to_owned())
        };
        let text = |id: &str| url(id).filter(|value| !value.is_empty());
        let flag = |id: &str| flag(matches, id);
        Globals {
            api_key: text(API_KEY),
            base_url: url(BASE_URL),
            upload_url: url(UPLOAD_URL),
            inline_media: flag(INLINE_MEDIA),
            no_sync: flag(NO_SYNC),
            quiet: flag(QUIET),
            json: flag(JSON),
        }
    }

    /// Progress display: shown only on a terminal, never with `--quiet` or
    /// `--json`; notes are shown unless `--quiet` or `--json`.
    pub fn progress(&self) -> Progress {
        let notes = !self.quiet && !self.json;
        // Bars are drawn on stderr, and only when both streams are terminals:
        // output piped or redirected means a script is reading.
        let interactive = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        Progress::new(notes && interactive, notes)
    }

    /// A client for these options; `request_timeout` bounds each HTTP
    /// exchange when given.
    pub fn client(&self, request_timeout: Option<Duration>) -> Result<Client, Failure> {
        let key = self.api_key.as_deref().ok_or_else(|| {
            Failure::usage(format!("no API key: pass --api-key or set {API_KEY_ENV} (or use --dry-run to send nothing)"))
        })?;
        self.builder(key, request_timeout)
            .build()
            .map_err(Failure::from_runtime)
    }

    /// A client for the dry run: the real key when there is one (it is never
    /// printed), else a placeholder, since nothing is sent.
    pub fn dry_run_client(&self) -> Result<Client, Failure> {
        let key = self.api_key.as_deref().unwrap_or("dry-run");
        self.builder(key, None)
            .build()
            .map_err(Failure::from_runtime)
    }

    fn builder(
        &self,
        key: &str,
        request_timeout: Option<Duration>,
    ) -> segmind_runtime::ClientBuilder {
        let mut builder = Client::builder().api_key(key);
        // A blank URL reaches the builder, which refuses it: set but empty
        // never silently means production.
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url.clone());
        }
        if let Some(url) = &self.upload_url {
            builder = builder.upload_url(url.clone());
        }
        if self.inline_media {
            builder = builder.media_upload(MediaUpload::Inline);
        }
        if let Some(timeout) = request_timeout {
            builder = builder.request_timeout(timeout);
        }
        builder
    }
}

/// Whether the boolean flag `id` was given (false when it is not an option
/// of this command at all).
pub fn flag(matches: &ArgMatches, id: &str) -> bool {
    matches
        .try_get_one::<bool>(id)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}
