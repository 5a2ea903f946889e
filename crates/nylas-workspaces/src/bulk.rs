//! Manual assignment of any number of grants, without losing track of a single id.
//!
//! The API takes at most 500 ids per list per request. Larger requests are split into chunks
//! that run with bounded concurrency; every id ends up in exactly one list of the
//! [`ManualAssignOutcome`], so a caller can retry precisely what did not go through. With a
//! journal ([`ManualAssignOptions::journal`]) each finished request is also on disk before the
//! next result is handled, so even a killed process loses nothing and
//! [`Client::resume_manual_assign`] sends exactly what is left.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use futures_util::StreamExt;
use nylas_workspaces_api::types;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Error, Result, Rule, SharedError};
use crate::journal::{ChunkRecord, Journal, JournalWriter, Record};

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

/// One request's worth of ids.
struct Chunk {
    assign: Vec<String>,
    remove: Vec<String>,
}

impl Chunk {
    fn len(&self) -> usize {
        self.assign.len() + self.remove.len()
    }
}

/// What happened to one chunk.
enum ChunkResult {
    Done(types::ManualAssignResponse),
    Failed(Error),
    NotSent,
}

/// A finished chunk's ids, sorted by what became of them.
#[derive(Default)]
struct Sorted {
    request_id: Option<String>,
    assigned: Vec<String>,
    removed: Vec<String>,
    unmatched: Vec<GrantRef>,
    failed: Vec<GrantRef>,
    error: Option<SharedError>,
    not_sent: Vec<GrantRef>,
}

/// Splits the lists so that no request carries more than [`MAX_IDS_PER_REQUEST`] per list.
fn plan(assign: Vec<String>, remove: Vec<String>) -> Vec<Chunk> {
    let mut assign = into_chunks(assign);
    let mut remove = into_chunks(remove);
    let mut chunks = Vec::new();
    loop {
        let (a, r) = (assign.next(), remove.next());
        if a.is_none() && r.is_none() {
            return chunks;
        }
        chunks.push(Chunk {
            assign: a.unwrap_or_default(),
            remove: r.unwrap_or_default(),
        });
    }
}

/// Splits `ids` into runs of at most [`MAX_IDS_PER_REQUEST`], moving the strings rather than
/// copying them (a bulk call may hold hundreds of thousands).
fn into_chunks(ids: Vec<String>) -> impl Iterator<Item = Vec<String>> {
    let mut ids = ids.into_iter().peekable();
    std::iter::from_fn(move || {
        ids.peek()?;
        Some(ids.by_ref().take(MAX_IDS_PER_REQUEST).collect())
    })
}

/// A failure that every later chunk would hit too.
fn dooms_the_rest(error: &Error) -> bool {
    matches!(error.status(), Some(401 | 403 | 404))
}

/// Runs a validated assignment against a workspace already known to accept it.
pub(crate) async fn run(
    client: &Client,
    workspace_id: &str,
    segment: &str,
    assign: Vec<String>,
    remove: Vec<String>,
    options: &ManualAssignOptions,
) -> Result<ManualAssignOutcome> {
    // The journal is started before anything is sent: a run that cannot be recorded sends
    // nothing.
    let (mut journal, run_number, earlier) = match &options.resume {
        Some(resumed) => {
            let run_number = resumed.runs() + 1;
            let writer = JournalWriter::reopen(
                resumed.path(),
                options.journal_fail_after,
                resumed,
                run_number,
                assign.len() + remove.len(),
            )?;
            (Some(writer), run_number, Some(resumed.outcome()))
        }
        None => match &options.journal {
            Some(path) => {
                let writer = JournalWriter::create(
                    path,
                    options.journal_fail_after,
                    workspace_id,
                    &assign,
                    &remove,
                )?;
                (Some(writer), 1, None)
            }
            None => (None, 1, None),
        },
    };

    let chunks = plan(assign, remove);
    let chunks_total = chunks.len();
    let grants_total: usize = chunks.iter().map(Chunk::len).sum();
    let stop = AtomicBool::new(false);
    // The first reason to stop sending wins.
    let reason: OnceLock<NotSentReason> = OnceLock::new();

    let mut progress = Progress {
        chunks_done: 0,
        chunks_total,
        grants_done: 0,
        grants_total,
        grants_failed: 0,
    };
    let mut results: Vec<Option<Sorted>> = (0..chunks_total).map(|_| None).collect();
    let requests = chunks.iter().enumerate().map(|(index, chunk)| {
        let (stop, reason) = (&stop, &reason);
        async move {
            if options
                .stop
                .as_ref()
                .is_some_and(|flag| flag.load(Ordering::SeqCst))
            {
                let _ = reason.set(NotSentReason::Stopped);
                return (index, ChunkResult::NotSent);
            }
            if stop.load(Ordering::SeqCst) {
                return (index, ChunkResult::NotSent);
            }
            let body = types::ManualAssignRequest {
                assign_grants: chunk.assign.clone(),
                remove_grants: chunk.remove.clone(),
            };
            let result = match client
                .send_manual_assign(segment, &body, options.pacing)
                .await
            {
                Ok(response) => ChunkResult::Done(response),
                Err(error) => {
                    if dooms_the_rest(&error) {
                        let _ = reason.set(NotSentReason::EarlierFailure);
                        stop.store(true, Ordering::SeqCst);
                    }
                    ChunkResult::Failed(error)
                }
            };
            (index, result)
        }
    });
    // Collected up front (the futures stay lazy): a stream over the borrowing closure itself
    // trips rustc's higher-ranked lifetime inference and makes this future `!Send`, which
    // would keep callers (the Python binding, `tokio::spawn`) from running it on a runtime.
    let requests: Vec<_> = requests.collect();
    let mut finished = futures_util::stream::iter(requests).buffer_unordered(options.concurrency);
    while let Some((index, result)) = finished.next().await {
        let size = chunks[index].len();
        progress.chunks_done += 1;
        progress.grants_done += size;
        if !matches!(result, ChunkResult::Done(_)) {
            progress.grants_failed += size;
        }
        let sorted = sort(&chunks[index], result);
        if let Some(writer) = journal.as_mut()
            && writer.broken().is_none()
            && sorted.not_sent.is_empty()
        {
            let record = Record::Chunk(ChunkRecord {
                run: run_number,
                chunk: index,
                request_id: sorted.request_id.clone(),
                assigned: sorted.assigned.clone(),
                removed: sorted.removed.clone(),
                unmatched: sorted.unmatched.clone(),
                failed: sorted.failed.clone(),
                error: sorted.error.as_deref().map(ChunkRecord::error_of),
            });
            if writer.write(&record).is_err() {
                // What cannot be recorded is not sent; requests in flight still finish.
                let _ = reason.set(NotSentReason::JournalUnwritable);
                stop.store(true, Ordering::SeqCst);
            }
        }
        results[index] = Some(sorted);
        if let Some(callback) = &options.on_progress {
            callback(progress);
        }
    }
    drop(finished);
    drop(chunks);

    let mut outcome = ManualAssignOutcome {
        workspace_id: workspace_id.to_owned(),
        ..Default::default()
    };
    if let Some(earlier) = earlier {
        // What earlier runs confirmed; everything they left pending was sent (or not) now.
        outcome.assigned.extend(earlier.assigned.iter().cloned());
        outcome.removed.extend(earlier.removed.iter().cloned());
        outcome.unmatched.extend(earlier.unmatched.iter().cloned());
        outcome
            .request_ids
            .extend(earlier.request_ids.iter().cloned());
    }
    for sorted in results.into_iter().flatten() {
        outcome.request_ids.extend(sorted.request_id);
        outcome.assigned.extend(sorted.assigned);
        outcome.removed.extend(sorted.removed);
        outcome.unmatched.extend(sorted.unmatched);
        if let Some(error) = sorted.error {
            outcome
                .failed
                .extend(sorted.failed.into_iter().map(|g| FailedGrant {
                    grant_id: g.grant_id,
                    action: g.action,
                    error: Arc::clone(&error),
                }));
        }
        outcome.not_sent.extend(sorted.not_sent);
    }
    if !outcome.not_sent.is_empty() {
        outcome.not_sent_reason = Some(reason.get().copied().unwrap_or(NotSentReason::Stopped));
    }
    if let Some(writer) = journal.as_mut() {
        if let Some(why) = outcome.not_sent_reason {
            let _ = writer.write(&Record::Stopped {
                run: run_number,
                reason: why,
                not_sent: outcome.not_sent.len(),
            });
        }
        let _ = writer.write(&Record::Summary {
            run: run_number,
            assigned: outcome.assigned.len(),
            removed: outcome.removed.len(),
            unmatched: outcome.unmatched.len(),
            failed: outcome.failed.len(),
            not_sent: outcome.not_sent.len(),
            complete: outcome.is_complete(),
        });
        outcome.journal_error = writer.broken().cloned();
    }
    if outcome.is_complete() && outcome.journal_error.is_none() {
        Ok(outcome)
    } else {
        Err(Error::BulkPartial(Box::new(outcome)))
    }
}

/// Sorts every id of one chunk under what its result made of it. The ids are copied: the
/// chunk is still borrowed by requests in flight.
fn sort(chunk: &Chunk, result: ChunkResult) -> Sorted {
    let refs = |ids: &[String], action: GrantAction| {
        ids.iter()
            .map(move |id| GrantRef {
                grant_id: id.clone(),
                action,
            })
            .collect::<Vec<_>>()
    };
    let mut sorted = Sorted::default();
    match result {
        ChunkResult::Done(response) => {
            sorted.request_id = response.request_id.filter(|id| !id.is_empty());
            let data = response.data.unwrap_or_default();
            let assigned = data.grants_assigned.unwrap_or_default();
            let removed = data.grants_removed.unwrap_or_default();
            // Usually the answer confirms exactly what was sent, in order; then every id is
            // confirmed and no lookup set is needed.
            if assigned == chunk.assign {
                sorted.assigned = assigned;
            } else {
                let confirmed_in: HashSet<String> = assigned.into_iter().collect();
                for grant_id in &chunk.assign {
                    if confirmed_in.contains(grant_id) {
                        sorted.assigned.push(grant_id.clone());
                    } else {
                        sorted.unmatched.push(GrantRef {
                            grant_id: grant_id.clone(),
                            action: GrantAction::Assign,
                        });
                    }
                }
            }
            if removed == chunk.remove {
                sorted.removed = removed;
            } else {
                let confirmed_out: HashSet<String> = removed.into_iter().collect();
                for grant_id in &chunk.remove {
                    if confirmed_out.contains(grant_id) {
                        sorted.removed.push(grant_id.clone());
                    } else {
                        sorted.unmatched.push(GrantRef {
                            grant_id: grant_id.clone(),
                            action: GrantAction::Remove,
                        });
                    }
                }
            }
        }
        ChunkResult::Failed(error) => {
            sorted.failed = refs(&chunk.assign, GrantAction::Assign);
            sorted
                .failed
                .extend(refs(&chunk.remove, GrantAction::Remove));
            sorted.error = Some(Arc::new(error));
        }
        ChunkResult::NotSent => {
            sorted.not_sent = refs(&chunk.assign, GrantAction::Assign);
            sorted
                .not_sent
                .extend(refs(&chunk.remove, GrantAction::Remove));
        }
    }
    sorted
}

impl Client {
    /// Finishes a bulk assignment recorded in a journal (see
    /// [`ManualAssignOptions::journal`]): reads it, sends again exactly the ids no record
    /// confirms (failed, never sent, or in flight when the process died; re-sending an id is
    /// harmless), keeps appending to the same journal, and returns an outcome covering every
    /// id of the original plan, earlier confirmations included. A torn last line (a crash
    /// mid-write) is dropped before appending; any other damage is [`Error::Journal`] and
    /// nothing is sent. When nothing is pending, the journal's outcome is returned and nothing
    /// is sent or written. The journal set in `options`, if any, is ignored: `path` is the one
    /// continued. Progress counts only the ids sent now.
    ///
    /// ```
    /// # use httpmock::prelude::*;
    /// # use serde_json::json;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> nylas_workspaces::Result<()> {
    /// # let server = MockServer::start_async().await;
    /// # server.mock(|when, then| {
    /// #     when.method(GET).path("/v3/workspaces/ws-1");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"workspace_id": "ws-1", "name": "Sales", "domain": "sales.example.com", "auto_group": false}}));
    /// # });
    /// # let mut unavailable = server.mock(|when, then| {
    /// #     when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
    /// #     then.status(503).json_body(json!({"request_id": "r-503", "error": {"type": "service_unavailable"}}));
    /// # });
    /// # let client = nylas_workspaces::Client::builder()
    /// #     .api_key("nyk_example").base_url(server.base_url()).max_retries(0).build()?;
    /// use nylas_workspaces::{Error, Journal, ManualAssign, ManualAssignOptions};
    ///
    /// let path = std::env::temp_dir().join(format!("assign-{}.jsonl", std::process::id()));
    /// let request = ManualAssign::new().assign(["g-1", "g-2"]);
    /// let options = ManualAssignOptions::new().journal(&path);
    /// let Err(Error::BulkPartial(_)) = client.manual_assign_with("ws-1", request, options).await
    /// else { panic!("the server is down") };
    ///
    /// // Later, or in another process after a crash: what is left, without sending anything.
    /// let journal = Journal::read(&path)?;
    /// assert_eq!(journal.pending().unwrap().assign_ids(), ["g-1", "g-2"]);
    ///
    /// # unavailable.delete();
    /// # server.mock(|when, then| {
    /// #     when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
    /// #     then.status(200).json_body(json!({"request_id": "r", "data": {"grants_assigned": ["g-1", "g-2"]}}));
    /// # });
    /// let outcome = client
    ///     .resume_manual_assign(&path, ManualAssignOptions::new())
    ///     .await?;
    /// assert_eq!(outcome.assigned, ["g-1", "g-2"]);
    /// assert!(Journal::read(&path)?.pending().is_none());
    /// # std::fs::remove_file(&path).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn resume_manual_assign(
        &self,
        path: impl AsRef<Path>,
        options: ManualAssignOptions,
    ) -> Result<ManualAssignOutcome> {
        let journal = Journal::read(path)?;
        let Some(pending) = journal.pending() else {
            return Ok(journal.into_outcome());
        };
        let workspace_id = journal.workspace_id().to_owned();
        let options = ManualAssignOptions {
            journal: None,
            resume: Some(Arc::new(journal)),
            ..options
        };
        self.manual_assign_with(&workspace_id, pending, options)
            .await
    }
}

/// Checks options before anything is sent.
pub(crate) fn check_options(options: &ManualAssignOptions) -> Result<()> {
    if options.concurrency == 0 {
        return Err(Error::invariant(
            Rule::ConcurrencyZero,
            "concurrency must be at least 1",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    #[test]
    fn plan_splits_each_list_at_500() {
        let chunks = plan(ids("a", 1201), ids("r", 600));
        let sizes: Vec<(usize, usize)> = chunks
            .iter()
            .map(|c| (c.assign.len(), c.remove.len()))
            .collect();
        assert_eq!(sizes, vec![(500, 500), (500, 100), (201, 0)]);
        assert_eq!(chunks[2].assign[0], "a1000");
    }

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
