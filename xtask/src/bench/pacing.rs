//! Issue 9's pacing measurement (`bench/driver/src/bin/pacing_bench.rs`): bulk
//! assignment against the emulator's own rate limiter, adaptive vs. unpaced vs. four
//! processes. It runs its own in-process emulators, so it is run as it is and its JSON is
//! included in the report verbatim.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::{paths, tasks::run_cmd};

const SOURCE: &str = "bench/driver/src/bin/pacing_bench.rs";

/// Builds and runs the program when it exists; `Ok(None)` when it does not.
pub fn run(quick: bool) -> Result<Option<Value>, String> {
    let root = paths::root();
    if !root.join(SOURCE).exists() {
        return Ok(None);
    }
    let out = run_program("pacing_bench", quick.then_some(&["--grants", "5000"][..]))?;
    read(&out).map(Some)
}

/// Builds `bin` of the bench package in release mode, runs it with `--json FILE` (and
/// `extra` arguments) and returns the path of the JSON it wrote.
pub fn run_program(bin: &str, extra: Option<&[&str]>) -> Result<std::path::PathBuf, String> {
    let root = paths::root();
    run_cmd(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).args([
            "build",
            "--release",
            "-p",
            super::BENCH_PACKAGE,
            "--bin",
            bin,
        ]),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out = root.join(format!("target/bench/{bin}.json"));
    let _ = std::fs::remove_file(&out);
    let mut cmd = Command::new(target.join("release").join(bin));
    cmd.arg("--json").arg(&out).stdin(Stdio::null());
    if let Some(extra) = extra {
        cmd.args(extra);
    }
    run_cmd(&mut cmd)?;
    Ok(out)
}

/// Reads a JSON file written by the pacing program.
pub fn read(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `run` skips the measurement when the program is missing, so a move that forgets this
    /// path would silently drop the pacing section from every report.
    #[test]
    fn the_program_is_where_the_bench_looks_for_it() {
        assert!(paths::root().join(SOURCE).is_file(), "{SOURCE} is missing");
    }
}
