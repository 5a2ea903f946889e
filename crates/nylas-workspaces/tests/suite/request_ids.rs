//! Every result carries the request id of the call that produced it, as the server sent it:
//! the body's `request_id`, else the `x-request-id` header, else none. A support ticket can
//! then name the exact request behind any value a caller holds.

use crate::common;

use common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;
use nylas_workspaces::{
    AutoGroup, CreateWorkspace, Error, ManualAssign, ManualAssignOptions, UpdateWorkspace,
};
use serde_json::{Value, json};

/// A JSON answer with `header_id` as `x-request-id` (when given).
fn answer(body: &Value, header_id: Option<&str>) -> HttpMockResponse {
    let mut response = HttpMockResponse::builder()
        .status(200)
        .header("content-type", "application/json");
    if let Some(id) = header_id {
        response = response.header("x-request-id", id);
    }
    response.body(body.to_string()).build()
}

#[tokio::test]
async fn every_workspace_of_a_list_carries_its_pages_request_id() {
    let server = MockServer::start_async().await;
    let first = server.mock(|when, then| {
        when.method(GET)
            .path("/v3/workspaces")
            .query_param_missing("page_token");
        then.status(200).json_body(json!({
            "request_id": "req-page-1",
            "data": [workspace("ws-1"), workspace("ws-2")],
            "next_cursor": "c2"
        }));
    });
    let second = server.mock(|when, then| {
        when.method(GET)
            .path("/v3/workspaces")
            .query_param("page_token", "c2");
        then.status(200)
            .header("x-request-id", "req-page-2")
            .json_body(json!({"data": [workspace("ws-3")]}));
    });
    let workspaces = client(&server).list_workspaces().await.unwrap();
    first.assert();
    second.assert();
    let ids: Vec<(&str, Option<&str>)> = workspaces
        .iter()
        .map(|w| (w.workspace_id.as_str(), w.request_id.as_deref()))
        .collect();
    assert_eq!(
        ids,
        [
            ("ws-1", Some("req-page-1")),
            ("ws-2", Some("req-page-1")),
            ("ws-3", Some("req-page-2")),
        ]
    );
}

#[tokio::test]
async fn get_create_and_update_carry_their_own_calls_request_id() {
    let server = MockServer::start_async().await;
    scripted(
        &server,
        vec![
            // get: the body's id wins over the header's.
            answer(
                &json!({"request_id": "req-get", "data": workspace("ws-1")}),
                Some("req-get-header"),
            ),
            // create: no body id, so the header's.
            answer(&json!({"data": workspace("ws-2")}), Some("req-create")),
            // update (policy only: no lookup first): an empty body id is no id.
            answer(
                &json!({"request_id": "", "data": workspace("ws-1")}),
                Some("req-update"),
            ),
            // get again: no id anywhere.
            answer(&json!({"data": workspace("ws-1")}), None),
        ],
    );
    let client = client(&server);
    let got = client.get_workspace("ws-1").await.unwrap();
    assert_eq!(got.request_id.as_deref(), Some("req-get"));
    let created = client
        .create_workspace(CreateWorkspace::new("Sales"))
        .await
        .unwrap();
    assert_eq!(created.request_id.as_deref(), Some("req-create"));
    let updated = client
        .update_workspace("ws-1", UpdateWorkspace::new().clear_policy())
        .await
        .unwrap();
    assert_eq!(updated.request_id.as_deref(), Some("req-update"));
    let again = client.get_workspace("ws-1").await.unwrap();
    assert_eq!(again.request_id, None);
    // Equality is about the workspace, not the call.
    assert_eq!(again, got);
    let shown = serde_json::to_value(&again).unwrap();
    assert!(shown.get("request_id").is_none(), "{shown}");
}

#[tokio::test]
async fn an_auto_group_job_carries_the_request_id_that_started_it() {
    let server = MockServer::start_async().await;
    scripted(
        &server,
        vec![
            answer(
                &json!({"request_id": "req-job", "data": {"job_id": "j", "message": "m"}}),
                Some("other"),
            ),
            answer(
                &json!({"data": {"job_id": "j2", "message": "m"}}),
                Some("req-job-header"),
            ),
        ],
    );
    let client = client(&server);
    let job = client.auto_group(AutoGroup::new()).await.unwrap();
    assert_eq!(job.request_id.as_deref(), Some("req-job"));
    let job = client.auto_group(AutoGroup::new()).await.unwrap();
    assert_eq!(job.request_id.as_deref(), Some("req-job-header"));
}

#[tokio::test]
async fn a_manual_assignment_names_its_last_successful_request() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "req-lookup", "data": workspace("ws-1")}));
    });
    chunk_answers(&server);
    let client = client(&server);

    let grants: Vec<String> = (0..1200).map(|i| format!("g-{i}")).collect();
    let options = ManualAssignOptions::new().concurrency(1).pacing(false);
    let outcome = client
        .manual_assign_with("ws-1", ManualAssign::new().assign(grants), options)
        .await
        .unwrap();
    assert_eq!(
        outcome.request_ids,
        ["req-assign-0", "req-assign-1", "req-assign-2"]
    );
    assert_eq!(outcome.request_id(), Some("req-assign-2"));
}

/// Answers the chunks of a manual assignment in turn, each with its own request id, the
/// second one only as a header.
fn chunk_answers(server: &MockServer) {
    let counter = std::sync::atomic::AtomicUsize::new(0);
    server.mock(move |when, then| {
        when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
        then.respond_with(move |request: &httpmock::HttpMockRequest| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let sent: Value = serde_json::from_slice(&request.body_vec()).unwrap();
            let id = format!("req-assign-{n}");
            let data = json!({"grants_assigned": sent["assign_grants"]});
            if n == 1 {
                answer(&json!({"data": data}), Some(id.as_str()))
            } else {
                answer(&json!({"request_id": id, "data": data}), None)
            }
        });
    });
}

#[tokio::test]
async fn a_manual_assignment_where_nothing_succeeded_names_no_request() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "req-lookup", "data": workspace("ws-1")}));
    });
    server.mock(|when, then| {
        when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
        then.status(400)
            .json_body(error_body("req-400", "invalid_request_error", "no"));
    });
    let err = client(&server)
        .manual_assign("ws-1", ManualAssign::new().assign(["g-1"]))
        .await
        .unwrap_err();
    let Error::BulkPartial(outcome) = err else {
        panic!("{err:?}")
    };
    assert_eq!(outcome.request_id(), None);
    // The failed request's id is on its error.
    assert_eq!(outcome.failed[0].error.request_id(), Some("req-400"));
}
