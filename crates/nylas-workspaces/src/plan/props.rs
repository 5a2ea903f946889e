//! Property tests of planning: for random snapshots and random files, applying the plan (in
//! the in-memory model of `model.rs`) and planning again leaves nothing or only refusals; and
//! an export of any snapshot a file can describe plans back to nothing.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::model;
use super::planning_tests::ws;
use super::*;

pub(super) const NAMES: &[&str] = &["A", "B", "C", "null", "Field team"];
pub(super) const DOMAINS: &[&str] = &["a.com", "b.com", "C.com", "c.com"];
const LABELS: &[&str] = &["P", "Q", "", "p-1"];
/// What a file names policies and rules by (an empty name is a parse error, tested elsewhere).
const FILE_LABELS: &[&str] = &["P", "Q", "p-1", "Nope"];
pub(super) const GRANTS: usize = 8;

/// A workspace: name, domain, auto_group, policy and rules, as indexes into the pools.
pub(super) type WorkspaceSpec = (usize, Option<usize>, bool, Option<usize>, Vec<usize>);

/// The `default_workspace` section: absent, or its policy (absent, null, a reference) and rules.
pub(super) type DefaultSpec = Option<(Option<Option<String>>, Option<Vec<String>>)>;

#[derive(Debug, Clone)]
pub(super) struct LiveSpec {
    pub(super) workspaces: Vec<WorkspaceSpec>,
    pub(super) default: Option<usize>,
    pub(super) policy_names: Vec<usize>,
    pub(super) rule_names: Vec<usize>,
    pub(super) grant_homes: Vec<Option<usize>>,
}

pub(super) fn live_spec() -> impl Strategy<Value = LiveSpec> {
    (
        prop::collection::vec(
            (
                0..NAMES.len(),
                prop::option::of(0..DOMAINS.len()),
                any::<bool>(),
                prop::option::of(0..3usize),
                prop::collection::vec(0..3usize, 0..3),
            ),
            0..6,
        ),
        prop::option::of(0..6usize),
        prop::collection::vec(0..LABELS.len(), 3),
        prop::collection::vec(0..LABELS.len(), 3),
        prop::collection::vec(prop::option::of(0..6usize), GRANTS),
    )
        .prop_map(
            |(workspaces, default, policy_names, rule_names, grant_homes)| LiveSpec {
                workspaces,
                default,
                policy_names,
                rule_names,
                grant_homes,
            },
        )
}

fn build_live(spec: &LiveSpec) -> LiveState {
    let mut state = LiveState::default();
    for (i, (name, domain, auto_group, policy, rules)) in spec.workspaces.iter().enumerate() {
        let domain = domain.map(|d| DOMAINS[d]);
        let mut w = ws(
            &format!("w-{i}"),
            NAMES[*name],
            domain,
            *auto_group && domain.is_some(),
        );
        w.policy_id = policy.map(|p| format!("p-{p}"));
        let mut rule_ids: Vec<String> = rules.iter().map(|r| format!("r-{r}")).collect();
        rule_ids.dedup();
        w.rule_ids = rule_ids;
        state.workspaces.push(w);
    }
    if let Some(d) = spec.default.filter(|d| *d < state.workspaces.len()) {
        state.workspaces[d].default = true;
        state.default_workspace_id = Some(format!("w-{d}"));
    }
    state.policies = spec
        .policy_names
        .iter()
        .enumerate()
        .map(|(i, n)| Named::new(format!("p-{i}"), LABELS[*n]))
        .collect();
    state.rules = spec
        .rule_names
        .iter()
        .enumerate()
        .map(|(i, n)| Named::new(format!("r-{i}"), LABELS[*n]))
        .collect();
    let mut grants: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (g, home) in spec.grant_homes.iter().enumerate() {
        if let Some(home) = home
            && let Some(w) = state.workspaces.get(*home)
            && !w.auto_group
            && !state.is_default(w)
        {
            grants
                .entry(w.workspace_id.clone())
                .or_default()
                .push(format!("g-{g}"));
        }
    }
    state.grants_by_workspace = grants;
    state
}

/// A key: absent, null, or a value.
fn tri<T: std::fmt::Debug + Clone>(
    value: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<Option<T>>> {
    prop_oneof![
        Just(None),
        Just(Some(None)),
        value.prop_map(|v| Some(Some(v)))
    ]
}

fn reference() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..3usize).prop_map(|i| format!("p-{i}")),
        (0..FILE_LABELS.len()).prop_map(|i| FILE_LABELS[i].to_owned()),
    ]
}

fn rule_reference() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..3usize).prop_map(|i| format!("r-{i}")),
        (0..FILE_LABELS.len()).prop_map(|i| FILE_LABELS[i].to_owned()),
    ]
}

#[derive(Debug, Clone)]
pub(super) struct EntrySpec {
    name: usize,
    domain: Option<Option<usize>>,
    auto_group: Option<bool>,
    policy: Option<Option<String>>,
    rules: Option<Vec<String>>,
    grants: Option<Vec<usize>>,
    exclusive: bool,
}

pub(super) fn entry_spec() -> impl Strategy<Value = EntrySpec> {
    (
        0..NAMES.len(),
        tri(0..DOMAINS.len()),
        prop::option::of(any::<bool>()),
        tri(reference()),
        prop::option::of(prop::collection::vec(rule_reference(), 0..3)),
        prop::option::of(prop::collection::vec(0..GRANTS, 0..4)),
        any::<bool>(),
    )
        .prop_map(
            |(name, domain, auto_group, policy, rules, grants, exclusive)| EntrySpec {
                name,
                domain,
                auto_group,
                policy,
                rules,
                grants,
                exclusive,
            },
        )
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

pub(super) fn render_file(default: &DefaultSpec, entries: &[EntrySpec]) -> String {
    let mut out = String::from("version: 1\n");
    if let Some((policy, rules)) = default {
        out.push_str("default_workspace:\n");
        match policy {
            None => {}
            Some(None) => out.push_str("  policy: null\n"),
            Some(Some(p)) => out.push_str(&format!("  policy: {}\n", quoted(p))),
        }
        if let Some(rules) = rules {
            let items: Vec<String> = rules.iter().map(|r| quoted(r)).collect();
            out.push_str(&format!("  rules: [{}]\n", items.join(", ")));
        }
    }
    out.push_str("workspaces:\n");
    for e in entries {
        out.push_str(&format!("  - name: {}\n", quoted(NAMES[e.name])));
        match e.domain {
            None => {}
            Some(None) => out.push_str("    domain: null\n"),
            Some(Some(d)) => out.push_str(&format!("    domain: {}\n", DOMAINS[d])),
        }
        if let Some(a) = e.auto_group {
            out.push_str(&format!("    auto_group: {a}\n"));
        }
        match &e.policy {
            None => {}
            Some(None) => out.push_str("    policy: null\n"),
            Some(Some(p)) => out.push_str(&format!("    policy: {}\n", quoted(p))),
        }
        if let Some(rules) = &e.rules {
            let items: Vec<String> = rules.iter().map(|r| quoted(r)).collect();
            out.push_str(&format!("    rules: [{}]\n", items.join(", ")));
        }
        if let Some(grants) = &e.grants {
            let items: Vec<String> = grants.iter().map(|g| format!("g-{g}")).collect();
            out.push_str(&format!("    grants: [{}]\n", items.join(", ")));
            out.push_str(&format!("    exclusive: {}\n", e.exclusive));
        }
    }
    out
}

pub(super) fn default_spec() -> impl Strategy<Value = DefaultSpec> {
    prop::option::of((
        tri(reference()),
        prop::option::of(prop::collection::vec(rule_reference(), 0..3)),
    ))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn apply_then_plan_leaves_only_refusals(
        live in live_spec(),
        default in default_spec(),
        entries in prop::collection::vec(entry_spec(), 0..5),
        prune in any::<bool>(),
    ) {
        let live = build_live(&live);
        let text = render_file(&default, &entries);
        let Ok(desired) = DesiredState::from_yaml_str(&text, Path::new(".")) else {
            return Ok(());
        };
        let options = PlanOptions::new().prune(prune);
        let Ok(first) = plan(&desired, &live, options) else {
            return Ok(());
        };
        let after = model::apply(&live, &first);
        let second = plan(&desired, &after, options)
            .map_err(|e| TestCaseError::fail(format!("re-plan failed: {e}\n{text}\n{first}")))?;
        let left: Vec<String> = second.changes.iter().filter(|c| !c.is_refused()).map(ToString::to_string).collect();
        prop_assert!(left.is_empty(), "left after apply: {left:?}\nfile:\n{text}\nfirst plan:\n{first}");
        prop_assert_eq!(second.refusals().count(), first.refusals().count());
    }

    #[test]
    fn an_export_plans_back_to_nothing_when_a_file_can_describe_the_state(
        live in live_spec(),
        grants in any::<bool>(),
    ) {
        let live = build_live(&live);
        let describable = describable(&live);
        match export(&live, ExportOptions::new().grants(grants)) {
            Ok(text) => {
                let desired = DesiredState::from_yaml_str(&text, Path::new("."))
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
                let again = plan(&desired, &live, PlanOptions::new().prune(true))
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
                prop_assert!(again.is_empty(), "{again}\n{text}");
            }
            Err(e) => prop_assert!(!describable, "{e}"),
        }
    }
}

/// No two workspaces share a domain, no two domain-less non-default ones share a name, and
/// no other workspace has the default's domain.
fn describable(live: &LiveState) -> bool {
    let mut domains = std::collections::HashSet::new();
    let mut names = std::collections::HashSet::new();
    for w in &live.workspaces {
        if let Some(d) = &w.domain
            && !domains.insert(d.to_ascii_lowercase())
        {
            return false;
        }
        if w.domain.is_none() && !live.is_default(w) && !names.insert(w.name.clone()) {
            return false;
        }
    }
    true
}
