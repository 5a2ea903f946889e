//! Admin routes under `/_emulator/...`: seeding, inspection, faults and the clock over HTTP,
//! for the standalone binary. They need no API key, are never faulted or rate limited, and
//! answer plain JSON (errors as `{"error": "..."}`: 400 for a bad value, 404, 405, 413; 401,
//! 403 and 415 from the checks in `checks` that keep web pages and other hosts out).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::json_response;
use crate::catalog::{NewPolicy, NewRule};
use crate::config::MAX_LATENCY;
use crate::faults::{Fault, FaultRates, Operation};
use crate::model::NewGrant;
use crate::quirks::Quirks;
use crate::rate_limit::{RateLimit, TokenBucket};
use crate::seed::{NewWorkspace, Seed};
use crate::shared::{self, Shared};
use crate::wire;

pub(crate) const PREFIX: &str = "/_emulator";

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let routes = Router::new()
        .route("/health", get(|| async { ok(json!({"status": "ok"})) }))
        .route("/state", get(state))
        .route("/seed", post(seed))
        .route("/grants", get(grants).post(add_grant))
        .route("/grants/{grant_id}", get(grant))
        .route("/workspaces", post(add_workspace))
        .route("/policies", get(policies).post(add_policy))
        .route("/rules", get(rules).post(add_rule))
        .route("/faults", put(set_faults).delete(clear_faults))
        .route("/faults/next", post(fail_next))
        .route("/rate-limit", put(set_rate_limit).delete(clear_rate_limit))
        .route("/clock", get(clock).put(set_clock))
        .route("/clock/advance", post(advance_clock))
        .route("/calls", get(calls))
        .route("/quirks", get(quirks).put(set_quirks))
        .fallback(|| async { fail(StatusCode::NOT_FOUND, "no such admin route") })
        .method_not_allowed_fallback(|| async {
            fail(
                StatusCode::METHOD_NOT_ALLOWED,
                "this admin route does not support that HTTP method",
            )
        })
        .with_state(shared);
    Router::new().nest(PREFIX, routes)
}

type Reply = Result<Value, (StatusCode, String)>;

fn ok(body: Value) -> Response {
    json_response(StatusCode::OK, "", &body)
}

/// Whether a path belongs to the admin routes rather than the emulated API.
pub(crate) fn is_admin_path(path: &str) -> bool {
    path.strip_prefix(PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// An admin error: `{"error": message}` with this status.
pub(crate) fn fail(status: StatusCode, message: impl std::fmt::Display) -> Response {
    json_response(status, "", &json!({"error": message.to_string()}))
}

fn respond(reply: Reply) -> Response {
    match reply {
        Ok(body) => ok(body),
        Err((status, message)) => fail(status, message),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, (StatusCode, String)> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("invalid body: {e}")))
}

fn bad(e: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, e.to_string())
}

async fn state(State(shared): State<Arc<Shared>>) -> Response {
    let inner = shared.lock();
    let s = &inner.state;
    ok(json!({
        "application_id": s.application_id,
        "default_workspace_id": s.default_workspace_id(),
        "workspaces": s.workspaces().iter().map(|w| wire::workspace_json(w, &s.application_id)).collect::<Vec<_>>(),
        "grants": s.grants(),
        "policies": s.policies(),
        "rules": s.rules(),
    }))
}

async fn seed(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let seed: Seed = parse(&body)?;
        if seed.application_id.is_some() || seed.default_workspace.is_some() {
            return Err(bad(
                "application_id and default_workspace can only be seeded at start",
            ));
        }
        let mut inner = shared.lock();
        let now = inner.clock.now_secs();
        shared::apply_seed(&mut inner.state, seed, now).map_err(bad)?;
        Ok(json!({}))
    })())
}

async fn grants(State(shared): State<Arc<Shared>>) -> Response {
    ok(json!(shared.lock().state.grants()))
}

async fn grant(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let id = match id {
        Ok(Path(id)) => id,
        Err(e) => {
            return fail(
                StatusCode::BAD_REQUEST,
                format!("cannot read the grant ID: {e}"),
            );
        }
    };
    match shared.lock().state.grant(&id) {
        Some(grant) => ok(json!(grant)),
        None => fail(StatusCode::NOT_FOUND, format!("no grant '{id}'")),
    }
}

async fn add_grant(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let grant: NewGrant = parse(&body)?;
        let mut inner = shared.lock();
        let now = inner.clock.now_secs();
        let id = inner.state.add_grant(grant, now).map_err(bad)?;
        Ok(json!({"grant_id": id}))
    })())
}

async fn add_workspace(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let workspace: NewWorkspace = parse(&body)?;
        let mut inner = shared.lock();
        let now = inner.clock.now_secs();
        let id = shared::add_workspace(&mut inner.state, workspace, now).map_err(bad)?;
        Ok(json!({"workspace_id": id}))
    })())
}

async fn policies(State(shared): State<Arc<Shared>>) -> Response {
    ok(json!(shared.lock().state.policies()))
}

async fn add_policy(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let policy: NewPolicy = parse(&body)?;
        let mut inner = shared.lock();
        let now = inner.clock.now_secs();
        let id = inner.state.add_policy(policy, now).map_err(bad)?;
        Ok(json!({"policy_id": id}))
    })())
}

async fn rules(State(shared): State<Arc<Shared>>) -> Response {
    ok(json!(shared.lock().state.rules()))
}

async fn add_rule(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let rule: NewRule = parse(&body)?;
        let mut inner = shared.lock();
        let now = inner.clock.now_secs();
        let id = inner.state.add_rule(rule, now).map_err(bad)?;
        Ok(json!({"rule_id": id}))
    })())
}

/// The body of `PUT /_emulator/faults`; omitted fields keep their value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultSettings {
    #[serde(default)]
    latency_ms: Option<u64>,
    #[serde(default)]
    rates: Option<FaultRates>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    retry_after_secs: Option<u64>,
}

async fn set_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let settings: FaultSettings = parse(&body)?;
        let mut inner = shared.lock();
        if let Some(rates) = settings.rates {
            inner.faults.set_rates(rates).map_err(bad)?;
        }
        if let Some(seed) = settings.seed {
            inner.faults.reseed(seed);
        }
        if let Some(ms) = settings.latency_ms {
            let latency = Duration::from_millis(ms);
            if latency > MAX_LATENCY {
                return Err(bad(format!(
                    "latency_ms must be at most {}, not {ms}",
                    MAX_LATENCY.as_millis()
                )));
            }
            inner.latency = latency;
        }
        if let Some(secs) = settings.retry_after_secs {
            inner.retry_after_secs = secs;
        }
        Ok(json!({}))
    })())
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    let mut inner = shared.lock();
    inner.faults.clear();
    inner.latency = Duration::ZERO;
    ok(json!({}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailNext {
    /// An operationId; every operation when absent.
    #[serde(default)]
    operation: Option<Operation>,
    count: u32,
    fault: Fault,
    /// Strike after the request was handled (the change is made, the answer lost).
    #[serde(default)]
    after_handling: bool,
}

async fn fail_next(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let FailNext {
            operation,
            count,
            fault,
            after_handling,
        } = parse(&body)?;
        shared
            .lock()
            .faults
            .fail_next(operation, count, fault, after_handling);
        Ok(json!({}))
    })())
}

async fn set_rate_limit(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let limit: RateLimit = parse(&body)?;
        limit.validate().map_err(bad)?;
        let mut inner = shared.lock();
        let now = inner.clock.now_ms();
        inner.limiter = Some(TokenBucket::new(limit, now));
        Ok(json!({}))
    })())
}

async fn clear_rate_limit(State(shared): State<Arc<Shared>>) -> Response {
    shared.lock().limiter = None;
    ok(json!({}))
}

async fn clock(State(shared): State<Arc<Shared>>) -> Response {
    let inner = shared.lock();
    ok(json!({"now": inner.clock.now_secs(), "now_ms": inner.clock.now_ms()}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    now: i64,
}

async fn set_clock(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let SetClock { now } = parse(&body)?;
        if !crate::clock::in_range(now) {
            return Err(bad(format!(
                "now must be a Unix time between years 1 and 9999 ({} to {}), not {now}",
                crate::clock::MIN_SECS,
                crate::clock::MAX_SECS
            )));
        }
        shared.lock().clock = crate::clock::Clock::manual(now);
        Ok(json!({"now": now}))
    })())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: f64,
}

async fn advance_clock(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let Advance { seconds } = parse(&body)?;
        let by = Duration::try_from_secs_f64(seconds).map_err(|_| {
            bad(format!(
                "seconds must be a finite number of at least 0, not {seconds}"
            ))
        })?;
        let mut inner = shared.lock();
        if inner.clock.secs_after(by).is_none() {
            return Err(bad(format!(
                "advancing by {seconds} seconds would move the clock past the year 9999"
            )));
        }
        inner.clock.advance(by);
        Ok(json!({"now": inner.clock.now_secs()}))
    })())
}

async fn calls(State(shared): State<Arc<Shared>>) -> Response {
    let inner = shared.lock();
    let counts: BTreeMap<&str, u64> = Operation::ALL
        .iter()
        .map(|op| (op.operation_id(), inner.calls[op.index()]))
        .collect();
    ok(json!(counts))
}

async fn quirks(State(shared): State<Arc<Shared>>) -> Response {
    ok(json!(shared.lock().quirks))
}

/// `PUT /_emulator/quirks`: the whole set of quirks (omitted ones are switched off).
async fn set_quirks(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    respond((|| {
        let quirks: Quirks = parse(&body)?;
        if let Some(problem) = quirks.problem() {
            return Err(bad(problem));
        }
        shared.lock().quirks = quirks;
        Ok(json!(quirks))
    })())
}
