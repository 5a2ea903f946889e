//! `assign` against the emulator: files in the formats people export, the report, partial
//! failures under injected faults, and `--retry-from` finishing the job. Signals are in
//! `assign_signals.rs`, the report file's own failure modes in `assign_report_file.rs`.

use crate::assign_support;
use crate::common;

use assign_support::{read_report, seed_grants, statuses};
use common::Env;
use nylas_workspaces_emulator::{Fault, Operation};

#[test]
fn flags_move_grants_in_and_out() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let ids = seed_grants(&env, "g", 3);
    let report = env
        .run_json(&["assign", &ws, "--grant", &ids[0], "--grant", &ids[1]])
        .expect_code(0)
        .json();
    assert_eq!(report["complete"], true);
    assert_eq!(report["summary"]["assigned"], 2);
    assert_eq!(
        env.emulator.grants_in(&ws),
        [ids[0].clone(), ids[1].clone()]
    );

    let report = env
        .run_json(&["assign", &ws, "--remove", &ids[0], "--grant", &ids[2]])
        .expect_code(0)
        .json();
    assert_eq!(report["summary"]["removed"], 1);
    assert_eq!(report["summary"]["assigned"], 1);
    assert_eq!(env.emulator.grant_workspace(&ids[0]), None);
    assert_eq!(env.emulator.grant_workspace(&ids[2]), Some(ws.clone()));

    let text = env.run(&["assign", &ws, "--grant", &ids[0]]).expect_code(0);
    assert!(text.stdout.contains("1 assigned"), "{}", text.stdout);
}

#[test]
fn files_with_crlf_bom_comments_blanks_and_duplicates() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let ids = seed_grants(&env, "f", 4);
    let text = format!(
        "\u{feff}# export of 2024-09-02\r\n{}\r\n\r\n{}\r\n# {} left out on purpose\r\n{}\r\n{}\r\n",
        ids[0], ids[1], ids[2], ids[0], ids[3]
    );
    let file = env.file("ids.txt", text.as_bytes());
    let run = env
        .run(&["assign", &ws, "--grants-file", &file])
        .expect_code(0);
    assert!(run.stdout.contains("3 assigned"), "{}", run.stdout);
    assert!(run.stdout.contains("1 duplicate id(s)"), "{}", run.stdout);
    let mut inside = env.emulator.grants_in(&ws);
    inside.sort();
    assert_eq!(inside, [ids[0].clone(), ids[1].clone(), ids[3].clone()]);
    assert_eq!(
        env.emulator.grant_workspace(&ids[2]),
        Some(env.default_id())
    );
}

#[test]
fn csv_exports_are_read_from_their_grant_id_column() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let ids = seed_grants(&env, "c", 2);
    let csv = format!(
        "email,grant_id,notes\r\n\"Ann, A.\",{},\"says \"\"hi\"\"\"\r\nbob@x.org,{},\r\n",
        ids[0], ids[1]
    );
    let file = env.file("export.csv", csv.as_bytes());
    let report = env
        .run_json(&["assign", &ws, "--grants-file", &file])
        .expect_code(0)
        .json();
    assert_eq!(report["summary"]["assigned"], 2);

    // The same file also works for removal.
    let report = env
        .run_json(&["assign", &ws, "--remove-file", &file])
        .expect_code(0)
        .json();
    assert_eq!(report["summary"]["removed"], 2);
    assert!(env.emulator.grants_in(&ws).is_empty());
}

#[test]
fn unusable_files_are_usage_errors_and_nothing_is_sent() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let ambiguous = env.file("bad.txt", b"g-1\ng-2,g-3\n");
    let run = env
        .run(&["assign", &ws, "--grants-file", &ambiguous])
        .expect_code(2);
    assert!(run.stderr.contains("bad.txt:2:"), "{}", run.stderr);
    let binary = env.file("bin.txt", &[0xff, 0xfe, 0x00]);
    let run = env
        .run(&["assign", &ws, "--grants-file", &binary])
        .expect_code(2);
    assert!(run.stderr.contains("not UTF-8"), "{}", run.stderr);
    env.run(&["assign", &ws, "--grants-file", "missing.txt"])
        .expect_code(2);
    let run = env
        .run(&[
            "assign",
            &ws,
            "--grant",
            "g",
            "--report",
            "/definitely/not/a/dir/r.json",
        ])
        .expect_code(2);
    assert!(
        run.stderr.contains("cannot write the report"),
        "{}",
        run.stderr
    );
    assert_eq!(env.emulator.calls(Operation::ManualAssign), 0);
}

/// An escape character in a `--grant` id (as pasted from a coloured terminal) is no grant id:
/// the crate refuses it, naming the list and position, before anything is sent. (A NUL cannot
/// travel in argv; id files are checked by their reader.)
#[test]
fn control_characters_in_grant_flags_are_refused_before_sending() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let json = env
        .run_json(&["assign", &ws, "--grant", "g-1", "--grant", "g-\u{1b}[31m2"])
        .expect_code(2)
        .json();
    assert_eq!(json["error"]["rule"], "grant_id_invalid");
    let message = json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("grant id 2 of the assign list"),
        "{message}"
    );
    assert!(message.contains(r#""g-\u{1b}[31m2""#), "{message}");
    assert_eq!(env.emulator.calls(Operation::ManualAssign), 0);
}

#[test]
fn refusals_come_from_the_client_crate() {
    let env = Env::new();
    let acme = env.create(&["--name", "Acme", "--domain", "acme.com", "--auto-group"]);
    let team = env.create(&["--name", "Team"]);
    let json = env
        .run_json(&["assign", &acme, "--grant", "g-1"])
        .expect_code(2)
        .json();
    assert_eq!(json["error"]["rule"], "target_auto_groups");
    let json = env.run_json(&["assign", &team]).expect_code(2).json();
    assert_eq!(json["error"]["rule"], "no_grant_ids");
    let empty = env.file("empty.txt", b"# nothing here\n\n");
    let json = env
        .run_json(&["assign", &team, "--grants-file", &empty])
        .expect_code(2)
        .json();
    assert_eq!(json["error"]["rule"], "no_grant_ids");
    let json = env
        .run_json(&["assign", &team, "--grant", "g-1", "--remove", "g-1"])
        .expect_code(2)
        .json();
    assert_eq!(json["error"]["rule"], "grant_in_both_lists");
    let json = env
        .run_json(&["assign", &team, "--grant", "g-1", "--concurrency", "0"])
        .expect_code(2)
        .json();
    assert_eq!(json["error"]["rule"], "concurrency_zero");
    assert_eq!(env.emulator.calls(Operation::ManualAssign), 0);
}

#[test]
fn unknown_grants_are_reported_as_unmatched() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let ids = seed_grants(&env, "u", 1);
    let report = env
        .run_json(&[
            "assign",
            &ws,
            "--grant",
            &ids[0],
            "--grant",
            "no-such-grant",
        ])
        .expect_code(0)
        .json();
    assert_eq!(
        statuses(&report),
        [
            (ids[0].clone(), "assigned".to_owned()),
            ("no-such-grant".to_owned(), "unmatched".to_owned())
        ]
    );
}

#[test]
fn a_partial_failure_exits_3_and_retry_from_finishes_the_job() {
    let env = Env::new();
    let ws = env.create(&["--name", "Field team"]);
    let ids = seed_grants(&env, "bulk", 1_200);
    let file = env.file("ids.txt", ids.join("\n").as_bytes());
    let report_path = env.dir.join("report.json");
    let report_arg = report_path.to_str().unwrap();

    // Two of the three requests fail with server errors; the client does not retry.
    env.emulator
        .fail_next(Operation::ManualAssign, 1, Fault::ServiceUnavailable);
    env.emulator
        .fail_next(Operation::ManualAssign, 1, Fault::InternalServerError);
    let run = env
        .run(&[
            "assign",
            &ws,
            "--grants-file",
            &file,
            "--report",
            report_arg,
            "--max-retries",
            "0",
            "--concurrency",
            "1",
        ])
        .expect_code(3);
    assert!(run.stderr.contains("--retry-from"), "{}", run.stderr);
    run.assert_no_key();

    let report = read_report(&report_path);
    assert_eq!(report["complete"], false);
    assert_eq!(report["workspace_id"], ws.as_str());
    assert_eq!(report["summary"]["failed"], 1_000);
    assert_eq!(report["summary"]["assigned"], 200);
    // Every id is listed exactly once.
    let mut listed: Vec<String> = statuses(&report).into_iter().map(|(id, _)| id).collect();
    listed.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(listed, expected);
    let failed = report["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["status"] == "failed")
        .unwrap();
    assert!(
        failed["http_status"] == 503 || failed["http_status"] == 500,
        "{failed}"
    );
    assert_eq!(failed["retryable"], true);
    assert!(failed["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(env.emulator.grants_in(&ws).len(), 200);

    // Retry from the report; write the new report over the old one.
    let retried = env
        .run_json(&["assign", "--retry-from", report_arg, "--report", report_arg])
        .expect_code(0)
        .json();
    // Exactly the two failed requests were sent again; the report covers the whole plan.
    assert_eq!(env.emulator.calls(Operation::ManualAssign), 5);
    assert_eq!(retried["summary"]["assigned"], 1_200);
    assert_eq!(retried["complete"], true);
    for id in &ids {
        assert_eq!(env.emulator.grant_workspace(id), Some(ws.clone()), "{id}");
    }

    // The rewritten report has nothing left to retry.
    let run = env
        .run(&["assign", "--retry-from", report_arg])
        .expect_code(0);
    assert!(run.stdout.contains("nothing to retry"), "{}", run.stdout);
}

#[test]
fn a_partial_failure_without_report_flag_still_leaves_a_report() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let ids = seed_grants(&env, "p", 600);
    let file = env.file("ids.txt", ids.join("\n").as_bytes());
    env.emulator
        .fail_next(Operation::ManualAssign, 1, Fault::BadGateway);
    let run = env
        .run(&[
            "assign",
            &ws,
            "--grants-file",
            &file,
            "--max-retries",
            "0",
            "--concurrency",
            "1",
        ])
        .expect_code(3);
    let written: Vec<_> = std::fs::read_dir(&env.dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().into_string().unwrap())
        .filter(|name| name.starts_with("assign-report-"))
        .collect();
    assert_eq!(written.len(), 1, "{}", run.stderr);
    assert!(run.stderr.contains(&written[0]), "{}", run.stderr);
    env.run(&["assign", &ws, "--retry-from", &written[0]])
        .expect_code(0);
    assert_eq!(env.emulator.grants_in(&ws).len(), 600);
}

#[test]
fn json_partial_output_is_the_report() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let ids = seed_grants(&env, "j", 2);
    env.emulator
        .fail_next(Operation::ManualAssign, 1, Fault::ServiceUnavailable);
    let report = env
        .run_json(&[
            "assign",
            &ws,
            "--grant",
            &ids[0],
            "--grant",
            &ids[1],
            "--max-retries",
            "0",
        ])
        .expect_code(3)
        .json();
    assert_eq!(report["summary"]["failed"], 2);
    assert_eq!(report["complete"], false);
}

#[test]
fn retry_from_refuses_foreign_files_and_other_workspaces() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let not_report = env.file("x.json", b"{\"hello\": 1}");
    let run = env
        .run(&["assign", "--retry-from", &not_report])
        .expect_code(2);
    assert!(run.stderr.contains("version"), "{}", run.stderr);
    let report = env.file(
        "r.json",
        br#"{"version":1,"workspace_id":"other","complete":false,
            "summary":{"assigned":0,"removed":0,"unmatched":0,"failed":1,"not_sent":0},
            "request_ids":[],"grants":[{"grant_id":"g","action":"assign","status":"failed"}]}"#,
    );
    let run = env
        .run(&["assign", &ws, "--retry-from", &report])
        .expect_code(2);
    assert!(run.stderr.contains("other"), "{}", run.stderr);
}

#[test]
fn answers_lost_after_the_change_are_retried_safely() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let ids = seed_grants(&env, "lost", 900);
    let file = env.file("ids.txt", ids.join("\n").as_bytes());
    // The first request is carried out but its answer never arrives: the CLI must count
    // those ids as failed, and re-sending them must do no harm.
    env.emulator
        .fail_next_after_handling(Operation::ManualAssign, 1, Fault::ConnectionReset);
    env.run(&[
        "assign",
        &ws,
        "--grants-file",
        &file,
        "--report",
        "r.json",
        "--max-retries",
        "0",
        "--concurrency",
        "1",
    ])
    .expect_code(3);
    let report = read_report(&env.dir.join("r.json"));
    assert_eq!(report["summary"]["failed"], 500);
    assert_eq!(report["summary"]["assigned"], 400);
    let retried = env
        .run_json(&["assign", "--retry-from", "r.json"])
        .expect_code(0)
        .json();
    assert_eq!(retried["summary"]["assigned"], 900);
    for id in &ids {
        assert_eq!(env.emulator.grant_workspace(id), Some(ws.clone()), "{id}");
    }
}

#[test]
fn a_refused_retry_leaves_the_report_it_came_from_intact() {
    let env = Env::new();
    let acme = env.create(&["--name", "Acme", "--domain", "acme.com", "--auto-group"]);
    let report = format!(
        r#"{{"version":1,"workspace_id":"{acme}","complete":false,
            "summary":{{"assigned":0,"removed":0,"unmatched":0,"failed":1,"not_sent":0}},
            "request_ids":[],"grants":[{{"grant_id":"g","action":"assign","status":"failed"}}]}}"#
    );
    let path = env.file("r.json", report.as_bytes());
    // The target auto-groups, so the crate refuses; the report must survive for later.
    env.run(&["assign", "--retry-from", &path, "--report", &path])
        .expect_code(2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), report);
    // A report file this run would have created is not left behind empty.
    env.run(&["assign", &acme, "--grant", "g", "--report", "new.json"])
        .expect_code(2);
    assert!(!env.dir.join("new.json").exists());
}

#[test]
fn ids_can_be_piped_in() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let ids = seed_grants(&env, "s", 3);
    let run = common::run(
        env.cli()
            .args(["assign", &ws, "--grants-file", "-", "--json"])
            .write_stdin(format!("{}\n{}\n", ids[0], ids[2])),
    )
    .expect_code(0);
    assert_eq!(run.json()["summary"]["assigned"], 2);
    assert_eq!(
        env.emulator.grants_in(&ws),
        [ids[0].clone(), ids[2].clone()]
    );
}

/// `--rate` and `--adaptive` only pace; the work still lands, and bad values are usage errors.
#[test]
fn pacing_flags_keep_every_grant_and_bad_rates_are_usage_errors() {
    use nylas_workspaces_emulator::RateLimit;

    let env = Env::new();
    let ws = env.create(&["--name", "Paced"]);
    let ids = seed_grants(&env, "r", 1200);
    let file = env.file("paced.txt", ids.join("\n").as_bytes());
    // A server limit the adaptive pace has to find, with a short Retry-After.
    env.emulator.set_retry_after_secs(0);
    env.emulator
        .set_rate_limit(Some(RateLimit {
            per_second: 50.0,
            burst: 2,
        }))
        .unwrap();
    let report = env
        .run_json(&[
            "--rate",
            "200",
            "--adaptive",
            "assign",
            &ws,
            "--grants-file",
            &file,
        ])
        .expect_code(0)
        .json();
    assert_eq!(report["summary"]["assigned"], 1200);
    assert_eq!(env.emulator.grants_in(&ws).len(), 1200);

    env.run(&["--rate", "fast", "list"])
        .expect_code(2)
        .assert_no_key();
    env.run(&["--rate", "off", "--adaptive", "list"])
        .expect_code(2)
        .assert_no_key();
    env.run(&["--rate", "0", "list"])
        .expect_code(2)
        .assert_no_key();
}
