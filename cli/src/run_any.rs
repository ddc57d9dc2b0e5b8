//! `segmind run SLUG [--json-input FILE|-] [--set KEY=VALUE]... [--file
//! KEY=PATH]...`: any slug, with or without a schema. A slug compiled in goes
//! through its model's typed reading and validation, then runs as its own
//! subcommand would; any other slug is sent as it is and its output saved as
//! what the reply says it is. A string is never a local path here: a local
//! file is named with `--file`.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, ValueHint};
use segmind_runtime::{
    AnyOutput, ChatFormat, ChatOutput, Client, JsonInput, ModelInput, WaitOptions,
};
use serde_json::{Map, Value};

use crate::command::{ASYNC, DRY_RUN, JSON_INPUT};
use crate::failure::Failure;
use crate::globals::{flag, Globals};
use crate::output::Saved;
use crate::progress::Progress;
use crate::save::{save, save_json, Delivered};
use crate::signal::{until_interrupted, BilledId};
use crate::wait::{default_stem, out_path, wait_options, within, Destination};

/// The subcommand.
pub const RUN_COMMAND: &str = "run";
/// The slug argument.
const SLUG: &str = "slug";
/// `--set KEY=VALUE`.
const SET: &str = "set";
/// `--file KEY=PATH`.
const FILE: &str = "file";

/// `segmind run`.
pub fn run_command() -> Command {
    Command::new(RUN_COMMAND)
        .about("Run any model by its slug, typed or not, with a JSON input")
        .long_about(
            "Run any Segmind model by its slug. A model this tool knows (see `segmind models`) \
             is read and validated as its own subcommand reads it; any other slug is sent as \
             given, and its output is saved as what the reply says it is (video, image, audio \
             or JSON).\n\n\
             The input is the --json-input object, with each --set KEY=VALUE replacing a \
             top-level key (VALUE is read as JSON when it is valid JSON, else as a string) and \
             each --file KEY=PATH naming a local file that is uploaded first (or inlined with \
             --inline-media) and sent as its URL. A string is never read as a local path: only \
             --file names files.",
        )
        .after_help(
            "Example:\n  segmind run some-new-model --set prompt='a red fox' --set steps=4 \
             --file image=fox.png --out fox.png",
        )
        .arg(
            Arg::new(SLUG)
                .required(true)
                .value_name("SLUG")
                .help("The model's slug, as in https://api.segmind.com/v1/<SLUG>"),
        )
        .arg(
            Arg::new(JSON_INPUT)
                .long(JSON_INPUT)
                .value_name("FILE|-")
                .value_hint(ValueHint::FilePath)
                .help("The request body as a JSON object, from a file or stdin (-)"),
        )
        .arg(
            Arg::new(SET)
                .long(SET)
                .value_name("KEY=VALUE")
                .action(ArgAction::Append)
                .value_parser(key_value)
                .help("Set a top-level key (VALUE as JSON when it parses, else a string)"),
        )
        .arg(
            Arg::new(FILE)
                .long(FILE)
                .value_name("KEY=PATH")
                .action(ArgAction::Append)
                .value_parser(key_value)
                .value_hint(ValueHint::FilePath)
                .help("Send a local file for a top-level key: uploaded first, its URL sent"),
        )
        .next_help_heading("Run options")
        .args(crate::command::run_args())
        .args(crate::command::wait_args())
}

/// `KEY=VALUE`, split at the first `=`; the key must not be empty.
fn key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {text:?}")),
    }
}

/// The pairs given to a `KEY=VALUE` option.
fn pairs(matches: &ArgMatches, id: &str) -> Vec<(String, String)> {
    matches
        .try_get_many::<(String, String)>(id)
        .ok()
        .flatten()
        .map(|pairs| pairs.cloned().collect())
        .unwrap_or_default()
}

/// The input: the body from `--json-input` and `--set`, the files from
/// `--file`; typed when the slug is compiled in.
fn build(slug: &str, matches: &ArgMatches) -> Result<Box<dyn ModelInput>, Failure> {
    let mut body: Map<String, Value> = crate::input::json_input(matches)?.unwrap_or_default();
    for (key, value) in pairs(matches, SET) {
        let value = serde_json::from_str(&value).unwrap_or(Value::String(value));
        body.insert(key, value);
    }
    let files: Vec<(String, PathBuf)> = pairs(matches, FILE)
        .into_iter()
        .map(|(key, path)| (key, PathBuf::from(path)))
        .collect();
    let input: Box<dyn ModelInput> = match segmind::models::find(slug) {
        Some(model) => {
            // Typed: each --file's path goes in its key, and only those exact
            // strings are read as files.
            let mut names = Vec::new();
            for (key, path) in &files {
                let text = path.display().to_string();
                body.insert(key.clone(), Value::String(text.clone()));
                names.push(text);
            }
            let read = || segmind::models::input_from_json(model.slug, Value::Object(body));
            segmind_runtime::__private::with_named_files(names, read)
                .map_err(crate::input::parse_failure)?
        }
        None => {
            let mut input = JsonInput::new(slug, Value::Object(body))
                .map_err(|error| Failure::usage(error.to_string()))?;
            for (key, path) in files {
                input = input.file(key, path);
            }
            Box::new(input)
        }
    };
    // No flags name the fields here: each problem names its wire field.
    input
        .validate()
        .map_err(|report| crate::input::invalid_input(&report, &[]))?;
    Ok(input)
}

/// Runs `segmind run`.
pub async fn run_any(matches: &ArgMatches, globals: &Globals) -> Result<(), Failure> {
    let slug = matches
        .try_get_one::<String>(SLUG)
        .ok()
        .flatten()
        .ok_or_else(|| Failure::usage("give a slug"))?
        .clone();
    segmind_runtime::check_slug(&slug).map_err(|e| Failure::usage(e.to_string()))?;
    let input = build(&slug, matches)?;
    let model = segmind::models::find(&slug);
    let use_v2 = flag(matches, ASYNC);
    if flag(matches, DRY_RUN) {
        let out = matches
            .try_get_one::<PathBuf>(crate::command::OUT)
            .ok()
            .flatten();
        return crate::dry_run::print(
            &slug,
            model.map(|m| m.output),
            input.as_ref(),
            &[],
            globals,
            use_v2,
            out.map(PathBuf::as_path),
        );
    }
    if let Some(model) = model {
        // A model compiled in runs exactly as its own subcommand does.
        return crate::run::run_input(model, input.as_ref(), matches, globals).await;
    }
    let out = out_path(matches);
    let options = wait_options(matches);
    let progress = globals.progress();
    let destination = Destination::prepare(out.as_deref(), default_stem(&slug), None, globals)?;
    let client = globals.client((!use_v2).then_some(options.deadline))?;
    if use_v2 {
        let saving = (out.as_deref(), destination);
        return crate::run::run_v2(
            &client,
            None,
            input.as_ref(),
            options,
            saving,
            globals,
            &progress,
        )
        .await;
    }
    run_v1(
        &client,
        &slug,
        input.as_ref(),
        options,
        destination,
        globals,
        &progress,
    )
    .await
}

/// v1 of a slug without a schema: one POST, the reply's kind read from the
/// reply, saved (media) or printed (JSON), all within `--timeout`.
async fn run_v1(
    client: &Client,
    slug: &str,
    input: &dyn ModelInput,
    options: WaitOptions,
    destination: Destination,
    globals: &Globals,
    progress: &Progress,
) -> Result<(), Failure> {
    let billed = BilledId::new();
    let work = async {
        let spinner = progress.spinner(format!("{slug}: waiting for the output"));
        let output: AnyOutput = client.run(input).await.map_err(Failure::from_runtime)?;
        // Billed: from here on every failure names the request.
        billed.set(output.meta().request_id.as_deref());
        drop(spinner);
        let meta = output.meta().clone();
        let delivered: Delivered = match output {
            // A reply in one of the chat formats prints its text, as a chat
            // model's subcommand and `wait` do (the whole reply with --json).
            AnyOutput::Json(answer) if ChatFormat::detect(answer.value()).is_some() => {
                let reply = ChatOutput::from_value(answer.into_value());
                crate::chat::save_chat(reply, destination).await?
            }
            AnyOutput::Json(answer) => save_json(answer.into_value(), destination).await?,
            AnyOutput::Video(media) => save(media, destination, progress).await?,
            AnyOutput::Image(media) => save(media, destination, progress).await?,
            AnyOutput::Audio(media) => save(media, destination, progress).await?,
            AnyOutput::Media(media) => save(media, destination, progress).await?,
            other => {
                return Err(Failure::other(format!(
                    "an output of a kind this tool cannot save: {other:?}"
                )))
            }
        };
        Ok(Saved {
            model: Some(slug.to_owned()),
            request_id: meta.request_id,
            remaining_credits: meta.remaining_credits,
            cost: meta.cost,
            generation_time: meta.generation_time,
            output_url: None,
            delivered,
        })
    };
    let saved = until_interrupted(within(options.deadline, work), &billed).await?;
    saved.print(globals.json, globals.quiet);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_split_at_the_first_equals_sign() {
        assert_eq!(
            key_value("prompt=a=b"),
            Ok(("prompt".to_owned(), "a=b".to_owned()))
        );
        assert_eq!(key_value("k="), Ok(("k".to_owned(), String::new())));
        assert!(key_value("=v").is_err());
        assert!(key_value("novalue").is_err());
    }

    #[test]
    fn the_command_is_well_formed() {
        run_command().debug_assert();
    }
}
