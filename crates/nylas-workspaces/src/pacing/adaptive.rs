//! The adaptive rate: how fast to send, learned from the server's 429s.
//!
//! The shape follows the "adaptive retry" client rate limiter of the AWS SDKs (smithy-rs),
//! which borrows CUBIC from TCP congestion control: a 429 cuts the rate to `BETA` times the
//! rate at which it happened (multiplicative decrease), and from then on the rate follows a
//! cubic curve in the time since that cut: it climbs back quickly, flattens out as it nears
//! the rate that was throttled (where the limit probably is), then probes above it ever
//! faster. A client that starts too fast therefore settles just under the server's real limit,
//! and one sharing the limit with others keeps finding its share as they come and go.
//!
//! Pure arithmetic over times passed in by the caller, so it is unit-tested without a clock.

use std::time::Duration;

/// The factor a 429 multiplies the rate by.
pub(crate) const BETA: f64 = 0.7;
/// How steep the cubic is (rate per second cubed); smithy-rs's value.
const SCALE: f64 = 0.4;
/// The rate is never cut below this many requests per second.
pub(crate) const MIN_RATE: f64 = 0.5;
/// Nor raised above this, whatever the curve says.
pub(crate) const MAX_RATE: f64 = 100_000.0;
/// Sends are counted in windows of this length to measure the rate actually used.
const WINDOW_SECS: f64 = 0.5;
/// Weight of the newest window in the smoothed measurement.
const SMOOTHING: f64 = 0.8;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CubicRate {
    rate: f64,
    /// The rate growth may always reach, used or not: the rate the caller configured.
    configured: f64,
    /// The rate at the last cut (the cubic's plateau).
    plateau: f64,
    /// When the last cut happened, in seconds since the clock's origin (may be negative for
    /// the synthetic starting point).
    cut_at: f64,
    /// Seconds from a cut until the curve is back at the plateau.
    recovery: f64,
    measured: SendRate,
}

impl CubicRate {
    /// Starts at `rate` as if the curve had just climbed back to it: growth from here on is
    /// slow at first and speeds up only while no 429 arrives.
    pub(crate) fn new(rate: f64, now: Duration) -> Self {
        let recovery = recovery_secs(rate);
        Self {
            rate,
            configured: rate,
            plateau: rate,
            cut_at: now.as_secs_f64() - recovery,
            recovery,
            measured: SendRate::default(),
        }
    }

    #[cfg(test)]
    fn rate(&self) -> f64 {
        self.rate
    }

    /// Notes that a request was sent.
    pub(crate) fn on_send(&mut self, now: Duration) {
        self.measured.record(now.as_secs_f64());
    }

    /// An answer that was not a 429: follow the curve, but never grow beyond twice the rate
    /// actually used (or the configured rate), so an idle client does not drift to a rate it
    /// never tested.
    pub(crate) fn on_success(&mut self, now: Duration) -> f64 {
        // Before the curve restarts (during a server-requested pause) it stays at the cut rate.
        let t = (now.as_secs_f64() - self.cut_at).max(0.0) - self.recovery;
        let curve = SCALE * t * t * t + self.plateau;
        let ceiling = (2.0 * self.measured.rate()).max(self.configured);
        self.rate = curve.min(ceiling).clamp(MIN_RATE, MAX_RATE);
        self.rate
    }

    /// A 429: the current rate was too fast. Cut it, and restart the curve at `resume_at`
    /// (the end of the pause the server asked for, or now). Were the curve to start at once,
    /// it would climb back during the pause, and the first burst after it would meet the
    /// server at nearly the rate that was just refused.
    pub(crate) fn on_throttle(&mut self, resume_at: Duration) -> f64 {
        self.plateau = self.rate;
        self.recovery = recovery_secs(self.plateau);
        self.cut_at = resume_at.as_secs_f64();
        self.rate = (self.plateau * BETA).clamp(MIN_RATE, MAX_RATE);
        self.rate
    }
}

/// Seconds the cubic needs to climb from `BETA * plateau` back to `plateau`.
fn recovery_secs(plateau: f64) -> f64 {
    (plateau * (1.0 - BETA) / SCALE).cbrt()
}

/// A smoothed count of requests per second, measured over fixed windows.
#[derive(Debug, Clone, Default, PartialEq)]
struct SendRate {
    window_start: Option<f64>,
    count: u64,
    rate: f64,
}

impl SendRate {
    fn record(&mut self, now: f64) {
        let window = (now / WINDOW_SECS).floor() * WINDOW_SECS;
        match self.window_start {
            None => self.window_start = Some(window),
            Some(start) if window > start => {
                let current = self.count as f64 / (window - start);
                self.rate = current * SMOOTHING + self.rate * (1.0 - SMOOTHING);
                self.count = 0;
                self.window_start = Some(window);
            }
            Some(_) => {}
        }
        self.count += 1;
    }

    fn rate(&self) -> f64 {
        self.rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn a_429_cuts_by_beta_and_the_curve_returns_to_the_plateau() {
        let mut cubic = CubicRate::new(100.0, secs(0.0));
        // Used at full speed, so the measurement does not cap growth.
        for i in 0..200 {
            cubic.on_send(secs(f64::from(i) * 0.01));
        }
        assert_eq!(cubic.on_throttle(secs(2.0)), 70.0);
        // Right after the cut the curve is at the cut rate, then climbs...
        assert!((cubic.on_success(secs(2.0)) - 70.0).abs() < 1e-9);
        let back = recovery_secs(100.0);
        // ...reaches the old rate after `recovery` seconds, and flattens there.
        assert!((cubic.on_success(secs(2.0 + back)) - 100.0).abs() < 1e-9);
        let later = cubic.on_success(secs(2.0 + back + 1.0));
        assert!(later > 100.0 && later < 101.0, "{later}");
    }

    #[test]
    fn the_curve_waits_for_the_end_of_a_pause() {
        let mut cubic = CubicRate::new(50.0, secs(0.0));
        for i in 0..100 {
            cubic.on_send(secs(f64::from(i) * 0.02));
        }
        // Refused at t = 2 with a 1 s pause: the curve restarts at t = 3.
        assert_eq!(cubic.on_throttle(secs(3.0)), 35.0);
        assert_eq!(cubic.on_success(secs(2.5)), 35.0);
        assert_eq!(cubic.on_success(secs(3.0)), 35.0);
        assert!(cubic.on_success(secs(4.0)) > 35.0);
    }

    #[test]
    fn repeated_429s_converge_geometrically_and_stop_at_the_floor() {
        let mut cubic = CubicRate::new(200.0, secs(0.0));
        let rates: Vec<f64> = (0..4)
            .map(|i| cubic.on_throttle(secs(f64::from(i))))
            .collect();
        let expected = [140.0, 98.0, 68.6, 48.02];
        for (got, want) in rates.iter().zip(expected) {
            assert!((got - want).abs() < 1e-9, "{rates:?}");
        }
        for i in 0..100 {
            cubic.on_throttle(secs(10.0 + f64::from(i)));
        }
        assert_eq!(cubic.rate(), MIN_RATE);
    }

    #[test]
    fn an_idle_client_does_not_grow_past_what_it_configured_or_used() {
        let mut cubic = CubicRate::new(40.0, secs(0.0));
        // Nothing sent for an hour: the curve would be enormous, the ceiling is 40.
        assert_eq!(cubic.on_success(secs(3600.0)), 40.0);
        // Used at 100 per second (above the configured rate): growth may reach 200.
        for i in 0..1000 {
            cubic.on_send(secs(3600.0 + f64::from(i) * 0.01));
        }
        let grown = cubic.on_success(secs(7200.0));
        assert!((grown - 200.0).abs() < 1.0, "{grown}");
    }

    #[test]
    fn the_send_rate_is_measured_per_window() {
        let mut rate = SendRate::default();
        // 50 per second for 3 seconds.
        for i in 0..150 {
            rate.record(f64::from(i) * 0.02);
        }
        assert!((rate.rate() - 50.0).abs() < 1.0, "{}", rate.rate());
    }
}
