//! `segmind batch <MODEL> INPUTS.jsonl --out-dir DIR`: one v2 job per line
//! of input, at most `--concurrency` in flight, the outputs and a manifest
//! in DIR; running the same command again resumes (see
//! [`segmind_runtime::Batch`]).
//!
//! Unlike the single-call `--json` (one JSON object), `batch --json` prints
//! JSON lines: one per record as it reaches the manifest
//! (`{"event":"record",...}`), one per warning, and a last
//! `{"event":"summary",...}` line.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command, ValueHint};
use indicatif::{ProgressBar, ProgressStyle};
use segmind_runtime::{
    Batch, BatchEvent, BatchLine, BatchSummary, JobState, LineState, ModelInfo, WaitOptions,
    DEFAULT_BATCH_CONCURRENCY,
};
use serde_json::json;

use crate::command::{find_model, DRY_RUN, POLL_INTERVAL, TIMEOUT};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::globals::{flag, Globals};
use crate::output;
use crate::signal::{until_interrupted, BilledId};

/// The subcommand.
pub const BATCH_COMMAND: &str = "batch";
/// The model argument.
const MODEL: &str = "model";
/// The input file argument.
const INPUTS: &str = "inputs";
/// `--out-dir`.
const OUT_DIR: &str = "out-dir";
/// `--concurrency`.
const CONCURRENCY: &str = "concurrency";
/// `--resend-unknown`.
const RESEND_UNKNOWN: &str = "resend-unknown";

/// `segmind batch`.
pub fn batch_command(models: &'static [&'static ModelInfo]) -> Command {
    let names: Vec<String> = models
        .iter()
        .map(|model| crate::command::subcommand_name(model))
        .collect();
    Command::new(BATCH_COMMAND)
        .about("Run a model over a JSONL file of inputs (one v2 job per line), resumably")
        .long_about(
            "Run a model over a JSONL file of inputs: each line is one JSON object, the model's \
             input as --json-input takes it, plus an optional \"id\" that names its output. Every \
             line is validated before anything is sent. Each line is one v2 job; at most \
             --concurrency are in flight. Outputs are saved in --out-dir as <line>[-<id>].<ext>, \
             and manifest.jsonl there records each line's request id (on disk before its job is \
             waited on), state, output, cost and error.\n\n\
             Running the same command again resumes: jobs already submitted are waited on and \
             never sent again, finished outputs are kept, and only lines that failed before \
             reaching Segmind are sent again. A line whose POST was sent but whose answer was \
             lost is never sent again unless --resend-unknown is given.\n\n\
             MODEL may also be any other Segmind slug: its lines are then sent as they are (minus \
             their \"id\"), strings are never read as local paths, and each output is saved as \
             what its reply says it is.\n\n\
             With --json, JSON lines are printed (one per manifest record, then a summary), \
             unlike the single JSON object of a model call. Exit code 0 when every line is done, \
             5 when some are not, 3 when a line is invalid (nothing is sent).",
        )
        .arg(
            Arg::new(MODEL)
                .required(true)
                .value_name("MODEL")
                .help(format!(
                    "The model: one of this tool's ({}), or any other Segmind slug, whose lines are sent as they are",
                    names.join(", ")
                )),
        )
        .arg(
            Arg::new(INPUTS)
                .required(true)
                .value_name("INPUTS.jsonl")
                .value_hint(ValueHint::FilePath)
                .value_parser(value_parser!(PathBuf))
                .help("One JSON object per line: the model's input, plus an optional \"id\""),
        )
        .arg(
            Arg::new(OUT_DIR)
                .long(OUT_DIR)
                .required(true)
                .value_name("DIR")
                .value_hint(ValueHint::DirPath)
                .value_parser(value_parser!(PathBuf))
                .help("Folder of the outputs and of manifest.jsonl (created if missing)"),
        )
        .arg(
            Arg::new(DRY_RUN)
                .long(DRY_RUN)
                .action(ArgAction::SetTrue)
                .help("Validate every line and list each invalid one with every problem; send nothing"),
        )
        .arg(
            Arg::new(CONCURRENCY)
                .long(CONCURRENCY)
                .value_name("N")
                .default_value(DEFAULT_BATCH_CONCURRENCY.to_string())
                .value_parser(value_parser!(u32).range(1..=100_000))
                .help("Jobs in flight at once"),
        )
        .arg(
            Arg::new(RESEND_UNKNOWN)
                .long(RESEND_UNKNOWN)
                .action(ArgAction::SetTrue)
                .help("Send again the lines whose POST had an unknown outcome (each may be billed twice)"),
        )
        .args(crate::command::wait_args())
}

/// Runs `segmind batch`.
pub async fn run_batch(
    models: &'static [&'static ModelInfo],
    matches: &ArgMatches,
    globals: &Globals,
) -> Result<(), Failure> {
    let name = matches
        .try_get_one::<String>(MODEL)
        .ok()
        .flatten()
        .ok_or_else(|| Failure::usage("give a model"))?;
    let model = find_model(models, name);
    if model.is_none() {
        // A slug without a schema: its lines are sent as they are.
        segmind_runtime::check_slug(name).map_err(|e| Failure::usage(e.to_string()))?;
    }
    let slug = model.map_or(name.as_str(), |model| model.slug);
    let inputs = path(matches, INPUTS)?;
    let text = std::fs::read_to_string(&inputs)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", inputs.display())))?;
    let (lines, problems) = match model {
        // The batch file is the user's own, named on the command line: its
        // media strings may name local files, as --json-input's may.
        Some(model) => BatchLine::parse_all(&text, model, |value| {
            segmind::models::input_from_trusted_json(model.slug, value)
        }),
        // Untyped lines: strings are sent as they are, never read as paths.
        None => {
            BatchLine::parse_all_json(&text, slug).map_err(|e| Failure::usage(e.to_string()))?
        }
    };
    let dry_run = flag(matches, DRY_RUN);
    if !problems.is_empty() {
        if globals.json {
            for bad in &problems {
                output::stdout_json(&json!({
                    "event": "invalid", "line": bad.line, "problems": bad.problems
                }));
            }
        }
        let count = problems.len();
        let details = problems
            .iter()
            .flat_map(|bad| {
                bad.problems
                    .iter()
                    .map(move |problem| format!("line {}: {problem}", bad.line))
            })
            .collect();
        let plural = if count == 1 { "" } else { "s" };
        let failure = Failure::invalid(
            format!(
                "{count} invalid line{plural} in {}; nothing was sent:",
                inputs.display()
            ),
            details,
        );
        if globals.json {
            // The lines above said it all; the last line is the summary.
            output::stdout_json(&failure.to_json());
            return Err(Failure::new(Exit::InvalidInput, ""));
        }
        return Err(failure);
    }
    if dry_run {
        let message = format!(
            "all {} lines of {} are valid {} inputs; nothing was sent",
            lines.len(),
            inputs.display(),
            slug
        );
        if globals.json {
            output::stdout_json(&json!({"event": "dry_run", "valid_lines": lines.len()}));
        } else {
            output::stdout(&format!("{message}\n"));
        }
        return Ok(());
    }

    let out_dir = path(matches, OUT_DIR)?;
    let concurrency = matches
        .try_get_one::<u32>(CONCURRENCY)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(DEFAULT_BATCH_CONCURRENCY as u32) as usize;
    let mut wait = WaitOptions::default();
    if let Ok(Some(interval)) = matches.try_get_one::<std::time::Duration>(POLL_INTERVAL) {
        wait.poll_interval = *interval;
    }
    if let Ok(Some(deadline)) = matches.try_get_one::<std::time::Duration>(TIMEOUT) {
        wait.deadline = *deadline;
    }
    let client = globals.client(None)?;
    let batch = match model {
        Some(model) => Batch::new(&client, model, lines, &out_dir),
        None => Batch::for_slug(&client, slug, lines, &out_dir)
            .map_err(|e| Failure::usage(e.to_string()))?,
    };
    let batch = batch
        .concurrency(concurrency)
        .wait_options(wait)
        .resend_unknown(flag(matches, RESEND_UNKNOWN));
    let mut display = Display::new(globals);
    let billed = BilledId::new();
    let run = async {
        batch
            .run(|event| display.event(event))
            .await
            .map_err(Failure::from_runtime)
    };
    let summary = until_interrupted(run, &billed)
        .await
        .map_err(|mut failure| {
            if matches!(failure.exit, Exit::Interrupted | Exit::Terminated) {
                failure.details = vec![format!(
                    "every request id sent is in {}: run the same command again to resume",
                    out_dir.join(segmind_runtime::MANIFEST_FILE).display()
                )];
            }
            failure
        })?;
    drop(display);
    let name = model.map_or_else(|| slug.to_owned(), crate::command::subcommand_name);
    report(&summary, globals, &resend_command(&name, &inputs, &out_dir));
    if summary.failed == 0 {
        Ok(())
    } else {
        // The summary said what failed; the exit code says that it did.
        Err(Failure::new(Exit::JobFailed, ""))
    }
}

/// A path argument.
fn path(matches: &ArgMatches, id: &str) -> Result<PathBuf, Failure> {
    matches
        .try_get_one::<PathBuf>(id)
        .ok()
        .flatten()
        .cloned()
        .ok_or_else(|| Failure::usage(format!("give {id}")))
}

/// The command that sends the lines of unknown outcome again on purpose.
fn resend_command(name: &str, inputs: &std::path::Path, out_dir: &std::path::Path) -> String {
    format!(
        "segmind batch {} {} --out-dir {} --{RESEND_UNKNOWN}",
        output::shell_quote(name),
        output::shell_quote(&inputs.display().to_string()),
        output::shell_quote(&out_dir.display().to_string()),
    )
}

/// Prints the summary: text on stdout, or a JSON line.
fn report(summary: &BatchSummary, globals: &Globals, resend: &str) {
    if globals.json {
        output::stdout_json(&json!({
            "event": "summary",
            "lines": summary.lines,
            "done": summary.done,
            "failed": summary.failed,
            "job_failed": summary.job_failed,
            "waiting": summary.waiting,
            "not_submitted": summary.not_submitted,
            "unknown": summary.unknown,
            "cost": summary.cost,
            "remaining_credits": summary.remaining_credits,
            "manifest": summary.manifest.display().to_string(),
        }));
        return;
    }
    let mut text = format!(
        "{} lines: {} done, {} failed; cost {:.4}",
        summary.lines, summary.done, summary.failed, summary.cost
    );
    if let Some(credits) = summary.remaining_credits {
        text.push_str(&format!(", credits left {credits}"));
    }
    text.push_str(&format!("\nmanifest: {}\n", summary.manifest.display()));
    if summary.job_failed > 0 {
        text.push_str(&format!(
            "  {} job{} failed (billed; not sent again): see the manifest's error field\n",
            summary.job_failed,
            plural(summary.job_failed)
        ));
    }
    if summary.waiting > 0 {
        text.push_str(&format!(
            "  {} job{} submitted but not seen through: run the same command again to wait on them\n",
            summary.waiting,
            plural(summary.waiting)
        ));
    }
    if summary.not_submitted > 0 {
        text.push_str(&format!(
            "  {} line{} did not reach Segmind: run the same command again to send them\n",
            summary.not_submitted,
            plural(summary.not_submitted)
        ));
    }
    if !summary.unknown.is_empty() {
        let lines: Vec<String> = summary.unknown.iter().map(u64::to_string).collect();
        text.push_str(&format!(
            "  {} lines were sent but their answer was lost (lines {}): they may have been billed, \
             and are not sent again on their own; check your account, then to send them again on purpose:\n    {resend}\n",
            summary.unknown.len(),
            lines.join(", ")
        ));
    }
    output::stdout(&text);
}

/// `s` unless there is one.
fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// The progress display: counts on a bar (on a terminal), JSON lines with
/// `--json`, a note per failed line otherwise.
struct Display {
    json: bool,
    notes: bool,
    bar: ProgressBar,
    /// Where each line in flight stands.
    states: HashMap<u64, Stage>,
    total: usize,
    done: usize,
    failed: usize,
}

/// Where a line in flight stands, for the counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Queued,
    Running,
}

impl Display {
    fn new(globals: &Globals) -> Self {
        use std::io::IsTerminal as _;
        let notes = !globals.quiet && !globals.json;
        let bars = notes && std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        let bar = if bars {
            let bar = ProgressBar::new(0);
            if let Ok(style) =
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} [{elapsed_precise}]")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        Display {
            json: globals.json,
            notes,
            bar,
            states: HashMap::new(),
            total: 0,
            done: 0,
            failed: 0,
        }
    }

    fn event(&mut self, event: BatchEvent) {
        match event {
            BatchEvent::Started {
                lines,
                already_done,
                left_alone,
            } => {
                self.total = lines;
                self.done = already_done;
                self.failed = left_alone;
                self.bar.set_length(lines as u64);
                if self.notes && (already_done > 0 || left_alone > 0) {
                    self.note(&format!(
                        "resuming: {already_done} lines already done, {left_alone} left alone (failed jobs or unknown outcomes)"
                    ));
                }
            }
            BatchEvent::Warning(warning) => {
                if self.json {
                    output::stdout_json(&json!({"event": "warning", "message": warning}));
                } else {
                    self.note(&format!("warning: {warning}"));
                }
            }
            BatchEvent::Submitting { line } => {
                self.states.insert(line, Stage::Queued);
            }
            BatchEvent::Status { line, state } => {
                let stage = if state == JobState::Processing {
                    Stage::Running
                } else {
                    Stage::Queued
                };
                self.states.insert(line, stage);
            }
            BatchEvent::Record(record) => {
                if self.json {
                    let mut value = serde_json::to_value(&record).unwrap_or_default();
                    if let Some(fields) = value.as_object_mut() {
                        fields.insert("event".to_owned(), json!("record"));
                    }
                    output::stdout_json(&value);
                }
                match record.state {
                    LineState::Submitted if record.error.is_none() => {
                        self.states.insert(record.line, Stage::Queued);
                    }
                    LineState::Done => {
                        self.states.remove(&record.line);
                        self.done += 1;
                    }
                    _ => {
                        self.states.remove(&record.line);
                        self.failed += 1;
                        if !self.json {
                            let error = record.error.as_deref().unwrap_or("failed");
                            self.note(&format!(
                                "line {} ({}): {error}",
                                record.line,
                                record.state.as_str()
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
        let running = self
            .states
            .values()
            .filter(|s| **s == Stage::Running)
            .count();
        let in_flight_queued = self.states.len() - running;
        let waiting = self
            .total
            .saturating_sub(self.done + self.failed + self.states.len());
        self.bar.set_position((self.done + self.failed) as u64);
        self.bar.set_message(format!(
            "queued {} running {running} done {} failed {}",
            waiting + in_flight_queued,
            self.done,
            self.failed
        ));
    }

    fn note(&self, text: &str) {
        if self.notes {
            self.bar.suspend(|| output::stderr(&format!("{text}\n")));
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
