//! Scenario 6: what building the crate costs a user (reported, not compared), and the size of
//! the wheel they download.
//!
//! Both builds run on a copy of the committed tree (`git archive HEAD`) with its own target
//! directory, so the clean build compiles every dependency as a fresh checkout would, and
//! neither disturbs (or waits on) the shared checkout and `target/`. The incremental build is
//! the same build after a small real edit to the copy's `lib.rs` (a new function): touching
//! the file alone is not enough, as rustc's incremental cache then reuses everything.
//! The copy is removed afterwards.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::report::{Fact, Report};
use crate::{paths, tasks::run_cmd};

const SCENARIO: &str = "6. Build cost";

/// Times a clean and an incremental `cargo build -p nylas-workspaces` (dev profile).
pub fn builds(report: &mut Report) -> Result<(), String> {
    let root = paths::root();
    let dir = root.join("target/bench-build-cost");
    let _ = std::fs::remove_dir_all(&dir);
    let result = measure(&dir);
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
        what: "incremental rebuild after adding a function to `src/lib.rs`".into(),
        value: format!("{incremental:.1} s"),
    });
    Ok(())
}

fn measure(dir: &Path) -> Result<(f64, f64), String> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    let tar = dir.join("tree.tar");
    run_cmd(
        Command::new("git")
            .args(["archive", "--format=tar", "-o"])
            .arg(&tar)
            .arg("HEAD"),
    )?;
    run_cmd(Command::new("tar").arg("-xf").arg(&tar).arg("-C").arg(&src))?;
    let build = || {
        let started = Instant::now();
        run_cmd(
            Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args([
                    "build",
                    "--quiet",
                    "-p",
                    "nylas-workspaces",
                    "--manifest-path",
                ])
                .arg(src.join("Cargo.toml"))
                .env("CARGO_TARGET_DIR", dir.join("target")),
        )
        .map(|()| started.elapsed().as_secs_f64())
    };
    let clean = build()?;
    let lib = src.join("crates/nylas-workspaces/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    text.push_str("\n#[doc(hidden)]\npub fn __bench_edit() -> u32 {\n    1\n}\n");
    std::fs::write(&lib, text).map_err(|e| format!("{}: {e}", lib.display()))?;
    let incremental = build()?;
    Ok((clean, incremental))
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
