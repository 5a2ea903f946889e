//! The read side of the application: listing and fetching grants, policies and rules, and
//! describing the application itself, with the paging rules Nylas documents (offset for
//! grants, cursor for policies and rules) and the live quirks switched on in [`Quirks`].
//!
//! Like `state`, this is plain synchronous code over the state, so each paging rule and
//! quirk is unit-tested without HTTP; the handlers in `api_read` only parse, lock and call.

use std::collections::HashMap;

use nylas_workspaces_api::types;
use serde_json::{Value, json};

use crate::api_error::ApiError;
use crate::catalog::{PolicyRecord, RuleRecord};
use crate::model::DEFAULT_PROVIDER;
use crate::quirks::{MAX_CURSOR_PAGE_SIZE, Quirks};
use crate::state::{GrantRecord, State};

/// Nylas's page size for grants when `limit` is not sent.
pub(crate) const DEFAULT_GRANT_PAGE_SIZE: usize = 10;
/// Nylas's page size for policies and rules when `limit` is not sent.
pub(crate) const DEFAULT_CURSOR_PAGE_SIZE: usize = 50;

/// The query of `GET /v3/grants`, checked.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct GrantQuery {
    pub(crate) limit: Option<usize>,
    pub(crate) offset: usize,
    pub(crate) workspace_id: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) provider: Option<String>,
    pub(crate) valid: Option<bool>,
    pub(crate) since: Option<i64>,
    pub(crate) before: Option<i64>,
    pub(crate) by_updated_at: bool,
    pub(crate) ascending: bool,
}

fn whole<T: std::str::FromStr>(
    query: &HashMap<String, String>,
    name: &str,
    what: &str,
) -> Result<Option<T>, ApiError> {
    match query.get(name) {
        None => Ok(None),
        Some(raw) => raw
            .parse::<T>()
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("{name} must be {what}, not '{raw}'"))),
    }
}

fn one_of<'a>(
    query: &HashMap<String, String>,
    name: &str,
    allowed: &[&'a str],
) -> Result<Option<&'a str>, ApiError> {
    match query.get(name) {
        None => Ok(None),
        Some(raw) => allowed
            .iter()
            .find(|a| **a == raw.as_str())
            .copied()
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "{name} must be one of {}, not '{raw}'",
                    allowed.join(", ")
                ))
            }),
    }
}

/// A page size of at least 1 (a 32-bit integer on the wire).
fn page_size(query: &HashMap<String, String>) -> Result<Option<usize>, ApiError> {
    match whole::<i32>(query, "limit", "a whole number of at least 1")? {
        Some(n) if n >= 1 => Ok(Some(usize::try_from(n).unwrap_or(usize::MAX))),
        Some(n) => Err(ApiError::bad_request(format!(
            "limit must be a whole number of at least 1, not '{n}'"
        ))),
        None => Ok(None),
    }
}

impl GrantQuery {
    pub(crate) fn parse(query: &HashMap<String, String>) -> Result<Self, ApiError> {
        let offset = match whole::<i32>(query, "offset", "a whole number of at least 0")? {
            Some(n) if n < 0 => {
                return Err(ApiError::bad_request(format!(
                    "offset must be a whole number of at least 0, not '{n}'"
                )));
            }
            Some(n) => usize::try_from(n).unwrap_or(0),
            None => 0,
        };
        let text = |name: &str| query.get(name).cloned();
        Ok(Self {
            limit: page_size(query)?,
            offset,
            workspace_id: text("workspace_id"),
            email: text("email"),
            provider: text("provider"),
            valid: one_of(query, "grant_status", &["valid", "invalid"])?.map(|s| s == "valid"),
            since: whole(query, "since", "a Unix time in whole seconds")?,
            before: whole(query, "before", "a Unix time in whole seconds")?,
            by_updated_at: one_of(query, "sort_by", &["created_at", "updated_at"])?
                == Some("updated_at"),
            ascending: one_of(query, "order_by", &["asc", "desc"])? == Some("asc"),
        })
    }

    fn keeps(&self, grant: &GrantRecord, now: i64, quirks: &Quirks) -> bool {
        let lagging = self.workspace_id.is_some()
            && quirks.filtered_grant_lag_secs.is_some_and(|lag| {
                i128::from(now) - i128::from(grant.created_at) < i128::from(lag)
            });
        !lagging
            && self
                .workspace_id
                .as_ref()
                .is_none_or(|w| grant.workspace_id.as_ref() == Some(w))
            && self
                .email
                .as_ref()
                .is_none_or(|e| grant.email.eq_ignore_ascii_case(e))
            && self.provider.as_ref().is_none_or(|p| grant.provider == *p)
            && self.valid.is_none_or(|v| grant.valid == v)
            && self.since.is_none_or(|s| grant.created_at >= s)
            && self.before.is_none_or(|b| grant.created_at <= b)
    }
}

/// One page of grants and the page size that was used.
pub(crate) struct GrantPage {
    pub(crate) grants: Vec<Value>,
    pub(crate) limit: usize,
    pub(crate) offset: usize,
}

/// One page of policies or rules and the cursor of the next one.
pub(crate) struct CursorPage {
    pub(crate) items: Vec<Value>,
    pub(crate) next_cursor: Option<String>,
}

impl State {
    pub(crate) fn organization_id(&self) -> String {
        format!("org-{}", self.application_id)
    }

    /// `GET /v3/grants`: filtered, ordered, then one page by offset.
    pub(crate) fn list_grants(&self, query: &GrantQuery, now: i64, quirks: &Quirks) -> GrantPage {
        let mut matching: Vec<(&String, &GrantRecord)> = self
            .grant_order
            .iter()
            .filter_map(|id| self.grants.get(id).map(|g| (id, g)))
            .filter(|(_, g)| query.keeps(g, now, quirks))
            .collect();
        let key = |g: &GrantRecord| {
            if query.by_updated_at {
                g.updated_at
            } else {
                g.created_at
            }
        };
        // A stable sort: grants with the same time keep the order they were added in.
        if query.ascending {
            matching.sort_by_key(|(_, g)| key(g));
        } else {
            matching.sort_by_key(|(_, g)| std::cmp::Reverse(key(g)));
        }
        let limit = quirks.capped(query.limit.unwrap_or(DEFAULT_GRANT_PAGE_SIZE));
        let grants = matching
            .into_iter()
            .skip(query.offset)
            .take(limit)
            .map(|(id, g)| self.grant_json(id, g, quirks))
            .collect();
        GrantPage {
            grants,
            limit,
            offset: query.offset,
        }
    }

    /// `GET /v3/grants/{grant_id}`.
    pub(crate) fn get_grant(&self, grant_id: &str, quirks: &Quirks) -> Result<Value, ApiError> {
        self.grants
            .get(grant_id)
            .map(|g| self.grant_json(grant_id, g, quirks))
            .ok_or_else(|| ApiError::not_found(format!("no grant matches '{grant_id}'")))
    }

    fn grant_json(&self, id: &str, grant: &GrantRecord, quirks: &Quirks) -> Value {
        let hidden = quirks.omit_default_workspace_id
            && grant.provider != DEFAULT_PROVIDER
            && grant.workspace_id.is_some()
            && grant.workspace_id.as_deref() == self.default_workspace_id();
        let typed = types::Grant {
            id: Some(id.to_owned()),
            provider: Some(grant.provider.clone()),
            grant_status: Some(if grant.valid { "valid" } else { "invalid" }.to_owned()),
            email: Some(grant.email.clone()),
            name: grant.name.clone(),
            workspace_id: grant.workspace_id.clone().filter(|_| !hidden),
            created_at: Some(grant.created_at),
            updated_at: Some(grant.updated_at),
            ..types::Grant::default()
        };
        let mut value = serde_json::to_value(typed).unwrap_or_else(|_| json!({}));
        // Nylas always sends `scope`, even when it is empty.
        if let Value::Object(map) = &mut value {
            map.insert("scope".into(), json!([]));
        }
        value
    }

    /// `GET /v3/applications`: `default_workspace_id` only when there is one.
    pub(crate) fn application_json(&self) -> Value {
        let typed = types::Application {
            application_id: Some(self.application_id.clone()),
            organization_id: Some(self.organization_id()),
            region: Some("us".into()),
            environment: Some("production".into()),
            default_workspace_id: self.default_workspace_id().map(str::to_owned),
            v2_application_id: None,
        };
        serde_json::to_value(typed).unwrap_or_else(|_| json!({}))
    }

    /// `GET /v3/policies`.
    pub(crate) fn list_policies(
        &self,
        query: &HashMap<String, String>,
        quirks: &Quirks,
    ) -> Result<CursorPage, ApiError> {
        let all: Vec<Value> = self.policies.iter().map(|p| self.policy_json(p)).collect();
        cursor_page(all, query, quirks, quirks.trailing_policy_cursor)
    }

    /// `GET /v3/policies/{policy_id}`.
    pub(crate) fn get_policy(&self, policy_id: &str) -> Result<Value, ApiError> {
        self.policies
            .iter()
            .find(|p| p.id == policy_id)
            .map(|p| self.policy_json(p))
            .ok_or_else(|| ApiError::not_found(format!("no policy matches '{policy_id}'")))
    }

    fn policy_json(&self, policy: &PolicyRecord) -> Value {
        let typed = types::Policy {
            id: Some(policy.id.clone()),
            name: Some(policy.name.clone()),
            application_id: Some(self.application_id.clone()),
            organization_id: Some(self.organization_id()),
            created_at: Some(policy.created_at),
            updated_at: Some(policy.created_at),
            ..types::Policy::default()
        };
        serde_json::to_value(typed).unwrap_or_else(|_| json!({}))
    }

    /// `GET /v3/rules`.
    pub(crate) fn list_rules(
        &self,
        query: &HashMap<String, String>,
        quirks: &Quirks,
    ) -> Result<CursorPage, ApiError> {
        let all: Vec<Value> = self.rules.iter().map(|r| self.rule_json(r)).collect();
        cursor_page(all, query, quirks, false)
    }

    /// `GET /v3/rules/{rule_id}`.
    pub(crate) fn get_rule(&self, rule_id: &str) -> Result<Value, ApiError> {
        self.rules
            .iter()
            .find(|r| r.id == rule_id)
            .map(|r| self.rule_json(r))
            .ok_or_else(|| ApiError::not_found(format!("no rule matches '{rule_id}'")))
    }

    fn rule_json(&self, rule: &RuleRecord) -> Value {
        let typed = types::Rule {
            id: Some(rule.id.clone()),
            name: Some(rule.name.clone()),
            description: rule.description.clone(),
            priority: Some(rule.priority),
            enabled: Some(rule.enabled),
            trigger: Some(rule.trigger.clone()),
            application_id: Some(self.application_id.clone()),
            organization_id: Some(self.organization_id()),
            created_at: Some(rule.created_at),
            updated_at: Some(rule.created_at),
            ..types::Rule::default()
        };
        serde_json::to_value(typed).unwrap_or_else(|_| json!({}))
    }
}

/// One page of `all` by cursor: `limit` (1 to 200, default 50, then capped by the quirk) and
/// `page_token`, which is the previous page's `next_cursor` (the offset, as text).
fn cursor_page(
    all: Vec<Value>,
    query: &HashMap<String, String>,
    quirks: &Quirks,
    trailing_cursor: bool,
) -> Result<CursorPage, ApiError> {
    let limit = page_size(query)?.unwrap_or(DEFAULT_CURSOR_PAGE_SIZE);
    if limit > MAX_CURSOR_PAGE_SIZE {
        return Err(ApiError::bad_request(format!(
            "limit must be at most {MAX_CURSOR_PAGE_SIZE}, not '{limit}'"
        )));
    }
    let start = match query.get("page_token").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= all.len())
            .ok_or_else(|| ApiError::bad_request(format!("unknown page_token '{token}'")))?,
    };
    let end = start.saturating_add(quirks.capped(limit)).min(all.len());
    let items: Vec<Value> = all[start..end].to_vec();
    let next_cursor =
        (end < all.len() || (trailing_cursor && !items.is_empty())).then(|| end.to_string());
    Ok(CursorPage { items, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{NewPolicy, NewRule};
    use crate::model::NewGrant;
    use crate::rng::SplitMix64;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn state_with_grants(n: i64) -> State {
        let mut state = State::new("app".into(), SplitMix64::new(7));
        state.add_default_workspace(Some("ws-default".into()), 0);
        for i in 0..n {
            let grant = NewGrant::new(format!("u{i}@example.com"))
                .grant_id(format!("g{i}"))
                .created_at(100 + i)
                .provider(if i % 2 == 0 { "nylas" } else { "google" })
                .valid(i % 3 != 0);
            state.add_grant(grant, 0).unwrap();
        }
        state
    }

    fn ids(page: &GrantPage) -> Vec<&str> {
        page.grants
            .iter()
            .map(|g| g["id"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn grants_default_to_ten_newest_first_and_page_by_offset() {
        let state = state_with_grants(12);
        let none = Quirks::default();
        let first = state.list_grants(&GrantQuery::default(), 1000, &none);
        assert_eq!(first.limit, 10);
        assert_eq!(ids(&first)[..2], ["g11", "g10"]);
        let q = GrantQuery::parse(&query(&[("offset", "10"), ("order_by", "desc")])).unwrap();
        assert_eq!(ids(&state.list_grants(&q, 1000, &none)), ["g1", "g0"]);
        let q = GrantQuery::parse(&query(&[("order_by", "asc"), ("limit", "3")])).unwrap();
        assert_eq!(ids(&state.list_grants(&q, 1000, &none)), ["g0", "g1", "g2"]);
        let q = GrantQuery::parse(&query(&[("offset", "50")])).unwrap();
        assert!(state.list_grants(&q, 1000, &none).grants.is_empty());
    }

    #[test]
    fn grant_filters_combine() {
        let state = state_with_grants(12);
        let none = Quirks::default();
        let q = GrantQuery::parse(&query(&[
            ("provider", "google"),
            ("grant_status", "valid"),
            ("since", "103"),
            ("before", "109"),
            ("order_by", "asc"),
        ]))
        .unwrap();
        // Odd (google), not a multiple of 3 (valid), created 103..=109.
        assert_eq!(ids(&state.list_grants(&q, 1000, &none)), ["g5", "g7"]);
        let q = GrantQuery::parse(&query(&[("email", "U4@EXAMPLE.com")])).unwrap();
        assert_eq!(ids(&state.list_grants(&q, 1000, &none)), ["g4"]);
        let q = GrantQuery::parse(&query(&[("workspace_id", "elsewhere")])).unwrap();
        assert!(state.list_grants(&q, 1000, &none).grants.is_empty());
    }

    #[test]
    fn bad_grant_queries_are_400_with_the_parameter_named() {
        for (name, value) in [
            ("limit", "0"),
            ("limit", "-1"),
            ("limit", "ten"),
            ("limit", "99999999999"),
            ("offset", "-1"),
            ("grant_status", "expired"),
            ("sort_by", "email"),
            ("order_by", "up"),
            ("since", "yesterday"),
            ("before", "1.5"),
        ] {
            let err = GrantQuery::parse(&query(&[(name, value)])).unwrap_err();
            assert_eq!(err.status.as_u16(), 400, "{name}={value}");
            assert!(err.message.contains(name), "{name}: {}", err.message);
        }
    }

    #[test]
    fn the_page_size_cap_is_echoed_in_limit() {
        let state = state_with_grants(12);
        let capped = Quirks {
            page_size_cap: Some(4),
            ..Quirks::default()
        };
        let q = GrantQuery::parse(&query(&[("limit", "200")])).unwrap();
        let page = state.list_grants(&q, 1000, &capped);
        assert_eq!((page.limit, page.grants.len()), (4, 4));
    }

    #[test]
    fn filtered_listings_lag_fresh_grants_but_unfiltered_ones_do_not() {
        let state = state_with_grants(12);
        let lag = Quirks {
            filtered_grant_lag_secs: Some(5),
            ..Quirks::default()
        };
        // "Now" is 112: grants created at 108..=111 are fresher than 5 s.
        let filtered =
            GrantQuery::parse(&query(&[("workspace_id", "ws-default"), ("limit", "50")])).unwrap();
        let page = state.list_grants(&filtered, 112, &lag);
        assert_eq!(page.grants.len(), 8, "{:?}", ids(&page));
        assert!(!ids(&page).contains(&"g8"));
        let all = GrantQuery::parse(&query(&[("limit", "50")])).unwrap();
        assert_eq!(state.list_grants(&all, 112, &lag).grants.len(), 12);
        assert_eq!(state.list_grants(&filtered, 10_000, &lag).grants.len(), 12);
    }

    #[test]
    fn default_workspace_ids_are_omitted_only_for_other_providers_when_asked() {
        let state = state_with_grants(2);
        let omit = Quirks {
            omit_default_workspace_id: true,
            ..Quirks::default()
        };
        assert_eq!(
            state.get_grant("g0", &omit).unwrap()["workspace_id"],
            "ws-default"
        );
        assert!(
            state
                .get_grant("g1", &omit)
                .unwrap()
                .get("workspace_id")
                .is_none()
        );
        let plain = Quirks::default();
        assert_eq!(
            state.get_grant("g1", &plain).unwrap()["workspace_id"],
            "ws-default"
        );
        assert_eq!(state.get_grant("g1", &plain).unwrap()["provider"], "google");
        assert_eq!(
            state.get_grant("nope", &plain).unwrap_err().status.as_u16(),
            404
        );
    }

    #[test]
    fn policies_page_by_cursor_with_an_optional_trailing_cursor() {
        let mut state = State::new("app".into(), SplitMix64::new(7));
        for i in 0..5 {
            state
                .add_policy(NewPolicy::new(format!("P{i}")).id(format!("p{i}")), 9)
                .unwrap();
        }
        let plain = Quirks::default();
        let page = state
            .list_policies(&query(&[("limit", "2")]), &plain)
            .unwrap();
        assert_eq!(page.next_cursor.as_deref(), Some("2"));
        let last = state
            .list_policies(&query(&[("limit", "2"), ("page_token", "4")]), &plain)
            .unwrap();
        assert_eq!((last.items.len(), last.next_cursor), (1, None));
        let trailing = Quirks {
            trailing_policy_cursor: true,
            ..Quirks::default()
        };
        let last = state
            .list_policies(&query(&[("limit", "2"), ("page_token", "4")]), &trailing)
            .unwrap();
        assert_eq!(last.next_cursor.as_deref(), Some("5"));
        let after = state
            .list_policies(&query(&[("page_token", "5")]), &trailing)
            .unwrap();
        assert_eq!((after.items.len(), after.next_cursor), (0, None));
        assert_eq!(page.items[0]["name"], "P0");
    }

    #[test]
    fn cursor_limits_and_tokens_are_checked() {
        let mut state = State::new("app".into(), SplitMix64::new(7));
        state.add_rule(NewRule::new("R").id("r1"), 0).unwrap();
        let plain = Quirks::default();
        for bad in [
            &[("limit", "201")][..],
            &[("limit", "0")][..],
            &[("page_token", "x")][..],
            &[("page_token", "2")][..],
        ] {
            let err = state.list_rules(&query(bad), &plain).err().unwrap();
            assert_eq!(err.status.as_u16(), 400, "{bad:?}");
        }
        assert_eq!(
            state
                .list_rules(&query(&[("limit", "200")]), &plain)
                .unwrap()
                .items
                .len(),
            1
        );
        let rule = state.get_rule("r1").unwrap();
        assert_eq!(
            (
                rule["priority"].as_i64(),
                rule["enabled"].as_bool(),
                rule["trigger"].as_str()
            ),
            (Some(10), Some(true), Some("inbound"))
        );
        assert_eq!(state.get_rule("r2").unwrap_err().status.as_u16(), 404);
    }

    #[test]
    fn the_application_names_its_default_workspace_only_when_it_has_one() {
        let mut state = State::new("app".into(), SplitMix64::new(7));
        assert!(
            state
                .application_json()
                .get("default_workspace_id")
                .is_none()
        );
        state.add_default_workspace(Some("ws-d".into()), 0);
        assert_eq!(state.application_json()["default_workspace_id"], "ws-d");
    }
}
