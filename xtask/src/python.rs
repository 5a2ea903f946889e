//! The Python package's checks: build the wheel with maturin, install it into `.venv`, run
//! pytest, `mypy.stubtest` and `mypy --strict` on a typed usage example.

use std::ffi::OsStr;
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
            .args([
                "build",
                "--manifest-path",
                MANIFEST,
                "--compatibility",
                "linux",
                "--out",
            ])
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
    venv::pip_install(
        &venv::python(),
        [
            OsStr::new("--force-reinstall"),
            OsStr::new("--no-deps"),
            wheel.as_os_str(),
        ],
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
    run_cmd(Command::new(venv::python()).args([
        "-m",
        "mypy",
        "--strict",
        "bindings/python/typing_example.py",
    ]))
}

/// Tools the release wheel needs on top of the test tools; installed on demand so the test
/// venv stays lean.
const WHEEL_TOOLS: &[&str] = &["ziglang==0.13.0"];

/// `cargo xtask wheel`: the wheel we ship. manylinux2014 so it installs on any glibc Linux from
/// 2014 on, abi3 so one file serves every CPython >= 3.9, linked through zig so the glibc
/// baseline holds even though this machine's is newer. Then proves it installs and imports in a
/// brand-new venv with no index.
pub fn release_wheel() -> Result<(), String> {
    venv::ensure()?;
    venv::pip_install(&venv::python(), WHEEL_TOOLS)?;
    let out = paths::root().join("target/wheels");
    let _ = std::fs::remove_dir_all(&out);
    run_cmd(
        Command::new(venv_tool("maturin"))
            .args(["build", "--release", "--manifest-path", MANIFEST])
            .args(["--zig", "--compatibility", "manylinux2014", "--out"])
            .arg(&out)
            // maturin finds zig through the ziglang package of the interpreter it runs with.
            .env("PATH", path_with_venv()),
    )?;
    let wheel = find_wheel(&out)?;
    let name = wheel
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    if !(name.contains("abi3") && name.contains("manylinux")) {
        return Err(format!("{name} is not a manylinux abi3 wheel"));
    }
    let scratch = paths::root().join("target/wheel-check-venv");
    let _ = std::fs::remove_dir_all(&scratch);
    run_cmd(
        Command::new(venv::python())
            .args(["-m", "venv"])
            .arg(&scratch),
    )?;
    let py = scratch.join("bin/python");
    venv::pip_install(&py, [OsStr::new("--no-index"), wheel.as_os_str()])?;
    run_cmd(Command::new(&py).args([
        "-c",
        "import nylas_workspaces as nw; print('imported nylas_workspaces', nw.__version__)",
    ]))?;
    let size = std::fs::metadata(&wheel).map(|m| m.len()).unwrap_or(0);
    println!(
        "\n{} ({:.1} MiB)",
        wheel.display(),
        size as f64 / 1_048_576.0
    );
    Ok(())
}

fn path_with_venv() -> String {
    let bin = paths::root().join(".venv/bin");
    match std::env::var("PATH") {
        Ok(p) => format!("{}:{p}", bin.display()),
        Err(_) => bin.display().to_string(),
    }
}
