//! The state behind one emulator, shared by its server thread and its Rust handle.
//!
//! One `std::sync::Mutex` guards everything: requests are short and never hold the lock
//! across an `await`, and sync callers (tests, the Python binding) can seed and inspect
//! without a runtime.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::clock::Clock;
use crate::config::EmulatorConfig;
use crate::error::EmulatorError;
use crate::faults::{Fault, FaultPlan, Operation};
use crate::idempotency::IdempotencyStore;
use crate::quirks::Quirks;
use crate::rate_limit::TokenBucket;
use crate::rng::SplitMix64;
use crate::seed::{NewWorkspace, Seed};
use crate::state::State;

pub(crate) struct Shared {
    inner: Mutex<Inner>,
    api_key: String,
    /// The secret the admin routes require, when one was given.
    admin_token: Option<String>,
    /// How long a client has to send a request's headers, and then its body.
    pub(crate) read_timeout: Duration,
}

pub(crate) struct Inner {
    pub(crate) state: State,
    pub(crate) clock: Clock,
    pub(crate) faults: FaultPlan,
    pub(crate) latency: Duration,
    pub(crate) retry_after_secs: u64,
    pub(crate) limiter: Option<TokenBucket>,
    /// Page size of the workspace list when the caller sends no `limit`.
    pub(crate) list_page_size: Option<usize>,
    /// The live quirks of the read-side listings that are switched on.
    pub(crate) quirks: Quirks,
    /// Requests that reached each operation (after authentication), faulted ones included.
    pub(crate) calls: [u64; Operation::ALL.len()],
    /// Successful answers to POSTs that carried an `Idempotency-Key` (with the body that was
    /// sent), replayed on a retry.
    pub(crate) idempotent_replies: IdempotencyStore,
    request_ids: SplitMix64,
}

/// What the gate in front of the API decided for one request.
pub(crate) struct Admission {
    pub(crate) latency: Duration,
    pub(crate) verdict: Verdict,
}

pub(crate) enum Verdict {
    Proceed,
    /// Refused by the rate limiter; retry after this many seconds.
    RateLimited(u64),
    Fault(Fault),
}

impl Shared {
    pub(crate) fn new(config: &EmulatorConfig) -> Result<Self, EmulatorError> {
        config.validate()?;
        let clock = match config.clock_start {
            Some(secs) if !crate::clock::in_range(secs) => {
                return Err(EmulatorError::InvalidConfig(format!(
                    "a manual clock must lie between years 1 and 9999 (Unix {} to {}), not {secs}",
                    crate::clock::MIN_SECS,
                    crate::clock::MAX_SECS
                )));
            }
            Some(secs) => Clock::manual(secs),
            None => Clock::System,
        };
        let mut ids = config
            .id_seed
            .map_or_else(SplitMix64::from_entropy, SplitMix64::new);
        let request_ids = SplitMix64::new(ids.next_u64());
        let fault_rng = config
            .fault_seed
            .map_or_else(SplitMix64::from_entropy, SplitMix64::new);

        let seed = match &config.seed_file {
            Some(path) => Some(Seed::from_file(path)?),
            None => config.seed.clone(),
        };
        let application_id = seed
            .as_ref()
            .and_then(|s| s.application_id.clone())
            .or_else(|| config.application_id.clone())
            .unwrap_or_else(|| ids.next_uuid());
        let mut state = State::new(application_id, ids);
        let default_workspace = seed
            .as_ref()
            .and_then(|s| s.default_workspace)
            .unwrap_or(config.default_workspace);
        let now = clock.now_secs();
        if default_workspace {
            let id = seed.as_ref().and_then(|s| s.default_workspace_id.clone());
            state.add_default_workspace(id, now);
        }
        if let Some(seed) = seed {
            apply_seed(&mut state, seed, now)?;
        }
        Ok(Self {
            inner: Mutex::new(Inner {
                state,
                clock,
                faults: FaultPlan::new(config.fault_rates, fault_rng),
                latency: config.latency,
                retry_after_secs: config.retry_after_secs,
                limiter: config
                    .rate_limit
                    .map(|limit| TokenBucket::new(limit, clock.now_ms())),
                list_page_size: config.list_page_size,
                quirks: config.quirks,
                calls: [0; Operation::ALL.len()],
                idempotent_replies: IdempotencyStore::default(),
                request_ids,
            }),
            api_key: config.api_key.clone(),
            admin_token: config.admin_token.clone(),
            read_timeout: config.header_read_timeout,
        })
    }

    /// The lock; a panic elsewhere while it was held does not make the emulator unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Whether an `Authorization` header value carries this emulator's key.
    pub(crate) fn is_authorized(&self, header: Option<&[u8]>) -> bool {
        let Some(header) = header else {
            return false;
        };
        let Some((scheme, key)) = header.split_at_checked(7) else {
            return false;
        };
        scheme.eq_ignore_ascii_case(b"bearer ") && constant_time_eq(key, self.api_key.as_bytes())
    }

    /// Whether an admin request may proceed as far as the token goes: always without a
    /// configured token, else only with `Authorization: Bearer <token>`.
    pub(crate) fn admin_token_accepted(&self, header: Option<&[u8]>) -> bool {
        let Some(token) = &self.admin_token else {
            return true;
        };
        header
            .and_then(|h| h.split_at_checked(7))
            .is_some_and(|(scheme, given)| {
                scheme.eq_ignore_ascii_case(b"bearer ") && constant_time_eq(given, token.as_bytes())
            })
    }

    /// Whether the admin routes are protected by a token (and so need no loopback `Host`).
    pub(crate) fn has_admin_token(&self) -> bool {
        self.admin_token.is_some()
    }

    pub(crate) fn next_request_id(&self) -> String {
        self.lock().request_ids.next_uuid()
    }

    /// Counts the call and decides its fate: latency, rate limit, injected fault.
    pub(crate) fn admit(&self, operation: Operation) -> Admission {
        let mut inner = self.lock();
        let count = &mut inner.calls[operation.index()];
        *count = count.saturating_add(1);
        let now_ms = inner.clock.now_ms();
        let limited = inner
            .limiter
            .as_mut()
            .and_then(|bucket| bucket.try_take(now_ms).err());
        let verdict = match limited {
            Some(wait) => Verdict::RateLimited(wait),
            None => match inner.faults.draw(operation) {
                Some(fault) => Verdict::Fault(fault),
                None => Verdict::Proceed,
            },
        };
        Admission {
            latency: inner.latency,
            verdict,
        }
    }
}

/// Compares without stopping at the first difference, so timing does not leak the key.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn apply_seed(state: &mut State, seed: Seed, now: i64) -> Result<(), EmulatorError> {
    for policy in seed.policies {
        state.add_policy(policy, now)?;
    }
    for rule in seed.rules {
        state.add_rule(rule, now)?;
    }
    for workspace in seed.workspaces {
        add_workspace(state, workspace, now)?;
    }
    for grant in seed.grants {
        state.add_grant(grant, now)?;
    }
    Ok(())
}

/// Creates a workspace by the rules of `POST /v3/workspaces`.
pub(crate) fn add_workspace(
    state: &mut State,
    workspace: NewWorkspace,
    now: i64,
) -> Result<String, EmulatorError> {
    let name = workspace.name.clone();
    let request = nylas_workspaces_api::types::CreateWorkspaceRequest {
        name: name
            .as_str()
            .try_into()
            .map_err(|_| EmulatorError::InvalidSeed("a workspace needs a name".into()))?,
        domain: workspace.domain,
        auto_group: Some(workspace.auto_group),
        policy_id: workspace.policy_id,
        rule_ids: workspace.rule_ids,
    };
    state
        .create_workspace_with_id(request, workspace.workspace_id, now)
        .map(|w| w.id)
        .map_err(|e| EmulatorError::InvalidSeed(format!("workspace '{name}': {}", e.message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(key: &str) -> Shared {
        Shared::new(&EmulatorConfig::new().api_key(key)).unwrap()
    }

    #[test]
    fn bearer_check() {
        let s = shared("k-123");
        assert!(s.is_authorized(Some(b"Bearer k-123")));
        assert!(s.is_authorized(Some(b"bearer k-123")));
        assert!(!s.is_authorized(Some(b"Bearer k-124")));
        assert!(!s.is_authorized(Some(b"Bearer k-1234")));
        assert!(!s.is_authorized(Some(b"Basic k-123")));
        assert!(!s.is_authorized(Some(b"k-123")));
        assert!(!s.is_authorized(None));
    }

    #[test]
    fn a_seed_with_an_unknown_policy_is_refused_with_the_reason() {
        let seed = Seed {
            workspaces: vec![NewWorkspace::new("Sales").policy_id("nope")],
            ..Default::default()
        };
        let err = match Shared::new(&EmulatorConfig::new().seed(seed)) {
            Err(e) => e,
            Ok(_) => panic!("seed should be refused"),
        };
        assert!(err.to_string().contains("nope"), "{err}");
    }
}
