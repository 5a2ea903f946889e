//! What the server (or an argument taken from a hostile file) sends must be shown, not obeyed:
//! escape sequences, carriage returns, backspaces and bidi overrides in workspace fields and
//! error messages reach the terminal escaped, while `--json` still returns the exact strings.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::{CANARY_KEY, Env, Run, bare_cli, run};
use nylas_workspaces_emulator::NewWorkspace;

/// A colour change, a window-title OSC, a carriage return and backspace that could overwrite
/// what was printed, DEL, a C1 CSI, and a right-to-left override.
const HOSTILE: &str = "Sales\u{1b}[31m\u{1b}]0;pwned\u{7}\r\u{8}\u{7f}\u{9b}2J\u{202e}evil\u{2066}";

/// Fails when `text` holds anything a terminal would act on: a C0 byte other than a newline,
/// DEL, a C1 control, or a bidi control.
fn assert_inert(what: &str, text: &str) {
    for (at, c) in text.char_indices() {
        let code = u32::from(c);
        let bad = (code < 0x20 && c != '\n')
            || code == 0x7f
            || (0x80..=0x9f).contains(&code)
            || (0x202a..=0x202e).contains(&code)
            || (0x2066..=0x2069).contains(&code);
        assert!(!bad, "{what}: raw {c:?} at byte {at} in {text:?}");
    }
}

fn assert_run_inert(what: &str, run: &Run) {
    assert_inert(&format!("{what} stdout"), &run.stdout);
    assert_inert(&format!("{what} stderr"), &run.stderr);
}

fn hostile_workspace(env: &Env) -> String {
    env.emulator
        .add_workspace(NewWorkspace::new(HOSTILE).domain("hostile.example.com"))
        .unwrap()
}

#[test]
fn list_shows_a_hostile_name_escaped_and_json_returns_it_exactly() {
    let env = Env::new();
    hostile_workspace(&env);

    let table = env.run(&["list"]).expect_code(0);
    assert_run_inert("list", &table);
    assert!(
        table
            .stdout
            .contains(r"Sales\u{1b}[31m\u{1b}]0;pwned\u{7}\u{d}\u{8}"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains(r"\u{202e}evil"), "{}", table.stdout);

    let json = env.run_json(&["list"]).expect_code(0);
    assert_run_inert("list --json", &json);
    let names: Vec<String> = json
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.iter().any(|n| n == HOSTILE), "{names:?}");
}

#[test]
fn get_shows_a_hostile_name_escaped_and_json_returns_it_exactly() {
    let env = Env::new();
    let id = hostile_workspace(&env);

    let detail = env.run(&["get", &id]).expect_code(0);
    assert_run_inert("get", &detail);
    assert!(detail.stdout.contains(r"\u{9b}2J"), "{}", detail.stdout);

    let json = env.run_json(&["get", &id]).expect_code(0);
    assert_run_inert("get --json", &json);
    assert_eq!(json.json()["name"], HOSTILE);
}

#[test]
fn an_error_message_echoing_a_hostile_id_is_escaped() {
    let env = Env::new();
    // The crate refuses an id with control characters before sending, and its message quotes
    // the id: the quote must reach the terminal escaped, not obeyed.
    let text = env.run(&["get", HOSTILE]).expect_code(2);
    assert!(
        text.stderr.contains("workspace_id_invalid"),
        "{}",
        text.stderr
    );
    assert!(text.stderr.contains(r"\u{1b}]0;pwned"), "{}", text.stderr);
    assert_run_inert("get <hostile id>", &text);

    let json = env.run_json(&["get", HOSTILE]).expect_code(2);
    assert_run_inert("get <hostile id> --json", &json);
    assert_eq!(json.json()["error"]["rule"], "workspace_id_invalid");
}

/// A one-shot server answering every request with `status` and `body`.
fn answering(status: &str, content_type: &str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n",
        body.len()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    url
}

#[test]
fn a_server_error_message_and_body_snippet_are_escaped() {
    let error_body = "{\"request_id\":\"r\\u001b[2J\",\"error\":{\"type\":\"invalid\\u001b]0;x\\u0007\",\
                      \"message\":\"bad\\r\\u0008\\u202e\\u009b news\"}}";
    let not_json = "<html>\u{1b}]0;pwned\u{7}\r\u{202e}</html>";
    for (status, content_type, body) in [
        ("400 Bad Request", "application/json", error_body),
        ("502 Bad Gateway", "text/html", not_json),
        ("200 OK", "application/json", not_json),
    ] {
        let url = answering(status, content_type, body);
        for json in [false, true] {
            let mut cmd = bare_cli();
            cmd.env("NYLAS_API_KEY", CANARY_KEY)
                .env("NYLAS_API_URI", &url)
                .args(["list", "--max-retries", "0"]);
            if json {
                cmd.arg("--json");
            }
            let out = run(&mut cmd);
            assert_ne!(out.code, 0, "{status}: {}", out.stderr);
            assert_run_inert(&format!("{status} json={json}"), &out);
            if json {
                // Still one exact JSON document.
                assert!(out.json()["error"]["message"].is_string(), "{}", out.stdout);
            } else {
                assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
            }
        }
    }
}

#[test]
fn an_argument_clap_quotes_back_is_escaped() {
    let out = run(bare_cli().args(["list", "--region", HOSTILE]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--region"), "{}", out.stderr);
    assert_run_inert("--region <hostile>", &out);
    // Help keeps its layout.
    let help = run(bare_cli().arg("--help"));
    assert_eq!(help.code, 0);
    assert!(help.stdout.lines().count() > 10, "{}", help.stdout);
    assert_run_inert("--help", &help);
}
