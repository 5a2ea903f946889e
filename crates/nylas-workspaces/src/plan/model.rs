//! A pure, in-memory model of `apply`: what a snapshot becomes when a plan's changes are
//! carried out the way the API carries them out (refusals skipped).
//!
//! The property test uses it to check that planning converges: for any snapshot and file,
//! applying the plan and planning again leaves nothing but refusals. It models only what
//! planning reads: a created workspace gets a fresh id (and `auto_group` false unless set),
//! an assigned grant leaves every other workspace, a removed grant leaves the workspace (back
//! to the default one, whose grants are not tracked), and a deleted workspace is gone.

use std::collections::HashMap;

use super::change::{Change, FieldChange, Plan};
use super::live::LiveState;
use crate::model::Workspace;

/// `live` after `plan`.
pub(crate) fn apply(live: &LiveState, plan: &Plan) -> LiveState {
    let mut state = live.clone();
    let mut created: HashMap<usize, String> = HashMap::new();
    let id_of = |change: &Change, created: &HashMap<usize, String>| -> String {
        let workspace = change.workspace();
        match &workspace.workspace_id {
            Some(id) => id.clone(),
            None => created[&workspace.line.expect("a create has its entry's line")].clone(),
        }
    };
    for (n, change) in plan.changes.iter().enumerate() {
        match change {
            Change::Refused { .. } => {}
            Change::Create { workspace, fields } => {
                let id = format!("created-{n}");
                let mut new = Workspace {
                    workspace_id: id.clone(),
                    application_id: String::new(),
                    name: workspace.name.clone(),
                    domain: None,
                    auto_group: false,
                    default: false,
                    policy_id: None,
                    rule_ids: Vec::new(),
                    created_at: None,
                    updated_at: None,
                    request_id: None,
                };
                for field in fields {
                    set(&mut new, field);
                }
                created.insert(workspace.line.expect("a create has its entry's line"), id);
                state.workspaces.push(new);
            }
            Change::Update { fields, .. } => {
                let id = id_of(change, &created);
                let target = state
                    .workspaces
                    .iter_mut()
                    .find(|w| w.workspace_id == id)
                    .expect("an update's workspace exists");
                for field in fields {
                    set(target, field);
                }
            }
            Change::Assign { grant_ids, .. } => {
                let id = id_of(change, &created);
                for grants in state.grants_by_workspace.values_mut() {
                    grants.retain(|g| !grant_ids.contains(g));
                }
                let grants = state.grants_by_workspace.entry(id).or_default();
                grants.extend(grant_ids.iter().cloned());
            }
            Change::Remove { grant_ids, .. } => {
                let id = id_of(change, &created);
                if let Some(grants) = state.grants_by_workspace.get_mut(&id) {
                    grants.retain(|g| !grant_ids.contains(g));
                }
            }
            Change::Delete { workspace } => {
                let id = workspace.workspace_id.clone().expect("a delete has an id");
                state.workspaces.retain(|w| w.workspace_id != id);
                state.grants_by_workspace.remove(&id);
            }
        }
    }
    state
}

fn set(workspace: &mut Workspace, field: &FieldChange) {
    match field {
        FieldChange::Name { new, .. } => workspace.name = new.clone(),
        FieldChange::Domain { new, .. } => workspace.domain = Some(new.clone()),
        FieldChange::AutoGroup { new, .. } => workspace.auto_group = *new,
        FieldChange::Policy { new, .. } => workspace.policy_id = new.as_ref().map(|p| p.id.clone()),
        FieldChange::Rules { new, .. } => {
            workspace.rule_ids = new.iter().map(|r| r.id.clone()).collect();
        }
    }
}
