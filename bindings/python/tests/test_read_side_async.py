"""The read side through ``AsyncClient`` against ``testing.Emulator``, and a concurrent
change seen by the workspace helpers (sync and async) against a scripted server.

The concurrent writer is scripted (the server answers the re-read after the helper's write
with a workspace someone else changed) because a real race between two clients could not
be made to land in the one gap that matters on every run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any, Callable, Optional

import pytest

import nylas_workspaces as nw
from conftest import RecordingServer, Recorded, Reply, workspace
from nylas_workspaces.testing import Emulator

UTC = dt.timezone.utc
T0 = 1_800_000_000


def run(coro_fn: Callable[[], Any]) -> Any:
    return asyncio.run(coro_fn())


def test_async_listings_page_lazily_under_the_quirks() -> None:
    async def main() -> None:
        with Emulator() as emu:
            emu.set_clock(T0)
            ids = [emu.add_grant(f"u{i}@example.com", created_at=T0 + i) for i in range(5)]
            rules = [emu.add_rule(f"r{i}") for i in range(3)]
            policies = [emu.add_policy(f"p{i}") for i in range(3)]
            emu.set_quirks(page_size_cap=2, nested_rules_envelope=True,
                           trailing_policy_cursor=True)
            client = emu.async_client(max_retries=0)
            listing = client.grants.list()
            assert isinstance(listing, nw.AsyncListing)
            assert emu.calls("get-all-grants") == 0
            assert [g.grant_id async for g in listing] == ids
            assert emu.calls("get-all-grants") == 4
            assert [len(p) async for p in listing.pages()] == [2, 2, 1]
            assert sorted(r.rule_id for r in await client.rules.list().to_list()) == sorted(rules)
            got = [p.policy_id async for p in client.policies.list()]
            assert sorted(got) == sorted(policies)
            assert (await client.grants.get(ids[0])).email == "u0@example.com"
            assert (await client.policies.get(policies[0])).name == "p0"
            assert (await client.rules.get(rules[0])).name == "r0"
            app = await client.application.get()
            assert app.default_workspace_id == emu.default_workspace_id()

    run(main)


def test_async_filters_full_scan_and_refusals() -> None:
    async def main() -> None:
        with Emulator() as emu:
            emu.set_clock(T0)
            client = emu.async_client(max_retries=0)
            ws = await client.workspaces.create("Field team")
            emu.set_quirks(filtered_grant_lag_secs=60)
            fresh = emu.add_grant("fresh@example.com", workspace_id=ws.workspace_id,
                                  provider="google")
            assert [g async for g in client.grants.list(ws.workspace_id)] == []
            scanned = await client.grants.list(ws.workspace_id, full_scan=True).to_list()
            assert [g.grant_id for g in scanned] == [fresh]
            assert [g.grant_id async for g in client.grants.list(provider="google")] == [fresh]
            sent = emu.calls("get-all-grants")
            # Refusals come from list() itself, before any await and any request.
            with pytest.raises(nw.InvariantError):
                client.grants.list(grant_status="maybe")
            with pytest.raises(ValueError, match="naive"):
                client.grants.list(since=dt.datetime(2026, 1, 1))
            assert emu.calls("get-all-grants") == sent

    run(main)


def test_async_frames_and_helpers() -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("polars")
    pytest.importorskip("pyarrow")

    async def main() -> None:
        with Emulator() as emu:
            emu.set_clock(T0)
            emu.add_grant("a@example.com")
            client = emu.async_client(max_retries=0)
            df = await client.grants.list().to_pandas()
            assert df["created_at"][0] == pd.Timestamp(T0, unit="s", tz="UTC")
            assert (await client.grants.list().to_polars()).height == 1
            assert (await client.rules.list().to_arrow()).num_rows == 0
            r1, r2 = emu.add_rule("one"), emu.add_rule("two")
            pol = emu.add_policy("Strict")
            ws = await client.workspaces.create("Ops")
            assert (await client.workspaces.attach_rules(ws.workspace_id, [r1, r2])).rule_ids \
                == [r1, r2]
            assert (await client.workspaces.detach_rules(ws.workspace_id, [r1])).rule_ids == [r2]
            assert (await client.workspaces.set_policy(ws.workspace_id, pol)).policy_id == pol
            with pytest.raises(nw.InvariantError) as info:
                await client.workspaces.attach_rules(ws.workspace_id, ["ghost"])
            assert info.value.rule == "unknown_reference"
            updates = emu.calls("update-workspace")
            assert updates == 3

    run(main)


# ----- a concurrent change ---------------------------------------------------------------------


class ConcurrentWriter:
    """Answers as Nylas would, except that once the helper has written, the workspace it
    reads back shows another writer's change (``theirs``); before that it is ``ours``."""

    def __init__(self, theirs: dict[str, Any], ours: Optional[dict[str, Any]] = None) -> None:
        self.written = False
        self.theirs = theirs
        self.ours = ours or {}
        self.rereads = 0

    def __call__(self, rec: Recorded) -> Reply:
        path = rec.path.split("?")[0]
        if rec.method == "GET" and path == "/v3/rules":
            return Reply(body={"request_id": "req-rules", "data": [{"id": "r-1"}, {"id": "r-2"}]})
        if rec.method == "GET" and path.startswith("/v3/policies/"):
            pid = path.rsplit("/", 1)[1]
            return Reply(body={"request_id": "req-pol", "data": {"id": pid, "name": "P"}})
        if rec.method == "PATCH":
            self.written = True
            return Reply(body={"request_id": "req-patch", "data": workspace("ws-1", **rec.body)})
        if rec.method == "GET" and path == "/v3/workspaces/ws-1":
            if self.written:
                self.rereads += 1
                return Reply(body={"request_id": f"req-reread-{self.rereads}",
                                   "data": workspace("ws-1", **self.theirs)})
            return Reply(body={"request_id": "req-read", "data": workspace("ws-1", **self.ours)})
        return Reply(404, {"request_id": "x", "error": {"type": "not_found_error",
                                                         "message": json.dumps(rec.path)}})


def check_conflict(err: nw.ConcurrentChangeError, **theirs: Any) -> None:
    assert isinstance(err, nw.NylasWorkspacesError)
    assert not isinstance(err, nw.APIError), "no HTTP error happened: every answer was a 200"
    assert err.workspace_id == "ws-1"
    assert isinstance(err.found, nw.Workspace)
    for field, value in theirs.items():
        assert getattr(err.found, field) == value
    assert err.request_id == "req-reread-1"
    assert "workspace ws-1 was changed by someone else" in str(err)
    assert next(iter(theirs)) in str(err), "the message names the field that differs"


@pytest.mark.parametrize("call, ours, theirs", [
    (lambda ws: ws.attach_rules("ws-1", ["r-1"]), {}, {"rule_ids": ["r-2"]}),
    (lambda ws: ws.detach_rules("ws-1", ["r-1"]), {"rule_ids": ["r-1"]},
     {"rule_ids": ["r-1", "r-2"]}),
    (lambda ws: ws.set_policy("ws-1", "p-1"), {}, {"policy_id": "p-other"}),
])
def test_a_concurrent_change_is_reported_not_claimed_as_success(
        server: RecordingServer, client: nw.Client, call: Any, ours: dict[str, Any],
        theirs: dict[str, Any]) -> None:
    server.respond_with(ConcurrentWriter(theirs, ours))
    with pytest.raises(nw.ConcurrentChangeError) as info:
        call(client.workspaces)
    check_conflict(info.value, **theirs)
    assert sum(r.method == "PATCH" for r in server.requests) == 1


def test_a_concurrent_change_is_reported_by_the_async_helpers_too(
        server: RecordingServer, async_client: nw.AsyncClient) -> None:
    server.respond_with(ConcurrentWriter({"rule_ids": ["r-2"]}))

    async def main() -> None:
        with pytest.raises(nw.ConcurrentChangeError) as info:
            await async_client.workspaces.attach_rules("ws-1", ["r-1"])
        check_conflict(info.value, rule_ids=["r-2"])

    run(main)
