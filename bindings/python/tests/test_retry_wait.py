"""``max_retry_wait=``: a ``Retry-After`` longer than the cap is not waited out but comes
back at once as ``RateLimitError``, so a call's wait stays bounded and visible."""

from __future__ import annotations

import asyncio
from typing import Iterator

import pytest

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as e:
        e.set_retry_after(5)
        yield e


def test_a_retry_after_beyond_the_cap_is_raised_not_waited(emu: Emulator) -> None:
    emu.fail_next("get-all-workspaces", 1, "too_many_requests")
    client = emu.client(max_retries=2, max_retry_wait=1)
    with pytest.raises(nw.RateLimitError) as info:
        client.workspaces.list()
    assert info.value.retry_after == 5
    # One attempt only: the client did not sleep 5 s and retry behind the caller's back.
    assert emu.calls("get-all-workspaces") == 1


def test_the_async_client_takes_the_same_cap(emu: Emulator) -> None:
    emu.fail_next("get-all-workspaces", 1, "too_many_requests")

    async def main() -> None:
        client = emu.async_client(max_retries=2, max_retry_wait=1.0)
        with pytest.raises(nw.RateLimitError) as info:
            await client.workspaces.list()
        assert info.value.retry_after == 5

    asyncio.run(main())
    assert emu.calls("get-all-workspaces") == 1


def test_a_retry_after_within_the_cap_is_waited_and_retried(emu: Emulator) -> None:
    emu.set_retry_after(0)
    emu.fail_next("get-all-workspaces", 1, "too_many_requests")
    client = emu.client(max_retries=1, max_retry_wait=1)
    assert [w.workspace_id for w in client.workspaces.list()] == [emu.default_workspace_id()]
    assert emu.calls("get-all-workspaces") == 2
