//! The emulator's clock: the system's, or a manual one that tests set and advance, so the
//! one-auto-group-per-minute limit and the rate limiter can be tested without sleeping.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The earliest Unix time (seconds) a manual clock can show: 0001-01-01T00:00:00Z.
pub(crate) const MIN_SECS: i64 = -62_135_596_800;
/// The latest Unix time (seconds) a manual clock can show: 9999-12-31T23:59:59Z. Keeping the
/// clock between these years keeps every "time plus interval" far from the ends of `i64`.
pub(crate) const MAX_SECS: i64 = 253_402_300_799;

const MIN_MS: i64 = MIN_SECS * 1000;
const MAX_MS: i64 = MAX_SECS * 1000 + 999;

/// Whether a manual clock can be set to this Unix time (seconds).
pub(crate) fn in_range(unix_secs: i64) -> bool {
    (MIN_SECS..=MAX_SECS).contains(&unix_secs)
}

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

    /// A manual clock frozen at this Unix time (seconds), held between [`MIN_SECS`] and
    /// [`MAX_SECS`].
    pub(crate) fn manual(unix_secs: i64) -> Self {
        Self::Manual(unix_secs.clamp(MIN_SECS, MAX_SECS) * 1000)
    }

    /// Moves the clock forward, stopping at [`MAX_SECS`]; a system clock becomes a manual
    /// one first.
    pub(crate) fn advance(&mut self, by: Duration) {
        let by_ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let now = self.now_ms().clamp(MIN_MS, MAX_MS);
        *self = Self::Manual(now.saturating_add(by_ms).min(MAX_MS));
    }

    /// The Unix time (seconds) after moving forward by `by`, or `None` past [`MAX_SECS`].
    pub(crate) fn secs_after(self, by: Duration) -> Option<i64> {
        let by_ms = i64::try_from(by.as_millis()).ok()?;
        let later = self.now_ms().checked_add(by_ms)?;
        (later <= MAX_MS).then(|| later.div_euclid(1000))
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

    #[test]
    fn a_manual_clock_stays_within_years_1_to_9999() {
        assert_eq!(Clock::manual(i64::MAX).now_secs(), MAX_SECS);
        assert_eq!(Clock::manual(i64::MIN).now_secs(), MIN_SECS);
        let mut clock = Clock::manual(MAX_SECS);
        clock.advance(Duration::MAX);
        assert_eq!(clock.now_secs(), MAX_SECS);
        assert_eq!(clock.secs_after(Duration::from_secs(1)), None);
        assert_eq!(Clock::manual(0).secs_after(Duration::from_secs(5)), Some(5));
        assert!(in_range(0) && in_range(MAX_SECS) && !in_range(MAX_SECS + 1));
    }
}
