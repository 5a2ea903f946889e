"""Every result names the request that produced it (``request_id``), exactly as the server
sent it: the body's ``request_id``, else the ``x-request-id`` header, else None. So a support
ticket can quote the id behind any object a caller holds."""

from __future__ import annotations

import asyncio

import nylas_workspaces as nw
from conftest import API_KEY, RecordingServer, workspace
from nylas_workspaces.testing import Emulator


def test_list_get_create_and_update_carry_their_calls_id(
    server: RecordingServer, client: nw.Client
) -> None:
    server.reply("GET", "/v3/workspaces/ws-1", body={"data": workspace("ws-1")},
                 headers={"x-request-id": "req-get"})
    server.reply("GET", "/v3/workspaces",
                 body={"request_id": "req-list", "data": [workspace("ws-1"), workspace("ws-2")]})
    server.reply("POST", "/v3/workspaces", body={"request_id": "req-create", "data": workspace("ws-3")},
                 headers={"x-request-id": "header-loses"})
    server.reply("PATCH", "/v3/workspaces/ws-1",
                 body={"request_id": "req-update", "data": workspace("ws-1", name="New")})
    server.reply("GET", "/v3/workspaces/ws-1", body={"data": workspace("ws-1")})

    got = client.workspaces.get("ws-1")
    assert got.request_id == "req-get"
    listed = client.workspaces.list()
    assert [w.request_id for w in listed] == ["req-list", "req-list"]
    assert client.workspaces.create("Ops").request_id == "req-create"
    # The facts about ws-1 are known from the get: no lookup before the PATCH.
    assert client.workspaces.update("ws-1", name="New").request_id == "req-update"
    again = client.workspaces.get("ws-1")
    assert again.request_id is None
    # The request id is about the call, not the workspace.
    assert again == got == listed[0]
    assert hash(again) == hash(got)


def test_auto_group_and_manual_assign_carry_their_ids(
    server: RecordingServer, client: nw.Client
) -> None:
    server.reply("POST", "/v3/workspaces/auto-group",
                 body={"data": {"job_id": "j", "message": "queued"}},
                 headers={"x-request-id": "req-job"})
    server.reply("GET", "/v3/workspaces/ws-1", body={"request_id": "req-lookup", "data": workspace("ws-1")})
    server.reply("POST", "/v3/workspaces/ws-1/manual-assign",
                 body={"request_id": "req-assign", "data": {"grants_assigned": ["g-1"]}})

    assert client.workspaces.auto_group().request_id == "req-job"
    result = client.workspaces.manual_assign("ws-1", assign_grants=["g-1"])
    assert result.request_id == "req-assign"
    assert result.request_ids == ["req-assign"]


def test_the_async_client_carries_them_too(server: RecordingServer) -> None:
    server.reply("GET", "/v3/workspaces/ws-1", body={"request_id": "req-async", "data": workspace("ws-1")})
    client = nw.AsyncClient(API_KEY, api_uri=server.url, max_retries=0)

    async def main() -> nw.Workspace:
        return await client.workspaces.get("ws-1")

    assert asyncio.run(main()).request_id == "req-async"


def test_against_the_emulator_each_call_has_its_own_id() -> None:
    with Emulator() as emu:
        client = emu.client()
        grant = emu.add_grant("ann@example.com")
        created = client.workspaces.create("Ops")
        fetched = client.workspaces.get(created.workspace_id)
        listed = client.workspaces.list()
        assigned = client.workspaces.manual_assign(created.workspace_id, assign_grants=[grant])
        ids = [created.request_id, fetched.request_id, listed[0].request_id, assigned.request_id]
        assert all(isinstance(i, str) and i for i in ids), ids
        assert len(set(ids)) == len(ids), ids
        assert {w.request_id for w in listed} == {listed[0].request_id}
