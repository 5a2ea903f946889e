//! Every attempt is a span carrying operation, attempt number, status, request id and duration.
//! The in-test subscriber of `common::capture` records them, so no subscriber crate is needed.

mod common;

use common::capture::{Capture, Fields};
use common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;
use nylas_workspaces::CreateWorkspace;
use serde_json::json;

#[test]
fn each_attempt_is_a_span_with_its_outcome() {
    let server = MockServer::start();
    let (_mock, _) = scripted(
        &server,
        vec![
            HttpMockResponse::builder()
                .status(503)
                .header("x-request-id", "req-first")
                .body("")
                .build(),
            json_response(
                200,
                &json!({"request_id": "req-second", "data": workspace("w")}),
            ),
        ],
    );
    let capture = Capture::default();
    capture.run(async {
        client(&server)
            .create_workspace(CreateWorkspace::new("Sales"))
            .await
            .unwrap();
    });

    let spans = capture.spans();
    let attempts: Vec<&Fields> = spans
        .iter()
        .filter(|(name, _)| name == "nylas_workspaces.attempt")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(attempts.len(), 2, "{spans:?}");
    for (i, (fields, (status, request_id))) in attempts
        .iter()
        .zip([("503", "req-first"), ("200", "req-second")])
        .enumerate()
    {
        assert_eq!(fields["operation"], "create_workspace");
        assert_eq!(fields["method"], "POST");
        assert_eq!(fields["attempt"], (i + 1).to_string());
        assert_eq!(fields["status"], status);
        assert_eq!(fields["request_id"], request_id);
        assert!(fields.contains_key("duration_ms"));
        assert!(!format!("{fields:?}").contains(KEY));
    }
    assert!(!capture.everything().contains(KEY));
}
