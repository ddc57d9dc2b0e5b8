//! [`OutputFile`]: where an output will be saved, checked and reserved
//! before anything is sent, so a billed result is never lost to a folder
//! that cannot be written or a path that must not be replaced.
//!
//! The rules:
//! - a missing path or a regular file is fine (a file is replaced whole, by a
//!   rename, only once the output is complete);
//! - a symbolic link is followed: the file it points to is replaced and the
//!   link keeps pointing at it; a link to nothing or to anything but a
//!   regular file is refused;
//! - anything else (a folder, a device such as `/dev/null`, a FIFO, a
//!   socket) is refused: renaming over it would replace it with a file;
//! - the temporary file (`.<name>.<random>.part`, beside the target) is
//!   created at once, which proves the folder exists and can be written; it
//!   is closed again until the output arrives, so reserving many outputs
//!   ahead of many calls holds no file descriptors.
//!
//! Durability: before the rename, the temporary file is synced to disk
//! (`fsync`), so that after a crash or a power cut the target holds either
//! its old contents or the whole output, never an empty or partial file
//! under the final name. The sync costs time on large outputs (it waits for
//! the disk: about half again a 1 GiB download's time on a slow disk); a
//! caller who does not need that guarantee (a scratch folder, outputs that
//! are checked afterwards) turns it off with [`OutputFile::sync`]`(false)`,
//! or the CLI's `--no-sync`. The rename stays atomic either way: no other
//! process ever sees a partial file under the target's name.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// How long saving a billed output waits for a free file descriptor.
pub(crate) const FD_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Whether `e` says the process (EMFILE) or the system (ENFILE) has no file
/// descriptor left.
fn out_of_descriptors(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(23 | 24)) && cfg!(unix)
}

/// Runs `attempt` until it succeeds or fails for another reason than a lack
/// of file descriptors, pausing between tries (5 ms, doubling up to 200 ms),
/// for at most [`FD_WAIT`]: other calls finishing free theirs.
async fn when_descriptors_free<T, F>(mut attempt: impl FnMut() -> F) -> Result<T, Error>
where
    F: std::future::Future<Output = Result<T, Error>>,
{
    // tokio's clock: the same as std's, but one a test can advance.
    let started = tokio::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(5);
    loop {
        match attempt().await {
            Err(Error::Io { source, .. })
                if out_of_descriptors(&source) && started.elapsed() < FD_WAIT =>
            {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(std::time::Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

/// A reserved output: the target path and the temporary file the output is
/// written to first. Dropping it without saving deletes the temporary file.
pub struct OutputFile {
    target: PathBuf,
    temp: tempfile::TempPath,
    /// Whether the temporary file is synced to disk before the rename.
    sync: bool,
}

impl fmt::Debug for OutputFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutputFile")
            .field("target", &self.target)
            .field("temp", &&*self.temp)
            .field("sync", &self.sync)
            .finish()
    }
}

impl OutputFile {
    /// Checks `path` by the rules above and creates the temporary file
    /// beside it. Fails with [`Error::Io`] naming the path and the reason.
    pub fn create(path: impl AsRef<Path>) -> Result<OutputFile, Error> {
        let given = path.as_ref();
        let refuse = |why: String| Error::Io {
            path: Some(given.to_path_buf()),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, why),
        };
        let io_error = |source| Error::Io {
            path: Some(given.to_path_buf()),
            source,
        };
        let target = match std::fs::symlink_metadata(given) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => given.to_path_buf(),
            Err(e) => return Err(io_error(e)),
            Ok(meta) if meta.file_type().is_symlink() => {
                let resolved = std::fs::canonicalize(given).map_err(|_| {
                    refuse("is a symbolic link to nothing: give the path to write".to_owned())
                })?;
                match std::fs::metadata(&resolved) {
                    Ok(meta) if meta.is_file() => resolved,
                    _ => {
                        return Err(refuse(format!(
                            "is a symbolic link to {}, which is not a regular file: refusing to replace it",
                            resolved.display()
                        )))
                    }
                }
            }
            Ok(meta) if meta.is_file() => given.to_path_buf(),
            Ok(meta) => {
                let kind = if meta.is_dir() {
                    "a folder: give the output's file name"
                } else {
                    "not a regular file (a device, a FIFO or a socket): refusing to replace it"
                };
                return Err(refuse(format!("is {kind}")));
            }
        };
        let file_name = target
            .file_name()
            .ok_or_else(|| refuse("does not name a file".to_owned()))?;
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut prefix = std::ffi::OsString::from(".");
        prefix.push(file_name);
        prefix.push(".");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".part");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Like any new file: the umask decides, not the 0600 of temp files.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(&folder).map_err(io_error)?;
        Ok(OutputFile {
            target,
            temp: temp.into_temp_path(),
            sync: true,
        })
    }

    /// The file that will hold the output (a symbolic link's target).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary file the output is written to first.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Names the output `file_name` instead, in the same folder (as when
    /// the extension is picked once the reply's type is known: reserve
    /// `out.jpg`, then make it `out.png`). The new path is checked like
    /// [`OutputFile::create`]'s, except that a symbolic link is refused
    /// too; on an error the output keeps its name.
    pub fn set_file_name(&mut self, file_name: impl AsRef<std::ffi::OsStr>) -> Result<(), Error> {
        let folder = match self.temp.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = Path::new(file_name.as_ref());
        let plain = name.file_name() == Some(name.as_os_str());
        let target = folder.join(name);
        let refuse = |why: &str| Error::Io {
            path: Some(target.clone()),
            source: std::io::Error::other(why.to_owned()),
        };
        if !plain {
            return Err(refuse("is not a plain file name"));
        }
        match std::fs::symlink_metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::Io {
                    path: Some(target),
                    source: e,
                })
            }
            Ok(meta) if meta.is_file() => {}
            Ok(_) => {
                return Err(refuse(
                    "exists and is not a regular file: refusing to replace it",
                ))
            }
        }
        self.target = target;
        Ok(())
    }

    /// Whether the output is synced to disk before the rename (the
    /// default, `true`; see the module docs): `false` saves the wait for the
    /// disk, and gives up the guarantee that after a crash the target holds
    /// either its old contents or the whole output.
    pub fn sync(mut self, sync: bool) -> Self {
        self.sync = sync;
        self
    }

    /// Whether the output is synced before the rename.
    pub fn syncs(&self) -> bool {
        self.sync
    }

    /// Writes `bytes` as the whole output (the temporary file, synced unless
    /// [`OutputFile::sync`] said not to, then renamed over the target), as
    /// for a JSON answer saved to a file. Returns the number of bytes
    /// written.
    pub async fn save_bytes(self, bytes: &[u8]) -> Result<u64, Error> {
        use tokio::io::AsyncWriteExt as _;
        let mut file = self.writer().await?;
        file.write_all(bytes).await.map_err(|e| self.io(e))?;
        file.flush().await.map_err(|e| self.io(e))?;
        if self.sync {
            file.sync_all().await.map_err(|e| self.io(e))?;
        }
        drop(file);
        self.persist()?;
        Ok(bytes.len() as u64)
    }

    /// Opens the temporary file for writing, from its start. The output is
    /// billed by now, so when the process is out of file descriptors it
    /// waits for one (other calls finishing free theirs) for up to
    /// [`FD_WAIT`] rather than lose the output.
    pub(crate) async fn writer(&self) -> Result<tokio::fs::File, Error> {
        when_descriptors_free(|| async {
            tokio::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&*self.temp)
                .await
                .map_err(|e| self.io(e))
        })
        .await
    }

    /// [`OutputFile::create`] for an output that is billed by now (the save
    /// methods): when the process is out of file descriptors, it waits for
    /// one as [`OutputFile::writer`] does, rather than lose the output.
    pub(crate) async fn create_billed(path: &Path) -> Result<OutputFile, Error> {
        when_descriptors_free(|| std::future::ready(OutputFile::create(path))).await
    }

    /// Renames the temporary file over the target.
    pub(crate) fn persist(self) -> Result<(), Error> {
        let target = self.target;
        self.temp.persist(&target).map_err(|e| Error::Io {
            path: Some(target.clone()),
            source: e.error,
        })?;
        Ok(())
    }

    pub(crate) fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: Some(self.target.clone()),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_lack_of_descriptors_is_waited_out_and_other_errors_are_not() {
        let emfile = || Error::Io {
            path: None,
            source: std::io::Error::from_raw_os_error(24),
        };
        // Out of descriptors twice, then one is free: the third try wins.
        let mut tries = 0;
        let got = when_descriptors_free(|| {
            tries += 1;
            std::future::ready(if tries < 3 { Err(emfile()) } else { Ok(tries) })
        })
        .await;
        assert_eq!(got.unwrap(), 3);
        // Another error is returned at once.
        let mut tries = 0;
        let got: Result<(), Error> = when_descriptors_free(|| {
            tries += 1;
            std::future::ready(Err(Error::Io {
                path: None,
                source: std::io::ErrorKind::PermissionDenied.into(),
            }))
        })
        .await;
        assert!(matches!(got, Err(Error::Io { .. })));
        assert_eq!(tries, 1);
        // A lack that lasts is given up after FD_WAIT, with its error.
        let started = tokio::time::Instant::now();
        let got: Result<(), Error> =
            when_descriptors_free(|| std::future::ready(Err(emfile()))).await;
        match got {
            Err(Error::Io { source, .. }) => assert_eq!(source.raw_os_error(), Some(24)),
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed() >= FD_WAIT);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_new_path_reserves_a_temp_file_that_goes_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputFile::create(dir.path().join("out.mp4")).unwrap();
        assert!(out.temp_path().exists());
        assert_eq!(out.target(), dir.path().join("out.mp4"));
        drop(out);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn folders_missing_folders_and_devices_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = OutputFile::create(dir.path()).unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
        let err = OutputFile::create(dir.path().join("no/such/out.mp4")).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        #[cfg(unix)]
        {
            let err = OutputFile::create("/dev/null").unwrap_err();
            assert!(err.to_string().contains("not a regular file"), "{err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_to_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.mp4");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.mp4");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let out = OutputFile::create(&link).unwrap();
        assert_eq!(out.target(), std::fs::canonicalize(&real).unwrap());

        let to_device = dir.path().join("null.mp4");
        std::os::unix::fs::symlink("/dev/null", &to_device).unwrap();
        let err = OutputFile::create(&to_device).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let dangling = dir.path().join("dangling.mp4");
        std::os::unix::fs::symlink(dir.path().join("nothing"), &dangling).unwrap();
        let err = OutputFile::create(&dangling).unwrap_err();
        assert!(err.to_string().contains("link to nothing"), "{err}");
    }

    #[tokio::test]
    async fn without_the_sync_the_output_is_still_whole_and_renamed_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        std::fs::write(&target, b"old").unwrap();
        let out = OutputFile::create(&target).unwrap();
        assert!(out.syncs(), "synced by default");
        let out = out.sync(false);
        assert!(!out.syncs());
        assert!(format!("{out:?}").contains("sync: false"));
        let temp = out.temp_path().to_path_buf();
        assert_eq!(out.save_bytes(b"whole output").await.unwrap(), 12);
        assert_eq!(std::fs::read(&target).unwrap(), b"whole output");
        assert!(!temp.exists(), "the temporary file was renamed");
    }

    #[tokio::test]
    async fn the_name_can_change_before_saving() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = OutputFile::create(dir.path().join("flux.jpg")).unwrap();
        out.set_file_name("flux.png").unwrap();
        assert_eq!(out.target(), dir.path().join("flux.png"));
        std::fs::create_dir(dir.path().join("taken.png")).unwrap();
        assert!(out.set_file_name("taken.png").is_err());
        assert!(out.set_file_name("../up.png").is_err());
        assert_eq!(out.target(), dir.path().join("flux.png"));
        assert_eq!(out.save_bytes(b"png").await.unwrap(), 3);
        assert_eq!(names(dir.path()), vec!["flux.png", "taken.png"]);
        assert_eq!(std::fs::read(dir.path().join("flux.png")).unwrap(), b"png");
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_is_found_before_anything_is_sent() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root may write anywhere; the check is then moot.
        let writable = std::fs::write(locked.join("probe"), b"").is_ok();
        let result = OutputFile::create(locked.join("out.mp4"));
        assert_eq!(result.is_ok(), writable);
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
