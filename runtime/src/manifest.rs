//! The manifest of a batch run: a JSONL file beside the outputs, one record
//! per line of input, that says for each line whether it was sent, under
//! which request id, and how it ended. It is what makes a run resumable
//! after a crash without sending a billed request twice.
//!
//! While a run goes on, records are appended (each one written, flushed and
//! synced to disk before the run goes on, so a request id is on disk before
//! its job is waited on); a later record of a line replaces an earlier one.
//! At the end of a run the file is rewritten (to a temporary file, then
//! renamed) with exactly one record per line of input. A final line cut
//! short by a crash is ignored with a warning; every whole record before it
//! is kept.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::error::Error;

/// The manifest's file name in the output folder.
pub const MANIFEST_FILE: &str = "manifest.jsonl";

/// Where a line of a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    /// The POST is about to be sent (written before it is): a run that
    /// stops here does not know whether it reached Segmind, so a later run
    /// takes it as [`LineState::Unknown`].
    Sending,
    /// The job was submitted (its request id is known) and has not been
    /// seen through: a later run waits on it again, never resubmits it.
    Submitted,
    /// The output is saved.
    Done,
    /// The job ran and failed (it was billed): not retried.
    Failed,
    /// The request failed before it reached Segmind (not billed): a later
    /// run sends it again.
    NotSubmitted,
    /// The POST was sent but its answer was lost (the connection dropped or
    /// timed out): it may have started a billed job. A later run leaves it
    /// alone unless told to send it again on purpose.
    Unknown,
}

impl LineState {
    /// The name written in the manifest (`sending`, `submitted`, `done`,
    /// `failed`, `not_submitted`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            LineState::Sending => "sending",
            LineState::Submitted => "submitted",
            LineState::Done => "done",
            LineState::Failed => "failed",
            LineState::NotSubmitted => "not_submitted",
            LineState::Unknown => "unknown",
        }
    }
}

/// One record of the manifest: where one line of input stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestRecord {
    /// The line number in the input file (the first line is 1).
    pub line: u64,
    /// The line's own `id` field, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The model's slug.
    pub model: String,
    /// Segmind's request id, once the job was submitted.
    pub request_id: Option<String>,
    /// Where the line stands.
    pub state: LineState,
    /// The output's file name in the output folder, once saved.
    pub output: Option<String>,
    /// What the job cost, when Segmind said.
    pub cost: Option<f64>,
    /// Why the line failed, when it did.
    pub error: Option<String>,
}

impl ManifestRecord {
    /// A record of `line` in `state`, with nothing else known yet.
    pub fn new(line: u64, id: Option<String>, model: &str, state: LineState) -> Self {
        ManifestRecord {
            line,
            id,
            model: model.to_owned(),
            request_id: None,
            state,
            output: None,
            cost: None,
            error: None,
        }
    }
}

/// What an existing manifest holds: the latest record of each line, and
/// the warnings reading it gave (a torn last line).
#[derive(Debug, Default)]
pub struct ManifestContents {
    /// The latest record of each line, by line number.
    pub records: BTreeMap<u64, ManifestRecord>,
    /// What was skipped and why.
    pub warnings: Vec<String>,
}

impl ManifestContents {
    /// Reads the manifest at `path`; a missing file is an empty manifest.
    /// A last line that is not a whole record (a write cut short by a
    /// crash) is skipped with a warning; a bad line before the last is an
    /// error, since the manifest cannot be trusted then.
    pub fn read(path: &Path) -> Result<ManifestContents, Error> {
        read_manifest(path)
    }
}

/// [`ManifestContents::read`].
pub(crate) fn read_manifest(path: &Path) -> Result<ManifestContents, Error> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ManifestContents::default())
        }
        Err(source) => {
            return Err(Error::Io {
                path: Some(path.to_path_buf()),
                source,
            })
        }
    };
    let io = |source| Error::Io {
        path: Some(path.to_path_buf()),
        source,
    };
    let mut contents = ManifestContents::default();
    let mut lines = BufReader::new(file).split(b'\n').enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let line = line.map_err(io)?;
        let is_last = lines.peek().is_none();
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<ManifestRecord>(&line) {
            Ok(record) => {
                contents.records.insert(record.line, record);
            }
            Err(e) if is_last => contents.warnings.push(format!(
                "{}: line {} is not a whole record (a run was cut short while writing it) and is ignored: {e}",
                path.display(),
                index + 1
            )),
            Err(e) => {
                return Err(Error::Config(format!(
                    "{}: line {} is not a manifest record: {e}",
                    path.display(),
                    index + 1
                )))
            }
        }
    }
    Ok(contents)
}

/// Rewrites the manifest at `path` with these records, one per line, in
/// line order: written to a temporary file in the same folder, synced,
/// then renamed over the old one.
pub(crate) fn write_manifest<'a>(
    path: &Path,
    records: impl IntoIterator<Item = &'a ManifestRecord>,
) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: Some(path.to_path_buf()),
        source,
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    {
        let mut out = std::io::BufWriter::new(temp.as_file_mut());
        for record in records {
            let mut line = serde_json::to_vec(record)
                .map_err(|e| Error::Config(format!("cannot write a manifest record: {e}")))?;
            line.push(b'\n');
            out.write_all(&line).map_err(io)?;
        }
        out.flush().map_err(io)?;
    }
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// A record's line waiting to be written, and who to tell once it is.
type Pending = (Vec<u8>, oneshot::Sender<Result<(), String>>);

/// Appends records to the manifest from a thread of its own: each record is
/// written and synced to disk before [`ManifestWriter::append`] returns.
/// Records that arrive while a sync is going on are written and synced
/// together, so many jobs at once do not wait for one sync each.
#[derive(Debug, Clone)]
pub struct ManifestWriter {
    sender: mpsc::Sender<Pending>,
    path: PathBuf,
}

impl ManifestWriter {
    /// Opens `path` for appending (created if missing). If the file does
    /// not end with a line break (a record cut short by a crash), that
    /// partial record is cut off first, so the next record starts on a line
    /// of its own and the file stays readable.
    pub fn open(path: &Path) -> Result<ManifestWriter, Error> {
        let io = |source| Error::Io {
            path: Some(path.to_path_buf()),
            source,
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(io)?;
        cut_partial_record(&mut file).map_err(io)?;
        let (sender, receiver) = mpsc::channel::<Pending>();
        std::thread::Builder::new()
            .name("segmind-manifest".to_owned())
            .spawn(move || write_loop(file, receiver))
            .map_err(io)?;
        Ok(ManifestWriter {
            sender,
            path: path.to_path_buf(),
        })
    }

    /// Appends `record` and returns once it is on disk (written and synced).
    pub async fn append(&self, record: &ManifestRecord) -> Result<(), Error> {
        let mut line = serde_json::to_vec(record)
            .map_err(|e| Error::Config(format!("cannot write a manifest record: {e}")))?;
        line.push(b'\n');
        let (done, wait) = oneshot::channel();
        let failed = |message: String| Error::Io {
            path: Some(self.path.clone()),
            source: std::io::Error::other(message),
        };
        self.sender
            .send((line, done))
            .map_err(|_| failed("the manifest writer has stopped".to_owned()))?;
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(failed(message)),
            Err(_) => Err(failed("the manifest writer has stopped".to_owned())),
        }
    }
}

/// Cuts whatever follows the file's last line break (a record whose write
/// was cut short).
fn cut_partial_record(file: &mut File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    let mut end = len;
    let mut buf = [0u8; 4096];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let piece = &mut buf[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(piece)?;
        if let Some(pos) = piece.iter().rposition(|&b| b == b'\n') {
            end = start + pos as u64 + 1;
            break;
        }
        end = start;
    }
    if end < len {
        file.set_len(end)?;
    }
    Ok(())
}

/// The writer thread: takes every record waiting, writes them, syncs once,
/// and answers each.
fn write_loop(mut file: File, receiver: mpsc::Receiver<Pending>) {
    while let Ok(first) = receiver.recv() {
        let mut group = vec![first];
        while let Ok(more) = receiver.try_recv() {
            group.push(more);
        }
        let mut bytes = Vec::new();
        for (line, _) in &group {
            bytes.extend_from_slice(line);
        }
        let outcome = file
            .write_all(&bytes)
            .and_then(|()| file.flush())
            .and_then(|()| file.sync_data())
            .map_err(|e| format!("cannot write the manifest: {e}"));
        for (_, done) in group {
            let _ = done.send(outcome.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: u64, state: LineState) -> ManifestRecord {
        ManifestRecord {
            request_id: Some(format!("r-{line}")),
            ..ManifestRecord::new(line, None, "m", state)
        }
    }

    #[tokio::test]
    async fn appended_records_are_read_back_latest_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let writer = ManifestWriter::open(&path).unwrap();
        writer
            .append(&record(1, LineState::Submitted))
            .await
            .unwrap();
        writer
            .append(&record(2, LineState::Submitted))
            .await
            .unwrap();
        writer.append(&record(1, LineState::Done)).await.unwrap();
        let contents = read_manifest(&path).unwrap();
        assert!(contents.warnings.is_empty());
        assert_eq!(contents.records.len(), 2);
        assert_eq!(contents.records[&1].state, LineState::Done);
        assert_eq!(contents.records[&2].state, LineState::Submitted);
        write_manifest(&path, contents.records.values()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
    }

    #[tokio::test]
    async fn a_torn_last_line_is_skipped_and_the_next_record_starts_clean() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let whole = serde_json::to_string(&record(1, LineState::Submitted)).unwrap();
        std::fs::write(&path, format!("{whole}\n{{\"line\":2,\"mod")).unwrap();
        let contents = read_manifest(&path).unwrap();
        assert_eq!(contents.records.len(), 1);
        assert_eq!(contents.warnings.len(), 1, "{:?}", contents.warnings);
        assert!(contents.warnings[0].contains("line 2"));
        let writer = ManifestWriter::open(&path).unwrap();
        writer.append(&record(3, LineState::Done)).await.unwrap();
        let contents = read_manifest(&path).unwrap();
        assert!(contents.warnings.is_empty(), "{:?}", contents.warnings);
        assert_eq!(contents.records.keys().copied().collect::<Vec<_>>(), [1, 3]);
    }

    #[test]
    fn a_bad_line_in_the_middle_is_an_error_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        assert!(read_manifest(&path).unwrap().records.is_empty());
        let whole = serde_json::to_string(&record(1, LineState::Done)).unwrap();
        std::fs::write(&path, format!("garbage\n{whole}\n")).unwrap();
        let err = read_manifest(&path).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
