//! The project's own Python environment in `.venv`, created on first use with pinned tools,
//! so a fresh clone needs nothing but a `python3` on the PATH.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{paths, tasks::run_cmd};

/// Pinned Python tools the test command uses.
const REQUIREMENTS: &str = "xtask/requirements-dev.txt";

pub fn python() -> PathBuf {
    paths::root().join(".venv/bin/python")
}

/// Creates `.venv` if needed and installs the pinned tools when the requirements changed.
pub fn ensure() -> Result<PathBuf, String> {
    let root = paths::root();
    let py = python();
    if !py.exists() {
        let host = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run_cmd(
            Command::new(host)
                .args(["-m", "venv"])
                .arg(root.join(".venv")),
        )?;
    }
    let requirements = std::fs::read_to_string(root.join(REQUIREMENTS))
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let stamp = root.join(".venv/.requirements-installed");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(requirements.as_str()) {
        pip_install(&py, [OsStr::new("-r"), root.join(REQUIREMENTS).as_os_str()])?;
        std::fs::write(&stamp, requirements).map_err(|e| e.to_string())?;
    }
    Ok(py)
}

/// `python -m pip install --quiet` of `what` (package specs, `-r FILE`, wheel paths, flags).
pub fn pip_install<I, S>(python: &Path, what: I) -> Result<(), String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_cmd(
        Command::new(python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(what),
    )
}
