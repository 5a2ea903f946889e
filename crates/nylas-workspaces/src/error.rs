//! The one error type of the crate.
//!
//! Callers mostly need to answer three questions about a failure: did anything reach Nylas
//! (invariant violations never do), is it worth retrying later, and what do I quote to Nylas
//! support (the request id). The predicates on [`Error`] answer them without matching on
//! variants, which keeps the Python binding and the CLI thin.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::bulk::ManualAssignOutcome;
use crate::journal::{JournalError, RecordedError};
use crate::secret::Redactor;

/// Convenient alias used by every fallible method of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong. Marked `#[non_exhaustive]` so new failure kinds are not a
/// breaking change; use the predicates (`status`, `is_retryable`, ...) where you can.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Nylas (or a proxy in front of it) answered with a non-success HTTP status.
    Api(Box<ApiError>),
    /// The request broke one of the API's documented rules, so it was refused before anything
    /// was sent.
    InvariantViolation {
        /// Which rule.
        rule: Rule,
        /// A sentence naming the offending value or field.
        message: String,
    },
    /// The request could not be built or sent as asked, so nothing was sent: for example its
    /// URL is longer than [`MAX_URL_BYTES`] (a workspace id of 70 KB, say). Never retried;
    /// retrying would fail the same way.
    InvalidRequest {
        /// The operation, e.g. `get_workspace`.
        operation: &'static str,
        /// Why, in words (never contains the API key).
        reason: String,
    },
    /// An answer, or a listing across pages, was larger than a configured limit. Never
    /// retried: the same request would produce the same answer. Raise the named setting on
    /// the [`ClientBuilder`](crate::ClientBuilder) if the size is expected.
    LimitExceeded {
        /// The operation, e.g. `list_workspaces`.
        operation: &'static str,
        /// The builder setting that was exceeded: `max_body_bytes` or `max_list_items`.
        setting: &'static str,
        /// The setting's value (bytes or items).
        limit: u64,
        /// The request id of the answer that went over, when known.
        request_id: Option<String>,
    },
    /// No complete answer arrived in time (after all retries).
    Timeout {
        /// The operation, e.g. `get_workspace`.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// The transport error, when reqwest reported one.
        source: reqwest::Error,
    },
    /// The connection failed on every attempt: it could not be made (DNS, TCP, TLS), or it
    /// broke or carried something unreadable after it was made (a reset, an oversized header
    /// block). The message includes the underlying causes.
    Connection {
        /// The operation, e.g. `get_workspace`.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// The transport error.
        source: reqwest::Error,
    },
    /// A success status arrived with a body this crate cannot understand.
    Undecodable(Box<UndecodableResponse>),
    /// A bulk manual assignment where some requests failed. The outcome says, per grant id,
    /// what happened, so exactly the failures can be retried
    /// (see [`ManualAssignOutcome::retry_request`]).
    BulkPartial(Box<ManualAssignOutcome>),
    /// A bulk-assignment journal could not be written or read (see
    /// [`ManualAssignOptions::journal`](crate::ManualAssignOptions::journal)). Returned only
    /// before any assignment is sent; a journal that fails part-way is named in
    /// [`ManualAssignOutcome::journal_error`] instead.
    Journal(Box<JournalError>),
    /// A failure read back from a journal: what an earlier run recorded about a failed request
    /// (its text, HTTP status, request id and whether it was retryable).
    Recorded(Box<RecordedError>),
    /// A workspaces file cannot be used: it does not parse, or planning it against the live
    /// state found a name that resolves to nothing or an entry several workspaces match. The
    /// error names the file and line; nothing was changed (read-only requests may have been
    /// sent to fetch the live state).
    PlanFile(Box<crate::plan::PlanFileError>),
    /// An apply that started but did not finish: a step failed (its error is
    /// [`ApplyReport::error`](crate::plan::ApplyReport::error), e.g. an [`Error::Conflict`]
    /// when a workspace changed since the plan was made), or the stop flag was set. The report
    /// says what was applied and what was not; planning again gives exactly what is left.
    ApplyPartial(Box<crate::plan::ApplyReport>),
    /// A read-modify-write helper ([`Client::attach_rules`](crate::Client::attach_rules),
    /// [`detach_rules`](crate::Client::detach_rules), [`set_policy`](crate::Client::set_policy))
    /// saw, when it read the workspace back after writing, that someone else changed it at
    /// the same time. The API has no ETag, so this is found after the fact: the write did go
    /// through, and [`Conflict::found`] is the workspace as it now stands.
    Conflict(Box<Conflict>),
    /// The client configuration is unusable (missing key, bad base URL, ...).
    Config {
        /// What is wrong; never contains the API key.
        message: String,
    },
}

/// A concurrent change seen by a read-modify-write helper (see [`Error::Conflict`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Conflict {
    /// The workspace that changed.
    pub workspace_id: String,
    /// What differs from what this call wrote, in words.
    pub message: String,
    /// The workspace as read back after the write.
    pub found: crate::Workspace,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "workspace {} was changed by someone else at the same time: {}; read it again and \
             retry if the change should still be made",
            self.workspace_id, self.message
        )
    }
}

/// A non-success HTTP answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// A coarse classification of `status`.
    pub kind: ApiErrorKind,
    /// The request id from the body, else from the `x-request-id` header.
    pub request_id: Option<String>,
    /// Nylas's machine-readable `error.type` (an open set, e.g. `invalid_request_error`).
    pub error_type: Option<String>,
    /// Nylas's human-readable `error.message`.
    pub message: Option<String>,
    /// The provider's own error, when a provider caused the failure.
    pub provider_error: Option<serde_json::Map<String, serde_json::Value>>,
    /// The wait the server asked for with `Retry-After`, if any.
    pub retry_after: Option<Duration>,
    /// When the body was not a Nylas error envelope (an HTML page from a proxy, say): its
    /// first bytes, lossily decoded and bounded in length.
    pub body_snippet: Option<String>,
    /// The `Location` header of a redirect (bounded in length). Redirects are never
    /// followed: the API key and request body must not travel to another host.
    pub location: Option<String>,
}

/// The HTTP status of an [`ApiError`], sorted into the cases callers handle differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: the request was refused as invalid.
    BadRequest,
    /// 401: the API key is missing, wrong or revoked.
    Unauthorized,
    /// 403: the key may not do this.
    Forbidden,
    /// 404: no such workspace (or route).
    NotFound,
    /// 408: the server gave up waiting for the request.
    RequestTimeout,
    /// 409: a conflicting request is in flight.
    Conflict,
    /// 429: rate limited; see [`ApiError::retry_after`].
    RateLimited,
    /// Any 3xx. The client never follows redirects (the key and body would go to whatever
    /// host the `Location` names); see [`ApiError::location`]. Also used when an HTTP client
    /// given with [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) followed
    /// a redirect by itself, whatever the final status.
    Redirect,
    /// Any 5xx.
    Server,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// Classifies an HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            408 => Self::RequestTimeout,
            409 => Self::Conflict,
            429 => Self::RateLimited,
            300..=399 => Self::Redirect,
            500..=599 => Self::Server,
            _ => Self::Other,
        }
    }
}

/// A success status whose body could not be decoded.
#[derive(Debug)]
#[non_exhaustive]
pub struct UndecodableResponse {
    /// The operation, e.g. `list_workspaces`.
    pub operation: &'static str,
    /// The HTTP status (a 2xx).
    pub status: u16,
    /// The `x-request-id` header, if any (the body could not be read for one).
    pub request_id: Option<String>,
    /// What was wrong, in words.
    pub reason: String,
    /// The first bytes of the body, lossily decoded, at most [`SNIPPET_LIMIT`] bytes.
    pub snippet: String,
    /// The JSON error, when the body was JSON-ish but did not fit.
    pub source: Option<serde_json::Error>,
}

/// How many bytes of an unexpected body are kept in errors: enough to recognise an HTML error
/// page or a truncated document, small enough to log.
pub const SNIPPET_LIMIT: usize = 512;

/// The longest request URL the client sends (8 KiB, what common servers and proxies accept).
/// A longer one fails with [`Error::InvalidRequest`] before anything is sent.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// The documented API rules this crate checks before sending anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A workspace id in a path must not be empty, whitespace only, `.` or `..` (URL parsers
    /// would collapse those into another route), nor contain control characters.
    WorkspaceIdInvalid,
    /// A workspace name must not be empty.
    NameRequired,
    /// A domain, when given, must not be empty.
    DomainEmpty,
    /// `auto_group: true` needs a domain to group by.
    AutoGroupRequiresDomain,
    /// An update must change at least one field.
    EmptyUpdate,
    /// The default workspace accepts only policy and rule changes, and cannot be deleted.
    DefaultWorkspaceProtected,
    /// Policy and rule ids must not be empty strings.
    EmptyReferenceId,
    /// A manual assignment needs at least one grant id.
    NoGrantIds,
    /// Grant ids must not be empty strings.
    EmptyGrantId,
    /// Grant ids must not contain control characters (NUL, newline, escape, ...).
    GrantIdInvalid,
    /// The same grant cannot be assigned and removed in one call.
    GrantInBothLists,
    /// Manual assignment only works on a workspace whose `auto_group` is false.
    TargetAutoGroups,
    /// `after_created_at` must not be before 1970.
    TimestampBeforeEpoch,
    /// Bulk concurrency must be at least 1.
    ConcurrencyZero,
    /// A policy or rule id must exist in the application before it is attached or detached.
    UnknownReference,
    /// A policy or rule id in a path must not be empty, whitespace only, `.`/`..` or contain
    /// control characters.
    ReferenceIdInvalid,
    /// A grant listing's filters must make sense: a page size from 1 to 200, no empty email
    /// or provider, `since` not after `before`, no time before 1970, a usable workspace id.
    GrantQueryInvalid,
    /// A plan with refused changes is not applied, not even in part: the file must change
    /// first (see [`Client::apply`](crate::Client::apply)).
    PlanHasRefusals,
}

impl Rule {
    /// A stable snake_case name, used by the CLI and the Python binding.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorkspaceIdInvalid => "workspace_id_invalid",
            Self::NameRequired => "name_required",
            Self::DomainEmpty => "domain_empty",
            Self::AutoGroupRequiresDomain => "auto_group_requires_domain",
            Self::EmptyUpdate => "empty_update",
            Self::DefaultWorkspaceProtected => "default_workspace_protected",
            Self::EmptyReferenceId => "empty_reference_id",
            Self::NoGrantIds => "no_grant_ids",
            Self::EmptyGrantId => "empty_grant_id",
            Self::GrantIdInvalid => "grant_id_invalid",
            Self::GrantInBothLists => "grant_in_both_lists",
            Self::TargetAutoGroups => "target_auto_groups",
            Self::TimestampBeforeEpoch => "timestamp_before_epoch",
            Self::ConcurrencyZero => "concurrency_zero",
            Self::UnknownReference => "unknown_reference",
            Self::ReferenceIdInvalid => "reference_id_invalid",
            Self::GrantQueryInvalid => "grant_query_invalid",
            Self::PlanHasRefusals => "plan_has_refusals",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    pub(crate) fn invariant(rule: Rule, message: impl Into<String>) -> Self {
        Self::InvariantViolation {
            rule,
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
        }
    }

    /// The HTTP status, when an answer arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Undecodable(u) => Some(u.status),
            Self::Recorded(r) => r.status,
            _ => None,
        }
    }

    /// The API error details, for a non-success answer.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The request id to quote to Nylas support, when one is known.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.request_id.as_deref(),
            Self::Undecodable(u) => u.request_id.as_deref(),
            Self::Recorded(r) => r.request_id.as_deref(),
            Self::Conflict(c) => c.found.request_id.as_deref(),
            Self::LimitExceeded { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The violated rule, for an [`Error::InvariantViolation`].
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Self::InvariantViolation { rule, .. } => Some(*rule),
            _ => None,
        }
    }

    /// True for a 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True for a 429.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// True when the same request may succeed later: 408, 409, 429, 500, 502, 503, 504,
    /// timeouts and connection failures. For a partial bulk failure, true when every failure
    /// is retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => is_retryable_status(api.status),
            Self::Timeout { .. } | Self::Connection { .. } => true,
            Self::Recorded(r) => r.retryable,
            Self::BulkPartial(outcome) => {
                !outcome.failed.is_empty() && outcome.failed.iter().all(|f| f.error.is_retryable())
            }
            _ => false,
        }
    }

    /// The wait the server asked for (`Retry-After`), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// True when the request was refused before it was sent. For the rules that depend on the
    /// target ([`Rule::DefaultWorkspaceProtected`], [`Rule::AutoGroupRequiresDomain`],
    /// [`Rule::TargetAutoGroups`]) and for a journal that cannot be started
    /// ([`Error::Journal`]), a read-only lookup of the target may have been sent, but nothing
    /// that changes anything.
    pub fn nothing_sent(&self) -> bool {
        matches!(
            self,
            Self::InvariantViolation { .. }
                | Self::Config { .. }
                | Self::InvalidRequest { .. }
                | Self::Journal(_)
                | Self::PlanFile(_)
        )
    }

    /// Scrubs the client's key out of every server-supplied text in the error.
    pub(crate) fn redacted(mut self, redactor: &Redactor) -> Self {
        match &mut self {
            Self::Api(api) => {
                redactor.scrub_option(&mut api.request_id);
                redactor.scrub_option(&mut api.error_type);
                redactor.scrub_option(&mut api.message);
                redactor.scrub_option(&mut api.body_snippet);
                redactor.scrub_option(&mut api.location);
                if let Some(map) = &mut api.provider_error {
                    redactor.scrub_map(map);
                }
            }
            Self::Undecodable(u) => {
                redactor.scrub_option(&mut u.request_id);
                u.reason = redactor.scrub(&u.reason);
                u.snippet = redactor.scrub(&u.snippet);
                // serde's message can quote a value from the body; drop it rather than leak.
                if u.source
                    .as_ref()
                    .is_some_and(|e| redactor.finds_key_in(&e.to_string()))
                {
                    u.source = None;
                }
            }
            Self::LimitExceeded { request_id, .. } => redactor.scrub_option(request_id),
            _ => {}
        }
        self
    }
}

/// The statuses the crate retries by itself, and reports as retryable.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429 | 500 | 502 | 503 | 504)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(api) => fmt::Display::fmt(api, f),
            Self::InvariantViolation { rule, message } => {
                write!(f, "refused before sending ({rule}): {message}")
            }
            Self::InvalidRequest { operation, reason } => {
                write!(f, "{operation} was not sent: {reason}")
            }
            Self::LimitExceeded {
                operation,
                setting,
                limit,
                request_id,
            } => {
                let what = if *setting == "max_list_items" {
                    "the listing has more items than"
                } else {
                    "the answer is larger than"
                };
                write!(
                    f,
                    "{operation}: {what} {setting} ({limit}) allows; raise it with \
                     ClientBuilder::{setting} if that size is expected"
                )?;
                if let Some(id) = request_id {
                    write!(f, " [request_id {id}]")?;
                }
                Ok(())
            }
            Self::Timeout {
                operation,
                attempts,
                source,
            } => {
                write!(f, "{operation} timed out ({attempts} attempt(s))")?;
                write_causes(f, source)
            }
            Self::Connection {
                operation,
                attempts,
                source,
            } => {
                if source.is_connect() {
                    write!(f, "{operation} could not connect ({attempts} attempt(s))")?;
                } else {
                    write!(
                        f,
                        "{operation}: the connection failed after it was made ({attempts} attempt(s))"
                    )?;
                }
                write_causes(f, source)
            }
            Self::Undecodable(u) => write!(
                f,
                "{} got HTTP {} with a body that could not be decoded: {}; body starts with {:?}",
                u.operation, u.status, u.reason, u.snippet
            ),
            Self::BulkPartial(outcome) => write!(
                f,
                "manual assignment to {} partly failed: {} assigned, {} removed, {} failed, {} not sent",
                outcome.workspace_id,
                outcome.assigned.len(),
                outcome.removed.len(),
                outcome.failed.len(),
                outcome.not_sent.len()
            ),
            Self::Journal(journal) => fmt::Display::fmt(journal, f),
            Self::Recorded(recorded) => fmt::Display::fmt(recorded, f),
            Self::PlanFile(error) => fmt::Display::fmt(error, f),
            Self::ApplyPartial(report) => fmt::Display::fmt(report, f),
            Self::Conflict(conflict) => fmt::Display::fmt(conflict, f),
            Self::Config { message } => write!(f, "invalid client configuration: {message}"),
        }
    }
}

/// Appends `: cause: cause: ...` for a transport error and everything behind it, so front
/// ends that print only `Display` still show "connection refused" or "message head is too
/// large". These texts describe the URL and the socket, not the headers, so never the key.
fn write_causes(f: &mut fmt::Formatter<'_>, error: &reqwest::Error) -> fmt::Result {
    write!(f, ": {}", cause_chain(error))
}

/// An error and its sources as one text, `outer: inner: innermost`, each distinct text once.
pub(crate) fn cause_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(cause) = next {
        let text = cause.to_string();
        if !text.is_empty() && !seen.contains(&text) {
            seen.push(text);
        }
        next = cause.source();
    }
    seen.join(": ")
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nylas answered HTTP {}", self.status)?;
        if let Some(kind) = &self.error_type {
            write!(f, " {kind}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(location) = &self.location {
            write!(f, " (redirect to {location:?}, not followed)")?;
        }
        if let Some(snippet) = &self.body_snippet {
            write!(f, " (not a Nylas error body; it starts with {snippet:?})")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {} s)", wait.as_secs_f64())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request_id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Api(api) => Some(api.as_ref()),
            Self::Timeout { source, .. } | Self::Connection { source, .. } => Some(source),
            Self::Undecodable(u) => u
                .source
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Self::BulkPartial(outcome) => outcome
                .failed
                .first()
                .map(|f| f.error.as_ref() as &(dyn std::error::Error + 'static)),
            Self::Journal(journal) => journal
                .source
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Self::PlanFile(error) => Some(error.as_ref()),
            Self::ApplyPartial(report) => report
                .error
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Self::InvariantViolation { .. }
            | Self::Config { .. }
            | Self::InvalidRequest { .. }
            | Self::LimitExceeded { .. }
            | Self::Recorded(_)
            | Self::Conflict(_) => None,
        }
    }
}

impl From<crate::plan::PlanFileError> for Error {
    fn from(error: crate::plan::PlanFileError) -> Self {
        Self::PlanFile(Box::new(error))
    }
}

/// Shared so one chunk's error can be attached to each of its grant ids without copying.
pub type SharedError = Arc<Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_statuses_are_exactly_the_documented_set() {
        let retryable: Vec<u16> = (100..600).filter(|s| is_retryable_status(*s)).collect();
        assert_eq!(retryable, vec![408, 409, 429, 500, 502, 503, 504]);
    }

    #[test]
    fn kinds_follow_the_status() {
        assert_eq!(ApiErrorKind::from_status(404), ApiErrorKind::NotFound);
        assert_eq!(ApiErrorKind::from_status(503), ApiErrorKind::Server);
        assert_eq!(ApiErrorKind::from_status(418), ApiErrorKind::Other);
        for redirect in [300, 301, 302, 307, 308, 399] {
            assert_eq!(ApiErrorKind::from_status(redirect), ApiErrorKind::Redirect);
        }
    }
}
