//! Checks a request passes before it is routed: its body is read whole and bounded, a body
//! must be declared JSON, and the admin routes answer only callers that cannot be a web page
//! of another site (loopback `Host` and `Origin`) or that hold the admin token.
//!
//! The admin routes change and reveal the emulator's state without an API key, so without
//! these checks any web page open in a browser on the same machine could drive them with a
//! form POST, or read them after pointing its own host name at 127.0.0.1 (DNS rebinding).

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use hyper::body::{Body as _, Incoming};

use crate::admin;
use crate::api_error::ApiError;
use crate::shared::Shared;

/// Why a request body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyProblem {
    /// Larger than the limit (declared or sent).
    TooLarge,
    /// Not complete within the read timeout.
    TimedOut,
    /// The connection broke, or the chunked encoding was malformed.
    Broken,
}

impl BodyProblem {
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TimedOut => StatusCode::REQUEST_TIMEOUT,
            Self::Broken => StatusCode::BAD_REQUEST,
        }
    }

    pub(crate) fn message(self, limit: usize) -> String {
        match self {
            Self::TooLarge => format!("the request body is larger than {limit} bytes"),
            Self::TimedOut | Self::Broken => "the request body did not arrive complete".into(),
        }
    }

    /// The answer of the emulated API, in Nylas's envelope.
    pub(crate) fn api_error(self, limit: usize) -> ApiError {
        match self {
            Self::TooLarge => ApiError::too_large(limit),
            Self::TimedOut | Self::Broken => ApiError::body_not_received(self.status()),
        }
    }
}

/// Reads the whole body, refusing more than `limit` bytes (a larger `Content-Length` is
/// refused before anything is read) or a body slower than `timeout`.
pub(crate) async fn read_body(
    body: Incoming,
    headers: &HeaderMap,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyProblem> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(BodyProblem::TooLarge);
    }
    tokio::time::timeout(timeout, collect(body, limit))
        .await
        .unwrap_or(Err(BodyProblem::TimedOut))
}

async fn collect(body: Incoming, limit: usize) -> Result<Bytes, BodyProblem> {
    let mut body = std::pin::pin!(body);
    let mut bytes = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|_| BodyProblem::Broken)?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit.saturating_sub(bytes.len()) {
                return Err(BodyProblem::TooLarge);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(bytes))
}

/// Whether the request declares a JSON body (`application/json`, parameters allowed).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// The refusal an admin request gets, if any: without the admin token when one is set (401),
/// from a non-loopback `Host` when none is set (403), from a web page of another site (403),
/// or with a body that is not declared JSON (415).
pub(crate) fn admin_refusal(
    shared: &Shared,
    headers: &HeaderMap,
    has_body: bool,
) -> Option<Response> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if shared.has_admin_token() {
        let auth = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
        if !shared.admin_token_accepted(auth) {
            let mut refusal = admin::fail(
                StatusCode::UNAUTHORIZED,
                "this emulator's admin routes need Authorization: Bearer <admin token>",
            );
            refusal.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
            return Some(refusal);
        }
    } else if !text(header::HOST).is_some_and(is_loopback_authority) {
        return Some(admin::fail(
            StatusCode::FORBIDDEN,
            "the admin routes answer only requests whose Host is 127.0.0.1, localhost or [::1]",
        ));
    }
    if headers.contains_key(header::ORIGIN) && !text(header::ORIGIN).is_some_and(is_loopback_origin)
    {
        return Some(admin::fail(
            StatusCode::FORBIDDEN,
            "the admin routes do not answer requests from web pages of other sites",
        ));
    }
    if has_body && !is_json(headers) {
        return Some(admin::fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "admin request bodies must be sent with Content-Type: application/json",
        ));
    }
    None
}

/// Whether a `Host` value names the loopback interface: `127.0.0.1`, `localhost` or
/// `[::1]`, with or without a port.
fn is_loopback_authority(authority: &str) -> bool {
    let (name, port) = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inside, after)) => (inside, after),
            None => return false,
        },
        None => match authority.find(':') {
            Some(at) => authority.split_at(at),
            None => (authority, ""),
        },
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
        });
    port_ok && (name == "127.0.0.1" || name == "::1" || name.eq_ignore_ascii_case("localhost"))
}

/// Whether an `Origin` value is a page served from loopback.
fn is_loopback_origin(origin: &str) -> bool {
    let lower = origin.to_ascii_lowercase();
    ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
        .is_some_and(is_loopback_authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised_with_or_without_a_port() {
        for good in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "localhost",
            "LOCALHOST:1",
            "[::1]",
            "[::1]:65535",
        ] {
            assert!(is_loopback_authority(good), "{good}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "127.0.0.1:",
            "127.0.0.1:80x",
            "127.0.0.1:8080:1",
            "::1",
            "[::1",
            "[::1]x",
            "10.0.0.1",
            "0.0.0.0:80",
            "localhost@evil.example",
        ] {
            assert!(!is_loopback_authority(bad), "{bad}");
        }
    }

    #[test]
    fn only_loopback_origins_pass() {
        assert!(is_loopback_origin("http://localhost:3000"));
        assert!(is_loopback_origin("https://127.0.0.1"));
        for bad in ["null", "http://evil.example", "file://", "localhost"] {
            assert!(!is_loopback_origin(bad), "{bad}");
        }
    }

    #[test]
    fn json_is_recognised_with_parameters_and_any_case() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            is_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!with("text/plain"));
        assert!(!with("application/jsonx"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
