//! The arithmetic of a token bucket, free of clocks and locks so it can be tested exactly.
//!
//! Tokens refill continuously at `rate` per second up to `capacity`; each request takes one.
//! Time is passed in by the caller as a [`Duration`] since some fixed origin.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    last: Duration,
}

impl TokenBucket {
    /// A full bucket. `rate` and `capacity` must be positive and finite (checked by the
    /// configuration before a bucket is made).
    pub(crate) fn new(rate: f64, capacity: f64, now: Duration) -> Self {
        Self {
            rate,
            capacity,
            tokens: capacity,
            last: now,
        }
    }

    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    #[cfg(test)]
    fn tokens(&self) -> f64 {
        self.tokens
    }

    /// Adds what has trickled in since the last reading. A clock that goes backwards adds
    /// nothing rather than removing tokens.
    fn refill(&mut self, now: Duration) {
        if now > self.last {
            let elapsed = (now - self.last).as_secs_f64();
            self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
            self.last = now;
        }
    }

    /// Takes a token, or says how long until one is there.
    pub(crate) fn try_take(&mut self, now: Duration) -> Result<(), Duration> {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let missing = 1.0 - self.tokens;
            // At least a microsecond, so a caller never spins on a zero wait through rounding.
            Err(Duration::from_secs_f64(missing / self.rate).max(Duration::from_micros(1)))
        }
    }

    /// Changes the refill rate and the capacity from `now` on. What accrued until now is
    /// credited at the old rate, and tokens above the new capacity are dropped, so a cut
    /// takes effect at once.
    pub(crate) fn reconfigure(&mut self, rate: f64, capacity: f64, now: Duration) {
        self.refill(now);
        self.rate = rate;
        self.capacity = capacity;
        self.tokens = self.tokens.min(capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_full_bucket_allows_the_burst_then_asks_for_the_exact_wait() {
        let mut bucket = TokenBucket::new(10.0, 3.0, ms(0));
        for _ in 0..3 {
            assert_eq!(bucket.try_take(ms(0)), Ok(()));
        }
        // Empty: one token takes 1/10 s at 10 per second.
        assert_eq!(bucket.try_take(ms(0)), Err(ms(100)));
        // 40 ms later 0.4 tokens are there; 60 ms to go.
        let wait = bucket.try_take(ms(40)).unwrap_err();
        assert!((wait.as_secs_f64() - 0.060).abs() < 1e-9, "{wait:?}");
        assert_eq!(bucket.try_take(ms(100)), Ok(()));
        assert!(bucket.try_take(ms(100)).is_err());
    }

    #[test]
    fn refill_never_exceeds_capacity() {
        let mut bucket = TokenBucket::new(5.0, 2.0, ms(0));
        bucket.try_take(ms(0)).unwrap();
        bucket.try_take(ms(0)).unwrap();
        // An hour idle refills only up to the capacity.
        let hour = Duration::from_secs(3600);
        assert_eq!(bucket.try_take(hour), Ok(()));
        assert_eq!(bucket.try_take(hour), Ok(()));
        assert_eq!(bucket.try_take(hour), Err(ms(200)));
    }

    #[test]
    fn a_steady_caller_gets_exactly_the_rate() {
        // Taking whenever allowed, with the clock moved by the reported waits only: after the
        // burst, every grant is exactly 1/rate apart.
        let mut bucket = TokenBucket::new(50.0, 5.0, ms(0));
        let mut now = ms(0);
        let mut granted = 0;
        while now < Duration::from_secs(10) {
            match bucket.try_take(now) {
                Ok(()) => granted += 1,
                Err(wait) => now += wait,
            }
        }
        // 5 at once, then 50 per second for 10 s.
        assert!((504..=506).contains(&granted), "{granted}");
    }

    #[test]
    fn time_going_backwards_adds_nothing() {
        let mut bucket = TokenBucket::new(1.0, 1.0, ms(5000));
        bucket.try_take(ms(5000)).unwrap();
        assert!(bucket.try_take(ms(1000)).is_err());
        assert!(bucket.tokens() >= 0.0);
    }

    #[test]
    fn reconfiguring_credits_the_old_rate_and_clamps_tokens() {
        let mut bucket = TokenBucket::new(100.0, 100.0, ms(0));
        // Full at 100; cut to 10 per second with capacity 10: at most 10 are left.
        bucket.reconfigure(10.0, 10.0, ms(0));
        assert_eq!(bucket.tokens(), 10.0);
        for _ in 0..10 {
            bucket.try_take(ms(0)).unwrap();
        }
        assert_eq!(bucket.try_take(ms(0)), Err(ms(100)));
        assert_eq!(bucket.rate(), 10.0);
        // Raising the rate later does not conjure tokens for the past.
        bucket.reconfigure(1000.0, 1000.0, ms(50));
        assert!((bucket.tokens() - 0.5).abs() < 1e-9);
    }
}
