//! Bulk manual assignment: chunking, concurrency, progress, and an outcome that loses nothing.

use crate::common;

use std::sync::{Arc, Mutex};

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::wire as types;
use nylas_workspaces::{Error, GrantAction, ManualAssign, ManualAssignOptions, Progress};
use nylas_workspaces_httpmock::MockServerExt;
use serde_json::json;

fn ids(prefix: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}-{i:04}")).collect()
}

fn target(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "r-get", "data": workspace("ws-1")}));
    })
}

/// A successful chunk that echoes its ids as assigned.
fn chunk_ok<'a>(server: &'a MockServer, assign: &[String], request_id: &str) -> httpmock::Mock<'a> {
    server.manually_assign_workspace(|when, then| {
        when.workspace_id("ws-1").body(&types::ManualAssignRequest {
            assign_grants: assign.to_vec(),
            remove_grants: vec![],
        });
        then.ok(&types::ManualAssignResponse {
            data: Some(types::ManualAssignResult {
                application_id: Some("app-1".into()),
                domain: Some("example.com".into()),
                grants_assigned: Some(assign.to_vec()),
                grants_removed: None,
                workspace_id: Some("ws-1".into()),
            }),
            request_id: Some(request_id.into()),
        });
    })
}

#[tokio::test]
async fn twelve_hundred_and_one_ids_go_out_as_500_500_201_and_a_failed_middle_is_reported_exactly()
{
    let server = MockServer::start_async().await;
    let lookup = target(&server);
    let all = ids("g", 0..1201);
    let first = chunk_ok(&server, &all[0..500], "r-1");
    let third = chunk_ok(&server, &all[1000..1201], "r-3");
    let middle = server.manually_assign_workspace(|when, then| {
        when.workspace_id("ws-1").body(&types::ManualAssignRequest {
            assign_grants: all[500..1000].to_vec(),
            remove_grants: vec![],
        });
        then.bad_request(&types::Error {
            error: types::ErrorDetail {
                message: Some("grant not found".into()),
                type_: Some("invalid_request_error".into()),
                provider_error: Default::default(),
            },
            request_id: "r-2".into(),
        });
    });

    let progress: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let record = Arc::clone(&progress);
    // Duplicates in the input are sent once.
    let mut input = all.clone();
    input.extend(all[0..10].iter().cloned());
    let err = client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(input),
            ManualAssignOptions::new()
                .concurrency(2)
                .on_progress(move |p| record.lock().unwrap().push(p)),
        )
        .await
        .unwrap_err();

    assert_eq!(lookup.calls(), 1);
    assert_eq!(first.calls(), 1);
    assert_eq!(middle.calls(), 1, "a 400 is not retried");
    assert_eq!(third.calls(), 1);

    let Error::BulkPartial(outcome) = &err else {
        panic!("expected a partial failure, got {err:?}");
    };
    assert!(!err.is_retryable());
    assert_eq!(outcome.workspace_id, "ws-1");
    let mut expected_assigned = all[0..500].to_vec();
    expected_assigned.extend_from_slice(&all[1000..1201]);
    assert_eq!(outcome.assigned, expected_assigned);
    assert!(outcome.removed.is_empty());
    assert!(outcome.unmatched.is_empty());
    assert!(outcome.not_sent.is_empty());
    let failed: Vec<&str> = outcome.failed.iter().map(|f| f.grant_id.as_str()).collect();
    assert_eq!(
        failed,
        all[500..1000]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    for f in &outcome.failed {
        assert_eq!(f.action, GrantAction::Assign);
        assert_eq!(f.error.status(), Some(400));
        assert_eq!(f.error.request_id(), Some("r-2"));
    }
    assert_eq!(outcome.request_ids, ["r-1", "r-3"]);

    let retry = outcome.retry_request().unwrap();
    assert_eq!(retry.assign_ids(), &all[500..1000]);
    assert!(retry.remove_ids().is_empty());

    let progress = progress.lock().unwrap();
    assert_eq!(progress.len(), 3);
    let last = progress.last().unwrap();
    assert_eq!(
        *last,
        Progress {
            chunks_done: 3,
            chunks_total: 3,
            grants_done: 1201,
            grants_total: 1201,
            grants_failed: 500
        }
    );
    let done: Vec<usize> = progress.iter().map(|p| p.chunks_done).collect();
    assert_eq!(done, [1, 2, 3]);
}

#[tokio::test]
async fn a_complete_run_returns_the_outcome_with_unmatched_ids_and_null_lists_as_empty() {
    let server = MockServer::start_async().await;
    target(&server);
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/v3/workspaces/ws-1/manual-assign")
            .json_body(json!({"assign_grants": ["a", "b"], "remove_grants": ["c"]}));
        then.status(200).json_body(json!({
            "request_id": "r-1",
            "data": {"application_id": "app-1", "workspace_id": "ws-1", "domain": "",
                     "grants_assigned": ["a"], "grants_removed": null}
        }));
    });
    let outcome = client(&server)
        .manual_assign(
            "ws-1",
            ManualAssign::new().assign(["a", "b", "a"]).remove(["c"]),
        )
        .await
        .unwrap();
    mock.assert();
    assert!(outcome.is_complete());
    assert_eq!(outcome.assigned, ["a"]);
    assert!(outcome.removed.is_empty());
    let unmatched: Vec<(&str, GrantAction)> = outcome
        .unmatched
        .iter()
        .map(|g| (g.grant_id.as_str(), g.action))
        .collect();
    assert_eq!(
        unmatched,
        [("b", GrantAction::Assign), ("c", GrantAction::Remove)]
    );
    assert_eq!(outcome.request_ids, ["r-1"]);
    assert!(outcome.retry_request().is_none());
}

#[tokio::test]
async fn remove_lists_are_chunked_alongside_assign_lists() {
    let server = MockServer::start_async().await;
    target(&server);
    let (mock, seen) = scripted(
        &server,
        vec![json_response(
            200,
            &json!({"request_id": "r", "data": {"grants_assigned": null, "grants_removed": null}}),
        )],
    );
    let outcome = client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new()
                .assign(ids("a", 0..501))
                .remove(ids("r", 0..1100)),
            ManualAssignOptions::new().concurrency(1),
        )
        .await
        .unwrap();
    assert_eq!(mock.calls(), 3);
    let mut sizes: Vec<(usize, usize)> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| {
            let body: serde_json::Value = serde_json::from_slice(&s.body).unwrap();
            let len = |k: &str| body.get(k).and_then(|v| v.as_array()).map_or(0, Vec::len);
            (len("assign_grants"), len("remove_grants"))
        })
        .collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [(0, 100), (1, 500), (500, 500)]);
    assert_eq!(outcome.unmatched.len(), 1601);
}

#[tokio::test]
async fn a_404_stops_the_remaining_chunks_which_are_reported_as_not_sent() {
    let server = MockServer::start_async().await;
    target(&server);
    let assign = server.mock(|when, then| {
        when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
        then.status(404)
            .json_body(error_body("r-404", "not_found_error", "workspace gone"));
    });
    let err = client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(ids("g", 0..1500)),
            ManualAssignOptions::new().concurrency(1),
        )
        .await
        .unwrap_err();
    assert_eq!(assign.calls(), 1);
    let Error::BulkPartial(outcome) = err else {
        panic!("{err:?}")
    };
    assert_eq!(outcome.failed.len(), 500);
    assert_eq!(outcome.not_sent.len(), 1000);
    assert_eq!(
        outcome.not_sent_reason,
        Some(nylas_workspaces::NotSentReason::EarlierFailure)
    );
    assert!(outcome.failed.iter().all(|f| f.error.is_not_found()));
    assert_eq!(outcome.retry_request().unwrap().assign_ids().len(), 1500);
}

#[tokio::test]
async fn a_missing_target_workspace_is_the_lookup_error() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/nope");
        then.status(404)
            .json_body(error_body("r", "not_found_error", "no"));
    });
    let assign = server.mock(|when, then| {
        when.method(POST);
        then.status(200);
    });
    let err = client(&server)
        .manual_assign("nope", ManualAssign::new().assign(["g"]))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(assign.calls(), 0);
}

#[tokio::test]
async fn the_outcome_serializes_for_the_cli() {
    let server = MockServer::start_async().await;
    target(&server);
    server.mock(|when, then| {
        when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
        then.status(503)
            .json_body(error_body("r-503", "internal_error", "down"));
    });
    let err = client(&server)
        .manual_assign("ws-1", ManualAssign::new().remove(["g-1"]))
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "every failure is a retryable 503");
    let Error::BulkPartial(outcome) = err else {
        panic!()
    };
    let value = serde_json::to_value(&*outcome).unwrap();
    assert_eq!(value["failed"][0]["grant_id"], "g-1");
    assert_eq!(value["failed"][0]["action"], "remove");
    assert_eq!(value["failed"][0]["status"], 503);
    assert_eq!(value["failed"][0]["request_id"], "r-503");
    assert_eq!(value["failed"][0]["retryable"], true);
}

/// A caller's stop flag (Ctrl-C in the CLI) stops sending; what was sent is kept, the rest is
/// reported as not sent, and the retry request is exactly the rest.
#[tokio::test]
async fn a_stop_flag_set_part_way_reports_the_unsent_chunks() {
    use std::sync::atomic::{AtomicBool, Ordering};

    let server = MockServer::start_async().await;
    target(&server);
    let all = ids("g", 0..1500);
    let first = chunk_ok(&server, &all[0..500], "r-1");
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let err = client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(all.clone()),
            ManualAssignOptions::new()
                .concurrency(1)
                // Stop after the first chunk comes back.
                .on_progress(move |_| flag.store(true, Ordering::SeqCst))
                .stop_flag(Arc::clone(&stop)),
        )
        .await
        .unwrap_err();
    assert_eq!(first.calls(), 1);
    let Error::BulkPartial(outcome) = err else {
        panic!("{err:?}")
    };
    assert_eq!(outcome.assigned, all[0..500]);
    assert!(outcome.failed.is_empty());
    let unsent: Vec<&str> = outcome
        .not_sent
        .iter()
        .map(|g| g.grant_id.as_str())
        .collect();
    assert_eq!(unsent, all[500..1500]);
    assert_eq!(
        outcome.not_sent_reason,
        Some(nylas_workspaces::NotSentReason::Stopped),
        "the caller stopped it; no request failed"
    );
    assert_eq!(
        outcome.retry_request().unwrap().assign_ids(),
        &all[500..1500]
    );
}
