//! The workspace commands: list, get, create, update, delete, auto-group.
//!
//! Each maps its arguments onto the client crate's request types, sends, and renders. None
//! checks an API rule or looks anything up itself: refusals come from the crate (exit 2,
//! nothing mutating sent; the crate looks the target up when a rule needs it) or from the
//! server (exit 1).

use nylas_workspaces::{AutoGroup, CreateWorkspace, UpdateWorkspace};
use serde_json::json;

use crate::cli::{AutoGroupArgs, CreateArgs, UpdateArgs};
use crate::confirm;
use crate::failure::Failure;
use crate::names::Names;
use crate::read;
use crate::render;
use crate::session::Session;

pub async fn list(session: &Session) -> Result<(), Failure> {
    let workspaces = session.client.list_workspaces().await?;
    if session.json {
        session.print(&workspaces, String::new);
    } else {
        let names = Names::fetch(&session.client).await;
        print!("{}", render::workspace_table(&workspaces, &names));
    }
    Ok(())
}

pub async fn get(session: &Session, id: &str) -> Result<(), Failure> {
    let workspace = session.client.get_workspace(id).await?;
    read::print_workspace(session, &workspace).await;
    Ok(())
}

pub async fn create(session: &Session, args: &CreateArgs) -> Result<(), Failure> {
    let mut request = CreateWorkspace::new(&args.name);
    if let Some(domain) = &args.domain {
        request = request.domain(domain);
    }
    if args.auto_group {
        request = request.auto_group(true);
    }
    if let Some(policy) = &args.policy_id {
        request = request.policy_id(policy);
    }
    if !args.rule_ids.is_empty() {
        request = request.rule_ids(&args.rule_ids);
    }
    let workspace = session.client.create_workspace(request).await?;
    read::print_workspace(session, &workspace).await;
    Ok(())
}

pub async fn update(session: &Session, args: &UpdateArgs) -> Result<(), Failure> {
    let mut update = UpdateWorkspace::new();
    if let Some(name) = &args.name {
        update = update.name(name);
    }
    if let Some(auto_group) = args.auto_group {
        update = update.auto_group(auto_group);
    }
    if let Some(policy) = &args.policy_id {
        update = update.policy_id(policy);
    }
    if args.clear_policy {
        update = update.clear_policy();
    }
    if !args.rule_ids.is_empty() {
        update = update.rule_ids(&args.rule_ids);
    }
    if args.clear_rules {
        update = update.clear_rules();
    }
    let workspace = session.client.update_workspace(&args.id, update).await?;
    read::print_workspace(session, &workspace).await;
    Ok(())
}

/// Deletes a workspace once confirmed: by `yes` (`--yes`), or by a yes typed at the terminal
/// to a question naming it. Without either nothing is sent (exit code 2).
pub async fn delete(session: &Session, id: &str, yes: bool) -> Result<(), Failure> {
    if !yes {
        if !confirm::can_ask() {
            return Err(confirm::needs_yes(id));
        }
        // The name makes a mistyped id visible before it is too late; an id that does not
        // exist fails here, before the question.
        let workspace = session.client.get_workspace(id).await?;
        if !confirm::ask(&confirm::delete_question(
            id,
            Some(workspace.name.as_str()).filter(|n| !n.is_empty()),
        )) {
            return Err(confirm::declined(id));
        }
    }
    let request_id = session.client.delete_workspace(id).await?;
    session.print(
        &json!({"workspace_id": id, "deleted": true, "request_id": request_id}),
        || render::deleted(id, &request_id),
    );
    Ok(())
}

pub async fn auto_group(session: &Session, args: &AutoGroupArgs) -> Result<(), Failure> {
    let mut request = AutoGroup::new();
    if let Some(after) = args.after {
        request = request.after_created_at_unix(after);
    }
    if args.invalid_also {
        request = request.invalid_also(true);
    }
    if let Some(domain) = &args.domain {
        request = request.specific_domain(domain);
    }
    let job = session.client.auto_group(request).await?;
    session.print(&job, || render::auto_group_job(&job));
    Ok(())
}
