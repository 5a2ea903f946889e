//! Measures client-side pacing against the emulator's per-application limit (issue 9).
//!
//! The emulator runs in this process with its token bucket on (default 50 requests per second,
//! burst 50, whole-second `Retry-After`, like Nylas), and a bulk manual assignment of
//! `--grants` grants (default 100,000: 200 requests of 500) is run in three scenarios:
//!
//! * **a** — one client with the adaptive limiter starting at `--start-rate` (default 200/s).
//! * **b** — one client with pacing off (only retries), for comparison.
//! * **c** — four clients in four processes (this program re-run with `--worker`), each
//!   adaptive from `--start-rate`, each assigning a quarter of the grants to its own workspace.
//!
//! Every scenario starts from a fresh emulator and ends by reading every grant's workspace
//! back from the emulator's state. The numbers are printed, and written as JSON with
//! `--json OUT`. Nothing here is a pass/fail test: the report says whether each target of the
//! issue was met.
//!
//! ```text
//! cargo build --release -p nylas-workspaces-bench --bin pacing_bench
//! target/release/pacing_bench [--grants N] [--scenarios a,b,c] [--json OUT]
//!     [--limit 50] [--burst 50] [--start-rate 200] [--concurrency 4]
//! ```
//!
//! At the issue's 100,000 grants a run is only 200 requests: about four seconds at the limit,
//! a quarter of which the server's initial burst covers, and all of it inside the first five
//! seconds that the 429 target leaves out. `--grants 1000000` (2,000 requests, about 40 s per
//! scenario) measures the steady state.
//!
//! Requests that a scenario's client gives up on (retries or retry budget spent) are sent
//! again from the outcome's `retry_request()` until every grant is placed; the number of such
//! rounds is reported.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nylas_workspaces::{
    Client, Error, ManualAssign, ManualAssignOptions, ManualAssignOutcome, RateLimit,
};
use nylas_workspaces_emulator::{
    Emulator, EmulatorConfig, NewGrant, NewWorkspace, Operation, RateLimit as ServerLimit,
};
use serde_json::{Value, json};

type Res<T> = Result<T, String>;

/// Rounds of re-sending what a bulk call could not place, before the run is declared failed.
const MAX_ROUNDS: usize = 50;
/// The window the issue excludes from the 429 count while the adaptive rate converges.
const WARMUP_SECS: f64 = 5.0;

fn main() {
    if let Err(message) = run() {
        eprintln!("pacing_bench: {message}");
        std::process::exit(2);
    }
}

fn run() -> Res<()> {
    let opts = Opts::parse(std::env::args().skip(1))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    if opts.flag("worker") {
        let result = runtime.block_on(worker(&opts))?;
        println!("{result}");
        return Ok(());
    }
    let settings = Settings::from(&opts)?;
    let mut scenarios = serde_json::Map::new();
    for name in opts.text_or("scenarios", "a,b,c").split(',') {
        let result = match name.trim() {
            "a" => runtime.block_on(single_client(&settings, true))?,
            "b" => runtime.block_on(single_client(&settings, false))?,
            "c" => four_processes(&settings)?,
            other => return Err(format!("unknown scenario {other:?} (a, b or c)")),
        };
        eprintln!(
            "{name}: {}",
            serde_json::to_string_pretty(&result).unwrap_or_default()
        );
        scenarios.insert(name.trim().to_owned(), result);
    }
    let report = json!({
        "program": "pacing_bench",
        "grants": settings.grants,
        "requests_needed": settings.grants.div_ceil(500),
        "server_limit": {"per_second": settings.limit, "burst": settings.burst},
        "start_rate": settings.start_rate,
        "concurrency": settings.concurrency,
        "scenarios": scenarios,
    });
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    match opts.0.get("json") {
        Some(path) => std::fs::write(path, text + "\n").map_err(|e| format!("{path}: {e}"))?,
        None => println!("{text}"),
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
struct Settings {
    grants: usize,
    limit: f64,
    burst: u32,
    start_rate: f64,
    concurrency: usize,
}

impl Settings {
    fn from(opts: &Opts) -> Res<Self> {
        let settings = Self {
            grants: opts.number("grants", 100_000.0)? as usize,
            limit: opts.number("limit", 50.0)?,
            burst: opts.number("burst", 50.0)? as u32,
            start_rate: opts.number("start-rate", 200.0)?,
            concurrency: opts.number("concurrency", 4.0)? as usize,
        };
        if settings.grants == 0 || settings.concurrency == 0 {
            return Err("--grants and --concurrency must be at least 1".into());
        }
        Ok(settings)
    }

    fn emulator(&self) -> Res<Emulator> {
        Emulator::start_blocking(EmulatorConfig::new().rate_limit(ServerLimit {
            per_second: self.limit,
            burst: self.burst,
        }))
        .map_err(|e| e.to_string())
    }
}

fn grant_ids(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}-{i:07}")).collect()
}

/// Adds the grants (placed in the default workspace) and a target workspace for them.
fn seed(emulator: &Emulator, name: &str, ids: &[String]) -> Res<String> {
    for id in ids {
        emulator
            .add_grant(NewGrant::new(format!("{id}@bench.example.com")).grant_id(id.clone()))
            .map_err(|e| e.to_string())?;
    }
    emulator
        .add_workspace(NewWorkspace::new(name))
        .map_err(|e| e.to_string())
}

/// How many of `ids` are not in `workspace`, read from the emulator's state.
fn misplaced(emulator: &Emulator, workspace: &str, ids: &[String]) -> usize {
    ids.iter()
        .filter(|id| emulator.grant_workspace(id).as_deref() != Some(workspace))
        .count()
}

/// Successful chunk requests, counted from progress callbacks.
#[derive(Default)]
struct Successes {
    ok: AtomicU64,
    failed_grants: AtomicUsize,
}

/// Assigns `ids` to `workspace`, re-sending what did not go through until all is placed.
/// Returns the number of rounds.
async fn assign_all(
    client: &Client,
    workspace: &str,
    ids: Vec<String>,
    options: ManualAssignOptions,
    successes: Arc<Successes>,
) -> Res<usize> {
    let mut request = ManualAssign::new().assign(ids);
    for round in 1..=MAX_ROUNDS {
        successes.failed_grants.store(0, Ordering::SeqCst);
        let seen = Arc::clone(&successes);
        let options = options.clone().on_progress(move |p| {
            // A chunk that failed raises `grants_failed`; one that succeeded does not.
            if seen.failed_grants.swap(p.grants_failed, Ordering::SeqCst) == p.grants_failed {
                seen.ok.fetch_add(1, Ordering::SeqCst);
            }
        });
        match client.manual_assign_with(workspace, request, options).await {
            Ok(_) => return Ok(round),
            Err(Error::BulkPartial(outcome)) => {
                request = pending(&outcome)?;
            }
            Err(other) => return Err(format!("bulk assignment failed: {other}")),
        }
    }
    Err(format!("grants still unplaced after {MAX_ROUNDS} rounds"))
}

fn pending(outcome: &ManualAssignOutcome) -> Res<ManualAssign> {
    outcome
        .retry_request()
        .ok_or_else(|| "a partial failure with nothing to retry".to_owned())
}

/// Samples the emulator's request count and the successes every 50 ms, on its own thread.
struct Timeline {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<Vec<(f64, u64, u64)>>>,
}

impl Timeline {
    fn start(emulator: Arc<Emulator>, successes: Arc<Successes>, started: Instant) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !flag.load(Ordering::SeqCst) {
                samples.push((
                    started.elapsed().as_secs_f64(),
                    emulator.calls(Operation::ManualAssign),
                    successes.ok.load(Ordering::SeqCst),
                ));
                std::thread::sleep(Duration::from_millis(50));
            }
            samples
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> Vec<(f64, u64, u64)> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}

/// Scenario a (adaptive) or b (no pacing): one client, one process.
async fn single_client(settings: &Settings, adaptive: bool) -> Res<Value> {
    let emulator = Arc::new(settings.emulator()?);
    let ids = grant_ids("g", settings.grants);
    let workspace = seed(&emulator, "Bulk", &ids)?;
    let mut builder = Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url());
    let options = ManualAssignOptions::new().concurrency(settings.concurrency);
    let options = if adaptive {
        builder = builder.rate_limit(RateLimit::adaptive(settings.start_rate));
        options
    } else {
        builder = builder.bulk_rate_limit(None);
        options.pacing(false)
    };
    let client = builder.build().map_err(|e| e.to_string())?;

    let successes = Arc::new(Successes::default());
    let started = Instant::now();
    let timeline = Timeline::start(Arc::clone(&emulator), Arc::clone(&successes), started);
    let rounds = assign_all(
        &client,
        &workspace,
        ids.clone(),
        options,
        Arc::clone(&successes),
    )
    .await?;
    let elapsed = started.elapsed().as_secs_f64();
    let samples = timeline.finish();

    let sent = emulator.calls(Operation::ManualAssign);
    let ok = successes.ok.load(Ordering::SeqCst);
    let throttled = sent.saturating_sub(ok);
    let throughput = ok as f64 / elapsed;
    let (after_sent, after_ok) = match samples.iter().find(|s| s.0 >= WARMUP_SECS) {
        Some(&(_, calls, done)) => (sent - calls, ok - done),
        None => (0, 0),
    };
    let after_throttled = after_sent.saturating_sub(after_ok);
    let after_pct = percent(after_throttled as f64, after_sent as f64);
    let wrong = misplaced(&emulator, &workspace, &ids);
    let mut result = json!({
        "client": if adaptive { "adaptive limiter" } else { "no pacing" },
        "elapsed_s": round3(elapsed),
        "requests_sent": sent,
        "requests_ok": ok,
        "responses_429": throttled,
        "responses_429_pct": round3(percent(throttled as f64, sent as f64)),
        "throughput_rps": round3(throughput),
        "throughput_pct_of_limit": round3(percent(throughput, settings.limit)),
        "after_first_5s": {
            "requests_sent": after_sent,
            "responses_429": after_throttled,
            "responses_429_pct": round3(after_pct),
        },
        "rounds": rounds,
        "grants_misplaced": wrong,
    });
    if let Some(limiter) = client.rate_limiter() {
        let stats = limiter.stats();
        result["limiter"] = json!({
            "final_rate_rps": round3(stats.current_rate),
            "rate_cuts": stats.rate_cuts,
        });
    }
    if adaptive {
        result["targets"] = json!({
            "throughput_ge_90pct_of_limit": percent(throughput, settings.limit) >= 90.0,
            "responses_429_after_5s_le_2pct": after_pct <= 2.0,
            "every_grant_placed": wrong == 0,
            "note_5s_window": if elapsed <= WARMUP_SECS {
                "the run ended within the first 5 s, so the after-5 s window is empty"
            } else {
                ""
            },
        });
    } else {
        result["wasted_requests"] = json!(throttled);
        result["targets"] = json!({"every_grant_placed": wrong == 0});
    }
    Ok(result)
}

/// Scenario c: four worker processes share the emulator's limit.
fn four_processes(settings: &Settings) -> Res<Value> {
    const CLIENTS: usize = 4;
    let emulator = settings.emulator()?;
    let per_client = settings.grants.div_ceil(CLIENTS);
    let mut plans = Vec::new();
    for k in 0..CLIENTS {
        let ids = grant_ids(&format!("c{k}"), per_client);
        let workspace = seed(&emulator, &format!("Client {k}"), &ids)?;
        plans.push((k, workspace, ids));
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let children = plans
        .iter()
        .map(|(k, workspace, _)| {
            Command::new(&exe)
                .args([
                    "--worker",
                    "--url",
                    emulator.url(),
                    "--workspace",
                    workspace,
                ])
                .args([
                    "--prefix",
                    &format!("c{k}"),
                    "--count",
                    &per_client.to_string(),
                ])
                .args(["--start-rate", &settings.start_rate.to_string()])
                .args(["--concurrency", &settings.concurrency.to_string()])
                // The key travels in the environment, not on the command line.
                .env("NYLAS_API_KEY", emulator.api_key())
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start a worker: {e}"))
        })
        .collect::<Res<Vec<_>>>()?;
    let mut clients = Vec::new();
    for child in children {
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!("a worker failed ({})", output.status));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let value: Value = serde_json::from_str(text.trim())
            .map_err(|e| format!("unreadable worker output {text:?}: {e}"))?;
        clients.push(value);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let sent = emulator.calls(Operation::ManualAssign);
    let ok: u64 = clients
        .iter()
        .filter_map(|c| c["requests_ok"].as_u64())
        .sum();
    let throughput = ok as f64 / elapsed;
    let shares: Vec<f64> = clients
        .iter()
        .filter_map(|c| c["throughput_rps"].as_f64())
        .map(|rps| percent(rps, settings.limit))
        .collect();
    let min_share = shares.iter().copied().fold(f64::INFINITY, f64::min);
    let wrong: usize = plans
        .iter()
        .map(|(_, workspace, ids)| misplaced(&emulator, workspace, ids))
        .sum();
    Ok(json!({
        "clients": clients,
        "elapsed_s": round3(elapsed),
        "requests_sent": sent,
        "requests_ok": ok,
        "responses_429": sent.saturating_sub(ok),
        "responses_429_pct": round3(percent(sent.saturating_sub(ok) as f64, sent as f64)),
        "total_throughput_rps": round3(throughput),
        "total_throughput_pct_of_limit": round3(percent(throughput, settings.limit)),
        "min_client_share_pct_of_limit": round3(min_share),
        "grants_misplaced": wrong,
        "targets": {
            "total_ge_85pct_of_limit": percent(throughput, settings.limit) >= 85.0,
            "each_client_ge_15pct_of_limit": min_share >= 15.0,
            "every_grant_placed": wrong == 0,
        },
    }))
}

/// One client of scenario c, in its own process; prints one JSON line.
async fn worker(opts: &Opts) -> Res<Value> {
    let key = std::env::var("NYLAS_API_KEY").map_err(|_| "NYLAS_API_KEY is not set")?;
    let workspace = opts.text("workspace")?;
    let ids = grant_ids(opts.text("prefix")?, opts.number("count", 0.0)? as usize);
    let client = Client::builder()
        .api_key(key)
        .base_url(opts.text("url")?)
        .rate_limit(RateLimit::adaptive(opts.number("start-rate", 200.0)?))
        .build()
        .map_err(|e| e.to_string())?;
    let options = ManualAssignOptions::new().concurrency(opts.number("concurrency", 4.0)? as usize);
    let successes = Arc::new(Successes::default());
    let started_unix = unix_secs();
    let started = Instant::now();
    let rounds = assign_all(&client, workspace, ids, options, Arc::clone(&successes)).await?;
    let elapsed = started.elapsed().as_secs_f64();
    let ok = successes.ok.load(Ordering::SeqCst);
    let stats = client.rate_limiter().map(|l| l.stats()).unwrap_or_default();
    Ok(json!({
        "workspace": workspace,
        "started_unix_s": round3(started_unix),
        "elapsed_s": round3(elapsed),
        "requests_ok": ok,
        "responses_429": stats.throttled,
        "throughput_rps": round3(ok as f64 / elapsed),
        "final_rate_rps": round3(stats.current_rate),
        "rate_cuts": stats.rate_cuts,
        "rounds": rounds,
    }))
}

fn unix_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

fn percent(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        100.0 * part / whole
    } else {
        0.0
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `--name value` options and bare `--flag`s.
struct Opts(HashMap<String, String>);

impl Opts {
    fn parse(args: impl Iterator<Item = String>) -> Res<Self> {
        let mut map = HashMap::new();
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let name = arg
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument {arg:?}"))?
                .to_owned();
            let value = match args.peek() {
                Some(next) if !next.starts_with("--") => args.next().unwrap_or_default(),
                _ => String::new(),
            };
            map.insert(name, value);
        }
        Ok(Self(map))
    }

    fn flag(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    fn text(&self, name: &str) -> Res<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("--{name} is required"))
    }

    fn text_or<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.0.get(name).map(String::as_str).unwrap_or(default)
    }

    fn number(&self, name: &str, default: f64) -> Res<f64> {
        match self.0.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| format!("--{name} needs a non-negative number, not {v:?}")),
        }
    }
}
