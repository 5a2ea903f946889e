//! Scenario 6: what building the crate costs a user (reported, not compared), and the size of
//! the wheel they download.
//!
//! The clean build uses its own target directory, so it compiles every dependency as a fresh
//! checkout would and does not disturb (or wait on) the shared `target/`; the directory is
//! removed afterwards. The incremental build is the same build again after touching the
//! crate's `lib.rs`, the usual edit-compile loop of a project depending on it by path.

use std::path::Path;
use std::process::Command;
use std::time::{Instant, SystemTime};

use super::report::{Fact, Report};
use crate::{paths, tasks::run_cmd};

const SCENARIO: &str = "6. Build cost";

/// Times a clean and an incremental `cargo build -p nylas-workspaces` (dev profile).
pub fn builds(report: &mut Report) -> Result<(), String> {
    let root = paths::root();
    let dir = root.join("target/bench-build-cost");
    let _ = std::fs::remove_dir_all(&dir);
    let build = || {
        let started = Instant::now();
        run_cmd(
            Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["build", "--quiet", "-p", "nylas-workspaces"])
                .env("CARGO_TARGET_DIR", &dir),
        )
        .map(|()| started.elapsed().as_secs_f64())
    };
    let result = (|| {
        let clean = build()?;
        touch(&root.join("crates/nylas-workspaces/src/lib.rs"))?;
        let incremental = build()?;
        Ok::<_, String>((clean, incremental))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let (clean, incremental) = result?;
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    report.facts.push(Fact {
        scenario: SCENARIO,
        what: format!(
            "clean `cargo build -p nylas-workspaces` (dev profile, all dependencies, {cores} cores, \
             shared with other work)"
        ),
        value: format!("{clean:.0} s"),
    });
    report.facts.push(Fact {
        scenario: SCENARIO,
        what: "incremental rebuild after touching `src/lib.rs`".into(),
        value: format!("{incremental:.1} s"),
    });
    Ok(())
}

/// Records the size of the release wheel that was benchmarked.
pub fn wheel_size(wheel: &Path, report: &mut Report) -> Result<(), String> {
    let bytes = std::fs::metadata(wheel)
        .map_err(|e| format!("{}: {e}", wheel.display()))?
        .len();
    let name = wheel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    report.facts.push(Fact {
        scenario: SCENARIO,
        what: format!("release wheel `{name}` (`maturin build --release`)"),
        value: format!(
            "{:.2} MiB ({bytes} bytes)",
            bytes as f64 / (1024.0 * 1024.0)
        ),
    });
    Ok(())
}

/// Sets a file's modification time to now without changing its content.
fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}
