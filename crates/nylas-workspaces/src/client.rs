//! The client and its operations.
//!
//! Each operation method does the same three things: check the request against the documented
//! rules (failing with [`Error::InvariantViolation`] before any I/O), send it through the
//! retrying transport, and turn the wire answer into this crate's model types.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use nylas_workspaces_api::types;
use reqwest::Method;
use reqwest::header::HeaderValue;

use crate::bulk::{self, ManualAssign, ManualAssignOptions, ManualAssignOutcome};
use crate::config::ClientBuilder;
use crate::decode;
use crate::error::{Error, Result, Rule};
use crate::model::{AutoGroupJob, Workspace};
use crate::path::workspace_segment;
use crate::requests::{AutoGroup, CreateWorkspace, DefaultWorkspaceUpdate, UpdateWorkspace};
use crate::retry::RetryPolicy;
use crate::transport::Call;

/// The most list pages followed before giving up; a server that keeps handing out new cursors
/// beyond this is misbehaving.
const MAX_LIST_PAGES: usize = 1000;

/// An async client of the Workspaces API.
///
/// Cloning is cheap (one `Arc`) and clones share the connection pool, so create one client
/// and pass it around. `Debug` output never contains the API key.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub http: reqwest::Client,
    pub base_url: String,
    pub authorization: HeaderValue,
    pub user_agent: HeaderValue,
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Ids of workspaces this client has seen flagged `default: true`. The default workspace
    /// never stops being the default, so remembering it lets update and delete refuse what the
    /// API would refuse, without an extra lookup.
    pub known_defaults: Mutex<HashSet<String>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.retry.max_retries)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured like Nylas's official SDKs: the key from `NYLAS_API_KEY`, and the
    /// host from `NYLAS_API_URI` when set (else the US region).
    pub fn from_env() -> Result<Client> {
        let key = std::env::var("NYLAS_API_KEY")
            .map_err(|_| Error::config("NYLAS_API_KEY is not set (or not valid Unicode)"))?;
        let mut builder = Self::builder().api_key(key);
        if let Ok(uri) = std::env::var("NYLAS_API_URI")
            && !uri.trim().is_empty()
        {
            builder = builder.base_url(uri);
        }
        builder.build()
    }

    /// The URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Every workspace of the application. Follows `next_cursor` should Nylas ever paginate.
    pub async fn list_workspaces(&self) -> Result<Vec<Workspace>> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        let mut seen_cursors = HashSet::new();
        for _ in 0..MAX_LIST_PAGES {
            let mut call = self.call("list_workspaces", Method::GET, "/v3/workspaces".into());
            if let Some(cursor) = &cursor {
                call.query.push(("page_token", cursor.clone()));
            }
            let reply = self.inner.execute(&call).await?;
            let (workspaces, next_cursor) = decode::workspace_page(&reply)?;
            for workspace in workspaces {
                all.push(self.remember(workspace));
            }
            match next_cursor {
                None => return Ok(all),
                Some(next) => {
                    if !seen_cursors.insert(next.clone()) {
                        return Err(reply.undecodable(
                            format!("the list returned cursor {next:?} twice"),
                            None,
                        ));
                    }
                    cursor = Some(next);
                }
            }
        }
        Err(Error::Undecodable(Box::new(
            crate::error::UndecodableResponse {
                operation: "list_workspaces",
                status: 200,
                request_id: None,
                reason: format!("the list did not end within {MAX_LIST_PAGES} pages"),
                snippet: String::new(),
                source: None,
            },
        )))
    }

    /// One workspace by id.
    pub async fn get_workspace(&self, workspace_id: &str) -> Result<Workspace> {
        let segment = workspace_segment(workspace_id)?;
        let call = self.call(
            "get_workspace",
            Method::GET,
            format!("/v3/workspaces/{segment}"),
        );
        self.single_workspace(&call).await
    }

    /// The application's default workspace, or `None` when it has none (applications created
    /// before default workspaces existed).
    pub async fn default_workspace(&self) -> Result<Option<Workspace>> {
        Ok(self
            .list_workspaces()
            .await?
            .into_iter()
            .find(|w| w.default))
    }

    /// Creates a workspace. Sends an `Idempotency-Key`, so a retried attempt never creates a
    /// second workspace.
    pub async fn create_workspace(&self, request: CreateWorkspace) -> Result<Workspace> {
        let body = request.to_wire()?;
        let mut call = self.call("create_workspace", Method::POST, "/v3/workspaces".into());
        call.body = Some(to_json(&body)?);
        call.idempotency_key = Some(new_idempotency_key());
        self.single_workspace(&call).await
    }

    /// Changes a workspace. Refused before sending when the update is empty, or when it
    /// touches `name`/`auto_group` on a workspace this client has seen to be the default.
    pub async fn update_workspace(
        &self,
        workspace_id: &str,
        update: UpdateWorkspace,
    ) -> Result<Workspace> {
        let segment = workspace_segment(workspace_id)?;
        let body = update.to_wire(self.is_known_default(workspace_id))?;
        let mut call = self.call(
            "update_workspace",
            Method::PATCH,
            format!("/v3/workspaces/{segment}"),
        );
        call.body = Some(to_json(&body)?);
        self.single_workspace(&call).await
    }

    /// Changes the policy and rules of the default workspace (found with one list call).
    /// Returns `None`, sending no update, when the application has no default workspace.
    pub async fn update_default_workspace(
        &self,
        update: DefaultWorkspaceUpdate,
    ) -> Result<Option<Workspace>> {
        let update = UpdateWorkspace::from(update);
        update.to_wire(true)?;
        let Some(default) = self.default_workspace().await? else {
            return Ok(None);
        };
        self.update_workspace(&default.workspace_id, update)
            .await
            .map(Some)
    }

    /// Deletes a workspace and returns the request id. Its grants move to the default
    /// workspace (or to none). The default workspace cannot be deleted; when this client knows
    /// the id to be the default, the call is refused before sending.
    ///
    /// Like every call, a delete is retried after a timeout; if the first attempt did go
    /// through, the retry then reports 404.
    pub async fn delete_workspace(&self, workspace_id: &str) -> Result<String> {
        let segment = workspace_segment(workspace_id)?;
        if self.is_known_default(workspace_id) {
            return Err(Error::invariant(
                Rule::DefaultWorkspaceProtected,
                format!(
                    "workspace {workspace_id:?} is the default workspace, which cannot be deleted"
                ),
            ));
        }
        let call = self.call(
            "delete_workspace",
            Method::DELETE,
            format!("/v3/workspaces/{segment}"),
        );
        let reply = self.inner.execute(&call).await?;
        decode::deleted(&reply)
    }

    /// Starts a background job that sorts grants into workspaces by email domain. Nylas allows
    /// one call per minute per application: a 429 comes back as an error whose
    /// [`Error::retry_after`] tells how long to wait (the client itself waits out at most 60 s).
    pub async fn auto_group(&self, request: AutoGroup) -> Result<AutoGroupJob> {
        let body = request.to_wire()?;
        let mut call = self.call(
            "auto_group",
            Method::POST,
            "/v3/workspaces/auto-group".into(),
        );
        call.body = Some(to_json(&body)?);
        call.idempotency_key = Some(new_idempotency_key());
        let reply = self.inner.execute(&call).await?;
        decode::auto_group_job(&reply)
    }

    /// Moves grants into and out of a workspace, with default options (see
    /// [`manual_assign_with`](Self::manual_assign_with)).
    pub async fn manual_assign(
        &self,
        workspace_id: &str,
        request: ManualAssign,
    ) -> Result<ManualAssignOutcome> {
        self.manual_assign_with(workspace_id, request, ManualAssignOptions::default())
            .await
    }

    /// Moves any number of grants into and out of a workspace.
    ///
    /// The ids are checked and deduplicated first; then the workspace is looked up once and
    /// the call refused if it auto-groups; then the ids go out in requests of at most 500 per
    /// list, `options.concurrency` at a time. If any request fails, the result is
    /// [`Error::BulkPartial`] carrying the full outcome.
    pub async fn manual_assign_with(
        &self,
        workspace_id: &str,
        request: ManualAssign,
        options: ManualAssignOptions,
    ) -> Result<ManualAssignOutcome> {
        let segment = workspace_segment(workspace_id)?;
        bulk::check_options(&options)?;
        let (assign, remove) = request.normalized()?;
        let target = self.get_workspace(workspace_id).await?;
        if target.auto_group {
            return Err(Error::invariant(
                Rule::TargetAutoGroups,
                format!(
                    "workspace {workspace_id:?} has auto_group on; only a workspace with \
                     auto_group off accepts manual assignment"
                ),
            ));
        }
        bulk::run(self, workspace_id, &segment, assign, remove, &options).await
    }

    /// Sends one manual-assign request (at most 500 ids per list). No idempotency key is
    /// needed: assigning or removing the same grant twice has the same effect as once.
    pub(crate) async fn send_manual_assign(
        &self,
        segment: &str,
        body: &types::ManualAssignRequest,
    ) -> Result<types::ManualAssignResponse> {
        let mut call = self.call(
            "manual_assign",
            Method::POST,
            format!("/v3/workspaces/{segment}/manual-assign"),
        );
        call.body = Some(to_json(body)?);
        let reply = self.inner.execute(&call).await?;
        decode::manual_assign(&reply)
    }

    fn call(&self, operation: &'static str, method: Method, path: String) -> Call {
        Call {
            operation,
            method,
            path,
            query: Vec::new(),
            body: None,
            idempotency_key: None,
        }
    }

    async fn single_workspace(&self, call: &Call) -> Result<Workspace> {
        let reply = self.inner.execute(call).await?;
        decode::single_workspace(&reply).map(|w| self.remember(w))
    }

    /// Notes the workspace's id if it is the default, and hands it back.
    fn remember(&self, workspace: Workspace) -> Workspace {
        if workspace.default {
            self.inner
                .known_defaults
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(workspace.workspace_id.clone());
        }
        workspace
    }

    fn is_known_default(&self, workspace_id: &str) -> bool {
        self.inner
            .known_defaults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(workspace_id)
    }
}

fn to_json<T: serde::Serialize>(body: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(body)
        .map_err(|e| Error::config(format!("cannot encode the request body: {e}")))
}

/// A fresh key per logical call; its retries reuse it.
fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().to_string()
}
