//! The read-side endpoints as axum handlers: `GET /v3/grants`, `/v3/grants/{grant_id}`,
//! `/v3/applications`, `/v3/policies`, `/v3/policies/{policy_id}`, `/v3/rules` and
//! `/v3/rules/{rule_id}`.
//!
//! They only parse, lock, call `read_side` and render, like the workspace handlers in `api`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use crate::api::{RequestId, error_response, json_response};
use crate::api_error::ApiError;
use crate::read_side::{CursorPage, GrantQuery};
use crate::shared::Shared;

type Ctx = (State<Arc<Shared>>, Extension<RequestId>);
type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The read-side routes, merged into the API router.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v3/grants", get(list_grants))
        .route("/v3/grants/{grant_id}", get(fetch_grant))
        .route("/v3/applications", get(application))
        .route("/v3/policies", get(list_policies))
        .route("/v3/policies/{policy_id}", get(fetch_policy))
        .route("/v3/rules", get(list_rules))
        .route("/v3/rules/{rule_id}", get(fetch_rule))
}

fn render(request_id: &str, result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(body) => json_response(axum::http::StatusCode::OK, request_id, &body),
        Err(error) => error_response(request_id, &error),
    }
}

fn params(query: Params) -> Result<HashMap<String, String>, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ApiError::bad_request(format!("cannot read the query: {e}")))
}

fn id(param: Result<Path<String>, PathRejection>, what: &str) -> Result<String, ApiError> {
    param
        .map(|Path(id)| id)
        .map_err(|e| ApiError::not_found(format!("cannot read the {what} in the path: {e}")))
}

fn one(request_id: &str, data: Value) -> Value {
    json!({"request_id": request_id, "data": data})
}

async fn list_grants((State(shared), Extension(RequestId(rid))): Ctx, query: Params) -> Response {
    let result = params(query).and_then(|q| {
        let query = GrantQuery::parse(&q)?;
        let inner = shared.lock();
        let page = inner
            .state
            .list_grants(&query, inner.clock.now_secs(), &inner.quirks);
        Ok(json!({
            "request_id": rid,
            "data": page.grants,
            "limit": page.limit,
            "offset": page.offset,
        }))
    });
    render(&rid, result)
}

async fn fetch_grant(
    (State(shared), Extension(RequestId(rid))): Ctx,
    grant: Result<Path<String>, PathRejection>,
) -> Response {
    let result = id(grant, "grant").and_then(|id| {
        let inner = shared.lock();
        Ok(one(&rid, inner.state.get_grant(&id, &inner.quirks)?))
    });
    render(&rid, result)
}

async fn application((State(shared), Extension(RequestId(rid))): Ctx) -> Response {
    let data = shared.lock().state.application_json();
    render(&rid, Ok(one(&rid, data)))
}

fn cursor_body(request_id: &str, page: CursorPage, nested: bool) -> Value {
    let mut body = if nested {
        json!({"request_id": request_id, "data": {"items": page.items}})
    } else {
        json!({"request_id": request_id, "data": page.items})
    };
    if let Some(cursor) = page.next_cursor {
        let holder = if nested { &mut body["data"] } else { &mut body };
        holder["next_cursor"] = Value::String(cursor);
    }
    body
}

async fn list_policies((State(shared), Extension(RequestId(rid))): Ctx, query: Params) -> Response {
    let result = params(query).and_then(|q| {
        let inner = shared.lock();
        let page = inner.state.list_policies(&q, &inner.quirks)?;
        Ok(cursor_body(&rid, page, false))
    });
    render(&rid, result)
}

async fn fetch_policy(
    (State(shared), Extension(RequestId(rid))): Ctx,
    policy: Result<Path<String>, PathRejection>,
) -> Response {
    let result =
        id(policy, "policy").and_then(|id| Ok(one(&rid, shared.lock().state.get_policy(&id)?)));
    render(&rid, result)
}

async fn list_rules((State(shared), Extension(RequestId(rid))): Ctx, query: Params) -> Response {
    let result = params(query).and_then(|q| {
        let inner = shared.lock();
        let page = inner.state.list_rules(&q, &inner.quirks)?;
        Ok(cursor_body(&rid, page, inner.quirks.nested_rules_envelope))
    });
    render(&rid, result)
}

async fn fetch_rule(
    (State(shared), Extension(RequestId(rid))): Ctx,
    rule: Result<Path<String>, PathRejection>,
) -> Response {
    let result = id(rule, "rule").and_then(|id| Ok(one(&rid, shared.lock().state.get_rule(&id)?)));
    render(&rid, result)
}
