//! Bringing `generated/` in line with what the schemas give: in write mode
//! every changed file is replaced atomically and files the generator no longer
//! makes are removed; in check mode nothing is touched and every stale file is
//! named (the approach of rust-analyzer's `ensure_file_contents`).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;
use crate::error::Error;
use crate::parallel;

/// What `sync` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write what differs.
    Write,
    /// Only report what differs.
    Check,
}

/// Brings `out_dir` in line with `files`; returns the paths (relative to
/// `out_dir`'s parent, as `display` names it) that differed.
pub fn sync(
    out_dir: &Path,
    display: &str,
    files: &[GeneratedFile],
    mode: Mode,
) -> Result<Vec<String>, Error> {
    if mode == Mode::Write && !out_dir.exists() {
        return create_whole(out_dir, display, files);
    }
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    // Compared and written on every core: creating hundreds of files is
    // mostly the kernel's time, and it overlaps well.
    let compared = parallel::map(files, |file| {
        let path = out_dir.join(&file.path);
        let current = std::fs::read(&path).ok();
        if current.as_deref() == Some(file.contents.as_bytes()) {
            return Ok(None);
        }
        if mode == Mode::Write {
            write_atomically(&path, file.contents.as_bytes())?;
        }
        Ok(Some(file.path.clone()))
    });
    let mut stale = Vec::new();
    for outcome in compared {
        stale.extend(outcome?);
    }
    for extra in existing_files(out_dir)? {
        if !wanted.contains(extra.as_str()) {
            stale.push(extra.clone());
            if mode == Mode::Write {
                let path = out_dir.join(&extra);
                std::fs::remove_file(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                remove_empty_parents(out_dir, &path);
            }
        }
    }
    stale.sort();
    let stale: Vec<String> = stale
        .into_iter()
        .map(|p| format!("{display}/{p}"))
        .collect();
    if mode == Mode::Check && !stale.is_empty() {
        return Err(Error::Stale(stale));
    }
    Ok(stale)
}

/// Removes the folders between `path` (a file just removed) and `out_dir`
/// that are left empty, such as a shard crate's whose last model went:
/// a folder that is not empty, or that cannot be removed, stops it.
fn remove_empty_parents(out_dir: &Path, path: &Path) {
    let mut dir = path.parent();
    while let Some(current) = dir {
        if current == out_dir || !current.starts_with(out_dir) {
            break;
        }
        // `remove_dir` refuses a folder that is not empty.
        if std::fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

/// A missing `out_dir` is made whole in a staging folder beside it, then
/// renamed into place: all of it appears at once or none of it does,
/// and each file is created once (no temporary file and rename per file,
/// which costs as much again on some disks).
fn create_whole(
    out_dir: &Path,
    display: &str,
    files: &[GeneratedFile],
) -> Result<Vec<String>, Error> {
    let parent = out_dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    // Made with `create_dir`, so the folder gets the umask's permissions
    // (a temporary directory's would be private). One left by a run that
    // was killed is removed first.
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staged = parent.join(format!(".{name}.codegen-{}", std::process::id()));
    if staged.exists() {
        std::fs::remove_dir_all(&staged).map_err(io(&staged))?;
    }
    std::fs::create_dir(&staged).map_err(io(&staged))?;
    let written = parallel::map(files, |file| {
        let path = staged.join(&file.path);
        let dir = path.parent().unwrap_or(&staged);
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        std::fs::write(&path, file.contents.as_bytes()).map_err(io(&path))
    });
    let outcome = written
        .into_iter()
        .collect::<Result<Vec<()>, Error>>()
        .and_then(|_| std::fs::rename(&staged, out_dir).map_err(io(out_dir)));
    if let Err(e) = outcome {
        // Nothing half-made is left behind.
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    let mut made: Vec<String> = files
        .iter()
        .map(|f| format!("{display}/{}", f.path))
        .collect();
    made.sort();
    Ok(made)
}

/// The error of an I/O operation on `path`, for `map_err`.
fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io(dir))?;
    tmp.write_all(contents).map_err(io(path))?;
    tmp.persist(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// Every file below `dir`, relative, with `/` separators.
fn existing_files(dir: &Path) -> Result<Vec<String>, Error> {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(Error::Io {
                    path: current,
                    source,
                })
            }
        };
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io {
                path: current.clone(),
                source,
            })?;
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                found.push(parts.join("/"));
            }
        }
    }
    found.sort();
    Ok(found)
}
