//! Every single-request command against the emulator: JSON output, tables, exit codes, and
//! the key never showing up anywhere.

use crate::common;

use common::{CANARY_KEY, Env, bare_cli, run};
use nylas_workspaces_emulator::{EmulatorConfig, Fault, NewGrant, Operation};

#[test]
fn list_shows_the_default_workspace_as_json_and_as_a_table() {
    let env = Env::new();
    let run = env.run_json(&["list"]).expect_code(0);
    let list = run.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["workspace_id"], env.default_id().as_str());
    assert_eq!(list[0]["default"], true);

    let table = env.run(&["list"]).expect_code(0);
    assert!(table.stdout.contains(&env.default_id()), "{}", table.stdout);
    assert!(table.stdout.contains("(default)"), "{}", table.stdout);
    table.assert_no_key();
}

#[test]
fn create_get_update_and_delete_round_trip() {
    let env = Env::new();
    let policy = env.emulator.add_policy();
    let rule_a = env.emulator.add_rule();
    let rule_b = env.emulator.add_rule();

    let created = env
        .run_json(&[
            "create",
            "--name",
            "Sales",
            "--domain",
            "sales.example.com",
            "--auto-group",
            "--policy-id",
            &policy,
            "--rule-id",
            &rule_a,
        ])
        .expect_code(0)
        .json();
    let id = created["workspace_id"].as_str().unwrap().to_owned();
    assert_eq!(created["name"], "Sales");
    assert_eq!(created["domain"], "sales.example.com");
    assert_eq!(created["auto_group"], true);
    assert_eq!(created["policy_id"], policy.as_str());
    assert_eq!(created["rule_ids"], serde_json::json!([rule_a]));

    let mut fetched = env.run_json(&["get", &id]).expect_code(0).json();
    // Each answer names the request that produced it; the workspace itself is the same.
    let mut created = created;
    let (fetched_by, created_by) = (fetched["request_id"].take(), created["request_id"].take());
    assert!(
        fetched_by.is_string() && created_by.is_string(),
        "{fetched_by} {created_by}"
    );
    assert_ne!(fetched_by, created_by);
    assert_eq!(fetched, created);
    let detail = env.run(&["get", &id]).expect_code(0);
    assert!(
        detail.stdout.contains("sales.example.com"),
        "{}",
        detail.stdout
    );

    // Rename and turn auto-grouping off; policy and rules are left alone.
    let updated = env
        .run_json(&[
            "update",
            &id,
            "--name",
            "Sales EMEA",
            "--auto-group",
            "false",
        ])
        .expect_code(0)
        .json();
    assert_eq!(updated["name"], "Sales EMEA");
    assert_eq!(updated["auto_group"], false);
    assert_eq!(updated["policy_id"], policy.as_str());
    assert_eq!(updated["rule_ids"], serde_json::json!([rule_a]));

    // Replace the rules, detach the policy.
    let updated = env
        .run_json(&["update", &id, "--clear-policy", "--rule-id", &rule_b])
        .expect_code(0)
        .json();
    assert!(
        updated
            .get("policy_id")
            .is_none_or(serde_json::Value::is_null)
    );
    assert_eq!(updated["rule_ids"], serde_json::json!([rule_b]));
    let stored = env.emulator.workspace(&id).unwrap();
    assert_eq!(stored.policy_id, None);

    let updated = env
        .run_json(&["update", &id, "--clear-rules"])
        .expect_code(0)
        .json();
    assert_eq!(updated["rule_ids"], serde_json::json!([]));

    let deleted = env
        .run_json(&["delete", &id, "--yes"])
        .expect_code(0)
        .json();
    assert_eq!(deleted["workspace_id"], id.as_str());
    assert_eq!(deleted["deleted"], true);
    assert!(
        deleted["request_id"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    assert!(env.emulator.workspace(&id).is_none());
}

#[test]
fn deleting_moves_grants_to_the_default_workspace() {
    let env = Env::new();
    let id = env.create(&["--name", "Team"]);
    let grant = env
        .emulator
        .add_grant(NewGrant::new("ann@example.com").workspace_id(&id))
        .unwrap();
    let text = env.run(&["delete", &id, "--yes"]).expect_code(0);
    assert!(
        text.stdout.contains(&format!("deleted workspace {id}")),
        "{}",
        text.stdout
    );
    assert_eq!(env.emulator.grant_workspace(&grant), Some(env.default_id()));
}

#[test]
fn auto_group_starts_a_job_with_its_filters() {
    let env = Env::new();
    let old = env
        .emulator
        .add_grant(NewGrant::new("old@acme.com").created_at(1_000))
        .unwrap();
    let new = env
        .emulator
        .add_grant(NewGrant::new("new@acme.com").created_at(1_725_235_200))
        .unwrap();
    let acme = env.create(&["--name", "Acme", "--domain", "acme.com", "--auto-group"]);
    let job = env
        .run_json(&[
            "auto-group",
            "--after",
            "2024-09-02T00:00:00Z",
            "--domain",
            "acme.com",
        ])
        .expect_code(0)
        .json();
    assert!(
        job["job_id"].as_str().is_some_and(|j| !j.is_empty()),
        "{job}"
    );
    // Only the grant created at or after the cut-off moved.
    assert_eq!(env.emulator.grant_workspace(&new), Some(acme));
    assert_eq!(env.emulator.grant_workspace(&old), Some(env.default_id()));
}

#[test]
fn refused_requests_exit_2_and_send_nothing() {
    let env = Env::new();
    let default = env.default_id();

    let run = env
        .run_json(&["update", &default, "--name", "Everyone"])
        .expect_code(2);
    let error = &run.json()["error"];
    assert_eq!(error["kind"], "refused");
    assert_eq!(error["rule"], "default_workspace_protected");
    assert_eq!(env.emulator.calls(Operation::UpdateWorkspace), 0);

    let run = env.run(&["delete", &default, "--yes"]).expect_code(2);
    assert!(
        run.stderr.contains("default_workspace_protected"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was changed"), "{}", run.stderr);
    assert_eq!(env.emulator.calls(Operation::DeleteWorkspace), 0);

    let run = env
        .run_json(&["create", "--name", "Sales", "--auto-group"])
        .expect_code(2);
    assert_eq!(run.json()["error"]["rule"], "auto_group_requires_domain");
    let run = env.run_json(&["create", "--name", " "]).expect_code(2);
    assert_eq!(run.json()["error"]["rule"], "name_required");
    let run = env.run_json(&["update", &default]).expect_code(2);
    assert_eq!(run.json()["error"]["rule"], "empty_update");
    let run = env
        .run_json(&["auto-group", "--after", "-5"])
        .expect_code(2);
    assert_eq!(run.json()["error"]["rule"], "timestamp_before_epoch");
    assert_eq!(env.emulator.calls(Operation::CreateWorkspace), 0);
    assert_eq!(env.emulator.calls(Operation::AutoGroup), 0);

    // A workspace created without a domain can never auto-group; the crate looks it up first
    // and says so without sending the change.
    let team = env.create(&["--name", "Team"]);
    let run = env
        .run_json(&["update", &team, "--auto-group", "true"])
        .expect_code(2);
    assert_eq!(run.json()["error"]["rule"], "auto_group_requires_domain");
    assert_eq!(env.emulator.calls(Operation::UpdateWorkspace), 0);
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    let default = env.default_id();
    for args in [
        &["update", &default, "--domain", "x.com"][..],
        &["update", &default, "--policy-id", "p", "--clear-policy"],
        &["auto-group", "--after", "yesterday"],
        &["get"],
        &["frobnicate"],
        &["list", "--timeout", "0"],
        &["list", "--region", "mars"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn api_errors_exit_1_with_status_and_request_id() {
    let env = Env::new();
    let run = env.run(&["get", "no-such-workspace"]).expect_code(1);
    assert!(run.stderr.contains("status: 404"), "{}", run.stderr);
    assert!(run.stderr.contains("request id: "), "{}", run.stderr);

    let json = env
        .run_json(&["get", "no-such-workspace"])
        .expect_code(1)
        .json();
    assert_eq!(json["error"]["status"], 404);
    assert!(
        json["error"]["request_id"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );

    // A domain taken by another workspace is the server's refusal: exit 1, status 400.
    env.create(&["--name", "A", "--domain", "a.com"]);
    let json = env
        .run_json(&["create", "--name", "B", "--domain", "a.com"])
        .expect_code(1)
        .json();
    assert_eq!(json["error"]["status"], 400);
    assert_eq!(json["error"]["kind"], "api");
}

#[test]
fn server_failures_are_retried_unless_told_not_to() {
    let env = Env::new();
    env.emulator
        .fail_next(Operation::ListWorkspaces, 1, Fault::ServiceUnavailable);
    env.run_json(&["list"]).expect_code(0);

    env.emulator
        .fail_next(Operation::ListWorkspaces, 1, Fault::ServiceUnavailable);
    let json = env
        .run_json(&["list", "--max-retries", "0"])
        .expect_code(1)
        .json();
    assert_eq!(json["error"]["status"], 503);
    assert_eq!(json["error"]["retryable"], true);
}

#[test]
fn the_key_is_never_printed() {
    let env = Env::new();
    // Success, refusal, API error, bad usage, and a wrong key.
    env.run(&["list"]).expect_code(0).assert_no_key();
    env.run(&["delete", &env.default_id(), "--yes"])
        .expect_code(2)
        .assert_no_key();
    env.run(&["get", "missing"]).expect_code(1).assert_no_key();
    env.run(&["list", "--bogus"]).expect_code(2).assert_no_key();
    let wrong = run(env
        .cli()
        .env("NYLAS_API_KEY", format!("{CANARY_KEY}-wrong"))
        .args(["list", "--max-retries", "0"]))
    .expect_code(1);
    assert!(wrong.stderr.contains("status: 401"), "{}", wrong.stderr);
    wrong.assert_no_key();
    let help = env.run(&["--help"]).expect_code(0);
    help.assert_no_key();
    assert!(help.stdout.contains("NYLAS_API_KEY"), "{}", help.stdout);
    let flag = run(bare_cli().env("NYLAS_API_URI", env.emulator.url()).args([
        "--api-key",
        CANARY_KEY,
        "get",
        "missing",
        "--json",
    ]))
    .expect_code(1);
    flag.assert_no_key();
}

#[test]
fn a_missing_key_is_a_usage_error() {
    let run = run(bare_cli().arg("list")).expect_code(2);
    assert!(run.stderr.contains("NYLAS_API_KEY"), "{}", run.stderr);
}

#[test]
fn an_unreachable_host_is_an_api_error() {
    // Bind a port, then free it, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = run(bare_cli()
        .env("NYLAS_API_KEY", CANARY_KEY)
        .env("NYLAS_API_URI", format!("http://127.0.0.1:{port}"))
        .args(["list", "--max-retries", "0", "--json"]))
    .expect_code(1);
    assert_eq!(run.json()["error"]["kind"], "connection");
    run.assert_no_key();
}

#[test]
fn an_application_without_default_workspace_lists_nothing() {
    let env = Env::with_config(EmulatorConfig::new().default_workspace(false));
    assert_eq!(
        env.run_json(&["list"]).expect_code(0).json(),
        serde_json::json!([])
    );
    assert_eq!(env.run(&["list"]).expect_code(0).stdout, "no workspaces\n");
}

#[test]
fn a_long_rate_limit_wait_is_reported_not_waited_out() {
    let env = Env::new();
    env.run_json(&["auto-group"]).expect_code(0);
    // Nylas allows one auto-group job per minute; the second is answered 429 with a wait of
    // about a minute, which the CLI reports instead of sitting silent.
    let json = env.run_json(&["auto-group"]).expect_code(1).json();
    assert_eq!(json["error"]["status"], 429);
    assert!(
        json["error"]["retry_after_secs"].as_f64().unwrap() > 10.0,
        "{json}"
    );
    assert_eq!(env.emulator.calls(Operation::AutoGroup), 2);
    let text = env.run(&["auto-group"]).expect_code(1);
    assert!(text.stderr.contains("retry after"), "{}", text.stderr);
}

#[test]
fn a_proxy_meant_for_the_outside_world_does_not_block_a_local_emulator() {
    let env = Env::new();
    let run = run(env
        .cli()
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .args(["list", "--json", "--max-retries", "0"]))
    .expect_code(0);
    assert_eq!(run.json().as_array().unwrap().len(), 1);
}

#[test]
fn connection_failures_name_their_cause() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = run(bare_cli()
        .env("NYLAS_API_KEY", CANARY_KEY)
        .env("NYLAS_API_URI", format!("http://127.0.0.1:{port}"))
        .args(["list", "--max-retries", "0"]))
    .expect_code(1);
    assert!(run.stderr.contains("could not connect"), "{}", run.stderr);
    // The crate's message carries the cause chain itself ("... Connection refused").
    assert!(
        run.stderr.to_lowercase().contains("refused"),
        "{}",
        run.stderr
    );
    run.assert_no_key();
}
