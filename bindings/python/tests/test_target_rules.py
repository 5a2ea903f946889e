"""Rules that depend on the target workspace, from fresh Python clients against the emulator.

Renaming or regrouping the default workspace, deleting it, turning ``auto_group`` on for a
workspace without a domain and manually assigning into one that auto-groups are refused by
the Rust crate with ``InvariantError`` (the same rule names as the CLI), before the mutating
request, even by a client that has seen nothing. The emulator's per-operation counters show
that only the crate's lookup (``get-workspace``) reached it.
"""

from __future__ import annotations

import asyncio
from typing import Callable, Iterator

import pytest

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator

WATCHED = (
    "get-all-workspaces",
    "get-workspace",
    "update-workspace",
    "delete-workspace",
    "manually-assign-workspace",
)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as e:
        yield e


def seen(emu: Emulator) -> dict[str, int]:
    return {op: emu.calls(op) for op in WATCHED}


def only_gets(count: int) -> dict[str, int]:
    return {op: (count if op == "get-workspace" else 0) for op in WATCHED}


def fresh(emu: Emulator) -> nw.Client:
    return emu.client(max_retries=0)


def _default(emu: Emulator) -> str:
    workspace_id = emu.default_workspace_id()
    assert workspace_id is not None
    return workspace_id


# Each case: (prepare the target with a throw-away client -> id, refused call, rule).
Case = tuple[Callable[[Emulator], str], Callable[[nw.Client, str], object], str]

CASES: dict[str, Case] = {
    "rename the default": (
        _default,
        lambda c, ws: c.workspaces.update(ws, name="Renamed"),
        "default_workspace_protected",
    ),
    "toggle auto_group on the default": (
        _default,
        lambda c, ws: c.workspaces.update(ws, auto_group=False),
        "default_workspace_protected",
    ),
    "delete the default": (
        _default,
        lambda c, ws: c.workspaces.delete(ws),
        "default_workspace_protected",
    ),
    "auto_group on without a domain": (
        lambda e: e.client().workspaces.create("Plain").workspace_id,
        lambda c, ws: c.workspaces.update(ws, auto_group=True),
        "auto_group_requires_domain",
    ),
    "assign into an auto-grouping workspace": (
        lambda e: e.client()
        .workspaces.create("Grouped", domain="grouped.example", auto_group=True)
        .workspace_id,
        lambda c, ws: c.workspaces.manual_assign(ws, assign_grants=["g-1"]),
        "target_auto_groups",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_fresh_client_refuses_before_the_mutating_request(emu: Emulator, name: str) -> None:
    prepare, call, rule = CASES[name]
    target = prepare(emu)
    before = seen(emu)
    client = fresh(emu)
    with pytest.raises(nw.InvariantError) as info:
        call(client, target)
    assert info.value.rule == rule
    after = seen(emu)
    assert {op: after[op] - before[op] for op in WATCHED} == only_gets(1)
    # A second try on the same client: the unchanging facts are remembered, auto_group is not.
    with pytest.raises(nw.InvariantError):
        call(client, target)
    again = seen(emu)["get-workspace"] - after["get-workspace"]
    assert again == (1 if rule == "target_auto_groups" else 0)
    assert seen(emu)["update-workspace"] == before["update-workspace"]
    assert seen(emu)["delete-workspace"] == before["delete-workspace"]
    assert seen(emu)["manually-assign-workspace"] == 0


def test_a_policy_only_update_of_the_default_sends_no_lookup(emu: Emulator) -> None:
    policy = emu.add_policy()
    ws = fresh(emu).workspaces.update(_default(emu), policy_id=policy)
    assert ws.policy_id == policy
    assert seen(emu) == {**only_gets(0), "update-workspace": 1}


def test_the_async_client_refuses_the_same_way(emu: Emulator) -> None:
    default = _default(emu)

    async def main() -> None:
        client = emu.async_client(max_retries=0)
        with pytest.raises(nw.InvariantError) as info:
            await client.workspaces.delete(default)
        assert info.value.rule == "default_workspace_protected"

    asyncio.run(main())
    assert seen(emu) == only_gets(1)


def test_a_failed_lookup_is_raised_and_nothing_is_deleted(emu: Emulator) -> None:
    with pytest.raises(nw.NotFoundError):
        fresh(emu).workspaces.delete("no-such-workspace")
    assert seen(emu) == only_gets(1)
