//! When to retry and how long to wait, in one [`RetryStrategy`] per client.
//!
//! The strategy combines the policy (how many retries, the backoff, the longest `Retry-After`
//! sat out) with the optional [`RetryBudget`](crate::RetryBudget) shared by every call, so the
//! attempt loop only asks "wait how long before the next attempt, or stop?" and reports a
//! success; it keeps no counts or costs of its own. Whether a failure may be retried at all is
//! [`Error::is_retryable`], the same answer callers get. Kept free of I/O so the decisions can
//! be unit-tested.

use std::time::{Duration, SystemTime};

use crate::error::Error;
use crate::pacing::RetryTokens;

/// Retries after the first attempt unless configured.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// Retry settings of a client (see the `ClientBuilder` methods that set them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// The longest server-requested wait honoured; longer ones end the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(8),
            max_retry_after: crate::config::DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

impl RetryPolicy {
    /// After failed attempt number `attempt` (0-based) that is retryable: the wait before the
    /// next attempt, or `None` when no retry should be made (retries used up, or the server
    /// asked for a longer wait than we are willing to sit out).
    fn delay_before_retry(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        random_unit: f64,
    ) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.full_jitter(attempt, random_unit)),
        }
    }

    /// "Full jitter": uniformly random between zero and the capped exponential step, so
    /// clients that failed together do not retry together.
    fn full_jitter(&self, attempt: u32, random_unit: f64) -> Duration {
        let step = self
            .backoff_base
            .saturating_mul(2u32.saturating_pow(attempt.min(30)))
            .min(self.backoff_cap);
        step.mul_f64(random_unit.clamp(0.0, 1.0))
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then make the next attempt.
    Retry(Duration),
    /// Return the error.
    Stop,
}

/// A client's retry policy and its budget, shared by all its calls.
#[derive(Debug)]
pub(crate) struct RetryStrategy {
    policy: RetryPolicy,
    budget: Option<RetryTokens>,
}

impl RetryStrategy {
    /// The strategy of a client; `budget: None` lets every call retry up to the policy.
    pub fn new(policy: RetryPolicy, budget: Option<RetryTokens>) -> Self {
        Self { policy, budget }
    }

    /// The policy's settings.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Tokens left in the budget, or `None` when retries are not budgeted.
    pub fn budget_available(&self) -> Option<u32> {
        self.budget.as_ref().map(RetryTokens::available)
    }

    /// The retry state of one new call under the client's policy.
    #[cfg(test)]
    pub fn for_call(&self) -> CallRetries<'_> {
        self.for_call_with(self.policy)
    }

    /// The retry state of one new call under `policy` (the client's, with a view's
    /// overrides), still paying from the shared budget.
    pub fn for_call_with(&self, policy: RetryPolicy) -> CallRetries<'_> {
        CallRetries {
            strategy: self,
            policy,
            retries: 0,
            last_cost: None,
        }
    }

    /// After failed attempt `attempt` (0-based) of a call under `policy`: retry after how
    /// long, or stop. Pays for a retry from the budget; the returned cost is what
    /// [`Self::on_success`] gives back should the retry succeed.
    fn decide(
        &self,
        policy: &RetryPolicy,
        attempt: u32,
        error: &Error,
        random_unit: f64,
    ) -> (Decision, Option<u32>) {
        if !error.is_retryable() {
            return (Decision::Stop, None);
        }
        let Some(wait) = policy.delay_before_retry(attempt, error.retry_after(), random_unit)
        else {
            return (Decision::Stop, None);
        };
        let Some(budget) = &self.budget else {
            return (Decision::Retry(wait), None);
        };
        match budget.try_withdraw(matches!(error, Error::Timeout { .. })) {
            Some(cost) => (Decision::Retry(wait), Some(cost)),
            None => {
                tracing::debug!(error = %error, "retry budget exhausted; not retrying");
                (Decision::Stop, None)
            }
        }
    }

    /// A call succeeded; `last_retry_cost` is what its last retry took, if it retried.
    fn on_success(&self, last_retry_cost: Option<u32>) {
        if let Some(budget) = &self.budget {
            budget.on_success(last_retry_cost);
        }
    }
}

/// Where one call stands: how many retries it made and what the last one cost. Lives for one
/// call, so the attempt loop needs no bookkeeping of its own.
#[derive(Debug)]
pub(crate) struct CallRetries<'a> {
    strategy: &'a RetryStrategy,
    policy: RetryPolicy,
    retries: u32,
    last_cost: Option<u32>,
}

impl CallRetries<'_> {
    /// The number (from 1) of the attempt about to be made.
    pub fn attempt(&self) -> u32 {
        self.retries + 1
    }

    /// After a failed attempt: wait how long before the next one, or stop.
    pub fn decide(&mut self, error: &Error) -> Decision {
        self.decide_with(error, random_unit())
    }

    fn decide_with(&mut self, error: &Error, random_unit: f64) -> Decision {
        let (decision, cost) = self
            .strategy
            .decide(&self.policy, self.retries, error, random_unit);
        if let Decision::Retry(_) = decision {
            self.retries += 1;
            self.last_cost = cost;
        }
        decision
    }

    /// The call succeeded: refund the budget (what the last retry cost, or the success refund
    /// when it did not retry).
    pub fn on_success(self) {
        self.strategy.on_success(self.last_cost);
    }
}

/// Parses `Retry-After`: either delay seconds or an HTTP date (a date in the past means
/// "now"). Unparseable values are ignored, and the caller falls back to backoff.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).ok())
            .flatten();
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A uniform random number in `[0, 1)`, taken from a v4 UUID so no RNG crate is needed.
pub(crate) fn random_unit() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u128() as u64 >> 11;
    bits as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pacing::RetryBudget;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = httpdate::parse_http_date("Tue, 24 Nov 2026 09:00:00 GMT").unwrap();
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Tue, 24 Nov 2026 09:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Tue, 24 Nov 2026 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("1e400", now), None);
    }

    #[test]
    fn server_wait_is_honoured_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay_before_retry(0, Some(Duration::from_secs(60)), 0.5),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            policy.delay_before_retry(0, Some(Duration::from_secs(61)), 0.5),
            None
        );
    }

    #[test]
    fn retries_stop_after_max() {
        let policy = RetryPolicy::default();
        assert!(policy.delay_before_retry(1, None, 0.5).is_some());
        assert!(policy.delay_before_retry(2, None, 0.5).is_none());
    }

    #[test]
    fn backoff_is_full_jitter_over_a_capped_exponential() {
        let policy = RetryPolicy {
            max_retries: 100,
            ..RetryPolicy::default()
        };
        assert_eq!(
            policy.delay_before_retry(0, None, 1.0),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            policy.delay_before_retry(2, None, 1.0),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            policy.delay_before_retry(50, None, 1.0),
            Some(Duration::from_secs(8))
        );
        assert_eq!(
            policy.delay_before_retry(3, None, 0.0),
            Some(Duration::ZERO)
        );
        assert_eq!(
            policy.delay_before_retry(3, None, 0.25),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn random_unit_stays_in_range() {
        for _ in 0..1000 {
            let r = random_unit();
            assert!((0.0..1.0).contains(&r), "{r}");
        }
    }

    fn http_error(status: u16) -> Error {
        crate::decode::error_body_for_tests(status, b"")
    }

    #[test]
    fn the_strategy_retries_exactly_what_is_retryable() {
        let strategy = RetryStrategy::new(RetryPolicy::default(), None);
        for status in 300..600 {
            let error = http_error(status);
            let decision = strategy.for_call().decide_with(&error, 0.5);
            assert_eq!(
                matches!(decision, Decision::Retry(_)),
                error.is_retryable(),
                "status {status}"
            );
        }
        let refused = Error::config("bad");
        assert_eq!(
            strategy.for_call().decide_with(&refused, 0.5),
            Decision::Stop
        );
    }

    #[test]
    fn a_call_stops_when_its_retries_or_the_budget_run_out_and_a_success_refunds() {
        let budget = RetryTokens::new(RetryBudget::new(12).retry_cost(5).success_refund(1));
        let strategy = RetryStrategy::new(RetryPolicy::default(), Some(budget));
        let unavailable = http_error(503);

        let mut call = strategy.for_call();
        assert_eq!(call.attempt(), 1);
        assert!(matches!(
            call.decide_with(&unavailable, 0.0),
            Decision::Retry(_)
        ));
        assert_eq!(call.attempt(), 2);
        assert_eq!(strategy.budget_available(), Some(7));
        // The retry succeeded: what it cost comes back.
        call.on_success();
        assert_eq!(strategy.budget_available(), Some(12));

        let mut call = strategy.for_call();
        assert!(matches!(
            call.decide_with(&unavailable, 0.0),
            Decision::Retry(_)
        ));
        assert!(matches!(
            call.decide_with(&unavailable, 0.0),
            Decision::Retry(_)
        ));
        assert_eq!(strategy.budget_available(), Some(2));
        // max_retries (2) is used up, before the budget is asked.
        assert_eq!(call.decide_with(&unavailable, 0.0), Decision::Stop);
        assert_eq!(strategy.budget_available(), Some(2));

        // A new call finds 2 tokens where a retry costs 5.
        let mut call = strategy.for_call();
        assert_eq!(call.decide_with(&unavailable, 0.0), Decision::Stop);
        assert_eq!(call.attempt(), 1);
        // A first-attempt success gives back the success refund only.
        call.on_success();
        assert_eq!(strategy.budget_available(), Some(3));
    }

    #[test]
    fn a_server_wait_beyond_the_cap_stops_without_paying() {
        let budget = RetryTokens::new(RetryBudget::new(10));
        let strategy = RetryStrategy::new(RetryPolicy::default(), Some(budget));
        let api = |retry_after| {
            let mut error = http_error(429);
            if let Error::Api(api) = &mut error {
                api.retry_after = Some(retry_after);
            }
            error
        };
        let mut call = strategy.for_call();
        assert_eq!(
            call.decide_with(&api(Duration::from_secs(61)), 0.5),
            Decision::Stop
        );
        assert_eq!(strategy.budget_available(), Some(10));
        assert_eq!(
            call.decide_with(&api(Duration::from_secs(3)), 0.5),
            Decision::Retry(Duration::from_secs(3))
        );
    }
}
