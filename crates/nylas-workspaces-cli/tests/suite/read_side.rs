//! The read-side commands against the emulator: `grants list` in every format and with every
//! filter (streamed, ended quietly by a closed pipe), `inventory`, `policies`, `rules`
//! (including attach/detach refusing unknown ids before sending), `application`, and names
//! next to ids in `list`/`get` without changing `--json`.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{CANARY_KEY, Env};
use nylas_workspaces_emulator::{EmulatorConfig, NewGrant, NewWorkspace, Operation};
use serde_json::Value;

fn env_with(config: EmulatorConfig) -> Env {
    Env::with_config(config.api_key(CANARY_KEY).retry_after_secs(0))
}

/// A workspace "Field" holding `n` grants, and the default workspace holding one Google grant.
fn field_team(env: &Env, n: usize) -> String {
    let ws = env
        .emulator
        .add_workspace(NewWorkspace::new("Field"))
        .unwrap();
    for i in 0..n {
        env.emulator
            .add_grant(NewGrant::new(format!("u{i}@field.example")).workspace_id(&ws))
            .unwrap();
    }
    env.emulator
        .add_grant(
            NewGrant::new("boss@gmail.example")
                .provider("google")
                .valid(false)
                .workspace_id(env.default_id()),
        )
        .unwrap();
    ws
}

#[test]
fn grants_list_streams_every_format_and_filter() {
    let env = env_with(EmulatorConfig::new().page_size_cap(7));
    let ws = field_team(&env, 25);

    let jsonl = env
        .run(&["grants", "list", "--workspace", &ws, "--format", "jsonl"])
        .expect_code(0);
    let lines: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 25);
    assert!(lines.iter().all(|g| g["workspace_id"] == ws.as_str()));

    let array = env
        .run_json(&["grants", "list", "--workspace", &ws])
        .expect_code(0);
    assert_eq!(array.json().as_array().unwrap().len(), 25);

    let csv = env
        .run(&["grants", "list", "--status", "invalid", "--format", "csv"])
        .expect_code(0);
    let rows: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(rows[0], "GRANT ID,EMAIL,PROVIDER,STATUS,WORKSPACE,CREATED");
    assert_eq!(rows.len(), 2, "{}", csv.stdout);
    assert!(
        rows[1].contains(",boss@gmail.example,google,invalid,"),
        "{}",
        rows[1]
    );

    let table = env
        .run(&["grants", "list", "--provider", "google"])
        .expect_code(0);
    assert!(table.stdout.starts_with("GRANT ID "), "{}", table.stdout);
    assert_eq!(table.stdout.lines().count(), 2);

    let by_email = env
        .run_json(&["grants", "list", "--email", "u3@field.example"])
        .expect_code(0)
        .json();
    let id = by_email[0]["grant_id"].as_str().unwrap().to_owned();
    let one = env.run_json(&["grants", "get", &id]).expect_code(0).json();
    assert_eq!(one["email"], "u3@field.example");
    jsonl.assert_no_key();
}

#[test]
fn bad_grant_filters_are_usage_errors_and_send_nothing() {
    let env = Env::new();
    let run = env
        .run(&["grants", "list", "--status", "VALID"])
        .expect_code(2);
    assert!(run.stderr.contains("valid, invalid"), "{}", run.stderr);
    let run = env
        .run_json(&["grants", "list", "--full-scan"])
        .expect_code(2);
    assert_eq!(run.json()["error"]["rule"], "grant_query_invalid");
    let run = env
        .run_json(&["grants", "list", "--email", " "])
        .expect_code(2);
    assert_eq!(run.json()["error"]["rule"], "grant_query_invalid");
    assert_eq!(env.emulator.calls(Operation::ListGrants), 0);
}

#[test]
fn a_full_scan_finds_grants_the_filtered_listing_still_lags_behind() {
    let env =
        env_with(EmulatorConfig::new().filtered_grant_lag(std::time::Duration::from_secs(3600)));
    let ws = field_team(&env, 3);
    let lagging = env
        .run(&["grants", "list", "--workspace", &ws, "--format", "jsonl"])
        .expect_code(0);
    assert_eq!(lagging.stdout.lines().count(), 0);
    let scanned = env
        .run(&[
            "grants",
            "list",
            "--workspace",
            &ws,
            "--full-scan",
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    assert_eq!(scanned.stdout.lines().count(), 3);
}

#[test]
fn a_reader_that_stops_early_ends_the_listing_quietly() {
    let env = env_with(EmulatorConfig::new().page_size_cap(50));
    field_team(&env, 3000);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("nylas-workspaces"))
        .args(["grants", "list", "--format", "jsonl"])
        .env("NYLAS_API_URI", env.emulator.url())
        .env("NYLAS_API_KEY", env.emulator.api_key())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.contains("grant_id"), "{first}");
    drop(reader);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // It stopped instead of walking all 60 pages.
    assert!(env.emulator.calls(Operation::ListGrants) < 61);
}

#[test]
fn inventory_counts_grants_per_workspace_with_names() {
    let env = env_with(EmulatorConfig::new().omit_default_workspace_id(true));
    let policy = env.emulator.add_named_policy("Standard limits").unwrap();
    let rule = env.emulator.add_named_rule("Block spam").unwrap();
    let ws = env
        .emulator
        .add_workspace(
            NewWorkspace::new("Field")
                .policy_id(&policy)
                .rule_ids([rule.clone()]),
        )
        .unwrap();
    for i in 0..4 {
        env.emulator
            .add_grant(NewGrant::new(format!("u{i}@f.example")).workspace_id(&ws))
            .unwrap();
    }
    // A Google grant in the default workspace: Nylas leaves its workspace_id out.
    env.emulator
        .add_grant(
            NewGrant::new("g@gmail.example")
                .provider("google")
                .workspace_id(env.default_id()),
        )
        .unwrap();
    let doc = env.run_json(&["inventory"]).expect_code(0).json();
    let field = doc["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["workspace_id"] == ws.as_str())
        .unwrap();
    assert_eq!(field["grants"], 4);
    assert_eq!(field["policy"]["name"], "Standard limits");
    assert_eq!(field["rules"][0]["name"], "Block spam");
    assert_eq!(doc["no_workspace"]["grants"], 1);
    assert!(
        doc["no_workspace"]["note"]
            .as_str()
            .unwrap()
            .contains("default workspace")
    );

    let table = env.run(&["inventory"]).expect_code(0);
    assert!(
        table.stdout.contains("Standard limits ("),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("(no workspace)"), "{}", table.stdout);
    let csv = env.run(&["inventory", "--format", "csv"]).expect_code(0);
    assert!(
        csv.stdout.starts_with("WORKSPACE ID,NAME,DOMAIN,"),
        "{}",
        csv.stdout
    );
    assert!(
        csv.stdout
            .contains(&format!("{ws},Field,,no,no,Standard limits,Block spam,4")),
        "{}",
        csv.stdout
    );
    // Counting takes one walk over all grants, not a listing per workspace.
    assert_eq!(env.emulator.calls(Operation::ListGrants), 2 * 3);
}

#[test]
fn policies_rules_and_the_application() {
    let env = env_with(
        EmulatorConfig::new()
            .trailing_policy_cursor(true)
            .nested_rules_envelope(true)
            .page_size_cap(1),
    );
    let p1 = env.emulator.add_named_policy("Standard").unwrap();
    env.emulator.add_named_policy("Strict").unwrap();
    let r1 = env.emulator.add_named_rule("Block spam").unwrap();
    env.emulator.add_named_rule("Strip links").unwrap();

    let policies = env.run_json(&["policies", "list"]).expect_code(0).json();
    assert_eq!(policies.as_array().unwrap().len(), 2);
    let one = env
        .run_json(&["policies", "get", &p1])
        .expect_code(0)
        .json();
    assert_eq!(one["name"], "Standard");
    let rules = env.run(&["rules", "list"]).expect_code(0);
    assert!(rules.stdout.contains("Strip links"), "{}", rules.stdout);
    let rule = env.run(&["rules", "get", &r1]).expect_code(0);
    assert!(rule.stdout.contains("Block spam"), "{}", rule.stdout);
    let app = env.run_json(&["application"]).expect_code(0).json();
    assert_eq!(app["default_workspace_id"], env.default_id().as_str());
    env.run(&["policies", "get", "nope"]).expect_code(1);
}

#[test]
fn rules_attach_and_detach_through_the_crate() {
    let env = Env::new();
    let a = env.emulator.add_named_rule("A").unwrap();
    let b = env.emulator.add_named_rule("B").unwrap();
    let ws = env.create(&["--name", "Field", "--rule-id", &a]);
    let attached = env
        .run_json(&["rules", "attach", "--workspace", &ws, &b])
        .expect_code(0)
        .json();
    assert_eq!(attached["rule_ids"], serde_json::json!([a, b]));
    let detached = env
        .run_json(&["rules", "detach", "--workspace", &ws, &a])
        .expect_code(0)
        .json();
    assert_eq!(detached["rule_ids"], serde_json::json!([b]));

    let patches = env.emulator.calls(Operation::UpdateWorkspace);
    let refused = env
        .run_json(&["rules", "attach", "--workspace", &ws, "rule-typo"])
        .expect_code(2)
        .json();
    assert_eq!(refused["error"]["rule"], "unknown_reference");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("rule-typo")
    );
    assert_eq!(env.emulator.calls(Operation::UpdateWorkspace), patches);
    env.run(&["rules", "attach", "--workspace", &ws])
        .expect_code(2);
}

#[test]
fn list_and_get_show_names_next_to_ids_but_json_stays_exact() {
    let env = Env::new();
    let policy = env.emulator.add_named_policy("Standard limits").unwrap();
    let rule = env.emulator.add_named_rule("Evil\u{1b}[2J name").unwrap();
    let ws = env.create(&[
        "--name",
        "Field",
        "--policy-id",
        &policy,
        "--rule-id",
        &rule,
    ]);
    let get = env.run(&["get", &ws]).expect_code(0);
    assert!(
        get.stdout.contains(&format!("Standard limits ({policy})")),
        "{}",
        get.stdout
    );
    assert!(get.stdout.contains("Evil\\u{1b}[2J name"), "{}", get.stdout);
    assert!(!get.stdout.contains('\u{1b}'));
    let list = env.run(&["list"]).expect_code(0);
    assert!(list.stdout.contains("Standard limits ("), "{}", list.stdout);
    let json = env.run_json(&["get", &ws]).expect_code(0).json();
    assert_eq!(json["policy_id"], policy.as_str());
    assert_eq!(json["rule_ids"], serde_json::json!([rule]));
}

#[test]
fn a_listing_that_fails_part_way_exits_1_and_its_json_does_not_parse_as_complete() {
    let env = env_with(EmulatorConfig::new().page_size_cap(2));
    field_team(&env, 5);
    // One request allowed, then 429s: the first page arrives, the second is refused.
    env.emulator
        .set_rate_limit(Some(nylas_workspaces_emulator::RateLimit {
            per_second: 0.001,
            burst: 1,
        }))
        .unwrap();
    let run = env
        .run_json(&[
            "grants",
            "list",
            "--max-retries",
            "0",
            "--max-retry-wait",
            "0",
        ])
        .expect_code(1);
    assert!(run.stdout.starts_with('['), "{}", run.stdout);
    assert!(
        run.stdout.contains("grant_id"),
        "the first page was printed: {}",
        run.stdout
    );
    assert!(
        serde_json::from_str::<Value>(&run.stdout).is_err(),
        "a truncated listing must not parse as a complete array: {}",
        run.stdout
    );
    env.emulator.set_rate_limit(None).unwrap();
    let jsonl = env
        .run(&["grants", "list", "--format", "jsonl"])
        .expect_code(0);
    assert_eq!(jsonl.stdout.lines().count(), 6);
}
