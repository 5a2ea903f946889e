//! The `assign` report file itself: a disk that refuses it (exit 5, nothing lost), a journal
//! torn by a crash, a journal damaged in the middle, and the default file when no `--report`
//! is given.

use crate::assign_support;
use crate::common;

use assign_support::{read_report, seed_grants};
use common::Env;
use nylas_workspaces_emulator::Operation;

#[test]
fn a_report_on_a_full_disk_sends_nothing_and_exits_5() {
    let env = Env::new();
    let ws = env.create(&["--name", "Full"]);
    let ids = seed_grants(&env, "f", 3);
    let run = env
        .run(&[
            "assign",
            &ws,
            "--grant",
            &ids[0],
            "--grant",
            &ids[1],
            "--report",
            "/dev/full",
        ])
        .expect_code(5);
    assert!(run.stderr.contains("/dev/full"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was changed"), "{}", run.stderr);
    let json = env
        .run_json(&["assign", &ws, "--grant", &ids[0], "--report", "/dev/full"])
        .expect_code(5)
        .json();
    assert_eq!(json["error"]["nothing_sent"], true);
    assert_eq!(env.emulator.calls(Operation::ManualAssign), 0);
    assert!(env.emulator.grants_in(&ws).is_empty());
    // /dev/full is a device this run did not create: it is never removed.
    assert!(std::path::Path::new("/dev/full").exists());
}

#[test]
fn a_retry_into_an_unwritable_report_sends_nothing_and_keeps_the_journal() {
    let env = Env::new();
    let ws = env.create(&["--name", "Retry full"]);
    let ids = seed_grants(&env, "r", 600);
    let file = env.file("ids.txt", ids.join("\n").as_bytes());
    env.emulator.fail_next(
        Operation::ManualAssign,
        1,
        nylas_workspaces_emulator::Fault::ServiceUnavailable,
    );
    env.run(&[
        "assign",
        &ws,
        "--grants-file",
        &file,
        "--report",
        "r.jsonl",
        "--max-retries",
        "0",
        "--concurrency",
        "1",
    ])
    .expect_code(3);
    let journal = env.dir.join("r.jsonl");
    let before = std::fs::read(&journal).unwrap();
    let calls = env.emulator.calls(Operation::ManualAssign);
    let run = env
        .run(&["assign", "--retry-from", "r.jsonl", "--report", "/dev/full"])
        .expect_code(5);
    assert!(run.stderr.contains("/dev/full"), "{}", run.stderr);
    assert_eq!(env.emulator.calls(Operation::ManualAssign), calls);
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    // Into another file, the retry continues a copy and leaves the original as it was.
    let retried = env
        .run_json(&["assign", "--retry-from", "r.jsonl", "--report", "r2.jsonl"])
        .expect_code(0)
        .json();
    assert_eq!(retried["summary"]["assigned"], 600);
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    assert_eq!(read_report(&env.dir.join("r2.jsonl"))["complete"], true);
    assert_eq!(env.emulator.grants_in(&ws).len(), 600);
}

/// The journal of a run killed while writing its third line: the torn line is ignored, the
/// retry sends exactly the ids it would have confirmed, and the journal is whole again.
#[test]
fn a_journal_with_a_torn_last_line_resumes() {
    let env = Env::new();
    let ws = env.create(&["--name", "Torn"]);
    let ids = seed_grants(&env, "t", 1200);
    let file = env.file("ids.txt", ids.join("\n").as_bytes());
    env.run(&[
        "assign",
        &ws,
        "--grants-file",
        &file,
        "--report",
        "t.jsonl",
        "--concurrency",
        "1",
    ])
    .expect_code(0);
    let path = env.dir.join("t.jsonl");
    let bytes = std::fs::read(&path).unwrap();
    let ends: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == b'\n').collect();
    // The plan, the first chunk, and half of the second chunk's line.
    std::fs::write(&path, &bytes[..ends[1] + (ends[2] - ends[1]) / 2]).unwrap();

    let calls = env.emulator.calls(Operation::ManualAssign);
    let retried = env
        .run_json(&["assign", "--retry-from", "t.jsonl"])
        .expect_code(0)
        .json();
    assert_eq!(env.emulator.calls(Operation::ManualAssign) - calls, 2);
    assert_eq!(retried["summary"]["assigned"], 1200);
    assert_eq!(env.emulator.grants_in(&ws).len(), 1200);
    let journal = nylas_workspaces::Journal::read(&path).unwrap();
    assert!(!journal.had_torn_tail() && journal.is_finished());
}

#[test]
fn a_journal_damaged_in_the_middle_is_refused_naming_the_line() {
    let env = Env::new();
    let ws = env.create(&["--name", "Damaged"]);
    let ids = seed_grants(&env, "d", 700);
    let file = env.file("ids.txt", ids.join("\n").as_bytes());
    env.run(&[
        "assign",
        &ws,
        "--grants-file",
        &file,
        "--report",
        "d.jsonl",
        "--concurrency",
        "1",
    ])
    .expect_code(0);
    let path = env.dir.join("d.jsonl");
    // One id changed in the second line (the first chunk's record): its checksum fails.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replacen("d-0001", "d-0002", 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let calls = env.emulator.calls(Operation::ManualAssign);
    let run = env
        .run(&["assign", "--retry-from", "d.jsonl"])
        .expect_code(2);
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
    assert!(run.stderr.contains("d.jsonl"), "{}", run.stderr);
    assert_eq!(env.emulator.calls(Operation::ManualAssign), calls);
}

/// Without `--report` the journal still exists from the start, in the current directory, and
/// stderr says where; a complete run leaves nothing behind.
#[test]
fn the_default_journal_is_announced_and_removed_after_a_complete_run() {
    let env = Env::new();
    let ws = env.create(&["--name", "Default"]);
    let ids = seed_grants(&env, "n", 2);
    let run = env
        .run(&["assign", &ws, "--grant", &ids[0], "--grant", &ids[1]])
        .expect_code(0);
    assert!(run.stderr.contains("assign-report-"), "{}", run.stderr);
    let left: Vec<_> = std::fs::read_dir(&env.dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("assign-report-")
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
