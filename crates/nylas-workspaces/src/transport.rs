//! Sending one logical call: the [`Transport`] owns the HTTP client, the base URL, the
//! `Authorization` and `User-Agent` headers, the key's redactor, the per-attempt timeout, the
//! body cap, the limiters, the retry strategy and the clock, and runs attempts until one
//! succeeds or the strategy says stop. It only moves bytes: what an answer means (a value, or
//! which error) is [`decode`](crate::decode)'s job.
//!
//! This crate talks HTTP itself (reqwest) and uses the generated `nylas_workspaces_api::types`
//! for every body, rather than calling the generated `nylas_workspaces_api::Client`. The
//! generated client turns a non-JSON error page into `InvalidResponsePayload`, which drops the
//! HTTP status and headers, so a 502 HTML page from a proxy could neither be classified as
//! retryable nor carry its `x-request-id` or `Retry-After`. Owning the few lines of transport
//! keeps all of that, and lets every attempt be its own tracing span. Methods and paths still
//! come from the generated route table (`nylas_workspaces_api::routes`), so they have one
//! source, the OpenAPI document.
//!
//! What a hostile or broken server can do is bounded here: redirects are answered as errors,
//! never followed; bodies are read up to `max_body_bytes` and no further. A request that
//! cannot be sent as asked (a URL beyond [`MAX_URL_BYTES`]) is refused before the first
//! attempt.

use std::sync::Arc;
use std::time::{Duration, Instant};

use nylas_workspaces_api::routes::Route;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};
use tracing::{Instrument, Span};

use crate::decode::{self, Reply};
use crate::error::{Error, MAX_URL_BYTES, Result, cause_chain};
use crate::options::Overrides;
use crate::pacing::{Clock, Permit, RateLimiter};
use crate::retry::{Decision, RetryStrategy};
use crate::secret::Redactor;

/// The largest body read into memory unless [`ClientBuilder::max_body_bytes`] says otherwise.
/// Workspace payloads are small; anything bigger is most likely a misbehaving server or proxy
/// and is reported instead of exhausting memory.
///
/// [`ClientBuilder::max_body_bytes`]: crate::ClientBuilder::max_body_bytes
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The header Nylas uses to deduplicate retried POSTs.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// One logical API call, possibly sent several times.
#[derive(Debug)]
pub(crate) struct Call {
    /// The name used in errors and tracing, e.g. `get_workspace`.
    pub operation: &'static str,
    pub method: Method,
    /// The path after the base URL, already percent-encoded, e.g. `/v3/workspaces/ws-1`.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    /// Set for POSTs that would otherwise create twice when retried.
    pub idempotency_key: Option<String>,
    /// Which limiter paces the call's attempts.
    pub pacing: Pacing,
}

impl Call {
    /// A call of `route` with its path parameters filled by `segments` (percent-encoded),
    /// paced by the client-wide limiter, with no query, body or idempotency key yet.
    pub fn new(operation: &'static str, route: &Route, segments: &[&str]) -> Result<Self> {
        let method =
            Method::from_bytes(route.method.as_bytes()).map_err(|_| Error::InvalidRequest {
                operation,
                reason: format!("{:?} is not an HTTP method", route.method),
            })?;
        Ok(Self {
            operation,
            method,
            path: route_path(operation, route, segments)?,
            query: Vec::new(),
            body: None,
            idempotency_key: None,
            pacing: Pacing::Client,
        })
    }
}

/// The path of `route` with its parameters filled by the percent-encoded `segments`. The
/// segments come from [`workspace_segment`](crate::path::workspace_segment), which already
/// refuses what the table would, so a refusal here means the request cannot be built.
pub(crate) fn route_path(
    operation: &'static str,
    route: &Route,
    segments: &[&str],
) -> Result<String> {
    route
        .path_with(segments)
        .map_err(|e| Error::InvalidRequest {
            operation,
            reason: format!("the request path could not be built: {e}"),
        })
}

/// Which limiter a call goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pacing {
    /// The client-wide limiter, if any.
    Client,
    /// The client-wide limiter, else the bulk default.
    Bulk,
}

/// What a [`Transport`] is made of, filled by `ClientBuilder::build` once every setting has
/// been validated.
pub(crate) struct TransportParts {
    pub http: reqwest::Client,
    /// Without a trailing slash, so paths can be appended.
    pub base_url: String,
    /// `Bearer <key>`, marked sensitive.
    pub authorization: HeaderValue,
    pub user_agent: HeaderValue,
    /// Scrubs the key out of server-supplied text before it goes into an error.
    pub redactor: Redactor,
    /// Per attempt.
    pub timeout: Duration,
    /// The largest answer body read.
    pub max_body_bytes: usize,
    /// Paces every call, when configured.
    pub limiter: Option<RateLimiter>,
    /// Paces bulk manual assignment when `limiter` is not set (unless turned off).
    pub bulk_limiter: Option<RateLimiter>,
    pub retry: RetryStrategy,
    /// Time for pacing and for the waits between retries.
    pub clock: Arc<dyn Clock>,
}

/// Sends calls: one per client, shared by its clones.
pub(crate) struct Transport {
    parts: TransportParts,
}

impl Transport {
    /// The transport of a client whose settings have been checked.
    pub fn new(parts: TransportParts) -> Self {
        Self { parts }
    }

    /// The URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.parts.base_url
    }

    /// The time allowed per attempt.
    pub fn timeout(&self) -> Duration {
        self.parts.timeout
    }

    /// The retry policy and budget.
    pub fn retry(&self) -> &RetryStrategy {
        &self.parts.retry
    }

    /// The limiter that paces a call: the client-wide one if set; for bulk calls, else the
    /// bulk default; else none.
    pub fn limiter(&self, pacing: Pacing) -> Option<&RateLimiter> {
        let client_wide = self.parts.limiter.as_ref();
        match pacing {
            Pacing::Client => client_wide,
            Pacing::Bulk => client_wide.or(self.parts.bulk_limiter.as_ref()),
        }
    }

    /// Sends `call` until an attempt succeeds or the retry strategy says stop: acquire a
    /// permit, attempt, report the answer to the limiter, decide. `overrides` are those of
    /// the client view making the call (its timeout, retries, headers).
    pub async fn execute(&self, call: &Call, overrides: &Overrides) -> Result<Reply> {
        let url = self.url_for(call)?;
        let limiter = self.limiter(call.pacing);
        let policy = overrides.policy(self.parts.retry.policy());
        let max_pause = policy.max_retry_after;
        let mut retries = self.parts.retry.for_call_with(policy);
        loop {
            let permit = acquire(limiter).await;
            let (result, span) = self
                .traced_attempt(call, overrides, &url, retries.attempt())
                .await;
            report(limiter, permit, &result, max_pause);
            let error = match result {
                Ok(reply) => {
                    retries.on_success();
                    return Ok(reply);
                }
                Err(error) => error,
            };
            match span.in_scope(|| retries.decide(&error)) {
                Decision::Retry(wait) => {
                    span.in_scope(|| {
                        tracing::debug!(
                            wait_ms = wait.as_millis() as u64,
                            reason = retry_reason(&error),
                            error = %error,
                            "retrying"
                        );
                    });
                    self.parts.clock.sleep(wait).await;
                }
                Decision::Stop => return Err(error),
            }
        }
    }

    /// The full URL of a call, refused when no server would take it.
    fn url_for(&self, call: &Call) -> Result<Url> {
        let invalid = |reason: String| Error::InvalidRequest {
            operation: call.operation,
            reason,
        };
        let mut url = Url::parse(&format!("{}{}", self.parts.base_url, call.path))
            .map_err(|e| invalid(format!("the request URL is not valid: {e}")))?;
        if !call.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(call.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let length = url.as_str().len();
        if length > MAX_URL_BYTES {
            return Err(invalid(format!(
                "the request URL would be {length} bytes long, beyond the limit of \
                 {MAX_URL_BYTES} bytes that servers accept (is an id in it far too long?)"
            )));
        }
        Ok(url)
    }

    /// One attempt in its own `nylas_workspaces.attempt` span, which records the outcome.
    async fn traced_attempt(
        &self,
        call: &Call,
        overrides: &Overrides,
        url: &Url,
        number: u32,
    ) -> (Result<Reply>, Span) {
        let span = tracing::info_span!(
            "nylas_workspaces.attempt",
            operation = call.operation,
            method = %call.method,
            attempt = number,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .attempt(call, overrides, url, number)
            .instrument(span.clone())
            .await
            .map_err(|error| error.redacted(&self.parts.redactor));
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        let (status, request_id) = match &result {
            Ok(reply) => (Some(reply.status), reply.request_id()),
            Err(error) => (error.status(), error.request_id().map(str::to_owned)),
        };
        if let Some(status) = status {
            span.record("status", status);
        }
        if let Some(id) = request_id {
            span.record("request_id", id.as_str());
        }
        (result, span)
    }

    /// Sends the request once and reads the answer, up to the body cap.
    async fn attempt(
        &self,
        call: &Call,
        overrides: &Overrides,
        url: &Url,
        attempts: u32,
    ) -> Result<Reply> {
        let parts = &self.parts;
        let mut request = parts
            .http
            .request(call.method.clone(), url.clone())
            .timeout(overrides.timeout.unwrap_or(parts.timeout))
            .header(AUTHORIZATION, parts.authorization.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, parts.user_agent.clone());
        // None of these can be one of the headers set above (`options.rs` refuses them).
        for (name, value) in &overrides.headers {
            request = request.header(name.clone(), value.clone());
        }
        if let Some(key) = &call.idempotency_key {
            request = request.header(IDEMPOTENCY_KEY, key.as_str());
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let failed = |source| transport_error(call.operation, attempts, source);
        let response = request.send().await.map_err(failed)?;
        let status = response.status();
        let headers = response.headers().clone();
        if response.url() != url {
            // Only a caller-supplied client follows redirects; ours never does.
            return Err(decode::followed_redirect(
                status,
                response.url(),
                &headers,
                &parts.redactor,
            ));
        }
        let limit = parts.max_body_bytes;
        let too_large = || Error::LimitExceeded {
            operation: call.operation,
            setting: "max_body_bytes",
            limit: limit as u64,
            request_id: decode::header_request_id(&headers),
        };
        // A success announced as too large is refused without reading it.
        if status.is_success() && response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let body = read_bounded(response, limit).await.map_err(failed)?;
        if !status.is_success() {
            return Err(decode::error_answer(
                status,
                &headers,
                &body.bytes,
                &parts.redactor,
            ));
        }
        if body.truncated {
            return Err(too_large());
        }
        Ok(Reply {
            operation: call.operation,
            status: status.as_u16(),
            header_request_id: decode::header_request_id(&headers)
                .map(|id| parts.redactor.scrub(&id)),
            body: body.bytes,
            redactor: parts.redactor.clone(),
        })
    }
}

/// Why a failed attempt is retried, as a stable word for the `retrying` event.
fn retry_reason(error: &Error) -> &'static str {
    match (error, error.status()) {
        (_, Some(429)) => "rate_limited",
        (_, Some(408)) => "request_timeout",
        (_, Some(409)) => "conflict",
        (_, Some(500..=599)) => "server_error",
        (Error::Timeout { .. }, _) => "timeout",
        (Error::Connection { .. }, _) => "connection",
        _ => "other",
    }
}

/// Waits for the limiter's permit, when the call is paced.
async fn acquire(limiter: Option<&RateLimiter>) -> Option<Permit> {
    match limiter {
        Some(limiter) => Some(limiter.acquire().await),
        None => None,
    }
}

/// Tells the limiter how the server answered: a success, or an HTTP error (a 429 slows it
/// down and its `Retry-After` pauses every caller). Nothing is reported when no answer came.
fn report(
    limiter: Option<&RateLimiter>,
    permit: Option<Permit>,
    result: &Result<Reply>,
    max_pause: Duration,
) {
    let (Some(limiter), Some(permit)) = (limiter, permit) else {
        return;
    };
    match result {
        Ok(_) => limiter.on_answer(permit, false, None, max_pause),
        Err(error) if error.status().is_some() => {
            limiter.on_answer(
                permit,
                error.is_rate_limited(),
                error.retry_after(),
                max_pause,
            );
        }
        Err(_) => {}
    }
}

/// The error for a request reqwest could not build, send or read the answer of.
fn transport_error(operation: &'static str, attempts: u32, source: reqwest::Error) -> Error {
    if source.is_builder() {
        Error::InvalidRequest {
            operation,
            reason: format!("the request could not be built: {}", cause_chain(&source)),
        }
    } else if source.is_timeout() {
        Error::Timeout {
            operation,
            attempts,
            source,
        }
    } else {
        Error::Connection {
            operation,
            attempts,
            source,
        }
    }
}

/// Reads at most `limit` bytes of the body, noting whether more was there. Stops reading as
/// soon as the limit is passed; dropping the response then closes the connection.
async fn read_bounded(mut response: reqwest::Response, limit: usize) -> reqwest::Result<BodyBuf> {
    let mut buf = BodyBuf::default();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - buf.bytes.len();
        if chunk.len() > room {
            buf.bytes.extend_from_slice(&chunk[..room]);
            buf.truncated = true;
            break;
        }
        buf.bytes.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// A body read up to the size limit.
#[derive(Debug, Default)]
struct BodyBuf {
    bytes: Vec<u8>,
    truncated: bool,
}

#[cfg(test)]
mod tests {
    use nylas_workspaces_api::routes;

    use super::*;

    #[test]
    fn calls_take_method_and_path_from_the_route_table() {
        for route in routes::ALL {
            let segments = vec!["ws%2F1"; route.path_params.len()];
            let call = Call::new("op", route, &segments).unwrap();
            assert_eq!(call.method.as_str(), route.method);
            let expected = route
                .path_params
                .iter()
                .fold(route.path.to_owned(), |path, p| {
                    path.replace(&format!("{{{p}}}"), "ws%2F1")
                });
            assert_eq!(call.path, expected);
            assert_eq!(call.pacing, Pacing::Client);
        }
    }

    #[test]
    fn a_path_the_table_refuses_is_an_invalid_request_naming_the_operation() {
        for segments in [&[][..], &["a/b"], &[".."], &["a", "b"]] {
            let error = Call::new("get_workspace", &routes::GET_WORKSPACE, segments).unwrap_err();
            assert!(
                matches!(
                    &error,
                    Error::InvalidRequest {
                        operation: "get_workspace",
                        ..
                    }
                ),
                "{segments:?}: {error:?}"
            );
            assert!(error.nothing_sent());
            assert!(!error.is_retryable());
        }
    }
}
