//! Sending one logical call: attempts, retries, bounded body reading and error decoding.
//!
//! This crate talks HTTP itself (reqwest) and uses the generated `nylas_workspaces_api::types`
//! for every body, rather than calling the generated `nylas_workspaces_api::Client`. The
//! generated client turns a non-JSON error page into `InvalidResponsePayload`, which drops the
//! HTTP status and headers, so a 502 HTML page from a proxy could neither be classified as
//! retryable nor carry its `x-request-id` or `Retry-After`. Owning the few lines of transport
//! keeps all of that, and lets every attempt be its own tracing span.
//!
//! What a hostile or broken server can do is bounded here: redirects are answered as errors,
//! never followed; bodies are read up to `max_body_bytes` and no further; the client's key is
//! scrubbed from whatever server text goes into an error. A request that cannot be sent as
//! asked (a URL beyond [`MAX_URL_BYTES`]) is refused before the first attempt.

use std::time::{Instant, SystemTime};

use reqwest::header::LOCATION;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, RETRY_AFTER, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::client::ClientInner;
use crate::error::{
    ApiError, ApiErrorKind, Error, MAX_URL_BYTES, Result, SNIPPET_LIMIT, UndecodableResponse,
    cause_chain, is_retryable_status,
};
use crate::pacing::RateLimiter;
use crate::retry::{parse_retry_after, random_unit};
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

/// Which limiter a call goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pacing {
    /// The client-wide limiter, if any.
    Client,
    /// The client-wide limiter, else the bulk default.
    Bulk,
}

/// A successful (2xx) answer, body fully read.
#[derive(Debug)]
pub(crate) struct Reply {
    pub operation: &'static str,
    pub status: u16,
    pub header_request_id: Option<String>,
    pub body: Vec<u8>,
    /// Scrubs the key from the text of any error made about this reply.
    pub redactor: Redactor,
}

impl Reply {
    /// The request id of the answer: the header's, else the body's top-level one.
    pub fn request_id(&self) -> Option<String> {
        self.header_request_id
            .clone()
            .or_else(|| body_request_id(&self.body))
    }

    /// Decodes the body as `T`, or explains why it cannot be.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body)
            .map_err(|e| self.undecodable(format!("not the expected JSON ({e})"), Some(e)))
    }

    /// An [`Error::Undecodable`] about this reply.
    pub fn undecodable(&self, reason: String, source: Option<serde_json::Error>) -> Error {
        Error::Undecodable(Box::new(UndecodableResponse {
            operation: self.operation,
            status: self.status,
            request_id: self.header_request_id.clone(),
            reason,
            snippet: snippet(&self.body, &self.redactor),
            source,
        }))
        .redacted(&self.redactor)
    }
}

/// The outcome of one attempt.
enum Attempt {
    Success(Reply),
    Failure(Error),
}

impl ClientInner {
    /// Sends `call`, retrying what is safe to retry, and returns the 2xx reply.
    pub(crate) async fn execute(&self, call: &Call) -> Result<Reply> {
        let url = self.url_for(call)?;
        let limiter = self.limiter_for(call.pacing);
        let mut attempt: u32 = 0;
        // What the last retry took from the budget, refunded if the call then succeeds.
        let mut last_retry_cost: Option<u32> = None;
        loop {
            let permit = match limiter {
                Some(limiter) => Some(limiter.acquire().await),
                None => None,
            };
            let span = tracing::info_span!(
                "nylas_workspaces.attempt",
                operation = call.operation,
                method = %call.method,
                attempt = attempt + 1,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            let result = self
                .attempt(call, &url, attempt + 1)
                .instrument(span.clone())
                .await;
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            if let (Some(limiter), Some(permit)) = (limiter, permit) {
                let answered = match &result {
                    Attempt::Success(_) => Some(None),
                    Attempt::Failure(error) => error.status().map(|_| Some(error)),
                };
                if let Some(error) = answered {
                    let throttled = error.is_some_and(Error::is_rate_limited);
                    let retry_after = error.and_then(Error::retry_after);
                    limiter.on_answer(permit, throttled, retry_after, self.retry.max_retry_after);
                }
            }
            let error = match result {
                Attempt::Success(reply) => {
                    if let Some(budget) = &self.retry_budget {
                        budget.on_success(last_retry_cost);
                    }
                    span.record("status", reply.status);
                    if let Some(id) = reply.request_id() {
                        span.record("request_id", id.as_str());
                    }
                    return Ok(reply);
                }
                Attempt::Failure(error) => error.redacted(&self.redactor),
            };
            if let Some(status) = error.status() {
                span.record("status", status);
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            if !retryable_attempt(&error) {
                return Err(error);
            }
            let Some(wait) =
                self.retry
                    .delay_before_retry(attempt, error.retry_after(), random_unit())
            else {
                return Err(error);
            };
            if let Some(budget) = &self.retry_budget {
                let after_timeout = matches!(error, Error::Timeout { .. });
                match budget.try_withdraw(after_timeout) {
                    Some(cost) => last_retry_cost = Some(cost),
                    None => {
                        span.in_scope(|| {
                            tracing::debug!(error = %error, "retry budget exhausted; not retrying");
                        });
                        return Err(error);
                    }
                }
            }
            span.in_scope(|| {
                tracing::debug!(wait_ms = wait.as_millis() as u64, error = %error, "retrying");
            });
            self.clock.sleep(wait).await;
            attempt += 1;
        }
    }

    /// The limiter that paces a call, if any.
    fn limiter_for(&self, pacing: Pacing) -> Option<&RateLimiter> {
        match pacing {
            Pacing::Client => self.limiter.as_ref(),
            Pacing::Bulk => self.limiter.as_ref().or(self.bulk_limiter.as_ref()),
        }
    }

    /// The full URL of a call, refused when no server would take it.
    fn url_for(&self, call: &Call) -> Result<Url> {
        let invalid = |reason: String| Error::InvalidRequest {
            operation: call.operation,
            reason,
        };
        let mut url = Url::parse(&format!("{}{}", self.base_url, call.path))
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

    async fn attempt(&self, call: &Call, url: &Url, attempts: u32) -> Attempt {
        let mut request = self
            .http
            .request(call.method.clone(), url.clone())
            .timeout(self.timeout)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, self.user_agent.clone());
        if let Some(key) = &call.idempotency_key {
            request = request.header(IDEMPOTENCY_KEY, key.as_str());
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let transport_error = |source: reqwest::Error| {
            if source.is_builder() {
                Error::InvalidRequest {
                    operation: call.operation,
                    reason: format!("the request could not be built: {}", cause_chain(&source)),
                }
            } else if source.is_timeout() {
                Error::Timeout {
                    operation: call.operation,
                    attempts,
                    source,
                }
            } else {
                Error::Connection {
                    operation: call.operation,
                    attempts,
                    source,
                }
            }
        };
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => return Attempt::Failure(transport_error(e)),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let header_request_id = header_str(&headers, "x-request-id");
        if response.url() != url {
            // Only a caller-supplied client follows redirects; ours never does.
            let error = followed_redirect(status, response.url(), header_request_id);
            return Attempt::Failure(error.redacted(&self.redactor));
        }
        let limit = self.max_body_bytes;
        let too_large = || Error::LimitExceeded {
            operation: call.operation,
            setting: "max_body_bytes",
            limit: limit as u64,
            request_id: header_request_id.clone(),
        };
        // A success announced as too large is refused without reading it.
        if status.is_success() && response.content_length().is_some_and(|n| n > limit as u64) {
            return Attempt::Failure(too_large());
        }
        let body = match read_bounded(response, limit).await {
            Ok(body) => body,
            Err(e) => return Attempt::Failure(transport_error(e)),
        };
        if status.is_success() {
            if body.truncated {
                return Attempt::Failure(too_large());
            }
            return Attempt::Success(Reply {
                operation: call.operation,
                status: status.as_u16(),
                header_request_id,
                body: body.bytes,
                redactor: self.redactor.clone(),
            });
        }
        Attempt::Failure(api_error(
            status,
            &headers,
            header_request_id,
            &body.bytes,
            &self.redactor,
        ))
    }
}

/// The error for an answer that came from another URL than the one sent: the caller's HTTP
/// client followed a redirect.
fn followed_redirect(status: StatusCode, final_url: &Url, request_id: Option<String>) -> Error {
    Error::Api(Box::new(ApiError {
        status: status.as_u16(),
        kind: ApiErrorKind::Redirect,
        request_id,
        error_type: None,
        message: Some(
            "the answer came from another URL: the HTTP client given to \
             ClientBuilder::http_client followed a redirect (build it with \
             redirect(reqwest::redirect::Policy::none()))"
                .to_owned(),
        ),
        provider_error: None,
        retry_after: None,
        body_snippet: None,
        location: Some(bounded(final_url.as_str())),
    }))
}

/// Whether an attempt's failure may be retried automatically.
fn retryable_attempt(error: &Error) -> bool {
    match error {
        Error::Api(api) => is_retryable_status(api.status),
        Error::Timeout { .. } | Error::Connection { .. } => true,
        _ => false,
    }
}

/// Builds the typed error for a non-success answer, from the Nylas envelope when the body is
/// one, and from the status and a snippet when it is not.
pub(crate) fn api_error(
    status: StatusCode,
    headers: &HeaderMap,
    header_request_id: Option<String>,
    body: &[u8],
    redactor: &Redactor,
) -> Error {
    let retry_after = header_str(headers, RETRY_AFTER.as_str())
        .and_then(|v| parse_retry_after(&v, SystemTime::now()));
    let envelope = parse_envelope(body);
    let mut api = ApiError {
        status: status.as_u16(),
        kind: ApiErrorKind::from_status(status.as_u16()),
        request_id: header_request_id,
        error_type: None,
        message: None,
        provider_error: None,
        retry_after,
        body_snippet: None,
        location: status
            .is_redirection()
            .then(|| header_str(headers, LOCATION.as_str()))
            .flatten()
            .map(|l| bounded(&redactor.scrub(&l))),
    };
    match envelope {
        Some(envelope) => {
            if envelope.request_id.is_some() {
                api.request_id = envelope.request_id;
            }
            api.error_type = envelope.error_type;
            api.message = envelope.message;
            api.provider_error = envelope.provider_error;
        }
        None if body.is_empty() => {}
        None => api.body_snippet = Some(snippet(body, redactor)),
    }
    Error::Api(Box::new(api)).redacted(redactor)
}

/// The parts of a Nylas error envelope, read leniently: a body with an `error` object counts
/// even when `request_id` or some inner field is missing or of an unexpected type.
struct Envelope {
    request_id: Option<String>,
    error_type: Option<String>,
    message: Option<String>,
    provider_error: Option<serde_json::Map<String, serde_json::Value>>,
}

fn parse_envelope(body: &[u8]) -> Option<Envelope> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let error = object.get("error")?.as_object()?;
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
    Some(Envelope {
        request_id: text(object.get("request_id")).filter(|id| !id.is_empty()),
        error_type: text(error.get("type")),
        message: text(error.get("message")),
        provider_error: error
            .get("provider_error")
            .and_then(|v| v.as_object())
            .filter(|m| !m.is_empty())
            .cloned(),
    })
}

/// The top-level `request_id` of a JSON body, if there is one, for the attempt's span.
fn body_request_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Peek {
        request_id: Option<String>,
    }
    serde_json::from_slice::<Peek>(body)
        .ok()?
        .request_id
        .filter(|id| !id.is_empty())
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The start of a body as text of at most [`SNIPPET_LIMIT`] bytes (plus an ellipsis when cut),
/// with the key scrubbed out. The whole body is scrubbed before cutting, so a key that
/// straddles the cut cannot leave its first half behind. Invalid UTF-8 becomes U+FFFD, which
/// is three bytes, so the text is cut after decoding.
pub(crate) fn snippet(body: &[u8], redactor: &Redactor) -> String {
    let text = redactor.scrub(&String::from_utf8_lossy(body));
    bounded(&text)
}

/// `text` cut to at most [`SNIPPET_LIMIT`] bytes at a character boundary, plus an ellipsis
/// when cut.
fn bounded(text: &str) -> String {
    let mut text = text.to_owned();
    let mut cut = false;
    if text.len() > SNIPPET_LIMIT {
        let mut end = SNIPPET_LIMIT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        cut = true;
    }
    if cut {
        text.push('…');
    }
    text
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

/// The error for an arbitrary non-success body, without headers (tests and property tests).
pub(crate) fn decode_error_body_for_tests(status: u16, body: &[u8]) -> Error {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    api_error(status, &HeaderMap::new(), None, body, &Redactor::none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_fields_are_extracted() {
        let body = br#"{"request_id":"r1","error":{"type":"not_found_error","message":"gone","provider_error":{"x":1}}}"#;
        let Error::Api(api) = decode_error_body_for_tests(404, body) else {
            panic!()
        };
        assert_eq!(api.request_id.as_deref(), Some("r1"));
        assert_eq!(api.error_type.as_deref(), Some("not_found_error"));
        assert_eq!(api.message.as_deref(), Some("gone"));
        assert!(api.provider_error.is_some());
        assert_eq!(api.body_snippet, None);
        assert_eq!(api.kind, ApiErrorKind::NotFound);
    }

    #[test]
    fn html_pages_become_snippets() {
        let page = format!("<html>{}</html>", "x".repeat(5000));
        let Error::Api(api) = decode_error_body_for_tests(502, page.as_bytes()) else {
            panic!()
        };
        let snip = api.body_snippet.unwrap();
        assert!(snip.starts_with("<html>"));
        assert!(snip.len() <= SNIPPET_LIMIT + '…'.len_utf8());
        assert_eq!(api.status, 502);
    }

    #[test]
    fn snippet_of_invalid_utf8_stays_bounded() {
        let s = snippet(&[0xff; SNIPPET_LIMIT], &Redactor::none());
        assert!(s.len() <= SNIPPET_LIMIT + '…'.len_utf8(), "{}", s.len());
        assert!(s.ends_with('…'));
        assert_eq!(snippet(b"short", &Redactor::none()), "short");
    }

    #[test]
    fn snippet_survives_split_utf8() {
        let mut body = vec![b'a'; SNIPPET_LIMIT - 1];
        body.extend_from_slice("é".as_bytes());
        // The split character decodes to U+FFFD, which no longer fits, so it is cut.
        let expected = format!("{}…", "a".repeat(SNIPPET_LIMIT - 1));
        assert_eq!(snippet(&body, &Redactor::none()), expected);
    }
}
