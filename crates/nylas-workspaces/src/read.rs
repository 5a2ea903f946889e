//! The read side of the client: what a workspace holds (grants) and what it refers to (the
//! application, policies, rules), as lazy listings and single reads.
//!
//! Kept apart from `client.rs`, which holds the workspace operations, so each file stays about
//! one job. Every listing is a [`Paged`] stream; nothing is sent until it is polled.

use nylas_workspaces_api::routes;

use crate::client::Client;
use crate::decode;
use crate::error::Result;
use crate::grants::{self, GrantQuery};
use crate::listing::{CURSOR_PAGE_SIZE, Paged, cursor_listing};
use crate::model::Workspace;
use crate::path::{grant_segment, reference_segment};
use crate::resources::{Application, Grant, Policy, Rule};
use crate::transport::Call;

impl Client {
    /// The grants matching `query`, as a lazy listing (see [`GrantQuery`] and the paging
    /// guarantees of [`Paged`]). The query is checked here: a page size outside 1 to 200, an
    /// empty filter, `since` after `before` or a time before 1970 is refused with
    /// [`Error::InvariantViolation`](crate::Error::InvariantViolation) and nothing is sent.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/grants").query_param("offset", "0");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": [{"id": "g-1", "email": "a@x.com", "workspace_id": "ws-1"}], "limit": 200, "offset": 0}));
    /// # });
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/grants").query_param("offset", "1");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": [], "limit": 200, "offset": 1}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
    /// use nylas_workspaces::GrantQuery;
    ///
    /// let mut grants = client.grants(GrantQuery::new().workspace_id("ws-1"))?;
    /// while let Some(page) = grants.next_page().await? {
    ///     for grant in page {
    ///         println!("{} {:?}", grant.grant_id, grant.email);
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn grants(&self, query: GrantQuery) -> Result<Paged<Grant>> {
        query.check()?;
        Ok(grants::listing(self, query))
    }

    /// One grant by id.
    pub async fn get_grant(&self, grant_id: &str) -> Result<Grant> {
        let segment = grant_segment(grant_id)?;
        let call = Call::new("get_grant", &routes::GET_GRANT_BY_ID, &[&segment])?;
        decode::single_grant(&self.send(&call).await?)
    }

    /// The application the API key belongs to, with its `default_workspace_id`.
    pub async fn application(&self) -> Result<Application> {
        let call = Call::new("get_application", &routes::GET_APPLICATION, &[])?;
        decode::application(&self.send(&call).await?)
    }

    /// Every policy of the application, as a lazy listing (pages of 200).
    pub fn policies(&self) -> Paged<Policy> {
        cursor_listing(
            self,
            "list_policies",
            &routes::LIST_POLICIES,
            Some(CURSOR_PAGE_SIZE),
            |_, reply| decode::policy_page(reply),
        )
    }

    /// One policy by id.
    pub async fn get_policy(&self, policy_id: &str) -> Result<Policy> {
        let segment = reference_segment("policy", policy_id)?;
        let call = Call::new("get_policy", &routes::GET_POLICY, &[&segment])?;
        decode::single_policy(&self.send(&call).await?)
    }

    /// Every rule of the application, as a lazy listing (pages of 200). Both the documented
    /// envelope and the nested `{data: {items, next_cursor}}` one are understood.
    pub fn rules(&self) -> Paged<Rule> {
        cursor_listing(
            self,
            "list_rules",
            &routes::LIST_RULES,
            Some(CURSOR_PAGE_SIZE),
            |_, reply| decode::rule_page(reply),
        )
    }

    /// One rule by id.
    pub async fn get_rule(&self, rule_id: &str) -> Result<Rule> {
        let segment = reference_segment("rule", rule_id)?;
        let call = Call::new("get_rule", &routes::GET_RULE, &[&segment])?;
        decode::single_rule(&self.send(&call).await?)
    }

    /// Every workspace, as a lazy listing ([`list_workspaces`](Self::list_workspaces)
    /// collects it).
    pub fn workspaces(&self) -> Paged<Workspace> {
        cursor_listing(
            self,
            "list_workspaces",
            &routes::GET_ALL_WORKSPACES,
            None,
            |client, reply| {
                let (page, cursor) = decode::workspace_page(reply)?;
                Ok((
                    page.into_iter().map(|w| client.remember(w)).collect(),
                    cursor,
                ))
            },
        )
    }
}
