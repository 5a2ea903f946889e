//! `plan`, `apply` and `export` against the emulator: the plan's lines, JSON and exit codes,
//! a bad file named by its line, apply's confirmation and its refusal to start on refusals,
//! prune, a re-plan that ends in sync, export planning back to nothing, and an apply stopped
//! by a signal then finished by running it again.

use crate::assign_support;
use crate::common;

use std::time::Duration;

use assign_support::{finish, seed_grants, signal, spawn, wait_for_requests};
use common::Env;
use nylas_workspaces_emulator::{NewWorkspace, Operation};

const FILE: &str = "version: 1
workspaces:
  - name: Acme
    domain: acme.com
    auto_group: true
  - name: Field team
    auto_group: false
    grants_file: field.txt
";

#[test]
fn plan_prints_one_line_per_change_and_its_json_shape() {
    let env = Env::new();
    env.file("field.txt", b"g-1\ng-2\n");
    let file = env.file("ws.yaml", FILE.as_bytes());
    let text = env.run(&["plan", &file]).expect_code(0);
    assert!(
        text.stdout.contains("+ create Acme (acme.com, auto_group)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("→ assign 2 grants to Field team"),
        "{}",
        text.stdout
    );
    env.run(&["plan", &file, "--detailed-exitcode"])
        .expect_code(4);
    let json = env.run_json(&["plan", &file]).expect_code(0).json();
    assert_eq!(json["changes"][0]["action"], "create");
    assert_eq!(
        json["changes"][0]["workspace"]["workspace_id"],
        serde_json::Value::Null
    );
    assert_eq!(json["changes"][0]["fields"]["domain"]["new"], "acme.com");
    assert_eq!(json["summary"]["create"], 2);
    assert_eq!(json["changes"][2]["grants"], 2);
    // Planning sends nothing that changes anything.
    assert_eq!(env.emulator.calls(Operation::CreateWorkspace), 0);
}

#[test]
fn a_bad_file_is_a_usage_error_naming_its_line() {
    let env = Env::new();
    let file = env.file(
        "bad.yaml",
        b"version: 1\nworkspaces:\n  - name: A\n    colour: red\n",
    );
    let run = env.run(&["plan", &file]).expect_code(2);
    assert!(run.stderr.contains(":4"), "{}", run.stderr);
    assert!(run.stderr.contains("colour"), "{}", run.stderr);
    let unknown = env.file(
        "unknown.yaml",
        b"version: 1\nworkspaces:\n  - name: A\n    policy: Nope\n",
    );
    let run = env.run_json(&["plan", &unknown]).expect_code(2);
    let message = run.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("Nope") && message.contains(":4"),
        "{message}"
    );
    env.run(&["plan", "/no/such/file.yaml"]).expect_code(2);
}

#[test]
fn refusals_exit_2_from_plan_and_stop_apply_before_anything_is_sent() {
    let env = Env::new();
    env.emulator
        .add_workspace(NewWorkspace::new("Acme").domain("acme.com"))
        .unwrap();
    // Turning auto_group on needs a domain; a domain change is refused too.
    let file = env.file(
        "refused.yaml",
        b"version: 1\nworkspaces:\n  - name: Solo\n    auto_group: true\n  - name: Acme\n    domain: acme.com\n    auto_group: true\n",
    );
    let plan = env.run(&["plan", &file]).expect_code(2);
    assert!(plan.stdout.contains("! refused Solo"), "{}", plan.stdout);
    let apply = env.run_json(&["apply", &file, "--yes"]).expect_code(2);
    assert_eq!(apply.json()["error"]["rule"], "plan_has_refusals");
    assert_eq!(env.emulator.calls(Operation::CreateWorkspace), 0);
    assert_eq!(env.emulator.calls(Operation::UpdateWorkspace), 0);
}

#[test]
fn apply_needs_yes_without_a_terminal_then_ends_in_sync() {
    let env = Env::new();
    let ids = seed_grants(&env, "f", 3);
    env.file("field.txt", ids.join("\n").as_bytes());
    let file = env.file("ws.yaml", FILE.as_bytes());
    let refused = env.run(&["apply", &file]).expect_code(2);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert_eq!(env.emulator.calls(Operation::CreateWorkspace), 0);

    let applied = env.run(&["apply", &file, "--yes"]).expect_code(0);
    assert!(
        applied.stdout.trim_end().ends_with("in sync"),
        "{}",
        applied.stdout
    );
    let field = env.emulator.workspace("Field team");
    let mut held = env.emulator.grants_in(
        env.emulator
            .workspaces()
            .iter()
            .find(|w| w.name.as_deref() == Some("Field team"))
            .and_then(|w| w.workspace_id.clone())
            .as_deref()
            .unwrap(),
    );
    held.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(held, want, "{field:?}");
    // The default journal folder is removed after a run that ends in sync.
    let left: Vec<_> = std::fs::read_dir(&env.dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("apply-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    env.run(&["plan", &file, "--detailed-exitcode"])
        .expect_code(0);
    let again = env
        .run_json(&["apply", &file, "--yes"])
        .expect_code(0)
        .json();
    assert_eq!(again["in_sync"], true);
}

#[test]
fn prune_deletes_what_the_file_does_not_mention_but_never_the_default() {
    let env = Env::new();
    let old = env.create(&["--name", "Old team"]);
    let file = env.file("empty.yaml", b"version: 1\nworkspaces: []\n");
    env.run(&["plan", &file, "--detailed-exitcode"])
        .expect_code(0);
    let plan = env.run(&["plan", &file, "--prune"]).expect_code(0);
    assert!(plan.stdout.contains("- delete Old team"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("Default"), "{}", plan.stdout);
    env.run(&["apply", &file, "--prune", "--yes"])
        .expect_code(0);
    assert!(env.emulator.workspace(&old).is_none());
    assert!(env.emulator.default_workspace_id().is_some());
}

#[test]
fn export_plans_back_to_nothing() {
    let env = Env::new();
    let policy = env.emulator.add_named_policy("Standard limits").unwrap();
    let rule = env.emulator.add_named_rule("Block spam").unwrap();
    let field = env.create(&[
        "--name",
        "Field team",
        "--policy-id",
        &policy,
        "--rule-id",
        &rule,
    ]);
    env.create(&["--name", "Acme", "--domain", "acme.com", "--auto-group"]);
    let ids = seed_grants(&env, "e", 2);
    env.run(&["assign", &field, "--grant", &ids[0], "--grant", &ids[1]])
        .expect_code(0);
    let exported = env.run(&["export", "--grants"]).expect_code(0);
    assert!(
        exported.stdout.contains("policy: Standard limits"),
        "{}",
        exported.stdout
    );
    assert!(exported.stdout.contains(&ids[0]), "{}", exported.stdout);
    let file = env.file("exported.yaml", exported.stdout.as_bytes());
    let plan = env
        .run(&["plan", &file, "--detailed-exitcode"])
        .expect_code(0);
    assert!(plan.stdout.contains("in sync"), "{}", plan.stdout);
    let json = env.run_json(&["export"]).expect_code(0).json();
    assert!(json["file"].as_str().unwrap().starts_with("version: 1"));
}

#[test]
fn an_apply_stopped_by_a_signal_is_finished_by_running_it_again() {
    let env = Env::new();
    let ids = seed_grants(&env, "s", 2000);
    env.file("field.txt", ids.join("\n").as_bytes());
    let file = env.file("ws.yaml", FILE.as_bytes());
    env.emulator.set_latency(Duration::from_millis(300));
    let report = env.dir.join("journals");
    let child = spawn(
        &env,
        &[
            "apply",
            &file,
            "--yes",
            "--concurrency",
            "1",
            "--report",
            report.to_str().unwrap(),
        ],
    );
    // Two creates, then the first assignment request: stop during the second.
    wait_for_requests(&env, 1);
    signal(&child, "INT");
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(3), "{stderr}");
    let assigned_before = env
        .emulator
        .workspaces()
        .iter()
        .find(|w| w.name.as_deref() == Some("Field team"))
        .and_then(|w| w.workspace_id.clone())
        .map(|id| env.emulator.grants_in(&id).len())
        .unwrap_or(0);
    assert!(
        assigned_before < ids.len(),
        "stopped part-way: {assigned_before}"
    );
    assert!(
        std::fs::read_dir(&report).unwrap().next().is_some(),
        "the journal folder holds the run's journal"
    );

    env.emulator.set_latency(Duration::ZERO);
    let plan = env.run(&["plan", &file]).expect_code(0);
    assert!(
        !plan.stdout.contains("+ create"),
        "only what is left: {}",
        plan.stdout
    );
    assert!(plan.stdout.contains("→ assign"), "{}", plan.stdout);
    let finished = env.run(&["apply", &file, "--yes"]).expect_code(0);
    assert!(
        finished.stdout.trim_end().ends_with("in sync"),
        "{}",
        finished.stdout
    );
    assert_eq!(env.emulator.calls(Operation::CreateWorkspace), 2);
}
