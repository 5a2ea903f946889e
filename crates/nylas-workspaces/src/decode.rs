//! Everything that turns an answer into a value or an error, in both directions: a 2xx body
//! into model values (one function per response shape), and a non-2xx status, headers and
//! body into an [`Error`] (the Nylas envelope, or a snippet of whatever else came, the
//! `Retry-After` wait, the `Location` of a redirect), with the client's key scrubbed from
//! every server-supplied text.
//!
//! The transport only moves bytes and hands them here, so the property tests can feed
//! arbitrary bytes through exactly the code the client runs (see `decode_for_tests`).

use std::time::SystemTime;

use nylas_workspaces_api::types;
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiErrorKind, Error, Result, SNIPPET_LIMIT, UndecodableResponse};
use crate::model::{AutoGroupJob, Workspace};
use crate::resources::{Application, Grant, Policy, Rule};
use crate::retry::parse_retry_after;
use crate::secret::Redactor;

/// A successful (2xx) answer, body fully read.
#[derive(Debug)]
pub(crate) struct Reply {
    pub operation: &'static str,
    pub status: u16,
    /// The `x-request-id` header, with the key scrubbed out (a server may echo anything).
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
            .or_else(|| body_request_id(&self.body).map(|id| self.redactor.scrub(&id)))
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

/// One page of the list: its workspaces and the cursor of the next page, if any.
pub(crate) fn workspace_page(reply: &Reply) -> Result<(Vec<Workspace>, Option<String>)> {
    let page: types::WorkspaceListResponse = reply.decode()?;
    let request_id = answer_request_id(reply, page.request_id);
    let workspaces = page
        .data
        .into_iter()
        .map(|wire| workspace_from_wire(reply, wire, request_id.clone()))
        .collect::<Result<Vec<_>>>()?;
    Ok((workspaces, page.next_cursor.filter(|c| !c.is_empty())))
}

/// The workspace in a `{request_id, data}` answer.
pub(crate) fn single_workspace(reply: &Reply) -> Result<Workspace> {
    let response: types::WorkspaceResponse = reply.decode()?;
    let Some(wire) = response.data else {
        return Err(reply.undecodable("the answer has no `data`".into(), None));
    };
    let request_id = answer_request_id(reply, response.request_id);
    workspace_from_wire(reply, wire, request_id)
}

fn workspace_from_wire(
    reply: &Reply,
    wire: types::Workspace,
    request_id: Option<String>,
) -> Result<Workspace> {
    Workspace::from_wire(wire, request_id)
        .ok_or_else(|| reply.undecodable("a workspace has no `workspace_id`".into(), None))
}

/// The request id a result carries: the body's `request_id` when it has a usable one, else
/// the `x-request-id` header's; either way without the key, should the server echo it.
pub(crate) fn answer_request_id(reply: &Reply, body_id: Option<String>) -> Option<String> {
    body_id
        .filter(|id| !id.is_empty())
        .map(|id| reply.redactor.scrub(&id))
        .or_else(|| reply.header_request_id.clone())
}

/// One page of the grant listing: its grants, in the order sent.
pub(crate) fn grant_page(reply: &Reply) -> Result<Vec<Grant>> {
    let page: types::GrantListResponse = reply.decode()?;
    let request_id = answer_request_id(reply, page.request_id);
    items(reply, page.data, request_id, "grant", Grant::from_wire)
}

/// The grant in a `{request_id, data}` answer.
pub(crate) fn single_grant(reply: &Reply) -> Result<Grant> {
    let response: types::GrantResponse = reply.decode()?;
    let request_id = answer_request_id(reply, response.request_id);
    single(reply, response.data, request_id, "grant", Grant::from_wire)
}

/// The application in a `{request_id, data}` answer.
pub(crate) fn application(reply: &Reply) -> Result<Application> {
    let response: types::ApplicationResponse = reply.decode()?;
    let request_id = answer_request_id(reply, response.request_id);
    single(
        reply,
        response.data,
        request_id,
        "application",
        |wire, id| Some(Application::from_wire(wire, id)),
    )
}

/// One page of the policy listing and the cursor of the next, if any.
pub(crate) fn policy_page(reply: &Reply) -> Result<(Vec<Policy>, Option<String>)> {
    let page: types::PolicyListResponse = reply.decode()?;
    let request_id = answer_request_id(reply, page.request_id);
    let policies = items(reply, page.data, request_id, "policy", Policy::from_wire)?;
    Ok((policies, page.next_cursor.filter(|c| !c.is_empty())))
}

/// The policy in a `{request_id, data}` answer.
pub(crate) fn single_policy(reply: &Reply) -> Result<Policy> {
    let response: types::PolicyResponse = reply.decode()?;
    let request_id = answer_request_id(reply, response.request_id);
    single(
        reply,
        response.data,
        request_id,
        "policy",
        Policy::from_wire,
    )
}

/// One page of the rule listing and the cursor of the next. Both envelopes are accepted:
/// the documented `{data: [...], next_cursor}` and the nested `{data: {items, next_cursor}}`
/// that the live API has been seen to send.
pub(crate) fn rule_page(reply: &Reply) -> Result<(Vec<Rule>, Option<String>)> {
    let page: types::RuleListResponse = reply.decode()?;
    let request_id = answer_request_id(reply, page.request_id);
    let (wires, cursor) = match page.data {
        None => (Vec::new(), page.next_cursor),
        Some(types::RuleListResponseData::List(list)) => (list.0, page.next_cursor),
        Some(types::RuleListResponseData::Page(inner)) => {
            (inner.items, inner.next_cursor.or(page.next_cursor))
        }
    };
    let rules = items(reply, wires, request_id, "rule", Rule::from_wire)?;
    Ok((rules, cursor.filter(|c| !c.is_empty())))
}

/// The rule in a `{request_id, data}` answer.
pub(crate) fn single_rule(reply: &Reply) -> Result<Rule> {
    let response: types::RuleResponse = reply.decode()?;
    let request_id = answer_request_id(reply, response.request_id);
    single(reply, response.data, request_id, "rule", Rule::from_wire)
}

/// A page's wire items converted by `from_wire`, each carrying the page's request id; an item
/// that `from_wire` refuses (no id) makes the page undecodable.
fn items<W, T>(
    reply: &Reply,
    wires: Vec<W>,
    request_id: Option<String>,
    noun: &str,
    from_wire: fn(W, Option<String>) -> Option<T>,
) -> Result<Vec<T>> {
    wires
        .into_iter()
        .map(|wire| {
            from_wire(wire, request_id.clone())
                .ok_or_else(|| reply.undecodable(format!("a {noun} has no `id`"), None))
        })
        .collect()
}

/// The `data` of a `{request_id, data}` answer converted by `from_wire`.
fn single<W, T>(
    reply: &Reply,
    data: Option<W>,
    request_id: Option<String>,
    noun: &str,
    from_wire: impl FnOnce(W, Option<String>) -> Option<T>,
) -> Result<T> {
    let wire = data.ok_or_else(|| reply.undecodable("the answer has no `data`".into(), None))?;
    from_wire(wire, request_id)
        .ok_or_else(|| reply.undecodable(format!("the {noun} has no `id`"), None))
}

/// The request id of a delete. An empty body is accepted (the id then comes from the
/// `x-request-id` header, or is empty).
pub(crate) fn deleted(reply: &Reply) -> Result<String> {
    let body: types::DeleteWorkspaceResponse = if reply.body.iter().all(u8::is_ascii_whitespace) {
        types::DeleteWorkspaceResponse::default()
    } else {
        reply.decode()?
    };
    Ok(answer_request_id(reply, body.request_id).unwrap_or_default())
}

/// The started job of an auto-group call.
pub(crate) fn auto_group_job(reply: &Reply) -> Result<AutoGroupJob> {
    let response: types::AutoGroupResponse = reply.decode()?;
    let Some(job) = response.data else {
        return Err(reply.undecodable("the answer has no `data`".into(), None));
    };
    Ok(AutoGroupJob {
        job_id: job.job_id.unwrap_or_default(),
        message: job.message.unwrap_or_default(),
        request_id: answer_request_id(reply, response.request_id),
    })
}

/// One manual-assign answer, with the header request id filled in when the body has none.
pub(crate) fn manual_assign(reply: &Reply) -> Result<types::ManualAssignResponse> {
    let mut response: types::ManualAssignResponse = reply.decode()?;
    response.request_id = answer_request_id(reply, response.request_id.take());
    Ok(response)
}

/// The error for an answer that came from another URL than the one sent: the caller's HTTP
/// client followed a redirect.
pub(crate) fn followed_redirect(
    status: StatusCode,
    final_url: &Url,
    headers: &HeaderMap,
    redactor: &Redactor,
) -> Error {
    Error::Api(Box::new(ApiError {
        status: status.as_u16(),
        kind: ApiErrorKind::Redirect,
        request_id: header_request_id(headers),
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
    .redacted(redactor)
}

/// Builds the typed error for a non-success answer, from the Nylas envelope when the body is
/// one, and from the status and a snippet when it is not.
pub(crate) fn error_answer(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    redactor: &Redactor,
) -> Error {
    let retry_after = header_str(headers, RETRY_AFTER.as_str())
        .and_then(|v| parse_retry_after(&v, SystemTime::now()));
    let envelope = parse_envelope(body);
    let mut api = ApiError {
        status: status.as_u16(),
        kind: ApiErrorKind::from_status(status.as_u16()),
        request_id: header_request_id(headers),
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

/// The `x-request-id` header of an answer, if it has a usable one.
pub(crate) fn header_request_id(headers: &HeaderMap) -> Option<String> {
    header_str(headers, "x-request-id")
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

/// The error for an arbitrary non-success body, without headers (tests and property tests).
#[cfg(any(test, feature = "test-util"))]
pub(crate) fn error_body_for_tests(status: u16, body: &[u8]) -> Error {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    error_answer(status, &HeaderMap::new(), body, &Redactor::none())
}

/// Runs every decoder on `body` as if it had arrived with `status`: a non-2xx status goes
/// through the error decoder, a 2xx through each operation's decoder. Returns the errors
/// produced (successes are dropped). For property tests: must never panic.
#[cfg(feature = "test-util")]
#[doc(hidden)]
pub fn decode_for_tests(status: u16, body: &[u8]) -> Vec<Error> {
    if !(200..300).contains(&status) {
        return vec![error_body_for_tests(status, body)];
    }
    let reply = Reply {
        operation: "decode_for_tests",
        status,
        header_request_id: None,
        body: body.to_vec(),
        redactor: Redactor::none(),
    };
    let mut errors = Vec::new();
    errors.extend(workspace_page(&reply).err());
    errors.extend(single_workspace(&reply).err());
    errors.extend(deleted(&reply).err());
    errors.extend(auto_group_job(&reply).err());
    errors.extend(manual_assign(&reply).err());
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_fields_are_extracted() {
        let body = br#"{"request_id":"r1","error":{"type":"not_found_error","message":"gone","provider_error":{"x":1}}}"#;
        let Error::Api(api) = error_body_for_tests(404, body) else {
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
        let Error::Api(api) = error_body_for_tests(502, page.as_bytes()) else {
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
