//! Every documented rule is enforced before sending: the mock server must see zero requests.

use crate::common;

use std::time::{Duration, UNIX_EPOCH};

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::{
    AutoGroup, Client, CreateWorkspace, DefaultWorkspaceUpdate, Error, ManualAssign,
    ManualAssignOptions, Rule, UpdateWorkspace,
};
use serde_json::json;

/// Asserts the error is the given rule and that the server saw nothing.
fn refused(result: Result<impl std::fmt::Debug, Error>, rule: Rule) {
    let err = result.unwrap_err();
    assert_eq!(err.rule(), Some(rule), "{err:?}");
    assert!(err.nothing_sent());
    assert!(!err.is_retryable());
    assert!(err.to_string().contains(rule.as_str()));
}

#[tokio::test]
async fn create_rules_are_enforced_before_sending() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server);
    let c = client(&server);
    refused(
        c.create_workspace(CreateWorkspace::new("")).await,
        Rule::NameRequired,
    );
    refused(
        c.create_workspace(CreateWorkspace::new("  ")).await,
        Rule::NameRequired,
    );
    refused(
        c.create_workspace(CreateWorkspace::new("a").auto_group(true))
            .await,
        Rule::AutoGroupRequiresDomain,
    );
    refused(
        c.create_workspace(CreateWorkspace::new("a").domain(" "))
            .await,
        Rule::DomainEmpty,
    );
    refused(
        c.create_workspace(CreateWorkspace::new("a").policy_id(""))
            .await,
        Rule::EmptyReferenceId,
    );
    refused(
        c.create_workspace(CreateWorkspace::new("a").rule_ids(["ok", ""]))
            .await,
        Rule::EmptyReferenceId,
    );
    assert_eq!(any.calls(), 0);
}

#[tokio::test]
async fn update_rules_are_enforced_before_sending() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server);
    let c = client(&server);
    refused(
        c.update_workspace("ws", UpdateWorkspace::new()).await,
        Rule::EmptyUpdate,
    );
    refused(
        c.update_workspace("ws", UpdateWorkspace::new().name(""))
            .await,
        Rule::NameRequired,
    );
    refused(
        c.update_workspace("ws", UpdateWorkspace::new().policy_id(" "))
            .await,
        Rule::EmptyReferenceId,
    );
    refused(
        c.update_workspace("", UpdateWorkspace::new().name("x"))
            .await,
        Rule::WorkspaceIdInvalid,
    );
    refused(
        c.update_default_workspace(DefaultWorkspaceUpdate::new())
            .await,
        Rule::EmptyUpdate,
    );
    assert_eq!(any.calls(), 0);
}

#[tokio::test]
async fn a_known_default_workspace_cannot_be_renamed_regrouped_or_deleted() {
    let server = MockServer::start_async().await;
    let list = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces");
        then.status(200).json_body(json!({
            "request_id": "r", "data": [default_workspace("ws-d"), workspace("ws-1")]
        }));
    });
    let c = client(&server);
    c.list_workspaces().await.unwrap();
    let writes = catch_all(&server);
    refused(
        c.update_workspace("ws-d", UpdateWorkspace::new().name("Renamed"))
            .await,
        Rule::DefaultWorkspaceProtected,
    );
    refused(
        c.update_workspace(
            "ws-d",
            UpdateWorkspace::new().auto_group(true).policy_id("p"),
        )
        .await,
        Rule::DefaultWorkspaceProtected,
    );
    refused(
        c.delete_workspace("ws-d").await,
        Rule::DefaultWorkspaceProtected,
    );
    // Clones share what the client learned.
    refused(
        c.clone().delete_workspace("ws-d").await,
        Rule::DefaultWorkspaceProtected,
    );
    assert_eq!(writes.calls(), 0);
    assert_eq!(list.calls(), 1);
}

#[tokio::test]
async fn bad_workspace_ids_are_refused_for_every_operation() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server);
    let c = client(&server);
    for id in ["", ".", ".."] {
        refused(c.get_workspace(id).await, Rule::WorkspaceIdInvalid);
        refused(c.delete_workspace(id).await, Rule::WorkspaceIdInvalid);
        refused(
            c.update_workspace(id, UpdateWorkspace::new().clear_rules())
                .await,
            Rule::WorkspaceIdInvalid,
        );
        refused(
            c.manual_assign(id, ManualAssign::new().assign(["g"])).await,
            Rule::WorkspaceIdInvalid,
        );
    }
    assert_eq!(any.calls(), 0);
}

#[tokio::test]
async fn auto_group_filters_are_checked() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server);
    let c = client(&server);
    refused(
        c.auto_group(AutoGroup::new().after_created_at_unix(-1))
            .await,
        Rule::TimestampBeforeEpoch,
    );
    if let Some(before_epoch) = UNIX_EPOCH.checked_sub(Duration::from_secs(10)) {
        refused(
            c.auto_group(AutoGroup::new().created_at_or_after(before_epoch))
                .await,
            Rule::TimestampBeforeEpoch,
        );
    }
    refused(
        c.auto_group(AutoGroup::new().specific_domain("")).await,
        Rule::DomainEmpty,
    );
    assert_eq!(any.calls(), 0);
}

#[tokio::test]
async fn manual_assign_id_rules_are_checked_before_even_the_lookup() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server);
    let c = client(&server);
    refused(
        c.manual_assign("ws", ManualAssign::new()).await,
        Rule::NoGrantIds,
    );
    refused(
        c.manual_assign(
            "ws",
            ManualAssign::new().assign(["g-1"]).remove(["g-2", "g-1"]),
        )
        .await,
        Rule::GrantInBothLists,
    );
    refused(
        c.manual_assign("ws", ManualAssign::new().remove(["g-1", ""]))
            .await,
        Rule::EmptyGrantId,
    );
    refused(
        c.manual_assign_with(
            "ws",
            ManualAssign::new().assign(["g"]),
            ManualAssignOptions::new().concurrency(0),
        )
        .await,
        Rule::ConcurrencyZero,
    );
    assert_eq!(any.calls(), 0);
}

#[tokio::test]
async fn manual_assign_to_an_auto_grouping_workspace_sends_no_assignment() {
    let server = MockServer::start_async().await;
    let mut auto = workspace("ws-auto");
    auto["auto_group"] = json!(true);
    let lookup = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-auto");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": auto}));
    });
    let assign = catch_all(&server);
    let err = client(&server)
        .manual_assign("ws-auto", ManualAssign::new().assign(["g-1"]))
        .await
        .unwrap_err();
    assert_eq!(err.rule(), Some(Rule::TargetAutoGroups));
    assert_eq!(lookup.calls(), 1);
    assert_eq!(assign.calls(), 0);
}

#[tokio::test]
async fn insecure_base_urls_are_refused_at_build_time() {
    let err = Client::builder()
        .api_key(KEY)
        .base_url("http://api.us.nylas.com")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    assert!(err.nothing_sent());
    Client::builder()
        .api_key(KEY)
        .base_url("http://api.internal")
        .allow_insecure_http(true)
        .build()
        .unwrap();
    Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
}

#[tokio::test]
async fn turning_on_auto_group_for_a_known_domainless_workspace_is_refused() {
    let server = MockServer::start_async().await;
    let get = server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-plain");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": {
                "workspace_id": "ws-plain", "name": "Plain", "domain": null, "auto_group": false
            }}));
    });
    let c = client(&server);
    c.get_workspace("ws-plain").await.unwrap();
    let writes = server.mock(|when, then| {
        when.method(PATCH);
        then.status(200)
            .json_body(json!({"request_id": "r", "data": {
                "workspace_id": "ws-plain", "name": "Renamed", "domain": null
            }}));
    });
    refused(
        c.update_workspace("ws-plain", UpdateWorkspace::new().auto_group(true))
            .await,
        Rule::AutoGroupRequiresDomain,
    );
    assert_eq!(writes.calls(), 0);
    // Other changes to the same workspace still go out.
    c.update_workspace("ws-plain", UpdateWorkspace::new().name("Renamed"))
        .await
        .unwrap();
    assert_eq!(writes.calls(), 1);
    assert_eq!(get.calls(), 1);
}
