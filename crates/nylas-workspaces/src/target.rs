//! The rules that depend on the target workspace, and how the client learns the facts they need.
//!
//! Three API rules cannot be checked from the request alone:
//!
//! * the default workspace accepts only `policy_id`/`rule_ids` changes
//!   ([`Rule::DefaultWorkspaceProtected`]), and cannot be deleted (same rule);
//! * `auto_group: true` needs a domain, which a workspace created without one never gets
//!   ([`Rule::AutoGroupRequiresDomain`]);
//! * manual assignment needs the target's `auto_group` to be off ([`Rule::TargetAutoGroups`]).
//!
//! So that every front end (Rust, the CLI, Python) refuses these before the mutating request,
//! from a fresh client as from an old one, the client looks the target up (one `GET`) when a
//! request needs a fact it does not know: an update that touches `name` or `auto_group`, a
//! delete, and every manual assignment. An update that only changes the policy or the rules
//! needs no fact and sends no lookup. A lookup that fails (404, a network error, ...) is
//! returned as that error and nothing mutating is sent.
//!
//! What is cached, and why only that. Being the default workspace and having been created
//! without a domain can never change, so those two facts are kept in a per-client cache (shared
//! by clones) and a second refused call on the same workspace needs no new lookup. `auto_group`
//! is *not* cached: anyone can turn it off at any time, and a remembered `true` would refuse an
//! assignment the server would now accept. Manual assignment therefore looks the target up on
//! every call; one `GET` per bulk call, however many ids it carries, is negligible.
//!
//! The cache is only an optimisation, keyed on the `workspace_id` an answer returns. The id a
//! caller passes may be a domain (the API accepts either in the path); such a call misses the
//! cache and looks the workspace up again, which costs a `GET` but is never wrong. The cache is
//! bounded ([`MAX_CACHED_TARGETS`]): when full it is emptied, which again only costs lookups.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::client::Client;
use crate::error::{Error, Result, Rule};
use crate::model::Workspace;
use crate::requests::UpdateWorkspace;

/// The most workspaces whose facts one client remembers. A server (or a hostile one) handing
/// out ever new ids cannot make the cache grow beyond this.
pub(crate) const MAX_CACHED_TARGETS: usize = 10_000;

/// The facts about a workspace that can never change once it exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct TargetFacts {
    /// It is the application's default workspace.
    pub is_default: bool,
    /// It was created without a domain (one can never be added).
    pub lacks_domain: bool,
}

impl TargetFacts {
    fn of(workspace: &Workspace) -> Self {
        Self {
            is_default: workspace.default,
            lacks_domain: workspace.domain.is_none(),
        }
    }
}

/// The per-client cache of [`TargetFacts`], keyed on the `workspace_id` answers return.
#[derive(Debug, Default)]
pub(crate) struct TargetCache {
    by_id: Mutex<HashMap<String, TargetFacts>>,
}

impl TargetCache {
    fn get(&self, workspace_id: &str) -> Option<TargetFacts> {
        self.lock().get(workspace_id).copied()
    }

    fn insert(&self, workspace: &Workspace) {
        let mut by_id = self.lock();
        if by_id.len() >= MAX_CACHED_TARGETS && !by_id.contains_key(&workspace.workspace_id) {
            by_id.clear();
        }
        by_id.insert(workspace.workspace_id.clone(), TargetFacts::of(workspace));
    }

    fn remove(&self, workspace_id: &str) {
        self.lock().remove(workspace_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, TargetFacts>> {
        self.by_id.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Client {
    /// Notes what can never change about the workspace, and hands it back.
    pub(crate) fn remember(&self, workspace: Workspace) -> Workspace {
        self.known().insert(&workspace);
        workspace
    }

    /// Drops what is known about a workspace that was just deleted.
    pub(crate) fn forget(&self, workspace_id: &str) {
        self.known().remove(workspace_id);
    }

    /// The unchanging facts about the target: from the cache, else from one lookup.
    async fn target_facts(&self, workspace_id: &str) -> Result<TargetFacts> {
        if let Some(facts) = self.known().get(workspace_id) {
            return Ok(facts);
        }
        // `get_workspace` remembers the answer under the id it returns.
        let workspace = self.get_workspace(workspace_id).await?;
        Ok(TargetFacts::of(&workspace))
    }

    /// Refuses an update the target cannot take. Looks the target up only when the update
    /// touches `name` or `auto_group` and the facts are not known yet.
    pub(crate) async fn check_update_target(
        &self,
        workspace_id: &str,
        update: &UpdateWorkspace,
    ) -> Result<()> {
        if update.name.is_none() && update.auto_group.is_none() {
            return Ok(());
        }
        let facts = self.target_facts(workspace_id).await?;
        check_update(update, facts)
    }

    /// Refuses deleting the default workspace, looking the target up if need be.
    pub(crate) async fn check_delete_target(&self, workspace_id: &str) -> Result<()> {
        let facts = self.target_facts(workspace_id).await?;
        check_delete(workspace_id, facts)
    }

    /// Refuses manual assignment into a workspace that auto-groups. Always looks the target
    /// up: `auto_group` can change at any time, so no remembered value is trusted.
    pub(crate) async fn check_manual_assign_target(&self, workspace_id: &str) -> Result<()> {
        let target = self.get_workspace(workspace_id).await?;
        check_manual_assign(workspace_id, &target)
    }
}

/// The update rules that depend on the target.
fn check_update(update: &UpdateWorkspace, facts: TargetFacts) -> Result<()> {
    if facts.is_default && (update.name.is_some() || update.auto_group.is_some()) {
        return Err(Error::invariant(
            Rule::DefaultWorkspaceProtected,
            "only policy_id and rule_ids can change on the default workspace",
        ));
    }
    if facts.lacks_domain && update.auto_group == Some(true) {
        return Err(Error::invariant(
            Rule::AutoGroupRequiresDomain,
            "auto_group true needs a domain, and this workspace has none (it cannot be added)",
        ));
    }
    Ok(())
}

/// The delete rule that depends on the target.
fn check_delete(workspace_id: &str, facts: TargetFacts) -> Result<()> {
    if facts.is_default {
        return Err(Error::invariant(
            Rule::DefaultWorkspaceProtected,
            format!("workspace {workspace_id:?} is the default workspace, which cannot be deleted"),
        ));
    }
    Ok(())
}

/// The manual-assignment rule that depends on the target.
fn check_manual_assign(workspace_id: &str, target: &Workspace) -> Result<()> {
    if target.auto_group {
        return Err(Error::invariant(
            Rule::TargetAutoGroups,
            format!(
                "workspace {workspace_id:?} has auto_group on; only a workspace with auto_group \
                 off accepts manual assignment"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(id: &str, default: bool, domain: Option<&str>, auto_group: bool) -> Workspace {
        Workspace {
            workspace_id: id.into(),
            application_id: String::new(),
            name: "n".into(),
            domain: domain.map(Into::into),
            auto_group,
            default,
            policy_id: None,
            rule_ids: Vec::new(),
            created_at: None,
            updated_at: None,
            request_id: None,
        }
    }

    #[test]
    fn update_rules_follow_the_facts() {
        let default = TargetFacts {
            is_default: true,
            lacks_domain: true,
        };
        let domainless = TargetFacts {
            is_default: false,
            lacks_domain: true,
        };
        let plain = TargetFacts::default();
        let rule = |u: UpdateWorkspace, facts| check_update(&u, facts).unwrap_err().rule();
        assert_eq!(
            rule(UpdateWorkspace::new().name("x"), default),
            Some(Rule::DefaultWorkspaceProtected)
        );
        assert_eq!(
            rule(UpdateWorkspace::new().auto_group(false), default),
            Some(Rule::DefaultWorkspaceProtected)
        );
        assert_eq!(
            rule(UpdateWorkspace::new().auto_group(true), domainless),
            Some(Rule::AutoGroupRequiresDomain)
        );
        assert!(check_update(&UpdateWorkspace::new().auto_group(false), domainless).is_ok());
        assert!(check_update(&UpdateWorkspace::new().auto_group(true), plain).is_ok());
        assert!(check_update(&UpdateWorkspace::new().clear_rules(), default).is_ok());
        assert_eq!(
            check_delete("ws", default).unwrap_err().rule(),
            Some(Rule::DefaultWorkspaceProtected)
        );
        assert!(check_delete("ws", domainless).is_ok());
        assert_eq!(
            check_manual_assign("ws", &workspace("ws", false, Some("d"), true))
                .unwrap_err()
                .rule(),
            Some(Rule::TargetAutoGroups)
        );
        assert!(check_manual_assign("ws", &workspace("ws", true, None, false)).is_ok());
    }

    #[test]
    fn the_cache_is_keyed_on_the_returned_id_and_bounded() {
        let cache = TargetCache::default();
        cache.insert(&workspace("ws-1", true, None, false));
        assert_eq!(
            cache.get("ws-1"),
            Some(TargetFacts {
                is_default: true,
                lacks_domain: true
            })
        );
        for i in 0..MAX_CACHED_TARGETS + 5 {
            cache.insert(&workspace(&format!("w-{i}"), false, Some("d"), false));
        }
        let len = cache.lock().len();
        assert!(len <= MAX_CACHED_TARGETS, "{len}");
        // Refreshing a known id in a full cache keeps the others.
        let before = cache.lock().len();
        cache.insert(&workspace(
            &format!("w-{}", MAX_CACHED_TARGETS + 4),
            false,
            None,
            false,
        ));
        assert_eq!(cache.lock().len(), before);
        cache.remove("w-0");
        assert_eq!(cache.get("w-0"), None);
    }
}
