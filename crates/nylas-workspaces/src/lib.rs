//! An async Rust client for the [Nylas v3 Workspaces API]: list, inspect, create, update and
//! delete workspaces, start auto-grouping jobs, and move any number of grants between
//! workspaces.
//!
//! [Nylas v3 Workspaces API]: https://developer.nylas.com/docs/reference/api/workspaces/
//!
//! ```no_run
//! use nylas_workspaces::{Client, CreateWorkspace, ManualAssign};
//!
//! # async fn demo() -> nylas_workspaces::Result<()> {
//! // NYLAS_API_KEY, and optionally NYLAS_API_URI (e.g. https://api.eu.nylas.com).
//! let client = Client::from_env()?;
//!
//! let sales = client
//!     .create_workspace(CreateWorkspace::new("Sales").domain("sales.example.com"))
//!     .await?;
//! let outcome = client
//!     .manual_assign(&sales.workspace_id, ManualAssign::new().assign(["grant-1", "grant-2"]))
//!     .await?;
//! println!("assigned {} grants", outcome.assigned.len());
//! # Ok(())
//! # }
//! ```
//!
//! # What this crate adds over the wire format
//!
//! * **The documented rules, checked before sending.** A request the API would refuse fails
//!   with [`Error::InvariantViolation`] naming the [`Rule`], and nothing is sent: an empty
//!   name, `auto_group` without a domain, an empty update, renaming or deleting the default
//!   workspace, manual assignment with no ids, with an id in both lists, or to a workspace
//!   that auto-groups. Where a rule depends on the target workspace, the client looks the
//!   target up (one `GET`) when it does not already know the fact, so a fresh client refuses
//!   as surely as an old one; only facts that can never change are cached. Some rules are in
//!   the types instead: there is no way to ask for a domain change, and
//!   [`DefaultWorkspaceUpdate`] only has the two fields the default workspace accepts.
//! * **Three-state updates.** [`Patch`] distinguishes keep (field omitted), clear (`null`)
//!   and set, for `policy_id` and `rule_ids`.
//! * **Safe retries.** 408, 409, 429, 500, 502, 503, 504, timeouts and connection failures are
//!   retried (2 retries by default), honouring `Retry-After` up to 60 s and otherwise backing
//!   off exponentially with full jitter (0.5 s base, 8 s cap). Creating a workspace and
//!   starting auto-grouping send an `Idempotency-Key` that stays the same across retries, so a
//!   retry never acts twice. Other 4xx answers are never retried. Retries are paid from a
//!   [`RetryBudget`] shared by all calls of the client, so when most calls fail, errors come
//!   back at once instead of multiplying the load.
//! * **Bounded waiting.** [`ClientBuilder::timeout`] is per attempt, and each retry may first
//!   wait out a `Retry-After` of up to [`ClientBuilder::max_retry_after`]. The worst-case wall
//!   time of one call is therefore about `(max_retries + 1) × timeout` plus the waits between
//!   attempts (each at most `max_retry_after`): with the defaults, 3 × 90 s + 2 × 60 s =
//!   6.5 minutes. Lower any of the three to bound it tighter.
//! * **Redirects are never followed.** A 3xx answer is an [`Error::Api`] of kind
//!   [`ApiErrorKind::Redirect`] carrying the [`ApiError::location`], and is not retried:
//!   following it would send the key, the body and the `Idempotency-Key` to whatever host
//!   the `Location` names. With a caller's own [`ClientBuilder::http_client`] (which should
//!   use `redirect::Policy::none()`), an answer from another URL than the one sent is refused.
//! * **Memory bounded by settings, not by the server.** A body is read up to
//!   [`ClientBuilder::max_body_bytes`] ([`MAX_BODY_BYTES`] by default) and no further, and a
//!   listing collects at most [`ClientBuilder::max_list_items`] workspaces across its pages;
//!   going over either is [`Error::LimitExceeded`] naming the setting to raise. A flat list
//!   of some 34,000 workspaces is about 9 MB and needs a raised `max_body_bytes`.
//! * **Local failures named as local.** A request that cannot be sent as asked (a URL beyond
//!   [`MAX_URL_BYTES`], say from a 70 KB id) is [`Error::InvalidRequest`] before anything is
//!   sent, never retried. A workspace id that is empty, whitespace only, `.`/`..` or has
//!   control characters is refused as [`Rule::WorkspaceIdInvalid`]. Connection and timeout
//!   errors include their causes in the message ("connection refused", "message head is too
//!   large"), and say "could not connect" only when no connection was made.
//! * **Bulk assignment that loses nothing.** [`Client::manual_assign_with`] accepts any number
//!   of ids, sends them in requests of at most 500 per list with bounded concurrency, and
//!   returns a [`ManualAssignOutcome`] saying for every id whether it was assigned, removed,
//!   not matched, failed (with the error) or not sent. A partial failure is
//!   [`Error::BulkPartial`] carrying that outcome, and
//!   [`ManualAssignOutcome::retry_request`] builds the request for exactly what is left.
//!   With [`ManualAssignOptions::journal`] every request's result is synced to a JSON Lines
//!   journal (one checksummed record each) before the next result is handled, so a crash or
//!   `kill -9` at any instant leaves a readable file; [`Journal::read`] inspects it and
//!   [`Client::resume_manual_assign`] sends exactly what no record confirms.
//!   [`ManualAssignOutcome::not_sent_reason`] says why ids were not sent.
//! * **Typed errors.** One [`Error`] with predicates ([`Error::status`],
//!   [`Error::request_id`], [`Error::is_not_found`], [`Error::is_rate_limited`],
//!   [`Error::is_retryable`], [`Error::retry_after`]). A body that is not what the API
//!   promises (an HTML page from a proxy, a truncated document) becomes an error that keeps
//!   the status, the request id and a short snippet of the body; it never panics.
//! * **A key that does not leak.** The API key lives in [`ApiKey`], whose `Debug` prints a
//!   placeholder and which has no `Display`; the `Authorization` header is marked sensitive.
//!   A plain `http://` base URL is refused unless the host is loopback or
//!   [`ClientBuilder::allow_insecure_http`] is set. A server or proxy that repeats the key
//!   (or `Bearer <key>`) in what it answers does not get it into an error: the key is replaced
//!   by `<redacted>` in every server-supplied text an error carries (message, type, body
//!   snippet, provider error, request id, `Location`). A loopback base URL bypasses proxies.
//! * **Pacing.** An optional [`RateLimit`] shared by every call of a client and its clones
//!   ([`ClientBuilder::rate_limit`]), fixed or adaptive (a 429 cuts the rate, which then probes
//!   back up, so the client settles at the server's real limit); a `Retry-After` pauses every
//!   caller. Bulk manual assignment is paced at [`DEFAULT_BULK_RATE`] requests per second
//!   unless configured otherwise. Retries draw from a [`RetryBudget`], so a burst of failures
//!   cannot multiply the load. See [`pacing`].
//! * **Per-call options.** [`Client::with_options`] returns a view, as cheap as a clone and
//!   sharing the pool, limiters, retry budget and cache, whose calls use their own
//!   [`RequestOptions`]: timeout, retries, longest `Retry-After` wait, extra headers (never
//!   one of the [`OWNED_HEADERS`]) and idempotency key.
//! * **Request ids on results.** Every [`Workspace`] and [`AutoGroupJob`] carries the
//!   `request_id` of the call that returned it, and [`ManualAssignOutcome::request_id`] names
//!   the last successful request, for support tickets.
//! * **Tracing.** Every attempt runs in a `nylas_workspaces.attempt` span (`tracing` crate)
//!   with the operation, attempt number, HTTP status, request id and duration. Events with
//!   fields: `retrying` (debug; `wait_ms`, `reason`, `error`), `waiting for the rate limiter`
//!   (debug; `wait_ms`, `paused`), a `Retry-After` pause shared by the limiter (info;
//!   `wait_ms`) and `manual-assign chunk finished` (info; `chunk`, `assigned`, `removed`,
//!   `unmatched`, `failed`, `not_sent`, `request_id`, `error`). The key is in none of them.
//!
//! # Why this crate does its own HTTP
//!
//! Request and response bodies are the generated types of `nylas-workspaces-api` (re-exported
//! as [`wire`]), so the wire format has a single source, the OpenAPI document. The generated
//! *client* is not used: when an error body is not JSON, it reports an invalid payload without
//! the HTTP status or headers, so a 502 page from a load balancer could not be recognised as
//! retryable and its `x-request-id` and `Retry-After` would be lost. Sending requests with
//! reqwest directly is a few dozen lines and keeps all of that.
//!
//! # Absent fields
//!
//! Nylas may leave any workspace field out. [`Workspace`] documents the value each absent
//! field gets (for instance `default` becomes `false` and `rule_ids` becomes empty); an empty
//! `domain` is `None`. In manual-assign answers a `null` list means "none".

#![warn(missing_docs)]

#[cfg(feature = "test-util")]
#[doc(hidden)]
pub mod bench_support;
mod bulk;
mod client;
mod config;
mod decode;
mod error;
pub mod grant_ids;
mod grants;
mod journal;
mod listing;
mod model;
mod options;
pub mod pacing;
mod path;
pub mod plan;
mod read;
mod references;
mod requests;
pub mod resources;
mod retry;
mod secret;
mod target;
mod transport;

pub use bulk::{
    DEFAULT_CONCURRENCY, FailedGrant, GrantAction, GrantRef, MAX_IDS_PER_REQUEST, ManualAssign,
    ManualAssignOptions, ManualAssignOutcome, NotSentReason, Progress, ProgressFn,
};
pub use client::Client;
pub use config::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_LIST_ITEMS, DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, MAX_RETRY_AFTER_LIMIT, MAX_TIMEOUT, Region,
};
pub use error::{
    ApiError, ApiErrorKind, Conflict, Error, MAX_URL_BYTES, Result, Rule, SNIPPET_LIMIT,
    SharedError, UndecodableResponse,
};
pub use grants::{
    GrantQuery, GrantSortBy, GrantStatus, MAX_GRANT_PAGE_SIZE, MAX_STALE_PAGES, SortOrder,
};
pub use journal::{
    JOURNAL_VERSION, Journal, JournalError, JournalErrorKind, MAX_JOURNAL_BYTES, RecordedError,
};
pub use listing::Paged;
pub use model::{AutoGroupJob, Workspace};
pub use options::{MAX_IDEMPOTENCY_KEY_BYTES, OWNED_HEADERS, RequestOptions};
pub use pacing::{DEFAULT_BULK_RATE, RateLimit, RateLimiter, RetryBudget};
pub use requests::{
    AutoGroup, CreateWorkspace, DefaultWorkspaceUpdate, Patch, PolicyAndRules, UpdateWorkspace,
};
pub use resources::{Application, Grant, Policy};
pub use retry::DEFAULT_MAX_RETRIES;
pub use secret::ApiKey;
pub use transport::MAX_BODY_BYTES;

#[cfg(feature = "test-util")]
#[doc(hidden)]
pub use decode::decode_for_tests;

/// The wire types this crate sends and decodes, re-exported for tests and advanced use.
pub use nylas_workspaces_api::types as wire;
