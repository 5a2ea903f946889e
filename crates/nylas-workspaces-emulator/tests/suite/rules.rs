//! Every documented rule of the Workspaces API, checked over HTTP against the emulator.

use crate::support;

use std::collections::HashSet;
use std::time::Duration;

use nylas_workspaces_emulator::{EmulatorConfig, NewGrant, NewWorkspace};
use reqwest::Method;
use serde_json::json;
use support::Api;

// ----- authentication and the envelope ------------------------------------------------------

#[tokio::test]
async fn missing_or_wrong_key_is_401_on_every_operation() {
    let api = Api::start();
    let cases = [
        (Method::GET, "/v3/workspaces", None),
        (Method::POST, "/v3/workspaces", Some(r#"{"name":"x"}"#)),
        (Method::GET, "/v3/workspaces/some-id", None),
        (Method::PATCH, "/v3/workspaces/some-id", Some("{}")),
        (Method::DELETE, "/v3/workspaces/some-id", None),
        (Method::POST, "/v3/workspaces/auto-group", Some("{}")),
        (
            Method::POST,
            "/v3/workspaces/some-id/manual-assign",
            Some(r#"{"assign_grants":["g"]}"#),
        ),
    ];
    for (method, path, body) in cases {
        for key in [None, Some("wrong-key")] {
            let reply = api.send_as(method.clone(), path, body, key).await;
            reply.assert_error(401);
            assert_eq!(reply.error_type(), "unauthorized");
        }
    }
    assert_eq!(api.emulator.workspaces().len(), 1, "nothing was created");
}

#[tokio::test]
async fn the_key_never_appears_in_answers_or_debug_output() {
    let api = Api::with(EmulatorConfig::new().api_key("sk-very-secret"));
    let reply = api
        .send_as(Method::GET, "/v3/workspaces", None, Some("sk-very-secre"))
        .await;
    assert!(!reply.body.to_string().contains("sk-very-secret"));
    assert!(!format!("{:?}", api.emulator).contains("sk-very-secret"));
    assert_eq!(api.emulator.api_key(), "sk-very-secret");
}

#[tokio::test]
async fn every_response_gets_a_fresh_request_id() {
    let api = Api::start();
    let mut seen = HashSet::new();
    for _ in 0..5 {
        let reply = api.get("/v3/workspaces").await;
        reply.assert_ok();
        assert!(seen.insert(reply.body["request_id"].as_str().unwrap().to_owned()));
    }
    let missing = api.get("/v3/workspaces/nope").await;
    missing.assert_error(404);
    assert_eq!(missing.error_type(), "not_found_error");
    assert!(seen.insert(missing.body["request_id"].as_str().unwrap().to_owned()));
}

#[tokio::test]
async fn unknown_workspace_is_404_on_every_path_operation() {
    let api = Api::start();
    api.get("/v3/workspaces/nope").await.assert_error(404);
    api.patch("/v3/workspaces/nope", "{}")
        .await
        .assert_error(404);
    api.delete("/v3/workspaces/nope").await.assert_error(404);
    api.post(
        "/v3/workspaces/nope/manual-assign",
        r#"{"assign_grants":["g"]}"#,
    )
    .await
    .assert_error(404);
    api.get("/v3/workspaces/auto-group").await.assert_error(404);
    api.patch("/v3/workspaces/auto-group", "{}")
        .await
        .assert_error(404);
}

// ----- list -----------------------------------------------------------------------------------

#[tokio::test]
async fn list_shows_the_default_workspace_and_pages_on_request() {
    let api = Api::start();
    let list = api.get("/v3/workspaces").await;
    list.assert_ok();
    let data = list.data().as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["default"], true);
    assert_eq!(data[0]["domain"], serde_json::Value::Null);
    assert!(list.body.get("next_cursor").is_none());

    for i in 0..4 {
        api.create(&format!(r#"{{"name":"w{i}"}}"#)).await;
    }
    let mut ids = Vec::new();
    let mut path = "/v3/workspaces?limit=2".to_owned();
    loop {
        let page = api.get(&path).await;
        page.assert_ok();
        ids.extend(
            page.data()
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["workspace_id"].as_str().unwrap().to_owned()),
        );
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v3/workspaces?limit=2&page_token={cursor}"),
            None => break,
        }
    }
    assert_eq!(ids.len(), 5);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 5);
    api.get("/v3/workspaces?limit=0").await.assert_error(400);
    api.get("/v3/workspaces?page_token=zzz")
        .await
        .assert_error(400);
}

#[tokio::test]
async fn a_server_side_page_size_pages_the_list_without_a_limit() {
    let api = Api::with(EmulatorConfig::new().list_page_size(2));
    for i in 0..2 {
        api.create(&format!(r#"{{"name":"w{i}"}}"#)).await;
    }
    let first = api.get("/v3/workspaces").await;
    assert_eq!(first.data().as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = api
        .get(&format!("/v3/workspaces?page_token={cursor}"))
        .await;
    assert_eq!(second.data().as_array().unwrap().len(), 1);
    assert!(second.body.get("next_cursor").is_none());
    api.emulator.set_list_page_size(None);
    assert_eq!(
        api.get("/v3/workspaces")
            .await
            .data()
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn an_application_without_a_default_workspace_lists_an_empty_array() {
    let api = Api::with(EmulatorConfig::new().default_workspace(false));
    let list = api.get("/v3/workspaces").await;
    list.assert_ok();
    assert_eq!(list.data(), &json!([]));
}

// ----- create ---------------------------------------------------------------------------------

#[tokio::test]
async fn create_needs_only_a_name_and_defaults_auto_group_to_false() {
    let api = Api::start();
    let reply = api.post("/v3/workspaces", r#"{"name":"Support"}"#).await;
    reply.assert_ok();
    let ws = reply.data();
    assert_eq!(ws["name"], "Support");
    assert_eq!(ws["auto_group"], false);
    assert_eq!(ws["default"], false);
    assert_eq!(ws["domain"], serde_json::Value::Null);
    assert_eq!(ws["created_at"], ws["updated_at"]);
    assert_eq!(ws["application_id"], api.emulator.application_id());
}

#[tokio::test]
async fn create_refuses_what_the_api_refuses() {
    let api = Api::start();
    let policy = api.emulator.add_policy();
    let rule = api.emulator.add_rule();
    api.create(&format!(
        r#"{{"name":"Sales","domain":"sales.example.com","auto_group":true,"policy_id":"{policy}","rule_ids":["{rule}"]}}"#
    ))
    .await;
    let refused = [
        r#"{}"#,
        r#"{"name":""}"#,
        r#"{"name":5}"#,
        r#"{"domain":"x.com"}"#,
        r#"{"name":"A","auto_group":true}"#,
        r#"{"name":"A","domain":"SALES.example.com"}"#,
        r#"{"name":"A","policy_id":"not-ours"}"#,
        r#"{"name":"A","rule_ids":["not-ours"]}"#,
        r#"{"name":"A","domain":"not a domain"}"#,
        "not json",
        "",
    ];
    for body in refused {
        let reply = api.post("/v3/workspaces", body).await;
        reply.assert_error(400);
        assert!(
            reply.error_type().starts_with("invalid_request"),
            "{body}: {}",
            reply.error_type()
        );
    }
    assert_eq!(
        api.emulator.workspaces().len(),
        2,
        "nothing else was created"
    );
}

#[tokio::test]
async fn create_with_an_idempotency_key_creates_once() {
    let api = Api::start();
    let send = || async {
        api.http_post_with_key("/v3/workspaces", r#"{"name":"Once"}"#, "key-1")
            .await
    };
    let first = send().await;
    let second = send().await;
    assert_eq!(first, second);
    assert_eq!(api.emulator.workspaces().len(), 2);
}

trait KeyedPost {
    async fn http_post_with_key(&self, path: &str, body: &str, key: &str) -> serde_json::Value;
}

impl KeyedPost for Api {
    async fn http_post_with_key(&self, path: &str, body: &str, key: &str) -> serde_json::Value {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.emulator.url()))
            .bearer_auth(self.emulator.api_key())
            .header("Idempotency-Key", key)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }
}

// ----- get ------------------------------------------------------------------------------------

#[tokio::test]
async fn get_accepts_the_id_or_the_domain() {
    let api = Api::start();
    let id = api
        .create(r#"{"name":"Eng","domain":"eng.example.com"}"#)
        .await;
    for path in [id.as_str(), "eng.example.com", "ENG.example.com"] {
        let reply = api.get(&format!("/v3/workspaces/{path}")).await;
        reply.assert_ok();
        assert_eq!(reply.data()["workspace_id"], id.as_str());
    }
}

// ----- update ---------------------------------------------------------------------------------

#[tokio::test]
async fn update_changes_only_what_is_sent_and_moves_updated_at() {
    let api = Api::with(EmulatorConfig::new().manual_clock(1_800_000_000));
    let policy = api.emulator.add_policy();
    let rules = [api.emulator.add_rule(), api.emulator.add_rule()];
    let id = api
        .create(&format!(
            r#"{{"name":"Ops","domain":"ops.example.com","policy_id":"{policy}","rule_ids":["{}","{}"]}}"#,
            rules[0], rules[1]
        ))
        .await;
    let path = format!("/v3/workspaces/{id}");
    api.emulator.advance_clock(Duration::from_secs(30));

    let renamed = api.patch(&path, r#"{"name":"Operations"}"#).await;
    renamed.assert_ok();
    let ws = renamed.data();
    assert_eq!(ws["name"], "Operations");
    assert_eq!(
        ws["policy_id"],
        policy.as_str(),
        "absent policy_id keeps it"
    );
    assert_eq!(ws["rule_ids"], json!(rules), "absent rule_ids keeps them");
    assert_eq!(ws["created_at"], 1_800_000_000);
    assert_eq!(ws["updated_at"], 1_800_000_030);

    let detached = api
        .patch(&path, r#"{"policy_id":null,"rule_ids":[]}"#)
        .await;
    detached.assert_ok();
    assert_eq!(detached.data()["policy_id"], serde_json::Value::Null);
    assert_eq!(detached.data()["rule_ids"], json!([]));
    assert_eq!(detached.data()["name"], "Operations");

    let set = api
        .patch(&path, &format!(r#"{{"rule_ids":["{}"]}}"#, rules[1]))
        .await;
    set.assert_ok();
    assert_eq!(set.data()["rule_ids"], json!([rules[1]]));
    let nulled = api.patch(&path, r#"{"rule_ids":null}"#).await;
    assert_eq!(nulled.data()["rule_ids"], json!([]));

    // The seed's cURL body, replayed.
    let curl_body = format!(
        r#"{{"policy_id": "{policy}", "rule_ids": ["{}"]}}"#,
        rules[0]
    );
    let replay = api.patch(&path, &curl_body).await;
    replay.assert_ok();
    assert_eq!(replay.data()["policy_id"], policy.as_str());
    assert_eq!(replay.data()["rule_ids"], json!([rules[0]]));
}

#[tokio::test]
async fn update_refuses_domain_foreign_ids_and_domain_paths() {
    let api = Api::start();
    let id = api
        .create(r#"{"name":"Ops","domain":"ops.example.com"}"#)
        .await;
    let path = format!("/v3/workspaces/{id}");
    for body in [
        r#"{"domain":"other.com"}"#,
        r#"{"domain":"ops.example.com"}"#,
        r#"{"policy_id":"not-ours"}"#,
        r#"{"rule_ids":["not-ours"]}"#,
        r#"{"name":null}"#,
        r#"{"name":""}"#,
        r#"{"auto_group":"yes"}"#,
        "[]",
        "",
    ] {
        api.patch(&path, body).await.assert_error(400);
    }
    // Update addresses the workspace by ID only.
    api.patch("/v3/workspaces/ops.example.com", r#"{"name":"X"}"#)
        .await
        .assert_error(404);
    assert_eq!(
        api.emulator.workspace(&id).unwrap().name.as_deref(),
        Some("Ops")
    );

    let no_domain = api.create(r#"{"name":"Loose"}"#).await;
    api.patch(
        &format!("/v3/workspaces/{no_domain}"),
        r#"{"auto_group":true}"#,
    )
    .await
    .assert_error(400);
    let ok = api.patch(&path, r#"{"auto_group":true}"#).await;
    ok.assert_ok();
    assert_eq!(ok.data()["auto_group"], true);
}

#[tokio::test]
async fn the_default_workspace_only_takes_policy_and_rules() {
    let api = Api::start();
    let default = api.emulator.default_workspace_id().unwrap();
    let path = format!("/v3/workspaces/{default}");
    api.patch(&path, r#"{"name":"Mine"}"#)
        .await
        .assert_error(400);
    api.patch(&path, r#"{"auto_group":false}"#)
        .await
        .assert_error(400);
    api.patch(&path, r#"{"domain":"x.com"}"#)
        .await
        .assert_error(400);
    let policy = api.emulator.add_policy();
    let rule = api.emulator.add_rule();
    let ok = api
        .patch(
            &path,
            &format!(r#"{{"policy_id":"{policy}","rule_ids":["{rule}"]}}"#),
        )
        .await;
    ok.assert_ok();
    assert_eq!(ok.data()["default"], true);
    assert_eq!(ok.data()["policy_id"], policy.as_str());
}

// ----- delete ---------------------------------------------------------------------------------

#[tokio::test]
async fn deleting_moves_grants_to_the_default_workspace() {
    let api = Api::start();
    let default = api.emulator.default_workspace_id().unwrap();
    let id = api
        .create(r#"{"name":"Tmp","domain":"tmp.example.com"}"#)
        .await;
    let grant = api
        .emulator
        .add_grant(NewGrant::new("a@tmp.example.com").workspace_id(&id))
        .unwrap();
    let reply = api.delete("/v3/workspaces/tmp.example.com").await;
    reply.assert_ok();
    assert_eq!(reply.body.as_object().unwrap().len(), 1, "only request_id");
    assert_eq!(api.emulator.grant_workspace(&grant), Some(default.clone()));
    api.get(&format!("/v3/workspaces/{id}"))
        .await
        .assert_error(404);
    api.delete(&format!("/v3/workspaces/{default}"))
        .await
        .assert_error(400);
}

#[tokio::test]
async fn without_a_default_workspace_deleted_grants_become_unassigned() {
    let api = Api::with(EmulatorConfig::new().default_workspace(false));
    let id = api.create(r#"{"name":"Tmp"}"#).await;
    let grant = api
        .emulator
        .add_grant(NewGrant::new("a@b.com").workspace_id(&id))
        .unwrap();
    api.delete(&format!("/v3/workspaces/{id}"))
        .await
        .assert_ok();
    assert_eq!(api.emulator.grant_workspace(&grant), None);
    assert!(
        api.emulator.grant(&grant).is_some(),
        "the grant keeps working"
    );
}

// ----- manual assign --------------------------------------------------------------------------

#[tokio::test]
async fn manual_assign_moves_and_removes_grants() {
    let api = Api::start();
    let a = api.create(r#"{"name":"A","domain":"a.example.com"}"#).await;
    let b = api.create(r#"{"name":"B"}"#).await;
    let g1 = api
        .emulator
        .add_grant(NewGrant::new("1@x.com").workspace_id(&a))
        .unwrap();
    let g2 = api.emulator.add_grant(NewGrant::new("2@x.com")).unwrap();

    let reply = api
        .post(
            &format!("/v3/workspaces/{b}/manual-assign"),
            &format!(r#"{{"assign_grants":["{g1}","{g2}","unknown"]}}"#),
        )
        .await;
    reply.assert_ok();
    let data = reply.data();
    assert_eq!(data["workspace_id"], b.as_str());
    assert_eq!(data["domain"], "");
    assert_eq!(data["grants_assigned"], json!([g1, g2]));
    assert_eq!(data["grants_removed"], serde_json::Value::Null);
    assert_eq!(data["application_id"], api.emulator.application_id());
    assert_eq!(api.emulator.grant_workspace(&g1), Some(b.clone()));
    assert_eq!(api.emulator.grant_workspace(&g2), Some(b.clone()));

    // By domain, removing: the grant then belongs to no workspace.
    let back = api
        .post(
            "/v3/workspaces/a.example.com/manual-assign",
            &format!(r#"{{"assign_grants":["{g1}"]}}"#),
        )
        .await;
    back.assert_ok();
    assert_eq!(back.data()["domain"], "a.example.com");
    let removed = api
        .post(
            &format!("/v3/workspaces/{a}/manual-assign"),
            &format!(r#"{{"remove_grants":["{g1}","{g2}"]}}"#),
        )
        .await;
    removed.assert_ok();
    assert_eq!(
        removed.data()["grants_removed"],
        json!([g1]),
        "g2 is not in A"
    );
    assert_eq!(removed.data()["grants_assigned"], serde_json::Value::Null);
    assert_eq!(api.emulator.grant_workspace(&g1), None);
    assert_eq!(api.emulator.grant_workspace(&g2), Some(b));

    let nothing = api
        .post(
            &format!("/v3/workspaces/{a}/manual-assign"),
            r#"{"assign_grants":["ghost"],"remove_grants":["ghost"]}"#,
        )
        .await;
    nothing.assert_ok();
    assert_eq!(nothing.data()["grants_assigned"], serde_json::Value::Null);
    assert_eq!(nothing.data()["grants_removed"], serde_json::Value::Null);
}

#[tokio::test]
async fn manual_assign_refuses_what_the_api_refuses() {
    let api = Api::start();
    let auto = api
        .create(r#"{"name":"Auto","domain":"auto.example.com","auto_group":true}"#)
        .await;
    let manual = api.create(r#"{"name":"Manual"}"#).await;
    let grant = api.emulator.add_grant(NewGrant::new("x@y.com")).unwrap();
    let before = api.emulator.grant_workspace(&grant);

    api.post(
        &format!("/v3/workspaces/{auto}/manual-assign"),
        &format!(r#"{{"assign_grants":["{grant}"]}}"#),
    )
    .await
    .assert_error(400);

    for body in [r#"{}"#, r#"{"assign_grants":[],"remove_grants":[]}"#] {
        let reply = api
            .post(&format!("/v3/workspaces/{manual}/manual-assign"), body)
            .await;
        reply.assert_error(400);
        assert_eq!(
            reply.error_message(),
            "At least one grant must be assigned or removed"
        );
    }
    let ids: Vec<String> = (0..501).map(|i| format!("g{i}")).collect();
    for list in ["assign_grants", "remove_grants"] {
        let body = json!({ list: ids }).to_string();
        api.post(&format!("/v3/workspaces/{manual}/manual-assign"), &body)
            .await
            .assert_error(400);
    }
    let exactly_500 = json!({ "assign_grants": ids[..500] }).to_string();
    api.post(
        &format!("/v3/workspaces/{manual}/manual-assign"),
        &exactly_500,
    )
    .await
    .assert_ok();
    assert_eq!(api.emulator.grant_workspace(&grant), before);
}

// ----- auto-group -----------------------------------------------------------------------------

#[tokio::test]
async fn auto_group_sorts_matching_grants_and_creates_domain_workspaces() {
    let api = Api::with(EmulatorConfig::new().manual_clock(1_725_000_000));
    let existing = api
        .create(r#"{"name":"Nylas","domain":"nylas.com","auto_group":true}"#)
        .await;
    let default = api.emulator.default_workspace_id().unwrap();
    let add = |email: &str, valid: bool, created_at: i64| {
        api.emulator
            .add_grant(
                NewGrant::new(email)
                    .valid(valid)
                    .created_at(created_at)
                    .workspace_id(&default),
            )
            .unwrap()
    };
    let old = add("old@nylas.com", true, 1_725_000_000);
    let new_valid = add("new@nylas.com", true, 1_725_300_000);
    let new_invalid = add("broken@nylas.com", false, 1_725_300_000);
    let other_domain = add("x@other.org", true, 1_725_300_000);

    // The seed's cURL body, replayed.
    let reply = api
        .post(
            "/v3/workspaces/auto-group",
            r#"{"after_created_at": 1725273600, "invalid_also": true, "specific_domain": "nylas.com"}"#,
        )
        .await;
    reply.assert_ok();
    assert!(
        reply.data()["job_id"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(
        reply.data()["message"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(api.emulator.grant_workspace(&old), Some(default.clone()));
    assert_eq!(
        api.emulator.grant_workspace(&new_valid),
        Some(existing.clone())
    );
    assert_eq!(api.emulator.grant_workspace(&new_invalid), Some(existing));
    assert_eq!(
        api.emulator.grant_workspace(&other_domain),
        Some(default.clone())
    );

    // One job per minute per application.
    let again = api.post("/v3/workspaces/auto-group", "{}").await;
    again.assert_error(429);
    assert_eq!(again.error_type(), "nylas_rate_limit_exceeded");
    assert_eq!(again.headers["retry-after"], "60");
    api.emulator.advance_clock(Duration::from_secs(45));
    let later = api.post("/v3/workspaces/auto-group", "{}").await;
    assert_eq!(later.headers["retry-after"], "15");

    // After a minute, no filters: every valid grant, a new workspace for other.org.
    api.emulator.advance_clock(Duration::from_secs(15));
    api.post("/v3/workspaces/auto-group", "").await.assert_ok();
    let created = api.emulator.workspace("other.org").expect("created");
    assert_eq!(created.auto_group, Some(true));
    assert_eq!(created.name.as_deref(), Some("other.org"));
    assert_eq!(
        api.emulator.grant_workspace(&other_domain),
        created.workspace_id
    );
    assert_ne!(api.emulator.grant_workspace(&old), Some(default));
}

#[tokio::test]
async fn auto_group_leaves_hand_managed_domains_alone_and_refuses_bad_bodies() {
    let api = Api::start();
    let manual = api
        .create(r#"{"name":"Hand","domain":"hand.example.com"}"#)
        .await;
    let grant = api
        .emulator
        .add_grant(NewGrant::new("a@hand.example.com"))
        .unwrap();
    api.post("/v3/workspaces/auto-group", r#"{"invalid_also":"x"}"#)
        .await
        .assert_error(400);
    api.post("/v3/workspaces/auto-group", "{}")
        .await
        .assert_ok();
    assert_ne!(api.emulator.grant_workspace(&grant), Some(manual));
    assert_eq!(
        api.emulator.workspaces().len(),
        2,
        "no duplicate domain workspace"
    );
}

// ----- new grants -----------------------------------------------------------------------------

#[test]
fn new_grants_join_the_matching_auto_group_workspace_else_the_default() {
    let api = Api::start();
    let auto = api
        .emulator
        .add_workspace(NewWorkspace::new("Acme").domain("acme.io").auto_group(true))
        .unwrap();
    let manual = api
        .emulator
        .add_workspace(NewWorkspace::new("Beta").domain("beta.io"))
        .unwrap();
    let default = api.emulator.default_workspace_id();
    let a = api.emulator.add_grant(NewGrant::new("x@ACME.io")).unwrap();
    let b = api.emulator.add_grant(NewGrant::new("x@beta.io")).unwrap();
    let c = api.emulator.add_grant(NewGrant::new("no-domain")).unwrap();
    let d = api
        .emulator
        .add_grant(NewGrant::new("x@acme.io").workspace_id("beta.io"))
        .unwrap();
    assert_eq!(api.emulator.grant_workspace(&a), Some(auto));
    assert_eq!(api.emulator.grant_workspace(&b), default);
    assert_eq!(api.emulator.grant_workspace(&c), default);
    assert_eq!(api.emulator.grant_workspace(&d), Some(manual));

    let bare = Api::with(EmulatorConfig::new().default_workspace(false));
    let e = bare.emulator.add_grant(NewGrant::new("x@z.io")).unwrap();
    assert_eq!(bare.emulator.grant_workspace(&e), None);
    assert!(
        bare.emulator
            .add_grant(NewGrant::new("x@z.io").workspace_id("missing"))
            .is_err()
    );
    assert!(bare.emulator.add_grant(NewGrant::new(" ")).is_err());
}
