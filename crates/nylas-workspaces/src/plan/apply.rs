//! Carrying out a plan: [`Client::apply`], its options and its report.
//!
//! A plan with a refusal is not applied at all. Otherwise its changes run in plan order
//! (creates, updates, assignments and removals, deletes) through the crate's own calls, so
//! every rule the crate enforces still holds: creates and updates through `create_workspace`
//! and `update_workspace`, grants through the bulk engine (`manual_assign_with`, paced, one
//! journal per workspace), deletes through `delete_workspace`. Just before each update the
//! workspace is read again; if it differs from what the plan saw, apply stops with
//! [`Error::Conflict`] rather than overwrite a change it did not plan for (the API has no
//! ETag, so this narrows the window without closing it).
//!
//! The first failure, or the stop flag, ends the run: the error is
//! [`Error::ApplyPartial`] with a report of what was applied and what was not. Nothing is
//! rolled back; planning again gives exactly what is left, so running apply again finishes
//! the job. After a complete run the file is planned again and the report says whether the
//! application is in sync.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde::ser::SerializeStruct;

use super::change::{Change, FieldChange, Plan};
use crate::bulk::{ManualAssign, ManualAssignOptions, ManualAssignOutcome, Progress};
use crate::client::Client;
use crate::error::{Conflict, Error, Result, Rule};
use crate::model::Workspace;
use crate::requests::{CreateWorkspace, Patch, UpdateWorkspace};

/// What [`ApplyOptions::on_progress`] is told: a step starts, or a bulk assignment step
/// finished a chunk.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApplyProgress {
    /// The step, from 1.
    pub step: usize,
    /// How many steps the run has (a workspace's assign and remove are one step).
    pub steps: usize,
    /// The step's plan line(s), e.g. `→ assign 1,200 grants to Field team`.
    pub description: String,
    /// For a grants step, the bulk engine's progress after a chunk; `None` when the step
    /// starts.
    pub grants: Option<Progress>,
}

/// The progress callback type.
pub type ApplyProgressFn = dyn Fn(&ApplyProgress) + Send + Sync;

/// How [`Client::apply`] runs.
#[derive(Clone, Default)]
pub struct ApplyOptions {
    journal_dir: Option<PathBuf>,
    on_progress: Option<Arc<ApplyProgressFn>>,
    stop: Option<Arc<AtomicBool>>,
    concurrency: Option<usize>,
    replan: Option<bool>,
}

impl fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("journal_dir", &self.journal_dir)
            .field("on_progress", &self.on_progress.is_some())
            .field("stop_flag", &self.stop.is_some())
            .field("concurrency", &self.concurrency)
            .field("replan", &self.replan)
            .finish()
    }
}

impl ApplyOptions {
    /// The defaults: no journals, no callback, no stop flag, the bulk engine's concurrency,
    /// plan again after a complete run.
    pub fn new() -> Self {
        Self::default()
    }

    /// Journals each grants step to `dir/assign-<step>-<workspace id>.jsonl` (the format of
    /// [`ManualAssignOptions::journal`], readable with [`Journal::read`](crate::Journal::read)
    /// and resumable with [`Client::resume_manual_assign`]). The folder must exist.
    pub fn journal_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.journal_dir = Some(dir.into());
        self
    }

    /// Called as each step starts and after each chunk of a grants step.
    pub fn on_progress(
        mut self,
        callback: impl Fn(&ApplyProgress) + Send + Sync + 'static,
    ) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// Stops the run once `flag` is set: no further step starts, a grants step in progress
    /// sends no further chunk, and the run ends with [`Error::ApplyPartial`].
    pub fn stop_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.stop = Some(flag);
        self
    }

    /// How many requests of a grants step run at once (the bulk engine's default otherwise).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = Some(concurrency);
        self
    }

    /// Whether to plan again after a complete run (default true; needs a plan made from a
    /// file, by [`plan`](super::plan) or [`Client::plan`]).
    pub fn replan(mut self, replan: bool) -> Self {
        self.replan = Some(replan);
        self
    }

    fn stopped(&self) -> bool {
        self.stop.as_ref().is_some_and(|f| f.load(Ordering::SeqCst))
    }
}

/// What an apply did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct ApplyReport {
    /// The changes carried out, in order.
    pub applied: Vec<Change>,
    /// The changes not carried out (after a failure or a stop), the failed step's included.
    pub not_applied: Vec<Change>,
    /// The error that ended the run early, if one did.
    pub error: Option<Error>,
    /// True when the stop flag ended the run.
    pub stopped: bool,
    /// The workspaces created, as the API answered.
    pub created: Vec<Workspace>,
    /// The outcome of each grants step, by workspace id.
    pub assignments: Vec<(String, ManualAssignOutcome)>,
    /// The journals written, one per grants step.
    pub journals: Vec<PathBuf>,
    /// The plan made again after a complete run: empty when the application is in sync.
    /// `None` when the run did not complete or re-planning was off.
    pub remaining: Option<Plan>,
}

impl ApplyReport {
    /// True when the run completed and planning again found nothing left to do.
    pub fn in_sync(&self) -> bool {
        self.error.is_none() && !self.stopped && self.remaining.as_ref().is_some_and(Plan::is_empty)
    }

    /// The error that ended the run early.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }
}

impl fmt::Display for ApplyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} change(s) applied, {} not applied",
            self.applied.len(),
            self.not_applied.len()
        )?;
        if self.stopped {
            f.write_str(" (stopped)")?;
        }
        if let Some(error) = &self.error {
            write!(f, ": {error}")?;
        }
        Ok(())
    }
}

/// `{"applied": [...], "not_applied": [...], "error": text|null, "stopped": bool,
/// "in_sync": bool, "remaining": plan|null}`.
impl Serialize for ApplyReport {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ApplyReport", 7)?;
        s.serialize_field("applied", &self.applied)?;
        s.serialize_field("not_applied", &self.not_applied)?;
        s.serialize_field("error", &self.error.as_ref().map(ToString::to_string))?;
        s.serialize_field("stopped", &self.stopped)?;
        s.serialize_field("in_sync", &self.in_sync())?;
        s.serialize_field("journals", &self.journals)?;
        s.serialize_field("remaining", &self.remaining)?;
        s.end()
    }
}

/// One unit of work: a change, or a workspace's assign and remove together.
struct Step<'a> {
    changes: Vec<&'a Change>,
}

fn steps(plan: &Plan) -> Vec<Step<'_>> {
    let mut steps: Vec<Step<'_>> = Vec::new();
    let mut grants_step: HashMap<(Option<String>, Option<usize>), usize> = HashMap::new();
    for change in &plan.changes {
        if matches!(change, Change::Assign { .. } | Change::Remove { .. }) {
            let w = change.workspace();
            let key = (w.workspace_id.clone(), w.line);
            if let Some(&index) = grants_step.get(&key) {
                steps[index].changes.push(change);
                continue;
            }
            grants_step.insert(key, steps.len());
        }
        steps.push(Step {
            changes: vec![change],
        });
    }
    steps
}

impl Client {
    /// Carries out `plan` (see the module docs for the order, the conflict check and what
    /// happens on failure). A plan with refusals is refused whole
    /// ([`Rule::PlanHasRefusals`], nothing sent). Returns the report of a complete run; a run
    /// that ends early is [`Error::ApplyPartial`] carrying its report.
    pub async fn apply(&self, plan: &Plan, options: ApplyOptions) -> Result<ApplyReport> {
        let refused = plan.refusals().count();
        if refused > 0 {
            return Err(Error::invariant(
                Rule::PlanHasRefusals,
                format!(
                    "the plan has {refused} refused change(s); change the file so that none is left, then plan again"
                ),
            ));
        }
        if let Some(dir) = &options.journal_dir
            && !dir.is_dir()
        {
            return Err(Error::config(format!(
                "the journal folder {} does not exist",
                dir.display()
            )));
        }
        let steps = steps(plan);
        let total = steps.len();
        let mut report = ApplyReport::default();
        let mut created: BTreeMap<usize, String> = BTreeMap::new();
        for (index, step) in steps.iter().enumerate() {
            if options.stopped() {
                report.stopped = true;
                report.not_applied.extend(
                    steps[index..]
                        .iter()
                        .flat_map(|s| s.changes.iter().map(|c| (*c).clone())),
                );
                return Err(Error::ApplyPartial(Box::new(report)));
            }
            let description: Vec<String> = step.changes.iter().map(ToString::to_string).collect();
            if let Some(callback) = &options.on_progress {
                callback(&ApplyProgress {
                    step: index + 1,
                    steps: total,
                    description: description.join("\n"),
                    grants: None,
                });
            }
            let outcome = self
                .apply_step(
                    plan,
                    step,
                    index,
                    total,
                    &description.join("\n"),
                    &options,
                    &mut created,
                    &mut report,
                )
                .await;
            match outcome {
                Ok(()) => report
                    .applied
                    .extend(step.changes.iter().map(|c| (*c).clone())),
                Err(error) => {
                    report.stopped = options.stopped();
                    report.error = Some(error);
                    report.not_applied.extend(
                        steps[index..]
                            .iter()
                            .flat_map(|s| s.changes.iter().map(|c| (*c).clone())),
                    );
                    return Err(Error::ApplyPartial(Box::new(report)));
                }
            }
        }
        if options.replan.unwrap_or(true)
            && let Some(context) = &plan.context
        {
            match self.plan(&context.desired, context.options).await {
                Ok(remaining) => report.remaining = Some(remaining),
                // Every change went through, but whether the application is in sync is not
                // known: the caller must not be told it is.
                Err(error) => {
                    report.error = Some(error);
                    return Err(Error::ApplyPartial(Box::new(report)));
                }
            }
        }
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    async fn apply_step(
        &self,
        plan: &Plan,
        step: &Step<'_>,
        index: usize,
        total: usize,
        description: &str,
        options: &ApplyOptions,
        created: &mut BTreeMap<usize, String>,
        report: &mut ApplyReport,
    ) -> Result<()> {
        let first = step.changes[0];
        match first {
            Change::Create { workspace, fields } => {
                let new = self
                    .create_workspace(create_request(&workspace.name, fields))
                    .await?;
                if let Some(line) = workspace.line {
                    created.insert(line, new.workspace_id.clone());
                }
                report.created.push(new);
                Ok(())
            }
            Change::Update {
                workspace, fields, ..
            } => {
                let id = workspace
                    .workspace_id
                    .as_deref()
                    .expect("an update names its workspace");
                if let Some(seen) = plan.context.as_ref().and_then(|c| c.workspaces.get(id)) {
                    let now = self.get_workspace(id).await?;
                    if let Some(message) = differences(seen, &now) {
                        return Err(Error::Conflict(Box::new(Conflict {
                            workspace_id: id.to_owned(),
                            message: format!(
                                "it changed since the plan was made ({message}); plan again"
                            ),
                            found: now,
                        })));
                    }
                }
                self.update_workspace(id, update_request(fields)).await?;
                Ok(())
            }
            Change::Assign { workspace, .. } | Change::Remove { workspace, .. } => {
                let id = match (&workspace.workspace_id, workspace.line) {
                    (Some(id), _) => id.clone(),
                    (None, Some(line)) => created
                        .get(&line)
                        .cloned()
                        .expect("a created workspace's grants follow its create"),
                    (None, None) => unreachable!("grants of a create carry its line"),
                };
                let mut request = ManualAssign::new();
                for change in &step.changes {
                    match change {
                        Change::Assign { grant_ids, .. } => {
                            request = request.assign(grant_ids.iter().cloned())
                        }
                        Change::Remove { grant_ids, .. } => {
                            request = request.remove(grant_ids.iter().cloned())
                        }
                        _ => unreachable!("a grants step holds only assigns and removes"),
                    }
                }
                let mut bulk = ManualAssignOptions::new();
                if let Some(concurrency) = options.concurrency {
                    bulk = bulk.concurrency(concurrency);
                }
                if let Some(stop) = &options.stop {
                    bulk = bulk.stop_flag(stop.clone());
                }
                if let Some(callback) = &options.on_progress {
                    let callback = callback.clone();
                    let description = description.to_owned();
                    bulk = bulk.on_progress(move |progress| {
                        callback(&ApplyProgress {
                            step: index + 1,
                            steps: total,
                            description: description.clone(),
                            grants: Some(progress),
                        });
                    });
                }
                if let Some(dir) = &options.journal_dir {
                    let path = journal_path(dir, index + 1, &id);
                    report.journals.push(path.clone());
                    bulk = bulk.journal(path);
                }
                let outcome = self.manual_assign_with(&id, request, bulk).await;
                match outcome {
                    Ok(outcome) => {
                        report.assignments.push((id, outcome));
                        Ok(())
                    }
                    Err(Error::BulkPartial(outcome)) => {
                        report.assignments.push((id, (*outcome).clone()));
                        Err(Error::BulkPartial(outcome))
                    }
                    Err(other) => Err(other),
                }
            }
            Change::Delete { workspace } => {
                let id = workspace
                    .workspace_id
                    .as_deref()
                    .expect("a delete names its workspace");
                self.delete_workspace(id).await?;
                Ok(())
            }
            Change::Refused { .. } => unreachable!("a plan with refusals is not applied"),
        }
    }
}

fn journal_path(dir: &Path, step: usize, workspace_id: &str) -> PathBuf {
    let safe: String = workspace_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("assign-{step}-{safe}.jsonl"))
}

fn create_request(name: &str, fields: &[FieldChange]) -> CreateWorkspace {
    let mut request = CreateWorkspace::new(name);
    for field in fields {
        request = match field {
            FieldChange::Name { .. } => request,
            FieldChange::Domain { new, .. } => request.domain(new.clone()),
            FieldChange::AutoGroup { new, .. } => request.auto_group(*new),
            FieldChange::Policy { new: Some(p), .. } => request.policy_id(p.id.clone()),
            FieldChange::Policy { new: None, .. } => request,
            FieldChange::Rules { new, .. } => request.rule_ids(new.iter().map(|r| r.id.clone())),
        };
    }
    request
}

fn update_request(fields: &[FieldChange]) -> UpdateWorkspace {
    let mut update = UpdateWorkspace::new();
    for field in fields {
        match field {
            FieldChange::Name { new, .. } => update.name = Some(new.clone()),
            FieldChange::AutoGroup { new, .. } => update.auto_group = Some(*new),
            FieldChange::Policy { new, .. } => {
                update.policy_and_rules.policy_id = match new {
                    Some(p) => Patch::Set(p.id.clone()),
                    None => Patch::Clear,
                };
            }
            // An empty list rather than null: the docs and an SDK disagree on what null does.
            FieldChange::Rules { new, .. } => {
                update.policy_and_rules.rule_ids =
                    Patch::Set(new.iter().map(|r| r.id.clone()).collect());
            }
            FieldChange::Domain { .. } => unreachable!("a domain is never updated"),
        }
    }
    update
}

/// What differs between the workspace the plan saw and the one read now, in the fields a
/// plan manages.
fn differences(seen: &Workspace, now: &Workspace) -> Option<String> {
    let mut differs = Vec::new();
    if seen.name != now.name {
        differs.push(format!("name {} → {}", seen.name, now.name));
    }
    if seen.domain != now.domain {
        differs.push("domain".to_owned());
    }
    if seen.auto_group != now.auto_group {
        differs.push(format!(
            "auto_group {} → {}",
            seen.auto_group, now.auto_group
        ));
    }
    if seen.policy_id != now.policy_id {
        differs.push(format!(
            "policy {} → {}",
            seen.policy_id.as_deref().unwrap_or("(none)"),
            now.policy_id.as_deref().unwrap_or("(none)")
        ));
    }
    let a: HashSet<&String> = seen.rule_ids.iter().collect();
    let b: HashSet<&String> = now.rule_ids.iter().collect();
    if a != b {
        differs.push(format!(
            "rules [{}] → [{}]",
            seen.rule_ids.join(", "),
            now.rule_ids.join(", ")
        ));
    }
    (!differs.is_empty()).then(|| differs.join(", "))
}
