//! Every error of the emulated API is Nylas's envelope with a `request_id`, including the
//! ones a web framework usually answers in plain text (body too large, no or wrong content
//! type, unknown route, wrong method, unreadable path or query); admin errors are
//! `{"error": ...}` JSON.

use crate::support;

use nylas_workspaces_emulator::{Emulator, MAX_ADMIN_BODY_BYTES, MAX_API_BODY_BYTES};
use support::raw::{Raw, one_shot, request_bytes};

const KEY: (&str, &str) = ("Authorization", "Bearer test-key");
const HOST: (&str, &str) = ("Host", "127.0.0.1");
const JSON: (&str, &str) = ("Content-Type", "application/json");

fn emulator() -> Emulator {
    Emulator::start_default().unwrap()
}

/// Sends only the headers of a POST whose declared body is one byte over `limit`: the
/// server answers without waiting for (or reading) the body.
fn declare_too_big(emulator: &Emulator, path: &str, limit: usize) -> support::raw::RawReply {
    let mut raw = Raw::connect(emulator.addr());
    let length = (limit + 1).to_string();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-key\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    );
    raw.send(head.as_bytes()).unwrap();
    let reply = raw.read_reply().unwrap();
    assert_eq!(reply.header("connection"), Some("close"));
    reply
}

#[test]
fn a_body_over_the_limit_is_413_in_the_envelope_and_closes_the_connection() {
    let emulator = emulator();
    let body =
        declare_too_big(&emulator, "/v3/workspaces", MAX_API_BODY_BYTES).assert_envelope(413);
    assert_eq!(body["error"]["type"], "invalid_request_payload");
    assert_eq!(emulator.workspaces().len(), 1, "nothing was created");
}

#[test]
fn a_chunked_body_over_the_limit_is_413_too() {
    let emulator = emulator();
    let mut raw = Raw::connect(emulator.addr());
    raw.send(
        b"POST /v3/workspaces HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-key\r\n\
          Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    .unwrap();
    // Chunks of 64 KiB until the limit is passed; the server may stop reading early.
    let chunk = vec![b' '; 64 * 1024];
    let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
    for _ in 0..=(MAX_API_BODY_BYTES / chunk.len()) {
        if raw.send(&frame).is_err() {
            break;
        }
    }
    raw.read_reply().unwrap().assert_envelope(413);
}

#[test]
fn a_body_at_the_limit_is_read() {
    let emulator = emulator();
    let padding = " ".repeat(MAX_API_BODY_BYTES - 20);
    let body = format!(r#"{{"name":"Big"{padding}}}"#);
    assert!(body.len() <= MAX_API_BODY_BYTES);
    let reply = one_shot(
        emulator.addr(),
        "POST",
        "/v3/workspaces",
        &[HOST, KEY, JSON],
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(reply.status, 200, "{:?}", reply.json());
}

#[test]
fn malformed_json_and_missing_or_wrong_content_types_are_envelopes() {
    let emulator = emulator();
    let post = |headers: &[(&str, &str)], body: &str| {
        one_shot(
            emulator.addr(),
            "POST",
            "/v3/workspaces",
            headers,
            body.as_bytes(),
        )
        .unwrap()
    };
    post(&[HOST, KEY, JSON], "{not json").assert_envelope(400);
    post(&[HOST, KEY, JSON], "").assert_envelope(400);
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut headers = vec![HOST, KEY];
        if let Some(value) = content_type {
            headers.push(("Content-Type", value));
        }
        let body = post(&headers, r#"{"name":"Typed"}"#).assert_envelope(415);
        assert_eq!(body["error"]["type"], "invalid_request_payload");
    }
    let patch = one_shot(
        emulator.addr(),
        "PATCH",
        &format!(
            "/v3/workspaces/{}",
            emulator.default_workspace_id().unwrap()
        ),
        &[HOST, KEY, ("Content-Type", "text/plain")],
        b"{}",
    )
    .unwrap();
    patch.assert_envelope(415);
    assert_eq!(emulator.workspaces().len(), 1, "nothing was created");
}

#[test]
fn unknown_routes_wrong_methods_and_bad_paths_or_queries_are_envelopes() {
    let emulator = emulator();
    let call = |method: &str, path: &str| {
        one_shot(emulator.addr(), method, path, &[HOST, KEY], b"").unwrap()
    };
    call("GET", "/nope").assert_envelope(404);
    call("GET", "/v3/workspaces/a/b/c").assert_envelope(404);
    call("PUT", "/v3/workspaces").assert_envelope(405);
    call("POST", "/v3/workspaces/some-id").assert_envelope(405);
    call("PUT", "/v3/workspaces/auto-group").assert_envelope(405);
    call("GET", "/v3/workspaces/%FF%FE").assert_envelope(404);
    call("GET", "/v3/workspaces?limit=%FF").assert_envelope(400);
    call("GET", "/v3/workspaces?limit=99999999999999999999").assert_envelope(400);
    call("GET", "/v3/workspaces?page_token=-1").assert_envelope(400);
    // Without a key, the same mistakes are a 401 envelope.
    let unauthenticated = one_shot(emulator.addr(), "GET", "/nope", &[HOST], b"").unwrap();
    unauthenticated.assert_envelope(401);
}

#[test]
fn a_page_token_past_the_end_is_an_empty_page_not_a_panic() {
    let emulator = emulator();
    let reply = one_shot(
        emulator.addr(),
        "GET",
        "/v3/workspaces?limit=2147483647&page_token=18446744073709551615",
        &[HOST, KEY],
        b"",
    )
    .unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["data"], serde_json::json!([]));
}

#[test]
fn admin_errors_of_the_framework_are_json_too() {
    let emulator = emulator();
    declare_too_big(&emulator, "/_emulator/seed", MAX_ADMIN_BODY_BYTES).assert_admin_error(413);
    let call =
        |method: &str, path: &str| one_shot(emulator.addr(), method, path, &[HOST], b"").unwrap();
    call("DELETE", "/_emulator/health").assert_admin_error(405);
    call("GET", "/_emulator/nope").assert_admin_error(404);
    call("GET", "/_emulator/grants/%FF").assert_admin_error(400);
}

#[test]
fn a_rejected_answer_still_leaves_keep_alive_working() {
    let emulator = emulator();
    let mut raw = Raw::connect(emulator.addr());
    raw.send(&request_bytes("GET", "/nope", &[HOST, KEY], b""))
        .unwrap();
    raw.read_reply().unwrap().assert_envelope(404);
    raw.send(&request_bytes(
        "POST",
        "/v3/workspaces",
        &[HOST, KEY, ("Content-Type", "text/plain")],
        b"{}",
    ))
    .unwrap();
    raw.read_reply().unwrap().assert_envelope(415);
    raw.send(&request_bytes("GET", "/v3/workspaces", &[HOST, KEY], b""))
        .unwrap();
    assert_eq!(raw.read_reply().unwrap().status, 200);
}
