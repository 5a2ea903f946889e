//! A budget for retries, shared by every call of a client.
//!
//! Retrying each failure independently multiplies the load exactly when the server is
//! struggling: with 2 retries, an outage triples the traffic. Like the AWS SDKs' "standard"
//! retry strategy, retries here are paid from a bucket of tokens: a retry costs a few tokens (a
//! timeout more, since it tied up a connection for the whole allowance), a success puts a
//! little back. While failures are rare the bucket stays full and retries are free to happen;
//! when most calls fail, the bucket empties and errors are returned at once instead of being
//! retried, until successes refill it.

use std::sync::{Mutex, PoisonError};

use crate::error::{Error, Result};

/// How many retries a client may make in a row of failures (see the module docs).
///
/// The defaults (500 tokens, 5 per retry, 10 per retried timeout, 1 back per success) allow
/// 100 retries in a burst of failures, and refill by one retry for every five successes.
///
/// ```
/// use nylas_workspaces::pacing::RetryBudget;
///
/// let budget = RetryBudget::new(50).retry_cost(5).timeout_cost(10).success_refund(1);
/// assert_eq!(budget.capacity(), 50);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_refund: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_refund: 1,
        }
    }
}

impl RetryBudget {
    /// A full budget of `capacity` tokens with the default costs.
    pub fn new(capacity: u32) -> Self {
        Self {
            capacity,
            ..Self::default()
        }
    }

    /// Tokens taken by a retry after an HTTP error or a connection failure (default 5).
    pub fn retry_cost(mut self, cost: u32) -> Self {
        self.retry_cost = cost;
        self
    }

    /// Tokens taken by a retry after a timeout (default 10).
    pub fn timeout_cost(mut self, cost: u32) -> Self {
        self.timeout_cost = cost;
        self
    }

    /// Tokens returned by a call that succeeds at its first attempt (default 1). A call that
    /// succeeds after retrying returns what its last retry cost instead.
    pub fn success_refund(mut self, refund: u32) -> Self {
        self.success_refund = refund;
        self
    }

    /// The most tokens the budget holds (it starts full).
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.retry_cost == 0 || self.timeout_cost == 0 {
            return Err(Error::config(
                "retry budget costs must be at least 1 (a free retry would never be limited)",
            ));
        }
        Ok(())
    }
}

/// The live token count of a [`RetryBudget`].
#[derive(Debug)]
pub(crate) struct RetryTokens {
    config: RetryBudget,
    available: Mutex<u32>,
}

impl RetryTokens {
    pub(crate) fn new(config: RetryBudget) -> Self {
        Self {
            config,
            available: Mutex::new(config.capacity),
        }
    }

    pub(crate) fn available(&self) -> u32 {
        *self
            .available
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Pays for one retry; returns what it cost, or `None` when the budget cannot afford it.
    pub(crate) fn try_withdraw(&self, after_timeout: bool) -> Option<u32> {
        let cost = if after_timeout {
            self.config.timeout_cost
        } else {
            self.config.retry_cost
        };
        let mut available = self
            .available
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *available < cost {
            return None;
        }
        *available -= cost;
        Some(cost)
    }

    /// A call succeeded; `last_retry_cost` is what its last retry took, if it retried.
    pub(crate) fn on_success(&self, last_retry_cost: Option<u32>) {
        let refund = last_retry_cost.unwrap_or(self.config.success_refund);
        let mut available = self
            .available
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *available = available.saturating_add(refund).min(self.config.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_refused_when_the_tokens_run_out_and_allowed_again_after_successes() {
        let tokens = RetryTokens::new(RetryBudget::new(12).retry_cost(5).success_refund(1));
        assert_eq!(tokens.try_withdraw(false), Some(5));
        assert_eq!(tokens.try_withdraw(false), Some(5));
        assert_eq!(
            tokens.try_withdraw(false),
            None,
            "2 tokens left, a retry costs 5"
        );
        assert_eq!(tokens.available(), 2);
        for _ in 0..3 {
            tokens.on_success(None);
        }
        assert_eq!(tokens.try_withdraw(false), Some(5));
        assert_eq!(tokens.available(), 0);
    }

    #[test]
    fn timeouts_cost_more_and_a_successful_retry_is_refunded() {
        let tokens = RetryTokens::new(RetryBudget::new(20));
        assert_eq!(tokens.try_withdraw(true), Some(10));
        assert_eq!(tokens.available(), 10);
        tokens.on_success(Some(10));
        assert_eq!(tokens.available(), 20);
        // Never above the capacity.
        tokens.on_success(None);
        assert_eq!(tokens.available(), 20);
    }

    #[test]
    fn free_retries_are_refused() {
        assert!(RetryBudget::new(10).retry_cost(0).validate().is_err());
        assert!(RetryBudget::new(10).timeout_cost(0).validate().is_err());
        assert!(RetryBudget::default().validate().is_ok());
        // A zero capacity is allowed: it disables retries.
        assert!(RetryBudget::new(0).validate().is_ok());
    }
}
