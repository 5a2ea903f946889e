//! The read side against the emulator with each live quirk switched on, and against hostile
//! mock servers: every grant exactly once however the server pages, filtered listings that
//! lag, both rule envelopes, a trailing policy cursor, read-modify-write helpers that refuse
//! unknown ids before sending and report a concurrent change.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use nylas_workspaces::{Client, Error, GrantQuery, GrantSortBy, GrantStatus, Rule, SortOrder};
use nylas_workspaces_emulator::{Emulator, EmulatorConfig, NewGrant, NewWorkspace, Operation};
use serde_json::json;

const NOW: i64 = 1_800_000_000;

fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start_blocking(config.manual_clock(NOW)).unwrap()
}

fn client_of(emulator: &Emulator) -> Client {
    Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .max_retries(0)
        .build()
        .unwrap()
}

fn mock_client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("nyk_test")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap()
}

fn ids(grants: &[nylas_workspaces::Grant]) -> Vec<String> {
    let mut ids: Vec<String> = grants.iter().map(|g| g.grant_id.clone()).collect();
    ids.sort();
    ids
}

/// `n` grants in `workspace`, created a second apart, a minute before `NOW`.
fn add_grants(emulator: &Emulator, workspace: &str, n: usize) -> Vec<String> {
    let mut added: Vec<String> = (0..n)
        .map(|i| {
            emulator
                .add_grant(
                    NewGrant::new(format!("user{i}@field.example"))
                        .workspace_id(workspace)
                        .created_at(NOW - 60 + i as i64),
                )
                .unwrap()
        })
        .collect();
    added.sort();
    added
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_grant_once_when_the_server_caps_the_page_size() {
    let emu = emulator(EmulatorConfig::default().page_size_cap(3));
    let ws = emu.add_workspace(NewWorkspace::new("Field")).unwrap();
    let added = add_grants(&emu, &ws, 10);
    let client = client_of(&emu);
    let got = client
        .grants(GrantQuery::new().workspace_id(&ws))
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&got), added);
    // Four pages of at most three, then the empty page that ends it.
    assert_eq!(emu.calls(Operation::ListGrants), 5);
    assert!(
        got.iter()
            .all(|g| g.workspace_id.as_deref() == Some(ws.as_str()))
    );
}

#[tokio::test]
async fn a_short_page_does_not_end_the_listing_only_an_empty_one_does() {
    // A server that returns two grants per page whatever was asked, and echoes the limit
    // it was asked for: stopping on a short page would lose all but the first two.
    let server = MockServer::start_async().await;
    let pages = server.mock(|when, then| {
        when.method(GET).path("/v3/grants");
        then.respond_with(|req: &HttpMockRequest| {
            let offset: usize = req
                .query_params()
                .iter()
                .find(|(k, _)| k == "offset")
                .map(|(_, v)| v.parse().unwrap())
                .unwrap();
            let data: Vec<_> = (offset..(offset + 2).min(7))
                .map(|i| json!({"id": format!("g-{i}")}))
                .collect();
            HttpMockResponse::builder()
                .status(200)
                .body(
                    json!({"request_id": "r", "data": data, "limit": 200, "offset": offset})
                        .to_string(),
                )
                .build()
        });
    });
    let got = mock_client(&server)
        .grants(GrantQuery::new())
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(got.len(), 7);
    assert_eq!(pages.calls(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_created_while_paging_newest_first_are_never_yielded_twice() {
    let emu = emulator(EmulatorConfig::default());
    let ws = emu.add_workspace(NewWorkspace::new("Field")).unwrap();
    let added = add_grants(&emu, &ws, 6);
    let client = client_of(&emu);
    let mut listing = client
        .grants(
            GrantQuery::new()
                .workspace_id(&ws)
                .page_size(2)
                .sort(GrantSortBy::CreatedAt, SortOrder::Desc),
        )
        .unwrap();
    let mut seen = listing.next_page().await.unwrap().unwrap();
    // Two newer grants push every later page down by two: the next page repeats the first.
    let newer: Vec<String> = (0..2)
        .map(|i| {
            emu.add_grant(
                NewGrant::new(format!("late{i}@field.example"))
                    .workspace_id(&ws)
                    .created_at(NOW + i),
            )
            .unwrap()
        })
        .collect();
    while let Some(page) = listing.next_page().await.unwrap() {
        seen.extend(page);
    }
    let mut got = ids(&seen);
    got.dedup();
    assert_eq!(got.len(), seen.len(), "a grant came twice: {seen:?}");
    for id in &added {
        assert!(got.contains(id), "{id} missing");
    }
    assert!(
        newer.iter().all(|id| !got.contains(id)),
        "newer grants sort first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_order_puts_grants_created_while_paging_at_the_end() {
    let emu = emulator(EmulatorConfig::default());
    let ws = emu.add_workspace(NewWorkspace::new("Field")).unwrap();
    let mut added = add_grants(&emu, &ws, 4);
    let client = client_of(&emu);
    let mut listing = client
        .grants(GrantQuery::new().workspace_id(&ws).page_size(2))
        .unwrap();
    let mut seen = listing.next_page().await.unwrap().unwrap();
    added.push(
        emu.add_grant(
            NewGrant::new("late@field.example")
                .workspace_id(&ws)
                .created_at(NOW),
        )
        .unwrap(),
    );
    while let Some(page) = listing.next_page().await.unwrap() {
        seen.extend(page);
    }
    added.sort();
    assert_eq!(ids(&seen), added);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_scan_sees_fresh_grants_that_the_filtered_listing_lags_behind() {
    let emu = emulator(EmulatorConfig::default().filtered_grant_lag(Duration::from_secs(90)));
    let ws = emu.add_workspace(NewWorkspace::new("Field")).unwrap();
    let other = emu.add_workspace(NewWorkspace::new("Other")).unwrap();
    let old = emu
        .add_grant(
            NewGrant::new("old@x.example")
                .workspace_id(&ws)
                .created_at(NOW - 600),
        )
        .unwrap();
    let fresh = emu
        .add_grant(
            NewGrant::new("new@x.example")
                .workspace_id(&ws)
                .created_at(NOW - 5),
        )
        .unwrap();
    emu.add_grant(
        NewGrant::new("else@x.example")
            .workspace_id(&other)
            .created_at(NOW - 5),
    )
    .unwrap();
    let client = client_of(&emu);
    let filtered = client
        .grants(GrantQuery::new().workspace_id(&ws))
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&filtered), std::slice::from_ref(&old));
    let scanned = client
        .grants(GrantQuery::new().workspace_id(&ws).full_scan(true))
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let mut want = vec![old, fresh];
    want.sort();
    assert_eq!(ids(&scanned), want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_omitted_workspace_id_is_exposed_as_sent() {
    let emu = emulator(EmulatorConfig::default().omit_default_workspace_id(true));
    let default = emu.default_workspace_id().unwrap();
    let google = emu
        .add_grant(
            NewGrant::new("a@gmail.example")
                .provider("google")
                .workspace_id(&default),
        )
        .unwrap();
    let agent = emu
        .add_grant(
            NewGrant::new("b@agents.example")
                .provider("nylas")
                .workspace_id(&default),
        )
        .unwrap();
    let client = client_of(&emu);
    let got = client.get_grant(&google).await.unwrap();
    assert_eq!(got.workspace_id, None);
    assert_eq!(got.provider.as_deref(), Some("google"));
    let agent_grant = client.get_grant(&agent).await.unwrap();
    assert_eq!(agent_grant.workspace_id.as_deref(), Some(default.as_str()));
    // A client-side scan for the default workspace can only match what carries its id.
    let scanned = client
        .grants(GrantQuery::new().workspace_id(&default).full_scan(true))
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&scanned), [agent]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_reach_the_server_and_bad_ones_send_nothing() {
    let emu = emulator(EmulatorConfig::default());
    let ws = emu.add_workspace(NewWorkspace::new("Field")).unwrap();
    let valid = emu
        .add_grant(
            NewGrant::new("v@x.example")
                .workspace_id(&ws)
                .provider("google"),
        )
        .unwrap();
    emu.add_grant(NewGrant::new("i@x.example").workspace_id(&ws).valid(false))
        .unwrap();
    let client = client_of(&emu);
    let got = client
        .grants(
            GrantQuery::new()
                .grant_status(GrantStatus::Valid)
                .provider("google"),
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&got), [valid]);
    let by_email = client
        .grants(GrantQuery::new().email("i@x.example"))
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(by_email.len(), 1);
    assert_eq!(by_email[0].grant_status.as_deref(), Some("invalid"));

    let calls = emu.calls(Operation::ListGrants);
    for bad in [
        GrantQuery::new().page_size(500),
        GrantQuery::new().email(""),
        GrantQuery::new().since(NOW).before(NOW - 1),
        GrantQuery::new().workspace_id("ws\n1"),
    ] {
        assert!(client.grants(bad).unwrap_err().nothing_sent());
    }
    assert_eq!(emu.calls(Operation::ListGrants), calls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_repeating_the_same_grants_is_stopped() {
    let server = MockServer::start_async().await;
    let pages = server.mock(|when, then| {
        when.method(GET).path("/v3/grants");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": [{"id": "g-1"}, {"id": "g-2"}]}));
    });
    let err = mock_client(&server)
        .grants(GrantQuery::new())
        .unwrap()
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Undecodable(_)), "{err:?}");
    assert!(
        err.to_string().contains("no grant it had not already sent"),
        "{err}"
    );
    assert_eq!(
        pages.calls(),
        1 + nylas_workspaces::MAX_STALE_PAGES as usize
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_listing_longer_than_max_list_items_is_refused_when_collected() {
    let emu = emulator(EmulatorConfig::default());
    let ws = emu.add_workspace(NewWorkspace::new("Field")).unwrap();
    add_grants(&emu, &ws, 5);
    let client = Client::builder()
        .api_key(emu.api_key())
        .base_url(emu.url())
        .max_list_items(4)
        .build()
        .unwrap();
    let err = client
        .grants(GrantQuery::new())
        .unwrap()
        .collect_all()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                setting: "max_list_items",
                ..
            }
        ),
        "{err:?}"
    );
    // Walking it page by page has no such limit.
    let mut listing = client.grants(GrantQuery::new().page_size(2)).unwrap();
    let mut n = 0;
    while let Some(grant) = listing.try_next().await.unwrap() {
        assert!(!grant.grant_id.is_empty());
        n += 1;
    }
    assert_eq!(n, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policies_end_on_the_empty_page_after_a_trailing_cursor() {
    let emu = emulator(
        EmulatorConfig::default()
            .trailing_policy_cursor(true)
            .page_size_cap(2),
    );
    let names = ["Standard", "Strict", "Loose"];
    for name in names {
        emu.add_named_policy(name).unwrap();
    }
    let client = client_of(&emu);
    let policies = client.policies().collect_all().await.unwrap();
    let mut got: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
    got.sort();
    assert_eq!(got, ["Loose", "Standard", "Strict"]);
    // Two full pages with cursors, then the empty page that says the end.
    assert_eq!(emu.calls(Operation::ListPolicies), 3);
    let one = client.get_policy(&policies[0].policy_id).await.unwrap();
    assert_eq!(one, policies[0]);
    assert!(one.request_id.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_are_read_from_either_envelope() {
    for nested in [false, true] {
        let emu = emulator(
            EmulatorConfig::default()
                .nested_rules_envelope(nested)
                .page_size_cap(1),
        );
        emu.add_named_rule("Block spam").unwrap();
        emu.add_named_rule("Strip links").unwrap();
        let client = client_of(&emu);
        let rules = client.rules().collect_all().await.unwrap();
        let mut names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["Block spam", "Strip links"], "nested={nested}");
        let one = client.get_rule(&rules[1].rule_id).await.unwrap();
        assert_eq!(one, rules[1]);
    }
}

#[tokio::test]
async fn a_repeated_policy_cursor_is_an_error_not_a_loop() {
    let server = MockServer::start_async().await;
    let pages = server.mock(|when, then| {
        when.method(GET).path("/v3/policies");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": [{"id": "p-1"}], "next_cursor": "again"}));
    });
    let err = mock_client(&server)
        .policies()
        .collect_all()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");
    assert_eq!(pages.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_and_its_default_workspace() {
    let emu = emulator(EmulatorConfig::default());
    let client = client_of(&emu);
    let app = client.application().await.unwrap();
    assert_eq!(app.application_id, emu.application_id());
    assert_eq!(app.default_workspace_id, emu.default_workspace_id());
    let default = client.default_workspace().await.unwrap().unwrap();
    assert!(default.default);
    assert_eq!(emu.calls(Operation::ListWorkspaces), 0);

    let none = emulator(EmulatorConfig::default().default_workspace(false));
    let client = client_of(&none);
    assert_eq!(
        client.application().await.unwrap().default_workspace_id,
        None
    );
    assert_eq!(client.default_workspace().await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_and_detach_keep_the_other_rules_in_order() {
    let emu = emulator(EmulatorConfig::default());
    let [a, b, c] = ["A", "B", "C"].map(|n| emu.add_named_rule(n).unwrap());
    let ws = emu
        .add_workspace(NewWorkspace::new("Field").rule_ids([a.clone(), b.clone()]))
        .unwrap();
    let client = client_of(&emu);
    let ws1 = client.attach_rules(&ws, [&c, &a]).await.unwrap();
    assert_eq!(ws1.rule_ids, [a.clone(), b.clone(), c.clone()]);
    let ws2 = client.detach_rules(&ws, [&b]).await.unwrap();
    assert_eq!(ws2.rule_ids, [a.clone(), c.clone()]);
    assert_eq!(
        emu.workspace(&ws).unwrap().rule_ids.unwrap(),
        [a.clone(), c]
    );
    // Attaching what is already attached writes nothing.
    let patches = emu.calls(Operation::UpdateWorkspace);
    client.attach_rules(&ws, [&a]).await.unwrap();
    assert_eq!(emu.calls(Operation::UpdateWorkspace), patches);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_are_refused_by_name_before_any_change() {
    let emu = emulator(EmulatorConfig::default());
    let a = emu.add_named_rule("A").unwrap();
    let ws = emu.add_workspace(NewWorkspace::new("Field")).unwrap();
    let client = client_of(&emu);
    for err in [
        client
            .attach_rules(&ws, [a.as_str(), "rule-nope"])
            .await
            .unwrap_err(),
        client.detach_rules(&ws, ["rule-nope"]).await.unwrap_err(),
        client
            .set_policy(&ws, Some("policy-nope"))
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.rule(), Some(Rule::UnknownReference), "{err}");
        assert!(err.to_string().contains("-nope"), "{err}");
    }
    assert_eq!(
        client
            .attach_rules(&ws, Vec::<String>::new())
            .await
            .unwrap_err()
            .rule(),
        Some(Rule::EmptyUpdate)
    );
    assert_eq!(
        client.attach_rules(&ws, [""]).await.unwrap_err().rule(),
        Some(Rule::EmptyReferenceId)
    );
    assert_eq!(emu.calls(Operation::UpdateWorkspace), 0);
    assert_eq!(emu.calls(Operation::GetWorkspace), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_policy_attaches_and_detaches() {
    let emu = emulator(EmulatorConfig::default());
    let policy = emu.add_named_policy("Standard").unwrap();
    let ws = emu.add_workspace(NewWorkspace::new("Field")).unwrap();
    let client = client_of(&emu);
    let set = client.set_policy(&ws, Some(&policy)).await.unwrap();
    assert_eq!(set.policy_id.as_deref(), Some(policy.as_str()));
    let cleared = client.set_policy(&ws, None).await.unwrap();
    assert_eq!(cleared.policy_id, None);
    assert_eq!(emu.workspace(&ws).unwrap().policy_id, None);
    // The default workspace takes a policy too.
    let default = emu.default_workspace_id().unwrap();
    let d = client.set_policy(&default, Some(&policy)).await.unwrap();
    assert!(d.default);
}

#[tokio::test]
async fn a_concurrent_change_seen_on_the_read_back_is_a_conflict() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/v3/rules");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": [{"id": "r-1"}, {"id": "r-2"}]}));
    });
    let reads = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&reads);
    server.mock(move |when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.respond_with(move |_: &HttpMockRequest| {
            // First read: r-1. Read-back: someone else replaced the rules with r-2 only.
            let rules = if count.fetch_add(1, Ordering::SeqCst) == 0 {
                json!(["r-1"])
            } else {
                json!(["r-2"])
            };
            HttpMockResponse::builder()
                .status(200)
                .body(
                    json!({"request_id": "req-back", "data": {"workspace_id": "ws-1", "rule_ids": rules}})
                        .to_string(),
                )
                .build()
        });
    });
    let patch = server.mock(|when, then| {
        when.method(PATCH)
            .path("/v3/workspaces/ws-1")
            .json_body(json!({"rule_ids": ["r-1", "r-2"]}));
        then.status(200).json_body(
            json!({"request_id": "r", "data": {"workspace_id": "ws-1", "rule_ids": ["r-1", "r-2"]}}),
        );
    });
    let err = mock_client(&server)
        .attach_rules("ws-1", ["r-2"])
        .await
        .unwrap_err();
    let Error::Conflict(conflict) = &err else {
        panic!("expected a conflict, got {err:?}")
    };
    assert_eq!(conflict.workspace_id, "ws-1");
    assert_eq!(conflict.found.rule_ids, ["r-2"]);
    assert!(err.to_string().contains("changed by someone else"), "{err}");
    assert_eq!(err.request_id(), Some("req-back"));
    patch.assert();
    assert_eq!(reads.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_ids_in_paths_are_refused_before_sending() {
    let emu = emulator(EmulatorConfig::default());
    let client = client_of(&emu);
    assert_eq!(
        client.get_grant("..").await.unwrap_err().rule(),
        Some(Rule::GrantIdInvalid)
    );
    assert_eq!(
        client.get_policy(" ").await.unwrap_err().rule(),
        Some(Rule::ReferenceIdInvalid)
    );
    assert_eq!(
        client.get_rule("r\u{0}").await.unwrap_err().rule(),
        Some(Rule::ReferenceIdInvalid)
    );
    assert!(
        client
            .get_grant("missing")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_is_lazy_and_fetches_one_page_at_a_time() {
    let emu = emulator(EmulatorConfig::default());
    let ws = emu.add_workspace(NewWorkspace::new("Field")).unwrap();
    add_grants(&emu, &ws, 9);
    let client = client_of(&emu);
    let mut listing = client.grants(GrantQuery::new().page_size(3)).unwrap();
    let mut policies = client.policies();
    assert_eq!(
        emu.calls(Operation::ListGrants),
        0,
        "nothing sent before polling"
    );
    assert_eq!(listing.next_page().await.unwrap().unwrap().len(), 3);
    assert_eq!(emu.calls(Operation::ListGrants), 1, "no read-ahead");
    assert!(listing.try_next().await.unwrap().is_some());
    assert_eq!(emu.calls(Operation::ListGrants), 2);
    // What was taken one by one is not repeated by the next page.
    assert_eq!(listing.next_page().await.unwrap().unwrap().len(), 2);
    drop(listing);
    assert_eq!(
        emu.calls(Operation::ListGrants),
        2,
        "dropping stops the listing"
    );
    assert!(policies.try_next().await.unwrap().is_none());
    assert_eq!(emu.calls(Operation::ListPolicies), 1);
}
