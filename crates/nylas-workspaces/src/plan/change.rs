//! A plan and its typed changes: what `apply` would do, in the order it does it.
//!
//! Each [`Change`] shows as one line (`Display`), e.g. `+ create Acme (acme.com, auto_group)`
//! or `! refused Acme: the domain of an existing workspace can't change (acme.com → acme.io)`,
//! and the [`Plan`] serialises to the `--json` shape `{"changes": [...], "summary": {...}}`:
//! each change has `action`, `workspace` (`name`, `domain`, `workspace_id`), and as the action
//! needs `fields` (each managed field's `old` and `new`), `grants` (a count) or `reason`.
//! Policies and rules appear by id in the JSON and by label (their name, when it leads back to
//! the id) in the lines.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::file::DesiredState;
use super::planner::PlanOptions;
use crate::model::Workspace;

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Create a workspace.
    Create,
    /// Change fields of a workspace.
    Update,
    /// Move grants into a workspace.
    Assign,
    /// Take grants out of a workspace (they are then in no workspace).
    Remove,
    /// Delete a workspace (only with `prune`).
    Delete,
    /// Something the file asks that the API would refuse; never attempted, and `apply` does
    /// not start while a plan has one.
    Refused,
}

impl Action {
    /// The snake_case name used in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Assign => "assign",
            Self::Remove => "remove",
            Self::Delete => "delete",
            Self::Refused => "refused",
        }
    }
}

/// The workspace a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceRef {
    /// Its name (the file's, for a create).
    pub name: String,
    /// Its domain, if it has (or will have) one.
    pub domain: Option<String>,
    /// Its id; `None` for a workspace that the plan creates.
    pub workspace_id: Option<String>,
    /// The line of the file entry the change comes from (`None` for a prune).
    #[serde(skip)]
    pub line: Option<usize>,
}

/// A policy or a rule: its id, and the label a plan line shows for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The id (what is sent, and what the JSON shows).
    pub id: String,
    /// Its name when that name resolves back to the id, else the id.
    pub label: String,
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.id)
    }
}

/// One managed field's old and new value. `old` is `None` for a create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldChange {
    /// `name`.
    Name {
        /// Before.
        old: Option<String>,
        /// After.
        new: String,
    },
    /// `domain` (only on a create: a domain never changes).
    Domain {
        /// Before (always `None`).
        old: Option<String>,
        /// After.
        new: String,
    },
    /// `auto_group`.
    AutoGroup {
        /// Before.
        old: Option<bool>,
        /// After.
        new: bool,
    },
    /// `policy_id`; `None` is no policy.
    Policy {
        /// Before.
        old: Option<Reference>,
        /// After.
        new: Option<Reference>,
    },
    /// `rule_ids`; compared as sets (the order of rule ids carries no meaning: rules have
    /// their own priority).
    Rules {
        /// Before (`None` for a create).
        old: Option<Vec<Reference>>,
        /// After.
        new: Vec<Reference>,
    },
}

impl FieldChange {
    /// The JSON key: `name`, `domain`, `auto_group`, `policy_id` or `rule_ids`.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Name { .. } => "name",
            Self::Domain { .. } => "domain",
            Self::AutoGroup { .. } => "auto_group",
            Self::Policy { .. } => "policy_id",
            Self::Rules { .. } => "rule_ids",
        }
    }
}

/// `{"old": .., "new": ..}`.
struct OldNew<'a, T: ?Sized, U: ?Sized>(&'a T, &'a U);

impl<T: Serialize + ?Sized, U: Serialize + ?Sized> Serialize for OldNew<'_, T, U> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("OldNew", 2)?;
        s.serialize_field("old", self.0)?;
        s.serialize_field("new", self.1)?;
        s.end()
    }
}

/// The fields of a change as a JSON object keyed by field.
struct Fields<'a>(&'a [FieldChange]);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for field in self.0 {
            match field {
                FieldChange::Name { old, new } => map.serialize_entry("name", &OldNew(old, new))?,
                FieldChange::Domain { old, new } => {
                    map.serialize_entry("domain", &OldNew(old, new))?
                }
                FieldChange::AutoGroup { old, new } => {
                    map.serialize_entry("auto_group", &OldNew(old, new))?
                }
                FieldChange::Policy { old, new } => {
                    map.serialize_entry("policy_id", &OldNew(old, new))?
                }
                FieldChange::Rules { old, new } => {
                    map.serialize_entry("rule_ids", &OldNew(old, new))?
                }
            }
        }
        map.end()
    }
}

/// Why a change is refused; each is something the API would refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refusal {
    /// The file gives an existing workspace another domain (or adds or removes one).
    DomainChange,
    /// The file changes the default workspace's name, domain or `auto_group`.
    DefaultWorkspaceField,
    /// The file lists grants for a workspace that auto-groups (manual assignment needs
    /// `auto_group` off).
    GrantsOnAutoGroup,
    /// `auto_group: true` on a workspace without a domain.
    AutoGroupWithoutDomain,
    /// The file has a `default_workspace` section but the application has no default workspace.
    NoDefaultWorkspace,
}

impl Refusal {
    /// A stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DomainChange => "domain_change",
            Self::DefaultWorkspaceField => "default_workspace_field",
            Self::GrantsOnAutoGroup => "grants_on_auto_group",
            Self::AutoGroupWithoutDomain => "auto_group_without_domain",
            Self::NoDefaultWorkspace => "no_default_workspace",
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// Create a workspace with these fields.
    Create {
        /// The workspace to create (no id yet).
        workspace: WorkspaceRef,
        /// Every field that will be sent.
        fields: Vec<FieldChange>,
    },
    /// Change these fields of a workspace.
    Update {
        /// The workspace.
        workspace: WorkspaceRef,
        /// The fields that differ.
        fields: Vec<FieldChange>,
        /// True for the application's default workspace (only policy and rules change).
        default: bool,
    },
    /// Move these grants into the workspace.
    Assign {
        /// The workspace (no id when the plan creates it).
        workspace: WorkspaceRef,
        /// The grants to move in, in file order.
        grant_ids: Vec<String>,
    },
    /// Take these grants out of the workspace (`exclusive: true`).
    Remove {
        /// The workspace.
        workspace: WorkspaceRef,
        /// The grants to take out.
        grant_ids: Vec<String>,
    },
    /// Delete the workspace (`prune`).
    Delete {
        /// The workspace.
        workspace: WorkspaceRef,
    },
    /// What the API would refuse; never attempted.
    Refused {
        /// The workspace it concerns.
        workspace: WorkspaceRef,
        /// The kind of refusal.
        refusal: Refusal,
        /// Why, in words.
        reason: String,
    },
}

impl Change {
    /// What it does.
    pub fn action(&self) -> Action {
        match self {
            Self::Create { .. } => Action::Create,
            Self::Update { .. } => Action::Update,
            Self::Assign { .. } => Action::Assign,
            Self::Remove { .. } => Action::Remove,
            Self::Delete { .. } => Action::Delete,
            Self::Refused { .. } => Action::Refused,
        }
    }

    /// The workspace it is about.
    pub fn workspace(&self) -> &WorkspaceRef {
        match self {
            Self::Create { workspace, .. }
            | Self::Update { workspace, .. }
            | Self::Assign { workspace, .. }
            | Self::Remove { workspace, .. }
            | Self::Delete { workspace }
            | Self::Refused { workspace, .. } => workspace,
        }
    }

    /// The field changes of a create or an update (empty otherwise).
    pub fn fields(&self) -> &[FieldChange] {
        match self {
            Self::Create { fields, .. } | Self::Update { fields, .. } => fields,
            _ => &[],
        }
    }

    /// The grants of an assign or a remove (empty otherwise).
    pub fn grant_ids(&self) -> &[String] {
        match self {
            Self::Assign { grant_ids, .. } | Self::Remove { grant_ids, .. } => grant_ids,
            _ => &[],
        }
    }

    /// True for [`Change::Refused`].
    pub fn is_refused(&self) -> bool {
        matches!(self, Self::Refused { .. })
    }
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("action", &self.action())?;
        map.serialize_entry("workspace", self.workspace())?;
        match self {
            Self::Create { fields, .. } | Self::Update { fields, .. } => {
                map.serialize_entry("fields", &Fields(fields))?;
            }
            Self::Assign { grant_ids, .. } | Self::Remove { grant_ids, .. } => {
                map.serialize_entry("grants", &grant_ids.len())?;
            }
            Self::Refused { reason, .. } => map.serialize_entry("reason", reason)?,
            Self::Delete { .. } => {}
        }
        map.end()
    }
}

/// `1,200` rather than `1200`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn grants_phrase(n: usize) -> String {
    format!("{} grant{}", thousands(n), if n == 1 { "" } else { "s" })
}

fn policy_label(policy: &Option<Reference>) -> String {
    policy
        .as_ref()
        .map_or_else(|| "(none)".to_owned(), |p| p.label.clone())
}

fn rules_label(rules: &[Reference]) -> String {
    let labels: Vec<&str> = rules.iter().map(|r| r.label.as_str()).collect();
    format!("[{}]", labels.join(", "))
}

fn domain_label(domain: &Option<String>) -> &str {
    domain.as_deref().unwrap_or("(none)")
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Name { old, new } => match old {
                Some(old) => write!(f, "name {old} → {new}"),
                None => write!(f, "name {new}"),
            },
            Self::Domain { old, new } => write!(f, "domain {} → {new}", domain_label(old)),
            Self::AutoGroup { old, new } => match old {
                Some(old) => write!(f, "auto_group {old} → {new}"),
                None => write!(f, "auto_group {new}"),
            },
            Self::Policy { old, new } => {
                write!(f, "policy {} → {}", policy_label(old), policy_label(new))
            }
            Self::Rules { old, new } => match old {
                Some(old) => write!(f, "rules {} → {}", rules_label(old), rules_label(new)),
                None => write!(f, "rules {}", rules_label(new)),
            },
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.workspace().name;
        match self {
            Self::Create { fields, .. } => {
                let mut parts = Vec::new();
                for field in fields {
                    match field {
                        FieldChange::Domain { new, .. } => parts.push(new.clone()),
                        FieldChange::AutoGroup { new: true, .. } => parts.push("auto_group".into()),
                        FieldChange::AutoGroup { new: false, .. } => parts.push("manual".into()),
                        FieldChange::Policy { new: Some(p), .. } => {
                            parts.push(format!("policy {}", p.label))
                        }
                        FieldChange::Rules { new, .. } if !new.is_empty() => {
                            parts.push(format!("rules {}", rules_label(new)))
                        }
                        _ => {}
                    }
                }
                if parts.is_empty() {
                    write!(f, "+ create {name}")
                } else {
                    write!(f, "+ create {name} ({})", parts.join(", "))
                }
            }
            Self::Update { fields, .. } => {
                let parts: Vec<String> = fields.iter().map(ToString::to_string).collect();
                write!(f, "~ update {name}: {}", parts.join(", "))
            }
            Self::Assign { grant_ids, .. } => {
                write!(f, "→ assign {} to {name}", grants_phrase(grant_ids.len()))
            }
            Self::Remove { grant_ids, .. } => {
                write!(f, "← remove {} from {name}", grants_phrase(grant_ids.len()))
            }
            Self::Delete { .. } => write!(f, "- delete {name}"),
            Self::Refused { reason, .. } => write!(f, "! refused {name}: {reason}"),
        }
    }
}

/// How many changes of each kind a plan holds, and how many grants move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    /// Workspaces to create.
    pub create: usize,
    /// Workspaces to update.
    pub update: usize,
    /// Workspaces to delete.
    pub delete: usize,
    /// Assign steps.
    pub assign: usize,
    /// Remove steps.
    pub remove: usize,
    /// Refused changes.
    pub refused: usize,
    /// Grants moved in, over all assign steps.
    pub grants_assigned: usize,
    /// Grants taken out, over all remove steps.
    pub grants_removed: usize,
}

/// What `apply` would do to bring the application to the file, in the order it does it:
/// creates, updates, assignments and removals, deletes; refusals come first, and while there
/// is one, nothing is applied.
///
/// A plan made by [`plan`](super::plan) or `Client::plan` also remembers the file and options
/// it came from and the workspaces it saw, so that `Client::apply` can notice a workspace
/// that changed in between and plan again afterwards. Equality compares the changes only.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The changes, in apply order (refusals first).
    pub changes: Vec<Change>,
    pub(crate) context: Option<Arc<PlanContext>>,
}

/// Where a plan came from.
#[derive(Debug)]
pub(crate) struct PlanContext {
    /// The file that was planned.
    pub desired: DesiredState,
    /// How it was planned.
    pub options: PlanOptions,
    /// The live workspaces the plan was made against, by id.
    pub workspaces: HashMap<String, Workspace>,
}

impl PartialEq for Plan {
    fn eq(&self, other: &Self) -> bool {
        self.changes == other.changes
    }
}

impl Eq for Plan {}

impl Plan {
    /// A plan of these changes, remembering nothing else (so `Client::apply` neither checks
    /// for concurrent changes nor plans again afterwards).
    pub fn from_changes(changes: Vec<Change>) -> Self {
        Self {
            changes,
            context: None,
        }
    }

    /// True when there is something to apply (a change that is not a refusal).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| !c.is_refused())
    }

    /// The refused changes.
    pub fn refusals(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.is_refused())
    }

    /// True when the plan holds nothing at all, refusals included: the application is in sync.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The counts.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for change in &self.changes {
            match change {
                Change::Create { .. } => summary.create += 1,
                Change::Update { .. } => summary.update += 1,
                Change::Delete { .. } => summary.delete += 1,
                Change::Assign { grant_ids, .. } => {
                    summary.assign += 1;
                    summary.grants_assigned += grant_ids.len();
                }
                Change::Remove { grant_ids, .. } => {
                    summary.remove += 1;
                    summary.grants_removed += grant_ids.len();
                }
                Change::Refused { .. } => summary.refused += 1,
            }
        }
        summary
    }
}

impl Serialize for Plan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Plan", 2)?;
        s.serialize_field("changes", &self.changes)?;
        s.serialize_field("summary", &self.summary())?;
        s.end()
    }
}

/// One line per change.
impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ws(name: &str, domain: Option<&str>, id: Option<&str>) -> WorkspaceRef {
        WorkspaceRef {
            name: name.into(),
            domain: domain.map(Into::into),
            workspace_id: id.map(Into::into),
            line: Some(3),
        }
    }

    fn reference(id: &str, label: &str) -> Reference {
        Reference {
            id: id.into(),
            label: label.into(),
        }
    }

    #[test]
    fn lines_read_like_the_issue() {
        let create = Change::Create {
            workspace: ws("Acme", Some("acme.com"), None),
            fields: vec![
                FieldChange::Name {
                    old: None,
                    new: "Acme".into(),
                },
                FieldChange::Domain {
                    old: None,
                    new: "acme.com".into(),
                },
                FieldChange::AutoGroup {
                    old: None,
                    new: true,
                },
            ],
        };
        assert_eq!(create.to_string(), "+ create Acme (acme.com, auto_group)");
        let update = Change::Update {
            workspace: ws("Field team", None, Some("w-2")),
            fields: vec![FieldChange::Policy {
                old: Some(reference("p-1", "Standard limits")),
                new: None,
            }],
            default: false,
        };
        assert_eq!(
            update.to_string(),
            "~ update Field team: policy Standard limits → (none)"
        );
        let assign = Change::Assign {
            workspace: ws("Field team", None, Some("w-2")),
            grant_ids: (0..1200).map(|i| format!("g-{i}")).collect(),
        };
        assert_eq!(assign.to_string(), "→ assign 1,200 grants to Field team");
        let remove = Change::Remove {
            workspace: ws("Field team", None, Some("w-2")),
            grant_ids: vec!["a".into(), "b".into(), "c".into()],
        };
        assert_eq!(remove.to_string(), "← remove 3 grants from Field team");
        let one = Change::Remove {
            workspace: ws("F", None, Some("w-2")),
            grant_ids: vec!["a".into()],
        };
        assert_eq!(one.to_string(), "← remove 1 grant from F");
        let delete = Change::Delete {
            workspace: ws("Old team", None, Some("w-3")),
        };
        assert_eq!(delete.to_string(), "- delete Old team");
        let refused = Change::Refused {
            workspace: ws("Acme", Some("acme.io"), Some("w-1")),
            refusal: Refusal::DomainChange,
            reason: "the domain of an existing workspace can't change (acme.com → acme.io)".into(),
        };
        assert_eq!(
            refused.to_string(),
            "! refused Acme: the domain of an existing workspace can't change (acme.com → acme.io)"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn json_has_the_issue_shape() {
        let plan = Plan::from_changes(vec![
            Change::Refused {
                workspace: ws("Acme", Some("acme.io"), Some("w-1")),
                refusal: Refusal::DomainChange,
                reason: "no".into(),
            },
            Change::Create {
                workspace: ws("New", None, None),
                fields: vec![
                    FieldChange::Name {
                        old: None,
                        new: "New".into(),
                    },
                    FieldChange::Rules {
                        old: None,
                        new: vec![reference("r-1", "Block spam")],
                    },
                ],
            },
            Change::Update {
                workspace: ws("F", None, Some("w-2")),
                fields: vec![FieldChange::Policy {
                    old: Some(reference("p-1", "S")),
                    new: None,
                }],
                default: false,
            },
            Change::Assign {
                workspace: ws("New", None, None),
                grant_ids: vec!["g".into()],
            },
            Change::Delete {
                workspace: ws("Old", None, Some("w-3")),
            },
        ]);
        assert_eq!(
            serde_json::to_value(&plan).unwrap(),
            json!({
                "changes": [
                    {"action": "refused", "workspace": {"name": "Acme", "domain": "acme.io", "workspace_id": "w-1"}, "reason": "no"},
                    {"action": "create", "workspace": {"name": "New", "domain": null, "workspace_id": null},
                     "fields": {"name": {"old": null, "new": "New"}, "rule_ids": {"old": null, "new": ["r-1"]}}},
                    {"action": "update", "workspace": {"name": "F", "domain": null, "workspace_id": "w-2"},
                     "fields": {"policy_id": {"old": "p-1", "new": null}}},
                    {"action": "assign", "workspace": {"name": "New", "domain": null, "workspace_id": null}, "grants": 1},
                    {"action": "delete", "workspace": {"name": "Old", "domain": null, "workspace_id": "w-3"}},
                ],
                "summary": {"create": 1, "update": 1, "delete": 1, "assign": 1, "remove": 0, "refused": 1,
                            "grants_assigned": 1, "grants_removed": 0}
            })
        );
        assert!(plan.has_changes());
        assert_eq!(plan.refusals().count(), 1);
        let only_refusals = Plan::from_changes(plan.changes[..1].to_vec());
        assert!(!only_refusals.has_changes() && !only_refusals.is_empty());
        assert!(Plan::default().is_empty());
    }
}
