//! Maintainer tasks for nylas-workspaces, run as `cargo xtask <task>`.
//!
//! * `generate [--check]`: regenerate the client crates from `openapi/workspaces.json`,
//!   or (with `--check`) fail with a diff when the committed code has drifted from the spec.
//! * `test`: everything CI runs: Rust tests, the drift check, clippy, rustfmt and the spec
//!   validation, installing the Python tools it needs into `.venv`.
//! * `upstream-diff PATH [--json]`: what differs between Nylas's published OpenAPI document
//!   and `openapi/workspaces.json` for the Workspaces operations (see [`upstream_diff`]).
//! * `release-check`: the crates, sdist and workflow a release ships, checked without
//!   publishing (see [`release`]); part of `test`.
//! * `bench`: side-by-side benchmarks against the alternatives, written to `bench/REPORT.md`
//!   (see [`bench`]); never part of `test`.

mod bench;
mod generate;
mod paths;
mod python;
mod release;
mod schemathesis;
mod spec;
mod tasks;
mod upstream_diff;
mod venv;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  generate           regenerate crates/nylas-workspaces-api and crates/nylas-workspaces-httpmock
  generate --check   fail (with a diff) when the committed generated code differs from the spec
  test               run every test: Rust, drift check, clippy, rustfmt, spec validation,
                     Python, release-check
  schemathesis       only the schemathesis run against the standalone emulator
  wheel              build the release manylinux2014 abi3 wheel into target/wheels (maturin
                     --zig) and check that it installs and imports in a fresh venv
  release-check      what the release workflow ships, checked without publishing: cargo package
                     of the published crates, the sdist built and smoke-tested in a fresh venv,
                     twine check, actionlint (part of `test`)
  bench [--quick] [--skip-build-cost] [--skip-micro] [--pacing-json FILE] [--out DIR]
                     benchmark against the official Nylas SDK, httpx, requests and raw
                     reqwest on a loopback emulator; writes bench/REPORT.md and
                     bench/report.json (--quick: tiny counts, into target/bench/quick)
  upstream-diff PATH [--json] [--ours FILE] [--accepted FILE]
                     compare the Workspaces operations of Nylas's OpenAPI document at PATH
                     (JSON or YAML, 3.0 or 3.1) with openapi/workspaces.json (or FILE);
                     differences listed in openapi/upstream-accepted.json are shown as
                     accepted. Exit 0: nothing to review, 1: differences, 2: bad input
";

fn main() -> ExitCode {
    if std::env::var_os("CI").is_some() && std::env::var_os("CARGO_INCREMENTAL").is_none() {
        // In CI every build is a first build, and saving incremental state only slows it.
        // Set for the whole process so that every cargo this xtask starts, maturin's
        // included, builds with the same flags and shares artifacts.
        // SAFETY: nothing else runs yet: no thread has been started that could read the
        // environment concurrently.
        unsafe { std::env::set_var("CARGO_INCREMENTAL", "0") };
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["generate"] => generate::run(generate::Mode::Write),
        ["generate", "--check"] => generate::run(generate::Mode::Check),
        ["test"] => tasks::test_all(),
        ["schemathesis"] => schemathesis::run(),
        ["wheel"] => python::release_wheel(),
        ["release-check"] => release::run(),
        ["bench", rest @ ..] => bench::run(rest),
        ["upstream-diff", rest @ ..] => return upstream_diff::run(rest),
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
