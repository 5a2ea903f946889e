//! The bulk engine: splitting a checked request into chunks, sending them with bounded
//! concurrency, sorting every id by what became of it, and recording each step in the journal.
//!
//! The vocabulary callers see (the request, options and outcome types) is in the parent module;
//! this file is only how a run is carried out, so the two can change independently. Nothing
//! here checks the target: the client has done that (`target.rs`) before [`run`] is called,
//! for a fresh run and for a resumed one alike.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use futures_util::StreamExt;
use nylas_workspaces_api::types;

use super::{
    FailedGrant, GrantAction, GrantRef, MAX_IDS_PER_REQUEST, ManualAssignOptions,
    ManualAssignOutcome, NotSentReason, Progress,
};
use crate::client::Client;
use crate::error::{Error, Result, Rule, SharedError};
use crate::journal::{ChunkRecord, Journal, JournalWriter, Record};

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
        tracing::info!(
            chunk = index,
            assigned = sorted.assigned.len(),
            removed = sorted.removed.len(),
            unmatched = sorted.unmatched.len(),
            failed = sorted.failed.len(),
            not_sent = sorted.not_sent.len(),
            request_id = sorted.request_id.as_deref(),
            error = sorted.error.as_deref().map(tracing::field::display),
            "manual-assign chunk finished"
        );
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
}
