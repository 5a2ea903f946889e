"""Servers and inputs that try to break the client, seen from Python: a redirect to another
host, a server that repeats the API key back, an answer too large to hold, a port nobody
listens on, and ids that would bend the URL or smuggle control characters.

Each test asserts what Python gets (the exception class and its attributes) and what went
over the wire (nothing, or exactly one request), with small local servers on loopback.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any, Iterator

import pytest

import nylas_workspaces as nw
from conftest import API_KEY, Recorded, RecordingServer, Reply, workspace


@pytest.fixture
def elsewhere() -> Iterator[RecordingServer]:
    """A second server, the target of redirects: it must never hear from the client."""
    s = RecordingServer()
    yield s
    s.close()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_raised_with_its_location_and_never_followed(
    server: RecordingServer, elsewhere: RecordingServer, status: int
) -> None:
    location = f"{elsewhere.url}/v3/workspaces/ws-1"
    server.respond_with(lambda rec: Reply(status, None, headers={"location": location}))
    # Retries allowed: a redirect must still be answered after one attempt.
    client = nw.Client(API_KEY, api_uri=server.url, max_retries=2, timeout=10.0)
    with pytest.raises(nw.APIError) as info:
        client.workspaces.get("ws-1")
    err = info.value
    assert type(err) is nw.APIError
    assert (err.status, err.location) == (status, location)
    assert location in str(err)
    assert len(server.requests) == 1
    assert elsewhere.requests == []


def test_other_errors_have_no_location(server: RecordingServer, client: nw.Client) -> None:
    server.reply("GET", "/v3/workspaces/nope", status=404, body={
        "request_id": "r", "error": {"type": "not_found_error", "message": "gone"}})
    with pytest.raises(nw.NotFoundError) as info:
        client.workspaces.get("nope")
    assert info.value.location is None


def everything_said(err: BaseException) -> str:
    """Every text an exception offers: str, repr, args, attributes, causes."""
    parts: list[str] = []
    seen: set[int] = set()
    todo: list[Any] = [err]
    while todo:
        item = todo.pop()
        if id(item) in seen or item is None:
            continue
        seen.add(id(item))
        parts += [str(item), repr(item)]
        if isinstance(item, BaseException):
            parts += [repr(a) for a in item.args]
            parts += [repr(v) for v in vars(item).values()]
            todo += [item.__cause__, item.__context__]
    return "\n".join(parts)


def echo_envelope(rec: Recorded) -> Reply:
    auth = rec.headers["authorization"]
    return Reply(401, {"request_id": f"req {auth}", "error": {
        "type": f"bad_key {API_KEY}", "message": f"the key {auth} is not valid",
        "provider_error": {"echo": auth, "nested": [API_KEY]}}})


def echo_html(rec: Recorded) -> Reply:
    page = f"<html><body>502 from proxy; you sent Authorization: {rec.headers['authorization']}"
    return Reply(502, raw=page.encode())


def echo_undecodable(rec: Recorded) -> Reply:
    return Reply(200, raw=f'{{"data": "{rec.headers["authorization"]}'.encode())


def echo_location(rec: Recorded) -> Reply:
    return Reply(302, None, headers={"location": f"https://evil.example/?k={API_KEY}"})


@pytest.mark.parametrize("answer", [echo_envelope, echo_html, echo_undecodable, echo_location])
def test_a_server_echoing_the_key_does_not_get_it_into_the_exception(
    server: RecordingServer, client: nw.Client, async_client: nw.AsyncClient, answer: Any
) -> None:
    server.respond_with(answer)
    with pytest.raises(nw.NylasWorkspacesError) as sync_info:
        client.workspaces.get("ws-1")

    async def main() -> BaseException:
        with pytest.raises(nw.NylasWorkspacesError) as info:
            await async_client.workspaces.get("ws-1")
        return info.value

    # The server did get the key (that is what it repeats) ...
    assert server.requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    for err in (sync_info.value, asyncio.run(main())):
        said = everything_said(err)
        # ... and the exception names what happened, without it.
        assert API_KEY not in said
        assert "<redacted>" in said or isinstance(err, nw.APIResponseValidationError)


def test_an_answer_larger_than_max_body_bytes_is_limit_exceeded(server: RecordingServer) -> None:
    big = b" " * (8 * 1024 * 1024 + 1)  # one byte over the crate's default
    server.respond_with(lambda rec: Reply(200, raw=big, headers={"x-request-id": "req-big"}))
    client = nw.Client(API_KEY, api_uri=server.url, max_retries=2, timeout=10.0)
    with pytest.raises(nw.LimitExceededError) as info:
        client.workspaces.get("ws-1")
    err = info.value
    assert (err.setting, err.limit, err.request_id) == ("max_body_bytes", len(big) - 1,
                                                        "req-big")
    assert err.operation == "get_workspace"
    assert len(server.requests) == 1  # the same request would get the same answer


def test_a_70_kb_workspace_id_is_refused_before_sending(server: RecordingServer,
                                                       client: nw.Client) -> None:
    huge = "w" * 70_000
    for call in (lambda: client.workspaces.get(huge),
                 lambda: client.workspaces.delete(huge),
                 lambda: client.workspaces.manual_assign(huge, assign_grants=["g-1"])):
        with pytest.raises(nw.InvalidRequestError) as info:
            call()
        assert isinstance(info.value, ValueError)
        assert "8192" in str(info.value) or "URL" in str(info.value)
        assert len(str(info.value)) < 1_000  # the id is not copied into the message
    assert server.requests == []


def refused_url() -> str:
    """A loopback URL where nothing listens (the port was just free)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_a_refused_connection_names_its_cause() -> None:
    url = refused_url()
    sync_client = nw.Client(API_KEY, api_uri=url, max_retries=0, timeout=10.0)
    with pytest.raises(nw.APIConnectionError) as sync_info:
        sync_client.workspaces.list()

    async def main() -> nw.APIConnectionError:
        with pytest.raises(nw.APIConnectionError) as info:
            await nw.AsyncClient(API_KEY, api_uri=url, max_retries=0).workspaces.list()
        return info.value

    for err in (sync_info.value, asyncio.run(main())):
        assert type(err) is nw.APIConnectionError
        assert "could not connect" in str(err)
        assert "refused" in str(err).lower()
        # The innermost cause, as the OSError the system reported.
        assert isinstance(err.__cause__, ConnectionRefusedError)
        assert "refused" in str(err.__cause__).lower()


@pytest.mark.parametrize("workspace_id", ["   ", "\t", " \n "])
def test_a_blank_workspace_id_is_refused_before_sending(
    server: RecordingServer, client: nw.Client, workspace_id: str
) -> None:
    for call in (lambda: client.workspaces.get(workspace_id),
                 lambda: client.workspaces.delete(workspace_id),
                 lambda: client.workspaces.manual_assign(workspace_id, assign_grants=["g"])):
        with pytest.raises(nw.InvariantError) as info:
            call()
        assert info.value.rule == "workspace_id_invalid"
    assert server.requests == []


@pytest.mark.parametrize("grant_id", ["g\x00-1", "g\n1", "\x1b[31mred", "g\r\nX-Evil: 1"])
def test_control_characters_in_grant_ids_are_refused_before_sending(
    server: RecordingServer, client: nw.Client, grant_id: str
) -> None:
    server.respond_with(lambda rec: Reply(200, {"request_id": "r", "data": workspace()}))
    for kwargs in ({"assign_grants": ["ok", grant_id]}, {"remove_grants": [grant_id]}):
        with pytest.raises(nw.InvariantError) as info:
            client.workspaces.manual_assign("ws-1", **kwargs)
        assert info.value.rule == "grant_id_invalid"
    assert server.requests == []


def test_a_grant_listing_that_never_moves_on_ends_with_an_error_not_a_hang(
    server: RecordingServer, client: nw.Client
) -> None:
    # The same page for every offset: a broken server; the walk must give up, not loop.
    page = {"request_id": "req-same", "data": [{"id": "g-1", "email": "a@x.com"}],
            "limit": 200, "offset": 0}
    server.respond_with(lambda rec: Reply(200, page))
    seen = []
    with pytest.raises(nw.APIResponseValidationError) as info:
        for grant in client.grants.list():
            seen.append(grant.grant_id)
    assert seen == ["g-1"], "the repeated grant is yielded once"
    assert "pages in a row" in str(info.value)
    assert len(server.requests) < 20


def test_a_listing_page_that_is_not_json_raises_with_its_status_and_body(
    server: RecordingServer, client: nw.Client
) -> None:
    server.respond_with(lambda rec: Reply(200, raw=b"<html>proxy says hi</html>"))
    with pytest.raises(nw.APIResponseValidationError) as info:
        client.rules.list().to_list()
    assert info.value.status == 200 and "proxy says hi" in info.value.body
    assert len(server.requests) == 1


def test_a_page_without_grant_ids_is_refused(server: RecordingServer, client: nw.Client) -> None:
    server.respond_with(lambda rec: Reply(200, {"request_id": "r", "data": [{"email": "a@x.com"}],
                                               "limit": 200, "offset": 0}))
    with pytest.raises(nw.APIResponseValidationError):
        list(client.grants.list())
