//! Every integration test of this crate that needs no process of its own, in one test
//! binary: each file below was its own binary, and linking ~20 of them dominated the
//! test build. Tests that change process-wide state (the environment, a global tracing
//! subscriber) stay separate files next to this folder.

mod admin_guard;
mod binary;
mod conformance;
mod connections;
mod envelopes;
mod faults;
mod read_side;
mod robustness;
mod rules;
#[path = "../support/mod.rs"]
mod support;
