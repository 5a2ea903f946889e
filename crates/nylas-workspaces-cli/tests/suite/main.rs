//! Every integration test of this crate that needs no process of its own, in one test
//! binary: each file below was its own binary, and linking ~20 of them dominated the
//! test build. Tests that change process-wide state (the environment, a global tracing
//! subscriber) stay separate files next to this folder.

mod as_code;
mod assign;
mod assign_report_file;
mod assign_signals;
#[path = "../assign_support/mod.rs"]
mod assign_support;
mod commands;
#[path = "../common/mod.rs"]
mod common;
mod completions;
mod connect_flags;
mod delete_confirm;
mod emulator_command;
mod hostile_output;
mod ids_input;
mod read_side;
mod target_rules;
mod tour;
mod verbose;
