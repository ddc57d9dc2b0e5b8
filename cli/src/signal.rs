//! Ctrl-C and SIGTERM: the work in progress is dropped (a half-written output
//! file goes with it) and the command ends with exit code 130 (Ctrl-C) or
//! 143 (SIGTERM), naming the billed request when one was sent.

use std::cell::RefCell;
use std::future::Future;

use crate::exit::Exit;
use crate::failure::Failure;

/// The request id of a billed call, once Segmind has given one: set by the
/// work as soon as it is known, read by whatever ends the work early.
#[derive(Debug, Default)]
pub struct BilledId(RefCell<Option<String>>);

impl BilledId {
    /// No request id yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// One already known (a resumed or submitted job).
    pub fn known(id: &str) -> Self {
        BilledId(RefCell::new(Some(id.to_owned())))
    }

    /// Records the id (the first one given wins).
    pub fn set(&self, id: Option<&str>) {
        let mut slot = self.0.borrow_mut();
        if slot.is_none() {
            *slot = id.map(str::to_owned);
        }
    }

    /// The id, if known.
    pub fn get(&self) -> Option<String> {
        self.0.borrow().clone()
    }

    /// `failure` with the billed request's id, when it has none.
    pub fn attach(&self, mut failure: Failure) -> Failure {
        if failure.request_id.is_none() {
            failure.request_id = self.get();
        }
        failure
    }
}

/// Runs `work` until it ends or the process is asked to stop (Ctrl-C or
/// SIGTERM). Any failure, and the interruption, carry `billed`'s id.
pub async fn until_interrupted<T>(
    work: impl Future<Output = Result<T, Failure>>,
    billed: &BilledId,
) -> Result<T, Failure> {
    let outcome = tokio::select! {
        outcome = work => outcome,
        // If a handler cannot be installed its branch is disabled and the
        // work simply runs to its end.
        Ok(()) = tokio::signal::ctrl_c() => Err(Failure::interrupted(Exit::Interrupted, billed.get().as_deref())),
        Some(()) = terminated() => Err(Failure::interrupted(Exit::Terminated, billed.get().as_deref())),
    };
    outcome.map_err(|failure| billed.attach(failure))
}

/// Resolves when SIGTERM arrives (never on other platforms).
async fn terminated() -> Option<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        signal(SignalKind::terminate()).ok()?.recv().await
    }
    #[cfg(not(unix))]
    {
        std::future::pending().await
    }
}
