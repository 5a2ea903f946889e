//! Maintainer tasks for nylas-workspaces, run as `cargo xtask <task>`.
//!
//! * `generate [--check]`: regenerate the client crates from `openapi/workspaces.json`,
//!   or (with `--check`) fail with a diff when the committed code has drifted from the spec.
//! * `test`: everything CI runs: Rust tests, the drift check, clippy, rustfmt and the spec
//!   validation, installing the Python tools it needs into `.venv`.

mod generate;
mod paths;
mod spec;
mod tasks;
mod venv;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  generate           regenerate crates/nylas-workspaces-api and crates/nylas-workspaces-httpmock
  generate --check   fail (with a diff) when the committed generated code differs from the spec
  test               run every test: Rust, drift check, clippy, rustfmt, spec validation
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["generate"] => generate::run(generate::Mode::Write),
        ["generate", "--check"] => generate::run(generate::Mode::Check),
        ["test"] => tasks::test_all(),
        ["help" | "--help" | "-h"] | [] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("unknown task {args:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
