//! `completions SHELL` prints a script the shell really accepts, and `--version` names the
//! tool and its version. Neither needs a key, a network or an emulator.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{bare_cli, run};

/// The subcommands every script must offer.
const SUBCOMMANDS: [&str; 10] = [
    "list",
    "get",
    "create",
    "update",
    "delete",
    "auto-group",
    "assign",
    "emulator",
    "tour",
    "completions",
];

fn script(shell: &str) -> String {
    let run = run(bare_cli().args(["completions", shell])).expect_code(0);
    assert!(run.stderr.is_empty(), "{shell}: {}", run.stderr);
    for name in SUBCOMMANDS {
        assert!(run.stdout.contains(name), "{shell} script lacks {name}");
    }
    run.stdout
}

/// Whether `program` can be run here (the optional shells are skipped when absent).
fn installed(program: &str) -> bool {
    Command::new("which")
        .arg(program)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `shell args...` with `text` on its stdin; returns (success, stdout + stderr).
fn shell_reads(shell: &str, args: &[&str], text: &str) -> (bool, String) {
    let mut child = Command::new(shell)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let mut said = String::from_utf8_lossy(&out.stdout).into_owned();
    said.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), said)
}

#[test]
fn the_bash_script_loads_and_registers_a_completion_function() {
    let text = script("bash");
    // Sourced from stdin, then asked what completes the command.
    let (ok, said) = shell_reads(
        "bash",
        &["-c", "source /dev/stdin && complete -p nylas-workspaces"],
        &text,
    );
    assert!(ok, "{said}");
    assert!(said.contains("-F _nylas__workspaces"), "{said}");
    assert!(said.trim_end().ends_with("nylas-workspaces"), "{said}");
}

#[test]
fn the_bash_function_completes_subcommands_and_flags() {
    let text = script("bash");
    // Drive the function as bash would for `nylas-workspaces del<TAB>` and `delete --y<TAB>`.
    let probe = format!(
        "{text}\n\
         COMP_WORDS=(nylas-workspaces del); COMP_CWORD=1; _nylas__workspaces nylas-workspaces del nylas-workspaces\n\
         echo \"first: ${{COMPREPLY[*]}}\"\n\
         COMP_WORDS=(nylas-workspaces delete --y); COMP_CWORD=2; _nylas__workspaces nylas-workspaces --y delete\n\
         echo \"second: ${{COMPREPLY[*]}}\"\n"
    );
    let (ok, said) = shell_reads("bash", &["-s"], &probe);
    assert!(ok, "{said}");
    assert!(said.contains("first: delete"), "{said}");
    assert!(said.contains("second: --yes"), "{said}");
}

#[test]
fn the_zsh_and_fish_scripts_parse_when_those_shells_exist() {
    for (shell, args) in [
        ("zsh", ["-n", "/dev/stdin"]),
        ("fish", ["-n", "/dev/stdin"]),
    ] {
        let text = script(shell);
        if !installed(shell) {
            eprintln!("{shell} is not installed; only its script's content was checked");
            continue;
        }
        let (ok, said) = shell_reads(shell, &args, &text);
        assert!(ok, "{shell}: {said}");
    }
    let powershell = script("powershell");
    assert!(
        powershell.contains("Register-ArgumentCompleter"),
        "{powershell}"
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error_naming_the_choices() {
    let run = run(bare_cli().args(["completions", "tcsh"])).expect_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(run.stderr.contains(shell), "{}", run.stderr);
    }
}

#[test]
fn completions_need_no_key_and_ignore_a_broken_environment() {
    // A key-less shell with a nonsense API host still installs completions.
    let run = run(bare_cli()
        .env("NYLAS_API_URI", "not a url")
        .args(["completions", "bash"]))
    .expect_code(0);
    assert!(run.stdout.contains("_nylas__workspaces"));
}

#[test]
fn version_prints_the_name_and_the_crate_version() {
    let expected = format!("nylas-workspaces {}\n", env!("CARGO_PKG_VERSION"));
    for flag in ["--version", "-V"] {
        let run = run(bare_cli().arg(flag)).expect_code(0);
        assert_eq!(run.stdout, expected, "{flag}");
        assert!(run.stderr.is_empty(), "{flag}: {}", run.stderr);
    }
}
