//! The Python package's checks: build the wheel with maturin, install it into `.venv`, run
//! pytest, `mypy.stubtest` and `mypy --strict` on a typed usage example.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{paths, tasks::run_cmd, venv};

const MANIFEST: &str = "bindings/python/Cargo.toml";

fn venv_tool(name: &str) -> PathBuf {
    paths::root().join(".venv/bin").join(name)
}

/// Builds an unoptimised wheel (fast to compile; the optimised manylinux one is
/// `cargo xtask wheel`) into `target/python-wheel/` and returns its path.
pub fn build_dev_wheel() -> Result<PathBuf, String> {
    let out = paths::root().join("target/python-wheel");
    let _ = std::fs::remove_dir_all(&out);
    run_cmd(
        Command::new(venv_tool("maturin"))
            .args(["build", "--manifest-path", MANIFEST, "--compatibility", "linux", "--out"])
            .arg(&out),
    )?;
    find_wheel(&out)
}

pub fn find_wheel(dir: &Path) -> Result<PathBuf, String> {
    std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| format!("maturin produced no wheel in {}", dir.display()))
}

pub fn install(wheel: &Path) -> Result<(), String> {
    run_cmd(
        Command::new(venv::python())
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(["--force-reinstall", "--no-deps"])
            .arg(wheel),
    )
}

pub fn pytest(wheel: &Path) -> Result<(), String> {
    run_cmd(
        Command::new(venv::python())
            .args(["-m", "pytest", "-q", "bindings/python/tests"])
            .env("NYLAS_WORKSPACES_WHEEL", wheel)
            // Keep the tests' own environment from leaking a real key into them.
            .env_remove("NYLAS_API_KEY")
            .env_remove("NYLAS_API_URI"),
    )
}

pub fn type_checks() -> Result<(), String> {
    run_cmd(
        Command::new(venv::python())
            .args(["-m", "mypy.stubtest", "nylas_workspaces"])
            .args(["--allowlist", "bindings/python/stubtest-allowlist.txt"]),
    )?;
    run_cmd(
        Command::new(venv::python())
            .args(["-m", "mypy", "--strict", "bindings/python/typing_example.py"]),
    )
}
