//! Waiting for a v2 job and downloading its video: the end of `--async`, and
//! the whole of `segmind wait <request-id>`, which resumes a job by its id.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgMatches;
use segmind_runtime::{Job, ModelInfo, OutputFile, WaitOptions};

use crate::command::{OUT, POLL_INTERVAL, REQUEST_ID, TIMEOUT};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::globals::Globals;
use crate::help_text::latency_text;
use crate::output::Saved;
use crate::progress::Progress;
use crate::save::save;
use crate::signal::{until_interrupted, BilledId};

/// `segmind wait <request-id> --out PATH`.
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
    let out = out_path(matches)?;
    let client = globals.client(None)?;
    let destination = Destination::prepare(&out, globals)?;
    let job = client.job(request_id);
    wait_and_save(
        &job,
        None,
        wait_options(matches),
        &out,
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

/// `--out`, which clap requires where this is called.
pub fn out_path(matches: &ArgMatches) -> Result<PathBuf, Failure> {
    matches
        .try_get_one::<PathBuf>(OUT)
        .ok()
        .flatten()
        .cloned()
        .ok_or_else(|| Failure::usage("--out is required"))
}

/// Where the video goes: a file reserved now, before anything is sent (so
/// a billed video is never lost to a bad `--out`), or stdout for `-`.
pub enum Destination {
    /// A checked path with its temporary file already created.
    File(OutputFile),
    /// `--out -`: the video is written to stdout as it arrives.
    Stdout,
}

impl Destination {
    /// Checks `out` and reserves it. The rules are [`OutputFile`]'s: a
    /// missing path or a regular file, or a symbolic link to one; never a
    /// folder or a device. `-` is stdout, which `--json` needs for itself.
    pub fn prepare(out: &Path, globals: &Globals) -> Result<Destination, Failure> {
        if out == Path::new("-") {
            if globals.json {
                return Err(Failure::usage(
                    "--out - writes the video to stdout, which --json needs for its report: give a file",
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
            .map(Destination::File)
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
            format!("gave up after --timeout {} s", limit.as_secs_f64()),
        ))
    })
}

/// `--poll-interval` and `--timeout` as the wait's options.
pub fn wait_options(matches: &ArgMatches) -> WaitOptions {
    let defaults = WaitOptions::default();
    let seconds = |id: &str| matches.try_get_one::<Duration>(id).ok().flatten().copied();
    WaitOptions {
        poll_interval: seconds(POLL_INTERVAL).unwrap_or(defaults.poll_interval),
        deadline: seconds(TIMEOUT).unwrap_or(defaults.deadline),
    }
}

/// Polls `job` with a spinner showing its state, downloads the video into
/// `out` and prints the result. `model` is the job's model, when known.
pub async fn wait_and_save(
    job: &Job,
    model: Option<&'static ModelInfo>,
    options: WaitOptions,
    out: &Path,
    destination: Destination,
    globals: &Globals,
) -> Result<(), Failure> {
    let progress = globals.progress();
    let billed = BilledId::known(job.request_id());
    let work = within(
        options.deadline,
        wait_then_save(job, model, options, out, destination, &progress),
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
    out: &Path,
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
    spinner.set_message(format!("{label}: fetching the video"));
    let video = result.download().await.map_err(Failure::from_runtime)?;
    drop(spinner);
    let bytes = save(video, destination, out, progress).await?;
    Ok(Saved {
        model: model.map(|model| model.slug),
        request_id: Some(result.request_id.clone()),
        remaining_credits: result.meta.remaining_credits,
        cost: result.meta.cost,
        generation_time: result.meta.generation_time,
        output_path: out.to_path_buf(),
        bytes,
        output_url: Some(result.output.clone()),
    })
}
