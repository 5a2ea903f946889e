//! The standalone binary: flags, seed file, admin routes under `/_emulator`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// The binary, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nylas-workspaces-emulator"))
        .args(args)
        .env("NYLAS_EMULATOR_API_KEY", "bin-key")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server { child, url }
}

fn seed_file(name: &str, contents: &Value) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("nylas-emulator-{}-{name}.json", std::process::id()));
    std::fs::write(&path, contents.to_string()).unwrap();
    path
}

#[tokio::test]
async fn serves_a_seeded_application_with_admin_routes() {
    let seed = seed_file(
        "ok",
        &json!({
            "application_id": "app-1",
            "policies": ["pol-1"],
            "rules": ["rule-1"],
            "workspaces": [{"workspace_id": "ws-1", "name": "Sales", "domain": "sales.io",
                            "auto_group": true, "policy_id": "pol-1", "rule_ids": ["rule-1"]}],
            "grants": [{"grant_id": "g-1", "email": "a@sales.io"}]
        }),
    );
    let server = start(&[
        "--seed",
        seed.to_str().unwrap(),
        "--manual-clock",
        "1700000000",
    ]);
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", server.url);

    let ws: Value = http
        .get(url("/v3/workspaces/sales.io"))
        .bearer_auth("bin-key")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ws["data"]["workspace_id"], "ws-1");
    assert_eq!(ws["data"]["application_id"], "app-1");
    assert_eq!(ws["data"]["created_at"], 1_700_000_000);

    let grant: Value = http
        .get(url("/_emulator/grants/g-1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(grant["workspace_id"], "ws-1");

    let added: Value = http
        .post(url("/_emulator/grants"))
        .header("content-type", "application/json")
        .body(r#"{"email":"b@sales.io"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = added["grant_id"].as_str().unwrap();
    let grant: Value = http
        .get(url(&format!("/_emulator/grants/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(grant["workspace_id"], "ws-1", "new grants are auto-grouped");

    let bad = http
        .post(url("/_emulator/grants"))
        .header("content-type", "application/json")
        .body(r#"{"mail":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("mail"));

    let faulted = http
        .post(url("/_emulator/faults/next"))
        .header("content-type", "application/json")
        .body(r#"{"operation":"get-all-workspaces","count":1,"fault":"service_unavailable"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(faulted.status(), 200);
    let list = http
        .get(url("/v3/workspaces"))
        .bearer_auth("bin-key")
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 503);
    let calls: Value = http
        .get(url("/_emulator/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(calls["get-all-workspaces"], 1);

    let policy: Value = http
        .post(url("/_emulator/policies"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(policy["policy_id"].as_str().is_some());
    let now: Value = http
        .post(url("/_emulator/clock/advance"))
        .header("content-type", "application/json")
        .body(r#"{"seconds":60}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now["now"], 1_700_000_060);
    let state: Value = http
        .get(url("/_emulator/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["grants"].as_array().unwrap().len(), 2);
    assert!(!state.to_string().contains("bin-key"));
    std::fs::remove_file(seed).ok();
}

#[test]
fn a_bad_seed_file_is_a_clear_error_and_a_failed_exit() {
    let seed = seed_file(
        "bad",
        &json!({"workspaces": [{"name": "A", "auto_group": true}]}),
    );
    let output = Command::new(env!("CARGO_BIN_EXE_nylas-workspaces-emulator"))
        .args(["--seed", seed.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("auto_group"), "{stderr}");
    std::fs::remove_file(seed).ok();

    let output = Command::new(env!("CARGO_BIN_EXE_nylas-workspaces-emulator"))
        .args(["--port", "not-a-port"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_non_loopback_host_needs_an_admin_token() {
    let output = Command::new(env!("CARGO_BIN_EXE_nylas-workspaces-emulator"))
        .args(["--host", "0.0.0.0"])
        .env_remove("NYLAS_EMULATOR_ADMIN_TOKEN")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("admin token"), "{stderr}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_nylas-workspaces-emulator"))
        .args(["--host", "0.0.0.0"])
        .env("NYLAS_EMULATOR_ADMIN_TOKEN", "bin-admin")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.starts_with("listening on http://0.0.0.0:"), "{line:?}");
    assert!(!line.contains("bin-admin"));
}
