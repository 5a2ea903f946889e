//! The records the emulator keeps, and the public shapes used to seed and inspect them.

use serde::{Deserialize, Serialize};

/// One workspace as the emulator stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WorkspaceRecord {
    pub(crate) id: String,
    pub(crate) name: String,
    /// `None` for a workspace created without a domain; it can never gain one.
    pub(crate) domain: Option<String>,
    pub(crate) auto_group: bool,
    pub(crate) is_default: bool,
    pub(crate) policy_id: Option<String>,
    pub(crate) rule_ids: Vec<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl WorkspaceRecord {
    /// Whether `domain` names this workspace (domains compare without regard to case).
    pub(crate) fn has_domain(&self, domain: &str) -> bool {
        self.domain
            .as_deref()
            .is_some_and(|own| own.eq_ignore_ascii_case(domain))
    }
}

/// A grant (an Agent Account) to add to the emulator, from Rust, the admin API or a seed file.
///
/// Only `email` is required: a grant is a valid Agent Account (provider `nylas`), created
/// "now" (by the emulator's clock) and placed by the API's rule for new grants unless told
/// otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewGrant {
    /// The grant's email address; its domain drives auto-grouping.
    pub email: String,
    /// Invalid grants are skipped by auto-group jobs unless `invalid_also` is sent.
    #[serde(default = "default_valid")]
    pub valid: bool,
    /// Creation time in Unix seconds; the emulator's clock when `None`.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Time of the last change in Unix seconds; `created_at` when `None`.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// The grant's provider (`google`, `microsoft`, ...); [`DEFAULT_PROVIDER`] when `None`.
    #[serde(default)]
    pub provider: Option<String>,
    /// The account owner's display name; not sent when `None`.
    #[serde(default)]
    pub name: Option<String>,
    /// Put the grant in this workspace (ID or domain) instead of placing it by the rule for
    /// new grants, as `POST /v3/connect/custom` with a `workspace_id` would.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// A fixed grant ID; a fresh UUID when `None`.
    #[serde(default)]
    pub grant_id: Option<String>,
}

fn default_valid() -> bool {
    true
}

/// The provider of a grant that names none: `nylas`, an Agent Account.
pub const DEFAULT_PROVIDER: &str = "nylas";

impl NewGrant {
    /// A valid grant for `email`, created now and placed by the rule for new grants.
    pub fn new(email: impl Into<String>) -> Self {
        Self {
            email: email.into(),
            valid: true,
            created_at: None,
            updated_at: None,
            provider: None,
            name: None,
            workspace_id: None,
            grant_id: None,
        }
    }

    /// Sets the provider, such as `google` (`nylas` when never set).
    #[must_use]
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// Sets the time of the last change, in Unix seconds.
    #[must_use]
    pub fn updated_at(mut self, unix_secs: i64) -> Self {
        self.updated_at = Some(unix_secs);
        self
    }

    /// Sets the account owner's display name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Marks the grant valid or invalid.
    #[must_use]
    pub fn valid(mut self, valid: bool) -> Self {
        self.valid = valid;
        self
    }

    /// Sets the creation time, in Unix seconds.
    #[must_use]
    pub fn created_at(mut self, unix_secs: i64) -> Self {
        self.created_at = Some(unix_secs);
        self
    }

    /// Places the grant in this workspace (by ID or domain).
    #[must_use]
    pub fn workspace_id(mut self, workspace: impl Into<String>) -> Self {
        self.workspace_id = Some(workspace.into());
        self
    }

    /// Gives the grant a fixed ID.
    #[must_use]
    pub fn grant_id(mut self, grant_id: impl Into<String>) -> Self {
        self.grant_id = Some(grant_id.into());
        self
    }
}

/// A grant as the emulator currently holds it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct GrantSnapshot {
    pub grant_id: String,
    pub email: String,
    pub valid: bool,
    pub created_at: i64,
    /// Time of the last change, in Unix seconds.
    pub updated_at: i64,
    /// The grant's provider, such as `nylas` or `google`.
    pub provider: String,
    /// The account owner's display name, if one was given.
    pub name: Option<String>,
    /// `None` when the grant belongs to no workspace.
    pub workspace_id: Option<String>,
}

/// The lower-cased domain of an email address, if it has one.
pub(crate) fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.rsplit_once('@')?;
    (!domain.is_empty()).then(|| domain.to_ascii_lowercase())
}

/// Whether `domain` looks like an email domain: ASCII letters, digits, dots and hyphens, with
/// no empty label. The emulator refuses anything else so a path like `/v3/workspaces/{domain}`
/// can always address the workspace.
pub(crate) fn is_plausible_domain(domain: &str) -> bool {
    domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_domains_are_lower_cased_and_need_an_at_sign() {
        assert_eq!(email_domain("Ann@Nylas.COM").as_deref(), Some("nylas.com"));
        assert_eq!(
            email_domain("weird@at@example.org").as_deref(),
            Some("example.org")
        );
        assert_eq!(email_domain("no-at-sign"), None);
        assert_eq!(email_domain("trailing@"), None);
    }

    #[test]
    fn plausible_domains() {
        assert!(is_plausible_domain("nylas.com"));
        assert!(is_plausible_domain("mail.example-1.org"));
        assert!(!is_plausible_domain(""));
        assert!(!is_plausible_domain("a..b"));
        assert!(!is_plausible_domain("x/y.com"));
        assert!(!is_plausible_domain("-bad.com"));
        assert!(!is_plausible_domain("sp ace.com"));
    }

    #[test]
    fn new_grant_deserializes_with_defaults() {
        let g: NewGrant = serde_json::from_str(r#"{"email":"a@b.c"}"#).unwrap();
        assert_eq!(g, NewGrant::new("a@b.c"));
        let err = serde_json::from_str::<NewGrant>(r#"{"email":"a@b.c","vald":false}"#);
        assert!(
            err.is_err(),
            "a misspelt field must not be dropped silently"
        );
    }
}
