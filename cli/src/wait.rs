//! Waiting for a v2 job and taking its output: the end of `--async`, and
//! the whole of `segmind wait <request-id>`, which resumes a job by its id
//! (its model, and so its output kind, unknown: a result whose `output` is
//! a URL is downloaded as whatever media it is, any other is JSON).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgMatches;
use segmind_runtime::{
    AnyMediaKind, AudioKind, ChatFormat, ChatOutput, ImageKind, Job, JobResult, JsonOutput,
    MediaOutput, MediaOutputKind, ModelInfo, OutputFile, OutputKind, VideoKind, WaitOptions,
};

use crate::command::{OUT, POLL_INTERVAL, REQUEST_ID, TIMEOUT};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::globals::Globals;
use crate::help_text::latency_text;
use crate::output::Saved;
use crate::progress::Progress;
use crate::save::{save, save_json, usual_extension, Delivered};
use crate::signal::{until_interrupted, BilledId};

/// `segmind wait <request-id> [--out PATH]`.
pub async fn run_wait(matches: &ArgMatches, globals: &Globals) -> Result<(), Failure> {
    let request_id = matches
        .try_get_one::<String>(REQUEST_ID)
        .ok()
        .flatten()
        .map(|id| id.trim())
        .unwrap_or_default();
    if request_id.is_empty() {
        return Err(Failure::usage("the request id is empty"));
    }
    let out = out_path(matches);
    let client = globals.client(None)?;
    // The kind is unknown: a default name is `<request-id>.bin` until the
    // reply's type names it (a JSON answer lets it go and is printed).
    let destination =
        Destination::prepare(out.as_deref(), default_stem(request_id), None, globals)?;
    let job = client.job(request_id);
    wait_and_save(
        &job,
        None,
        wait_options(matches),
        out.as_deref(),
        destination,
        globals,
    )
    .await
    .map_err(|mut failure| {
        if failure.status == Some(404) {
            failure
                .details
                .push("Segmind keeps a job's record for an hour after it was submitted".to_owned());
        }
        failure
    })
}

/// `--out`, when given.
pub fn out_path(matches: &ArgMatches) -> Option<PathBuf> {
    matches.try_get_one::<PathBuf>(OUT).ok().flatten().cloned()
}

/// A default file stem made of `name` (a slug or a request id), with any
/// character a file name should not hold replaced by `_`.
pub fn default_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    match stem.trim_start_matches('.') {
        "" => "output".to_owned(),
        rest => rest.to_owned(),
    }
}

/// Where the output goes: a file reserved now, before anything is sent (so
/// a billed output is never lost to a bad `--out`), or stdout.
pub enum Destination {
    /// `--out PATH`: a checked path with its temporary file already created.
    File {
        /// The reservation.
        file: OutputFile,
        /// The path as given.
        path: PathBuf,
    },
    /// No `--out` for a media output: `<stem>.<usual>` in the current
    /// folder, reserved now; renamed to `<stem>.<ext>` when the reply's
    /// type gives another extension.
    Default {
        /// The reservation.
        file: OutputFile,
        /// The name without extension.
        stem: String,
        /// The extension reserved (`mp4`, `jpg`, `mp3`, `bin`).
        usual: &'static str,
    },
    /// `--out -` (media written to stdout as they arrive), or a JSON answer
    /// without `--out` (printed).
    Stdout,
}

impl Destination {
    /// Checks `out` and reserves it. The rules are [`OutputFile`]'s: a
    /// missing path or a regular file, or a symbolic link to one; never a
    /// folder or a device. `-` is stdout, which `--json` needs for itself.
    /// Without `--out`, a media output (`kind`; `None` when unknown) gets
    /// `<stem>.<ext>` and a JSON answer is printed.
    pub fn prepare(
        out: Option<&Path>,
        stem: String,
        kind: Option<OutputKind>,
        globals: &Globals,
    ) -> Result<Destination, Failure> {
        let Some(out) = out else {
            if kind.is_some_and(|kind| !kind.is_media()) {
                return Ok(Destination::Stdout);
            }
            let usual = kind.map_or(AnyMediaKind::DEFAULT_EXTENSION, usual_extension);
            let name = format!("{stem}.{usual}");
            let file = OutputFile::create(&name).map_err(|e| {
                Failure::usage(format!(
                    "cannot reserve the output {name}: {e} (give --out)"
                ))
            })?;
            return Ok(Destination::Default { file, stem, usual });
        };
        if out == Path::new("-") {
            if globals.json {
                return Err(Failure::usage(
                    "--out - writes the output to stdout, which --json needs for its report: give a file",
                ));
            }
            return Ok(Destination::Stdout);
        }
        if let Some(folder) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !folder.is_dir() {
                return Err(Failure::usage(format!(
                    "--out {}: the folder {} does not exist",
                    out.display(),
                    folder.display()
                )));
            }
        }
        OutputFile::create(out)
            .map_err(|e| Failure::usage(format!("--out: {e}")))
            .map(|file| Destination::File {
                file,
                path: out.to_path_buf(),
            })
    }
}

/// Runs `work` for at most `limit` (`--timeout`): past it, the work is
/// dropped (a half-written file goes with it) and the command times out.
pub async fn within<T>(
    limit: Duration,
    work: impl std::future::Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
        Err(Failure::new(
            Exit::TimedOut,
            "gave up: --timeout ran out before the output was saved".to_owned(),
        ))
    })
}

/// `--poll-interval` and `--timeout` as the wait's options.
pub fn wait_options(matches: &ArgMatches) -> WaitOptions {
    let defaults = WaitOptions::default();
    let seconds = |id: &str| matches.try_get_one::<Duration>(id).ok().flatten().copied();
    WaitOptions::new()
        .with_poll_interval(seconds(POLL_INTERVAL).unwrap_or(defaults.poll_interval))
        .with_deadline(seconds(TIMEOUT).unwrap_or(defaults.deadline))
}

/// Polls `job` with a spinner showing its state, takes its output into
/// `destination` and prints the result. `model` is the job's model, when
/// known; `out` is `--out`, for the resume hint.
pub async fn wait_and_save(
    job: &Job,
    model: Option<&'static ModelInfo>,
    options: WaitOptions,
    out: Option<&Path>,
    destination: Destination,
    globals: &Globals,
) -> Result<(), Failure> {
    let progress = globals.progress();
    let billed = BilledId::known(job.request_id());
    let work = within(
        options.deadline,
        wait_then_save(job, model, options, destination, &progress),
    );
    let saved = until_interrupted(work, &billed)
        .await
        .map_err(|failure| failure.with_resume_hint(out))?;
    saved.print(globals.json, globals.quiet);
    Ok(())
}

async fn wait_then_save(
    job: &Job,
    model: Option<&'static ModelInfo>,
    options: WaitOptions,
    destination: Destination,
    progress: &Progress,
) -> Result<Saved, Failure> {
    let label = model.map(|model| model.slug).unwrap_or("job");
    let typically = model
        .and_then(latency_text)
        .map(|t| format!(", typically {t}"))
        .unwrap_or_default();
    let spinner = progress.spinner(format!("{label}: waiting{typically}"));
    let result = job
        .wait_with_progress(options, |status| {
            spinner.set_message(format!("{label}: {}{typically}", status.state))
        })
        .await
        .map_err(Failure::from_runtime)?;
    spinner.set_message(format!("{label}: fetching the output"));
    let kind = match model {
        Some(model) => Some(model.output),
        None if result.output_url().is_some() => None,
        None => Some(ChatFormat::detect(result.json()).map_or(OutputKind::Json, OutputKind::Chat)),
    };
    let delivered = match kind {
        Some(OutputKind::Chat(_)) => {
            let reply = result
                .download::<ChatOutput>()
                .await
                .map_err(Failure::from_runtime)?;
            drop(spinner);
            crate::chat::save_chat(reply, destination).await?
        }
        Some(OutputKind::Json) => {
            let answer = result
                .download::<JsonOutput>()
                .await
                .map_err(Failure::from_runtime)?;
            drop(spinner);
            save_json(answer.into_value(), destination).await?
        }
        Some(OutputKind::Image) => {
            download::<ImageKind>(&result, destination, progress, spinner).await?
        }
        Some(OutputKind::Audio) => {
            download::<AudioKind>(&result, destination, progress, spinner).await?
        }
        Some(OutputKind::Video) => {
            download::<VideoKind>(&result, destination, progress, spinner).await?
        }
        _ => download::<AnyMediaKind>(&result, destination, progress, spinner).await?,
    };
    Ok(Saved {
        model: model.map(|model| model.slug.to_owned()),
        request_id: Some(result.request_id.clone()),
        remaining_credits: result.meta.remaining_credits,
        cost: result.meta.cost,
        generation_time: result.meta.generation_time,
        output_url: result.output_url().map(str::to_owned),
        delivered,
    })
}

/// Downloads a job's media output of kind `K` into `destination`.
async fn download<K: MediaOutputKind>(
    result: &JobResult,
    destination: Destination,
    progress: &Progress,
    spinner: crate::progress::Activity,
) -> Result<Delivered, Failure> {
    let media = result
        .download::<MediaOutput<K>>()
        .await
        .map_err(Failure::from_runtime)?;
    drop(spinner);
    save(media, destination, progress).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_stems_are_plain_file_names() {
        assert_eq!(default_stem("hailuo-2.3-fast"), "hailuo-2.3-fast");
        assert_eq!(default_stem("a/b c"), "a_b_c");
        assert_eq!(default_stem("../x"), "_x");
        assert_eq!(default_stem(".."), "output");
        assert_eq!(default_stem(""), "output");
    }

    #[test]
    fn usual_extensions_by_kind() {
        assert_eq!(usual_extension(OutputKind::Video), "mp4");
        assert_eq!(usual_extension(OutputKind::Image), "jpg");
        assert_eq!(usual_extension(OutputKind::Audio), "mp3");
        assert_eq!(usual_extension(OutputKind::Json), "json");
    }
}
