//! The planning function: a file and a snapshot in, a [`Plan`] out, nothing sent.
//!
//! For each entry it finds the live workspace ([`matching`](super::matching)), resolves
//! policy and rule names ([`resolve`](super::resolve)), and compares only what the entry
//! manages. What the API would refuse is planned as [`Change::Refused`] instead of being
//! attempted: a domain change, a change of the default workspace's name, domain or
//! `auto_group`, grants listed for a workspace that auto-groups, `auto_group: true` without a
//! domain. A create that would be refused is not planned at all (only its refusal is); other
//! refusals leave the rest of the entry planned, so the plan shows everything that differs.
//!
//! Grants: an entry's listed grants that are not in the workspace are assigned (assignment
//! moves a grant out of wherever it was); with `exclusive: true`, grants of the workspace that
//! are not listed are removed, except those the file lists for another workspace, which the
//! assignment there moves anyway.

use std::collections::HashSet;
use std::sync::Arc;

use super::change::{Change, FieldChange, Plan, PlanContext, Reference, Refusal, WorkspaceRef};
use super::error::PlanFileError;
use super::file::{At, DesiredState, WorkspaceEntry};
use super::live::LiveState;
use super::matching::match_entries;
use super::resolve::Catalog;
use crate::model::Workspace;

/// How to plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Delete live workspaces that no entry matches (never the default workspace).
    pub prune: bool,
}

impl PlanOptions {
    /// The defaults: no pruning.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`PlanOptions::prune`].
    pub fn prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }
}

/// Plans `desired` against the snapshot `live`. Fails (naming the file's line) on a policy or
/// rule that names nothing or several, and on an entry that several workspaces match.
pub fn plan(
    desired: &DesiredState,
    live: &LiveState,
    options: PlanOptions,
) -> Result<Plan, PlanFileError> {
    let changes = Planner::new(live)
        .run(desired, options)
        .map_err(|e| desired.locate(e))?;
    Ok(Plan {
        changes,
        context: Some(Arc::new(PlanContext {
            desired: desired.clone(),
            options,
            workspaces: live
                .workspaces
                .iter()
                .map(|w| (w.workspace_id.clone(), w.clone()))
                .collect(),
        })),
    })
}

struct Planner<'a> {
    live: &'a LiveState,
    policies: Catalog<'a>,
    rules: Catalog<'a>,
    refused: Vec<Change>,
    creates: Vec<Change>,
    updates: Vec<Change>,
    grants: Vec<Change>,
    deletes: Vec<Change>,
}

impl<'a> Planner<'a> {
    fn new(live: &'a LiveState) -> Self {
        Self {
            live,
            policies: Catalog::new("policy", &live.policies),
            rules: Catalog::new("rule", &live.rules),
            refused: Vec::new(),
            creates: Vec::new(),
            updates: Vec::new(),
            grants: Vec::new(),
            deletes: Vec::new(),
        }
    }

    fn run(
        mut self,
        desired: &DesiredState,
        options: PlanOptions,
    ) -> Result<Vec<Change>, PlanFileError> {
        let matched = match_entries(&desired.workspaces, self.live)?;
        let listed_anywhere: HashSet<&str> = desired
            .workspaces
            .iter()
            .filter_map(|e| e.grants.as_ref())
            .flat_map(|g| g.value.iter().map(String::as_str))
            .collect();
        if let Some(default) = &desired.default_workspace {
            self.default_entry(default)?;
        }
        for (entry, index) in desired.workspaces.iter().zip(&matched) {
            match index {
                None => self.create(entry)?,
                Some(index) => {
                    let live = &self.live.workspaces[*index];
                    self.existing(entry, live, &listed_anywhere)?;
                }
            }
        }
        if options.prune {
            for (index, workspace) in self.live.workspaces.iter().enumerate() {
                if !matched.contains(&Some(index)) && !self.live.is_default(workspace) {
                    self.deletes.push(Change::Delete {
                        workspace: live_ref(workspace, None),
                    });
                }
            }
        }
        let mut changes = self.refused;
        changes.extend(self.creates);
        changes.extend(self.updates);
        changes.extend(self.grants);
        changes.extend(self.deletes);
        Ok(changes)
    }

    fn reference(&self, catalog: &Catalog<'_>, id: &str) -> Reference {
        Reference {
            id: id.to_owned(),
            label: catalog.label(id),
        }
    }

    fn policy(
        &self,
        value: &At<Option<String>>,
        attached: Option<&str>,
    ) -> Result<Option<String>, PlanFileError> {
        let attached: Vec<String> = attached.into_iter().map(str::to_owned).collect();
        value
            .value
            .as_deref()
            .map(|p| self.policies.resolve(p, value.line, &attached))
            .transpose()
    }

    fn rule_ids(
        &self,
        value: &At<Vec<At<String>>>,
        attached: &[String],
    ) -> Result<Vec<String>, PlanFileError> {
        let mut ids: Vec<String> = Vec::with_capacity(value.value.len());
        for rule in &value.value {
            let id = self.rules.resolve(&rule.value, rule.line, attached)?;
            if ids.contains(&id) {
                return Err(PlanFileError::at(
                    super::error::PlanFileErrorKind::DuplicateEntry,
                    rule.line,
                    format!("the rule {id} is listed twice (by id and by name?)"),
                ));
            }
            ids.push(id);
        }
        Ok(ids)
    }

    /// The policy and rules part, shared by every kind of workspace.
    fn policy_and_rules(
        &self,
        policy: Option<&At<Option<String>>>,
        rules: Option<&At<Vec<At<String>>>>,
        live: &Workspace,
        fields: &mut Vec<FieldChange>,
    ) -> Result<(), PlanFileError> {
        if let Some(policy) = policy {
            let new = self.policy(policy, live.policy_id.as_deref())?;
            if new != live.policy_id {
                fields.push(FieldChange::Policy {
                    old: live
                        .policy_id
                        .as_deref()
                        .map(|id| self.reference(&self.policies, id)),
                    new: new.as_deref().map(|id| self.reference(&self.policies, id)),
                });
            }
        }
        if let Some(rules) = rules {
            let new = self.rule_ids(rules, &live.rule_ids)?;
            let old_set: HashSet<&str> = live.rule_ids.iter().map(String::as_str).collect();
            let new_set: HashSet<&str> = new.iter().map(String::as_str).collect();
            if old_set != new_set {
                fields.push(FieldChange::Rules {
                    old: Some(
                        live.rule_ids
                            .iter()
                            .map(|id| self.reference(&self.rules, id))
                            .collect(),
                    ),
                    new: new
                        .iter()
                        .map(|id| self.reference(&self.rules, id))
                        .collect(),
                });
            }
        }
        Ok(())
    }

    fn default_entry(&mut self, entry: &super::file::DefaultEntry) -> Result<(), PlanFileError> {
        let Some(live) = self.live.default_workspace() else {
            self.refused.push(Change::Refused {
                workspace: WorkspaceRef {
                    name: "(default workspace)".into(),
                    domain: None,
                    workspace_id: None,
                    line: Some(entry.line),
                },
                refusal: Refusal::NoDefaultWorkspace,
                reason: "the application has no default workspace to manage".into(),
            });
            return Ok(());
        };
        let target = live_ref(live, Some(entry.line));
        let mut differs = Vec::new();
        if let Some(name) = &entry.name
            && name.value != live.name
        {
            differs.push(format!("name {} → {}", live.name, name.value));
        }
        if let Some(domain) = &entry.domain
            && !same_domain(domain.value.as_deref(), live.domain.as_deref())
        {
            differs.push(format!(
                "domain {} → {}",
                live.domain.as_deref().unwrap_or("(none)"),
                domain.value.as_deref().unwrap_or("(none)")
            ));
        }
        if let Some(auto_group) = &entry.auto_group
            && auto_group.value != live.auto_group
        {
            differs.push(format!(
                "auto_group {} → {}",
                live.auto_group, auto_group.value
            ));
        }
        if !differs.is_empty() {
            self.refused.push(Change::Refused {
                workspace: target.clone(),
                refusal: Refusal::DefaultWorkspaceField,
                reason: format!(
                    "only the policy and rules of the default workspace can change ({})",
                    differs.join(", ")
                ),
            });
        }
        let mut fields = Vec::new();
        self.policy_and_rules(
            entry.policy.as_ref(),
            entry.rules.as_ref(),
            live,
            &mut fields,
        )?;
        if !fields.is_empty() {
            self.updates.push(Change::Update {
                workspace: target,
                fields,
                default: true,
            });
        }
        Ok(())
    }

    fn create(&mut self, entry: &WorkspaceEntry) -> Result<(), PlanFileError> {
        let domain = entry.given_domain().map(str::to_owned);
        let target = WorkspaceRef {
            name: entry.name.value.clone(),
            domain: domain.clone(),
            workspace_id: None,
            line: Some(entry.line),
        };
        let auto_group = entry.auto_group.as_ref().map(|a| a.value);
        // Resolve first: an unknown name is an error even where a refusal follows.
        let policy = entry
            .policy
            .as_ref()
            .map(|p| self.policy(p, None))
            .transpose()?
            .flatten();
        let rules = entry
            .rules
            .as_ref()
            .map(|r| self.rule_ids(r, &[]))
            .transpose()?;
        if auto_group == Some(true) && domain.is_none() {
            self.refused.push(Change::Refused {
                workspace: target,
                refusal: Refusal::AutoGroupWithoutDomain,
                reason: "auto_group: true needs a domain to group by".into(),
            });
            return Ok(());
        }
        let mut fields = vec![FieldChange::Name {
            old: None,
            new: entry.name.value.clone(),
        }];
        if let Some(domain) = &domain {
            fields.push(FieldChange::Domain {
                old: None,
                new: domain.clone(),
            });
        }
        // Grants can only be assigned to a manual workspace: say so rather than rely on the
        // server's default for `auto_group`.
        let auto_group = auto_group.or(entry.grants.as_ref().map(|_| false));
        if let Some(auto_group) = auto_group {
            fields.push(FieldChange::AutoGroup {
                old: None,
                new: auto_group,
            });
        }
        if let Some(policy) = &policy {
            fields.push(FieldChange::Policy {
                old: None,
                new: Some(self.reference(&self.policies, policy)),
            });
        }
        if let Some(rules) = rules.filter(|r| !r.is_empty()) {
            fields.push(FieldChange::Rules {
                old: None,
                new: rules
                    .iter()
                    .map(|id| self.reference(&self.rules, id))
                    .collect(),
            });
        }
        self.creates.push(Change::Create {
            workspace: target.clone(),
            fields,
        });
        if let Some(grants) = &entry.grants {
            if auto_group == Some(true) {
                self.refused.push(grants_on_auto_group(target));
            } else if !grants.value.is_empty() {
                self.grants.push(Change::Assign {
                    workspace: target,
                    grant_ids: grants.value.clone(),
                });
            }
        }
        Ok(())
    }

    fn existing(
        &mut self,
        entry: &WorkspaceEntry,
        live: &Workspace,
        listed_anywhere: &HashSet<&str>,
    ) -> Result<(), PlanFileError> {
        let target = WorkspaceRef {
            line: Some(entry.line),
            ..live_ref(live, None)
        };
        let mut fields = Vec::new();
        if let Some(domain) = &entry.domain
            && !same_domain(domain.value.as_deref(), live.domain.as_deref())
        {
            self.refused.push(Change::Refused {
                workspace: target.clone(),
                refusal: Refusal::DomainChange,
                reason: format!(
                    "the domain of an existing workspace can't change ({} → {})",
                    live.domain.as_deref().unwrap_or("(none)"),
                    domain.value.as_deref().unwrap_or("(none)")
                ),
            });
        }
        if entry.name.value != live.name {
            fields.push(FieldChange::Name {
                old: Some(live.name.clone()),
                new: entry.name.value.clone(),
            });
        }
        let mut auto_group = live.auto_group;
        if let Some(wanted) = &entry.auto_group
            && wanted.value != live.auto_group
        {
            if wanted.value && live.domain.is_none() {
                self.refused.push(Change::Refused {
                    workspace: target.clone(),
                    refusal: Refusal::AutoGroupWithoutDomain,
                    reason: "auto_group: true needs a domain, and this workspace has none (a \
                             domain can't be added)"
                        .into(),
                });
            } else {
                auto_group = wanted.value;
                fields.push(FieldChange::AutoGroup {
                    old: Some(live.auto_group),
                    new: wanted.value,
                });
            }
        }
        self.policy_and_rules(
            entry.policy.as_ref(),
            entry.rules.as_ref(),
            live,
            &mut fields,
        )?;
        if !fields.is_empty() {
            self.updates.push(Change::Update {
                workspace: target.clone(),
                fields,
                default: false,
            });
        }
        let Some(grants) = &entry.grants else {
            return Ok(());
        };
        if auto_group {
            self.refused.push(grants_on_auto_group(target));
            return Ok(());
        }
        let current = self.live.grants_of(&live.workspace_id);
        let current_set: HashSet<&str> = current.iter().map(String::as_str).collect();
        let assign: Vec<String> = grants
            .value
            .iter()
            .filter(|g| !current_set.contains(g.as_str()))
            .cloned()
            .collect();
        if !assign.is_empty() {
            self.grants.push(Change::Assign {
                workspace: target.clone(),
                grant_ids: assign,
            });
        }
        if entry.is_exclusive() {
            let remove: Vec<String> = current
                .iter()
                .filter(|g| !listed_anywhere.contains(g.as_str()))
                .cloned()
                .collect();
            if !remove.is_empty() {
                self.grants.push(Change::Remove {
                    workspace: target,
                    grant_ids: remove,
                });
            }
        }
        Ok(())
    }
}

fn grants_on_auto_group(workspace: WorkspaceRef) -> Change {
    Change::Refused {
        workspace,
        refusal: Refusal::GrantsOnAutoGroup,
        reason: "grants are listed, but the workspace auto-groups (set auto_group: false to \
                 manage its grants)"
            .into(),
    }
}

fn same_domain(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

fn live_ref(workspace: &Workspace, line: Option<usize>) -> WorkspaceRef {
    WorkspaceRef {
        name: workspace.name.clone(),
        domain: workspace.domain.clone(),
        workspace_id: Some(workspace.workspace_id.clone()),
        line,
    }
}
