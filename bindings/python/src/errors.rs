//! The crate's `Error` as the exception classes of `nylas_workspaces._exceptions`.
//!
//! The classes are plain Python (so they can subclass `ValueError` and carry attributes);
//! this module only picks the class and fills in the attributes. It is the one place where a
//! crate error becomes a Python exception, and it does so only where the GIL is held: an
//! operation hands back an [`Answer`], which Python turns into a value or an exception when
//! it takes the result (at the end of a blocking call, or when asyncio's future is set).
//! The classes are looked up once per process, not by name on every error.

use nylas_workspaces::{ApiError, ApiErrorKind, Error, GrantRef, ManualAssignOutcome};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyType};

const EXCEPTIONS: &str = "nylas_workspaces._exceptions";

/// What an operation answered: the value, or the crate's error, still unconverted.
///
/// Converting it into a Python object (which needs the GIL) is what raises the exception, so
/// the async code that produces it never touches Python.
pub struct Answer<T>(pub nylas_workspaces::Result<T>);

impl<'py, T: IntoPyObject<'py>> IntoPyObject<'py> for Answer<T> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.0 {
            Ok(value) => value.into_bound_py_any(py),
            Err(err) => Err(to_py_err(py, err)),
        }
    }
}

/// Builds the Python exception for `err`.
pub fn to_py_err(py: Python<'_>, err: Error) -> PyErr {
    build(py, &err).unwrap_or_else(|e| e)
}

/// The exception classes this module raises, each bound once (see [`Class::get`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Base,
    Invariant,
    Configuration,
    Connection,
    Timeout,
    ResponseValidation,
    Api,
    BadRequest,
    Authentication,
    PermissionDenied,
    NotFound,
    Conflict,
    RateLimit,
    InternalServer,
    Bulk,
    BulkInterrupted,
}

impl Class {
    const COUNT: usize = Self::BulkInterrupted as usize + 1;

    fn name(self) -> &'static str {
        match self {
            Self::Base => "NylasWorkspacesError",
            Self::Invariant => "InvariantError",
            Self::Configuration => "ConfigurationError",
            Self::Connection => "APIConnectionError",
            Self::Timeout => "APITimeoutError",
            Self::ResponseValidation => "APIResponseValidationError",
            Self::Api => "APIError",
            Self::BadRequest => "BadRequestError",
            Self::Authentication => "AuthenticationError",
            Self::PermissionDenied => "PermissionDeniedError",
            Self::NotFound => "NotFoundError",
            Self::Conflict => "ConflictError",
            Self::RateLimit => "RateLimitError",
            Self::InternalServer => "InternalServerError",
            Self::Bulk => "BulkAssignError",
            Self::BulkInterrupted => "BulkAssignInterrupted",
        }
    }

    /// The class, imported from `_exceptions` on first use and kept for the process.
    fn get(self, py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
        static CLASSES: [PyOnceLock<Py<PyType>>; Class::COUNT] =
            [const { PyOnceLock::new() }; Class::COUNT];
        CLASSES[self as usize].import(py, EXCEPTIONS, self.name())
    }

    /// The class for an HTTP error, from the crate's classification of the status.
    fn of(kind: ApiErrorKind) -> Self {
        match kind {
            ApiErrorKind::BadRequest => Self::BadRequest,
            ApiErrorKind::Unauthorized => Self::Authentication,
            ApiErrorKind::Forbidden => Self::PermissionDenied,
            ApiErrorKind::NotFound => Self::NotFound,
            ApiErrorKind::Conflict => Self::Conflict,
            ApiErrorKind::RateLimited => Self::RateLimit,
            ApiErrorKind::Server => Self::InternalServer,
            // 408, any other status, and kinds added to the crate later.
            _ => Self::Api,
        }
    }

    fn instantiate(
        self,
        py: Python<'_>,
        message: &str,
        kwargs: &Bound<'_, PyDict>,
    ) -> PyResult<PyErr> {
        let exc = self.get(py)?.call((message,), Some(kwargs))?;
        Ok(PyErr::from_value(exc))
    }
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    let message = err.to_string();
    let class = match err {
        Error::InvariantViolation { rule, message } => {
            kwargs.set_item("rule", rule.as_str())?;
            return Class::Invariant.instantiate(py, message, &kwargs);
        }
        Error::Api(api) => return api_error(py, api, &kwargs),
        Error::Timeout { .. } => Class::Timeout,
        Error::Connection { .. } => Class::Connection,
        Error::Undecodable(u) => {
            kwargs.set_item("status", u.status)?;
            kwargs.set_item("request_id", u.request_id.as_deref())?;
            kwargs.set_item("body", &u.snippet)?;
            Class::ResponseValidation
        }
        Error::BulkPartial(outcome) => {
            bulk_kwargs(py, outcome, &kwargs)?;
            Class::Bulk
        }
        Error::Config { .. } => Class::Configuration,
        _ => Class::Base,
    };
    class.instantiate(py, &message, &kwargs)
}

fn api_error(py: Python<'_>, api: &ApiError, kwargs: &Bound<'_, PyDict>) -> PyResult<PyErr> {
    static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let class = Class::of(api.kind);
    kwargs.set_item("status", api.status)?;
    kwargs.set_item("request_id", api.request_id.as_deref())?;
    kwargs.set_item("type", api.error_type.as_deref())?;
    if let Some(provider) = &api.provider_error {
        let json = serde_json::to_string(provider).unwrap_or_else(|_| "{}".into());
        let value = JSON_LOADS.import(py, "json", "loads")?.call1((json,))?;
        kwargs.set_item("provider_error", value)?;
    }
    if class == Class::RateLimit {
        kwargs.set_item("retry_after", api.retry_after.map(|d| d.as_secs_f64()))?;
    }
    let message = match (&api.message, &api.body_snippet) {
        (Some(m), _) => m.clone(),
        (None, Some(snippet)) => format!("HTTP {} with a non-Nylas body: {snippet:?}", api.status),
        (None, None) => format!("HTTP {}", api.status),
    };
    class.instantiate(py, &message, kwargs)
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
        .and_then(|()| Class::BulkInterrupted.instantiate(py, &message, &kwargs))
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
