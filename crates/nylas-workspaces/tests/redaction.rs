//! The API key never shows up in formatted clients, builders or errors.

mod common;

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::{ApiKey, Client, ManualAssign};

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "the key leaked into: {text}");
    assert!(
        !text.contains("test_secret"),
        "part of the key leaked into: {text}"
    );
}

#[test]
fn client_and_builder_debug_output_has_no_key() {
    let builder = Client::builder().api_key(KEY);
    assert_no_key(&format!("{builder:?}"));
    let client = builder.build().unwrap();
    let shown = format!("{client:?} {client:#?}");
    assert_no_key(&shown);
    assert!(shown.contains("redacted"));
    assert_no_key(&format!("{:?}", ApiKey::new(KEY)));
}

#[tokio::test]
async fn errors_have_no_key_even_when_the_server_is_unhappy() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(401)
            .json_body(error_body("r", "unauthorized", "bad key"));
    });
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-2");
        then.status(200).body("<html>oops</html>");
    });
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-3");
        then.status(200)
            .json_body(serde_json::json!({"request_id": "r", "data": workspace("ws-3")}));
    });
    server.mock(|when, then| {
        when.method(POST).path("/v3/workspaces/ws-3/manual-assign");
        then.status(500).body("");
    });
    let c = client(&server);
    let mut errors = vec![
        c.get_workspace("ws-1").await.unwrap_err(),
        c.get_workspace("ws-2").await.unwrap_err(),
        c.manual_assign("ws-3", ManualAssign::new().assign(["g"]))
            .await
            .unwrap_err(),
        c.get_workspace("").await.unwrap_err(),
    ];
    let unreachable = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:1")
        .max_retries(0)
        .build()
        .unwrap();
    errors.push(unreachable.list_workspaces().await.unwrap_err());
    for err in &errors {
        assert_no_key(&format!("{err:?}"));
        assert_no_key(&format!("{err:#?}"));
        assert_no_key(&err.to_string());
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            assert_no_key(&format!("{s} {s:?}"));
            source = s.source();
        }
    }
}

#[test]
fn config_errors_do_not_echo_a_malformed_key() {
    let bad = format!("{KEY}\r\nX-Injected: 1");
    let err = Client::builder().api_key(bad).build().unwrap_err();
    assert_no_key(&format!("{err:?} {err}"));
}
