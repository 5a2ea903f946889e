//! Issue 14's memory measurement: how much a grant listing costs in memory when it is walked
//! page by page (`Paged::next_page`, what `grants list` does) against collecting it whole
//! (`collect_all`), for N grants served by an in-process emulator.
//!
//! Peak memory is read from the kernel (`VmHWM` in `/proc/self/status`), after resetting it
//! (`/proc/self/clear_refs` ← `5`) once the emulator holds its grants, so the figure is what
//! the walk added on top of the emulator's own state. Linux only; elsewhere it prints nulls.
//!
//! Usage: `listing_bench [--grants N] [--json PATH]`.

use std::time::Instant;

use nylas_workspaces::{Client, GrantQuery};
use nylas_workspaces_emulator::{Emulator, EmulatorConfig, NewGrant};
use serde_json::json;

fn main() -> Result<(), String> {
    let mut grants = 100_000usize;
    let mut out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--grants" => {
                grants = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--grants needs a number")?
            }
            "--json" => out = Some(args.next().ok_or("--json needs a path")?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let emulator = Emulator::start_blocking(EmulatorConfig::new().manual_clock(1_800_000_000))
        .map_err(|e| e.to_string())?;
    for i in 0..grants {
        emulator
            .add_grant(NewGrant::new(format!("user{i}@bench.example")).created_at(i as i64))
            .map_err(|e| e.to_string())?;
    }
    let client = Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .max_list_items(grants + 10)
        .max_body_bytes(64 << 20)
        .build()
        .map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;

    let base = reset_peak();
    let started = Instant::now();
    let (walked, pages) = runtime.block_on(async {
        let mut listing = client
            .grants(GrantQuery::new())
            .map_err(|e| e.to_string())?;
        let (mut n, mut pages) = (0usize, 0usize);
        while let Some(page) = listing.next_page().await.map_err(|e| e.to_string())? {
            n += page.len();
            pages += 1;
        }
        Ok::<_, String>((n, pages))
    })?;
    let walk_secs = started.elapsed().as_secs_f64();
    let walk_growth = peak_growth(base);

    let base = reset_peak();
    let collected = runtime.block_on(async {
        client
            .grants(GrantQuery::new())
            .map_err(|e| e.to_string())?
            .collect_all()
            .await
            .map_err(|e| e.to_string())
    })?;
    let collect_growth = peak_growth(base);
    if walked != grants || collected.len() != grants {
        return Err(format!(
            "walked {walked} and collected {} of {grants} grants",
            collected.len()
        ));
    }
    drop(collected);

    let result = json!({
        "grants": grants,
        "pages": pages,
        "walk_seconds": walk_secs,
        "walk_peak_growth_mib": walk_growth,
        "collect_peak_growth_mib": collect_growth,
    });
    println!("{result}");
    if let Some(path) = out {
        std::fs::write(&path, result.to_string()).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(())
}

/// Resets the kernel's peak-RSS mark and returns the current RSS in KiB.
fn reset_peak() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    status_kib("VmRSS:")
}

/// How far the peak rose above `base`, in MiB.
fn peak_growth(base: Option<u64>) -> Option<f64> {
    let peak = status_kib("VmHWM:")?;
    Some(peak.saturating_sub(base?) as f64 / 1024.0)
}

fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
