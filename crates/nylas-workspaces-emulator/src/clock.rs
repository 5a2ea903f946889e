//! The emulator's clock: the system's, or a manual one that tests set and advance, so the
//! one-auto-group-per-minute limit and the rate limiter can be tested without sleeping.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clock {
    System,
    /// Frozen at this Unix time in milliseconds until moved.
    Manual(i64),
}

impl Clock {
    pub(crate) fn now_ms(self) -> i64 {
        match self {
            Self::System => system_now_ms(),
            Self::Manual(ms) => ms,
        }
    }

    pub(crate) fn now_secs(self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves the clock forward; a system clock becomes a manual one first.
    pub(crate) fn advance(&mut self, by: Duration) {
        let by_ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        *self = Self::Manual(self.now_ms().saturating_add(by_ms));
    }
}

fn system_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_only_moves_when_told() {
        let mut clock = Clock::Manual(1_000_000);
        assert_eq!(clock.now_secs(), 1000);
        clock.advance(Duration::from_millis(1500));
        assert_eq!(clock.now_ms(), 1_001_500);
        let mut system = Clock::System;
        system.advance(Duration::from_secs(60));
        assert!(matches!(system, Clock::Manual(_)));
    }
}
