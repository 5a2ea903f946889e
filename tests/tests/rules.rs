//! The `nylas-workspaces` client against the emulator, through every documented rule. Each
//! test checks what the client returns AND what the emulator's state says happened, so a bug
//! on either side shows.

use std::collections::HashSet;
use std::time::Duration;

use nylas_workspaces::{
    AutoGroup, CreateWorkspace, DefaultWorkspaceUpdate, Error, ManualAssign, Rule, UpdateWorkspace,
};
use nylas_workspaces_e2e::{Harness, client_builder};
use nylas_workspaces_emulator::{EmulatorConfig, NewGrant, NewWorkspace, Operation};

// ----- authentication ------------------------------------------------------------------------

#[tokio::test]
async fn a_wrong_key_is_a_401_with_a_request_id_and_the_key_is_never_shown() {
    let h = Harness::start();
    let client = client_builder(&h.emulator)
        .api_key("wrong-secret-key")
        .build()
        .unwrap();
    let err = client.list_workspaces().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.request_id().is_some_and(|id| !id.is_empty()));
    assert!(!err.is_retryable());
    for shown in [format!("{err}"), format!("{err:?}"), format!("{client:?}")] {
        assert!(!shown.contains("wrong-secret-key"), "{shown}");
    }
}

// ----- list ----------------------------------------------------------------------------------

#[tokio::test]
async fn the_list_includes_the_default_workspace_and_follows_every_page() {
    let h = Harness::with(EmulatorConfig::new().list_page_size(2), |b| b);
    let default = h
        .client
        .default_workspace()
        .await
        .unwrap()
        .expect("default");
    assert!(default.default);
    assert_eq!(
        Some(default.workspace_id.clone()),
        h.emulator.default_workspace_id()
    );
    for i in 0..4 {
        h.client
            .create_workspace(CreateWorkspace::new(format!("team {i}")))
            .await
            .unwrap();
    }
    let all = h.client.list_workspaces().await.unwrap();
    let ids: HashSet<_> = all.iter().map(|w| w.workspace_id.clone()).collect();
    assert_eq!(ids.len(), 5);
    assert_eq!(
        h.emulator.calls(Operation::ListWorkspaces),
        3,
        "3 pages; default_workspace() reads the application, it does not list"
    );
}

#[tokio::test]
async fn an_older_application_has_no_default_workspace() {
    let h = Harness::with(EmulatorConfig::new().default_workspace(false), |b| b);
    assert!(h.client.list_workspaces().await.unwrap().is_empty());
    assert!(h.client.default_workspace().await.unwrap().is_none());
    let update = DefaultWorkspaceUpdate::new().clear_policy();
    assert!(
        h.client
            .update_default_workspace(update)
            .await
            .unwrap()
            .is_none()
    );
}

// ----- create --------------------------------------------------------------------------------

#[tokio::test]
async fn create_with_only_a_name_and_with_everything() {
    let h = Harness::start();
    let bare = h
        .client
        .create_workspace(CreateWorkspace::new("Bare"))
        .await
        .unwrap();
    assert_eq!(bare.name, "Bare");
    assert_eq!(bare.domain, None);
    assert!(!bare.auto_group && !bare.default);
    assert_eq!(bare.created_at, bare.updated_at);
    assert_eq!(bare.application_id, h.emulator.application_id());

    let policy = h.emulator.add_policy();
    let rules = [h.emulator.add_rule(), h.emulator.add_rule()];
    let full = h
        .client
        .create_workspace(
            CreateWorkspace::new("Sales")
                .domain("sales.example.com")
                .auto_group(true)
                .policy_id(&policy)
                .rule_ids(rules.clone()),
        )
        .await
        .unwrap();
    let stored = h.emulator.workspace(&full.workspace_id).unwrap();
    assert_eq!(stored.domain.as_deref(), Some("sales.example.com"));
    assert_eq!(stored.auto_group, Some(true));
    assert_eq!(stored.policy_id, Some(policy));
    assert_eq!(stored.rule_ids, Some(rules.to_vec()));
}

#[tokio::test]
async fn create_refusals_come_from_the_client_or_the_server() {
    let h = Harness::start();
    // Refused by the client, nothing sent.
    let err = h
        .client
        .create_workspace(CreateWorkspace::new("Auto").auto_group(true))
        .await
        .unwrap_err();
    assert_eq!(err.rule(), Some(Rule::AutoGroupRequiresDomain));
    let err = h
        .client
        .create_workspace(CreateWorkspace::new(""))
        .await
        .unwrap_err();
    assert_eq!(err.rule(), Some(Rule::NameRequired));
    assert_eq!(h.emulator.calls(Operation::CreateWorkspace), 0);

    // Refused by the server: only it knows the other workspaces, policies and rules.
    h.client
        .create_workspace(CreateWorkspace::new("One").domain("one.io"))
        .await
        .unwrap();
    for request in [
        CreateWorkspace::new("Two").domain("ONE.io"),
        CreateWorkspace::new("Two").policy_id("someone-elses-policy"),
        CreateWorkspace::new("Two").rule_ids(["someone-elses-rule"]),
    ] {
        let err = h.client.create_workspace(request).await.unwrap_err();
        assert_eq!(err.status(), Some(400), "{err}");
        assert!(err.api_error().and_then(|a| a.message.as_deref()).is_some());
    }
    assert_eq!(h.emulator.workspaces().len(), 2);
}

// ----- get -----------------------------------------------------------------------------------

#[tokio::test]
async fn get_by_id_or_domain_and_a_typed_404() {
    let h = Harness::start();
    let id = h
        .emulator
        .add_workspace(NewWorkspace::new("Eng").domain("eng.io"))
        .unwrap();
    for key in [id.as_str(), "eng.io"] {
        assert_eq!(h.client.get_workspace(key).await.unwrap().workspace_id, id);
    }
    let err = h
        .client
        .get_workspace("no-such-workspace")
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(err.request_id().is_some());
}

// ----- update --------------------------------------------------------------------------------

#[tokio::test]
async fn update_keeps_detaches_and_replaces_and_moves_updated_at() {
    let h = Harness::with(EmulatorConfig::new().manual_clock(1_800_000_000), |b| b);
    let policy = h.emulator.add_policy();
    let rule_a = h.emulator.add_rule();
    let rule_b = h.emulator.add_rule();
    let ws = h
        .client
        .create_workspace(
            CreateWorkspace::new("Ops")
                .domain("ops.io")
                .policy_id(&policy)
                .rule_ids([&rule_a]),
        )
        .await
        .unwrap();
    h.emulator.advance_clock(Duration::from_secs(90));

    let renamed = h
        .client
        .update_workspace(&ws.workspace_id, UpdateWorkspace::new().name("Operations"))
        .await
        .unwrap();
    assert_eq!(renamed.name, "Operations");
    assert_eq!(renamed.policy_id.as_deref(), Some(policy.as_str()), "kept");
    assert_eq!(renamed.rule_ids, vec![rule_a.clone()], "kept");
    assert_eq!(renamed.updated_at, Some(1_800_000_090));
    assert_eq!(renamed.created_at, Some(1_800_000_000));

    let replaced = h
        .client
        .update_workspace(&ws.workspace_id, UpdateWorkspace::new().rule_ids([&rule_b]))
        .await
        .unwrap();
    assert_eq!(replaced.rule_ids, vec![rule_b]);

    let detached = h
        .client
        .update_workspace(
            &ws.workspace_id,
            UpdateWorkspace::new().clear_policy().clear_rules(),
        )
        .await
        .unwrap();
    assert_eq!(detached.policy_id, None);
    assert!(detached.rule_ids.is_empty());
    let stored = h.emulator.workspace(&ws.workspace_id).unwrap();
    assert_eq!(stored.policy_id, None);
    assert_eq!(stored.rule_ids, Some(vec![]));
    assert_eq!(stored.name.as_deref(), Some("Operations"));

    // An empty list also detaches.
    let rule = h.emulator.add_rule();
    h.client
        .update_workspace(&ws.workspace_id, UpdateWorkspace::new().rule_ids([&rule]))
        .await
        .unwrap();
    let emptied = h
        .client
        .update_workspace(
            &ws.workspace_id,
            UpdateWorkspace::new().rule_ids(Vec::<String>::new()),
        )
        .await
        .unwrap();
    assert!(emptied.rule_ids.is_empty());
}

#[tokio::test]
async fn update_refusals() {
    let h = Harness::start();
    let loose = h
        .client
        .create_workspace(CreateWorkspace::new("Loose"))
        .await
        .unwrap();
    let err = h
        .client
        .update_workspace(&loose.workspace_id, UpdateWorkspace::new())
        .await
        .unwrap_err();
    assert_eq!(err.rule(), Some(Rule::EmptyUpdate));

    // `auto_group: true` needs a domain: a client that saw the workspace refuses it itself, and
    // so does a fresh one, after looking the workspace up; no PATCH reaches the server. (The
    // emulator's own tests show that it refuses the PATCH as well.)
    let turn_on = UpdateWorkspace::new().auto_group(true);
    let local = h
        .client
        .update_workspace(&loose.workspace_id, turn_on.clone())
        .await
        .unwrap_err();
    assert_eq!(local.rule(), Some(Rule::AutoGroupRequiresDomain));
    let patches = h.emulator.calls(Operation::UpdateWorkspace);
    let fresh = h
        .fresh_client()
        .update_workspace(&loose.workspace_id, turn_on)
        .await
        .unwrap_err();
    assert_eq!(fresh.rule(), Some(Rule::AutoGroupRequiresDomain));
    assert_eq!(h.emulator.calls(Operation::UpdateWorkspace), patches);

    // A policy of another application.
    let err = h
        .client
        .update_workspace(
            &loose.workspace_id,
            UpdateWorkspace::new().policy_id("not-ours"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));

    // Update addresses a workspace by ID only.
    h.emulator
        .add_workspace(NewWorkspace::new("Dom").domain("dom.io"))
        .unwrap();
    let err = h
        .fresh_client()
        .update_workspace("dom.io", UpdateWorkspace::new().name("X"))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(
        h.emulator.workspace("dom.io").unwrap().name.as_deref(),
        Some("Dom")
    );
}

#[tokio::test]
async fn the_default_workspace_takes_only_policy_and_rules() {
    let h = Harness::start();
    let default_id = h.emulator.default_workspace_id().unwrap();
    let policy = h.emulator.add_policy();
    let rule = h.emulator.add_rule();

    let updated = h
        .client
        .update_default_workspace(
            DefaultWorkspaceUpdate::new()
                .policy_id(&policy)
                .rule_ids([&rule]),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(updated.default);
    assert_eq!(
        h.emulator.workspace(&default_id).unwrap().policy_id,
        Some(policy)
    );

    // The client now knows which workspace is the default and refuses a rename itself...
    let local = h
        .client
        .update_workspace(&default_id, UpdateWorkspace::new().name("Mine"))
        .await
        .unwrap_err();
    assert_eq!(local.rule(), Some(Rule::DefaultWorkspaceProtected));
    // ...and so does a client that does not know yet: it looks the target up first, and no
    // PATCH reaches the server.
    let patches = h.emulator.calls(Operation::UpdateWorkspace);
    for update in [
        UpdateWorkspace::new().name("Mine"),
        UpdateWorkspace::new().auto_group(false),
    ] {
        let fresh = h
            .fresh_client()
            .update_workspace(&default_id, update)
            .await
            .unwrap_err();
        assert_eq!(
            fresh.rule(),
            Some(Rule::DefaultWorkspaceProtected),
            "{fresh}"
        );
    }
    assert_eq!(h.emulator.calls(Operation::UpdateWorkspace), patches);
    assert_eq!(
        h.emulator.workspace(&default_id).unwrap().name.as_deref(),
        Some("Default workspace")
    );
}

// ----- delete --------------------------------------------------------------------------------

#[tokio::test]
async fn deleting_moves_grants_to_the_default_workspace_and_protects_the_default() {
    let h = Harness::start();
    let default_id = h.emulator.default_workspace_id().unwrap();
    let ws = h
        .client
        .create_workspace(CreateWorkspace::new("Temp").domain("temp.io"))
        .await
        .unwrap();
    let grant = h
        .emulator
        .add_grant(NewGrant::new("a@temp.io").workspace_id(&ws.workspace_id))
        .unwrap();
    let request_id = h.client.delete_workspace("temp.io").await.unwrap();
    assert!(!request_id.is_empty());
    assert_eq!(h.emulator.grant_workspace(&grant), Some(default_id.clone()));
    assert!(
        h.client
            .get_workspace(&ws.workspace_id)
            .await
            .unwrap_err()
            .is_not_found()
    );

    let deletes = h.emulator.calls(Operation::DeleteWorkspace);
    let fresh = h
        .fresh_client()
        .delete_workspace(&default_id)
        .await
        .unwrap_err();
    assert_eq!(fresh.rule(), Some(Rule::DefaultWorkspaceProtected));
    assert_eq!(h.emulator.calls(Operation::DeleteWorkspace), deletes);
    h.client.list_workspaces().await.unwrap();
    let local = h.client.delete_workspace(&default_id).await.unwrap_err();
    assert_eq!(local.rule(), Some(Rule::DefaultWorkspaceProtected));
    assert!(h.emulator.workspace(&default_id).is_some());
}

#[tokio::test]
async fn without_a_default_workspace_a_deleted_workspaces_grants_are_unassigned() {
    let h = Harness::with(EmulatorConfig::new().default_workspace(false), |b| b);
    let ws = h
        .client
        .create_workspace(CreateWorkspace::new("Temp"))
        .await
        .unwrap();
    let grant = h
        .emulator
        .add_grant(NewGrant::new("a@b.io").workspace_id(&ws.workspace_id))
        .unwrap();
    h.client.delete_workspace(&ws.workspace_id).await.unwrap();
    assert_eq!(h.emulator.grant_workspace(&grant), None);
}

// ----- manual assign -------------------------------------------------------------------------

#[tokio::test]
async fn manual_assign_moves_removes_and_reports_unmatched_ids() {
    let h = Harness::start();
    let from = h
        .emulator
        .add_workspace(NewWorkspace::new("From").domain("from.io"))
        .unwrap();
    let to = h
        .client
        .create_workspace(CreateWorkspace::new("To").domain("to.io"))
        .await
        .unwrap()
        .workspace_id;
    let g1 = h
        .emulator
        .add_grant(NewGrant::new("1@x.io").workspace_id(&from))
        .unwrap();
    let g2 = h.emulator.add_grant(NewGrant::new("2@x.io")).unwrap();

    let outcome = h
        .client
        .manual_assign(
            "to.io",
            ManualAssign::new().assign([&g1, &g2, &"ghost".to_owned()]),
        )
        .await
        .unwrap();
    assert!(outcome.is_complete());
    assert_eq!(outcome.assigned, vec![g1.clone(), g2.clone()]);
    assert_eq!(outcome.unmatched.len(), 1);
    assert_eq!(outcome.unmatched[0].grant_id, "ghost");
    assert_eq!(h.emulator.grant_workspace(&g1), Some(to.clone()));
    assert_eq!(h.emulator.grant_workspace(&g2), Some(to.clone()));

    let outcome = h
        .client
        .manual_assign(&to, ManualAssign::new().remove([&g1]))
        .await
        .unwrap();
    assert_eq!(outcome.removed, vec![g1.clone()]);
    assert_eq!(
        h.emulator.grant_workspace(&g1),
        None,
        "removed grants belong nowhere"
    );
    assert_eq!(h.emulator.grant_workspace(&g2), Some(to));
}

#[tokio::test]
async fn manual_assign_refusals() {
    let h = Harness::start();
    let auto = h
        .emulator
        .add_workspace(NewWorkspace::new("Auto").domain("auto.io").auto_group(true))
        .unwrap();
    let manual = h
        .emulator
        .add_workspace(NewWorkspace::new("Manual"))
        .unwrap();
    let grant = h.emulator.add_grant(NewGrant::new("x@y.io")).unwrap();
    let before = h.emulator.grant_workspace(&grant);

    let err = h
        .client
        .manual_assign(&auto, ManualAssign::new().assign([&grant]))
        .await
        .unwrap_err();
    assert_eq!(err.rule(), Some(Rule::TargetAutoGroups));
    let err = h
        .client
        .manual_assign(&manual, ManualAssign::new())
        .await
        .unwrap_err();
    assert_eq!(err.rule(), Some(Rule::NoGrantIds));
    assert_eq!(h.emulator.calls(Operation::ManualAssign), 0);
    assert_eq!(h.emulator.grant_workspace(&grant), before);
    let missing = h
        .client
        .manual_assign("nowhere", ManualAssign::new().assign([&grant]))
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
}

#[tokio::test]
async fn more_than_500_grants_are_split_into_accepted_requests() {
    let h = Harness::start();
    let target = h.emulator.add_workspace(NewWorkspace::new("Big")).unwrap();
    let grants: Vec<String> = (0..1_201)
        .map(|i| {
            h.emulator
                .add_grant(NewGrant::new(format!("u{i}@big.io")))
                .unwrap()
        })
        .collect();
    let outcome = h
        .client
        .manual_assign(&target, ManualAssign::new().assign(grants.clone()))
        .await
        .unwrap();
    assert!(outcome.is_complete());
    assert_eq!(outcome.assigned.len(), 1_201);
    assert_eq!(
        h.emulator.calls(Operation::ManualAssign),
        3,
        "500 + 500 + 201"
    );
    assert_eq!(h.emulator.grants_in(&target), grants);
}

// ----- auto-group ----------------------------------------------------------------------------

#[tokio::test]
async fn auto_group_sorts_grants_and_is_limited_to_once_a_minute() {
    let h = Harness::with(EmulatorConfig::new().manual_clock(1_725_000_000), |b| {
        b.max_retry_after(Duration::from_secs(1))
    });
    let nylas = h
        .emulator
        .add_workspace(
            NewWorkspace::new("Nylas")
                .domain("nylas.com")
                .auto_group(true),
        )
        .unwrap();
    let default_id = h.emulator.default_workspace_id().unwrap();
    let add = |email: &str, valid: bool, created_at: i64| {
        h.emulator
            .add_grant(
                NewGrant::new(email)
                    .valid(valid)
                    .created_at(created_at)
                    .workspace_id(&default_id),
            )
            .unwrap()
    };
    let too_old = add("old@nylas.com", true, 1_725_000_000);
    let invalid = add("broken@nylas.com", false, 1_725_300_000);
    let elsewhere = add("x@other.org", true, 1_725_300_000);

    // The filters of the reference page's cURL sample.
    let job = h
        .client
        .auto_group(
            AutoGroup::new()
                .after_created_at_unix(1_725_273_600)
                .invalid_also(true)
                .specific_domain("nylas.com"),
        )
        .await
        .unwrap();
    assert!(!job.job_id.is_empty() && !job.message.is_empty());
    assert_eq!(h.emulator.grant_workspace(&invalid), Some(nylas.clone()));
    assert_eq!(
        h.emulator.grant_workspace(&too_old),
        Some(default_id.clone())
    );
    assert_eq!(
        h.emulator.grant_workspace(&elsewhere),
        Some(default_id.clone())
    );

    let err = h.client.auto_group(AutoGroup::new()).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));

    h.emulator.advance_clock(Duration::from_secs(60));
    h.client.auto_group(AutoGroup::new()).await.unwrap();
    let created = h
        .emulator
        .workspace("other.org")
        .expect("a workspace for other.org");
    assert_eq!(created.auto_group, Some(true));
    assert_eq!(h.emulator.grant_workspace(&elsewhere), created.workspace_id);
    assert_eq!(h.emulator.grant_workspace(&too_old), Some(nylas));
}

#[tokio::test]
async fn grants_added_later_follow_the_auto_group_workspace_of_their_domain() {
    let h = Harness::start();
    let ws = h
        .client
        .create_workspace(
            CreateWorkspace::new("Acme")
                .domain("acme.io")
                .auto_group(true),
        )
        .await
        .unwrap();
    let joined = h.emulator.add_grant(NewGrant::new("new@acme.io")).unwrap();
    let other = h.emulator.add_grant(NewGrant::new("new@else.io")).unwrap();
    assert_eq!(h.emulator.grant_workspace(&joined), Some(ws.workspace_id));
    assert_eq!(
        h.emulator.grant_workspace(&other),
        h.emulator.default_workspace_id()
    );
}

/// Errors are typed, not strings: a caller can match on them.
#[tokio::test]
async fn errors_are_matchable() {
    let h = Harness::start();
    match h.client.get_workspace("missing").await {
        Err(Error::Api(api)) => assert_eq!(api.status, 404),
        other => panic!("expected an API error, got {other:?}"),
    }
}
