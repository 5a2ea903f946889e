//! Workspaces as code on the command line: `plan FILE`, `apply FILE`, `export`.
//!
//! The crate's `plan` module does all of it (reading the file, matching, planning what the
//! API would refuse as refusals, applying in order with a re-read before each update,
//! journalling the grant moves, re-planning); this file reads flags, asks for confirmation,
//! prints and picks the exit code. Plan lines carry names from the file and the server, so
//! they are escaped like every other text output; `--json` prints the crate's JSON shapes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{SystemTime, UNIX_EPOCH};

use nylas_workspaces::Error;
use nylas_workspaces::plan::{
    ApplyOptions, ApplyProgress, ApplyReport, DesiredState, ExportOptions, Plan, PlanOptions,
};
use serde_json::json;

use crate::cli::{ApplyArgs, PlanArgs};
use crate::confirm;
use crate::failure::{EXIT_PARTIAL, EXIT_USAGE, Failure};
use crate::progress::{ProgressMode, chunk_line};
use crate::render;
use crate::session::Session;
use crate::stop::{self, notice};

/// The exit code of `plan --detailed-exitcode` when the plan has changes and no refusals.
pub const EXIT_CHANGES: u8 = 4;

/// Reads the file and plans it against the application.
async fn make_plan(session: &Session, file: &Path, prune: bool) -> Result<Plan, Failure> {
    let desired = DesiredState::from_path(file).map_err(Error::from)?;
    Ok(session
        .client
        .plan(&desired, PlanOptions::new().prune(prune))
        .await?)
}

/// The plan as text: its lines escaped, or `in sync` when it is empty.
fn plan_text(plan: &Plan) -> String {
    if plan.is_empty() {
        return "in sync: nothing to change\n".to_owned();
    }
    let s = plan.summary();
    format!(
        "{}\n{} to create, {} to update, {} to delete, {} grants to assign, {} to remove, {} \
         refused\n",
        render::escape_lines(&plan.to_string()).trim_end(),
        s.create,
        s.update,
        s.delete,
        s.grants_assigned,
        s.grants_removed,
        s.refused
    )
}

/// `plan FILE`. Returns the exit code for a plan that was made (errors are failures).
pub async fn plan(session: &Session, args: &PlanArgs) -> Result<u8, Failure> {
    let plan = make_plan(session, &args.file, args.prune).await?;
    session.print(&plan, || plan_text(&plan));
    Ok(if plan.refusals().next().is_some() {
        EXIT_USAGE
    } else if args.detailed_exitcode && plan.has_changes() {
        EXIT_CHANGES
    } else {
        0
    })
}

/// `export [--grants]`: the file as the crate writes it (JSON with `--json`).
pub async fn export(session: &Session, grants: bool) -> Result<(), Failure> {
    let yaml = session
        .client
        .export(ExportOptions::new().grants(grants))
        .await?;
    if session.json {
        print!("{}", render::json_text(&json!({"file": yaml})));
    } else if yaml.ends_with('\n') {
        print!("{yaml}");
    } else {
        println!("{yaml}");
    }
    Ok(())
}

/// `apply FILE`: plan, show, confirm, apply, report. Returns the exit code.
pub async fn apply(session: &Session, args: &ApplyArgs) -> Result<u8, Failure> {
    let plan = make_plan(session, &args.file, args.prune).await?;
    if !session.json {
        print!("{}", plan_text(&plan));
    }
    if plan.is_empty() {
        if session.json {
            session.print(
                &json!({"plan": plan, "report": null, "in_sync": true}),
                String::new,
            );
        }
        return Ok(0);
    }
    if plan.refusals().next().is_some() {
        // The crate refuses such a plan before sending anything; its error says why.
        return Err(session
            .client
            .apply(&plan, ApplyOptions::new())
            .await
            .err()
            .map_or_else(
                || Failure::Usage("the plan has refusals; nothing was applied".into()),
                Failure::from,
            ));
    }
    if !args.yes {
        if !confirm::can_ask() {
            return Err(Failure::Usage(
                "not applying without confirmation: standard input is not a terminal, so there \
                 is nobody to ask; review the plan (nylas-workspaces plan FILE) and pass --yes"
                    .into(),
            ));
        }
        let question = format!("Apply these {} change(s)? [y/N] ", plan.changes.len());
        if !confirm::ask(&question) {
            return Err(Failure::Usage(
                "nothing was applied: the answer was not yes".into(),
            ));
        }
    }
    let (dir, default_dir) = match &args.report {
        Some(dir) => (dir.clone(), false),
        None => (default_journal_dir(), true),
    };
    // Found now, before anything is sent: a folder that cannot be made is a usage error.
    std::fs::create_dir_all(&dir).map_err(|e| {
        Failure::Usage(format!(
            "cannot create the journal folder {}: {e}; nothing was applied",
            render::escape(&dir.display().to_string())
        ))
    })?;
    let stop_flag = Arc::new(AtomicBool::new(false));
    let mut options = ApplyOptions::new()
        .journal_dir(&dir)
        .stop_flag(Arc::clone(&stop_flag));
    if let Some(concurrency) = args.concurrency {
        options = options.concurrency(concurrency);
    }
    if !session.json {
        // The tour narrates on stdout; a command keeps stdout for its result.
        let to_stdout = session.progress == ProgressMode::Lines;
        options = options.on_progress(move |p| show_progress(p, to_stdout));
    }
    let interrupts = stop::on_signals(stop_flag);
    let result = session.client.apply(&plan, options).await;
    interrupts.abort();
    let (report, failed) = match result {
        Ok(report) => (report, None),
        Err(Error::ApplyPartial(report)) => (*report, Some(())),
        Err(other) => return Err(other.into()),
    };
    let in_sync = report.in_sync();
    if in_sync && default_dir {
        // Nothing is left to look into; a folder of finished journals would only pile up.
        let _ = std::fs::remove_dir_all(&dir);
    } else if !in_sync && !report.journals.is_empty() {
        notice(&format!(
            "journals of the grant moves: {}",
            render::escape(&dir.display().to_string())
        ));
    }
    if session.json {
        session.print(
            &json!({"plan": plan, "report": report, "in_sync": in_sync}),
            String::new,
        );
    } else {
        print!("{}", report_text(&report));
    }
    Ok(match (failed, in_sync) {
        (None, true) => 0,
        (Some(()), _) if report.stopped => EXIT_PARTIAL,
        _ => 1,
    })
}

/// A fresh folder name for the journals, in the current directory.
fn default_journal_dir() -> PathBuf {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    PathBuf::from(format!("apply-{secs}-{}", std::process::id()))
}

/// One line per step, and the bulk engine's chunk lines for grant steps: on stderr, or on
/// stdout for the tour.
fn show_progress(progress: &ApplyProgress, to_stdout: bool) {
    let line = match progress.grants {
        None => format!(
            "[{}/{}] {}",
            progress.step,
            progress.steps,
            render::escape_lines(&progress.description)
        ),
        Some(grants) => chunk_line(grants),
    };
    if to_stdout {
        println!("{line}");
    } else {
        notice(&line);
    }
}

/// What an apply did, and what is left.
fn report_text(report: &ApplyReport) -> String {
    let mut out = format!("{}\n", render::escape_lines(&report.to_string()));
    if !report.not_applied.is_empty() {
        out.push_str("not applied:\n");
        for change in &report.not_applied {
            out.push_str(&format!(
                "  {}\n",
                render::escape_lines(&change.to_string())
            ));
        }
        out.push_str("run apply again to finish: the new plan holds only what is left\n");
    }
    match &report.remaining {
        Some(remaining) if remaining.is_empty() => out.push_str("in sync\n"),
        Some(remaining) => {
            out.push_str("still different after applying:\n");
            for change in &remaining.changes {
                out.push_str(&format!(
                    "  {}\n",
                    render::escape_lines(&change.to_string())
                ));
            }
        }
        None => {}
    }
    out
}
