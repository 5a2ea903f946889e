//! `nylas_workspaces.testing.Emulator`'s native half: the Rust emulator, started on its own
//! thread, with its seeding, inspection and fault-injection methods.

use std::time::Duration;

use nylas_workspaces_emulator::{Emulator as Server, EmulatorConfig, Fault, NewGrant, Operation};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::numbers;

/// A configuration or seed the emulator refuses is a bad argument (`ValueError`); failing to
/// bind or start is a `RuntimeError`.
fn emulator_err(e: nylas_workspaces_emulator::EmulatorError) -> PyErr {
    use nylas_workspaces_emulator::EmulatorError::{InvalidConfig, InvalidSeed};
    match e {
        InvalidConfig(_) | InvalidSeed(_) => PyValueError::new_err(e.to_string()),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

fn from_name<T: serde::de::DeserializeOwned>(kind: &str, name: &str) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|_| PyValueError::new_err(format!("unknown {kind} {name:?}")))
}

/// A running emulator; stopped when `close()` is called or the object is collected.
#[pyclass(module = "nylas_workspaces.testing", name = "_EmulatorServer")]
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
    #[pyo3(signature = (*, api_key, default_workspace, latency=Duration::ZERO, seed_file=None))]
    #[pyo3(text_signature = "(*, api_key, default_workspace, latency=0.0, seed_file=None)")]
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

    #[getter]
    fn url(&self) -> PyResult<String> {
        Ok(self.running()?.url().to_owned())
    }

    #[getter]
    fn api_key(&self) -> PyResult<String> {
        Ok(self.running()?.api_key().to_owned())
    }

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

    fn grant_workspace(&self, grant_id: &str) -> PyResult<Option<String>> {
        Ok(self.running()?.grant_workspace(grant_id))
    }

    fn grants_in(&self, workspace_id: &str) -> PyResult<Vec<String>> {
        Ok(self.running()?.grants_in(workspace_id))
    }

    fn default_workspace_id(&self) -> PyResult<Option<String>> {
        Ok(self.running()?.default_workspace_id())
    }

    fn add_policy(&self) -> PyResult<String> {
        Ok(self.running()?.add_policy())
    }

    fn add_rule(&self) -> PyResult<String> {
        Ok(self.running()?.add_rule())
    }

    fn calls(&self, operation: &str) -> PyResult<u64> {
        Ok(self
            .running()?
            .calls(from_name::<Operation>("operation", operation)?))
    }

    fn set_latency(&self, #[pyo3(from_py_with = numbers::latency)] secs: Duration) -> PyResult<()> {
        self.running()?.set_latency(secs);
        Ok(())
    }

    /// The `Retry-After` (whole seconds) sent with injected `too_many_requests` faults.
    fn set_retry_after(
        &self,
        #[pyo3(from_py_with = numbers::retry_after_secs)] secs: u64,
    ) -> PyResult<()> {
        self.running()?.set_retry_after_secs(secs);
        Ok(())
    }

    fn fail_next(&self, operation: &str, count: u32, fault: &str) -> PyResult<()> {
        let operation = from_name::<Operation>("operation", operation)?;
        let fault = from_name::<Fault>("fault", fault)?;
        self.running()?.fail_next(operation, count, fault);
        Ok(())
    }

    fn advance_clock(
        &self,
        #[pyo3(from_py_with = numbers::clock_step)] secs: Duration,
    ) -> PyResult<()> {
        self.running()?.advance_clock(secs);
        Ok(())
    }

    /// Stops the server; later calls raise RuntimeError.
    fn close(&mut self, py: Python<'_>) {
        if let Some(server) = self.server.take() {
            py.detach(move || drop(server));
        }
    }
}
