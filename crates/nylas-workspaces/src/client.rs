//! The client and its operations.
//!
//! Each operation method does the same three things: check the request against the documented
//! rules (failing with [`Error::InvariantViolation`] before any I/O), send it through the
//! retrying transport, and turn the wire answer into this crate's model types.

use std::fmt;
use std::sync::Arc;

use nylas_workspaces_api::routes;
use nylas_workspaces_api::types;

use crate::bulk::{self, ManualAssign, ManualAssignOptions, ManualAssignOutcome};
use crate::config::ClientBuilder;
use crate::decode;
use crate::error::{Error, Result};
use crate::model::{AutoGroupJob, Workspace};
use crate::options::{Overrides, RequestOptions};
use crate::pacing::RateLimiter;
use crate::path::workspace_segment;
use crate::requests::{AutoGroup, CreateWorkspace, DefaultWorkspaceUpdate, UpdateWorkspace};
use crate::target::TargetCache;
use crate::transport::{Call, Pacing, Transport};

/// An async client of the Workspaces API.
///
/// Cloning is cheap (two `Arc`s) and clones share the connection pool, so create one client
/// and pass it around. [`with_options`](Self::with_options) makes an equally cheap view with
/// other per-call settings. `Debug` output never contains the API key.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    /// What this view changes about each call (nothing, for a client from the builder).
    overrides: Arc<Overrides>,
}

/// What a client and its clones share: the transport, and what the client has learnt.
struct Shared {
    transport: Transport,
    /// What this client has seen of each workspace that can never change (whether it is the
    /// default, whether it lacks a domain), so that the checks of `target.rs` need no second
    /// lookup. Only an optimisation: a miss costs one `GET`.
    known: TargetCache,
    /// The most items one listing collects ([`ClientBuilder::max_list_items`]).
    max_list_items: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transport = self.transport();
        let policy = self.overrides.policy(transport.retry().policy());
        let header_names: Vec<&str> = self
            .overrides
            .headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        f.debug_struct("Client")
            .field("base_url", &transport.base_url())
            .field("api_key", &"<redacted>")
            .field(
                "timeout",
                &self.overrides.timeout.unwrap_or(transport.timeout()),
            )
            .field("max_retries", &policy.max_retries)
            .field("extra_headers", &header_names)
            .field("rate_limiter", &self.rate_limiter())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client sending through `transport`; built by [`ClientBuilder::build`].
    pub(crate) fn new(transport: Transport, max_list_items: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                transport,
                known: TargetCache::default(),
                max_list_items,
            }),
            overrides: Arc::default(),
        }
    }

    /// A view of this client whose calls use `options` where given: a timeout per attempt,
    /// a number of retries, a longest `Retry-After` wait, extra headers, an idempotency key.
    /// The view is as cheap as a clone and shares everything else with this client: the
    /// connection pool, the rate limiters, the retry budget and what it knows of workspaces.
    /// A view of a view keeps the first view's settings unless `options` replaces them.
    ///
    /// Refused with [`Error::Config`] naming what is wrong: a timeout or wait the builder
    /// would refuse, a header name or value not valid in HTTP, a header the client sets
    /// itself ([`OWNED_HEADERS`](crate::OWNED_HEADERS): `Authorization`, `User-Agent`,
    /// `Idempotency-Key`, ...), or an unusable idempotency key.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces/ws-1").header("x-trace-id", "job-42");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-1"}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// use std::time::Duration;
    /// use nylas_workspaces::RequestOptions;
    ///
    /// let probe = client.with_options(
    ///     RequestOptions::new()
    ///         .timeout(Duration::from_secs(2))
    ///         .max_retries(0)
    ///         .header("X-Trace-Id", "job-42"),
    /// )?;
    /// let ws = probe.get_workspace("ws-1").await?;
    /// assert_eq!(ws.request_id.as_deref(), Some("r"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Result<Client> {
        Ok(Self {
            shared: Arc::clone(&self.shared),
            overrides: Arc::new(self.overrides.merged(options)?),
        })
    }

    /// A client configured like Nylas's official SDKs: the key from `NYLAS_API_KEY`, and the
    /// host from `NYLAS_API_URI` when set (else the US region).
    pub fn from_env() -> Result<Client> {
        Self::builder().env_defaults().build()
    }

    /// The limiter pacing every call of this client, if one is configured
    /// ([`ClientBuilder::rate_limit`]). Clones of the client return the same limiter.
    pub fn rate_limiter(&self) -> Option<&RateLimiter> {
        self.transport().limiter(Pacing::Client)
    }

    /// The limiter bulk manual assignment uses: the client-wide one if set, else the bulk
    /// default ([`ClientBuilder::bulk_rate_limit`]), else none.
    pub fn bulk_rate_limiter(&self) -> Option<&RateLimiter> {
        self.transport().limiter(Pacing::Bulk)
    }

    /// Tokens left in the retry budget, or `None` when retries are not budgeted.
    pub fn retry_budget_available(&self) -> Option<u32> {
        self.transport().retry().budget_available()
    }

    /// The URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.transport().base_url()
    }

    /// Every workspace of the application. Follows `next_cursor` should Nylas ever paginate
    /// (until a page without a cursor or without workspaces), collecting at most
    /// [`ClientBuilder::max_list_items`] workspaces (else [`Error::LimitExceeded`]); each page
    /// is at most [`ClientBuilder::max_body_bytes`]. [`workspaces`](Self::workspaces) is the
    /// same listing, lazily.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": [{"workspace_id": "ws-1", "name": "Sales", "domain": "sales.example.com", "auto_group": false}, {"workspace_id": "ws-d", "name": "Default", "default": true}]}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// let workspaces = client.list_workspaces().await?;
    /// for ws in &workspaces {
    ///     println!("{} {} default={}", ws.workspace_id, ws.name, ws.default);
    /// }
    /// assert_eq!(workspaces.len(), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list_workspaces(&self) -> Result<Vec<Workspace>> {
        self.workspaces().collect_all().await
    }

    /// One workspace by id.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces/ws-1");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-1", "name": "Sales", "domain": "sales.example.com", "auto_group": false}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// let ws = client.get_workspace("ws-1").await?;
    /// assert_eq!(ws.domain.as_deref(), Some("sales.example.com"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_workspace(&self, workspace_id: &str) -> Result<Workspace> {
        let segment = workspace_segment(workspace_id)?;
        let call = Call::new("get_workspace", &routes::GET_WORKSPACE, &[&segment])?;
        self.single_workspace(&call).await
    }

    /// The application's default workspace, or `None` when it has none (applications created
    /// before default workspaces existed).
    ///
    /// Asks the application for its `default_workspace_id` and reads that workspace (two
    /// small calls, however many workspaces there are); only when the application does not
    /// report the field does it fall back to listing every workspace.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/applications");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"application_id": "app", "default_workspace_id": "ws-d"}}));
    /// # });
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces/ws-d");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-d", "name": "Default", "default": true}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// match client.default_workspace().await? {
    ///     Some(ws) => assert_eq!(ws.workspace_id, "ws-d"),
    ///     None => println!("this application has no default workspace"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn default_workspace(&self) -> Result<Option<Workspace>> {
        if let Some(id) = self.application().await?.default_workspace_id {
            return self.get_workspace(&id).await.map(Some);
        }
        Ok(self
            .list_workspaces()
            .await?
            .into_iter()
            .find(|w| w.default))
    }

    /// Creates a workspace. Sends an `Idempotency-Key`, so a retried attempt never creates a
    /// second workspace.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(POST).path("/v3/workspaces");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-1", "name": "Sales", "domain": "sales.example.com", "auto_group": false}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// use nylas_workspaces::CreateWorkspace;
    ///
    /// let ws = client
    ///     .create_workspace(CreateWorkspace::new("Sales").domain("sales.example.com"))
    ///     .await?;
    /// assert_eq!(ws.workspace_id, "ws-1");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_workspace(&self, request: CreateWorkspace) -> Result<Workspace> {
        let body = request.to_wire()?;
        let mut call = Call::new("create_workspace", &routes::CREATE_WORKSPACE, &[])?;
        call.body = Some(to_json(&body)?);
        call.idempotency_key = Some(self.idempotency_key());
        self.single_workspace(&call).await
    }

    /// Changes a workspace. Refused before sending when the update is empty, when it touches
    /// `name`/`auto_group` on the default workspace, or when it turns `auto_group` on for a
    /// workspace without a domain ([`Error::InvariantViolation`], no `PATCH` sent).
    ///
    /// An update that touches `name` or `auto_group` needs to know whether the target is the
    /// default and whether it has a domain: unless this client already knows (from an earlier
    /// list, get, create or update answer; neither fact can change), it looks the workspace up
    /// first with one `GET`. If that lookup fails, its error is returned and nothing is
    /// changed. An update of only the policy and rules sends no lookup.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces/ws-1");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-1", "name": "Sales", "domain": "sales.example.com", "auto_group": false}}));
    /// # });
    /// # server.mock(|when, then| {
    /// #     when.method(PATCH).path("/v3/workspaces/ws-1")
    /// #         .json_body(json!({"name": "Sales EMEA", "policy_id": null}));
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-1", "name": "Sales", "domain": "sales.example.com", "auto_group": false}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// use nylas_workspaces::UpdateWorkspace;
    ///
    /// let update = UpdateWorkspace::new().name("Sales EMEA").clear_policy();
    /// let ws = client.update_workspace("ws-1", update).await?;
    /// # let _ = ws;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn update_workspace(
        &self,
        workspace_id: &str,
        update: UpdateWorkspace,
    ) -> Result<Workspace> {
        let segment = workspace_segment(workspace_id)?;
        let body = update.to_wire()?;
        self.check_update_target(workspace_id, &update).await?;
        let mut call = Call::new("update_workspace", &routes::UPDATE_WORKSPACE, &[&segment])?;
        call.body = Some(to_json(&body)?);
        self.single_workspace(&call).await
    }

    /// Changes the policy and rules of the default workspace (found as
    /// [`default_workspace`](Self::default_workspace) finds it).
    /// Returns `None`, sending no update, when the application has no default workspace.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/applications");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"application_id": "app"}}));
    /// # });
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": [{"workspace_id": "ws-d", "default": true}]}));
    /// # });
    /// # server.mock(|when, then| {
    /// #     when.method(PATCH).path("/v3/workspaces/ws-d")
    /// #         .json_body(json!({"rule_ids": ["rule-1"]}));
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-d", "default": true, "rule_ids": ["rule-1"]}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// use nylas_workspaces::DefaultWorkspaceUpdate;
    ///
    /// let updated = client
    ///     .update_default_workspace(DefaultWorkspaceUpdate::new().rule_ids(["rule-1"]))
    ///     .await?;
    /// assert_eq!(updated.unwrap().rule_ids, ["rule-1"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn update_default_workspace(
        &self,
        update: DefaultWorkspaceUpdate,
    ) -> Result<Option<Workspace>> {
        let update = UpdateWorkspace::from(update);
        // Refuses an empty change or an empty id before the list; being policy and rules only,
        // the update itself then needs no lookup of its target.
        update.to_wire()?;
        let Some(default) = self.default_workspace().await? else {
            return Ok(None);
        };
        self.update_workspace(&default.workspace_id, update)
            .await
            .map(Some)
    }

    /// Deletes a workspace and returns the request id. Its grants move to the default
    /// workspace (or to none). The default workspace cannot be deleted: unless this client
    /// already knows whether the target is the default, it looks it up first with one `GET`,
    /// and refuses the default with [`Error::InvariantViolation`] without sending the
    /// `DELETE`. If that lookup fails, its error is returned and nothing is deleted.
    ///
    /// Like every call, a delete is retried after a timeout; if the first attempt did go
    /// through, the retry then reports 404.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces/ws-1");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-1", "name": "Sales", "domain": "sales.example.com", "auto_group": false}}));
    /// # });
    /// # server.mock(|when, then| {
    /// #     when.method(DELETE).path("/v3/workspaces/ws-1");
    /// #     then.status(200).json_body(json!({"request_id": "req-42"}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// let request_id = client.delete_workspace("ws-1").await?;
    /// assert_eq!(request_id, "req-42");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delete_workspace(&self, workspace_id: &str) -> Result<String> {
        let segment = workspace_segment(workspace_id)?;
        self.check_delete_target(workspace_id).await?;
        let call = Call::new("delete_workspace", &routes::DELETE_WORKSPACE, &[&segment])?;
        let reply = self.execute(&call).await?;
        self.forget(workspace_id);
        decode::deleted(&reply)
    }

    /// Starts a background job that sorts grants into workspaces by email domain. Nylas allows
    /// one call per minute per application: a 429 comes back as an error whose
    /// [`Error::retry_after`] tells how long to wait (the client itself waits out at most 60 s).
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(POST).path("/v3/workspaces/auto-group");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"job_id": "job-1", "message": "queued"}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// use nylas_workspaces::AutoGroup;
    ///
    /// let job = client.auto_group(AutoGroup::new().specific_domain("example.com")).await?;
    /// println!("job {}: {}", job.job_id, job.message);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn auto_group(&self, request: AutoGroup) -> Result<AutoGroupJob> {
        let body = request.to_wire()?;
        let mut call = Call::new("auto_group", &routes::AUTOGROUP_WORKSPACE, &[])?;
        call.body = Some(to_json(&body)?);
        call.idempotency_key = Some(self.idempotency_key());
        let reply = self.execute(&call).await?;
        decode::auto_group_job(&reply)
    }

    /// Moves grants into and out of a workspace, with default options (see
    /// [`manual_assign_with`](Self::manual_assign_with)).
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces/ws-1");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-1", "name": "Sales", "domain": "sales.example.com", "auto_group": false}}));
    /// # });
    /// # server.mock(|when, then| {
    /// #     when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"grants_assigned": ["g-1"], "grants_removed": ["g-2"]}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// use nylas_workspaces::ManualAssign;
    ///
    /// let request = ManualAssign::new().assign(["g-1"]).remove(["g-2"]);
    /// let outcome = client.manual_assign("ws-1", request).await?;
    /// assert_eq!(outcome.assigned, ["g-1"]);
    /// assert_eq!(outcome.removed, ["g-2"]);
    /// # Ok(())
    /// # }
    /// ```
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
    /// The ids are checked and deduplicated first; then the workspace is looked up (one `GET`
    /// on every call, since `auto_group` can change at any time) and the call refused if it
    /// auto-groups, or the lookup's error returned if it fails; then the ids go out in requests of at most 500 per
    /// list, `options.concurrency` at a time. If any request fails, the result is
    /// [`Error::BulkPartial`] carrying the full outcome.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces/ws-1");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-1", "name": "Sales", "domain": "sales.example.com", "auto_group": false}}));
    /// # });
    /// # server.mock(|when, then| {
    /// #     when.method(POST).path("/v3/workspaces/ws-1/manual-assign")
    /// #         .body_includes(r#""g-0""#);
    /// #     then.status(400).json_body(json!({"request_id": "r", "error": {"type": "invalid_request_error"}}));
    /// # });
    /// # server.mock(|when, then| {
    /// #     when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// use nylas_workspaces::{Error, ManualAssign, ManualAssignOptions};
    ///
    /// let grants: Vec<String> = (0..1200).map(|i| format!("g-{i}")).collect();
    /// let options = ManualAssignOptions::new()
    ///     .concurrency(2)
    ///     .on_progress(|p| eprintln!("{}/{} grants", p.grants_done, p.grants_total));
    /// match client.manual_assign_with("ws-1", ManualAssign::new().assign(grants), options).await {
    ///     Ok(outcome) => println!("all {} sent", outcome.unmatched.len() + outcome.assigned.len()),
    ///     Err(Error::BulkPartial(outcome)) => {
    ///         // Retry exactly what failed, later.
    ///         let retry = outcome.retry_request().expect("something failed");
    ///         assert_eq!(retry.assign_ids().len(), 500);
    ///     }
    ///     Err(other) => return Err(other),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn manual_assign_with(
        &self,
        workspace_id: &str,
        request: ManualAssign,
        options: ManualAssignOptions,
    ) -> Result<ManualAssignOutcome> {
        let segment = workspace_segment(workspace_id)?;
        bulk::check_options(&options)?;
        let (assign, remove) = request.normalized()?;
        self.check_manual_assign_target(workspace_id).await?;
        bulk::run(self, workspace_id, &segment, assign, remove, &options).await
    }

    /// Sends one manual-assign request (at most 500 ids per list). No idempotency key is
    /// needed: assigning or removing the same grant twice has the same effect as once.
    pub(crate) async fn send_manual_assign(
        &self,
        segment: &str,
        body: &types::ManualAssignRequest,
        paced: bool,
    ) -> Result<types::ManualAssignResponse> {
        let mut call = Call::new(
            "manual_assign",
            &routes::MANUALLY_ASSIGN_WORKSPACE,
            &[segment],
        )?;
        call.body = Some(to_json(body)?);
        if paced {
            call.pacing = Pacing::Bulk;
        }
        let reply = self.execute(&call).await?;
        decode::manual_assign(&reply)
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.shared.transport
    }

    /// Sends a call through the shared transport with this view's overrides.
    async fn execute(&self, call: &Call) -> Result<crate::decode::Reply> {
        self.transport().execute(call, &self.overrides).await
    }

    /// [`execute`](Self::execute), for the listings and reads of other modules.
    pub(crate) async fn send(&self, call: &Call) -> Result<crate::decode::Reply> {
        self.execute(call).await
    }

    /// The most items one listing collects ([`ClientBuilder::max_list_items`]).
    pub(crate) fn max_list_items(&self) -> usize {
        self.shared.max_list_items
    }

    /// The key for a POST that must not act twice: the view's, else a fresh one per logical
    /// call (its retries reuse it).
    fn idempotency_key(&self) -> String {
        self.overrides
            .idempotency_key
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
    }

    /// The facts this client has learnt about workspaces (see `target.rs`).
    pub(crate) fn known(&self) -> &TargetCache {
        &self.shared.known
    }

    async fn single_workspace(&self, call: &Call) -> Result<Workspace> {
        let reply = self.execute(call).await?;
        decode::single_workspace(&reply).map(|w| self.remember(w))
    }
}

fn to_json<T: serde::Serialize>(body: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(body)
        .map_err(|e| Error::config(format!("cannot encode the request body: {e}")))
}
