//! Bulk move: read grant ids from a CSV, move them all into one workspace with a journal and a
//! progress line per request, survive a partial failure, finish the job from the journal, and
//! write a per-grant report.
//!
//! It runs against the embedded emulator, so it needs no API key and no network; a fault
//! injected into the emulator makes one of the requests fail on purpose:
//!
//! ```text
//! cargo run -p nylas-workspaces --example bulk_from_csv
//! ```
//!
//! The CSV reader here is deliberately naive (no quoted fields); grant ids contain no commas.

use std::fs;
use std::path::Path;

use nylas_workspaces::{
    Client, CreateWorkspace, Error, Journal, ManualAssign, ManualAssignOptions, ManualAssignOutcome,
};
use nylas_workspaces_emulator::{Emulator, EmulatorConfig, Fault, NewGrant, Operation};

/// Enough grants for two requests (the API takes at most 500 ids per list).
const GRANTS: usize = 750;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig::new()).await?;
    // No automatic retries, so the injected fault shows up as a failure instead of being
    // retried away (a real program keeps the default of 2).
    let client = Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .max_retries(0)
        .build()?;
    let target = client
        .create_workspace(CreateWorkspace::new("Support").domain("support.example.com"))
        .await?;

    // A scratch folder holding the input CSV, the journal and the report.
    let dir = std::env::temp_dir().join(format!("nylas-bulk-example-{}", std::process::id()));
    fs::create_dir_all(&dir)?;
    let csv = dir.join("grants.csv");
    write_input_csv(&emulator, &csv)?;

    let grant_ids = read_grant_ids(&csv)?;
    println!("read {} grant ids from {}", grant_ids.len(), csv.display());

    // The first manual-assign request gets a 503; the second goes through.
    emulator.fail_next(Operation::ManualAssign, 1, Fault::ServiceUnavailable);

    let journal = dir.join("assign.jsonl");
    let options = ManualAssignOptions::new()
        .concurrency(1)
        .journal(&journal)
        .on_progress(|p| {
            println!(
                "  request {}/{}: {}/{} grants done, {} failed",
                p.chunks_done, p.chunks_total, p.grants_done, p.grants_total, p.grants_failed
            );
        });
    let request = ManualAssign::new().assign(grant_ids);
    let outcome = match client
        .manual_assign_with(&target.workspace_id, request, options)
        .await
    {
        Ok(outcome) => outcome,
        Err(Error::BulkPartial(partial)) => {
            println!(
                "partial failure: {} assigned, {} failed, {} not sent",
                partial.assigned.len(),
                partial.failed.len(),
                partial.not_sent.len()
            );
            if let Some(first) = partial.failed.first() {
                println!(
                    "  e.g. {} failed: {} (status {:?}, request id {:?}, retryable {})",
                    first.grant_id,
                    first.error,
                    first.error.status(),
                    first.error.request_id(),
                    first.error.is_retryable()
                );
            }
            // The journal on disk knows what is left, even if this process had died.
            let pending = Journal::read(&journal)?.pending();
            let left = pending.map_or(0, |p| p.assign_ids().len() + p.remove_ids().len());
            println!("journal says {left} grants are left; resuming");
            client
                .resume_manual_assign(&journal, ManualAssignOptions::new())
                .await?
        }
        Err(other) => return Err(other.into()),
    };

    println!(
        "done: {} assigned, {} unmatched, {} failed, complete={}",
        outcome.assigned.len(),
        outcome.unmatched.len(),
        outcome.failed.len(),
        outcome.is_complete()
    );
    let report = dir.join("report.csv");
    write_report(&outcome, &report)?;
    println!("report written to {}", report.display());
    assert_eq!(emulator.grants_in(&target.workspace_id).len(), GRANTS);

    fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Seeds the emulator with grants and writes them out the way an export would look.
fn write_input_csv(emulator: &Emulator, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut text = String::from("email,grant_id\n");
    for i in 0..GRANTS {
        let email = format!("user{i}@support.example.com");
        let grant_id = emulator.add_grant(NewGrant::new(&email))?;
        text.push_str(&format!("{email},{grant_id}\n"));
    }
    fs::write(path, text)?;
    Ok(())
}

/// The `grant_id` column of a CSV with a header line; blank lines are skipped.
fn read_grant_ids(path: &Path) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let text = fs::read_to_string(path)?;
    let mut lines = text.lines();
    let header = lines.next().ok_or("the CSV is empty")?;
    let column = header
        .split(',')
        .position(|name| name.trim() == "grant_id")
        .ok_or("the CSV has no grant_id column")?;
    let mut ids = Vec::new();
    for (number, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let id = line
            .split(',')
            .nth(column)
            .ok_or_else(|| format!("line {} has no grant_id field", number + 2))?;
        ids.push(id.trim().to_owned());
    }
    Ok(ids)
}

/// One line per grant: `grant_id,result`.
fn write_report(outcome: &ManualAssignOutcome, path: &Path) -> std::io::Result<()> {
    let mut text = String::from("grant_id,result\n");
    for id in &outcome.assigned {
        text.push_str(&format!("{id},assigned\n"));
    }
    for grant in &outcome.unmatched {
        text.push_str(&format!("{},unmatched\n", grant.grant_id));
    }
    for grant in &outcome.failed {
        text.push_str(&format!("{},failed\n", grant.grant_id));
    }
    for grant in &outcome.not_sent {
        text.push_str(&format!("{},not_sent\n", grant.grant_id));
    }
    fs::write(path, text)
}
