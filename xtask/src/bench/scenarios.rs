//! The scenarios 1–5: each runs its programs against the server, then turns their raw
//! samples into report rows. The programs time; this module only does arithmetic.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::report::{Fact, Measure, Report, Row, Target};
use super::server::{API_KEY, GRANTS, Server, WORKSPACE};
use super::stats::{Summary, ratio, ratio_to, summarize};
use crate::paths;

/// Injected latency for scenarios 3 and 4, as the issue states.
const LATENCY_MS: u64 = 20;
/// Requests of 500 ids for [`GRANTS`] ids, 8 at a time, 20 ms each: 25 rounds of 20 ms.
const BULK_CONCURRENCY: usize = 8;

/// How much work each scenario does. `quick` is for smoke tests only.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub rust_rounds: usize,
    pub rust_calls: usize,
    pub rust_warmup: usize,
    pub py_rounds: usize,
    pub py_calls: usize,
    pub py_warmup: usize,
    pub threads_rounds: usize,
    pub threads_calls: usize,
    pub async_rounds: usize,
    pub bulk_runs: usize,
    pub bulk_ids: usize,
    pub start_runs: usize,
    pub load_rounds: usize,
    pub load_calls: usize,
}

impl Counts {
    pub fn full() -> Self {
        Self {
            rust_rounds: 30,
            rust_calls: 500,
            rust_warmup: 500,
            py_rounds: 15,
            py_calls: 200,
            py_warmup: 50,
            threads_rounds: 15,
            threads_calls: 10,
            async_rounds: 15,
            bulk_runs: 5,
            bulk_ids: GRANTS,
            start_runs: 30,
            load_rounds: 5,
            load_calls: 10_000,
        }
    }

    pub fn quick() -> Self {
        Self {
            rust_rounds: 3,
            rust_calls: 20,
            rust_warmup: 10,
            py_rounds: 2,
            py_calls: 10,
            py_warmup: 2,
            threads_rounds: 2,
            threads_calls: 2,
            async_rounds: 2,
            bulk_runs: 1,
            bulk_ids: 5_000,
            start_runs: 3,
            load_rounds: 1,
            load_calls: 500,
        }
    }
}

/// What the scenarios run: the server, the Rust driver and the bench virtualenv's Python.
pub struct Programs<'a> {
    pub server: &'a Server,
    pub driver: &'a Path,
    pub python: &'a Path,
    pub counts: Counts,
}

impl Programs<'_> {
    fn driver(&self, scenario: &str) -> Command {
        let mut cmd = Command::new(self.driver);
        cmd.arg(scenario)
            .args(["--url", &self.server.url, "--workspace", WORKSPACE]);
        cmd
    }

    fn python(&self, script: &str) -> Command {
        let mut cmd = Command::new(self.python);
        cmd.arg(bench_dir().join(script)).args([
            "--url",
            &self.server.url,
            "--workspace",
            WORKSPACE,
        ]);
        cmd
    }
}

fn bench_dir() -> PathBuf {
    paths::root().join("bench")
}

/// Runs a program that prints one JSON object as its last line, with the key in its
/// environment only (and no real Nylas key or URL inherited from the caller's).
pub fn run_json(cmd: &mut Command) -> Result<Value, String> {
    let shown = format!("{cmd:?}");
    println!("\n$ {shown}");
    let output = cmd
        .env("BENCH_API_KEY", API_KEY)
        .env_remove("NYLAS_API_KEY")
        .env_remove("NYLAS_API_URI")
        .current_dir(paths::root())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{shown} failed with {}", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    serde_json::from_str(last).map_err(|e| format!("{shown} printed no JSON ({e}): {last:?}"))
}

/// The numbers at `path` in `value` (e.g. `["samples", "httpx"]`).
fn series(value: &Value, path: &[&str]) -> Result<Vec<f64>, String> {
    let mut at = value;
    for key in path {
        at = at
            .get(key)
            .ok_or_else(|| format!("no {path:?} in the program's output"))?;
    }
    at.as_array()
        .ok_or_else(|| format!("{path:?} is not a list"))?
        .iter()
        .map(|v| {
            v.as_f64()
                .ok_or_else(|| format!("{path:?} holds a non-number"))
        })
        .collect()
}

fn number(value: &Value, key: &str) -> Result<f64, String> {
    value
        .get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("no number {key:?} in {value}"))
}

/// A row comparing two series of the same unit, ratio taken round by round.
fn row(
    scenario: &'static str,
    (a, a_samples): (&str, &[f64]),
    (b, b_samples): (&str, &[f64]),
    unit: &'static str,
    ratio_value: Option<Summary>,
    ratio_means: &'static str,
    target: Option<Target>,
) -> Row {
    Row {
        scenario,
        a: a.into(),
        b: b.into(),
        a_median: Measure::of(summarize(a_samples), unit),
        b_median: Measure::of(summarize(b_samples), unit),
        ratio: ratio_value,
        ratio_means,
        target,
    }
}

const FASTER: &str = "B time ÷ A time (how many times faster A is)";

/// Scenario 1: the Rust SDK's `get` against a hand-written reqwest + serde_json call.
pub fn rust_overhead(p: &Programs, report: &mut Report) -> Result<(), String> {
    p.server.set_latency_ms(0)?;
    let c = p.counts;
    let raw = run_json(p.driver("overhead").args([
        "--rounds",
        &c.rust_rounds.to_string(),
        "--calls",
        &c.rust_calls.to_string(),
        "--warmup",
        &c.rust_warmup.to_string(),
    ]))?;
    let (a, b) = (series(&raw, &["a"])?, series(&raw, &["b"])?);
    let r = ratio(&a, &b);
    report.rows.push(row(
        "1. Rust call overhead (sequential get, no added latency)",
        ("`nylas_workspaces::Client::get_workspace`", &a),
        (
            "`reqwest` + `serde_json` into the same wire type, same connection reuse",
            &b,
        ),
        "µs/call",
        r,
        "A time ÷ B time",
        Target::at_most(r, 1.05),
    ));
    report.raw.insert("1_rust_overhead".into(), raw);
    Ok(())
}

/// Scenario 2: one `get` from Python through ours, the official SDK, httpx and requests, and
/// the raw-socket floor.
pub fn python_overhead(p: &Programs, report: &mut Report) -> Result<(), String> {
    p.server.set_latency_ms(0)?;
    let c = p.counts;
    let raw = run_json(p.python("py_overhead.py").args([
        "--rounds",
        &c.py_rounds.to_string(),
        "--calls",
        &c.py_calls.to_string(),
        "--warmup",
        &c.py_warmup.to_string(),
    ]))?;
    let ours = series(&raw, &["samples", "nylas_workspaces"])?;
    let version = |name: &str| {
        raw.pointer(&format!("/versions/{name}"))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    for (key, label, bound) in [
        (
            "nylas",
            format!("official `nylas` {} `workspaces.find`", version("nylas")),
            3.0,
        ),
        (
            "httpx",
            format!("`httpx.Client` {} + `json`", version("httpx")),
            1.5,
        ),
        (
            "requests",
            format!("`requests.Session` {} + `json`", version("requests")),
            1.5,
        ),
    ] {
        let theirs = series(&raw, &["samples", key])?;
        let r = ratio(&theirs, &ours);
        report.rows.push(row(
            "2. Python call overhead (sequential get, no added latency)",
            ("`nylas_workspaces.Client().workspaces.get`", &ours),
            (&label, &theirs),
            "µs/call",
            r,
            FASTER,
            Target::at_least(r, bound),
        ));
    }
    let floor = series(&raw, &["samples", "raw_socket"])?;
    report.rows.push(floor_row(&ours, &floor));
    report.raw.insert("2_python_overhead".into(), raw);
    Ok(())
}

/// How far the sync call may sit above the raw-socket floor (issue 13).
const FLOOR_BOUND: f64 = 1.3;

/// Scenario 2's floor row: our sync `get` against the raw keep-alive socket loop, as our time
/// over the floor's, round by round, judged against [`FLOOR_BOUND`].
fn floor_row(ours: &[f64], floor: &[f64]) -> Row {
    let r = ratio(ours, floor);
    row(
        "2. Python call overhead (sequential get, no added latency)",
        ("`nylas_workspaces.Client().workspaces.get`", ours),
        (
            "floor: raw keep-alive socket (`TCP_NODELAY`), same request bytes, \
             `Content-Length` body, `json.loads`",
            floor,
        ),
        "µs/call",
        r,
        "A time ÷ B time (how far above the floor)",
        Target::at_most(r, FLOOR_BOUND),
    )
}

/// Scenario 3: 8 threads against 1, and 100 concurrent async calls, at 20 ms latency.
pub fn python_concurrency(p: &Programs, report: &mut Report) -> Result<(), String> {
    p.server.set_latency_ms(LATENCY_MS)?;
    let c = p.counts;
    let threads = run_json(p.python("py_concurrency.py").args([
        "threads",
        "--rounds",
        &c.threads_rounds.to_string(),
        "--calls",
        &c.threads_calls.to_string(),
        "--warmup",
        "1",
    ]))?;
    let (eight, one) = (
        series(&threads, &["samples", "threads_8"])?,
        series(&threads, &["samples", "threads_1"])?,
    );
    let r = ratio(&eight, &one);
    report.rows.push(row(
        "3. Python threads (get, 20 ms latency)",
        ("8 threads sharing one `nylas_workspaces.Client`", &eight),
        ("1 thread", &one),
        "req/s",
        r,
        "A throughput ÷ B throughput",
        Target::at_least(r, 6.0),
    ));
    report.raw.insert("3_python_threads".into(), threads);

    let batched = run_json(p.python("py_concurrency.py").args([
        "async",
        "--rounds",
        &c.async_rounds.to_string(),
        "--warmup",
        "2",
        "--batch",
        "100",
    ]))?;
    let (ours, hx) = (
        series(&batched, &["samples", "nylas_workspaces"])?,
        series(&batched, &["samples", "httpx"])?,
    );
    report.rows.push(row(
        "3. Python asyncio (100 concurrent gets, 20 ms latency)",
        ("`nylas_workspaces.AsyncClient`", &ours),
        ("`httpx.AsyncClient` (pool of 100 kept alive)", &hx),
        "ms/batch",
        ratio(&hx, &ours),
        FASTER,
        None,
    ));
    report.raw.insert("3_python_async".into(), batched);
    p.server.set_latency_ms(0)
}

/// One way of moving the grants in scenario 4.
struct BulkVariant {
    key: &'static str,
    label: &'static str,
    /// `bench_driver bulk`/`bulk-raw` arguments, or `py_bulk.py` arguments.
    rust: bool,
    args: &'static [&'static str],
}

const BULK_VARIANTS: [BulkVariant; 6] = [
    BulkVariant {
        key: "rust_raw",
        label: "hand-written reqwest + serde_json, same chunks, 8 in flight (no SDK)",
        rust: true,
        args: &["bulk-raw"],
    },
    BulkVariant {
        key: "rust_unpaced",
        label: "Rust `manual_assign_with`, pacing off",
        rust: true,
        args: &["bulk", "--pacing", "off"],
    },
    BulkVariant {
        key: "rust_default",
        label: "Rust `manual_assign_with`, default pacing",
        rust: true,
        args: &["bulk"],
    },
    BulkVariant {
        key: "python_unpaced",
        label: "Python `workspaces.manual_assign`, `rate_limit` lifted",
        rust: false,
        args: &["ours_unpaced"],
    },
    BulkVariant {
        key: "python_default",
        label: "Python `workspaces.manual_assign`, default pacing",
        rust: false,
        args: &["ours"],
    },
    BulkVariant {
        key: "python_official",
        label: "official `nylas`: the same chunks of 500, one after another",
        rust: false,
        args: &["official"],
    },
];

/// Scenario 4: [`GRANTS`] ids at 20 ms latency, concurrency 8, one process per run so each
/// run's peak memory is its own. Runs are interleaved across the variants.
pub fn bulk(p: &Programs, report: &mut Report) -> Result<(), String> {
    p.server.set_latency_ms(LATENCY_MS)?;
    let c = p.counts;
    let ids = c.bulk_ids.to_string();
    let conc = BULK_CONCURRENCY.to_string();
    // 500 ids per request, `conc` requests at a time, 20 ms each.
    let rounds = c.bulk_ids.div_ceil(500).div_ceil(BULK_CONCURRENCY);
    let ideal = rounds as f64 * LATENCY_MS as f64 / 1000.0;
    let command = |v: &BulkVariant| {
        let mut cmd = if v.rust {
            let mut cmd = Command::new(p.driver);
            cmd.args(v.args)
                .args(["--url", &p.server.url, "--workspace", WORKSPACE]);
            cmd
        } else {
            let mut cmd = p.python("py_bulk.py");
            cmd.args(v.args);
            cmd
        };
        cmd.args(["--ids", &ids, "--concurrency", &conc]);
        cmd
    };
    let mut runs: Vec<Vec<Value>> = vec![Vec::new(); BULK_VARIANTS.len()];
    for run in 0..c.bulk_runs {
        // The order rotates from run to run, so no variant always goes first.
        for k in 0..BULK_VARIANTS.len() {
            let i = (k + run) % BULK_VARIANTS.len();
            let variant = &BULK_VARIANTS[i];
            let out = run_json(&mut command(variant))?;
            let assigned = number(&out, "assigned")? as usize;
            if assigned != c.bulk_ids {
                return Err(format!(
                    "{}: a bulk run assigned {assigned} of {} grants",
                    variant.key, c.bulk_ids
                ));
            }
            runs[i].push(out);
        }
    }
    let field = |i: usize, key: &str| -> Result<Vec<f64>, String> {
        runs[i].iter().map(|run| number(run, key)).collect()
    };
    let seconds: Vec<Vec<f64>> = (0..BULK_VARIANTS.len())
        .map(|i| field(i, "seconds"))
        .collect::<Result<_, _>>()?;
    let at = |key: &str| BULK_VARIANTS.iter().position(|v| v.key == key).unwrap_or(0);
    let ideal_label = format!("ideal: {rounds} rounds × {LATENCY_MS} ms");
    let ideal_series = vec![ideal; c.bulk_runs];
    let scenario = "4. Bulk manual-assign (20 ms latency, concurrency 8)";
    let n = c.bulk_ids;
    let vs_ideal = |key: &str, target: bool| {
        let i = at(key);
        let r = ratio_to(&seconds[i], ideal);
        row(
            scenario,
            (&format!("{}, {n} ids", BULK_VARIANTS[i].label), &seconds[i]),
            (&ideal_label, &ideal_series),
            "s",
            r,
            "A time ÷ ideal",
            if target {
                Target::at_most(r, 1.3)
            } else {
                None
            },
        )
    };
    let versus = |a: &str, b: &str, means: &'static str| {
        let (i, j) = (at(a), at(b));
        let r = if means == FASTER {
            ratio(&seconds[j], &seconds[i])
        } else {
            ratio(&seconds[i], &seconds[j])
        };
        row(
            scenario,
            (BULK_VARIANTS[i].label, &seconds[i]),
            (BULK_VARIANTS[j].label, &seconds[j]),
            "s",
            r,
            means,
            None,
        )
    };
    report.rows.push(vs_ideal("rust_unpaced", true));
    report.rows.push(vs_ideal("python_unpaced", true));
    report.rows.push(vs_ideal("rust_raw", false));
    report
        .rows
        .push(versus("rust_unpaced", "rust_raw", "A time ÷ B time"));
    report.rows.push(vs_ideal("rust_default", false));
    report.rows.push(vs_ideal("python_default", false));
    report
        .rows
        .push(versus("python_default", "python_official", FASTER));
    report
        .rows
        .push(versus("python_unpaced", "python_official", FASTER));
    for (i, variant) in BULK_VARIANTS.iter().enumerate() {
        let peak = summarize(&field(i, "peak_rss_kib")?);
        let before = summarize(&field(i, "rss_before_kib")?);
        if let (Some(peak), Some(before)) = (peak, before) {
            report.facts.push(Fact {
                scenario: "4. Bulk: peak memory of the process",
                what: variant.label.into(),
                value: format!(
                    "{:.1} MiB peak RSS (median of {}; {:.1} MiB before the call)",
                    peak.median / 1024.0,
                    peak.n,
                    before.median / 1024.0
                ),
            });
        }
    }
    let raw: serde_json::Map<String, Value> = BULK_VARIANTS
        .iter()
        .zip(runs)
        .map(|(v, runs)| (v.key.to_owned(), Value::Array(runs)))
        .collect();
    report.raw.insert("4_bulk".into(), Value::Object(raw));
    p.server.set_latency_ms(0)
}

/// Scenario 5: how fast the emulator starts in-process, and how many `get`s per second it
/// serves to a second process.
pub fn emulator(p: &Programs, report: &mut Report) -> Result<(), String> {
    p.server.set_latency_ms(0)?;
    let c = p.counts;
    let mut start = Command::new(p.driver);
    start.args(["startup", "--runs", &c.start_runs.to_string()]);
    let started = run_json(&mut start)?;
    let rust_ms = series(&started, &["a"])?;
    let mut py_start = Command::new(p.python);
    py_start
        .arg(bench_dir().join("py_startup.py"))
        .args(["--runs", &c.start_runs.to_string()]);
    let py = run_json(&mut py_start)?;
    let py_ms = series(&py, &["a"])?;
    let budget = vec![50.0; c.start_runs];
    for (label, samples) in [
        ("`Emulator::start_blocking` (Rust, in-process)", &rust_ms),
        (
            "`nylas_workspaces.testing.Emulator()` (Python, in-process)",
            &py_ms,
        ),
    ] {
        let r = ratio_to(samples, 50.0);
        report.rows.push(row(
            "5. Emulator start-up",
            (label, samples),
            ("budget: 50 ms", &budget),
            "ms",
            r,
            "A time ÷ 50 ms",
            Target::at_most(r, 1.0),
        ));
    }
    let load = run_json(p.driver("throughput").args([
        "--rounds",
        &c.load_rounds.to_string(),
        "--calls",
        &c.load_calls.to_string(),
        "--concurrency",
        "16",
    ]))?;
    if let Some(s) = summarize(&series(&load, &["a"])?) {
        report.facts.push(Fact {
            scenario: "5. Emulator sustained load",
            what: "`get` requests/s served to a second process (Rust SDK, 16 in flight, \
                   both processes on the same 2 cores)"
                .into(),
            value: format!(
                "{:.0} req/s median (min–max {:.0}–{:.0}, {} rounds of {} requests)",
                s.median, s.min, s.max, s.n, c.load_calls
            ),
        });
    }
    report.raw.insert(
        "5_emulator".into(),
        serde_json::json!({"rust_start": started, "python_start": py, "load": load}),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The floor row divides our time by the floor's round by round, so a round where the
    /// machine slowed both alike leaves the ratio alone, and the verdict follows the median.
    #[test]
    fn the_floor_row_is_ours_over_the_floor_against_1_3() {
        let ours = [120.0, 240.0, 130.0];
        let floor = [100.0, 200.0, 100.0];
        let row = floor_row(&ours, &floor);
        let r = row.ratio.unwrap();
        assert!((r.median - 1.2).abs() < 1e-12, "{r:?}");
        assert!((r.max - 1.3).abs() < 1e-12, "{r:?}");
        let target = row.target.unwrap();
        assert_eq!(target.text, "≤ 1.3×");
        assert!(target.met);
        assert!(row.b.starts_with("floor: raw keep-alive socket"));

        let slow = floor_row(&[140.0, 150.0], &[100.0, 100.0]);
        assert!(!slow.target.unwrap().met);
    }
}
