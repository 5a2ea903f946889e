//! How an emulator is set up before it starts.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use crate::error::EmulatorError;
use crate::faults::FaultRates;
use crate::quirks::Quirks;
use crate::rate_limit::RateLimit;
use crate::seed::Seed;

/// The key an emulator accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "test-key";

/// The largest request body the emulated API reads (1 MiB); a larger one is answered with 413
/// `invalid_request_payload` and the connection is closed. The largest body the API takes, a
/// manual assignment of 500 + 500 grant IDs, is well under a tenth of that.
pub const MAX_API_BODY_BYTES: usize = 1024 * 1024;

/// The largest request body the admin routes read (16 MiB), so a big seed still fits.
pub const MAX_ADMIN_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The longest latency the emulator adds before an answer (10 minutes).
pub(crate) const MAX_LATENCY: Duration = Duration::from_secs(600);

/// How long a client has to send a request's headers unless told otherwise.
const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings of an emulator, built with chained calls:
///
/// ```
/// use std::time::Duration;
/// use nylas_workspaces_emulator::{EmulatorConfig, FaultRates};
///
/// let config = EmulatorConfig::new()
///     .api_key("my-key")
///     .default_workspace(false)
///     .latency(Duration::from_millis(5))
///     .fault_rates(FaultRates::spread(0.1))
///     .fault_seed(7);
/// assert!(!format!("{config:?}").contains("my-key"));
/// ```
#[derive(Clone)]
pub struct EmulatorConfig {
    pub(crate) api_key: String,
    pub(crate) application_id: Option<String>,
    pub(crate) default_workspace: bool,
    pub(crate) latency: Duration,
    pub(crate) fault_rates: FaultRates,
    pub(crate) fault_seed: Option<u64>,
    pub(crate) id_seed: Option<u64>,
    pub(crate) retry_after_secs: u64,
    pub(crate) seed: Option<Seed>,
    pub(crate) seed_file: Option<PathBuf>,
    pub(crate) host: IpAddr,
    pub(crate) port: u16,
    pub(crate) clock_start: Option<i64>,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) list_page_size: Option<usize>,
    pub(crate) header_read_timeout: Duration,
    pub(crate) admin_token: Option<String>,
    pub(crate) quirks: Quirks,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            application_id: None,
            default_workspace: true,
            latency: Duration::ZERO,
            fault_rates: FaultRates::default(),
            fault_seed: None,
            id_seed: None,
            retry_after_secs: 1,
            seed: None,
            seed_file: None,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            clock_start: None,
            rate_limit: None,
            list_page_size: None,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            admin_token: None,
            quirks: Quirks::default(),
        }
    }
}

impl EmulatorConfig {
    /// Key `test-key`, a default workspace, no faults, a random loopback port, system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// The only key the emulator accepts as `Authorization: Bearer <key>`.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// A fixed application ID (a fresh UUID otherwise).
    #[must_use]
    pub fn application_id(mut self, id: impl Into<String>) -> Self {
        self.application_id = Some(id.into());
        self
    }

    /// Whether the application has a default workspace (older applications have none).
    #[must_use]
    pub fn default_workspace(mut self, enabled: bool) -> Self {
        self.default_workspace = enabled;
        self
    }

    /// Time added before every API request is handled; at most 10 minutes (a longer one is
    /// refused when the emulator starts).
    #[must_use]
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// How often each kind of failure is injected.
    #[must_use]
    pub fn fault_rates(mut self, rates: FaultRates) -> Self {
        self.fault_rates = rates;
        self
    }

    /// Seeds the dice of random faults, so a run's failures repeat exactly (given the same
    /// order of requests).
    #[must_use]
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.fault_seed = Some(seed);
        self
    }

    /// Seeds the generator of IDs (workspaces, grants, jobs, requests), for repeatable IDs.
    #[must_use]
    pub fn id_seed(mut self, seed: u64) -> Self {
        self.id_seed = Some(seed);
        self
    }

    /// The `Retry-After` (seconds) sent with injected 429s; 1 by default, 0 for fast tests.
    #[must_use]
    pub fn retry_after_secs(mut self, secs: u64) -> Self {
        self.retry_after_secs = secs;
        self
    }

    /// The starting state.
    #[must_use]
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = Some(seed);
        self
    }

    /// A JSON file with the starting state (see [`Seed`]), read when the emulator starts.
    #[must_use]
    pub fn seed_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.seed_file = Some(path.into());
        self
    }

    /// The address to listen on; loopback by default. Any other address needs an
    /// [`admin_token`](Self::admin_token), or the emulator refuses to start.
    #[must_use]
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// The port to listen on; 0 (the default) picks a free one.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Starts with a manual clock frozen at this Unix time (seconds); it then moves only
    /// through `Emulator::set_clock` and `Emulator::advance_clock`.
    #[must_use]
    pub fn manual_clock(mut self, unix_secs: i64) -> Self {
        self.clock_start = Some(unix_secs);
        self
    }

    /// Turns on the server-side token bucket (429 `nylas_rate_limit_exceeded` when empty).
    #[must_use]
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }
}

impl EmulatorConfig {
    /// Splits the workspace list into pages of at most `size` (with `next_cursor`) even when
    /// the caller sends no `limit`, so a client's cursor-following can be tested. Nylas
    /// documents the list as one page; without this setting, so does the emulator.
    #[must_use]
    pub fn list_page_size(mut self, size: usize) -> Self {
        self.list_page_size = Some(size.max(1));
        self
    }

    /// How long a client may take to send a request's headers (and then its body) before the
    /// server closes the connection; 30 s by default. It also bounds how long an idle
    /// keep-alive connection stays open, so half-open connections cannot pile up.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// A secret the admin routes (`/_emulator/...`) then require as
    /// `Authorization: Bearer <token>`. Needed to listen on a non-loopback address; on
    /// loopback without one, the admin routes accept only a loopback `Host`.
    #[must_use]
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(token.into());
        self
    }

    /// Which live quirks of Nylas's listings to reproduce (all off by default); see
    /// [`Quirks`]. The methods below switch one at a time.
    #[must_use]
    pub fn quirks(mut self, quirks: Quirks) -> Self {
        self.quirks = quirks;
        self
    }

    /// Answers `GET /v3/rules` with the nested envelope `{data: {items, next_cursor}}`.
    #[must_use]
    pub fn nested_rules_envelope(mut self, on: bool) -> Self {
        self.quirks.nested_rules_envelope = on;
        self
    }

    /// Sends a `next_cursor` on the last non-empty page of `GET /v3/policies` too.
    #[must_use]
    pub fn trailing_policy_cursor(mut self, on: bool) -> Self {
        self.quirks.trailing_policy_cursor = on;
        self
    }

    /// Caps every page of grants, policies and rules at `size` items, whatever the client
    /// asked for (the grants listing echoes the size it used in `limit`). At least 1.
    #[must_use]
    pub fn page_size_cap(mut self, size: usize) -> Self {
        self.quirks.page_size_cap = Some(size);
        self
    }

    /// Leaves grants created within the last `lag` (by the emulator's clock, in whole
    /// seconds) out of grant listings filtered by `workspace_id`.
    #[must_use]
    pub fn filtered_grant_lag(mut self, lag: Duration) -> Self {
        self.quirks.filtered_grant_lag_secs = Some(lag.as_secs());
        self
    }

    /// Leaves `workspace_id` out of grants in the default workspace whose provider is not
    /// `nylas`.
    #[must_use]
    pub fn omit_default_workspace_id(mut self, on: bool) -> Self {
        self.quirks.omit_default_workspace_id = on;
        self
    }

    /// Refuses settings the emulator cannot honour, before anything is bound.
    pub(crate) fn validate(&self) -> Result<(), EmulatorError> {
        if let Some(problem) = self.quirks.problem() {
            return Err(EmulatorError::InvalidConfig(problem));
        }
        self.fault_rates.validate()?;
        if let Some(limit) = &self.rate_limit {
            limit.validate()?;
        }
        if self.latency > MAX_LATENCY {
            return Err(EmulatorError::InvalidConfig(format!(
                "the latency must be at most {} s, not {:?}",
                MAX_LATENCY.as_secs(),
                self.latency
            )));
        }
        if self.header_read_timeout.is_zero() {
            return Err(EmulatorError::InvalidConfig(
                "the header read timeout must be longer than zero".into(),
            ));
        }
        match &self.admin_token {
            Some(token) if token.trim().is_empty() => Err(EmulatorError::InvalidConfig(
                "the admin token must not be empty".into(),
            )),
            None if !self.host.is_loopback() => Err(EmulatorError::InvalidConfig(format!(
                "listening on {}, which is not loopback, needs an admin token \
                 (EmulatorConfig::admin_token, --admin-token or NYLAS_EMULATOR_ADMIN_TOKEN)",
                self.host
            ))),
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The API key is a secret, even a test one: never printed.
        f.debug_struct("EmulatorConfig")
            .field("api_key", &"<redacted>")
            .field("application_id", &self.application_id)
            .field("default_workspace", &self.default_workspace)
            .field("latency", &self.latency)
            .field("fault_rates", &self.fault_rates)
            .field("fault_seed", &self.fault_seed)
            .field("id_seed", &self.id_seed)
            .field("retry_after_secs", &self.retry_after_secs)
            .field("seed", &self.seed.as_ref().map(|_| "<seed>"))
            .field("seed_file", &self.seed_file)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("clock_start", &self.clock_start)
            .field("rate_limit", &self.rate_limit)
            .field("list_page_size", &self.list_page_size)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("quirks", &self.quirks)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}
