//! `assign`: move any number of grants into or out of a workspace, with a report that makes a
//! partial failure recoverable.
//!
//! The chunking, concurrency, deduplication and per-id bookkeeping are the client crate's
//! (`manual_assign_with`); this command gathers ids from flags and files, shows progress, and
//! turns the outcome into a report file and an exit code. A partial failure always leaves a
//! report behind (the `--report` path, else a file in the current directory), because the
//! failed ids would otherwise be lost with the terminal scrollback.

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use nylas_workspaces::{ManualAssign, ManualAssignOptions};

use crate::cli::AssignArgs;
use crate::failure::Failure;
use crate::ids_file;
use crate::progress::ProgressDisplay;
use crate::render;
use crate::report::Report;
use crate::session::Session;

/// What to send, and to which workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignPlan {
    pub workspace_id: String,
    pub request: ManualAssign,
    /// Ids given more than once (across flags and files); the crate sends each once.
    pub duplicates: usize,
}

/// Builds the plan from the command line: flags and files, or a previous report.
pub fn plan(args: &AssignArgs) -> Result<AssignPlan, Failure> {
    if let Some(path) = &args.retry_from {
        let report = Report::read(path).map_err(Failure::Usage)?;
        if let Some(id) = &args.id
            && id != &report.workspace_id
        {
            return Err(Failure::Usage(format!(
                "the report is about workspace {}, not {id}",
                report.workspace_id
            )));
        }
        return Ok(AssignPlan {
            request: report.retry_request(),
            workspace_id: report.workspace_id,
            duplicates: 0,
        });
    }
    let workspace_id = args
        .id
        .clone()
        .ok_or_else(|| Failure::Usage("which workspace? give its id".into()))?;
    let assign = gather(&args.grants, &args.grants_file)?;
    let remove = gather(&args.removes, &args.remove_file)?;
    let duplicates = assign.1 + remove.1;
    Ok(AssignPlan {
        workspace_id,
        request: ManualAssign::new().assign(assign.0).remove(remove.0),
        duplicates,
    })
}

/// Ids from flags then files, first occurrence kept; returns them and the duplicate count.
fn gather(flags: &[String], files: &[PathBuf]) -> Result<(Vec<String>, usize), Failure> {
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    let mut duplicates = 0;
    let mut from_files = Vec::new();
    for path in files {
        let parsed = ids_file::read(path).map_err(|e| Failure::Usage(e.to_string()))?;
        duplicates += parsed.duplicates;
        from_files.extend(parsed.ids);
    }
    for id in flags.iter().cloned().chain(from_files) {
        if seen.insert(id.clone()) {
            ids.push(id);
        } else {
            duplicates += 1;
        }
    }
    Ok((ids, duplicates))
}

/// Runs `assign` from the command line.
pub async fn run(session: &Session, args: &AssignArgs) -> Result<(), Failure> {
    let plan = plan(args)?;
    if args.retry_from.is_some()
        && plan.request.assign_ids().is_empty()
        && plan.request.remove_ids().is_empty()
    {
        session.print(
            &serde_json::json!({"workspace_id": plan.workspace_id, "retried": 0}),
            || "the report lists no failed or unsent ids: nothing to retry\n".to_owned(),
        );
        return Ok(());
    }
    execute(session, plan, args.concurrency, args.report.as_deref()).await
}

/// The first Ctrl-C stops sending: requests in flight finish and the rest is reported as not
/// sent, so the report still accounts for every id and `--retry-from` resumes. A second Ctrl-C
/// quits at once (exit 130, as a shell expects), without a report.
async fn stop_on_ctrl_c(stop: Arc<AtomicBool>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return; // No signal handling here: Ctrl-C keeps its default meaning.
    }
    stop.store(true, Ordering::SeqCst);
    eprintln!(
        "\nstopping: requests in flight finish, the rest is reported as not sent \
         (Ctrl-C again to quit now)"
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(130);
    }
}

/// Sends a plan, shows progress, writes the report and prints the summary.
pub async fn execute(
    session: &Session,
    plan: AssignPlan,
    concurrency: Option<usize>,
    report_path: Option<&Path>,
) -> Result<(), Failure> {
    // Check the report path before sending anything: an unwritable path is a usage error
    // found now, not after thousands of grants have moved. Opening for append changes nothing
    // in an existing file (it may be the very report being retried from).
    let created_report = match report_path {
        Some(path) => {
            let existed = path.exists();
            OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .map_err(|e| {
                    Failure::Usage(format!("cannot write the report {}: {e}", path.display()))
                })?;
            (!existed).then_some(path)
        }
        None => None,
    };
    let total = plan.request.assign_ids().len() + plan.request.remove_ids().len();
    let display = ProgressDisplay::new(session.progress, total);
    let mut options = ManualAssignOptions::new();
    if let Some(concurrency) = concurrency {
        options = options.concurrency(concurrency);
    }
    if let Some(callback) = display.callback() {
        options = options.on_progress(callback);
    }
    let stop = Arc::new(AtomicBool::new(false));
    options = options.stop_flag(Arc::clone(&stop));
    let interrupts = tokio::spawn(stop_on_ctrl_c(stop));
    let result = session
        .client
        .manual_assign_with(&plan.workspace_id, plan.request, options)
        .await;
    interrupts.abort();
    display.finish();

    match result {
        Ok(outcome) => {
            let report = Report::from_outcome(&outcome);
            if let Some(path) = report_path {
                report.write(path).map_err(Failure::Local)?;
            }
            session.print(&report, || render::assign_summary(&report, plan.duplicates));
            Ok(())
        }
        Err(nylas_workspaces::Error::BulkPartial(outcome)) => {
            let report = Report::from_outcome(&outcome);
            let path = match report_path {
                Some(path) => path.to_owned(),
                None => default_report_path(&plan.workspace_id),
            };
            let written = report.write(&path);
            if let Err(message) = &written {
                eprintln!("error: {message}");
            }
            Err(Failure::Partial {
                outcome,
                report_path: written.ok().map(|()| path),
            })
        }
        Err(other) => {
            // Nothing to report: do not leave behind an empty file this run created.
            if let Some(path) = created_report {
                let _ = std::fs::remove_file(path);
            }
            Err(other.into())
        }
    }
}

/// Where a partial failure's report goes when no `--report` was given.
fn default_report_path(workspace_id: &str) -> PathBuf {
    let safe: String = workspace_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    PathBuf::from(format!("assign-report-{safe}-{now}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> AssignArgs {
        AssignArgs {
            id: Some("ws".into()),
            grants: vec![],
            grants_file: vec![],
            removes: vec![],
            remove_file: vec![],
            concurrency: None,
            report: None,
            retry_from: None,
        }
    }

    #[test]
    fn flags_are_deduplicated_and_counted() {
        let mut a = args();
        a.grants = vec!["g1".into(), "g2".into(), "g1".into()];
        a.removes = vec!["r1".into()];
        let plan = plan(&a).unwrap();
        assert_eq!(plan.request.assign_ids(), ["g1", "g2"]);
        assert_eq!(plan.request.remove_ids(), ["r1"]);
        assert_eq!(plan.duplicates, 1);
    }

    #[test]
    fn no_ids_is_left_for_the_crate_to_refuse() {
        let plan = plan(&args()).unwrap();
        assert!(plan.request.assign_ids().is_empty() && plan.request.remove_ids().is_empty());
    }

    #[test]
    fn a_missing_file_is_a_usage_error() {
        let mut a = args();
        a.grants_file = vec!["/definitely/not/here.txt".into()];
        assert!(matches!(plan(&a), Err(Failure::Usage(m)) if m.contains("here.txt")));
    }

    #[test]
    fn default_report_names_are_file_safe() {
        let path = default_report_path("../ws/1");
        let name = path.to_str().unwrap();
        assert!(name.starts_with("assign-report-___ws_1-"), "{name}");
        assert!(!name.contains('/'));
    }
}
