//! Workspaces as code on the clients: `plan`, `apply` and `export`, translated to the crate's
//! `plan` module and back.
//!
//! Everything that decides (parsing the file, matching, refusals, the order of apply, the
//! re-read before each update, the re-plan) is the crate's. This file only turns the first
//! argument (a path, a dict, or a `Plan` already made) into the crate's `DesiredState` or
//! `Plan`, runs the call, and for the blocking `apply` turns Ctrl-C into the crate's stop
//! flag, so that a stopped run still reports what it did (as `manual_assign` does).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use nylas_workspaces::plan::{self as wac, DesiredState};
use nylas_workspaces::{Error, Result};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};

use crate::plan_models::{ApplyReport, Plan};
use crate::{errors, runtime};

/// What the first argument of `plan` or `apply` gave.
pub enum Source {
    /// A file or a dict, parsed (not yet planned).
    Desired {
        /// The parsed file.
        desired: Box<DesiredState>,
        /// True for a dict: the lines of the JSON text it became mean nothing to the
        /// caller, so errors carry none.
        from_dict: bool,
    },
    /// A plan made earlier, applied as it is.
    Plan(Box<wac::Plan>),
}

/// `path_or_dict` (or, with `plans`, a `Plan`) as a [`Source`]; a file is read and parsed
/// here, so a bad one raises `PlanFileError` before anything is sent.
pub fn source(value: &Bound<'_, PyAny>, plans: bool) -> PyResult<Source> {
    let py = value.py();
    if let Ok(plan) = value.cast::<Plan>() {
        if plans {
            return Ok(Source::Plan(Box::new(plan.get().inner().clone())));
        }
        return Err(PyTypeError::new_err(
            "plan() takes a file or a dict, not a Plan; pass the Plan to apply()",
        ));
    }
    if value.is_instance_of::<PyDict>() {
        static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let kwargs = PyDict::new(py);
        // NaN and infinities are not JSON (nor a value the format has).
        kwargs.set_item("allow_nan", false)?;
        let text: String = DUMPS
            .import(py, "json", "dumps")?
            .call((value,), Some(&kwargs))?
            .extract()?;
        let cwd = std::env::current_dir().unwrap_or_default();
        let desired = DesiredState::from_yaml_str(&text, &cwd)
            .map_err(|e| errors::to_py_err(py, Error::from(without_line(e))))?;
        return Ok(Source::Desired {
            desired: Box::new(desired),
            from_dict: true,
        });
    }
    let is_path = value.is_instance_of::<PyString>() || value.hasattr("__fspath__")?;
    if !is_path {
        return Err(PyTypeError::new_err(format!(
            "expected a path (str or os.PathLike) or a dict{}, not {}",
            if plans { " or a Plan" } else { "" },
            value.get_type().name()?
        )));
    }
    let path: PathBuf = value.extract()?;
    let desired =
        DesiredState::from_path(&path).map_err(|e| errors::to_py_err(py, Error::from(e)))?;
    Ok(Source::Desired {
        desired: Box::new(desired),
        from_dict: false,
    })
}

/// A file error of a dict source, without the line of the JSON text it became.
fn without_line(mut error: wac::PlanFileError) -> wac::PlanFileError {
    error.line = None;
    error
}

/// `prune=` for a source: a `Plan` was planned with its own options, so `prune=True` with
/// one is refused rather than silently ignored.
pub fn check_prune(source: &Source, prune: bool) -> PyResult<()> {
    if prune && matches!(source, Source::Plan(_)) {
        return Err(PyValueError::new_err(
            "prune=True applies to a file or a dict; a Plan is applied as it was planned (plan \
             again with prune=True)",
        ));
    }
    Ok(())
}

/// `journal_dir=` as the crate's apply options, with the stop flag when there is one.
pub fn apply_options(journal_dir: Option<PathBuf>) -> wac::ApplyOptions {
    let mut options = wac::ApplyOptions::new();
    if let Some(dir) = journal_dir {
        options = options.journal_dir(dir);
    }
    options
}

/// The report of a complete apply, turned into `nw.ApplyReport` where the GIL is held.
pub struct Report(pub wac::ApplyReport);

impl<'py> IntoPyObject<'py> for Report {
    type Target = ApplyReport;
    type Output = Bound<'py, ApplyReport>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        Bound::new(py, ApplyReport::new(py, &self.0)?)
    }
}

/// The async functions the client methods run: call the crate, keep its error.
pub mod ops {
    use super::*;
    use nylas_workspaces::Client;

    /// The plan of a parsed source.
    async fn plan_of(
        c: &Client,
        desired: &DesiredState,
        from_dict: bool,
        prune: bool,
    ) -> Result<wac::Plan> {
        c.plan(desired, wac::PlanOptions::new().prune(prune))
            .await
            .map_err(|e| match e {
                Error::PlanFile(file) if from_dict => Error::from(without_line(*file)),
                other => other,
            })
    }

    /// `client.plan(path_or_dict, prune)`.
    pub async fn plan(c: Client, source: Source, prune: bool) -> Result<Plan> {
        match source {
            Source::Desired { desired, from_dict } => {
                Ok(plan_of(&c, &desired, from_dict, prune).await?.into())
            }
            Source::Plan(plan) => Ok(Plan::from(*plan)),
        }
    }

    /// `client.apply(path_or_dict_or_plan, prune, journal_dir=)`: plans a file first.
    pub async fn apply(
        c: Client,
        source: Source,
        prune: bool,
        options: wac::ApplyOptions,
    ) -> Result<Report> {
        let plan = match source {
            Source::Desired { desired, from_dict } => {
                plan_of(&c, &desired, from_dict, prune).await?
            }
            Source::Plan(plan) => *plan,
        };
        c.apply(&plan, options).await.map(Report)
    }

    /// `client.export(grants)`.
    pub async fn export(c: Client, grants: bool) -> Result<String> {
        c.export(wac::ExportOptions::new().grants(grants)).await
    }
}

/// How long a Ctrl-C'd `apply` waits for the grant moves already in flight.
const INTERRUPT_GRACE: Duration = Duration::from_secs(30);

/// The blocking `apply`: Ctrl-C sets the crate's stop flag (no further step starts, a grants
/// step sends no further chunk) and, once the run has wound down, raises `ApplyInterrupted`
/// (a `KeyboardInterrupt`) carrying the report of what was done.
pub fn apply_blocking<'py>(
    py: Python<'py>,
    client: nylas_workspaces::Client,
    source: Source,
    prune: bool,
    options: wac::ApplyOptions,
) -> PyResult<Bound<'py, PyAny>> {
    let stop = Arc::new(AtomicBool::new(false));
    let call = ops::apply(client, source, prune, options.stop_flag(Arc::clone(&stop)));
    let result = match runtime::block_on_stoppable(py, call, stop, INTERRUPT_GRACE)? {
        runtime::Stoppable::Finished(result) => result,
        runtime::Stoppable::Stopped(result, signal) => {
            return Err(match result {
                // Finished anyway (the last step was already under way): still raise, so the
                // Ctrl-C is not lost, with the complete report.
                Ok(Report(report)) => errors::apply_interrupted(py, &report),
                Err(Error::ApplyPartial(report)) => errors::apply_interrupted(py, &report),
                // Failed before anything was applied (planning, a refusal): the Ctrl-C wins
                // and the error rides along as its cause.
                Err(other) => {
                    signal.set_cause(py, Some(errors::to_py_err(py, other)));
                    signal
                }
            });
        }
    };
    errors::Answer(result).into_pyobject(py)
}
