//! The rules that depend on the target workspace, against the emulator, from fresh clients.
//!
//! Renaming or regrouping the default workspace, deleting it, turning `auto_group` on for a
//! workspace without a domain and manually assigning into one that auto-groups must be refused
//! with the rule before the mutating request, by a client that has seen nothing yet. The
//! emulator counts requests per operation, so each case also shows exactly what reached it:
//! the lookups (`GET`) and nothing else.

use std::path::PathBuf;

use nylas_workspaces::{Client, Error, ManualAssign, ManualAssignOptions, Rule, UpdateWorkspace};
use nylas_workspaces_emulator::{
    Emulator, EmulatorConfig, Fault, NewGrant, NewWorkspace, Operation,
};

fn emulator() -> Emulator {
    Emulator::start_blocking(EmulatorConfig::new().retry_after_secs(0)).unwrap()
}

/// A client that has learned nothing about any workspace.
fn fresh(emulator: &Emulator) -> Client {
    Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .max_retries(0)
        .build()
        .unwrap()
}

/// What reached the emulator, per operation, for the operations these rules are about.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    list: u64,
    get: u64,
    update: u64,
    delete: u64,
    assign: u64,
}

fn seen(emulator: &Emulator) -> Seen {
    Seen {
        list: emulator.calls(Operation::ListWorkspaces),
        get: emulator.calls(Operation::GetWorkspace),
        update: emulator.calls(Operation::UpdateWorkspace),
        delete: emulator.calls(Operation::DeleteWorkspace),
        assign: emulator.calls(Operation::ManualAssign),
    }
}

/// Only `gets` lookups, nothing else.
fn only_gets(gets: u64) -> Seen {
    Seen {
        list: 0,
        get: gets,
        update: 0,
        delete: 0,
        assign: 0,
    }
}

fn assert_refused<T: std::fmt::Debug>(result: Result<T, Error>, rule: Rule) {
    let err = result.unwrap_err();
    assert_eq!(err.rule(), Some(rule), "{err:?}");
    assert!(err.nothing_sent(), "{err:?}");
    assert!(err.to_string().contains(rule.as_str()), "{err}");
}

fn auto_grouping(emulator: &Emulator, domain: &str) -> String {
    emulator
        .add_workspace(NewWorkspace::new("Grouped").domain(domain).auto_group(true))
        .unwrap()
}

#[tokio::test]
async fn renaming_the_default_workspace_is_refused_by_a_fresh_client_after_one_lookup() {
    let emu = emulator();
    let default = emu.default_workspace_id().unwrap();
    let name = emu.workspace(&default).unwrap().name;
    let client = fresh(&emu);
    assert_refused(
        client
            .update_workspace(&default, UpdateWorkspace::new().name("Renamed"))
            .await,
        Rule::DefaultWorkspaceProtected,
    );
    assert_eq!(seen(&emu), only_gets(1));
    // The same client (and its clones) now knows: further refusals need no new lookup.
    assert_refused(
        client
            .clone()
            .update_workspace(&default, UpdateWorkspace::new().auto_group(false))
            .await,
        Rule::DefaultWorkspaceProtected,
    );
    assert_refused(
        client.delete_workspace(&default).await,
        Rule::DefaultWorkspaceProtected,
    );
    assert_eq!(seen(&emu), only_gets(1));
    assert_eq!(emu.workspace(&default).unwrap().name, name);
}

#[tokio::test]
async fn toggling_auto_group_on_the_default_workspace_is_refused_by_a_fresh_client() {
    let emu = emulator();
    let default = emu.default_workspace_id().unwrap();
    for auto_group in [false, true] {
        assert_refused(
            fresh(&emu)
                .update_workspace(
                    &default,
                    UpdateWorkspace::new().auto_group(auto_group).policy_id("p"),
                )
                .await,
            Rule::DefaultWorkspaceProtected,
        );
    }
    assert_eq!(seen(&emu), only_gets(2));
}

#[tokio::test]
async fn deleting_the_default_workspace_is_refused_by_a_fresh_client_after_one_lookup() {
    let emu = emulator();
    let default = emu.default_workspace_id().unwrap();
    let client = fresh(&emu);
    assert_refused(
        client.delete_workspace(&default).await,
        Rule::DefaultWorkspaceProtected,
    );
    assert_eq!(seen(&emu), only_gets(1));
    assert_refused(
        client.delete_workspace(&default).await,
        Rule::DefaultWorkspaceProtected,
    );
    assert_eq!(seen(&emu), only_gets(1));
    assert!(emu.workspace(&default).is_some());
}

#[tokio::test]
async fn auto_group_on_for_a_domainless_workspace_is_refused_by_a_fresh_client() {
    let emu = emulator();
    let plain = emu.add_workspace(NewWorkspace::new("Plain")).unwrap();
    let client = fresh(&emu);
    assert_refused(
        client
            .update_workspace(&plain, UpdateWorkspace::new().auto_group(true))
            .await,
        Rule::AutoGroupRequiresDomain,
    );
    assert_refused(
        client
            .update_workspace(&plain, UpdateWorkspace::new().auto_group(true).name("x"))
            .await,
        Rule::AutoGroupRequiresDomain,
    );
    assert_eq!(seen(&emu), only_gets(1));
    // The facts allow other changes, which go out without a second lookup.
    let renamed = client
        .update_workspace(&plain, UpdateWorkspace::new().name("Still plain"))
        .await
        .unwrap();
    assert_eq!(renamed.name, "Still plain");
    assert_eq!(seen(&emu).get, 1);
    assert_eq!(seen(&emu).update, 1);
}

#[tokio::test]
async fn manual_assign_into_an_auto_grouping_workspace_is_refused_and_looked_up_every_time() {
    let emu = emulator();
    let grouped = auto_grouping(&emu, "grouped.example");
    let grant = emu.add_grant(NewGrant::new("ann@other.example")).unwrap();
    let client = fresh(&emu);
    let request = || ManualAssign::new().assign([grant.clone()]);
    assert_refused(
        client.manual_assign(&grouped, request()).await,
        Rule::TargetAutoGroups,
    );
    assert_eq!(seen(&emu), only_gets(1));
    // auto_group is never cached: the second call looks again.
    assert_refused(
        client.manual_assign(&grouped, request()).await,
        Rule::TargetAutoGroups,
    );
    assert_eq!(seen(&emu), only_gets(2));
    // Once someone turns auto_group off, the same client's next assignment goes through: a
    // remembered `true` would have refused it.
    fresh(&emu)
        .update_workspace(&grouped, UpdateWorkspace::new().auto_group(false))
        .await
        .unwrap();
    let outcome = client.manual_assign(&grouped, request()).await.unwrap();
    assert_eq!(outcome.assigned, std::slice::from_ref(&grant));
    assert_eq!(
        emu.grant_workspace(&grant).as_deref(),
        Some(grouped.as_str())
    );
    assert_eq!(emu.calls(Operation::ManualAssign), 1);
}

#[tokio::test]
async fn a_policy_only_update_of_the_default_workspace_sends_no_lookup() {
    let emu = emulator();
    let default = emu.default_workspace_id().unwrap();
    let policy = emu.add_policy();
    let updated = fresh(&emu)
        .update_workspace(
            &default,
            UpdateWorkspace::new()
                .policy_id(&policy)
                .rule_ids(Vec::<String>::new()),
        )
        .await
        .unwrap();
    assert_eq!(updated.policy_id.as_deref(), Some(policy.as_str()));
    assert_eq!(
        seen(&emu),
        Seen {
            update: 1,
            ..only_gets(0)
        }
    );
}

#[tokio::test]
async fn a_failed_lookup_is_returned_as_is_and_nothing_mutating_is_sent() {
    let emu = emulator();
    let client = fresh(&emu);
    let missing = "ws-that-does-not-exist";
    let err = client.delete_workspace(missing).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let err = client
        .update_workspace(missing, UpdateWorkspace::new().name("x"))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let err = client
        .manual_assign(missing, ManualAssign::new().assign(["g"]))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(seen(&emu), only_gets(3));

    // A lookup the server fails (503, no retries) stops the delete of a real workspace.
    let plain = emu.add_workspace(NewWorkspace::new("Plain")).unwrap();
    emu.fail_next(Operation::GetWorkspace, 1, Fault::ServiceUnavailable);
    let err = client.delete_workspace(&plain).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert_eq!(emu.calls(Operation::DeleteWorkspace), 0);
    assert!(emu.workspace(&plain).is_some());
}

#[tokio::test]
async fn a_domain_in_the_path_is_looked_up_and_remembered_under_the_returned_id() {
    let emu = emulator();
    let id = emu
        .add_workspace(NewWorkspace::new("Sales").domain("sales.example"))
        .unwrap();
    let grant = emu.add_grant(NewGrant::new("cy@other.example")).unwrap();
    let client = fresh(&emu);
    // The assignment's lookup goes by the domain; its answer names the id.
    client
        .manual_assign("sales.example", ManualAssign::new().assign([grant]))
        .await
        .unwrap();
    assert_eq!(seen(&emu).get, 1);
    // Known under that id now: a rename needs no lookup ...
    client
        .update_workspace(&id, UpdateWorkspace::new().name("Renamed"))
        .await
        .unwrap();
    assert_eq!(seen(&emu).get, 1);
    // ... but the domain itself is no key, so a delete by domain looks again, not guesses.
    client.delete_workspace("sales.example").await.unwrap();
    assert_eq!(
        seen(&emu),
        Seen {
            list: 0,
            get: 2,
            update: 1,
            delete: 1,
            assign: 1
        }
    );
}

fn journal_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("target-rules-{}-{name}.jsonl", std::process::id()))
}

#[tokio::test]
async fn resuming_into_a_workspace_that_now_auto_groups_is_refused_like_a_fresh_run() {
    let emu = emulator();
    let target = emu
        .add_workspace(NewWorkspace::new("Later grouped").domain("later.example"))
        .unwrap();
    let grant = emu
        .add_grant(NewGrant::new("bo@elsewhere.example"))
        .unwrap();
    let path = journal_path("resume");
    emu.fail_next(Operation::ManualAssign, 1, Fault::ServiceUnavailable);
    let client = fresh(&emu);
    let err = client
        .manual_assign_with(
            &target,
            ManualAssign::new().assign([grant.clone()]),
            ManualAssignOptions::new().journal(&path),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BulkPartial(_)), "{err:?}");
    let assigns_before = emu.calls(Operation::ManualAssign);
    let journal_before = std::fs::read(&path).unwrap();

    fresh(&emu)
        .update_workspace(&target, UpdateWorkspace::new().auto_group(true))
        .await
        .unwrap();
    let gets_before = emu.calls(Operation::GetWorkspace);
    assert_refused(
        fresh(&emu)
            .resume_manual_assign(&path, ManualAssignOptions::new())
            .await,
        Rule::TargetAutoGroups,
    );
    assert_eq!(emu.calls(Operation::GetWorkspace), gets_before + 1);
    assert_eq!(emu.calls(Operation::ManualAssign), assigns_before);
    // Nothing was appended: the journal still says exactly what is pending.
    assert_eq!(std::fs::read(&path).unwrap(), journal_before);
    std::fs::remove_file(&path).ok();
}
