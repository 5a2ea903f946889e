//! The crate's `tracing` events, as structured fields a log pipeline can filter on: each
//! retry (wait and reason), each wait for the rate limiter, each `Retry-After` pause the
//! limiter shares, each finished bulk chunk. A server that echoes the API key everywhere it
//! can must not get it into any of them. Time is simulated, so nothing here sleeps.

mod common;

use std::sync::Arc;

use common::capture::Capture;
use common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;
use nylas_workspaces::pacing::ManualClock;
use nylas_workspaces::{Client, ManualAssign, ManualAssignOptions, RateLimit};
use serde_json::json;
use tracing::Level;

/// A client on a manual clock (waits return at once, moving the clock).
fn paced_client(server: &MockServer, limit: RateLimit) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .clock(Arc::new(ManualClock::new()))
        .rate_limit(limit)
        .build()
        .unwrap()
}

/// A 503 whose body and headers repeat the key, as a broken proxy might.
fn echoing_503() -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(503)
        .header("content-type", "application/json")
        .header("x-request-id", format!("req-{KEY}"))
        .body(
            error_body(
                &format!("req-{KEY}"),
                "unavailable",
                &format!("bad key {KEY}"),
            )
            .to_string(),
        )
        .build()
}

#[test]
fn a_retry_is_a_debug_event_with_its_wait_and_reason_inside_the_attempt() {
    let server = MockServer::start();
    scripted(
        &server,
        vec![
            echoing_503(),
            HttpMockResponse::builder()
                .status(200)
                .header("x-request-id", format!("ok-{KEY}"))
                .body(json!({"data": workspace("ws-1")}).to_string())
                .build(),
        ],
    );
    let capture = Capture::default();
    let ws = capture.run(async { client(&server).get_workspace("ws-1").await.unwrap() });
    assert!(!ws.request_id.unwrap().contains(KEY));

    let retries = capture.events_named("retrying");
    assert_eq!(retries.len(), 1, "{:?}", capture.events());
    let retry = &retries[0];
    assert_eq!(retry.level, Level::DEBUG);
    assert_eq!(retry.fields["reason"], "server_error");
    assert!(retry.fields["wait_ms"].parse::<u64>().is_ok(), "{retry:?}");
    assert_eq!(retry.span.as_deref(), Some("nylas_workspaces.attempt"));
    let everything = capture.everything();
    assert!(everything.contains("<redacted>"), "{everything}");
    assert!(!everything.contains(KEY), "{everything}");
}

#[test]
fn waiting_for_the_limiter_is_a_debug_event_with_the_wait() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": workspace("ws-1")}));
    });
    let client = paced_client(&server, RateLimit::new(2.0).burst(1));
    let capture = Capture::default();
    capture.run(async {
        client.get_workspace("ws-1").await.unwrap();
        client.get_workspace("ws-1").await.unwrap();
    });
    let waits = capture.events_named("waiting for the rate limiter");
    assert_eq!(waits.len(), 1, "{:?}", capture.events());
    assert_eq!(waits[0].level, Level::DEBUG);
    assert_eq!(waits[0].fields["wait_ms"], "500");
    assert_eq!(waits[0].fields["paused"], "false");
}

#[test]
fn a_retry_after_pause_is_an_info_event_and_then_every_caller_waits_it_out() {
    let server = MockServer::start();
    scripted(
        &server,
        vec![
            HttpMockResponse::builder()
                .status(429)
                .header("retry-after", "3")
                .header("x-request-id", format!("req-{KEY}"))
                .body("")
                .build(),
            json_response(200, &json!({"request_id": "r", "data": workspace("ws-1")})),
        ],
    );
    let client = paced_client(&server, RateLimit::new(100.0));
    let capture = Capture::default();
    capture.run(async { client.get_workspace("ws-1").await.unwrap() });

    let pauses = capture.events_named("the server asked for a pause");
    assert_eq!(pauses.len(), 1, "{:?}", capture.events());
    assert_eq!(pauses[0].level, Level::INFO);
    assert_eq!(pauses[0].fields["wait_ms"], "3000");
    let retry = &capture.events_named("retrying")[0];
    assert_eq!(retry.fields["reason"], "rate_limited");
    assert_eq!(retry.fields["wait_ms"], "3000");
    // The retry slept the 3 s on the clock, so the limiter lets it through at once: a
    // paused wait only shows when another caller arrives during the pause (next test).
    assert!(!capture.everything().contains(KEY));
}

#[test]
fn a_caller_arriving_during_a_pause_waits_for_it_and_says_so() {
    let server = MockServer::start();
    scripted(
        &server,
        vec![
            HttpMockResponse::builder()
                .status(429)
                .header("retry-after", "2")
                .body("")
                .build(),
            json_response(200, &json!({"request_id": "r", "data": workspace("ws-1")})),
        ],
    );
    let client = paced_client(&server, RateLimit::new(100.0));
    let no_retries = client
        .with_options(nylas_workspaces::RequestOptions::new().max_retries(0))
        .unwrap();
    let capture = Capture::default();
    capture.run(async {
        // Refused with a 2 s pause that it does not wait out itself...
        assert!(no_retries.get_workspace("ws-1").await.is_err());
        // ...so the next caller meets the pause in the limiter.
        client.get_workspace("ws-1").await.unwrap();
    });
    let waits = capture.events_named("waiting for the rate limiter");
    assert_eq!(waits.len(), 1, "{:?}", capture.events());
    assert_eq!(waits[0].fields["paused"], "true");
    assert_eq!(waits[0].fields["wait_ms"], "2000");
}

#[test]
fn each_finished_bulk_chunk_is_an_info_event_with_its_counts_and_request_id() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": workspace("ws-1")}));
    });
    server.mock(|when, then| {
        when.method(POST)
            .path("/v3/workspaces/ws-1/manual-assign")
            .body_includes(r#""g-0""#);
        then.status(200).json_body(json!({
            "request_id": "req-chunk-0",
            // One id of the chunk is not confirmed: unmatched.
            "data": {"grants_assigned": (1..500).map(|i| format!("g-{i}")).chain(["g-0".to_owned()]).filter(|g| g != "g-7").collect::<Vec<_>>(), "grants_removed": ["r-0"]}
        }));
    });
    server.mock(|when, then| {
        when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
        then.status(400)
            .header("x-request-id", format!("req-{KEY}"))
            .json_body(error_body(
                "req-400",
                "invalid_request_error",
                &format!("no {KEY}"),
            ));
    });
    let grants: Vec<String> = (0..600).map(|i| format!("g-{i}")).collect();
    let capture = Capture::default();
    let outcome = capture.run(async {
        client(&server)
            .manual_assign_with(
                "ws-1",
                ManualAssign::new().assign(grants).remove(["r-0"]),
                ManualAssignOptions::new().concurrency(1).pacing(false),
            )
            .await
            .unwrap_err()
    });
    let nylas_workspaces::Error::BulkPartial(outcome) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(outcome.failed.len(), 100);

    let mut chunks = capture.events_named("manual-assign chunk finished");
    assert_eq!(chunks.len(), 2, "{:?}", capture.events());
    chunks.sort_by(|a, b| a.fields["chunk"].cmp(&b.fields["chunk"]));
    let (first, second) = (&chunks[0].fields, &chunks[1].fields);
    assert!(chunks.iter().all(|c| c.level == Level::INFO));
    assert_eq!(first["chunk"], "0");
    assert_eq!(first["assigned"], "499");
    assert_eq!(first["removed"], "1");
    assert_eq!(first["unmatched"], "1");
    assert_eq!(first["failed"], "0");
    assert_eq!(first["request_id"], "req-chunk-0");
    assert_eq!(second["chunk"], "1");
    assert_eq!(second["assigned"], "0");
    assert_eq!(second["failed"], "100");
    assert!(!second.contains_key("request_id"), "{second:?}");
    assert!(second["error"].contains("400"), "{second:?}");
    assert!(
        !capture.everything().contains(KEY),
        "{}",
        capture.everything()
    );
}
