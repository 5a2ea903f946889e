//! `Client` / `AsyncClient` and their `workspaces` resources.
//!
//! Each operation is written once: an async function in [`ops`] that calls the crate, and an
//! entry in the list given to [`resource_twins!`], which generates the blocking and the
//! awaitable method from it. The crate's errors travel back unconverted, as an
//! [`errors::Answer`], and become Python exceptions only where the GIL is held.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use nylas_workspaces::{ClientBuilder, Error, ManualAssign, ManualAssignOptions, Region};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use pyo3_async_runtimes::tokio::future_into_py;

use crate::read::{
    Applications, AsyncApplications, AsyncGrants, AsyncPolicies, AsyncRules, Grants, Policies,
    Rules,
};
use crate::{args, errors, models, numbers, runtime};

/// `timeout=`'s default, the crate's: 90 seconds per attempt.
const DEFAULT_TIMEOUT: f64 = nylas_workspaces::DEFAULT_TIMEOUT.as_secs_f64();
/// `max_retries=`'s default, the crate's.
const DEFAULT_MAX_RETRIES: u32 = nylas_workspaces::DEFAULT_MAX_RETRIES;
/// `max_retry_wait=`'s default: the longest `Retry-After` waited out, 60 seconds (the
/// crate's default, which it does not export as a constant; the signature shows it).
const DEFAULT_MAX_RETRY_WAIT: f64 = nylas_workspaces::DEFAULT_MAX_RETRY_AFTER.as_secs_f64();

/// The crate client, configured from the Python arguments. The region name and the numbers
/// of seconds are judged by the crate (`Region::from_str`, `ClientBuilder::build`); a value
/// it refuses raises `ConfigurationError`, a `ValueError`.
#[allow(clippy::too_many_arguments)]
fn configure(
    py: Python<'_>,
    api_key: Option<String>,
    region: &str,
    api_uri: Option<String>,
    timeout: f64,
    max_retries: u32,
    max_retry_wait: f64,
    rate_limit: Option<&Bound<'_, PyAny>>,
) -> PyResult<nylas_workspaces::Client> {
    let py_err = |e| errors::to_py_err(py, e);
    let rate_limit = args::rate_limit(rate_limit)?;
    let max_retry_wait = judged_max_retry_wait(py, max_retry_wait)?;
    let mut builder = nylas_workspaces::Client::builder()
        .region(region.parse::<Region>().map_err(py_err)?)
        .timeout_secs(timeout)
        .max_retries(max_retries)
        .max_retry_after(max_retry_wait);
    if let Some(key) = api_key {
        builder = builder.api_key(key);
    }
    if let Some(uri) = api_uri {
        builder = builder.base_url(uri);
    }
    // NYLAS_API_KEY / NYLAS_API_URI fill whatever was not given, read by the crate.
    builder = builder.env_defaults();
    if let Some(limit) = rate_limit {
        builder = builder.rate_limit(limit);
    }
    builder.build().map_err(py_err)
}

/// `max_retry_wait=` judged by the crate's rule. The crate calls this setting
/// `max_retry_after`; asking its rule here, rather than leaving it to `build()` or
/// `with_options()`, only lets the refusal name the Python argument.
fn judged_max_retry_wait(py: Python<'_>, seconds: f64) -> PyResult<Duration> {
    ClientBuilder::check_max_retry_after_secs(seconds).map_err(|e| match e {
        Error::Config { message } => errors::to_py_err(
            py,
            Error::Config {
                message: format!("max_retry_wait={seconds} is refused: {message}"),
            },
        ),
        other => errors::to_py_err(py, other),
    })
}

/// `with_options(**options)` as the crate's [`RequestOptions`]: only conversions (a keyword
/// left out or `NOT_GIVEN` is not set; `None` is no value for a number); what is allowed is
/// the crate's decision, made in `Client::with_options`.
///
/// [`RequestOptions`]: nylas_workspaces::RequestOptions
fn request_options(
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<nylas_workspaces::RequestOptions> {
    use args::Given;
    use pyo3::exceptions::PyTypeError;

    let mut request = nylas_workspaces::RequestOptions::new();
    let Some(options) = options else {
        return Ok(request);
    };
    for (key, _) in options.iter() {
        let key: String = key.extract()?;
        if !["timeout", "max_retries", "max_retry_wait", "extra_headers"].contains(&key.as_str()) {
            return Err(PyTypeError::new_err(format!(
                "with_options() got an unexpected keyword argument {key:?}"
            )));
        }
    }
    let number = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        let value = options.get_item(name)?;
        match args::given::<Bound<'_, PyAny>>(value.as_ref(), name)? {
            Given::Omitted => Ok(None),
            Given::Null => Err(PyTypeError::new_err(format!(
                "{name} must be a number, not None (leave it out to keep the client's value)"
            ))),
            Given::Value(value) => Ok(Some(value)),
        }
    };
    if let Some(value) = number("timeout")? {
        request = request.timeout_secs(numbers::timeout(&value)?);
    }
    if let Some(value) = number("max_retries")? {
        request = request.max_retries(numbers::max_retries(&value)?);
    }
    if let Some(value) = number("max_retry_wait")? {
        let seconds = numbers::max_retry_wait(&value)?;
        request = request.max_retry_after(judged_max_retry_wait(options.py(), seconds)?);
    }
    let headers = options.get_item("extra_headers")?;
    if let Given::Value(headers) =
        args::given::<Bound<'_, PyAny>>(headers.as_ref(), "extra_headers")?
    {
        let items = headers
            .call_method0("items")
            .map_err(|_| PyTypeError::new_err("extra_headers must be a mapping of str to str"))?;
        for item in items.try_iter()? {
            let (name, value): (String, String) = item?.extract().map_err(|_| {
                PyTypeError::new_err("extra_headers must be a mapping of str to str")
            })?;
            request = request.header(name, value);
        }
    }
    Ok(request)
}

/// One async function per operation: call the crate, keep its error for the boundary.
mod ops {
    use super::*;
    use errors::Reported;
    use nylas_workspaces::{AutoGroup, Client, CreateWorkspace, Result, UpdateWorkspace};

    pub async fn list(c: Client) -> Result<Vec<models::Workspace>> {
        Ok(c.list_workspaces()
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
    pub async fn get(c: Client, id: String) -> Result<models::Workspace> {
        c.get_workspace(&id).await.map(Into::into)
    }
    pub async fn default(c: Client) -> Result<Option<models::Workspace>> {
        Ok(c.default_workspace().await?.map(Into::into))
    }
    pub async fn create(c: Client, r: CreateWorkspace) -> Result<models::Workspace> {
        c.create_workspace(r).await.map(Into::into)
    }
    pub async fn update(c: Client, id: String, r: UpdateWorkspace) -> Result<models::Workspace> {
        c.update_workspace(&id, r).await.map(Into::into)
    }
    pub async fn delete(c: Client, id: String) -> Result<String> {
        c.delete_workspace(&id).await
    }
    pub async fn auto_group(c: Client, r: AutoGroup) -> Result<models::AutoGroupJob> {
        c.auto_group(r).await.map(Into::into)
    }
    pub async fn attach_rules(
        c: Client,
        id: String,
        ids: Vec<String>,
    ) -> Result<models::Workspace> {
        c.attach_rules(&id, ids).await.map(Into::into)
    }
    pub async fn detach_rules(
        c: Client,
        id: String,
        ids: Vec<String>,
    ) -> Result<models::Workspace> {
        c.detach_rules(&id, ids).await.map(Into::into)
    }
    pub async fn set_policy(
        c: Client,
        id: String,
        policy_id: Option<String>,
    ) -> Result<models::Workspace> {
        c.set_policy(&id, policy_id.as_deref())
            .await
            .map(Into::into)
    }
    pub async fn manual_assign(
        c: Client,
        id: String,
        r: ManualAssign,
        options: ManualAssignOptions,
    ) -> Result<models::ManualAssignResult, Reported> {
        let report = options.journal_path().map(PathBuf::from);
        c.manual_assign_with(&id, r, options)
            .await
            .map(Into::into)
            .map_err(|error| Reported { error, report })
    }
    pub async fn resume_manual_assign(
        c: Client,
        report: PathBuf,
        options: ManualAssignOptions,
    ) -> Result<models::ManualAssignResult, Reported> {
        c.resume_manual_assign(&report, options)
            .await
            .map(Into::into)
            .map_err(|error| Reported {
                error,
                report: Some(report),
            })
    }
}

/// The options of `manual_assign` and `resume_manual_assign`: `concurrency=`, and
/// `report=`, the journal the run is recorded in.
fn assign_options(concurrency: Option<usize>, report: Option<PathBuf>) -> ManualAssignOptions {
    let mut options = ManualAssignOptions::new();
    if let Some(n) = concurrency {
        options = options.concurrency(n);
    }
    if let Some(path) = report {
        options = options.journal(path);
    }
    options
}

/// How long a Ctrl-C'd `manual_assign` waits for the chunks already in flight.
const INTERRUPT_GRACE: Duration = Duration::from_secs(30);

/// The blocking `manual_assign`: on Ctrl-C the assignment is stopped gently rather than
/// aborted, so that what it did is reported (see `runtime::block_on_stoppable`).
fn manual_assign_blocking<'py>(
    py: Python<'py>,
    client: nylas_workspaces::Client,
    workspace_id: String,
    request: ManualAssign,
    options: ManualAssignOptions,
) -> PyResult<Bound<'py, PyAny>> {
    let report = options.journal_path().map(PathBuf::from);
    stoppable(py, options, report, move |options| async move {
        client
            .manual_assign_with(&workspace_id, request, options)
            .await
    })
}

/// The blocking `resume_manual_assign`, stopped on Ctrl-C as `manual_assign` is.
fn resume_manual_assign_blocking<'py>(
    py: Python<'py>,
    client: nylas_workspaces::Client,
    report: PathBuf,
    options: ManualAssignOptions,
) -> PyResult<Bound<'py, PyAny>> {
    let path = report.clone();
    stoppable(py, options, Some(report), move |options| async move {
        client.resume_manual_assign(&path, options).await
    })
}

/// Runs the assignment `start` builds from `options` (given a stop flag) on the calling
/// thread; Ctrl-C sets the flag and raises `BulkAssignInterrupted` with what was done.
/// `report` is the journal the run writes, named on the exceptions.
fn stoppable<'py, F>(
    py: Python<'py>,
    options: ManualAssignOptions,
    report: Option<PathBuf>,
    start: impl FnOnce(ManualAssignOptions) -> F,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = nylas_workspaces::Result<nylas_workspaces::ManualAssignOutcome>>
        + Send
        + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let assignment = start(options.stop_flag(Arc::clone(&stop)));
    let result = match runtime::block_on_stoppable(py, assignment, stop, INTERRUPT_GRACE)? {
        runtime::Stoppable::Finished(result) => result,
        runtime::Stoppable::Stopped(result, signal) => {
            let report = report.as_deref();
            return Err(match result {
                // Finished anyway (the last chunks were already in flight): still raise, so
                // the Ctrl-C is not lost, with the complete outcome.
                Ok(outcome) => errors::interrupted(py, &outcome, report),
                Err(Error::BulkPartial(outcome)) => errors::interrupted(py, &outcome, report),
                // Failed before any chunk was planned (a check, the workspace lookup):
                // nothing was moved; the Ctrl-C wins and the error rides along as its cause.
                Err(other) => {
                    signal.set_cause(py, Some(errors::reported_err(py, other, report)));
                    signal
                }
            });
        }
    };
    let answer = result.map(models::ManualAssignResult::from);
    errors::Answer(answer.map_err(|error| errors::Reported { error, report })).into_pyobject(py)
}

resource_twins! {
    /// Synchronous access to `/v3/workspaces`: every method blocks until Nylas answers.
    ///
    /// Reached as `Client.workspaces`; not built directly.
    sync Workspaces;
    /// Asynchronous access to `/v3/workspaces`: every method returns an awaitable.
    ///
    /// Reached as `AsyncClient.workspaces`; not built directly. The methods take the same
    /// arguments as those of `Workspaces` and their awaitables give the same results.
    async AsyncWorkspaces;

    /// Lists every workspace of the application, reading every page.
    ///
    /// Returns:
    ///     A list of `Workspace` (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     LimitExceededError: The listing is larger than the client's limit.
    ///     APIError: Nylas answered with an error status (a subclass per status).
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn list() => ops::list();

    /// Fetches one workspace.
    ///
    /// Args:
    ///     workspace_id: The workspace's id, or its domain.
    ///
    /// Returns:
    ///     The `Workspace` (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     InvariantError: `workspace_id` is empty, `.`, `..` or holds control characters;
    ///         nothing was sent.
    ///     NotFoundError: No such workspace.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn get(workspace_id: String) => ops::get(workspace_id);

    /// Finds the application's default workspace.
    ///
    /// Asks the application for its `default_workspace_id` and reads that workspace; when
    /// the application does not name one, looks through the list for the workspace marked
    /// `default`.
    ///
    /// Returns:
    ///     The default `Workspace`, or None when the application has none (an awaitable of
    ///     it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     APIError: Nylas answered with an error status (a subclass per status).
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn default() => ops::default();

    /// Creates a workspace.
    ///
    /// A retried attempt never creates a second one: each call sends one idempotency key.
    ///
    /// Args:
    ///     name: The workspace's name; not empty.
    ///     domain: The email domain whose grants the workspace groups, or None.
    ///     auto_group: Whether new grants of `domain` join the workspace by themselves
    ///         (needs `domain`); None leaves it to Nylas.
    ///     policy_id: The id of a policy to attach, or None.
    ///     rule_ids: A sequence of rule ids to attach (not a single string), or None.
    ///
    /// Returns:
    ///     The new `Workspace` (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     InvariantError: A documented rule is broken (an empty name or domain, `auto_group`
    ///         without a domain, an empty id); nothing was sent.
    ///     TypeError: `rule_ids` is a string, or holds something other than strings.
    ///     APIError: Nylas answered with an error status (a subclass per status).
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    #[pyo3(signature = (name, *, domain=None, auto_group=None, policy_id=None, rule_ids=None))]
    fn create(
        name: String,
        domain: Option<String>,
        auto_group: Option<bool>,
        policy_id: Option<String>,
        rule_ids: Option<Bound<'py, PyAny>>,
    ) => ops::create(args::create(name, domain, auto_group, policy_id, rule_ids.as_ref())?);

    /// Changes some fields of a workspace and leaves the others as they are.
    ///
    /// Called as `update(workspace_id, *, name=NOT_GIVEN, auto_group=NOT_GIVEN,
    /// policy_id=NOT_GIVEN, rule_ids=NOT_GIVEN)`. Each field takes three kinds of value:
    /// `NOT_GIVEN` (the default) keeps it and is not sent, None detaches it (`policy_id`,
    /// `rule_ids`), any other value sets it. (`inspect.signature` cannot show these defaults:
    /// CPython evaluates only literal defaults of a native method, so it raises ValueError.)
    ///
    /// Args:
    ///     workspace_id: The workspace's id.
    ///     name: The new name. Default `NOT_GIVEN`; None is refused.
    ///     auto_group: Whether new grants of the workspace's domain join it by themselves.
    ///         Default `NOT_GIVEN`; None is refused.
    ///     policy_id: The policy to attach, or None to detach the current one. Default
    ///         `NOT_GIVEN`.
    ///     rule_ids: A sequence of rule ids replacing the current ones, or None to detach
    ///         them all. Default `NOT_GIVEN`.
    ///
    /// Returns:
    ///     The updated `Workspace` (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     InvariantError: Nothing would change, `name` or `auto_group` targets the default
    ///         workspace, or `auto_group=True` targets one without a domain; nothing was
    ///         sent.
    ///     TypeError: An unknown keyword, a value of the wrong type, or None for `name` or
    ///         `auto_group`.
    ///     NotFoundError: No such workspace.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    #[pyo3(signature = (workspace_id, **changes))]
    #[pyo3(
        text_signature = "(self, workspace_id, *, name=NOT_GIVEN, auto_group=NOT_GIVEN, policy_id=NOT_GIVEN, rule_ids=NOT_GIVEN)"
    )]
    fn update(workspace_id: String, changes: Option<&Bound<'py, PyDict>>)
        => ops::update(workspace_id, args::update(changes)?);

    /// Deletes a workspace.
    ///
    /// Args:
    ///     workspace_id: The workspace's id.
    ///
    /// Returns:
    ///     The request id of the deletion (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     InvariantError: `workspace_id` is the default workspace, which cannot be deleted,
    ///         or is not a usable id; nothing was sent.
    ///     NotFoundError: No such workspace.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn delete(workspace_id: String) => ops::delete(workspace_id);

    /// Starts a background job that sorts grants into workspaces by email domain.
    ///
    /// Nylas allows one call per minute per application; a refused call raises
    /// `RateLimitError` with `retry_after` set.
    ///
    /// Args:
    ///     after_created_at: Only grants created after this instant: Unix seconds (an int)
    ///         or a timezone-aware `datetime`; None for every grant.
    ///     invalid_also: Whether invalid grants are sorted too; None leaves it to Nylas.
    ///     specific_domain: Only grants of this email domain; None for every domain.
    ///
    /// Returns:
    ///     The started `AutoGroupJob` (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     InvariantError: `after_created_at` is before 1970; nothing was sent.
    ///     TypeError: `after_created_at` is neither an int nor a `datetime` (a bool is
    ///         refused).
    ///     ValueError: `after_created_at` is a naive `datetime`.
    ///     RateLimitError: Called again within the minute.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    #[pyo3(signature = (*, after_created_at=None, invalid_also=None, specific_domain=None))]
    fn auto_group(
        after_created_at: Option<Bound<'py, PyAny>>,
        invalid_also: Option<bool>,
        specific_domain: Option<String>,
    ) => ops::auto_group(
        args::auto_group(after_created_at.as_ref(), invalid_also, specific_domain)?,
    );

    /// Attaches rules to a workspace, keeping its other rules and their order.
    ///
    /// A read-modify-write done for you: the ids are first checked to be rules of the
    /// application (one listing of the rules), then the workspace is read, the new ids are
    /// appended after the current ones (ids already attached stay where they are), the
    /// list is written only if it changes, and the workspace is read back.
    ///
    /// Args:
    ///     workspace_id: The workspace's id.
    ///     rule_ids: A sequence of rule ids (not a single string), at least one.
    ///
    /// Returns:
    ///     The `Workspace` as read back after the write, or as it was when nothing had to
    ///     change (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     InvariantError: No id, an empty id, or ids that are not rules of the application
    ///         (`rule == "unknown_reference"`, the message names them); nothing was changed.
    ///     TypeError: `rule_ids` is a single string or holds something other than strings.
    ///     ConcurrentChangeError: The workspace read back differs from what was written:
    ///         another writer changed it at the same moment (`found` is what it now holds).
    ///     NotFoundError: No such workspace.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn attach_rules(workspace_id: String, rule_ids: Bound<'py, PyAny>)
        => ops::attach_rules(workspace_id, args::id_list(&rule_ids, "rule_ids")?);

    /// Detaches rules from a workspace, keeping its other rules and their order.
    ///
    /// Checked, written and read back as `attach_rules` is. Ids that are rules of the
    /// application but not attached to the workspace are ignored.
    ///
    /// Args:
    ///     workspace_id: The workspace's id.
    ///     rule_ids: A sequence of rule ids (not a single string), at least one.
    ///
    /// Returns:
    ///     The `Workspace` as read back after the write, or as it was when nothing had to
    ///     change (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     InvariantError: No id, an empty id, or ids that are not rules of the application
    ///         (`rule == "unknown_reference"`); nothing was changed.
    ///     TypeError: `rule_ids` is a single string or holds something other than strings.
    ///     ConcurrentChangeError: The workspace read back differs from what was written.
    ///     NotFoundError: No such workspace.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    fn detach_rules(workspace_id: String, rule_ids: Bound<'py, PyAny>)
        => ops::detach_rules(workspace_id, args::id_list(&rule_ids, "rule_ids")?);

    /// Attaches a policy to a workspace, or detaches its policy.
    ///
    /// The policy is first checked to be the application's (one read of it), then the
    /// workspace is read, written only if its policy differs, and read back.
    ///
    /// Args:
    ///     workspace_id: The workspace's id.
    ///     policy_id: The id of the policy to attach, or None to detach the current one.
    ///
    /// Returns:
    ///     The `Workspace` as read back after the write, or as it was when nothing had to
    ///     change (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     InvariantError: An empty id, or one that is not a policy of the application
    ///         (`rule == "unknown_reference"`); nothing was changed.
    ///     ConcurrentChangeError: The workspace read back shows another policy.
    ///     NotFoundError: No such workspace.
    ///     APIError: Nylas answered with another error status.
    ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
    #[pyo3(signature = (workspace_id, policy_id))]
    fn set_policy(workspace_id: String, policy_id: Option<String>)
        => ops::set_policy(workspace_id, policy_id);

    /// Moves grants into and out of a workspace, in chunks of at most 500 ids per list.
    ///
    /// Every id is accounted for, in the result or in the exception.
    ///
    /// Blocking (`Workspaces`): on Ctrl-C no further chunk is sent, the requests already in
    /// flight are given up to 30 seconds to finish, and `BulkAssignInterrupted` (a
    /// `KeyboardInterrupt`) is raised with what was done and what was not: pass
    /// `**err.retry_request()` to `manual_assign` to finish the job. A second Ctrl-C during
    /// that wait abandons the requests in flight and raises a plain `KeyboardInterrupt`.
    ///
    /// Awaitable (`AsyncWorkspaces`): cancelling the task (`task.cancel()`, a timeout,
    /// Ctrl-C under `asyncio.run`) drops the assignment: no further chunk is sent and the
    /// requests in flight are abandoned, so what they did is not reported by the exception.
    /// Give `report=` to keep it: the journal holds every result as it arrives, and
    /// `resume_manual_assign(report)` finishes the job.
    ///
    /// Args:
    ///     workspace_id: The workspace the grants move into or out of; its `auto_group` must
    ///         be off.
    ///     assign_grants: A sequence of grant ids to move into the workspace (not a single
    ///         string), or None.
    ///     remove_grants: A sequence of grant ids to move out of it, or None. Together with
    ///         `assign_grants` at least one id, and no id in both.
    ///     concurrency: How many requests run at a time, at least 1; None for 4.
    ///     report: A path (str or `os.PathLike`) of a journal to record the run in, created
    ///         or truncated, written and synced before any assignment is sent and after each
    ///         request; it survives a crash or a kill, and `resume_manual_assign(report)`
    ///         sends exactly what it does not confirm. The format of the CLI's `--report`.
    ///         None keeps no journal.
    ///
    /// Returns:
    ///     A `ManualAssignResult` (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     InvariantError: A documented rule is broken (no ids, an empty id, an id both
    ///         assigned and removed, an auto-group workspace, `concurrency=0`); nothing was
    ///         sent.
    ///     TypeError: A list is a single string or holds something other than strings, or
    ///         `concurrency` is not an int.
    ///     OverflowError: `concurrency` is negative or too large.
    ///     JournalError: `report` cannot be written; nothing was sent.
    ///     BulkAssignError: Some chunks failed; it tells which ids moved and which did not.
    ///     BulkAssignInterrupted: Ctrl-C stopped a blocking call (see above).
    ///     APIError: The check of the workspace, before any chunk, got an error status.
    ///     APIConnectionError: That check got no answer.
    #[pyo3(signature = (
        workspace_id, *, assign_grants=None, remove_grants=None, concurrency=None, report=None
    ))]
    fn manual_assign(
        workspace_id: String,
        assign_grants: Option<Bound<'py, PyAny>>,
        remove_grants: Option<Bound<'py, PyAny>>,
        #[pyo3(from_py_with = numbers::concurrency)] concurrency: Option<usize>,
        report: Option<PathBuf>,
    ) => ops::manual_assign(
        workspace_id,
        args::manual_assign(assign_grants.as_ref(), remove_grants.as_ref())?,
        assign_options(concurrency, report),
    ), blocking = manual_assign_blocking;

    /// Finishes a manual assignment recorded with `report=`.
    ///
    /// The run may have been here or in another process (also one that was killed, or the
    /// CLI's `--report`): the journal is read, exactly the ids it does not confirm are sent
    /// again (failed, never sent, or in flight when the run died; sending an id twice is
    /// harmless), and the same file goes on being appended to. When nothing is left,
    /// nothing is sent. Ctrl-C and task cancellation behave as for `manual_assign`.
    ///
    /// Args:
    ///     report: The path (str or `os.PathLike`) of the journal.
    ///     concurrency: How many requests run at a time, at least 1; None for 4.
    ///
    /// Returns:
    ///     A `ManualAssignResult` covering every id of the original plan, earlier runs
    ///     included (an awaitable of it on `AsyncWorkspaces`).
    ///
    /// Raises:
    ///     JournalError: The file is not a journal, was altered, or cannot be read or
    ///         appended to; nothing was sent.
    ///     InvariantError: `concurrency=0`; nothing was sent.
    ///     TypeError: `concurrency` is not an int.
    ///     OverflowError: `concurrency` is negative or too large.
    ///     BulkAssignError: Some chunks failed again; it covers the whole plan.
    ///     BulkAssignInterrupted: Ctrl-C stopped a blocking call.
    #[pyo3(signature = (report, *, concurrency=None))]
    fn resume_manual_assign(
        report: PathBuf,
        #[pyo3(from_py_with = numbers::concurrency)] concurrency: Option<usize>,
    ) => ops::resume_manual_assign(report, assign_options(concurrency, None)),
        blocking = resume_manual_assign_blocking;
}

client_twins! {
    shared {
        /// Plans a workspaces file against the application: what `apply` would change.
        ///
        /// Sends only reads (the workspaces, policies, rules and application, and every grant
        /// once when the file lists grants). Changes the API would refuse are planned as
        /// refusals and never attempted; see the README's "Workspaces as code" for the file
        /// format and the rules of matching.
        ///
        /// Args:
        ///     path_or_dict: The file, as a path (str or `os.PathLike`; YAML or JSON, at most
        ///         64 MiB, `grants_file` paths relative to it), or the same content as a dict
        ///         (`{"version": 1, "workspaces": [...]}`; `grants_file` paths relative to the
        ///         current directory). Read and checked by this call, before anything is sent.
        ///     prune: Also plan the deletion of every live workspace the file does not
        ///         mention (never the default workspace).
        ///
        /// Returns:
        ///     A `Plan` (an awaitable of it on `AsyncClient`).
        ///
        /// Raises:
        ///     PlanFileError: The file cannot be used: unreadable, not YAML, an unknown key, a
        ///         bad value or version, a duplicate entry, a policy or rule name that names
        ///         nothing or several, an entry several workspaces match. `file`, `line`
        ///         (None for a dict) and `kind` say where and what.
        ///     TypeError: `path_or_dict` is neither a path nor a dict, or the dict holds
        ///         values JSON cannot hold.
        ///     APIError: Nylas answered a read with an error status.
        ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        #[pyo3(signature = (path_or_dict, prune=false))]
        fn plan(path_or_dict: Bound<'py, PyAny>, prune: bool)
            => as_code::plan(crate::as_code::source(&path_or_dict, false)?, prune);

        /// Brings the application to a workspaces file, or carries out a `Plan`.
        ///
        /// A file or dict is planned first (as `plan` does); a `Plan` is applied as it was
        /// planned. A plan with a refusal is refused whole before anything is changed. The
        /// changes then run in plan order: creates, updates (each workspace read again first:
        /// one changed since the plan was made stops the run rather than being overwritten),
        /// grant moves (through the bulk engine, one journal per workspace in `journal_dir`),
        /// deletes. After a complete run the file is planned again: `report.in_sync` tells
        /// whether anything is left. Nothing is rolled back after a failure; applying the
        /// same file again finishes the job.
        ///
        /// Blocking (`Client`): on Ctrl-C no further step starts, a grants step sends no
        /// further chunk, the requests in flight are given up to 30 seconds, and
        /// `ApplyInterrupted` (a `KeyboardInterrupt`) is raised with the report. A second
        /// Ctrl-C abandons the requests in flight. Awaitable (`AsyncClient`): cancelling the
        /// task drops the run; give `journal_dir` to keep the record of the grant moves.
        ///
        /// Args:
        ///     path_or_dict_or_plan: A path (str or `os.PathLike`) or a dict, as for `plan`,
        ///         or a `Plan` that `plan` returned.
        ///     prune: For a file or dict, also delete the live workspaces it does not mention
        ///         (never the default workspace). Must stay False with a `Plan`, which keeps
        ///         the options it was planned with.
        ///     journal_dir: An existing folder (str or `os.PathLike`) to journal each grants
        ///         step in (`assign-<step>-<workspace id>.jsonl`, readable by
        ///         `resume_manual_assign`), or None for no journals.
        ///
        /// Returns:
        ///     An `ApplyReport` of the complete run (an awaitable of it on `AsyncClient`).
        ///
        /// Raises:
        ///     InvariantError: The plan has refusals (`rule == "plan_has_refusals"`); nothing
        ///         was changed.
        ///     PlanFileError: The file cannot be used (see `plan`); nothing was sent.
        ///     ConfigurationError: `journal_dir` is not an existing folder; nothing was
        ///         changed.
        ///     ApplyError: The run ended early (a failure, or a concurrent change); `report`
        ///         says what was applied and what was not, `__cause__` is the error.
        ///     ApplyInterrupted: Ctrl-C stopped a blocking call (see above).
        ///     TypeError: An argument of the wrong kind.
        ///     ValueError: `prune=True` with a `Plan`.
        ///     APIError: Nylas answered a read of the planning with an error status.
        ///     APIConnectionError: No answer came to such a read.
        #[pyo3(signature = (path_or_dict_or_plan, prune=false, *, journal_dir=None))]
        fn apply(
            path_or_dict_or_plan: Bound<'py, PyAny>,
            prune: bool,
            journal_dir: Option<PathBuf>,
        ) => as_code::apply(
            {
                let source = crate::as_code::source(&path_or_dict_or_plan, true)?;
                crate::as_code::check_prune(&source, prune)?;
                source
            },
            prune,
            crate::as_code::apply_options(journal_dir),
        ), blocking = crate::as_code::apply_blocking;

        /// Writes the application as a workspaces file that plans back to no changes.
        ///
        /// Every managed field is written (`policy: null`, `rules: []`), policies and rules
        /// by name where the name leads back to the id, else by id. Sends only reads.
        ///
        /// Args:
        ///     grants: Also list the grants of every manual (not auto-grouping) workspace
        ///         other than the default one (one walk over every grant).
        ///
        /// Returns:
        ///     The file, as YAML text (an awaitable of it on `AsyncClient`).
        ///
        /// Raises:
        ///     PlanFileError: No file can describe the application (`kind ==
        ///         "not_exportable"`, e.g. two workspaces without a domain share a name).
        ///     APIError: Nylas answered with an error status.
        ///     APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        #[pyo3(signature = (grants=false))]
        fn export(grants: bool) => as_code::export(grants);
    }

    /// The synchronous client: calls block the calling thread, not other Python threads.
    ///
    /// `timeout` bounds each attempt of a request, not the call: a failed attempt is retried
    /// up to `max_retries` times, and before a retry the client may first wait out a
    /// `Retry-After` of at most `max_retry_wait` seconds. The worst case of one call is
    /// therefore about `(max_retries + 1) * timeout` plus up to `max_retries` such waits and
    /// a short backoff. Usable as a context manager (`with Client() as client:`).
    ///
    /// Args:
    ///     api_key: The Nylas API key; None reads `NYLAS_API_KEY`. Never shown in a repr,
    ///         a log or an error.
    ///     region: The Nylas region, `"us"` or `"eu"`.
    ///     api_uri: A base URL to use instead of the region's (also read from
    ///         `NYLAS_API_URI`), such as an emulator's; None for the region's.
    ///     timeout: Seconds each attempt of a request may take (not the whole call).
    ///     max_retries: How many times a failed attempt is retried (0 never retries).
    ///     max_retry_wait: The longest `Retry-After`, in seconds, waited out before a retry;
    ///         a longer one is raised at once as `RateLimitError` with `retry_after` set,
    ///         and 0 never waits.
    ///     rate_limit: Paces every request of the client: None (no pacing), requests per
    ///         second, or `{"rate": ..., "burst": ..., "adaptive": ...}` with `rate`
    ///         required.
    ///
    /// Raises:
    ///     ConfigurationError: No API key, an unknown region, a refused base URL or a
    ///         number of seconds or a rate the client cannot use.
    ///     TypeError: An argument of the wrong type (a bool for a number, ...).
    ///     OverflowError: An int too large for its setting.
    Client (blocking) => Workspaces, Grants, Applications, Policies, Rules {
        fn __enter__(slf: Py<Self>) -> Py<Self> {
            slf
        }

        #[pyo3(signature = (*_exc))]
        fn __exit__(&self, _exc: &Bound<'_, PyTuple>) -> bool {
            false
        }

        /// Closes the client.
        ///
        /// Releases nothing today (connections close when the client is dropped); present
        /// so that `with Client() as c:` and an explicit `close()` both read naturally.
        fn close(&self) {}
    }

    /// The asynchronous client: the same surface as `Client`, every call awaitable.
    ///
    /// The arguments mean what they mean for `Client`: `timeout` bounds each attempt, and a
    /// call may take about `(max_retries + 1) * timeout` plus up to `max_retries` waits of at
    /// most `max_retry_wait` seconds each for a `Retry-After`. Usable as an async context
    /// manager (`async with AsyncClient() as client:`).
    ///
    /// Cancelling the task of a `manual_assign` stops sending and abandons the requests in
    /// flight; with `report=` the journal keeps the outcome of every request that finished,
    /// and `resume_manual_assign(report)` finishes the job.
    ///
    /// Args:
    ///     api_key: The Nylas API key; None reads `NYLAS_API_KEY`. Never shown in a repr,
    ///         a log or an error.
    ///     region: The Nylas region, `"us"` or `"eu"`.
    ///     api_uri: A base URL to use instead of the region's (also read from
    ///         `NYLAS_API_URI`), such as an emulator's; None for the region's.
    ///     timeout: Seconds each attempt of a request may take (not the whole call).
    ///     max_retries: How many times a failed attempt is retried (0 never retries).
    ///     max_retry_wait: The longest `Retry-After`, in seconds, waited out before a retry;
    ///         a longer one is raised at once as `RateLimitError` with `retry_after` set,
    ///         and 0 never waits.
    ///     rate_limit: Paces every request of the client: None (no pacing), requests per
    ///         second, or `{"rate": ..., "burst": ..., "adaptive": ...}` with `rate`
    ///         required.
    ///
    /// Raises:
    ///     ConfigurationError: No API key, an unknown region, a refused base URL or a
    ///         number of seconds or a rate the client cannot use.
    ///     TypeError: An argument of the wrong type (a bool for a number, ...).
    ///     OverflowError: An int too large for its setting.
    AsyncClient (awaitable) => AsyncWorkspaces, AsyncGrants, AsyncApplications, AsyncPolicies, AsyncRules {
        fn __aenter__<'py>(slf: Py<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            future_into_py(py, async move { Ok(slf) })
        }

        #[pyo3(signature = (*_exc))]
        fn __aexit__<'py>(
            &self,
            py: Python<'py>,
            _exc: &Bound<'py, PyTuple>,
        ) -> PyResult<Bound<'py, PyAny>> {
            future_into_py(py, async move { Ok(false) })
        }

        /// Closes the client; an awaitable that does nothing, mirroring `Client.close()`.
        ///
        /// Returns:
        ///     An awaitable of None.
        fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            future_into_py(py, async move { Ok(()) })
        }
    }
}
