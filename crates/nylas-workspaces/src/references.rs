//! Read-modify-write helpers for a workspace's references: attach or detach some rules, set
//! or clear the policy, without the caller fetching the current list and rebuilding it.
//!
//! Each helper checks first that the ids it was given exist in the application (listing the
//! rules, or reading the policy) and refuses with [`Rule::UnknownReference`] naming the
//! missing ids, sending no change: Nylas refuses a `PATCH` naming ids that are not the
//! application's, and finding out before is clearer. Then it reads the workspace, computes
//! the new `rule_ids` (the other rules keep their order; attached ones go at the end), writes
//! only if something changes, and reads the workspace back. The API has no ETag, so a
//! concurrent writer cannot be prevented; if the re-read shows something other than what was
//! written, the helper reports [`Error::Conflict`] with the workspace as it now stands
//! instead of claiming success. (A writer that lands between the read and this helper's
//! write is overwritten unseen; only a lock on the caller's side could prevent that.)

use std::collections::HashSet;

use crate::client::Client;
use crate::error::{Conflict, Error, Result, Rule};
use crate::model::Workspace;
use crate::path::workspace_segment;
use crate::requests::{UpdateWorkspace, check_reference_ids};

/// The most unknown ids named in one refusal (the rest are counted).
const NAMED_IDS: usize = 10;

impl Client {
    /// Adds rules to a workspace, keeping its other rules and their order; ids already
    /// attached stay where they are. Refused before any change when an id is empty or not a
    /// rule of the application ([`Rule::UnknownReference`], naming the missing ids). Returns
    /// the workspace as read back after the write (or as it was, when nothing had to change);
    /// [`Error::Conflict`] when the read-back shows a concurrent change.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # use nylas_workspaces_emulator::{Emulator, EmulatorConfig, NewWorkspace};
    /// # let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    /// # let spam = emulator.add_named_rule("Block spam").unwrap();
    /// # let links = emulator.add_named_rule("Strip links").unwrap();
    /// # let ws = emulator.add_workspace(NewWorkspace::new("Field team").rule_ids([spam.clone()])).unwrap();
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key(emulator.api_key()).base_url(emulator.url()).build()?;
    /// // The workspace has `spam` attached; add `links` after it.
    /// let updated = client.attach_rules(&ws, [links.as_str()]).await?;
    /// assert_eq!(updated.rule_ids, [spam, links]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn attach_rules<I, S>(&self, workspace_id: &str, rule_ids: I) -> Result<Workspace>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids = self.known_rule_ids(workspace_id, rule_ids).await?;
        self.rewrite_rules(workspace_id, |current| {
            let mut next = current.to_vec();
            for id in &ids {
                if !next.contains(id) {
                    next.push(id.clone());
                }
            }
            next
        })
        .await
    }

    /// Removes rules from a workspace, keeping its other rules and their order. Ids that are
    /// rules of the application but not attached are ignored; ids that are not rules of the
    /// application are refused ([`Rule::UnknownReference`]). Returns the workspace as read
    /// back; [`Error::Conflict`] when the read-back shows a concurrent change.
    pub async fn detach_rules<I, S>(&self, workspace_id: &str, rule_ids: I) -> Result<Workspace>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids = self.known_rule_ids(workspace_id, rule_ids).await?;
        let gone: HashSet<&str> = ids.iter().map(String::as_str).collect();
        self.rewrite_rules(workspace_id, |current| {
            current
                .iter()
                .filter(|id| !gone.contains(id.as_str()))
                .cloned()
                .collect()
        })
        .await
    }

    /// Attaches `Some(policy_id)` or detaches the policy (`None`). A policy id that is not the
    /// application's is refused before any change ([`Rule::UnknownReference`]). Returns the
    /// workspace as read back; [`Error::Conflict`] when the read-back shows another policy.
    pub async fn set_policy(
        &self,
        workspace_id: &str,
        policy_id: Option<&str>,
    ) -> Result<Workspace> {
        workspace_segment(workspace_id)?;
        if let Some(id) = policy_id {
            check_reference_ids([&id.to_owned()], "policy_id")?;
            match self.get_policy(id).await {
                Ok(_) => {}
                Err(e) if e.is_not_found() || e.rule() == Some(Rule::ReferenceIdInvalid) => {
                    return Err(Error::invariant(
                        Rule::UnknownReference,
                        format!("policy {id:?} is not a policy of the application"),
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        let current = self.get_workspace(workspace_id).await?;
        if current.policy_id.as_deref() == policy_id {
            return Ok(current);
        }
        let update = match policy_id {
            Some(id) => UpdateWorkspace::new().policy_id(id),
            None => UpdateWorkspace::new().clear_policy(),
        };
        self.update_workspace(workspace_id, update).await?;
        let found = self.get_workspace(workspace_id).await?;
        if found.policy_id.as_deref() != policy_id {
            return Err(conflict(
                workspace_id,
                format!(
                    "policy_id is {:?} after this call set it to {policy_id:?}",
                    found.policy_id
                ),
                found,
            ));
        }
        Ok(found)
    }

    /// Checks the workspace id and the rule ids (non-empty, rules of the application) and
    /// returns the ids without repeats, in the order given.
    async fn known_rule_ids<I, S>(&self, workspace_id: &str, rule_ids: I) -> Result<Vec<String>>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        workspace_segment(workspace_id)?;
        let mut ids: Vec<String> = Vec::new();
        for id in rule_ids {
            let id = id.into();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        check_reference_ids(&ids, "rule_ids")?;
        if ids.is_empty() {
            return Err(Error::invariant(
                Rule::EmptyUpdate,
                "no rule ids were given, so nothing would change",
            ));
        }
        let known: HashSet<String> = self
            .rules()
            .collect_all()
            .await?
            .into_iter()
            .map(|r| r.rule_id)
            .collect();
        let missing: Vec<&String> = ids.iter().filter(|id| !known.contains(*id)).collect();
        if !missing.is_empty() {
            let mut named: Vec<String> = missing
                .iter()
                .take(NAMED_IDS)
                .map(|id| format!("{id:?}"))
                .collect();
            if missing.len() > NAMED_IDS {
                named.push(format!("and {} more", missing.len() - NAMED_IDS));
            }
            return Err(Error::invariant(
                Rule::UnknownReference,
                format!(
                    "not rules of the application: {}; nothing was changed",
                    named.join(", ")
                ),
            ));
        }
        Ok(ids)
    }

    /// Reads the workspace, writes `change(current rule_ids)` if it differs, reads back.
    async fn rewrite_rules(
        &self,
        workspace_id: &str,
        change: impl FnOnce(&[String]) -> Vec<String>,
    ) -> Result<Workspace> {
        let current = self.get_workspace(workspace_id).await?;
        let wanted = change(&current.rule_ids);
        if wanted == current.rule_ids {
            return Ok(current);
        }
        self.update_workspace(
            workspace_id,
            UpdateWorkspace::new().rule_ids(wanted.clone()),
        )
        .await?;
        let found = self.get_workspace(workspace_id).await?;
        if found.rule_ids != wanted {
            return Err(conflict(
                workspace_id,
                format!(
                    "rule_ids are {:?} after this call wrote {wanted:?}",
                    found.rule_ids
                ),
                found,
            ));
        }
        Ok(found)
    }
}

fn conflict(workspace_id: &str, message: String, found: Workspace) -> Error {
    Error::Conflict(Box::new(Conflict {
        workspace_id: workspace_id.to_owned(),
        message,
        found,
    }))
}
