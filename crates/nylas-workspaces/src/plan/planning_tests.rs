//! Example-based tests of planning against hand-made snapshots: every kind of change and
//! refusal, matching, name resolution, prune, exclusive, and export round trips.

use std::path::Path;

use super::*;
use crate::model::Workspace;

pub(crate) fn ws(id: &str, name: &str, domain: Option<&str>, auto_group: bool) -> Workspace {
    Workspace {
        workspace_id: id.into(),
        application_id: "app".into(),
        name: name.into(),
        domain: domain.map(Into::into),
        auto_group,
        default: false,
        policy_id: None,
        rule_ids: Vec::new(),
        created_at: None,
        updated_at: None,
        request_id: None,
    }
}

fn live() -> LiveState {
    let mut default = ws("w-default", "Default", None, false);
    default.default = true;
    default.policy_id = Some("p-1".into());
    let mut acme = ws("w-acme", "Acme", Some("acme.com"), true);
    acme.policy_id = Some("p-1".into());
    acme.rule_ids = vec!["r-1".into()];
    let field = ws("w-field", "Field team", None, false);
    let old = ws("w-old", "Old team", None, false);
    LiveState {
        workspaces: vec![default, acme, field, old],
        policies: vec![
            Named::new("p-1", "Standard limits"),
            Named::new("p-2", "Strict"),
        ],
        rules: vec![
            Named::new("r-1", "Block spam"),
            Named::new("r-2", "Strip links"),
            Named::new("r-3", "Twin"),
            Named::new("r-4", "Twin"),
        ],
        grants_by_workspace: [(
            "w-field".to_owned(),
            vec!["g-1".to_owned(), "g-9".to_owned()],
        )]
        .into_iter()
        .collect(),
        default_workspace_id: Some("w-default".into()),
    }
}

fn desired(text: &str) -> DesiredState {
    DesiredState::from_yaml_str(text, Path::new(".")).unwrap()
}

fn lines(text: &str, live: &LiveState, prune: bool) -> Vec<String> {
    let plan = plan(&desired(text), live, PlanOptions::new().prune(prune)).unwrap();
    plan.changes.iter().map(ToString::to_string).collect()
}

fn plan_error(text: &str, live: &LiveState) -> PlanFileError {
    plan(&desired(text), live, PlanOptions::new()).unwrap_err()
}

#[test]
fn a_file_matching_the_state_plans_nothing() {
    let text = "version: 1
default_workspace:
  policy: Standard limits
workspaces:
  - name: Acme
    domain: acme.com
    auto_group: true
    policy: Standard limits
    rules: [Block spam]
  - name: Field team
    grants: [g-1]
";
    assert!(lines(text, &live(), false).is_empty());
    // Absent keys are not managed: the bare minimum plans nothing either.
    assert!(
        lines(
            "version: 1\nworkspaces:\n  - name: Acme\n  - name: Field team\n",
            &live(),
            false
        )
        .is_empty()
    );
}

#[test]
fn every_kind_of_change_reads_like_the_issue() {
    let text = "version: 1
default_workspace:
  rules: [Strip links]
workspaces:
  - name: New
    domain: new.com
    auto_group: true
    policy: Strict
  - name: Field team
    policy: null
    rules: [Block spam, r-2]
    grants: [g-1, g-2, g-3]
    exclusive: true
";
    let mut state = live();
    state.workspaces[2].policy_id = Some("p-1".into());
    assert_eq!(
        lines(text, &state, true),
        [
            "+ create New (new.com, auto_group, policy Strict)",
            "~ update Default: rules [] → [Strip links]",
            "~ update Field team: policy Standard limits → (none), rules [] → [Block spam, Strip links]",
            "→ assign 2 grants to Field team",
            "← remove 1 grant from Field team",
            "- delete Acme",
            "- delete Old team",
        ]
    );
}

#[test]
fn refusals_are_planned_never_attempted() {
    let text = "version: 1
default_workspace:
  name: Renamed
  auto_group: true
workspaces:
  - name: Acme
    domain: acme.io
  - name: Field team
    auto_group: true
  - name: Loose
    auto_group: true
  - name: Grouped
    domain: grouped.com
    auto_group: true
    grants: [g-5]
  - name: Old team
    auto_group: true
    grants: [g-6]
";
    let plan = plan(&desired(text), &live(), PlanOptions::new()).unwrap();
    let refused: Vec<(Refusal, String)> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Refused { refusal, .. } => Some((*refusal, c.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        refused,
        [
            (
                Refusal::DefaultWorkspaceField,
                "! refused Default: only the policy and rules of the default workspace can change \
                 (name Default → Renamed, auto_group false → true)"
                    .to_owned()
            ),
            (
                Refusal::DomainChange,
                "! refused Acme: the domain of an existing workspace can't change (acme.com → acme.io)"
                    .to_owned()
            ),
            (
                Refusal::AutoGroupWithoutDomain,
                "! refused Field team: auto_group: true needs a domain, and this workspace has none \
                 (a domain can't be added)"
                    .to_owned()
            ),
            (
                Refusal::AutoGroupWithoutDomain,
                "! refused Loose: auto_group: true needs a domain to group by".to_owned()
            ),
            (
                Refusal::GrantsOnAutoGroup,
                "! refused Grouped: grants are listed, but the workspace auto-groups (set \
                 auto_group: false to manage its grants)"
                    .to_owned()
            ),
            (
                Refusal::AutoGroupWithoutDomain,
                "! refused Old team: auto_group: true needs a domain, and this workspace has none \
                 (a domain can't be added)"
                    .to_owned()
            ),
        ]
    );
    // The refused create is not planned, the allowed one is, without its refused grants.
    let rest: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| !c.is_refused())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        rest,
        [
            "+ create Grouped (grouped.com, auto_group)",
            "→ assign 1 grant to Old team"
        ]
    );
    assert!(plan.has_changes());
    assert_eq!(plan.summary().refused, 6);

    // Listing grants for a live auto-grouping workspace is refused too.
    let e = lines(
        "version: 1\nworkspaces:\n  - name: Acme\n    domain: acme.com\n    grants: []\n",
        &live(),
        false,
    );
    assert_eq!(
        e,
        [
            "! refused Acme: grants are listed, but the workspace auto-groups (set auto_group: false to manage its grants)"
        ]
    );
    // Turning auto_group off in the same file makes them assignable.
    let e = lines(
        "version: 1\nworkspaces:\n  - name: Acme\n    domain: acme.com\n    auto_group: false\n    grants: [g-7]\n",
        &live(),
        false,
    );
    assert_eq!(
        e,
        [
            "~ update Acme: auto_group true → false",
            "→ assign 1 grant to Acme"
        ]
    );
}

#[test]
fn a_default_section_without_a_default_workspace_is_refused() {
    let mut state = live();
    state.workspaces.remove(0);
    state.default_workspace_id = None;
    let plan = plan(
        &desired("version: 1\ndefault_workspace:\n  policy: Strict\n"),
        &state,
        PlanOptions::new(),
    )
    .unwrap();
    assert!(matches!(
        plan.changes[..],
        [Change::Refused {
            refusal: Refusal::NoDefaultWorkspace,
            ..
        }]
    ));
}

#[test]
fn matching_by_domain_then_by_name() {
    // By domain, whatever the name (so a rename is planned), case-insensitively.
    assert_eq!(
        lines(
            "version: 1\nworkspaces:\n  - name: Acme Inc\n    domain: ACME.com\n",
            &live(),
            false
        ),
        ["~ update Acme: name Acme → Acme Inc"]
    );
    // A domain nobody has falls back to the name, where it is a domain change.
    let text = "version: 1\nworkspaces:\n  - name: Field team\n    domain: field.com\n";
    assert_eq!(
        lines(text, &live(), false),
        [
            "! refused Field team: the domain of an existing workspace can't change ((none) → field.com)"
        ]
    );
    // The default workspace is never matched by name: this creates a new one.
    assert_eq!(
        lines(
            "version: 1\nworkspaces:\n  - name: Default\n",
            &live(),
            false
        ),
        ["+ create Default"]
    );
    // A name the other entry took by domain is not a second match.
    let mut state = live();
    state.workspaces.push(ws("w-acme2", "Acme", None, false));
    assert!(
        lines(
            "version: 1\nworkspaces:\n  - name: Acme\n    domain: acme.com\n  - name: Acme\n",
            &state,
            false
        )
        .is_empty()
    );
}

#[test]
fn ambiguous_matches_name_both_ids_and_the_line() {
    let mut state = live();
    state
        .workspaces
        .push(ws("w-field2", "Field team", None, false));
    let e = plan_error(
        "version: 1\nworkspaces:\n  - name: Acme\n  - name: Field team\n",
        &state,
    );
    assert_eq!(
        (e.kind, e.line),
        (PlanFileErrorKind::AmbiguousMatch, Some(4))
    );
    assert!(
        e.message.contains("w-field") && e.message.contains("w-field2"),
        "{}",
        e.message
    );

    let mut state = live();
    state
        .workspaces
        .push(ws("w-acme2", "Acme two", Some("acme.com"), false));
    let e = plan_error(
        "version: 1\nworkspaces:\n  - name: X\n    domain: acme.com\n",
        &state,
    );
    assert!(e.message.contains("w-acme, w-acme2"), "{}", e.message);

    // Two entries claiming one workspace by name (the domain of one matches nothing).
    let e = plan_error(
        "version: 1\nworkspaces:\n  - name: Field team\n  - name: Field team\n    domain: field.com\n",
        &live(),
    );
    assert_eq!(
        (e.kind, e.line),
        (PlanFileErrorKind::AmbiguousMatch, Some(4))
    );
    assert!(
        e.message.contains("line 3") && e.message.contains("w-field"),
        "{}",
        e.message
    );
    // A workspace taken by domain is not matched again by name: the other entry creates.
    assert_eq!(
        lines(
            "version: 1\nworkspaces:\n  - name: Acme\n  - name: Other\n    domain: acme.com\n",
            &live(),
            false
        ),
        ["+ create Acme", "~ update Acme: name Acme → Other"]
    );

    // The default workspace's domain belongs under default_workspace.
    let mut state = live();
    state.workspaces[0].domain = Some("corp.com".into());
    let e = plan_error(
        "version: 1\nworkspaces:\n  - name: X\n    domain: corp.com\n",
        &state,
    );
    assert!(e.message.contains("default_workspace"), "{}", e.message);
}

#[test]
fn names_resolve_to_ids_and_bad_ones_name_their_line() {
    let text = "version: 1\nworkspaces:\n  - name: Field team\n    policy: p-2\n    rules: [Strip links, r-1]\n";
    assert_eq!(
        lines(text, &live(), false),
        ["~ update Field team: policy (none) → Strict, rules [] → [Strip links, Block spam]"]
    );
    let e = plan_error(
        "version: 1\nworkspaces:\n  - name: Field team\n    policy: Lax\n",
        &live(),
    );
    assert_eq!(
        (e.kind, e.line),
        (PlanFileErrorKind::UnknownReference, Some(4))
    );
    let e = plan_error(
        "version: 1\nworkspaces:\n  - name: Field team\n    rules:\n      - Block spam\n      - Twin\n",
        &live(),
    );
    assert_eq!(
        (e.kind, e.line),
        (PlanFileErrorKind::AmbiguousReference, Some(6))
    );
    assert!(e.message.contains("r-3, r-4"), "{}", e.message);
    let e = plan_error(
        "version: 1\nworkspaces:\n  - name: Field team\n    rules: [Block spam, r-1]\n",
        &live(),
    );
    assert_eq!(
        (e.kind, e.line),
        (PlanFileErrorKind::DuplicateEntry, Some(4))
    );
    // Errors of a create, too, and in the default section.
    let e = plan_error(
        "version: 1\nworkspaces:\n  - name: Brand new\n    rules: [Nope]\n",
        &live(),
    );
    assert_eq!(e.line, Some(4));
    let e = plan_error("version: 1\ndefault_workspace:\n  policy: Nope\n", &live());
    assert_eq!(e.line, Some(3));
    // The file's name is in the error when it came from a file.
    let mut d = desired("version: 1\ndefault_workspace:\n  policy: Nope\n");
    d.source = Some("ws.yaml".into());
    let e = plan(&d, &live(), PlanOptions::new()).unwrap_err();
    assert!(e.to_string().starts_with("ws.yaml:3: "), "{e}");
}

#[test]
fn rules_compare_as_sets() {
    let mut state = live();
    state.workspaces[2].rule_ids = vec!["r-2".into(), "r-1".into()];
    assert!(
        lines(
            "version: 1\nworkspaces:\n  - name: Field team\n    rules: [r-1, r-2]\n",
            &state,
            false
        )
        .is_empty()
    );
    assert_eq!(
        lines(
            "version: 1\nworkspaces:\n  - name: Field team\n    rules: []\n",
            &state,
            false
        ),
        ["~ update Field team: rules [Strip links, Block spam] → []"]
    );
}

#[test]
fn prune_deletes_the_unlisted_but_never_the_default() {
    let text = "version: 1\nworkspaces:\n  - name: Acme\n";
    assert_eq!(
        lines(text, &live(), true),
        ["- delete Field team", "- delete Old team"]
    );
    assert!(lines(text, &live(), false).is_empty());
}

#[test]
fn exclusive_removes_what_is_not_listed_unless_listed_elsewhere() {
    let text = "version: 1
workspaces:
  - name: Field team
    grants: []
    exclusive: true
  - name: Old team
    grants: [g-9]
";
    assert_eq!(
        lines(text, &live(), false),
        [
            "← remove 1 grant from Field team",
            "→ assign 1 grant to Old team"
        ]
    );
    // Without exclusive, nothing leaves.
    assert!(
        lines(
            "version: 1\nworkspaces:\n  - name: Field team\n    grants: []\n",
            &live(),
            false
        )
        .is_empty()
    );
    // A created workspace with grants is created manual.
    assert_eq!(
        lines(
            "version: 1\nworkspaces:\n  - name: Brand new\n    grants: [g-1]\n",
            &live(),
            false
        ),
        [
            "+ create Brand new (manual)",
            "→ assign 1 grant to Brand new"
        ]
    );
}

#[test]
fn the_plan_serialises_to_the_json_shape() {
    let text =
        "version: 1\nworkspaces:\n  - name: Field team\n    policy: Strict\n    grants: [g-2]\n";
    let plan = plan(&desired(text), &live(), PlanOptions::new()).unwrap();
    assert_eq!(
        serde_json::to_value(&plan).unwrap(),
        serde_json::json!({
            "changes": [
                {"action": "update", "workspace": {"name": "Field team", "domain": null, "workspace_id": "w-field"},
                 "fields": {"policy_id": {"old": null, "new": "p-2"}}},
                {"action": "assign", "workspace": {"name": "Field team", "domain": null, "workspace_id": "w-field"},
                 "grants": 1},
            ],
            "summary": {"create": 0, "update": 1, "delete": 0, "assign": 1, "remove": 0, "refused": 0,
                        "grants_assigned": 1, "grants_removed": 0}
        })
    );
}

#[test]
fn export_plans_back_to_nothing() {
    let mut state = live();
    state.workspaces[2].rule_ids = vec!["r-3".into(), "r-gone".into()];
    state.workspaces[3].name = "null".into();
    let text = export(&state, ExportOptions::new().grants(true)).unwrap();
    assert_eq!(
        text,
        "version: 1
default_workspace:
  policy: Standard limits
  rules: []
workspaces:
  - name: Acme
    domain: acme.com
    auto_group: true
    policy: Standard limits
    rules: [Block spam]
  - name: Field team
    auto_group: false
    policy: null
    rules: [r-3, r-gone]
    grants:
      - g-1
      - g-9
  - name: \"null\"
    auto_group: false
    policy: null
    rules: []
    grants: []
"
    );
    let without = export(&state, ExportOptions::new()).unwrap();
    assert!(!without.contains("grants"), "{without}");
    // Two domain-less workspaces with one name cannot be told apart by a file.
    state
        .workspaces
        .push(ws("w-twin", "Field team", None, false));
    let e = export(&state, ExportOptions::new()).unwrap_err();
    assert_eq!(e.kind, PlanFileErrorKind::NotExportable);
}
