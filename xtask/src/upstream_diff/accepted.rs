//! The allow file: differences from upstream that the project keeps on purpose.
//!
//! Each entry names one difference exactly as the report locates it (operation, section,
//! field, facet) and says why it is kept. Matching is exact, never by prefix: accepting
//! "response 429 is only in ours" must not also hide a later change inside an upstream 429.
//! Entries that match nothing any more are reported, so the file does not silently rot when
//! upstream catches up.

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

/// One accepted difference.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptedEntry {
    /// An operationId, or `*` for every operation.
    pub operation: String,
    /// As the report shows it: `request body`, `response 429`, `parameter query limit`.
    #[serde(default)]
    pub section: Option<String>,
    /// A field path such as `data.next_cursor`; absent for the section as a whole.
    #[serde(default)]
    pub field: Option<String>,
    /// `required`, `type`, `maxItems`, ...; absent when the field exists on one side only.
    #[serde(default)]
    pub facet: Option<String>,
    /// When given, the entry only applies while upstream still has this value, so a further
    /// upstream change to the same facet is shown again.
    #[serde(default)]
    pub upstream: Option<Value>,
    /// Why the difference is kept; required and never empty.
    pub reason: String,
}

impl AcceptedEntry {
    pub fn matches(&self, difference: &Difference) -> bool {
        let pinned_value_holds = match (&self.upstream, &difference.change) {
            (None, _) => true,
            (Some(pinned), Change::Changed { upstream, .. }) => upstream.as_ref() == Some(pinned),
            (Some(_), _) => false,
        };
        (self.operation == "*" || self.operation == difference.operation)
            && self.section == difference.section
            && self.field == difference.field
            && self.facet == difference.facet
            && pinned_value_holds
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
        .map(String::as_str)
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
        } else if entry.operation.trim().is_empty() {
            Some("has an empty operation")
        } else if entry.upstream.is_some() && entry.facet.is_none() {
            Some("pins an upstream value but names no facet")
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
