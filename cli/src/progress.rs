//! Progress on stderr: a spinner with the elapsed time while Segmind works,
//! a byte bar while the output downloads, and one-line notes. Bars are drawn
//! only on a terminal and never with `--quiet` or `--json`.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::output;

/// How often a spinner redraws.
const TICK: Duration = Duration::from_millis(120);

/// Where progress goes, decided once from the global options.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    bars: bool,
    notes: bool,
}

impl Progress {
    /// `bars`: draw spinners and bars; `notes`: print notes.
    pub fn new(bars: bool, notes: bool) -> Self {
        Progress { bars, notes }
    }

    /// Prints a note line on stderr, unless notes are off.
    pub fn note(&self, text: &str) {
        if self.notes {
            output::stderr(&format!("{text}\n"));
        }
    }

    /// A spinner showing `message` and the elapsed time, until dropped.
    pub fn spinner(&self, message: impl Into<String>) -> Activity {
        if !self.bars {
            return Activity {
                bar: ProgressBar::hidden(),
            };
        }
        let bar =
            ProgressBar::new_spinner().with_style(style("{spinner} {msg} [{elapsed_precise}]"));
        bar.set_message(message.into());
        bar.enable_steady_tick(TICK);
        Activity { bar }
    }

    /// A bar of the bytes of the output written so far, until dropped.
    pub fn download(&self, message: impl Into<String>, total: Option<u64>) -> Download {
        if !self.bars {
            return Download {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = match total {
            Some(total) => ProgressBar::new(total).with_style(style(
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            )),
            None => {
                let bar = ProgressBar::new_spinner()
                    .with_style(style("{spinner} {msg} {bytes} ({bytes_per_sec})"));
                bar.enable_steady_tick(TICK);
                bar
            }
        };
        bar.set_message(message.into());
        Download { bar }
    }
}

/// A style from a template; indicatif's default if the template is refused.
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .map(|style| style.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A running spinner; cleared from the terminal when dropped.
pub struct Activity {
    bar: ProgressBar,
}

impl Activity {
    /// Changes what the spinner says.
    pub fn set_message(&self, message: impl Into<String>) {
        self.bar.set_message(message.into());
    }
}

impl Drop for Activity {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// A running download bar; cleared from the terminal when dropped.
pub struct Download {
    bar: ProgressBar,
}

impl Download {
    /// Reports `written` bytes of `total` (when known).
    pub fn update(&self, written: u64, total: Option<u64>) {
        if let Some(total) = total {
            if self.bar.length() != Some(total) {
                self.bar.set_length(total);
            }
        }
        self.bar.set_position(written);
    }
}

impl Drop for Download {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
