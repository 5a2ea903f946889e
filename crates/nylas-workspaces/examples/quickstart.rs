//! Quickstart: list and inspect workspaces, create one with a domain, then attach and detach a
//! policy and rules.
//!
//! It runs against the embedded emulator (`nylas_workspaces_emulator::Emulator`, a real HTTP
//! server on a loopback port), so it needs no API key and no network:
//!
//! ```text
//! cargo run -p nylas-workspaces --example quickstart
//! ```
//!
//! Against Nylas itself, replace the emulator and the builder with `Client::from_env()?`,
//! which reads `NYLAS_API_KEY` (and `NYLAS_API_URI` for the EU region).

use nylas_workspaces::{
    Client, CreateWorkspace, Patch, PolicyAndRules, UpdateWorkspace, Workspace,
};
use nylas_workspaces_emulator::{Emulator, EmulatorConfig};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The emulated application starts with its default workspace; it also owns a policy and
    // two rules we can attach.
    let emulator = Emulator::start(EmulatorConfig::new()).await?;
    let policy = emulator.add_policy();
    let (rule_a, rule_b) = (emulator.add_rule(), emulator.add_rule());

    let client = Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .build()?;

    // List and inspect.
    println!("workspaces at start:");
    for workspace in client.list_workspaces().await? {
        show(&workspace);
    }
    if let Some(default) = client.default_workspace().await? {
        println!("the default workspace is {}", default.workspace_id);
    }

    // Create one with a domain. `auto_group` stays off, so grants are moved by hand
    // (see the bulk_from_csv example).
    let sales = client
        .create_workspace(CreateWorkspace::new("Sales").domain("sales.example.com"))
        .await?;
    println!("created:");
    show(&sales);
    let id = sales.workspace_id.as_str();

    // Updates have three states per optional field (`Patch`): Keep leaves the field alone
    // (it is not sent), Clear sends `null`, Set replaces it.
    let attach = UpdateWorkspace::new()
        .policy_id(&policy)
        .rule_ids([&rule_a, &rule_b]);
    let ws = client.update_workspace(id, attach).await?;
    println!("attached policy and two rules:");
    show(&ws);

    // Keep the policy, replace the rules with one.
    let keep_policy = UpdateWorkspace {
        policy_and_rules: PolicyAndRules {
            policy_id: Patch::Keep,
            rule_ids: Patch::Set(vec![rule_b.clone()]),
        },
        ..UpdateWorkspace::new()
    };
    let ws = client.update_workspace(id, keep_policy).await?;
    println!("kept the policy, replaced the rules:");
    show(&ws);

    // Detach both (the builder's clear_* methods are `Patch::Clear`), and rename.
    let detach = UpdateWorkspace::new()
        .name("Sales EMEA")
        .clear_policy()
        .clear_rules();
    let ws = client.update_workspace(id, detach).await?;
    println!("renamed and detached everything:");
    show(&ws);

    // Inspect one workspace by id, then delete it.
    let fetched = client.get_workspace(id).await?;
    assert_eq!(fetched.policy_id, None);
    let request_id = client.delete_workspace(id).await?;
    println!("deleted {id} (request {request_id})");
    println!("workspaces left: {}", client.list_workspaces().await?.len());
    Ok(())
}

/// One line per workspace.
fn show(ws: &Workspace) {
    println!(
        "  {} name={:?} domain={} default={} auto_group={} policy={} rules={:?}",
        ws.workspace_id,
        ws.name,
        ws.domain.as_deref().unwrap_or("-"),
        ws.default,
        ws.auto_group,
        ws.policy_id.as_deref().unwrap_or("-"),
        ws.rule_ids,
    );
}
