//! The bulk-assignment journal: what it records, what survives a crash, what is refused, and
//! that resuming sends exactly the ids no record confirms (counted at the mock server).

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use httpmock::HttpMockRequest;
use httpmock::prelude::*;
use nylas_workspaces::{
    Error, Journal, JournalErrorKind, MAX_JOURNAL_BYTES, ManualAssign, ManualAssignOptions,
    NotSentReason,
};
use serde_json::{Value, json};

fn ids(prefix: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}-{i:04}")).collect()
}

/// A fresh path in the test scratch directory.
fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "journal-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Every id each manual-assign request carried, in arrival order.
type Sent = Arc<Mutex<Vec<Vec<String>>>>;

/// A server whose workspace `ws-1` accepts manual assignment and echoes every id as changed,
/// except that the n-th manual-assign request (0-based) is answered with `fail[n]` when that
/// is a status.
fn echo_server(server: &MockServer, fail: Vec<Option<u16>>) -> Sent {
    server.mock(|when, then| {
        when.method(GET).path("/v3/workspaces/ws-1");
        then.status(200)
            .json_body(json!({"request_id": "r-get", "data": workspace("ws-1")}));
    });
    let sent: Sent = Arc::default();
    let record = Arc::clone(&sent);
    server.mock(move |when, then| {
        when.method(POST).path("/v3/workspaces/ws-1/manual-assign");
        then.respond_with(move |req: &HttpMockRequest| {
            let body: Value = serde_json::from_slice(&req.body_vec()).unwrap();
            let list = |key: &str| -> Vec<String> {
                body[key]
                    .as_array()
                    .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
                    .unwrap_or_default()
            };
            let (assign, remove) = (list("assign_grants"), list("remove_grants"));
            let mut sent = record.lock().unwrap();
            let n = sent.len();
            sent.push(assign.iter().chain(&remove).cloned().collect());
            if let Some(Some(status)) = fail.get(n) {
                return json_response(
                    *status,
                    &error_body(&format!("r-{n}"), "service_unavailable", "try later"),
                );
            }
            json_response(
                200,
                &json!({"request_id": format!("r-{n}"), "data": {
                    "grants_assigned": assign, "grants_removed": remove}}),
            )
        });
    });
    sent
}

fn quiet_client(server: &MockServer) -> nylas_workspaces::Client {
    nylas_workspaces::Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap()
}

fn flat(sent: &Sent) -> Vec<String> {
    let mut all: Vec<String> = sent.lock().unwrap().iter().flatten().cloned().collect();
    all.sort();
    all
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn kinds(path: &Path) -> Vec<String> {
    lines(path)
        .iter()
        .map(|l| l["record"]["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_journal_records_the_plan_every_chunk_and_a_summary_and_reads_back_the_outcome() {
    let server = MockServer::start_async().await;
    echo_server(&server, vec![]);
    let path = scratch("round-trip.jsonl");
    let assign = ids("a", 0..1201);
    let mut input = assign.clone();
    input.push(assign[0].clone()); // duplicates are planned once
    let outcome = quiet_client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(input).remove(["r-1", "r-2"]),
            ManualAssignOptions::new().concurrency(2).journal(&path),
        )
        .await
        .unwrap();

    assert_eq!(kinds(&path), ["plan", "chunk", "chunk", "chunk", "summary"]);
    let plan = &lines(&path)[0]["record"];
    assert_eq!(plan["workspace_id"], "ws-1");
    assert_eq!(plan["version"], 1);
    assert_eq!(plan["assign"].as_array().unwrap().len(), 1201);
    assert_eq!(plan["remove"], json!(["r-1", "r-2"]));

    let journal = Journal::read(&path).unwrap();
    assert_eq!(journal.workspace_id(), "ws-1");
    assert!(journal.is_finished() && !journal.had_torn_tail());
    assert!(journal.pending().is_none());
    assert_eq!(journal.runs(), 1);
    let read = journal.outcome();
    assert_eq!(read.assigned, assign);
    assert_eq!(read.assigned, outcome.assigned);
    assert_eq!(read.removed, ["r-1", "r-2"]);
    let mut from_journal = read.request_ids.clone();
    let mut returned = outcome.request_ids.clone();
    from_journal.sort();
    returned.sort();
    assert_eq!(from_journal, returned);
}

#[tokio::test]
async fn resuming_sends_exactly_the_failed_ids_and_covers_the_whole_plan() {
    let server = MockServer::start_async().await;
    // The second of three requests fails with a retryable 503 (no retries configured).
    let sent = echo_server(&server, vec![None, Some(503), None]);
    let path = scratch("resume.jsonl");
    let all = ids("g", 0..1500);
    let err = quiet_client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(all.clone()),
            ManualAssignOptions::new().concurrency(1).journal(&path),
        )
        .await
        .unwrap_err();
    let Error::BulkPartial(first) = err else {
        panic!("{err:?}")
    };
    assert_eq!(first.failed.len(), 500);

    // What the journal says, without sending: the failure with its status and request id.
    let journal = Journal::read(&path).unwrap();
    let failed = &journal.outcome().failed;
    assert_eq!(failed.len(), 500);
    assert_eq!(failed[0].grant_id, all[500]);
    assert_eq!(failed[0].error.status(), Some(503));
    assert_eq!(failed[0].error.request_id(), Some("r-1"));
    assert!(failed[0].error.is_retryable());
    assert_eq!(journal.pending().unwrap().assign_ids(), &all[500..1000]);

    sent.lock().unwrap().clear();
    let outcome = quiet_client(&server)
        .resume_manual_assign(&path, ManualAssignOptions::new())
        .await
        .unwrap();
    assert_eq!(
        flat(&sent),
        all[500..1000],
        "only the failed chunk is re-sent"
    );
    let mut assigned = outcome.assigned.clone();
    assigned.sort();
    assert_eq!(assigned, all);
    assert!(outcome.is_complete());

    let journal = Journal::read(&path).unwrap();
    assert_eq!(journal.runs(), 2);
    assert!(journal.pending().is_none() && journal.is_finished());
    // A journal with nothing left sends nothing at all.
    sent.lock().unwrap().clear();
    let again = quiet_client(&server)
        .resume_manual_assign(&path, ManualAssignOptions::new())
        .await
        .unwrap();
    assert_eq!(again.assigned.len(), 1500);
    assert!(sent.lock().unwrap().is_empty());
}

/// A process killed mid-write leaves a torn last line: it is ignored, the ids it would have
/// confirmed are re-sent, and the resumed journal is clean again.
#[tokio::test]
async fn a_torn_last_line_is_ignored_and_the_resume_appends_cleanly() {
    let server = MockServer::start_async().await;
    let sent = echo_server(&server, vec![]);
    let path = scratch("torn.jsonl");
    let all = ids("t", 0..1200);
    quiet_client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(all.clone()),
            ManualAssignOptions::new().concurrency(1).journal(&path),
        )
        .await
        .unwrap();
    // Keep the plan, the first chunk and half of the second: the moment of a SIGKILL.
    let text = std::fs::read(&path).unwrap();
    let ends: Vec<usize> = text
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect();
    let cut = ends[1] + (ends[2] - ends[1]) / 2;
    std::fs::write(&path, &text[..cut]).unwrap();

    let journal = Journal::read(&path).unwrap();
    assert!(journal.had_torn_tail());
    assert!(!journal.is_finished());
    assert_eq!(journal.outcome().assigned, all[0..500]);
    assert_eq!(
        journal.outcome().not_sent_reason,
        Some(NotSentReason::Interrupted)
    );
    assert_eq!(journal.pending().unwrap().assign_ids(), &all[500..1200]);

    sent.lock().unwrap().clear();
    let outcome = quiet_client(&server)
        .resume_manual_assign(&path, ManualAssignOptions::new())
        .await
        .unwrap();
    assert_eq!(flat(&sent), all[500..1200]);
    assert_eq!(outcome.assigned.len(), 1200);
    // Every line parses: the torn half-line was cut off before appending.
    assert_eq!(
        kinds(&path),
        ["plan", "chunk", "resume", "chunk", "chunk", "summary"]
    );
    assert!(!Journal::read(&path).unwrap().had_torn_tail());
}

#[tokio::test]
async fn a_damaged_line_before_the_last_is_refused_naming_it_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let sent = echo_server(&server, vec![]);
    let path = scratch("corrupt.jsonl");
    quiet_client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(ids("c", 0..1000)),
            ManualAssignOptions::new().concurrency(1).journal(&path),
        )
        .await
        .unwrap();
    // Change one id in the second line (the first chunk record): the checksum no longer fits.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replacen("c-0001", "c-9999", 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();

    let err = Journal::read(&path).unwrap_err();
    let Error::Journal(journal) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(journal.kind, JournalErrorKind::Corrupt);
    assert_eq!(journal.line, Some(2));
    assert!(err.to_string().contains("line 2"), "{err}");
    assert!(err.to_string().contains("checksum"), "{err}");

    sent.lock().unwrap().clear();
    let err = quiet_client(&server)
        .resume_manual_assign(&path, ManualAssignOptions::new())
        .await
        .unwrap_err();
    assert!(err.nothing_sent(), "{err}");
    assert!(sent.lock().unwrap().is_empty());
}

#[test]
fn foreign_empty_and_oversized_files_are_not_journals() {
    let kind = |path: &Path| match Journal::read(path).unwrap_err() {
        Error::Journal(j) => (j.kind, j.to_string()),
        other => panic!("{other:?}"),
    };
    let report = scratch("report.json");
    std::fs::write(&report, "{\"version\": 1, \"grants\": []}\n").unwrap();
    let (k, text) = kind(&report);
    assert_eq!(k, JournalErrorKind::NotAJournal);
    assert!(text.contains("not a manual-assign journal"), "{text}");

    let empty = scratch("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    assert_eq!(kind(&empty).0, JournalErrorKind::NotAJournal);

    // A sparse file: no disk used, but over the cap, refused without being read.
    let huge = scratch("huge.jsonl");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(MAX_JOURNAL_BYTES + 1)
        .unwrap();
    assert_eq!(kind(&huge).0, JournalErrorKind::TooLarge);

    assert_eq!(
        kind(&scratch("missing.jsonl")).0,
        JournalErrorKind::Unreadable
    );
}

#[tokio::test]
async fn a_plan_that_cannot_be_written_sends_nothing() {
    let server = MockServer::start_async().await;
    let sent = echo_server(&server, vec![]);
    for options in [
        ManualAssignOptions::new()
            .journal(scratch("full.jsonl"))
            .journal_fail_after(20),
        ManualAssignOptions::new().journal(scratch("no/such/dir/j.jsonl")),
    ] {
        let err = quiet_client(&server)
            .manual_assign_with("ws-1", ManualAssign::new().assign(["g-1"]), options)
            .await
            .unwrap_err();
        let Error::Journal(journal) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(journal.kind, JournalErrorKind::Unwritable);
        assert!(err.nothing_sent());
        // The error is the writer's own, whole: the path once, the I/O cause kept.
        let text = err.to_string();
        let path = journal.path.display().to_string();
        assert_eq!(text.matches(&path).count(), 1, "{text}");
        assert!(std::error::Error::source(&err).is_some(), "{err:?}");
    }
    assert!(sent.lock().unwrap().is_empty());
}

/// The disk fills up after the first chunk is recorded: the run stops sending, names the
/// failure, keeps a readable journal, and a resume finishes exactly the rest.
#[tokio::test]
async fn a_journal_that_fills_up_stops_the_run_and_the_rest_can_be_resumed() {
    let server = MockServer::start_async().await;
    let sent = echo_server(&server, vec![]);
    let all = ids("d", 0..2000);
    // Learn the size of the plan and first chunk lines from an identical, unlimited run.
    let probe = scratch("probe.jsonl");
    quiet_client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(all.clone()),
            ManualAssignOptions::new().concurrency(1).journal(&probe),
        )
        .await
        .unwrap();
    let probe_text = std::fs::read_to_string(&probe).unwrap();
    let room: usize = probe_text
        .lines()
        .take(2)
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + 100;

    sent.lock().unwrap().clear();
    let path = scratch("filling.jsonl");
    let err = quiet_client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(all.clone()),
            ManualAssignOptions::new()
                .concurrency(1)
                .journal(&path)
                .journal_fail_after(room as u64),
        )
        .await
        .unwrap_err();
    let Error::BulkPartial(outcome) = err else {
        panic!("{err:?}")
    };
    // Chunk 2 went through but could not be recorded; chunks 3 and 4 were not sent.
    assert_eq!(sent.lock().unwrap().len(), 2);
    assert_eq!(outcome.assigned, all[0..1000]);
    assert_eq!(outcome.not_sent.len(), 1000);
    assert_eq!(
        outcome.not_sent_reason,
        Some(NotSentReason::JournalUnwritable)
    );
    let journal_error = outcome
        .journal_error
        .as_ref()
        .expect("the failure is named");
    assert!(
        journal_error.to_string().contains("no space left"),
        "{journal_error}"
    );

    // The file holds whole records only; the unrecorded chunk counts as pending.
    let journal = Journal::read(&path).unwrap();
    assert!(!journal.had_torn_tail());
    assert_eq!(journal.outcome().assigned, all[0..500]);
    sent.lock().unwrap().clear();
    let outcome = quiet_client(&server)
        .resume_manual_assign(&path, ManualAssignOptions::new())
        .await
        .unwrap();
    assert_eq!(flat(&sent), all[500..2000]);
    assert_eq!(outcome.assigned.len(), 2000);
}

#[tokio::test]
async fn a_stopped_run_records_why_and_the_reason_is_read_back() {
    let server = MockServer::start_async().await;
    echo_server(&server, vec![]);
    let path = scratch("stopped.jsonl");
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let err = quiet_client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(ids("s", 0..1500)),
            ManualAssignOptions::new()
                .concurrency(1)
                .journal(&path)
                .on_progress(move |_| flag.store(true, Ordering::SeqCst))
                .stop_flag(stop),
        )
        .await
        .unwrap_err();
    let Error::BulkPartial(outcome) = err else {
        panic!("{err:?}")
    };
    assert_eq!(outcome.not_sent_reason, Some(NotSentReason::Stopped));
    assert!(outcome.journal_error.is_none());
    assert_eq!(kinds(&path), ["plan", "chunk", "stopped", "summary"]);
    let journal = Journal::read(&path).unwrap();
    assert_eq!(
        journal.outcome().not_sent_reason,
        Some(NotSentReason::Stopped)
    );
    assert_eq!(journal.outcome().not_sent.len(), 1000);
}

#[tokio::test]
async fn a_journal_naming_ids_outside_its_plan_is_refused() {
    let server = MockServer::start_async().await;
    echo_server(&server, vec![]);
    let a = scratch("a.jsonl");
    let b = scratch("b.jsonl");
    for (path, prefix) in [(&a, "x"), (&b, "y")] {
        quiet_client(&server)
            .manual_assign_with(
                "ws-1",
                ManualAssign::new().assign(ids(prefix, 0..10)),
                ManualAssignOptions::new().journal(path),
            )
            .await
            .unwrap();
    }
    // A's plan with B's chunk record: each line is intact, but they do not belong together.
    let a_text = std::fs::read_to_string(&a).unwrap();
    let b_text = std::fs::read_to_string(&b).unwrap();
    let spliced = format!(
        "{}\n{}\n{}\n",
        a_text.lines().next().unwrap(),
        b_text.lines().nth(1).unwrap(),
        a_text.lines().last().unwrap()
    );
    std::fs::write(&a, spliced).unwrap();
    let err = Journal::read(&a).unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
    assert!(err.to_string().contains("y-0000"), "{err}");
}

#[test]
fn control_characters_in_grant_ids_never_reach_the_server() {
    let server = MockServer::start();
    let everything = catch_all(&server);
    let err = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(
            quiet_client(&server)
                .manual_assign("ws-1", ManualAssign::new().assign(["g-1", "g-2\0"])),
        )
        .unwrap_err();
    assert_eq!(err.rule().map(|r| r.as_str()), Some("grant_id_invalid"));
    assert!(err.to_string().contains(r#""g-2\0""#), "{err}");
    assert_eq!(everything.calls(), 0);
}

/// A retry into another file continues a copy: the copy holds the whole records only, and the
/// original is left byte for byte as it was.
#[tokio::test]
async fn a_copied_journal_resumes_while_the_original_stays_untouched() {
    let server = MockServer::start_async().await;
    let sent = echo_server(&server, vec![None, Some(503)]);
    let original = scratch("original.jsonl");
    let all = ids("k", 0..1000);
    quiet_client(&server)
        .manual_assign_with(
            "ws-1",
            ManualAssign::new().assign(all.clone()),
            ManualAssignOptions::new().concurrency(1).journal(&original),
        )
        .await
        .unwrap_err();
    // Tear the last line too: the copy must leave it out.
    let mut bytes = std::fs::read(&original).unwrap();
    bytes.extend_from_slice(b"{\"crc32\":\"0000");
    std::fs::write(&original, &bytes).unwrap();

    let copy = scratch("copy.jsonl");
    let copied = Journal::read(&original).unwrap().copy_to(&copy).unwrap();
    assert_eq!(copied.path(), copy.as_path());
    assert!(!Journal::read(&copy).unwrap().had_torn_tail());
    sent.lock().unwrap().clear();
    let outcome = quiet_client(&server)
        .resume_manual_assign(&copy, ManualAssignOptions::new())
        .await
        .unwrap();
    assert_eq!(flat(&sent), all[500..1000]);
    assert_eq!(outcome.assigned.len(), 1000);
    assert_eq!(std::fs::read(&original).unwrap(), bytes);
}
