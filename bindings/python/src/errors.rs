//! The crate's `Error` as the exception classes of `nylas_workspaces._exceptions`.
//!
//! The classes are plain Python (so they can subclass `ValueError` and carry attributes);
//! this module only picks the class and fills in the attributes. It is the one place where a
//! crate error becomes a Python exception, and it does so only where the GIL is held: an
//! operation hands back an [`Answer`], which Python turns into a value or an exception when
//! it takes the result (at the end of a blocking call, or when asyncio's future is set).
//! The classes are looked up once per process, not by name on every error.

use std::path::{Path, PathBuf};

use nylas_workspaces::plan::ApplyReport;
use nylas_workspaces::{
    ApiError, ApiErrorKind, Error, GrantRef, JournalError, JournalErrorKind, ManualAssignOutcome,
    RecordedError,
};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyType};

const EXCEPTIONS: &str = "nylas_workspaces._exceptions";

/// What an operation answered: the value, or the crate's error (plain, or [`Reported`]),
/// still unconverted.
///
/// Converting it into a Python object (which needs the GIL) is what raises the exception, so
/// the async code that produces it never touches Python.
pub struct Answer<T, E = Error>(pub Result<T, E>);

impl<'py, T: IntoPyObject<'py>, E: IntoPyException> IntoPyObject<'py> for Answer<T, E> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.0 {
            Ok(value) => value.into_bound_py_any(py),
            Err(err) => Err(err.into_py_exception(py)),
        }
    }
}

/// An error an [`Answer`] can carry, turned into its Python exception where the GIL is held.
pub trait IntoPyException {
    /// The exception for this error.
    fn into_py_exception(self, py: Python<'_>) -> PyErr;
}

impl IntoPyException for Error {
    fn into_py_exception(self, py: Python<'_>) -> PyErr {
        to_py_err(py, self)
    }
}

/// A bulk assignment's error with the journal (`report=`) the run wrote, if any, so that
/// `BulkAssignError.report` can name the file that `resume_manual_assign` finishes.
pub struct Reported {
    /// The crate's error.
    pub error: Error,
    /// The journal file, as the caller named it.
    pub report: Option<PathBuf>,
}

impl IntoPyException for Reported {
    fn into_py_exception(self, py: Python<'_>) -> PyErr {
        reported_err(py, self.error, self.report.as_deref())
    }
}

/// Builds the Python exception for `err`, naming `report` on a `BulkAssignError`.
pub fn reported_err(py: Python<'_>, err: Error, report: Option<&Path>) -> PyErr {
    build(py, &err, report).unwrap_or_else(|e| e)
}

/// Builds the Python exception for `err`.
pub fn to_py_err(py: Python<'_>, err: Error) -> PyErr {
    build(py, &err, None).unwrap_or_else(|e| e)
}

/// The Python exception object for `err`, to keep as a value (`ApplyReport.error`).
pub fn exception_value(py: Python<'_>, err: &Error) -> PyResult<Py<PyAny>> {
    let exc = build(py, err, None).unwrap_or_else(|e| e);
    Ok(exc.into_value(py).into_any())
}

/// The `ApplyInterrupted` (a `KeyboardInterrupt`) for an apply stopped by Ctrl-C, carrying
/// its report.
pub fn apply_interrupted(py: Python<'_>, report: &ApplyReport) -> PyErr {
    let message = format!("apply interrupted: {report}");
    apply_exception(py, Class::ApplyInterrupted, &message, report).unwrap_or_else(|e| e)
}

/// `ApplyError` or `ApplyInterrupted` with `report`, and the error that ended the run (if
/// any) as `__cause__`.
fn apply_exception(
    py: Python<'_>,
    class: Class,
    message: &str,
    report: &ApplyReport,
) -> PyResult<PyErr> {
    let view = Bound::new(py, crate::plan_models::ApplyReport::new(py, report)?)?;
    let cause = view.getattr("error")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("report", &view)?;
    let exc = class.instantiate(py, message, &kwargs)?;
    if !cause.is_none() {
        exc.set_cause(py, Some(PyErr::from_value(cause)));
    }
    Ok(exc)
}

/// The exception classes this module raises, each bound once (see [`Class::get`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Base,
    Invariant,
    Configuration,
    InvalidRequest,
    LimitExceeded,
    Journal,
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
    ConcurrentChange,
    PlanFile,
    Apply,
    ApplyInterrupted,
}

impl Class {
    const COUNT: usize = Self::ApplyInterrupted as usize + 1;

    fn name(self) -> &'static str {
        match self {
            Self::Base => "NylasWorkspacesError",
            Self::Invariant => "InvariantError",
            Self::Configuration => "ConfigurationError",
            Self::InvalidRequest => "InvalidRequestError",
            Self::LimitExceeded => "LimitExceededError",
            Self::Journal => "JournalError",
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
            Self::ConcurrentChange => "ConcurrentChangeError",
            Self::PlanFile => "PlanFileError",
            Self::Apply => "ApplyError",
            Self::ApplyInterrupted => "ApplyInterrupted",
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
            // 408, a redirect (3xx, never followed), any other status, and kinds added to
            // the crate later.
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

/// The exception for `err`; `report` is the journal of a bulk assignment, if it wrote one.
fn build(py: Python<'_>, err: &Error, report: Option<&Path>) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    let message = err.to_string();
    let mut cause = None;
    let class = match err {
        Error::InvariantViolation { rule, message } => {
            kwargs.set_item("rule", rule.as_str())?;
            return Class::Invariant.instantiate(py, message, &kwargs);
        }
        Error::Api(api) => return api_error(py, api, &kwargs),
        Error::Recorded(recorded) => return recorded_error(py, recorded, &kwargs),
        Error::InvalidRequest { operation, .. } => {
            kwargs.set_item("operation", *operation)?;
            Class::InvalidRequest
        }
        Error::LimitExceeded {
            operation,
            setting,
            limit,
            request_id,
        } => {
            kwargs.set_item("operation", *operation)?;
            kwargs.set_item("setting", *setting)?;
            kwargs.set_item("limit", *limit)?;
            kwargs.set_item("request_id", request_id.as_deref())?;
            Class::LimitExceeded
        }
        Error::Journal(journal) => {
            journal_kwargs(journal, &kwargs)?;
            cause = journal.source.as_ref().map(|e| os_error(py, e));
            Class::Journal
        }
        Error::Timeout { source, .. } => {
            cause = Some(innermost_cause(py, source));
            Class::Timeout
        }
        Error::Connection { source, .. } => {
            cause = Some(innermost_cause(py, source));
            Class::Connection
        }
        Error::Undecodable(u) => {
            kwargs.set_item("status", u.status)?;
            kwargs.set_item("request_id", u.request_id.as_deref())?;
            kwargs.set_item("body", &u.snippet)?;
            Class::ResponseValidation
        }
        Error::BulkPartial(outcome) => {
            bulk_kwargs(py, outcome, report, &kwargs)?;
            Class::Bulk
        }
        Error::Config { .. } => Class::Configuration,
        Error::PlanFile(file) => {
            kwargs.set_item("file", file.file.as_deref())?;
            kwargs.set_item("line", file.line)?;
            kwargs.set_item("kind", file.kind.as_str())?;
            kwargs.set_item("reason", &file.message)?;
            Class::PlanFile
        }
        Error::ApplyPartial(report) => {
            return apply_exception(py, Class::Apply, &message, report);
        }
        Error::Conflict(conflict) => {
            kwargs.set_item("workspace_id", &conflict.workspace_id)?;
            kwargs.set_item(
                "found",
                crate::models::Workspace::from(conflict.found.clone()),
            )?;
            kwargs.set_item("request_id", err.request_id())?;
            Class::ConcurrentChange
        }
        _ => Class::Base,
    };
    let exc = class.instantiate(py, &message, &kwargs)?;
    if let Some(cause) = cause {
        exc.set_cause(py, Some(cause));
    }
    Ok(exc)
}

/// `JournalError`'s attributes: the file, what kind of failure, the line of a corrupt record.
fn journal_kwargs(journal: &JournalError, kwargs: &Bound<'_, PyDict>) -> PyResult<()> {
    let kind = match journal.kind {
        JournalErrorKind::Unwritable => "unwritable",
        JournalErrorKind::Unreadable => "unreadable",
        JournalErrorKind::NotAJournal => "not_a_journal",
        JournalErrorKind::Corrupt => "corrupt",
        JournalErrorKind::TooLarge => "too_large",
        // A kind added to the crate later.
        _ => "other",
    };
    kwargs.set_item("path", journal.path.as_os_str())?;
    kwargs.set_item("kind", kind)?;
    kwargs.set_item("line", journal.line)?;
    Ok(())
}

/// The innermost cause of a transport failure ("Connection refused", "operation timed out")
/// as an `OSError`, for `__cause__`: with its `errno` when the system reported one, so that
/// Python picks the matching subclass (`ConnectionRefusedError`, ...). The crate's message
/// already names the whole chain; this makes the root cause catchable and inspectable.
fn innermost_cause(py: Python<'_>, error: &(dyn std::error::Error + 'static)) -> PyErr {
    let mut innermost = error;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    match innermost.downcast_ref::<std::io::Error>() {
        Some(io) => os_error(py, io),
        None => PyOSError::new_err(innermost.to_string()),
    }
}

/// An `OSError` for `error`, through Python's own constructor so that an errno selects the
/// subclass (`OSError(errno.ECONNREFUSED, ...)` is a `ConnectionRefusedError`).
fn os_error(py: Python<'_>, error: &std::io::Error) -> PyErr {
    let text = error.to_string();
    let built = match error.raw_os_error() {
        Some(code) => py
            .get_type::<PyOSError>()
            .call1((code, text.as_str()))
            .map(PyErr::from_value),
        None => Ok(PyErr::from(std::io::Error::new(error.kind(), text.clone()))),
    };
    built.unwrap_or_else(|_| PyOSError::new_err(text))
}

fn api_error(py: Python<'_>, api: &ApiError, kwargs: &Bound<'_, PyDict>) -> PyResult<PyErr> {
    static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let class = Class::of(api.kind);
    kwargs.set_item("status", api.status)?;
    kwargs.set_item("request_id", api.request_id.as_deref())?;
    kwargs.set_item("type", api.error_type.as_deref())?;
    kwargs.set_item("location", api.location.as_deref())?;
    if let Some(provider) = &api.provider_error {
        let json = serde_json::to_string(provider).unwrap_or_else(|_| "{}".into());
        let value = JSON_LOADS.import(py, "json", "loads")?.call1((json,))?;
        kwargs.set_item("provider_error", value)?;
    }
    if class == Class::RateLimit {
        kwargs.set_item("retry_after", api.retry_after.map(|d| d.as_secs_f64()))?;
    }
    let message = match (&api.message, &api.location, &api.body_snippet) {
        (Some(m), _, _) => m.clone(),
        (None, Some(location), _) if api.kind == ApiErrorKind::Redirect => format!(
            "HTTP {} redirect to {location:?}, not followed (the key and the request stay \
             with the configured host)",
            api.status
        ),
        (None, _, Some(snippet)) => {
            format!("HTTP {} with a non-Nylas body: {snippet:?}", api.status)
        }
        (None, _, None) => format!("HTTP {}", api.status),
    };
    class.instantiate(py, &message, kwargs)
}

/// A failure read back from a journal: the class its HTTP status would have raised (an
/// `APIError` subclass, or `APIResponseValidationError` for an undecodable 2xx), with the
/// recorded text; without a status (a timeout, a lost connection) the base class.
fn recorded_error(
    py: Python<'_>,
    recorded: &RecordedError,
    kwargs: &Bound<'_, PyDict>,
) -> PyResult<PyErr> {
    kwargs.set_item("request_id", recorded.request_id.as_deref())?;
    let class = match recorded.status {
        None => return Class::Base.instantiate(py, &recorded.message, &PyDict::new(py)),
        Some(status) if (200..300).contains(&status) => Class::ResponseValidation,
        Some(status) => Class::of(ApiErrorKind::from_status(status)),
    };
    kwargs.set_item("status", recorded.status)?;
    class.instantiate(py, &recorded.message, kwargs)
}

/// The `BulkAssignInterrupted` (a `KeyboardInterrupt`) for an assignment stopped by Ctrl-C.
/// `report` is the journal the run wrote, if any.
pub fn interrupted(py: Python<'_>, outcome: &ManualAssignOutcome, report: Option<&Path>) -> PyErr {
    let message = format!(
        "manual assignment to {} interrupted: {} assigned, {} removed, {} failed, {} not sent",
        outcome.workspace_id,
        outcome.assigned.len(),
        outcome.removed.len(),
        outcome.failed.len(),
        outcome.not_sent.len()
    );
    let kwargs = PyDict::new(py);
    bulk_kwargs(py, outcome, report, &kwargs)
        .and_then(|()| Class::BulkInterrupted.instantiate(py, &message, &kwargs))
        .unwrap_or_else(|e| e)
}
/// The attributes `BulkAssignError` and `BulkAssignInterrupted` share: every id of the
/// assignment in exactly one of `assigned`, `removed`, `unmatched`, `failed` (with the error
/// of its request) and `not_sent`, plus the request that finishes the job and the journal
/// (`report`) that `resume_manual_assign` finishes.
fn bulk_kwargs(
    py: Python<'_>,
    outcome: &ManualAssignOutcome,
    report: Option<&Path>,
    kwargs: &Bound<'_, PyDict>,
) -> PyResult<()> {
    let failed = PyDict::new(py);
    for f in &outcome.failed {
        let exc = build(py, &f.error, None).unwrap_or_else(|e| e);
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
    kwargs.set_item("report", report.map(Path::as_os_str))?;
    Ok(())
}
