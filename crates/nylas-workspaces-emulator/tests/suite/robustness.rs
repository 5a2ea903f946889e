//! No input breaks the emulator: extreme admin values are refused or survived, and a random
//! mix of admin and API calls never makes it panic, drop a connection or answer an API error
//! outside Nylas's envelope.

use crate::support;

use nylas_workspaces_emulator::{Emulator, EmulatorConfig};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use support::raw::{RawReply, is_envelope, one_shot};

const HOST: (&str, &str) = ("Host", "127.0.0.1");
const KEY: (&str, &str) = ("Authorization", "Bearer test-key");
const JSON: (&str, &str) = ("Content-Type", "application/json");

fn admin(emulator: &Emulator, method: &str, path: &str, body: &str) -> RawReply {
    let headers: &[(&str, &str)] = if body.is_empty() {
        &[HOST]
    } else {
        &[HOST, JSON]
    };
    one_shot(
        emulator.addr(),
        method,
        &format!("/_emulator{path}"),
        headers,
        body.as_bytes(),
    )
    .expect("the admin route answers")
}

fn api(emulator: &Emulator, method: &str, path: &str, body: &str) -> RawReply {
    one_shot(
        emulator.addr(),
        method,
        path,
        &[HOST, KEY, JSON],
        body.as_bytes(),
    )
    .expect("the API answers")
}

#[test]
fn a_clock_at_the_end_of_time_does_not_break_auto_group() {
    let emulator = Emulator::start_default().unwrap();
    admin(
        &emulator,
        "PUT",
        "/clock",
        r#"{"now": 9223372036854775807}"#,
    )
    .assert_admin_error(400);
    admin(
        &emulator,
        "PUT",
        "/clock",
        r#"{"now": -9223372036854775808}"#,
    )
    .assert_admin_error(400);
    // Through the Rust API the clock is held at the end of year 9999 instead.
    emulator.set_clock(i64::MAX);
    assert_eq!(
        api(&emulator, "POST", "/v3/workspaces/auto-group", "").status,
        200
    );
    let again = api(&emulator, "POST", "/v3/workspaces/auto-group", "");
    again.assert_envelope(429);
    assert_eq!(again.header("retry-after"), Some("60"));
    emulator.set_clock(i64::MIN);
    api(&emulator, "POST", "/v3/workspaces/auto-group", "").assert_envelope(429);
    emulator.set_clock(i64::MAX);
    emulator.advance_clock(std::time::Duration::MAX);
    api(&emulator, "POST", "/v3/workspaces/auto-group", "").assert_envelope(429);
    assert_eq!(admin(&emulator, "GET", "/health", "").status, 200);
}

#[test]
fn absurd_admin_values_are_refused_with_400() {
    let emulator = Emulator::start_default().unwrap();
    for (method, path, body) in [
        ("PUT", "/faults", r#"{"latency_ms": 18446744073709551615}"#),
        ("PUT", "/faults", r#"{"latency_ms": 600001}"#),
        ("PUT", "/faults", r#"{"rates": {"bad_gateway": 1.5}}"#),
        ("POST", "/clock/advance", r#"{"seconds": 1e300}"#),
        ("POST", "/clock/advance", r#"{"seconds": -1}"#),
        (
            "POST",
            "/clock/advance",
            r#"{"seconds": 9223372036854775807}"#,
        ),
        ("PUT", "/clock", r#"{"now": 253402300800}"#),
        (
            "PUT",
            "/rate-limit",
            r#"{"per_second": 1e-300, "burst": 1}"#,
        ),
        ("PUT", "/rate-limit", r#"{"per_second": 1, "burst": 0}"#),
        (
            "POST",
            "/faults/next",
            r#"{"count": -1, "fault": "bad_gateway"}"#,
        ),
    ] {
        let reply = admin(&emulator, method, path, body);
        assert_eq!(
            reply.status,
            400,
            "{method} {path} {body}: {:?}",
            reply.json()
        );
    }
    // None of them took effect: the API answers at once and without faults.
    assert_eq!(api(&emulator, "GET", "/v3/workspaces", "").status, 200);
    let start = EmulatorConfig::new().manual_clock(i64::MAX);
    assert!(Emulator::start_blocking(start).is_err());
    let slow = EmulatorConfig::new().latency(std::time::Duration::from_secs(601));
    assert!(Emulator::start_blocking(slow).is_err());
}

/// One step of a random session.
#[derive(Debug, Clone)]
enum Step {
    Admin(&'static str, &'static str, String),
    Api(&'static str, String, String),
}

fn extreme_i64() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MAX),
        Just(i64::MIN),
        Just(0),
        Just(253_402_300_799),
        Just(-62_135_596_800),
        any::<i64>(),
        1_600_000_000i64..1_800_000_000,
    ]
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1e300".to_owned()),
        Just("-1".to_owned()),
        Just("0".to_owned()),
        Just("18446744073709551615".to_owned()),
        Just("0.5".to_owned()),
        Just("\"x\"".to_owned()),
        (0u32..120).prop_map(|n| n.to_string()),
    ]
}

/// Faults that answer (connection resets are left out: a dropped connection is what this
/// test looks for).
fn fault() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("too_many_requests"),
        Just("internal_server_error"),
        Just("bad_gateway"),
        Just("service_unavailable"),
    ]
}

fn operation() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("get-all-workspaces"),
        Just("create-workspace"),
        Just("get-workspace"),
        Just("update-workspace"),
        Just("delete-workspace"),
        Just("autogroup-workspace"),
        Just("manually-assign-workspace"),
    ]
}

fn admin_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        extreme_i64().prop_map(|n| Step::Admin("PUT", "/clock", format!(r#"{{"now":{n}}}"#))),
        number_text()
            .prop_map(|n| Step::Admin("POST", "/clock/advance", format!(r#"{{"seconds":{n}}}"#))),
        (0.0f64..0.3, prop_oneof![Just(0u64), Just(1), Just(600_001), Just(u64::MAX)], any::<u64>(), any::<u64>())
            .prop_map(|(rate, latency, seed, retry)| Step::Admin(
                "PUT",
                "/faults",
                format!(
                    r#"{{"rates":{{"bad_gateway":{rate},"too_many_requests":{rate}}},"latency_ms":{latency},"seed":{seed},"retry_after_secs":{retry}}}"#
                )
            )),
        Just(Step::Admin("DELETE", "/faults", String::new())),
        (operation(), 0u32..4, fault(), any::<bool>()).prop_map(|(op, count, fault, after)| {
            Step::Admin(
                "POST",
                "/faults/next",
                format!(
                    r#"{{"operation":"{op}","count":{count},"fault":"{fault}","after_handling":{after}}}"#
                ),
            )
        }),
        (number_text(), any::<u32>()).prop_map(|(rate, burst)| Step::Admin(
            "PUT",
            "/rate-limit",
            format!(r#"{{"per_second":{rate},"burst":{burst}}}"#)
        )),
        Just(Step::Admin("DELETE", "/rate-limit", String::new())),
        "[a-z]{1,6}@[a-z]{1,4}\\.io".prop_map(|email| Step::Admin(
            "POST",
            "/grants",
            format!(r#"{{"email":"{email}"}}"#)
        )),
        Just(Step::Admin("POST", "/policies", String::new())),
        Just(Step::Admin("GET", "/state", String::new())),
    ]
}

fn workspace_id() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("auto-group".to_owned()),
        Just("%FF".to_owned()),
        Just("a.io".to_owned()),
        Just("".to_owned()),
        "[a-z0-9.-]{1,12}",
    ]
}

fn api_body() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("{".to_owned()),
        Just("null".to_owned()),
        Just("[]".to_owned()),
        "[a-z]{1,8}".prop_map(|name| format!(r#"{{"name":"{name}"}}"#)),
        ("[a-z]{1,8}", "[a-z]{1,3}\\.io", any::<bool>()).prop_map(|(name, domain, auto)| format!(
            r#"{{"name":"{name}","domain":"{domain}","auto_group":{auto}}}"#
        )),
        extreme_i64().prop_map(|t| format!(r#"{{"after_created_at":{t},"invalid_also":true}}"#)),
        proptest::collection::vec("[a-z0-9-]{1,8}", 0..4).prop_map(|ids| {
            serde_json::json!({"assign_grants": ids, "remove_grants": ids}).to_string()
        }),
        ".{0,40}",
    ]
}

fn api_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (number_text(), number_text()).prop_map(|(limit, token)| Step::Api(
            "GET",
            // `"` is not allowed raw in a request target (hyper itself refuses it).
            format!("/v3/workspaces?limit={limit}&page_token={token}").replace('"', "%22"),
            String::new()
        )),
        api_body().prop_map(|b| Step::Api("POST", "/v3/workspaces".into(), b)),
        workspace_id().prop_map(|id| Step::Api(
            "GET",
            format!("/v3/workspaces/{id}"),
            String::new()
        )),
        (workspace_id(), api_body()).prop_map(|(id, b)| Step::Api(
            "PATCH",
            format!("/v3/workspaces/{id}"),
            b
        )),
        workspace_id().prop_map(|id| Step::Api(
            "DELETE",
            format!("/v3/workspaces/{id}"),
            String::new()
        )),
        api_body().prop_map(|b| Step::Api("POST", "/v3/workspaces/auto-group".into(), b)),
        (workspace_id(), api_body()).prop_map(|(id, b)| Step::Api(
            "POST",
            format!("/v3/workspaces/{id}/manual-assign"),
            b
        )),
    ]
}

fn run(emulator: &Emulator, step: &Step) -> Result<(), TestCaseError> {
    match step {
        Step::Admin(method, path, body) => {
            let reply = admin(emulator, method, path, body);
            prop_assert!(
                reply.status == 200 || (400..500).contains(&reply.status),
                "{step:?} answered {}",
                reply.status
            );
            if reply.status != 200 {
                prop_assert!(
                    reply.json()["error"].is_string(),
                    "{step:?}: {:?}",
                    reply.json()
                );
            }
        }
        Step::Api(method, path, body) => {
            let reply = api(emulator, method, path, body);
            if reply.status >= 400 {
                prop_assert!(is_envelope(&reply.json()), "{step:?}: {:?}", reply.json());
                let message = reply.json()["error"]["message"].to_string();
                prop_assert!(
                    !message.contains("a bug in the emulator"),
                    "{step:?}: {message}"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn random_admin_and_api_calls_never_break_the_server() {
    let emulator =
        Emulator::start_blocking(EmulatorConfig::new().manual_clock(1_700_000_000)).unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let steps = proptest::collection::vec(prop_oneof![admin_step(), api_step()], 1..20);
    runner
        .run(&steps, |steps| {
            for step in &steps {
                run(&emulator, step)?;
            }
            Ok(())
        })
        .unwrap();
    emulator.clear_faults();
    emulator.set_rate_limit(None).unwrap();
    assert_eq!(admin(&emulator, "GET", "/health", "").status, 200);
    assert_eq!(api(&emulator, "GET", "/v3/workspaces", "").status, 200);
}
