//! Every kind of answer the emulator gives, checked against `openapi/workspaces.json`: the
//! status is one the spec lists for the operation, the body matches the spec's schema for
//! that status (a small validator for the subset of JSON Schema the spec uses), the headers
//! the spec promises are there, and the body decodes into the generated types. The generated
//! client is also driven against the emulator for every operation.

use std::time::Duration;

use nylas_workspaces_api::types;
use nylas_workspaces_emulator::{
    Emulator, EmulatorConfig, Fault, NewGrant, NewRule, Operation, Quirks,
};
use reqwest::Method;
use serde_json::{Map, Value};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/workspaces.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("spec readable"))
        .expect("spec is JSON")
}

/// Follows `$ref`s within the document.
fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("local $ref");
            resolve(
                spec,
                spec.pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling {reference}")),
            )
        }
        None => node,
    }
}

/// Checks `value` against an OpenAPI 3.0 schema; returns every violation with its JSON path.
fn validate(spec: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(spec, schema);
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        // Exactly one variant must accept the value.
        let accepting = variants
            .iter()
            .filter(|variant| {
                let mut inner = Vec::new();
                validate(spec, variant, value, at, &mut inner);
                inner.is_empty()
            })
            .count();
        if accepting != 1 {
            errors.push(format!(
                "{at}: {accepting} variants of the oneOf accept {value}"
            ));
        }
        return;
    }
    if value.is_null() {
        if schema.get("nullable") != Some(&Value::Bool(true)) {
            errors.push(format!("{at}: null where the spec does not allow it"));
        }
        return;
    }
    let Some(kind) = schema.get("type").and_then(Value::as_str) else {
        return;
    };
    let ok = match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        other => panic!("validator does not know type {other}"),
    };
    if !ok {
        errors.push(format!("{at}: expected {kind}, got {value}"));
        return;
    }
    if let Some(object) = value.as_object() {
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = required.as_str().unwrap();
            if !object.contains_key(name) {
                errors.push(format!("{at}: required `{name}` is missing"));
            }
        }
        for (name, field) in object {
            match properties.get(name) {
                Some(field_schema) => {
                    validate(spec, field_schema, field, &format!("{at}.{name}"), errors)
                }
                None if schema.get("additionalProperties").is_some() => {}
                None => errors.push(format!("{at}: `{name}` is not in the spec")),
            }
        }
    }
    if let Some(items) = value.as_array() {
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            errors.push(format!("{at}: more than {max} items"));
        }
        for (i, item) in items.iter().enumerate() {
            validate(spec, &schema["items"], item, &format!("{at}[{i}]"), errors);
        }
    }
    if let (Some(text), Some(min)) = (
        value.as_str(),
        schema.get("minLength").and_then(Value::as_u64),
    ) && (text.chars().count() as u64) < min
    {
        errors.push(format!("{at}: shorter than {min}"));
    }
}

/// The spec's operation for a method and an emulator path.
fn operation(spec: &Value, op: Operation) -> &Value {
    for (_, item) in spec["paths"].as_object().unwrap() {
        for (_, candidate) in item.as_object().unwrap() {
            if candidate.get("operationId").and_then(Value::as_str) == Some(op.operation_id()) {
                return candidate;
            }
        }
    }
    panic!("{op} not in the spec")
}

struct Checker {
    spec: Value,
    emulator: Emulator,
    http: reqwest::Client,
    checked: Vec<(Operation, u16)>,
}

impl Checker {
    async fn call(
        &mut self,
        op: Operation,
        method: Method,
        path: &str,
        body: Option<&str>,
        key: Option<&str>,
    ) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.emulator.url()));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("{op} {status}: not JSON: {e}"));

        let spec_op = operation(&self.spec, op);
        let responses = spec_op["responses"].as_object().unwrap();
        let class = format!("{}XX", status / 100);
        let documented = responses
            .get(&status.to_string())
            .or_else(|| responses.get(&class))
            .unwrap_or_else(|| {
                panic!("{op} answered {status}, which the spec does not list: {body}")
            });
        let documented = resolve(&self.spec, documented);
        let media = &documented["content"]["application/json"];
        assert_eq!(
            content_type.as_deref(),
            Some("application/json"),
            "{op} {status}"
        );
        let mut errors = Vec::new();
        validate(&self.spec, &media["schema"], &body, "$", &mut errors);
        assert!(errors.is_empty(), "{op} {status}: {errors:#?}\n{body:#}");
        for (name, _) in documented
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            assert!(
                headers.contains_key(name.to_ascii_lowercase().as_str()),
                "{op} {status}: no {name} header"
            );
        }

        // The same body through the generated types.
        let decoded = match (op, status) {
            (_, s) if s >= 400 => serde_json::from_value::<types::Error>(body.clone()).map(|_| ()),
            (Operation::ListWorkspaces, _) => {
                serde_json::from_value::<types::WorkspaceListResponse>(body.clone()).map(|_| ())
            }
            (Operation::DeleteWorkspace, _) => {
                serde_json::from_value::<types::DeleteWorkspaceResponse>(body.clone()).map(|_| ())
            }
            (Operation::AutoGroup, _) => {
                serde_json::from_value::<types::AutoGroupResponse>(body.clone()).map(|_| ())
            }
            (Operation::ManualAssign, _) => {
                serde_json::from_value::<types::ManualAssignResponse>(body.clone()).map(|_| ())
            }
            (Operation::ListGrants, _) => {
                serde_json::from_value::<types::GrantListResponse>(body.clone()).map(|_| ())
            }
            (Operation::GetGrant, _) => {
                serde_json::from_value::<types::GrantResponse>(body.clone()).map(|_| ())
            }
            (Operation::GetApplication, _) => {
                serde_json::from_value::<types::ApplicationResponse>(body.clone()).map(|_| ())
            }
            (Operation::ListPolicies, _) => {
                serde_json::from_value::<types::PolicyListResponse>(body.clone()).map(|_| ())
            }
            (Operation::GetPolicy, _) => {
                serde_json::from_value::<types::PolicyResponse>(body.clone()).map(|_| ())
            }
            (Operation::ListRules, _) => {
                serde_json::from_value::<types::RuleListResponse>(body.clone()).map(|_| ())
            }
            (Operation::GetRule, _) => {
                serde_json::from_value::<types::RuleResponse>(body.clone()).map(|_| ())
            }
            _ => serde_json::from_value::<types::WorkspaceResponse>(body.clone()).map(|_| ()),
        };
        decoded.unwrap_or_else(|e| {
            panic!("{op} {status}: generated types refuse the body: {e}\n{body:#}")
        });
        self.checked.push((op, status));
        body
    }

    async fn ok(&mut self, op: Operation, method: Method, path: &str, body: Option<&str>) -> Value {
        let key = self.emulator.api_key().to_owned();
        self.call(op, method, path, body, Some(&key)).await
    }
}

#[tokio::test]
async fn every_answer_conforms_to_the_spec() {
    use Operation::*;
    let emulator = Emulator::start(
        EmulatorConfig::new()
            .manual_clock(1_750_000_000)
            .retry_after_secs(0),
    )
    .await
    .unwrap();
    let mut c = Checker {
        spec: spec(),
        emulator,
        http: reqwest::Client::new(),
        checked: Vec::new(),
    };
    let policy = c.emulator.add_policy();
    let rule = c.emulator.add_rule();
    let grant = c.emulator.add_grant(NewGrant::new("a@acme.io")).unwrap();
    let default = c.emulator.default_workspace_id().unwrap();
    c.emulator.add_named_policy("Strict").unwrap();
    c.emulator
        .add_rule_with(
            NewRule::new("Block")
                .description("spam")
                .trigger("outbound"),
        )
        .unwrap();
    c.emulator
        .add_grant(
            NewGrant::new("g@gmail.test")
                .provider("google")
                .valid(false)
                .name("G"),
        )
        .unwrap();

    // The read side, plain and with every live quirk.
    for quirks in [
        Quirks::default(),
        Quirks {
            nested_rules_envelope: true,
            trailing_policy_cursor: true,
            page_size_cap: Some(1),
            filtered_grant_lag_secs: Some(60),
            omit_default_workspace_id: true,
        },
    ] {
        c.emulator.set_quirks(quirks).unwrap();
        for path in [
            "/v3/grants",
            "/v3/grants?limit=1&offset=1&order_by=asc&sort_by=updated_at",
            "/v3/grants?provider=google&grant_status=invalid&since=0&before=2000000000",
            &format!("/v3/grants?workspace_id={default}"),
        ] {
            c.ok(ListGrants, Method::GET, path, None).await;
        }
        c.ok(GetGrant, Method::GET, &format!("/v3/grants/{grant}"), None)
            .await;
        c.ok(GetApplication, Method::GET, "/v3/applications", None)
            .await;
        for (op, list) in [(ListPolicies, "/v3/policies"), (ListRules, "/v3/rules")] {
            let first = c
                .ok(op, Method::GET, &format!("{list}?limit=200"), None)
                .await;
            let cursor = first["next_cursor"]
                .as_str()
                .or(first["data"]["next_cursor"].as_str())
                .unwrap_or("2")
                .to_owned();
            c.ok(
                op,
                Method::GET,
                &format!("{list}?page_token={cursor}"),
                None,
            )
            .await;
        }
        c.ok(
            GetPolicy,
            Method::GET,
            &format!("/v3/policies/{policy}"),
            None,
        )
        .await;
        c.ok(GetRule, Method::GET, &format!("/v3/rules/{rule}"), None)
            .await;
    }
    c.emulator.set_quirks(Quirks::default()).unwrap();
    c.ok(ListGrants, Method::GET, "/v3/grants?limit=0", None)
        .await;
    c.ok(
        ListGrants,
        Method::GET,
        "/v3/grants?grant_status=gone",
        None,
    )
    .await;
    c.ok(ListPolicies, Method::GET, "/v3/policies?limit=201", None)
        .await;
    c.ok(ListRules, Method::GET, "/v3/rules?page_token=nope", None)
        .await;

    // 200s.
    c.ok(ListWorkspaces, Method::GET, "/v3/workspaces", None)
        .await;
    c.ok(ListWorkspaces, Method::GET, "/v3/workspaces?limit=1", None)
        .await;
    let created = c
        .ok(CreateWorkspace, Method::POST, "/v3/workspaces", Some(&format!(
            r#"{{"name":"Acme","domain":"acme.io","policy_id":"{policy}","rule_ids":["{rule}"]}}"#
        )))
        .await;
    let id = created["data"]["workspace_id"].as_str().unwrap().to_owned();
    let bare = c
        .ok(
            CreateWorkspace,
            Method::POST,
            "/v3/workspaces",
            Some(r#"{"name":"Bare"}"#),
        )
        .await;
    let bare_id = bare["data"]["workspace_id"].as_str().unwrap().to_owned();
    c.ok(
        GetWorkspace,
        Method::GET,
        &format!("/v3/workspaces/{id}"),
        None,
    )
    .await;
    c.ok(GetWorkspace, Method::GET, "/v3/workspaces/acme.io", None)
        .await;
    c.ok(
        UpdateWorkspace,
        Method::PATCH,
        &format!("/v3/workspaces/{id}"),
        Some(r#"{"policy_id":null,"rule_ids":null}"#),
    )
    .await;
    c.ok(
        ManualAssign,
        Method::POST,
        &format!("/v3/workspaces/{id}/manual-assign"),
        Some(&format!(r#"{{"assign_grants":["{grant}"]}}"#)),
    )
    .await;
    c.ok(
        ManualAssign,
        Method::POST,
        &format!("/v3/workspaces/{bare_id}/manual-assign"),
        Some(r#"{"remove_grants":["nobody"]}"#),
    )
    .await;
    c.ok(
        AutoGroup,
        Method::POST,
        "/v3/workspaces/auto-group",
        Some("{}"),
    )
    .await;
    c.ok(
        DeleteWorkspace,
        Method::DELETE,
        &format!("/v3/workspaces/{bare_id}"),
        None,
    )
    .await;

    // 400s.
    c.ok(
        CreateWorkspace,
        Method::POST,
        "/v3/workspaces",
        Some(r#"{"name":"X","auto_group":true}"#),
    )
    .await;
    c.ok(
        UpdateWorkspace,
        Method::PATCH,
        &format!("/v3/workspaces/{id}"),
        Some(r#"{"domain":"x.io"}"#),
    )
    .await;
    c.ok(
        UpdateWorkspace,
        Method::PATCH,
        &format!("/v3/workspaces/{default}"),
        Some(r#"{"name":"X"}"#),
    )
    .await;
    c.ok(
        DeleteWorkspace,
        Method::DELETE,
        &format!("/v3/workspaces/{default}"),
        None,
    )
    .await;
    c.ok(
        ManualAssign,
        Method::POST,
        &format!("/v3/workspaces/{id}/manual-assign"),
        Some("{}"),
    )
    .await;

    // 401 and 404 on every operation.
    let cases: [(Operation, Method, &str, Option<&str>); 14] = [
        (ListWorkspaces, Method::GET, "/v3/workspaces", None),
        (
            CreateWorkspace,
            Method::POST,
            "/v3/workspaces",
            Some(r#"{"name":"N"}"#),
        ),
        (GetWorkspace, Method::GET, "/v3/workspaces/missing", None),
        (
            UpdateWorkspace,
            Method::PATCH,
            "/v3/workspaces/missing",
            Some("{}"),
        ),
        (
            DeleteWorkspace,
            Method::DELETE,
            "/v3/workspaces/missing",
            None,
        ),
        (
            AutoGroup,
            Method::POST,
            "/v3/workspaces/auto-group",
            Some("{}"),
        ),
        (
            ManualAssign,
            Method::POST,
            "/v3/workspaces/missing/manual-assign",
            Some(r#"{"assign_grants":["g"]}"#),
        ),
        (ListGrants, Method::GET, "/v3/grants", None),
        (GetGrant, Method::GET, "/v3/grants/missing", None),
        (GetApplication, Method::GET, "/v3/applications", None),
        (ListPolicies, Method::GET, "/v3/policies", None),
        (GetPolicy, Method::GET, "/v3/policies/missing", None),
        (ListRules, Method::GET, "/v3/rules", None),
        (GetRule, Method::GET, "/v3/rules/missing", None),
    ];
    for (op, method, path, body) in &cases {
        c.call(*op, method.clone(), path, *body, Some("wrong"))
            .await;
        if path.contains("missing") {
            c.ok(*op, method.clone(), path, *body).await;
        }
    }

    // 429 (auto-group's own limit, then injected) and 5xx on every operation.
    c.ok(
        AutoGroup,
        Method::POST,
        "/v3/workspaces/auto-group",
        Some("{}"),
    )
    .await;
    c.emulator.advance_clock(Duration::from_secs(120));
    for fault in [
        Fault::TooManyRequests,
        Fault::InternalServerError,
        Fault::BadGateway,
        Fault::ServiceUnavailable,
    ] {
        for (op, method, path, body) in &cases {
            c.emulator.fail_next(*op, 1, fault);
            c.ok(*op, method.clone(), path, *body).await;
        }
    }

    let statuses: std::collections::BTreeSet<u16> = c.checked.iter().map(|(_, s)| *s).collect();
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        [200, 400, 401, 404, 429, 500, 502, 503]
    );
    for op in Operation::ALL {
        assert!(
            c.checked.iter().any(|(o, s)| *o == op && *s == 200),
            "{op} never answered 200"
        );
    }
}

/// The generated client (progenitor) talks to the emulator for all seven operations.
#[tokio::test]
async fn the_generated_client_accepts_every_success() {
    let emulator = Emulator::start(EmulatorConfig::new()).await.unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {}", emulator.api_key()).parse().unwrap(),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = nylas_workspaces_api::Client::new_with_client(emulator.url(), http);
    let grant = emulator.add_grant(NewGrant::new("z@zeta.io")).unwrap();

    let created = client
        .create_workspace()
        .body(types::CreateWorkspaceRequest {
            name: "Zeta".try_into().unwrap(),
            domain: Some("zeta.io".into()),
            auto_group: None,
            policy_id: None,
            rule_ids: vec![],
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created.data.unwrap().workspace_id.unwrap();
    let listed = client
        .get_all_workspaces()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.data.len(), 2);
    let fetched = client
        .get_workspace()
        .workspace_id("zeta.io")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        fetched.data.unwrap().workspace_id.as_deref(),
        Some(id.as_str())
    );
    let updated = client
        .update_workspace()
        .workspace_id(&id)
        .body(types::UpdateWorkspaceRequest {
            name: Some("Zeta 2".try_into().unwrap()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.data.unwrap().name.as_deref(), Some("Zeta 2"));
    let assigned = client
        .manually_assign_workspace()
        .workspace_id(&id)
        .body(types::ManualAssignRequest {
            assign_grants: vec![grant.clone()],
            remove_grants: vec![],
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        assigned.data.unwrap().grants_assigned,
        Some(vec![grant.clone()])
    );
    let job = client
        .autogroup_workspace()
        .body(types::AutoGroupRequest::default())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(job.data.unwrap().job_id.is_some());
    client
        .delete_workspace()
        .workspace_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        emulator.grant_workspace(&grant),
        emulator.default_workspace_id()
    );
    let err = client
        .get_workspace()
        .workspace_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

/// The generated client reads every read-side answer of the emulator, quirks included.
#[tokio::test]
async fn the_generated_client_reads_the_read_side() {
    let emulator = Emulator::start(EmulatorConfig::new().nested_rules_envelope(true))
        .await
        .unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {}", emulator.api_key()).parse().unwrap(),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = nylas_workspaces_api::Client::new_with_client(emulator.url(), http);
    let grant = emulator
        .add_grant(NewGrant::new("q@quux.io").provider("microsoft"))
        .unwrap();
    let policy = emulator.add_named_policy("Quiet").unwrap();
    let rule = emulator.add_named_rule("Sort").unwrap();

    let page = client.get_all_grants().send().await.unwrap().into_inner();
    assert_eq!((page.limit, page.offset), (Some(10), Some(0)));
    assert_eq!(page.data[0].id.as_deref(), Some(grant.as_str()));
    assert_eq!(page.data[0].provider.as_deref(), Some("microsoft"));
    let one = client
        .get_grant_by_id()
        .grant_id(&grant)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        one.data.unwrap().workspace_id,
        emulator.default_workspace_id()
    );
    let app = client.get_application().send().await.unwrap().into_inner();
    assert_eq!(
        app.data.unwrap().default_workspace_id,
        emulator.default_workspace_id()
    );
    let policies = client.list_policies().send().await.unwrap().into_inner();
    assert_eq!(policies.data[0].name.as_deref(), Some("Quiet"));
    let p = client
        .get_policy()
        .policy_id(&policy)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(p.data.unwrap().id.as_deref(), Some(policy.as_str()));
    let rules = client.list_rules().send().await.unwrap().into_inner();
    let Some(types::RuleListResponseData::Page(nested)) = rules.data else {
        panic!("the nested envelope was asked for: {:?}", rules.data);
    };
    assert_eq!(nested.items[0].name.as_deref(), Some("Sort"));
    let r = client
        .get_rule()
        .rule_id(&rule)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.data.unwrap().priority, Some(10));
    let err = client.get_rule().rule_id("nope").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

/// The validator above is only worth something if it refuses wrong bodies.
#[test]
fn the_validator_catches_wrong_bodies() {
    let spec = spec();
    let schema = serde_json::json!({"$ref": "#/components/schemas/WorkspaceResponse"});
    let check = |body: Value| {
        let mut errors = Vec::new();
        validate(&spec, &schema, &body, "$", &mut errors);
        errors
    };
    assert!(
        check(serde_json::json!({"request_id": "r", "data": {"domain": null, "rule_ids": []}}))
            .is_empty()
    );
    for bad in [
        serde_json::json!({"request_id": 5}),
        serde_json::json!({"data": {"auto_group": null}}),
        serde_json::json!({"data": {"created_at": 1.5}}),
        serde_json::json!({"data": {"rule_ids": [1]}}),
        serde_json::json!({"data": {"surprise": true}}),
    ] {
        assert!(!check(bad.clone()).is_empty(), "{bad}");
    }
    let rules = serde_json::json!({"$ref": "#/components/schemas/RuleListResponse"});
    let check_rules = |body: Value| {
        let mut errors = Vec::new();
        validate(&spec, &rules, &body, "$", &mut errors);
        errors
    };
    assert!(check_rules(serde_json::json!({"data": [{"id": "r"}]})).is_empty());
    assert!(check_rules(serde_json::json!({"data": {"items": [], "next_cursor": "c"}})).is_empty());
    for bad in [
        serde_json::json!({"data": "rules"}),
        serde_json::json!({"data": {"items": [{"id": 1}]}}),
        serde_json::json!({"data": {"rules": []}}),
    ] {
        assert!(!check_rules(bad.clone()).is_empty(), "{bad}");
    }
    let error_schema = serde_json::json!({"$ref": "#/components/schemas/Error"});
    let mut errors = Vec::new();
    validate(
        &spec,
        &error_schema,
        &serde_json::json!({"error": {}}),
        "$",
        &mut errors,
    );
    assert!(
        errors.iter().any(|e| e.contains("request_id")),
        "{errors:?}"
    );
}
