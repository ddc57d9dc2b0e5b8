//! Saving a video to `--out`, with a byte progress bar while it downloads.

use std::path::Path;

use segmind_runtime::Video;

use crate::failure::Failure;
use crate::progress::Progress;

/// Streams `video` into `out` (atomically: a temporary file renamed at the
/// end) and returns the number of bytes written.
pub async fn save(video: Video, out: &Path, progress: &Progress) -> Result<u64, Failure> {
    if !video.end_is_checked() {
        progress.note(&format!(
            "warning: the reply has no Content-Length and is not MP4 ({}): a connection cut early would look like the end of the video",
            video.content_type().unwrap_or("no Content-Type")
        ));
    }
    let bar = progress.download(format!("saving {}", out.display()), video.content_length());
    video
        .save_with_progress(out, |written, total| bar.update(written, total))
        .await
        .map_err(Failure::from_runtime)
}
