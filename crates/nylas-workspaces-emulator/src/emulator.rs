//! The handle users hold: start, seed, inspect, inject faults, move the clock, stop on drop.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use nylas_workspaces_api::types;

use crate::catalog::{NewPolicy, NewRule};
use crate::clock::Clock;
use crate::config::EmulatorConfig;
use crate::error::EmulatorError;
use crate::faults::{Fault, FaultRates, Operation};
use crate::model::{GrantSnapshot, NewGrant};
use crate::quirks::Quirks;
use crate::rate_limit::{RateLimit, TokenBucket};
use crate::seed::{NewWorkspace, Seed};
use crate::server::ServerThread;
use crate::shared::{self, Shared};
use crate::wire;

/// A running emulator of the Workspaces API, serving on a loopback port until dropped.
///
/// The server runs on its own thread with its own Tokio runtime, so the emulator works the
/// same from `#[tokio::test]`, from plain `#[test]` and from Python. Every method besides
/// [`Emulator::start`] is synchronous and cheap: it only takes a lock on the state.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    url: String,
    // Declared last so the server stops before the rest is dropped.
    _server: ServerThread,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url)
            .field("api_key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator. It is ready for requests when this returns.
    ///
    /// Binding the port and spawning the server thread take well under a millisecond of
    /// blocking work, so this is safe to await on any runtime (or none: see
    /// [`Emulator::start_blocking`]).
    pub async fn start(config: EmulatorConfig) -> Result<Self, EmulatorError> {
        Self::start_blocking(config)
    }

    /// Starts an emulator without needing an async runtime.
    pub fn start_blocking(config: EmulatorConfig) -> Result<Self, EmulatorError> {
        let shared = Arc::new(Shared::new(&config)?);
        let (server, addr) =
            ServerThread::spawn(shared.clone(), SocketAddr::new(config.host, config.port))?;
        Ok(Self {
            shared,
            addr,
            url: format!("http://{addr}"),
            _server: server,
        })
    }

    /// Starts an emulator with the default configuration (key `test-key`, default workspace).
    pub fn start_default() -> Result<Self, EmulatorError> {
        Self::start_blocking(EmulatorConfig::default())
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key the emulator accepts. Keep it out of logs like a real one.
    pub fn api_key(&self) -> &str {
        self.shared.api_key()
    }

    pub fn application_id(&self) -> String {
        self.shared.lock().state.application_id.clone()
    }

    // ----- seeding ---------------------------------------------------------------------------

    /// Adds a grant, placed where it names or else by the rule for new grants; returns its ID.
    pub fn add_grant(&self, grant: NewGrant) -> Result<String, EmulatorError> {
        let mut inner = self.shared.lock();
        let now = inner.clock.now_secs();
        inner.state.add_grant(grant, now)
    }

    /// Adds a workspace by the rules of `POST /v3/workspaces`; returns its ID.
    pub fn add_workspace(&self, workspace: NewWorkspace) -> Result<String, EmulatorError> {
        let mut inner = self.shared.lock();
        let now = inner.clock.now_secs();
        shared::add_workspace(&mut inner.state, workspace, now)
    }

    /// Adds a policy that belongs to the application, named `Policy <id>`; returns its new
    /// ID. [`Emulator::add_named_policy`] and [`Emulator::add_policy_with`] give it a name.
    pub fn add_policy(&self) -> String {
        self.add_policy_with(NewPolicy {
            id: None,
            name: None,
        })
        .expect("a generated ID and name are never empty")
    }

    /// Adds a policy with this name; returns its new ID.
    pub fn add_named_policy(&self, name: impl Into<String>) -> Result<String, EmulatorError> {
        self.add_policy_with(NewPolicy::new(name))
    }

    /// Adds a policy with a chosen ID (named `Policy <id>`).
    pub fn add_policy_with_id(&self, id: impl Into<String>) -> Result<String, EmulatorError> {
        self.add_policy_with(NewPolicy {
            id: Some(id.into()),
            name: None,
        })
    }

    /// Adds a policy as described (an empty ID or name is refused); returns its ID. An ID
    /// that exists already is kept as it is.
    pub fn add_policy_with(&self, policy: NewPolicy) -> Result<String, EmulatorError> {
        let mut inner = self.shared.lock();
        let now = inner.clock.now_secs();
        inner.state.add_policy(policy, now)
    }

    /// Adds a rule that belongs to the application, named `Rule <id>`; returns its new ID.
    /// [`Emulator::add_named_rule`] and [`Emulator::add_rule_with`] give it a name.
    pub fn add_rule(&self) -> String {
        self.add_rule_with(NewRule::unnamed())
            .expect("a generated ID and the default fields are always accepted")
    }

    /// Adds an enabled inbound rule of priority 10 with this name; returns its new ID.
    pub fn add_named_rule(&self, name: impl Into<String>) -> Result<String, EmulatorError> {
        self.add_rule_with(NewRule::new(name))
    }

    /// Adds a rule with a chosen ID (named `Rule <id>`).
    pub fn add_rule_with_id(&self, id: impl Into<String>) -> Result<String, EmulatorError> {
        self.add_rule_with(NewRule::unnamed().id(id))
    }

    /// Adds a rule as described (an empty ID or name, a priority outside 0..=1000 or a
    /// trigger other than `inbound`/`outbound` is refused); returns its ID. An ID that
    /// exists already is kept as it is.
    pub fn add_rule_with(&self, rule: NewRule) -> Result<String, EmulatorError> {
        let mut inner = self.shared.lock();
        let now = inner.clock.now_secs();
        inner.state.add_rule(rule, now)
    }

    /// Adds everything in `seed` except `application_id` and `default_workspace`, which only
    /// make sense at start (give them to [`EmulatorConfig::seed`] instead).
    pub fn apply_seed(&self, seed: Seed) -> Result<(), EmulatorError> {
        if seed.application_id.is_some() || seed.default_workspace.is_some() {
            return Err(EmulatorError::InvalidSeed(
                "application_id and default_workspace can only be seeded at start".into(),
            ));
        }
        let mut inner = self.shared.lock();
        let now = inner.clock.now_secs();
        shared::apply_seed(&mut inner.state, seed, now)
    }

    // ----- inspection ------------------------------------------------------------------------

    /// The workspace a grant is in: `None` when the grant is in none or does not exist.
    pub fn grant_workspace(&self, grant_id: &str) -> Option<String> {
        self.grant(grant_id).and_then(|g| g.workspace_id)
    }

    pub fn grant(&self, grant_id: &str) -> Option<GrantSnapshot> {
        self.shared.lock().state.grant(grant_id)
    }

    /// Every grant, in the order they were added.
    pub fn grants(&self) -> Vec<GrantSnapshot> {
        self.shared.lock().state.grants()
    }

    /// The IDs of the grants in a workspace (by ID), in the order they were added.
    pub fn grants_in(&self, workspace_id: &str) -> Vec<String> {
        self.shared.lock().state.grants_in(workspace_id)
    }

    /// A workspace by ID or domain, as the API would return it.
    pub fn workspace(&self, id_or_domain: &str) -> Option<types::Workspace> {
        let inner = self.shared.lock();
        let state = &inner.state;
        state
            .workspace(id_or_domain)
            .map(|w| wire::workspace(w, &state.application_id))
    }

    /// Every workspace, in the order the list endpoint returns them.
    pub fn workspaces(&self) -> Vec<types::Workspace> {
        let inner = self.shared.lock();
        let state = &inner.state;
        state
            .workspaces()
            .iter()
            .map(|w| wire::workspace(w, &state.application_id))
            .collect()
    }

    pub fn default_workspace_id(&self) -> Option<String> {
        self.shared
            .lock()
            .state
            .default_workspace_id()
            .map(str::to_owned)
    }

    /// How many authenticated requests reached `operation`, injected failures included.
    pub fn calls(&self, operation: Operation) -> u64 {
        self.shared.lock().calls[operation.index()]
    }

    // ----- faults ----------------------------------------------------------------------------

    /// Time added before every API request is handled; held at 10 minutes at most.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().latency = latency.min(crate::config::MAX_LATENCY);
    }

    /// How often each failure is injected from now on.
    pub fn set_fault_rates(&self, rates: FaultRates) -> Result<(), EmulatorError> {
        self.shared.lock().faults.set_rates(rates)
    }

    /// Restarts the dice of random faults from `seed`.
    pub fn set_fault_seed(&self, seed: u64) {
        self.shared.lock().faults.reseed(seed);
    }

    /// Fails the next `count` calls to `operation` with `fault`, before any random fault.
    /// The calls are not handled: nothing changes.
    pub fn fail_next(&self, operation: Operation, count: u32, fault: Fault) {
        self.shared
            .lock()
            .faults
            .fail_next(Some(operation), count, fault, false);
    }

    /// Fails the next `count` calls to any operation with `fault`, without handling them.
    pub fn fail_next_any(&self, count: u32, fault: Fault) {
        self.shared
            .lock()
            .faults
            .fail_next(None, count, fault, false);
    }

    /// Handles the next `count` calls to `operation`, then replaces their answer with
    /// `fault`: the change is made but the caller does not learn it, as when a response is
    /// lost on the way back. Retrying such a call must not apply it twice.
    pub fn fail_next_after_handling(&self, operation: Operation, count: u32, fault: Fault) {
        self.shared
            .lock()
            .faults
            .fail_next(Some(operation), count, fault, true);
    }

    /// Removes every fault and the latency.
    pub fn clear_faults(&self) {
        let mut inner = self.shared.lock();
        inner.faults.clear();
        inner.latency = Duration::ZERO;
    }

    /// The `Retry-After` (seconds) of injected 429s.
    pub fn set_retry_after_secs(&self, secs: u64) {
        self.shared.lock().retry_after_secs = secs;
    }

    /// Turns the server-side token bucket on (full) or off.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) -> Result<(), EmulatorError> {
        if let Some(limit) = &limit {
            limit.validate()?;
        }
        let mut inner = self.shared.lock();
        let now = inner.clock.now_ms();
        inner.limiter = limit.map(|l| TokenBucket::new(l, now));
        Ok(())
    }

    /// The live quirks in force (see [`Quirks`]).
    pub fn quirks(&self) -> Quirks {
        self.shared.lock().quirks
    }

    /// Switches the live quirks (see [`Quirks`]); a page-size cap of 0 is refused.
    pub fn set_quirks(&self, quirks: Quirks) -> Result<(), EmulatorError> {
        if let Some(problem) = quirks.problem() {
            return Err(EmulatorError::InvalidConfig(problem));
        }
        self.shared.lock().quirks = quirks;
        Ok(())
    }

    /// Pages the workspace list (see [`EmulatorConfig::list_page_size`]); `None` for one page.
    pub fn set_list_page_size(&self, size: Option<usize>) {
        self.shared.lock().list_page_size = size.map(|s| s.max(1));
    }

    // ----- clock -----------------------------------------------------------------------------

    /// The emulator's current time, in Unix seconds.
    pub fn now(&self) -> i64 {
        self.shared.lock().clock.now_secs()
    }

    /// Freezes the clock at this Unix time (seconds). Times before year 1 or after year
    /// 9999 are held at those ends.
    pub fn set_clock(&self, unix_secs: i64) {
        self.shared.lock().clock = Clock::manual(unix_secs);
    }

    /// Moves the clock forward (freezing it first if it followed the system clock); it stops
    /// at the end of year 9999.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.lock().clock.advance(by);
    }

    /// Follows the system clock again.
    pub fn use_system_clock(&self) {
        self.shared.lock().clock = Clock::System;
    }
}
