//! Policy and rule names for output: tables show `Standard limits (pol-1)` where the id alone
//! says nothing to a person.
//!
//! Looking names up costs two listings and is a courtesy, not the command's job: if either
//! listing fails (a key without access to policies, say), the output shows ids only and the
//! command still succeeds. `--json` output never depends on it.

use std::collections::HashMap;

use nylas_workspaces::Client;

use crate::render::escape;

/// What the application's policies and rules are called, as far as they could be listed.
#[derive(Debug, Default)]
pub struct Names {
    policies: HashMap<String, String>,
    rules: HashMap<String, String>,
}

impl Names {
    /// Lists policies and rules; a listing that fails leaves its map empty.
    pub async fn fetch(client: &Client) -> Self {
        let policies = match client.policies().collect_all().await {
            Ok(list) => list.into_iter().map(|p| (p.policy_id, p.name)).collect(),
            Err(_) => HashMap::new(),
        };
        let rules = match client.rules().collect_all().await {
            Ok(list) => list.into_iter().map(|r| (r.rule_id, r.name)).collect(),
            Err(_) => HashMap::new(),
        };
        Self { policies, rules }
    }

    /// The policy's name, when known and not empty.
    pub fn policy_name(&self, id: &str) -> Option<&str> {
        self.policies
            .get(id)
            .map(String::as_str)
            .filter(|n| !n.is_empty())
    }

    /// The rule's name, when known and not empty.
    pub fn rule_name(&self, id: &str) -> Option<&str> {
        self.rules
            .get(id)
            .map(String::as_str)
            .filter(|n| !n.is_empty())
    }

    /// `Name (id)` or just `id`, escaped for a terminal.
    pub fn policy(&self, id: &str) -> String {
        labelled(self.policy_name(id), id)
    }

    /// `Name (id)` or just `id`, escaped for a terminal.
    pub fn rule(&self, id: &str) -> String {
        labelled(self.rule_name(id), id)
    }
}

fn labelled(name: Option<&str>, id: &str) -> String {
    match name {
        Some(name) => format!("{} ({})", escape(name), escape(id)),
        None => escape(id).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_go_next_to_ids_and_are_escaped() {
        let names = Names {
            policies: HashMap::from([("p".to_owned(), "Std\u{1b}[2J".to_owned())]),
            rules: HashMap::from([("r".to_owned(), String::new())]),
        };
        assert_eq!(names.policy("p"), "Std\\u{1b}[2J (p)");
        assert_eq!(names.rule("r"), "r");
        assert_eq!(names.rule("other"), "other");
    }
}
