//! Issue 9's pacing measurement (`crates/nylas-workspaces/examples/pacing_bench.rs`): bulk
//! assignment against the emulator's own rate limiter, adaptive vs. unpaced vs. four
//! processes. It runs its own in-process emulators, so it is run as it is and its JSON is
//! included in the report verbatim.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::{paths, tasks::run_cmd};

const SOURCE: &str = "crates/nylas-workspaces/examples/pacing_bench.rs";

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
            "nylas-workspaces",
            "--example",
            "pacing_bench",
        ]),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out = root.join("target/bench/pacing.json");
    let _ = std::fs::remove_file(&out);
    let mut cmd = Command::new(target.join("release/examples/pacing_bench"));
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
