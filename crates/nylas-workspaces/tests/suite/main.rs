//! Every integration test of this crate that needs no process of its own, in one test
//! binary: each file below was its own binary, and linking ~20 of them dominated the
//! test build. Tests that change process-wide state (the environment, a global tracing
//! subscriber) stay separate files next to this folder.

mod bulk;
#[path = "../common/mod.rs"]
mod common;
mod config;
mod decoding;
mod invariants;
mod journal;
mod limits;
mod local_failures;
mod operations;
mod pacing;
mod plan_apply;
mod read_side;
mod redaction;
mod redirects;
mod request_ids;
mod request_options;
mod retries;
mod send_sync;
mod target_rules;
