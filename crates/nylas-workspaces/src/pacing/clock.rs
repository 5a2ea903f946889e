//! Where the pacing code gets the time and how it waits.
//!
//! Pacing decisions depend on elapsed time, and testing them by sleeping would make tests slow
//! and flaky. Everything time-dependent in the client (the rate limiter and the waits between
//! retries) goes through a [`Clock`], so tests substitute a [`ManualClock`] whose "sleep"
//! simply moves its own time forward.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A future returned by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A monotonic time source that can also wait.
///
/// `now` is measured from an arbitrary origin fixed when the clock is made; only differences
/// between readings matter.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The time elapsed since the clock's origin.
    fn now(&self) -> Duration;
    /// Waits for `duration` of this clock's time.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// Real time: [`Instant`] for reading, `tokio::time::sleep` for waiting. The default.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The callback a [`ManualClock`] runs whenever it moves.
type OnAdvance = Arc<dyn Fn(Duration) + Send + Sync>;

/// Simulated time for tests: it stands still until advanced, and `sleep` advances it by the
/// requested duration and returns at once. An optional callback sees every advance, so a test
/// can move another clock (an emulator's, say) in step.
///
/// Sleeping advances the shared time, so overlapping sleeps from concurrent tasks add up
/// rather than overlap; simulations that need exact time should make one request at a time.
///
/// ```
/// use std::time::Duration;
/// use nylas_workspaces::pacing::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// clock.advance(Duration::from_millis(250));
/// assert_eq!(clock.now(), Duration::from_millis(250));
/// ```
#[derive(Clone, Default)]
pub struct ManualClock {
    now: Arc<Mutex<Duration>>,
    on_advance: Option<OnAdvance>,
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManualClock")
            .field("now", &self.now())
            .field("on_advance", &self.on_advance.is_some())
            .finish()
    }
}

impl ManualClock {
    /// A clock at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `callback` with every duration the clock moves forward by.
    pub fn on_advance(mut self, callback: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.on_advance = Some(Arc::new(callback));
        self
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        {
            let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
            *now = now.saturating_add(by);
        }
        if let Some(callback) = &self.on_advance {
            callback(by);
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        self.advance(duration);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[tokio::test]
    async fn manual_sleep_moves_time_and_tells_the_callback() {
        let seen = Arc::new(AtomicU64::new(0));
        let record = Arc::clone(&seen);
        let clock = ManualClock::new().on_advance(move |by| {
            record.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
        });
        clock.sleep(Duration::from_secs(2)).await;
        clock.advance(Duration::from_millis(5));
        assert_eq!(clock.now(), Duration::from_millis(2005));
        assert_eq!(seen.load(Ordering::SeqCst), 2005);
        let copy = clock.clone();
        copy.advance(Duration::from_millis(1));
        assert_eq!(
            clock.now(),
            Duration::from_millis(2006),
            "clones share time"
        );
    }
}
