//! The Rust half of `cargo xtask bench`: runs one measurement against an emulator that is
//! already listening and prints the raw samples as one JSON object on stdout. The xtask
//! computes medians and ratios and writes `bench/REPORT.md`; this program only times.
//!
//! ```text
//! bench_driver overhead   --url U --workspace W [--rounds R] [--calls N] [--warmup M]
//! bench_driver throughput --url U --workspace W [--rounds R] [--calls N] [--concurrency C]
//! bench_driver bulk       --url U --workspace W [--ids N] [--concurrency C] [--pacing off]
//! bench_driver bulk-raw   --url U --workspace W [--ids N] [--concurrency C]
//! bench_driver startup    [--runs R]
//! ```
//!
//! The API key comes from `BENCH_API_KEY` (not an argument, so it never shows in a process
//! list). Every loop is bounded by a count; nothing runs until a time limit. The URL must be
//! loopback: the client refuses plain `http://` anywhere else.

use std::collections::HashMap;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use futures_util::StreamExt;
use nylas_workspaces::wire::{ManualAssignRequest, ManualAssignResponse, WorkspaceResponse};
use nylas_workspaces::{
    Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, ManualAssign, ManualAssignOptions,
};
use nylas_workspaces_emulator::{Emulator, EmulatorConfig};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

type Res<T> = Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("bench_driver: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Res<Value> {
    let (scenario, rest) = args
        .split_first()
        .ok_or("name a scenario: overhead, throughput, bulk, bulk-raw or startup")?;
    let opts = Opts::parse(rest)?;
    match scenario.as_str() {
        "overhead" => runtime(false)?.block_on(overhead(&opts)),
        "throughput" => runtime(true)?.block_on(throughput(&opts)),
        "bulk" => runtime(true)?.block_on(bulk(&opts)),
        "bulk-raw" => runtime(true)?.block_on(bulk_raw(&opts)),
        "startup" => startup(&opts),
        other => Err(format!("unknown scenario {other:?}")),
    }
}

/// `--name value` pairs.
struct Opts(HashMap<String, String>);

impl Opts {
    fn parse(args: &[String]) -> Res<Self> {
        let mut map = HashMap::new();
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let name = flag
                .strip_prefix("--")
                .ok_or_else(|| format!("expected --name value, got {flag:?}"))?;
            let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
            map.insert(name.to_owned(), value.clone());
        }
        Ok(Self(map))
    }

    fn text(&self, name: &str) -> Res<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("--{name} is required"))
    }

    /// A positive count, bounded so a typo cannot start an endless run.
    fn count(&self, name: &str, default: usize) -> Res<usize> {
        let Some(raw) = self.0.get(name) else {
            return Ok(default);
        };
        match raw.parse::<usize>() {
            Ok(n) if (1..=10_000_000).contains(&n) => Ok(n),
            _ => Err(format!(
                "--{name} must be a count from 1 to 10000000, not {raw:?}"
            )),
        }
    }
}

fn runtime(multi_thread: bool) -> Res<tokio::runtime::Runtime> {
    let mut builder = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder.enable_all().build().map_err(|e| e.to_string())
}

fn api_key() -> Res<String> {
    std::env::var("BENCH_API_KEY").map_err(|_| "BENCH_API_KEY is not set".to_owned())
}

fn client(opts: &Opts) -> Res<Client> {
    Client::builder()
        .api_key(api_key()?)
        .base_url(opts.text("url")?)
        .build()
        .map_err(|e| e.to_string())
}

/// Scenario 1: sequential `get` through the SDK (A) and through a hand-written reqwest +
/// serde_json call of the same URL (B). Both keep one connection alive, built with the same
/// timeouts; B decodes into the same generated wire type, so the difference is exactly what
/// the SDK adds (rule checks, path encoding, retries' bookkeeping, spans, model conversion).
async fn overhead(opts: &Opts) -> Res<Value> {
    let (rounds, calls, warmup) = (
        opts.count("rounds", 20)?,
        opts.count("calls", 200)?,
        opts.count("warmup", 200)?,
    );
    let workspace = opts.text("workspace")?.to_owned();
    let sdk = client(opts)?;
    let raw = reqwest::Client::builder()
        .timeout(DEFAULT_TIMEOUT)
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{}/v3/workspaces/{workspace}", opts.text("url")?);
    let authorization = format!("Bearer {}", api_key()?);

    let sdk_get = || async {
        sdk.get_workspace(&workspace)
            .await
            .map(|w| black_box(w).workspace_id.len())
            .map_err(|e| e.to_string())
    };
    let raw_get = || async {
        let response = raw
            .get(&url)
            .header(AUTHORIZATION, &authorization)
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("raw get answered {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        let decoded: WorkspaceResponse =
            serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        Ok(black_box(decoded).request_id.map_or(0, |id| id.len()))
    };

    for _ in 0..warmup {
        sdk_get().await?;
        raw_get().await?;
    }
    let (mut a, mut b) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    // A then B in even rounds, B then A in odd ones, so neither always goes first.
    for round in 0..rounds {
        for first in [round % 2 == 0, round % 2 == 1] {
            let started = Instant::now();
            if first {
                for _ in 0..calls {
                    sdk_get().await?;
                }
                a.push(per_call_us(started, calls));
            } else {
                for _ in 0..calls {
                    raw_get().await?;
                }
                b.push(per_call_us(started, calls));
            }
        }
    }
    Ok(json!({"unit": "us_per_call", "calls_per_round": calls, "order": "ABBA", "a": a, "b": b}))
}

/// Scenario 5b: sustained `get` requests per second from this process to the emulator in
/// another, `concurrency` requests in flight, in rounds of `calls` requests.
async fn throughput(opts: &Opts) -> Res<Value> {
    let (rounds, calls, concurrency) = (
        opts.count("rounds", 5)?,
        opts.count("calls", 5000)?,
        opts.count("concurrency", 16)?,
    );
    let workspace = opts.text("workspace")?.to_owned();
    let sdk = client(opts)?;
    let one_round = |calls: usize| {
        let (sdk, workspace) = (sdk.clone(), workspace.clone());
        async move {
            let mut tasks = Vec::with_capacity(concurrency);
            for worker in 0..concurrency {
                let (sdk, workspace) = (sdk.clone(), workspace.clone());
                // Spread the calls over the workers; the first ones take the remainder.
                let mine = calls / concurrency + usize::from(worker < calls % concurrency);
                tasks.push(tokio::spawn(async move {
                    for _ in 0..mine {
                        sdk.get_workspace(&workspace)
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    Ok::<(), String>(())
                }));
            }
            for task in tasks {
                task.await.map_err(|e| e.to_string())??;
            }
            Ok::<(), String>(())
        }
    };
    one_round(calls.min(1000)).await?;
    let mut per_second = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        one_round(calls).await?;
        per_second.push(calls as f64 / started.elapsed().as_secs_f64());
    }
    Ok(
        json!({"unit": "requests_per_s", "concurrency": concurrency, "calls_per_round": calls, "a": per_second}),
    )
}

/// Scenario 4 (Rust): one bulk assignment of `ids` grants with `concurrency` requests in
/// flight; prints the wall time and the process's peak resident memory.
async fn bulk(opts: &Opts) -> Res<Value> {
    let (ids, concurrency) = (opts.count("ids", 100_000)?, opts.count("concurrency", 8)?);
    let workspace = opts.text("workspace")?;
    // The client paces bulk calls by default (to stay under Nylas's per-application rate
    // limit); `--pacing off` measures the chunking and concurrency alone.
    let paced = match opts.0.get("pacing").map(String::as_str) {
        None | Some("default") => true,
        Some("off") => false,
        Some(other) => return Err(format!("--pacing is default or off, not {other:?}")),
    };
    let sdk = client(opts)?;
    let grants: Vec<String> = (0..ids).map(grant_id).collect();
    let rss_before = peak_rss_kib();
    let started = Instant::now();
    let outcome = sdk
        .manual_assign_with(
            workspace,
            ManualAssign::new().assign(grants),
            ManualAssignOptions::new()
                .concurrency(concurrency)
                .pacing(paced),
        )
        .await
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(json!({
        "seconds": seconds,
        "paced": paced,
        "assigned": outcome.assigned.len(),
        "peak_rss_kib": peak_rss_kib(),
        "rss_before_kib": rss_before,
    }))
}

/// Scenario 4's baseline: the same chunks of 500 sent by hand with reqwest + serde_json,
/// `concurrency` at a time, no SDK. What is left between this and the ideal is the server's
/// and the machine's, not the SDK's.
async fn bulk_raw(opts: &Opts) -> Res<Value> {
    let (ids, concurrency) = (opts.count("ids", 100_000)?, opts.count("concurrency", 8)?);
    let url = format!(
        "{}/v3/workspaces/{}/manual-assign",
        opts.text("url")?,
        opts.text("workspace")?
    );
    let authorization = format!("Bearer {}", api_key()?);
    let raw = reqwest::Client::builder()
        .timeout(DEFAULT_TIMEOUT)
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .build()
        .map_err(|e| e.to_string())?;
    let grants: Vec<String> = (0..ids).map(grant_id).collect();
    let rss_before = peak_rss_kib();
    let started = Instant::now();
    let send = |chunk: &[String]| {
        let body = ManualAssignRequest {
            assign_grants: chunk.to_vec(),
            remove_grants: Vec::new(),
        };
        let (raw, url, authorization) = (&raw, &url, &authorization);
        async move {
            let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
            let response = raw
                .post(url)
                .header(AUTHORIZATION, authorization)
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("manual-assign answered {}", response.status()));
            }
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            let decoded: ManualAssignResponse =
                serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            Ok::<usize, String>(
                decoded
                    .data
                    .and_then(|d| d.grants_assigned)
                    .map_or(0, |g| g.len()),
            )
        }
    };
    let counts: Vec<Res<usize>> = futures_util::stream::iter(grants.chunks(500))
        .map(send)
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let assigned = counts.into_iter().sum::<Res<usize>>()?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(json!({
        "seconds": seconds,
        "assigned": assigned,
        "peak_rss_kib": peak_rss_kib(),
        "rss_before_kib": rss_before,
    }))
}

/// Scenario 5a: how long `Emulator::start` takes in-process (bind, runtime, thread).
fn startup(opts: &Opts) -> Res<Value> {
    let runs = opts.count("runs", 30)?;
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let emulator =
            Emulator::start_blocking(EmulatorConfig::new()).map_err(|e| e.to_string())?;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
        drop(black_box(emulator));
    }
    Ok(json!({"unit": "ms", "a": ms}))
}

/// The grant ids the xtask seeds into the emulator (`g-000000`, `g-000001`, …).
fn grant_id(i: usize) -> String {
    format!("g-{i:06}")
}

fn per_call_us(started: Instant, calls: usize) -> f64 {
    started.elapsed().as_secs_f64() * 1e6 / calls as f64
}

/// The process's peak resident set (`VmHWM`) in KiB, or 0 where `/proc` does not say.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
