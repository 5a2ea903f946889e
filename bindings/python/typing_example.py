"""A small, fully typed use of the package; `mypy --strict` must accept it unchanged.

It is type-checked only (never run), so it documents the intended typed surface.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, Optional

import nylas_workspaces as nw


def rename_unless_default(client: nw.Client, workspace_id: str) -> Optional[nw.Workspace]:
    ws: nw.Workspace = client.workspaces.get(workspace_id)
    if ws.default:
        return None
    return client.workspaces.update(workspace_id, name="Renamed", policy_id=None,
                                    rule_ids=nw.NOT_GIVEN)


def assign_all(client: nw.Client, workspace_id: str, ids: list[str]) -> list[str]:
    try:
        result: nw.ManualAssignResult = client.workspaces.manual_assign(
            workspace_id, assign_grants=ids)
        return result.grants_assigned
    except nw.BulkAssignInterrupted as stopped:
        pending: nw.RetryRequest = stopped.retry_request()
        print(len(stopped.assigned), len(stopped.not_sent), pending["assign_grants"])
        raise
    except nw.BulkAssignError as err:
        failures: dict[str, nw.NylasWorkspacesError] = err.failed
        unsent: list[str] = err.not_sent
        print(sorted(failures), unsent, err.removed, err.request_ids)
        client.workspaces.manual_assign(workspace_id, **err.retry_request())
        return err.grants_assigned + err.assigned
    except nw.RateLimitError as err:
        wait: Optional[float] = err.retry_after
        print(wait, err.request_id, err.status)
        return []


def assign_with_report(client: nw.Client, workspace_id: str, ids: list[str],
                       report: Path) -> nw.ManualAssignResult:
    try:
        return client.workspaces.manual_assign(workspace_id, assign_grants=ids,
                                               concurrency=2, report=report)
    except nw.BulkAssignError as err:
        journal: Optional[str] = err.report
        assert journal is not None
        return client.workspaces.resume_manual_assign(journal, concurrency=1)
    except nw.JournalError as err:
        where: str = err.path
        line: Optional[int] = err.line
        print(where, err.kind, line)
        raise


async def resume_async(client: nw.AsyncClient, report: str) -> list[str]:
    result = await client.workspaces.resume_manual_assign(report)
    return result.grants_assigned


def describe(err: nw.NylasWorkspacesError) -> str:
    if isinstance(err, nw.LimitExceededError):
        limit: int = err.limit
        return f"{err.setting} {limit} {err.request_id}"
    if isinstance(err, nw.InvalidRequestError):
        return err.operation
    if isinstance(err, nw.APIError):
        location: Optional[str] = err.location
        return f"{err.status} {location}"
    return err.message


def start_grouping(client: nw.Client) -> str:
    job: nw.AutoGroupJob = client.workspaces.auto_group(
        after_created_at=dt.datetime(2024, 9, 2, tzinfo=dt.timezone.utc), invalid_also=True)
    return job.job_id


async def list_async(api_key: str) -> list[str]:
    client = nw.AsyncClient(api_key, region="eu", timeout=30.0, max_retries=3,
                            max_retry_wait=5.0)
    items: list[nw.Workspace] = await client.workspaces.list()
    default: Optional[nw.Workspace] = await client.workspaces.default()
    request_id: str = await client.workspaces.delete("ws-1")
    return [w.name for w in items] + ([default.name] if default else []) + [request_id]


def traced_probe(client: nw.Client, trace_id: str) -> Optional[str]:
    probe: nw.Client = client.with_options(timeout=2.0, max_retries=0, max_retry_wait=nw.NOT_GIVEN,
                                           extra_headers={"X-Trace-Id": trace_id})
    ws: nw.Workspace = probe.workspaces.get("ws-1")
    result = probe.workspaces.manual_assign("ws-1", assign_grants=["g-1"])
    last: Optional[str] = result.request_id
    return ws.request_id or last


async def traced_async(client: nw.AsyncClient) -> Optional[str]:
    view: nw.AsyncClient = client.with_options(extra_headers={"X-Trace-Id": "t"})
    return (await view.workspaces.get("ws-1")).request_id


def inventory(client: nw.Client, workspace_id: str) -> dict[str, int]:
    grants: nw.Listing[nw.Grant] = client.grants.list(
        workspace_id, provider="nylas", grant_status="valid",
        since=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), before=1_900_000_000,
        full_scan=True, page_size=100)
    counts: dict[str, int] = {}
    for grant in grants:
        key: Optional[str] = grant.workspace_id
        counts[key or "(none)"] = counts.get(key or "(none)", 0) + 1
    for page in grants.pages():
        first: nw.Grant = page[0]
        print(first.to_dict()["email"], first.created_at, first.request_id)
    one: nw.Grant = client.grants.get("g-1")
    app: nw.Application = client.application.get()
    policies: list[nw.Policy] = client.policies.list().to_list()
    rule: nw.Rule = client.rules.get("r-1")
    enabled: Optional[bool] = rule.enabled
    frame = client.rules.list().to_pandas()
    table = client.policies.list().to_arrow()
    print(one.email, app.default_workspace_id, [p.name for p in policies], enabled, frame, table)
    return counts


def attach(client: nw.Client, workspace_id: str, rule_ids: list[str]) -> list[str]:
    try:
        ws: nw.Workspace = client.workspaces.attach_rules(workspace_id, rule_ids)
        ws = client.workspaces.detach_rules(workspace_id, rule_ids[:1])
        ws = client.workspaces.set_policy(workspace_id, None)
        return ws.rule_ids
    except nw.ConcurrentChangeError as err:
        found: nw.Workspace = err.found
        print(err.workspace_id, err.request_id)
        return found.rule_ids
    except nw.InvariantError as err:
        print(err.rule)  # "unknown_reference" names the ids that are not the application's
        raise


async def inventory_async(client: nw.AsyncClient) -> int:
    listing: nw.AsyncListing[nw.Grant] = client.grants.list(email="ann@example.com")
    emails = [g.email async for g in listing]
    pages = [len(page) async for page in client.rules.list().pages()]
    rules: list[nw.Rule] = await client.rules.list().to_list()
    policy: nw.Policy = await client.policies.get("p-1")
    app: nw.Application = await client.application.get()
    frame = await client.grants.list().to_polars()
    ws: nw.Workspace = await client.workspaces.set_policy("ws-1", policy.policy_id)
    print(emails, pages, app.region, frame, ws.policy_id)
    return len(rules)


def as_code(client: nw.Client, path: Path) -> bool:
    plan: nw.Plan = client.plan(path, prune=False)
    lines: str = str(plan)
    summary = plan.summary
    moved: int = summary["grants_assigned"] + summary["grants_removed"]
    for change in plan.changes:
        action: str = change.action
        old_new = change.fields.get("policy_id")
        print(action, change.name, change.workspace_id, change.grant_ids, change.reason, old_new)
    shape: dict[str, Any] = plan.to_dict()
    print(lines, moved, shape, [r.reason for r in plan.refusals])
    if plan.refusals or not plan.has_changes:
        return plan.is_empty
    try:
        report: nw.ApplyReport = client.apply(plan, journal_dir=path.parent)
    except nw.ApplyError as err:
        left: list[nw.Change] = err.report.not_applied
        cause: Optional[BaseException] = err.report.error
        print(left, cause, err.report.journals)
        return False
    except nw.PlanFileError as err:
        where: Optional[int] = err.line
        print(err.file, where, err.kind, err.reason)
        raise
    remaining: Optional[nw.Plan] = report.remaining
    created: list[nw.Workspace] = report.created
    print(remaining, created, report.to_dict())
    yaml_text: str = client.export(grants=True)
    print(yaml_text)
    return report.in_sync


async def as_code_async(client: nw.AsyncClient) -> bool:
    desired = {"version": 1, "workspaces": [{"name": "Acme", "domain": "acme.com"}]}
    plan: nw.Plan = await client.plan(desired)
    report: nw.ApplyReport = await client.apply(desired, prune=True, journal_dir="reports")
    text: str = await client.export()
    print(plan, text)
    return report.in_sync


if __name__ == "__main__":
    with nw.Client("key") as c:
        print(rename_unless_default(c, "ws-1"))
    print(asyncio.run(list_async("key")))
