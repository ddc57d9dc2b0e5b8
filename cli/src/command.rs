//! The clap command, built at run time from the model registry: one
//! subcommand per model (its flags from the model's fields), plus `models`
//! and `wait`, and the global options. Nothing here names a model or field.

use std::time::Duration;

use clap::{value_parser, Arg, ArgAction, Command, ValueHint};
use segmind_runtime::ModelInfo;

use crate::exit;
use crate::field_arg::{field_arg, field_flags, FieldFlag};
use crate::help_text;

/// `--api-key`: the Segmind API key.
pub const API_KEY: &str = "api-key";
/// `--base-url`: another API root (a proxy, the local server).
pub const BASE_URL: &str = "base-url";
/// `--upload-url`: where local media files are uploaded.
pub const UPLOAD_URL: &str = "upload-url";
/// `--inline-media`: send local files as data URLs instead of uploading.
pub const INLINE_MEDIA: &str = "inline-media";
/// `--no-sync`: rename outputs into place without syncing them first.
pub const NO_SYNC: &str = "no-sync";
/// `--quiet`: no progress and no notes.
pub const QUIET: &str = "quiet";
/// `--json`: one JSON object on stdout.
pub const JSON: &str = "json";
/// `-v`/`--verbose`: the runtime's tracing events on stderr.
pub const VERBOSE: &str = "verbose";
/// `--out`: where the output is saved.
pub const OUT: &str = "out";
/// `--async`: go through the v2 job queue.
pub const ASYNC: &str = "async";
/// `--dry-run`: print the request instead of sending it.
pub const DRY_RUN: &str = "dry-run";
/// `--json-input FILE|-`: the whole request body as JSON (flags override
/// its top-level keys).
pub const JSON_INPUT: &str = "json-input";
/// `--poll-interval`: seconds between two status polls.
pub const POLL_INTERVAL: &str = "poll-interval";
/// `--timeout`: seconds to wait for the output.
pub const TIMEOUT: &str = "timeout";
/// The request id argument of `segmind wait`.
pub const REQUEST_ID: &str = "request-id";
/// The subcommand that lists the models.
pub const MODELS_COMMAND: &str = "models";
/// The subcommand that resumes a job.
pub const WAIT_COMMAND: &str = "wait";
/// The subcommand that prints a shell completion script.
pub const COMPLETIONS_COMMAND: &str = "completions";
/// The shell argument of `segmind completions`.
pub const SHELL: &str = "shell";

/// Long flags a model field may not take, since the command uses them.
pub const RESERVED_FLAGS: &[&str] = &[
    API_KEY,
    BASE_URL,
    UPLOAD_URL,
    INLINE_MEDIA,
    NO_SYNC,
    QUIET,
    JSON,
    VERBOSE,
    OUT,
    ASYNC,
    DRY_RUN,
    JSON_INPUT,
    POLL_INTERVAL,
    TIMEOUT,
    "help",
    "version",
];

/// Default of `--poll-interval`, in seconds (Segmind's own pages poll every 2 s).
pub const DEFAULT_POLL_INTERVAL: &str = "2";
/// Default of `--timeout`, in seconds (Segmind's own pages give up after 900 s).
pub const DEFAULT_TIMEOUT: &str = "900";

/// The whole command line: global options, a subcommand per model of
/// `models`, then `models` and `wait`.
pub fn build(models: &'static [&'static ModelInfo]) -> Command {
    let mut root = Command::new("segmind")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Run Segmind's models from the terminal: videos, images, audio, JSON answers and chat replies")
        .long_about(
            "Run Segmind's models from the terminal: a video, image or audio is saved to \
             a file; a JSON answer, or a chat reply's text, is printed (or saved with --out).\n\n\
             Each model is a subcommand whose flags are the model's inputs; \
             `segmind <MODEL> --help` shows them with their defaults, ranges and allowed values.",
        )
        .after_help(exit::help_table())
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand_value_name("MODEL|COMMAND")
        .args(global_args());
    for model in models {
        root = root.subcommand(model_command(model));
    }
    root.subcommand(models_command())
        .subcommand(wait_command())
        .subcommand(crate::batch::batch_command(models))
        .subcommand(crate::run_any::run_command())
        .subcommand(completions_command())
}

/// `segmind completions <SHELL>`.
fn completions_command() -> Command {
    Command::new(COMPLETIONS_COMMAND)
        .about("Print a shell completion script (models, their flags and values included)")
        .long_about(
            "Print a shell completion script on stdout, built from the same command line              as `segmind --help`, so every model, flag and allowed value completes.

             bash: segmind completions bash > ~/.local/share/bash-completion/completions/segmind
             zsh:  segmind completions zsh > \"${fpath[1]}/_segmind\"
             fish: segmind completions fish > ~/.config/fish/completions/segmind.fish",
        )
        .arg(
            Arg::new(SHELL)
                .required(true)
                .value_parser(value_parser!(clap_complete::Shell))
                .help("The shell: bash, elvish, fish, powershell or zsh"),
        )
}

/// The subcommand name of a model: its slug, unless that is a built-in
/// subcommand's name, then `model-<slug>`.
pub fn subcommand_name(model: &ModelInfo) -> String {
    let builtin = [
        MODELS_COMMAND,
        WAIT_COMMAND,
        COMPLETIONS_COMMAND,
        crate::batch::BATCH_COMMAND,
        crate::run_any::RUN_COMMAND,
        "help",
    ];
    if builtin.contains(&model.slug) {
        format!("model-{}", model.slug)
    } else {
        model.slug.to_owned()
    }
}

/// The model a subcommand name stands for.
pub fn find_model(models: &'static [&'static ModelInfo], name: &str) -> Option<&'static ModelInfo> {
    models
        .iter()
        .copied()
        .find(|model| subcommand_name(model) == name)
}

/// The flags of a model's fields, as its subcommand names them (a chat
/// model's subcommand keeps `--prompt` for itself).
pub fn model_flags(model: &'static ModelInfo) -> Vec<FieldFlag> {
    if model.output.chat_format().is_some() {
        let mut reserved = RESERVED_FLAGS.to_vec();
        reserved.push(crate::chat::PROMPT);
        return field_flags(model, &reserved);
    }
    field_flags(model, RESERVED_FLAGS)
}

/// The options every subcommand accepts, under their own heading.
fn global_args() -> Vec<Arg> {
    let args = vec![
        Arg::new(API_KEY)
            .long(API_KEY)
            .value_name("KEY")
            .env("SEGMIND_API_KEY")
            .hide_env_values(true)
            .global(true)
            .help("Segmind API key (never printed)"),
        Arg::new(BASE_URL)
            .long(BASE_URL)
            .value_name("URL")
            .env("SEGMIND_BASE_URL")
            .hide_env_values(true)
            .value_hint(ValueHint::Url)
            .global(true)
            .help("API root [default: https://api.segmind.com]"),
        Arg::new(UPLOAD_URL)
            .long(UPLOAD_URL)
            .value_name("URL")
            .env("SEGMIND_UPLOAD_URL")
            .hide_env_values(true)
            .value_hint(ValueHint::Url)
            .global(true)
            .help("Where local media files are uploaded [default: Segmind's storage, or <base-url>/upload-asset]"),
        Arg::new(INLINE_MEDIA)
            .long(INLINE_MEDIA)
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Send local media files inline as data: URLs instead of uploading them"),
        Arg::new(NO_SYNC)
            .long(NO_SYNC)
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Save outputs without syncing them to disk before the rename: faster for large files; after a crash the file may be empty or partial (without it, it is the old file or the whole output)"),
        Arg::new(QUIET)
            .long(QUIET)
            .short('q')
            .action(ArgAction::SetTrue)
            .global(true)
            .help("No progress and no notes on stderr (errors still print)"),
        Arg::new(JSON)
            .long(JSON)
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Print the result (or the error) as one JSON object on stdout, without progress"),
        Arg::new(VERBOSE)
            .long(VERBOSE)
            .short('v')
            .action(ArgAction::Count)
            .global(true)
            .help("Trace calls on stderr: -v calls, retries, uploads and saves; -vv every request; -vvv the HTTP stack too. RUST_LOG (a tracing filter) overrides the level"),
    ];
    args.into_iter()
        .map(|arg| arg.help_heading("Global options"))
        .collect()
}

/// `--poll-interval` and `--timeout`, shared by model subcommands and `wait`.
pub(crate) fn wait_args() -> [Arg; 2] {
    [
        Arg::new(POLL_INTERVAL)
            .long(POLL_INTERVAL)
            .value_name("SECS")
            .default_value(DEFAULT_POLL_INTERVAL)
            .value_parser(poll_seconds)
            .help("Seconds between two status polls of a job (--async and wait)"),
        Arg::new(TIMEOUT)
            .long(TIMEOUT)
            .value_name("SECS")
            .default_value(DEFAULT_TIMEOUT)
            .value_parser(seconds)
            .help("Seconds to wait for the output (video, image, audio, JSON or a chat reply) before giving up"),
    ]
}

/// `--out`: optional; without it a media output is saved as
/// `<model>.<ext>` (`<request-id>.<ext>` for `wait`) and a JSON answer is
/// printed.
fn out_arg() -> Arg {
    Arg::new(OUT)
        .long(OUT)
        .short('o')
        .value_name("PATH")
        .value_hint(ValueHint::FilePath)
        .value_parser(value_parser!(std::path::PathBuf))
        .help("Where to save the output, checked before anything is sent: a new or regular file (replaced once the output is whole), a symlink to one, or - for stdout [default: <model>.<ext> in this folder, the extension from the reply's type; a JSON answer is printed]")
}

/// The subcommand of one model.
fn model_command(model: &'static ModelInfo) -> Command {
    let name = subcommand_name(model);
    let flags = model_flags(model);
    let example = help_text::model_example(
        &name,
        flags.iter().map(|flag| (flag.field, flag.long.as_str())),
    );
    let mut command = Command::new(name)
        .about(help_text::model_about(model))
        .long_about(help_text::model_long_about(model))
        .after_help(example)
        .next_help_heading("Model inputs");
    let chat = model.output.chat_format();
    for flag in &flags {
        let arg = field_arg(flag);
        // `--prompt` gives `messages`, like --json-input gives the body.
        let required = flag.field.required && flag.field.default.is_none();
        command = command.arg(match chat {
            Some(_) if required => arg.required_unless_present(crate::chat::PROMPT),
            _ => arg,
        });
    }
    if let Some(format) = chat {
        command = command.arg(crate::chat::prompt_arg(format));
    }
    command
        .arg(
            Arg::new(JSON_INPUT)
                .long(JSON_INPUT)
                .value_name("FILE|-")
                .value_hint(ValueHint::FilePath)
                .help("The request body as a JSON object, from a file or stdin (-); flags given too replace its keys")
                .long_help(
                    "The whole request body as one JSON object, read from FILE or from stdin (-), \
                     for nested objects and lists of objects. Field flags given as well replace the \
                     key of their field (a list flag replaces the whole list). Required flags are \
                     then optional: the body must hold them.",
                ),
        )
        .next_help_heading("Run options")
        .args(run_args())
        .args(wait_args())
}

/// `--out`, `--async` and `--dry-run`, shared by the model subcommands and
/// `segmind run`.
pub(crate) fn run_args() -> [Arg; 3] {
    [
        out_arg(),
        Arg::new(ASYNC)
            .long(ASYNC)
            .action(ArgAction::SetTrue)
            .help("Submit a job (v2), print its request id, poll until it is done, then download"),
        Arg::new(DRY_RUN)
            .long(DRY_RUN)
            .action(ArgAction::SetTrue)
            .help("Validate and print the JSON body and a curl command (key masked); send nothing"),
    ]
}

/// `segmind models`.
fn models_command() -> Command {
    Command::new(MODELS_COMMAND).about("List the models with their typical latency and price")
}

/// `segmind wait`.
fn wait_command() -> Command {
    Command::new(WAIT_COMMAND)
        .about(
            "Resume a job submitted with --async: wait until it is done, then save its video, \
             image or audio, or print its JSON answer or chat reply",
        )
        .arg(
            Arg::new(REQUEST_ID)
                .value_name("REQUEST_ID")
                .required(true)
                .help("The request id printed when the job was submitted"),
        )
        .arg(out_arg())
        .args(wait_args())
}

/// A positive, finite number of seconds.
/// The shortest `--poll-interval`: at most 20 polls a second.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(50);

/// `--poll-interval`: seconds, at least [`MIN_POLL_INTERVAL`].
fn poll_seconds(text: &str) -> Result<Duration, String> {
    let value = seconds(text)?;
    if value < MIN_POLL_INTERVAL {
        return Err(format!(
            "`{text}` is too short: poll at most every {} s",
            MIN_POLL_INTERVAL.as_secs_f64()
        ));
    }
    Ok(value)
}

fn seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if value.is_nan() || value <= 0.0 {
        return Err(format!("`{text}` is not a positive number of seconds"));
    }
    Duration::try_from_secs_f64(value).map_err(|_| format!("`{text}` seconds is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_is_well_formed_for_every_model() {
        build(segmind::models::ALL).debug_assert();
    }

    #[test]
    fn every_model_has_a_subcommand() {
        let command = build(segmind::models::ALL);
        for model in segmind::models::ALL {
            let name = subcommand_name(model);
            assert!(command.find_subcommand(&name).is_some(), "{name}");
            assert_eq!(
                find_model(segmind::models::ALL, &name).map(|m| m.slug),
                Some(model.slug)
            );
        }
    }

    #[test]
    fn seconds_must_be_positive_and_finite() {
        assert_eq!(seconds("2"), Ok(Duration::from_secs(2)));
        assert_eq!(seconds("0.05"), Ok(Duration::from_millis(50)));
        for bad in ["0", "-1", "NaN", "inf", "soon", "1e300"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(poll_seconds("0.05"), Ok(MIN_POLL_INTERVAL));
        for too_fast in ["1e-9", "0.049", "0.001"] {
            let err = poll_seconds(too_fast).unwrap_err();
            assert!(err.contains("too short"), "{err}");
        }
    }
}
