//! Skipping the formatting of files that come out as before. Formatting
//! (syn's parse and prettyplease) is most of codegen's time, and from one
//! run to the next most files get the same tokens. The memo keeps, per
//! generated file, a hash of what its text was made from (the generator
//! executable, the file's header and its tokens) and a hash of the text that
//! came out. When a file's tokens hash as before and the file in `generated/`
//! still hashes as that text, the file's text is taken from disk instead of
//! being formatted again; any other file (new, changed, edited by hand,
//! missing) is formatted, so the result is always what formatting gives and
//! `--check` still finds a hand-edited file.
//!
//! The memo lives outside the repository (next to the generator's
//! executable, in the build's target folder), one file per output folder.
//! A memo that cannot be read is an empty one; one that cannot be written is
//! no error: it only makes the next run slower.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A 128-bit hash: two 64-bit SipHashes of the same bytes, keyed apart.
pub type Digest = u128;

/// The first line of a memo file, so that a file of another layout is
/// never read as one.
const MAGIC: &str = "segmind-codegen-memo 1";

/// What earlier runs formatted, and what this one did.
#[derive(Debug)]
pub struct Memo {
    file: PathBuf,
    out_dir: PathBuf,
    salt: String,
    earlier: HashMap<String, (Digest, Digest)>,
    now: Mutex<BTreeMap<String, (Digest, Digest)>>,
}

/// The hash of `parts`, in order, each one delimited.
pub fn digest(parts: &[&[u8]]) -> Digest {
    let half = |key: u8| {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        for part in parts {
            part.hash(&mut hasher);
        }
        hasher.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

impl Memo {
    /// The memo of the output folder `out_dir`, kept in `memo_dir`; empty
    /// when there is none yet (or it cannot be read). Nothing is written
    /// until [`Memo::save`].
    pub fn open(memo_dir: &Path, out_dir: &Path) -> Memo {
        let absolute = std::path::absolute(out_dir).unwrap_or_else(|_| out_dir.to_path_buf());
        let name = format!(
            "{:032x}",
            digest(&[absolute.as_os_str().as_encoded_bytes()])
        );
        let file = memo_dir.join(name);
        let earlier = std::fs::read_to_string(&file)
            .map(|text| parse(&text))
            .unwrap_or_default();
        Memo {
            file,
            out_dir: out_dir.to_path_buf(),
            salt: generator_identity(),
            earlier,
            now: Mutex::new(BTreeMap::new()),
        }
    }

    /// The memo of the workspace's `generated/` for this generator
    /// executable: kept in a folder next to the executable.
    pub fn for_executable(out_dir: &Path) -> Option<Memo> {
        let exe = std::env::current_exe().ok()?;
        Some(Memo::open(&exe.parent()?.join("codegen-memo"), out_dir))
    }

    /// What the text of the file at `path` (relative to the output folder)
    /// is made from: this generator, its header and its tokens.
    pub fn key(&self, header: &str, tokens: &str) -> Digest {
        digest(&[self.salt.as_bytes(), header.as_bytes(), tokens.as_bytes()])
    }

    /// The text made from `key` before, read from the output folder, when
    /// the file there is still that text.
    pub fn text(&self, path: &str, key: Digest) -> Option<String> {
        let &(known_key, text_digest) = self.earlier.get(path)?;
        if known_key != key {
            return None;
        }
        let text = std::fs::read_to_string(self.out_dir.join(path)).ok()?;
        (digest(&[text.as_bytes()]) == text_digest).then(|| {
            self.remember(path, key, text_digest);
            text
        })
    }

    /// Notes that `key` made `text` at `path`.
    pub fn made(&self, path: &str, key: Digest, text: &str) {
        self.remember(path, key, digest(&[text.as_bytes()]));
    }

    fn remember(&self, path: &str, key: Digest, text: Digest) {
        if let Ok(mut now) = self.now.lock() {
            now.insert(path.to_owned(), (key, text));
        }
    }

    /// Writes what this run made (only that: files no longer generated are
    /// forgotten) for the next run, atomically. A failure only costs the
    /// next run its head start, so the caller may ignore it.
    pub fn save(&self) -> std::io::Result<()> {
        let now = self
            .now
            .lock()
            .map_err(|_| std::io::Error::other("a formatting thread panicked"))?;
        let mut text = format!("{MAGIC}\n");
        for (path, (key, digest)) in now.iter() {
            text.push_str(&format!("{key:032x} {digest:032x} {path}\n"));
        }
        let dir = self.file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(text.as_bytes())?;
        tmp.persist(&self.file).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The entries of a memo file; none when it is not one.
fn parse(text: &str) -> HashMap<String, (Digest, Digest)> {
    let mut lines = text.lines();
    if lines.next() != Some(MAGIC) {
        return HashMap::new();
    }
    lines
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            let key = Digest::from_str_radix(parts.next()?, 16).ok()?;
            let text = Digest::from_str_radix(parts.next()?, 16).ok()?;
            Some((parts.next()?.to_owned(), (key, text)))
        })
        .collect()
}

/// What tells this generator from any other build of it: its executable's
/// path, size and modification time. A rebuilt generator (a changed
/// emitter, another prettyplease) never reuses an older one's texts.
fn generator_identity() -> String {
    let Ok(exe) = std::env::current_exe() else {
        // Without an identity nothing made earlier can be trusted.
        return format!("unknown {:?}", std::time::SystemTime::now());
    };
    let meta = std::fs::metadata(&exe).ok();
    let size = meta.as_ref().map(std::fs::Metadata::len);
    let modified = meta.and_then(|m| m.modified().ok());
    format!("{} {size:?} {modified:?}", exe.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_reused_only_while_the_file_is_that_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("generated");
        std::fs::create_dir_all(&out).expect("out dir");
        let memo_dir = dir.path().join("memo");

        let first = Memo::open(&memo_dir, &out);
        let key = first.key("// header", "fn f () { }");
        assert_eq!(first.text("f.rs", key), None, "nothing is known yet");
        std::fs::write(out.join("f.rs"), "fn f() {}\n").expect("write");
        first.made("f.rs", key, "fn f() {}\n");
        first.save().expect("save");

        let second = Memo::open(&memo_dir, &out);
        assert_eq!(second.text("f.rs", key).as_deref(), Some("fn f() {}\n"));
        let other_tokens = second.key("// header", "fn g () { }");
        assert_eq!(second.text("f.rs", other_tokens), None, "other tokens");
        let other_header = second.key("// other header", "fn f () { }");
        assert_eq!(second.text("f.rs", other_header), None, "other header");

        std::fs::write(out.join("f.rs"), "fn f() { /* edited */ }\n").expect("edit");
        assert_eq!(second.text("f.rs", key), None, "a hand edit is not reused");
        std::fs::remove_file(out.join("f.rs")).expect("remove");
        assert_eq!(second.text("f.rs", key), None, "a missing file is not");
    }

    #[test]
    fn a_memo_of_another_layout_is_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("generated");
        let memo = Memo::open(dir.path(), &out);
        std::fs::write(&memo.file, "something else\n0 0 f.rs\n").expect("write");
        assert!(Memo::open(dir.path(), &out).earlier.is_empty());
        std::fs::write(&memo.file, format!("{MAGIC}\nnot hex f.rs\n")).expect("write");
        assert!(Memo::open(dir.path(), &out).earlier.is_empty());
    }
}
