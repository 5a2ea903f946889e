//! Memory is bounded by the settings, not by what a server sends: a listing that pages
//! forever stops at `max_list_items`, a body stops being read at `max_body_bytes`, and both
//! come back as `Error::LimitExceeded` naming the setting to raise.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::raw::{RawServer, stream_forever};
use common::*;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use nylas_workspaces::{Client, ClientBuilder, Error, MAX_BODY_BYTES};
use serde_json::json;

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        // A safety net so a regression fails instead of hanging; never reached when it works.
        .timeout(Duration::from_secs(30))
}

fn assert_limit(err: &Error, setting: &str, limit: u64) {
    let Error::LimitExceeded {
        setting: got,
        limit: got_limit,
        ..
    } = err
    else {
        panic!("expected LimitExceeded, got {err:?}")
    };
    assert_eq!((*got, *got_limit), (setting, limit));
    let text = err.to_string();
    assert!(text.contains(&format!("{setting} ({limit})")), "{text}");
    assert!(
        text.contains(&format!("ClientBuilder::{setting}")),
        "{text}"
    );
    assert!(!err.is_retryable());
    assert!(!err.nothing_sent());
}

/// Pages of ten workspaces, each with a fresh cursor, for ever; `last` ends the listing.
fn endless_pages(server: &MockServer, last: Option<usize>) -> Arc<AtomicUsize> {
    let pages = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&pages);
    server.mock(move |when, then| {
        when.method(GET).path("/v3/workspaces");
        then.respond_with(move |_req: &HttpMockRequest| {
            let page = count.fetch_add(1, Ordering::SeqCst);
            let data: Vec<_> = (0..10)
                .map(|i| workspace(&format!("ws-{page}-{i}")))
                .collect();
            let cursor = (Some(page) != last).then(|| format!("cursor-{page}"));
            HttpMockResponse::builder()
                .status(200)
                .header("x-request-id", format!("req-{page}"))
                .body(json!({"request_id": "r", "data": data, "next_cursor": cursor}).to_string())
                .build()
        });
    });
    pages
}

#[tokio::test]
async fn a_server_that_pages_forever_is_stopped_at_max_list_items() {
    let server = MockServer::start_async().await;
    let pages = endless_pages(&server, None);
    let c = builder(&server.base_url())
        .max_list_items(25)
        .build()
        .unwrap();
    let err = c.list_workspaces().await.unwrap_err();
    assert_limit(&err, "max_list_items", 25);
    assert_eq!(err.request_id(), Some("req-2"));
    assert_eq!(
        pages.load(Ordering::SeqCst),
        3,
        "stops at the page that goes over"
    );
}

#[tokio::test]
async fn a_listing_of_exactly_max_list_items_succeeds() {
    let server = MockServer::start_async().await;
    endless_pages(&server, Some(2));
    let c = builder(&server.base_url())
        .max_list_items(30)
        .build()
        .unwrap();
    assert_eq!(c.list_workspaces().await.unwrap().len(), 30);
}

/// A `get_workspace` answer padded with spaces to exactly `len` bytes.
fn padded_workspace(len: usize) -> String {
    let body = json!({"request_id": "r", "data": workspace("ws-1")}).to_string();
    format!("{body}{}", " ".repeat(len - body.len()))
}

#[tokio::test]
async fn a_body_one_byte_over_max_body_bytes_fails_naming_the_setting() {
    const CAP: usize = 4096;
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.path("/v3/workspaces/fits");
        then.status(200).body(padded_workspace(CAP));
    });
    let over = server.mock(|when, then| {
        when.path("/v3/workspaces/over");
        then.status(200)
            .header("x-request-id", "req-big")
            .body(padded_workspace(CAP + 1));
    });
    let c = builder(&server.base_url())
        .max_body_bytes(CAP)
        .build()
        .unwrap();
    assert_eq!(c.get_workspace("fits").await.unwrap().workspace_id, "ws-1");
    let err = c.get_workspace("over").await.unwrap_err();
    assert_limit(&err, "max_body_bytes", CAP as u64);
    assert_eq!(err.request_id(), Some("req-big"));
    assert_eq!(over.calls(), 1, "not retried");
}

#[tokio::test]
async fn a_nine_megabyte_list_needs_and_gets_a_raised_max_body_bytes() {
    let server = MockServer::start_async().await;
    // Built as text: forty thousand `json!` values would cost more than the test itself.
    let one = workspace("ws-00000").to_string();
    let items: Vec<String> = (0..40_000)
        .map(|i| one.replace("ws-00000", &format!("ws-{i:05}")))
        .collect();
    let body = format!(r#"{{"request_id":"r","data":[{}]}}"#, items.join(","));
    assert!(body.len() > MAX_BODY_BYTES, "{} bytes", body.len());
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200).body(body);
    });
    let err = builder(&server.base_url())
        .build()
        .unwrap()
        .list_workspaces()
        .await
        .unwrap_err();
    assert_limit(&err, "max_body_bytes", MAX_BODY_BYTES as u64);
    let raised = builder(&server.base_url())
        .max_body_bytes(16 * 1024 * 1024)
        .build()
        .unwrap();
    assert_eq!(raised.list_workspaces().await.unwrap().len(), 40_000);
}

#[tokio::test]
async fn reading_stops_at_the_cap_of_a_body_that_never_ends() {
    // No Content-Length, so the cap can only be enforced while reading. A client that kept
    // reading would never see the end and fail with a timeout instead.
    let server = RawServer::start(|stream| {
        stream_forever(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        )
    });
    let c = builder(&server.base_url)
        .max_body_bytes(64 * 1024)
        .build()
        .unwrap();
    let err = c.list_workspaces().await.unwrap_err();
    assert_limit(&err, "max_body_bytes", 64 * 1024);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn an_error_page_that_never_ends_is_cut_and_reported_by_its_status() {
    let server = RawServer::start(|stream| {
        stream_forever(
            stream,
            "HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n",
        )
    });
    let c = builder(&server.base_url)
        .max_body_bytes(64 * 1024)
        .max_retries(0)
        .build()
        .unwrap();
    let err = c.list_workspaces().await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert!(
        err.api_error()
            .unwrap()
            .body_snippet
            .as_deref()
            .unwrap()
            .starts_with("xxx")
    );
}

#[tokio::test]
async fn a_huge_cursor_is_the_server_s_fault_not_an_invalid_request() {
    let server = MockServer::start_async().await;
    let pages = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": [], "next_cursor": "c".repeat(100_000)}));
    });
    let err = client(&server).list_workspaces().await.unwrap_err();
    let Error::Undecodable(u) = &err else {
        panic!("expected Undecodable, got {err:?}")
    };
    assert!(u.reason.contains("cursor of 100000 bytes"), "{}", u.reason);
    assert_eq!(pages.calls(), 1);
}

#[test]
fn zero_limits_are_refused() {
    for builder in [
        Client::builder().api_key(KEY).max_body_bytes(0),
        Client::builder().api_key(KEY).max_list_items(0),
    ] {
        assert!(matches!(builder.build(), Err(Error::Config { .. })));
    }
}
