//! The rules that depend on the target, from the CLI: every run is a fresh process (a client
//! that knows nothing), and each refused request must exit 2 with the rule, having sent
//! nothing but the lookup (`GET`) the crate itself makes. The CLI makes no lookup of its own.

use crate::common;

use common::Env;
use nylas_workspaces_emulator::{NewWorkspace, Operation};

/// Requests per operation the emulator has seen: (get, update, delete, manual-assign, list).
fn seen(env: &Env) -> (u64, u64, u64, u64, u64) {
    let calls = |op| env.emulator.calls(op);
    (
        calls(Operation::GetWorkspace),
        calls(Operation::UpdateWorkspace),
        calls(Operation::DeleteWorkspace),
        calls(Operation::ManualAssign),
        calls(Operation::ListWorkspaces),
    )
}

/// Runs `args` with `--json`, expects exit 2 refusing with `rule`.
fn refused(env: &Env, args: &[&str], rule: &str) {
    let run = env.run_json(args).expect_code(2);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "refused", "{}", run.stdout);
    assert_eq!(error["rule"], rule, "{}", run.stdout);
}

#[test]
fn each_refused_request_sends_only_the_crates_one_lookup() {
    let env = Env::new();
    let default = env.default_id();
    let plain = env
        .emulator
        .add_workspace(NewWorkspace::new("Plain"))
        .unwrap();
    let grouped = env
        .emulator
        .add_workspace(
            NewWorkspace::new("Grouped")
                .domain("grouped.example")
                .auto_group(true),
        )
        .unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["update", &default, "--name", "Everyone"],
            "default_workspace_protected",
        ),
        (
            &["update", &default, "--auto-group", "false"],
            "default_workspace_protected",
        ),
        (
            &["delete", &default, "--yes"],
            "default_workspace_protected",
        ),
        (
            &["update", &plain, "--auto-group", "true"],
            "auto_group_requires_domain",
        ),
        (
            &["assign", &grouped, "--grant", "g-1"],
            "target_auto_groups",
        ),
    ];
    for (done, (args, rule)) in cases.iter().enumerate() {
        refused(&env, args, rule);
        // One GET per run (the crate's), and never the mutating request.
        assert_eq!(seen(&env), (done as u64 + 1, 0, 0, 0, 0), "after {args:?}");
    }
}

#[test]
fn a_policy_only_update_of_the_default_workspace_sends_no_lookup() {
    let env = Env::new();
    let default = env.default_id();
    let policy = env.emulator.add_policy();
    let run = env
        .run_json(&["update", &default, "--policy-id", &policy])
        .expect_code(0);
    assert_eq!(run.json()["policy_id"], policy.as_str());
    assert_eq!(seen(&env), (0, 1, 0, 0, 0));
}

#[test]
fn a_delete_that_is_allowed_sends_one_lookup_then_the_delete() {
    let env = Env::new();
    let team = env.create(&["--name", "Team"]);
    env.run_json(&["delete", &team, "--yes"]).expect_code(0);
    assert_eq!(seen(&env), (1, 0, 1, 0, 0));
    assert!(env.emulator.workspace(&team).is_none());
}
