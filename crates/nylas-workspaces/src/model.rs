//! What the API returns, in the shape callers want to use.
//!
//! The wire types in `nylas_workspaces_api::types` make every field optional because Nylas
//! leaves fields out on older objects. Here each field gets the meaning the docs give an absent
//! value (no `default` means not the default, no `rule_ids` means no rules), so callers never
//! juggle `Option<Option<_>>`-like ambiguity.

use nylas_workspaces_api::types;
use serde::{Deserialize, Serialize};

/// A workspace.
///
/// Defaults for fields Nylas leaves out: `application_id` and `name` become `""`,
/// `auto_group` and `default` become `false`, `rule_ids` becomes empty, and a `null` or `""`
/// `domain` becomes `None`. A workspace without `workspace_id` is rejected as undecodable,
/// since nothing could be done with it.
///
/// Equality compares the workspace, not the call: `request_id` is left out, so the same
/// workspace read twice compares equal.
#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// The workspace's id.
    pub workspace_id: String,
    /// The application that owns it.
    pub application_id: String,
    /// Its name.
    pub name: String,
    /// The email domain it groups; `None` for a workspace created without one.
    pub domain: Option<String>,
    /// Whether new grants of `domain` join it by themselves (then it refuses manual assignment).
    pub auto_group: bool,
    /// Whether it is the application's default workspace (only its policy and rules can change,
    /// and it cannot be deleted).
    pub default: bool,
    /// The attached policy, if any.
    pub policy_id: Option<String>,
    /// The attached rules, possibly none.
    pub rule_ids: Vec<String>,
    /// Creation time in Unix seconds, when reported.
    pub created_at: Option<i64>,
    /// Last change in Unix seconds, when reported.
    pub updated_at: Option<i64>,
    /// The id of the request whose answer this is (every workspace of a list page carries
    /// that page's), for a support ticket; `None` when the server sent none. Taken from the
    /// body's `request_id`, else the `x-request-id` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl PartialEq for Workspace {
    fn eq(&self, other: &Self) -> bool {
        let Self {
            workspace_id,
            application_id,
            name,
            domain,
            auto_group,
            default,
            policy_id,
            rule_ids,
            created_at,
            updated_at,
            request_id: _,
        } = self;
        *workspace_id == other.workspace_id
            && *application_id == other.application_id
            && *name == other.name
            && *domain == other.domain
            && *auto_group == other.auto_group
            && *default == other.default
            && *policy_id == other.policy_id
            && *rule_ids == other.rule_ids
            && *created_at == other.created_at
            && *updated_at == other.updated_at
    }
}

impl Workspace {
    /// Converts a wire workspace, answered to request `request_id`; `None` when it has no id.
    pub(crate) fn from_wire(wire: types::Workspace, request_id: Option<String>) -> Option<Self> {
        let workspace_id = wire.workspace_id.filter(|id| !id.is_empty())?;
        Some(Self {
            workspace_id,
            application_id: wire.application_id.unwrap_or_default(),
            name: wire.name.unwrap_or_default(),
            domain: wire.domain.filter(|d| !d.is_empty()),
            auto_group: wire.auto_group.unwrap_or(false),
            default: wire.default.unwrap_or(false),
            policy_id: wire.policy_id.filter(|p| !p.is_empty()),
            rule_ids: wire.rule_ids.unwrap_or_default(),
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            request_id,
        })
    }
}

/// A started auto-group background job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoGroupJob {
    /// The job's id (empty when Nylas did not report one).
    pub job_id: String,
    /// Nylas's human-readable note about the job.
    pub message: String,
    /// The id of the request that started it; `None` when the server sent none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_get_their_documented_meaning() {
        let wire = types::Workspace {
            workspace_id: Some("ws".into()),
            domain: Some(String::new()),
            ..Default::default()
        };
        let ws = Workspace::from_wire(wire, None).unwrap();
        assert_eq!(ws.domain, None);
        assert!(!ws.default && !ws.auto_group);
        assert!(ws.rule_ids.is_empty());
        assert_eq!(ws.name, "");
    }

    #[test]
    fn a_workspace_without_id_is_rejected() {
        assert!(Workspace::from_wire(types::Workspace::default(), None).is_none());
    }

    #[test]
    fn equality_ignores_the_request_id_and_serde_omits_an_absent_one() {
        let wire = types::Workspace {
            workspace_id: Some("ws".into()),
            ..Default::default()
        };
        let from_list = Workspace::from_wire(wire.clone(), Some("req-list".into())).unwrap();
        let from_get = Workspace::from_wire(wire.clone(), Some("req-get".into())).unwrap();
        assert_eq!(from_list, from_get);
        let renamed = Workspace {
            name: "other".into(),
            ..from_get.clone()
        };
        assert_ne!(from_list, renamed);

        let shown = serde_json::to_value(&from_list).unwrap();
        assert_eq!(shown["request_id"], "req-list");
        let none = Workspace::from_wire(wire, None).unwrap();
        let shown = serde_json::to_value(&none).unwrap();
        assert!(shown.get("request_id").is_none(), "{shown}");
        let back: Workspace = serde_json::from_value(shown).unwrap();
        assert_eq!(back.request_id, None);
    }
}
