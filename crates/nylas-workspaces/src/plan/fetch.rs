//! Reading the live state a plan is made against, and the client calls that only plan or
//! export (nothing is changed by any of them).
//!
//! The grants of each workspace come from one walk over every grant of the application,
//! unfiltered, bucketed by `workspace_id` here: the listing filtered by workspace has been seen
//! to lag behind freshly created grants by over a minute, and a plan made from a lagging list
//! would assign again what is already there, or miss a grant an `exclusive` entry must remove.
//! Grants without a `workspace_id` are left out: Nylas omits it on grants of the default
//! workspace (whose grants a file never manages), so such a grant is in no workspace a file
//! can name. The walk runs only when the file lists grants (or an export asks for them).

use std::collections::{BTreeMap, HashSet};

use super::change::Plan;
use super::export::{ExportOptions, export};
use super::file::DesiredState;
use super::live::{LiveState, Named};
use super::planner::{PlanOptions, plan};
use crate::client::Client;
use crate::error::Result;
use crate::grants::GrantQuery;

impl Client {
    /// A snapshot of the application: its workspaces, policies, rules and default workspace,
    /// and with `grants` the grants of every workspace but the default one (one walk over
    /// all grants; see the module docs for why it is not filtered by workspace). Sends only
    /// reads.
    pub async fn fetch_live_state(&self, grants: bool) -> Result<LiveState> {
        let application = self.application().await?;
        let workspaces = self.list_workspaces().await?;
        let policies = self
            .policies()
            .collect_all()
            .await?
            .into_iter()
            .map(|p| Named::new(p.policy_id, p.name))
            .collect();
        let rules = self
            .rules()
            .collect_all()
            .await?
            .into_iter()
            .map(|r| Named::new(r.rule_id, r.name))
            .collect();
        let mut state = LiveState {
            workspaces,
            policies,
            rules,
            grants_by_workspace: BTreeMap::new(),
            default_workspace_id: application.default_workspace_id,
        };
        if grants {
            state.grants_by_workspace = self.grants_by_workspace(&state).await?;
        }
        Ok(state)
    }

    async fn grants_by_workspace(
        &self,
        state: &LiveState,
    ) -> Result<BTreeMap<String, Vec<String>>> {
        let managed: HashSet<&str> = state
            .workspaces
            .iter()
            .filter(|w| !state.is_default(w))
            .map(|w| w.workspace_id.as_str())
            .collect();
        let mut by_workspace: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut listing = self.grants(GrantQuery::new())?;
        while let Some(page) = listing.next_page().await? {
            for grant in page {
                if let Some(workspace) = grant.workspace_id
                    && managed.contains(workspace.as_str())
                {
                    by_workspace
                        .entry(workspace)
                        .or_default()
                        .push(grant.grant_id);
                }
            }
        }
        Ok(by_workspace)
    }

    /// Plans `desired` against the application as it is now: fetches the live state (with
    /// the grants when the file lists some) and runs [`plan`](super::plan). Sends only reads.
    /// A file whose names do not resolve, or an entry several workspaces match, is
    /// [`Error::PlanFile`](crate::Error::PlanFile) naming the line.
    pub async fn plan(&self, desired: &DesiredState, options: PlanOptions) -> Result<Plan> {
        let live = self.fetch_live_state(desired.manages_grants()).await?;
        Ok(plan(desired, &live, options)?)
    }

    /// The application as a workspaces file (YAML) that plans back to no changes; see
    /// [`export`](super::export()). Sends only reads.
    pub async fn export(&self, options: ExportOptions) -> Result<String> {
        let live = self.fetch_live_state(options.grants).await?;
        Ok(export(&live, options)?)
    }
}
