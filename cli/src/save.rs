//! Delivering an output: a media file saved to `--out` (or to its default
//! name, whose extension follows the reply's type) with a byte progress
//! bar, or written to stdout for `--out -`; a JSON answer printed, or
//! written to `--out`.

use std::path::PathBuf;

use segmind_runtime::{MediaOutput, MediaOutputKind, OutputKind};
use serde_json::Value;

use crate::failure::Failure;
use crate::progress::Progress;
use crate::wait::Destination;

/// Where an output went, for the report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Delivered {
    /// The file it was saved to (`-` for stdout); `None` when a JSON
    /// answer was printed.
    pub path: Option<PathBuf>,
    /// Bytes written, when it was written.
    pub bytes: Option<u64>,
    /// The reply's media type, for media.
    pub content_type: Option<String>,
    /// A JSON answer that was not written to a file (it is printed).
    pub output: Option<Value>,
    /// A chat reply's text, printed instead of `output` (which `--json`
    /// reports whole).
    pub text: Option<String>,
}

/// The usual file extension of a kind, used for default names before the
/// reply's type is known: `mp4`, `jpg`, `mp3` (`json` for JSON).
pub fn usual_extension(kind: OutputKind) -> &'static str {
    match kind {
        OutputKind::Image => "jpg",
        OutputKind::Audio => "mp3",
        OutputKind::Json | OutputKind::Chat(_) => "json",
        _ => "mp4",
    }
}

/// Streams `media` into `destination`. A file is saved atomically (its
/// temporary file, reserved before the call, renamed at the end); a default
/// name takes the extension of the reply's type first.
pub async fn save<K: MediaOutputKind>(
    media: MediaOutput<K>,
    destination: Destination,
    progress: &Progress,
) -> Result<Delivered, Failure> {
    if !media.end_is_checked() {
        progress.note(&format!(
            "warning: the reply has no Content-Length and its type ({}) does not let its end be checked: a connection cut early would look like the end of the {}",
            media.content_type().unwrap_or("no Content-Type"),
            K::NAME
        ));
    }
    let content_type = media.content_type().map(str::to_owned);
    let ext = media.extension();
    let (file, shown) = match destination {
        Destination::Stdout => {
            let bytes = media
                .write_to(&mut tokio::io::stdout())
                .await
                .map_err(Failure::from_runtime)?;
            return Ok(Delivered {
                path: Some(PathBuf::from("-")),
                bytes: Some(bytes),
                content_type,
                output: None,
                text: None,
            });
        }
        Destination::File { file, path } => {
            let given = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let same = given.eq_ignore_ascii_case(ext)
                || (ext == "jpg" && given.eq_ignore_ascii_case("jpeg"));
            if !same {
                progress.note(&format!(
                    "note: the reply is {} (.{ext}); it is saved as {} as asked",
                    content_type.as_deref().unwrap_or("of no given type"),
                    path.display()
                ));
            }
            (file, path)
        }
        Destination::Default {
            mut file,
            stem,
            usual,
        } => {
            let mut shown = PathBuf::from(format!("{stem}.{usual}"));
            if ext != usual {
                let named = PathBuf::from(format!("{stem}.{ext}"));
                match file.set_file_name(&named) {
                    Ok(()) => shown = named,
                    Err(e) => progress.note(&format!(
                        "warning: cannot name the output {} ({e}); it is saved as {}",
                        named.display(),
                        shown.display()
                    )),
                }
            }
            (file, shown)
        }
    };
    let bar = progress.download(
        format!("saving {}", shown.display()),
        media.content_length(),
    );
    let bytes = media
        .save_into(file, |written, total| bar.update(written, total))
        .await
        .map_err(Failure::from_runtime)?;
    Ok(Delivered {
        path: Some(shown),
        bytes: Some(bytes),
        content_type,
        output: None,
        text: None,
    })
}

/// Delivers a JSON answer: written (indented) to `--out` when a file was
/// given, else handed back to be printed (a default name reserved for a
/// job of unknown kind is let go).
pub async fn save_json(value: Value, destination: Destination) -> Result<Delivered, Failure> {
    match destination {
        Destination::File { file, path } => {
            let mut text =
                serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
            text.push('\n');
            let bytes = file
                .save_bytes(text.as_bytes())
                .await
                .map_err(Failure::from_runtime)?;
            Ok(Delivered {
                path: Some(path),
                bytes: Some(bytes),
                content_type: Some("application/json".to_owned()),
                output: None,
                text: None,
            })
        }
        Destination::Default { .. } | Destination::Stdout => Ok(Delivered {
            content_type: Some("application/json".to_owned()),
            output: Some(value),
            ..Delivered::default()
        }),
    }
}
