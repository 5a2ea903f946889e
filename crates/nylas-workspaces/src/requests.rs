//! Request types for create, update and auto-group, and the checks that need nothing but the
//! request.
//!
//! Where the type system can express a rule it does: there is no way to ask for a domain
//! change, `name` is a constructor argument of [`CreateWorkspace`], and
//! [`DefaultWorkspaceUpdate`] (a [`PolicyAndRules`]) only offers the two fields the default
//! workspace accepts. The rules that need only the request are checked in `to_wire`, which
//! runs before anything is sent and fails with [`Error::InvariantViolation`]; the rules that
//! depend on facts about the target workspace live in `target.rs`.

use std::time::{SystemTime, UNIX_EPOCH};

use nylas_workspaces_api::types;

use crate::error::{Error, Result, Rule};

/// Three states of an optional field in an update: leave it, clear it, or set it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Leave the current value (the field is not sent).
    #[default]
    Keep,
    /// Remove the current value (the field is sent as `null`).
    Clear,
    /// Replace the current value.
    Set(T),
}

impl<T> Patch<T> {
    /// True for [`Patch::Keep`].
    pub fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }

    /// The wire form: `None` omits, `Some(None)` is `null`, `Some(Some(v))` is the value.
    fn into_wire(self) -> Option<Option<T>> {
        match self {
            Self::Keep => None,
            Self::Clear => Some(None),
            Self::Set(value) => Some(Some(value)),
        }
    }
}

/// A new workspace. Only the name is required; nothing that is not set is sent.
///
/// ```
/// use nylas_workspaces::CreateWorkspace;
///
/// let sales = CreateWorkspace::new("Sales")
///     .domain("sales.example.com")
///     .auto_group(true)
///     .policy_id("pol-1");
/// assert_eq!(sales.name(), "Sales");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateWorkspace {
    name: String,
    domain: Option<String>,
    auto_group: Option<bool>,
    policy_id: Option<String>,
    rule_ids: Option<Vec<String>>,
}

impl CreateWorkspace {
    /// A workspace with this name and nothing else set.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            domain: None,
            auto_group: None,
            policy_id: None,
            rule_ids: None,
        }
    }

    /// The email domain it stands for. It can never be added or changed later.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Whether new grants of the domain join by themselves; `true` requires a domain.
    pub fn auto_group(mut self, auto_group: bool) -> Self {
        self.auto_group = Some(auto_group);
        self
    }

    /// A policy to attach.
    pub fn policy_id(mut self, policy_id: impl Into<String>) -> Self {
        self.policy_id = Some(policy_id.into());
        self
    }

    /// Rules to attach.
    pub fn rule_ids<I, S>(mut self, rule_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rule_ids = Some(rule_ids.into_iter().map(Into::into).collect());
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Checks the documented rules and builds the wire body.
    pub(crate) fn to_wire(&self) -> Result<types::CreateWorkspaceRequest> {
        let name = wire_name(&self.name)?;
        if let Some(domain) = &self.domain
            && domain.trim().is_empty()
        {
            return Err(Error::invariant(
                Rule::DomainEmpty,
                "the domain is empty; leave it unset to create a workspace without one",
            ));
        }
        if self.auto_group == Some(true) && self.domain.is_none() {
            return Err(Error::invariant(
                Rule::AutoGroupRequiresDomain,
                "auto_group true needs a domain to group by",
            ));
        }
        check_reference_ids(self.policy_id.iter(), "policy_id")?;
        check_reference_ids(self.rule_ids.iter().flatten(), "rule_ids")?;
        Ok(types::CreateWorkspaceRequest {
            name,
            domain: self.domain.clone(),
            auto_group: self.auto_group,
            policy_id: self.policy_id.clone(),
            rule_ids: self.rule_ids.clone().unwrap_or_default(),
        })
    }
}

/// A change to a workspace. Fields left alone are not sent. There is deliberately no way to
/// change the domain: the API never allows it.
///
/// Whether a change to `name` or `auto_group` is allowed depends on the target (it must not be
/// the default workspace; `auto_group: true` needs a domain): the client looks that up before
/// sending, see [`Client::update_workspace`](crate::Client::update_workspace).
///
/// ```
/// use nylas_workspaces::{Patch, UpdateWorkspace};
///
/// let update = UpdateWorkspace::new().name("Support").clear_policy().rule_ids(["r-1"]);
/// assert_eq!(update.policy_and_rules.policy_id, Patch::Clear);
/// assert!(!update.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateWorkspace {
    /// A new name (refused on the default workspace).
    pub name: Option<String>,
    /// Turn automatic grouping on or off (refused on the default workspace).
    pub auto_group: Option<bool>,
    /// The policy and rules to attach, detach or keep (allowed on every workspace).
    pub policy_and_rules: PolicyAndRules,
}

/// The policy and rules part of an update: the part every workspace accepts, and all that the
/// default workspace accepts. [`UpdateWorkspace`] carries one; on its own it is the
/// [`DefaultWorkspaceUpdate`].
///
/// ```
/// use nylas_workspaces::{DefaultWorkspaceUpdate, Patch, PolicyAndRules};
///
/// let change: DefaultWorkspaceUpdate = PolicyAndRules::new().policy_id("pol-1").clear_rules();
/// assert_eq!(change.policy_id, Patch::Set("pol-1".to_owned()));
/// assert_eq!(change.rule_ids, Patch::Clear);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyAndRules {
    /// Attach, detach or keep the policy.
    pub policy_id: Patch<String>,
    /// Replace, detach (`Clear`, or `Set(vec![])` which the API treats the same) or keep the rules.
    pub rule_ids: Patch<Vec<String>>,
}

/// The only change the default workspace accepts: its policy and rules (see
/// [`Client::update_default_workspace`](crate::Client::update_default_workspace)).
pub type DefaultWorkspaceUpdate = PolicyAndRules;

/// Gives the policy/rules builder methods (written once, in [`policy_and_rules_builders`]) the
/// part they change.
trait HasPolicyAndRules {
    fn policy_and_rules_mut(&mut self) -> &mut PolicyAndRules;
}

impl HasPolicyAndRules for PolicyAndRules {
    fn policy_and_rules_mut(&mut self) -> &mut PolicyAndRules {
        self
    }
}

impl HasPolicyAndRules for UpdateWorkspace {
    fn policy_and_rules_mut(&mut self) -> &mut PolicyAndRules {
        &mut self.policy_and_rules
    }
}

/// The four policy/rules builder methods, for a type implementing [`HasPolicyAndRules`]. A
/// macro rather than a public trait, so that callers need no extra import.
macro_rules! policy_and_rules_builders {
    () => {
        /// Attaches this policy.
        pub fn policy_id(mut self, policy_id: impl Into<String>) -> Self {
            self.policy_and_rules_mut().policy_id = Patch::Set(policy_id.into());
            self
        }

        /// Detaches the current policy (sends `null`).
        pub fn clear_policy(mut self) -> Self {
            self.policy_and_rules_mut().policy_id = Patch::Clear;
            self
        }

        /// Replaces the rules with these (an empty list detaches them all).
        pub fn rule_ids<I, S>(mut self, rule_ids: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.policy_and_rules_mut().rule_ids =
                Patch::Set(rule_ids.into_iter().map(Into::into).collect());
            self
        }

        /// Detaches all rules (sends `null`).
        pub fn clear_rules(mut self) -> Self {
            self.policy_and_rules_mut().rule_ids = Patch::Clear;
            self
        }
    };
}

impl PolicyAndRules {
    /// A change that changes nothing yet (sending it as is is refused).
    pub fn new() -> Self {
        Self::default()
    }

    policy_and_rules_builders!();

    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        self.policy_id.is_keep() && self.rule_ids.is_keep()
    }

    /// Checks the ids and gives the wire forms of (`policy_id`, `rule_ids`).
    #[allow(clippy::type_complexity)]
    fn to_wire(&self) -> Result<(Option<Option<String>>, Option<Option<Vec<String>>>)> {
        if let Patch::Set(policy) = &self.policy_id {
            check_reference_ids([policy], "policy_id")?;
        }
        if let Patch::Set(rules) = &self.rule_ids {
            check_reference_ids(rules, "rule_ids")?;
        }
        Ok((
            self.policy_id.clone().into_wire(),
            self.rule_ids.clone().into_wire(),
        ))
    }
}

impl UpdateWorkspace {
    /// An update that changes nothing yet (sending it as is is refused).
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the workspace.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Turns automatic grouping on or off.
    pub fn auto_group(mut self, auto_group: bool) -> Self {
        self.auto_group = Some(auto_group);
        self
    }

    policy_and_rules_builders!();

    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.auto_group.is_none() && self.policy_and_rules.is_empty()
    }

    /// Checks the rules that need nothing but the update itself and builds the wire body. The
    /// rules that depend on the target are checked by the client (`target.rs`).
    pub(crate) fn to_wire(&self) -> Result<types::UpdateWorkspaceRequest> {
        if self.is_empty() {
            return Err(Error::invariant(
                Rule::EmptyUpdate,
                "the update changes nothing; set at least one field",
            ));
        }
        let name = self.name.as_deref().map(wire_name).transpose()?;
        let (policy_id, rule_ids) = self.policy_and_rules.to_wire()?;
        Ok(types::UpdateWorkspaceRequest {
            name,
            auto_group: self.auto_group,
            policy_id,
            rule_ids,
        })
    }
}

impl From<PolicyAndRules> for UpdateWorkspace {
    fn from(policy_and_rules: PolicyAndRules) -> Self {
        Self {
            name: None,
            auto_group: None,
            policy_and_rules,
        }
    }
}

/// Filters for an auto-group job; with none set, Nylas considers every grant.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use nylas_workspaces::AutoGroup;
///
/// let recent = AutoGroup::new()
///     .created_at_or_after(UNIX_EPOCH + Duration::from_secs(1_725_273_600))
///     .invalid_also(true)
///     .specific_domain("example.com");
/// # let _ = recent;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AutoGroup {
    after_created_at: Option<Since>,
    invalid_also: Option<bool>,
    specific_domain: Option<String>,
}

impl AutoGroup {
    /// No filters: every grant is considered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only grants created at or after this time. Sub-second times are rounded up, since
    /// Nylas keeps creation times in whole seconds.
    pub fn created_at_or_after(mut self, time: SystemTime) -> Self {
        self.after_created_at = Some(Since::Time(time));
        self
    }

    /// The same as [`created_at_or_after`](Self::created_at_or_after), in Unix seconds.
    pub fn after_created_at_unix(mut self, seconds: i64) -> Self {
        self.after_created_at = Some(Since::Unix(seconds));
        self
    }

    /// Also sort invalid grants.
    pub fn invalid_also(mut self, invalid_also: bool) -> Self {
        self.invalid_also = Some(invalid_also);
        self
    }

    /// Only grants of this email domain.
    pub fn specific_domain(mut self, domain: impl Into<String>) -> Self {
        self.specific_domain = Some(domain.into());
        self
    }

    /// Checks the filters and builds the wire body (`{}` when none is set).
    pub(crate) fn to_wire(&self) -> Result<types::AutoGroupRequest> {
        let after_created_at = match self.after_created_at {
            None => None,
            Some(Since::Time(time)) => Some(unix_seconds_rounded_up(time)?),
            Some(Since::Unix(seconds)) if seconds < 0 => {
                return Err(Error::invariant(
                    Rule::TimestampBeforeEpoch,
                    format!("after_created_at {seconds} is before 1970-01-01"),
                ));
            }
            Some(Since::Unix(seconds)) => Some(seconds),
        };
        if let Some(domain) = &self.specific_domain
            && domain.trim().is_empty()
        {
            return Err(Error::invariant(
                Rule::DomainEmpty,
                "specific_domain is empty; leave it unset to consider every domain",
            ));
        }
        Ok(types::AutoGroupRequest {
            after_created_at,
            invalid_also: self.invalid_also,
            specific_domain: self.specific_domain.clone(),
        })
    }
}

/// The start of the `after_created_at` window, as the caller gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Since {
    Time(SystemTime),
    Unix(i64),
}

fn unix_seconds_rounded_up(time: SystemTime) -> Result<i64> {
    let since = time.duration_since(UNIX_EPOCH).map_err(|_| {
        Error::invariant(
            Rule::TimestampBeforeEpoch,
            "after_created_at is before 1970-01-01",
        )
    })?;
    let seconds = since.as_secs() + u64::from(since.subsec_nanos() > 0);
    i64::try_from(seconds).map_err(|_| {
        Error::invariant(
            Rule::TimestampBeforeEpoch,
            "after_created_at is out of range",
        )
    })
}

/// The one name check: not empty and not only whitespace. The generated name types refuse only
/// the empty string, which this already covers; their refusal is folded into the same error so
/// that there is a single rule and a single message.
fn wire_name<N: TryFrom<String>>(name: &str) -> Result<N> {
    if !name.trim().is_empty()
        && let Ok(name) = N::try_from(name.to_owned())
    {
        return Ok(name);
    }
    Err(Error::invariant(
        Rule::NameRequired,
        "the workspace name is empty",
    ))
}

pub(crate) fn check_reference_ids<'a>(
    ids: impl IntoIterator<Item = &'a String>,
    field: &str,
) -> Result<()> {
    if ids.into_iter().any(|id| id.trim().is_empty()) {
        return Err(Error::invariant(
            Rule::EmptyReferenceId,
            format!("{field} contains an empty id"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, to_value};
    use std::time::Duration;

    #[test]
    fn create_sends_only_what_was_set() {
        let body = CreateWorkspace::new("Sales").to_wire().unwrap();
        assert_eq!(to_value(body).unwrap(), json!({"name": "Sales"}));
        let body = CreateWorkspace::new("Sales")
            .domain("example.com")
            .auto_group(true)
            .policy_id("p")
            .rule_ids(["r1", "r2"])
            .to_wire()
            .unwrap();
        assert_eq!(
            to_value(body).unwrap(),
            json!({"name": "Sales", "domain": "example.com", "auto_group": true,
                   "policy_id": "p", "rule_ids": ["r1", "r2"]})
        );
    }

    #[test]
    fn create_rules() {
        let rule = |c: CreateWorkspace| c.to_wire().unwrap_err().rule().unwrap();
        assert_eq!(rule(CreateWorkspace::new(" ")), Rule::NameRequired);
        assert_eq!(
            rule(CreateWorkspace::new("a").auto_group(true)),
            Rule::AutoGroupRequiresDomain
        );
        assert_eq!(
            rule(CreateWorkspace::new("a").domain("")),
            Rule::DomainEmpty
        );
        assert_eq!(
            rule(CreateWorkspace::new("a").rule_ids([""])),
            Rule::EmptyReferenceId
        );
        assert!(
            CreateWorkspace::new("a")
                .auto_group(false)
                .to_wire()
                .is_ok()
        );
    }

    #[test]
    fn update_rules_without_a_target() {
        let rule = |u: UpdateWorkspace| u.to_wire().unwrap_err().rule().unwrap();
        assert_eq!(rule(UpdateWorkspace::new()), Rule::EmptyUpdate);
        assert_eq!(rule(UpdateWorkspace::new().name("")), Rule::NameRequired);
        assert_eq!(rule(UpdateWorkspace::new().name(" \t")), Rule::NameRequired);
        assert_eq!(
            rule(UpdateWorkspace::new().policy_id("")),
            Rule::EmptyReferenceId
        );
        assert_eq!(
            rule(UpdateWorkspace::new().rule_ids(["ok", " "])),
            Rule::EmptyReferenceId
        );
        assert_eq!(
            rule(UpdateWorkspace::from(PolicyAndRules::new())),
            Rule::EmptyUpdate
        );
        // A name keeps its spaces: only an all-blank one is refused.
        let body = UpdateWorkspace::new().name(" Sales ").to_wire().unwrap();
        assert_eq!(to_value(body).unwrap(), json!({"name": " Sales "}));
    }

    #[test]
    fn policy_and_rules_builders_are_the_same_on_both_types() {
        let alone = PolicyAndRules::new().clear_policy().rule_ids(["r-1"]);
        let update = UpdateWorkspace::new().clear_policy().rule_ids(["r-1"]);
        assert_eq!(update.policy_and_rules, alone);
        assert_eq!(UpdateWorkspace::from(alone.clone()), update);
        let body = update.to_wire().unwrap();
        assert_eq!(
            to_value(body).unwrap(),
            json!({"policy_id": null, "rule_ids": ["r-1"]})
        );
        let update = UpdateWorkspace::new().policy_id("p").clear_rules();
        assert_eq!(
            to_value(update.to_wire().unwrap()).unwrap(),
            json!({"policy_id": "p", "rule_ids": null})
        );
        let default: DefaultWorkspaceUpdate = DefaultWorkspaceUpdate::new().policy_id("p");
        assert!(!default.is_empty());
        assert!(PolicyAndRules::new().is_empty());
    }

    #[test]
    fn auto_group_times() {
        let body = AutoGroup::new()
            .created_at_or_after(UNIX_EPOCH + Duration::from_millis(1_500))
            .to_wire()
            .unwrap();
        assert_eq!(body.after_created_at, Some(2));
        let body = AutoGroup::new().after_created_at_unix(5).to_wire().unwrap();
        assert_eq!(body.after_created_at, Some(5));
        assert_eq!(
            AutoGroup::new()
                .after_created_at_unix(-1)
                .to_wire()
                .unwrap_err()
                .rule(),
            Some(Rule::TimestampBeforeEpoch)
        );
        assert_eq!(
            to_value(AutoGroup::new().to_wire().unwrap()).unwrap(),
            json!({})
        );
    }
}
