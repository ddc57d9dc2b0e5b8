//! Media inputs: a field that takes an image, audio or video is either a URL
//! sent as is, or a local file that the runtime uploads before the request.
//!
//! Data is never a file path. A string read with serde (a JSON input, a
//! batch line, a web request a service forwards) or converted with
//! `From<&str>` is a URL, sent as it is and valid exactly when it is an RFC
//! 3986 URI (the schema's `format: uri`). A local file comes only from an
//! explicit act: [`Media::file`] or a `Path` in code,
//! [`Media::url_or_path`] on text a person typed, or JSON read inside
//! [`with_local_paths`], the opt-in for JSON the caller trusts.

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::thread::LocalKey;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a media field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A picture (PNG, JPEG, ...).
    Image,
    /// A sound file (MP3, WAV, ...).
    Audio,
    /// A video file (MP4, ...).
    Video,
}

impl MediaKind {
    /// Lower-case name, as in the schema's `x-media`.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A media input: a URL the server fetches, or a local file to upload.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Media {
    /// An `http`, `https` or `data` URL, sent as is.
    Url(String),
    /// A local file, uploaded (or inlined as a data URL) before the request.
    File(PathBuf),
}

impl Media {
    /// A URL the server fetches itself.
    pub fn url(url: impl Into<String>) -> Self {
        Media::Url(url.into())
    }

    /// A local file, uploaded before the request is sent.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Media::File(path.into())
    }

    /// Reads text a person typed, as a command-line argument: `data:` and
    /// anything with a URL scheme (`https://`, `ftp://`, ...) is a URL,
    /// anything else a local path. An unsupported scheme is kept as a URL so
    /// that validation names it, rather than looking for a file of that name.
    ///
    /// This guesses, so it is only for text whose author may name local
    /// files (the person at the terminal, a file they wrote): never call it
    /// on data from elsewhere. [`Media::url`] and `From<&str>` never guess.
    pub fn url_or_path(text: &str) -> Self {
        let has_scheme = text.split_once("://").is_some_and(|(scheme, _)| {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
        let is_data = text
            .get(..5)
            .is_some_and(|head| head.eq_ignore_ascii_case("data:"));
        if has_scheme || is_data {
            Media::Url(text.to_owned())
        } else {
            Media::File(PathBuf::from(text))
        }
    }

    /// The URL, when this is one.
    pub fn as_url(&self) -> Option<&str> {
        match self {
            Media::Url(url) => Some(url),
            Media::File(_) => None,
        }
    }

    /// The local path, when this is a file.
    pub fn as_path(&self) -> Option<&Path> {
        match self {
            Media::Url(_) => None,
            Media::File(path) => Some(path),
        }
    }

    /// The text that stands for this input in a JSON body before upload: the
    /// URL, or the path of a local file.
    pub fn to_wire_text(&self) -> String {
        match self {
            Media::Url(url) => url.clone(),
            Media::File(path) => path.display().to_string(),
        }
    }
}

impl fmt::Debug for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A data URL can be megabytes long: show its head only.
            Media::Url(url) if url.len() > 80 => {
                let head: String = url.chars().take(60).collect();
                write!(f, "Url({head:?}… {} bytes)", url.len())
            }
            Media::Url(url) => f.debug_tuple("Url").field(url).finish(),
            Media::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

impl From<&str> for Media {
    /// Always a URL, whatever it looks like (a local file is
    /// [`Media::file`], or a `Path`).
    fn from(text: &str) -> Self {
        Media::Url(text.to_owned())
    }
}

impl From<String> for Media {
    /// Always a URL, whatever it looks like (a local file is
    /// [`Media::file`], or a `Path`).
    fn from(text: String) -> Self {
        Media::Url(text)
    }
}

impl From<&String> for Media {
    /// Always a URL, whatever it looks like (a local file is
    /// [`Media::file`], or a `Path`).
    fn from(text: &String) -> Self {
        Media::Url(text.clone())
    }
}

impl From<&Path> for Media {
    /// Always a local file, whatever its name looks like.
    fn from(path: &Path) -> Self {
        Media::File(path.to_path_buf())
    }
}

impl From<PathBuf> for Media {
    /// Always a local file, whatever its name looks like.
    fn from(path: PathBuf) -> Self {
        Media::File(path)
    }
}

impl From<&PathBuf> for Media {
    /// Always a local file, whatever its name looks like.
    fn from(path: &PathBuf) -> Self {
        Media::File(path.clone())
    }
}

impl Serialize for Media {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_wire_text())
    }
}

impl<'de> Deserialize<'de> for Media {
    /// A string is a URL, never a local path, unless it is read inside
    /// [`with_local_paths`] (then as [`Media::url_or_path`] reads it).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if LOCAL_PATHS.with_borrow(|any| *any) {
            return Ok(Media::url_or_path(&text));
        }
        let named = NAMED_FILES.with_borrow(|named| named.contains(&text));
        Ok(if named {
            Media::File(PathBuf::from(text))
        } else {
            Media::Url(text)
        })
    }
}

thread_local! {
    /// Whether this thread is inside [`with_local_paths`].
    static LOCAL_PATHS: RefCell<bool> = const { RefCell::new(false) };
    /// The paths named as files inside [`with_named_files`] on this thread.
    static NAMED_FILES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Runs `read` with `value` in the thread-local `key`, then puts back what
/// was there, also when `read` panics.
fn scoped<T: 'static, R>(
    key: &'static LocalKey<RefCell<T>>,
    value: T,
    read: impl FnOnce() -> R,
) -> R {
    /// Puts the earlier value back when dropped.
    struct Restore<T: 'static>(&'static LocalKey<RefCell<T>>, Option<T>);
    impl<T: 'static> Drop for Restore<T> {
        fn drop(&mut self) {
            if let Some(earlier) = self.1.take() {
                self.0.set(earlier);
            }
        }
    }
    let _restore = Restore(key, Some(key.replace(value)));
    read()
}

/// Runs `read` with exactly the paths in `files` read as local files when a
/// media string read with serde is one of them, character for character;
/// every other string stays a URL. For a tool whose user named each file
/// explicitly (the CLI's `--file KEY=PATH`) and whose other strings must
/// not be guessed.
pub fn with_named_files<R>(files: Vec<String>, read: impl FnOnce() -> R) -> R {
    scoped(&NAMED_FILES, files, read)
}

/// Runs `read` with local paths allowed in the media strings it reads with
/// serde: inside it, on this thread, a media string without a URL scheme is
/// a local file (read and uploaded by the call), as [`Media::url_or_path`]
/// reads it. Outside it, every media string is a URL.
///
/// This is the opt-in for JSON the caller trusts as much as their own code:
/// a file the person at the terminal wrote (the CLI's `--json-input` and
/// batch files use it). Never wrap JSON from a user of a service in it: a
/// request holding `"/etc/passwd"` would upload that file.
///
/// ```
/// use segmind_runtime::{with_local_paths, Media};
///
/// let json = serde_json::json!("face.png");
/// let trusted: Media = with_local_paths(|| serde_json::from_value(json.clone())).unwrap();
/// assert_eq!(trusted, Media::file("face.png"));
/// // By default a string is a URL (and this one is not a valid one).
/// let untrusted: Media = serde_json::from_value(json).unwrap();
/// assert_eq!(untrusted, Media::url("face.png"));
/// ```
pub fn with_local_paths<R>(read: impl FnOnce() -> R) -> R {
    scoped(&LOCAL_PATHS, true, read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_tells_urls_from_paths() {
        assert_eq!(
            Media::url_or_path("https://x.test/a.png"),
            Media::Url("https://x.test/a.png".into())
        );
        assert_eq!(
            Media::url_or_path("HTTP://x.test/a.png"),
            Media::Url("HTTP://x.test/a.png".into())
        );
        assert_eq!(
            Media::url_or_path("data:image/png;base64,AA=="),
            Media::Url("data:image/png;base64,AA==".into())
        );
        assert_eq!(
            Media::url_or_path("face.png"),
            Media::File("face.png".into())
        );
        assert_eq!(
            Media::url_or_path("./http/face.png"),
            Media::File("./http/face.png".into())
        );
        assert_eq!(
            Media::url_or_path("ftp://x.test/a.png"),
            Media::Url("ftp://x.test/a.png".into())
        );
        assert_eq!(
            Media::url_or_path("dir/a://b.png"),
            Media::File("dir/a://b.png".into())
        );
    }

    #[test]
    fn serde_reads_a_url_unless_local_paths_are_allowed() {
        let read = |text: &str| serde_json::from_value::<Media>(serde_json::json!(text));
        for text in [
            "/etc/passwd",
            "face.png",
            "C:\\a.png",
            "https://x.test/a.png",
        ] {
            assert_eq!(read(text).unwrap(), Media::Url(text.into()), "{text}");
        }
        assert_eq!(
            with_local_paths(|| read("/etc/passwd")).unwrap(),
            Media::File("/etc/passwd".into())
        );
        assert_eq!(
            with_local_paths(|| read("https://x.test/a.png")).unwrap(),
            Media::Url("https://x.test/a.png".into())
        );
        // The opt-in ends with its closure, also when the closure panics.
        assert_eq!(read("a.png").unwrap(), Media::Url("a.png".into()));
        let panicked = std::panic::catch_unwind(|| with_local_paths(|| panic!("in the closure")));
        assert!(panicked.is_err());
        assert_eq!(read("a.png").unwrap(), Media::Url("a.png".into()));
        // Nested opt-ins restore the outer state.
        with_local_paths(|| {
            with_local_paths(|| ());
            assert_eq!(read("a.png").unwrap(), Media::File("a.png".into()));
        });
    }

    #[test]
    fn debug_shortens_long_data_urls() {
        let long = format!("data:audio/mpeg;base64,{}", "A".repeat(10_000));
        let shown = format!("{:?}", Media::url(long));
        assert!(shown.len() < 120, "{shown}");
        assert!(shown.contains("10023 bytes"), "{shown}");
    }

    #[test]
    fn conversions_from_strings_and_paths() {
        let url = "https://x.test/a.png";
        assert_eq!(Media::from(url.to_owned()), Media::Url(url.into()));
        assert_eq!(Media::from(&url.to_owned()), Media::Url(url.into()));
        // A string is a URL even when it looks like a path.
        assert_eq!(Media::from("/etc/passwd"), Media::Url("/etc/passwd".into()));
        assert_eq!(
            Media::from("face.png".to_owned()),
            Media::Url("face.png".into())
        );
        // A path is a file even when it looks like a URL.
        let odd = PathBuf::from("https://x.test/a.png");
        assert_eq!(Media::from(odd.as_path()), Media::File(odd.clone()));
        assert_eq!(Media::from(&odd), Media::File(odd.clone()));
        assert_eq!(Media::from(odd.clone()), Media::File(odd));
    }
}
