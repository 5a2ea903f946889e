//! Python arguments as the crate's request types.
//!
//! Only conversions live here (the `NOT_GIVEN` sentinel, datetimes, region names); whether a
//! combination is allowed is the crate's decision.

use nylas_workspaces::{AutoGroup, CreateWorkspace, ManualAssign, Region, UpdateWorkspace};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// The three states of an `update()` argument.
pub enum Given<T> {
    Omitted,
    Null,
    Value(T),
}

/// Whether `value` is `NOT_GIVEN` (the sentinel is looked up once per process).
fn is_not_given(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    static NOT_GIVEN: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let sentinel = NOT_GIVEN.import(value.py(), "nylas_workspaces._sentinel", "NOT_GIVEN")?;
    Ok(value.is(sentinel))
}

pub fn given<'py, T: FromPyObjectOwned<'py>>(
    value: Option<&Bound<'py, PyAny>>,
    name: &str,
) -> PyResult<Given<T>> {
    let Some(value) = value else {
        return Ok(Given::Omitted);
    };
    if is_not_given(value)? {
        return Ok(Given::Omitted);
    }
    if value.is_none() {
        return Ok(Given::Null);
    }
    value
        .extract::<T>()
        .map(Given::Value)
        .map_err(|_| PyTypeError::new_err(format!("{name}: unexpected type {}", type_name(value))))
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A sequence of ids, refusing a bare string (which Python would happily iterate by letter).
pub fn id_list(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<String>> {
    if value.is_instance_of::<pyo3::types::PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a sequence of ids, not a single string"
        )));
    }
    value
        .try_iter()?
        .map(|item| {
            item?
                .extract::<String>()
                .map_err(|_| PyTypeError::new_err(format!("{name} must contain only strings")))
        })
        .collect()
}

pub fn region(name: &str) -> PyResult<Region> {
    match name.to_ascii_lowercase().as_str() {
        "us" => Ok(Region::Us),
        "eu" => Ok(Region::Eu),
        other => Err(PyValueError::new_err(format!(
            "region must be \"us\" or \"eu\", not {other:?}"
        ))),
    }
}

pub fn create(
    name: String,
    domain: Option<String>,
    auto_group: Option<bool>,
    policy_id: Option<String>,
    rule_ids: Option<&Bound<'_, PyAny>>,
) -> PyResult<CreateWorkspace> {
    let mut request = CreateWorkspace::new(name);
    if let Some(domain) = domain {
        request = request.domain(domain);
    }
    if let Some(auto_group) = auto_group {
        request = request.auto_group(auto_group);
    }
    if let Some(policy_id) = policy_id {
        request = request.policy_id(policy_id);
    }
    if let Some(rules) = rule_ids.filter(|r| !r.is_none()) {
        request = request.rule_ids(id_list(rules, "rule_ids")?);
    }
    Ok(request)
}

pub fn update(
    name: Option<&Bound<'_, PyAny>>,
    auto_group: Option<&Bound<'_, PyAny>>,
    policy_id: Option<&Bound<'_, PyAny>>,
    rule_ids: Option<&Bound<'_, PyAny>>,
) -> PyResult<UpdateWorkspace> {
    let mut request = UpdateWorkspace::new();
    match given::<String>(name, "name")? {
        Given::Omitted => {}
        Given::Null => {
            return Err(PyTypeError::new_err(
                "name cannot be None; omit it to keep the name",
            ));
        }
        Given::Value(v) => request = request.name(v),
    }
    match given::<bool>(auto_group, "auto_group")? {
        Given::Omitted => {}
        Given::Null => {
            return Err(PyTypeError::new_err(
                "auto_group cannot be None; omit it to keep the setting",
            ));
        }
        Given::Value(v) => request = request.auto_group(v),
    }
    match given::<String>(policy_id, "policy_id")? {
        Given::Omitted => {}
        Given::Null => request = request.clear_policy(),
        Given::Value(v) => request = request.policy_id(v),
    }
    match rule_ids {
        Some(v) if !is_not_given(v)? => {
            if v.is_none() {
                request = request.clear_rules();
            } else {
                request = request.rule_ids(id_list(v, "rule_ids")?);
            }
        }
        _ => {}
    }
    Ok(request)
}

pub fn auto_group(
    after_created_at: Option<&Bound<'_, PyAny>>,
    invalid_also: Option<bool>,
    specific_domain: Option<String>,
) -> PyResult<AutoGroup> {
    let mut request = AutoGroup::new();
    if let Some(when) = after_created_at.filter(|w| !w.is_none()) {
        request = request.after_created_at_unix(unix_seconds(when)?);
    }
    if let Some(invalid_also) = invalid_also {
        request = request.invalid_also(invalid_also);
    }
    if let Some(domain) = specific_domain {
        request = request.specific_domain(domain);
    }
    Ok(request)
}

/// Whole Unix seconds from an `int` or a timezone-aware `datetime`.
fn unix_seconds(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(
            "after_created_at must be an int (Unix seconds) or an aware datetime, not a bool",
        ));
    }
    if let Ok(seconds) = value.extract::<i64>() {
        return Ok(seconds);
    }
    if value.is_instance_of::<pyo3::types::PyDateTime>() {
        if value.getattr("tzinfo")?.is_none() {
            return Err(PyValueError::new_err(
                "after_created_at is a naive datetime; give it a timezone (for example \
                 tzinfo=datetime.timezone.utc) so the instant is unambiguous",
            ));
        }
        let ts: f64 = value.call_method0("timestamp")?.extract()?;
        return Ok(ts.floor() as i64);
    }
    Err(PyTypeError::new_err(format!(
        "after_created_at must be an int (Unix seconds) or an aware datetime, not {}",
        type_name(value)
    )))
}

/// `manual_assign()`'s two lists; an omitted list is an empty one.
pub fn manual_assign(
    assign_grants: Option<&Bound<'_, PyAny>>,
    remove_grants: Option<&Bound<'_, PyAny>>,
) -> PyResult<ManualAssign> {
    let ids = |value: Option<&Bound<'_, PyAny>>, name| match value {
        Some(value) => id_list(value, name),
        None => Ok(Vec::new()),
    };
    Ok(ManualAssign::new()
        .assign(ids(assign_grants, "assign_grants")?)
        .remove(ids(remove_grants, "remove_grants")?))
}
