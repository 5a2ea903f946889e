//! The tour runs to completion on its embedded emulator, needing no key and no network, and
//! shows every step it promises.

use crate::common;

use common::{bare_cli, run};

#[test]
fn the_tour_runs_to_completion() {
    // No key in the environment, and a proxy that leads nowhere: the tour needs neither.
    let run = run(bare_cli()
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .arg("tour"))
    .expect_code(0);
    for expected in [
        "== 1. The default workspace",
        "(emulator view) Acme holds 120 grants",
        "chunk 3/3 done: 1200/1200 grants",
        "(emulator view) Field team holds 1200 grants",
        "(exit code 3)",
        "(emulator view) Night shift holds 700 grants",
        "rule_ids       Block spam (rule-spam), Strip links (rule-links)",
        "== 7. Seeing what a workspace holds",
        "Standard limits (policy-limits)",
        "(no workspace)",
        "user001@acme.com,nylas,valid,",
        "rule_ids       Strip links (rule-links), Block spam (rule-spam)",
        "rule_ids       Block spam (rule-spam)\n",
        "unknown_reference",
        "== 8. Workspaces as code",
        "+ create Support (support.example, manual, policy Standard limits",
        "[3/3] → assign 2 grants to Support",
        "in sync: nothing to change",
        "! refused Acme: the domain of an existing workspace can't change (acme.com → acme.org)",
        "  policy: Standard limits",
        "default_workspace_protected",
        "unexpected argument '--domain'",
        "HTTP 400: a workspace's domain cannot be changed",
        "target_auto_groups",
        "no_grant_ids",
        "auto_group_requires_domain",
        "At a terminal, delete asks first; a script (like this tour) passes --yes.",
        "Tour finished",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stdout
        );
    }
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // Both deletes are shown as a reader would type them in a script, with --yes.
    let deletes: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("$ nylas-workspaces delete "))
        .collect();
    assert_eq!(deletes.len(), 2, "{}", run.stdout);
    assert!(deletes.iter().all(|l| l.ends_with(" --yes")), "{deletes:?}");
    // Scratch files are shown by name, as a reader would type them.
    assert!(
        run.stdout
            .contains("assign --retry-from night-shift-report.jsonl"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("nylas-workspaces-tour-"),
        "{}",
        run.stdout
    );
}
