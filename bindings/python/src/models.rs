//! Immutable Python views of the crate's results: equality, a readable `repr`, `to_dict()`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

fn opt_repr<T: std::fmt::Debug>(value: &Option<T>) -> String {
    match value {
        Some(v) => format!("{v:?}"),
        None => "None".into(),
    }
}

fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

/// A workspace, as Nylas reported it: immutable, compared by value, hashable.
/// Equality compares the workspace, not the call that read it (`request_id` is left out).
///
/// Returned by `Workspaces`; not built directly.
#[pyclass(frozen, eq, module = "nylas_workspaces")]
#[derive(Clone)]
pub struct Workspace {
    /// The workspace's id.
    #[pyo3(get)]
    workspace_id: String,
    /// The id of the application that owns the workspace.
    #[pyo3(get)]
    application_id: String,
    /// The workspace's name.
    #[pyo3(get)]
    name: String,
    /// The email domain the workspace groups, or None.
    #[pyo3(get)]
    domain: Option<String>,
    /// Whether new grants of `domain` join the workspace by themselves.
    #[pyo3(get)]
    auto_group: bool,
    /// Whether this is the default workspace (only its policy and rules can change).
    #[pyo3(get)]
    default: bool,
    /// The id of the attached policy, or None.
    #[pyo3(get)]
    policy_id: Option<String>,
    /// The ids of the attached rules (a list, possibly empty).
    #[pyo3(get)]
    rule_ids: Vec<String>,
    /// When the workspace was created, in Unix seconds, or None when Nylas did not say.
    #[pyo3(get)]
    created_at: Option<i64>,
    /// When the workspace last changed, in Unix seconds, or None when Nylas did not say.
    #[pyo3(get)]
    updated_at: Option<i64>,
    /// The id of the request that returned this workspace, or None when the server sent none.
    #[pyo3(get)]
    request_id: Option<String>,
}

impl PartialEq for Workspace {
    fn eq(&self, other: &Self) -> bool {
        // The crate's equality already leaves the request id out; the same fields here.
        self.workspace_id == other.workspace_id
            && self.application_id == other.application_id
            && self.name == other.name
            && self.domain == other.domain
            && self.auto_group == other.auto_group
            && self.default == other.default
            && self.policy_id == other.policy_id
            && self.rule_ids == other.rule_ids
            && self.created_at == other.created_at
            && self.updated_at == other.updated_at
    }
}

impl From<nylas_workspaces::Workspace> for Workspace {
    fn from(w: nylas_workspaces::Workspace) -> Self {
        Self {
            workspace_id: w.workspace_id,
            application_id: w.application_id,
            name: w.name,
            domain: w.domain,
            auto_group: w.auto_group,
            default: w.default,
            policy_id: w.policy_id,
            rule_ids: w.rule_ids,
            created_at: w.created_at,
            updated_at: w.updated_at,
            request_id: w.request_id,
        }
    }
}

#[pymethods]
impl Workspace {
    fn __repr__(&self) -> String {
        format!(
            "Workspace(workspace_id={:?}, name={:?}, domain={}, auto_group={}, default={}, \
             policy_id={}, rule_ids={:?})",
            self.workspace_id,
            self.name,
            opt_repr(&self.domain),
            py_bool(self.auto_group),
            py_bool(self.default),
            opt_repr(&self.policy_id),
            self.rule_ids,
        )
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.workspace_id.hash(&mut h);
        self.updated_at.hash(&mut h);
        h.finish()
    }

    /// Converts the workspace to a plain dict.
    ///
    /// Returns:
    ///     A new dict with the API's field names as keys.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("workspace_id", &self.workspace_id)?;
        d.set_item("application_id", &self.application_id)?;
        d.set_item("name", &self.name)?;
        d.set_item("domain", &self.domain)?;
        d.set_item("auto_group", self.auto_group)?;
        d.set_item("default", self.default)?;
        d.set_item("policy_id", &self.policy_id)?;
        d.set_item("rule_ids", &self.rule_ids)?;
        d.set_item("created_at", self.created_at)?;
        d.set_item("updated_at", self.updated_at)?;
        Ok(d)
    }
}

/// A started auto-group job: immutable, compared by value.
///
/// Returned by `auto_group`; not built directly.
#[pyclass(frozen, eq, module = "nylas_workspaces")]
#[derive(Clone, PartialEq)]
pub struct AutoGroupJob {
    /// The job's id (empty when Nylas did not report one).
    #[pyo3(get)]
    job_id: String,
    /// Nylas's note about the job.
    #[pyo3(get)]
    message: String,
    /// The id of the request that started the job, or None.
    #[pyo3(get)]
    request_id: Option<String>,
}

impl From<nylas_workspaces::AutoGroupJob> for AutoGroupJob {
    fn from(j: nylas_workspaces::AutoGroupJob) -> Self {
        Self {
            job_id: j.job_id,
            message: j.message,
            request_id: j.request_id,
        }
    }
}

#[pymethods]
impl AutoGroupJob {
    fn __repr__(&self) -> String {
        format!(
            "AutoGroupJob(job_id={:?}, message={:?}, request_id={})",
            self.job_id,
            self.message,
            opt_repr(&self.request_id)
        )
    }

    /// Converts the job to a plain dict.
    ///
    /// Returns:
    ///     A new dict with `job_id`, `message` and `request_id`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("job_id", &self.job_id)?;
        d.set_item("message", &self.message)?;
        d.set_item("request_id", &self.request_id)?;
        Ok(d)
    }
}

/// What a manual assignment did, over all its chunks: immutable, compared by value.
///
/// Returned by `manual_assign` and `resume_manual_assign`; not built directly.
#[pyclass(frozen, eq, module = "nylas_workspaces")]
#[derive(Clone, PartialEq)]
pub struct ManualAssignResult {
    /// The workspace the grants moved into or out of.
    #[pyo3(get)]
    workspace_id: String,
    /// The ids Nylas confirmed as moved into the workspace.
    #[pyo3(get)]
    grants_assigned: Vec<String>,
    /// The ids Nylas confirmed as moved out of the workspace.
    #[pyo3(get)]
    grants_removed: Vec<String>,
    /// The ids sent in a successful request that Nylas did not report as changed (unknown).
    #[pyo3(get)]
    unmatched: Vec<String>,
    /// The ids of the requests that were sent, one per chunk.
    #[pyo3(get)]
    request_ids: Vec<String>,
    /// The last successful request's id (the only one for up to 500 ids per list), or None.
    #[pyo3(get)]
    request_id: Option<String>,
}

impl From<nylas_workspaces::ManualAssignOutcome> for ManualAssignResult {
    fn from(o: nylas_workspaces::ManualAssignOutcome) -> Self {
        let request_id = o.request_id().map(str::to_owned);
        Self {
            workspace_id: o.workspace_id,
            grants_assigned: o.assigned,
            grants_removed: o.removed,
            unmatched: o.unmatched.into_iter().map(|g| g.grant_id).collect(),
            request_ids: o.request_ids,
            request_id,
        }
    }
}

#[pymethods]
impl ManualAssignResult {
    fn __repr__(&self) -> String {
        format!(
            "ManualAssignResult(workspace_id={:?}, grants_assigned=<{} ids>, \
             grants_removed=<{} ids>, unmatched=<{} ids>, requests={})",
            self.workspace_id,
            self.grants_assigned.len(),
            self.grants_removed.len(),
            self.unmatched.len(),
            self.request_ids.len()
        )
    }

    /// Converts the result to a plain dict.
    ///
    /// Returns:
    ///     A new dict with the attribute names as keys.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("workspace_id", &self.workspace_id)?;
        d.set_item("grants_assigned", &self.grants_assigned)?;
        d.set_item("grants_removed", &self.grants_removed)?;
        d.set_item("unmatched", &self.unmatched)?;
        d.set_item("request_ids", &self.request_ids)?;
        Ok(d)
    }
}
