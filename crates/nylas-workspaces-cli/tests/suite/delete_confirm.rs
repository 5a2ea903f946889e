//! `delete` goes ahead only on a clear yes: `--yes`, or `y` typed at a terminal. A script, a
//! pipe or `yes |` without `--yes` gets exit code 2 and nothing is sent at all.
//!
//! The terminal cases run the CLI under a pseudo-terminal made by `script` (util-linux); they
//! are skipped where it is not installed.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{CANARY_KEY, Env, run};
use nylas_workspaces_emulator::Operation;

/// Asserts that nothing at all reached the server about `id`, and that it still exists.
fn untouched(env: &Env, id: &str) {
    assert_eq!(env.emulator.calls(Operation::DeleteWorkspace), 0);
    assert_eq!(env.emulator.calls(Operation::GetWorkspace), 0);
    assert!(env.emulator.workspace(id).is_some(), "{id} was deleted");
}

#[test]
fn without_a_terminal_and_without_yes_nothing_is_sent() {
    let env = Env::new();
    let id = env.create(&["--name", "Team"]);
    let refused = env.run(&["delete", &id]).expect_code(2);
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(refused.stderr.contains(&id), "{}", refused.stderr);
    assert!(!refused.stderr.contains("[y/N]"), "{}", refused.stderr);
    untouched(&env, &id);

    let json = env.run_json(&["delete", &id]).expect_code(2).json();
    assert_eq!(json["error"]["kind"], "usage");
    let message = json["error"]["message"].as_str().unwrap();
    assert!(message.contains("--yes"), "{message}");
    untouched(&env, &id);
}

#[test]
fn a_yes_piped_into_standard_input_is_not_a_confirmation() {
    // `yes | nylas-workspaces delete ID` in a script: nobody read a question, so no delete.
    let env = Env::new();
    let id = env.create(&["--name", "Team"]);
    let piped = run(env.cli().args(["delete", &id]).write_stdin("y\nyes\n")).expect_code(2);
    assert!(piped.stderr.contains("--yes"), "{}", piped.stderr);
    untouched(&env, &id);
}

#[test]
fn yes_in_either_spelling_deletes_without_asking() {
    let env = Env::new();
    for flag in ["--yes", "-y"] {
        let id = env.create(&["--name", "Team"]);
        let done = env.run(&["delete", &id, flag]).expect_code(0);
        assert!(!done.stderr.contains("[y/N]"), "{}", done.stderr);
        assert!(env.emulator.workspace(&id).is_none(), "{flag}");
    }
}

/// Whether util-linux `script` is here to give the CLI a terminal.
fn have_script() -> bool {
    let found = Command::new("script")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("`script` (util-linux) is not installed; terminal cases skipped");
    }
    found
}

/// Runs `nylas-workspaces delete ID` with a pseudo-terminal as its stdin, stdout and stderr,
/// typing `typed`; returns the exit code and everything the terminal showed.
fn delete_at_a_terminal(env: &Env, id: &str, typed: &str) -> (i32, String) {
    let line = format!("'{}' delete '{id}'", env!("CARGO_BIN_EXE_nylas-workspaces"));
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("SHELL", "/bin/sh")
        .env("NYLAS_API_URI", env.emulator.url())
        .env("NYLAS_API_KEY", env.emulator.api_key())
        .env_remove("NYLAS_EMULATOR_API_KEY")
        .current_dir(&env.dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(typed.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let mut shown = String::from_utf8_lossy(&out.stdout).into_owned();
    shown.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), shown)
}

#[test]
fn at_a_terminal_anything_but_yes_keeps_the_workspace() {
    if !have_script() {
        return;
    }
    let env = Env::new();
    // A hostile name is shown inert in the question.
    let id = env.create(&["--name", "Team\u{1b}]0;pwned\u{7}"]);
    for typed in ["n\n", "\n", "yess\n", ""] {
        let (code, shown) = delete_at_a_terminal(&env, &id, typed);
        assert_eq!(code, 2, "{typed:?}: {shown}");
        assert!(
            shown.contains(&format!(
                "Delete workspace {id} (Team\\u{{1b}}]0;pwned\\u{{7}})? [y/N]"
            )),
            "{typed:?}: {shown}"
        );
        assert!(!shown.contains('\u{1b}'), "{typed:?}: {shown:?}");
        assert!(shown.contains("was not deleted"), "{typed:?}: {shown}");
        assert!(!shown.contains(CANARY_KEY), "{typed:?}");
    }
    assert_eq!(env.emulator.calls(Operation::DeleteWorkspace), 0);
    assert!(env.emulator.workspace(&id).is_some());
}

#[test]
fn at_a_terminal_y_deletes() {
    if !have_script() {
        return;
    }
    let env = Env::new();
    for typed in ["y\n", "YES\n"] {
        let id = env.create(&["--name", "Team"]);
        let (code, shown) = delete_at_a_terminal(&env, &id, typed);
        assert_eq!(code, 0, "{typed:?}: {shown}");
        assert!(
            shown.contains(&format!("Delete workspace {id} (Team)? [y/N]")),
            "{shown}"
        );
        assert!(env.emulator.workspace(&id).is_none(), "{typed:?}: {shown}");
    }
    assert_eq!(env.emulator.calls(Operation::DeleteWorkspace), 2);
}

#[test]
fn at_a_terminal_a_missing_workspace_fails_before_the_question() {
    if !have_script() {
        return;
    }
    let env = Env::new();
    // Nothing typed: `script` would wait for unread input before it ends.
    let (code, shown) = delete_at_a_terminal(&env, "no-such-workspace", "");
    assert_eq!(code, 1, "{shown}");
    assert!(!shown.contains("[y/N]"), "{shown}");
    assert_eq!(env.emulator.calls(Operation::DeleteWorkspace), 0);
}
