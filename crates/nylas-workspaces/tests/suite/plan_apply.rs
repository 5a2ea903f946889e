//! Workspaces as code against the emulator: plan, apply and export of a real application,
//! each kind of change and refusal, matching by domain and by name, ambiguity, prune,
//! exclusive, name resolution, a change made between plan and apply, an interrupted apply
//! finished by a second one, and export planning back to nothing.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use nylas_workspaces::plan::{
    Action, ApplyOptions, DesiredState, ExportOptions, PlanFileErrorKind, PlanOptions, Refusal,
};
use nylas_workspaces::{Client, CreateWorkspace, Error, Rule, UpdateWorkspace};
use nylas_workspaces_emulator::{Emulator, EmulatorConfig, NewGrant, NewWorkspace, Operation};

fn emulator() -> Emulator {
    Emulator::start_blocking(EmulatorConfig::default()).unwrap()
}

fn client_of(emulator: &Emulator) -> Client {
    Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .max_retries(0)
        .build()
        .unwrap()
}

fn desired(text: &str) -> DesiredState {
    DesiredState::from_yaml_str(text, Path::new(".")).unwrap()
}

fn lines(plan: &nylas_workspaces::plan::Plan) -> Vec<String> {
    plan.changes.iter().map(ToString::to_string).collect()
}

/// An application with a default workspace, an auto-grouping Acme with a policy and a rule,
/// a manual Field team with two grants, an Old team, two policies and three rules (two of
/// them sharing a name).
struct App {
    emu: Emulator,
    client: Client,
    acme: String,
    field: String,
    old: String,
    standard: String,
    strict: String,
    spam: String,
    links: String,
    field_grants: Vec<String>,
}

async fn app() -> App {
    let emu = emulator();
    let client = client_of(&emu);
    let standard = emu.add_named_policy("Standard limits").unwrap();
    let strict = emu.add_named_policy("Strict").unwrap();
    let spam = emu.add_named_rule("Block spam").unwrap();
    let links = emu.add_named_rule("Strip links").unwrap();
    emu.add_named_rule("Twin").unwrap();
    emu.add_named_rule("Twin").unwrap();
    let acme = emu
        .add_workspace(
            NewWorkspace::new("Acme")
                .domain("acme.com")
                .auto_group(true),
        )
        .unwrap();
    client
        .update_workspace(
            &acme,
            UpdateWorkspace::new()
                .policy_id(&standard)
                .rule_ids([&spam]),
        )
        .await
        .unwrap();
    let field = emu.add_workspace(NewWorkspace::new("Field team")).unwrap();
    let old = emu.add_workspace(NewWorkspace::new("Old team")).unwrap();
    let field_grants = (0..2)
        .map(|i| {
            emu.add_grant(NewGrant::new(format!("f{i}@field.example")).workspace_id(&field))
                .unwrap()
        })
        .collect();
    App {
        emu,
        client,
        acme,
        field,
        old,
        standard,
        strict,
        spam,
        links,
        field_grants,
    }
}

fn loose_grants(emu: &Emulator, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            emu.add_grant(NewGrant::new(format!("u{i}@loose.example")))
                .unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_change_is_applied_and_the_application_ends_in_sync() {
    let app = app().await;
    let loose = loose_grants(&app.emu, 3);
    let text = format!(
        "version: 1
default_workspace:
  policy: Strict
  rules: [Strip links]
workspaces:
  - name: Acme Inc
    domain: acme.com
    policy: null
    rules: []
  - name: Field team
    policy: Standard limits
    rules: [Block spam, {links}]
    grants: [{l0}, {l1}]
    exclusive: true
  - name: New team
    domain: new.example
    auto_group: false
    policy: {strict}
    grants: [{l2}]
",
        links = app.links,
        strict = app.strict,
        l0 = loose[0],
        l1 = loose[1],
        l2 = loose[2],
    );
    let desired = desired(&text);
    let plan = app
        .client
        .plan(&desired, PlanOptions::new().prune(true))
        .await
        .unwrap();
    let default = default_name(&app).await;
    assert_eq!(
        lines(&plan),
        [
            "+ create New team (new.example, manual, policy Strict)",
            "~ update Default Workspace: policy (none) → Strict, rules [] → [Strip links]",
            "~ update Acme: name Acme → Acme Inc, policy Standard limits → (none), rules [Block spam] → []",
            "~ update Field team: policy (none) → Standard limits, rules [] → [Block spam, Strip links]",
            "→ assign 2 grants to Field team",
            "← remove 2 grants from Field team",
            "→ assign 1 grant to New team",
            "- delete Old team",
        ]
        .map(|line| line.replace("Default Workspace", &default))
    );
    let dir = tempdir("every-kind");
    let report = app
        .client
        .apply(&plan, ApplyOptions::new().journal_dir(&dir))
        .await
        .unwrap();
    assert!(report.in_sync(), "{:?}", report.remaining);
    assert_eq!(report.applied.len(), plan.changes.len());
    assert_eq!(report.journals.len(), 2);
    assert!(report.journals.iter().all(|p| p.exists()));

    let acme = app.emu.workspace(&app.acme).unwrap();
    assert_eq!(acme.name.as_deref(), Some("Acme Inc"));
    assert_eq!(acme.policy_id, None);
    let field = app.emu.workspace(&app.field).unwrap();
    assert_eq!(field.policy_id.as_deref(), Some(app.standard.as_str()));
    let mut rules = field.rule_ids.clone().unwrap_or_default();
    rules.sort();
    let mut wanted = vec![app.spam.clone(), app.links.clone()];
    wanted.sort();
    assert_eq!(rules, wanted);
    let mut in_field = app.emu.grants_in(&app.field);
    in_field.sort();
    let mut expected = loose[..2].to_vec();
    expected.sort();
    assert_eq!(in_field, expected);
    for grant in &app.field_grants {
        assert_ne!(
            app.emu.grant_workspace(grant).as_deref(),
            Some(app.field.as_str())
        );
    }
    assert!(app.emu.workspace(&app.old).is_none());
    let new = report.created[0].workspace_id.clone();
    assert_eq!(app.emu.grants_in(&new), [loose[2].clone()]);
    let default = app.emu.default_workspace_id().unwrap();
    assert_eq!(
        app.emu.workspace(&default).unwrap().policy_id.as_deref(),
        Some(app.strict.as_str())
    );
    // Planning again from scratch agrees.
    let again = app
        .client
        .plan(&desired, PlanOptions::new().prune(true))
        .await
        .unwrap();
    assert!(again.is_empty(), "{again}");
}

async fn default_name(app: &App) -> String {
    app.client.default_workspace().await.unwrap().unwrap().name
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nw-plan-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_planned_and_block_the_whole_apply() {
    let app = app().await;
    let text = "version: 1
default_workspace:
  name: Renamed
workspaces:
  - name: Acme
    domain: acme.io
  - name: Field team
    auto_group: true
  - name: Loose
    auto_group: true
  - name: Acme grants
    domain: acme.com
    grants: []
  - name: Brand new
";
    // The acme.com entry takes Acme by domain, so the "Acme" entry (whose domain nobody has)
    // finds no workspace by name either and is a create, not a refused domain change.
    let plan = app
        .client
        .plan(&desired(text), PlanOptions::new())
        .await
        .unwrap();
    let refusals: Vec<Refusal> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            nylas_workspaces::plan::Change::Refused { refusal, .. } => Some(*refusal),
            _ => None,
        })
        .collect();
    assert_eq!(
        refusals,
        [
            Refusal::DefaultWorkspaceField,
            Refusal::AutoGroupWithoutDomain,
            Refusal::AutoGroupWithoutDomain,
            Refusal::GrantsOnAutoGroup,
        ],
        "{plan}"
    );
    let before =
        app.emu.calls(Operation::CreateWorkspace) + app.emu.calls(Operation::UpdateWorkspace);
    let err = app
        .client
        .apply(&plan, ApplyOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.rule(), Some(Rule::PlanHasRefusals));
    assert!(err.nothing_sent());
    let after =
        app.emu.calls(Operation::CreateWorkspace) + app.emu.calls(Operation::UpdateWorkspace);
    assert_eq!(before, after, "nothing was attempted");

    // A domain change of a workspace matched by name.
    let plan = app
        .client
        .plan(
            &desired("version: 1\nworkspaces:\n  - name: Field team\n    domain: field.example\n"),
            PlanOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        lines(&plan),
        [
            "! refused Field team: the domain of an existing workspace can't change ((none) → field.example)"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matching_ambiguity_and_name_resolution_errors_name_the_line() {
    let app = app().await;
    app.emu
        .add_workspace(NewWorkspace::new("Field team"))
        .unwrap();
    let err = app
        .client
        .plan(
            &desired("version: 1\nworkspaces:\n  - name: Acme\n  - name: Field team\n"),
            PlanOptions::new(),
        )
        .await
        .unwrap_err();
    let Error::PlanFile(file_error) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (file_error.kind, file_error.line),
        (PlanFileErrorKind::AmbiguousMatch, Some(4))
    );
    assert!(file_error.message.contains(&app.field), "{err}");
    assert!(err.nothing_sent());

    let err = app
        .client
        .plan(
            &desired("version: 1\nworkspaces:\n  - name: Acme\n    rules:\n      - Twin\n"),
            PlanOptions::new(),
        )
        .await
        .unwrap_err();
    let Error::PlanFile(file_error) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (file_error.kind, file_error.line),
        (PlanFileErrorKind::AmbiguousReference, Some(5))
    );
    let err = app
        .client
        .plan(
            &desired("version: 1\ndefault_workspace:\n  policy: Lax\n"),
            PlanOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("line 3: no policy"), "{err}");

    // By domain, a workspace is found whatever its name.
    let plan = app
        .client
        .plan(
            &desired("version: 1\nworkspaces:\n  - name: Acme\n    domain: ACME.COM\n    auto_group: true\n    policy: Standard limits\n    rules: [Block spam]\n"),
            PlanOptions::new(),
        )
        .await
        .unwrap();
    assert!(plan.is_empty(), "{plan}");
    let _ = (&app.old, &app.strict);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_changed_between_plan_and_apply_stops_the_apply_with_a_conflict() {
    let app = app().await;
    let plan = app
        .client
        .plan(
            &desired("version: 1\nworkspaces:\n  - name: Field team\n    policy: Strict\n  - name: Old team\n    policy: Strict\n  - name: Later\n"),
            PlanOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(plan.summary().update, 2);
    // Someone attaches a rule to Old team after the plan was made.
    app.client
        .update_workspace(&app.old, UpdateWorkspace::new().rule_ids([&app.spam]))
        .await
        .unwrap();
    let err = app
        .client
        .apply(&plan, ApplyOptions::new())
        .await
        .unwrap_err();
    let Error::ApplyPartial(report) = err else {
        panic!("{err:?}")
    };
    let Some(Error::Conflict(conflict)) = report.error() else {
        panic!("{report:?}")
    };
    assert_eq!(conflict.workspace_id, app.old);
    assert!(conflict.message.contains("rules"), "{}", conflict.message);
    // The create and the first update went through, the conflicting update did not.
    assert_eq!(report.applied.len(), 2);
    assert_eq!(report.applied[0].action(), Action::Create);
    assert_eq!(report.not_applied.len(), 1);
    assert_eq!(app.emu.workspace(&app.old).unwrap().policy_id, None);
    // Planning again shows exactly what is left; applying it finishes.
    let again = app
        .client
        .plan(
            &desired("version: 1\nworkspaces:\n  - name: Field team\n    policy: Strict\n  - name: Old team\n    policy: Strict\n  - name: Later\n"),
            PlanOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(lines(&again), ["~ update Old team: policy (none) → Strict"]);
    let report = app.client.apply(&again, ApplyOptions::new()).await.unwrap();
    assert!(report.in_sync());
    // The rule attached concurrently is kept: the file does not manage rules.
    assert_eq!(
        app.emu
            .workspace(&app.old)
            .unwrap()
            .rule_ids
            .unwrap_or_default(),
        std::slice::from_ref(&app.spam)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_apply_is_finished_by_running_it_again() {
    let app = app().await;
    let grants = loose_grants(&app.emu, 1_200);
    let dir = tempdir("interrupted");
    let file = dir.join("ws.yaml");
    std::fs::write(dir.join("grants.txt"), grants.join("\n")).unwrap();
    std::fs::write(
        &file,
        "version: 1\nworkspaces:\n  - name: Old team\n    grants_file: grants.txt\n",
    )
    .unwrap();
    let desired = DesiredState::from_path(&file).unwrap();
    let plan = app.client.plan(&desired, PlanOptions::new()).await.unwrap();
    assert_eq!(lines(&plan), ["→ assign 1,200 grants to Old team"]);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let options = ApplyOptions::new()
        .concurrency(1)
        .journal_dir(&dir)
        .stop_flag(stop.clone())
        .on_progress(move |progress| {
            if progress.grants.is_some_and(|p| p.chunks_done >= 1) {
                flag.store(true, Ordering::SeqCst);
            }
        });
    let err = app.client.apply(&plan, options).await.unwrap_err();
    let Error::ApplyPartial(report) = err else {
        panic!("{err:?}")
    };
    assert!(report.stopped);
    let moved = app.emu.grants_in(&app.old).len();
    assert!((500..1_200).contains(&moved), "{moved}");
    assert_eq!(report.journals.len(), 1);
    let journal = nylas_workspaces::Journal::read(&report.journals[0]).unwrap();
    assert_eq!(journal.workspace_id(), app.old);
    assert_eq!(journal.outcome().assigned.len(), moved);
    assert_eq!(
        journal.pending().map(|p| p.assign_ids().len()),
        Some(1_200 - moved)
    );
    // The second run holds only what is left, and finishes.
    let again = app.client.plan(&desired, PlanOptions::new()).await.unwrap();
    assert_eq!(
        lines(&again),
        [format!(
            "→ assign {} grants to Old team",
            fmt_count(1_200 - moved)
        )]
    );
    let report = app.client.apply(&again, ApplyOptions::new()).await.unwrap();
    assert!(report.in_sync());
    assert_eq!(app.emu.grants_in(&app.old).len(), 1_200);
}

fn fmt_count(n: usize) -> String {
    if n >= 1000 {
        format!("{},{:03}", n / 1000, n % 1000)
    } else {
        n.to_string()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_plans_back_to_nothing_and_rebuilds_an_application() {
    let app = app().await;
    let extra = app
        .client
        .create_workspace(CreateWorkspace::new("Ops").policy_id(&app.strict))
        .await
        .unwrap();
    let text = app
        .client
        .export(ExportOptions::new().grants(true))
        .await
        .unwrap();
    assert!(text.contains("policy: Standard limits"), "{text}");
    assert!(text.contains("rules: [Block spam]"), "{text}");
    for grant in &app.field_grants {
        assert!(text.contains(grant.as_str()), "{text}");
    }
    let exported = desired(&text);
    let plan = app
        .client
        .plan(&exported, PlanOptions::new().prune(true))
        .await
        .unwrap();
    assert!(plan.is_empty(), "{plan}\n{text}");

    // The same file, applied to an empty application with the same policies and rules
    // (ids differ, names do not), builds the same workspaces.
    let fresh = emulator();
    for name in ["Standard limits", "Strict"] {
        fresh.add_named_policy(name).unwrap();
    }
    for name in ["Block spam", "Strip links"] {
        fresh.add_named_rule(name).unwrap();
    }
    let text = app.client.export(ExportOptions::new()).await.unwrap();
    let client = client_of(&fresh);
    let plan = client
        .plan(&desired(&text), PlanOptions::new())
        .await
        .unwrap();
    assert_eq!(plan.summary().create, 4, "{plan}");
    let report = client.apply(&plan, ApplyOptions::new()).await.unwrap();
    assert!(report.in_sync(), "{:?}", report.remaining);
    let names: Vec<String> = fresh
        .workspaces()
        .into_iter()
        .filter_map(|w| w.name)
        .collect();
    for name in ["Acme", "Field team", "Old team", "Ops"] {
        assert!(names.iter().any(|n| n == name), "{names:?}");
    }
    let _ = extra;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_survive_the_live_quirks_of_the_listings() {
    // Every quirk at once: lagging filtered listings (a plan must still see a grant created
    // a moment ago), omitted workspace_id on default-workspace grants, a page-size cap, the
    // nested rules envelope and the trailing policy cursor.
    let emu = Emulator::start_blocking(
        EmulatorConfig::default()
            .filtered_grant_lag(std::time::Duration::from_secs(600))
            .omit_default_workspace_id(true)
            .page_size_cap(3)
            .nested_rules_envelope(true)
            .trailing_policy_cursor(true),
    )
    .unwrap();
    let client = client_of(&emu);
    for i in 0..5 {
        emu.add_named_policy(format!("Policy {i}")).unwrap();
        emu.add_named_rule(format!("Rule {i}")).unwrap();
    }
    let field = emu.add_workspace(NewWorkspace::new("Field team")).unwrap();
    let fresh: Vec<String> = (0..7)
        .map(|i| {
            emu.add_grant(NewGrant::new(format!("f{i}@field.example")).workspace_id(&field))
                .unwrap()
        })
        .collect();
    let in_default = loose_grants(&emu, 4);
    let mut listed = fresh.clone();
    listed.push(in_default[0].clone());
    let text = format!(
        "version: 1\nworkspaces:\n  - name: Field team\n    policy: Policy 4\n    rules: [Rule 4, Rule 0]\n    grants: [{}]\n    exclusive: true\n",
        listed.join(", ")
    );
    let plan = client
        .plan(&desired(&text), PlanOptions::new())
        .await
        .unwrap();
    // The seven fresh grants are seen in the workspace (not assigned again); the one from
    // the default workspace is assigned; nothing is removed.
    assert_eq!(
        lines(&plan),
        [
            "~ update Field team: policy (none) → Policy 4, rules [] → [Rule 4, Rule 0]",
            "→ assign 1 grant to Field team",
        ]
    );
    let report = client.apply(&plan, ApplyOptions::new()).await.unwrap();
    assert!(report.in_sync(), "{:?}", report.remaining);
    let text = client
        .export(ExportOptions::new().grants(true))
        .await
        .unwrap();
    let again = client
        .plan(&desired(&text), PlanOptions::new().prune(true))
        .await
        .unwrap();
    assert!(again.is_empty(), "{again}\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_step_ends_the_run_with_a_report_and_a_second_run_finishes() {
    let app = app().await;
    let text =
        "version: 1\nworkspaces:\n  - name: Acme\n  - name: Field team\n    policy: Strict\n";
    let plan = app
        .client
        .plan(&desired(text), PlanOptions::new().prune(true))
        .await
        .unwrap();
    assert_eq!(
        lines(&plan),
        [
            "~ update Field team: policy (none) → Strict",
            "- delete Old team"
        ]
    );
    app.emu.fail_next(
        Operation::DeleteWorkspace,
        1,
        nylas_workspaces_emulator::Fault::InternalServerError,
    );
    let err = app
        .client
        .apply(&plan, ApplyOptions::new())
        .await
        .unwrap_err();
    let Error::ApplyPartial(report) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(report.error().and_then(Error::status), Some(500));
    assert_eq!(report.applied.len(), 1);
    assert_eq!(
        lines(&nylas_workspaces::plan::Plan::from_changes(
            report.not_applied.clone()
        )),
        ["- delete Old team"]
    );
    assert!(!report.in_sync());
    let json = serde_json::to_value(report.as_ref()).unwrap();
    assert_eq!(json["in_sync"], false);
    assert_eq!(json["not_applied"][0]["action"], "delete");
    assert!(
        err.to_string()
            .contains("1 change(s) applied, 1 not applied"),
        "{err}"
    );
    let again = app
        .client
        .plan(&desired(text), PlanOptions::new().prune(true))
        .await
        .unwrap();
    assert_eq!(lines(&again), ["- delete Old team"]);
    assert!(
        app.client
            .apply(&again, ApplyOptions::new())
            .await
            .unwrap()
            .in_sync()
    );
}
