//! The API key never shows up in formatted clients, builders or errors, not even when a
//! server or proxy repeats the `Authorization` header back in its answer.

use crate::common;

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::{ApiKey, Client, Error, ManualAssign};
use serde_json::json;

fn assert_no_key_anywhere(err: &Error) {
    assert_no_key(&err.to_string());
    assert_no_key(&format!("{err:?}"));
    assert_no_key(&format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        assert_no_key(&format!("{s} {s:?}"));
        source = s.source();
    }
}

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

/// Answers `path` with `status`, a body and optional extra header, for the echo tests.
fn echo<'a>(
    server: &'a MockServer,
    path: &str,
    status: u16,
    body: String,
    header: Option<(&str, String)>,
) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.path(path.to_owned());
        let then = then.status(status).body(body);
        if let Some((name, value)) = header {
            then.header(name, value);
        }
    })
}

#[tokio::test]
async fn a_server_that_echoes_the_key_does_not_put_it_into_errors() {
    let server = MockServer::start_async().await;
    let bearer = format!("Bearer {KEY}");
    echo(
        &server,
        "/v3/workspaces/envelope",
        401,
        json!({"request_id": KEY, "error": {
            "type": format!("bad_{KEY}"),
            "message": format!("the header 'Authorization: {bearer}' is not valid")
        }})
        .to_string(),
        None,
    );
    echo(
        &server,
        "/v3/workspaces/provider",
        400,
        json!({"request_id": "r", "error": {"type": "provider_error", "message": "no",
            "provider_error": {"echo": {"headers": [bearer.clone()]}, KEY: KEY}}})
        .to_string(),
        None,
    );
    // The key starts at byte 490 and straddles the snippet's cut at 512, so cutting before
    // scrubbing would leave "nyk_v0_test_secret_key" behind.
    let padding = "p".repeat(490 - "<html> Authorization: Bearer ".len());
    echo(
        &server,
        "/v3/workspaces/html",
        404,
        format!("<html>{padding} Authorization: {bearer} was refused</html>"),
        None,
    );
    echo(
        &server,
        "/v3/workspaces/undecodable",
        200,
        format!("{{\"request_id\":\"r\",\"data\":\"{bearer}\"}}"),
        Some(("x-request-id", format!("req-{KEY}"))),
    );
    echo(
        &server,
        "/v3/workspaces/html-ok",
        200,
        format!("<p>you sent {bearer}</p>"),
        None,
    );
    let c = client(&server);
    for path in ["envelope", "provider", "html", "undecodable", "html-ok"] {
        let err = c.get_workspace(path).await.unwrap_err();
        assert_no_key_anywhere(&err);
        assert!(
            format!("{err:?}").contains("<redacted>"),
            "{path}: the echo is replaced, not dropped: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_redirect_whose_location_carries_the_key_does_not_leak_it() {
    let server = MockServer::start_async().await;
    echo(
        &server,
        "/v3/workspaces/raw",
        302,
        String::new(),
        Some(("location", format!("https://evil.example/?k={KEY}"))),
    );
    echo(
        &server,
        "/v3/workspaces/encoded",
        307,
        String::new(),
        Some((
            "location",
            format!("https://evil.example/{}", KEY.replace('_', "%5F")),
        )),
    );
    let c = client(&server);
    for path in ["raw", "encoded"] {
        let err = c.get_workspace(path).await.unwrap_err();
        assert_no_key_anywhere(&err);
        let location = err.api_error().unwrap().location.clone().unwrap();
        assert!(location.starts_with("https://evil.example/"), "{location}");
        assert!(location.contains("<redacted>"), "{location}");
    }
}
