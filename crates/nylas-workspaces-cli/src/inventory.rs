//! `inventory`: what every workspace holds, in one view — its settings, its policy and rules
//! by name, and how many grants it has — plus the grants that are in no workspace.
//!
//! Grants are counted in one walk over every grant of the application (only counts are kept,
//! so memory does not grow with the number of grants), not with one filtered listing per
//! workspace: that would cost a walk per workspace, and the filtered listing lags behind
//! freshly created grants. A grant whose `workspace_id` Nylas left out is counted as in no
//! workspace; Nylas documents that it omits the field for grants that are not Agent Accounts
//! and sit in the default workspace, so that row may include some of the default's grants.
//! Grants naming a workspace that is not in the list (deleted meanwhile) get a row of their own.

use std::collections::HashMap;
use std::io::{self, Write};

use nylas_workspaces::GrantQuery;
use serde_json::{Value, json};

use crate::cli::InventoryFormat;
use crate::failure::Failure;
use crate::names::Names;
use crate::render;
use crate::rows::csv_field;
use crate::session::Session;

/// Why the "no workspace" count may include default-workspace grants, in every output.
pub const NO_WORKSPACE_NOTE: &str = "grants Nylas sent without a workspace_id: in no workspace, \
     or (for grants that are not Agent Accounts) in the default workspace";

/// Runs `inventory`.
pub async fn run(session: &Session, format: InventoryFormat) -> Result<(), Failure> {
    let client = &session.client;
    let workspaces = client.list_workspaces().await?;
    let names = Names::fetch(client).await;
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut no_workspace = 0u64;
    let mut grants = client.grants(GrantQuery::new())?;
    while let Some(page) = grants.next_page().await? {
        for grant in page {
            match grant.workspace_id {
                Some(ws) => *counts.entry(ws).or_default() += 1,
                None => no_workspace += 1,
            }
        }
    }
    let mut rows: Vec<Value> = workspaces
        .iter()
        .map(|ws| {
            json!({
                "workspace_id": ws.workspace_id,
                "name": ws.name,
                "domain": ws.domain,
                "auto_group": ws.auto_group,
                "default": ws.default,
                "policy": ws.policy_id.as_ref().map(|id| json!({
                    "policy_id": id, "name": names.policy_name(id),
                })),
                "rules": ws.rule_ids.iter().map(|id| json!({
                    "rule_id": id, "name": names.rule_name(id),
                })).collect::<Vec<_>>(),
                "grants": counts.remove(&ws.workspace_id).unwrap_or(0),
            })
        })
        .collect();
    let mut unknown: Vec<(String, u64)> = counts.into_iter().collect();
    unknown.sort();
    let document = json!({
        "workspaces": rows,
        "no_workspace": {"grants": no_workspace, "note": NO_WORKSPACE_NOTE},
        "unknown_workspaces": unknown.iter().map(|(id, n)| json!({"workspace_id": id, "grants": n})).collect::<Vec<_>>(),
    });
    if session.json || format == InventoryFormat::Json {
        print!("{}", render::json_text(&document));
        return Ok(());
    }
    for (id, n) in &unknown {
        rows.push(json!({"workspace_id": id, "name": "(unknown workspace)", "grants": n}));
    }
    rows.push(json!({"workspace_id": null, "name": "(no workspace)", "grants": no_workspace}));
    let text = match format {
        InventoryFormat::Csv => csv(&rows),
        _ => format!("{}\n(no workspace): {NO_WORKSPACE_NOTE}.\n", table(&rows)),
    };
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Failure::Local(format!("cannot write the inventory: {e}")))
        }
        _ => Ok(()),
    }
}

const HEADER: [&str; 8] = [
    "WORKSPACE ID",
    "NAME",
    "DOMAIN",
    "AUTO-GROUP",
    "DEFAULT",
    "POLICY",
    "RULES",
    "GRANTS",
];

/// The cells of one row: `none` for what is absent, names next to ids where known.
fn cells(row: &Value, none: &str, label: impl Fn(&Value, &str) -> String) -> Vec<String> {
    let text = |key: &str| row[key].as_str().unwrap_or(none).to_owned();
    let flag = |key: &str| match row[key].as_bool() {
        Some(true) => "yes".to_owned(),
        Some(false) => "no".to_owned(),
        None => none.to_owned(),
    };
    let policy = match &row["policy"] {
        Value::Object(_) => label(&row["policy"], "policy_id"),
        _ => none.to_owned(),
    };
    let rules = row["rules"]
        .as_array()
        .filter(|r| !r.is_empty())
        .map_or(none.to_owned(), |r| {
            r.iter()
                .map(|rule| label(rule, "rule_id"))
                .collect::<Vec<_>>()
                .join("; ")
        });
    vec![
        text("workspace_id"),
        text("name"),
        text("domain"),
        flag("auto_group"),
        flag("default"),
        policy,
        rules,
        row["grants"].as_u64().unwrap_or(0).to_string(),
    ]
}

fn table(rows: &[Value]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            cells(row, "-", |item, id_key| {
                let id = item[id_key].as_str().unwrap_or_default();
                match item["name"].as_str().filter(|n| !n.is_empty()) {
                    Some(name) => format!("{name} ({id})"),
                    None => id.to_owned(),
                }
            })
        })
        .collect();
    render::plain_table(&HEADER, &rows)
}

fn csv(rows: &[Value]) -> String {
    let mut out = String::new();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| csv_field(&render::escape(c)))
            .collect::<Vec<_>>()
            .join(",")
            + "\r\n"
    };
    out.push_str(&line(HEADER.iter().map(|h| h.to_string()).collect()));
    for row in rows {
        // CSV keeps names and ids apart for machines: `name=id` pairs would need parsing.
        out.push_str(&line(cells(row, "", |item, id_key| {
            item["name"]
                .as_str()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| item[id_key].as_str().unwrap_or_default())
                .to_owned()
        })));
    }
    out
}
