"""The synchronous client against a recording server: what goes on the wire, what comes back."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

import nylas_workspaces as nw
from conftest import API_KEY, RecordingServer, envelope, workspace


def test_list_get_and_default(server: RecordingServer, client: nw.Client) -> None:
    server.reply("GET", "/v3/workspaces", body={
        "request_id": "req-list",
        "data": [workspace("ws-default", default=True, domain=None), workspace("ws-2")],
    })
    items = client.workspaces.list()
    assert [w.workspace_id for w in items] == ["ws-default", "ws-2"]
    assert items[0].default is True and items[0].domain is None
    assert server.requests[0].headers["authorization"] == f"Bearer {API_KEY}"

    server.reply("GET", "/v3/workspaces/ws-2", body={"request_id": "r", "data": workspace("ws-2")})
    ws = client.workspaces.get("ws-2")
    assert ws == items[1]
    assert ws.to_dict()["name"] == "Sales"
    assert "ws-2" in repr(ws)

    # default() asks the application first; without a default_workspace_id it looks through
    # the list, and finds none there either.
    server.reply("GET", "/v3/applications", body={"request_id": "r", "data": {"application_id": "app-1"}})
    server.reply("GET", "/v3/workspaces", body={"request_id": "r", "data": [workspace("ws-9")]})
    assert client.workspaces.default() is None
    assert [r.path.split("?")[0] for r in server.requests[-2:]] == ["/v3/applications", "/v3/workspaces"]

    # With the field set, the default workspace is read by id and the list is not fetched.
    server.reply("GET", "/v3/applications", body={"request_id": "r", "data": {
        "application_id": "app-1", "default_workspace_id": "ws-default"}})
    server.reply("GET", "/v3/workspaces/ws-default", body={"request_id": "r", "data": workspace(
        "ws-default", default=True, domain=None)})
    assert client.workspaces.default() == items[0]
    assert server.requests[-1].path == "/v3/workspaces/ws-default"


def test_workspace_tolerates_absent_fields(server: RecordingServer, client: nw.Client) -> None:
    server.reply("GET", "/v3/workspaces/old", body={"request_id": "r", "data": {"workspace_id": "old"}})
    ws = client.workspaces.get("old")
    assert ws.workspace_id == "old"
    assert ws.default is False
    assert ws.policy_id is None
    assert ws.rule_ids == []


def test_create_sends_only_given_fields(server: RecordingServer, client: nw.Client) -> None:
    server.reply("POST", "/v3/workspaces", body={"request_id": "r", "data": workspace("ws-new")})
    client.workspaces.create("Support")
    sent = server.requests[-1]
    assert sent.body == {"name": "Support"}
    assert sent.headers.get("idempotency-key")

    server.reply("POST", "/v3/workspaces", body={"request_id": "r", "data": workspace("ws-new")})
    client.workspaces.create("Sales", domain="example.com", auto_group=True,
                             policy_id="pol-1", rule_ids=["r1"])
    assert server.requests[-1].body == {"name": "Sales", "domain": "example.com",
                                        "auto_group": True, "policy_id": "pol-1",
                                        "rule_ids": ["r1"]}


@pytest.mark.parametrize(
    ("kwargs", "body"),
    [
        ({"policy_id": None}, {"policy_id": None}),
        ({"policy_id": "p"}, {"policy_id": "p"}),
        ({"rule_ids": None}, {"rule_ids": None}),
        ({"rule_ids": []}, {"rule_ids": []}),
        ({"rule_ids": ["a", "b"]}, {"rule_ids": ["a", "b"]}),
        ({"name": "New", "auto_group": False}, {"name": "New", "auto_group": False}),
        ({"name": "New", "policy_id": nw.NOT_GIVEN}, {"name": "New"}),
    ],
)
def test_update_tri_state_bodies(server: RecordingServer, client: nw.Client,
                                 kwargs: dict, body: dict) -> None:
    # A name or auto_group change first looks the target up (is it the default?).
    server.reply("GET", "/v3/workspaces/ws-1", body={"request_id": "r", "data": workspace()})
    server.reply("PATCH", "/v3/workspaces/ws-1", body={"request_id": "r", "data": workspace()})
    client.workspaces.update("ws-1", **kwargs)
    assert server.requests[-1].body == body


def test_delete_returns_request_id(server: RecordingServer, client: nw.Client) -> None:
    # The delete first looks the target up: the default workspace cannot be deleted.
    server.reply("GET", "/v3/workspaces/ws-1", body={"request_id": "r", "data": workspace()})
    server.reply("DELETE", "/v3/workspaces/ws-1", body={"request_id": "req-del"})
    assert client.workspaces.delete("ws-1") == "req-del"
    assert [r.method for r in server.requests] == ["GET", "DELETE"]


def test_auto_group_accepts_seconds_or_aware_datetime(server: RecordingServer,
                                                      client: nw.Client) -> None:
    job = {"request_id": "req-ag", "data": {"job_id": "job-1", "message": "started"}}
    server.reply("POST", "/v3/workspaces/auto-group", body=job)
    got = client.workspaces.auto_group(after_created_at=1725273600, invalid_also=True,
                                       specific_domain="nylas.com")
    assert server.requests[-1].body == {"after_created_at": 1725273600, "invalid_also": True,
                                        "specific_domain": "nylas.com"}
    assert (got.job_id, got.message, got.request_id) == ("job-1", "started", "req-ag")

    server.reply("POST", "/v3/workspaces/auto-group", body=job)
    when = dt.datetime(2024, 9, 2, tzinfo=dt.timezone.utc)
    client.workspaces.auto_group(after_created_at=when)
    assert server.requests[-1].body == {"after_created_at": 1725235200}

    server.reply("POST", "/v3/workspaces/auto-group", body=job)
    client.workspaces.auto_group()
    assert server.requests[-1].body == {}


def test_naive_datetime_is_refused(server: RecordingServer, client: nw.Client) -> None:
    # A conversion problem, not an API rule: a plain ValueError that names the fix.
    with pytest.raises(ValueError, match="timezone") as info:
        client.workspaces.auto_group(after_created_at=dt.datetime(2024, 9, 2))
    assert not isinstance(info.value, nw.InvariantError)
    with pytest.raises(TypeError):
        client.workspaces.auto_group(after_created_at="yesterday")  # type: ignore[arg-type]
    assert server.requests == []


def test_manual_assign_chunks_1201_ids_into_three_requests(server: RecordingServer,
                                                           client: nw.Client) -> None:
    def answer(rec):  # type: ignore[no-untyped-def]
        from conftest import Reply
        if rec.method == "GET":
            return Reply(200, {"request_id": "r", "data": workspace("ws-1", auto_group=False)})
        return Reply(200, {"request_id": f"req-{len(server.requests)}", "data": {
            "workspace_id": "ws-1", "grants_assigned": rec.body.get("assign_grants"),
            "grants_removed": None}})

    server.respond_with(answer)
    ids = [f"g{i}" for i in range(1201)]
    result = client.workspaces.manual_assign("ws-1", assign_grants=ids)
    posts = [r for r in server.requests if r.method == "POST"]
    assert sorted(len(p.body["assign_grants"]) for p in posts) == [201, 500, 500]
    assert sorted(result.grants_assigned) == sorted(ids)
    assert result.grants_removed == []
    assert result.workspace_id == "ws-1"
    assert len(result.request_ids) == 3


def test_manual_assign_partial_failure_accounts_for_every_id(server: RecordingServer,
                                                             client: nw.Client) -> None:
    def answer(rec):  # type: ignore[no-untyped-def]
        from conftest import Reply
        if rec.method == "GET":
            return Reply(200, {"request_id": "r", "data": workspace("ws-1")})
        if "g600" in rec.body.get("assign_grants", []):
            return Reply(400, envelope("req-bad", "invalid_request_error", "chunk refused"))
        return Reply(200, {"request_id": "req-ok", "data": {
            "grants_assigned": rec.body["assign_grants"], "grants_removed": None}})

    server.respond_with(answer)
    ids = [f"g{i}" for i in range(1201)]
    with pytest.raises(nw.BulkAssignError) as info:
        client.workspaces.manual_assign("ws-1", assign_grants=ids)
    err = info.value
    assert len(err.grants_assigned) + len(err.failed) == 1201
    assert set(err.failed) == set(ids[500:1000])
    assert all(isinstance(e, nw.BadRequestError) for e in err.failed.values())
    assert API_KEY not in str(err)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, nw.BadRequestError),
        (401, nw.AuthenticationError),
        (403, nw.PermissionDeniedError),
        (404, nw.NotFoundError),
        (429, nw.RateLimitError),
        (500, nw.InternalServerError),
        (503, nw.InternalServerError),
    ],
)
def test_each_status_raises_its_exception(server: RecordingServer, client: nw.Client,
                                          status: int, cls: type) -> None:
    server.reply("GET", "/v3/workspaces/ws-1", status=status,
                 body=envelope(f"req-{status}", "some_error", "it failed"),
                 headers={"retry-after": "7"})
    with pytest.raises(cls) as info:
        client.workspaces.get("ws-1")
    err = info.value
    assert isinstance(err, nw.APIError) and isinstance(err, nw.NylasWorkspacesError)
    assert err.status == status
    assert err.request_id == f"req-{status}"
    assert err.type == "some_error"
    assert "it failed" in str(err)
    assert API_KEY not in str(err) and API_KEY not in repr(err)
    if status == 429:
        assert err.retry_after == 7


def test_a_proxy_error_page_is_an_api_error_with_its_snippet(server: RecordingServer,
                                                            client: nw.Client) -> None:
    server.reply("GET", "/v3/workspaces/ws-1", status=502, raw=b"<html>Bad gateway</html>")
    with pytest.raises(nw.InternalServerError) as info:
        client.workspaces.get("ws-1")
    assert info.value.status == 502
    assert "Bad gateway" in str(info.value)


def test_an_undecodable_success_body_raises_validation_error(server: RecordingServer,
                                                             client: nw.Client) -> None:
    server.reply("GET", "/v3/workspaces/ws-1", status=200, raw=b'{"data": {"workspace_id": 7')
    with pytest.raises(nw.APIResponseValidationError) as info:
        client.workspaces.get("ws-1")
    assert info.value.status == 200
    assert info.value.body.startswith('{"data"')
    assert not isinstance(info.value, nw.APIError)


def test_connection_error_when_nothing_listens() -> None:
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    c = nw.Client(API_KEY, api_uri=f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(nw.APIConnectionError):
        c.workspaces.list()


def test_timeout_raises_timeout_error(server: RecordingServer) -> None:
    server.reply("GET", "/v3/workspaces/ws-1", body={"request_id": "r", "data": workspace()},
                 delay=2.0)
    c = nw.Client(API_KEY, api_uri=server.url, max_retries=0, timeout=0.3)
    with pytest.raises(nw.APITimeoutError):
        c.workspaces.get("ws-1")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.workspaces.create("X", auto_group=True),
        lambda c: c.workspaces.create(""),
        lambda c: c.workspaces.update("ws-1"),
        lambda c: c.workspaces.manual_assign("ws-1"),
        lambda c: c.workspaces.manual_assign("ws-1", assign_grants=["a"], remove_grants=["a"]),
        lambda c: c.workspaces.get(""),
        lambda c: c.workspaces.delete(".."),
    ],
)
def test_invariants_raise_before_sending(server: RecordingServer, client: nw.Client,
                                         call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(nw.InvariantError) as info:
        call(client)
    assert isinstance(info.value, ValueError)
    assert info.value.rule
    assert server.requests == []


def test_key_never_in_repr(client: nw.Client) -> None:
    assert API_KEY not in repr(client)
    assert API_KEY not in str(client)


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NYLAS_API_KEY", raising=False)
    with pytest.raises(nw.NylasWorkspacesError, match="NYLAS_API_KEY"):
        nw.Client()


def test_env_key_and_uri(monkeypatch: pytest.MonkeyPatch, server: RecordingServer) -> None:
    monkeypatch.setenv("NYLAS_API_KEY", "env-key-abc")
    monkeypatch.setenv("NYLAS_API_URI", server.url)
    server.reply("GET", "/v3/workspaces", body={"request_id": "r", "data": []})
    assert nw.Client(max_retries=0).workspaces.list() == []
    assert server.requests[0].headers["authorization"] == "Bearer env-key-abc"


def test_bad_region_is_refused() -> None:
    # The crate reads region names (any case); a name it does not know is a configuration
    # error, which is a ValueError.
    with pytest.raises(nw.ConfigurationError, match="mars") as info:
        nw.Client(API_KEY, region="mars")
    assert isinstance(info.value, ValueError)
    assert repr(nw.Client(API_KEY, region="EU")) == "Client(base_url=\"https://api.eu.nylas.com\")"


def test_gil_is_released_while_waiting(server: RecordingServer, client: nw.Client) -> None:
    """A CPU-bound Python thread keeps running while 20 calls wait on a slow server.

    The server (Python threads in this process) holds every answer until all 20 requests have
    arrived and the test lets them go. Had a waiting call kept the GIL, neither the server's
    handlers nor this thread could run: the calls would time out and the spinner stand still.
    """
    from conftest import Reply

    lock = threading.Lock()
    arrived = 0
    all_arrived = threading.Event()
    release = threading.Event()

    def held(rec):  # type: ignore[no-untyped-def]
        nonlocal arrived
        with lock:
            arrived += 1
            if arrived == 20:
                all_arrived.set()
        ok = release.wait(timeout=15)
        return Reply(200 if ok else 500, {"request_id": "r", "data": workspace()})

    server.respond_with(held)
    counter = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal counter
        while not stop.is_set():
            counter += 1

    results: list[object] = []
    callers = [threading.Thread(target=lambda: results.append(client.workspaces.get("ws-1")))
               for _ in range(20)]
    spinner = threading.Thread(target=spin)
    spinner.start()
    for t in callers:
        t.start()
    try:
        assert all_arrived.wait(timeout=15), "the 20 calls never reached the server together"
        before = counter
        time.sleep(0.2)
        during = counter - before  # counted while all 20 calls were in flight
    finally:
        release.set()
        for t in callers:
            t.join(timeout=30)
        stop.set()
        spinner.join()
    assert len(results) == 20 and all(isinstance(r, nw.Workspace) for r in results)
    assert during > 1_000, f"the spinner counted only {during} while the calls waited"
