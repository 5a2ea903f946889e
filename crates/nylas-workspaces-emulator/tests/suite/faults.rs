//! Fault injection and rate limiting, over HTTP.

use crate::support;

use std::time::Duration;

use nylas_workspaces_emulator::{
    EmulatorConfig, Fault, FaultRates, NewGrant, Operation, RateLimit,
};
use support::Api;

#[tokio::test]
async fn fail_next_hits_exactly_the_chosen_operation_n_times() {
    let api = Api::with(EmulatorConfig::new().retry_after_secs(3));
    api.emulator
        .fail_next(Operation::ListWorkspaces, 2, Fault::TooManyRequests);
    api.emulator
        .fail_next(Operation::ListWorkspaces, 1, Fault::BadGateway);

    // Other operations are untouched.
    let default = api.emulator.default_workspace_id().unwrap();
    api.get(&format!("/v3/workspaces/{default}"))
        .await
        .assert_ok();

    for _ in 0..2 {
        let reply = api.get("/v3/workspaces").await;
        reply.assert_error(429);
        assert_eq!(reply.error_type(), "nylas_rate_limit_exceeded");
        assert_eq!(reply.headers["retry-after"], "3");
    }
    let reply = api.get("/v3/workspaces").await;
    reply.assert_error(502);
    api.get("/v3/workspaces").await.assert_ok();
    assert_eq!(api.emulator.calls(Operation::ListWorkspaces), 4);
    assert_eq!(api.emulator.calls(Operation::GetWorkspace), 1);
}

#[tokio::test]
async fn server_errors_use_the_envelope_and_change_nothing() {
    let api = Api::start();
    api.emulator
        .fail_next(Operation::CreateWorkspace, 1, Fault::InternalServerError);
    api.emulator
        .fail_next(Operation::CreateWorkspace, 1, Fault::ServiceUnavailable);
    api.post("/v3/workspaces", r#"{"name":"A"}"#)
        .await
        .assert_error(500);
    api.post("/v3/workspaces", r#"{"name":"A"}"#)
        .await
        .assert_error(503);
    assert_eq!(api.emulator.workspaces().len(), 1);
    api.create(r#"{"name":"A"}"#).await;
    assert_eq!(api.emulator.workspaces().len(), 2);
}

#[tokio::test]
async fn faults_after_handling_apply_the_change_and_lose_the_answer() {
    let api = Api::start();
    api.emulator
        .fail_next_after_handling(Operation::CreateWorkspace, 1, Fault::BadGateway);
    api.post("/v3/workspaces", r#"{"name":"Lost"}"#)
        .await
        .assert_error(502);
    assert_eq!(
        api.emulator.workspaces().len(),
        2,
        "the workspace was created"
    );

    // With an Idempotency-Key, the retry gets the original answer instead of a second copy.
    api.emulator
        .fail_next_after_handling(Operation::CreateWorkspace, 1, Fault::ConnectionReset);
    let send = || {
        reqwest::Client::new()
            .post(format!("{}/v3/workspaces", api.emulator.url()))
            .bearer_auth(api.emulator.api_key())
            .header("Idempotency-Key", "k-1")
            .header("content-type", "application/json")
            .body(r#"{"name":"Once"}"#)
            .send()
    };
    assert!(send().await.is_err(), "the first answer is lost");
    let retried = send().await.unwrap();
    assert_eq!(retried.status(), 200);
    assert_eq!(api.emulator.workspaces().len(), 3, "created once");
}

#[tokio::test]
async fn a_connection_reset_sends_no_response_at_all() {
    let api = Api::start();
    api.emulator.fail_next_any(1, Fault::ConnectionReset);
    let err = reqwest::Client::new()
        .get(format!("{}/v3/workspaces", api.emulator.url()))
        .bearer_auth(api.emulator.api_key())
        .send()
        .await
        .expect_err("the connection is dropped");
    assert!(err.status().is_none(), "{err}");
    api.get("/v3/workspaces").await.assert_ok();
}

#[tokio::test]
async fn seeded_random_faults_repeat_exactly() {
    async fn run() -> Vec<u16> {
        let api = Api::with(
            EmulatorConfig::new()
                .fault_rates(FaultRates {
                    internal_server_error: 0.2,
                    too_many_requests: 0.2,
                    ..Default::default()
                })
                .fault_seed(99)
                .retry_after_secs(0),
        );
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(api.get("/v3/workspaces").await.status);
        }
        statuses
    }
    let first = run().await;
    assert_eq!(first, run().await);
    assert!(first.contains(&500) && first.contains(&429) && first.contains(&200));
}

#[tokio::test]
async fn faults_can_be_cleared_and_bad_rates_are_refused() {
    let api = Api::start();
    assert!(
        api.emulator
            .set_fault_rates(FaultRates {
                bad_gateway: 1.5,
                ..Default::default()
            })
            .is_err()
    );
    // Every call fails, with an answer (a connection reset would leave nothing to inspect).
    api.emulator
        .set_fault_rates(FaultRates {
            connection_reset: 0.0,
            ..FaultRates::spread(1.25)
        })
        .unwrap();
    api.emulator.set_latency(Duration::from_millis(1));
    assert_ne!(api.get("/v3/workspaces").await.status, 200);
    api.emulator.clear_faults();
    api.get("/v3/workspaces").await.assert_ok();
}

#[tokio::test]
async fn token_bucket_limits_requests_until_the_clock_moves() {
    let api = Api::with(
        EmulatorConfig::new()
            .manual_clock(1_000)
            .rate_limit(RateLimit {
                per_second: 2.0,
                burst: 2,
            }),
    );
    api.get("/v3/workspaces").await.assert_ok();
    api.get("/v3/workspaces").await.assert_ok();
    let limited = api.get("/v3/workspaces").await;
    limited.assert_error(429);
    assert_eq!(limited.error_type(), "nylas_rate_limit_exceeded");
    assert_eq!(limited.headers["retry-after"], "1");
    api.emulator.advance_clock(Duration::from_millis(500));
    api.get("/v3/workspaces").await.assert_ok();
    api.emulator.set_rate_limit(None).unwrap();
    for _ in 0..5 {
        api.get("/v3/workspaces").await.assert_ok();
    }
    assert!(
        api.emulator
            .set_rate_limit(Some(RateLimit {
                per_second: 0.0,
                burst: 1
            }))
            .is_err()
    );
}

#[tokio::test]
async fn unauthenticated_calls_are_not_counted_or_faulted() {
    let api = Api::start();
    api.emulator.fail_next_any(1, Fault::BadGateway);
    api.send_as(reqwest::Method::GET, "/v3/workspaces", None, None)
        .await
        .assert_error(401);
    assert_eq!(api.emulator.calls(Operation::ListWorkspaces), 0);
    api.get("/v3/workspaces").await.assert_error(502);
}

/// Bulk assignment through injected failures: a caller that retries what failed ends with
/// every grant where it belongs, read back from the emulator's state.
#[tokio::test]
async fn ten_percent_failures_do_not_lose_grants_for_a_retrying_caller() {
    let api = Api::with(
        EmulatorConfig::new()
            .fault_rates(FaultRates::spread(0.1))
            .fault_seed(5)
            .retry_after_secs(0),
    );
    let target = api.create(r#"{"name":"Bulk"}"#).await;
    let grants: Vec<String> = (0..2_000)
        .map(|i| {
            api.emulator
                .add_grant(NewGrant::new(format!("u{i}@bulk.io")))
                .unwrap()
        })
        .collect();
    // Besides the random 10 %, make sure the first calls fail in every way a caller must survive.
    for fault in [
        Fault::ConnectionReset,
        Fault::TooManyRequests,
        Fault::BadGateway,
    ] {
        api.emulator.fail_next(Operation::ManualAssign, 1, fault);
    }
    let path = format!("/v3/workspaces/{target}/manual-assign");
    let mut failures = 0;
    for chunk in grants.chunks(100) {
        let body = serde_json::json!({ "assign_grants": chunk }).to_string();
        let mut attempts = 0;
        loop {
            attempts += 1;
            assert!(attempts < 50, "too many failures in a row");
            let sent = reqwest::Client::new()
                .post(format!("{}{path}", api.emulator.url()))
                .bearer_auth(api.emulator.api_key())
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(r) if r.status() == 200 => break,
                _ => failures += 1,
            }
        }
    }
    assert!(failures >= 3, "{failures}");
    assert_eq!(api.emulator.calls(Operation::ManualAssign), 20 + failures);
    assert_eq!(api.emulator.grants_in(&target), grants);
}
