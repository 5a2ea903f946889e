//! What a workspace holds and refers to, in the shape callers use: grants, the application,
//! policies and rules.
//!
//! These are read-only views: the crate lists and reads them so that a workspace's contents,
//! its policy and its rules can be seen by name, but writing grants, policies or rules is
//! outside the Workspaces API. As with [`Workspace`](crate::Workspace), absent fields get a
//! stated meaning, an object without its id is refused as undecodable, and every value
//! carries the `request_id` of the answer it came in (left out of equality).
//!
//! The rule model is [`resources::Rule`](Rule); the crate root's [`Rule`](crate::Rule) is the
//! enum of documented API rules that [`Error::InvariantViolation`](crate::Error) names.

use nylas_workspaces_api::types;
use serde::{Deserialize, Serialize};

/// Implements equality on every field but `request_id`: the same object read by two calls
/// compares equal.
macro_rules! eq_without_request_id {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                let Self { $($field,)* request_id: _ } = self;
                $(*$field == other.$field)&&*
            }
        }
        impl Eq for $ty {}
    };
}

/// A grant: one connected account (an Agent Account, or a mailbox of another provider).
///
/// `workspace_id` is exactly what Nylas sent. Nylas documents that it may be left out for
/// grants that are not Agent Accounts and sit in the default workspace, so `None` means
/// "in no workspace, or in the default workspace": only the provider tells the two apart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    /// The grant's id (`id` on the wire).
    pub grant_id: String,
    /// The account's email address, when reported.
    pub email: Option<String>,
    /// The account owner's display name, when reported.
    pub name: Option<String>,
    /// The provider (`nylas` for Agent Accounts, `google`, `microsoft`, ...).
    pub provider: Option<String>,
    /// `valid` or `invalid` (an open set: new values may appear).
    pub grant_status: Option<String>,
    /// The workspace the grant belongs to, as sent (see the type's documentation).
    pub workspace_id: Option<String>,
    /// Creation time in Unix seconds, when reported.
    pub created_at: Option<i64>,
    /// Last change in Unix seconds, when reported.
    pub updated_at: Option<i64>,
    /// The id of the request whose answer this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

eq_without_request_id!(Grant {
    grant_id,
    email,
    name,
    provider,
    grant_status,
    workspace_id,
    created_at,
    updated_at
});

impl Grant {
    /// Converts a wire grant; `None` when it has no id.
    pub(crate) fn from_wire(wire: types::Grant, request_id: Option<String>) -> Option<Self> {
        Some(Self {
            grant_id: wire.id.filter(|id| !id.is_empty())?,
            email: wire.email,
            name: wire.name,
            provider: wire.provider,
            grant_status: wire.grant_status,
            workspace_id: wire.workspace_id.filter(|w| !w.is_empty()),
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            request_id,
        })
    }
}

/// The application the API key belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Application {
    /// The application's id.
    pub application_id: String,
    /// Its region (`us`, `eu`, ...), when reported.
    pub region: Option<String>,
    /// `production` or `staging` (an open set), when reported.
    pub environment: Option<String>,
    /// Its default workspace; `None` when it has none (or Nylas did not say).
    pub default_workspace_id: Option<String>,
    /// The id of the request whose answer this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

eq_without_request_id!(Application {
    application_id,
    region,
    environment,
    default_workspace_id
});

impl Application {
    /// Converts the wire application (an absent id becomes `""`: the key still works).
    pub(crate) fn from_wire(wire: types::Application, request_id: Option<String>) -> Self {
        Self {
            application_id: wire.application_id.unwrap_or_default(),
            region: wire.region,
            environment: wire.environment,
            default_workspace_id: wire.default_workspace_id.filter(|w| !w.is_empty()),
            request_id,
        }
    }
}

/// A policy: limits and spam settings a workspace can point to with its `policy_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Policy {
    /// The policy's id (`id` on the wire).
    pub policy_id: String,
    /// Its name (`""` when absent).
    pub name: String,
    /// The application that owns it (`""` when absent).
    pub application_id: String,
    /// Creation time in Unix seconds, when reported.
    pub created_at: Option<i64>,
    /// Last change in Unix seconds, when reported.
    pub updated_at: Option<i64>,
    /// The id of the request whose answer this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

eq_without_request_id!(Policy {
    policy_id,
    name,
    application_id,
    created_at,
    updated_at
});

impl Policy {
    /// Converts a wire policy; `None` when it has no id.
    pub(crate) fn from_wire(wire: types::Policy, request_id: Option<String>) -> Option<Self> {
        Some(Self {
            policy_id: wire.id.filter(|id| !id.is_empty())?,
            name: wire.name.unwrap_or_default(),
            application_id: wire.application_id.unwrap_or_default(),
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            request_id,
        })
    }
}

/// A rule: a filter on inbound mail that a workspace can list in its `rule_ids`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    /// The rule's id (`id` on the wire).
    pub rule_id: String,
    /// Its name (`""` when absent).
    pub name: String,
    /// Its description, when it has one.
    pub description: Option<String>,
    /// Its priority (lower runs first), when reported.
    pub priority: Option<i64>,
    /// Whether it is switched on, when reported.
    pub enabled: Option<bool>,
    /// What triggers it (`inbound`, ...), when reported.
    pub trigger: Option<String>,
    /// The id of the request whose answer this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

eq_without_request_id!(Rule {
    rule_id,
    name,
    description,
    priority,
    enabled,
    trigger
});

impl Rule {
    /// Converts a wire rule; `None` when it has no id.
    pub(crate) fn from_wire(wire: types::Rule, request_id: Option<String>) -> Option<Self> {
        Some(Self {
            rule_id: wire.id.filter(|id| !id.is_empty())?,
            name: wire.name.unwrap_or_default(),
            description: wire.description,
            priority: wire.priority,
            enabled: wire.enabled,
            trigger: wire.trigger,
            request_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_without_ids_are_refused_and_absent_fields_get_their_meaning() {
        assert!(Grant::from_wire(types::Grant::default(), None).is_none());
        assert!(Policy::from_wire(types::Policy::default(), None).is_none());
        assert!(Rule::from_wire(types::Rule::default(), None).is_none());
        let wire = types::Grant {
            id: Some("g".into()),
            workspace_id: Some(String::new()),
            ..Default::default()
        };
        let grant = Grant::from_wire(wire, None).unwrap();
        assert_eq!(grant.workspace_id, None);
        let policy = Policy::from_wire(
            types::Policy {
                id: Some("p".into()),
                ..Default::default()
            },
            None,
        )
        .unwrap();
        assert_eq!(policy.name, "");
    }

    #[test]
    fn equality_ignores_the_request_id() {
        let wire = types::Rule {
            id: Some("r".into()),
            name: Some("Block".into()),
            ..Default::default()
        };
        let a = Rule::from_wire(wire.clone(), Some("req-1".into())).unwrap();
        let b = Rule::from_wire(wire, Some("req-2".into())).unwrap();
        assert_eq!(a, b);
        assert_ne!(
            a,
            Rule {
                enabled: Some(false),
                ..b
            }
        );
    }
}
