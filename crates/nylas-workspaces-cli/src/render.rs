//! Everything the CLI prints, as strings: tables and sentences for people, JSON for scripts,
//! and error descriptions for both. Pure functions, so the exact output is unit-tested.
//!
//! Errors come from the client crate, whose messages never contain the API key; nothing here
//! has access to the key either.
//!
//! Every string that came from the server, a file or the command line goes through [`escape`]
//! before it reaches a terminal: a workspace named `\x1b]0;pwned\x07` must show as those
//! characters, not retitle the window, move the cursor or reverse the line. JSON output stays
//! exact (the characters are escaped the JSON way, so a parser gets the server's string back).

use std::borrow::Cow;

use comfy_table::{Table, presets::NOTHING};
use nylas_workspaces::{AutoGroupJob, Error, Workspace};
use serde_json::{Value, json};

use crate::failure::Failure;
use crate::names::Names;
use crate::report::{Report, Status};
use crate::timestamp::format_unix;

/// Whether a terminal could act on `c` instead of showing it: C0 controls (newline and tab
/// included), DEL, C1 controls, the Unicode bidirectional controls that reorder what follows
/// (U+202A–U+202E, U+2066–U+2069, and the marks U+061C, U+200E, U+200F) and the line and
/// paragraph separators U+2028, U+2029.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` made safe to print: every character [`is_unsafe_char`] picks is shown as a Rust-style
/// escape (`\u{1b}`, `\u{202e}`), so it is visible and inert. Everything else, backslashes
/// included, is left as it is. Borrowed when there is nothing to escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_keeping(text, false)
}

/// Like [`escape`], but keeps line breaks: for multi-line text this tool composed itself
/// around user-supplied values (clap's usage errors).
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_keeping(text, true)
}

fn escape_keeping(text: &str, newlines: bool) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe_char(c) && !(newlines && c == '\n');
    if !text.chars().any(unsafe_here) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_here(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A table of workspaces, default first as Nylas lists it, with policy and rule names where
/// `names` knows them.
pub fn workspace_table(workspaces: &[Workspace], names: &Names) -> String {
    if workspaces.is_empty() {
        return "no workspaces\n".to_owned();
    }
    let rows: Vec<Vec<String>> = workspaces
        .iter()
        .map(|ws| {
            let name = if ws.default {
                format!("{} (default)", escape(&ws.name))
            } else {
                escape(&ws.name).into_owned()
            };
            vec![
                escape(&ws.workspace_id).into_owned(),
                name,
                ws.domain
                    .as_deref()
                    .map_or("-".into(), |d| escape(d).into_owned()),
                yes_no(ws.auto_group).into(),
                ws.policy_id
                    .as_deref()
                    .map_or("-".into(), |p| names.policy(p)),
                rule_list(&ws.rule_ids, names),
            ]
        })
        .collect();
    table_of(
        &[
            "WORKSPACE ID",
            "NAME",
            "DOMAIN",
            "AUTO-GROUP",
            "POLICY",
            "RULES",
        ],
        rows,
    )
}

/// A borderless table (like `kubectl get`) of `rows`, each cell escaped.
pub fn plain_table(header: &[&str], rows: &[Vec<String>]) -> String {
    table_of(
        header,
        rows.iter()
            .map(|row| row.iter().map(|c| escape(c).into_owned()).collect())
            .collect(),
    )
}

/// A borderless table of cells that are already escaped.
fn table_of(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut table = Table::new();
    // Borderless, like `kubectl get`: easy to read, to grep and to paste.
    table.load_style(NOTHING);
    table.set_header(header.to_vec());
    for row in rows {
        table.add_row(row);
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    format!("{}\n", table.trim_fmt())
}

/// Rules as `Name (id), ...`, or `-` for none.
fn rule_list(rule_ids: &[String], names: &Names) -> String {
    if rule_ids.is_empty() {
        return "-".to_owned();
    }
    rule_ids
        .iter()
        .map(|r| names.rule(r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One workspace, field by field, with policy and rule names where `names` knows them.
pub fn workspace_detail_named(ws: &Workspace, names: &Names) -> String {
    let mut out = String::new();
    let mut line = |key: &str, value: &str| out.push_str(&format!("{key:<15}{value}\n"));
    line("workspace_id", &escape(&ws.workspace_id));
    line("name", &escape(&ws.name));
    line("default", yes_no(ws.default));
    line("domain", &escape(ws.domain.as_deref().unwrap_or("-")));
    line("auto_group", yes_no(ws.auto_group));
    line(
        "policy_id",
        &ws.policy_id
            .as_deref()
            .map_or("-".into(), |p| names.policy(p)),
    );
    line("rule_ids", &rule_list(&ws.rule_ids, names));
    line("application_id", &escape(&ws.application_id));
    if let Some(created) = ws.created_at {
        line("created_at", &format_unix(created));
    }
    if let Some(updated) = ws.updated_at {
        line("updated_at", &format_unix(updated));
    }
    out
}

/// The started auto-group job.
pub fn auto_group_job(job: &AutoGroupJob) -> String {
    let mut out = format!("auto-group job {} started", escape(&job.job_id));
    if !job.message.is_empty() {
        out.push_str(&format!(": {}", escape(&job.message)));
    }
    out.push('\n');
    out
}

/// The deletion confirmation.
pub fn deleted(workspace_id: &str, request_id: &str) -> String {
    format!(
        "deleted workspace {} (request id {}); its grants moved to the default workspace, if \
         the application has one\n",
        escape(workspace_id),
        escape(request_id)
    )
}

/// A short summary of an assign report, with at most a few failures spelled out.
pub fn assign_summary(report: &Report, duplicates_dropped: usize) -> String {
    let s = report.summary;
    let mut out = format!(
        "workspace {}: {} assigned, {} removed, {} unmatched, {} failed, {} not sent\n",
        escape(&report.workspace_id),
        s.assigned,
        s.removed,
        s.unmatched,
        s.failed,
        s.not_sent
    );
    if duplicates_dropped > 0 {
        out.push_str(&format!(
            "{duplicates_dropped} duplicate id(s) in the input were sent once\n"
        ));
    }
    if s.unmatched > 0 {
        out.push_str(
            "unmatched ids were sent, but Nylas did not report them as changed (no such grant?)\n",
        );
    }
    let mut errors: Vec<(&str, usize)> = Vec::new();
    for entry in report.grants.iter().filter(|g| g.status == Status::Failed) {
        let error = entry.error.as_deref().unwrap_or("unknown error");
        match errors.iter_mut().find(|(e, _)| *e == error) {
            Some((_, count)) => *count += 1,
            None => errors.push((error, 1)),
        }
    }
    for (error, count) in errors.iter().take(5) {
        out.push_str(&format!("  {count} failed: {}\n", escape(error)));
    }
    if s.not_sent > 0 {
        let why = match report.not_sent_reason.as_deref() {
            Some("stopped") => "the run was stopped",
            Some("journal_unwritable") => "the report could not be written, so sending stopped",
            Some("interrupted") => {
                "the run ended before they were confirmed (sending them again is harmless)"
            }
            Some("earlier_failure") => {
                "an earlier request failed in a way that would fail them too"
            }
            _ => "the run ended before sending them",
        };
        out.push_str(&format!("  {} not sent: {why}\n", s.not_sent));
    }
    if let Some(error) = &report.journal_error {
        out.push_str(&format!(
            "the report could not be written: {error}\n  \
             it holds every request recorded before that, so --retry-from still works once \
             the problem is fixed\n"
        ));
    }
    out
}

/// The human description of a failure, for stderr: message, then status, request id and a
/// hint where they help.
pub fn failure_text(failure: &Failure) -> String {
    match failure {
        Failure::Usage(message) | Failure::Local(message) => {
            format!("error: {}\n", escape(message))
        }
        Failure::Partial {
            outcome,
            report_path,
        } => {
            let report = Report::from_outcome(outcome);
            let mut out = format!(
                "error: the assignment went through only in part\n{}",
                assign_summary(&report, 0)
            );
            if let Some(path) = report_path {
                out.push_str(&format!(
                    "the report lists every id; to retry exactly the failed ones:\n  \
                     nylas-workspaces assign --retry-from {}\n",
                    escape(&path.display().to_string())
                ));
            }
            out
        }
        Failure::Api(error) => {
            let mut out = format!("error: {}\n", escape(&error.to_string()));
            if let Some(status) = error.status() {
                out.push_str(&format!("  status: {status}\n"));
            }
            if let Some(request_id) = error.request_id() {
                out.push_str(&format!("  request id: {}\n", escape(request_id)));
            }
            if error.nothing_sent() {
                out.push_str("  nothing was changed: the request was refused before sending\n");
            } else if error.is_retryable() {
                out.push_str("  this may succeed if tried again later\n");
            }
            out
        }
    }
}

/// What clap has to say about the command line (a usage error, or the help and version text),
/// with the line breaks kept and anything else a terminal could act on escaped: clap quotes
/// the offending argument back, and an argument can come from a hostile file.
pub fn parse_error_text(error: &clap::Error) -> String {
    escape_lines(&error.render().to_string()).into_owned()
}

/// The machine-readable description of a failure, for `--json`.
pub fn failure_json(failure: &Failure) -> Value {
    match failure {
        Failure::Usage(message) => json!({"error": {"kind": "usage", "message": message}}),
        Failure::Local(message) => json!({"error": {"kind": "local", "message": message}}),
        Failure::Partial { outcome, .. } => serde_json::to_value(Report::from_outcome(outcome))
            .unwrap_or_else(|_| json!({"error": {"kind": "partial"}})),
        Failure::Api(error) => json!({"error": {
            "kind": error_kind(error),
            "message": error.to_string(),
            "rule": error.rule().map(|r| r.as_str()),
            "status": error.status(),
            "request_id": error.request_id(),
            "retryable": error.is_retryable(),
            "retry_after_secs": error.retry_after().map(|wait| wait.as_secs_f64()),
            "nothing_sent": error.nothing_sent(),
        }}),
    }
}

fn error_kind(error: &Error) -> &'static str {
    match error {
        Error::Api(_) => "api",
        Error::InvariantViolation { .. } => "refused",
        Error::Timeout { .. } => "timeout",
        Error::Connection { .. } => "connection",
        Error::Undecodable(_) => "undecodable",
        Error::BulkPartial(_) => "partial",
        Error::Config { .. } => "config",
        Error::InvalidRequest { .. } => "invalid_request",
        Error::LimitExceeded { .. } => "limit_exceeded",
        Error::Journal(_) => "journal",
        Error::Conflict(_) => "conflict",
        _ => "other",
    }
}

/// Serialises a value as pretty JSON with a final newline.
///
/// serde_json escapes C0 controls but writes DEL, C1 controls and bidi controls as they are;
/// those are written as `\uXXXX` escapes here too, so the document is still exact (a parser
/// reads back the very same string) and safe to look at in a terminal. Outside strings a JSON
/// document has only ASCII punctuation, digits, letters and whitespace, so replacing these
/// characters anywhere only ever touches string contents.
pub fn json_text(value: &impl serde::Serialize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        // C0 controls are already escaped inside strings (any left are the document's own
        // newlines); every character picked here is in the Basic Multilingual Plane, so one
        // \uXXXX escape stands for it.
        if u32::from(c) >= 0x7f && is_unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nylas_workspaces::Rule;

    fn workspace(id: &str, default: bool) -> Workspace {
        Workspace {
            workspace_id: id.into(),
            application_id: "app".into(),
            name: format!("name-{id}"),
            domain: (!default).then(|| "example.com".to_owned()),
            auto_group: !default,
            default,
            policy_id: None,
            rule_ids: vec!["r1".into(), "r2".into()],
            created_at: Some(10),
            updated_at: Some(20),
            request_id: None,
        }
    }

    #[test]
    fn the_table_marks_the_default_and_shows_every_row() {
        let text = workspace_table(
            &[workspace("ws-d", true), workspace("ws-1", false)],
            &Names::default(),
        );
        assert!(text.contains("name-ws-d (default)"), "{text}");
        assert!(
            text.contains("ws-1") && text.contains("example.com"),
            "{text}"
        );
        assert!(text.contains("WORKSPACE ID"), "{text}");
        assert_eq!(workspace_table(&[], &Names::default()), "no workspaces\n");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("WORKSPACE ID  "), "{text}");
        assert!(lines[1].starts_with("ws-d  "), "{text}");
        assert!(lines.iter().all(|l| l == &l.trim_end()), "{text:?}");
    }

    #[test]
    fn details_show_absent_values_as_dashes() {
        let text = workspace_detail_named(&workspace("ws-d", true), &Names::default());
        assert!(text.contains("domain         -\n"), "{text}");
        assert!(text.contains("rule_ids       r1, r2\n"), "{text}");
        assert!(text.contains("default        yes\n"), "{text}");
        assert!(
            text.contains("created_at     1970-01-01T00:00:10Z\n"),
            "{text}"
        );
    }

    #[test]
    fn refusals_say_nothing_was_sent() {
        let failure = Failure::Api(Error::InvariantViolation {
            rule: Rule::DefaultWorkspaceProtected,
            message: "the default workspace cannot be deleted".into(),
        });
        let text = failure_text(&failure);
        assert!(text.starts_with("error: refused before sending (default_workspace_protected)"));
        assert!(text.contains("nothing was changed"), "{text}");
        let json = failure_json(&failure);
        assert_eq!(json["error"]["kind"], "refused");
        assert_eq!(json["error"]["rule"], "default_workspace_protected");
        assert_eq!(json["error"]["nothing_sent"], true);
    }

    const HOSTILE: &str =
        "a\u{1b}[31mred\u{1b}]0;pwned\u{7}\r\u{8}\t\n\u{7f}\u{9b}2J\u{202e}cba\u{2066}z";

    fn assert_inert(text: &str) {
        for c in text.chars() {
            assert!(c == '\n' || !is_unsafe_char(c), "raw {c:?} in {text:?}");
        }
    }

    #[test]
    fn escape_makes_every_control_visible_and_leaves_the_rest() {
        assert_eq!(
            escape(HOSTILE),
            "a\\u{1b}[31mred\\u{1b}]0;pwned\\u{7}\\u{d}\\u{8}\\u{9}\\u{a}\\u{7f}\\u{9b}2J\\u{202e}cba\\u{2066}z"
        );
        assert!(matches!(
            escape("Sales EMEA é 東京 \\u{1b}"),
            Cow::Borrowed(_)
        ));
        assert_eq!(escape_lines("one\ntwo\u{1b}"), "one\ntwo\\u{1b}");
        for c in [
            '\u{202a}', '\u{202d}', '\u{2069}', '\u{200f}', '\u{85}', '\u{0}',
        ] {
            assert!(is_unsafe_char(c), "{c:?}");
        }
        for c in ['a', ' ', 'é', '\u{a0}', '\u{2070}', '\u{2065}'] {
            assert!(!is_unsafe_char(c), "{c:?}");
        }
    }

    #[test]
    fn every_text_view_escapes_server_strings() {
        let mut ws = workspace(HOSTILE, false);
        ws.name = HOSTILE.into();
        ws.domain = Some(HOSTILE.into());
        ws.policy_id = Some(HOSTILE.into());
        ws.rule_ids = vec![HOSTILE.into()];
        ws.application_id = HOSTILE.into();
        assert_inert(&workspace_table(
            std::slice::from_ref(&ws),
            &Names::default(),
        ));
        assert_inert(&workspace_detail_named(&ws, &Names::default()));
        assert_inert(&deleted(HOSTILE, HOSTILE));
        let job: AutoGroupJob =
            serde_json::from_value(json!({"job_id": HOSTILE, "message": HOSTILE})).unwrap();
        assert_inert(&auto_group_job(&job));
        assert_inert(&failure_text(&Failure::Usage(HOSTILE.into())));
        assert_inert(&failure_text(&Failure::Local(HOSTILE.into())));
        let refused = Failure::Api(Error::InvariantViolation {
            rule: Rule::NameRequired,
            message: HOSTILE.into(),
        });
        assert_inert(&failure_text(&refused));
    }

    #[test]
    fn json_stays_exact_and_inert() {
        let text = json_text(&json!({"name": HOSTILE, "list": [HOSTILE]}));
        assert_inert(&text);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], HOSTILE);
        assert_eq!(back["list"][0], HOSTILE);
        assert!(text.contains("\\u202e"), "{text}");
    }

    #[test]
    fn usage_errors_render_plainly() {
        let failure = Failure::Usage("bad file".into());
        assert_eq!(failure_text(&failure), "error: bad file\n");
        assert_eq!(failure_json(&failure)["error"]["kind"], "usage");
    }
}
