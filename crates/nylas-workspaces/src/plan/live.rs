//! A snapshot of what an application holds, the input of every plan.
//!
//! Planning is a pure function of a file and a [`LiveState`], so the rules of planning are
//! tested without a server (and by a property test over random states), and the same plan is
//! made whoever fetched the snapshot. `Client::fetch_live_state` builds one from the API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Workspace;

/// A policy or a rule as planning needs it: its id and its name (`""` when it has none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Named {
    /// The id.
    pub id: String,
    /// The name, `""` when Nylas reported none.
    pub name: String,
}

impl Named {
    /// A policy or rule with this id and name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
        }
    }
}

/// What the application holds now.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LiveState {
    /// Every workspace, the default one included.
    pub workspaces: Vec<Workspace>,
    /// Every policy of the application.
    pub policies: Vec<Named>,
    /// Every rule of the application.
    pub rules: Vec<Named>,
    /// The grants of each workspace that is not the default one, by workspace id (a
    /// workspace missing here holds none). Only needed when the file lists grants, or for an
    /// export with grants. The default workspace's grants are never managed: a grant removed
    /// from a workspace goes back to it, and Nylas may omit `workspace_id` on its grants.
    pub grants_by_workspace: BTreeMap<String, Vec<String>>,
    /// The application's default workspace, as the application reports it. When `None`, a
    /// workspace flagged `default` is taken instead.
    pub default_workspace_id: Option<String>,
}

impl LiveState {
    /// True for the application's default workspace (by the application's
    /// `default_workspace_id`, or the workspace's own `default` flag).
    pub fn is_default(&self, workspace: &Workspace) -> bool {
        workspace.default || self.default_workspace_id.as_deref() == Some(&workspace.workspace_id)
    }

    /// The application's default workspace, if it has one.
    pub fn default_workspace(&self) -> Option<&Workspace> {
        let by_id = self
            .default_workspace_id
            .as_deref()
            .and_then(|id| self.workspaces.iter().find(|w| w.workspace_id == id));
        by_id.or_else(|| self.workspaces.iter().find(|w| w.default))
    }

    /// The grants of a workspace (none when it is not listed).
    pub fn grants_of(&self, workspace_id: &str) -> &[String] {
        self.grants_by_workspace
            .get(workspace_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}
