//! Writing a snapshot as a workspaces file that plans back to nothing.
//!
//! Every managed field is written explicitly (`policy: null`, `rules: []`), policies and rules
//! by name where the name leads back to the id (else by id), and with
//! [`ExportOptions::grants`] the grants of every manual workspace. Strings are written plain
//! when no YAML reader could take them for anything else, and double-quoted otherwise.
//!
//! The promise that planning the export against the same state shows no changes is checked,
//! not hoped for: the text is parsed and planned before it is returned, and a state that no
//! file can describe (two workspaces without a domain sharing a name, a workspace without a
//! name) is an error of kind [`NotExportable`](super::PlanFileErrorKind::NotExportable)
//! naming what is in the way.

use std::fmt::Write as _;
use std::path::Path;

use super::error::{PlanFileError, PlanFileErrorKind as Kind};
use super::file::{DesiredState, PLAN_FILE_VERSION};
use super::live::LiveState;
use super::planner::{PlanOptions, plan};
use super::resolve::Catalog;
use crate::model::Workspace;

/// What an export includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExportOptions {
    /// Also write the grants of each manual (not auto-grouping) workspace other than the
    /// default one.
    pub grants: bool,
}

impl ExportOptions {
    /// The defaults: no grants.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`ExportOptions::grants`].
    pub fn grants(mut self, grants: bool) -> Self {
        self.grants = grants;
        self
    }
}

/// Writes `live` as a workspaces file (YAML). Fails when the result would not plan back to no
/// changes.
pub fn export(live: &LiveState, options: ExportOptions) -> Result<String, PlanFileError> {
    let text = render(live, options);
    let desired = DesiredState::from_yaml_str(&text, Path::new("."))
        .map_err(|e| not_exportable(&e.message))?;
    let check = plan(&desired, live, PlanOptions::new()).map_err(|e| not_exportable(&e.message))?;
    if let Some(change) = check.changes.first() {
        return Err(not_exportable(&format!("planning it would give: {change}")));
    }
    Ok(text)
}

fn not_exportable(why: &str) -> PlanFileError {
    PlanFileError::new(
        Kind::NotExportable,
        None,
        format!("the live state cannot be written as a file that plans back to no changes: {why}"),
    )
}

fn render(live: &LiveState, options: ExportOptions) -> String {
    let policies = Catalog::new("policy", &live.policies);
    let rules = Catalog::new("rule", &live.rules);
    let mut out = String::new();
    let _ = writeln!(out, "version: {PLAN_FILE_VERSION}");
    if let Some(default) = live.default_workspace() {
        let _ = writeln!(out, "default_workspace:");
        policy_and_rules(&mut out, "  ", default, &policies, &rules);
    }
    let workspaces: Vec<&Workspace> = live
        .workspaces
        .iter()
        .filter(|w| !live.is_default(w))
        .collect();
    if workspaces.is_empty() {
        let _ = writeln!(out, "workspaces: []");
        return out;
    }
    let _ = writeln!(out, "workspaces:");
    for workspace in workspaces {
        let _ = writeln!(out, "  - name: {}", scalar(&workspace.name));
        if let Some(domain) = &workspace.domain {
            let _ = writeln!(out, "    domain: {}", scalar(domain));
        }
        let _ = writeln!(out, "    auto_group: {}", workspace.auto_group);
        policy_and_rules(&mut out, "    ", workspace, &policies, &rules);
        if options.grants && !workspace.auto_group {
            let grants = live.grants_of(&workspace.workspace_id);
            if grants.is_empty() {
                let _ = writeln!(out, "    grants: []");
            } else {
                let _ = writeln!(out, "    grants:");
                for grant in grants {
                    let _ = writeln!(out, "      - {}", scalar(grant));
                }
            }
        }
    }
    out
}

fn policy_and_rules(
    out: &mut String,
    indent: &str,
    workspace: &Workspace,
    policies: &Catalog<'_>,
    rules: &Catalog<'_>,
) {
    match &workspace.policy_id {
        Some(id) => {
            let _ = writeln!(
                out,
                "{indent}policy: {}",
                scalar(policies.name_for(id).unwrap_or(id))
            );
        }
        None => {
            let _ = writeln!(out, "{indent}policy: null");
        }
    }
    let labels: Vec<String> = workspace
        .rule_ids
        .iter()
        .map(|id| scalar(rules.name_for(id).unwrap_or(id)))
        .collect();
    let _ = writeln!(out, "{indent}rules: [{}]", labels.join(", "));
}

/// A string as a YAML scalar: plain when unmistakable, else double-quoted with escapes.
pub(crate) fn scalar(text: &str) -> String {
    if is_plain_safe(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Characters YAML allows unescaped in a double-quoted scalar (and which survive copying).
fn is_printable(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
        ))
}

/// Plain is safe for words of letters, digits, spaces and `_ . @ / + -` that no YAML reader
/// (1.1 or 1.2) would take for null, a boolean or a number.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric() || first == '_' || first == '/') || text.ends_with(' ') {
        return false;
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '@' | '/' | '+' | '-'))
    {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let reserved = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf",
    ];
    if reserved.contains(&lower.as_str()) {
        return false;
    }
    let numeric = lower.parse::<f64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || lower.starts_with("0b")
        || lower
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '_' | ':' | '.' | '-' | '+'));
    !numeric
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::yaml;

    #[test]
    fn scalars_read_back_as_the_same_text() {
        let samples = [
            "Acme",
            "Field team",
            "acme.com",
            "null",
            "Null",
            "~",
            "",
            " lead",
            "trail ",
            "true",
            "yes",
            "NO",
            "123",
            "1e3",
            "0x1f",
            "12:30",
            "-",
            "- x",
            "a: b",
            "a #b",
            "#c",
            "[x]",
            "{x}",
            "*a",
            "&a",
            "!t",
            "%p",
            "@at",
            "`b`",
            "'q'",
            "\"dq\"",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "nul\u{0}",
            "bell\u{7}",
            "ünïcødé",
            "emoji 🎉",
            "\u{2028}",
            "\u{85}",
            "\u{feff}bom",
            "8a3f0c2e-1d4b-4c7e-9f00-000000000001",
            "g-1",
            "/path/x",
        ];
        for sample in samples {
            let doc = format!("k: {}\n", scalar(sample));
            let root = yaml::parse(&doc)
                .unwrap_or_else(|e| panic!("{sample:?} → {doc:?}: {e:?}"))
                .unwrap();
            let yaml::Value::Map(entries) = &root.value else {
                panic!()
            };
            match &entries[0].2.value {
                yaml::Value::Scalar { text, plain } => {
                    assert_eq!(text, sample, "{doc:?}");
                    if *plain {
                        assert!(
                            !entries[0].2.is_null() && entries[0].2.as_bool().is_none(),
                            "{doc:?}"
                        );
                    }
                }
                other => panic!("{sample:?} → {other:?}"),
            }
        }
        assert_eq!(scalar("Acme"), "Acme");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("123"), "\"123\"");
    }
}
