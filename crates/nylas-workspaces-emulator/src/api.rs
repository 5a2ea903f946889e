//! The seven endpoints of the Workspaces API, as axum handlers (the read-side endpoints
//! around them are in `api_read`).
//!
//! Handlers only decode, lock, call the rule in `state`, and render; authentication, latency
//! and injected faults are handled before a request gets here (see `server`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use axum::routing::{any, get, post};
use nylas_workspaces_api::types;
use serde_json::Value;

use crate::api_error::ApiError;
use crate::faults::Operation;
use crate::patch::WorkspacePatch;
use crate::shared::Shared;
use crate::wire;

/// The ID given to the request being handled; it appears in the body and as `x-request-id`.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub(crate) String);

type Ctx = (State<Arc<Shared>>, Extension<RequestId>);

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v3/workspaces", get(list).post(create))
        // `auto-group` is a fixed path; other methods on it address a workspace whose ID is
        // "auto-group", which cannot exist.
        .route("/v3/workspaces/auto-group", any(auto_group_path))
        .route(
            "/v3/workspaces/{workspace_id}",
            get(fetch).patch(update).delete(remove),
        )
        .route(
            "/v3/workspaces/{workspace_id}/manual-assign",
            post(manual_assign),
        )
        .merge(crate::api_read::routes())
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .with_state(shared)
}

/// The fixed `auto-group` path: POST starts a job; GET, PATCH and DELETE address a workspace
/// whose ID would be "auto-group", which cannot exist; other methods are not allowed, and
/// only POST is advertised in `Allow` (as the spec lists it).
async fn auto_group_path(ctx: Ctx, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let rid = (ctx.1).0.0.clone();
    match method {
        Method::POST => auto_group(ctx, headers, body).await,
        Method::GET | Method::PATCH | Method::DELETE => error_response(
            &rid,
            &ApiError::not_found("no workspace matches 'auto-group'"),
        ),
        _ => {
            let mut response = error_response(&rid, &ApiError::method_not_allowed());
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            response
        }
    }
}

async fn unknown_path(Extension(RequestId(rid)): Extension<RequestId>) -> Response {
    error_response(&rid, &ApiError::not_found("no such endpoint"))
}

async fn wrong_method(Extension(RequestId(rid)): Extension<RequestId>) -> Response {
    error_response(&rid, &ApiError::method_not_allowed())
}

/// Renders a JSON body with the request's ID in the `x-request-id` header.
pub(crate) fn json_response(status: StatusCode, request_id: &str, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(value) = HeaderValue::from_str(request_id)
        && !request_id.is_empty()
    {
        headers.insert("x-request-id", value);
    }
    response
}

/// Renders an error envelope, with `Retry-After` for 429s.
pub(crate) fn error_response(request_id: &str, error: &ApiError) -> Response {
    let mut response = json_response(
        error.status,
        request_id,
        &wire::error_body(request_id, error),
    );
    if let Some(secs) = error.retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

fn render(request_id: &str, result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(body) => json_response(StatusCode::OK, request_id, &body),
        Err(error) => error_response(request_id, &error),
    }
}

fn path_param(param: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    param
        .map(|Path(id)| id)
        .map_err(|e| ApiError::not_found(format!("cannot read the workspace in the path: {e}")))
}

fn decode<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_payload(format!("{what} needs a JSON body")));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_payload(format!("invalid {what} body: {e}")))
}

/// The `Idempotency-Key` of a POST, checked against the 256-character limit.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::bad_request("Idempotency-Key must be visible ASCII"))?;
    if key.is_empty() || key.chars().count() > 256 {
        return Err(ApiError::bad_request(
            "Idempotency-Key must hold between 1 and 256 characters",
        ));
    }
    Ok(Some(key.to_owned()))
}

/// The stored answer for a retried POST with the same `Idempotency-Key` and body; a reused
/// key with a different body is refused rather than answered with another request's result.
/// Runs a POST at most once per `Idempotency-Key`: a repeat with the same body gets the first
/// answer back, and a key's answer is remembered only when the operation succeeded.
fn once_per_key(
    inner: &mut crate::shared::Inner,
    operation: Operation,
    key: Option<String>,
    body: &[u8],
    perform: impl FnOnce(&mut crate::shared::Inner) -> Result<Value, ApiError>,
) -> Result<Value, ApiError> {
    if let Some(reply) = replay(inner, operation, key.as_deref(), body)? {
        return Ok(reply);
    }
    let reply = perform(inner)?;
    if let Some(key) = key {
        inner
            .idempotent_replies
            .insert(operation, key, body, reply.clone());
    }
    Ok(reply)
}

fn replay(
    inner: &crate::shared::Inner,
    operation: Operation,
    key: Option<&str>,
    body: &[u8],
) -> Result<Option<Value>, ApiError> {
    let Some(key) = key else {
        return Ok(None);
    };
    match inner.idempotent_replies.get(operation, key) {
        None => Ok(None),
        // A create whose workspace has since been deleted is not replayed: the key has
        // nothing left to protect, and replaying would hand out an ID that no longer exists.
        Some((_, reply))
            if operation == Operation::CreateWorkspace && !still_exists(inner, reply) =>
        {
            Ok(None)
        }
        Some((sent, reply)) if sent.as_slice() == body => Ok(Some(reply.clone())),
        Some(_) => Err(ApiError::bad_idempotency_key(
            "this Idempotency-Key was already used with a different body",
        )),
    }
}

fn still_exists(inner: &crate::shared::Inner, reply: &Value) -> bool {
    reply["data"]["workspace_id"]
        .as_str()
        .is_some_and(|id| inner.state.workspace(id).is_some())
}

async fn list(
    (State(shared), Extension(RequestId(rid))): Ctx,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = (|| {
        let query = query.map(|Query(q)| q).unwrap_or_default();
        let limit = match query.get("limit") {
            None => None,
            // The spec types `limit` as a 32-bit integer of at least 1.
            Some(raw) => match raw.parse::<i32>() {
                Ok(n) if n >= 1 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "limit must be a whole number of at least 1, not '{raw}'"
                    )));
                }
            },
        };
        let offset = match query.get("page_token").filter(|t| !t.is_empty()) {
            None => 0,
            Some(token) => token
                .parse::<usize>()
                .map_err(|_| ApiError::bad_request(format!("unknown page_token '{token}'")))?,
        };
        let inner = shared.lock();
        let limit = limit.or(inner.list_page_size);
        let state = &inner.state;
        let all = state.workspaces();
        let end = limit.map_or(all.len(), |n| offset.saturating_add(n).min(all.len()));
        let page = all
            .get(offset.min(all.len())..end)
            .unwrap_or_default()
            .iter()
            .map(|w| wire::workspace_json(w, &state.application_id))
            .collect();
        let next = (end < all.len()).then(|| end.to_string());
        Ok(wire::list_body(&rid, page, next))
    })();
    render(&rid, result)
}

async fn create(
    (State(shared), Extension(RequestId(rid))): Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = (|| {
        let key = idempotency_key(&headers)?;
        let raw: Value = decode(&body, "create-workspace")?;
        if let Some(object) = raw.as_object() {
            // Only `domain` may be null; a null anywhere else is a malformed body, not "unset".
            for key in ["name", "auto_group", "policy_id", "rule_ids"] {
                if object.get(key).is_some_and(Value::is_null) {
                    return Err(ApiError::bad_payload(format!("{key} cannot be null")));
                }
            }
        }
        let request: types::CreateWorkspaceRequest = serde_json::from_value(raw)
            .map_err(|e| ApiError::bad_payload(format!("invalid create-workspace body: {e}")))?;
        let mut inner = shared.lock();
        once_per_key(
            &mut inner,
            Operation::CreateWorkspace,
            key,
            &body,
            |inner| {
                let now = inner.clock.now_secs();
                let state = &mut inner.state;
                let workspace = state.create_workspace(request, now)?;
                let data = wire::workspace_json(&workspace, &state.application_id);
                Ok(wire::workspace_body(&rid, data))
            },
        )
    })();
    render(&rid, result)
}

async fn fetch(
    (State(shared), Extension(RequestId(rid))): Ctx,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let result = path_param(id).and_then(|id| {
        let inner = shared.lock();
        let state = &inner.state;
        let workspace = state.get_workspace(&id)?;
        Ok(wire::workspace_body(
            &rid,
            wire::workspace_json(workspace, &state.application_id),
        ))
    });
    render(&rid, result)
}

async fn update(
    (State(shared), Extension(RequestId(rid))): Ctx,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let result = path_param(id).and_then(|id| {
        let patch = WorkspacePatch::from_body(&body)?;
        let mut inner = shared.lock();
        let now = inner.clock.now_secs();
        let state = &mut inner.state;
        let workspace = state.update_workspace(&id, patch, now)?;
        let data = wire::workspace_json(&workspace, &state.application_id);
        Ok(wire::workspace_body(&rid, data))
    });
    render(&rid, result)
}

async fn remove(
    (State(shared), Extension(RequestId(rid))): Ctx,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let result = path_param(id).and_then(|id| {
        shared.lock().state.delete_workspace(&id)?;
        Ok(wire::delete_body(&rid))
    });
    render(&rid, result)
}

async fn auto_group(
    (State(shared), Extension(RequestId(rid))): Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = (|| {
        let key = idempotency_key(&headers)?;
        // The body is optional in Nylas's reference: no body means no filters.
        let filters: types::AutoGroupRequest = if body.iter().all(u8::is_ascii_whitespace) {
            types::AutoGroupRequest::default()
        } else {
            decode(&body, "auto-group")?
        };
        let mut inner = shared.lock();
        once_per_key(&mut inner, Operation::AutoGroup, key, &body, |inner| {
            let now_ms = inner.clock.now_ms();
            let job = inner.state.auto_group(filters, now_ms)?;
            Ok(wire::auto_group_body(&rid, job))
        })
    })();
    render(&rid, result)
}

async fn manual_assign(
    (State(shared), Extension(RequestId(rid))): Ctx,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let result = path_param(id).and_then(|id| {
        let request: types::ManualAssignRequest = decode(&body, "manual-assign")?;
        let mut inner = shared.lock();
        let state = &mut inner.state;
        let assignment = state.manual_assign(&id, request)?;
        Ok(wire::manual_assign_body(
            &rid,
            &state.application_id,
            assignment,
        ))
    });
    render(&rid, result)
}
