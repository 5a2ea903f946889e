//! An optional server-side token bucket, standing in for Nylas's own per-application limit
//! (about 50 requests per second): over the limit, requests get 429
//! `nylas_rate_limit_exceeded` with `Retry-After`. It reads the emulator's clock, so with a
//! manual clock the bucket refills only when a test advances time.

use serde::{Deserialize, Serialize};

use crate::error::EmulatorError;

/// The slowest refill a rate limit may have: one token per 1,000 seconds. Slower ones would
/// only ask clients to wait for ages.
const MIN_PER_SECOND: f64 = 0.001;

/// A token-bucket limit: `per_second` tokens refill each second (at least 0.001), up to
/// `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: u32,
}

impl RateLimit {
    pub(crate) fn validate(&self) -> Result<(), EmulatorError> {
        if !(self.per_second.is_finite() && self.per_second >= MIN_PER_SECOND) || self.burst == 0 {
            return Err(EmulatorError::InvalidConfig(format!(
                "a rate limit needs a finite rate of at least {MIN_PER_SECOND} per second and a \
                 positive burst, not {} per second and burst {}",
                self.per_second, self.burst
            )));
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    limit: RateLimit,
    tokens: f64,
    last_ms: i64,
}

impl TokenBucket {
    /// A full bucket.
    pub(crate) fn new(limit: RateLimit, now_ms: i64) -> Self {
        Self {
            limit,
            tokens: f64::from(limit.burst),
            last_ms: now_ms,
        }
    }

    /// Takes one token, or says after how many whole seconds one will be there.
    pub(crate) fn try_take(&mut self, now_ms: i64) -> Result<(), u64> {
        let elapsed_secs = now_ms.saturating_sub(self.last_ms).max(0) as f64 / 1000.0;
        self.tokens =
            (self.tokens + elapsed_secs * self.limit.per_second).min(f64::from(self.limit.burst));
        self.last_ms = self.last_ms.max(now_ms);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - self.tokens) / self.limit.per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refuse_then_refill() {
        let limit = RateLimit {
            per_second: 2.0,
            burst: 3,
        };
        let mut bucket = TokenBucket::new(limit, 0);
        for _ in 0..3 {
            assert_eq!(bucket.try_take(0), Ok(()));
        }
        assert_eq!(bucket.try_take(0), Err(1));
        assert_eq!(
            bucket.try_take(500),
            Ok(()),
            "half a second refills one token"
        );
        assert!(bucket.try_take(500).is_err());
    }

    #[test]
    fn slow_rates_ask_for_longer_waits() {
        let mut bucket = TokenBucket::new(
            RateLimit {
                per_second: 0.1,
                burst: 1,
            },
            0,
        );
        assert_eq!(bucket.try_take(0), Ok(()));
        assert_eq!(bucket.try_take(0), Err(10));
    }

    #[test]
    fn invalid_limits_are_refused() {
        for (per_second, burst) in [
            (0.0, 1),
            (-1.0, 1),
            (f64::NAN, 1),
            (f64::INFINITY, 1),
            (1e-300, 1),
            (1.0, 0),
        ] {
            assert!(RateLimit { per_second, burst }.validate().is_err());
        }
    }
}
