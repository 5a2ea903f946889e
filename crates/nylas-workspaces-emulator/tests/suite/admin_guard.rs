//! The admin routes cannot be driven by a web page (form POST, DNS rebinding) and, off
//! loopback, only with the admin token given at start-up.

use crate::support;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use nylas_workspaces_emulator::{Emulator, EmulatorConfig, EmulatorError};
use support::raw::one_shot;

const JSON: (&str, &str) = ("Content-Type", "application/json");
const FAULT: &[u8] = br#"{"operation":"get-all-workspaces","count":1,"fault":"bad_gateway"}"#;

fn post_fault(addr: SocketAddr, headers: &[(&str, &str)]) -> support::raw::RawReply {
    one_shot(addr, "POST", "/_emulator/faults/next", headers, FAULT).unwrap()
}

#[test]
fn loopback_hosts_with_json_bodies_are_served() {
    let emulator = Emulator::start_default().unwrap();
    for host in ["127.0.0.1", "localhost:8080", "[::1]:1234"] {
        assert_eq!(
            post_fault(emulator.addr(), &[("Host", host), JSON]).status,
            200
        );
    }
    // A request without a body needs no content type.
    let added = one_shot(
        emulator.addr(),
        "POST",
        "/_emulator/policies",
        &[("Host", "127.0.0.1")],
        b"",
    )
    .unwrap();
    assert_eq!(added.status, 200);
}

#[test]
fn a_foreign_host_is_refused_so_dns_rebinding_cannot_read_the_state() {
    let emulator = Emulator::start_default().unwrap();
    for host in [
        "evil.example",
        "evil.example:8080",
        "127.0.0.1.evil.example",
    ] {
        let reply = one_shot(
            emulator.addr(),
            "GET",
            "/_emulator/state",
            &[("Host", host)],
            b"",
        )
        .unwrap();
        assert!(reply.assert_admin_error(403).contains("Host"));
    }
    let no_host = one_shot(emulator.addr(), "GET", "/_emulator/state", &[], b"").unwrap();
    no_host.assert_admin_error(403);
}

#[test]
fn a_form_post_from_a_web_page_changes_nothing() {
    let emulator = Emulator::start_default().unwrap();
    let host = ("Host", "127.0.0.1");
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data",
    ] {
        post_fault(emulator.addr(), &[host, ("Content-Type", content_type)])
            .assert_admin_error(415);
    }
    post_fault(emulator.addr(), &[host]).assert_admin_error(415);
    // A page of another site is refused even with a JSON body or no body at all.
    post_fault(
        emulator.addr(),
        &[host, JSON, ("Origin", "https://evil.example")],
    )
    .assert_admin_error(403);
    let empty = one_shot(
        emulator.addr(),
        "POST",
        "/_emulator/policies",
        &[host, ("Origin", "null")],
        b"",
    )
    .unwrap();
    empty.assert_admin_error(403);
    assert!(emulator.add_policy_with_id("p").is_ok());
    assert_eq!(
        one_shot(emulator.addr(), "GET", "/_emulator/policies", &[host], b"")
            .unwrap()
            .json(),
        serde_json::json!(["p"]),
        "no policy was added by the refused requests"
    );
    // None of the refused fault requests took effect.
    let list = one_shot(
        emulator.addr(),
        "GET",
        "/v3/workspaces",
        &[host, ("Authorization", "Bearer test-key")],
        b"",
    )
    .unwrap();
    assert_eq!(list.status, 200);
}

#[test]
fn a_non_loopback_address_needs_an_admin_token() {
    let anywhere = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    let err = Emulator::start_blocking(EmulatorConfig::new().host(anywhere)).unwrap_err();
    assert!(matches!(err, EmulatorError::InvalidConfig(_)), "{err}");
    assert!(err.to_string().contains("admin token"), "{err}");
    let blank = EmulatorConfig::new().host(anywhere).admin_token("  ");
    assert!(Emulator::start_blocking(blank).is_err());
}

#[test]
fn with_a_token_the_admin_routes_need_it_and_accept_any_host() {
    let emulator = Emulator::start_blocking(
        EmulatorConfig::new()
            .host(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
            .admin_token("s3cret-admin"),
    )
    .unwrap();
    assert!(!format!("{emulator:?}").contains("s3cret-admin"));
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, emulator.addr().port()));
    let host = ("Host", "emulator.internal:9000");
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("s3cret-admin"),
        Some("Bearer test-key"),
    ] {
        let mut headers = vec![host, JSON];
        if let Some(auth) = auth {
            headers.push(("Authorization", auth));
        }
        let refused = post_fault(addr, &headers);
        let message = refused.assert_admin_error(401);
        assert!(!message.contains("s3cret"), "{message}");
        assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    }
    let accepted = post_fault(
        addr,
        &[host, JSON, ("Authorization", "Bearer s3cret-admin")],
    );
    assert_eq!(accepted.status, 200, "{:?}", accepted.json());
    // The API itself still takes the API key, not the admin token.
    let api = one_shot(
        addr,
        "GET",
        "/v3/workspaces",
        &[host, ("Authorization", "Bearer test-key")],
        b"",
    )
    .unwrap();
    assert_eq!(api.status, 502, "the injected fault applies");
}
