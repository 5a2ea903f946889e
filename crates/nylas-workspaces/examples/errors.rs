//! Handling errors: one [`Error`] type, with predicates for the questions callers ask (was
//! anything sent, is it worth retrying, what request id to quote to Nylas support) and
//! variants for the cases that need their own handling. Each case below is triggered on
//! purpose, against the embedded emulator or with bad input:
//!
//! ```text
//! cargo run -p nylas-workspaces --example errors
//! ```
//!
//! `Error` is `#[non_exhaustive]`, so a `match` on it always ends with a catch-all arm.

use std::time::Duration;

use nylas_workspaces::{ApiErrorKind, Client, CreateWorkspace, Error, Rule};
use nylas_workspaces_emulator::{Emulator, EmulatorConfig, Fault, Operation};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig::new()).await?;
    let client = Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        // Short waits between retries, so the retry shown below is quick.
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(50))
        .build()?;

    // 1. A documented rule, checked before sending: nothing reaches the server.
    let err = client
        .create_workspace(CreateWorkspace::new("Sales").auto_group(true))
        .await
        .unwrap_err();
    describe("auto_group without a domain", &err);
    if let Error::InvariantViolation { rule, message } = &err {
        assert_eq!(*rule, Rule::AutoGroupRequiresDomain);
        println!(
            "   rule {rule}: {message}; nothing sent: {}",
            err.nothing_sent()
        );
    }

    // The client remembers which workspace is the default, and refuses to delete it.
    let default = client.default_workspace().await?.ok_or("no default")?;
    let err = client
        .delete_workspace(&default.workspace_id)
        .await
        .unwrap_err();
    describe("deleting the default workspace", &err);
    assert_eq!(err.rule(), Some(Rule::DefaultWorkspaceProtected));

    // 2. The server says no: `Error::Api` with the status, request id and Nylas's error type.
    let err = client.get_workspace("no-such-workspace").await.unwrap_err();
    describe("a workspace that does not exist", &err);
    if let Some(api) = err.api_error() {
        assert_eq!(api.kind, ApiErrorKind::NotFound);
        println!(
            "   status {} type {:?} request id {:?}; not found: {}",
            api.status,
            api.error_type,
            api.request_id,
            err.is_not_found()
        );
    }

    // 3. Rate limited. With retries off the 429 comes straight back, carrying the wait the
    // server asked for in `Retry-After`.
    emulator.set_retry_after_secs(7);
    emulator.fail_next(Operation::ListWorkspaces, 1, Fault::TooManyRequests);
    let no_retries = Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .max_retries(0)
        .build()?;
    let err = no_retries.list_workspaces().await.unwrap_err();
    describe("a 429", &err);
    println!(
        "   rate limited: {}; retry after {:?}",
        err.is_rate_limited(),
        err.retry_after()
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));

    // 4. Retryable failures (5xx, 429, timeouts, broken connections) are retried by the
    // client itself: one 503 here is invisible to the caller.
    let before = emulator.calls(Operation::ListWorkspaces);
    emulator.fail_next(Operation::ListWorkspaces, 1, Fault::ServiceUnavailable);
    let listed = client.list_workspaces().await?;
    println!(
        "\n-- a 503, retried by the client\n   the list succeeded ({} workspace(s)) in {} attempts",
        listed.len(),
        emulator.calls(Operation::ListWorkspaces) - before
    );
    // When the retries run out the error says whether trying later may help.
    emulator.fail_next(Operation::ListWorkspaces, 1, Fault::ServiceUnavailable);
    let err = no_retries.list_workspaces().await.unwrap_err();
    describe("a 503 with retries off", &err);

    // 5. A limit of this client, not of the server: the listing is bigger than allowed.
    client
        .create_workspace(CreateWorkspace::new("Ops").domain("ops.example.com"))
        .await?;
    let small = Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .max_list_items(1)
        .build()?;
    let err = small.list_workspaces().await.unwrap_err();
    describe("more workspaces than max_list_items", &err);
    if let Error::LimitExceeded { setting, limit, .. } = &err {
        println!("   raise ClientBuilder::{setting} (now {limit})");
    }

    // 6. A request that cannot be sent as asked: a 70 KB id makes the URL too long.
    let err = client.get_workspace(&"x".repeat(70_000)).await.unwrap_err();
    describe("a 70 KB workspace id", &err);
    assert!(matches!(err, Error::InvalidRequest { .. }));

    // 7. A client that cannot be built: no API key.
    let err = Client::builder().build().unwrap_err();
    describe("a client without a key", &err);
    Ok(())
}

/// Prints what a caller typically branches on.
fn describe(what: &str, err: &Error) {
    println!("\n-- {what}\n   {err}");
    let kind = match err {
        Error::InvariantViolation { .. } => "InvariantViolation (fix the request)",
        Error::Api(_) if err.is_retryable() => "Api, retryable (try again later)",
        Error::Api(_) => "Api (the server refused it)",
        Error::LimitExceeded { .. } => "LimitExceeded (raise the setting)",
        Error::InvalidRequest { .. } => "InvalidRequest (fix the input)",
        Error::Config { .. } => "Config (fix the client settings)",
        Error::Timeout { .. } | Error::Connection { .. } => "Timeout/Connection (retryable)",
        _ => "another kind",
    };
    println!(
        "   {kind}; retryable={} status={:?} request_id={:?}",
        err.is_retryable(),
        err.status(),
        err.request_id()
    );
}
