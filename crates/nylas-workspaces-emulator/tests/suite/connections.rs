//! How the server treats connections: an early answer (401, an injected fault, a rate limit)
//! keeps keep-alive working for a client that sends its body after its headers, and
//! half-open connections are closed after the header read timeout.

use crate::support;

use std::time::Duration;

use nylas_workspaces_emulator::{Emulator, EmulatorConfig, Fault, Operation, RateLimit};
use support::raw::{Raw, request_bytes};

/// Long enough that the server has answered (or would have) before the body arrives.
const PAUSE: Duration = Duration::from_millis(30);

/// Sends a POST's headers, pauses, sends its body, then a second request on the same
/// connection, and returns both statuses.
fn split_post_then_another(emulator: &Emulator, key: &str) -> (u16, u16) {
    let body = br#"{"name":"Split"}"#;
    let auth = format!("Bearer {key}");
    let headers = [
        ("Host", "127.0.0.1"),
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let full = request_bytes("POST", "/v3/workspaces", &headers, body);
    let (head, rest) = full.split_at(full.len() - body.len());
    let mut raw = Raw::connect(emulator.addr());
    raw.send(head).unwrap();
    std::thread::sleep(PAUSE);
    raw.send(rest).unwrap();
    let first = raw.read_reply().expect("the first answer arrives");
    raw.send(&request_bytes("GET", "/v3/workspaces", &headers, b""))
        .unwrap();
    let second = raw
        .read_reply()
        .expect("the second answer arrives on the same connection");
    (first.status, second.status)
}

/// Runs `rounds` split requests in parallel, so a few dozen cost about one pause.
fn every_round(emulator: &Emulator, key: &str, rounds: usize) -> Vec<(u16, u16)> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..rounds)
            .map(|_| scope.spawn(|| split_post_then_another(emulator, key)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn a_401_before_the_body_arrives_keeps_the_connection_usable() {
    let emulator = Emulator::start_default().unwrap();
    for statuses in every_round(&emulator, "wrong-key", 40) {
        assert_eq!(statuses, (401, 401));
    }
}

#[test]
fn injected_faults_and_rate_limits_keep_the_connection_usable() {
    let emulator =
        Emulator::start_blocking(EmulatorConfig::new().manual_clock(1_700_000_000)).unwrap();
    emulator.fail_next(Operation::CreateWorkspace, 20, Fault::ServiceUnavailable);
    for (first, _) in every_round(&emulator, emulator.api_key(), 20) {
        assert_eq!(first, 503);
    }
    emulator
        .set_rate_limit(Some(RateLimit {
            per_second: 1.0,
            burst: 1,
        }))
        .unwrap();
    // The clock is frozen, so after the first request every one is refused with 429.
    let statuses = every_round(&emulator, emulator.api_key(), 20);
    let all: Vec<u16> = statuses.iter().flat_map(|&(a, b)| [a, b]).collect();
    assert_eq!(all.iter().filter(|&&s| s == 200).count(), 1, "{all:?}");
    assert_eq!(all.iter().filter(|&&s| s == 429).count(), 39, "{all:?}");
}

#[test]
fn half_open_connections_are_closed_after_the_header_timeout() {
    let emulator = Emulator::start_blocking(
        EmulatorConfig::new().header_read_timeout(Duration::from_millis(200)),
    )
    .unwrap();
    let mut idle: Vec<Raw> = (0..40)
        .map(|i| {
            let mut raw = Raw::connect(emulator.addr());
            match i % 3 {
                // Nothing at all.
                0 => {}
                // Half the request line.
                1 => raw.send(b"GET /v3/works").unwrap(),
                // Every header but the blank line that ends them (slowloris).
                _ => raw
                    .send(b"GET /v3/workspaces HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n")
                    .unwrap(),
            }
            raw
        })
        .collect();
    for (i, raw) in idle.iter_mut().enumerate() {
        assert!(
            raw.closed_by_server().expect("the server closes it"),
            "connection {i} stays open"
        );
    }
    let mut fresh = Raw::connect(emulator.addr());
    fresh
        .send(&request_bytes(
            "GET",
            "/v3/workspaces",
            &[("Host", "127.0.0.1"), ("Authorization", "Bearer test-key")],
            b"",
        ))
        .unwrap();
    assert_eq!(fresh.read_reply().unwrap().status, 200);
}

#[test]
fn a_body_that_never_arrives_is_answered_408_and_closed() {
    let emulator = Emulator::start_blocking(
        EmulatorConfig::new().header_read_timeout(Duration::from_millis(200)),
    )
    .unwrap();
    let mut raw = Raw::connect(emulator.addr());
    raw.send(
        b"POST /v3/workspaces HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-key\r\n\
          Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":",
    )
    .unwrap();
    let reply = raw.read_reply().unwrap();
    reply.assert_envelope(408);
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(raw.closed_by_server().unwrap());
}

#[test]
fn a_zero_header_timeout_is_refused() {
    let err = Emulator::start_blocking(EmulatorConfig::new().header_read_timeout(Duration::ZERO))
        .unwrap_err();
    assert!(err.to_string().contains("timeout"), "{err}");
}
