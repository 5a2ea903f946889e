//! What is retried, how often, with which key, and what is not.

use crate::common;

use std::time::Duration;

use common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;
use nylas_workspaces::{AutoGroup, Client, CreateWorkspace, Error};
use serde_json::json;

fn rate_limited(retry_after: &str) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(429)
        .header("content-type", "application/json")
        .header("retry-after", retry_after)
        .body(error_body("req-429", "nylas_rate_limit_exceeded", "slow down").to_string())
        .build()
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_once_with_the_same_idempotency_key() {
    let server = MockServer::start_async().await;
    let (mock, seen) = scripted(
        &server,
        vec![
            rate_limited("1"),
            json_response(
                200,
                &json!({"request_id": "r", "data": workspace("ws-new")}),
            ),
        ],
    );
    let ws = client(&server)
        .create_workspace(CreateWorkspace::new("Sales"))
        .await
        .unwrap();
    assert_eq!(ws.workspace_id, "ws-new");
    assert_eq!(mock.calls(), 2);
    let seen = seen.lock().unwrap();
    let first = seen[0].header("idempotency-key").unwrap();
    let second = seen[1].header("idempotency-key").unwrap();
    assert_eq!(first, second);
    assert_eq!(seen[0].body, seen[1].body);
}

#[tokio::test]
async fn auto_group_rate_limit_beyond_the_cap_surfaces_with_the_wait() {
    let server = MockServer::start_async().await;
    let (mock, _) = scripted(&server, vec![rate_limited("120")]);
    let err = client(&server)
        .auto_group(AutoGroup::new())
        .await
        .unwrap_err();
    assert_eq!(mock.calls(), 1, "a wait beyond the 60 s cap is not sat out");
    assert!(err.is_rate_limited());
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(err.request_id(), Some("req-429"));
    assert_eq!(
        err.api_error().unwrap().error_type.as_deref(),
        Some("nylas_rate_limit_exceeded")
    );
}

#[tokio::test]
async fn a_400_is_never_retried() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(POST).path("/v3/workspaces");
        then.status(400).json_body(error_body(
            "req-400",
            "invalid_request_error",
            "domain taken",
        ));
    });
    let err = client(&server)
        .create_workspace(CreateWorkspace::new("a").domain("example.com"))
        .await
        .unwrap_err();
    assert_eq!(mock.calls(), 1);
    assert_eq!(err.status(), Some(400));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn other_client_errors_are_not_retried_either() {
    for status in [401u16, 403, 404, 422] {
        let server = MockServer::start_async().await;
        let mock = server.mock(|when, then| {
            when.method(GET);
            then.status(status)
                .json_body(error_body("r", "some_error", "no"));
        });
        let err = client(&server).get_workspace("ws").await.unwrap_err();
        assert_eq!(mock.calls(), 1, "status {status}");
        assert_eq!(err.status(), Some(status));
    }
}

#[tokio::test]
async fn retryable_statuses_are_retried_up_to_max_retries() {
    for status in [408u16, 409, 500, 502, 503, 504] {
        let server = MockServer::start_async().await;
        let mock = server.mock(|when, then| {
            when.method(GET);
            then.status(status)
                .json_body(error_body("r", "internal_error", "boom"));
        });
        let err = client(&server).get_workspace("ws").await.unwrap_err();
        assert_eq!(mock.calls(), 3, "status {status}: 1 attempt + 2 retries");
        assert!(err.is_retryable());
    }
}

#[tokio::test]
async fn max_retries_zero_sends_once() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET);
        then.status(503).body("");
    });
    let c = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    c.get_workspace("ws").await.unwrap_err();
    assert_eq!(mock.calls(), 1);
}

#[tokio::test]
async fn a_5xx_html_page_is_retried_then_reported_with_its_status() {
    let server = MockServer::start_async().await;
    let (mock, _) = scripted(
        &server,
        vec![
            HttpMockResponse::builder()
                .status(502)
                .header("content-type", "text/html")
                .header("x-request-id", "edge-1")
                .body("<html><body><h1>502 Bad Gateway</h1></body></html>")
                .build(),
            json_response(200, &json!({"request_id": "r", "data": workspace("ws")})),
        ],
    );
    client(&server).get_workspace("ws").await.unwrap();
    assert_eq!(mock.calls(), 2);

    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET);
        then.status(502)
            .header("x-request-id", "edge-2")
            .body("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    let err = client(&server).get_workspace("ws").await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.request_id(), Some("edge-2"));
    let snippet = err.api_error().unwrap().body_snippet.as_deref().unwrap();
    assert!(snippet.contains("502 Bad Gateway"));
    assert!(err.to_string().contains("not a Nylas error body"));
}

#[tokio::test]
async fn a_slow_server_gives_a_timeout_error() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET);
        then.status(200)
            .delay(Duration::from_secs(3))
            .json_body(json!({"request_id": "r", "data": workspace("ws")}));
    });
    let c = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    let err = c.get_workspace("ws").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(mock.calls(), 2);
}

#[tokio::test]
async fn an_unreachable_host_gives_a_connection_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let c = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    let err = c.list_workspaces().await.unwrap_err();
    assert!(
        matches!(err, Error::Connection { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(std::error::Error::source(&err).is_some());
}
