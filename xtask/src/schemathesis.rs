//! Schemathesis (PyPI) against the standalone emulator: property-based requests generated
//! from `openapi/workspaces.json`, every answer checked against the spec. Offline (loopback
//! only), seeded and bounded by `crates/nylas-workspaces-emulator/schemathesis.toml`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::{paths, tasks::run_cmd, venv};

const CONFIG: &str = "crates/nylas-workspaces-emulator/schemathesis.toml";

/// The emulator process; killed (by its own handle) when dropped, even on failure.
struct Emulator(Child);

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run_cmd(Command::new(cargo).args([
        "build",
        "--quiet",
        "-p",
        "nylas-workspaces-emulator",
        "--bin",
        "nylas-workspaces-emulator",
    ]))?;
    let binary = paths::target_dir().join("debug/nylas-workspaces-emulator");
    let mut child = Command::new(&binary)
        .env("NYLAS_EMULATOR_API_KEY", "test-key")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take();
    let emulator = Emulator(child);
    let mut line = String::new();
    if let Some(stdout) = stdout {
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the emulator's address: {e}"))?;
    }
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("the emulator did not report its address (got {line:?})"))?
        .to_owned();

    // Run from target/ so the caches schemathesis and hypothesis write stay out of the tree.
    let workdir = paths::target_dir().join("schemathesis");
    std::fs::create_dir_all(&workdir)
        .map_err(|e| format!("cannot create {}: {e}", workdir.display()))?;
    let mut command = Command::new(venv::python());
    command
        .current_dir(&workdir)
        .args(["-m", "schemathesis.cli", "--config-file"])
        .arg(paths::root().join(CONFIG))
        .arg("run")
        .arg(paths::spec())
        .args([
            "--url",
            &url,
            "-H",
            "Authorization: Bearer test-key",
            "--no-color",
        ]);
    println!("\n$ {command:?}");
    let result = match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("schemathesis found problems ({status})")),
        Err(e) => Err(format!("cannot start schemathesis: {e}")),
    };
    drop(emulator);
    result
}
