//! `nylas-workspaces emulator` serves the API for another process, here the CLI itself.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{bare_cli, run};

/// Kills the served emulator even when an assertion fails.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_served_emulator_answers_the_cli() {
    let seed = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("emulator-seed-{}.json", std::process::id()));
    std::fs::write(
        &seed,
        r#"{"workspaces": [{"name": "Seeded", "domain": "seeded.example"}]}"#,
    )
    .unwrap();
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("nylas-workspaces"));
    command
        .args(["emulator", "--port", "0", "--json", "--seed"])
        .arg(&seed)
        .env_remove("NYLAS_EMULATOR_API_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut served = Served(command.spawn().unwrap());
    let mut first_line = String::new();
    BufReader::new(served.0.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let started: serde_json::Value = serde_json::from_str(&first_line).unwrap();
    let url = started["url"].as_str().unwrap();

    let list = run(bare_cli()
        .env("NYLAS_API_URI", url)
        .env("NYLAS_API_KEY", nylas_workspaces_emulator::DEFAULT_API_KEY)
        .args(["list", "--json"]))
    .expect_code(0)
    .json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Seeded"), "{names:?}");
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn a_bad_seed_file_is_a_usage_error() {
    let run =
        run(bare_cli().args(["emulator", "--seed", "/definitely/not/here.json"])).expect_code(2);
    assert!(run.stderr.contains("here.json"), "{}", run.stderr);
}
