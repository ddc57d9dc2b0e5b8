//! Saving a video to `--out`, with a byte progress bar while it downloads,
//! or writing it to stdout for `--out -`.

use std::path::Path;

use segmind_runtime::Video;

use crate::failure::Failure;
use crate::progress::Progress;
use crate::wait::Destination;

/// Streams `video` into `destination` and returns the number of bytes
/// written. A file is saved atomically (its temporary file, reserved before
/// the call, renamed at the end); `out` names it in progress messages.
pub async fn save(
    video: Video,
    destination: Destination,
    out: &Path,
    progress: &Progress,
) -> Result<u64, Failure> {
    if !video.end_is_checked() {
        progress.note(&format!(
            "warning: the reply has no Content-Length and is not MP4 ({}): a connection cut early would look like the end of the video",
            video.content_type().unwrap_or("no Content-Type")
        ));
    }
    match destination {
        Destination::File(file) => {
            let bar =
                progress.download(format!("saving {}", out.display()), video.content_length());
            video
                .save_into(file, |written, total| bar.update(written, total))
                .await
                .map_err(Failure::from_runtime)
        }
        Destination::Stdout => video
            .write_to(&mut tokio::io::stdout())
            .await
            .map_err(Failure::from_runtime),
    }
}
