//! The assign report: every grant id of a bulk assignment with what became of it, as one JSON
//! document that people can read and scripts can query (`assign --json` prints it).
//!
//! The `--report` FILE is the crate's durable journal (JSON Lines, one checksummed record per
//! finished request; see `nylas_workspaces::Journal`), because a document written at the end
//! would be lost with a killed process. This document is what the journal adds up to. Files
//! in this document's format, written by earlier releases, are still accepted by
//! `--retry-from`.
//!
//! ```json
//! {
//!   "version": 1,
//!   "workspace_id": "ws-1",
//!   "complete": false,
//!   "summary": {"assigned": 700, "removed": 0, "unmatched": 0, "failed": 500, "not_sent": 0},
//!   "request_ids": ["..."],
//!   "grants": [
//!     {"grant_id": "g-1", "action": "assign", "status": "assigned"},
//!     {"grant_id": "g-9", "action": "assign", "status": "failed",
//!      "error": "Nylas answered HTTP 503 ...", "http_status": 503,
//!      "request_id": "...", "retryable": true}
//!   ]
//! }
//! ```

use std::path::Path;

use nylas_workspaces::{GrantAction, ManualAssign, ManualAssignOutcome};
use serde::{Deserialize, Serialize};

/// The format version written; reading refuses other versions rather than misreading them.
pub const REPORT_VERSION: u32 = 1;

/// A bulk assignment's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The format version ([`REPORT_VERSION`]).
    pub version: u32,
    /// The target workspace.
    pub workspace_id: String,
    /// True when no id failed and none was left unsent.
    pub complete: bool,
    /// How many ids ended in each state.
    pub summary: Summary,
    /// Why ids were not sent (`stopped`, `earlier_failure`, `journal_unwritable`,
    /// `interrupted`), when some were not.
    #[serde(default)]
    pub not_sent_reason: Option<String>,
    /// Why the journal could not be written, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal_error: Option<String>,
    /// Request ids of the successful requests, to quote to Nylas support.
    pub request_ids: Vec<String>,
    /// Every id, in the order: assigned, removed, unmatched, failed, not sent.
    pub grants: Vec<GrantEntry>,
}

/// Counts per final state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Confirmed moved in.
    pub assigned: usize,
    /// Confirmed moved out.
    pub removed: usize,
    /// Sent, but not reported as changed.
    pub unmatched: usize,
    /// In a failed request.
    pub failed: usize,
    /// Never sent.
    pub not_sent: usize,
}

/// One grant id's fate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantEntry {
    /// The grant.
    pub grant_id: String,
    /// `assign` or `remove`: what was asked.
    pub action: Action,
    /// What happened.
    pub status: Status,
    /// The error of the failed request, for `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The HTTP status of the failed request, when one arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The request id of the failed request, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Whether the failure may go away by retrying, for `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retryable: Option<bool>,
}

/// The move asked for a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Into the workspace.
    Assign,
    /// Out of the workspace.
    Remove,
}

impl From<GrantAction> for Action {
    fn from(action: GrantAction) -> Self {
        match action {
            GrantAction::Assign => Self::Assign,
            GrantAction::Remove => Self::Remove,
        }
    }
}

/// A grant id's final state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nylas confirmed it moved in.
    Assigned,
    /// Nylas confirmed it moved out.
    Removed,
    /// Sent in a successful request, but Nylas did not list it as changed (no such grant).
    Unmatched,
    /// Its request failed.
    Failed,
    /// Never sent (or, after a crash, not confirmed); the report's `not_sent_reason` says why.
    NotSent,
}

impl Report {
    /// The report of an outcome (complete or partial).
    pub fn from_outcome(outcome: &ManualAssignOutcome) -> Self {
        let plain = |grant_id: &str, action: Action, status: Status| GrantEntry {
            grant_id: grant_id.to_owned(),
            action,
            status,
            error: None,
            http_status: None,
            request_id: None,
            retryable: None,
        };
        let mut grants = Vec::new();
        grants.extend(
            outcome
                .assigned
                .iter()
                .map(|id| plain(id, Action::Assign, Status::Assigned)),
        );
        grants.extend(
            outcome
                .removed
                .iter()
                .map(|id| plain(id, Action::Remove, Status::Removed)),
        );
        grants.extend(
            outcome
                .unmatched
                .iter()
                .map(|g| plain(&g.grant_id, g.action.into(), Status::Unmatched)),
        );
        grants.extend(outcome.failed.iter().map(|f| GrantEntry {
            error: Some(f.error.to_string()),
            http_status: f.error.status(),
            request_id: f.error.request_id().map(str::to_owned),
            retryable: Some(f.error.is_retryable()),
            ..plain(&f.grant_id, f.action.into(), Status::Failed)
        }));
        grants.extend(
            outcome
                .not_sent
                .iter()
                .map(|g| plain(&g.grant_id, g.action.into(), Status::NotSent)),
        );
        Self {
            version: REPORT_VERSION,
            workspace_id: outcome.workspace_id.clone(),
            complete: outcome.is_complete(),
            summary: Summary {
                assigned: outcome.assigned.len(),
                removed: outcome.removed.len(),
                unmatched: outcome.unmatched.len(),
                failed: outcome.failed.len(),
                not_sent: outcome.not_sent.len(),
            },
            not_sent_reason: outcome.not_sent_reason.map(|r| r.as_str().to_owned()),
            journal_error: outcome.journal_error.as_ref().map(|e| e.to_string()),
            request_ids: outcome.request_ids.clone(),
            grants,
        }
    }

    /// The request that re-runs exactly the failed and unsent ids (possibly empty).
    pub fn retry_request(&self) -> ManualAssign {
        let pending = |action: Action| {
            self.grants
                .iter()
                .filter(move |g| {
                    g.action == action && matches!(g.status, Status::Failed | Status::NotSent)
                })
                .map(|g| g.grant_id.clone())
        };
        ManualAssign::new()
            .assign(pending(Action::Assign))
            .remove(pending(Action::Remove))
    }

    /// Pretty JSON, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned());
        text.push('\n');
        text
    }

    /// Reads a report in this document's format (written by earlier releases).
    /// Reads at most [`MAX_JOURNAL_BYTES`](nylas_workspaces::MAX_JOURNAL_BYTES): a report is
    /// never larger than a journal of the same run.
    pub fn read(path: &Path) -> Result<Self, String> {
        use std::io::Read;
        let cap = nylas_workspaces::MAX_JOURNAL_BYTES;
        let cannot = |e: std::io::Error| format!("cannot read the report {}: {e}", path.display());
        let mut file = std::fs::File::open(path).map_err(cannot)?.take(cap + 1);
        // A report is a JSON object, perhaps after a byte-order mark: anything else (a binary
        // file, `/dev/zero`) is refused after one small read.
        let mut bytes = vec![0; 4];
        let mut head = 0;
        while head < bytes.len() {
            match file.read(&mut bytes[head..]).map_err(cannot)? {
                0 => break,
                n => head += n,
            }
        }
        bytes.truncate(head);
        let body = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
        if body.first().is_some_and(|&b| b != b'{') {
            return Err(format!("{}: not a JSON report", path.display()));
        }
        file.read_to_end(&mut bytes).map_err(cannot)?;
        if bytes.len() as u64 > cap {
            return Err(format!(
                "{}: larger than {cap} bytes, not a report",
                path.display()
            ));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{}: not UTF-8 text, not a report", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses a report, refusing other format versions.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let version = serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| format!("not a JSON report: {e}"))?
            .get("version")
            .and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(REPORT_VERSION)) {
            return Err(format!(
                "not an assign report of version {REPORT_VERSION} (found version {version:?})"
            ));
        }
        serde_json::from_str(text).map_err(|e| format!("not a valid assign report: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nylas_workspaces::{Error, FailedGrant, GrantRef};
    use std::sync::Arc;

    fn partial_outcome() -> ManualAssignOutcome {
        let error = Arc::new(Error::InvariantViolation {
            rule: nylas_workspaces::Rule::NoGrantIds,
            message: "stand-in failure".into(),
        });
        ManualAssignOutcome {
            workspace_id: "ws-1".into(),
            assigned: vec!["a-1".into(), "a-2".into()],
            removed: vec!["r-1".into()],
            unmatched: vec![GrantRef {
                grant_id: "u-1".into(),
                action: GrantAction::Assign,
            }],
            failed: vec![
                FailedGrant {
                    grant_id: "f-1".into(),
                    action: GrantAction::Assign,
                    error: error.clone(),
                },
                FailedGrant {
                    grant_id: "f-2".into(),
                    action: GrantAction::Remove,
                    error,
                },
            ],
            not_sent: vec![GrantRef {
                grant_id: "n-1".into(),
                action: GrantAction::Assign,
            }],
            not_sent_reason: Some(nylas_workspaces::NotSentReason::Stopped),
            request_ids: vec!["req-1".into()],
            journal_error: None,
        }
    }

    #[test]
    fn every_id_is_listed_once_with_its_state() {
        let report = Report::from_outcome(&partial_outcome());
        assert!(!report.complete);
        assert_eq!(
            report.summary,
            Summary {
                assigned: 2,
                removed: 1,
                unmatched: 1,
                failed: 2,
                not_sent: 1
            }
        );
        let states: Vec<(&str, Status)> = report
            .grants
            .iter()
            .map(|g| (g.grant_id.as_str(), g.status))
            .collect();
        assert_eq!(
            states,
            [
                ("a-1", Status::Assigned),
                ("a-2", Status::Assigned),
                ("r-1", Status::Removed),
                ("u-1", Status::Unmatched),
                ("f-1", Status::Failed),
                ("f-2", Status::Failed),
                ("n-1", Status::NotSent),
            ]
        );
        let failed = &report.grants[4];
        assert!(
            failed
                .error
                .as_deref()
                .unwrap()
                .contains("stand-in failure")
        );
        assert_eq!(failed.retryable, Some(false));
        assert_eq!(report.not_sent_reason.as_deref(), Some("stopped"));
    }

    #[test]
    fn retry_covers_exactly_failed_and_unsent() {
        let report = Report::from_outcome(&partial_outcome());
        let retry = report.retry_request();
        assert_eq!(retry.assign_ids(), ["f-1", "n-1"]);
        assert_eq!(retry.remove_ids(), ["f-2"]);
    }

    #[test]
    fn a_report_survives_a_round_trip() {
        let report = Report::from_outcome(&partial_outcome());
        let back = Report::parse(&report.to_json()).unwrap();
        assert_eq!(back, report);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(
            json["grants"][0],
            serde_json::json!({"grant_id": "a-1", "action": "assign", "status": "assigned"})
        );
    }

    #[test]
    fn foreign_documents_are_refused() {
        assert!(Report::parse("not json").is_err());
        assert!(Report::parse("{}").unwrap_err().contains("version"));
        assert!(Report::parse(r#"{"version": 2}"#).is_err());
        assert!(Report::parse(r#"{"version": 1}"#).is_err());
    }
}
