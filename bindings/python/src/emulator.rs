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

/// A running emulator; stopped when `close()` is called or the object is collected.
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

    /// Creates a grant and returns its id (`grant_id`, if given). Without `workspace_id` it
    /// is placed as Nylas places new grants: an auto-group workspace of its domain, else the
    /// default.
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

    /// The workspace a grant is in, or None.
    fn grant_workspace(&self, grant_id: &str) -> PyResult<Option<String>> {
        Ok(self.running()?.grant_workspace(grant_id))
    }

    /// The grants currently in a workspace.
    fn grants_in(&self, workspace_id: &str) -> PyResult<Vec<String>> {
        Ok(self.running()?.grants_in(workspace_id))
    }

    /// The default workspace's id, or None.
    fn default_workspace_id(&self) -> PyResult<Option<String>> {
        Ok(self.running()?.default_workspace_id())
    }

    /// Creates a policy owned by the application and returns its id.
    fn add_policy(&self) -> PyResult<String> {
        Ok(self.running()?.add_policy())
    }

    /// Creates a rule owned by the application and returns its id.
    fn add_rule(&self) -> PyResult<String> {
        Ok(self.running()?.add_rule())
    }

    /// How many requests reached `operation` (an operationId such as `get-workspace`).
    fn calls(&self, operation: &str) -> PyResult<u64> {
        Ok(self
            .running()?
            .calls(from_name::<Operation>("operation", operation)?))
    }

    /// Adds `seconds` to every response from now on.
    fn set_latency(
        &self,
        #[pyo3(from_py_with = numbers::latency)] seconds: Duration,
    ) -> PyResult<()> {
        self.running()?.set_latency(seconds);
        Ok(())
    }

    /// Sends `Retry-After: seconds` with injected `too_many_requests` faults from now on
    /// (1 by default).
    fn set_retry_after(
        &self,
        #[pyo3(from_py_with = numbers::retry_after_secs)] seconds: u64,
    ) -> PyResult<()> {
        self.running()?.set_retry_after_secs(seconds);
        Ok(())
    }

    /// Makes the next `count` calls to `operation` fail with `fault` (`too_many_requests`,
    /// `internal_server_error`, `bad_gateway`, `service_unavailable` or `connection_reset`).
    #[pyo3(signature = (operation, count=1, fault="internal_server_error"))]
    fn fail_next(&self, operation: &str, count: u32, fault: &str) -> PyResult<()> {
        let operation = from_name::<Operation>("operation", operation)?;
        let fault = from_name::<Fault>("fault", fault)?;
        self.running()?.fail_next(operation, count, fault);
        Ok(())
    }

    /// Moves the emulator's clock `seconds` forward (freezing it first if it followed the
    /// system clock); what is created afterwards is stamped with the new time.
    fn advance_clock(
        &self,
        #[pyo3(from_py_with = numbers::clock_step)] seconds: Duration,
    ) -> PyResult<()> {
        self.running()?.advance_clock(seconds);
        Ok(())
    }

    /// Stops the server; later calls raise RuntimeError.
    fn close(&mut self, py: Python<'_>) {
        if let Some(server) = self.server.take() {
            py.detach(move || drop(server));
        }
    }
}
