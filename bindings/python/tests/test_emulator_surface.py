"""``testing.Emulator`` is the native emulator server plus the Python conveniences.

Its seeding, inspection and fault-injection methods are the native class's own (no
forwarding layer), so everything the server offers is reachable, with the keyword names and
defaults the Python API always had.
"""

from __future__ import annotations

import pytest

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator


def test_add_grant_can_fix_the_grant_id() -> None:
    with Emulator() as emu:
        grant = emu.add_grant("fixed@example.com", grant_id="grant-fixed-1")
        assert grant == "grant-fixed-1"
        assert emu.grant_workspace("grant-fixed-1") == emu.default_workspace_id()


def test_advance_clock_stamps_what_is_created_next() -> None:
    with Emulator() as emu:
        client = emu.client(max_retries=0)
        before = client.workspaces.create("Before")
        emu.advance_clock(86_400)
        after = client.workspaces.create("After")
        assert before.created_at is not None and after.created_at is not None
        assert after.created_at - before.created_at >= 86_400


def test_out_of_range_setting_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="latency"):
        Emulator(latency=601)


def test_keyword_names_and_defaults_are_kept() -> None:
    with Emulator("k-1", default_workspace=False, latency=0.0) as emu:
        assert emu.api_key == "k-1"
        assert emu.default_workspace_id() is None
        emu.set_latency(seconds=0.0)
        emu.set_retry_after(seconds=1)
        emu.fail_next("get-all-workspaces")
        with pytest.raises(nw.InternalServerError):
            emu.client(max_retries=0).workspaces.list()
        emu.fail_next("get-all-workspaces", count=1, fault="bad_gateway")
        with pytest.raises(nw.InternalServerError) as info:
            emu.client(max_retries=0).workspaces.list()
        assert info.value.status == 502
        assert emu.calls("get-all-workspaces") == 2
        assert repr(emu) == f"Emulator(url={emu.url!r})"
    with pytest.raises(RuntimeError, match="stopped"):
        emu.add_policy()
