//! Answers to POSTs that carried an `Idempotency-Key`, kept so a retry gets the original
//! answer instead of doing the work twice. Bounded, oldest first out, so a long-running
//! standalone emulator does not grow without limit.

use std::collections::{HashMap, VecDeque};

use serde_json::Value;

use crate::faults::Operation;

/// How many keyed answers are kept.
const CAPACITY: usize = 10_000;

type Key = (Operation, String);

#[derive(Debug, Default)]
pub(crate) struct IdempotencyStore {
    /// The body that was sent with each key, and the answer given.
    replies: HashMap<Key, (Vec<u8>, Value)>,
    order: VecDeque<Key>,
}

impl IdempotencyStore {
    pub(crate) fn get(&self, operation: Operation, key: &str) -> Option<&(Vec<u8>, Value)> {
        self.replies.get(&(operation, key.to_owned()))
    }

    pub(crate) fn insert(&mut self, operation: Operation, key: String, body: &[u8], reply: Value) {
        let key = (operation, key);
        if self
            .replies
            .insert(key.clone(), (body.to_vec(), reply))
            .is_none()
        {
            self.order.push_back(key);
        }
        while self.order.len() > CAPACITY {
            if let Some(oldest) = self.order.pop_front() {
                self.replies.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_capacity_answers_dropping_the_oldest() {
        let mut store = IdempotencyStore::default();
        for i in 0..=CAPACITY {
            store.insert(
                Operation::CreateWorkspace,
                format!("k{i}"),
                b"{}",
                Value::Null,
            );
        }
        assert!(store.get(Operation::CreateWorkspace, "k0").is_none());
        assert!(store.get(Operation::CreateWorkspace, "k1").is_some());
        assert!(
            store.get(Operation::AutoGroup, "k1").is_none(),
            "keys are per operation"
        );
        assert_eq!(store.replies.len(), CAPACITY);
    }
}
