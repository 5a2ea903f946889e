//! Manual assignment of any number of grants, without losing track of a single id.
//!
//! The API takes at most 500 ids per list per request. Larger requests are split into chunks
//! that run with bounded concurrency; every id ends up in exactly one list of the
//! [`ManualAssignOutcome`], so a caller can retry precisely what did not go through.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt;
use nylas_workspaces_api::types;
use serde::Serialize;

use crate::client::Client;
use crate::error::{Error, Result, Rule, SharedError};

/// The most ids the API accepts in one list of one request.
pub const MAX_IDS_PER_REQUEST: usize =
    nylas_workspaces_api::routes::MANUALLY_ASSIGN_WORKSPACE_ASSIGN_GRANTS_MAX_ITEMS;
/// How many chunk requests run at once unless configured.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Grants to move into and out of one workspace. Duplicates are dropped (first occurrence
/// kept); an id in both lists, an empty id, or no id at all is refused before sending.
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
        for id in &ids {
            if id.trim().is_empty() {
                return Err(Error::invariant(
                    Rule::EmptyGrantId,
                    format!("the {list} list contains an empty grant id"),
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantAction {
    /// Into the workspace.
    Assign,
    /// Out of the workspace.
    Remove,
}

/// A grant id together with the move that was requested for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
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
    /// Grants never sent: an earlier request failed in a way that would fail them too (401,
    /// 403 or 404), or the caller stopped the assignment
    /// ([`ManualAssignOptions::stop_flag`]).
    pub not_sent: Vec<GrantRef>,
    /// The request ids of the successful requests, in chunk order.
    pub request_ids: Vec<String>,
}

impl ManualAssignOutcome {
    /// True when no request failed and none was skipped.
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
}

impl Default for ManualAssignOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            on_progress: None,
            pacing: true,
            stop: None,
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

    /// The configured concurrency.
    pub fn concurrency_limit(&self) -> usize {
        self.concurrency
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
    let chunks = plan(assign, remove);
    let chunks_total = chunks.len();
    let grants_total: usize = chunks.iter().map(Chunk::len).sum();
    let stop = AtomicBool::new(false);

    let mut progress = Progress {
        chunks_done: 0,
        chunks_total,
        grants_done: 0,
        grants_total,
        grants_failed: 0,
    };
    let mut results: Vec<Option<ChunkResult>> = (0..chunks_total).map(|_| None).collect();
    let requests = chunks.iter().enumerate().map(|(index, chunk)| {
        let stop = &stop;
        async move {
            let stopped_by_caller = options
                .stop
                .as_ref()
                .is_some_and(|flag| flag.load(Ordering::SeqCst));
            if stopped_by_caller || stop.load(Ordering::SeqCst) {
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
        results[index] = Some(result);
        if let Some(callback) = &options.on_progress {
            callback(progress);
        }
    }
    drop(finished);

    let mut outcome = ManualAssignOutcome {
        workspace_id: workspace_id.to_owned(),
        ..Default::default()
    };
    for (chunk, result) in chunks.into_iter().zip(results) {
        record(&mut outcome, chunk, result.unwrap_or(ChunkResult::NotSent));
    }
    if outcome.is_complete() {
        Ok(outcome)
    } else {
        Err(Error::BulkPartial(Box::new(outcome)))
    }
}

/// Files every id of one chunk under the list its result puts it in.
fn record(outcome: &mut ManualAssignOutcome, chunk: Chunk, result: ChunkResult) {
    let refs = |ids: Vec<String>, action: GrantAction| {
        ids.into_iter()
            .map(move |grant_id| GrantRef { grant_id, action })
    };
    match result {
        ChunkResult::Done(response) => {
            if let Some(id) = response.request_id.filter(|id| !id.is_empty()) {
                outcome.request_ids.push(id);
            }
            let data = response.data.unwrap_or_default();
            let assigned = data.grants_assigned.unwrap_or_default();
            let removed = data.grants_removed.unwrap_or_default();
            // Usually the answer confirms exactly what was sent, in order; then every id is
            // confirmed and no lookup set is needed.
            if assigned == chunk.assign {
                outcome.assigned.extend(chunk.assign);
            } else {
                let confirmed_in: HashSet<String> = assigned.into_iter().collect();
                for grant_id in chunk.assign {
                    if confirmed_in.contains(&grant_id) {
                        outcome.assigned.push(grant_id);
                    } else {
                        outcome.unmatched.push(GrantRef {
                            grant_id,
                            action: GrantAction::Assign,
                        });
                    }
                }
            }
            if removed == chunk.remove {
                outcome.removed.extend(chunk.remove);
            } else {
                let confirmed_out: HashSet<String> = removed.into_iter().collect();
                for grant_id in chunk.remove {
                    if confirmed_out.contains(&grant_id) {
                        outcome.removed.push(grant_id);
                    } else {
                        outcome.unmatched.push(GrantRef {
                            grant_id,
                            action: GrantAction::Remove,
                        });
                    }
                }
            }
        }
        ChunkResult::Failed(error) => {
            let error = Arc::new(error);
            let failed = refs(chunk.assign, GrantAction::Assign)
                .chain(refs(chunk.remove, GrantAction::Remove))
                .map(|g| FailedGrant {
                    grant_id: g.grant_id,
                    action: g.action,
                    error: Arc::clone(&error),
                });
            outcome.failed.extend(failed);
        }
        ChunkResult::NotSent => {
            outcome.not_sent.extend(
                refs(chunk.assign, GrantAction::Assign)
                    .chain(refs(chunk.remove, GrantAction::Remove)),
            );
        }
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
