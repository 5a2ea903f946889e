//! `cargo xtask test`: the one command that runs every check, locally and in CI.

use std::process::Command;
use std::time::Instant;

use crate::{generate, paths, python, release, schemathesis, venv};

/// Runs a command from the repository root, failing with its name when it fails.
pub fn run_cmd(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    println!("\n$ {shown}");
    let status = cmd
        .current_dir(paths::root())
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub fn test_all() -> Result<(), String> {
    let started = Instant::now();
    let mut steps: Vec<(&str, f64)> = Vec::new();
    let mut step = |name: &'static str, f: &mut dyn FnMut() -> Result<(), String>| {
        let t = Instant::now();
        println!("\n=== {name}");
        let r = f();
        steps.push((name, t.elapsed().as_secs_f64()));
        r.map_err(|e| format!("{name}: {e}"))
    };

    step("generated code matches the spec", &mut || {
        generate::run(generate::Mode::Check)
    })?;
    step("rustfmt", &mut || {
        run_cmd(cargo().args(["fmt", "--all", "--check"]))
    })?;
    step("python tools in .venv", &mut || venv::ensure().map(|_| ()))?;
    step("spec validation (openapi-spec-validator)", &mut || {
        run_cmd(
            Command::new(venv::python())
                .args(["-m", "openapi_spec_validator"])
                .arg(paths::spec()),
        )
    })?;
    step("clippy -D warnings", &mut || {
        run_cmd(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("cargo doc -D warnings (library crates)", &mut || {
        run_cmd(
            cargo()
                .args(["doc", "--workspace", "--no-deps", "--quiet"])
                .args(["--exclude", "xtask", "--exclude", "nylas-workspaces-python"])
                .args([
                    "--exclude",
                    "nylas-workspaces-e2e",
                    "--exclude",
                    "nylas-workspaces-bench",
                ])
                .env("RUSTDOCFLAGS", "-D warnings"),
        )
    })?;
    step("cargo test", &mut || {
        run_cmd(cargo().args(["test", "--workspace"]))
    })?;
    step(
        "Rust examples run against the embedded emulator",
        &mut || {
            // Built with the workspace's features, as `cargo test` built them (a `cargo run -p`
            // would resolve features for one package and rebuild tokio and friends).
            run_cmd(cargo().args(["build", "--workspace", "--examples", "--quiet"]))?;
            for example in ["quickstart", "bulk_from_csv", "errors"] {
                run_cmd(
                    Command::new(paths::target_dir().join("debug/examples").join(example))
                        .env_remove("NYLAS_API_KEY")
                        .env_remove("NYLAS_API_URI"),
                )?;
            }
            Ok(())
        },
    )?;
    step(
        "schemathesis against the standalone emulator",
        &mut schemathesis::run,
    )?;
    let mut wheel = std::path::PathBuf::new();
    step(
        "python: build the wheel and install it into .venv",
        &mut || {
            wheel = python::build_dev_wheel()?;
            python::install(&wheel)
        },
    )?;
    step("python: pytest", &mut || python::pytest(&wheel))?;
    step(
        "python: stubtest and mypy --strict",
        &mut python::type_checks,
    )?;
    step(
        "release-check: cargo package, sdist in a fresh venv, twine, actionlint",
        &mut || release::check(&wheel),
    )?;

    println!("\n=== timings");
    for (name, secs) in &steps {
        println!("{secs:>8.1}s  {name}");
    }
    println!("{:>8.1}s  total", started.elapsed().as_secs_f64());
    Ok(())
}
