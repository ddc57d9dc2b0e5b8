//! `-v`/`RUST_LOG`: the runtime's tracing spans and events, printed on
//! stderr. The runtime keeps the API key out of every field, so what is
//! printed here is safe to paste into a bug report.

use std::io::IsTerminal;

use clap::ArgMatches;
use tracing_subscriber::EnvFilter;

use crate::command::VERBOSE;

/// The filter for `-v` repeated `count` times.
fn level_filter(count: u8) -> &'static str {
    match count {
        1 => "segmind_runtime=info",
        2 => "segmind_runtime=debug",
        _ => "trace",
    }
}

/// Turns tracing on when `-v` is given, or when `RUST_LOG` is set (a
/// tracing filter such as `segmind_runtime=debug`), except with `--json`
/// and no `-v`, where stderr stays empty for scripts. `RUST_LOG` wins over
/// the level `-v` picks. A filter that does not parse is reported and
/// ignored.
pub fn init(matches: &ArgMatches, json: bool) {
    let count = matches
        .try_get_one::<u8>(VERBOSE)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(0);
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|value| !value.trim().is_empty());
    let wanted = match (&from_env, count) {
        (_, 1..) => from_env
            .clone()
            .unwrap_or_else(|| level_filter(count).to_owned()),
        (Some(env), 0) if !json => env.clone(),
        _ => return,
    };
    let filter = match EnvFilter::try_new(&wanted) {
        Ok(filter) => filter,
        Err(error) => {
            eprintln!(
                "segmind: RUST_LOG {wanted:?} is not a tracing filter ({error}); tracing stays off"
            );
            return;
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(count >= 2)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_is_a_valid_filter() {
        for count in 1..=5 {
            assert!(EnvFilter::try_new(level_filter(count)).is_ok(), "{count}");
        }
    }
}
