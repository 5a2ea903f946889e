//! The application the emulator pretends to be, and the API's rules applied to it.
//!
//! Everything here is plain synchronous code over one value, so every rule can be unit-tested
//! without HTTP and the server only has to lock, call and render.

use std::collections::{HashMap, HashSet};

use nylas_workspaces_api::types;

use crate::api_error::ApiError;
use crate::catalog::{NewPolicy, NewRule, PolicyRecord, RuleRecord};
use crate::error::EmulatorError;
use crate::model::{
    DEFAULT_PROVIDER, GrantSnapshot, NewGrant, WorkspaceRecord, email_domain, is_plausible_domain,
};
use crate::patch::WorkspacePatch;
use crate::rng::SplitMix64;

/// Most grant IDs one manual-assign list may hold.
pub(crate) const MAX_GRANTS_PER_LIST: usize = 500;
/// An application may start one auto-group job per this many seconds.
pub(crate) const AUTO_GROUP_INTERVAL_SECS: i64 = 60;

/// The message Nylas answers a manual assignment with when both lists are empty.
pub(crate) const EMPTY_ASSIGNMENT_MESSAGE: &str = "At least one grant must be assigned or removed";

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) application_id: String,
    /// In creation order, which is also the order the list endpoint returns.
    workspaces: Vec<WorkspaceRecord>,
    pub(crate) grants: HashMap<String, GrantRecord>,
    /// Grant IDs in the order they were added, so listings are stable.
    pub(crate) grant_order: Vec<String>,
    /// In the order they were added, which is the order they are listed in.
    pub(crate) policies: Vec<PolicyRecord>,
    pub(crate) rules: Vec<RuleRecord>,
    /// When the last auto-group job started, in Unix milliseconds.
    last_auto_group_ms: Option<i64>,
    ids: SplitMix64,
}

#[derive(Debug, Clone)]
pub(crate) struct GrantRecord {
    pub(crate) email: String,
    pub(crate) valid: bool,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) provider: String,
    pub(crate) name: Option<String>,
    pub(crate) workspace_id: Option<String>,
}

/// Result of a manual assignment, before it is rendered.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Assignment {
    pub(crate) workspace_id: String,
    pub(crate) domain: Option<String>,
    pub(crate) assigned: Vec<String>,
    pub(crate) removed: Vec<String>,
}

impl State {
    pub(crate) fn new(application_id: String, ids: SplitMix64) -> Self {
        Self {
            application_id,
            workspaces: Vec::new(),
            grants: HashMap::new(),
            grant_order: Vec::new(),
            policies: Vec::new(),
            rules: Vec::new(),
            last_auto_group_ms: None,
            ids,
        }
    }

    pub(crate) fn new_id(&mut self) -> String {
        self.ids.next_uuid()
    }

    // ----- lookups -------------------------------------------------------------------------

    /// The index of the workspace with this ID, or (when `domain_too`) this domain.
    fn find(&self, id_or_domain: &str, domain_too: bool) -> Option<usize> {
        self.workspaces
            .iter()
            .position(|w| w.id == id_or_domain)
            .or_else(|| {
                domain_too
                    .then(|| {
                        self.workspaces
                            .iter()
                            .position(|w| w.has_domain(id_or_domain))
                    })
                    .flatten()
            })
    }

    fn find_or_404(&self, id_or_domain: &str, domain_too: bool) -> Result<usize, ApiError> {
        self.find(id_or_domain, domain_too)
            .ok_or_else(|| ApiError::not_found(format!("no workspace matches '{id_or_domain}'")))
    }

    pub(crate) fn default_workspace_id(&self) -> Option<&str> {
        self.workspaces
            .iter()
            .find(|w| w.is_default)
            .map(|w| w.id.as_str())
    }

    pub(crate) fn workspaces(&self) -> &[WorkspaceRecord] {
        &self.workspaces
    }

    pub(crate) fn workspace(&self, id_or_domain: &str) -> Option<&WorkspaceRecord> {
        self.find(id_or_domain, true).map(|i| &self.workspaces[i])
    }

    pub(crate) fn grant(&self, grant_id: &str) -> Option<GrantSnapshot> {
        self.grants.get(grant_id).map(|g| GrantSnapshot {
            grant_id: grant_id.to_owned(),
            email: g.email.clone(),
            valid: g.valid,
            created_at: g.created_at,
            updated_at: g.updated_at,
            provider: g.provider.clone(),
            name: g.name.clone(),
            workspace_id: g.workspace_id.clone(),
        })
    }

    pub(crate) fn grants(&self) -> Vec<GrantSnapshot> {
        self.grant_order
            .iter()
            .filter_map(|id| self.grant(id))
            .collect()
    }

    pub(crate) fn grants_in(&self, workspace_id: &str) -> Vec<String> {
        self.grant_order
            .iter()
            .filter(|id| {
                self.grants
                    .get(*id)
                    .is_some_and(|g| g.workspace_id.as_deref() == Some(workspace_id))
            })
            .cloned()
            .collect()
    }

    pub(crate) fn policies(&self) -> Vec<String> {
        self.policies.iter().map(|p| p.id.clone()).collect()
    }

    pub(crate) fn rules(&self) -> Vec<String> {
        self.rules.iter().map(|r| r.id.clone()).collect()
    }

    // ----- seeding -------------------------------------------------------------------------

    /// Creates the application's default workspace (there is at most one).
    pub(crate) fn add_default_workspace(&mut self, id: Option<String>, now: i64) -> String {
        if let Some(existing) = self.default_workspace_id() {
            return existing.to_owned();
        }
        let id = id.unwrap_or_else(|| self.new_id());
        self.workspaces.push(WorkspaceRecord {
            id: id.clone(),
            name: "Default workspace".to_owned(),
            domain: None,
            auto_group: false,
            is_default: true,
            policy_id: None,
            rule_ids: Vec::new(),
            created_at: now,
            updated_at: now,
        });
        id
    }

    /// Adds a policy; adding an ID that exists already keeps the existing one (and its
    /// name), as seeding the same ID twice always did.
    pub(crate) fn add_policy(
        &mut self,
        policy: NewPolicy,
        now: i64,
    ) -> Result<String, EmulatorError> {
        let id = self.seed_id(policy.id, "policy")?;
        let name = named(policy.name, "policy", &id)?;
        if !self.policies.iter().any(|p| p.id == id) {
            self.policies.push(PolicyRecord {
                id: id.clone(),
                name,
                created_at: now,
            });
        }
        Ok(id)
    }

    /// Adds a rule; adding an ID that exists already keeps the existing one.
    pub(crate) fn add_rule(&mut self, rule: NewRule, now: i64) -> Result<String, EmulatorError> {
        if let Some(problem) = rule.problem() {
            return Err(EmulatorError::InvalidSeed(problem));
        }
        let id = self.seed_id(rule.id, "rule")?;
        let name = named(rule.name, "rule", &id)?;
        if !self.rules.iter().any(|r| r.id == id) {
            self.rules.push(RuleRecord {
                id: id.clone(),
                name,
                description: rule.description,
                priority: rule.priority,
                enabled: rule.enabled,
                trigger: rule.trigger,
                created_at: now,
            });
        }
        Ok(id)
    }

    fn seed_id(&mut self, id: Option<String>, what: &str) -> Result<String, EmulatorError> {
        match id {
            Some(id) if id.trim().is_empty() => Err(EmulatorError::InvalidSeed(format!(
                "a {what} ID must not be empty"
            ))),
            Some(id) => Ok(id),
            None => Ok(self.new_id()),
        }
    }

    /// Adds a grant and places it: in the workspace it names, else by the rule for new grants
    /// (the auto-group workspace of its email domain, else the default workspace, else none).
    pub(crate) fn add_grant(&mut self, grant: NewGrant, now: i64) -> Result<String, EmulatorError> {
        if grant.email.trim().is_empty() {
            return Err(EmulatorError::InvalidSeed(
                "a grant needs an email address".into(),
            ));
        }
        let id = self.seed_id(grant.grant_id, "grant")?;
        if self.grants.contains_key(&id) {
            return Err(EmulatorError::InvalidSeed(format!(
                "grant '{id}' already exists"
            )));
        }
        let workspace_id = match grant.workspace_id {
            Some(wanted) => match self.find(&wanted, true) {
                Some(i) => Some(self.workspaces[i].id.clone()),
                None => {
                    return Err(EmulatorError::InvalidSeed(format!(
                        "grant '{id}' names workspace '{wanted}', which does not exist"
                    )));
                }
            },
            None => self.placement_for_new_grant(&grant.email),
        };
        let provider = match grant.provider {
            Some(p) if p.trim().is_empty() => {
                return Err(EmulatorError::InvalidSeed(format!(
                    "grant '{id}' has an empty provider"
                )));
            }
            Some(p) => p,
            None => DEFAULT_PROVIDER.to_owned(),
        };
        let created_at = grant.created_at.unwrap_or(now);
        self.grants.insert(
            id.clone(),
            GrantRecord {
                email: grant.email,
                valid: grant.valid,
                created_at,
                updated_at: grant.updated_at.unwrap_or(created_at),
                provider,
                name: grant.name,
                workspace_id,
            },
        );
        self.grant_order.push(id.clone());
        Ok(id)
    }

    fn placement_for_new_grant(&self, email: &str) -> Option<String> {
        let by_domain = email_domain(email).and_then(|domain| {
            self.workspaces
                .iter()
                .find(|w| w.auto_group && w.has_domain(&domain))
        });
        by_domain
            .map(|w| w.id.clone())
            .or_else(|| self.default_workspace_id().map(str::to_owned))
    }

    // ----- the seven operations ------------------------------------------------------------

    pub(crate) fn create_workspace(
        &mut self,
        request: types::CreateWorkspaceRequest,
        now: i64,
    ) -> Result<WorkspaceRecord, ApiError> {
        self.create_workspace_with_id(request, None, now)
    }

    pub(crate) fn create_workspace_with_id(
        &mut self,
        request: types::CreateWorkspaceRequest,
        id: Option<String>,
        now: i64,
    ) -> Result<WorkspaceRecord, ApiError> {
        let name: String = request.name.into();
        if name.trim().is_empty() {
            return Err(ApiError::bad_request("name must not be blank"));
        }
        // Nylas reports a workspace without a domain with `null` or `""`; both mean "none".
        let domain = request.domain.filter(|d| !d.is_empty());
        if let Some(domain) = &domain {
            if !is_plausible_domain(domain) {
                return Err(ApiError::bad_request(format!(
                    "domain '{domain}' is not an email domain"
                )));
            }
            if self.workspaces.iter().any(|w| w.has_domain(domain)) {
                return Err(ApiError::bad_request(format!(
                    "a workspace for domain '{domain}' already exists in this application"
                )));
            }
        }
        let auto_group = request.auto_group.unwrap_or(false);
        if auto_group && domain.is_none() {
            return Err(ApiError::bad_request(
                "auto_group can only be true for a workspace with a domain",
            ));
        }
        if let Some(policy_id) = &request.policy_id {
            self.check_policy(policy_id)?;
        }
        let rule_ids = self.checked_rules(request.rule_ids)?;
        let id = match id {
            Some(id) if self.find(&id, false).is_some() => {
                return Err(ApiError::bad_request(format!(
                    "workspace '{id}' already exists"
                )));
            }
            Some(id) => id,
            None => self.new_id(),
        };
        self.workspaces.push(WorkspaceRecord {
            id,
            name,
            domain,
            auto_group,
            is_default: false,
            policy_id: request.policy_id,
            rule_ids,
            created_at: now,
            updated_at: now,
        });
        Ok(self.workspaces.last().expect("just pushed").clone())
    }

    pub(crate) fn get_workspace(&self, id_or_domain: &str) -> Result<&WorkspaceRecord, ApiError> {
        self.find_or_404(id_or_domain, true)
            .map(|i| &self.workspaces[i])
    }

    pub(crate) fn update_workspace(
        &mut self,
        workspace_id: &str,
        patch: WorkspacePatch,
        now: i64,
    ) -> Result<WorkspaceRecord, ApiError> {
        // Update addresses a workspace by its ID only, never by its domain.
        let index = self.find_or_404(workspace_id, false)?;
        let current = &self.workspaces[index];
        if current.is_default && (patch.name.is_some() || patch.auto_group.is_some()) {
            return Err(ApiError::bad_request(
                "only policy_id and rule_ids can change on the default workspace",
            ));
        }
        if patch.auto_group == Some(true) && current.domain.is_none() {
            return Err(ApiError::bad_request(
                "auto_group can only be true for a workspace with a domain",
            ));
        }
        if let Some(Some(policy_id)) = &patch.policy_id {
            self.check_policy(policy_id)?;
        }
        let rule_ids = match patch.rule_ids {
            Some(Some(ids)) => Some(self.checked_rules(ids)?),
            Some(None) => Some(Vec::new()),
            None => None,
        };
        let workspace = &mut self.workspaces[index];
        if let Some(name) = patch.name {
            workspace.name = name;
        }
        if let Some(auto_group) = patch.auto_group {
            workspace.auto_group = auto_group;
        }
        if let Some(policy_id) = patch.policy_id {
            workspace.policy_id = policy_id;
        }
        if let Some(rule_ids) = rule_ids {
            workspace.rule_ids = rule_ids;
        }
        workspace.updated_at = now;
        Ok(workspace.clone())
    }

    pub(crate) fn delete_workspace(&mut self, id_or_domain: &str) -> Result<(), ApiError> {
        let index = self.find_or_404(id_or_domain, true)?;
        if self.workspaces[index].is_default {
            return Err(ApiError::bad_request(
                "the default workspace cannot be deleted",
            ));
        }
        let removed = self.workspaces.remove(index);
        let heir = self.default_workspace_id().map(str::to_owned);
        for grant in self.grants.values_mut() {
            if grant.workspace_id.as_deref() == Some(removed.id.as_str()) {
                grant.workspace_id.clone_from(&heir);
            }
        }
        Ok(())
    }

    pub(crate) fn manual_assign(
        &mut self,
        id_or_domain: &str,
        request: types::ManualAssignRequest,
    ) -> Result<Assignment, ApiError> {
        let index = self.find_or_404(id_or_domain, true)?;
        let target = &self.workspaces[index];
        if target.auto_group {
            return Err(ApiError::bad_request(
                "grants can only be assigned manually to a workspace whose auto_group is false",
            ));
        }
        if request.assign_grants.is_empty() && request.remove_grants.is_empty() {
            return Err(ApiError::bad_request(EMPTY_ASSIGNMENT_MESSAGE));
        }
        for (list, ids) in [
            ("assign_grants", &request.assign_grants),
            ("remove_grants", &request.remove_grants),
        ] {
            if ids.len() > MAX_GRANTS_PER_LIST {
                return Err(ApiError::bad_request(format!(
                    "{list} holds {} grant IDs; at most {MAX_GRANTS_PER_LIST} are allowed",
                    ids.len()
                )));
            }
        }
        let target_id = target.id.clone();
        let domain = target.domain.clone();

        // Removals first, then assignments: an ID in both lists ends up assigned, and sending
        // the same request twice leaves the same state.
        let mut removed = Vec::new();
        let mut seen = HashSet::new();
        for id in &request.remove_grants {
            if let Some(grant) = self.grants.get_mut(id)
                && grant.workspace_id.as_deref() == Some(target_id.as_str())
                && seen.insert(id.as_str())
            {
                grant.workspace_id = None;
                removed.push(id.clone());
            }
        }
        let mut assigned = Vec::new();
        let mut seen = HashSet::new();
        for id in &request.assign_grants {
            if let Some(grant) = self.grants.get_mut(id)
                && seen.insert(id.as_str())
            {
                grant.workspace_id = Some(target_id.clone());
                assigned.push(id.clone());
            }
        }
        Ok(Assignment {
            workspace_id: target_id,
            domain,
            assigned,
            removed,
        })
    }

    /// Starts (and, in the emulator, immediately finishes) an auto-group job.
    pub(crate) fn auto_group(
        &mut self,
        filters: types::AutoGroupRequest,
        now_ms: i64,
    ) -> Result<types::AutoGroupJob, ApiError> {
        let interval_ms = AUTO_GROUP_INTERVAL_SECS * 1000;
        if let Some(last) = self.last_auto_group_ms {
            // In i128: a clock set near either end of `i64` cannot overflow here.
            let wait_ms = i128::from(last) + i128::from(interval_ms) - i128::from(now_ms);
            if wait_ms > 0 {
                let whole_secs = wait_ms / 1000 + i128::from(wait_ms % 1000 != 0);
                let wait_secs = u64::try_from(whole_secs).unwrap_or(u64::MAX);
                return Err(ApiError::rate_limited(
                    "auto-group can run once per minute per application",
                    wait_secs,
                ));
            }
        }
        let now = now_ms.div_euclid(1000);
        let wanted_domain = filters
            .specific_domain
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(str::to_ascii_lowercase);
        let include_invalid = filters.invalid_also.unwrap_or(false);

        let mut moves = Vec::new();
        for id in &self.grant_order {
            let grant = &self.grants[id];
            if !(grant.valid || include_invalid) {
                continue;
            }
            if filters
                .after_created_at
                .is_some_and(|t| grant.created_at < t)
            {
                continue;
            }
            let Some(domain) = email_domain(&grant.email) else {
                continue;
            };
            if wanted_domain.as_ref().is_some_and(|d| *d != domain) {
                continue;
            }
            moves.push((id.clone(), domain));
        }

        let mut moved = 0usize;
        let mut created = 0usize;
        for (grant_id, domain) in moves {
            let destination = match self.workspaces.iter().find(|w| w.has_domain(&domain)) {
                // A hand-managed workspace owns this domain; its grants stay as they are.
                Some(w) if !w.auto_group => continue,
                Some(w) => w.id.clone(),
                None => {
                    created += 1;
                    let id = self.new_id();
                    self.workspaces.push(WorkspaceRecord {
                        id: id.clone(),
                        name: domain.clone(),
                        domain: Some(domain),
                        auto_group: true,
                        is_default: false,
                        policy_id: None,
                        rule_ids: Vec::new(),
                        created_at: now,
                        updated_at: now,
                    });
                    id
                }
            };
            let grant = self.grants.get_mut(&grant_id).expect("listed above");
            if grant.workspace_id.as_deref() != Some(destination.as_str()) {
                grant.workspace_id = Some(destination);
                moved += 1;
            }
        }
        self.last_auto_group_ms = Some(now_ms);
        Ok(types::AutoGroupJob {
            job_id: Some(self.new_id()),
            message: Some(format!(
                "Auto-group job started: {moved} grant(s) to move, {created} workspace(s) to create."
            )),
        })
    }

    fn check_policy(&self, policy_id: &str) -> Result<(), ApiError> {
        if self.policies.iter().any(|p| p.id == policy_id) {
            Ok(())
        } else {
            Err(ApiError::bad_request(format!(
                "policy '{policy_id}' does not belong to this application"
            )))
        }
    }

    /// The rule IDs, de-duplicated in order, once each is known to belong to the application.
    fn checked_rules(&self, rule_ids: Vec<String>) -> Result<Vec<String>, ApiError> {
        let mut seen = HashSet::new();
        let mut kept = Vec::with_capacity(rule_ids.len());
        for id in rule_ids {
            if !self.rules.iter().any(|r| r.id == id) {
                return Err(ApiError::bad_request(format!(
                    "rule '{id}' does not belong to this application"
                )));
            }
            if seen.insert(id.clone()) {
                kept.push(id);
            }
        }
        Ok(kept)
    }
}

/// The given name, or `Policy <id>` / `Rule <id>`; an empty name is refused.
fn named(name: Option<String>, what: &str, id: &str) -> Result<String, EmulatorError> {
    match name {
        Some(name) if name.trim().is_empty() => Err(EmulatorError::InvalidSeed(format!(
            "the name of {what} '{id}' must not be empty"
        ))),
        Some(name) => Ok(name),
        None => {
            let mut label = what.to_owned();
            label[..1].make_ascii_uppercase();
            Ok(format!("{label} {id}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_auto_group_wait_survives_either_end_of_the_clock() {
        let mut state = State::new("app".into(), SplitMix64::new(1));
        let filters = types::AutoGroupRequest::default;
        assert!(state.auto_group(filters(), i64::MAX).is_ok());
        let err = state.auto_group(filters(), i64::MAX).unwrap_err();
        assert_eq!(err.retry_after_secs, Some(60));
        let err = state.auto_group(filters(), i64::MIN).unwrap_err();
        let span_ms = i128::from(i64::MAX) - i128::from(i64::MIN) + 60_000;
        let span_secs = span_ms / 1000 + i128::from(span_ms % 1000 != 0);
        assert_eq!(err.retry_after_secs, u64::try_from(span_secs).ok());
        let mut state = State::new("app".into(), SplitMix64::new(1));
        assert!(state.auto_group(filters(), i64::MIN).is_ok());
        assert!(state.auto_group(filters(), i64::MAX).is_ok());
    }
}
