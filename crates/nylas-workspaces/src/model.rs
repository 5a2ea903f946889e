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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

impl Workspace {
    /// Converts a wire workspace; `None` when it has no id.
    pub(crate) fn from_wire(wire: types::Workspace) -> Option<Self> {
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
    /// The id of the request that started it.
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
        let ws = Workspace::from_wire(wire).unwrap();
        assert_eq!(ws.domain, None);
        assert!(!ws.default && !ws.auto_group);
        assert!(ws.rule_ids.is_empty());
        assert_eq!(ws.name, "");
    }

    #[test]
    fn a_workspace_without_id_is_rejected() {
        assert!(Workspace::from_wire(types::Workspace::default()).is_none());
    }
}
