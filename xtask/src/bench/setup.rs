//! Getting the programs ready: release builds of the emulator and the Rust bench driver
//! (`bench/driver`, package `nylas-workspaces-bench`), the release wheel, and the benchmark's
//! own virtualenv.
//!
//! The benchmark needs the official Nylas SDK, httpx and requests. They go into
//! `target/bench-venv`, not the project's `.venv`, so the test environment stays lean and a
//! benchmark run never changes what the tests run against.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{paths, python, tasks::run_cmd, venv};

/// Pinned versions of everything the Python scenarios compare against.
const REQUIREMENTS: &str = "bench/requirements.txt";
const WHEEL_DIR: &str = "target/python-wheel-release";

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// The release binaries: `(emulator, bench_driver)`.
pub fn build_binaries() -> Result<(PathBuf, PathBuf), String> {
    run_cmd(cargo().args([
        "build",
        "--release",
        "-p",
        "nylas-workspaces-emulator",
        "--bin",
        "nylas-workspaces-emulator",
        "-p",
        super::BENCH_PACKAGE,
        "--bin",
        "bench_driver",
    ]))?;
    let release = paths::target_dir().join("release");
    Ok((
        release.join("nylas-workspaces-emulator"),
        release.join("bench_driver"),
    ))
}

/// Builds the optimised wheel (what users install) and returns its path.
pub fn build_wheel() -> Result<PathBuf, String> {
    venv::ensure()?;
    let out = paths::root().join(WHEEL_DIR);
    let _ = std::fs::remove_dir_all(&out);
    run_cmd(
        Command::new(paths::root().join(".venv/bin/maturin"))
            .args(["build", "--release", "--manifest-path"])
            .arg("bindings/python/Cargo.toml")
            .args(["--compatibility", "linux", "--out"])
            .arg(&out),
    )?;
    python::find_wheel(&out)
}

/// Creates `target/bench-venv` when missing, installs the pinned requirements when they
/// changed, and installs `wheel` over whatever version of the package was there.
pub fn bench_venv(wheel: &Path) -> Result<PathBuf, String> {
    let root = paths::root();
    let dir = root.join("target/bench-venv");
    let py = dir.join("bin/python");
    if !py.exists() {
        let host = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run_cmd(Command::new(host).args(["-m", "venv"]).arg(&dir))?;
    }
    let requirements = std::fs::read_to_string(root.join(REQUIREMENTS))
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let stamp = dir.join(".requirements-installed");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(requirements.as_str()) {
        venv::pip_install(&py, [OsStr::new("-r"), root.join(REQUIREMENTS).as_os_str()])?;
        std::fs::write(&stamp, &requirements).map_err(|e| e.to_string())?;
    }
    venv::pip_install(
        &py,
        [
            OsStr::new("--force-reinstall"),
            OsStr::new("--no-deps"),
            wheel.as_os_str(),
        ],
    )?;
    Ok(py)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The package and binary names the build commands use are the ones `bench/driver`
    /// declares, and the SDK crate no longer carries the drivers among its user examples.
    #[test]
    fn the_drivers_live_in_the_unpublished_bench_package() {
        let root = paths::root();
        let manifest = std::fs::read_to_string(root.join("bench/driver/Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("name = \"{}\"", super::super::BENCH_PACKAGE)),
            "{manifest}"
        );
        assert!(manifest.contains("publish = false"));
        for bin in ["bench_driver", "pacing_bench"] {
            assert!(manifest.contains(&format!("name = \"{bin}\"")), "{bin}");
            assert!(
                root.join(format!("bench/driver/src/bin/{bin}.rs"))
                    .is_file()
            );
            assert!(
                !root
                    .join(format!("crates/nylas-workspaces/examples/{bin}.rs"))
                    .exists(),
                "{bin} is back among the SDK's examples"
            );
        }
        let members = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(
            members.contains("\"bench/driver\""),
            "not a workspace member"
        );
    }
}
