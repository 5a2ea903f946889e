//! Workspaces as code: a declarative file, the plan that brings an application to it, and an
//! export of an application as such a file.
//!
//! The pieces, one per file:
//!
//! * [`DesiredState`] (`file.rs`): the file format (YAML, or JSON) and its parsing, every
//!   error naming its line ([`PlanFileError`]); `grants_file`s are read with the crate's
//!   [`grant_ids`](crate::grant_ids) reader, relative to the file.
//! * [`LiveState`] (`live.rs`): a snapshot of the application: workspaces, policies, rules,
//!   the grants of each workspace, the default workspace.
//! * [`plan()`] (`planner.rs`, with `matching.rs` and `resolve.rs`): a pure function of a file
//!   and a snapshot. Entries match live workspaces by domain, else by name; policy and rule
//!   names resolve to ids; what the API would refuse is planned as a refusal.
//! * [`Plan`] and [`Change`] (`change.rs`): the typed changes, one line each (`Display`), and
//!   the `--json` shape (`Serialize`).
//! * [`export()`] (`export.rs`): a snapshot as a file that plans back to no changes.
//!
//! * `fetch.rs`: [`Client::fetch_live_state`](crate::Client::fetch_live_state), and
//!   [`Client::plan`](crate::Client::plan) / [`Client::export`](crate::Client::export), which
//!   fetch and then run the pure functions above (reads only).
//! * [`ApplyOptions`], [`ApplyReport`] (`apply.rs`): [`Client::apply`](crate::Client::apply)
//!   carries a plan out through the crate's own calls, re-reading each workspace before
//!   updating it, and plans again afterwards.
//!
//! Planning itself sends nothing, so every rule of planning is testable without a server.

mod apply;
mod change;
mod error;
mod export;
mod fetch;
mod file;
mod live;
mod matching;
#[cfg(test)]
mod model;
mod planner;
#[cfg(test)]
mod planning_tests;
#[cfg(test)]
mod props;
#[cfg(test)]
mod props_emulator;
mod resolve;
mod yaml;

pub use apply::{ApplyOptions, ApplyProgress, ApplyProgressFn, ApplyReport};
pub use change::{Action, Change, FieldChange, Plan, Reference, Refusal, Summary, WorkspaceRef};
pub use error::{PlanFileError, PlanFileErrorKind};
pub use export::{ExportOptions, export};
pub use file::{
    At, DefaultEntry, DesiredState, MAX_PLAN_FILE_BYTES, PLAN_FILE_VERSION, WorkspaceEntry,
};
pub use live::{LiveState, Named};
pub use planner::{PlanOptions, plan};
