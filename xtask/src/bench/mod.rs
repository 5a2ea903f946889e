//! `cargo xtask bench`: measures nylas-workspaces side by side with what users would use
//! instead, on this machine, and writes `bench/REPORT.md` and `bench/report.json`.
//!
//! One loopback server (the standalone emulator, see [`server`]); every comparison
//! interleaved after a warm-up; medians of per-round ratios with their min–max ([`stats`]).
//! A step that fails is listed in the report and the others still run, so one broken piece
//! does not hide the rest; the command then exits non-zero.
//!
//! Not part of `cargo xtask test`: timings are never pass/fail in tests.

mod build_cost;
mod listing;
mod micro;
mod pacing;
mod report;
mod scenarios;
mod server;
mod setup;
mod stats;

use std::path::{Path, PathBuf};
use std::process::Command;

use report::Report;
use scenarios::{Counts, Programs};

use crate::paths;

/// The unpublished workspace member (`bench/driver`) that holds the Rust measurement
/// programs, `bench_driver` and `pacing_bench`.
const BENCH_PACKAGE: &str = "nylas-workspaces-bench";

const OPTIONS: &str =
    "options: --quick --skip-build-cost --skip-micro --pacing-json FILE --out DIR";

/// What the command line asked for.
#[derive(Debug, Default)]
struct Options {
    quick: bool,
    skip_build_cost: bool,
    skip_micro: bool,
    pacing_json: Option<PathBuf>,
    out: Option<PathBuf>,
}

fn parse(args: &[&str]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--quick" => options.quick = true,
            "--skip-build-cost" => options.skip_build_cost = true,
            "--skip-micro" => options.skip_micro = true,
            "--pacing-json" => {
                options.pacing_json = Some(it.next().ok_or("--pacing-json needs a file")?.into())
            }
            "--out" => options.out = Some(it.next().ok_or("--out needs a directory")?.into()),
            other => return Err(format!("unknown bench option {other:?} ({OPTIONS})")),
        }
    }
    Ok(options)
}

pub fn run(args: &[&str]) -> Result<(), String> {
    let options = parse(args)?;
    let root = paths::root();
    let out = options.out.clone().unwrap_or_else(|| {
        if options.quick {
            root.join("target/bench/quick")
        } else {
            root.join("bench")
        }
    });
    let mut report = Report {
        generated_at_utc: utc_now(),
        quick: options.quick,
        ..Default::default()
    };
    report
        .machine
        .push(("load average before".into(), load_average()));

    let (emulator, driver) = setup::build_binaries()?;
    let wheel = setup::build_wheel()?;
    let python = setup::bench_venv(&wheel)?;
    machine_facts(&mut report, &python);
    build_cost::wheel_size(&wheel, &mut report).unwrap_or_else(|e| report.errors.push(e));

    let seed = root.join("target/bench/seed.json");
    server::write_seed(&seed)?;
    {
        let server = server::Server::start(&emulator, &seed)?;
        let programs = Programs {
            server: &server,
            driver: &driver,
            python: &python,
            counts: if options.quick {
                Counts::quick()
            } else {
                Counts::full()
            },
        };
        type Step = fn(&Programs, &mut Report) -> Result<(), String>;
        let steps: [(&str, Step); 5] = [
            ("scenario 1", scenarios::rust_overhead),
            ("scenario 2", scenarios::python_overhead),
            ("scenario 3", scenarios::python_concurrency),
            ("scenario 4", scenarios::bulk),
            ("scenario 5", scenarios::emulator),
        ];
        for (name, step) in steps {
            if let Err(e) = step(&programs, &mut report) {
                eprintln!("xtask bench: {name} failed: {e}");
                report.errors.push(format!("{name}: {e}"));
            }
        }
    }
    if !options.skip_micro {
        match micro::run(options.quick) {
            Ok(found) => report.micro = found,
            Err(e) => report.errors.push(format!("micro-benchmarks: {e}")),
        }
    }
    if !options.skip_build_cost
        && let Err(e) = build_cost::builds(&mut report)
    {
        report.errors.push(format!("scenario 6: {e}"));
    }
    report.pacing = pacing(&options, &mut report);
    if let Err(e) = listing::run(options.quick, &mut report) {
        eprintln!("xtask bench: scenario 7 failed: {e}");
        report.errors.push(format!("scenario 7: {e}"));
    }
    report
        .machine
        .push(("load average after".into(), load_average()));

    write(&out, &report)?;
    if report.errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} step(s) failed; see the report in {}",
            report.errors.len(),
            out.display()
        ))
    }
}

/// Writes `REPORT.md` (with `bench/NOTES.md` appended) and `report.json` into `out`.
fn write(out: &Path, report: &Report) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let notes = std::fs::read_to_string(paths::root().join("bench/NOTES.md")).unwrap_or_default();
    let md = out.join("REPORT.md");
    std::fs::write(&md, report.to_markdown(&notes))
        .map_err(|e| format!("{}: {e}", md.display()))?;
    let json = out.join("report.json");
    std::fs::write(&json, report.to_json() + "\n")
        .map_err(|e| format!("{}: {e}", json.display()))?;
    println!("\nwrote {} and {}", md.display(), json.display());
    Ok(())
}

/// The pacing measurement of issue 9: the file given with `--pacing-json`, else a fresh run
/// of its program when it exists.
fn pacing(options: &Options, report: &mut Report) -> Option<serde_json::Value> {
    let found = match &options.pacing_json {
        Some(path) => pacing::read(path).map(Some),
        None => pacing::run(options.quick),
    };
    found.unwrap_or_else(|e| {
        report.errors.push(format!("pacing measurement: {e}"));
        None
    })
}

fn machine_facts(report: &mut Report, python: &Path) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    report
        .machine
        .push(("cores".into(), format!("{cores} (shared with other work)")));
    for (what, program, args) in [
        ("rustc", Path::new("rustc"), &["-V"][..]),
        ("python (bench venv)", python, &["-V"][..]),
    ] {
        report
            .machine
            .push((what.into(), command_line(program, args)));
    }
}

/// The first line a command prints, or `?`.
fn command_line(program: &Path, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("?")
                .to_owned()
        })
        .unwrap_or_else(|| "?".into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn utc_now() -> String {
    command_line(Path::new("date"), &["-u", "+%Y-%m-%d %H:%M"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_parsed_and_unknown_ones_refused() {
        let o = parse(&["--quick", "--skip-build-cost", "--out", "x"]).unwrap();
        assert!(o.quick && o.skip_build_cost && !o.skip_micro);
        assert_eq!(o.out, Some(PathBuf::from("x")));
        assert!(parse(&["--out"]).unwrap_err().contains("needs a directory"));
        assert!(
            parse(&["--fast"])
                .unwrap_err()
                .contains("unknown bench option")
        );
    }
}
