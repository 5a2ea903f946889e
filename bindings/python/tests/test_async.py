"""AsyncClient parity: the same calls, awaited, under asyncio.run."""

from __future__ import annotations

import asyncio

import pytest

import nylas_workspaces as nw
from conftest import RecordingServer, envelope, workspace


def test_async_surface(server: RecordingServer, async_client: nw.AsyncClient) -> None:
    async def main() -> None:
        server.reply("GET", "/v3/workspaces", body={"request_id": "r", "data": [
            workspace("ws-d", default=True)]})
        items = await async_client.workspaces.list()
        assert items[0].default
        server.reply("GET", "/v3/applications", body={"request_id": "r", "data": {
            "application_id": "app-1"}})
        server.reply("GET", "/v3/workspaces", body={"request_id": "r", "data": [
            workspace("ws-d", default=True)]})
        assert (await async_client.workspaces.default()) == items[0]
        server.reply("PATCH", "/v3/workspaces/ws-1", body={"request_id": "r", "data": workspace()})
        await async_client.workspaces.update("ws-1", policy_id=None)
        assert server.requests[-1].body == {"policy_id": None}
        server.reply("DELETE", "/v3/workspaces/ws-1", body={"request_id": "req-del"})
        assert await async_client.workspaces.delete("ws-1") == "req-del"
        server.reply("GET", "/v3/workspaces/nope", status=404,
                     body=envelope("req-404", "not_found_error", "no such workspace"))
        with pytest.raises(nw.NotFoundError) as info:
            await async_client.workspaces.get("nope")
        assert info.value.request_id == "req-404"
        with pytest.raises(nw.InvariantError):
            await async_client.workspaces.update("ws-1")

    asyncio.run(main())


def test_async_calls_run_concurrently(server: RecordingServer,
                                      async_client: nw.AsyncClient) -> None:
    """Ten gathered calls are in flight together (the server sees them overlap)."""
    import threading
    import time

    from conftest import Reply

    lock = threading.Lock()
    in_flight = 0
    most = 0

    def slow(rec):  # type: ignore[no-untyped-def]
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.3)
        with lock:
            in_flight -= 1
        return Reply(200, {"request_id": "r", "data": workspace()})

    server.respond_with(slow)

    async def main() -> None:
        await asyncio.gather(*(async_client.workspaces.get("ws-1") for _ in range(10)))

    asyncio.run(main())
    assert len(server.requests) == 10
    assert most >= 5, f"at most {most} calls overlapped"
