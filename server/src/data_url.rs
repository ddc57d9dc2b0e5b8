//! Parsing `data:<mime>;base64,<data>` URLs, as Segmind's storage upload takes
//! them, and naming the stored file's extension after its MIME type.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;

/// A decoded data URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataUrl {
    /// The MIME type, lower case, without parameters (`application/octet-stream`
    /// when the URL gives none).
    pub mime: String,
    /// The decoded bytes.
    pub bytes: Vec<u8>,
}

/// Decodes `data:<mime>[;param...];base64,<standard base64>`.
pub(crate) fn parse(url: &str) -> Result<DataUrl, String> {
    let rest = url
        .strip_prefix("data:")
        .ok_or("does not start with `data:`")?;
    let (meta, data) = rest.split_once(',').ok_or("has no `,` before its data")?;
    let mut params = meta.split(';');
    let mime = params
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !params.any(|param| param.trim().eq_ignore_ascii_case("base64")) {
        return Err("is not base64-encoded (`;base64,` missing)".to_owned());
    }
    let mime = if mime.is_empty() {
        "application/octet-stream".to_owned()
    } else if mime.split_once('/').is_some_and(|(kind, sub)| {
        !kind.is_empty() && !sub.is_empty() && !mime.contains(char::is_whitespace)
    }) {
        mime
    } else {
        return Err(format!("has an invalid MIME type `{mime}`"));
    };
    let data = data.trim();
    let bytes = STANDARD
        .decode(data)
        .or_else(|_| STANDARD_NO_PAD.decode(data))
        .map_err(|error| format!("has invalid base64 data: {error}"))?;
    Ok(DataUrl { mime, bytes })
}

/// The file extension for a MIME type (`bin` when unknown).
pub(crate) fn extension(mime: &str) -> &'static str {
    match mime {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
        "audio/ogg" => "ogg",
        "audio/mp4" | "audio/x-m4a" => "m4a",
        "audio/flac" => "flac",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        "text/plain" => "txt",
        "application/json" => "json",
        _ => "bin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_with_and_without_parameters() {
        let url = parse("data:image/png;base64,iVBORw==").unwrap();
        assert_eq!(url.mime, "image/png");
        assert_eq!(url.bytes, vec![0x89, b'P', b'N', b'G']);
        let url = parse("data:Audio/MPEG;name=a.mp3;base64,AAEC").unwrap();
        assert_eq!(url.mime, "audio/mpeg");
        assert_eq!(url.bytes, vec![0, 1, 2]);
        assert_eq!(
            parse("data:;base64,AA").unwrap().mime,
            "application/octet-stream"
        );
    }

    #[test]
    fn rejects_bad_urls() {
        for bad in [
            "https://example.com/a.png",
            "data:image/png,plain",
            "data:image/png;base64",
            "data:image/png;base64,@@@",
            "data:nonsense;base64,AA",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_extensions() {
        assert_eq!(extension("image/jpeg"), "jpg");
        assert_eq!(extension("audio/mpeg"), "mp3");
        assert_eq!(extension("application/x-unknown"), "bin");
    }
}
