//! Handling errors by what they mean: what to fix, what to wait for, and
//! when a call may already have been billed (never simply send it again:
//! resume it by its request id).
//!
//! ```sh
//! cargo run -p segmind-examples --example error_handling
//! ```

use segmind::{hallo, Error, ErrorCategory, Media, WaitOptions};

#[tokio::main]
async fn main() {
    let client = match segmind::Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("setup: {error}");
            std::process::exit(2);
        }
    };
    // `pose_weight` is above its maximum of 10: refused before sending.
    let input = hallo::Input::new(
        Media::url("https://example.com/face.png"),
        Media::url("https://example.com/voice.mp3"),
    )
    .pose_weight(12.0);
    let outcome = match client.hallo_submit(&input).await {
        Ok(job) => job.wait(WaitOptions::default()).await.map(|_| ()),
        Err(error) => Err(error),
    };
    let Err(error) = outcome else {
        println!("done");
        return;
    };
    match &error {
        Error::Validation(report) => {
            // Every violation at once: field, constraint, value.
            for violation in &report.violations {
                eprintln!("fix: {violation}");
            }
        }
        Error::Unauthorized(_) => eprintln!("check SEGMIND_API_KEY"),
        Error::InsufficientCredits(info) => eprintln!("top up: {}", info.status),
        Error::RateLimited { reset_at, .. } => eprintln!("rate limited until {reset_at:?}"),
        Error::JobFailed {
            request_id,
            message,
            ..
        } => eprintln!("job {request_id} failed: {message}"),
        Error::Timeout {
            request_id: Some(id),
            ..
        } => eprintln!("still running: resume with client.job({id:?})"),
        other if other.may_have_been_billed() => {
            eprintln!("may have been billed: {other}");
            if let Some(id) = other.request_id() {
                eprintln!("resume it with client.job({id:?}), do not send it again");
            }
        }
        // `Error` is non_exhaustive; its category sorts every variant.
        other => match other.category() {
            ErrorCategory::Transport => eprintln!("network: {other} (safe to retry)"),
            _ => eprintln!("{}: {other}", other.category().as_str()),
        },
    }
    std::process::exit(1);
}
