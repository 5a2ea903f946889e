//! The client's retries and bulk paths under faults the emulator injects, with the truth read
//! back from the emulator's state.

use std::time::Duration;

use nylas_workspaces::{AutoGroup, CreateWorkspace, Error, ManualAssign, ManualAssignOutcome};
use nylas_workspaces_e2e::Harness;
use nylas_workspaces_emulator::{
    EmulatorConfig, Fault, FaultRates, NewGrant, NewWorkspace, Operation,
};

/// 10,000 grants under 10 % injected failures of every kind (429, 500, 502, 503, resets):
/// each round's outcome must name exactly the grants that did not move, and retrying those
/// must end with every grant in the target workspace.
#[tokio::test]
async fn bulk_assignment_of_10000_grants_under_10_percent_failures() {
    let h = Harness::with(
        EmulatorConfig::new()
            .fault_rates(FaultRates::spread(0.10))
            .fault_seed(2026),
        |b| b.max_retries(1),
    );
    let target = h.emulator.add_workspace(NewWorkspace::new("Bulk")).unwrap();
    let grants: Vec<String> = (0..10_000)
        .map(|i| {
            h.emulator
                .add_grant(NewGrant::new(format!("u{i}@bulk.io")))
                .unwrap()
        })
        .collect();
    // On top of the random 10 %, the first ten manual-assign calls fail in every way, two in
    // a row each, so some chunks exhaust the client's retry and must be reported as failed.
    for fault in [
        Fault::ConnectionReset,
        Fault::TooManyRequests,
        Fault::InternalServerError,
        Fault::BadGateway,
        Fault::ServiceUnavailable,
    ] {
        h.emulator.fail_next(Operation::ManualAssign, 2, fault);
    }
    let mut request = ManualAssign::new().assign(grants.clone());
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds <= 20, "no progress after 20 rounds");
        let outcome = match h.client.manual_assign(&target, request.clone()).await {
            Ok(outcome) => outcome,
            Err(Error::BulkPartial(outcome)) => *outcome,
            // The target lookup itself may fail under faults: just try again.
            Err(e) if e.is_retryable() => continue,
            Err(e) => panic!("unexpected error: {e}"),
        };
        check_outcome_against_state(&h, &target, &outcome);
        let reported = outcome.assigned.len()
            + outcome.failed.len()
            + outcome.not_sent.len()
            + outcome.unmatched.len();
        assert_eq!(
            reported,
            request.assign_ids().len(),
            "every grant is accounted for"
        );
        match outcome.retry_request() {
            None => break,
            Some(next) => request = next,
        }
    }
    assert_eq!(h.emulator.grants_in(&target), grants, "every grant arrived");
    let calls = h.emulator.calls(Operation::ManualAssign);
    assert!(
        rounds >= 2,
        "some chunks failed for good in the first round"
    );
    assert!(
        calls >= 30,
        "faults were injected and retried ({calls} calls)"
    );
}

/// Every grant the outcome reports as assigned is in the target; every grant it reports as
/// failed or not sent is not (injected faults strike before a request is handled).
fn check_outcome_against_state(h: &Harness, target: &str, outcome: &ManualAssignOutcome) {
    for id in &outcome.assigned {
        assert_eq!(
            h.emulator.grant_workspace(id).as_deref(),
            Some(target),
            "{id}"
        );
    }
    for failed in &outcome.failed {
        assert_ne!(
            h.emulator.grant_workspace(&failed.grant_id).as_deref(),
            Some(target),
            "{} is reported failed but moved",
            failed.grant_id
        );
    }
    for skipped in &outcome.not_sent {
        assert_ne!(
            h.emulator.grant_workspace(&skipped.grant_id).as_deref(),
            Some(target)
        );
    }
}

#[tokio::test]
async fn transient_failures_are_retried_and_persistent_ones_reported() {
    let h = Harness::with(EmulatorConfig::new(), |b| b.max_retries(2));
    let default_id = h.emulator.default_workspace_id().unwrap();
    for fault in [
        Fault::TooManyRequests,
        Fault::InternalServerError,
        Fault::BadGateway,
        Fault::ServiceUnavailable,
        Fault::ConnectionReset,
    ] {
        let before = h.emulator.calls(Operation::GetWorkspace);
        h.emulator.fail_next(Operation::GetWorkspace, 2, fault);
        let ws = h.client.get_workspace(&default_id).await.unwrap();
        assert_eq!(ws.workspace_id, default_id, "{fault:?}");
        assert_eq!(
            h.emulator.calls(Operation::GetWorkspace) - before,
            3,
            "{fault:?}"
        );
    }

    h.emulator
        .fail_next(Operation::GetWorkspace, 3, Fault::ServiceUnavailable);
    let err = h.client.get_workspace(&default_id).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable());

    h.emulator
        .fail_next(Operation::GetWorkspace, 3, Fault::ConnectionReset);
    let err = h.client.get_workspace(&default_id).await.unwrap_err();
    assert!(
        matches!(err, Error::Connection { attempts: 3, .. }),
        "{err:?}"
    );
}

/// The answer to a create is lost after the workspace was made; the client's retry carries
/// the same `Idempotency-Key`, so the emulator replays the answer instead of creating twice
/// (or, here, refusing the duplicate domain).
#[tokio::test]
async fn a_lost_create_answer_does_not_create_twice() {
    let h = Harness::start();
    for fault in [Fault::ConnectionReset, Fault::BadGateway] {
        h.emulator
            .fail_next_after_handling(Operation::CreateWorkspace, 1, fault);
        let domain = format!("{fault:?}.example.com").to_ascii_lowercase();
        let ws = h
            .client
            .create_workspace(CreateWorkspace::new("Once").domain(&domain))
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(ws.domain.as_deref(), Some(domain.as_str()));
    }
    assert_eq!(h.emulator.workspaces().len(), 3, "default + one per fault");
    assert_eq!(h.emulator.calls(Operation::CreateWorkspace), 4);
}

/// Same for an auto-group job: without the key, the retry would hit the one-per-minute limit.
#[tokio::test]
async fn a_lost_auto_group_answer_is_replayed_not_rate_limited() {
    let h = Harness::with(EmulatorConfig::new().manual_clock(1_700_000_000), |b| {
        b.max_retry_after(Duration::from_secs(1))
    });
    h.emulator
        .fail_next_after_handling(Operation::AutoGroup, 1, Fault::ServiceUnavailable);
    let job = h.client.auto_group(AutoGroup::new()).await.unwrap();
    assert!(!job.job_id.is_empty());
    assert_eq!(h.emulator.calls(Operation::AutoGroup), 2);
}

#[tokio::test]
async fn slow_answers_end_in_a_timeout_error() {
    let h = Harness::with(
        EmulatorConfig::new().latency(Duration::from_millis(400)),
        |b| b.timeout(Duration::from_millis(50)).max_retries(1),
    );
    let err = h.client.list_workspaces().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }), "{err:?}");
    assert!(err.is_retryable());
}
