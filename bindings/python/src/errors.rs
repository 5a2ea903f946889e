//! The crate's `Error` as the exception classes of `nylas_workspaces._exceptions`.
//!
//! The classes are plain Python (so they can subclass `ValueError` and carry attributes);
//! this module only picks the class and fills in the attributes.

use nylas_workspaces::{ApiError, Error, GrantRef, ManualAssignOutcome};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

const EXCEPTIONS: &str = "nylas_workspaces._exceptions";

/// Builds the Python exception for `err`. Needs the GIL; called where the error surfaces.
pub fn to_py_err(py: Python<'_>, err: Error) -> PyErr {
    build(py, &err).unwrap_or_else(|e| e)
}

fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import(EXCEPTIONS)?.getattr(name)
}

fn instantiate(
    py: Python<'_>,
    name: &str,
    message: &str,
    kwargs: &Bound<'_, PyDict>,
) -> PyResult<PyErr> {
    let exc = class(py, name)?.call((message,), Some(kwargs))?;
    Ok(PyErr::from_value(exc))
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    let message = err.to_string();
    match err {
        Error::InvariantViolation { rule, message } => {
            kwargs.set_item("rule", rule.as_str())?;
            instantiate(py, "InvariantError", message, &kwargs)
        }
        Error::Api(api) => api_error(py, api, &kwargs),
        Error::Timeout { .. } => instantiate(py, "APITimeoutError", &message, &kwargs),
        Error::Connection { .. } => instantiate(py, "APIConnectionError", &message, &kwargs),
        Error::Undecodable(u) => {
            kwargs.set_item("status", u.status)?;
            kwargs.set_item("request_id", u.request_id.as_deref())?;
            kwargs.set_item("body", &u.snippet)?;
            instantiate(py, "APIResponseValidationError", &message, &kwargs)
        }
        Error::BulkPartial(outcome) => {
            bulk_kwargs(py, outcome, &kwargs)?;
            instantiate(py, "BulkAssignError", &message, &kwargs)
        }
        Error::Config { .. } => instantiate(py, "ConfigurationError", &message, &kwargs),
        _ => instantiate(py, "NylasWorkspacesError", &message, &kwargs),
    }
}

fn api_error(py: Python<'_>, api: &ApiError, kwargs: &Bound<'_, PyDict>) -> PyResult<PyErr> {
    let name = match api.status {
        400 => "BadRequestError",
        401 => "AuthenticationError",
        403 => "PermissionDeniedError",
        404 => "NotFoundError",
        429 => "RateLimitError",
        500..=599 => "InternalServerError",
        _ => "APIError",
    };
    kwargs.set_item("status", api.status)?;
    kwargs.set_item("request_id", api.request_id.as_deref())?;
    kwargs.set_item("type", api.error_type.as_deref())?;
    if let Some(provider) = &api.provider_error {
        let json = serde_json::to_string(provider).unwrap_or_else(|_| "{}".into());
        let value = py.import("json")?.call_method1("loads", (json,))?;
        kwargs.set_item("provider_error", value)?;
    }
    if api.status == 429 {
        kwargs.set_item("retry_after", api.retry_after.map(|d| d.as_secs_f64()))?;
    }
    let message = match (&api.message, &api.body_snippet) {
        (Some(m), _) => m.clone(),
        (None, Some(snippet)) => format!("HTTP {} with a non-Nylas body: {snippet:?}", api.status),
        (None, None) => format!("HTTP {}", api.status),
    };
    instantiate(py, name, &message, kwargs)
}

/// The `BulkAssignInterrupted` (a `KeyboardInterrupt`) for an assignment stopped by Ctrl-C.
pub fn interrupted(py: Python<'_>, outcome: &ManualAssignOutcome) -> PyErr {
    let message = format!(
        "manual assignment to {} interrupted: {} assigned, {} removed, {} failed, {} not sent",
        outcome.workspace_id,
        outcome.assigned.len(),
        outcome.removed.len(),
        outcome.failed.len(),
        outcome.not_sent.len()
    );
    let kwargs = PyDict::new(py);
    bulk_kwargs(py, outcome, &kwargs)
        .and_then(|()| instantiate(py, "BulkAssignInterrupted", &message, &kwargs))
        .unwrap_or_else(|e| e)
}

/// The attributes `BulkAssignError` and `BulkAssignInterrupted` share: every id of the
/// assignment in exactly one of `assigned`, `removed`, `unmatched`, `failed` (with the error
/// of its request) and `not_sent`, plus the request that finishes the job.
fn bulk_kwargs(
    py: Python<'_>,
    outcome: &ManualAssignOutcome,
    kwargs: &Bound<'_, PyDict>,
) -> PyResult<()> {
    let failed = PyDict::new(py);
    for f in &outcome.failed {
        let exc = build(py, &f.error).unwrap_or_else(|e| e);
        failed.set_item(PyString::new(py, &f.grant_id), exc.into_value(py))?;
    }
    let ids = |refs: &[GrantRef]| refs.iter().map(|g| g.grant_id.clone()).collect::<Vec<_>>();
    let retry = outcome.retry_request().unwrap_or_default();
    let retry_dict = PyDict::new(py);
    retry_dict.set_item("assign_grants", retry.assign_ids())?;
    retry_dict.set_item("remove_grants", retry.remove_ids())?;
    kwargs.set_item("workspace_id", &outcome.workspace_id)?;
    kwargs.set_item("assigned", &outcome.assigned)?;
    kwargs.set_item("removed", &outcome.removed)?;
    kwargs.set_item("unmatched", ids(&outcome.unmatched))?;
    kwargs.set_item("failed", failed)?;
    kwargs.set_item("not_sent", ids(&outcome.not_sent))?;
    kwargs.set_item("request_ids", &outcome.request_ids)?;
    kwargs.set_item("retry", retry_dict)?;
    Ok(())
}
