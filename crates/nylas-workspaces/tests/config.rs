//! Client configuration: regions, timeouts, user agent, a caller's own reqwest client.

mod common;

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::{Client, DEFAULT_USER_AGENT, Error, Region};
use serde_json::json;

#[test]
fn regions_pick_their_host_and_base_url_wins() {
    let eu = Client::builder()
        .api_key(KEY)
        .region(Region::Eu)
        .build()
        .unwrap();
    assert_eq!(eu.base_url(), "https://api.eu.nylas.com");
    let us = Client::builder().api_key(KEY).build().unwrap();
    assert_eq!(us.base_url(), "https://api.us.nylas.com");
    let custom = Client::builder()
        .api_key(KEY)
        .region(Region::Eu)
        .base_url("https://proxy.example.com")
        .build()
        .unwrap();
    assert_eq!(custom.base_url(), "https://proxy.example.com");
}

#[test]
fn a_zero_timeout_is_refused() {
    let err = Client::builder()
        .api_key(KEY)
        .timeout(std::time::Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
}

#[tokio::test]
async fn user_agent_can_be_replaced() {
    assert!(DEFAULT_USER_AGENT.starts_with("nylas-workspaces-rust/"));
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.header("user-agent", "nylas-workspaces-python/0.1.0");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": []}));
    });
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .user_agent("nylas-workspaces-python/0.1.0")
        .build()
        .unwrap()
        .list_workspaces()
        .await
        .unwrap();
    mock.assert();
}

#[tokio::test]
async fn a_callers_reqwest_client_is_used() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.header("x-from-caller", "yes")
            .header("authorization", format!("Bearer {KEY}"));
        then.status(200)
            .json_body(json!({"request_id": "r", "data": []}));
    });
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-from-caller", "yes".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let c = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .http_client(http)
        .build()
        .unwrap();
    assert!(c.list_workspaces().await.unwrap().is_empty());
    mock.assert();
}
