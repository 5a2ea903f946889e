//! The shared limiter: a token bucket behind a lock, a pause that every caller honours, and
//! (in adaptive mode) a rate that follows the server's 429s.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::adaptive::{CubicRate, MAX_RATE, MIN_RATE};
use super::clock::{Clock, SystemClock};
use super::token_bucket::TokenBucket;
use crate::error::{Error, Result};

/// Requests per second of the pacing bulk manual assignment gets by default: below Nylas's
/// limit of about 50 per second per application, so a bulk job leaves room for the
/// application's other calls and rarely sees a 429 at all.
pub const DEFAULT_BULK_RATE: f64 = 40.0;

/// A token-bucket rate: `rate` requests per second on average, up to `burst` at once.
///
/// ```
/// use nylas_workspaces::pacing::RateLimit;
///
/// // At most 20 requests per second, 5 at once.
/// let fixed = RateLimit::new(20.0).burst(5);
/// // Start at 200 per second and let the server's 429s find the real limit.
/// let adaptive = RateLimit::adaptive(200.0);
/// assert!(adaptive.is_adaptive() && !fixed.is_adaptive());
/// assert_eq!(fixed.burst_size(), 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    rate: f64,
    burst: u32,
    adaptive: bool,
}

impl RateLimit {
    /// A fixed rate, with a burst of one second's worth of requests (at least 1).
    pub fn new(requests_per_second: f64) -> Self {
        Self {
            rate: requests_per_second,
            burst: default_burst(requests_per_second),
            adaptive: false,
        }
    }

    /// An adaptive rate starting at `requests_per_second`: a 429 cuts it (to 70 %) and it
    /// then probes back up, so it settles near the server's real limit. Its burst follows
    /// the current rate (one second's worth), never above the configured burst.
    pub fn adaptive(requests_per_second: f64) -> Self {
        Self {
            adaptive: true,
            ..Self::new(requests_per_second)
        }
    }

    /// How many requests may go out at once after a quiet spell (at least 1).
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst;
        self
    }

    /// Turns adaptive mode on or off.
    pub fn with_adaptive(mut self, adaptive: bool) -> Self {
        self.adaptive = adaptive;
        self
    }

    /// The configured (starting) rate in requests per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The configured burst.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }

    /// Whether the rate adapts to 429s.
    pub fn is_adaptive(&self) -> bool {
        self.adaptive
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if !(self.rate.is_finite() && (MIN_RATE..=MAX_RATE).contains(&self.rate)) {
            return Err(Error::config(format!(
                "a rate limit must be between {MIN_RATE} and {MAX_RATE} requests per second, \
                 not {}",
                self.rate
            )));
        }
        if self.burst == 0 {
            return Err(Error::config("a rate limit's burst must be at least 1"));
        }
        Ok(())
    }
}

fn default_burst(rate: f64) -> u32 {
    if rate.is_finite() && rate >= 1.0 {
        rate.min(f64::from(u32::MAX)).ceil() as u32
    } else {
        1
    }
}

/// What a limiter has done so far, for reports and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[non_exhaustive]
pub struct PacingStats {
    /// Requests let through.
    pub requests: u64,
    /// 429 answers reported back.
    pub throttled: u64,
    /// Times the adaptive rate was cut (at most one per round of requests in flight).
    pub rate_cuts: u64,
    /// The current rate in requests per second.
    pub current_rate: f64,
}

/// A live token bucket shared by every request made through it.
///
/// Cloning shares the bucket, so one limiter can pace several clients, for example the
/// clients of different regions or keys of the same application
/// ([`ClientBuilder::rate_limiter`](crate::ClientBuilder::rate_limiter)).
#[derive(Clone)]
pub struct RateLimiter {
    shared: Arc<Shared>,
}

struct Shared {
    limit: RateLimit,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

struct State {
    bucket: TokenBucket,
    cubic: Option<CubicRate>,
    /// No request goes out before this time (a `Retry-After` pause).
    paused_until: Duration,
    /// Bumped at every rate cut. A 429 for a request sent before the latest cut was caused by
    /// the old rate and does not cut again: the requests in flight when the server started
    /// refusing all come back refused, and that is one signal, not several.
    epoch: u64,
    stats: PacingStats,
}

/// Proof that a request was let through, to report its answer with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Permit {
    epoch: u64,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("limit", &self.shared.limit)
            .field("current_rate", &self.current_rate())
            .finish()
    }
}

impl RateLimiter {
    /// A limiter on real time. Fails with [`Error::Config`] for a rate that is not a positive
    /// finite number in range or a burst of 0.
    pub fn new(limit: RateLimit) -> Result<Self> {
        Self::with_clock(limit, Arc::new(SystemClock::new()))
    }

    /// A limiter on the given clock (a [`ManualClock`](super::ManualClock) in tests).
    pub fn with_clock(limit: RateLimit, clock: Arc<dyn Clock>) -> Result<Self> {
        limit.validate()?;
        let now = clock.now();
        let cubic = limit.adaptive.then(|| CubicRate::new(limit.rate, now));
        let bucket = TokenBucket::new(limit.rate, capacity(&limit, limit.rate), now);
        Ok(Self {
            shared: Arc::new(Shared {
                limit,
                clock,
                state: Mutex::new(State {
                    bucket,
                    cubic,
                    paused_until: Duration::ZERO,
                    epoch: 0,
                    stats: PacingStats {
                        current_rate: limit.rate,
                        ..PacingStats::default()
                    },
                }),
            }),
        })
    }

    /// The configuration it was made with.
    pub fn limit(&self) -> RateLimit {
        self.shared.limit
    }

    /// The rate now in force, in requests per second (changes only in adaptive mode).
    pub fn current_rate(&self) -> f64 {
        self.state().bucket.rate()
    }

    /// Counters since the limiter was made.
    pub fn stats(&self) -> PacingStats {
        self.state().stats
    }

    /// Whether two handles share one bucket.
    pub fn same_as(&self, other: &RateLimiter) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until a request may go out. Callers that wake together re-check, so a rate cut
    /// or a pause that happens while they wait applies to them too.
    pub(crate) async fn acquire(&self) -> Permit {
        loop {
            let (wait, paused) = {
                let mut state = self.state();
                let now = self.shared.clock.now();
                if now < state.paused_until {
                    (state.paused_until - now, true)
                } else {
                    match state.bucket.try_take(now) {
                        Ok(()) => {
                            state.stats.requests += 1;
                            if let Some(cubic) = &mut state.cubic {
                                cubic.on_send(now);
                            }
                            return Permit { epoch: state.epoch };
                        }
                        Err(wait) => (wait, false),
                    }
                }
            };
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                paused,
                "waiting for the rate limiter"
            );
            self.shared.clock.sleep(wait).await;
        }
    }

    /// Reports the answer to a permitted request. `throttled` is a 429; its `retry_after`
    /// (at most `max_pause`) pauses every caller. Transport failures, where no answer came,
    /// are not reported: they say nothing about the server's limit.
    pub(crate) fn on_answer(
        &self,
        permit: Permit,
        throttled: bool,
        retry_after: Option<Duration>,
        max_pause: Duration,
    ) {
        let mut state = self.state();
        let now = self.shared.clock.now();
        let limit = self.shared.limit;
        if !throttled {
            if let Some(cubic) = &mut state.cubic {
                let rate = cubic.on_success(now);
                state.bucket.reconfigure(rate, capacity(&limit, rate), now);
                state.stats.current_rate = rate;
            }
            return;
        }
        state.stats.throttled += 1;
        // Events are emitted after the lock is released: a subscriber may take other locks
        // (the Python bridge takes the GIL), and none of them may wait behind this one.
        let mut paused_for = None;
        if let Some(wait) = retry_after.filter(|w| *w <= max_pause) {
            if now + wait > state.paused_until {
                paused_for = Some(wait);
            }
            state.paused_until = state.paused_until.max(now + wait);
        }
        let resume_at = state.paused_until.max(now);
        let mut cut_to = None;
        if permit.epoch == state.epoch
            && let Some(cubic) = &mut state.cubic
        {
            let rate = cubic.on_throttle(resume_at);
            state.bucket.reconfigure(rate, capacity(&limit, rate), now);
            state.epoch += 1;
            state.stats.rate_cuts += 1;
            state.stats.current_rate = rate;
            cut_to = Some(rate);
        }
        drop(state);
        if let Some(wait) = paused_for {
            tracing::info!(
                wait_ms = wait.as_millis() as u64,
                "the server asked for a pause (Retry-After); every caller of the limiter waits"
            );
        }
        if let Some(rate) = cut_to {
            tracing::debug!(rate, "rate limited by the server; pacing slower");
        }
    }
}

/// The bucket's capacity at `rate`: the configured burst, or in adaptive mode one second's
/// worth of the current rate if that is less, so a cut rate cannot be undone by a burst.
fn capacity(limit: &RateLimit, rate: f64) -> f64 {
    let burst = f64::from(limit.burst);
    if limit.adaptive {
        burst.min(rate).max(1.0)
    } else {
        burst
    }
}

#[cfg(test)]
mod tests {
    use super::super::ManualClock;
    use super::*;

    fn limiter(limit: RateLimit) -> (RateLimiter, ManualClock) {
        let clock = ManualClock::new();
        let limiter = RateLimiter::with_clock(limit, Arc::new(clock.clone())).unwrap();
        (limiter, clock)
    }

    #[tokio::test]
    async fn a_fixed_limiter_lets_the_burst_through_then_spaces_requests() {
        let (limiter, clock) = limiter(RateLimit::new(10.0).burst(2));
        limiter.acquire().await;
        limiter.acquire().await;
        assert_eq!(clock.now(), Duration::ZERO, "the burst needs no wait");
        limiter.acquire().await;
        let t = clock.now().as_secs_f64();
        assert!((t - 0.1).abs() < 1e-6, "{t}");
        for _ in 0..10 {
            limiter.acquire().await;
        }
        let t = clock.now().as_secs_f64();
        assert!((t - 1.1).abs() < 1e-6, "{t}");
        assert_eq!(limiter.stats().requests, 13);
    }

    #[tokio::test]
    async fn retry_after_pauses_every_caller_without_a_rate_cut_in_fixed_mode() {
        let (limiter, clock) = limiter(RateLimit::new(100.0));
        let permit = limiter.acquire().await;
        limiter.on_answer(
            permit,
            true,
            Some(Duration::from_secs(2)),
            Duration::from_secs(60),
        );
        limiter.acquire().await;
        assert!(clock.now() >= Duration::from_secs(2));
        assert_eq!(limiter.current_rate(), 100.0);
        // A wait above the cap is not a pause (the caller gets the error instead).
        let before = clock.now();
        let permit = limiter.acquire().await;
        limiter.on_answer(
            permit,
            true,
            Some(Duration::from_secs(600)),
            Duration::from_secs(60),
        );
        limiter.acquire().await;
        assert!(clock.now() - before < Duration::from_secs(1));
        assert_eq!(limiter.stats().throttled, 2);
    }

    #[tokio::test]
    async fn requests_in_flight_when_the_server_refuses_cut_the_rate_once() {
        let (limiter, _clock) = limiter(RateLimit::adaptive(100.0));
        let permits = [
            limiter.acquire().await,
            limiter.acquire().await,
            limiter.acquire().await,
        ];
        for permit in permits {
            limiter.on_answer(permit, true, None, Duration::from_secs(60));
        }
        assert_eq!(limiter.stats().rate_cuts, 1);
        assert!((limiter.current_rate() - 70.0).abs() < 1e-9);
        // A request sent after the cut that is refused again cuts again.
        let permit = limiter.acquire().await;
        limiter.on_answer(permit, true, None, Duration::from_secs(60));
        assert!((limiter.current_rate() - 49.0).abs() < 1e-9);
        assert_eq!(limiter.stats().throttled, 4);
    }

    #[test]
    fn bad_limits_are_config_errors() {
        for limit in [
            RateLimit::new(0.0),
            RateLimit::new(-3.0),
            RateLimit::new(f64::NAN),
            RateLimit::new(f64::INFINITY),
            RateLimit::new(1e9),
            RateLimit::new(10.0).burst(0),
        ] {
            let err = RateLimiter::new(limit).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{limit:?}: {err:?}");
        }
        assert_eq!(RateLimit::new(0.5).burst_size(), 1);
        assert_eq!(RateLimit::new(40.0).burst_size(), 40);
        assert_eq!(RateLimit::new(2.5).burst_size(), 3);
    }

    /// The whole loop on simulated time: an adaptive client starting at 200 per second
    /// against a server bucket of 50 per second (burst 50) that answers 429 with a
    /// whole-second `Retry-After`, as Nylas and the emulator do. One request at a time.
    #[tokio::test]
    async fn an_adaptive_client_converges_to_the_servers_limit_in_simulation() {
        let (limiter, clock) = limiter(RateLimit::adaptive(200.0));
        let mut server = TokenBucket::new(50.0, 50.0, Duration::ZERO);
        let mut ok_after_warmup = 0u32;
        let mut refused_after_warmup = 0u32;
        let warmup = Duration::from_secs(5);
        let end = Duration::from_secs(65);
        while clock.now() < end {
            let permit = limiter.acquire().await;
            let now = clock.now();
            match server.try_take(now) {
                Ok(()) => {
                    limiter.on_answer(permit, false, None, Duration::from_secs(60));
                    if now >= warmup {
                        ok_after_warmup += 1;
                    }
                }
                Err(wait) => {
                    let whole = Duration::from_secs(wait.as_secs_f64().ceil().max(1.0) as u64);
                    limiter.on_answer(permit, true, Some(whole), Duration::from_secs(60));
                    if now >= warmup {
                        refused_after_warmup += 1;
                    }
                }
            }
        }
        let sent = ok_after_warmup + refused_after_warmup;
        let throughput = f64::from(ok_after_warmup) / (end - warmup).as_secs_f64();
        assert!(
            throughput >= 0.9 * 50.0,
            "{throughput} per second after warm-up"
        );
        assert!(
            f64::from(refused_after_warmup) <= 0.02 * f64::from(sent),
            "{refused_after_warmup} of {sent} refused after warm-up"
        );
        let rate = limiter.current_rate();
        assert!((25.0..=80.0).contains(&rate), "settled at {rate}");
    }
}
