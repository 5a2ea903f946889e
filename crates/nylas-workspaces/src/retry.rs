//! When to retry and how long to wait.
//!
//! Kept free of I/O so the decisions can be unit-tested: the transport asks
//! [`RetryPolicy::delay_before_retry`] after every failed attempt and sleeps for the answer.

use std::time::{Duration, SystemTime};

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
            max_retries: crate::config::DEFAULT_MAX_RETRIES,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// After failed attempt number `attempt` (0-based) that the caller judged retryable: the
    /// wait before the next attempt, or `None` when no retry should be made (retries used up,
    /// or the server asked for a longer wait than we are willing to sit out).
    pub fn delay_before_retry(
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
}
