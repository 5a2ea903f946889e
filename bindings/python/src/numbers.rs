//! Numbers from Python, checked before they reach Rust types that would panic or wrap.
//!
//! Python hands over anything: `True`, `nan`, `1e300`, `2**64`. Each converter here turns one
//! such argument into the Rust type the crate wants, or raises `TypeError` (not a number, or
//! a bool), `OverflowError` (an int too large for the type) or `ValueError` (a number that
//! is no valid value). They are used through `#[pyo3(from_py_with = ...)]`, so the Python
//! signatures keep their defaults.
//!
//! The client's seconds (`timeout=`, `max_retry_wait=`) are only converted to `f64` here:
//! whether a number of seconds is acceptable is the crate's rule (`ClientBuilder`), so NaN,
//! zero or a day and a half come back from it as `ConfigurationError`. The emulator's
//! seconds are the emulator's business and are judged here.

use std::time::Duration;

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBool;

/// Refuses `True`/`False`, which Python would otherwise accept as 1 and 0.
fn not_bool(value: &Bound<'_, PyAny>, name: &str, kind: &str) -> PyResult<()> {
    if value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be {kind}, not a bool"
        )));
    }
    Ok(())
}

/// A number of seconds as Python gave it, any float: `TypeError` for a bool or a non-number,
/// `OverflowError` for an int beyond a float's range.
pub fn raw_seconds(value: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    not_bool(value, name, "a number of seconds")?;
    value.extract().map_err(|e: PyErr| {
        if e.is_instance_of::<PyOverflowError>(value.py()) {
            PyOverflowError::new_err(format!("{name} is too large"))
        } else {
            PyTypeError::new_err(format!("{name} must be a number of seconds"))
        }
    })
}

/// A number of seconds as a `Duration`. `positive` also refuses zero (and values so small
/// that they round to zero nanoseconds).
pub fn seconds(value: &Bound<'_, PyAny>, name: &str, positive: bool) -> PyResult<Duration> {
    let secs = raw_seconds(value, name)?;
    let duration = Duration::try_from_secs_f64(secs).map_err(|_| {
        if secs.is_finite() && secs > 0.0 {
            PyValueError::new_err(format!("{name} of {secs:?} seconds is too long"))
        } else {
            let wanted = if positive { "positive" } else { "non-negative" };
            PyValueError::new_err(format!(
                "{name} must be a finite, {wanted} number of seconds, not {secs:?}"
            ))
        }
    })?;
    if positive && duration.is_zero() {
        return Err(PyValueError::new_err(format!(
            "{name} must be a positive number of seconds, not {secs:?}"
        )));
    }
    Ok(duration)
}

/// A whole number that fits `T` (an unsigned type): `TypeError` for floats and bools,
/// `OverflowError` when negative or too large.
pub fn whole<'py, T>(value: &Bound<'py, PyAny>, name: &str) -> PyResult<T>
where
    T: FromPyObjectOwned<'py>,
{
    not_bool(value, name, "an int")?;
    value.extract::<T>().map_err(|e| {
        let py = value.py();
        let e: PyErr = e.into();
        if e.is_instance_of::<PyOverflowError>(py) {
            PyOverflowError::new_err(format!(
                "{name} is out of range (it must be a non-negative int that fits {} bits)",
                std::mem::size_of::<T>() * 8
            ))
        } else {
            PyTypeError::new_err(format!("{name} must be an int"))
        }
    })
}

/// `timeout=`: seconds per attempt, judged by the crate.
pub fn timeout(value: &Bound<'_, PyAny>) -> PyResult<f64> {
    raw_seconds(value, "timeout")
}

/// `max_retry_wait=`: the longest `Retry-After` waited out, judged by the crate.
pub fn max_retry_wait(value: &Bound<'_, PyAny>) -> PyResult<f64> {
    raw_seconds(value, "max_retry_wait")
}

/// `max_retries=`: an int from 0 to 2**32 - 1.
pub fn max_retries(value: &Bound<'_, PyAny>) -> PyResult<u32> {
    whole(value, "max_retries")
}

/// `concurrency=`: `None` or a non-negative int (the crate refuses 0 with its own error).
pub fn concurrency(value: &Bound<'_, PyAny>) -> PyResult<Option<usize>> {
    if value.is_none() {
        return Ok(None);
    }
    whole(value, "concurrency").map(Some)
}

/// `page_size=`: `None` or a non-negative int that fits 32 bits (the crate refuses 0 and
/// more than 200 with its own error).
pub fn page_size(value: &Bound<'_, PyAny>) -> PyResult<Option<u32>> {
    if value.is_none() {
        return Ok(None);
    }
    whole(value, "page_size").map(Some)
}

/// The emulator's `latency=` and `set_latency()`: zero or more seconds.
pub fn latency(value: &Bound<'_, PyAny>) -> PyResult<Duration> {
    seconds(value, "latency", false)
}

/// `advance_clock()`: zero or more seconds.
pub fn clock_step(value: &Bound<'_, PyAny>) -> PyResult<Duration> {
    seconds(value, "seconds", false)
}

/// `set_retry_after()`: whole seconds, from 0 to 2**64 - 1.
pub fn retry_after_secs(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    whole(value, "seconds")
}
