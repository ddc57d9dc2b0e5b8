//! Batch runs: many inputs of one model, each a v2 job, with at most a set
//! number of jobs in flight, every output saved in one folder and a
//! manifest that lets a run cut short be resumed without sending a billed
//! request twice. See [`Batch`].

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use futures_util::future::{self, Either};
use futures_util::stream::{self, StreamExt as _};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::any_output::AnyOutput;
use crate::client::Client;
use crate::error::Error;
use crate::job::WaitOptions;
use crate::job_status::JobState;
use crate::json_input::{check_slug, JsonInput};
use crate::manifest::{
    read_manifest, write_manifest, LineState, ManifestRecord, ManifestWriter, MANIFEST_FILE,
};
use crate::media_output::{AnyMediaKind, MediaOutput};
use crate::model::{ModelInfo, ModelInput, OutputKind, ParseInputError};
use crate::model_output::JsonOutput;
use crate::output_file::OutputFile;

/// Jobs in flight at once by default.
pub const DEFAULT_BATCH_CONCURRENCY: usize = 64;

/// The key of a line's own name for its output, taken out of the line
/// before the rest is read as the model's input (unless the model has a
/// field of that name).
pub const LINE_ID_KEY: &str = "id";

/// Longest part of an output file name taken from a line's `id`.
const MAX_ID_CHARS: usize = 64;

/// One line of a batch's input: the model's input, read and validated.
pub struct BatchLine {
    /// The line number in the input file (the first line is 1).
    pub line: u64,
    /// The line's `id` field, when it has one: it names the output too.
    pub id: Option<String>,
    /// The model's input.
    pub input: Box<dyn ModelInput>,
}

impl std::fmt::Debug for BatchLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchLine")
            .field("line", &self.line)
            .field("id", &self.id)
            .field("input", &self.input.to_json())
            .finish()
    }
}

impl BatchLine {
    /// Reads a batch's input, one JSON object per line (blank lines are
    /// skipped; line numbers count them), each the model's input as
    /// `--json-input` takes it, plus an optional `id` (a string or a
    /// number) that names the output. `parse` is the model registry's
    /// reader of a model's input from JSON
    /// (`segmind::models::input_from_json` with the slug: media strings are
    /// URLs; `input_from_trusted_json` is the opt-in that lets a batch file
    /// the caller wrote name local files). Every line is read and validated;
    /// the lines with problems are listed with each of their problems.
    pub fn parse_all(
        text: &str,
        model: &'static ModelInfo,
        parse: impl Fn(Value) -> Result<Box<dyn ModelInput>, ParseInputError>,
    ) -> (Vec<BatchLine>, Vec<LineProblems>) {
        parse_batch_lines(text, model.field(LINE_ID_KEY).is_some(), parse)
    }

    /// Reads a batch's input for a slug without a schema: each line is sent
    /// as it is (a [`JsonInput`]: strings are never read as local paths),
    /// minus its `id`, which names the output. A line that is no JSON
    /// object is listed with its problem.
    ///
    /// # Errors
    ///
    /// [`ParseInputError::InvalidSlug`] for a slug that cannot name a model.
    pub fn parse_all_json(
        text: &str,
        slug: &str,
    ) -> Result<(Vec<BatchLine>, Vec<LineProblems>), ParseInputError> {
        check_slug(slug)?;
        Ok(parse_batch_lines(text, false, |json| {
            JsonInput::new(slug, json).map(|input| Box::new(input) as Box<dyn ModelInput>)
        }))
    }
}

/// Every problem found on one line of a batch's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblems {
    /// The line number (the first line is 1).
    pub line: u64,
    /// Each problem, one sentence each (a violation names its field).
    pub problems: Vec<String>,
}

/// [`BatchLine::parse_all`].
pub(crate) fn parse_batch_lines(
    text: &str,
    id_is_field: bool,
    parse: impl Fn(Value) -> Result<Box<dyn ModelInput>, ParseInputError>,
) -> (Vec<BatchLine>, Vec<LineProblems>) {
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    for (index, text) in text.split('\n').enumerate() {
        let number = index as u64 + 1;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match parse_line(text, id_is_field, &parse) {
            Ok((id, input)) => lines.push(BatchLine {
                line: number,
                id,
                input,
            }),
            Err(problems) => bad.push(LineProblems {
                line: number,
                problems,
            }),
        }
    }
    (lines, bad)
}

/// A line's `id` and its model input.
type ParsedLine = (Option<String>, Box<dyn ModelInput>);

/// One line's id and input, or its problems.
fn parse_line(
    text: &str,
    id_is_field: bool,
    parse: &impl Fn(Value) -> Result<Box<dyn ModelInput>, ParseInputError>,
) -> Result<ParsedLine, Vec<String>> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| vec![format!("not valid JSON: {e}")])?;
    let Value::Object(mut fields) = value else {
        return Err(vec!["not a JSON object".to_owned()]);
    };
    let id = if id_is_field {
        fields.get(LINE_ID_KEY).cloned()
    } else {
        fields.remove(LINE_ID_KEY)
    };
    let id = match id {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id),
        Some(Value::Number(id)) => Some(id.to_string()),
        Some(other) => {
            return Err(vec![format!(
                "`{LINE_ID_KEY}` must be a string or a number, not {other}"
            )])
        }
    };
    let input = parse(Value::Object(fields)).map_err(|e| match e {
        ParseInputError::Invalid { source, .. } => vec![source.to_string()],
        other => vec![other.to_string()],
    })?;
    input.validate().map_err(|report| {
        report
            .violations
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    })?;
    Ok((id, input))
}

/// The file name stem of a line's output: its number, then `-` and its id
/// made safe for a file name (letters, digits, `.`, `_` and `-` kept, any
/// other character `_`, at most 64 characters, no leading dot).
pub(crate) fn output_stem(line: u64, id: Option<&str>) -> String {
    let Some(id) = id else {
        return line.to_string();
    };
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(MAX_ID_CHARS)
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        line.to_string()
    } else {
        format!("{line}-{safe}")
    }
}

/// What happens during a run, in the order it happens.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BatchEvent {
    /// The run starts: how many lines there are, and how many the manifest
    /// already had an answer for.
    Started {
        /// Lines of input.
        lines: usize,
        /// Lines whose output is already saved.
        already_done: usize,
        /// Lines left alone (a failed job, or an unknown outcome).
        left_alone: usize,
    },
    /// Something about the manifest worth saying (a torn last record).
    Warning(String),
    /// A line is being submitted.
    Submitting {
        /// The line number.
        line: u64,
    },
    /// A poll of a line's job answered this state.
    Status {
        /// The line number.
        line: u64,
        /// The job's state.
        state: JobState,
    },
    /// A line's record changed, and is on disk: submitted, done, failed.
    Record(ManifestRecord),
}

/// How a run ended, over every line of the input (lines finished by an
/// earlier run included).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchSummary {
    /// Lines of input.
    pub lines: usize,
    /// Lines whose output is saved.
    pub done: usize,
    /// Lines not done (the sum of the next four).
    pub failed: usize,
    /// Lines whose job failed (billed; not retried).
    pub job_failed: usize,
    /// Lines that were submitted but could not be seen through (a poll or
    /// the download kept failing): a new run waits on them again.
    pub waiting: usize,
    /// Lines that failed before they reached Segmind: a new run sends them.
    pub not_submitted: usize,
    /// Lines whose POST was sent and whose answer was lost: they may have
    /// been billed, and a new run sends them again only when asked to.
    pub unknown: Vec<u64>,
    /// What the saved jobs cost, as far as Segmind said.
    pub cost: f64,
    /// The credits left, from the latest job that said.
    pub remaining_credits: Option<f64>,
    /// The manifest's path.
    pub manifest: PathBuf,
}

/// What a batch runs: the slug, and the output kind when a schema says it
/// (`None`: the reply says what it is).
#[derive(Debug, Clone)]
struct Target {
    slug: String,
    output: Option<OutputKind>,
}

/// A batch run of one model over many inputs: each line a v2 job, at most
/// [`Batch::concurrency`] jobs in flight, every output saved in one folder
/// as `<line>[-<id>].<ext>`, and a manifest ([`ManifestRecord`]s in
/// `manifest.jsonl`) beside them.
///
/// ```no_run
/// # async fn demo(client: segmind_runtime::Client, model: &'static segmind_runtime::ModelInfo,
/// #     parse: fn(serde_json::Value) -> Result<Box<dyn segmind_runtime::ModelInput>, segmind_runtime::ParseInputError>)
/// # -> Result<(), segmind_runtime::Error> {
/// use segmind_runtime::{Batch, BatchEvent, BatchLine};
///
/// let text = std::fs::read_to_string("inputs.jsonl").unwrap();
/// let (lines, problems) = BatchLine::parse_all(&text, model, parse);
/// assert!(problems.is_empty(), "nothing is sent while a line is invalid");
/// let summary = Batch::new(&client, model, lines, "out")
///     .concurrency(32)
///     .run(|event| {
///         if let BatchEvent::Record(record) = event {
///             println!("line {}: {}", record.line, record.state.as_str());
///         }
///     })
///     .await?;
/// println!("{} done, {} failed", summary.done, summary.failed);
/// # Ok(())
/// # }
/// ```
///
/// What a run does with each line, by what the manifest says of it:
/// - nothing yet, or [`LineState::NotSubmitted`]: record it as
///   [`LineState::Sending`], submit it (a v2 job, so no POST waits for the
///   output), write its request id to the manifest (synced) and only then
///   wait on the job;
/// - [`LineState::Submitted`] (a request id, not seen through): wait on the
///   job again and download its output, never submit again;
/// - [`LineState::Done`] with its output file present: nothing (with the
///   file missing: download it again by its request id);
/// - [`LineState::Failed`] (the job failed, billed): nothing;
/// - [`LineState::Unknown`] (the POST was sent, its answer lost), or
///   [`LineState::Sending`] (a run stopped while the POST was in flight):
///   nothing, unless [`Batch::resend_unknown`] asks to send it again on
///   purpose.
pub struct Batch {
    client: Client,
    target: Target,
    lines: Vec<BatchLine>,
    out_dir: PathBuf,
    concurrency: usize,
    wait: WaitOptions,
    resend_unknown: bool,
    /// Whether outputs are synced to disk before their rename.
    sync: bool,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("model", &self.target.slug)
            .field("lines", &self.lines.len())
            .field("out_dir", &self.out_dir)
            .field("concurrency", &self.concurrency)
            .field("wait", &self.wait)
            .field("resend_unknown", &self.resend_unknown)
            .finish_non_exhaustive()
    }
}

impl Batch {
    /// A run of `model` over `lines` (see [`BatchLine::parse_all`]), saving
    /// outputs and the manifest in `out_dir` (created if missing).
    pub fn new(
        client: &Client,
        model: &'static ModelInfo,
        lines: Vec<BatchLine>,
        out_dir: impl Into<PathBuf>,
    ) -> Self {
        let target = Target {
            slug: model.slug.to_owned(),
            output: Some(model.output),
        };
        Batch::of(client, target, lines, out_dir.into())
    }

    /// A run of the slug `slug`, which has no schema, over `lines` (see
    /// [`BatchLine::parse_all_json`]): each output is saved as what the
    /// reply says it is (see [`AnyOutput`]). The manifest, resume and
    /// billing rules are those of [`Batch::new`].
    ///
    /// # Errors
    ///
    /// [`ParseInputError::InvalidSlug`] for a slug that cannot name a model.
    pub fn for_slug(
        client: &Client,
        slug: &str,
        lines: Vec<BatchLine>,
        out_dir: impl Into<PathBuf>,
    ) -> Result<Self, ParseInputError> {
        check_slug(slug)?;
        let target = Target {
            slug: slug.to_owned(),
            output: None,
        };
        Ok(Batch::of(client, target, lines, out_dir.into()))
    }

    /// A run of `target` with the default settings.
    fn of(client: &Client, target: Target, lines: Vec<BatchLine>, out_dir: PathBuf) -> Self {
        Batch {
            client: client.clone(),
            target,
            lines,
            out_dir,
            concurrency: DEFAULT_BATCH_CONCURRENCY,
            wait: WaitOptions::default(),
            resend_unknown: false,
            sync: true,
        }
    }

    /// Jobs in flight at once (submitted and not yet saved); default
    /// [`DEFAULT_BATCH_CONCURRENCY`], at least 1. Requests in flight are
    /// bounded by the client's own
    /// [`crate::ClientBuilder::max_concurrent_requests`] as well.
    pub fn concurrency(mut self, jobs: usize) -> Self {
        self.concurrency = jobs.max(1);
        self
    }

    /// How each job is polled.
    pub fn wait_options(mut self, wait: WaitOptions) -> Self {
        self.wait = wait;
        self
    }

    /// Sends again the lines whose earlier POST had an unknown outcome
    /// ([`LineState::Unknown`]): each may then be billed twice.
    pub fn resend_unknown(mut self, resend: bool) -> Self {
        self.resend_unknown = resend;
        self
    }

    /// Whether each output is synced to disk before it is renamed into
    /// place (default `true`; see [`OutputFile::sync`]). The manifest is
    /// synced either way: it is what keeps a billed request from being sent
    /// twice.
    pub fn sync_outputs(mut self, sync: bool) -> Self {
        self.sync = sync;
        self
    }

    /// The manifest's path: `manifest.jsonl` in the output folder.
    pub fn manifest_path(&self) -> PathBuf {
        self.out_dir.join(MANIFEST_FILE)
    }

    /// Runs the batch, calling `on_event` with each [`BatchEvent`] as it
    /// happens, and returns the summary. Fails only when the output folder
    /// or the manifest cannot be used (or the manifest is of another
    /// model); a line that fails is recorded and the run goes on.
    pub async fn run(self, mut on_event: impl FnMut(BatchEvent)) -> Result<BatchSummary, Error> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io {
                path: Some(path),
                source,
            }
        };
        if let Some(line) = self
            .lines
            .iter()
            .find(|line| line.input.slug() != self.target.slug)
        {
            return Err(Error::Config(format!(
                "line {} is an input of `{}`, not of `{}`: nothing was sent",
                line.line,
                line.input.slug(),
                self.target.slug
            )));
        }
        std::fs::create_dir_all(&self.out_dir).map_err(io(&self.out_dir))?;
        let manifest = self.manifest_path();
        let contents = read_manifest(&manifest)?;
        for warning in contents.warnings {
            on_event(BatchEvent::Warning(warning));
        }
        let mut records = contents.records;
        for record in records.values_mut() {
            if record.state == LineState::Sending {
                record.state = LineState::Unknown;
                record.error = Some(
                    "the run stopped while this line's POST was in flight: it may have been billed"
                        .to_owned(),
                );
            }
        }
        if let Some(other) = records.values().find(|r| r.model != self.target.slug) {
            return Err(Error::Config(format!(
                "{} holds a run of the model `{}`, not `{}`: use another output folder",
                manifest.display(),
                other.model,
                self.target.slug
            )));
        }
        // The manifest starts this run with one whole record per line.
        if !records.is_empty() {
            write_manifest(&manifest, records.values())?;
        }
        let writer = ManifestWriter::open(&manifest)?;

        let mut work = Vec::new();
        let (mut already_done, mut left_alone) = (0, 0);
        for line in self.lines {
            let prior = records.get(&line.line).cloned();
            match prior.as_ref().map(|r| r.state) {
                Some(LineState::Done)
                    if prior
                        .as_ref()
                        .and_then(|r| r.output.as_deref())
                        .is_some_and(|name| self.out_dir.join(name).is_file()) =>
                {
                    already_done += 1;
                }
                Some(LineState::Failed) => left_alone += 1,
                Some(LineState::Unknown) if !self.resend_unknown => left_alone += 1,
                _ => work.push((line, prior)),
            }
        }
        let lines = already_done + left_alone + work.len();
        on_event(BatchEvent::Started {
            lines,
            already_done,
            left_alone,
        });

        let (events, mut received) = mpsc::unbounded_channel();
        let context = Context {
            client: self.client,
            target: self.target,
            out_dir: self.out_dir,
            wait: self.wait,
            sync: self.sync,
            writer,
            events,
            credits: Mutex::new(None),
        };
        let context = &context;
        let mut tasks = stream::iter(work)
            .map(|(line, prior)| async move { context.run_line(line, prior).await })
            .buffer_unordered(self.concurrency);
        loop {
            // Events as they come, until every line's task has ended. (Not
            // `tokio::select!`: the runtime leaves tokio's macros out.)
            let next = {
                let event = std::pin::pin!(received.recv());
                match future::select(event, tasks.next()).await {
                    Either::Left((Some(event), _)) => {
                        on_event(event);
                        continue;
                    }
                    Either::Left((None, task)) => task.await,
                    Either::Right((next, _)) => next,
                }
            };
            match next {
                Some(record) => {
                    records.insert(record.line, record);
                }
                None => break,
            }
        }
        drop(tasks);
        while let Ok(event) = received.try_recv() {
            on_event(event);
        }
        write_manifest(&manifest, records.values())?;

        let mut summary = BatchSummary {
            lines,
            manifest,
            ..BatchSummary::default()
        };
        for record in records.values() {
            summary.cost += record.cost.unwrap_or(0.0);
            match record.state {
                LineState::Done => summary.done += 1,
                LineState::Failed => summary.job_failed += 1,
                LineState::Submitted => summary.waiting += 1,
                LineState::NotSubmitted => summary.not_submitted += 1,
                LineState::Unknown | LineState::Sending => summary.unknown.push(record.line),
            }
        }
        summary.failed =
            summary.job_failed + summary.waiting + summary.not_submitted + summary.unknown.len();
        summary.remaining_credits = context.credits.lock().ok().and_then(|last| *last);
        Ok(summary)
    }
}

/// What every line's task shares.
struct Context {
    client: Client,
    target: Target,
    out_dir: PathBuf,
    wait: WaitOptions,
    sync: bool,
    writer: ManifestWriter,
    events: mpsc::UnboundedSender<BatchEvent>,
    /// The credits left, from the latest job that said.
    credits: Mutex<Option<f64>>,
}

impl Context {
    fn emit(&self, event: BatchEvent) {
        let _ = self.events.send(event);
    }

    /// Writes `record` to the manifest (on disk when this returns) and
    /// reports it; a manifest that cannot be written is the line's error.
    async fn record(&self, mut record: ManifestRecord) -> Result<ManifestRecord, ManifestRecord> {
        let written = self.writer.append(&record).await;
        if let Err(e) = written {
            record.error = Some(format!("the manifest cannot be written: {e}"));
            self.emit(BatchEvent::Record(record.clone()));
            return Err(record);
        }
        self.emit(BatchEvent::Record(record.clone()));
        Ok(record)
    }

    /// Sees one line through: submit (unless it has a request id), record
    /// the id, wait, save the output, record the outcome.
    async fn run_line(&self, line: BatchLine, prior: Option<ManifestRecord>) -> ManifestRecord {
        let mut record = prior.unwrap_or_else(|| {
            ManifestRecord::new(
                line.line,
                line.id.clone(),
                &self.target.slug,
                LineState::NotSubmitted,
            )
        });
        record.id = line.id.clone();
        record.error = None;
        let request_id = match record.request_id.clone() {
            Some(id) if record.state != LineState::Unknown => id,
            _ => {
                self.emit(BatchEvent::Submitting { line: line.line });
                // On disk before the POST: a crash while it is in flight
                // leaves a line of unknown outcome, never one sent twice.
                record.state = LineState::Sending;
                record.request_id = None;
                let sending = self.writer.append(&record).await;
                if let Err(e) = sending {
                    record.state = LineState::NotSubmitted;
                    record.error = Some(format!("the manifest cannot be written: {e}"));
                    self.emit(BatchEvent::Record(record.clone()));
                    return record;
                }
                match self.client.submit(&*line.input).await {
                    Ok(job) => job.request_id().to_owned(),
                    Err(e) => match e.request_id() {
                        // Billed, and the id is known: wait on it.
                        Some(id) => id,
                        None => {
                            record.state = if e.may_have_been_billed() {
                                LineState::Unknown
                            } else {
                                LineState::NotSubmitted
                            };
                            record.error = Some(e.to_string());
                            return self.record(record).await.unwrap_or_else(|r| r);
                        }
                    },
                }
            }
        };
        if record.request_id.as_deref() != Some(&request_id) || record.state != LineState::Submitted
        {
            record.request_id = Some(request_id.clone());
            record.state = LineState::Submitted;
            record.output = None;
            record = match self.record(record).await {
                Ok(record) => record,
                // The id is not on disk: do not wait on a job a crash
                // would lose track of.
                Err(record) => return record,
            };
        }
        let job = self.client.job(&request_id);
        let number = line.line;
        let waited = job
            .wait_with_progress(self.wait, |status| {
                self.emit(BatchEvent::Status {
                    line: number,
                    state: status.state.clone(),
                });
            })
            .await;
        match waited {
            Ok(result) => {
                record.cost = result.metrics.cost.or(result.meta.cost);
                let credits = result
                    .metrics
                    .remaining_credits
                    .or(result.meta.remaining_credits);
                if let (Some(credits), Ok(mut last)) = (credits, self.credits.lock()) {
                    *last = Some(credits);
                }
                let stem = output_stem(line.line, line.id.as_deref());
                match self.save(&result, &stem).await {
                    Ok(name) => {
                        record.state = LineState::Done;
                        record.output = Some(name);
                    }
                    Err(e) => record.error = Some(e.to_string()),
                }
            }
            Err(Error::JobFailed { message, .. }) => {
                record.state = LineState::Failed;
                record.error = Some(message);
            }
            Err(e) => record.error = Some(e.to_string()),
        }
        self.record(record).await.unwrap_or_else(|r| r)
    }

    /// Downloads and saves a finished job's output as `<stem>.<ext>`
    /// (atomically), and answers the file name.
    async fn save(&self, result: &crate::JobResult, stem: &str) -> Result<String, Error> {
        if self.target.output.is_none() {
            // No schema: the reply says what it is.
            let output: AnyOutput = result.download().await?;
            let name = format!("{stem}.{}", output.extension());
            output.save_into(self.output_file(&name).await?).await?;
            return Ok(name);
        }
        if self.target.output.is_some_and(|kind| !kind.is_media()) {
            let answer: JsonOutput = result.download().await?;
            let name = format!("{stem}.json");
            let mut text = serde_json::to_vec_pretty(answer.value())
                .map_err(|e| Error::decode(format!("cannot write the JSON answer: {e}")))?;
            text.push(b'\n');
            self.output_file(&name).await?.save_bytes(&text).await?;
            return Ok(name);
        }
        let output: MediaOutput<AnyMediaKind> = result.download().await?;
        let name = format!("{stem}.{}", output.extension());
        output
            .save_into(self.output_file(&name).await?, |_, _| {})
            .await?;
        Ok(name)
    }

    /// The output file `name` in the output folder, synced or not as asked.
    async fn output_file(&self, name: &str) -> Result<OutputFile, Error> {
        Ok(OutputFile::create_billed(&self.out_dir.join(name))
            .await?
            .sync(self.sync))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_stems_are_safe_file_names() {
        assert_eq!(output_stem(7, None), "7");
        assert_eq!(output_stem(7, Some("cat")), "7-cat");
        assert_eq!(
            output_stem(12, Some("../../etc/passwd")),
            "12-_.._etc_passwd"
        );
        assert_eq!(output_stem(3, Some("...")), "3");
        assert_eq!(output_stem(3, Some("a b/c\u{e9}")), "3-a_b_c_");
        assert_eq!(output_stem(1, Some(&"x".repeat(300))).len(), 2 + 64);
    }
}
