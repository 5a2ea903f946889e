//! `assign`: move any number of grants into or out of a workspace, with a report that makes a
//! partial failure, a stop or a crash recoverable.
//!
//! The chunking, concurrency, deduplication, per-id bookkeeping and the durable journal are
//! the client crate's (`manual_assign_with` with `ManualAssignOptions::journal`, and
//! `resume_manual_assign`); this command gathers ids from flags and files, picks the journal
//! file, turns SIGINT, SIGTERM and SIGHUP into a clean stop, shows progress, and turns the
//! outcome into a summary and an exit code. The report file IS the journal: it exists from
//! before the first request is sent and every finished request is in it, so even `kill -9`
//! leaves a file that `--retry-from` finishes.

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use nylas_workspaces::{Error, Journal, JournalErrorKind, ManualAssign, ManualAssignOptions};

use crate::cli::AssignArgs;
use crate::failure::Failure;
use crate::ids_file;
use crate::progress::ProgressDisplay;
use crate::render;
use crate::report::Report;
use crate::session::Session;
use crate::stop::{self, notice};

/// What to send, and to which workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignPlan {
    pub workspace_id: String,
    pub request: ManualAssign,
    /// Ids given more than once (across flags and files); the crate sends each once.
    pub duplicates: usize,
    /// The journal to continue, for `--retry-from` of a journal (not of an older report).
    pub resume: Option<PathBuf>,
}

/// Builds the plan from the command line: flags and files, or a previous journal or report.
pub fn plan(args: &AssignArgs) -> Result<AssignPlan, Failure> {
    if let Some(path) = &args.retry_from {
        let (workspace_id, request, resume) = retry_source(path)?;
        if let Some(id) = &args.id
            && id != &workspace_id
        {
            return Err(Failure::Usage(format!(
                "the report is about workspace {workspace_id}, not {id}"
            )));
        }
        return Ok(AssignPlan {
            workspace_id,
            request,
            duplicates: 0,
            resume,
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
        resume: None,
    })
}

/// Reads `--retry-from`: a journal (also one cut short by a crash), else a version-1 report
/// written by earlier releases. Returns the workspace, what is left, and the journal to
/// continue.
fn retry_source(path: &Path) -> Result<(String, ManualAssign, Option<PathBuf>), Failure> {
    match Journal::read(path) {
        Ok(journal) => Ok((
            journal.workspace_id().to_owned(),
            journal.pending().unwrap_or_default(),
            Some(path.to_owned()),
        )),
        Err(Error::Journal(error)) if error.kind == JournalErrorKind::NotAJournal => {
            match Report::read(path) {
                Ok(report) => Ok((report.workspace_id.clone(), report.retry_request(), None)),
                Err(_) => Err(Failure::Usage(error.to_string())),
            }
        }
        Err(other) => Err(Failure::Usage(other.to_string())),
    }
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

/// The journal file of a run, and what this run did to the file system to get it.
struct JournalFile {
    path: PathBuf,
    /// This run created the file (so it may remove it when nothing needs keeping).
    created: bool,
    /// No `--report` was given: the file is ours to name, and removed after a complete run.
    default: bool,
}

/// Picks and checks the journal before anything is sent: an unusable `--report` path is a
/// usage error found now, not after thousands of grants have moved. Opening for append
/// changes nothing in an existing file (it may be the very journal being retried from).
fn journal_file(plan: &AssignPlan, report_path: Option<&Path>) -> Result<JournalFile, Failure> {
    let Some(path) = report_path else {
        if let Some(resumed) = &plan.resume {
            return Ok(JournalFile {
                path: resumed.clone(),
                created: false,
                default: false,
            });
        }
        // The crate creates it once the request has passed its checks, so a refused request
        // leaves no file behind; the name (time and process id) is never an existing file's.
        return Ok(JournalFile {
            path: default_report_path(&plan.workspace_id),
            created: true,
            default: true,
        });
    };
    let existed = path.exists();
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| Failure::Usage(format!("cannot write the report {}: {e}", path.display())))?;
    Ok(JournalFile {
        path: path.to_owned(),
        created: !existed,
        default: false,
    })
}

/// True when both paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Sends a plan, shows progress, journals every request and prints the summary.
pub async fn execute(
    session: &Session,
    plan: AssignPlan,
    concurrency: Option<usize>,
    report_path: Option<&Path>,
) -> Result<(), Failure> {
    let journal = journal_file(&plan, report_path)?;
    // A retry written to another file continues a copy: the original stays as it was.
    let resume = match &plan.resume {
        Some(source) if !same_file(source, &journal.path) => {
            Journal::read(source)
                .and_then(|read| read.copy_to(&journal.path))
                .map_err(|error| {
                    if journal.created {
                        let _ = std::fs::remove_file(&journal.path);
                    }
                    Failure::from(error)
                })?;
            Some(journal.path.clone())
        }
        Some(_) => Some(journal.path.clone()),
        None => None,
    };
    let total = plan.request.assign_ids().len() + plan.request.remove_ids().len();
    let display = ProgressDisplay::new(session.progress, total);
    let mut options = ManualAssignOptions::new();
    if let Some(concurrency) = concurrency {
        options = options.concurrency(concurrency);
    }
    // Without --report, say where the journal is as soon as it holds a finished request
    // (before that, running the same command again loses nothing).
    let announce = journal.default.then(|| journal.path.clone());
    let bar = display.callback();
    if bar.is_some() || announce.is_some() {
        let announced = AtomicBool::new(false);
        options = options.on_progress(move |progress| {
            if let Some(path) = &announce
                && !announced.swap(true, Ordering::SeqCst)
            {
                notice(&format!(
                    "recording every id's fate in {} (kept if anything is left to retry)",
                    path.display()
                ));
            }
            if let Some(bar) = &bar {
                bar(progress);
            }
        });
    }
    let stop = Arc::new(AtomicBool::new(false));
    options = options.stop_flag(Arc::clone(&stop));
    let interrupts = stop::on_signals(stop);
    let result = match &resume {
        Some(path) => session.client.resume_manual_assign(path, options).await,
        None => {
            session
                .client
                .manual_assign_with(
                    &plan.workspace_id,
                    plan.request,
                    options.journal(&journal.path),
                )
                .await
        }
    };
    interrupts.abort();
    display.finish();

    match result {
        Ok(outcome) => {
            if journal.default {
                // Nothing to retry and no report was asked for: leave no file behind.
                let _ = std::fs::remove_file(&journal.path);
            }
            let report = Report::from_outcome(&outcome);
            session.print(&report, || render::assign_summary(&report, plan.duplicates));
            Ok(())
        }
        Err(Error::BulkPartial(outcome)) => Err(Failure::Partial {
            outcome,
            report_path: Some(journal.path),
        }),
        Err(error) => {
            // Refused before sending: do not leave behind a file this run created. (A journal
            // that could not be started is never removed here unless this run created it.)
            if journal.created {
                let _ = std::fs::remove_file(&journal.path);
            }
            Err(match error {
                Error::Journal(j) if j.kind != JournalErrorKind::Unwritable => {
                    Failure::Usage(j.to_string())
                }
                other => other.into(),
            })
        }
    }
}

/// Where the journal goes when no `--report` was given: a fresh file in the current directory,
/// named after the workspace, the time and the process (so two runs never share one).
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
    PathBuf::from(format!(
        "assign-report-{safe}-{now}-{}.jsonl",
        std::process::id()
    ))
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
