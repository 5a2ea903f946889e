//! `-v`/`-vv`: the client's attempts, retries and pauses on stderr, and nowhere else. Silent
//! without the flag, stdout untouched with it, and the API key in none of it.

use crate::common;

use common::{CANARY_KEY, Env, run};
use nylas_workspaces_emulator::{Fault, Operation};

/// The lines of the `nylas_workspaces.attempt` spans in a log, leaving out the policy and
/// rule listings that text output makes to show names next to ids.
fn attempt_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("INFO  nylas_workspaces.attempt:"))
        .filter(|l| !l.contains("operation=list_policies") && !l.contains("operation=list_rules"))
        .collect()
}

/// The value of `key=` on a log line.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split(' ')
        .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
}

#[test]
fn v_shows_each_attempt_of_a_retried_call_with_status_and_request_id() {
    let env = Env::new();
    let id = env.default_id();
    // A 429 with Retry-After: 0, so the retry waits nothing.
    env.emulator
        .fail_next(Operation::GetWorkspace, 1, Fault::TooManyRequests);
    let run = env.run(&["get", &id, "-v"]).expect_code(0);
    let attempts = attempt_lines(&run.stderr);
    assert_eq!(attempts.len(), 2, "{}", run.stderr);
    for (line, (number, status)) in attempts.iter().zip([("1", "429"), ("2", "200")]) {
        assert_eq!(field(line, "operation"), Some("get_workspace"), "{line}");
        assert_eq!(field(line, "method"), Some("GET"), "{line}");
        assert_eq!(field(line, "attempt"), Some(number), "{line}");
        assert_eq!(field(line, "status"), Some(status), "{line}");
        assert!(
            field(line, "request_id").is_some_and(|r| !r.is_empty()),
            "{line}"
        );
        assert!(
            field(line, "duration_ms").is_some_and(|d| d.parse::<u64>().is_ok()),
            "{line}"
        );
    }
    // Debug detail stays out at -v, and the result is still on stdout as usual.
    assert!(!run.stderr.contains("DEBUG"), "{}", run.stderr);
    assert!(run.stdout.contains(&id), "{}", run.stdout);
    run.assert_no_key();
}

#[test]
fn vv_also_shows_the_retry_with_its_wait_and_reason_inside_its_attempt() {
    let env = Env::new();
    env.emulator
        .fail_next(Operation::ListWorkspaces, 1, Fault::TooManyRequests);
    let run = env.run(&["list", "-vv"]).expect_code(0);
    let retry = run
        .stderr
        .lines()
        // At debug today; at whatever level the crate emits it, -vv shows it.
        .find(|l| l.contains("}: retrying "))
        .unwrap_or_else(|| panic!("no retry event in:\n{}", run.stderr));
    assert!(
        retry.contains("nylas_workspaces.attempt{operation=list_workspaces"),
        "{retry}"
    );
    assert!(retry.contains("attempt=1"), "{retry}");
    assert_eq!(field(retry, "wait_ms"), Some("0"), "{retry}");
    assert!(
        retry.contains("429"),
        "the reason names the answer: {retry}"
    );
    assert_eq!(attempt_lines(&run.stderr).len(), 2, "{}", run.stderr);
    run.assert_no_key();
}

#[test]
fn without_v_a_call_even_a_retried_one_prints_nothing_on_stderr() {
    let env = Env::new();
    env.emulator
        .fail_next(Operation::ListWorkspaces, 1, Fault::TooManyRequests);
    let quiet = env.run(&["list"]).expect_code(0);
    assert_eq!(quiet.stderr, "");
    let json = env.run_json(&["list"]).expect_code(0);
    assert_eq!(json.stderr, "");
    // The same call with -v does log, so the silence above is the default, not a dead log.
    let loud = env.run(&["list", "-v"]).expect_code(0);
    assert_eq!(attempt_lines(&loud.stderr).len(), 1, "{}", loud.stderr);
}

/// A list document without the request ids, which differ from one run to the next.
fn without_request_ids(mut list: serde_json::Value) -> serde_json::Value {
    for workspace in list.as_array_mut().into_iter().flatten() {
        let id = workspace
            .as_object_mut()
            .and_then(|w| w.remove("request_id"));
        assert!(id.is_some_and(|id| id.is_string()), "{workspace}");
    }
    list
}

#[test]
fn json_with_v_keeps_stdout_one_exact_document() {
    let env = Env::new();
    env.create(&["--name", "Team"]);
    let plain = without_request_ids(env.run_json(&["list"]).expect_code(0).json());
    for flags in [&["-v"][..], &["-vv"], &["-v", "-v", "-v"]] {
        let mut args = vec!["list"];
        args.extend_from_slice(flags);
        let logged = env.run_json(&args).expect_code(0);
        assert_eq!(without_request_ids(logged.json()), plain, "{flags:?}");
        assert!(!logged.stdout.contains("nylas_workspaces."), "{flags:?}");
        assert!(!attempt_lines(&logged.stderr).is_empty(), "{flags:?}");
    }
    // A failure's JSON document stays exact too.
    let failed = env.run_json(&["get", "missing", "-vv"]).expect_code(1);
    assert_eq!(failed.json()["error"]["status"], 404);
    let attempt = attempt_lines(&failed.stderr);
    assert_eq!(attempt.len(), 1, "{}", failed.stderr);
    assert_eq!(field(attempt[0], "status"), Some("404"));
}

#[test]
fn the_key_is_in_no_log_line_not_even_for_a_refused_key() {
    let env = Env::new();
    env.emulator
        .fail_next(Operation::ListWorkspaces, 2, Fault::ServiceUnavailable);
    let retried = env
        .run(&["list", "-vv", "--max-retries", "2"])
        .expect_code(0);
    assert_eq!(
        attempt_lines(&retried.stderr).len(),
        3,
        "{}",
        retried.stderr
    );
    retried.assert_no_key();
    // A wrong key (the real one with a suffix): the 401 attempt is logged, the key is not.
    let wrong = run(env
        .cli()
        .env("NYLAS_API_KEY", format!("{CANARY_KEY}-wrong"))
        .args(["list", "-vvv"]))
    .expect_code(1);
    let attempt = attempt_lines(&wrong.stderr);
    assert_eq!(attempt.len(), 1, "{}", wrong.stderr);
    assert_eq!(field(attempt[0], "status"), Some("401"));
    wrong.assert_no_key();
    assert!(!wrong.stderr.contains("-wrong"), "{}", wrong.stderr);
}
