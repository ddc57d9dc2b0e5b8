//! `segmind <model> ...`: builds and validates the input from the flags, then
//! prints it (`--dry-run`), runs it synchronously (v1, the default) or
//! submits it as a job and waits for it (`--async`, v2), and delivers the
//! output by the model's kind: a video, image or audio file saved (to
//! `--out`, or `<slug>.<ext>` with the extension the reply's type gives),
//! a JSON answer printed (or written to `--out`), or a chat reply's text
//! printed (the whole reply with `--json` or `--out`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ArgMatches;
use segmind_runtime::{
    AudioKind, ChatOutput, Client, ImageKind, JsonOutput, Media, MediaOutput, MediaOutputKind,
    ModelInfo, ModelInput, OutputKind, VideoKind, WaitOptions,
};

use crate::command::{model_flags, ASYNC, DRY_RUN, OUT};
use crate::dry_run;
use crate::exit::Exit;
use crate::failure::Failure;
use crate::field_arg::{long_flag, FieldFlag};
use crate::globals::Globals;
use crate::help_text::latency_text;
use crate::input::build_input;
use crate::output::{self, shell_quote, Saved};
use crate::progress::Activity;
use crate::progress::Progress;
use crate::save::{save, save_json, Delivered};
use crate::signal::{until_interrupted, BilledId};
use crate::wait::{default_stem, out_path, wait_and_save, wait_options, within, Destination};

/// Runs the subcommand of `model` with its parsed flags.
pub async fn run_model(
    model: &'static ModelInfo,
    matches: &ArgMatches,
    globals: &Globals,
) -> Result<(), Failure> {
    let flags = model_flags(model);
    let input = build_input(model, matches, &flags)?;
    let flag = |id: &str| crate::globals::flag(matches, id);
    if flag(DRY_RUN) {
        let out = matches.try_get_one::<PathBuf>(OUT).ok().flatten();
        return dry_run::print(
            model.slug,
            Some(model.output),
            input.as_ref(),
            &flags,
            globals,
            flag(ASYNC),
            out.map(PathBuf::as_path),
        );
    }
    run_input(model, input.as_ref(), matches, globals).await
}

/// Runs `model` on `input` (validated), with the run options of `matches`:
/// v1 or `--async`, `--out`, `--timeout`, `--poll-interval`.
pub async fn run_input(
    model: &'static ModelInfo,
    input: &dyn ModelInput,
    matches: &ArgMatches,
    globals: &Globals,
) -> Result<(), Failure> {
    let flags = model_flags(model);
    let use_v2 = crate::globals::flag(matches, ASYNC);
    let out = out_path(matches);
    let options = wait_options(matches);
    let progress = globals.progress();
    // Checked and reserved before anything is sent (and billed).
    let destination = Destination::prepare(
        out.as_deref(),
        default_stem(model.slug),
        Some(model.output),
        globals,
    )?;
    // `--timeout` bounds the whole command; for v1 it also bounds each HTTP
    // exchange, so a hung connection is cut even between retries.
    let client = globals.client((!use_v2).then_some(options.deadline))?;
    note_local_files(input, &flags, globals, &progress);
    if use_v2 {
        run_v2(
            &client,
            Some(model),
            input,
            options,
            (out.as_deref(), destination),
            globals,
            &progress,
        )
        .await
    } else {
        run_v1(
            &client,
            model,
            input,
            options,
            (out.as_deref(), destination),
            globals,
            &progress,
        )
        .await
    }
}

/// Says which local files are about to be uploaded or inlined.
fn note_local_files(
    input: &dyn ModelInput,
    flags: &[FieldFlag],
    globals: &Globals,
    progress: &Progress,
) {
    let how = if globals.inline_media {
        "sending inline"
    } else {
        "uploading"
    };
    for (pointer, media) in input.media() {
        if let Media::File(path) = media {
            // `/image_urls/0` is set by --image-urls.
            let field = pointer.trim_start_matches('/');
            let field = field.split('/').next().unwrap_or(field);
            let flag = long_flag(flags, field);
            progress.note(&format!("--{flag}: {how} {}", path.display()));
        }
    }
}

/// v1: one POST that answers the output when it is made; `--timeout` bounds
/// the whole call (uploads, the POST, the answer's headers and the download).
async fn run_v1(
    client: &Client,
    model: &'static ModelInfo,
    input: &dyn ModelInput,
    options: WaitOptions,
    (out, destination): (Option<&Path>, Destination),
    globals: &Globals,
    progress: &Progress,
) -> Result<(), Failure> {
    let _ = out;
    let billed = BilledId::new();
    let work = async {
        let typically = latency_text(model)
            .map(|t| format!(", typically {t}"))
            .unwrap_or_default();
        let what = match model.output {
            OutputKind::Json => "the answer".to_owned(),
            OutputKind::Chat(_) => "the reply".to_owned(),
            kind => format!("the {}", kind.as_str()),
        };
        let spinner = progress.spinner(format!("{}: making {what}{typically}", model.slug));
        let (meta, delivered) = match model.output {
            OutputKind::Json => {
                let answer: JsonOutput = client.run(input).await.map_err(Failure::from_runtime)?;
                // Billed: from here on every failure names the request.
                billed.set(answer.meta().request_id.as_deref());
                drop(spinner);
                let meta = answer.meta().clone();
                (meta, save_json(answer.into_value(), destination).await?)
            }
            OutputKind::Chat(_) => {
                let reply: ChatOutput = client.run(input).await.map_err(Failure::from_runtime)?;
                billed.set(reply.meta().request_id.as_deref());
                drop(spinner);
                let meta = reply.meta().clone();
                (meta, crate::chat::save_chat(reply, destination).await?)
            }
            OutputKind::Image => {
                run_media::<ImageKind>(client, input, &billed, spinner, destination, progress)
                    .await?
            }
            OutputKind::Audio => {
                run_media::<AudioKind>(client, input, &billed, spinner, destination, progress)
                    .await?
            }
            _ => {
                run_media::<VideoKind>(client, input, &billed, spinner, destination, progress)
                    .await?
            }
        };
        Ok(Saved {
            model: Some(model.slug.to_owned()),
            request_id: meta.request_id,
            remaining_credits: meta.remaining_credits,
            cost: meta.cost,
            generation_time: meta.generation_time,
            output_url: None,
            delivered,
        })
    };
    let saved = until_interrupted(within(options.deadline, work), &billed)
        .await
        .map_err(|mut failure| {
            if failure.exit == Exit::TimedOut {
                failure.details.push("a synchronous call cannot be resumed; with --async you get a request id to wait on".to_owned());
            }
            failure
        })?;
    saved.print(globals.json, globals.quiet);
    Ok(())
}

/// v2: submit a job, say its request id, then wait for it and download,
/// all within `--timeout`. `model` is `None` for a slug without a schema:
/// the output is then saved as what the job's result says it is.
pub(crate) async fn run_v2(
    client: &Client,
    model: Option<&'static ModelInfo>,
    input: &dyn ModelInput,
    options: WaitOptions,
    (out, destination): (Option<&Path>, Destination),
    globals: &Globals,
    progress: &Progress,
) -> Result<(), Failure> {
    let started = Instant::now();
    let submitting = async {
        let _spinner = progress.spinner(format!("{}: submitting", input.slug()));
        client.submit(input).await.map_err(Failure::from_runtime)
    };
    let job = until_interrupted(within(options.deadline, submitting), &BilledId::new()).await?;
    if !globals.json {
        let id = job.request_id();
        let out = out
            .map(|out| format!(" --out {}", shell_quote(&out.display().to_string())))
            .unwrap_or_default();
        output::stderr(&format!(
            "request id: {id} (resume with: segmind wait {}{out})\n",
            shell_quote(id)
        ));
    }
    let left = options.with_deadline(options.deadline.saturating_sub(started.elapsed()));
    wait_and_save(&job, model, left, out, destination, globals).await
}

/// v1 of a media model: runs it for a `K` output and saves that.
async fn run_media<K: MediaOutputKind>(
    client: &Client,
    input: &dyn ModelInput,
    billed: &BilledId,
    spinner: Activity,
    destination: Destination,
    progress: &Progress,
) -> Result<(segmind_runtime::ResponseMeta, Delivered), Failure> {
    let media: MediaOutput<K> = client.run(input).await.map_err(Failure::from_runtime)?;
    // Billed: from here on every failure names the request.
    billed.set(media.meta().request_id.as_deref());
    drop(spinner);
    let meta = media.meta().clone();
    Ok((meta, save(media, destination, progress).await?))
}
