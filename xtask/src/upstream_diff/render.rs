//! Showing a report: readable text for a maintainer, JSON for scripts.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::Report;
use super::compare::{Change, Difference};

/// The report as text: one block per operation, one line per difference (accepted ones
/// marked; their reasons are in the allow file and in the JSON output), then a summary.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Comparing the operations of {} (ours, OpenAPI {}, {} operations) with those of the \
         same id and those tagged `{}` in {} (upstream, OpenAPI {}, {} operations).",
        report.ours.label,
        report.ours.version,
        report.ours.operations,
        report.tag,
        report.upstream.label,
        report.upstream.version,
        report.upstream.operations,
    );
    if report.upstream.operations == 0 {
        let _ = writeln!(
            out,
            "note: upstream has none of our operation ids and no operation tagged `{}`; is it \
             the right document?",
            report.tag
        );
    }

    let mut current_block: Option<&str> = None;
    for item in &report.differences {
        let d = &item.difference;
        let marker = if item.accepted.is_some() {
            "  [accepted]"
        } else {
            ""
        };
        if d.section.is_none() && d.facet.is_none() {
            let _ = writeln!(
                out,
                "\n{} {} ({}): {}{marker}",
                symbol(&d.change),
                d.operation,
                d.endpoint,
                side(&d.change)
            );
            current_block = None;
        } else {
            if current_block != Some(d.operation.as_str()) {
                let _ = writeln!(out, "\n{} ({})", d.operation, d.endpoint);
                current_block = Some(d.operation.as_str());
            }
            let _ = writeln!(out, "  {} {}{marker}", symbol(&d.change), describe(d));
        }
    }

    let accepted = report.accepted_count();
    let to_review = report.differences.len() - accepted;
    if report.differences.is_empty() {
        let _ = writeln!(out, "\nNo differences.");
    } else {
        let _ = writeln!(
            out,
            "\n{} difference(s): {accepted} accepted (reasons in {}), {to_review} to review.",
            report.differences.len(),
            report.accepted_file
        );
    }
    if !report.unused_accepted.is_empty() {
        let _ = writeln!(
            out,
            "\nAllow-file entries that matched no difference (upstream may have caught up; \
             remove them if so):"
        );
        for entry in &report.unused_accepted {
            let _ = writeln!(out, "  {}", entry.location());
        }
    }
    out
}

/// The report as one JSON object.
pub fn json(report: &Report) -> Value {
    let differences: Vec<Value> = report
        .differences
        .iter()
        .map(|item| {
            let d = &item.difference;
            let (kind, ours, upstream) = match &d.change {
                Change::OnlyOurs => ("only_ours", None, None),
                Change::OnlyUpstream => ("only_upstream", None, None),
                Change::Changed { ours, upstream } => ("changed", ours.clone(), upstream.clone()),
            };
            json!({
                "operation": d.operation,
                "endpoint": d.endpoint,
                "section": d.section,
                "field": d.field,
                "facet": d.facet,
                "change": kind,
                "ours": ours,
                "upstream": upstream,
                "accepted": item.accepted,
            })
        })
        .collect();
    let unused: Vec<Value> = report
        .unused_accepted
        .iter()
        .map(|e| {
            json!({
                "operation": e.operation,
                "section": e.section,
                "field": e.field,
                "facet": e.facet,
                "reason": e.reason,
            })
        })
        .collect();
    let accepted = report.accepted_count();
    json!({
        "tag": report.tag,
        "accepted_file": report.accepted_file,
        "ours": summary(&report.ours),
        "upstream": summary(&report.upstream),
        "differences": differences,
        "unused_accepted": unused,
        "summary": {
            "differences": report.differences.len(),
            "accepted": accepted,
            "to_review": report.differences.len() - accepted,
        },
    })
}

fn summary(side: &super::SideSummary) -> Value {
    json!({"document": side.label, "openapi": side.version, "operations": side.operations})
}

fn symbol(change: &Change) -> char {
    match change {
        Change::OnlyOurs => '-',
        Change::OnlyUpstream => '+',
        Change::Changed { .. } => '~',
    }
}

fn side(change: &Change) -> &'static str {
    match change {
        Change::OnlyOurs => "only in ours",
        Change::OnlyUpstream => "only in upstream",
        Change::Changed { .. } => "changed",
    }
}

/// `request body / domain / required: ours false, upstream true`.
fn describe(d: &Difference) -> String {
    let location: Vec<&str> = [d.section.as_deref(), d.field.as_deref(), d.facet.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let location = location.join(" / ");
    match &d.change {
        Change::Changed { ours, upstream } => format!(
            "{location}: ours {}, upstream {}",
            shown(ours.as_ref()),
            shown(upstream.as_ref())
        ),
        other => format!("{location}: {}", side(other)),
    }
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "(not set)".to_string(), Value::to_string)
}
