//! Shared set-up: an emulator started in this test process, and the CLI binary pointed at it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use nylas_workspaces_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

/// A key distinctive enough that finding it anywhere in output is certainly a leak.
pub const CANARY_KEY: &str = "nyk_v0_canary_DO_NOT_PRINT_7f3a9c";

/// An emulator plus a scratch directory the CLI runs in.
pub struct Env {
    pub emulator: Emulator,
    pub dir: PathBuf,
}

/// What a CLI run produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the exit code, showing the output when it differs.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts the canary key appears in neither stream.
    pub fn assert_no_key(&self) {
        assert!(!self.stdout.contains(CANARY_KEY), "key on stdout");
        assert!(!self.stderr.contains(CANARY_KEY), "key on stderr");
    }
}

impl Env {
    pub fn new() -> Self {
        Self::with_config(
            EmulatorConfig::new()
                .api_key(CANARY_KEY)
                .retry_after_secs(0),
        )
    }

    pub fn with_config(config: EmulatorConfig) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "cli-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            emulator: Emulator::start_blocking(config).unwrap(),
            dir,
        }
    }

    /// The CLI with the emulator's URL and key in its environment, and nothing else leaking
    /// in from the developer's shell.
    pub fn cli(&self) -> Command {
        let mut cmd = bare_cli();
        cmd.env("NYLAS_API_URI", self.emulator.url())
            .env("NYLAS_API_KEY", self.emulator.api_key())
            .current_dir(&self.dir);
        cmd
    }

    /// Runs the CLI with these arguments.
    pub fn run(&self, args: &[&str]) -> Run {
        run(self.cli().args(args))
    }

    /// Runs the CLI with `--json` appended.
    pub fn run_json(&self, args: &[&str]) -> Run {
        run(self.cli().args(args).arg("--json"))
    }

    /// Writes a file in the scratch directory and returns its path.
    pub fn file(&self, name: &str, contents: &[u8]) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }

    pub fn default_id(&self) -> String {
        self.emulator.default_workspace_id().unwrap()
    }

    /// Creates a workspace through the CLI and returns its id.
    pub fn create(&self, args: &[&str]) -> String {
        let mut full = vec!["create"];
        full.extend_from_slice(args);
        let run = self.run_json(&full).expect_code(0);
        run.json()["workspace_id"].as_str().unwrap().to_owned()
    }
}

/// The CLI binary with the connection variables removed.
pub fn bare_cli() -> Command {
    let mut cmd = Command::cargo_bin("nylas-workspaces").unwrap();
    cmd.env_remove("NYLAS_API_KEY")
        .env_remove("NYLAS_API_URI")
        .env_remove("NYLAS_EMULATOR_API_KEY");
    cmd
}

pub fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}
