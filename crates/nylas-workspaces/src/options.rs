//! Per-call settings: [`RequestOptions`], and the checked overrides a [`Client`] view carries.
//!
//! A caller sometimes needs one call to behave differently from the rest (a shorter timeout
//! for a health check, no retries inside a job that retries by itself, a tracing header for
//! a proxy, an idempotency key it keeps across process restarts) without building a second
//! client with its own pool, limiter and retry budget. [`Client::with_options`] checks the
//! options here once and returns a view that shares everything else; the attempt loop then
//! reads the overrides on every attempt.
//!
//! [`Client`]: crate::Client
//! [`Client::with_options`]: crate::Client::with_options

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::config::{MAX_RETRY_AFTER_RULE, Seconds, TIMEOUT_RULE};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;

/// Headers the client sets itself, which [`RequestOptions::header`] may not replace: the
/// credentials, the client's identity, the idempotency key (given with
/// [`RequestOptions::idempotency_key`] instead), and what describes the body or the
/// connection (which a wrong value would make the server misread).
pub const OWNED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "idempotency-key",
    "content-type",
    "accept",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
];

/// The longest idempotency key accepted, in bytes. Generated keys are 36-byte UUIDs; a much
/// longer one is more likely a mistake (a whole document passed as the key) than a key.
pub const MAX_IDEMPOTENCY_KEY_BYTES: usize = 255;

/// Settings that override the client's for the calls of one view (see
/// [`Client::with_options`](crate::Client::with_options)). Everything left unset keeps the
/// client's value. Nothing is checked until `with_options`, which refuses what the client's
/// builder would refuse, with [`Error::Config`] naming the setting or header.
///
/// ```
/// use std::time::Duration;
/// use nylas_workspaces::{Client, RequestOptions};
///
/// let client = Client::builder().api_key("nyk_example").build()?;
/// let quick = client.with_options(
///     RequestOptions::new()
///         .timeout(Duration::from_secs(5))
///         .max_retries(0)
///         .header("x-trace-id", "job-42"),
/// )?;
/// // The view shares the client's connection pool, limiter and retry budget.
/// assert_eq!(quick.base_url(), client.base_url());
/// # Ok::<(), nylas_workspaces::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    timeout: Option<Seconds>,
    max_retries: Option<u32>,
    max_retry_after: Option<Seconds>,
    headers: Vec<(String, String)>,
    idempotency_key: Option<String>,
}

impl fmt::Debug for RequestOptions {
    /// Header values are left out: a caller's header may carry a token of its own.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("max_retry_after", &self.max_retry_after)
            .field("header_names", &names)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

impl RequestOptions {
    /// No overrides: a view made with these behaves exactly like the client.
    pub fn new() -> Self {
        Self::default()
    }

    /// The time allowed per attempt, instead of the client's
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout). More than zero and at most
    /// [`MAX_TIMEOUT`](crate::MAX_TIMEOUT).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Seconds::Exact(timeout));
        self
    }

    /// [`timeout`](Self::timeout) as a number of seconds (decimals allowed); NaN, infinities,
    /// zero and negative numbers are refused by `with_options`.
    pub fn timeout_secs(mut self, seconds: f64) -> Self {
        self.timeout = Some(Seconds::Raw(seconds));
        self
    }

    /// How many times a failed attempt is retried, instead of the client's
    /// [`ClientBuilder::max_retries`](crate::ClientBuilder::max_retries). Retries are still
    /// paid from the client's shared [`RetryBudget`](crate::RetryBudget).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The longest `Retry-After` waited out before a retry, instead of the client's
    /// [`ClientBuilder::max_retry_after`](crate::ClientBuilder::max_retry_after). At most
    /// [`MAX_RETRY_AFTER_LIMIT`](crate::MAX_RETRY_AFTER_LIMIT); zero never waits.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = Some(Seconds::Exact(cap));
        self
    }

    /// [`max_retry_after`](Self::max_retry_after) as a number of seconds (decimals allowed).
    pub fn max_retry_after_secs(mut self, seconds: f64) -> Self {
        self.max_retry_after = Some(Seconds::Raw(seconds));
        self
    }

    /// Adds a header to every request of the view (a later one of the same name, in any case,
    /// replaces an earlier one). The names in [`OWNED_HEADERS`] are refused, and so are names
    /// and values that are not valid in HTTP (a newline, say); values are marked sensitive,
    /// so HTTP-level logging does not show them.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The `Idempotency-Key` sent by the calls that send one ([`Client::create_workspace`]
    /// and [`Client::auto_group`]), on every attempt, instead of a fresh key per call. Every
    /// such call of the view sends this same key, so the server treats them as one: make a
    /// view per logical operation. At most [`MAX_IDEMPOTENCY_KEY_BYTES`] of visible ASCII.
    ///
    /// [`Client::create_workspace`]: crate::Client::create_workspace
    /// [`Client::auto_group`]: crate::Client::auto_group
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

/// Checked overrides, as a view of the client carries them. The default overrides nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub max_retry_after: Option<Duration>,
    /// Values marked sensitive.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub idempotency_key: Option<String>,
}

impl Overrides {
    /// These overrides with `options` laid over them: a setting given in `options` wins, and
    /// its headers replace same-named ones. Refuses what the client's builder would refuse.
    pub fn merged(&self, options: RequestOptions) -> Result<Self> {
        let mut merged = self.clone();
        if let Some(timeout) = options.timeout {
            merged.timeout = Some(TIMEOUT_RULE.judge(timeout)?);
        }
        if let Some(retries) = options.max_retries {
            merged.max_retries = Some(retries);
        }
        if let Some(cap) = options.max_retry_after {
            merged.max_retry_after = Some(MAX_RETRY_AFTER_RULE.judge(cap)?);
        }
        for (name, value) in &options.headers {
            let (name, value) = extra_header(name, value)?;
            merged.headers.retain(|(known, _)| *known != name);
            merged.headers.push((name, value));
        }
        if let Some(key) = options.idempotency_key {
            merged.idempotency_key = Some(checked_idempotency_key(key)?);
        }
        Ok(merged)
    }

    /// The client's retry policy with these overrides applied.
    pub fn policy(&self, base: &RetryPolicy) -> RetryPolicy {
        RetryPolicy {
            max_retries: self.max_retries.unwrap_or(base.max_retries),
            max_retry_after: self.max_retry_after.unwrap_or(base.max_retry_after),
            ..*base
        }
    }
}

/// A caller's header, checked; the value is never echoed in the error (it may be a secret).
fn extra_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue)> {
    let shown = shortened(name);
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::config(format!("{shown:?} is not a valid HTTP header name")))?;
    if OWNED_HEADERS.contains(&name.as_str()) {
        let hint = if name.as_str() == "idempotency-key" {
            " (use RequestOptions::idempotency_key, or idempotency_key= in Python)"
        } else {
            ""
        };
        return Err(Error::config(format!(
            "the header {:?} is set by the client and cannot be given as an extra header{hint}",
            name.as_str()
        )));
    }
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        Error::config(format!(
            "the value of header {:?} contains characters not allowed in an HTTP header \
             (a line break or another control character)",
            name.as_str()
        ))
    })?;
    value.set_sensitive(true);
    Ok((name, value))
}

fn checked_idempotency_key(key: String) -> Result<String> {
    let printable = !key.is_empty() && key.bytes().all(|b| b.is_ascii_graphic());
    if !printable {
        return Err(Error::config(
            "idempotency_key must be non-empty visible ASCII (no spaces or control characters)",
        ));
    }
    if key.len() > MAX_IDEMPOTENCY_KEY_BYTES {
        return Err(Error::config(format!(
            "idempotency_key is {} bytes long, more than the {MAX_IDEMPOTENCY_KEY_BYTES} allowed",
            key.len()
        )));
    }
    Ok(key)
}

/// At most the first 64 characters of a caller's text, for messages.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(options: RequestOptions) -> String {
        match Overrides::default().merged(options) {
            Err(Error::Config { message, .. }) => message,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn every_owned_header_is_refused_in_any_case_naming_it() {
        for name in OWNED_HEADERS {
            for spelling in [name.to_string(), name.to_uppercase()] {
                let message = refused(RequestOptions::new().header(spelling, "x"));
                assert!(message.contains(name), "{message}");
            }
        }
        let message = refused(RequestOptions::new().header("Idempotency-Key", "k"));
        assert!(message.contains("idempotency_key"), "{message}");
    }

    #[test]
    fn bad_names_and_values_are_refused_without_echoing_the_value() {
        refused(RequestOptions::new().header("bad name", "x"));
        refused(RequestOptions::new().header("", "x"));
        let message = refused(RequestOptions::new().header("x-token", "secret\r\nInjected: 1"));
        assert!(!message.contains("secret"), "{message}");
        assert!(message.contains("x-token"), "{message}");
    }

    #[test]
    fn timeouts_are_judged_like_the_builder_judges_them() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e12] {
            let message = refused(RequestOptions::new().timeout_secs(bad));
            assert!(message.contains("timeout"), "{message}");
        }
        refused(RequestOptions::new().timeout(Duration::ZERO));
        let message = refused(RequestOptions::new().max_retry_after_secs(-1.0));
        assert!(message.contains("max_retry_after"), "{message}");
    }

    #[test]
    fn idempotency_keys_must_be_short_visible_ascii() {
        for bad in ["", "has space", "line\nbreak", "clé"] {
            refused(RequestOptions::new().idempotency_key(bad));
        }
        refused(RequestOptions::new().idempotency_key("k".repeat(MAX_IDEMPOTENCY_KEY_BYTES + 1)));
        let ok = Overrides::default()
            .merged(RequestOptions::new().idempotency_key("order-42"))
            .unwrap();
        assert_eq!(ok.idempotency_key.as_deref(), Some("order-42"));
    }

    #[test]
    fn later_options_win_and_headers_replace_by_name() {
        let first = Overrides::default()
            .merged(
                RequestOptions::new()
                    .max_retries(5)
                    .timeout_secs(3.0)
                    .header("X-Trace", "a")
                    .header("x-other", "o"),
            )
            .unwrap();
        let second = first
            .merged(RequestOptions::new().max_retries(0).header("x-trace", "b"))
            .unwrap();
        assert_eq!(second.max_retries, Some(0));
        assert_eq!(second.timeout, Some(Duration::from_secs(3)));
        let headers: Vec<(&str, &[u8])> = second
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes()))
            .collect();
        assert_eq!(headers, [("x-other", &b"o"[..]), ("x-trace", &b"b"[..])]);
        assert!(second.headers.iter().all(|(_, v)| v.is_sensitive()));
        // The first view is unchanged by the second.
        assert_eq!(first.max_retries, Some(5));
    }

    #[test]
    fn debug_shows_header_names_but_not_values() {
        let shown = format!(
            "{:?}",
            RequestOptions::new().header("x-proxy-token", "tok_secret")
        );
        assert!(shown.contains("x-proxy-token"), "{shown}");
        assert!(!shown.contains("tok_secret"), "{shown}");
    }
}
