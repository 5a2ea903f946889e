//! The native half of the `nylas_workspaces` Python package.
//!
//! This module converts, and does nothing else: Python arguments become the request types of
//! the `nylas-workspaces` crate, its results become frozen Python objects, and its errors
//! become the exception classes of `nylas_workspaces._exceptions`. Every API rule, retry and
//! timeout lives in the Rust crate, once.

#[macro_use]
mod twins;

mod args;
mod as_code;
mod client;
mod emulator;
mod errors;
mod logging;
mod models;
mod numbers;
mod pager;
mod plan_models;
mod read;
mod read_models;
mod runtime;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    m.add_class::<client::Workspaces>()?;
    m.add_class::<client::AsyncWorkspaces>()?;
    m.add_class::<read::Grants>()?;
    m.add_class::<read::AsyncGrants>()?;
    m.add_class::<read::Applications>()?;
    m.add_class::<read::AsyncApplications>()?;
    m.add_class::<read::Policies>()?;
    m.add_class::<read::AsyncPolicies>()?;
    m.add_class::<read::Rules>()?;
    m.add_class::<read::AsyncRules>()?;
    m.add_class::<read_models::Grant>()?;
    m.add_class::<read_models::Application>()?;
    m.add_class::<read_models::Policy>()?;
    m.add_class::<read_models::Rule>()?;
    m.add_class::<plan_models::Plan>()?;
    m.add_class::<plan_models::Change>()?;
    m.add_class::<plan_models::ApplyReport>()?;
    m.add_class::<models::Workspace>()?;
    m.add_class::<models::AutoGroupJob>()?;
    m.add_class::<models::ManualAssignResult>()?;
    m.add_class::<emulator::EmulatorServer>()?;
    logging::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
