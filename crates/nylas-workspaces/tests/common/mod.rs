//! Shared test helpers: a client pointed at a mock server, realistic bodies, and a scripted
//! responder that answers a fixed sequence of responses while recording every request.

#![allow(dead_code, reason = "each test binary uses a different subset")]

pub mod capture;
pub mod raw;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse, Mock};
use nylas_workspaces::Client;
use serde_json::{Value, json};

pub const KEY: &str = "nyk_v0_test_secret_key_1234567890";

/// A client for `server` with near-zero backoff, so retry tests do not sleep on backoff.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .unwrap()
}

pub fn workspace(id: &str) -> Value {
    json!({
        "workspace_id": id,
        "application_id": "app-1",
        "name": format!("Workspace {id}"),
        "domain": "example.com",
        "auto_group": false,
        "default": false,
        "policy_id": "pol-1",
        "rule_ids": ["rule-1"],
        "created_at": 1_725_273_600,
        "updated_at": 1_725_273_600
    })
}

pub fn default_workspace(id: &str) -> Value {
    json!({
        "workspace_id": id, "application_id": "app-1", "name": "Default",
        "domain": null, "auto_group": false, "default": true,
        "created_at": 1, "updated_at": 1
    })
}

pub fn error_body(request_id: &str, kind: &str, message: &str) -> Value {
    json!({"request_id": request_id, "error": {"type": kind, "message": message}})
}

/// A mock that matches every request, so a test can assert that nothing at all was sent.
pub fn catch_all(server: &MockServer) -> Mock<'_> {
    server.mock(|_when, then| {
        then.status(599)
            .body("this request should not have been sent");
    })
}

/// A request as the scripted responder saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Answers the `n`-th request with `responses[n]` (the last one repeats) and records every
/// request. It matches any path, so the raw path the client sent can be inspected.
pub fn scripted(
    server: &MockServer,
    responses: Vec<HttpMockResponse>,
) -> (Mock<'_>, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let mock = server.mock(move |_when, then| {
        then.respond_with(move |req: &HttpMockRequest| {
            let mut seen = record.lock().unwrap();
            seen.push(Seen {
                method: req.method_str().to_owned(),
                path: req.uri().path().to_owned(),
                headers: req.headers_vec().clone(),
                body: req.body_vec(),
            });
            let index = (seen.len() - 1).min(responses.len() - 1);
            responses[index].clone()
        });
    });
    (mock, seen)
}

pub fn json_response(status: u16, body: &Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}
