//! A tiny seedable random number generator (SplitMix64).
//!
//! The emulator needs randomness for two things only: IDs that look like Nylas's UUIDs, and
//! the dice rolled for injected faults. Both must be reproducible when a test asks for it, so
//! the generator is seedable and has no global state; it is not meant for cryptography.

use std::time::{SystemTime, UNIX_EPOCH};

/// A SplitMix64 generator: small, fast, and good enough for test doubles.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// A seed that differs between runs, for callers that did not ask for determinism.
    pub(crate) fn from_entropy() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        // Mix in an address so two emulators started in the same nanosecond still differ.
        let local = 0u8;
        let addr = std::ptr::addr_of!(local) as u64;
        Self::new(nanos ^ addr.rotate_left(32) ^ u64::from(std::process::id()))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in `[0, 1)`.
    pub(crate) fn next_unit(&mut self) -> f64 {
        // 53 random bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A random version-4 UUID in its usual hyphenated, lower-case form.
    pub(crate) fn next_uuid(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_sequence() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        assert_eq!(a.next_uuid(), b.next_uuid());
        assert_eq!(a.next_unit().to_bits(), b.next_unit().to_bits());
    }

    #[test]
    fn uuids_have_the_v4_shape() {
        let mut rng = SplitMix64::new(1);
        let id = rng.next_uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        assert!(matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(id, rng.next_uuid());
    }

    #[test]
    fn unit_floats_stay_in_range() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..10_000 {
            let x = rng.next_unit();
            assert!((0.0..1.0).contains(&x));
        }
    }
}
