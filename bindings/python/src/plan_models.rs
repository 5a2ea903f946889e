//! The Python views of workspaces as code: `nw.Plan`, `nw.Change` and `nw.ApplyReport`.
//!
//! Each wraps the crate's own value and only reads from it, so a plan's lines (`str()`), its
//! JSON shape (`to_dict()`, the serde form the CLI's `--json` prints) and its counts are the
//! crate's, never recomputed here. `nw.Plan` keeps the crate's `Plan` whole (with what it
//! remembers of the file and the workspaces it saw), so that `client.apply(plan)` applies
//! exactly what was shown and still notices a workspace changed in between.

use nylas_workspaces::plan::{self as wac, FieldChange};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::{errors, models};

/// The JSON text of one of the crate's plan values (its serde form, in the field order the
/// CLI prints).
fn json_text<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!(
            "the value could not be serialised (a bug in nylas_workspaces): {e}"
        ))
    })
}

/// JSON text as plain Python objects, through `json.loads` (which keeps the key order).
fn json_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOADS.import(py, "json", "loads")?.call1((text,))
}

/// The serde form of one of the crate's plan values, as plain Python objects.
fn serde_to_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    json_to_py(py, &json_text(value)?)
}

/// One step of a plan: what it does and to which workspace. Immutable, compared by value.
///
/// `str(change)` is its plan line (`+ create Acme (acme.com, auto_group)`), and `to_dict()`
/// its JSON form. Returned in `Plan.changes` and `ApplyReport.applied`; not built directly.
#[pyclass(frozen, eq, module = "nylas_workspaces")]
#[derive(Clone, PartialEq)]
pub struct Change {
    inner: wac::Change,
}

impl From<wac::Change> for Change {
    fn from(inner: wac::Change) -> Self {
        Self { inner }
    }
}

fn changes<'a>(changes: impl IntoIterator<Item = &'a wac::Change>) -> Vec<Change> {
    changes.into_iter().cloned().map(Change::from).collect()
}

#[pymethods]
impl Change {
    /// What the change does: `"create"`, `"update"`, `"assign"`, `"remove"`, `"delete"` or
    /// `"refused"`.
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action().as_str()
    }

    /// The name of the workspace the change is about (the file's, for a create).
    #[getter]
    fn name(&self) -> &str {
        &self.inner.workspace().name
    }

    /// The domain of that workspace, or None.
    #[getter]
    fn domain(&self) -> Option<&str> {
        self.inner.workspace().domain.as_deref()
    }

    /// The id of that workspace; None for a workspace the plan creates.
    #[getter]
    fn workspace_id(&self) -> Option<&str> {
        self.inner.workspace().workspace_id.as_deref()
    }

    /// For a create or an update, each managed field that changes, keyed by `name`,
    /// `domain`, `auto_group`, `policy_id` or `rule_ids`, as `{"old": ..., "new": ...}`
    /// (policies and rules by id; `old` is None for a create). Empty for other actions.
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for field in self.inner.fields() {
            let pair = PyDict::new(py);
            match field {
                FieldChange::Name { old, new } => {
                    pair.set_item("old", old)?;
                    pair.set_item("new", new)?;
                }
                FieldChange::Domain { old, new } => {
                    pair.set_item("old", old)?;
                    pair.set_item("new", new)?;
                }
                FieldChange::AutoGroup { old, new } => {
                    pair.set_item("old", old)?;
                    pair.set_item("new", new)?;
                }
                FieldChange::Policy { old, new } => {
                    pair.set_item("old", old.as_ref().map(|p| p.id.as_str()))?;
                    pair.set_item("new", new.as_ref().map(|p| p.id.as_str()))?;
                }
                FieldChange::Rules { old, new } => {
                    let ids = |rules: &[wac::Reference]| {
                        rules.iter().map(|r| r.id.clone()).collect::<Vec<_>>()
                    };
                    pair.set_item("old", old.as_deref().map(ids))?;
                    pair.set_item("new", ids(new))?;
                }
            }
            dict.set_item(field.key(), pair)?;
        }
        Ok(dict)
    }

    /// For an assign or a remove, the ids of the grants that move (a list; empty for other
    /// actions). `to_dict()` shows only their count, as the CLI's JSON does.
    #[getter]
    fn grant_ids(&self) -> Vec<String> {
        self.inner.grant_ids().to_vec()
    }

    /// For a refused change, why the API would refuse it, in words; else None.
    #[getter]
    fn reason(&self) -> Option<&str> {
        match &self.inner {
            wac::Change::Refused { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// For a refused change, the kind of refusal: `"domain_change"`,
    /// `"default_workspace_field"`, `"grants_on_auto_group"`, `"auto_group_without_domain"`
    /// or `"no_default_workspace"`; else None.
    #[getter]
    fn refusal(&self) -> Option<&'static str> {
        match &self.inner {
            wac::Change::Refused { refusal, .. } => Some(refusal.as_str()),
            _ => None,
        }
    }

    /// True for an update of the application's default workspace.
    #[getter]
    fn default(&self) -> bool {
        matches!(self.inner, wac::Change::Update { default: true, .. })
    }

    /// Converts the change to its JSON form.
    ///
    /// Returns:
    ///     A new dict: `action`, `workspace` (`name`, `domain`, `workspace_id`), and as the
    ///     action needs `fields`, `grants` (a count) or `reason`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.inner)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!("<Change {:?}>", self.inner.to_string())
    }
}

/// What `apply` would do to bring the application to a file, in the order it does it:
/// refusals first, then creates, updates, grant moves and deletes.
///
/// `str(plan)` is one line per change (empty when the application is in sync), `to_dict()`
/// the JSON the CLI's `plan --json` prints. Pass the plan to `client.apply` to carry out
/// exactly these changes: it remembers the file and the workspaces it saw, so a workspace
/// changed since is noticed. Equality compares the changes. Returned by `client.plan`; not
/// built directly.
#[pyclass(frozen, eq, module = "nylas_workspaces")]
#[derive(Clone, PartialEq)]
pub struct Plan {
    inner: wac::Plan,
}

impl From<wac::Plan> for Plan {
    fn from(inner: wac::Plan) -> Self {
        Self { inner }
    }
}

impl Plan {
    /// The crate's plan.
    pub fn inner(&self) -> &wac::Plan {
        &self.inner
    }
}

#[pymethods]
impl Plan {
    /// The changes, in apply order (refusals first): a list of `Change`.
    #[getter]
    fn changes(&self) -> Vec<Change> {
        changes(&self.inner.changes)
    }

    /// True when there is something to apply (a change that is not a refusal).
    #[getter]
    fn has_changes(&self) -> bool {
        self.inner.has_changes()
    }

    /// True when the plan holds nothing at all, refusals included: the application is in
    /// sync with the file.
    #[getter]
    fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The refused changes (a list of `Change`); while there is one, `apply` sends nothing.
    #[getter]
    fn refusals(&self) -> Vec<Change> {
        changes(self.inner.refusals())
    }

    /// The counts, as a dict: `create`, `update`, `delete`, `assign`, `remove`, `refused`,
    /// `grants_assigned` and `grants_removed`.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.inner.summary())
    }

    /// Converts the plan to its JSON form, the one `plan --json` prints.
    ///
    /// Returns:
    ///     A new dict `{"changes": [...], "summary": {...}}`; each change as
    ///     `Change.to_dict()` gives it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.inner)
    }

    fn __len__(&self) -> usize {
        self.inner.changes.len()
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        let s = self.inner.summary();
        format!(
            "Plan(create={}, update={}, delete={}, assign={}, remove={}, refused={})",
            s.create, s.update, s.delete, s.assign, s.remove, s.refused
        )
    }
}

/// What an apply did: the changes carried out and not, the grant moves, and whether the
/// application was found in sync afterwards.
///
/// Returned by `client.apply` after a complete run, and carried by `ApplyError.report` and
/// `ApplyInterrupted.report` after one that ended early; not built directly.
#[pyclass(frozen, module = "nylas_workspaces")]
pub struct ApplyReport {
    /// The changes carried out, in order (a list of `Change`).
    #[pyo3(get)]
    applied: Vec<Change>,
    /// The changes not carried out after a failure or a stop, the failed step's included
    /// (a list of `Change`; empty after a complete run).
    #[pyo3(get)]
    not_applied: Vec<Change>,
    /// True when the run completed and planning the file again found nothing left to do.
    #[pyo3(get)]
    in_sync: bool,
    /// True when Ctrl-C (the stop flag) ended the run.
    #[pyo3(get)]
    stopped: bool,
    /// The exception that ended the run early (a `ConcurrentChangeError`, a
    /// `BulkAssignError`, an `APIError`, ...), or None.
    #[pyo3(get)]
    error: Option<Py<PyAny>>,
    /// The plan made again after a complete run (empty when in sync), or None when the run
    /// did not complete or there was no file to plan again.
    #[pyo3(get)]
    remaining: Option<Py<Plan>>,
    /// The workspaces created, as Nylas answered (a list of `Workspace`).
    #[pyo3(get)]
    created: Vec<models::Workspace>,
    /// The outcome of each grants step (a list of `ManualAssignResult`).
    #[pyo3(get)]
    assignments: Vec<models::ManualAssignResult>,
    /// The journals written, one per grants step (a list of str paths); each can be
    /// finished with `client.workspaces.resume_manual_assign(path)`.
    #[pyo3(get)]
    journals: Vec<String>,
    text: String,
    json: String,
}

impl ApplyReport {
    /// The Python view of `report`; its error becomes the exception it would raise.
    pub fn new(py: Python<'_>, report: &wac::ApplyReport) -> PyResult<Self> {
        let error = report
            .error()
            .map(|e| errors::exception_value(py, e))
            .transpose()?;
        let remaining = report
            .remaining
            .clone()
            .map(|plan| Py::new(py, Plan::from(plan)))
            .transpose()?;
        let json = json_text(report)?;
        Ok(Self {
            applied: changes(&report.applied),
            not_applied: changes(&report.not_applied),
            in_sync: report.in_sync(),
            stopped: report.stopped,
            error,
            remaining,
            created: report.created.iter().cloned().map(Into::into).collect(),
            assignments: report
                .assignments
                .iter()
                .map(|(_, outcome)| outcome.clone().into())
                .collect(),
            journals: report
                .journals
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            text: report.to_string(),
            json,
        })
    }
}

#[pymethods]
impl ApplyReport {
    /// Converts the report to its JSON form, the crate's (and the CLI's `apply --json`
    /// `report`).
    ///
    /// Returns:
    ///     A new dict: `applied` and `not_applied` (changes as `Change.to_dict()` gives
    ///     them), `error` (its text, or None), `stopped`, `in_sync`, `journals` and
    ///     `remaining` (a plan's dict, or None).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.json)
    }

    fn __str__(&self) -> String {
        self.text.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "ApplyReport(applied=<{} changes>, not_applied=<{} changes>, in_sync={}, stopped={})",
            self.applied.len(),
            self.not_applied.len(),
            if self.in_sync { "True" } else { "False" },
            if self.stopped { "True" } else { "False" },
        )
    }
}
