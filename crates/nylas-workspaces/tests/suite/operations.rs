//! Every operation against a mock server: what goes on the wire, and what comes back.

use crate::common;

use std::time::{Duration, UNIX_EPOCH};

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::wire as types;
use nylas_workspaces::{
    AutoGroup, CreateWorkspace, DEFAULT_USER_AGENT, DefaultWorkspaceUpdate, Error, Patch,
    PolicyAndRules, Rule, UpdateWorkspace,
};
use nylas_workspaces_httpmock::MockServerExt;
use serde_json::{Value, json};

#[tokio::test]
async fn list_sends_auth_and_user_agent_and_applies_field_defaults() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/v3/workspaces")
            .query_param_missing("page_token")
            .header("authorization", format!("Bearer {KEY}"))
            .header("accept", "application/json")
            .header("user-agent", DEFAULT_USER_AGENT);
        then.status(200).json_body(json!({
            "request_id": "req-list",
            "data": [
                default_workspace("ws-default"),
                {"workspace_id": "ws-old", "name": "Old", "domain": "", "auto_group": true,
                 "rule_ids": null, "policy_id": null, "something_new": [1, 2]},
                workspace("ws-full")
            ]
        }));
    });
    let all = client(&server).list_workspaces().await.unwrap();
    mock.assert();
    let ids: Vec<&str> = all.iter().map(|w| w.workspace_id.as_str()).collect();
    assert_eq!(ids, ["ws-default", "ws-old", "ws-full"]);
    assert!(all[0].default);
    assert_eq!(all[0].domain, None);
    let old = &all[1];
    assert_eq!(old.domain, None, "an empty domain means none");
    assert!(old.auto_group && !old.default);
    assert_eq!(old.application_id, "");
    assert!(old.rule_ids.is_empty());
    assert_eq!(old.policy_id, None);
    assert_eq!(old.created_at, None);
    assert_eq!(all[2].rule_ids, ["rule-1"]);
    assert_eq!(all[2].created_at, Some(1_725_273_600));
}

#[tokio::test]
async fn list_follows_next_cursor_until_it_ends() {
    let server = MockServer::start_async().await;
    let first = server.mock(|when, then| {
        when.method(GET)
            .path("/v3/workspaces")
            .query_param_missing("page_token");
        then.status(200).json_body(json!({
            "request_id": "r1", "data": [workspace("ws-1")], "next_cursor": "c2"
        }));
    });
    let second = server.get_all_workspaces(|when, then| {
        when.page_token("c2");
        then.ok(&types::WorkspaceListResponse {
            data: vec![types::Workspace {
                workspace_id: Some("ws-2".into()),
                ..Default::default()
            }],
            next_cursor: Some(String::new()),
            request_id: Some("r2".into()),
        });
    });
    let all = client(&server).list_workspaces().await.unwrap();
    first.assert();
    second.assert();
    let ids: Vec<&str> = all.iter().map(|w| w.workspace_id.as_str()).collect();
    assert_eq!(ids, ["ws-1", "ws-2"]);
}

#[tokio::test]
async fn a_cursor_that_repeats_is_an_error_not_a_loop() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200).json_body(
            json!({"request_id": "r", "data": [workspace("ws-1")], "next_cursor": "same"}),
        );
    });
    let err = client(&server).list_workspaces().await.unwrap_err();
    assert!(matches!(err, Error::Undecodable(_)), "{err:?}");
    assert_eq!(mock.calls(), 2);
}

#[tokio::test]
async fn get_decodes_one_workspace() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": workspace("ws-1")}));
    });
    let ws = client(&server).get_workspace("ws-1").await.unwrap();
    mock.assert();
    assert_eq!(ws.workspace_id, "ws-1");
    assert_eq!(ws.name, "Workspace ws-1");
    assert_eq!(ws.domain.as_deref(), Some("example.com"));
    assert_eq!(ws.policy_id.as_deref(), Some("pol-1"));
}

#[tokio::test]
async fn path_ids_are_percent_encoded_and_stay_one_segment() {
    let server = MockServer::start_async().await;
    let (mock, seen) = scripted(
        &server,
        vec![json_response(
            200,
            &json!({"request_id": "r", "data": workspace("x")}),
        )],
    );
    let c = client(&server);
    for id in ["../x", "a/b", "a?b", "a#b", "50%", "é t"] {
        c.get_workspace(id).await.unwrap();
    }
    assert_eq!(mock.calls(), 6);
    let paths: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.path.clone())
        .collect();
    assert_eq!(
        paths,
        [
            "/v3/workspaces/..%2Fx",
            "/v3/workspaces/a%2Fb",
            "/v3/workspaces/a%3Fb",
            "/v3/workspaces/a%23b",
            "/v3/workspaces/50%25",
            "/v3/workspaces/%C3%A9%20t",
        ]
    );
}

#[tokio::test]
async fn default_workspace_is_read_by_the_application_s_id() {
    let server = MockServer::start_async().await;
    let app = server.mock(|when, then| {
        when.method(GET).path("/v3/applications");
        then.status(200).json_body(
            json!({"request_id": "r", "data": {"application_id": "a", "default_workspace_id": "ws-d"}}),
        );
    });
    let read = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-d");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": default_workspace("ws-d")}));
    });
    let list = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": []}));
    });
    let found = client(&server).default_workspace().await.unwrap().unwrap();
    assert_eq!(found.workspace_id, "ws-d");
    assert_eq!((app.calls(), read.calls(), list.calls()), (1, 1, 0));
}

#[tokio::test]
async fn default_workspace_falls_back_to_the_flagged_one_or_none() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/applications");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": {"application_id": "a"}}));
    });
    let mut with_default = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200).json_body(json!({
            "request_id": "r", "data": [workspace("ws-1"), default_workspace("ws-d")]
        }));
    });
    let c = client(&server);
    let found = c.default_workspace().await.unwrap().unwrap();
    assert_eq!(found.workspace_id, "ws-d");
    with_default.delete();

    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": [workspace("ws-1")]}));
    });
    assert_eq!(c.default_workspace().await.unwrap(), None);
}

#[tokio::test]
async fn create_sends_only_set_fields_with_an_idempotency_key() {
    let server = MockServer::start_async().await;
    let minimal = server.mock(|when, then| {
        when.method(POST)
            .path("/v3/workspaces")
            .header("content-type", "application/json")
            .header_matches("idempotency-key", "^[0-9a-f]{8}-[0-9a-f-]{27}$")
            .json_body(json!({"name": "Sales"}));
        then.status(200)
            .json_body(json!({"request_id": "r", "data": workspace("ws-new")}));
    });
    let full = server.create_workspace(|when, then| {
        when.body(&types::CreateWorkspaceRequest {
            name: "Support".try_into().unwrap(),
            domain: Some("support.example.com".into()),
            auto_group: Some(true),
            policy_id: Some("pol-9".into()),
            rule_ids: vec!["r-1".into(), "r-2".into()],
        });
        then.ok(&types::WorkspaceResponse {
            data: Some(types::Workspace {
                workspace_id: Some("ws-support".into()),
                ..Default::default()
            }),
            request_id: Some("r2".into()),
        });
    });
    let c = client(&server);
    let ws = c
        .create_workspace(CreateWorkspace::new("Sales"))
        .await
        .unwrap();
    assert_eq!(ws.workspace_id, "ws-new");
    let ws = c
        .create_workspace(
            CreateWorkspace::new("Support")
                .domain("support.example.com")
                .auto_group(true)
                .policy_id("pol-9")
                .rule_ids(["r-1", "r-2"]),
        )
        .await
        .unwrap();
    assert_eq!(ws.workspace_id, "ws-support");
    minimal.assert();
    full.assert();
}

#[tokio::test]
async fn every_idempotency_key_is_fresh_per_logical_call() {
    let server = MockServer::start_async().await;
    let (_mock, seen) = scripted(
        &server,
        vec![json_response(
            200,
            &json!({"request_id": "r", "data": workspace("w")}),
        )],
    );
    let c = client(&server);
    c.create_workspace(CreateWorkspace::new("a")).await.unwrap();
    c.create_workspace(CreateWorkspace::new("a")).await.unwrap();
    let seen = seen.lock().unwrap();
    let keys: Vec<&str> = seen
        .iter()
        .map(|s| s.header("idempotency-key").unwrap())
        .collect();
    assert_ne!(keys[0], keys[1]);
}

#[tokio::test]
async fn update_bodies_for_every_combination() {
    let policies = [
        (Patch::Keep, None),
        (Patch::Clear, Some(Value::Null)),
        (Patch::Set("pol-2".to_string()), Some(json!("pol-2"))),
    ];
    let rules = [
        (Patch::Keep, None),
        (Patch::Clear, Some(Value::Null)),
        (Patch::Set(vec![]), Some(json!([]))),
        (
            Patch::Set(vec!["r-1".to_string(), "r-2".to_string()]),
            Some(json!(["r-1", "r-2"])),
        ),
    ];
    let others: [(Option<&str>, Option<bool>); 3] =
        [(None, None), (Some("New name"), None), (None, Some(false))];

    let server = MockServer::start_async().await;
    let (_mock, seen) = scripted(
        &server,
        vec![json_response(
            200,
            &json!({"request_id": "r", "data": workspace("ws-1")}),
        )],
    );
    let c = client(&server);
    let mut expected = Vec::new();
    for (policy, policy_json) in &policies {
        for (rule, rule_json) in &rules {
            for (name, auto_group) in others {
                let update = UpdateWorkspace {
                    name: name.map(str::to_owned),
                    auto_group,
                    policy_and_rules: PolicyAndRules {
                        policy_id: policy.clone(),
                        rule_ids: rule.clone(),
                    },
                };
                let mut body = serde_json::Map::new();
                if let Some(name) = name {
                    body.insert("name".into(), json!(name));
                }
                if let Some(auto_group) = auto_group {
                    body.insert("auto_group".into(), json!(auto_group));
                }
                if let Some(p) = policy_json {
                    body.insert("policy_id".into(), p.clone());
                }
                if let Some(r) = rule_json {
                    body.insert("rule_ids".into(), r.clone());
                }
                let result = c.update_workspace("ws-1", update).await;
                if body.is_empty() {
                    assert_eq!(result.unwrap_err().rule(), Some(Rule::EmptyUpdate));
                } else {
                    result.unwrap();
                    expected.push(Value::Object(body));
                }
            }
        }
    }
    let seen = seen.lock().unwrap();
    // The first name change looks the target up (is it the default?); the answer is
    // remembered, so no later update needs another lookup.
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].path, "/v3/workspaces/ws-1");
    let sent: Vec<Value> = seen[1..]
        .iter()
        .map(|s| {
            assert_eq!(s.method, "PATCH");
            assert_eq!(s.path, "/v3/workspaces/ws-1");
            assert_eq!(s.header("idempotency-key"), None);
            serde_json::from_slice(&s.body).unwrap()
        })
        .collect();
    assert_eq!(sent.len(), 3 * 4 * 3 - 1);
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn default_workspace_update_finds_the_default_and_sends_policy_and_rules() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200).json_body(json!({
            "request_id": "r", "data": [workspace("ws-1"), default_workspace("ws-d")]
        }));
    });
    server.mock(|when, then| {
        when.method(GET).path("/v3/applications");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": {"application_id": "a"}}));
    });
    let patch = server.update_workspace(|when, then| {
        when.workspace_id("ws-d")
            .body(&types::UpdateWorkspaceRequest {
                policy_id: Some(None),
                rule_ids: Some(Some(vec!["r-1".into()])),
                ..Default::default()
            });
        then.ok(&types::WorkspaceResponse {
            data: Some(types::Workspace {
                workspace_id: Some("ws-d".into()),
                default: Some(true),
                ..Default::default()
            }),
            request_id: Some("r".into()),
        });
    });
    let updated = client(&server)
        .update_default_workspace(
            DefaultWorkspaceUpdate::new()
                .clear_policy()
                .rule_ids(["r-1"]),
        )
        .await
        .unwrap()
        .unwrap();
    patch.assert();
    assert!(updated.default);
}

#[tokio::test]
async fn delete_returns_the_request_id_from_body_or_header() {
    let server = MockServer::start_async().await;
    for id in ["ws-1", "ws-2"] {
        server.mock(|when, then| {
            when.method(GET).path(format!("/v3/workspaces/{id}"));
            then.status(200)
                .json_body(json!({"request_id": "r", "data": workspace(id)}));
        });
    }
    let from_body = server.delete_workspace(|when, then| {
        when.workspace_id("ws-1");
        then.ok(&types::DeleteWorkspaceResponse {
            request_id: Some("req-del".into()),
        });
    });
    let from_header = server.mock(|when, then| {
        when.method(DELETE).path("/v3/workspaces/ws-2");
        then.status(200).header("x-request-id", "req-hdr").body("");
    });
    let c = client(&server);
    assert_eq!(c.delete_workspace("ws-1").await.unwrap(), "req-del");
    assert_eq!(c.delete_workspace("ws-2").await.unwrap(), "req-hdr");
    from_body.assert();
    from_header.assert();
}

#[tokio::test]
async fn auto_group_sends_filters_and_returns_the_job() {
    let server = MockServer::start_async().await;
    let filtered = server.mock(|when, then| {
        when.method(POST)
            .path("/v3/workspaces/auto-group")
            .header_exists("idempotency-key")
            .json_body(json!({
                "after_created_at": 1_725_273_600, "invalid_also": true,
                "specific_domain": "nylas.com"
            }));
        then.status(200).json_body(json!({
            "request_id": "req-ag", "data": {"job_id": "job-1", "message": "started"}
        }));
    });
    let unfiltered = server.mock(|when, then| {
        when.method(POST)
            .path("/v3/workspaces/auto-group")
            .json_body(json!({}));
        then.status(200)
            .json_body(json!({"request_id": "req-2", "data": {"job_id": "job-2"}}));
    });
    let c = client(&server);
    let job = c
        .auto_group(
            AutoGroup::new()
                .created_at_or_after(UNIX_EPOCH + Duration::from_secs(1_725_273_600))
                .invalid_also(true)
                .specific_domain("nylas.com"),
        )
        .await
        .unwrap();
    assert_eq!(job.job_id, "job-1");
    assert_eq!(job.message, "started");
    assert_eq!(job.request_id.as_deref(), Some("req-ag"));
    let job = c.auto_group(AutoGroup::new()).await.unwrap();
    assert_eq!(job.job_id, "job-2");
    assert_eq!(job.message, "");
    filtered.assert();
    unfiltered.assert();
}

#[tokio::test]
async fn api_errors_carry_status_type_message_and_request_id() {
    let server = MockServer::start_async().await;
    server.get_workspace(|when, then| {
        when.workspace_id("missing");
        then.not_found(&types::Error {
            error: types::ErrorDetail {
                message: Some("no such workspace".into()),
                type_: Some("not_found_error".into()),
                provider_error: Default::default(),
            },
            request_id: "req-404".into(),
        });
    });
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/header-only");
        then.status(403)
            .header("x-request-id", "req-hdr")
            .json_body(json!({"error": {"type": "forbidden", "message": "nope"}}));
    });
    let c = client(&server);
    let err = c.get_workspace("missing").await.unwrap_err();
    assert!(err.is_not_found());
    assert!(!err.is_retryable());
    assert_eq!(err.request_id(), Some("req-404"));
    let api = err.api_error().unwrap();
    assert_eq!(api.error_type.as_deref(), Some("not_found_error"));
    assert_eq!(api.message.as_deref(), Some("no such workspace"));
    assert!(err.to_string().contains("req-404"));
    assert!(std::error::Error::source(&err).is_some());

    let err = c.get_workspace("header-only").await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.request_id(), Some("req-hdr"));
    assert_eq!(
        err.api_error().unwrap().kind,
        nylas_workspaces::ApiErrorKind::Forbidden
    );
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET).path("/proxy/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": workspace("ws-1")}));
    });
    let c = nylas_workspaces::Client::builder()
        .api_key(KEY)
        .base_url(format!("{}/proxy/", server.base_url()))
        .build()
        .unwrap();
    c.get_workspace("ws-1").await.unwrap();
    mock.assert();
}
