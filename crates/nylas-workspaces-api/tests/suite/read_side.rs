//! Wire tests of the read-side operations of the generated layer: grants, the application,
//! policies and rules. Each sends its query parameters and path ids as the spec says, and
//! decodes the answers Nylas sends, the live quirks included (a nested rules envelope, an
//! omitted `workspace_id`, a capped page size, unknown fields and unknown enum values).

use httpmock::prelude::*;
use nylas_workspaces_api::{Client, types};
use serde_json::json;

const KEY: &str = "nyk_test_read_side_key";

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

fn grant_json(id: &str) -> serde_json::Value {
    json!({
        "id": id, "provider": "nylas", "scope": ["email"], "grant_status": "valid",
        "email": "ada@example.com", "name": "Ada", "workspace_id": "ws-1",
        "created_at": 1_725_273_600, "updated_at": 1_725_273_700
    })
}

#[tokio::test]
async fn grants_list_sends_every_filter_and_decodes_an_offset_page() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v3/grants")
                .header("authorization", format!("Bearer {KEY}"))
                .query_param("limit", "200")
                .query_param("offset", "400")
                .query_param("workspace_id", "ws-1")
                .query_param("email", "a+b@example.com")
                .query_param("provider", "google")
                .query_param("grant_status", "invalid")
                .query_param("since", "1700000000")
                .query_param("before", "1800000000")
                .query_param("sort_by", "updated_at")
                .query_param("order_by", "asc");
            then.status(200).json_body(json!({
                "request_id": "req-grants",
                // The server capped the page size and says so.
                "limit": 100, "offset": 400,
                "data": [
                    grant_json("g-1"),
                    // A default-workspace grant of another provider: no workspace_id, a
                    // provider and a status this client has never heard of, an extra field.
                    {"id": "g-2", "provider": "carrier-pigeon", "scope": [],
                     "grant_status": "suspended", "created_at": 5, "brand_new": true}
                ]
            }));
        })
        .await;
    let page = client(&server)
        .get_all_grants()
        .limit(std::num::NonZeroU32::new(200).unwrap())
        .offset(400)
        .workspace_id("ws-1")
        .email("a+b@example.com")
        .provider("google")
        .grant_status(types::GetAllGrantsGrantStatus::Invalid)
        .since(1_700_000_000)
        .before(1_800_000_000)
        .sort_by(types::GetAllGrantsSortBy::UpdatedAt)
        .order_by(types::GetAllGrantsOrderBy::Asc)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!((page.limit, page.offset), (Some(100), Some(400)));
    let [first, second] = page.data.as_slice() else {
        panic!("expected two grants: {:?}", page.data);
    };
    assert_eq!(first.id.as_deref(), Some("g-1"));
    assert_eq!(first.workspace_id.as_deref(), Some("ws-1"));
    assert_eq!(first.grant_status.as_deref(), Some("valid"));
    assert_eq!(
        (first.created_at, first.updated_at),
        (Some(1_725_273_600), Some(1_725_273_700))
    );
    assert_eq!(
        second.workspace_id, None,
        "an omitted workspace_id stays absent"
    );
    assert_eq!(second.provider.as_deref(), Some("carrier-pigeon"));
    assert_eq!(second.grant_status.as_deref(), Some("suspended"));
}

#[tokio::test]
async fn grants_list_without_filters_sends_no_query_at_all() {
    let server = MockServer::start_async().await;
    let bare = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v3/grants")
                .is_true(|req| req.query_params().is_empty());
            then.status(200)
                .json_body(json!({"request_id": "r", "data": [], "limit": 10, "offset": 0}));
        })
        .await;
    let page = client(&server)
        .get_all_grants()
        .send()
        .await
        .unwrap()
        .into_inner();
    bare.assert_async().await;
    assert!(page.data.is_empty());
}

#[tokio::test]
async fn a_zero_page_size_is_refused_before_sending() {
    // `limit` has `minimum: 1` on all three listings; the builders' type cannot hold 0.
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(json!({"request_id": "r", "data": []}));
        })
        .await;
    let c = client(&server);
    let errors = [
        c.get_all_grants().limit(0u32).send().await.map(|_| ()),
        c.list_policies().limit(0u32).send().await.map(|_| ()),
        c.list_rules().limit(0u32).send().await.map(|_| ()),
    ];
    for error in errors {
        assert!(
            matches!(error, Err(nylas_workspaces_api::Error::InvalidRequest(_))),
            "{error:?}"
        );
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn one_grant_is_addressed_by_its_percent_encoded_id() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v3/grants/g%2F1%3Fx");
            then.status(200)
                .json_body(json!({"request_id": "r", "data": grant_json("g/1?x")}));
        })
        .await;
    let grant = client(&server)
        .get_grant_by_id()
        .grant_id("g/1?x")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(grant.data.unwrap().id.as_deref(), Some("g/1?x"));
}

#[tokio::test]
async fn the_application_decodes_with_and_without_a_default_workspace() {
    let server = MockServer::start_async().await;
    let with = server
        .mock_async(|when, then| {
            when.method(GET).path("/v3/applications");
            then.status(200)
                .json_body(json!({"request_id": "r", "data": {
                    "application_id": "app-1", "organization_id": "org-1", "region": "us",
                    "environment": "production", "default_workspace_id": "ws-default",
                    "branding": {"name": "Acme"}, "callback_uris": []
                }}));
        })
        .await;
    let app = client(&server)
        .get_application()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    with.assert_async().await;
    assert_eq!(app.default_workspace_id.as_deref(), Some("ws-default"));
    assert_eq!(app.environment.as_deref(), Some("production"));
    assert_eq!(app.organization_id.as_deref(), Some("org-1"));

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v3/applications");
            then.status(200)
                .json_body(json!({"request_id": "r", "data": {
                    "application_id": "app-old", "region": "eu", "environment": "sandbox-2030"
                }}));
        })
        .await;
    let app = client(&server)
        .get_application()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    assert_eq!(app.default_workspace_id, None);
    assert_eq!(app.environment.as_deref(), Some("sandbox-2030"));
}

#[tokio::test]
async fn policies_page_by_cursor_and_decode_their_limits() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v3/policies")
                .query_param("limit", "200")
                .query_param("page_token", "cur/2=");
            then.status(200).json_body(json!({
                "request_id": "r",
                "data": [{
                    "id": "pol-1", "name": "Strict", "application_id": "app-1",
                    "organization_id": "org-1", "rules": ["rule-legacy"],
                    "limits": {"limit_attachment_size_limit": 10_485_760_i64,
                               "limit_count_daily_email_sent": 500},
                    "spam_detection": {"use_list_dnsbl": true, "spam_sensitivity": 1.5},
                    "created_at": 1, "updated_at": 2
                }],
                // The trailing cursor Nylas sends on the last page too.
                "next_cursor": "cur-3"
            }));
        })
        .await;
    let page = client(&server)
        .list_policies()
        .limit(std::num::NonZeroU32::new(200).unwrap())
        .page_token("cur/2=")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(page.next_cursor.as_deref(), Some("cur-3"));
    let policy = &page.data[0];
    assert_eq!(policy.name.as_deref(), Some("Strict"));
    assert_eq!(policy.rules, ["rule-legacy"]);
    let limits = policy.limits.as_ref().unwrap();
    assert_eq!(limits.limit_attachment_size_limit, Some(10_485_760));
    assert_eq!(limits.limit_count_daily_email_sent, Some(500));
    assert_eq!(
        policy.spam_detection.as_ref().unwrap().spam_sensitivity,
        Some(1.5)
    );
}

#[tokio::test]
async fn one_policy_and_one_rule_are_addressed_by_percent_encoded_ids() {
    let server = MockServer::start_async().await;
    let policy = server
        .mock_async(|when, then| {
            when.method(GET).path("/v3/policies/p%201");
            then.status(200)
                .json_body(json!({"request_id": "r", "data": {"id": "p 1", "name": "P"}}));
        })
        .await;
    let rule = server
        .mock_async(|when, then| {
            when.method(GET).path("/v3/rules/r%23%2F2");
            then.status(200)
                .json_body(json!({"request_id": "r", "data": {
                    "id": "r#/2", "name": "Block", "description": "spam", "priority": 5,
                    "enabled": false, "trigger": "outbound",
                    "match": {"operator": "all", "conditions": [
                        {"field": "from.domain", "operator": "is", "value": "spam.test"},
                        {"field": "from.address", "operator": "in_list", "value": ["a@x", "b@x"]}
                    ]},
                    "actions": [{"type": "block"}, {"type": "assign_to_folder", "value": "Junk"}]
                }}));
        })
        .await;
    let c = client(&server);
    let p = c.get_policy().policy_id("p 1").send().await.unwrap();
    let r = c.get_rule().rule_id("r#/2").send().await.unwrap();
    policy.assert_async().await;
    rule.assert_async().await;
    assert_eq!(p.into_inner().data.unwrap().name.as_deref(), Some("P"));
    let r = r.into_inner().data.unwrap();
    assert_eq!(
        (r.priority, r.enabled, r.trigger.as_deref()),
        (Some(5), Some(false), Some("outbound"))
    );
    let conditions = &r.match_.as_ref().unwrap().conditions;
    assert!(matches!(
        conditions[0].value,
        Some(types::RuleConditionValue::String(ref v)) if v == "spam.test"
    ));
    assert!(matches!(
        conditions[1].value,
        Some(types::RuleConditionValue::Array(ref v)) if v.len() == 2
    ));
    assert_eq!(r.actions[1].value.as_deref(), Some("Junk"));
}

#[tokio::test]
async fn a_rule_without_priority_or_enabled_decodes_them_as_absent() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v3/rules/r-1");
            then.status(200)
                .json_body(json!({"request_id": "r", "data": {"id": "r-1"}}));
        })
        .await;
    let r = client(&server)
        .get_rule()
        .rule_id("r-1")
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    assert_eq!((r.priority, r.enabled, r.trigger), (None, None, None));
}

#[tokio::test]
async fn the_rules_list_decodes_both_the_flat_and_the_nested_envelope() {
    let server = MockServer::start_async().await;
    let flat = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v3/rules")
                .query_param("page_token", "flat");
            then.status(200).json_body(json!({
                "request_id": "r", "next_cursor": "c-flat",
                "data": [{"id": "r-1", "name": "One"}]
            }));
        })
        .await;
    let nested = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v3/rules")
                .query_param("page_token", "nested");
            then.status(200).json_body(json!({
                "request_id": "r",
                "data": {"items": [{"id": "r-2", "name": "Two"}, {"id": "r-3"}],
                         "next_cursor": "c-nested"}
            }));
        })
        .await;
    let c = client(&server);
    let page = c
        .list_rules()
        .page_token("flat")
        .send()
        .await
        .unwrap()
        .into_inner();
    flat.assert_async().await;
    assert_eq!(page.next_cursor.as_deref(), Some("c-flat"));
    let Some(types::RuleListResponseData::List(rules)) = page.data else {
        panic!("flat form: {:?}", page.data);
    };
    assert_eq!(rules[0].id.as_deref(), Some("r-1"));

    let page = c
        .list_rules()
        .page_token("nested")
        .send()
        .await
        .unwrap()
        .into_inner();
    nested.assert_async().await;
    assert_eq!(page.next_cursor, None);
    let Some(types::RuleListResponseData::Page(inner)) = page.data else {
        panic!("nested form: {:?}", page.data);
    };
    assert_eq!(inner.next_cursor.as_deref(), Some("c-nested"));
    let ids: Vec<_> = inner.items.iter().map(|r| r.id.as_deref()).collect();
    assert_eq!(ids, [Some("r-2"), Some("r-3")]);
}

#[tokio::test]
async fn an_empty_nested_rules_page_still_decodes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v3/rules");
            then.status(200)
                .json_body(json!({"request_id": "r", "data": {"items": []}}));
        })
        .await;
    let page = client(&server)
        .list_rules()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(matches!(
        page.data,
        Some(types::RuleListResponseData::Page(ref p)) if p.items.is_empty() && p.next_cursor.is_none()
    ));
}

#[tokio::test]
async fn read_side_errors_decode_as_the_error_envelope() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v3/policies/missing");
            then.status(404).json_body(json!({
                "request_id": "req-404",
                "error": {"type": "not_found_error", "message": "policy not found"}
            }));
        })
        .await;
    let err = client(&server)
        .get_policy()
        .policy_id("missing")
        .send()
        .await
        .unwrap_err();
    let nylas_workspaces_api::Error::ErrorResponse(response) = err else {
        panic!("expected the error envelope, got {err:?}");
    };
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.into_inner().request_id, "req-404");
}
