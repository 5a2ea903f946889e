//! The grant listing: [`GrantQuery`] (its filters, checked before anything is sent) and the
//! offset paging of `GET /v3/grants`, hardened against what the live API does.
//!
//! Offset paging has no cursor and no total, so the walk here:
//! * advances `offset` by the number of grants that came back, never by the page size asked
//!   for (a server may cap pages below it), and ends only on an **empty** page, never on a
//!   short one;
//! * asks for the oldest grants first (`sort_by=created_at&order_by=asc`) unless told
//!   otherwise, so grants created during the walk land at its end instead of shifting pages
//!   already read; and remembers a 128-bit hash of every id it yielded (16 bytes per grant,
//!   not the grant), so a grant pushed onto a later page by a shifting offset is never
//!   yielded twice;
//! * in [`full_scan`](GrantQuery::full_scan) mode, lists without the `workspace_id` filter and
//!   filters by `workspace_id` here: Nylas's filtered listing has been seen to miss freshly
//!   created grants for over a minute, the unfiltered one does not.
//!
//! A server that sends nothing new for [`MAX_STALE_PAGES`] pages in a row (the same grants
//! again and again) is reported as undecodable instead of being followed for ever.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use nylas_workspaces_api::routes;
use nylas_workspaces_api::types;

use crate::client::Client;
use crate::decode;
use crate::error::{Error, Result, Rule};
use crate::listing::{Page, Paged};
use crate::path::{shown, workspace_segment};
use crate::resources::Grant;
use crate::transport::Call;

/// The largest page size the crate asks for, and its default.
pub const MAX_GRANT_PAGE_SIZE: u32 = 200;

/// Pages in a row without one new grant before the listing is declared broken.
pub const MAX_STALE_PAGES: u32 = 10;

/// A grant's status, as a listing filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantStatus {
    /// Grants that work.
    Valid,
    /// Grants whose credentials no longer work (the account must reconnect).
    Invalid,
}

/// What a grant listing is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantSortBy {
    /// Creation time (the default).
    CreatedAt,
    /// Time of the last change.
    UpdatedAt,
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortOrder {
    /// Oldest first (the crate's default: see the module documentation).
    Asc,
    /// Newest first (Nylas's default).
    Desc,
}

macro_rules! wire_enum {
    ($ty:ident => $wire:ty { $($variant:ident),* }) => {
        impl $ty {
            fn wire(self) -> $wire {
                match self { $(Self::$variant => <$wire>::$variant,)* }
            }

            /// The value sent on the wire (e.g. `valid`).
            pub fn as_str(self) -> String {
                self.wire().to_string()
            }
        }

        impl std::str::FromStr for $ty {
            type Err = Error;

            /// Parses the wire value (e.g. `valid`), refusing anything else as
            /// [`Rule::GrantQueryInvalid`].
            fn from_str(text: &str) -> Result<Self> {
                $(if text == Self::$variant.as_str() { return Ok(Self::$variant); })*
                let allowed: Vec<String> = vec![$(Self::$variant.as_str()),*];
                Err(Error::invariant(
                    Rule::GrantQueryInvalid,
                    format!("{:?} is not one of {}", shown(text), allowed.join(", ")),
                ))
            }
        }
    };
}

wire_enum!(GrantStatus => types::GetAllGrantsGrantStatus { Valid, Invalid });
wire_enum!(GrantSortBy => types::GetAllGrantsSortBy { CreatedAt, UpdatedAt });
wire_enum!(SortOrder => types::GetAllGrantsOrderBy { Asc, Desc });

/// Which grants to list ([`Client::grants`]). Every filter is optional; several combine.
///
/// ```
/// use nylas_workspaces::{GrantQuery, GrantStatus};
///
/// let query = GrantQuery::new()
///     .workspace_id("ws-1")
///     .grant_status(GrantStatus::Valid)
///     .full_scan(true);
/// # let _ = query;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantQuery {
    workspace_id: Option<String>,
    email: Option<String>,
    provider: Option<String>,
    grant_status: Option<GrantStatus>,
    since: Option<i64>,
    before: Option<i64>,
    sort: Option<(GrantSortBy, SortOrder)>,
    page_size: Option<u32>,
    full_scan: bool,
}

impl GrantQuery {
    /// Every grant of the application.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only the grants of this workspace.
    pub fn workspace_id(mut self, workspace_id: impl Into<String>) -> Self {
        self.workspace_id = Some(workspace_id.into());
        self
    }

    /// Only the grant(s) with this email address.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Only grants of this provider (`nylas` for Agent Accounts, `google`, ...).
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// Only valid, or only invalid, grants.
    pub fn grant_status(mut self, status: GrantStatus) -> Self {
        self.grant_status = Some(status);
        self
    }

    /// Only grants created at or after this time (Unix seconds).
    pub fn since(mut self, unix_secs: i64) -> Self {
        self.since = Some(unix_secs);
        self
    }

    /// Only grants created at or before this time (Unix seconds).
    pub fn before(mut self, unix_secs: i64) -> Self {
        self.before = Some(unix_secs);
        self
    }

    /// The order of the listing (default: oldest created first).
    pub fn sort(mut self, by: GrantSortBy, order: SortOrder) -> Self {
        self.sort = Some((by, order));
        self
    }

    /// Grants asked for per request, 1 to [`MAX_GRANT_PAGE_SIZE`] (the default).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// With [`workspace_id`](Self::workspace_id) (required: a full scan without one is
    /// refused), list without the server-side `workspace_id` filter and filter here instead, so that
    /// grants created a moment ago are not missed (Nylas's filtered listing lags). Costs a
    /// walk over every grant of the application. Grants for which Nylas omits `workspace_id`
    /// (non-Agent-Account grants of the default workspace) never match a workspace id here.
    pub fn full_scan(mut self, on: bool) -> Self {
        self.full_scan = on;
        self
    }

    /// The workspace filter, if any.
    pub fn workspace(&self) -> Option<&str> {
        self.workspace_id.as_deref()
    }

    /// Whether the workspace filter is applied by the client.
    pub fn is_full_scan(&self) -> bool {
        self.full_scan
    }

    /// Refuses a query the API would refuse or that could only be a mistake.
    pub(crate) fn check(&self) -> Result<()> {
        let invalid = |message: String| Err(Error::invariant(Rule::GrantQueryInvalid, message));
        if let Some(size) = self.page_size
            && !(1..=MAX_GRANT_PAGE_SIZE).contains(&size)
        {
            return invalid(format!(
                "the page size must be from 1 to {MAX_GRANT_PAGE_SIZE}, not {size}"
            ));
        }
        if let Some(id) = &self.workspace_id {
            workspace_segment(id)?;
        } else if self.full_scan {
            return invalid(
                "a full scan filters by workspace in the client, so it needs a workspace_id \
                 (without one, the listing already shows every grant)"
                    .into(),
            );
        }
        for (name, value) in [("email", &self.email), ("provider", &self.provider)] {
            let Some(value) = value else { continue };
            if value.trim().is_empty() {
                return invalid(format!("the {name} filter is empty"));
            }
            if let Some(c) = value.chars().find(|c| c.is_control()) {
                return invalid(format!(
                    "the {name} filter {:?} contains the control character {c:?}",
                    shown(value)
                ));
            }
        }
        for (name, value) in [("since", self.since), ("before", self.before)] {
            if value.is_some_and(|t| t < 0) {
                return Err(Error::invariant(
                    Rule::TimestampBeforeEpoch,
                    format!("`{name}` is before 1970"),
                ));
            }
        }
        if let (Some(since), Some(before)) = (self.since, self.before)
            && since > before
        {
            return invalid(format!(
                "`since` ({since}) is after `before` ({before}): no grant can match"
            ));
        }
        Ok(())
    }

    /// The query string of one page at `offset`.
    fn query_pairs(&self, offset: u64) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            (
                "limit",
                self.page_size.unwrap_or(MAX_GRANT_PAGE_SIZE).to_string(),
            ),
            ("offset", offset.to_string()),
        ];
        if let (Some(id), false) = (&self.workspace_id, self.full_scan) {
            pairs.push(("workspace_id", id.clone()));
        }
        if let Some(email) = &self.email {
            pairs.push(("email", email.clone()));
        }
        if let Some(provider) = &self.provider {
            pairs.push(("provider", provider.clone()));
        }
        if let Some(status) = self.grant_status {
            pairs.push(("grant_status", status.as_str()));
        }
        if let Some(since) = self.since {
            pairs.push(("since", since.to_string()));
        }
        if let Some(before) = self.before {
            pairs.push(("before", before.to_string()));
        }
        let (by, order) = self
            .sort
            .unwrap_or((GrantSortBy::CreatedAt, SortOrder::Asc));
        pairs.push(("sort_by", by.as_str()));
        pairs.push(("order_by", order.as_str()));
        pairs
    }
}

/// Where a grant listing is in its walk.
struct OffsetWalk {
    client: Client,
    query: GrantQuery,
    offset: u64,
    /// 128-bit hashes of the ids yielded so far (two independently keyed SipHashes).
    seen: HashSet<u128>,
    keys: (RandomState, RandomState),
    stale_pages: u32,
    done: bool,
}

impl OffsetWalk {
    async fn next(&mut self) -> Result<Page<Grant>> {
        let mut call = Call::new("list_grants", &routes::GET_ALL_GRANTS, &[])?;
        call.query = self.query.query_pairs(self.offset);
        let reply = self.client.send(&call).await?;
        let grants = decode::grant_page(&reply)?;
        if grants.is_empty() {
            self.done = true;
            return Ok(Page {
                items: grants,
                request_id: reply.request_id(),
            });
        }
        self.offset += grants.len() as u64;
        if self.offset > i32::MAX as u64 {
            return Err(reply.undecodable(
                "the listing went past the largest offset the API takes (2^31 - 1)".into(),
                None,
            ));
        }
        let before = self.seen.len();
        let wanted = self
            .query
            .full_scan
            .then_some(())
            .and(self.query.workspace_id.as_deref());
        let mut items = Vec::with_capacity(grants.len());
        for grant in grants {
            let hash = (u128::from(self.keys.0.hash_one(&grant.grant_id)) << 64)
                | u128::from(self.keys.1.hash_one(&grant.grant_id));
            if !self.seen.insert(hash) {
                continue;
            }
            if wanted.is_some_and(|ws| grant.workspace_id.as_deref() != Some(ws)) {
                continue;
            }
            items.push(grant);
        }
        if self.seen.len() == before {
            self.stale_pages += 1;
            if self.stale_pages >= MAX_STALE_PAGES {
                return Err(reply.undecodable(
                    format!(
                        "the listing sent {MAX_STALE_PAGES} pages in a row with no grant it had \
                         not already sent"
                    ),
                    None,
                ));
            }
        } else {
            self.stale_pages = 0;
        }
        Ok(Page {
            items,
            request_id: reply.request_id(),
        })
    }
}

/// The lazy listing of `query` (already checked).
pub(crate) fn listing(client: &Client, query: GrantQuery) -> Paged<Grant> {
    let walk = OffsetWalk {
        client: client.clone(),
        query,
        offset: 0,
        seen: HashSet::new(),
        keys: (RandomState::new(), RandomState::new()),
        stale_pages: 0,
        done: false,
    };
    let pages = futures_util::stream::try_unfold(walk, |mut walk| async move {
        if walk.done {
            return Ok(None);
        }
        let page = walk.next().await?;
        Ok(Some((page, walk)))
    });
    Paged::new("list_grants", client.max_list_items(), pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_checked_before_sending() {
        let bad = [
            GrantQuery::new().page_size(0),
            GrantQuery::new().page_size(201),
            GrantQuery::new().email(" "),
            GrantQuery::new().provider("goo\ngle"),
            GrantQuery::new().since(10).before(5),
            GrantQuery::new().full_scan(true),
        ];
        for query in bad {
            assert_eq!(
                query.check().unwrap_err().rule(),
                Some(Rule::GrantQueryInvalid),
                "{query:?}"
            );
        }
        assert_eq!(
            GrantQuery::new().since(-1).check().unwrap_err().rule(),
            Some(Rule::TimestampBeforeEpoch)
        );
        assert_eq!(
            GrantQuery::new()
                .workspace_id("..")
                .check()
                .unwrap_err()
                .rule(),
            Some(Rule::WorkspaceIdInvalid)
        );
        assert!(
            GrantQuery::new()
                .since(5)
                .before(5)
                .page_size(200)
                .check()
                .is_ok()
        );
    }

    #[test]
    fn full_scan_drops_the_server_side_workspace_filter_and_asc_is_the_default() {
        let pairs = GrantQuery::new().workspace_id("ws").query_pairs(0);
        assert!(pairs.contains(&("workspace_id", "ws".into())));
        assert!(pairs.contains(&("order_by", "asc".into())));
        assert!(pairs.contains(&("limit", "200".into())));
        let pairs = GrantQuery::new()
            .workspace_id("ws")
            .full_scan(true)
            .sort(GrantSortBy::UpdatedAt, SortOrder::Desc)
            .query_pairs(400);
        assert!(!pairs.iter().any(|(k, _)| *k == "workspace_id"));
        assert!(pairs.contains(&("sort_by", "updated_at".into())));
        assert!(pairs.contains(&("offset", "400".into())));
    }

    #[test]
    fn enums_parse_their_wire_values_only() {
        assert_eq!("valid".parse::<GrantStatus>().unwrap(), GrantStatus::Valid);
        assert_eq!("desc".parse::<SortOrder>().unwrap(), SortOrder::Desc);
        assert_eq!(
            "updated_at".parse::<GrantSortBy>().unwrap(),
            GrantSortBy::UpdatedAt
        );
        let err = "VALID".parse::<GrantStatus>().unwrap_err();
        assert_eq!(err.rule(), Some(Rule::GrantQueryInvalid));
        assert!(err.to_string().contains("valid, invalid"), "{err}");
    }
}
