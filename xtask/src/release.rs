//! `cargo xtask release-check`: proves, on this one Linux machine and without publishing
//! anything, that what the release workflow (`.github/workflows/release.yml`) ships is sound.
//! Part of `cargo xtask test`; also runnable alone.
//!
//! 1. The crates a Rust user depends on (every workspace crate not `publish = false`, in the
//!    dependency order read from `cargo metadata`, see [`order`]) have the metadata crates.io
//!    needs, and the workflow's `cargo publish` line names exactly them in a valid order.
//! 2. `cargo package --list` of each: what ships is the sources, README and manifest, the
//!    generated code included and tests, benches, examples and fixtures left out, every
//!    `include_str!`-style file present ([`contents`]).
//! 3. One `cargo package --no-verify -p …` of them all: cargo normalises every manifest and
//!    resolves every package's lockfile through its temporary local registry, so crates that
//!    depend on each other by path package without crates.io (and a manifest crates.io would
//!    refuse fails here, not on the tag); each `.crate` must stay under crates.io's 10 MiB.
//!
//!    Not verifying is a measured choice: verification rebuilds each package from its
//!    tarball with its own feature set, 77 compilations, 6 minutes wall (2 minutes of CPU)
//!    on this machine's 2 shared cores, when the whole test command must stay under 10.
//!    What verification would catch that the test suite does not is a file missing from the
//!    package; step 2 checks that directly (`include` ships the module tree under `src/`
//!    whole; every included file must be listed). `--offline` because the earlier build
//!    steps have fetched every locked dependency.
//! 4. `maturin sdist`; its file list checked the same way; then built from source by pip's
//!    PEP 517 path (`pip wheel --no-index --no-build-isolation`, maturin from `.venv`) with
//!    `MATURIN_PEP517_ARGS=--profile dev` and the project's target folder, so the build
//!    reuses the test build's artefacts instead of spending minutes in release mode. The sdist
//!    is unpacked at a fixed place, where cargo's freshness check stats every source it read:
//!    a file missing from the sdist still fails the build. The wheel it yields goes into a
//!    fresh venv (no pip, no index, nothing else installed), which imports the package from
//!    there and lists workspaces on `nylas_workspaces.testing.Emulator()`. pip cannot build in
//!    the fresh venv itself without downloading maturin into it; building with the tools
//!    venv's pip runs the same hooks `pip install` would.
//! 5. `twine check --strict` of the test command's wheel and of the sdist (what PyPI would
//!    reject or render badly).
//! 6. `actionlint` on every workflow, with the pinned `shellcheck` from `.venv` checking the
//!    `run:` scripts (pyflakes integration off: no Python `run:` scripts), so the result does
//!    not depend on what else happens to be installed.
//!
//! The platform wheels (macOS, Windows, aarch64, musl), the release-mode sdist build and the
//! publishing itself only run on GitHub.

mod contents;
mod order;
mod workflow;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{paths, python, tasks::run_cmd, venv};

const PYTHON_MANIFEST: &str = "bindings/python/Cargo.toml";
const WORKFLOW: &str = ".github/workflows/release.yml";
/// crates.io refuses larger `.crate` files.
const CRATES_IO_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// The check the Python wheel and the sdist must pass in a fresh venv: imported from that venv,
/// native module loaded, one call through the client to the emulator and back. The release
/// workflow runs the same script (its `SMOKE` variable; [`workflow`] checks that
/// the two agree).
pub const SMOKE: &str = "\
import os.path, sys
import nylas_workspaces
from nylas_workspaces.testing import Emulator
here = os.path.realpath(nylas_workspaces.__file__)
assert here.startswith(os.path.realpath(sys.prefix)), here
with Emulator() as emu:
    listed = emu.client().workspaces.list()
    assert [w.workspace_id for w in listed] == [emu.default_workspace_id()], listed
print('nylas_workspaces', nylas_workspaces.__version__, 'from', nylas_workspaces.__file__)
";

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn venv_bin(name: &str) -> PathBuf {
    paths::root().join(".venv/bin").join(name)
}

/// Runs a command from the repository root and returns its standard output.
fn output(cmd: &mut Command) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    println!("\n$ {shown}");
    let out = cmd
        .current_dir(paths::root())
        .output()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} failed with {}:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("{shown}: output is not UTF-8: {e}"))
}

fn fail_on(problems: Vec<String>) -> Result<(), String> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// `cargo xtask release-check` run alone: the tools venv, and the dev wheel if the test
/// command has not built one, then [`check`].
pub fn run() -> Result<(), String> {
    venv::ensure()?;
    let wheel = match python::find_wheel(&paths::root().join("target/python-wheel")) {
        Ok(w) => w,
        Err(_) => python::build_dev_wheel()?,
    };
    check(&wheel)
}

/// Every release check; `wheel` is the wheel the test command built and installed.
pub fn check(wheel: &Path) -> Result<(), String> {
    let metadata: serde_json::Value = serde_json::from_str(&output(cargo().args([
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--offline",
    ]))?)
    .map_err(|e| format!("cargo metadata: {e}"))?;
    let target_dir = metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or("cargo metadata: no target_directory")?;
    let crates = crates(&metadata)?;
    package_crates(&metadata, &crates, &target_dir)?;
    let sdist = build_sdist()?;
    let from_sdist = build_from_sdist(&sdist, &target_dir)?;
    smoke_in_fresh_venv(&from_sdist)?;
    run_cmd(
        Command::new(venv_bin("twine"))
            .args(["check", "--strict"])
            .arg(wheel)
            .arg(&sdist),
    )?;
    actionlint()
}

/// Step 1: the publishable crates in order, metadata and the workflow's list checked.
fn crates(metadata: &serde_json::Value) -> Result<Vec<String>, String> {
    let members = order::members_from_metadata(metadata)?;
    let crates = order::publish_order(&members)?;
    println!("crates to publish, in order: {}", crates.join(", "));
    fail_on(
        members
            .iter()
            .filter(|m| m.publishable)
            .flat_map(order::metadata_problems)
            .collect(),
    )?;
    let workflow = std::fs::read_to_string(paths::root().join(WORKFLOW))
        .map_err(|e| format!("cannot read {WORKFLOW}: {e}"))?;
    order::check_list(&workflow::publish_list(&workflow)?, &members)
        .map_err(|e| format!("{WORKFLOW}'s cargo publish line: {e}"))?;
    let smoke = workflow::block(&workflow, "SMOKE")?;
    if smoke != SMOKE {
        return Err(format!(
            "{WORKFLOW}'s SMOKE script differs from release.rs's SMOKE:\n{smoke}\nvs\n{SMOKE}"
        ));
    }
    Ok(crates)
}

/// Steps 2 and 3: each crate's file list, then the `.crate` files themselves.
fn package_crates(
    metadata: &serde_json::Value,
    crates: &[String],
    target_dir: &Path,
) -> Result<(), String> {
    let mut problems = Vec::new();
    for name in crates {
        let dir = crate_dir(metadata, name)?;
        let listed = output(
            cargo()
                .args(["package", "--list", "--allow-dirty", "--offline"])
                .args(["-p", name]),
        )?;
        let files: Vec<String> = listed.lines().map(str::to_owned).collect();
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
        problems.extend(contents::crate_problems(name, &files, &read));
    }
    fail_on(problems)?;
    let mut package = cargo();
    package.args(["package", "--no-verify", "--allow-dirty", "--offline"]);
    for name in crates {
        package.args(["-p", name]);
    }
    let shown = format!("{package:?}");
    println!("\n$ {shown}");
    let out = package
        .current_dir(paths::root())
        .output()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    // cargo names every test, bench and example left out (by design, see contents.rs): keep
    // the other lines, warnings included.
    let expected =
        |l: &&str| l.starts_with("warning: ignoring ") && l.ends_with("published package");
    for line in String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !expected(l))
    {
        eprintln!("{line}");
    }
    if !out.status.success() {
        return Err(format!("{shown} failed with {}", out.status));
    }
    for name in crates {
        let version = package_version(metadata, name)
            .ok_or_else(|| format!("cargo metadata: no version for {name}"))?;
        let file = target_dir.join(format!("package/{name}-{version}.crate"));
        let size = std::fs::metadata(&file)
            .map_err(|e| format!("cargo package wrote no {}: {e}", file.display()))?
            .len();
        if size > CRATES_IO_MAX_BYTES {
            return Err(format!(
                "{} is {size} bytes, over crates.io's {CRATES_IO_MAX_BYTES}",
                file.display()
            ));
        }
        println!("{name}-{version}.crate: {:.1} KiB", size as f64 / 1024.0);
    }
    Ok(())
}

fn package_version<'a>(metadata: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    metadata["packages"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)?["version"]
        .as_str()
}

fn crate_dir(metadata: &serde_json::Value, name: &str) -> Result<PathBuf, String> {
    metadata["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .and_then(|p| p["manifest_path"].as_str())
        .and_then(|m| Path::new(m).parent().map(Path::to_path_buf))
        .ok_or_else(|| format!("cargo metadata: no manifest for {name}"))
}

fn out_dir() -> PathBuf {
    paths::root().join("target/release-check")
}

/// Step 4, first half: `maturin sdist` into `target/release-check/sdist`, contents checked.
fn build_sdist() -> Result<PathBuf, String> {
    let dir = out_dir().join("sdist");
    let _ = std::fs::remove_dir_all(&dir);
    run_cmd(
        Command::new(venv_bin("maturin"))
            .args(["sdist", "--manifest-path", PYTHON_MANIFEST, "--out"])
            .arg(&dir),
    )?;
    let sdist = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .ok_or_else(|| format!("maturin wrote no sdist into {}", dir.display()))?;
    let entries = output(Command::new("tar").arg("-tzf").arg(&sdist))?;
    let entries: Vec<String> = entries.lines().map(str::to_owned).collect();
    fail_on(contents::sdist_problems(&entries))?;
    println!("{}: {} files", sdist.display(), entries.len());
    Ok(sdist)
}

/// Step 4, second half: the sdist unpacked at a fixed place and built by pip into a wheel.
fn build_from_sdist(sdist: &Path, target_dir: &Path) -> Result<PathBuf, String> {
    let unpacked = out_dir().join("unpacked");
    let wheels = out_dir().join("from-sdist");
    for dir in [&unpacked, &wheels] {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    run_cmd(
        Command::new("tar")
            .arg("-xzf")
            .arg(sdist)
            .arg("-C")
            .arg(&unpacked),
    )?;
    let top = std::fs::read_dir(&unpacked)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.is_dir())
        .ok_or("the sdist unpacked to nothing")?;
    let path = match std::env::var("PATH") {
        Ok(p) => format!("{}:{p}", venv_bin("").display()),
        Err(_) => venv_bin("").display().to_string(),
    };
    run_cmd(
        Command::new(venv::python())
            .args([
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args([
                "--no-index",
                "--no-build-isolation",
                "--no-deps",
                "--wheel-dir",
            ])
            .arg(&wheels)
            .arg(&top)
            .env("MATURIN_PEP517_ARGS", "--profile dev")
            .env("CARGO_TARGET_DIR", target_dir)
            .env("PATH", path),
    )?;
    python::find_wheel(&wheels)
}

/// Step 4, last: a venv with nothing in it, the wheel installed without an index, the smoke
/// test run from it.
fn smoke_in_fresh_venv(wheel: &Path) -> Result<(), String> {
    let fresh = out_dir().join("fresh-venv");
    let _ = std::fs::remove_dir_all(&fresh);
    run_cmd(
        Command::new(venv::python())
            .args(["-m", "venv", "--without-pip"])
            .arg(&fresh),
    )?;
    let py = fresh.join("bin/python");
    run_cmd(
        Command::new(venv::python())
            .args(["-m", "pip", "--python"])
            .arg(&py)
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args([
                OsStr::new("--no-index"),
                OsStr::new("--no-deps"),
                wheel.as_os_str(),
            ]),
    )?;
    run_cmd(
        Command::new(&py)
            .args(["-I", "-c", SMOKE])
            .env_remove("PYTHONPATH")
            .env_remove("NYLAS_API_KEY")
            .env_remove("NYLAS_API_URI"),
    )
}

/// Step 6: actionlint on every workflow file.
fn actionlint() -> Result<(), String> {
    let dir = paths::root().join(".github/workflows");
    let mut workflows: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    workflows.sort();
    if workflows.is_empty() {
        return Err(format!("no workflow in {}", dir.display()));
    }
    run_cmd(
        Command::new(venv_bin("actionlint"))
            .arg(format!("-shellcheck={}", venv_bin("shellcheck").display()))
            .arg("-pyflakes=")
            .args(&workflows),
    )
}
