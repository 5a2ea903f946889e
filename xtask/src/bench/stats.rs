//! The few statistics the report uses: medians and ranges of samples, and of ratios taken
//! round by round.
//!
//! On a shared, noisy machine a lone absolute time says little, so every comparison in the
//! report is a ratio of two measurements taken side by side in the same round (A, B, A,
//! B, ...), summarised by its median, with the min–max of the rounds to show the spread.

use serde::Serialize;

/// The median and range of a set of samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

/// Summarises `samples`, ignoring values that are not finite (a zero-time round, say); `None`
/// when nothing is left.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    let mut values: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    Some(Summary {
        median,
        min: values[0],
        max: values[n - 1],
        n,
    })
}

/// The round-by-round ratios `numerator[i] / denominator[i]`, summarised. Rounds beyond the
/// shorter list are ignored.
pub fn ratio(numerator: &[f64], denominator: &[f64]) -> Option<Summary> {
    let per_round: Vec<f64> = numerator
        .iter()
        .zip(denominator)
        .map(|(n, d)| n / d)
        .collect();
    summarize(&per_round)
}

/// Each sample divided by a fixed reference (an ideal time, a budget), summarised.
pub fn ratio_to(samples: &[f64], reference: f64) -> Option<Summary> {
    let per_run: Vec<f64> = samples.iter().map(|s| s / reference).collect();
    summarize(&per_run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let odd = summarize(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!((odd.median, odd.min, odd.max, odd.n), (3.0, 1.0, 5.0, 3));
        let even = summarize(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(even.median, 2.5);
    }

    #[test]
    fn nothing_to_summarise_is_none() {
        assert_eq!(summarize(&[]), None);
        assert_eq!(summarize(&[f64::NAN, f64::INFINITY]), None);
    }

    #[test]
    fn ratios_are_taken_round_by_round() {
        // Round 2 is noisy for both: the per-round ratio stays 2, the ratio of medians would not.
        let slow = [2.0, 20.0, 2.2];
        let fast = [1.0, 10.0, 1.1];
        let r = ratio(&slow, &fast).unwrap();
        assert_eq!((r.median, r.min, r.max, r.n), (2.0, 2.0, 2.0, 3));
    }

    #[test]
    fn a_zero_denominator_round_is_skipped() {
        let r = ratio(&[1.0, 2.0], &[0.0, 1.0]).unwrap();
        assert_eq!(r.n, 1);
        assert_eq!(r.median, 2.0);
    }

    #[test]
    fn ratio_to_a_reference() {
        let r = ratio_to(&[0.6, 0.5, 0.7], 0.5).unwrap();
        assert!((r.median - 1.2).abs() < 1e-12);
        assert!((r.max - 1.4).abs() < 1e-12);
    }
}
