//! The connection flags under values meant to break them: a server asking for a long wait,
//! timeouts no duration can hold, a plain-http URL off this machine, and a redirect pointing
//! the request (and its key) somewhere else.

use crate::common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{CANARY_KEY, Env, bare_cli, run};
use nylas_workspaces_emulator::{EmulatorConfig, Fault, Operation};

#[test]
fn a_retry_after_above_max_retry_wait_is_returned_at_once() {
    let env = Env::with_config(
        EmulatorConfig::new()
            .api_key(CANARY_KEY)
            .retry_after_secs(3),
    );
    env.emulator
        .fail_next(Operation::ListWorkspaces, 1, Fault::TooManyRequests);
    let text = env.run(&["list", "--max-retry-wait", "1"]).expect_code(1);
    assert!(text.stderr.contains("status: 429"), "{}", text.stderr);
    assert!(text.stderr.contains("retry after 3 s"), "{}", text.stderr);
    // Not retried: the one attempt is all the emulator saw.
    assert_eq!(env.emulator.calls(Operation::ListWorkspaces), 1);

    env.emulator
        .fail_next(Operation::ListWorkspaces, 1, Fault::TooManyRequests);
    let json = env
        .run_json(&["list", "--max-retry-wait", "0.5"])
        .expect_code(1)
        .json();
    assert_eq!(json["error"]["retry_after_secs"], 3.0);
    assert_eq!(env.emulator.calls(Operation::ListWorkspaces), 2);
}

#[test]
fn unusable_seconds_are_usage_errors() {
    let env = Env::new();
    for args in [
        ["list", "--timeout", "1e300"],
        ["list", "--timeout", "inf"],
        ["list", "--timeout", "NaN"],
        ["list", "--max-retry-wait", "1e300"],
        ["list", "--max-retry-wait", "NaN"],
        ["list", "--max-retry-wait=-1", "--json"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        let flag = args[1].split('=').next().unwrap();
        assert!(
            out.stderr.contains(&format!("'{flag} <SECONDS>'")),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
    }
    assert_eq!(env.emulator.calls(Operation::ListWorkspaces), 0);
    let help = env.run(&["--help"]).expect_code(0).stdout;
    assert!(help.contains("--max-retry-wait"), "{help}");
    assert!(help.contains("[default: 10]"), "{help}");
    assert!(help.contains("per attempt"), "{help}");
}

#[test]
fn plain_http_off_this_machine_is_refused_naming_the_flag_that_allows_it() {
    let env = Env::new();
    // 0.0.0.0 is not a loopback address to the crate, yet on Linux connecting to it reaches
    // this machine, where the emulator listens.
    let url = format!("http://0.0.0.0:{}", env.emulator.addr().port());
    let cli = || {
        let mut cmd = env.cli();
        cmd.env("NYLAS_API_URI", &url);
        for proxy in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            cmd.env_remove(proxy);
        }
        cmd
    };
    let refused = run(cli().args(["list", "--max-retries", "0"])).expect_code(2);
    assert!(
        refused.stderr.contains("pass --allow-insecure-http"),
        "{}",
        refused.stderr
    );
    let json = run(cli().args(["list", "--max-retries", "0", "--json"]))
        .expect_code(2)
        .json();
    assert_eq!(json["error"]["kind"], "config");
    assert_eq!(env.emulator.calls(Operation::ListWorkspaces), 0);

    let allowed = run(cli().args(["list", "--allow-insecure-http", "--json"])).expect_code(0);
    assert_eq!(allowed.json().as_array().unwrap().len(), 1);
    assert_eq!(env.emulator.calls(Operation::ListWorkspaces), 1);
    allowed.assert_no_key();
}

/// Reads one request head from `stream`.
fn read_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
}

#[test]
fn a_redirect_is_not_followed() {
    // The place the redirect points to: it counts whatever reaches it, and would answer as
    // Nylas does, so following the redirect would succeed.
    let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
    let elsewhere_url = format!("http://{}/v3/workspaces", elsewhere.local_addr().unwrap());
    let reached = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&reached);
    std::thread::spawn(move || {
        for stream in elsewhere.incoming() {
            let Ok(mut stream) = stream else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            read_head(&mut stream);
            let body = r#"{"request_id":"r","data":[]}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let redirecting = TcpListener::bind("127.0.0.1:0").unwrap();
    let api = format!("http://{}", redirecting.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in redirecting.incoming() {
            let Ok(mut stream) = stream else { return };
            read_head(&mut stream);
            let _ = write!(
                stream,
                "HTTP/1.1 307 Temporary Redirect\r\nlocation: {elsewhere_url}\r\n\
                 content-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    let out = run(bare_cli()
        .env("NYLAS_API_KEY", CANARY_KEY)
        .env("NYLAS_API_URI", &api)
        .args(["list", "--max-retries", "0"]));
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
    out.assert_no_key();
}
