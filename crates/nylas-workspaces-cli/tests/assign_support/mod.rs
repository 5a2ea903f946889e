//! Helpers shared by the `assign` test files: seeded grants, the report file read back, and the
//! CLI started as a child process that a test can signal.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nylas_workspaces::Journal;
use nylas_workspaces_cli::report::Report;
use nylas_workspaces_emulator::{NewGrant, Operation};
use serde_json::Value;

use crate::common::Env;

/// `count` grants with fixed ids `prefix-0000`..., placed in the default workspace.
pub fn seed_grants(env: &Env, prefix: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|n| {
            env.emulator
                .add_grant(
                    NewGrant::new(format!("{prefix}{n}@example.org"))
                        .grant_id(format!("{prefix}-{n:04}")),
                )
                .unwrap()
        })
        .collect()
}

/// The `--report` file (a journal) read back through the crate, as the report document
/// `--json` prints.
pub fn read_report(path: &Path) -> Value {
    let journal = Journal::read(path).unwrap_or_else(|e| panic!("{e}"));
    serde_json::to_value(Report::from_outcome(journal.outcome())).unwrap()
}

/// (grant id, status) for every id of a report document.
pub fn statuses(report: &Value) -> Vec<(String, String)> {
    report["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["grant_id"].as_str().unwrap().to_owned(),
                g["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Starts the CLI with these arguments as a child process pointed at the emulator.
pub fn spawn(env: &Env, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("nylas-workspaces"))
        .env("NYLAS_API_URI", env.emulator.url())
        .env("NYLAS_API_KEY", env.emulator.api_key())
        .env_remove("NYLAS_EMULATOR_API_KEY")
        .current_dir(&env.dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (bounded) until the emulator has seen `n` manual-assign requests.
pub fn wait_for_requests(env: &Env, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while env.emulator.calls(Operation::ManualAssign) < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        env.emulator.calls(Operation::ManualAssign) >= n,
        "the run never got that far"
    );
}

/// Sends a signal by name (`TERM`, `HUP`, `INT`, `KILL`) to a child.
pub fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The child's exit code and everything it wrote to stderr.
pub fn finish(child: Child) -> (Option<i32>, String) {
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
