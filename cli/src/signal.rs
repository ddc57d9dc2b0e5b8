//! Ctrl-C: the work in progress is dropped (a half-written video file goes
//! with it) and the command ends with exit code 130, naming the job to resume
//! when one was submitted.

use std::future::Future;

use crate::failure::Failure;

/// Runs `work` until it ends or the user presses Ctrl-C. `request_id` is
/// the job the work concerns, if any, so the user can resume it.
pub async fn until_interrupted<T>(
    work: impl Future<Output = Result<T, Failure>>,
    request_id: Option<&str>,
) -> Result<T, Failure> {
    tokio::select! {
        outcome = work => outcome,
        // If the handler cannot be installed the branch is disabled and the
        // work simply runs to its end.
        Ok(()) = tokio::signal::ctrl_c() => Err(Failure::interrupted(request_id)),
    }
}
