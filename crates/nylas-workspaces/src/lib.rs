//! An async Rust client for the Nylas v3 Workspaces API.
//!
//! (Crate documentation with examples follows in the next commit.)

#![warn(missing_docs)]

mod bulk;
mod client;
mod config;
mod decode;
mod error;
mod model;
mod path;
mod requests;
mod retry;
mod secret;
mod transport;

pub use bulk::{
    DEFAULT_CONCURRENCY, FailedGrant, GrantAction, GrantRef, MAX_IDS_PER_REQUEST, ManualAssign,
    ManualAssignOptions, ManualAssignOutcome, Progress, ProgressFn,
};
pub use client::Client;
pub use config::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT, Region,
};
pub use error::{
    ApiError, ApiErrorKind, Error, Result, Rule, SNIPPET_LIMIT, SharedError, UndecodableResponse,
};
pub use model::{AutoGroupJob, Workspace};
pub use requests::{AutoGroup, CreateWorkspace, DefaultWorkspaceUpdate, Patch, UpdateWorkspace};
pub use secret::ApiKey;
pub use transport::MAX_BODY_BYTES;

#[doc(hidden)]
pub use decode::decode_for_tests;

/// The wire types this crate sends and decodes, re-exported for tests and advanced use.
pub use nylas_workspaces_api::types as wire;
