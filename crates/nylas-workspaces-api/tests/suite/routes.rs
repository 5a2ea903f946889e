//! The generated route table: complete (the fourteen operations, each once), consistent (every
//! placeholder of a path is a listed parameter and `path_with` fills them all), agreeing with
//! the generated client (same paths on the wire), and refusing segments that would address
//! another resource.

use httpmock::prelude::*;
use nylas_workspaces_api::routes::{self, PathError, Route};
use nylas_workspaces_api::{Client, types};

#[test]
fn all_lists_the_fourteen_operations_once_each() {
    let mut ids: Vec<&str> = routes::ALL.iter().map(|r| r.operation_id).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "autogroup-workspace",
            "create-workspace",
            "delete-workspace",
            "get-all-grants",
            "get-all-workspaces",
            "get-policy",
            "get-rule",
            "get-workspace",
            "get_application",
            "get_grant_by_id",
            "list-policies",
            "list-rules",
            "manually-assign-workspace",
            "update-workspace",
        ]
    );
    let mut addresses: Vec<(&str, &str)> = routes::ALL.iter().map(|r| (r.method, r.path)).collect();
    addresses.sort_unstable();
    addresses.dedup();
    assert_eq!(
        addresses.len(),
        14,
        "two operations share a method and path"
    );
}

#[test]
fn the_named_constants_are_the_entries_of_all() {
    let named = [
        routes::GET_ALL_WORKSPACES,
        routes::CREATE_WORKSPACE,
        routes::GET_WORKSPACE,
        routes::UPDATE_WORKSPACE,
        routes::DELETE_WORKSPACE,
        routes::AUTOGROUP_WORKSPACE,
        routes::MANUALLY_ASSIGN_WORKSPACE,
        routes::GET_ALL_GRANTS,
        routes::GET_GRANT_BY_ID,
        routes::GET_APPLICATION,
        routes::LIST_POLICIES,
        routes::GET_POLICY,
        routes::LIST_RULES,
        routes::GET_RULE,
    ];
    for route in named {
        assert!(routes::ALL.contains(&route), "{route:?} is not in ALL");
    }
    assert_eq!(routes::MANUALLY_ASSIGN_WORKSPACE.method, "POST");
    assert_eq!(
        routes::MANUALLY_ASSIGN_WORKSPACE.path,
        "/v3/workspaces/{workspace_id}/manual-assign"
    );
    assert_eq!(routes::UPDATE_WORKSPACE.method, "PATCH");
    assert_eq!(routes::GET_GRANT_BY_ID.path, "/v3/grants/{grant_id}");
    assert_eq!(routes::GET_GRANT_BY_ID.path_params, ["grant_id"]);
    assert_eq!(routes::GET_APPLICATION.path, "/v3/applications");
    assert_eq!(routes::GET_RULE.path_params, ["rule_id"]);
    assert_eq!(routes::GET_POLICY.path_params, ["policy_id"]);
}

#[test]
fn path_with_fills_every_placeholder_of_every_route() {
    for route in routes::ALL {
        let segments: Vec<String> = (0..route.path_params.len())
            .map(|i| format!("seg{i}%2Fx"))
            .collect();
        let refs: Vec<&str> = segments.iter().map(String::as_str).collect();
        let path = route.path_with(&refs).unwrap();
        assert!(
            !path.contains('{') && !path.contains('}'),
            "{}: {path}",
            route.operation_id
        );
        for (param, segment) in route.path_params.iter().zip(&segments) {
            assert!(route.path.contains(&format!("{{{param}}}")));
            assert!(path.contains(segment.as_str()), "{path}");
        }
        assert_eq!(
            route.path.matches('{').count(),
            route.path_params.len(),
            "{}: a placeholder is not listed in path_params",
            route.operation_id
        );
    }
}

#[test]
fn a_segment_that_looks_like_a_placeholder_is_inserted_verbatim() {
    let path = routes::GET_WORKSPACE
        .path_with(&["{workspace_id}"])
        .unwrap();
    assert_eq!(path, "/v3/workspaces/{workspace_id}");
}

#[test]
fn the_wrong_number_of_segments_is_a_typed_error() {
    assert_eq!(
        routes::GET_WORKSPACE.path_with(&[]),
        Err(PathError::Count {
            operation_id: "get-workspace",
            expected: 1,
            given: 0
        })
    );
    let err = routes::GET_ALL_WORKSPACES.path_with(&["x"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "get-all-workspaces takes 0 path segment(s), 1 given"
    );
}

#[test]
fn segments_that_would_address_another_resource_are_refused() {
    // "" would turn GET /v3/workspaces/{id} into the list; "a/b", "..", "?x", "#x" would
    // reach another path or drop the rest of it.
    for bad in ["", ".", "..", "a/b", "a?b", "a#b", "/"] {
        let err = routes::DELETE_WORKSPACE.path_with(&[bad]).unwrap_err();
        assert_eq!(
            err,
            PathError::Segment {
                operation_id: "delete-workspace",
                param: "workspace_id"
            },
            "{bad:?}"
        );
    }
    // Dots inside a segment are ordinary characters.
    assert_eq!(
        routes::GET_WORKSPACE.path_with(&["sales.example.com"]),
        Ok("/v3/workspaces/sales.example.com".to_owned())
    );
}

#[test]
fn a_hand_built_route_that_lies_about_its_params_is_an_error_not_a_panic() {
    let route = Route {
        operation_id: "made-up",
        method: "GET",
        path: "/v3/things",
        path_params: &["thing_id"],
    };
    assert_eq!(
        route.path_with(&["x"]),
        Err(PathError::Template {
            operation_id: "made-up",
            param: "thing_id"
        })
    );
}

#[test]
fn list_limits_are_the_manual_assign_lists_of_500() {
    assert_eq!(
        routes::MANUALLY_ASSIGN_WORKSPACE_ASSIGN_GRANTS_MAX_ITEMS,
        500
    );
    assert_eq!(
        routes::MANUALLY_ASSIGN_WORKSPACE_REMOVE_GRANTS_MAX_ITEMS,
        500
    );
    let found: Vec<(&str, &str, usize)> = routes::LIST_LIMITS
        .iter()
        .map(|l| (l.operation_id, l.property, l.max_items))
        .collect();
    assert_eq!(
        found,
        [
            ("manually-assign-workspace", "assign_grants", 500),
            ("manually-assign-workspace", "remove_grants", 500),
        ]
    );
    for limit in routes::LIST_LIMITS {
        assert!(
            routes::ALL
                .iter()
                .any(|r| r.operation_id == limit.operation_id),
            "{limit:?} names an unknown operation"
        );
    }
}

/// The table and the generated client agree: the path `path_with` builds is the one the
/// client requests for the same id.
#[tokio::test]
async fn the_generated_client_requests_the_tables_path() {
    let server = MockServer::start_async().await;
    let path = routes::GET_WORKSPACE.path_with(&["ws-42"]).unwrap();
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(path.as_str());
            then.status(200).json_body(serde_json::json!({
                "request_id": "r-1",
                "data": {"workspace_id": "ws-42", "name": "Sales"}
            }));
        })
        .await;
    let client = Client::new_with_client(&server.base_url(), reqwest::Client::new());
    let answer: types::WorkspaceResponse = client
        .get_workspace()
        .workspace_id("ws-42")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(answer.data.unwrap().workspace_id.as_deref(), Some("ws-42"));
}
