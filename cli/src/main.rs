//! `segmind`: run any Segmind model from the terminal and save its video,
//! image or audio, or print its JSON answer.
//!
//! The command line is built at run time from the model registry
//! (`segmind::models::ALL`, generated from `schema/`): each model is a
//! subcommand whose flags are its fields, so a new schema file is a new
//! subcommand with no edit here. See [`exit::Exit`] for the exit codes.

mod batch;
mod chat;
mod command;
mod dry_run;
mod exit;
mod failure;
mod field_arg;
mod globals;
mod help_text;
mod input;
mod models_list;
mod output;
mod progress;
mod run;
mod run_any;
mod save;
mod signal;
mod trace;
mod wait;

use std::process::ExitCode;

use clap::ArgMatches;
use segmind_runtime::ModelInfo;

use crate::command::{find_model, COMPLETIONS_COMMAND, MODELS_COMMAND, SHELL, WAIT_COMMAND};
use crate::failure::Failure;
use crate::globals::Globals;

fn main() -> ExitCode {
    let models = segmind::models::ALL;
    let matches = match command::build(models).try_get_matches() {
        Ok(matches) => matches,
        // Help and version end here too, with code 0; usage errors with 2.
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(
                u8::try_from(error.exit_code()).unwrap_or(exit::Exit::Usage.code()),
            );
        }
    };
    let Some((name, sub)) = matches.subcommand() else {
        return fail(
            Failure::usage("no subcommand given; see `segmind --help`"),
            false,
        );
    };
    let globals = Globals::from_matches(sub);
    trace::init(sub, globals.json);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return fail(
                Failure::other(format!("cannot start the async runtime: {error}")),
                globals.json,
            )
        }
    };
    match runtime.block_on(dispatch(models, name, sub, &globals)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => fail(failure, globals.json),
    }
}

/// Runs the subcommand `name`.
async fn dispatch(
    models: &'static [&'static ModelInfo],
    name: &str,
    matches: &ArgMatches,
    globals: &Globals,
) -> Result<(), Failure> {
    match name {
        MODELS_COMMAND => {
            models_list::print(models, globals.json);
            Ok(())
        }
        WAIT_COMMAND => wait::run_wait(matches, globals).await,
        batch::BATCH_COMMAND => batch::run_batch(models, matches, globals).await,
        run_any::RUN_COMMAND => run_any::run_any(matches, globals).await,
        COMPLETIONS_COMMAND => {
            let shell = matches
                .try_get_one::<clap_complete::Shell>(SHELL)
                .ok()
                .flatten()
                .copied()
                .ok_or_else(|| {
                    Failure::usage("give a shell: bash, elvish, fish, powershell or zsh")
                })?;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command::build(models), "segmind", &mut script);
            output::stdout(&String::from_utf8_lossy(&script));
            Ok(())
        }
        _ => match find_model(models, name) {
            Some(model) => run::run_model(model, matches, globals).await,
            None => Err(Failure::usage(format!("unknown subcommand `{name}`"))),
        },
    }
}

/// Reports `failure` and gives its exit code.
fn fail(failure: Failure, json: bool) -> ExitCode {
    failure.print(json);
    ExitCode::from(failure.exit.code())
}
