//! The read-side commands: `grants list|get`, `policies list|get`, `rules list|get|attach|
//! detach` and `application`.
//!
//! Each maps its flags onto the crate's calls and renders; the crate checks the filters and
//! ids (exit 2, nothing sent) and does the paging. `grants list` streams: it writes each page
//! as it arrives and flushes, so memory stays at one page whatever the number of grants, and
//! a reader that closes the pipe early (`| head`) simply ends the run.

use std::io::{self, BufWriter};

use nylas_workspaces::resources::Rule;
use nylas_workspaces::{Grant, GrantQuery, Policy, Workspace};

use crate::cli::{GrantsFormat, GrantsListArgs};
use crate::failure::Failure;
use crate::names::Names;
use crate::render::{self, escape};
use crate::rows::{Rows, Shape};
use crate::session::Session;
use crate::timestamp::format_unix;

/// The columns of `grants list`.
const GRANT_HEADER: [&str; 6] = [
    "GRANT ID",
    "EMAIL",
    "PROVIDER",
    "STATUS",
    "WORKSPACE",
    "CREATED",
];
/// Their widths in the table (ids are UUIDs; longer cells push the line out, never cut).
const GRANT_WIDTHS: &[usize] = &[36, 30, 9, 8, 36];

/// `grants list`: streams the matching grants in the chosen format.
pub async fn grants_list(session: &Session, args: &GrantsListArgs) -> Result<(), Failure> {
    let mut query = GrantQuery::new();
    if let Some(ws) = &args.workspace {
        query = query.workspace_id(ws);
    }
    if let Some(email) = &args.email {
        query = query.email(email);
    }
    if let Some(provider) = &args.provider {
        query = query.provider(provider);
    }
    if let Some(status) = args.status {
        query = query.grant_status(status);
    }
    query = query.full_scan(args.full_scan);
    let mut listing = session.client.grants(query)?;
    let shape = match (session.json, args.format) {
        (true, _) => Shape::JsonArray,
        (false, GrantsFormat::Table) => Shape::Table(GRANT_WIDTHS),
        (false, GrantsFormat::Csv) => Shape::Csv,
        (false, GrantsFormat::Jsonl) => Shape::Jsonl,
    };
    let csv = shape == Shape::Csv;
    let out = BufWriter::new(io::stdout().lock());
    let mut rows = match Rows::start(out, shape, &GRANT_HEADER) {
        Ok(rows) => rows,
        Err(e) => return closed_pipe(e),
    };
    while let Some(page) = listing.next_page().await? {
        let result = page
            .iter()
            .try_for_each(|grant| rows.row(&grant_cells(grant, csv), grant))
            .and_then(|()| rows.flush());
        if let Err(e) = result {
            return closed_pipe(e);
        }
    }
    rows.finish().map(|_| ()).or_else(closed_pipe)
}

/// A closed pipe means the reader has what it wanted: stop quietly. Any other write error is
/// a local failure.
fn closed_pipe(error: io::Error) -> Result<(), Failure> {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(Failure::Local(format!("cannot write the listing: {error}")))
    }
}

/// One grant's cells; absent values are `-` in a table and empty in CSV.
fn grant_cells(grant: &Grant, csv: bool) -> Vec<String> {
    let none = if csv { "" } else { "-" };
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| none.to_owned());
    vec![
        grant.grant_id.clone(),
        text(&grant.email),
        text(&grant.provider),
        text(&grant.grant_status),
        text(&grant.workspace_id),
        grant
            .created_at
            .map_or_else(|| none.to_owned(), format_unix),
    ]
}

/// `grants get`.
pub async fn grants_get(session: &Session, id: &str) -> Result<(), Failure> {
    let grant = session.client.get_grant(id).await?;
    session.print(&grant, || {
        fields(&[
            ("grant_id", Some(grant.grant_id.clone())),
            ("email", grant.email.clone()),
            ("name", grant.name.clone()),
            ("provider", grant.provider.clone()),
            ("grant_status", grant.grant_status.clone()),
            ("workspace_id", grant.workspace_id.clone()),
            ("created_at", grant.created_at.map(format_unix)),
            ("updated_at", grant.updated_at.map(format_unix)),
        ])
    });
    Ok(())
}

/// `policies list`.
pub async fn policies_list(session: &Session) -> Result<(), Failure> {
    let policies = session.client.policies().collect_all().await?;
    session.print(&policies, || {
        table(
            &["POLICY ID", "NAME", "CREATED"],
            policies.iter().map(|p| {
                vec![
                    p.policy_id.clone(),
                    dash(&p.name),
                    p.created_at.map_or("-".into(), format_unix),
                ]
            }),
            "no policies",
        )
    });
    Ok(())
}

/// `policies get`.
pub async fn policies_get(session: &Session, id: &str) -> Result<(), Failure> {
    let policy = session.client.get_policy(id).await?;
    session.print(&policy, || policy_detail(&policy));
    Ok(())
}

fn policy_detail(policy: &Policy) -> String {
    fields(&[
        ("policy_id", Some(policy.policy_id.clone())),
        ("name", Some(policy.name.clone())),
        ("application_id", Some(policy.application_id.clone())),
        ("created_at", policy.created_at.map(format_unix)),
        ("updated_at", policy.updated_at.map(format_unix)),
    ])
}

/// `rules list`.
pub async fn rules_list(session: &Session) -> Result<(), Failure> {
    let rules = session.client.rules().collect_all().await?;
    session.print(&rules, || {
        table(
            &["RULE ID", "NAME", "PRIORITY", "ENABLED", "TRIGGER"],
            rules.iter().map(|r| {
                vec![
                    r.rule_id.clone(),
                    dash(&r.name),
                    r.priority.map_or("-".into(), |p| p.to_string()),
                    r.enabled.map_or("-", yes_no).to_owned(),
                    r.trigger.clone().unwrap_or_else(|| "-".into()),
                ]
            }),
            "no rules",
        )
    });
    Ok(())
}

/// `rules get`.
pub async fn rules_get(session: &Session, id: &str) -> Result<(), Failure> {
    let rule = session.client.get_rule(id).await?;
    session.print(&rule, || rule_detail(&rule));
    Ok(())
}

fn rule_detail(rule: &Rule) -> String {
    fields(&[
        ("rule_id", Some(rule.rule_id.clone())),
        ("name", Some(rule.name.clone())),
        ("description", rule.description.clone()),
        ("priority", rule.priority.map(|p| p.to_string())),
        ("enabled", rule.enabled.map(|e| yes_no(e).to_owned())),
        ("trigger", rule.trigger.clone()),
    ])
}

/// `rules attach` / `rules detach`: the crate does the read-modify-write.
pub async fn rules_change(
    session: &Session,
    workspace: &str,
    rule_ids: &[String],
    attach: bool,
) -> Result<(), Failure> {
    let workspace = if attach {
        session.client.attach_rules(workspace, rule_ids).await?
    } else {
        session.client.detach_rules(workspace, rule_ids).await?
    };
    print_workspace(session, &workspace).await;
    Ok(())
}

/// Prints a workspace: JSON as the API gave it, or its fields with policy and rule names.
pub async fn print_workspace(session: &Session, workspace: &Workspace) {
    if session.json {
        session.print(workspace, String::new);
        return;
    }
    let names = Names::fetch(&session.client).await;
    print!("{}", render::workspace_detail_named(workspace, &names));
}

/// `application`.
pub async fn application(session: &Session) -> Result<(), Failure> {
    let app = session.client.application().await?;
    session.print(&app, || {
        fields(&[
            ("application_id", Some(app.application_id.clone())),
            ("region", app.region.clone()),
            ("environment", app.environment.clone()),
            ("default_workspace_id", app.default_workspace_id.clone()),
        ])
    });
    Ok(())
}

/// Key/value lines, absent values as `-`, everything escaped.
fn fields(pairs: &[(&str, Option<String>)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        let value = value.as_deref().filter(|v| !v.is_empty()).unwrap_or("-");
        out.push_str(&format!("{key:<21}{}\n", escape(value)));
    }
    out
}

/// A borderless table with `header`, or `empty` when there are no rows.
fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>, empty: &str) -> String {
    let rows: Vec<Vec<String>> = rows.collect();
    if rows.is_empty() {
        return format!("{empty}\n");
    }
    render::plain_table(header, &rows)
}

fn dash(text: &str) -> String {
    if text.is_empty() {
        "-".into()
    } else {
        text.to_owned()
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}
