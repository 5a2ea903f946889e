//! The read side of the clients: `client.grants`, `client.application`, `client.policies`
//! and `client.rules`, each a blocking and an awaitable twin from one definition.
//!
//! Kept apart from `client.rs`, which holds the workspace operations and the clients, so
//! each file stays about one job. Single reads are `ops::` functions like the workspace
//! ones; listings are `listings::` functions that check the arguments and return a
//! `pager::Opener`, which the twins wrap in `Listing` or `AsyncListing`.

use pyo3::prelude::*;
use pyo3_async_runtimes::tokio::future_into_py;

use crate::{args, errors, numbers, read_models, runtime};

/// One async function per single read: call the crate, keep its error for the boundary.
mod ops {
    use super::read_models;
    use nylas_workspaces::{Client, Result};

    pub async fn get_grant(c: Client, id: String) -> Result<read_models::Grant> {
        c.get_grant(&id).await.map(Into::into)
    }
    pub async fn application(c: Client) -> Result<read_models::Application> {
        c.application().await.map(Into::into)
    }
    pub async fn get_policy(c: Client, id: String) -> Result<read_models::Policy> {
        c.get_policy(&id).await.map(Into::into)
    }
    pub async fn get_rule(c: Client, id: String) -> Result<read_models::Rule> {
        c.get_rule(&id).await.map(Into::into)
    }
}

/// One function per listing: the crate checks the arguments here (a refusal raises before
/// anything is sent) and each walk opens the crate's lazy listing anew.
mod listings {
    use nylas_workspaces::{Client, GrantQuery, GrantStatus, Result};

    use crate::args::GrantFilters;
    use crate::pager::{Opener, opener};

    pub fn grants(c: Client, f: GrantFilters) -> Result<Opener> {
        let mut query = GrantQuery::new().full_scan(f.full_scan);
        if let Some(id) = f.workspace_id {
            query = query.workspace_id(id);
        }
        if let Some(email) = f.email {
            query = query.email(email);
        }
        if let Some(provider) = f.provider {
            query = query.provider(provider);
        }
        if let Some(status) = f.grant_status {
            query = query.grant_status(status.parse::<GrantStatus>()?);
        }
        if let Some(since) = f.since {
            query = query.since(since);
        }
        if let Some(before) = f.before {
            query = query.before(before);
        }
        if let Some(size) = f.page_size {
            query = query.page_size(size);
        }
        c.grants(query.clone())?;
        Ok(opener(move || c.grants(query.clone())))
    }
    pub fn policies(c: Client) -> Result<Opener> {
        Ok(opener(move || Ok(c.policies())))
    }
    pub fn rules(c: Client) -> Result<Opener> {
        Ok(opener(move || Ok(c.rules())))
    }
}

resource_twins! {
    /// Synchronous access to `/v3/grants`: the grants (connected accounts) of the
    /// application, and which workspace each is in.
    ///
    /// Reached as `Client.grants`; not built directly.
    sync Grants;
    /// Asynchronous access to `/v3/grants`: `get` returns an awaitable, `list` an
    /// `AsyncListing` (`async for`).
    ///
    /// Reached as `AsyncClient.grants`; not built directly. The methods take the same
    /// arguments as those of `Grants`.
    async AsyncGrants;

    /// Fetches one grant.
    ///
    /// Args:
    ///     grant_id: The grant's id.
    ///
    /// Returns:
    ///     The `Grant` (an awaitable of it on `AsyncGrants`).
    ///
    /// Raises:
    ///     InvariantError: `grant_id` is empty, `.`, `..` or holds control characters;
    ///         nothing was sent.
    ///     NotFoundError: No such grant.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn get(grant_id: String) => ops::get_grant(grant_id);

    listings {
        /// Lists grants, lazily: nothing is sent until the listing is iterated.
        ///
        /// Pages are fetched one at a time as the listing is walked (`for grant in ...`,
        /// `pages()`), or all at once by `to_list()`, `to_pandas()`, `to_polars()` and
        /// `to_arrow()`. The walk asks for the oldest grants first and never yields a grant
        /// twice, even when grants created meanwhile shift the offsets; it follows pages that
        /// are shorter than asked and ends only on an empty one. Each iteration is a fresh
        /// walk.
        ///
        /// Args:
        ///     workspace_id: Only the grants of this workspace; None for every grant.
        ///     email: Only the grant(s) with this email address.
        ///     provider: Only grants of this provider (`nylas` for Agent Accounts, `google`,
        ///         ...).
        ///     grant_status: Only `"valid"` or only `"invalid"` grants.
        ///     since: Only grants created at or after this instant: Unix seconds (an int) or
        ///         a timezone-aware `datetime` (a fraction of a second rounds up).
        ///     before: Only grants created at or before this instant, in the same forms (a
        ///         fraction of a second rounds down).
        ///     full_scan: Needs `workspace_id`: list every grant and keep those of it here instead of
        ///         asking Nylas to filter: Nylas's filtered listing has been seen to miss
        ///         grants created in the last minute or so, the full walk does not. It costs
        ///         a walk over every grant of the application. Grants whose `workspace_id`
        ///         Nylas leaves out (grants other than Agent Accounts in the default
        ///         workspace) never match a workspace id, in either mode.
        ///     page_size: Grants asked for per request, 1 to 200; None for 200.
        ///
        /// Returns:
        ///     A `Listing` of `Grant` (an `AsyncListing` on `AsyncGrants`).
        ///
        /// Raises:
        ///     InvariantError: A filter the API would refuse or that matches nothing: an
        ///         unknown `grant_status`, an empty `email` or `provider`, `since` after
        ///         `before`, an instant before 1970, a `page_size` outside 1 to 200, a
        ///         `workspace_id` that is not a usable id. Raised by this call; nothing was
        ///         sent.
        ///     TypeError: A value of the wrong type (a bool or a string for an instant, ...).
        ///     ValueError: `since` or `before` is a naive `datetime`.
        ///     OverflowError: An int too large for its setting.
        #[allow(clippy::too_many_arguments)]
        #[pyo3(signature = (
            workspace_id=None, *, email=None, provider=None, grant_status=None, since=None,
            before=None, full_scan=false, page_size=None
        ))]
        fn list(
            workspace_id: Option<String>,
            email: Option<String>,
            provider: Option<String>,
            grant_status: Option<String>,
            since: Option<Bound<'py, PyAny>>,
            before: Option<Bound<'py, PyAny>>,
            full_scan: bool,
            #[pyo3(from_py_with = numbers::page_size)] page_size: Option<u32>,
        ) => listings::grants(args::GrantFilters {
            workspace_id,
            email,
            provider,
            grant_status,
            since: args::when(since.as_ref(), "since", true)?,
            before: args::when(before.as_ref(), "before", false)?,
            full_scan,
            page_size,
        }) as "grant";
    }
}

resource_twins! {
    /// Synchronous access to `/v3/applications`: the application the API key belongs to.
    ///
    /// Reached as `Client.application`; not built directly.
    sync Applications;
    /// Asynchronous access to `/v3/applications`: `get` returns an awaitable.
    ///
    /// Reached as `AsyncClient.application`; not built directly.
    async AsyncApplications;

    /// Fetches the application the API key belongs to.
    ///
    /// Returns:
    ///     The `Application`, with its `default_workspace_id` (an awaitable of it on
    ///     `AsyncApplications`).
    ///
    /// Raises:
    ///     APIError: Nylas answered with an error status (a subclass per status).
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn get() => ops::application();
}

resource_twins! {
    /// Synchronous access to `/v3/policies`: the policies a workspace can point to.
    ///
    /// Reached as `Client.policies`; not built directly.
    sync Policies;
    /// Asynchronous access to `/v3/policies`: `get` returns an awaitable, `list` an
    /// `AsyncListing` (`async for`).
    ///
    /// Reached as `AsyncClient.policies`; not built directly.
    async AsyncPolicies;

    /// Fetches one policy.
    ///
    /// Args:
    ///     policy_id: The policy's id.
    ///
    /// Returns:
    ///     The `Policy` (an awaitable of it on `AsyncPolicies`).
    ///
    /// Raises:
    ///     InvariantError: `policy_id` is empty or not a usable id; nothing was sent.
    ///     NotFoundError: No such policy.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn get(policy_id: String) => ops::get_policy(policy_id);

    listings {
        /// Lists every policy of the application, lazily: nothing is sent until the
        /// listing is iterated.
        ///
        /// Cursor pages of up to 200, fetched one at a time as the listing is walked; the
        /// live API's cursor on the last page is handled. Each iteration is a fresh walk.
        ///
        /// Returns:
        ///     A `Listing` of `Policy` (an `AsyncListing` on `AsyncPolicies`).
        fn list() => listings::policies() as "policy";
    }
}

resource_twins! {
    /// Synchronous access to `/v3/rules`: the rules a workspace can list.
    ///
    /// Reached as `Client.rules`; not built directly.
    sync Rules;
    /// Asynchronous access to `/v3/rules`: `get` returns an awaitable, `list` an
    /// `AsyncListing` (`async for`).
    ///
    /// Reached as `AsyncClient.rules`; not built directly.
    async AsyncRules;

    /// Fetches one rule.
    ///
    /// Args:
    ///     rule_id: The rule's id.
    ///
    /// Returns:
    ///     The `Rule` (an awaitable of it on `AsyncRules`).
    ///
    /// Raises:
    ///     InvariantError: `rule_id` is empty or not a usable id; nothing was sent.
    ///     NotFoundError: No such rule.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn get(rule_id: String) => ops::get_rule(rule_id);

    listings {
        /// Lists every rule of the application, lazily: nothing is sent until the listing
        /// is iterated.
        ///
        /// Cursor pages of up to 200, fetched one at a time as the listing is walked; both
        /// the documented envelope and the nested one the live API sends are understood.
        /// Each iteration is a fresh walk.
        ///
        /// Returns:
        ///     A `Listing` of `Rule` (an `AsyncListing` on `AsyncRules`).
        fn list() => listings::rules() as "rule";
    }
}
