"""Which exception class an HTTP error raises, and that the classes are bound once.

The class comes from the crate's classification of the status (one table in the native
module), for the blocking and the awaitable client alike. The classes and ``NOT_GIVEN`` are
looked up once per process, so rebinding a name in the package's private modules later does
not change what the client raises or how it reads its arguments.
"""

from __future__ import annotations

import asyncio

import pytest

import nylas_workspaces as nw
import nylas_workspaces._exceptions as exceptions_module
import nylas_workspaces._sentinel as sentinel_module
from conftest import RecordingServer, envelope, workspace


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (409, nw.ConflictError),
        # No class of their own: a plain APIError, whatever the crate calls them.
        (408, nw.APIError),
        (418, nw.APIError),
    ],
)
def test_status_raises_exactly_its_class_from_both_clients(
    server: RecordingServer, client: nw.Client, async_client: nw.AsyncClient,
    status: int, cls: type[nw.APIError],
) -> None:
    def answer() -> None:
        # Deleting looks the target up first (the default workspace cannot be deleted).
        server.reply("GET", "/v3/workspaces/ws-1", body={"request_id": "r", "data": workspace()})
        server.reply("DELETE", "/v3/workspaces/ws-1", status=status,
                     body=envelope(f"req-{status}", "conflict_error", "busy elsewhere"))

    answer()
    with pytest.raises(nw.APIError) as sync_info:
        client.workspaces.delete("ws-1")

    async def main() -> nw.APIError:
        answer()
        with pytest.raises(nw.APIError) as info:
            await async_client.workspaces.delete("ws-1")
        return info.value

    for err in (sync_info.value, asyncio.run(main())):
        assert type(err) is cls
        assert isinstance(err, nw.NylasWorkspacesError)
        assert (err.status, err.request_id, err.type) == (status, f"req-{status}",
                                                          "conflict_error")
        assert err.message == "busy elsewhere"


def test_conflict_error_is_exported_as_an_api_error() -> None:
    assert "ConflictError" in nw.__all__
    assert issubclass(nw.ConflictError, nw.APIError)
    assert nw.ConflictError is exceptions_module.ConflictError


def test_exception_classes_are_bound_once(server: RecordingServer, client: nw.Client,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    not_found = envelope("req-404", "not_found_error", "no such workspace")
    server.reply("GET", "/v3/workspaces/nope", status=404, body=not_found)
    with pytest.raises(nw.NotFoundError):
        client.workspaces.get("nope")

    class Impostor(Exception):
        pass

    monkeypatch.setattr(exceptions_module, "NotFoundError", Impostor)
    server.reply("GET", "/v3/workspaces/nope", status=404, body=not_found)
    with pytest.raises(nw.NotFoundError) as info:
        client.workspaces.get("nope")
    assert not isinstance(info.value, Impostor)


def test_not_given_is_bound_once(server: RecordingServer, client: nw.Client,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    server.reply("PATCH", "/v3/workspaces/ws-1", body={"request_id": "r", "data": workspace()})
    client.workspaces.update("ws-1", name=nw.NOT_GIVEN, policy_id=None)

    monkeypatch.setattr(sentinel_module, "NOT_GIVEN", object())
    server.reply("PATCH", "/v3/workspaces/ws-1", body={"request_id": "r", "data": workspace()})
    client.workspaces.update("ws-1", name=nw.NOT_GIVEN, policy_id=None)
    assert server.requests[-1].body == {"policy_id": None}


def test_the_new_classes_are_exported_where_they_belong() -> None:
    for name, bases in {
        "InvalidRequestError": (nw.NylasWorkspacesError, ValueError),
        "LimitExceededError": (nw.NylasWorkspacesError,),
        "JournalError": (nw.NylasWorkspacesError,),
    }.items():
        assert name in nw.__all__ and name in exceptions_module.__all__
        cls = getattr(nw, name)
        assert cls is getattr(exceptions_module, name)
        assert all(issubclass(cls, base) for base in bases)
    assert not issubclass(nw.LimitExceededError, ValueError)
    err = nw.LimitExceededError("too big", setting="max_body_bytes", limit=10, request_id="r")
    assert (err.setting, err.limit, err.request_id) == ("max_body_bytes", 10, "r")
    journal = nw.JournalError("bad", path="/tmp/j", kind="corrupt", line=3)
    assert (journal.path, journal.kind, journal.line) == ("/tmp/j", "corrupt", 3)
    assert nw.APIError("moved", status=301, location="https://x").location == "https://x"
    assert nw.BulkAssignError("x", workspace_id="ws").report is None
