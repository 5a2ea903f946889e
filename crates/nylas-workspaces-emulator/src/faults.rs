//! Fault injection: which operation a request is, and which failure (if any) it gets.
//!
//! Two sources of failure, both deterministic when a test wants them to be:
//! scripted failures ("fail the next N calls to operation X"), consumed first, and random
//! failures drawn with a seedable generator at configured rates.

use std::fmt;
use std::str::FromStr;

use axum::http::Method;
use serde::{Deserialize, Serialize};

use crate::error::EmulatorError;
use crate::rng::SplitMix64;

/// The operations the emulator serves, named after their OpenAPI `operationId`s: the seven
/// of the Workspaces API and the seven read-side ones around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    #[serde(rename = "get-all-workspaces")]
    ListWorkspaces,
    #[serde(rename = "create-workspace")]
    CreateWorkspace,
    #[serde(rename = "get-workspace")]
    GetWorkspace,
    #[serde(rename = "update-workspace")]
    UpdateWorkspace,
    #[serde(rename = "delete-workspace")]
    DeleteWorkspace,
    #[serde(rename = "autogroup-workspace")]
    AutoGroup,
    #[serde(rename = "manually-assign-workspace")]
    ManualAssign,
    #[serde(rename = "get-all-grants")]
    ListGrants,
    #[serde(rename = "get_grant_by_id")]
    GetGrant,
    #[serde(rename = "get_application")]
    GetApplication,
    #[serde(rename = "list-policies")]
    ListPolicies,
    #[serde(rename = "get-policy")]
    GetPolicy,
    #[serde(rename = "list-rules")]
    ListRules,
    #[serde(rename = "get-rule")]
    GetRule,
}

impl Operation {
    pub const ALL: [Operation; 14] = [
        Self::ListWorkspaces,
        Self::CreateWorkspace,
        Self::GetWorkspace,
        Self::UpdateWorkspace,
        Self::DeleteWorkspace,
        Self::AutoGroup,
        Self::ManualAssign,
        Self::ListGrants,
        Self::GetGrant,
        Self::GetApplication,
        Self::ListPolicies,
        Self::GetPolicy,
        Self::ListRules,
        Self::GetRule,
    ];

    /// The `operationId` in `openapi/workspaces.json`.
    pub fn operation_id(self) -> &'static str {
        match self {
            Self::ListWorkspaces => "get-all-workspaces",
            Self::CreateWorkspace => "create-workspace",
            Self::GetWorkspace => "get-workspace",
            Self::UpdateWorkspace => "update-workspace",
            Self::DeleteWorkspace => "delete-workspace",
            Self::AutoGroup => "autogroup-workspace",
            Self::ManualAssign => "manually-assign-workspace",
            Self::ListGrants => "get-all-grants",
            Self::GetGrant => "get_grant_by_id",
            Self::GetApplication => "get_application",
            Self::ListPolicies => "list-policies",
            Self::GetPolicy => "get-policy",
            Self::ListRules => "list-rules",
            Self::GetRule => "get-rule",
        }
    }

    pub(crate) fn index(self) -> usize {
        Self::ALL.iter().position(|op| *op == self).unwrap_or(0)
    }

    /// Which operation a request addresses, from its method and path (`None` when it is not
    /// one of the seven, e.g. an admin route or an unknown path).
    pub(crate) fn classify(method: &Method, path: &str) -> Option<Self> {
        if method == Method::GET {
            let read_side = match path.strip_prefix("/v3/")?.split('/').collect::<Vec<_>>()[..] {
                ["grants"] => Some(Self::ListGrants),
                ["grants", id] if !id.is_empty() => Some(Self::GetGrant),
                ["applications"] => Some(Self::GetApplication),
                ["policies"] => Some(Self::ListPolicies),
                ["policies", id] if !id.is_empty() => Some(Self::GetPolicy),
                ["rules"] => Some(Self::ListRules),
                ["rules", id] if !id.is_empty() => Some(Self::GetRule),
                _ => None,
            };
            if read_side.is_some() {
                return read_side;
            }
        }
        let rest = path.strip_prefix("/v3/workspaces")?;
        let segments: Vec<&str> = if rest.is_empty() {
            Vec::new()
        } else {
            rest.strip_prefix('/')?.split('/').collect()
        };
        match (method, segments.as_slice()) {
            (&Method::GET, []) => Some(Self::ListWorkspaces),
            (&Method::POST, []) => Some(Self::CreateWorkspace),
            (&Method::POST, ["auto-group"]) => Some(Self::AutoGroup),
            (&Method::GET, [id]) if !id.is_empty() => Some(Self::GetWorkspace),
            (&Method::PATCH, [id]) if !id.is_empty() => Some(Self::UpdateWorkspace),
            (&Method::DELETE, [id]) if !id.is_empty() => Some(Self::DeleteWorkspace),
            (&Method::POST, [id, "manual-assign"]) if !id.is_empty() => Some(Self::ManualAssign),
            _ => None,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation_id())
    }
}

impl FromStr for Operation {
    type Err = EmulatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|op| op.operation_id() == s)
            .ok_or_else(|| EmulatorError::InvalidConfig(format!("unknown operation '{s}'")))
    }
}

/// A failure the emulator can inject instead of handling a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// 429 `nylas_rate_limit_exceeded` with a `Retry-After` header.
    TooManyRequests,
    /// 500 `internal_error`.
    InternalServerError,
    /// 502 `internal_error`.
    BadGateway,
    /// 503 `internal_error`.
    ServiceUnavailable,
    /// The connection is closed without any response.
    ConnectionReset,
}

impl FromStr for Fault {
    type Err = EmulatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|_| EmulatorError::InvalidConfig(format!("unknown fault '{s}'")))
    }
}

/// How often each fault is injected, as probabilities in `[0, 1]` that add up to at most 1.
/// The default injects nothing. Injected faults happen before the request is handled, so a
/// failed request never changes the emulator's state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultRates {
    pub too_many_requests: f64,
    pub internal_server_error: f64,
    pub bad_gateway: f64,
    pub service_unavailable: f64,
    pub connection_reset: f64,
}

impl FaultRates {
    /// Every kind of failure at once, sharing `total` equally: a convenient "10 % of calls
    /// fail somehow" for reliability tests.
    pub fn spread(total: f64) -> Self {
        let each = total / 5.0;
        Self {
            too_many_requests: each,
            internal_server_error: each,
            bad_gateway: each,
            service_unavailable: each,
            connection_reset: each,
        }
    }

    fn entries(&self) -> [(Fault, f64); 5] {
        [
            (Fault::TooManyRequests, self.too_many_requests),
            (Fault::InternalServerError, self.internal_server_error),
            (Fault::BadGateway, self.bad_gateway),
            (Fault::ServiceUnavailable, self.service_unavailable),
            (Fault::ConnectionReset, self.connection_reset),
        ]
    }

    pub(crate) fn validate(&self) -> Result<(), EmulatorError> {
        let mut total = 0.0;
        for (fault, rate) in self.entries() {
            if !(0.0..=1.0).contains(&rate) {
                return Err(EmulatorError::InvalidConfig(format!(
                    "the rate of {fault:?} must be between 0 and 1, not {rate}"
                )));
            }
            total += rate;
        }
        if total > 1.0 + 1e-9 {
            return Err(EmulatorError::InvalidConfig(format!(
                "fault rates add up to {total}, more than 1"
            )));
        }
        Ok(())
    }
}

/// One "fail the next N calls" instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scripted {
    operation: Option<Operation>,
    remaining: u32,
    fault: Fault,
}

/// The faults currently configured.
#[derive(Debug)]
pub(crate) struct FaultPlan {
    rates: FaultRates,
    rng: SplitMix64,
    scripted: Vec<Scripted>,
    /// Scripted faults that strike after the request was handled: the change is made, the
    /// answer is lost. These test that a client's retry (with an `Idempotency-Key` where it
    /// matters) does not apply a change twice.
    scripted_after: Vec<Scripted>,
}

impl FaultPlan {
    pub(crate) fn new(rates: FaultRates, rng: SplitMix64) -> Self {
        Self {
            rates,
            rng,
            scripted: Vec::new(),
            scripted_after: Vec::new(),
        }
    }

    pub(crate) fn set_rates(&mut self, rates: FaultRates) -> Result<(), EmulatorError> {
        rates.validate()?;
        self.rates = rates;
        Ok(())
    }

    pub(crate) fn reseed(&mut self, seed: u64) {
        self.rng = SplitMix64::new(seed);
    }

    /// Fails the next `count` calls to `operation` (any operation when `None`) with `fault`,
    /// before they are handled (`after_handling` false) or after (true).
    pub(crate) fn fail_next(
        &mut self,
        operation: Option<Operation>,
        count: u32,
        fault: Fault,
        after_handling: bool,
    ) {
        if count > 0 {
            let list = if after_handling {
                &mut self.scripted_after
            } else {
                &mut self.scripted
            };
            list.push(Scripted {
                operation,
                remaining: count,
                fault,
            });
        }
    }

    pub(crate) fn clear(&mut self) {
        self.rates = FaultRates::default();
        self.scripted.clear();
        self.scripted_after.clear();
    }

    /// The fault that replaces this call's answer after it was handled, if any.
    pub(crate) fn draw_after(&mut self, operation: Operation) -> Option<Fault> {
        take_scripted(&mut self.scripted_after, operation)
    }

    /// The fault this call gets, if any: scripted ones first, in the order they were added.
    pub(crate) fn draw(&mut self, operation: Operation) -> Option<Fault> {
        if let Some(fault) = take_scripted(&mut self.scripted, operation) {
            return Some(fault);
        }
        if self.rates == FaultRates::default() {
            return None;
        }
        let roll = self.rng.next_unit();
        let mut threshold = 0.0;
        for (fault, rate) in self.rates.entries() {
            threshold += rate;
            if roll < threshold {
                return Some(fault);
            }
        }
        None
    }
}

/// Takes one use of the first scripted fault that applies to `operation`.
fn take_scripted(list: &mut Vec<Scripted>, operation: Operation) -> Option<Fault> {
    let slot = list
        .iter_mut()
        .find(|s| s.operation.is_none_or(|op| op == operation))?;
    let fault = slot.fault;
    slot.remaining = slot.remaining.saturating_sub(1);
    list.retain(|s| s.remaining > 0);
    Some(fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_read_side_routes() {
        for (method, path, want) in [
            (Method::GET, "/v3/grants", Some(Operation::ListGrants)),
            (Method::GET, "/v3/grants/g-1", Some(Operation::GetGrant)),
            (Method::GET, "/v3/grants/", None),
            (Method::POST, "/v3/grants", None),
            (
                Method::GET,
                "/v3/applications",
                Some(Operation::GetApplication),
            ),
            (Method::GET, "/v3/policies", Some(Operation::ListPolicies)),
            (Method::GET, "/v3/policies/p", Some(Operation::GetPolicy)),
            (Method::GET, "/v3/rules", Some(Operation::ListRules)),
            (Method::GET, "/v3/rules/r", Some(Operation::GetRule)),
            (Method::GET, "/v3/rules/r/x", None),
        ] {
            assert_eq!(Operation::classify(&method, path), want, "{method} {path}");
        }
        for op in Operation::ALL {
            assert_eq!(op.operation_id().parse::<Operation>().unwrap(), op);
        }
    }

    #[test]
    fn classify_routes() {
        let cases = [
            (
                Method::GET,
                "/v3/workspaces",
                Some(Operation::ListWorkspaces),
            ),
            (
                Method::POST,
                "/v3/workspaces",
                Some(Operation::CreateWorkspace),
            ),
            (
                Method::POST,
                "/v3/workspaces/auto-group",
                Some(Operation::AutoGroup),
            ),
            (
                Method::GET,
                "/v3/workspaces/abc",
                Some(Operation::GetWorkspace),
            ),
            (
                Method::PATCH,
                "/v3/workspaces/abc",
                Some(Operation::UpdateWorkspace),
            ),
            (
                Method::DELETE,
                "/v3/workspaces/a.com",
                Some(Operation::DeleteWorkspace),
            ),
            (
                Method::POST,
                "/v3/workspaces/a/manual-assign",
                Some(Operation::ManualAssign),
            ),
            (Method::POST, "/v3/workspaces/abc", None),
            (Method::GET, "/v3/workspacesx", None),
            (Method::GET, "/_emulator/grants", None),
        ];
        for (method, path, want) in cases {
            assert_eq!(Operation::classify(&method, path), want, "{method} {path}");
        }
    }

    #[test]
    fn operation_ids_round_trip() {
        for op in Operation::ALL {
            assert_eq!(op.operation_id().parse::<Operation>().unwrap(), op);
            let json = serde_json::to_string(&op).unwrap();
            assert_eq!(json, format!("\"{}\"", op.operation_id()));
        }
        assert!("nope".parse::<Operation>().is_err());
    }

    #[test]
    fn scripted_faults_hit_exactly_the_next_n_calls_of_their_operation() {
        let mut plan = FaultPlan::new(FaultRates::default(), SplitMix64::new(0));
        plan.fail_next(Some(Operation::ManualAssign), 2, Fault::BadGateway, false);
        plan.fail_next(
            Some(Operation::ManualAssign),
            1,
            Fault::ConnectionReset,
            true,
        );
        assert_eq!(plan.draw(Operation::GetWorkspace), None);
        assert_eq!(plan.draw(Operation::ManualAssign), Some(Fault::BadGateway));
        assert_eq!(plan.draw(Operation::ManualAssign), Some(Fault::BadGateway));
        assert_eq!(plan.draw(Operation::ManualAssign), None);
        assert_eq!(plan.draw_after(Operation::GetWorkspace), None);
        assert_eq!(
            plan.draw_after(Operation::ManualAssign),
            Some(Fault::ConnectionReset)
        );
        assert_eq!(plan.draw_after(Operation::ManualAssign), None);
    }

    #[test]
    fn seeded_rates_are_reproducible_and_roughly_right() {
        let run = || {
            let mut plan = FaultPlan::new(FaultRates::spread(0.1), SplitMix64::new(42));
            (0..10_000)
                .map(|_| plan.draw(Operation::ManualAssign))
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        let failures = first.iter().filter(|f| f.is_some()).count();
        assert!((700..1300).contains(&failures), "{failures} failures");
        assert!(first.contains(&Some(Fault::ConnectionReset)));
    }

    #[test]
    fn bad_rates_are_refused() {
        let too_much = FaultRates {
            bad_gateway: 0.7,
            service_unavailable: 0.7,
            ..Default::default()
        };
        assert!(too_much.validate().is_err());
        let negative = FaultRates {
            too_many_requests: -0.1,
            ..Default::default()
        };
        assert!(negative.validate().is_err());
        assert!(FaultRates::spread(1.0).validate().is_ok());
    }

    #[test]
    fn fault_names_parse() {
        assert_eq!(
            "connection_reset".parse::<Fault>().unwrap(),
            Fault::ConnectionReset
        );
        assert!("boom".parse::<Fault>().is_err());
    }
}
