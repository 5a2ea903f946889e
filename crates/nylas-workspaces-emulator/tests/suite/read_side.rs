//! The read side over HTTP: grants, the application, policies and rules as the emulator
//! serves them from its state, their paging rules, every live quirk switched on through the
//! admin API, and named policies and rules from the admin API, a seed and Rust.

use crate::support;

use std::time::Duration;

use nylas_workspaces_emulator::{
    EmulatorConfig, NewGrant, NewPolicy, NewRule, NewWorkspace, Quirks, Seed,
};
use reqwest::Method;
use serde_json::{Value, json};
use support::{Api, Reply};

async fn admin(api: &Api, method: Method, path: &str, body: Option<&str>) -> Reply {
    api.send_as(method, &format!("/_emulator{path}"), body, None)
        .await
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn grants_carry_provider_status_and_timestamps() {
    let api = Api::with(EmulatorConfig::new().manual_clock(1_700_000_000));
    let id = api
        .emulator
        .add_grant(
            NewGrant::new("ada@example.com")
                .provider("google")
                .valid(false)
                .name("Ada")
                .created_at(1_600_000_000)
                .updated_at(1_650_000_000),
        )
        .unwrap();
    let plain = api
        .emulator
        .add_grant(NewGrant::new("bob@example.com"))
        .unwrap();
    let reply = api.get(&format!("/v3/grants/{id}")).await;
    reply.assert_ok();
    let g = reply.data();
    assert_eq!(g["provider"], "google");
    assert_eq!(g["grant_status"], "invalid");
    assert_eq!(g["name"], "Ada");
    assert_eq!(
        (g["created_at"].as_i64(), g["updated_at"].as_i64()),
        (Some(1_600_000_000), Some(1_650_000_000))
    );
    assert_eq!(
        g["workspace_id"].as_str(),
        api.emulator.default_workspace_id().as_deref()
    );
    let b = api.get(&format!("/v3/grants/{plain}")).await;
    assert_eq!(b.data()["provider"], "nylas");
    assert_eq!(b.data()["grant_status"], "valid");
    assert_eq!(b.data()["created_at"], 1_700_000_000);
    assert_eq!(b.data()["updated_at"], 1_700_000_000);
    let snapshot = api.emulator.grant(&id).unwrap();
    assert_eq!(
        (snapshot.provider.as_str(), snapshot.updated_at),
        ("google", 1_650_000_000)
    );
    api.get("/v3/grants/unknown").await.assert_error(404);
    // A grant seeded with an empty provider is refused, not stored.
    assert!(
        api.emulator
            .add_grant(NewGrant::new("c@x.io").provider(" "))
            .is_err()
    );
}

#[tokio::test]
async fn walking_grants_by_offset_under_a_page_cap_yields_each_grant_once() {
    let api = Api::with(EmulatorConfig::new().manual_clock(1_000).page_size_cap(3));
    for i in 0..8 {
        api.emulator
            .add_grant(
                NewGrant::new(format!("u{i}@x.io"))
                    .grant_id(format!("g{i}"))
                    .created_at(i),
            )
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let reply = api
            .get(&format!(
                "/v3/grants?limit=200&offset={offset}&order_by=asc"
            ))
            .await;
        reply.assert_ok();
        assert_eq!(reply.body["limit"], 3, "the cap is echoed");
        assert_eq!(reply.body["offset"], offset);
        let page = ids(reply.data());
        if page.is_empty() {
            break;
        }
        offset += page.len();
        seen.extend(page);
    }
    let expected: Vec<String> = (0..8).map(|i| format!("g{i}")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_workspace_filter_lags_fresh_grants_when_asked_to() {
    let api = Api::with(
        EmulatorConfig::new()
            .manual_clock(10_000)
            .filtered_grant_lag(Duration::from_secs(70)),
    );
    let ws = api
        .emulator
        .add_workspace(NewWorkspace::new("Sales").workspace_id("ws-sales"))
        .unwrap();
    api.emulator
        .add_grant(
            NewGrant::new("old@x.io")
                .grant_id("old")
                .workspace_id(&ws)
                .created_at(9_000),
        )
        .unwrap();
    api.emulator
        .add_grant(NewGrant::new("new@x.io").grant_id("new").workspace_id(&ws))
        .unwrap();
    let filtered = api.get("/v3/grants?workspace_id=ws-sales").await;
    assert_eq!(ids(filtered.data()), ["old"]);
    let all = api.get("/v3/grants?limit=50").await;
    assert!(ids(all.data()).contains(&"new".to_owned()));
    api.emulator.advance_clock(Duration::from_secs(71));
    let later = api.get("/v3/grants?workspace_id=ws-sales").await;
    assert_eq!(ids(later.data()), ["new", "old"]);
}

#[tokio::test]
async fn the_application_answers_its_default_workspace_only_when_it_has_one() {
    let api = Api::start();
    let reply = api.get("/v3/applications").await;
    reply.assert_ok();
    assert_eq!(
        reply.data()["application_id"],
        api.emulator.application_id()
    );
    assert_eq!(
        reply.data()["default_workspace_id"].as_str(),
        api.emulator.default_workspace_id().as_deref()
    );
    let bare = Api::with(EmulatorConfig::new().default_workspace(false));
    let reply = bare.get("/v3/applications").await;
    reply.assert_ok();
    assert!(
        reply.data().get("default_workspace_id").is_none(),
        "{:#}",
        reply.body
    );
}

#[tokio::test]
async fn named_policies_and_rules_from_the_admin_api_the_seed_and_rust() {
    let seed = Seed::from_json(
        r#"{"policies": ["p-bare", {"id": "p-seed", "name": "Seeded"}],
            "rules": [{"id": "r-seed", "name": "Out", "trigger": "outbound", "priority": 7}]}"#,
    )
    .unwrap();
    let api = Api::with(EmulatorConfig::new().seed(seed));
    let added = admin(
        &api,
        Method::POST,
        "/policies",
        Some(r#"{"name": "By admin"}"#),
    )
    .await;
    assert_eq!(added.status, 200, "{:#}", added.body);
    let admin_policy = added.body["policy_id"].as_str().unwrap().to_owned();
    let rust_policy = api
        .emulator
        .add_policy_with(NewPolicy::new("By Rust").id("p-rust"))
        .unwrap();
    let unnamed = api.emulator.add_policy();
    let reply = api.get("/v3/policies").await;
    reply.assert_ok();
    let names: Vec<&str> = reply
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Policy p-bare",
            "Seeded",
            "By admin",
            "By Rust",
            &format!("Policy {unnamed}")
        ]
    );
    assert_eq!(
        api.get(&format!("/v3/policies/{admin_policy}"))
            .await
            .data()["name"],
        "By admin"
    );
    assert_eq!(rust_policy, "p-rust");

    let added = admin(
        &api,
        Method::POST,
        "/rules",
        Some(r#"{"name": "Block", "enabled": false}"#),
    )
    .await;
    assert_eq!(added.status, 200, "{:#}", added.body);
    let rule = api.get("/v3/rules/r-seed").await;
    assert_eq!(
        (
            rule.data()["name"].as_str(),
            rule.data()["priority"].as_i64(),
            rule.data()["trigger"].as_str()
        ),
        (Some("Out"), Some(7), Some("outbound"))
    );
    let block = api
        .get(&format!(
            "/v3/rules/{}",
            added.body["rule_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(block.data()["enabled"], false);
    let named = api.emulator.add_named_rule("Rusty").unwrap();
    assert_eq!(
        api.get(&format!("/v3/rules/{named}")).await.data()["name"],
        "Rusty"
    );
    api.get("/v3/policies/none").await.assert_error(404);

    // Bad names and fields are refused, never stored.
    for (path, body) in [
        ("/policies", r#"{"name": ""}"#),
        ("/policies", r#"{"nmae": "x"}"#),
        ("/rules", r#"{"name": "x", "priority": 1001}"#),
        ("/rules", r#"{"name": "x", "trigger": "sideways"}"#),
        ("/rules", r#"{"name": "x", "colour": "red"}"#),
    ] {
        let reply = admin(&api, Method::POST, path, Some(body)).await;
        assert_eq!(reply.status, 400, "{path} {body}: {:#}", reply.body);
    }
    assert!(
        api.emulator
            .add_rule_with(NewRule::new("x").priority(-1))
            .is_err()
    );
    assert_eq!(
        api.get("/v3/rules").await.data().as_array().unwrap().len(),
        3
    );
}

#[tokio::test]
async fn a_patch_still_refuses_policies_and_rules_of_another_application() {
    let api = Api::start();
    let policy = api.emulator.add_named_policy("Ours").unwrap();
    let rule = api.emulator.add_named_rule("Ours").unwrap();
    let ws = api.create(r#"{"name": "W"}"#).await;
    api.patch(
        &format!("/v3/workspaces/{ws}"),
        &json!({"policy_id": policy, "rule_ids": [rule]}).to_string(),
    )
    .await
    .assert_ok();
    for body in [
        json!({"policy_id": "theirs"}),
        json!({"rule_ids": [rule, "theirs"]}),
    ] {
        let reply = api
            .patch(&format!("/v3/workspaces/{ws}"), &body.to_string())
            .await;
        reply.assert_error(400);
        assert!(
            reply.error_message().contains("theirs"),
            "{}",
            reply.error_message()
        );
    }
}

#[tokio::test]
async fn quirks_switch_over_the_admin_api() {
    let api = Api::start();
    for i in 0..3 {
        api.emulator.add_policy_with_id(format!("p{i}")).unwrap();
        api.emulator.add_rule_with_id(format!("r{i}")).unwrap();
    }
    // Off: the documented envelopes, and the last page has no cursor.
    let rules = api.get("/v3/rules?limit=2&page_token=2").await;
    assert_eq!(ids(rules.data()), ["r2"]);
    assert!(rules.body.get("next_cursor").is_none());
    let last = api.get("/v3/policies?page_token=2").await;
    assert!(last.body.get("next_cursor").is_none());

    let on = admin(
        &api,
        Method::PUT,
        "/quirks",
        Some(r#"{"nested_rules_envelope": true, "trailing_policy_cursor": true, "page_size_cap": 2}"#),
    )
    .await;
    assert_eq!(on.status, 200, "{:#}", on.body);
    assert_eq!(api.emulator.quirks().page_size_cap, Some(2));
    let first = api.get("/v3/rules?limit=200").await;
    assert_eq!(ids(&first.data()["items"]), ["r0", "r1"]);
    assert_eq!(first.data()["next_cursor"], "2");
    let last = api.get("/v3/policies?page_token=2").await;
    assert_eq!(
        (ids(last.data()), last.body["next_cursor"].as_str()),
        (vec!["p2".to_owned()], Some("3"))
    );
    let after = api.get("/v3/policies?page_token=3").await;
    assert!(ids(after.data()).is_empty());
    assert!(after.body.get("next_cursor").is_none());

    let shown = admin(&api, Method::GET, "/quirks", None).await;
    assert_eq!(shown.body["nested_rules_envelope"], true);
    for bad in [
        r#"{"page_size_cap": 0}"#,
        r#"{"nested": true}"#,
        r#"{"page_size_cap": -1}"#,
    ] {
        let reply = admin(&api, Method::PUT, "/quirks", Some(bad)).await;
        assert_eq!(reply.status, 400, "{bad}: {:#}", reply.body);
    }
    assert_eq!(
        api.emulator.quirks().page_size_cap,
        Some(2),
        "a refused change changes nothing"
    );
    // PUT replaces the whole set: omitted quirks are off again.
    admin(&api, Method::PUT, "/quirks", Some("{}")).await;
    assert_eq!(api.emulator.quirks(), Quirks::default());
    assert!(
        api.emulator
            .set_quirks(Quirks {
                page_size_cap: Some(0),
                ..Quirks::default()
            })
            .is_err()
    );
}

#[tokio::test]
async fn default_workspace_ids_go_missing_only_for_other_providers() {
    let api = Api::with(EmulatorConfig::new().omit_default_workspace_id(true));
    let agent = api.emulator.add_grant(NewGrant::new("a@x.io")).unwrap();
    let google = api
        .emulator
        .add_grant(NewGrant::new("g@x.io").provider("google"))
        .unwrap();
    let ws = api
        .emulator
        .add_workspace(NewWorkspace::new("Other"))
        .unwrap();
    let placed = api
        .emulator
        .add_grant(NewGrant::new("p@x.io").provider("google").workspace_id(&ws))
        .unwrap();
    let default = api.emulator.default_workspace_id().unwrap();
    assert_eq!(
        api.get(&format!("/v3/grants/{agent}")).await.data()["workspace_id"],
        default.as_str()
    );
    assert!(
        api.get(&format!("/v3/grants/{google}"))
            .await
            .data()
            .get("workspace_id")
            .is_none()
    );
    assert_eq!(
        api.get(&format!("/v3/grants/{placed}")).await.data()["workspace_id"],
        ws.as_str()
    );
    // The emulator still knows where the grant is.
    assert_eq!(api.emulator.grant_workspace(&google), Some(default));
}
