//! A raw HTTP helper for the emulator's tests: it sends exactly the bytes a test chooses
//! (absent keys, `null`s, wrong types), which a typed client would not let it do.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the helper"
)]

pub mod raw;

use nylas_workspaces_emulator::{Emulator, EmulatorConfig};
use reqwest::Method;
use serde_json::Value;

pub struct Api {
    pub emulator: Emulator,
    http: reqwest::Client,
}

/// A response, decoded as JSON when it is JSON.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn error_type(&self) -> &str {
        self.body["error"]["type"].as_str().unwrap_or_default()
    }

    pub fn error_message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }

    /// Asserts a Nylas error envelope with this status and a `request_id` equal to the header.
    #[track_caller]
    pub fn assert_error(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "{:#}", self.body);
        assert!(self.body["error"].is_object(), "{:#}", self.body);
        assert!(!self.error_type().is_empty());
        assert!(!self.error_message().is_empty());
        self.assert_request_id();
        self
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(self.status, 200, "{:#}", self.body);
        self.assert_request_id();
        self
    }

    #[track_caller]
    pub fn assert_request_id(&self) {
        let in_body = self.body["request_id"]
            .as_str()
            .expect("request_id in body");
        let in_header = self.headers["x-request-id"].to_str().unwrap();
        assert_eq!(in_body, in_header);
        assert!(!in_body.is_empty());
    }
}

impl Api {
    pub fn start() -> Self {
        Self::with(EmulatorConfig::new())
    }

    pub fn with(config: EmulatorConfig) -> Self {
        Self {
            emulator: Emulator::start_blocking(config).expect("emulator starts"),
            http: reqwest::Client::new(),
        }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<&str>) -> Reply {
        let key = self.emulator.api_key().to_owned();
        self.send_as(method, path, body, Some(&key)).await
    }

    pub async fn send_as(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        key: Option<&str>,
    ) -> Reply {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.emulator.url()));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.expect("request reaches the emulator");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &str) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &str) -> Reply {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }

    /// Creates a workspace and returns its ID.
    pub async fn create(&self, body: &str) -> String {
        let reply = self.post("/v3/workspaces", body).await;
        reply.assert_ok();
        reply.data()["workspace_id"].as_str().unwrap().to_owned()
    }
}
