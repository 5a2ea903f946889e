//! Wire tests of the generated layer: every operation sends the right method, path, headers
//! and JSON body, and decodes realistic Nylas answers, quirks and error envelopes included.
//!
//! Bodies are matched structurally (`json_body`), so `{}` and `{"policy_id":null}` are
//! different requests, which is exactly what the PATCH tests need to tell apart.

use httpmock::prelude::*;
use nylas_workspaces_api::{Client, Error, types};
use nylas_workspaces_httpmock::MockServerExt;
use serde_json::json;

const KEY: &str = "nyk_test_wire_key";

fn client(server: &MockServer) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {KEY}")).unwrap();
    auth.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, auth);
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    Client::new_with_client(&server.base_url(), http)
}

fn workspace_json(id: &str) -> serde_json::Value {
    json!({
        "workspace_id": id,
        "application_id": "app-1",
        "name": "Sales",
        "domain": "example.com",
        "auto_group": false,
        "default": false,
        "policy_id": "pol-1",
        "rule_ids": ["rule-1", "rule-2"],
        "created_at": 1_725_273_600,
        "updated_at": 1_725_273_600
    })
}

fn error_envelope(request_id: &str, kind: &str, message: &str) -> serde_json::Value {
    json!({"request_id": request_id, "error": {"type": kind, "message": message}})
}

#[tokio::test]
async fn list_sends_get_with_bearer_and_decodes_quirky_workspaces() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v3/workspaces")
                .header("authorization", format!("Bearer {KEY}"))
                .header("accept", "application/json");
            then.status(200).json_body(json!({
                "request_id": "req-list",
                "data": [
                    // The default workspace as Nylas lists it.
                    {"workspace_id": "ws-default", "application_id": "app-1", "name": "Default",
                     "domain": null, "auto_group": false, "default": true,
                     "created_at": 1, "updated_at": 2},
                    // An older object: no `default`, `policy_id` or `rule_ids` at all, and a
                    // field this client has never heard of.
                    {"workspace_id": "ws-old", "name": "Old", "domain": "",
                     "auto_group": true, "brand_new_field": {"x": 1}},
                    workspace_json("ws-full")
                ]
            }));
        })
        .await;

    let response = client(&server).get_all_workspaces().send().await.unwrap();
    mock.assert_async().await;
    let body = response.into_inner();
    assert_eq!(body.request_id.as_deref(), Some("req-list"));
    assert_eq!(body.next_cursor, None);
    let [default, old, full] = body.data.as_slice() else {
        panic!("expected three workspaces, got {:?}", body.data);
    };
    assert_eq!(default.default, Some(true));
    assert_eq!(default.domain, None);
    assert_eq!(old.default, None);
    assert_eq!(old.policy_id, None);
    assert_eq!(old.rule_ids, None);
    assert_eq!(old.domain.as_deref(), Some(""));
    assert_eq!(old.application_id, None);
    assert_eq!(
        full.rule_ids.as_deref(),
        Some(&["rule-1".to_string(), "rule-2".to_string()][..])
    );
    assert_eq!(full.created_at, Some(1_725_273_600));
}

#[tokio::test]
async fn list_forwards_paging_parameters_when_given() {
    let server = MockServer::start_async().await;
    let mock = server.get_all_workspaces(|when, then| {
        when.page_token("cursor-2")
            .limit(std::num::NonZeroU32::new(50).unwrap());
        then.ok(&types::WorkspaceListResponse {
            data: vec![],
            next_cursor: Some("cursor-3".into()),
            request_id: Some("req".into()),
        });
    });
    let page = client(&server)
        .get_all_workspaces()
        .page_token("cursor-2")
        .limit(std::num::NonZeroU32::new(50).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert();
    assert_eq!(page.next_cursor.as_deref(), Some("cursor-3"));
}

#[tokio::test]
async fn create_sends_only_the_fields_that_were_set() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v3/workspaces")
                .header("authorization", format!("Bearer {KEY}"))
                .header("content-type", "application/json")
                .header("idempotency-key", "idem-1")
                .json_body(json!({"name": "Support"}));
            then.status(200).json_body(json!({
                "request_id": "req-create",
                "data": {"workspace_id": "ws-new", "name": "Support", "domain": null,
                         "auto_group": false, "created_at": 5, "updated_at": 5}
            }));
        })
        .await;
    let body = types::CreateWorkspaceRequest::builder().name("Support".to_string());
    let created = client(&server)
        .create_workspace()
        .idempotency_key("idem-1")
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    let ws = created.data.unwrap();
    assert_eq!(ws.workspace_id.as_deref(), Some("ws-new"));
    assert_eq!(ws.domain, None);
}

#[tokio::test]
async fn create_with_every_field() {
    let server = MockServer::start_async().await;
    let request = types::CreateWorkspaceRequest {
        name: "Sales".parse().unwrap(),
        domain: Some("example.com".into()),
        auto_group: Some(true),
        policy_id: Some("pol-1".into()),
        rule_ids: vec!["rule-1".into()],
    };
    let mock = server.create_workspace(|when, then| {
        when.into_inner().json_body(json!({
            "name": "Sales", "domain": "example.com", "auto_group": true,
            "policy_id": "pol-1", "rule_ids": ["rule-1"]
        }));
        then.ok(&types::WorkspaceResponse {
            data: Some(serde_json::from_value(workspace_json("ws-1")).unwrap()),
            request_id: Some("req".into()),
        });
    });
    let created = client(&server)
        .create_workspace()
        .body(request)
        .send()
        .await
        .unwrap();
    mock.assert();
    assert_eq!(created.status(), 200);
}

#[test]
fn create_name_must_not_be_empty() {
    // The spec's `minLength: 1` becomes a checked newtype.
    assert!("".parse::<types::CreateWorkspaceRequestName>().is_err());
}

#[tokio::test]
async fn get_and_delete_address_the_workspace_in_the_path() {
    let server = MockServer::start_async().await;
    let get = server.get_workspace(|when, then| {
        when.workspace_id("ws-1");
        then.ok(&types::WorkspaceResponse {
            data: Some(serde_json::from_value(workspace_json("ws-1")).unwrap()),
            request_id: Some("req-get".into()),
        });
    });
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/v3/workspaces/example.com")
                .header("authorization", format!("Bearer {KEY}"));
            then.status(200).json_body(json!({"request_id": "req-del"}));
        })
        .await;
    let c = client(&server);
    let ws = c.get_workspace().workspace_id("ws-1").send().await.unwrap();
    assert_eq!(ws.into_inner().data.unwrap().name.as_deref(), Some("Sales"));
    let deleted = c
        .delete_workspace()
        .workspace_id("example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.into_inner().request_id.as_deref(), Some("req-del"));
    get.assert();
    delete.assert();
}

#[tokio::test]
async fn path_ids_are_percent_encoded() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v3/workspaces/a%2Fb%3Fc");
            then.status(200)
                .json_body(json!({"request_id": "r", "data": {}}));
        })
        .await;
    client(&server)
        .get_workspace()
        .workspace_id("a/b?c")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

/// The three states of a PATCH field, on the wire.
#[tokio::test]
async fn update_bodies_keep_null_and_empty_distinct() {
    let cases: Vec<(types::UpdateWorkspaceRequest, serde_json::Value)> = vec![
        (types::UpdateWorkspaceRequest::default(), json!({})),
        (
            types::UpdateWorkspaceRequest {
                policy_id: Some(None),
                ..Default::default()
            },
            json!({"policy_id": null}),
        ),
        (
            types::UpdateWorkspaceRequest {
                rule_ids: Some(Some(vec![])),
                ..Default::default()
            },
            json!({"rule_ids": []}),
        ),
        (
            types::UpdateWorkspaceRequest {
                rule_ids: Some(None),
                ..Default::default()
            },
            json!({"rule_ids": null}),
        ),
        (
            types::UpdateWorkspaceRequest {
                policy_id: Some(Some("p".into())),
                ..Default::default()
            },
            json!({"policy_id": "p"}),
        ),
        (
            types::UpdateWorkspaceRequest {
                name: Some("Renamed".parse().unwrap()),
                auto_group: Some(false),
                policy_id: Some(Some("p".into())),
                rule_ids: Some(Some(vec!["r1".into(), "r2".into()])),
            },
            json!({"name": "Renamed", "auto_group": false, "policy_id": "p",
                   "rule_ids": ["r1", "r2"]}),
        ),
    ];
    for (request, expected) in cases {
        // The serialized form is exact, not just structurally equal.
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(PATCH)
                    .path("/v3/workspaces/ws-1")
                    .header("authorization", format!("Bearer {KEY}"))
                    .json_body(expected.clone());
                then.status(200).json_body(json!({
                    "request_id": "req-patch", "data": workspace_json("ws-1")
                }));
            })
            .await;
        client(&server)
            .update_workspace()
            .workspace_id("ws-1")
            .body(request)
            .send()
            .await
            .unwrap();
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn auto_group_sends_the_seed_body_and_decodes_the_job() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v3/workspaces/auto-group")
                .header("authorization", format!("Bearer {KEY}"))
                .json_body(json!({
                    "after_created_at": 1_725_273_600,
                    "invalid_also": true,
                    "specific_domain": "nylas.com"
                }));
            then.status(200).json_body(json!({
                "request_id": "req-ag",
                "data": {"job_id": "job-1", "message": "Grouping started"}
            }));
        })
        .await;
    let job = client(&server)
        .autogroup_workspace()
        .body(types::AutoGroupRequest {
            after_created_at: Some(1_725_273_600),
            invalid_also: Some(true),
            specific_domain: Some("nylas.com".into()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    let data = job.data.unwrap();
    assert_eq!(data.job_id.as_deref(), Some("job-1"));
    assert_eq!(data.message.as_deref(), Some("Grouping started"));
}

#[tokio::test]
async fn auto_group_without_filters_sends_an_empty_object() {
    let server = MockServer::start_async().await;
    let mock = server.autogroup_workspace(|when, then| {
        when.body(&types::AutoGroupRequest::default());
        then.ok(&types::AutoGroupResponse {
            data: None,
            request_id: Some("r".into()),
        });
    });
    client(&server)
        .autogroup_workspace()
        .body(types::AutoGroupRequest::default())
        .send()
        .await
        .unwrap();
    mock.assert();
    assert_eq!(
        serde_json::to_value(types::AutoGroupRequest::default()).unwrap(),
        json!({})
    );
}

#[tokio::test]
async fn manual_assign_sends_both_lists_and_decodes_null_results() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v3/workspaces/ws-1/manual-assign")
                .header("authorization", format!("Bearer {KEY}"))
                .json_body(json!({"assign_grants": ["g1", "g2"], "remove_grants": ["g3"]}));
            then.status(200).json_body(json!({
                "request_id": "req-ma",
                "data": {"application_id": "app-1", "workspace_id": "ws-1", "domain": "",
                         "grants_assigned": ["g1"], "grants_removed": null}
            }));
        })
        .await;
    let body = types::ManualAssignRequest::builder()
        .assign_grants(vec!["g1".to_string(), "g2".to_string()])
        .remove_grants(vec!["g3".to_string()]);
    let result = client(&server)
        .manually_assign_workspace()
        .workspace_id("ws-1")
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    let data = result.data.unwrap();
    assert_eq!(data.grants_assigned, Some(vec!["g1".to_string()]));
    assert_eq!(data.grants_removed, None);
    assert_eq!(data.domain.as_deref(), Some(""));
}

/// Every documented (and every Nylas-wide) error status decodes into the typed envelope,
/// `request_id` included.
#[tokio::test]
async fn error_envelopes_decode_with_their_request_id() {
    let cases = [
        (400, "invalid_request_error", "domain cannot be changed"),
        (401, "unauthorized", "Unauthorized"),
        (404, "not_found_error", "workspace not found"),
        (429, "nylas_rate_limit_exceeded", "slow down"),
        (500, "internal_error", "boom"),
        (503, "internal_error", "unavailable"),
    ];
    for (status, kind, message) in cases {
        let server = MockServer::start_async().await;
        let request_id = format!("req-{status}");
        server
            .mock_async(|when, then| {
                when.method(PATCH).path("/v3/workspaces/ws-1");
                then.status(status)
                    .header("retry-after", "1")
                    .json_body(error_envelope(&request_id, kind, message));
            })
            .await;
        let err = client(&server)
            .update_workspace()
            .workspace_id("ws-1")
            .body(types::UpdateWorkspaceRequest::default())
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let Error::ErrorResponse(envelope) = err else {
            panic!("status {status}: expected a typed error response, got {err:?}");
        };
        assert_eq!(envelope.request_id, request_id);
        assert_eq!(envelope.error.type_.as_deref(), Some(kind));
        assert_eq!(envelope.error.message.as_deref(), Some(message));
    }
}

#[tokio::test]
async fn provider_errors_keep_their_details() {
    let server = MockServer::start_async().await;
    server.get_workspace(|when, then| {
        when.workspace_id("ws-1");
        then.too_many_requests(
            &serde_json::from_value(json!({
                "request_id": "req-prov",
                "error": {"type": "rate_limit_error", "message": "provider busy",
                          "provider_error": {"code": 429, "reason": "quota"}}
            }))
            .unwrap(),
        );
    });
    let err = client(&server)
        .get_workspace()
        .workspace_id("ws-1")
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(envelope) = err else {
        panic!("expected a typed error response");
    };
    assert_eq!(
        envelope.error.provider_error.get("reason"),
        Some(&json!("quota"))
    );
}

/// The generated mock helpers escape path values, so `a.b` matches only itself.
#[tokio::test]
async fn mock_path_matchers_treat_ids_literally() {
    let server = MockServer::start_async().await;
    let mock = server.get_workspace(|when, then| {
        when.workspace_id("a.b");
        then.ok(&types::WorkspaceResponse {
            data: None,
            request_id: Some("r".into()),
        });
    });
    let c = client(&server);
    let miss = c.get_workspace().workspace_id("axb").send().await;
    assert!(miss.is_err(), "`.` must not act as a regex wildcard");
    c.get_workspace().workspace_id("a.b").send().await.unwrap();
    mock.assert_calls(1);
}
