//! The errors the emulated API answers with, always in Nylas's envelope
//! `{"request_id": …, "error": {"type": …, "message": …}}`.

use axum::http::StatusCode;
use nylas_workspaces_api::types;

/// An error answer of the emulated API: status, Nylas error `type`, message, and for 429 the
/// number of seconds to put in `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) retry_after_secs: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    /// The request broke one of the API's documented rules.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
    }

    /// The body could not be read as the JSON the operation expects.
    pub(crate) fn bad_payload(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_payload", message)
    }

    pub(crate) fn bad_idempotency_key(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_idempotency_key", message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found_error", message)
    }

    pub(crate) fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request_error",
            "this path does not support that HTTP method",
        )
    }

    /// The body is larger than [`crate::MAX_API_BODY_BYTES`].
    pub(crate) fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_payload",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// A body was sent without `Content-Type: application/json`.
    pub(crate) fn not_json() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request_payload",
            "send the body as JSON, with Content-Type: application/json",
        )
    }

    /// The body did not arrive in time, or the connection broke while it was being sent.
    pub(crate) fn body_not_received(status: StatusCode) -> Self {
        Self::new(
            status,
            "invalid_request_payload",
            "the request body did not arrive complete",
        )
    }

    /// Nylas's own rate limit was hit; the caller may retry after `retry_after_secs`.
    pub(crate) fn rate_limited(message: impl Into<String>, retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "nylas_rate_limit_exceeded",
                message,
            )
        }
    }

    /// A server-side failure with the given 5xx status.
    pub(crate) fn server(status: StatusCode, message: impl Into<String>) -> Self {
        Self::new(status, "internal_error", message)
    }

    /// The envelope, typed with the generated wire types.
    pub(crate) fn envelope(&self, request_id: &str) -> types::Error {
        types::Error {
            request_id: request_id.to_owned(),
            error: types::ErrorDetail {
                type_: Some(self.kind.to_owned()),
                message: Some(self.message.clone()),
                provider_error: Default::default(),
            },
        }
    }
}
