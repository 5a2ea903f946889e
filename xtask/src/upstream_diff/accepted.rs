//! The allow file: differences from upstream that the project keeps on purpose.
//!
//! Each entry names differences as the report locates them (operation, section, field,
//! facet) and says why they are kept. A location part is one pattern or a list of patterns,
//! where `*` stands for any run of characters; without a `*` a pattern matches exactly, never
//! by prefix: accepting "response 429 is only in ours" must not also hide a later change
//! inside an upstream 429. A part left out matches only a difference without that part (an
//! entry without `field` is about the section as a whole). So one entry can accept a whole
//! class of noise (every `format` we state that upstream leaves out) while pins keep it
//! narrow: `only` says which side must be the one stating the thing, `ours` and `upstream`
//! the values the sides must still have. Entries that match nothing any more are reported,
//! so the file does not silently rot when upstream catches up.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::compare::{Change, Difference};
use super::error::UpstreamDiffError;

/// The file's layout: `{"accepted": [entry, ...]}`, with an optional `$comment`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptedFile {
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    accepted: Vec<AcceptedEntry>,
}

/// One pattern or a list of them, as the allow file writes a location part.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum Patterns {
    One(String),
    Many(Vec<String>),
}

impl Patterns {
    fn as_slice(&self) -> &[String] {
        match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(many) => many,
        }
    }

    /// True when any pattern matches `text` whole.
    pub fn matches(&self, text: &str) -> bool {
        self.as_slice().iter().any(|p| glob(p, text))
    }

    fn is_empty(&self) -> bool {
        self.as_slice().iter().all(|p| p.trim().is_empty())
    }

    fn shown(&self) -> String {
        self.as_slice().join("|")
    }
}

impl From<&str> for Patterns {
    fn from(text: &str) -> Self {
        Self::One(text.to_string())
    }
}

/// Whether `pattern` matches all of `text`, `*` standing for any run of characters
/// (including none) and every other character for itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == text;
    };
    let Some(mut text) = text.strip_prefix(head) else {
        return false;
    };
    let mut parts: Vec<&str> = rest.split('*').collect();
    let last = parts.pop().unwrap_or_default();
    for part in parts {
        match text.find(part) {
            Some(at) => text = &text[at + part.len()..],
            None => return false,
        }
    }
    text.len() >= last.len() && text.ends_with(last)
}

/// Which side states what an entry accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Only our spec has the operation, section or field, or states the facet.
    Ours,
    /// Only upstream has it or states it.
    Upstream,
}

/// One accepted difference, or a class of them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptedEntry {
    /// operationIds; `*` for every operation.
    pub operation: Patterns,
    /// As the report shows it: `request body`, `response 429`, `parameter query limit`.
    #[serde(default)]
    pub section: Option<Patterns>,
    /// Field paths such as `data.next_cursor`; absent for the section as a whole.
    #[serde(default)]
    pub field: Option<Patterns>,
    /// `required`, `type`, `maxItems`, ...; absent when the field exists on one side only.
    #[serde(default)]
    pub facet: Option<Patterns>,
    /// When given, only differences where just this side has the thing (or states the
    /// facet) are accepted.
    #[serde(default)]
    pub only: Option<Side>,
    /// When given, the entry only applies while our facet has this value.
    #[serde(default)]
    pub ours: Option<Value>,
    /// When given, the entry only applies while upstream still has this value, so a further
    /// upstream change to the same facet is shown again.
    #[serde(default)]
    pub upstream: Option<Value>,
    /// Why the difference is kept; required and never empty.
    pub reason: String,
}

impl AcceptedEntry {
    pub fn matches(&self, difference: &Difference) -> bool {
        let part = |patterns: &Option<Patterns>, value: &Option<String>| match (patterns, value) {
            (None, None) => true,
            (Some(patterns), Some(value)) => patterns.matches(value),
            _ => false,
        };
        let pin = |pinned: &Option<Value>, actual: Option<&Option<Value>>| match (pinned, actual) {
            (None, _) => true,
            (Some(pinned), Some(actual)) => actual.as_ref() == Some(pinned),
            (Some(_), None) => false,
        };
        let (our_value, upstream_value) = match &difference.change {
            Change::Changed { ours, upstream } => (Some(ours), Some(upstream)),
            _ => (None, None),
        };
        let side_holds = match (self.only, &difference.change) {
            (None, _) => true,
            (Some(Side::Ours), Change::OnlyOurs) | (Some(Side::Upstream), Change::OnlyUpstream) => {
                true
            }
            (Some(side), Change::Changed { ours, upstream }) => match side {
                Side::Ours => ours.is_some() && upstream.is_none(),
                Side::Upstream => ours.is_none() && upstream.is_some(),
            },
            _ => false,
        };
        self.operation.matches(&difference.operation)
            && part(&self.section, &difference.section)
            && part(&self.field, &difference.field)
            && part(&self.facet, &difference.facet)
            && side_holds
            && pin(&self.ours, our_value)
            && pin(&self.upstream, upstream_value)
    }

    /// `create-workspace / request body / domain / required`, for the report.
    pub fn location(&self) -> String {
        [
            Some(&self.operation),
            self.section.as_ref(),
            self.field.as_ref(),
            self.facet.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(Patterns::shown)
        .collect::<Vec<_>>()
        .join(" / ")
    }
}

/// A difference and, when an entry accepts it, that entry's reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    pub difference: Difference,
    pub accepted: Option<String>,
}

/// Reads the allow file. A missing file means nothing is accepted unless `must_exist`
/// (the maintainer named the file explicitly, so a typo in its path must not pass).
pub fn load(path: &Path, must_exist: bool) -> Result<Vec<AcceptedEntry>, UpstreamDiffError> {
    let label = path.display().to_string();
    let fail = |message: String| UpstreamDiffError::AcceptedFile {
        path: label.clone(),
        message,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
            return Ok(Vec::new());
        }
        Err(e) => return Err(fail(e.to_string())),
    };
    parse(&text).map_err(fail)
}

/// Parses and checks the allow file's text.
pub fn parse(text: &str) -> Result<Vec<AcceptedEntry>, String> {
    let file: AcceptedFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    for (i, entry) in file.accepted.iter().enumerate() {
        let problem = if entry.reason.trim().is_empty() {
            Some("has no reason; say why the difference is kept")
        } else if entry.operation.is_empty() {
            Some("has an empty operation")
        } else if (entry.upstream.is_some() || entry.ours.is_some()) && entry.facet.is_none() {
            Some("pins a value but names no facet")
        } else if entry.only.is_some() && (entry.upstream.is_some() || entry.ours.is_some()) {
            Some("pins a value and a side at once; say one of them")
        } else if entry.field.is_some() && entry.section.is_none() {
            Some("names a field but no section")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(format!("entry {} ({}) {problem}", i + 1, entry.location()));
        }
    }
    Ok(file.accepted)
}

/// Marks the accepted differences and returns the entries that matched none.
pub fn classify(
    differences: Vec<Difference>,
    entries: &[AcceptedEntry],
) -> (Vec<Classified>, Vec<AcceptedEntry>) {
    let mut used = vec![false; entries.len()];
    let classified = differences
        .into_iter()
        .map(|difference| {
            let entry = entries.iter().position(|e| e.matches(&difference));
            if let Some(i) = entry {
                used[i] = true;
            }
            Classified {
                accepted: entry.map(|i| entries[i].reason.clone()),
                difference,
            }
        })
        .collect();
    let unused = entries
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(entry, _)| entry.clone())
        .collect();
    (classified, unused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn difference(section: Option<&str>, facet: Option<&str>, change: Change) -> Difference {
        Difference {
            operation: "create-workspace".into(),
            endpoint: "POST /v3/workspaces".into(),
            section: section.map(str::to_string),
            field: Some("domain".into()).filter(|_| facet.is_some()),
            facet: facet.map(str::to_string),
            change,
        }
    }

    #[test]
    fn entries_match_exactly_and_unused_ones_are_returned() {
        let entries = parse(
            r#"{"accepted": [
                {"operation": "*", "section": "response 429", "reason": "we document it"},
                {"operation": "create-workspace", "section": "request body", "field": "domain",
                 "facet": "required", "upstream": true, "reason": "optional since 2026-09-24"},
                {"operation": "gone", "reason": "stale"}
            ]}"#,
        )
        .unwrap();
        let only_ours = difference(Some("response 429"), None, Change::OnlyOurs);
        let required = difference(
            Some("request body"),
            Some("required"),
            Change::Changed {
                ours: Some(json!(false)),
                upstream: Some(json!(true)),
            },
        );
        let repinned = difference(
            Some("request body"),
            Some("required"),
            Change::Changed {
                ours: Some(json!(true)),
                upstream: Some(json!(false)),
            },
        );
        let deeper = Difference {
            field: Some("error".into()),
            ..only_ours.clone()
        };
        let (classified, unused) = classify(vec![only_ours, required, repinned, deeper], &entries);
        let reasons: Vec<Option<&str>> = classified.iter().map(|c| c.accepted.as_deref()).collect();
        assert_eq!(
            reasons,
            [
                Some("we document it"),
                Some("optional since 2026-09-24"),
                None,
                None
            ]
        );
        assert_eq!(unused, [entries[2].clone()]);
    }

    #[test]
    fn entries_without_reason_or_with_unknown_keys_are_refused() {
        let err = parse(r#"{"accepted": [{"operation": "a", "reason": " "}]}"#).unwrap_err();
        assert!(err.contains("entry 1 (a) has no reason"), "{err}");
        let err = parse(r#"{"accepted": [{"operation": "a", "reason": "r", "feild": "x"}]}"#)
            .unwrap_err();
        assert!(err.contains("unknown field `feild`"), "{err}");
        let err = parse(r#"{"accepted": [{"operation": "a"}]}"#).unwrap_err();
        assert!(err.contains("missing field `reason`"), "{err}");
        let err = parse(
            r#"{"accepted": [{"operation": "a", "section": "s", "upstream": 1, "reason": "r"}]}"#,
        )
        .unwrap_err();
        assert!(err.contains("names no facet"), "{err}");
        let err = parse(
            r#"{"accepted": [{"operation": "a", "section": "s", "facet": "f", "only": "ours",
                "ours": 1, "reason": "r"}]}"#,
        )
        .unwrap_err();
        assert!(err.contains("a value and a side"), "{err}");
        let err = parse(r#"{"accepted": [{"operation": [], "reason": "r"}]}"#).unwrap_err();
        assert!(err.contains("empty operation"), "{err}");
    }

    #[test]
    fn globs_match_whole_strings() {
        for (pattern, text, expected) in [
            ("*", "", true),
            ("*", "anything", true),
            ("response 4*", "response 404", true),
            ("response 4*", "response 5XX", false),
            ("data*.branding", "data.branding", true),
            ("data*.branding", "data[].branding", true),
            ("data*.branding", "data.branding.name", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "acb", false),
            ("ab*ba", "aba", false),
            ("exact", "exactly", false),
        ] {
            assert_eq!(glob(pattern, text), expected, "{pattern:?} on {text:?}");
        }
    }

    #[test]
    fn a_class_entry_accepts_only_the_side_and_values_it_names() {
        let entries = parse(
            r#"{"accepted": [
                {"operation": "*", "section": "*", "field": "*", "facet": "format",
                 "only": "ours", "reason": "we state formats upstream leaves out"},
                {"operation": "*", "section": "response 4*", "field": ["request_id", "error"],
                 "facet": "required", "ours": true, "upstream": false, "reason": "envelope"}
            ]}"#,
        )
        .unwrap();
        let at = |section: &str, field: &str, facet: &str, ours: Value, upstream: Value| {
            let some = |v: Value| (!v.is_null()).then_some(v);
            Difference {
                operation: "get-rule".into(),
                endpoint: "GET /v3/rules/{rule_id}".into(),
                section: Some(section.into()),
                field: Some(field.into()),
                facet: Some(facet.into()),
                change: Change::Changed {
                    ours: some(ours),
                    upstream: some(upstream),
                },
            }
        };
        let cases = [
            (
                at(
                    "response 200",
                    "data.created_at",
                    "format",
                    json!("int64"),
                    Value::Null,
                ),
                true,
            ),
            // Upstream now states a different format: a real change, shown.
            (
                at(
                    "response 200",
                    "data.created_at",
                    "format",
                    json!("int64"),
                    json!("int32"),
                ),
                false,
            ),
            // Upstream states a format we do not: shown.
            (
                at(
                    "response 200",
                    "data.created_at",
                    "format",
                    Value::Null,
                    json!("date"),
                ),
                false,
            ),
            (
                at(
                    "response 404",
                    "error",
                    "required",
                    json!(true),
                    json!(false),
                ),
                true,
            ),
            (
                at(
                    "response 404",
                    "error.type",
                    "required",
                    json!(true),
                    json!(false),
                ),
                false,
            ),
            (
                at(
                    "response 200",
                    "error",
                    "required",
                    json!(true),
                    json!(false),
                ),
                false,
            ),
            (
                at(
                    "response 404",
                    "error",
                    "required",
                    json!(false),
                    json!(true),
                ),
                false,
            ),
        ];
        let (differences, expected): (Vec<_>, Vec<_>) = cases.into_iter().unzip();
        let (classified, unused) = classify(differences, &entries);
        let accepted: Vec<bool> = classified.iter().map(|c| c.accepted.is_some()).collect();
        assert_eq!(accepted, expected);
        assert!(unused.is_empty());
    }

    #[test]
    fn a_missing_default_file_accepts_nothing_but_a_named_one_must_exist() {
        let missing = Path::new("/nonexistent/upstream-accepted.json");
        assert_eq!(load(missing, false).unwrap(), []);
        assert!(matches!(
            load(missing, true),
            Err(UpstreamDiffError::AcceptedFile { .. })
        ));
    }
}
