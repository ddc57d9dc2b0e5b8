//! `cargo xtask codegen [--check]`: writes `generated/` from `schema/*.json`,
//! or with `--check` fails when `generated/` is stale.

use std::process::ExitCode;

use xtask::{codegen, workspace_root, Mode};

const USAGE: &str = "usage: cargo xtask codegen [--check]\n\n  codegen          write generated/ from schema/*.json\n  codegen --check  fail (exit 1) when generated/ is not what schema/ gives";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => Mode::Write,
        ["codegen", "--check"] => Mode::Check,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match codegen(&workspace_root(), mode) {
        Ok(changed) if mode == Mode::Write => {
            if changed.is_empty() {
                println!("generated/ is up to date");
            } else {
                for file in &changed {
                    println!("wrote {file}");
                }
            }
            ExitCode::SUCCESS
        }
        Ok(_) => {
            println!("generated/ is up to date");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
