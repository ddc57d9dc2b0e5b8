//! Media inputs: a field that takes an image, audio or video is either a URL
//! sent as is, or a local file that the runtime uploads before the request.

use std::fmt;
use std::path::{Path, PathBuf};

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

    /// Reads a command-line style argument: `data:` and anything with a URL
    /// scheme (`https://`, `ftp://`, ...) is a URL, anything else a local
    /// path. An unsupported scheme is kept as a URL so that validation names
    /// it, rather than looking for a file of that name.
    pub fn parse(text: &str) -> Self {
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
    /// A URL or a local path, as [`Media::parse`] tells them apart.
    fn from(text: &str) -> Self {
        Media::parse(text)
    }
}

impl From<String> for Media {
    /// A URL or a local path, as [`Media::parse`] tells them apart.
    fn from(text: String) -> Self {
        Media::parse(&text)
    }
}

impl From<&String> for Media {
    /// A URL or a local path, as [`Media::parse`] tells them apart.
    fn from(text: &String) -> Self {
        Media::parse(text)
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
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Media::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_tells_urls_from_paths() {
        assert_eq!(
            Media::parse("https://x.test/a.png"),
            Media::Url("https://x.test/a.png".into())
        );
        assert_eq!(
            Media::parse("HTTP://x.test/a.png"),
            Media::Url("HTTP://x.test/a.png".into())
        );
        assert_eq!(
            Media::parse("data:image/png;base64,AA=="),
            Media::Url("data:image/png;base64,AA==".into())
        );
        assert_eq!(Media::parse("face.png"), Media::File("face.png".into()));
        assert_eq!(
            Media::parse("./http/face.png"),
            Media::File("./http/face.png".into())
        );
        assert_eq!(
            Media::parse("ftp://x.test/a.png"),
            Media::Url("ftp://x.test/a.png".into())
        );
        assert_eq!(
            Media::parse("dir/a://b.png"),
            Media::File("dir/a://b.png".into())
        );
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
        // A path is a file even when it looks like a URL.
        let odd = PathBuf::from("https://x.test/a.png");
        assert_eq!(Media::from(odd.as_path()), Media::File(odd.clone()));
        assert_eq!(Media::from(&odd), Media::File(odd.clone()));
        assert_eq!(Media::from(odd.clone()), Media::File(odd));
    }
}
