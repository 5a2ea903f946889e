//! Seed data: the application's starting state, from a JSON file or built in Rust.
//!
//! ```json
//! {
//!   "application_id": "app-1",
//!   "default_workspace": true,
//!   "policies": ["policy-1"],
//!   "rules": ["rule-1", "rule-2"],
//!   "workspaces": [
//!     {"workspace_id": "ws-sales", "name": "Sales", "domain": "sales.example.com",
//!      "auto_group": true, "policy_id": "policy-1", "rule_ids": ["rule-1"]}
//!   ],
//!   "grants": [
//!     {"grant_id": "g-1", "email": "ann@sales.example.com"},
//!     {"email": "bob@example.org", "valid": false, "created_at": 1725273600}
//!   ]
//! }
//! ```
//!
//! Every key is optional. Seeded workspaces obey the same rules as `POST /v3/workspaces`
//! (unique domain, known policy and rules, `auto_group` only with a domain), so a seed can't
//! build a state the real API could not reach. Unknown keys are refused, so a typo is an error
//! rather than a silently ignored setting.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::catalog::{NewPolicy, NewRule};
use crate::error::EmulatorError;
use crate::model::NewGrant;

/// The starting state of an emulated application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// The application's ID; a fresh UUID when absent.
    #[serde(default)]
    pub application_id: Option<String>,
    /// Whether the application has a default workspace; overrides the configuration's choice.
    #[serde(default)]
    pub default_workspace: Option<bool>,
    /// A fixed ID for the default workspace.
    #[serde(default)]
    pub default_workspace_id: Option<String>,
    /// Policies that belong to the application: bare IDs or `{"id", "name"}` objects.
    #[serde(default)]
    pub policies: Vec<NewPolicy>,
    /// Rules that belong to the application: bare IDs or objects (see [`NewRule`]).
    #[serde(default)]
    pub rules: Vec<NewRule>,
    /// Workspaces besides the default one, created in order.
    #[serde(default)]
    pub workspaces: Vec<NewWorkspace>,
    /// Grants, added in order after the workspaces.
    #[serde(default)]
    pub grants: Vec<NewGrant>,
}

/// A workspace to seed: the body of `POST /v3/workspaces` plus an optional fixed ID.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewWorkspace {
    #[serde(default)]
    pub workspace_id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub auto_group: bool,
    #[serde(default)]
    pub policy_id: Option<String>,
    #[serde(default)]
    pub rule_ids: Vec<String>,
}

impl NewWorkspace {
    /// A workspace with this name and nothing else set.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            workspace_id: None,
            name: name.into(),
            domain: None,
            auto_group: false,
            policy_id: None,
            rule_ids: Vec::new(),
        }
    }

    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    #[must_use]
    pub fn auto_group(mut self, auto_group: bool) -> Self {
        self.auto_group = auto_group;
        self
    }

    #[must_use]
    pub fn workspace_id(mut self, id: impl Into<String>) -> Self {
        self.workspace_id = Some(id.into());
        self
    }

    #[must_use]
    pub fn policy_id(mut self, id: impl Into<String>) -> Self {
        self.policy_id = Some(id.into());
        self
    }

    #[must_use]
    pub fn rule_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.rule_ids = ids.into_iter().map(Into::into).collect();
        self
    }
}

impl Seed {
    /// Parses seed JSON.
    pub fn from_json(json: &str) -> Result<Self, EmulatorError> {
        serde_json::from_str(json).map_err(|e| EmulatorError::InvalidSeed(e.to_string()))
    }

    /// Reads and parses a seed file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, EmulatorError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| EmulatorError::SeedFile {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&text).map_err(|e| match e {
            EmulatorError::InvalidSeed(msg) => {
                EmulatorError::InvalidSeed(format!("{}: {msg}", path.display()))
            }
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let doc = include_str!("seed.rs");
        let start = doc.find("//! ```json").unwrap();
        let end = start + doc[start..].find("//! ```\n//!\n").unwrap();
        let json: String = doc[start..end]
            .lines()
            .skip(1)
            .map(|l| l.trim_start_matches("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let seed = Seed::from_json(&json).unwrap();
        assert_eq!(seed.workspaces.len(), 1);
        assert_eq!(seed.grants.len(), 2);
        assert!(!seed.grants[1].valid);
    }

    #[test]
    fn typos_are_errors() {
        let err = Seed::from_json(r#"{"grant": []}"#).unwrap_err();
        assert!(err.to_string().contains("grant"), "{err}");
    }

    #[test]
    fn missing_file_is_a_typed_error() {
        let err = Seed::from_file("/definitely/not/here.json").unwrap_err();
        assert!(matches!(err, EmulatorError::SeedFile { .. }));
    }
}
