//! `nylas_workspaces.testing.Emulator`'s native half: the Rust emulator, started on its own
//! thread, with its seeding, inspection and fault-injection methods.
//!
//! `testing.Emulator` subclasses this class and adds only what is Python's to add (clients
//! pointed at it, the context-manager protocol), so the methods and their docstrings are
//! written here once rather than forwarded one by one.

use std::time::Duration;

use nylas_workspaces_emulator::{
    Emulator as Server, EmulatorConfig, EmulatorError, Fault, NewGrant, NewPolicy, NewRule,
    Operation, Quirks,
};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::numbers;

/// A value out of range is the caller's mistake (`ValueError`); anything else is the
/// machine's (`RuntimeError`: no socket, no thread, an unreadable seed file).
fn emulator_err(e: EmulatorError) -> PyErr {
    match e {
        EmulatorError::InvalidConfig(_) => PyValueError::new_err(e.to_string()),
        _ => PyRuntimeError::new_err(e.to_string()),
    }
}

/// For what the caller described (a policy, a rule, quirks): a description the emulator
/// refuses is the caller's mistake (`ValueError`).
fn described_err(e: EmulatorError) -> PyErr {
    match e {
        EmulatorError::InvalidSeed(_) | EmulatorError::InvalidConfig(_) => {
            PyValueError::new_err(e.to_string())
        }
        _ => PyRuntimeError::new_err(e.to_string()),
    }
}

/// `valid=` and `grant_status=` of `add_grant`, which say the same thing two ways.
fn grant_validity(valid: Option<bool>, grant_status: Option<&str>) -> PyResult<bool> {
    let from_status = match grant_status {
        None => None,
        Some("valid") => Some(true),
        Some("invalid") => Some(false),
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "grant_status must be 'valid' or 'invalid', not {other:?}"
            )));
        }
    };
    match (valid, from_status) {
        (Some(a), Some(b)) if a != b => Err(PyValueError::new_err(
            "valid= and grant_status= disagree; give one of them",
        )),
        (Some(v), _) | (None, Some(v)) => Ok(v),
        (None, None) => Ok(true),
    }
}

/// The quirks as a dict of their keyword names, as `set_quirks` takes them.
fn quirks_dict<'py>(py: Python<'py>, q: &Quirks) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("nested_rules_envelope", q.nested_rules_envelope)?;
    d.set_item("trailing_policy_cursor", q.trailing_policy_cursor)?;
    d.set_item("page_size_cap", q.page_size_cap)?;
    d.set_item("filtered_grant_lag_secs", q.filtered_grant_lag_secs)?;
    d.set_item("omit_default_workspace_id", q.omit_default_workspace_id)?;
    Ok(d)
}

fn from_name<T: serde::de::DeserializeOwned>(kind: &str, name: &str) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|_| PyValueError::new_err(format!("unknown {kind} {name:?}")))
}

/// The native emulator server; `nylas_workspaces.testing.Emulator` is its public face.
///
/// Started when built; stopped when `close()` is called or the object is collected.
///
/// Args:
///     api_key: The key the emulator accepts.
///     default_workspace: Whether the application starts with a default workspace (False
///         emulates one created before default workspaces).
///     latency: Seconds added to every response, zero or more.
///     seed_file: A JSON file of workspaces and grants to start with, or None.
///
/// Raises:
///     ValueError: A setting out of range.
///     TypeError: `latency` is not a number.
///     RuntimeError: The server cannot start (no socket, no thread, a seed file that
///         cannot be read or breaks a rule).
#[pyclass(
    subclass,
    module = "nylas_workspaces.testing",
    name = "_EmulatorServer"
)]
pub struct EmulatorServer {
    server: Option<Server>,
}

impl EmulatorServer {
    fn running(&self) -> PyResult<&Server> {
        self.server
            .as_ref()
            .ok_or_else(|| PyRuntimeError::new_err("the emulator has been stopped"))
    }
}

#[pymethods]
impl EmulatorServer {
    #[new]
    #[pyo3(signature = (
        api_key="test-key".to_owned(), *, default_workspace=true, latency=Duration::ZERO,
        seed_file=None
    ))]
    #[pyo3(
        text_signature = "(api_key='test-key', *, default_workspace=True, latency=0.0, seed_file=None)"
    )]
    fn new(
        py: Python<'_>,
        api_key: String,
        default_workspace: bool,
        #[pyo3(from_py_with = numbers::latency)] latency: Duration,
        seed_file: Option<String>,
    ) -> PyResult<Self> {
        let mut config = EmulatorConfig::new()
            .api_key(api_key)
            .default_workspace(default_workspace)
            .latency(latency);
        if let Some(path) = seed_file {
            config = config.seed_file(path);
        }
        let server = py
            .detach(|| Server::start_blocking(config))
            .map_err(emulator_err)?;
        Ok(Self {
            server: Some(server),
        })
    }

    /// The base URL to point a client at (`http://127.0.0.1:<port>`).
    #[getter]
    fn url(&self) -> PyResult<String> {
        Ok(self.running()?.url().to_owned())
    }

    /// The key the emulator accepts.
    #[getter]
    fn api_key(&self) -> PyResult<String> {
        Ok(self.running()?.api_key().to_owned())
    }

    /// Creates a grant.
    ///
    /// Args:
    ///     email: The grant's email address; its domain decides where it is placed.
    ///     valid: Whether the grant is valid (auto-group skips invalid ones unless asked);
    ///         None for valid unless `grant_status` says otherwise.
    ///     created_at: Its creation time in Unix seconds; None for the emulator's clock.
    ///     workspace_id: The workspace to place it in; None places it as Nylas places new
    ///         grants: an auto-group workspace of its domain, else the default.
    ///     grant_id: The id to give it; None for a new one.
    ///     provider: Its provider (`google`, `microsoft`, ...); None for `nylas`, an Agent
    ///         Account.
    ///     name: The account owner's display name; None sends none.
    ///     grant_status: `"valid"` or `"invalid"`, the listing's words for `valid`; None
    ///         leaves it to `valid`.
    ///     updated_at: Its last change in Unix seconds; None for `created_at`.
    ///
    /// Returns:
    ///     The grant's id.
    ///
    /// Raises:
    ///     ValueError: `grant_status` is another word, or disagrees with `valid`.
    ///     RuntimeError: The grant cannot be created as asked (for example, an unknown
    ///         workspace or an id already taken), or the emulator has been stopped.
    #[pyo3(signature = (
        email, *, valid=None, created_at=None, workspace_id=None, grant_id=None,
        provider=None, name=None, grant_status=None, updated_at=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn add_grant(
        &self,
        email: String,
        valid: Option<bool>,
        created_at: Option<i64>,
        workspace_id: Option<String>,
        grant_id: Option<String>,
        provider: Option<String>,
        name: Option<String>,
        grant_status: Option<String>,
        updated_at: Option<i64>,
    ) -> PyResult<String> {
        let mut grant = NewGrant::new(email).valid(grant_validity(valid, grant_status.as_deref())?);
        if let Some(at) = created_at {
            grant = grant.created_at(at);
        }
        if let Some(at) = updated_at {
            grant = grant.updated_at(at);
        }
        if let Some(ws) = workspace_id {
            grant = grant.workspace_id(ws);
        }
        if let Some(id) = grant_id {
            grant = grant.grant_id(id);
        }
        if let Some(provider) = provider {
            grant = grant.provider(provider);
        }
        if let Some(name) = name {
            grant = grant.name(name);
        }
        self.running()?.add_grant(grant).map_err(emulator_err)
    }

    /// Tells which workspace a grant is in.
    ///
    /// Args:
    ///     grant_id: The grant's id.
    ///
    /// Returns:
    ///     The workspace's id, or None (no such grant, or in no workspace).
    ///
    /// Raises:
    ///     RuntimeError: The emulator has been stopped.
    fn grant_workspace(&self, grant_id: &str) -> PyResult<Option<String>> {
        Ok(self.running()?.grant_workspace(grant_id))
    }

    /// Lists the grants currently in a workspace.
    ///
    /// Args:
    ///     workspace_id: The workspace's id.
    ///
    /// Returns:
    ///     A list of grant ids (empty for an unknown workspace).
    ///
    /// Raises:
    ///     RuntimeError: The emulator has been stopped.
    fn grants_in(&self, workspace_id: &str) -> PyResult<Vec<String>> {
        Ok(self.running()?.grants_in(workspace_id))
    }

    /// Tells the default workspace's id.
    ///
    /// Returns:
    ///     The id, or None when the application has no default workspace.
    ///
    /// Raises:
    ///     RuntimeError: The emulator has been stopped.
    fn default_workspace_id(&self) -> PyResult<Option<String>> {
        Ok(self.running()?.default_workspace_id())
    }

    /// Creates a policy owned by the application.
    ///
    /// Args:
    ///     name: Its name; None names it `Policy <id>`.
    ///     policy_id: The id to give it; None for a new one. An id that exists already
    ///         keeps the policy it names unchanged.
    ///
    /// Returns:
    ///     The policy's id.
    ///
    /// Raises:
    ///     ValueError: An empty name or id.
    ///     RuntimeError: The emulator has been stopped.
    #[pyo3(signature = (name=None, *, policy_id=None))]
    fn add_policy(&self, name: Option<String>, policy_id: Option<String>) -> PyResult<String> {
        let policy = NewPolicy {
            id: policy_id,
            name,
        };
        self.running()?
            .add_policy_with(policy)
            .map_err(described_err)
    }

    /// Creates a rule owned by the application.
    ///
    /// Args:
    ///     name: Its name; None names it `Rule <id>`.
    ///     rule_id: The id to give it; None for a new one. An id that exists already keeps
    ///         the rule it names unchanged.
    ///     description: What the rule is for; None sends none.
    ///     priority: Its evaluation order, 0 to 1000; None for 10.
    ///     enabled: Whether it applies; None for True.
    ///     trigger: `"inbound"` or `"outbound"`; None for `"inbound"`.
    ///
    /// Returns:
    ///     The rule's id.
    ///
    /// Raises:
    ///     ValueError: An empty name or id, a priority outside 0 to 1000 or another
    ///         trigger.
    ///     RuntimeError: The emulator has been stopped.
    #[pyo3(signature = (
        name=None, *, rule_id=None, description=None, priority=None, enabled=None, trigger=None
    ))]
    fn add_rule(
        &self,
        name: Option<String>,
        rule_id: Option<String>,
        description: Option<String>,
        priority: Option<i64>,
        enabled: Option<bool>,
        trigger: Option<String>,
    ) -> PyResult<String> {
        let mut rule = NewRule::new(String::new());
        rule.name = name;
        rule.id = rule_id;
        rule.description = description;
        if let Some(priority) = priority {
            rule = rule.priority(priority);
        }
        if let Some(enabled) = enabled {
            rule = rule.enabled(enabled);
        }
        if let Some(trigger) = trigger {
            rule = rule.trigger(trigger);
        }
        self.running()?.add_rule_with(rule).map_err(described_err)
    }

    /// The live quirks in force, as a dict of `set_quirks`'s keywords.
    ///
    /// All are off (False or None) until `set_quirks` switches them on.
    #[getter]
    fn quirks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        quirks_dict(py, &self.running()?.quirks())
    }

    /// Switches the live behaviours of Nylas's listings that its reference does not
    /// describe, so that a client's handling of them can be tested.
    ///
    /// Every call sets all of them: a keyword left out switches its quirk off. To change
    /// one, pass the others along: `emu.set_quirks(**{**emu.quirks, "page_size_cap": 3})`.
    ///
    /// Args:
    ///     nested_rules_envelope: The rules listing answers `{data: {items, next_cursor}}`
    ///         instead of `{data: [...], next_cursor}`.
    ///     trailing_policy_cursor: The policies listing sends a `next_cursor` on its last
    ///         page too, and ends with an empty page.
    ///     page_size_cap: The most items any listing returns per page, whatever was asked
    ///         (at least 1); None for no cap.
    ///     filtered_grant_lag_secs: Grants created within this many seconds (by the
    ///         emulator's clock) are missing from grant listings filtered by
    ///         `workspace_id`; None for no lag.
    ///     omit_default_workspace_id: Grants of the default workspace whose provider is not
    ///         `nylas` come back without `workspace_id`.
    ///
    /// Raises:
    ///     ValueError: `page_size_cap=0`.
    ///     TypeError: A value of the wrong type.
    ///     OverflowError: A negative number.
    ///     RuntimeError: The emulator has been stopped.
    #[pyo3(signature = (
        *, nested_rules_envelope=false, trailing_policy_cursor=false, page_size_cap=None,
        filtered_grant_lag_secs=None, omit_default_workspace_id=false
    ))]
    fn set_quirks(
        &self,
        nested_rules_envelope: bool,
        trailing_policy_cursor: bool,
        page_size_cap: Option<usize>,
        filtered_grant_lag_secs: Option<u64>,
        omit_default_workspace_id: bool,
    ) -> PyResult<()> {
        let quirks = Quirks {
            nested_rules_envelope,
            trailing_policy_cursor,
            page_size_cap,
            filtered_grant_lag_secs,
            omit_default_workspace_id,
        };
        self.running()?.set_quirks(quirks).map_err(described_err)
    }

    /// Moves the emulator's clock to an instant; it stays there until moved again.
    ///
    /// Args:
    ///     unix_secs: The instant, in Unix seconds.
    ///
    /// Raises:
    ///     RuntimeError: The emulator has been stopped.
    fn set_clock(&self, unix_secs: i64) -> PyResult<()> {
        self.running()?.set_clock(unix_secs);
        Ok(())
    }

    /// Tells the emulator's current time.
    ///
    /// Returns:
    ///     The time, in Unix seconds.
    ///
    /// Raises:
    ///     RuntimeError: The emulator has been stopped.
    fn now(&self) -> PyResult<i64> {
        Ok(self.running()?.now())
    }

    /// Counts the requests that reached an operation.
    ///
    /// Args:
    ///     operation: An operationId of the API, such as `get-workspace`.
    ///
    /// Returns:
    ///     How many requests reached it.
    ///
    /// Raises:
    ///     ValueError: An unknown operation.
    ///     RuntimeError: The emulator has been stopped.
    fn calls(&self, operation: &str) -> PyResult<u64> {
        Ok(self
            .running()?
            .calls(from_name::<Operation>("operation", operation)?))
    }

    /// Delays every response from now on.
    ///
    /// Args:
    ///     seconds: The delay, zero or more.
    ///
    /// Raises:
    ///     ValueError: A negative or too long delay.
    ///     TypeError: Not a number.
    ///     RuntimeError: The emulator has been stopped.
    fn set_latency(
        &self,
        #[pyo3(from_py_with = numbers::latency)] seconds: Duration,
    ) -> PyResult<()> {
        self.running()?.set_latency(seconds);
        Ok(())
    }

    /// Sets the `Retry-After` sent with injected `too_many_requests` faults from now on.
    ///
    /// Args:
    ///     seconds: Whole seconds (1 until this is called).
    ///
    /// Raises:
    ///     TypeError: Not an int.
    ///     OverflowError: Negative or too large.
    ///     RuntimeError: The emulator has been stopped.
    fn set_retry_after(
        &self,
        #[pyo3(from_py_with = numbers::retry_after_secs)] seconds: u64,
    ) -> PyResult<()> {
        self.running()?.set_retry_after_secs(seconds);
        Ok(())
    }

    /// Makes the next calls to an operation fail.
    ///
    /// Args:
    ///     operation: An operationId of the API, such as `get-workspace`.
    ///     count: How many calls fail.
    ///     fault: `too_many_requests`, `internal_server_error`, `bad_gateway`,
    ///         `service_unavailable` or `connection_reset`.
    ///
    /// Raises:
    ///     ValueError: An unknown operation or fault.
    ///     RuntimeError: The emulator has been stopped.
    #[pyo3(signature = (operation, count=1, fault="internal_server_error"))]
    fn fail_next(&self, operation: &str, count: u32, fault: &str) -> PyResult<()> {
        let operation = from_name::<Operation>("operation", operation)?;
        let fault = from_name::<Fault>("fault", fault)?;
        self.running()?.fail_next(operation, count, fault);
        Ok(())
    }

    /// Moves the emulator's clock forward.
    ///
    /// The clock is frozen first if it followed the system clock; what is created
    /// afterwards is stamped with the new time.
    ///
    /// Args:
    ///     seconds: How far, zero or more.
    ///
    /// Raises:
    ///     ValueError: A negative or too long step.
    ///     TypeError: Not a number.
    ///     RuntimeError: The emulator has been stopped.
    fn advance_clock(
        &self,
        #[pyo3(from_py_with = numbers::clock_step)] seconds: Duration,
    ) -> PyResult<()> {
        self.running()?.advance_clock(seconds);
        Ok(())
    }

    /// Stops the server; later calls raise RuntimeError, and closing again does nothing.
    fn close(&mut self, py: Python<'_>) {
        if let Some(server) = self.server.take() {
            py.detach(move || drop(server));
        }
    }
}
