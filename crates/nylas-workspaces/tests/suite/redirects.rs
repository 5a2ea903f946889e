//! Redirects are answered as errors, never followed: following one would send the key, the
//! body and the `Idempotency-Key` to whatever host the `Location` names, turn a POST into a
//! GET, and pass a foreign answer off as success.

use crate::common;

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::{ApiErrorKind, Client, CreateWorkspace, Error};
use serde_json::json;

/// A second origin that must never hear from the client.
fn elsewhere(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|_when, then| {
        then.status(200)
            .json_body(json!({"request_id": "foreign", "data": workspace("ws-foreign")}));
    })
}

fn assert_redirect_error(err: &Error, status: u16, location: &str) {
    let Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, status);
    assert_eq!(api.kind, ApiErrorKind::Redirect);
    assert_eq!(api.location.as_deref(), Some(location));
    assert_eq!(api.request_id.as_deref(), Some("req-redirect"));
    assert!(err.to_string().contains(location), "{err}");
    assert!(!err.is_retryable());
    assert!(!err.nothing_sent());
}

#[tokio::test]
async fn get_and_post_redirects_to_another_origin_are_not_followed() {
    for status in [301, 302, 303, 307, 308] {
        let origin = MockServer::start_async().await;
        let other = MockServer::start_async().await;
        let foreign = elsewhere(&other);
        let location = format!("{}/v3/workspaces/ws-foreign", other.base_url());
        let redirect = origin.mock(|_when, then| {
            then.status(status)
                .header("location", location.as_str())
                .header("x-request-id", "req-redirect");
        });
        let c = client(&origin);

        let err = c.get_workspace("ws-1").await.unwrap_err();
        assert_redirect_error(&err, status, &location);
        assert_eq!(redirect.calls(), 1, "GET after {status}: one attempt only");

        let err = c
            .create_workspace(CreateWorkspace::new("Sales"))
            .await
            .unwrap_err();
        assert_redirect_error(&err, status, &location);
        assert_eq!(redirect.calls(), 2, "POST after {status}: one attempt only");
        assert_eq!(foreign.calls(), 0, "{status} reached the other origin");
    }
}

#[tokio::test]
async fn a_redirect_to_plain_http_elsewhere_is_not_followed() {
    let origin = MockServer::start_async().await;
    let redirect = origin.mock(|_when, then| {
        then.status(307)
            .header("location", "http://api.example.com/v3/workspaces");
    });
    let err = client(&origin).list_workspaces().await.unwrap_err();
    assert_eq!(err.api_error().unwrap().kind, ApiErrorKind::Redirect);
    assert!(err.to_string().contains("http://api.example.com"), "{err}");
    assert_eq!(redirect.calls(), 1);
}

#[tokio::test]
async fn a_caller_client_that_follows_redirects_has_its_answer_refused() {
    let origin = MockServer::start_async().await;
    let other = MockServer::start_async().await;
    let foreign = elsewhere(&other);
    let location = format!("{}/v3/workspaces/ws-foreign", other.base_url());
    let redirect = origin.mock(|_when, then| {
        then.status(302).header("location", location.as_str());
    });
    // reqwest's default policy follows up to ten redirects.
    let c = Client::builder()
        .api_key(KEY)
        .base_url(origin.base_url())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let err = c.get_workspace("ws-1").await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.kind, ApiErrorKind::Redirect);
    assert_eq!(api.location.as_deref(), Some(location.as_str()));
    assert!(err.to_string().contains("Policy::none"), "{err}");
    assert!(!err.is_retryable());
    assert_eq!((redirect.calls(), foreign.calls()), (1, 1), "not retried");
}
