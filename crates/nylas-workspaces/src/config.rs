//! Client configuration: where to send requests, with which key, and how patiently.
//!
//! Everything is validated in [`ClientBuilder::build`], so a built [`Client`] is always usable
//! and configuration errors surface at start-up rather than on the first call.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderValue, InvalidHeaderValue};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::pacing::{
    Clock, DEFAULT_BULK_RATE, RateLimit, RateLimiter, RetryBudget, RetryTokens, SystemClock,
};
use crate::retry::{DEFAULT_MAX_RETRIES, RetryPolicy, RetryStrategy};
use crate::secret::{ApiKey, Redactor};
use crate::transport::{MAX_BODY_BYTES, Transport, TransportParts};

/// The user agent sent unless [`ClientBuilder::user_agent`] replaces it.
pub const DEFAULT_USER_AGENT: &str = concat!("nylas-workspaces-rust/", env!("CARGO_PKG_VERSION"));
/// Total time allowed per attempt unless configured; matches Nylas's official SDKs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);
/// The longest `Retry-After` waited out before a retry unless configured.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Time allowed to establish a connection unless configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest [`ClientBuilder::timeout`] accepted: one day. A longer allowance per attempt
/// is no timeout at all, and a number that large is more likely a unit mistake.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);
/// The longest [`ClientBuilder::max_retry_after`] accepted: one hour. Sitting out a longer
/// `Retry-After` silently would look like a hang.
pub const MAX_RETRY_AFTER_LIMIT: Duration = Duration::from_secs(3_600);
/// The most workspaces one listing collects across its pages unless configured
/// ([`ClientBuilder::max_list_items`]). Far above any real application, far below what
/// would exhaust a machine's memory (a workspace takes well under a kilobyte).
pub const DEFAULT_MAX_LIST_ITEMS: usize = 100_000;

/// Where an application's data lives. Each region has its own API host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// `https://api.us.nylas.com` (the default).
    #[default]
    Us,
    /// `https://api.eu.nylas.com`.
    Eu,
}

impl Region {
    /// The API host of the region.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Us => "https://api.us.nylas.com",
            Self::Eu => "https://api.eu.nylas.com",
        }
    }

    /// The region's short name, as [`FromStr`] reads it: `us` or `eu`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Us => "us",
            Self::Eu => "eu",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads `us` or `eu`, in any case; anything else is [`Error::Config`] naming both.
///
/// ```
/// use nylas_workspaces::Region;
///
/// assert_eq!("EU".parse::<Region>()?, Region::Eu);
/// assert!("mars".parse::<Region>().is_err());
/// # Ok::<(), nylas_workspaces::Error>(())
/// ```
impl FromStr for Region {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        [Self::Us, Self::Eu]
            .into_iter()
            .find(|region| text.eq_ignore_ascii_case(region.as_str()))
            .ok_or_else(|| {
                Error::config(format!(
                    "unknown region {:?}: expected \"us\" or \"eu\"",
                    shortened(text)
                ))
            })
    }
}

/// At most the first 64 characters of a caller's text, for messages.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A number of seconds as the caller gave it: a duration, or a raw number judged in
/// [`ClientBuilder::build`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Seconds {
    Exact(Duration),
    Raw(f64),
}

/// What a seconds setting accepts.
pub(crate) struct SecondsRule {
    setting: &'static str,
    allow_zero: bool,
    max: Duration,
}

pub(crate) const TIMEOUT_RULE: SecondsRule = SecondsRule {
    setting: "timeout",
    allow_zero: false,
    max: MAX_TIMEOUT,
};

pub(crate) const MAX_RETRY_AFTER_RULE: SecondsRule = SecondsRule {
    setting: "max_retry_after",
    allow_zero: true,
    max: MAX_RETRY_AFTER_LIMIT,
};

impl SecondsRule {
    /// The duration, or [`Error::Config`] naming the setting and what it accepts.
    pub(crate) fn judge(&self, value: Seconds) -> Result<Duration> {
        let duration = match value {
            Seconds::Exact(duration) => Some(duration),
            // NaN, infinities, negative numbers and overflow all fail the checked conversion.
            Seconds::Raw(secs) => Duration::try_from_secs_f64(secs).ok(),
        };
        match duration {
            Some(d) if d <= self.max && (self.allow_zero || !d.is_zero()) => Ok(d),
            _ => {
                let given = match value {
                    Seconds::Exact(d) => format!("{}", d.as_secs_f64()),
                    Seconds::Raw(secs) => format!("{secs}"),
                };
                let range = if self.allow_zero {
                    "a number of seconds from 0"
                } else {
                    "a positive number of seconds"
                };
                Err(Error::config(format!(
                    "{} must be {range} up to {} (not {given})",
                    self.setting,
                    self.max.as_secs()
                )))
            }
        }
    }
}

/// Builds a [`Client`]. Start with [`Client::builder`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    region: Region,
    base_url: Option<String>,
    timeout: Option<Seconds>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    backoff: Option<(Duration, Duration)>,
    max_retry_after: Option<Seconds>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    allow_insecure_http: bool,
    rate_limit: Option<Pacer>,
    /// `None`: the default ([`DEFAULT_BULK_RATE`]); `Some(None)`: bulk calls are not paced.
    bulk_rate_limit: Option<Option<RateLimit>>,
    /// `None`: the default budget; `Some(None)`: retries are not budgeted.
    retry_budget: Option<Option<RetryBudget>>,
    clock: Option<Arc<dyn Clock>>,
    max_body_bytes: Option<usize>,
    max_list_items: Option<usize>,
}

/// How the client-wide limiter is given: as a configuration, or as a limiter to share.
#[derive(Debug, Clone)]
enum Pacer {
    Limit(RateLimit),
    Shared(RateLimiter),
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http_client.is_some())
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("rate_limit", &self.rate_limit)
            .field("bulk_rate_limit", &self.bulk_rate_limit)
            .field("retry_budget", &self.retry_budget)
            .field("clock", &self.clock)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_list_items", &self.max_list_items)
            .finish()
    }
}

impl ClientBuilder {
    /// The API key (required). Accepts `&str`, `String` or [`ApiKey`].
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Fills what is still unset from the environment, as Nylas's official SDKs read it: the
    /// key from `NYLAS_API_KEY` and the host from `NYLAS_API_URI` (when set and not blank).
    /// Values given explicitly, before or after this call, win. Bindings use this so the
    /// environment is read in one place.
    pub fn env_defaults(mut self) -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if self.api_key.is_none() {
            self.api_key = var("NYLAS_API_KEY").map(ApiKey::from);
        }
        if self.base_url.is_none() {
            self.base_url = var("NYLAS_API_URI");
        }
        self
    }

    /// The region whose host to use; ignored when [`base_url`](Self::base_url) is set.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Sends requests to this URL instead of the region's host: a proxy, the emulator, a mock.
    /// A path prefix is kept. Plain `http://` is only accepted for loopback hosts unless
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set, because the API key travels
    /// in every request.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Total time allowed for one attempt, from sending to the last byte of the answer
    /// (default 90 s). Each retry gets a fresh allowance, so the worst-case wall time of one
    /// call is about `(max_retries + 1) × timeout` plus the waits between attempts, each at
    /// most [`max_retry_after`](Self::max_retry_after) when the server sends `Retry-After`
    /// (else a backoff of at most the [`retry_backoff`](Self::retry_backoff) cap), plus any
    /// wait for a [`rate_limit`](Self::rate_limit). With every default: 3 × 90 s of attempts
    /// and up to 2 × 60 s of waiting, 6.5 minutes. Set a shorter timeout, fewer retries or a
    /// lower `max_retry_after` to bound it tighter. Must be more than zero and at most
    /// [`MAX_TIMEOUT`] (checked by [`build`](Self::build)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Seconds::Exact(timeout));
        self
    }

    /// [`timeout`](Self::timeout) as a number of seconds (decimals allowed), for callers
    /// that have a number: a command line, a binding. [`build`](Self::build) refuses NaN,
    /// infinities, zero, negative numbers and anything above [`MAX_TIMEOUT`] with
    /// [`Error::Config`] naming `timeout`.
    pub fn timeout_secs(mut self, seconds: f64) -> Self {
        self.timeout = Some(Seconds::Raw(seconds));
        self
    }

    /// Judges `seconds` as [`build`](Self::build) judges [`timeout_secs`](Self::timeout_secs),
    /// so a front end can refuse a bad value where it was typed.
    pub fn check_timeout_secs(seconds: f64) -> Result<Duration> {
        TIMEOUT_RULE.judge(Seconds::Raw(seconds))
    }

    /// Time allowed to connect (default 10 s). Not applied to a client given with
    /// [`http_client`](Self::http_client), which keeps its own setting.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How many times a failed attempt is retried (default 2; 0 disables retries). Each retry
    /// is a full new attempt with its own [`timeout`](Self::timeout), so this multiplies the
    /// worst-case time of a call. Only retryable failures are retried (see
    /// [`Error::is_retryable`]).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The exponential backoff used when the server gives no `Retry-After`: full jitter over
    /// `base * 2^attempt`, capped at `cap` (defaults 0.5 s and 8 s).
    pub fn retry_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff = Some((base, cap));
        self
    }

    /// The longest `Retry-After` the client waits out by itself before a retry (default
    /// 60 s); the wait is per retry, so a call may wait up to `max_retries × max_retry_after`
    /// in total on top of its attempts. A longer requested wait is not waited: it ends the
    /// call with the error, with [`Error::retry_after`] set. At most
    /// [`MAX_RETRY_AFTER_LIMIT`] (checked by [`build`](Self::build)); zero never waits.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = Some(Seconds::Exact(cap));
        self
    }

    /// [`max_retry_after`](Self::max_retry_after) as a number of seconds (decimals allowed).
    /// [`build`](Self::build) refuses NaN, infinities, negative numbers and anything above
    /// [`MAX_RETRY_AFTER_LIMIT`] with [`Error::Config`] naming `max_retry_after`.
    pub fn max_retry_after_secs(mut self, seconds: f64) -> Self {
        self.max_retry_after = Some(Seconds::Raw(seconds));
        self
    }

    /// Judges `seconds` as [`build`](Self::build) judges
    /// [`max_retry_after_secs`](Self::max_retry_after_secs).
    pub fn check_max_retry_after_secs(seconds: f64) -> Result<Duration> {
        MAX_RETRY_AFTER_RULE.judge(Seconds::Raw(seconds))
    }

    /// Replaces the `User-Agent` header (default [`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses the caller's reqwest client (its pool, proxy and TLS settings). The per-attempt
    /// timeout is still applied to each request.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: reqwest's default follows
    /// redirects, which would send the API key and the body to whatever host a redirect names.
    /// As a safeguard, an answer that arrives from another URL than the one sent is refused
    /// (an [`Error::Api`] of kind [`Redirect`](crate::ApiErrorKind::Redirect), not retried),
    /// but by then the request has already gone to that other URL.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Allows a plain `http://` base URL on a non-loopback host. Only for trusted networks:
    /// the API key is then sent unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Paces every call of the client (and its clones, on any thread) with one token bucket.
    /// Off by default. Use [`RateLimit::adaptive`] to let the server's 429s find the rate.
    ///
    /// ```
    /// use nylas_workspaces::{Client, RateLimit};
    ///
    /// let client = Client::builder()
    ///     .api_key("nyk_example")
    ///     .rate_limit(RateLimit::adaptive(100.0))
    ///     .build()?;
    /// assert!(client.rate_limiter().is_some());
    /// # Ok::<(), nylas_workspaces::Error>(())
    /// ```
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(Pacer::Limit(limit));
        self
    }

    /// Paces the client with an existing limiter, shared with whatever else uses it (other
    /// clients of the same application, say). Replaces [`rate_limit`](Self::rate_limit).
    pub fn rate_limiter(mut self, limiter: RateLimiter) -> Self {
        self.rate_limit = Some(Pacer::Shared(limiter));
        self
    }

    /// The pacing of bulk manual assignment when no [`rate_limit`](Self::rate_limit) is set
    /// (default: [`DEFAULT_BULK_RATE`] requests per second, fixed); `None` turns it off. All
    /// bulk calls of the client share it. With a client-wide limit, bulk calls use that one.
    pub fn bulk_rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.bulk_rate_limit = Some(limit);
        self
    }

    /// The budget retries are paid from, shared by all calls of the client (default
    /// [`RetryBudget::default`]); `None` lets every failed attempt retry up to
    /// [`max_retries`](Self::max_retries) regardless of how many others are failing.
    pub fn retry_budget(mut self, budget: Option<RetryBudget>) -> Self {
        self.retry_budget = Some(budget);
        self
    }

    /// The largest answer body read, in bytes (default [`MAX_BODY_BYTES`], 8 MiB). Reading
    /// stops there: a bigger successful answer fails with [`Error::LimitExceeded`] naming
    /// `max_body_bytes` (a bigger error page is cut and reported by its status). A flat list of
    /// about 34,000 workspaces is around 9 MB; raise this to list that many. Must be at least 1.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = Some(bytes);
        self
    }

    /// The most workspaces [`Client::list_workspaces`] collects across all pages (default
    /// [`DEFAULT_MAX_LIST_ITEMS`]). A listing that goes beyond fails with
    /// [`Error::LimitExceeded`] naming `max_list_items`, so a server that keeps handing out
    /// pages cannot fill the memory. Must be at least 1.
    pub fn max_list_items(mut self, items: usize) -> Self {
        self.max_list_items = Some(items);
        self
    }

    /// The clock used for pacing and for the waits between retries (default: real time).
    /// Tests pass a [`ManualClock`](crate::pacing::ManualClock) to run on simulated time.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The base URL set so far (by [`base_url`](Self::base_url) or
    /// [`env_defaults`](Self::env_defaults)), as given; `None` means the region's host.
    pub fn configured_base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<Client> {
        let api_key = self.api_key.ok_or_else(|| {
            Error::config("no API key: pass one to the client or set NYLAS_API_KEY")
        })?;
        let authorization = authorization_header(&api_key)?;
        let base_url = match &self.base_url {
            Some(url) => validate_base_url(url, self.allow_insecure_http)?,
            None => self.region.base_url().to_owned(),
        };
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned());
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::config("the user agent contains characters not allowed in a header")
        })?;
        let timeout =
            TIMEOUT_RULE.judge(self.timeout.unwrap_or(Seconds::Exact(DEFAULT_TIMEOUT)))?;
        let max_retry_after = self
            .max_retry_after
            .map(|cap| MAX_RETRY_AFTER_RULE.judge(cap))
            .transpose()?;
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let max_body_bytes = self.max_body_bytes.unwrap_or(MAX_BODY_BYTES);
        let max_list_items = self.max_list_items.unwrap_or(DEFAULT_MAX_LIST_ITEMS);
        if max_body_bytes == 0 || max_list_items == 0 {
            return Err(Error::config(
                "max_body_bytes and max_list_items must be at least 1",
            ));
        }
        let http = match self.http_client {
            Some(client) => client,
            None => {
                // Redirects are answered as errors, never followed: the key and the body
                // must not go to whatever host a `Location` names.
                let mut builder = reqwest::Client::builder()
                    .timeout(timeout)
                    .connect_timeout(connect_timeout)
                    .redirect(reqwest::redirect::Policy::none());
                // A proxy configured for the outside world cannot reach this machine's
                // loopback interface, so it would only turn a working set-up into an error.
                if Url::parse(&base_url).is_ok_and(|url| is_loopback(&url)) {
                    builder = builder.no_proxy();
                }
                builder
                    .build()
                    .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let mut retry = RetryPolicy {
            max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
            ..RetryPolicy::default()
        };
        if let Some((base, cap)) = self.backoff {
            retry.backoff_base = base;
            retry.backoff_cap = cap;
        }
        if let Some(cap) = max_retry_after {
            retry.max_retry_after = cap;
        }
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock::new()));
        let limiter = match self.rate_limit {
            None => None,
            Some(Pacer::Limit(limit)) => Some(RateLimiter::with_clock(limit, clock.clone())?),
            Some(Pacer::Shared(limiter)) => Some(limiter),
        };
        let bulk_limit = self
            .bulk_rate_limit
            .unwrap_or(Some(RateLimit::new(DEFAULT_BULK_RATE)));
        let bulk_limiter = match (&limiter, bulk_limit) {
            (None, Some(limit)) => Some(RateLimiter::with_clock(limit, clock.clone())?),
            _ => None,
        };
        let retry_budget = match self.retry_budget.unwrap_or(Some(RetryBudget::default())) {
            Some(budget) => {
                budget.validate()?;
                Some(RetryTokens::new(budget))
            }
            None => None,
        };
        let transport = Transport::new(TransportParts {
            http,
            base_url,
            authorization,
            user_agent,
            redactor: Redactor::new(&api_key),
            timeout,
            max_body_bytes,
            limiter,
            bulk_limiter,
            retry: RetryStrategy::new(retry, retry_budget),
            clock,
        });
        Ok(Client::new(transport, max_list_items))
    }
}

/// Builds the `Authorization` header, marked sensitive so HTTP-level logging redacts it.
fn authorization_header(key: &ApiKey) -> Result<HeaderValue> {
    let key = key.expose();
    if key.trim().is_empty() {
        return Err(Error::config("the API key is empty"));
    }
    let mut value =
        HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_: InvalidHeaderValue| {
            Error::config("the API key contains characters not allowed in an HTTP header")
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Accepts `https://` anywhere and `http://` on loopback (or everywhere when allowed), and
/// returns the URL without a trailing slash so paths can be appended.
pub(crate) fn validate_base_url(raw: &str, allow_insecure_http: bool) -> Result<String> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("base URL {raw:?} is not a valid URL: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL {raw:?} must not have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config("base URL must not contain credentials"));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::config(format!(
                "base URL {raw:?} uses plain http on a non-loopback host, so the API key would \
                 travel unencrypted; use https, or explicitly allow plain http if the network \
                 is trusted"
            )));
        }
        other => {
            return Err(Error::config(format!(
                "base URL scheme {other:?} is not supported; use https"
            )));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Whether the URL's host is this machine: `localhost` or a loopback IP address.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_accepted_and_trailing_slash_dropped() {
        assert_eq!(
            validate_base_url("https://proxy.example/nylas/", false).unwrap(),
            "https://proxy.example/nylas"
        );
    }

    #[test]
    fn plain_http_only_on_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "http://127.1.2.3",
        ] {
            assert!(validate_base_url(ok, false).is_ok(), "{ok}");
        }
        let err = validate_base_url("http://api.example.com", false).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(validate_base_url("http://api.example.com", true).is_ok());
        assert!(validate_base_url("ftp://x", true).is_err());
        assert!(validate_base_url("https://u:p@x", false).is_err());
        assert!(validate_base_url("not a url", false).is_err());
    }

    #[test]
    fn empty_or_unprintable_keys_are_refused_without_echo() {
        let err = Client::builder().api_key("   ").build().unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        let err = Client::builder()
            .api_key("secret\nkey")
            .build()
            .unwrap_err();
        assert!(!format!("{err:?}{err}").contains("secret"));
        assert!(Client::builder().build().is_err());
    }
}
