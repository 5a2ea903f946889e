//! `cargo xtask upstream-diff` as a maintainer runs it: exit codes, text and JSON output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/upstream")
        .join(name)
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("the xtask binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn only_accepted_differences_exit_0() {
    let upstream = fixture("upstream-slice.yaml");
    let ours = fixture("ours-baseline.json");
    let out = xtask(&[
        "upstream-diff",
        upstream.to_str().unwrap(),
        "--ours",
        ours.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains(", 0 to review."), "{stdout}");
    assert!(
        stdout.contains(
            "  ~ request body / domain / required: ours false, upstream true  [accepted]"
        ),
        "{stdout}"
    );
}

#[test]
fn differences_to_review_exit_1_and_json_is_machine_readable() {
    let upstream = fixture("changes-upstream.yaml");
    let ours = fixture("changes-ours.yaml");
    let nothing = fixture("accept-nothing.json");
    let out = xtask(&[
        "upstream-diff",
        "--json",
        upstream.to_str().unwrap(),
        "--ours",
        ours.to_str().unwrap(),
        "--accepted",
        nothing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("--json prints one JSON document");
    assert_eq!(report["summary"]["to_review"], 20);
    assert_eq!(report["differences"][0]["operation"], "archive-thing");
    assert_eq!(report["differences"][0]["change"], "only_upstream");
}

#[test]
fn unreadable_input_exits_2_with_a_message_and_no_report() {
    for (name, expected) in [
        ("broken-ref.yaml", "points at nothing in the document"),
        ("ref-cycle.yaml", "$ref cycle"),
        ("missing-paths.yaml", "has no `paths` object"),
        ("bad-syntax.yaml", "is not valid YAML"),
        ("does-not-exist.yaml", "cannot read"),
    ] {
        let path = fixture(name);
        let out = xtask(&["upstream-diff", path.to_str().unwrap()]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: {}", text(&out.stdout));
    }
}

#[test]
fn bad_arguments_exit_2_and_help_lists_the_task() {
    let out = xtask(&["upstream-diff"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("usage: cargo xtask upstream-diff PATH"));

    let out = xtask(&["upstream-diff", "a.yaml", "--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown option --frobnicate"));

    let out = xtask(&["upstream-diff", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("exit status: 0 nothing to review"));

    let out = xtask(&["help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("upstream-diff PATH [--json]"));
}
