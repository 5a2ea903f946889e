//! `assign` stopped from outside: Ctrl-C, `timeout`/`docker stop` (SIGTERM), a closed SSH
//! session (SIGHUP), a second signal, and `kill -9`. Whatever the way, the report file is a
//! readable journal and `--retry-from` sends exactly what is left.
//!
//! The emulator answers slowly and the CLI sends one request at a time, so a run of four
//! requests lasts long enough to be interrupted after its first; every wait is bounded.

use crate::assign_support;
use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

use assign_support::{
    finish, read_report, seed_grants, signal, spawn, statuses, wait_for_requests,
};
use common::Env;
use nylas_workspaces_emulator::Operation;

/// A workspace, 2000 seeded grants, their file, and slow answers.
fn slow_run(env: &Env, latency_ms: u64) -> (String, Vec<String>, String) {
    let ws = env.create(&["--name", "Interrupted"]);
    let ids = seed_grants(env, "s", 2000);
    let file = env.file("ids.txt", ids.join("\n").as_bytes());
    env.emulator.set_latency(Duration::from_millis(latency_ms));
    (ws, ids, file)
}

fn assign_args<'a>(ws: &'a str, file: &'a str, report: &'a str) -> Vec<&'a str> {
    vec![
        "assign",
        ws,
        "--grants-file",
        file,
        "--concurrency",
        "1",
        "--report",
        report,
    ]
}

/// The report accounts for every id, matches what the server holds, and `--retry-from` sends
/// exactly the rest.
fn check_report_then_retry(env: &Env, ws: &str, ids: &[String], report: &Path) {
    let written = read_report(report);
    let grants = statuses(&written);
    assert_eq!(grants.len(), ids.len(), "every id is in the report");
    let mut assigned: Vec<String> = grants
        .iter()
        .filter(|(_, s)| s == "assigned")
        .map(|(id, _)| id.clone())
        .collect();
    assert!(
        !assigned.is_empty() && assigned.len() < ids.len(),
        "stopped part-way: {} assigned",
        assigned.len()
    );
    let mut in_emulator = env.emulator.grants_in(ws);
    in_emulator.sort();
    assigned.sort();
    // A request in flight when the process died may have landed without being recorded:
    // the server may hold more than the report confirms, never less.
    assert!(
        assigned.iter().all(|id| in_emulator.contains(id)),
        "every confirmed id is on the server"
    );

    env.emulator.set_latency(Duration::ZERO);
    let before = env.emulator.calls(Operation::ManualAssign);
    let pending = ids.len() - assigned.len();
    let retried = env
        .run_json(&["assign", "--retry-from", report.to_str().unwrap()])
        .expect_code(0)
        .json();
    assert_eq!(
        env.emulator.calls(Operation::ManualAssign) - before,
        pending.div_ceil(500) as u64,
        "only the unconfirmed ids are sent again"
    );
    assert_eq!(retried["summary"]["assigned"], ids.len());
    assert_eq!(env.emulator.grants_in(ws).len(), ids.len());
}

/// One signal: in-flight requests finish, the rest is recorded as not sent because the run
/// was stopped, the exit code is 3, and the journal is finalised.
fn a_signal_stops_the_run_cleanly(name: &str) {
    let env = Env::new();
    let (ws, ids, file) = slow_run(&env, 300);
    let report = env.dir.join("stopped.jsonl");
    let child = spawn(&env, &assign_args(&ws, &file, report.to_str().unwrap()));
    wait_for_requests(&env, 1);
    signal(&child, name);
    let (code, stderr) = finish(child);
    assert_eq!(
        code,
        Some(3),
        "a stopped assignment is a partial one\n{stderr}"
    );
    assert!(stderr.contains("not sent: the run was stopped"), "{stderr}");
    assert!(!stderr.contains("an earlier request failed"), "{stderr}");
    assert!(stderr.contains("--retry-from"), "{stderr}");

    let written = read_report(&report);
    assert_eq!(written["not_sent_reason"], "stopped");
    assert!(
        nylas_workspaces::Journal::read(&report)
            .unwrap()
            .is_finished(),
        "the journal got its summary"
    );
    check_report_then_retry(&env, &ws, &ids, &report);
}

#[test]
fn sigint_stops_the_run_cleanly() {
    a_signal_stops_the_run_cleanly("INT");
}

#[test]
fn sigterm_stops_the_run_cleanly() {
    a_signal_stops_the_run_cleanly("TERM");
}

#[test]
fn sighup_stops_the_run_cleanly() {
    a_signal_stops_the_run_cleanly("HUP");
}

/// A second signal quits at once, without waiting for the request in flight; the journal
/// still holds every request finished before.
#[test]
fn a_second_signal_quits_at_once_and_the_journal_still_resumes() {
    let env = Env::new();
    let (ws, ids, file) = slow_run(&env, 800);
    let report = env.dir.join("twice.jsonl");
    let mut child = spawn(&env, &assign_args(&ws, &file, report.to_str().unwrap()));
    // Let the first request finish, so the journal confirms something.
    wait_for_requests(&env, 2);
    signal(&child, "TERM");
    // Wait for the CLI to say it is stopping, then signal again while a request is in flight.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("stopping") {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
    }
    assert!(seen.contains("stopping (SIGTERM)"), "{seen}");
    signal(&child, "TERM");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15));
    check_report_then_retry(&env, &ws, &ids, &report);
}

/// `kill -9` gives the process no chance at all: the journal holds whatever had been synced,
/// and that is enough.
#[test]
fn after_sigkill_retry_from_finishes_from_whatever_the_journal_holds() {
    let env = Env::new();
    let (ws, ids, file) = slow_run(&env, 300);
    let report = env.dir.join("killed.jsonl");
    let child = spawn(&env, &assign_args(&ws, &file, report.to_str().unwrap()));
    wait_for_requests(&env, 2);
    signal(&child, "KILL");
    let (code, _) = finish(child);
    assert_eq!(code, None, "killed by the signal");
    let journal = nylas_workspaces::Journal::read(&report).unwrap();
    assert!(!journal.is_finished(), "no summary: the process died");
    assert_eq!(
        journal.outcome().not_sent_reason,
        Some(nylas_workspaces::NotSentReason::Interrupted)
    );
    check_report_then_retry(&env, &ws, &ids, &report);
}
