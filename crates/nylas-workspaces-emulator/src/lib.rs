//! A stateful, in-memory emulator of the Nylas v3 Workspaces API, for tests that need a real
//! server but no Nylas account or network.
//!
//! Unlike a schema-driven mock, it remembers what it was told and enforces the rules the
//! Workspaces documentation states: one workspace per domain, a protected default
//! workspace, `auto_group` only with a domain, manual assignment only into workspaces whose
//! `auto_group` is false, at most 500 grant IDs per list, one auto-group job per minute, the
//! three states of `policy_id` and `rule_ids` in a PATCH, where a deleted workspace's grants
//! go, and Nylas's error envelope with a fresh `request_id` (also sent as `x-request-id`).
//! The rules are implemented here, independently of any client, so a client bug cannot hide
//! behind a shared check. Bodies are the generated types of `nylas-workspaces-api`, so the
//! emulator and the client agree on the wire format.
//!
//! On top of that it injects faults on demand (latency; 429 with `Retry-After`; 500, 502,
//! 503; connection resets), either scripted ("fail the next N calls to operation X") or at
//! seeded random rates, and can rate-limit with a token bucket.
//!
//! ```
//! use nylas_workspaces_emulator::{Emulator, EmulatorConfig, NewGrant};
//!
//! let emulator = Emulator::start_blocking(EmulatorConfig::new()).unwrap();
//! let grant = emulator.add_grant(NewGrant::new("ann@example.com")).unwrap();
//! // New grants land in the default workspace when no auto-group workspace matches.
//! assert_eq!(emulator.grant_workspace(&grant), emulator.default_workspace_id());
//! // Point a client at `emulator.url()` with `Authorization: Bearer {emulator.api_key()}`.
//! assert!(emulator.url().starts_with("http://127.0.0.1:"));
//! ```
//!
//! Start-up binds a loopback port and spawns one thread; `examples/startup.rs` prints how
//! long that takes on your machine (`cargo run --release -p nylas-workspaces-emulator
//! --example startup`).
//!
//! # A well-behaved server
//!
//! - Request bodies are read whole before any answer, at most [`MAX_API_BODY_BYTES`] (1 MiB)
//!   for the API and [`MAX_ADMIN_BODY_BYTES`] (16 MiB) for the admin routes; a larger body
//!   gets 413 and the connection is closed. API bodies must be sent as
//!   `Content-Type: application/json` (415 otherwise).
//! - Every error of the API, the server's own included (401, 404, 405, 408, 413, 415, a bad
//!   path or query), is Nylas's envelope with a `request_id`.
//! - A client has [`EmulatorConfig::header_read_timeout`] (30 s by default) to send its
//!   headers and then its body; slower or idle connections are closed.
//! - The admin routes (`/_emulator/...`) take bodies only as `application/json` and, unless
//!   an [`EmulatorConfig::admin_token`] is set, answer only a loopback `Host`; a request sent
//!   by a web page of another site (a non-loopback `Origin`) is refused. Listening on a
//!   non-loopback address requires an admin token.
//!
//! # Where the emulator is simpler than Nylas
//!
//! - An auto-group job finishes before its response is sent, so its effect is visible at once.
//! - Injected faults strike before a request is handled, so a failed call never changes state.
//! - Grants are seeded through this API (or `/_emulator/grants`), not through `/v3/grants`,
//!   which, like `/v3/applications`, `/v3/policies` and `/v3/rules`, is read-only here.
//! - The live quirks of those listings (see [`Quirks`]) are off unless switched on.
//! - An auto-group job leaves alone the grants of a domain whose workspace has `auto_group`
//!   false (that workspace is managed by hand).

mod admin;
mod api;
mod api_error;
mod api_read;
mod catalog;
mod checks;
mod clock;
mod config;
mod emulator;
mod error;
mod faults;
mod idempotency;
mod model;
mod patch;
mod quirks;
mod rate_limit;
mod read_side;
mod rng;
mod seed;
mod server;
mod shared;
mod state;
mod wire;

pub use catalog::{DEFAULT_RULE_PRIORITY, MAX_RULE_PRIORITY, NewPolicy, NewRule};
pub use config::{DEFAULT_API_KEY, EmulatorConfig, MAX_ADMIN_BODY_BYTES, MAX_API_BODY_BYTES};
pub use emulator::Emulator;
pub use error::EmulatorError;
pub use faults::{Fault, FaultRates, Operation};
pub use model::{DEFAULT_PROVIDER, GrantSnapshot, NewGrant};
pub use quirks::{MAX_CURSOR_PAGE_SIZE, Quirks};
pub use rate_limit::RateLimit;
pub use seed::{NewWorkspace, Seed};
