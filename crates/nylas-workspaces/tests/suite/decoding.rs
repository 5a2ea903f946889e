//! Hostile bodies: whatever bytes arrive, decoding yields a value or a typed error, never a
//! panic. The property tests drive the very decoders the client uses; the HTTP tests check the
//! same through a real server, including bodies too large to keep.

use crate::common;

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::{Error, MAX_BODY_BYTES, SNIPPET_LIMIT, decode_for_tests};
use proptest::prelude::*;
use serde_json::json;

/// Valid bodies of every response shape, to be mutated.
fn valid_bodies() -> Vec<Vec<u8>> {
    [
        json!({"request_id": "r", "data": [workspace("a"), default_workspace("b")],
               "next_cursor": "c"}),
        json!({"request_id": "r", "data": workspace("a")}),
        json!({"request_id": "r"}),
        json!({"request_id": "r", "data": {"job_id": "j", "message": "m"}}),
        json!({"request_id": "r", "data": {"application_id": "app", "workspace_id": "w",
               "domain": "", "grants_assigned": ["g"], "grants_removed": null}}),
        error_body("r", "invalid_request_error", "bad"),
    ]
    .iter()
    .map(|v| serde_json::to_vec(v).unwrap())
    .collect()
}

/// Checks what every error must satisfy, whatever the input.
fn check(errors: &[Error]) {
    for err in errors {
        let shown = err.to_string();
        assert!(!shown.is_empty());
        match err {
            Error::Undecodable(u) => {
                assert!(u.snippet.len() <= SNIPPET_LIMIT + '…'.len_utf8());
            }
            Error::Api(api) => {
                if let Some(s) = &api.body_snippet {
                    assert!(s.len() <= SNIPPET_LIMIT + '…'.len_utf8());
                }
            }
            other => panic!("decoding produced an unexpected error kind: {other:?}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        status in prop_oneof![Just(200u16), Just(400u16), Just(429u16), Just(502u16), 100u16..600],
    ) {
        check(&decode_for_tests(status, &body));
    }

    #[test]
    fn mutated_valid_bodies_never_panic(
        which in 0usize..6,
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        status in prop_oneof![Just(200u16), Just(404u16), Just(500u16)],
    ) {
        let mut body = valid_bodies()[which].clone();
        for (at, byte) in flips {
            let i = at.index(body.len());
            body[i] = byte;
        }
        // Truncate anywhere, including to nothing.
        body.truncate(cut.index(body.len() + 1));
        check(&decode_for_tests(status, &body));
    }
}

#[test]
fn valid_bodies_decode_without_error_for_their_own_shape() {
    // Each body fits at least one decoder, so the mutation test starts from real documents.
    for body in valid_bodies() {
        let errors = decode_for_tests(200, &body);
        assert!(
            errors.len() < 5,
            "no decoder accepted {}",
            String::from_utf8_lossy(&body)
        );
    }
}

#[tokio::test]
async fn truncated_and_html_success_bodies_are_typed_errors() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/truncated");
        then.status(200)
            .body(r#"{"request_id":"r","data":{"workspace_id":"w","na"#);
    });
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/html");
        then.status(200)
            .header("x-request-id", "edge")
            .body("<!doctype html><title>Login</title>");
    });
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/no-data");
        then.status(200).json_body(json!({"request_id": "r"}));
    });
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/no-id");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": {"name": "x"}}));
    });
    let c = client(&server);
    for (id, reason) in [
        ("truncated", "not the expected JSON"),
        ("html", "not the expected JSON"),
        ("no-data", "no `data`"),
        ("no-id", "no `workspace_id`"),
    ] {
        let err = c.get_workspace(id).await.unwrap_err();
        let Error::Undecodable(u) = &err else {
            panic!("{id}: {err:?}")
        };
        assert_eq!(u.status, 200);
        assert!(u.reason.contains(reason), "{id}: {}", u.reason);
        assert!(!err.is_retryable());
    }
    let err = c.get_workspace("html").await.unwrap_err();
    assert_eq!(err.request_id(), Some("edge"));
    assert!(err.to_string().contains("<!doctype html>"));
}

#[tokio::test]
async fn a_body_beyond_the_size_limit_is_refused_not_buffered() {
    let server = MockServer::start_async().await;
    let huge = format!(
        r#"{{"request_id":"r","data":[],"pad":"{}"}}"#,
        "x".repeat(MAX_BODY_BYTES)
    );
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200).body(huge);
    });
    let err = client(&server).list_workspaces().await.unwrap_err();
    let Error::LimitExceeded { setting, limit, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*setting, *limit),
        ("max_body_bytes", MAX_BODY_BYTES as u64)
    );
    assert!(!err.is_retryable());
}
