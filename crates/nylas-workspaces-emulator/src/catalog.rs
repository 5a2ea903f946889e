//! The application's policies and rules: what a seed, the admin API or Rust adds, and what
//! the emulator keeps of them.
//!
//! A workspace refers to them by ID only, but users read them by name (`GET /v3/policies`,
//! `GET /v3/rules`), so each carries a name and the few fields the read side shows. A seed
//! may still list bare IDs, as before names existed.

use serde::{Deserialize, Serialize};

/// A policy to add: a name and, optionally, a fixed ID.
///
/// In a seed file a policy is either such an object (`{"id": "p-1", "name": "Strict"}`) or
/// a bare ID string, which gets the name `Policy <id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPolicy {
    /// A fixed policy ID; a fresh UUID when `None`.
    pub id: Option<String>,
    /// The policy's name; `Policy <id>` when `None`.
    pub name: Option<String>,
}

impl NewPolicy {
    /// A policy with this name and a fresh ID.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: None,
            name: Some(name.into()),
        }
    }

    /// Gives the policy a fixed ID.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFields {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

impl<'de> Deserialize<'de> for NewPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Id(String),
            Fields(PolicyFields),
        }
        match Form::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom(
                "a policy is an ID string or an object with optional `id` and `name`",
            )
        })? {
            Form::Id(id) => Ok(Self {
                id: Some(id),
                name: None,
            }),
            Form::Fields(PolicyFields { id, name }) => Ok(Self { id, name }),
        }
    }
}

/// A rule to add: a name and, optionally, a fixed ID and the fields the read side shows.
///
/// In a seed file a rule is either such an object or a bare ID string (named `Rule <id>`).
/// Omitted fields take Nylas's defaults: priority 10, enabled, trigger `inbound`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRule {
    /// A fixed rule ID; a fresh UUID when `None`.
    pub id: Option<String>,
    /// The rule's name; `Rule <id>` when `None`.
    pub name: Option<String>,
    /// What the rule is for; not sent when `None`.
    pub description: Option<String>,
    /// Evaluation order, 0 to 1000 (default 10).
    pub priority: i64,
    /// Whether the rule applies (default true).
    pub enabled: bool,
    /// `inbound` or `outbound` (default `inbound`).
    pub trigger: String,
}

/// Nylas's default rule priority.
pub const DEFAULT_RULE_PRIORITY: i64 = 10;
/// The highest rule priority Nylas accepts.
pub const MAX_RULE_PRIORITY: i64 = 1000;

impl NewRule {
    /// An enabled inbound rule with this name, priority 10 and a fresh ID.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::unnamed()
        }
    }

    pub(crate) fn unnamed() -> Self {
        Self {
            id: None,
            name: None,
            description: None,
            priority: DEFAULT_RULE_PRIORITY,
            enabled: true,
            trigger: "inbound".into(),
        }
    }

    /// Gives the rule a fixed ID.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the priority (0 to 1000; others are refused when the rule is added).
    #[must_use]
    pub fn priority(mut self, priority: i64) -> Self {
        self.priority = priority;
        self
    }

    /// Enables or disables the rule.
    #[must_use]
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Sets the trigger (`inbound` or `outbound`; others are refused when the rule is added).
    #[must_use]
    pub fn trigger(mut self, trigger: impl Into<String>) -> Self {
        self.trigger = trigger.into();
        self
    }

    /// Why this rule cannot be added, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        if !(0..=MAX_RULE_PRIORITY).contains(&self.priority) {
            return Some(format!(
                "a rule's priority lies between 0 and {MAX_RULE_PRIORITY}, not {}",
                self.priority
            ));
        }
        if !matches!(self.trigger.as_str(), "inbound" | "outbound") {
            return Some(format!(
                "a rule's trigger is 'inbound' or 'outbound', not '{}'",
                self.trigger
            ));
        }
        None
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFields {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default = "default_priority")]
    priority: i64,
    #[serde(default = "default_enabled")]
    enabled: bool,
    #[serde(default = "default_trigger")]
    trigger: String,
}

fn default_priority() -> i64 {
    DEFAULT_RULE_PRIORITY
}
fn default_enabled() -> bool {
    true
}
fn default_trigger() -> String {
    "inbound".into()
}

impl<'de> Deserialize<'de> for NewRule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Id(String),
            Fields(RuleFields),
        }
        match Form::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom(
                "a rule is an ID string or an object with optional `id`, `name`, \
                 `description`, `priority`, `enabled` and `trigger` (no other keys)",
            )
        })? {
            Form::Id(id) => Ok(Self {
                id: Some(id),
                ..Self::unnamed()
            }),
            Form::Fields(f) => Ok(Self {
                id: f.id,
                name: f.name,
                description: f.description,
                priority: f.priority,
                enabled: f.enabled,
                trigger: f.trigger,
            }),
        }
    }
}

/// A policy as the emulator keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyRecord {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) created_at: i64,
}

/// A rule as the emulator keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleRecord {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) priority: i64,
    pub(crate) enabled: bool,
    pub(crate) trigger: String,
    pub(crate) created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_name_policies_and_rules_or_give_bare_ids() {
        let p: Vec<NewPolicy> =
            serde_json::from_str(r#"["p-1", {"name": "Strict"}, {"id": "p-3", "name": "Lax"}]"#)
                .unwrap();
        assert_eq!(
            p[0],
            NewPolicy {
                id: Some("p-1".into()),
                name: None
            }
        );
        assert_eq!(p[1], NewPolicy::new("Strict"));
        assert_eq!(p[2], NewPolicy::new("Lax").id("p-3"));
        let r: Vec<NewRule> = serde_json::from_str(
            r#"["r-1", {"name": "Block", "priority": 3, "enabled": false, "trigger": "outbound"}]"#,
        )
        .unwrap();
        assert_eq!(r[0].id.as_deref(), Some("r-1"));
        assert_eq!((r[0].priority, r[0].enabled), (10, true));
        assert_eq!(
            r[1],
            NewRule::new("Block")
                .priority(3)
                .enabled(false)
                .trigger("outbound")
        );
    }

    #[test]
    fn misspelt_keys_and_bad_values_are_refused_not_dropped() {
        assert!(serde_json::from_str::<NewPolicy>(r#"{"nmae": "x"}"#).is_err());
        assert!(serde_json::from_str::<NewRule>(r#"{"name": "x", "prio": 1}"#).is_err());
        assert!(serde_json::from_str::<NewPolicy>("12").is_err());
        assert!(NewRule::new("x").priority(1001).problem().is_some());
        assert!(NewRule::new("x").priority(-1).problem().is_some());
        assert!(NewRule::new("x").trigger("sideways").problem().is_some());
        assert!(NewRule::new("x").priority(1000).problem().is_none());
    }
}
