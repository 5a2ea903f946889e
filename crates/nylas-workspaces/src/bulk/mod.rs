//! Manual assignment of any number of grants, without losing track of a single id.
//!
//! The API takes at most 500 ids per list per request. Larger requests are split into chunks
//! that run with bounded concurrency; every id ends up in exactly one list of the
//! [`ManualAssignOutcome`], so a caller can retry precisely what did not go through. With a
//! journal ([`ManualAssignOptions::journal`]) each finished request is also on disk before the
//! next result is handled, so even a killed process loses nothing and
//! [`Client::resume_manual_assign`] sends exactly what is left.
//!
//! This module is the vocabulary: the request ([`ManualAssign`]), its options, the outcome and
//! its parts, progress. How a run is carried out (chunking, sending, sorting, recording) is in
//! `engine.rs`.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use crate::client::Client;
use crate::error::{Error, Result, Rule, SharedError};
use crate::journal::Journal;

mod engine;

pub(crate) use engine::{check_options, run};

/// The most ids the API accepts in one list of one request.
pub const MAX_IDS_PER_REQUEST: usize =
    nylas_workspaces_api::routes::MANUALLY_ASSIGN_WORKSPACE_ASSIGN_GRANTS_MAX_ITEMS;
/// How many chunk requests run at once unless configured.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Grants to move into and out of one workspace. Duplicates are dropped (first occurrence
/// kept); an id in both lists, an empty id, an id with a control character (NUL, newline,
/// escape, ...), or no id at all is refused before sending.
///
/// ```
/// use nylas_workspaces::ManualAssign;
///
/// let request = ManualAssign::new().assign(["g-1", "g-2", "g-1"]).remove(["g-9"]);
/// assert_eq!(request.assign_ids(), ["g-1", "g-2", "g-1"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManualAssign {
    assign: Vec<String>,
    remove: Vec<String>,
}

impl ManualAssign {
    /// An empty request (sending it as is is refused).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds grants to move into the workspace.
    pub fn assign<I, S>(mut self, grant_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.assign.extend(grant_ids.into_iter().map(Into::into));
        self
    }

    /// Adds grants to take out of the workspace.
    pub fn remove<I, S>(mut self, grant_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.remove.extend(grant_ids.into_iter().map(Into::into));
        self
    }

    /// The ids to assign, as given.
    pub fn assign_ids(&self) -> &[String] {
        &self.assign
    }

    /// The ids to remove, as given.
    pub fn remove_ids(&self) -> &[String] {
        &self.remove
    }

    /// Deduplicates and checks the ids; returns (assign, remove).
    pub(crate) fn normalized(self) -> Result<(Vec<String>, Vec<String>)> {
        let assign = dedup(self.assign, "assign")?;
        let remove = dedup(self.remove, "remove")?;
        if assign.is_empty() && remove.is_empty() {
            return Err(Error::invariant(
                Rule::NoGrantIds,
                "at least one grant id to assign or remove is required",
            ));
        }
        // Only a request with both lists can have an id in both; skipping the set otherwise
        // saves hashing every id of a large assign-only (or remove-only) call.
        if !assign.is_empty() && !remove.is_empty() {
            let assigned: HashSet<&str> = assign.iter().map(String::as_str).collect();
            if let Some(both) = remove.iter().find(|id| assigned.contains(id.as_str())) {
                return Err(Error::invariant(
                    Rule::GrantInBothLists,
                    format!("grant {both:?} is both assigned and removed"),
                ));
            }
        }
        Ok((assign, remove))
    }
}

/// Checks every id and drops repeats, keeping first occurrences in order. The ids are moved,
/// not copied: a bulk call may carry hundreds of thousands, and the common case (no repeats)
/// returns the caller's vector as it is.
fn dedup(ids: Vec<String>, list: &str) -> Result<Vec<String>> {
    let mut first = Vec::with_capacity(ids.len());
    {
        let mut seen = HashSet::with_capacity(ids.len());
        for (position, id) in ids.iter().enumerate() {
            if id.trim().is_empty() {
                return Err(Error::invariant(
                    Rule::EmptyGrantId,
                    format!("the {list} list contains an empty grant id"),
                ));
            }
            // A NUL or newline cannot be part of a real grant id, and would be misread by
            // every line-based tool the id passes through afterwards (files, logs, reports).
            if id.chars().any(char::is_control) {
                return Err(Error::invariant(
                    Rule::GrantIdInvalid,
                    format!(
                        "grant id {} of the {list} list, {id:?}, contains a control character",
                        position + 1
                    ),
                ));
            }
            first.push(seen.insert(id.as_str()));
        }
    }
    if first.iter().all(|&keep| keep) {
        return Ok(ids);
    }
    Ok(ids
        .into_iter()
        .zip(first)
        .filter_map(|(id, keep)| keep.then_some(id))
        .collect())
}

/// Which way a grant was to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantAction {
    /// Into the workspace.
    Assign,
    /// Out of the workspace.
    Remove,
}

/// A grant id together with the move that was requested for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GrantRef {
    /// The grant.
    pub grant_id: String,
    /// The requested move.
    pub action: GrantAction,
}

/// A grant whose request failed.
#[derive(Debug, Clone)]
pub struct FailedGrant {
    /// The grant.
    pub grant_id: String,
    /// The requested move.
    pub action: GrantAction,
    /// Why its request failed; shared by all ids of that request.
    pub error: SharedError,
}

impl Serialize for FailedGrant {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            grant_id: &'a str,
            action: GrantAction,
            error: String,
            status: Option<u16>,
            request_id: Option<&'a str>,
            retryable: bool,
        }
        Shown {
            grant_id: &self.grant_id,
            action: self.action,
            error: self.error.to_string(),
            status: self.error.status(),
            request_id: self.error.request_id(),
            retryable: self.error.is_retryable(),
        }
        .serialize(serializer)
    }
}

/// Why the ids in [`ManualAssignOutcome::not_sent`] were not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotSentReason {
    /// The caller stopped the run ([`ManualAssignOptions::stop_flag`]).
    Stopped,
    /// A request failed with 401, 403 or 404, which every later request would hit too.
    EarlierFailure,
    /// The journal could no longer be written, so the run stopped rather than send what it
    /// could not record.
    JournalUnwritable,
    /// Read back from a journal: the run ended without recording why (the process was killed
    /// or the machine stopped). Some of these ids may have been in flight; sending them again
    /// is harmless, as assignment is idempotent.
    Interrupted,
}

impl NotSentReason {
    /// A stable snake_case name, used by the CLI and the Python binding.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stopped => "stopped",
            Self::EarlierFailure => "earlier_failure",
            Self::JournalUnwritable => "journal_unwritable",
            Self::Interrupted => "interrupted",
        }
    }
}

impl fmt::Display for NotSentReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a manual assignment did, per grant id. Every id of the (deduplicated) request is in
/// exactly one of `assigned`, `removed`, `unmatched`, `failed` and `not_sent`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ManualAssignOutcome {
    /// The target workspace.
    pub workspace_id: String,
    /// Grants Nylas confirmed as moved in.
    pub assigned: Vec<String>,
    /// Grants Nylas confirmed as taken out.
    pub removed: Vec<String>,
    /// Grants sent in a successful request that Nylas did not list as changed (for example an
    /// id that matches no grant). Nylas reports `null` when nothing matched.
    pub unmatched: Vec<GrantRef>,
    /// Grants whose request failed, with the error.
    pub failed: Vec<FailedGrant>,
    /// Grants never sent; [`not_sent_reason`](Self::not_sent_reason) says why.
    pub not_sent: Vec<GrantRef>,
    /// Why `not_sent` is not empty (`None` when it is).
    pub not_sent_reason: Option<NotSentReason>,
    /// The request ids of the successful requests, in chunk order.
    pub request_ids: Vec<String>,
    /// The journal write that failed ([`Error::Journal`]), when the run could no longer be
    /// recorded. The outcome itself is still exact; the journal lacks what came after.
    #[serde(serialize_with = "error_text")]
    pub journal_error: Option<SharedError>,
}

fn error_text<S: serde::Serializer>(
    error: &Option<SharedError>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match error {
        Some(error) => serializer.serialize_some(&error.to_string()),
        None => serializer.serialize_none(),
    }
}

impl ManualAssignOutcome {
    /// True when no request failed and none was skipped. (A run whose journal failed is
    /// returned as [`Error::BulkPartial`] even when complete: see
    /// [`journal_error`](Self::journal_error).)
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.not_sent.is_empty()
    }

    /// The id of the last successful request, in chunk order (for a call of at most 500 ids
    /// per list, the only request), for a support ticket; `None` when no request succeeded
    /// or the server sent no id. Every one is in [`request_ids`](Self::request_ids).
    pub fn request_id(&self) -> Option<&str> {
        self.request_ids.last().map(String::as_str)
    }

    /// A request covering exactly the failed and unsent grants, or `None` when there are none.
    pub fn retry_request(&self) -> Option<ManualAssign> {
        if self.is_complete() {
            return None;
        }
        let pending = self
            .failed
            .iter()
            .map(|f| (&f.grant_id, f.action))
            .chain(self.not_sent.iter().map(|g| (&g.grant_id, g.action)));
        let mut request = ManualAssign::new();
        for (id, action) in pending {
            match action {
                GrantAction::Assign => request.assign.push(id.clone()),
                GrantAction::Remove => request.remove.push(id.clone()),
            }
        }
        Some(request)
    }
}

/// Progress of a bulk assignment, reported after each chunk finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Chunks finished (successfully or not).
    pub chunks_done: usize,
    /// Chunks in total.
    pub chunks_total: usize,
    /// Grant ids in finished chunks.
    pub grants_done: usize,
    /// Grant ids in total (after deduplication).
    pub grants_total: usize,
    /// Grant ids in chunks that failed or were not sent, so far.
    pub grants_failed: usize,
}

/// The progress callback type.
pub type ProgressFn = dyn Fn(Progress) + Send + Sync;

/// How a bulk assignment runs.
///
/// ```
/// use nylas_workspaces::ManualAssignOptions;
///
/// let options = ManualAssignOptions::new()
///     .concurrency(2)
///     .on_progress(|p| eprintln!("{}/{} chunks", p.chunks_done, p.chunks_total));
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct ManualAssignOptions {
    concurrency: usize,
    on_progress: Option<Arc<ProgressFn>>,
    pacing: bool,
    stop: Option<Arc<AtomicBool>>,
    journal: Option<PathBuf>,
    journal_fail_after: Option<u64>,
    /// Set by [`Client::resume_manual_assign`]: the journal being continued.
    resume: Option<Arc<Journal>>,
}

impl Default for ManualAssignOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            on_progress: None,
            pacing: true,
            stop: None,
            journal: None,
            journal_fail_after: None,
            resume: None,
        }
    }
}

impl fmt::Debug for ManualAssignOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManualAssignOptions")
            .field("concurrency", &self.concurrency)
            .field("on_progress", &self.on_progress.is_some())
            .field("pacing", &self.pacing)
            .field("stop_flag", &self.stop.is_some())
            .field("journal", &self.journal)
            .finish()
    }
}

impl ManualAssignOptions {
    /// Default options: 4 requests at once, no progress callback.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many chunk requests run at once (at least 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    /// Called after each chunk finishes, from the task awaiting the assignment.
    pub fn on_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// Whether the chunk requests are paced by the client's bulk limiter (default true; see
    /// [`Client::bulk_rate_limiter`]). With `false` only a client-wide
    /// [`rate_limit`](crate::ClientBuilder::rate_limit), if set, applies: use it when the
    /// caller paces by other means.
    pub fn pacing(mut self, pacing: bool) -> Self {
        self.pacing = pacing;
        self
    }

    /// Lets the caller stop the assignment part-way (on Ctrl-C, a deadline, a shutdown): once
    /// `flag` is set, chunks not yet sent are not sent, requests already in flight finish, and
    /// the call returns [`Error::BulkPartial`](crate::Error::BulkPartial) with the unsent ids in
    /// [`ManualAssignOutcome::not_sent`], so nothing is lost and
    /// [`ManualAssignOutcome::retry_request`] resumes exactly where it stopped.
    pub fn stop_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.stop = Some(flag);
        self
    }

    /// Records the run in a durable journal at `path` (created, or truncated if it exists),
    /// so that it can be inspected with [`Journal::read`] and finished with
    /// [`Client::resume_manual_assign`] even after the process was killed.
    ///
    /// The plan (every id) is written and synced before any assignment is sent; if that fails
    /// the call returns [`Error::Journal`] and sends nothing. Each finished request is then
    /// recorded and synced as it completes. If a later write fails (a full disk, say), no
    /// further request is sent, those in flight finish, and the call returns
    /// [`Error::BulkPartial`] with [`ManualAssignOutcome::journal_error`] set and the unsent
    /// ids under [`NotSentReason::JournalUnwritable`]. Writes are synchronous, one per
    /// request of up to 1,000 ids, so their cost is small next to the request itself.
    pub fn journal(mut self, path: impl Into<PathBuf>) -> Self {
        self.journal = Some(path.into());
        self
    }

    /// Test hook: journal writes fail as on a full disk once the file would exceed `bytes`
    /// (the write that crosses the limit is left torn, as a real one can be).
    #[doc(hidden)]
    pub fn journal_fail_after(mut self, bytes: u64) -> Self {
        self.journal_fail_after = Some(bytes);
        self
    }

    /// The configured concurrency.
    pub fn concurrency_limit(&self) -> usize {
        self.concurrency
    }

    /// The journal path, when one is configured.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_drops_duplicates_and_refuses_conflicts() {
        let (a, r) = ManualAssign::new()
            .assign(["x", "y", "x"])
            .remove(["z", "z"])
            .normalized()
            .unwrap();
        assert_eq!(a, ["x", "y"]);
        assert_eq!(r, ["z"]);
        let rule = |m: ManualAssign| m.normalized().unwrap_err().rule().unwrap();
        assert_eq!(rule(ManualAssign::new()), Rule::NoGrantIds);
        assert_eq!(
            rule(ManualAssign::new().assign(["x"]).remove(["x"])),
            Rule::GrantInBothLists
        );
        assert_eq!(rule(ManualAssign::new().assign([""])), Rule::EmptyGrantId);
    }

    #[test]
    fn control_characters_in_grant_ids_are_refused_naming_list_and_position() {
        for bad in ["g\0", "g\n1", "\u{1b}[31m", "g\u{7f}", "g\u{85}"] {
            let err = ManualAssign::new()
                .assign(["ok-1"])
                .remove(["ok-2", bad])
                .normalized()
                .unwrap_err();
            assert_eq!(err.rule(), Some(Rule::GrantIdInvalid), "{bad:?}");
            let text = err.to_string();
            assert!(text.contains("grant id 2 of the remove list"), "{text}");
            assert!(text.contains(&format!("{bad:?}")), "{text}");
        }
        assert_eq!(Rule::GrantIdInvalid.as_str(), "grant_id_invalid");
        // Ordinary punctuation and non-ASCII letters are fine.
        assert!(
            ManualAssign::new()
                .assign(["g-1_x.y", "grant-é"])
                .normalized()
                .is_ok()
        );
    }

    #[test]
    fn retry_request_covers_failed_and_unsent_only() {
        let error = Arc::new(Error::config("x"));
        let outcome = ManualAssignOutcome {
            workspace_id: "ws".into(),
            assigned: vec!["ok".into()],
            failed: vec![FailedGrant {
                grant_id: "f".into(),
                action: GrantAction::Remove,
                error,
            }],
            not_sent: vec![GrantRef {
                grant_id: "n".into(),
                action: GrantAction::Assign,
            }],
            ..Default::default()
        };
        let retry = outcome.retry_request().unwrap();
        assert_eq!(retry.assign_ids(), ["n"]);
        assert_eq!(retry.remove_ids(), ["f"]);
        assert!(ManualAssignOutcome::default().retry_request().is_none());
    }
}
