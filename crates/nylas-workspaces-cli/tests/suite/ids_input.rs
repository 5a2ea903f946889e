//! Id files and standard input that are not what `assign` expects — an endless device, one
//! enormous line, binary bytes, stdin named twice — end promptly in a usage error that names
//! the file and line, with nothing sent; memory never grows with the junk.

use crate::common;

use common::{Env, Run, run};
use nylas_workspaces_emulator::{NewGrant, Operation};

/// Asserts a usage error naming `file` (and `line`, when given; any line or none otherwise)
/// and that nothing was sent.
fn assert_refused(env: &Env, run: &Run, file: &str, line: Option<usize>) {
    assert_eq!(
        run.code, 2,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let named = match line {
        Some(line) => format!("{file}:{line}: "),
        None => format!("{file}:"),
    };
    assert!(
        run.stderr.contains(&named),
        "wanted {named:?} in {}",
        run.stderr
    );
    assert_eq!(env.emulator.calls(Operation::ManualAssign), 0);
}

#[test]
fn dev_zero_is_refused_at_its_first_line() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let out = env.run(&["assign", &ws, "--grants-file", "/dev/zero"]);
    assert_refused(&env, &out, "/dev/zero", Some(1));
    assert!(out.stderr.contains("NUL byte"), "{}", out.stderr);
    let out = env.run(&["assign", &ws, "--remove-file", "/dev/urandom"]);
    assert_refused(&env, &out, "/dev/urandom", None);
}

#[test]
fn a_one_megabyte_line_is_refused() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let mut contents = b"g-1\n".to_vec();
    contents.extend(std::iter::repeat_n(b'g', 1 << 20));
    let path = env.file("huge.txt", &contents);
    let out = env.run(&["assign", &ws, "--grants-file", &path]);
    assert_refused(&env, &out, &path, Some(2));
    assert!(
        out.stderr.contains("longer than 4096 bytes"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_nul_byte_or_escape_sequence_names_its_line() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let path = env.file("nul.txt", b"g-1\ng-2\n\ng-\x003\n");
    let out = env.run(&["assign", &ws, "--grants-file", &path]);
    assert_refused(&env, &out, &path, Some(4));
    assert!(out.stderr.contains("NUL byte"), "{}", out.stderr);

    let path = env.file("esc.txt", b"g-1\n\x1b]0;pwned\x07\n");
    let out = env.run(&["assign", &ws, "--grants-file", &path]);
    assert_refused(&env, &out, &path, Some(2));
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);

    let path = env.file("latin1.txt", b"g-1\ncaf\xe9\n");
    let out = env.run(&["assign", &ws, "--grants-file", &path]);
    assert_refused(&env, &out, &path, Some(2));
    assert!(out.stderr.contains("not UTF-8"), "{}", out.stderr);
}

#[test]
fn standard_input_can_be_named_only_once() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    for flags in [
        ["--grants-file", "-", "--remove-file", "-"],
        ["--grants-file", "-", "--grants-file", "-"],
    ] {
        let mut args = vec!["assign", ws.as_str()];
        args.extend(flags);
        let out = run(env.cli().args(&args).write_stdin("g-1\n"));
        assert_refused(&env, &out, "<stdin>", None);
        assert!(out.stderr.contains("only once"), "{}", out.stderr);
    }
}

#[test]
fn piped_ids_still_work() {
    let env = Env::new();
    let ws = env.create(&["--name", "Team"]);
    let grant = env
        .emulator
        .add_grant(NewGrant::new("ann@example.org").grant_id("g-ann"))
        .unwrap();
    let out = run(env
        .cli()
        .args(["assign", &ws, "--grants-file", "-", "--json"])
        .write_stdin("\u{feff}grant_id\r\ng-ann\r\n# done\r\ng-ann\r\n"));
    let report = out.expect_code(0).json();
    assert_eq!(report["summary"]["assigned"], 1);
    assert_eq!(env.emulator.grant_workspace(&grant), Some(ws));
}

#[test]
fn an_endless_device_given_as_a_report_is_refused_after_one_read() {
    let env = Env::new();
    let out = env.run(&["assign", "--retry-from", "/dev/zero"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("does not start with a JSON record"),
        "{}",
        out.stderr
    );
    assert_eq!(env.emulator.calls(Operation::ManualAssign), 0);
}
