//! Failures on this side of the wire are named as such: a request that cannot be sent is
//! `Error::InvalidRequest` (not retried, nothing sent), an id that cannot name a workspace is
//! refused before sending, and a broken connection says what broke instead of "could not
//! connect".

use crate::common;

use std::io::Write;
use std::time::Duration;

use common::raw::RawServer;
use common::*;
use httpmock::prelude::*;
use nylas_workspaces::{Client, Error, MAX_URL_BYTES, ManualAssign, Rule, UpdateWorkspace};

#[tokio::test]
async fn a_seventy_kilobyte_id_is_an_invalid_request_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let anything = catch_all(&server);
    let id = "w".repeat(70_000);
    let c = client(&server);
    for err in [
        c.get_workspace(&id).await.unwrap_err(),
        c.delete_workspace(&id).await.unwrap_err(),
    ] {
        let Error::InvalidRequest { reason, .. } = &err else {
            panic!("expected InvalidRequest, got {err:?}")
        };
        assert!(reason.contains(&MAX_URL_BYTES.to_string()), "{reason}");
        assert!(reason.contains("700"), "the length is given: {reason}");
        assert!(!err.is_retryable());
        assert!(err.nothing_sent());
        assert!(!err.to_string().contains("connect"), "{err}");
        assert!(err.to_string().len() < 500, "the id is not echoed");
    }
    assert_eq!(anything.calls(), 0);
}

#[tokio::test]
async fn blank_and_control_character_ids_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let anything = catch_all(&server);
    let c = client(&server);
    for id in [" ", "\t\n", "ws\0", "ws-1\n", "ws\u{1b}[31m"] {
        let errors = [
            c.get_workspace(id).await.unwrap_err(),
            c.update_workspace(id, UpdateWorkspace::new().name("x"))
                .await
                .unwrap_err(),
            c.delete_workspace(id).await.unwrap_err(),
            c.manual_assign(id, ManualAssign::new().assign(["g"]))
                .await
                .unwrap_err(),
        ];
        for err in errors {
            assert_eq!(
                err.rule(),
                Some(Rule::WorkspaceIdInvalid),
                "{id:?}: {err:?}"
            );
            let text = err.to_string();
            assert!(
                !text.chars().any(char::is_control),
                "raw control char: {text:?}"
            );
        }
    }
    assert_eq!(anything.calls(), 0);
}

#[tokio::test]
async fn an_oversized_header_block_names_the_cause_and_not_could_not_connect() {
    let server = RawServer::start(|stream| {
        let mut head = String::from("HTTP/1.1 200 OK\r\n");
        for i in 0..1000 {
            head.push_str(&format!("x-filler-{i:04}: {}\r\n", "f".repeat(80)));
        }
        head.push_str("content-length: 2\r\n\r\n{}");
        let _ = stream.write_all(head.as_bytes());
    });
    let c = Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url)
        .max_retries(0)
        .build()
        .unwrap();
    let err = c.list_workspaces().await.unwrap_err();
    let Error::Connection { source, .. } = &err else {
        panic!("expected a connection error, got {err:?}")
    };
    let text = err.to_string();
    assert!(!text.contains("could not connect"), "{text}");
    assert!(text.contains("connection failed"), "{text}");
    // The innermost cause (hyper's parse error) is in the message itself.
    let mut innermost: &dyn std::error::Error = source;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    assert!(text.contains(&innermost.to_string()), "{text}");
    assert!(
        std::error::Error::source(&err)
            .unwrap()
            .is::<reqwest::Error>()
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_refused_connection_says_could_not_connect_and_why() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = c.list_workspaces().await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("could not connect"), "{text}");
    let cause = std::error::Error::source(&err).unwrap();
    assert!(cause.is::<reqwest::Error>());
    let mut innermost = cause;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    assert!(text.contains(&innermost.to_string()), "{text}");
    assert!(err.is_retryable());
}
