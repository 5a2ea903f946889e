//! Python arguments as the crate's request types.
//!
//! Only conversions live here (the `NOT_GIVEN` sentinel, `update()`'s keyword arguments,
//! datetimes, the `rate_limit=` shapes); whether a value or a combination is
//! allowed is the crate's decision.

use nylas_workspaces::{AutoGroup, CreateWorkspace, ManualAssign, UpdateWorkspace};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

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

const UPDATE_FIELDS: [&str; 4] = ["name", "auto_group", "policy_id", "rule_ids"];

/// `update()`'s keyword arguments, keeping "absent" (or `NOT_GIVEN`) apart from "None".
pub fn update(changes: Option<&Bound<'_, PyDict>>) -> PyResult<UpdateWorkspace> {
    let get = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        match changes {
            Some(d) => d.get_item(name),
            None => Ok(None),
        }
    };
    for key in changes.iter().flat_map(|d| d.keys()) {
        let key: String = key.extract()?;
        if !UPDATE_FIELDS.contains(&key.as_str()) {
            return Err(PyTypeError::new_err(format!(
                "update() got an unexpected keyword argument {key:?} (it accepts {})",
                UPDATE_FIELDS.join(", ")
            )));
        }
    }
    let mut request = UpdateWorkspace::new();
    match given::<String>(get("name")?.as_ref(), "name")? {
        Given::Omitted => {}
        Given::Null => {
            return Err(PyTypeError::new_err(
                "name cannot be None; omit it to keep the name",
            ));
        }
        Given::Value(v) => request = request.name(v),
    }
    match given::<bool>(get("auto_group")?.as_ref(), "auto_group")? {
        Given::Omitted => {}
        Given::Null => {
            return Err(PyTypeError::new_err(
                "auto_group cannot be None; omit it to keep the setting",
            ));
        }
        Given::Value(v) => request = request.auto_group(v),
    }
    match given::<String>(get("policy_id")?.as_ref(), "policy_id")? {
        Given::Omitted => {}
        Given::Null => request = request.clear_policy(),
        Given::Value(v) => request = request.policy_id(v),
    }
    match get("rule_ids")? {
        Some(v) if !is_not_given(&v)? => {
            if v.is_none() {
                request = request.clear_rules();
            } else {
                request = request.rule_ids(id_list(&v, "rule_ids")?);
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
        request = request.after_created_at_unix(unix_seconds(when, "after_created_at", false)?);
    }
    if let Some(invalid_also) = invalid_also {
        request = request.invalid_also(invalid_also);
    }
    if let Some(domain) = specific_domain {
        request = request.specific_domain(domain);
    }
    Ok(request)
}

/// Whole Unix seconds from an `int` or a timezone-aware `datetime` (a fraction of a second
/// rounded down, or up with `round_up`); `name` is the argument's, for the messages.
fn unix_seconds(value: &Bound<'_, PyAny>, name: &str, round_up: bool) -> PyResult<i64> {
    if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int (Unix seconds) or an aware datetime, not a bool"
        )));
    }
    if let Ok(seconds) = value.extract::<i64>() {
        return Ok(seconds);
    }
    if value.is_instance_of::<pyo3::types::PyDateTime>() {
        if value.getattr("tzinfo")?.is_none() {
            return Err(PyValueError::new_err(format!(
                "{name} is a naive datetime; give it a timezone (for example \
                 tzinfo=datetime.timezone.utc) so the instant is unambiguous"
            )));
        }
        let ts: f64 = value.call_method0("timestamp")?.extract()?;
        return Ok(if round_up { ts.ceil() } else { ts.floor() } as i64);
    }
    if value.is_instance_of::<pyo3::types::PyInt>() {
        return Err(PyOverflowError::new_err(format!(
            "{name} is out of range for Unix seconds"
        )));
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be an int (Unix seconds) or an aware datetime, not {}",
        type_name(value)
    )))
}

/// An optional instant (`since=`, `before=`): None, an int or an aware `datetime`, whose
/// fraction of a second is rounded up with `round_up` (so that `since=` at 10.5 s leaves
/// out a grant created at 10 s) and down otherwise.
pub fn when(value: Option<&Bound<'_, PyAny>>, name: &str, round_up: bool) -> PyResult<Option<i64>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| unix_seconds(v, name, round_up))
        .transpose()
}

/// The filters of `grants.list()`, as Python gave them; whether they are allowed (a status
/// word, an empty email, `since` after `before`) is the crate's decision, in
/// `listings::grants`.
pub struct GrantFilters {
    pub workspace_id: Option<String>,
    pub email: Option<String>,
    pub provider: Option<String>,
    pub grant_status: Option<String>,
    pub since: Option<i64>,
    pub before: Option<i64>,
    pub full_scan: bool,
    pub page_size: Option<u32>,
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

/// `rate_limit=`: `None` (no client-wide pacing), a number of requests per second (fixed
/// rate, burst of one second's worth), or a dict `{"rate": .., "burst": .., "adaptive": ..}`
/// with `rate` required. Only the shape is checked here; the crate judges the values.
pub fn rate_limit(
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<nylas_workspaces::RateLimit>> {
    use nylas_workspaces::RateLimit;
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let number = |v: &Bound<'_, PyAny>, what: &str| -> PyResult<f64> {
        if v.is_instance_of::<pyo3::types::PyBool>() {
            return Err(PyTypeError::new_err(format!(
                "{what} must be a number, not a bool"
            )));
        }
        v.extract::<f64>().map_err(|e| {
            if e.is_instance_of::<PyOverflowError>(v.py()) {
                PyOverflowError::new_err(format!("{what} is too large"))
            } else {
                PyTypeError::new_err(format!("{what} must be a number"))
            }
        })
    };
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut rate = None;
        let mut burst = None;
        let mut adaptive = false;
        for (key, item) in dict.iter() {
            let key: String = key
                .extract()
                .map_err(|_| PyTypeError::new_err("rate_limit keys must be strings"))?;
            match key.as_str() {
                "rate" => rate = Some(number(&item, "rate_limit['rate']")?),
                "burst" if item.is_none() => {}
                "burst" => {
                    if item.is_instance_of::<pyo3::types::PyBool>() {
                        return Err(PyTypeError::new_err("rate_limit['burst'] must be an int"));
                    }
                    let value: i64 = item.extract().map_err(|e: PyErr| {
                        if e.is_instance_of::<PyOverflowError>(item.py()) {
                            PyOverflowError::new_err("rate_limit['burst'] is out of range")
                        } else {
                            PyTypeError::new_err("rate_limit['burst'] must be an int")
                        }
                    })?;
                    burst = Some(u32::try_from(value).map_err(|_| {
                        PyValueError::new_err(format!(
                            "rate_limit['burst'] must be between 1 and {}, not {value}",
                            u32::MAX
                        ))
                    })?);
                }
                "adaptive" => {
                    adaptive = item.extract::<bool>().map_err(|_| {
                        PyTypeError::new_err("rate_limit['adaptive'] must be a bool")
                    })?;
                }
                other => {
                    return Err(PyValueError::new_err(format!(
                        "rate_limit has no key {other:?} (expected rate, burst, adaptive)"
                    )));
                }
            }
        }
        let rate = rate.ok_or_else(|| PyValueError::new_err("rate_limit needs a 'rate'"))?;
        let mut limit = RateLimit::new(rate).with_adaptive(adaptive);
        if let Some(burst) = burst {
            limit = limit.burst(burst);
        }
        return Ok(Some(limit));
    }
    Ok(Some(RateLimit::new(number(
        value,
        "rate_limit (None, requests per second, or a dict)",
    )?)))
}
