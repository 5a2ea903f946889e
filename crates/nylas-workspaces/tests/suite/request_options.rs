//! `Client::with_options`: a view whose calls use another timeout, retry count, extra headers
//! or idempotency key, while sharing the client's pool, limiter, budget and cache. Each test
//! tries to make a view leak into the client, or the client into the view.

use crate::common;

use std::time::Duration;

use common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;
use nylas_workspaces::{
    AutoGroup, Client, CreateWorkspace, Error, OWNED_HEADERS, RateLimit, RequestOptions,
};
use serde_json::json;

fn ok_workspace(id: &str) -> HttpMockResponse {
    json_response(200, &json!({"request_id": "r", "data": workspace(id)}))
}

fn unavailable() -> HttpMockResponse {
    json_response(503, &error_body("r-503", "service_unavailable", "later"))
}

#[tokio::test]
async fn a_views_timeout_fires_while_the_clients_does_not() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": workspace("ws-1")}))
            .delay(Duration::from_millis(300));
    });
    let client = client(&server);
    let hasty = client
        .with_options(
            RequestOptions::new()
                .timeout(Duration::from_millis(30))
                .max_retries(0),
        )
        .unwrap();
    let err = hasty.get_workspace("ws-1").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    client.get_workspace("ws-1").await.unwrap();
}

#[tokio::test]
async fn a_views_longer_timeout_outlasts_the_clients_shorter_one() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": workspace("ws-1")}))
            .delay(Duration::from_millis(200));
    });
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(30))
        .max_retries(0)
        .build()
        .unwrap();
    assert!(matches!(
        client.get_workspace("ws-1").await,
        Err(Error::Timeout { .. })
    ));
    let patient = client
        .with_options(RequestOptions::new().timeout_secs(5.0))
        .unwrap();
    patient.get_workspace("ws-1").await.unwrap();
}

#[tokio::test]
async fn a_views_max_retries_replaces_the_clients_count() {
    let server = MockServer::start_async().await;
    let (mock, _) = scripted(&server, vec![unavailable()]);
    let client = client(&server);

    let once = client
        .with_options(RequestOptions::new().max_retries(0))
        .unwrap();
    assert!(once.get_workspace("ws-1").await.is_err());
    assert_eq!(mock.calls(), 1);

    let stubborn = client
        .with_options(RequestOptions::new().max_retries(4))
        .unwrap();
    assert!(stubborn.get_workspace("ws-1").await.is_err());
    assert_eq!(mock.calls(), 1 + 5);

    // The client itself keeps its 2 retries.
    assert!(client.get_workspace("ws-1").await.is_err());
    assert_eq!(mock.calls(), 1 + 5 + 3);
}

#[tokio::test]
async fn extra_headers_arrive_on_every_attempt_and_a_view_of_a_view_keeps_them() {
    let server = MockServer::start_async().await;
    let tagged = server.mock(|when, then| {
        when.method(GET)
            .path("/v3/workspaces/ws-1")
            .header("x-trace-id", "job-42")
            .header("x-tenant", "acme");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": workspace("ws-1")}));
    });
    let untagged = catch_all(&server);
    let client = client(&server);
    let view = client
        .with_options(RequestOptions::new().header("X-Trace-Id", "job-42"))
        .unwrap()
        .with_options(RequestOptions::new().header("x-tenant", "acme"))
        .unwrap();
    view.get_workspace("ws-1").await.unwrap();
    assert_eq!(tagged.calls(), 1);
    assert_eq!(untagged.calls(), 0);
    // The client sends neither header (and the catch-all's 599 is not retried).
    assert!(client.get_workspace("ws-1").await.is_err());
    assert_eq!(untagged.calls(), 1);

    let server = MockServer::start_async().await;
    let (_, seen) = scripted(&server, vec![unavailable(), ok_workspace("ws-1")]);
    let view = common::client(&server)
        .with_options(RequestOptions::new().header("x-trace-id", "job-43"))
        .unwrap();
    view.get_workspace("ws-1").await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for request in seen.iter() {
        assert_eq!(request.header("x-trace-id"), Some("job-43"));
        assert!(request.header("authorization").is_some());
    }
}

#[tokio::test]
async fn owned_headers_are_refused_naming_them_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let anything = catch_all(&server);
    let client = client(&server);
    for name in OWNED_HEADERS {
        let spelled = name.to_ascii_uppercase();
        let err = client
            .with_options(RequestOptions::new().header(spelled, "Bearer other-key"))
            .unwrap_err();
        let Error::Config { message } = &err else {
            panic!("{name}: {err:?}");
        };
        assert!(message.contains(name), "{message}");
        assert!(!message.contains("other-key"), "{message}");
    }
    // A good header given with a bad one does not make a half-built view.
    assert!(
        client
            .with_options(
                RequestOptions::new()
                    .header("x-fine", "1")
                    .header("authorization", "x")
            )
            .is_err()
    );
    assert_eq!(anything.calls(), 0);
}

#[tokio::test]
async fn the_given_idempotency_key_is_sent_on_every_attempt_of_each_post() {
    let server = MockServer::start_async().await;
    let (_, seen) = scripted(
        &server,
        vec![
            unavailable(),
            ok_workspace("ws-new"),
            unavailable(),
            json_response(
                200,
                &json!({"request_id": "r", "data": {"job_id": "j", "message": "m"}}),
            ),
            ok_workspace("ws-1"),
        ],
    );
    let client = client(&server);
    let view = client
        .with_options(RequestOptions::new().idempotency_key("order-42"))
        .unwrap();
    view.create_workspace(CreateWorkspace::new("Sales"))
        .await
        .unwrap();
    view.auto_group(AutoGroup::new()).await.unwrap();
    view.get_workspace("ws-1").await.unwrap();
    let keys: Vec<Option<String>> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.header("idempotency-key").map(str::to_owned))
        .collect();
    let keys: Vec<Option<&str>> = keys.iter().map(Option::as_deref).collect();
    assert_eq!(
        keys,
        [
            Some("order-42"),
            Some("order-42"),
            Some("order-42"),
            Some("order-42"),
            None
        ]
    );

    // The client keeps making a fresh key per call.
    let server = MockServer::start_async().await;
    let (_, seen) = scripted(&server, vec![ok_workspace("ws-new")]);
    let client = common::client(&server);
    client
        .create_workspace(CreateWorkspace::new("a"))
        .await
        .unwrap();
    client
        .create_workspace(CreateWorkspace::new("b"))
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    let first = seen[0].header("idempotency-key").unwrap();
    let second = seen[1].header("idempotency-key").unwrap();
    assert_ne!(first, "order-42");
    assert_ne!(first, second);
}

#[tokio::test]
async fn a_view_shares_the_limiter_the_retry_budget_and_the_facts() {
    let server = MockServer::start_async().await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .rate_limit(RateLimit::new(1000.0))
        .build()
        .unwrap();
    let view = client
        .with_options(RequestOptions::new().max_retries(3))
        .unwrap();
    let (client_limiter, view_limiter) =
        (client.rate_limiter().unwrap(), view.rate_limiter().unwrap());
    assert!(client_limiter.same_as(view_limiter));
    assert_eq!(view.base_url(), client.base_url());

    // Retries the view makes are paid from the one budget.
    let failing = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-down");
        then.status(503).body("");
    });
    let before = client.retry_budget_available().unwrap();
    assert!(view.get_workspace("ws-down").await.is_err());
    assert_eq!(failing.calls(), 4);
    assert_eq!(client.retry_budget_available().unwrap(), before - 3 * 5);
    assert_eq!(
        view.retry_budget_available(),
        client.retry_budget_available()
    );
    assert_eq!(client_limiter.stats().requests, 4);

    // What the view learns (ws-d is the default), the client knows: its refused delete
    // needs no lookup.
    let lookup = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-d");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": default_workspace("ws-d")}));
    });
    view.get_workspace("ws-d").await.unwrap();
    let err = client.delete_workspace("ws-d").await.unwrap_err();
    assert!(matches!(err, Error::InvariantViolation { .. }), "{err:?}");
    assert_eq!(lookup.calls(), 1);
}

#[test]
fn debug_of_a_view_shows_its_settings_but_neither_key_nor_header_values() {
    let client = Client::builder().api_key(KEY).build().unwrap();
    let view = client
        .with_options(
            RequestOptions::new()
                .timeout_secs(7.0)
                .max_retries(9)
                .header("x-proxy-token", "tok_private"),
        )
        .unwrap();
    let shown = format!("{view:?}");
    assert!(
        shown.contains("7s") && shown.contains("max_retries: 9"),
        "{shown}"
    );
    assert!(shown.contains("x-proxy-token"), "{shown}");
    assert!(
        !shown.contains("tok_private") && !shown.contains(KEY),
        "{shown}"
    );
    assert!(!format!("{client:?}").contains("max_retries: 9"));
}
