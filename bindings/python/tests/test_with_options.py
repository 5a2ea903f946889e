"""``Client.with_options``: a client for some calls with another timeout, retry count or extra
headers, sharing the original's pool, limiter and budget. The tests try to make a view's
settings leak into the client it came from, and to smuggle owned headers in."""

from __future__ import annotations

import asyncio

import pytest

import nylas_workspaces as nw
from conftest import API_KEY, RecordingServer, Reply, envelope, workspace


def ok(request_id: str = "r") -> dict[str, object]:
    return {"request_id": request_id, "data": workspace("ws-1")}


def test_a_views_timeout_fires_while_the_clients_does_not(
    server: RecordingServer, client: nw.Client
) -> None:
    server.reply("GET", "/v3/workspaces/ws-1", body=ok(), delay=0.3)
    server.reply("GET", "/v3/workspaces/ws-1", body=ok(), delay=0.3)
    hasty = client.with_options(timeout=0.05)
    assert type(hasty) is nw.Client
    with pytest.raises(nw.APITimeoutError):
        hasty.workspaces.get("ws-1")
    # The client keeps its 10 s.
    assert client.workspaces.get("ws-1").workspace_id == "ws-1"


def test_extra_headers_reach_the_server_and_the_client_sends_none(
    server: RecordingServer, client: nw.Client
) -> None:
    server.respond_with(lambda rec: Reply(200, ok()))
    tagged = client.with_options(extra_headers={"X-Trace-Id": "job-42"})
    both = tagged.with_options(extra_headers={"x-tenant": "acme"})
    tagged.workspaces.get("ws-1")
    both.workspaces.get("ws-1")
    client.workspaces.get("ws-1")
    first, second, plain = server.requests
    assert first.headers["x-trace-id"] == "job-42"
    assert "x-tenant" not in first.headers
    assert (second.headers["x-trace-id"], second.headers["x-tenant"]) == ("job-42", "acme")
    assert "x-trace-id" not in plain.headers
    # The client's own headers are still there, unchanged.
    for rec in (first, second, plain):
        assert rec.headers["authorization"] == f"Bearer {API_KEY}"


def test_max_retries_is_overridden_for_the_view_only(
    server: RecordingServer, client: nw.Client
) -> None:
    # Retry-After: 0, so the retries do not sleep.
    server.respond_with(
        lambda rec: Reply(503, envelope("r-503", "unavailable", "later"), {"retry-after": "0"})
    )
    with pytest.raises(nw.APIError):
        client.with_options(max_retries=2, max_retry_wait=1.5).workspaces.get("ws-1")
    assert len(server.requests) == 3
    with pytest.raises(nw.APIError):
        client.workspaces.get("ws-1")
    assert len(server.requests) == 4


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "user-agent",
        "IDEMPOTENCY-KEY",
        "Content-Type",
        "accept",
        "Host",
        "content-length",
        "Transfer-Encoding",
        "connection",
    ],
)
def test_owned_headers_are_refused_naming_them(
    server: RecordingServer, client: nw.Client, name: str
) -> None:
    with pytest.raises(nw.ConfigurationError) as info:
        client.with_options(extra_headers={"x-fine": "1", name: "Bearer stolen"})
    assert name.lower() in str(info.value)
    assert "stolen" not in str(info.value)
    assert server.requests == []


def test_bad_arguments_are_refused_with_typed_errors(client: nw.Client) -> None:
    # Seconds are judged by the crate, as for the constructor.
    with pytest.raises(nw.ConfigurationError, match="timeout"):
        client.with_options(timeout=0)
    with pytest.raises(nw.ConfigurationError, match="max_retry_wait"):
        client.with_options(max_retry_wait=float("nan"))
    with pytest.raises(TypeError):
        client.with_options(timeout=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.with_options(max_retries=True)
    with pytest.raises(OverflowError):
        client.with_options(max_retries=-1)
    with pytest.raises(nw.ConfigurationError):
        client.with_options(timeout=10**9)
    with pytest.raises(TypeError):
        client.with_options(extra_headers="x-trace-id")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.with_options(extra_headers={"x-count": 1})  # type: ignore[dict-item]
    with pytest.raises(nw.ConfigurationError) as info:
        client.with_options(extra_headers={"x-token": "secret\r\nX-Evil: 1"})
    assert "secret" not in str(info.value)
    with pytest.raises(nw.ConfigurationError):
        client.with_options(extra_headers={"bad name": "x"})
    with pytest.raises(TypeError, match="idempotency"):
        client.with_options(idempotency="k")  # type: ignore[call-arg]


def test_not_given_and_nothing_keep_the_clients_settings(
    server: RecordingServer, client: nw.Client
) -> None:
    server.reply("GET", "/v3/workspaces/ws-1", body=ok())
    same = client.with_options(timeout=nw.NOT_GIVEN, max_retries=nw.NOT_GIVEN).with_options()
    assert repr(same) == repr(client)
    assert same.workspaces.get("ws-1").workspace_id == "ws-1"
    assert "x-trace-id" not in server.requests[0].headers


def test_the_async_client_has_the_same_method(server: RecordingServer) -> None:
    server.reply("GET", "/v3/workspaces/ws-1", body=ok(), delay=0.3)
    server.reply("GET", "/v3/workspaces/ws-1", body=ok())
    client = nw.AsyncClient(API_KEY, api_uri=server.url, max_retries=0, timeout=10.0)
    hasty = client.with_options(timeout=0.05, extra_headers={"x-trace-id": "async-1"})
    assert type(hasty) is nw.AsyncClient

    async def main() -> None:
        with pytest.raises(nw.APITimeoutError):
            await hasty.workspaces.get("ws-1")
        await client.with_options(extra_headers={"x-trace-id": "async-2"}).workspaces.get("ws-1")

    asyncio.run(main())
    assert [r.headers["x-trace-id"] for r in server.requests] == ["async-1", "async-2"]
    with pytest.raises(nw.ConfigurationError):
        client.with_options(extra_headers={"Authorization": "x"})
