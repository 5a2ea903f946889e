//! Live behaviour of Nylas's listing endpoints that its reference does not describe, each
//! switchable so that clients can be tested against it.
//!
//! All are off by default: the emulator then answers as the reference says. Each one copies
//! a behaviour seen in Nylas's official SDKs or its CLI.

use serde::{Deserialize, Serialize};

/// The largest page size the emulator accepts for policies and rules, as the spec states.
pub const MAX_CURSOR_PAGE_SIZE: usize = 200;

/// Which live quirks the emulator reproduces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Quirks {
    /// `GET /v3/rules` answers `{data: {items: [...], next_cursor}}` instead of the
    /// documented `{data: [...], next_cursor}`.
    pub nested_rules_envelope: bool,
    /// `GET /v3/policies` sends a `next_cursor` on every non-empty page, the last one
    /// included; the page after the last is then empty and has none.
    pub trailing_policy_cursor: bool,
    /// The largest page any listing (grants, policies, rules) returns, whatever `limit` was
    /// asked for; the grants listing echoes the page size it used in `limit`.
    pub page_size_cap: Option<usize>,
    /// Grants created within this many seconds (by the emulator's clock) are missing from
    /// grant listings filtered by `workspace_id`; unfiltered listings show them at once.
    pub filtered_grant_lag_secs: Option<u64>,
    /// Grants in the default workspace whose provider is not `nylas` come back without
    /// `workspace_id`, as Nylas's reference allows.
    pub omit_default_workspace_id: bool,
}

impl Quirks {
    /// Why these quirks cannot be used, if they cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        (self.page_size_cap == Some(0)).then(|| "page_size_cap must be at least 1".to_string())
    }

    /// The page size actually used when `asked` was requested.
    pub(crate) fn capped(&self, asked: usize) -> usize {
        self.page_size_cap.map_or(asked, |cap| asked.min(cap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirks_parse_with_defaults_and_refuse_unknown_keys() {
        let q: Quirks = serde_json::from_str(r#"{"page_size_cap": 3}"#).unwrap();
        assert_eq!(q.page_size_cap, Some(3));
        assert!(!q.nested_rules_envelope);
        assert!(serde_json::from_str::<Quirks>(r#"{"nested_rule_envelope": true}"#).is_err());
        assert_eq!(q.capped(10), 3);
        assert_eq!(q.capped(2), 2);
        assert!(
            Quirks {
                page_size_cap: Some(0),
                ..Quirks::default()
            }
            .problem()
            .is_some()
        );
    }
}
