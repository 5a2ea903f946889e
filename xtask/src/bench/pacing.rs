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
    run_cmd(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).args([
            "build",
            "--release",
            "-p",
            super::BENCH_PACKAGE,
            "--bin",
            "pacing_bench",
        ]),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out = root.join("target/bench/pacing.json");
    let _ = std::fs::remove_file(&out);
    let mut cmd = Command::new(target.join("release/pacing_bench"));
    cmd.arg("--json").arg(&out).stdin(Stdio::null());
    if quick {
        cmd.args(["--grants", "5000"]);
    }
    run_cmd(&mut cmd)?;
    read(&out).map(Some)
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
