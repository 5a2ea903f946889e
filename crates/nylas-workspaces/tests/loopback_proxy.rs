//! A loopback base URL bypasses proxies from the environment: a proxy set up for the outside
//! world cannot reach this machine's loopback interface, so using it would turn a working
//! emulator or mock set-up into a connection error.
//!
//! Its own test binary, because it changes the process environment.

mod common;

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::Client;
use serde_json::json;

#[tokio::test]
async fn a_loopback_base_url_ignores_proxy_variables() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": [workspace("ws-1")]}));
    });
    // Nothing listens on port 9 (discard); a client that used this proxy could not connect.
    // SAFETY: the only test of this binary, so no other thread reads the environment.
    unsafe {
        for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            std::env::set_var(name, "http://127.0.0.1:9");
        }
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    let c = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(c.list_workspaces().await.unwrap().len(), 1);
}
