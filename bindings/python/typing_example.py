"""A small, fully typed use of the package; `mypy --strict` must accept it unchanged.

It is type-checked only (never run), so it documents the intended typed surface.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Optional

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


if __name__ == "__main__":
    with nw.Client("key") as c:
        print(rename_unless_default(c, "ws-1"))
    print(asyncio.run(list_async("key")))
