//! `nylas_workspaces.testing.Emulator`'s native half: the Rust emulator, started on its own
//! thread, with its seeding, inspection and fault-injection methods.
//!
//! `testing.Emulator` subclasses this class and adds only what is Python's to add (clients
//! pointed at it, the context-manager protocol), so the methods and their docstrings are
//! written here once rather than forwarded one by one.

use std::time::Duration;

use nylas_workspaces_emulator::{
    Emulator as Server, EmulatorConfig, EmulatorError, Fault, NewGrant, Operation,
};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::numbers;

/// A value out of range is the caller's mistake (`ValueError`); anything else is the
/// machine's (`RuntimeError`: no socket, no thread, an unreadable seed file).
fn emulator_err(e: EmulatorError) -> PyErr {
    match e {
        EmulatorError::InvalidConfig(_) => PyValueError::new_err(e.to_string()),
        _ => PyRuntimeError::new_err(e.to_string()),
    }
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
    ///     valid: Whether the grant is valid (auto-group skips invalid ones unless asked).
    ///     created_at: Its creation time in Unix seconds; None for the emulator's clock.
    ///     workspace_id: The workspace to place it in; None places it as Nylas places new
    ///         grants: an auto-group workspace of its domain, else the default.
    ///     grant_id: The id to give it; None for a new one.
    ///
    /// Returns:
    ///     The grant's id.
    ///
    /// Raises:
    ///     RuntimeError: The grant cannot be created as asked (for example, an unknown
    ///         workspace or an id already taken), or the emulator has been stopped.
    #[pyo3(signature = (email, *, valid=true, created_at=None, workspace_id=None, grant_id=None))]
    fn add_grant(
        &self,
        email: String,
        valid: bool,
        created_at: Option<i64>,
        workspace_id: Option<String>,
        grant_id: Option<String>,
    ) -> PyResult<String> {
        let mut grant = NewGrant::new(email).valid(valid);
        if let Some(at) = created_at {
            grant = grant.created_at(at);
        }
        if let Some(ws) = workspace_id {
            grant = grant.workspace_id(ws);
        }
        if let Some(id) = grant_id {
            grant = grant.grant_id(id);
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
    /// Returns:
    ///     The policy's id.
    ///
    /// Raises:
    ///     RuntimeError: The emulator has been stopped.
    fn add_policy(&self) -> PyResult<String> {
        Ok(self.running()?.add_policy())
    }

    /// Creates a rule owned by the application.
    ///
    /// Returns:
    ///     The rule's id.
    ///
    /// Raises:
    ///     RuntimeError: The emulator has been stopped.
    fn add_rule(&self) -> PyResult<String> {
        Ok(self.running()?.add_rule())
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
