//! Pacing against the emulator: the limiter is one bucket for a client, its clones and every
//! thread; the adaptive rate settles at the emulator's limit; the retry budget stops retries
//! when spent and recovers. Time is simulated (a `ManualClock` that moves the emulator's
//! clock in step), so nothing here sleeps and nothing depends on the machine's speed.

use std::sync::Arc;
use std::time::Duration;

use nylas_workspaces::pacing::{Clock, ManualClock, RetryBudget};
use nylas_workspaces::{Client, ManualAssign, ManualAssignOptions, RateLimit, RateLimiter};
use nylas_workspaces_emulator::{
    Emulator, EmulatorConfig, Fault, NewGrant, NewWorkspace, Operation, RateLimit as ServerLimit,
};

/// An emulator on a frozen clock, and a client clock that drags it along.
fn simulated(config: EmulatorConfig) -> (Arc<Emulator>, ManualClock) {
    let emulator = Arc::new(Emulator::start_blocking(config.manual_clock(1_800_000_000)).unwrap());
    let follower = Arc::clone(&emulator);
    let clock = ManualClock::new().on_advance(move |by| follower.advance_clock(by));
    (emulator, clock)
}

fn builder(emulator: &Emulator, clock: &ManualClock) -> nylas_workspaces::ClientBuilder {
    Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .clock(Arc::new(clock.clone()))
}

/// `count` grants named `{prefix}-{i}`, placed in the default workspace.
fn add_grants(emulator: &Emulator, prefix: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let id = format!("{prefix}-{i:06}");
            emulator
                .add_grant(NewGrant::new(format!("{id}@example.com")).grant_id(id.clone()))
                .unwrap()
        })
        .collect()
}

#[test]
fn clones_on_many_threads_draw_from_one_bucket() {
    let (emulator, clock) = simulated(EmulatorConfig::new());
    let client = builder(&emulator, &clock)
        .rate_limit(RateLimit::new(10.0).burst(1))
        .build()
        .unwrap();
    let default_id = emulator.default_workspace_id().unwrap();
    // One runtime (a pooled connection must not outlive the runtime that opened it), driven
    // from four OS threads at once, plus spawned tasks on its worker threads.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let client = client.clone();
            let id = default_id.clone();
            let handle = runtime.handle().clone();
            scope.spawn(move || {
                handle.block_on(async {
                    for _ in 0..4 {
                        client.get_workspace(&id).await.unwrap();
                    }
                });
            });
        }
    });
    runtime.block_on(async {
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let client = client.clone();
                let id = default_id.clone();
                tokio::spawn(async move {
                    client.get_workspace(&id).await.unwrap();
                    client
                })
            })
            .collect();
        for task in tasks {
            let clone = task.await.unwrap();
            assert!(
                clone
                    .rate_limiter()
                    .unwrap()
                    .same_as(client.rate_limiter().unwrap())
            );
        }
    });
    let stats = client.rate_limiter().unwrap().stats();
    assert_eq!(
        stats.requests, 20,
        "every call of every clone went through it"
    );
    assert_eq!(emulator.calls(Operation::GetWorkspace), 20);
    // One bucket of 10 per second (burst 1) needs 1.9 s of simulated time for 20 requests.
    // Four separate buckets would have needed only 0.4 s each.
    assert!(
        clock.now() >= Duration::from_millis(1899),
        "{:?}",
        clock.now()
    );
}

#[tokio::test]
async fn one_limiter_can_pace_several_clients() {
    let (emulator, clock) = simulated(EmulatorConfig::new());
    let limiter =
        RateLimiter::with_clock(RateLimit::new(5.0).burst(1), Arc::new(clock.clone())).unwrap();
    let a = builder(&emulator, &clock)
        .rate_limiter(limiter.clone())
        .build()
        .unwrap();
    let b = builder(&emulator, &clock)
        .rate_limiter(limiter.clone())
        .build()
        .unwrap();
    for _ in 0..3 {
        a.list_workspaces().await.unwrap();
        b.list_workspaces().await.unwrap();
    }
    assert_eq!(limiter.stats().requests, 6);
    assert!(
        clock.now() >= Duration::from_millis(999),
        "{:?}",
        clock.now()
    );
}

#[tokio::test]
async fn the_retry_budget_stops_retries_when_spent_and_recovers_with_successes() {
    let (emulator, clock) = simulated(EmulatorConfig::new());
    let client = builder(&emulator, &clock)
        .max_retries(5)
        .retry_budget(Some(RetryBudget::new(10).retry_cost(5).success_refund(1)))
        .build()
        .unwrap();
    let id = emulator.default_workspace_id().unwrap();
    let calls = || emulator.calls(Operation::GetWorkspace);

    emulator.fail_next(Operation::GetWorkspace, 1000, Fault::ServiceUnavailable);
    let err = client.get_workspace(&id).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        calls(),
        3,
        "two retries of 5 tokens each, then the budget is empty"
    );
    assert_eq!(client.retry_budget_available(), Some(0));

    let err = client.get_workspace(&id).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(calls(), 4, "an empty budget means no retry at all");

    emulator.clear_faults();
    for _ in 0..7 {
        client.get_workspace(&id).await.unwrap();
    }
    assert_eq!(client.retry_budget_available(), Some(7));
    assert_eq!(calls(), 11);

    emulator.fail_next(Operation::GetWorkspace, 1000, Fault::ServiceUnavailable);
    client.get_workspace(&id).await.unwrap_err();
    assert_eq!(calls(), 13, "seven successes paid for one retry again");
    assert_eq!(client.retry_budget_available(), Some(2));

    // A retry that succeeds gives back what it cost.
    emulator.clear_faults();
    for _ in 0..3 {
        client.get_workspace(&id).await.unwrap();
    }
    emulator.fail_next(Operation::GetWorkspace, 1, Fault::ServiceUnavailable);
    client.get_workspace(&id).await.unwrap();
    assert_eq!(client.retry_budget_available(), Some(5));
}

#[tokio::test]
async fn without_a_budget_every_call_retries_up_to_max_retries() {
    let (emulator, clock) = simulated(EmulatorConfig::new());
    let client = builder(&emulator, &clock)
        .max_retries(3)
        .retry_budget(None)
        .build()
        .unwrap();
    assert_eq!(client.retry_budget_available(), None);
    let id = emulator.default_workspace_id().unwrap();
    emulator.fail_next(Operation::GetWorkspace, 1000, Fault::BadGateway);
    for _ in 0..5 {
        client.get_workspace(&id).await.unwrap_err();
    }
    assert_eq!(emulator.calls(Operation::GetWorkspace), 20);
}

/// The emulator limits to 50 requests per second (burst 50) and answers 429 with a
/// whole-second `Retry-After`. A client starting at 200 per second, one request at a time,
/// must settle near 50: after a warm-up bulk run, a second run keeps at least 85 % of the
/// limit in simulated time with at most 5 % of its requests refused, and every grant lands.
#[tokio::test]
async fn an_adaptive_client_settles_at_the_emulators_limit() {
    let (emulator, clock) = simulated(EmulatorConfig::new().rate_limit(ServerLimit {
        per_second: 50.0,
        burst: 50,
    }));
    let client = builder(&emulator, &clock)
        .rate_limit(RateLimit::adaptive(200.0))
        .build()
        .unwrap();
    let target = emulator.add_workspace(NewWorkspace::new("Bulk")).unwrap();
    let warmup = add_grants(&emulator, "w", 100 * 500);
    let measured = add_grants(&emulator, "m", 300 * 500);
    let one_at_a_time = || ManualAssignOptions::new().concurrency(1);

    client
        .manual_assign_with(
            &target,
            ManualAssign::new().assign(warmup.clone()),
            one_at_a_time(),
        )
        .await
        .unwrap();
    let limiter = client.rate_limiter().unwrap();
    let after_warmup = limiter.stats();
    assert!(after_warmup.rate_cuts >= 1, "{after_warmup:?}");
    assert!(after_warmup.current_rate < 200.0, "{after_warmup:?}");

    let started = clock.now();
    let calls_before = emulator.calls(Operation::ManualAssign);
    let outcome = client
        .manual_assign_with(
            &target,
            ManualAssign::new().assign(measured.clone()),
            one_at_a_time(),
        )
        .await
        .unwrap();
    let elapsed = (clock.now() - started).as_secs_f64();
    let sent = emulator.calls(Operation::ManualAssign) - calls_before;
    let refused = sent - 300;
    assert_eq!(outcome.assigned.len(), measured.len());
    let throughput = 300.0 / elapsed;
    let rate = limiter.current_rate();
    eprintln!(
        "after warm-up {after_warmup:?}; measured run: {throughput:.1} req/s simulated, \
         {refused} of {sent} refused, rate now {rate:.1}"
    );
    assert!(
        throughput >= 0.85 * 50.0,
        "{throughput:.1} requests per simulated second"
    );
    assert!(
        refused as f64 <= 0.05 * sent as f64,
        "{refused} of {sent} requests refused"
    );
    assert!((30.0..=80.0).contains(&rate), "settled at {rate}");

    for grant in warmup.iter().chain(&measured) {
        assert_eq!(
            emulator.grant_workspace(grant).as_deref(),
            Some(target.as_str())
        );
    }
}

#[tokio::test]
async fn bulk_assignment_is_paced_by_default_and_can_be_unpaced() {
    let (emulator, clock) = simulated(EmulatorConfig::new());
    let client = builder(&emulator, &clock).build().unwrap();
    assert!(
        client.rate_limiter().is_none(),
        "single calls are not paced by default"
    );
    let bulk = client.bulk_rate_limiter().unwrap();
    assert_eq!(
        bulk.limit(),
        RateLimit::new(nylas_workspaces::DEFAULT_BULK_RATE)
    );
    let target = emulator.add_workspace(NewWorkspace::new("Bulk")).unwrap();
    // 60 chunks at 40 per second with a burst of 40: 20 of them wait 1/40 s each.
    let grants = add_grants(&emulator, "g", 60 * 500);
    client
        .manual_assign(&target, ManualAssign::new().assign(grants.clone()))
        .await
        .unwrap();
    assert_eq!(bulk.stats().requests, 60);
    assert!(
        clock.now() >= Duration::from_millis(499),
        "{:?}",
        clock.now()
    );

    let unpaced_at = clock.now();
    let more = add_grants(&emulator, "h", 60 * 500);
    client
        .manual_assign_with(
            &target,
            ManualAssign::new().assign(more.clone()),
            ManualAssignOptions::new().pacing(false),
        )
        .await
        .unwrap();
    assert_eq!(
        bulk.stats().requests,
        60,
        "the unpaced run bypassed the limiter"
    );
    assert_eq!(clock.now(), unpaced_at, "and never waited");
    for grant in grants.iter().chain(&more) {
        assert_eq!(
            emulator.grant_workspace(grant).as_deref(),
            Some(target.as_str())
        );
    }

    let off = builder(&emulator, &clock)
        .bulk_rate_limit(None)
        .build()
        .unwrap();
    assert!(off.bulk_rate_limiter().is_none());
}

#[test]
fn invalid_pacing_settings_are_config_errors() {
    let base = || Client::builder().api_key("k");
    for limit in [
        RateLimit::new(0.0),
        RateLimit::new(f64::NAN),
        RateLimit::new(5.0).burst(0),
    ] {
        let err = base().rate_limit(limit).build().unwrap_err();
        assert!(
            matches!(err, nylas_workspaces::Error::Config { .. }),
            "{err:?}"
        );
        let err = base().bulk_rate_limit(Some(limit)).build().unwrap_err();
        assert!(
            matches!(err, nylas_workspaces::Error::Config { .. }),
            "{err:?}"
        );
    }
    let err = base()
        .retry_budget(Some(RetryBudget::new(10).retry_cost(0)))
        .build()
        .unwrap_err();
    assert!(
        matches!(err, nylas_workspaces::Error::Config { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_retry_after_pauses_the_other_callers_of_the_limiter_too() {
    let (emulator, clock) = simulated(EmulatorConfig::new().retry_after_secs(3));
    let client = builder(&emulator, &clock)
        .rate_limit(RateLimit::new(1000.0))
        .max_retries(0)
        .build()
        .unwrap();
    let id = emulator.default_workspace_id().unwrap();
    emulator.fail_next(Operation::GetWorkspace, 1, Fault::TooManyRequests);
    let err = client.clone().get_workspace(&id).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(
        clock.now(),
        Duration::ZERO,
        "no retry, so this caller did not wait"
    );
    // Another caller, another operation: it waits out the server's three seconds first.
    client.list_workspaces().await.unwrap();
    assert!(clock.now() >= Duration::from_secs(3), "{:?}", clock.now());

    // Without a limiter nothing is paused.
    let (emulator, clock) = simulated(EmulatorConfig::new().retry_after_secs(3));
    let unpaced = builder(&emulator, &clock).max_retries(0).build().unwrap();
    emulator.fail_next(Operation::ListWorkspaces, 1, Fault::TooManyRequests);
    unpaced.list_workspaces().await.unwrap_err();
    unpaced.list_workspaces().await.unwrap();
    assert_eq!(clock.now(), Duration::ZERO);
}

#[test]
fn pacing_types_are_shareable_across_threads() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<RateLimiter>();
    shareable::<RateLimit>();
    shareable::<RetryBudget>();
    shareable::<ManualClock>();
}
