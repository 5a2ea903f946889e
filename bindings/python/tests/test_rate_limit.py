"""The ``rate_limit=`` keyword: each accepted shape builds a working client, each wrong one is a
clear error before anything is sent."""

from __future__ import annotations

import asyncio
from typing import Any, Iterator

import pytest

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as e:
        yield e


ACCEPTED: list[Any] = [
    None,
    1000,
    250.5,
    {"rate": 1000},
    {"rate": 500.0, "burst": 10},
    {"rate": 200, "adaptive": True},
    {"rate": 200, "burst": None, "adaptive": False},
]


@pytest.mark.parametrize("limit", ACCEPTED)
def test_accepted_shapes_build_clients_that_work(emu: Emulator, limit: Any) -> None:
    client = emu.client(rate_limit=limit)
    default = client.workspaces.default()
    assert default is not None
    assert default.workspace_id == emu.default_workspace_id()


def test_paced_bulk_assignment_lands_every_grant(emu: Emulator) -> None:
    target = emu.client().workspaces.create("Paced")
    grants = [emu.add_grant(f"user{i}@example.com") for i in range(1200)]
    client = emu.client(rate_limit={"rate": 500, "burst": 5, "adaptive": True})
    result = client.workspaces.manual_assign(target.workspace_id, assign_grants=grants)
    assert sorted(result.grants_assigned) == sorted(grants)
    assert all(emu.grant_workspace(g) == target.workspace_id for g in grants)
    assert emu.calls("manually-assign-workspace") == 3


def test_async_client_takes_the_same_keyword(emu: Emulator) -> None:
    async def run() -> None:
        client = emu.async_client(rate_limit={"rate": 100.0, "adaptive": True})
        items = await client.workspaces.list()
        assert [w.workspace_id for w in items] == [emu.default_workspace_id()]

    asyncio.run(run())


@pytest.mark.parametrize(
    ("limit", "error", "words"),
    [
        ("fast", TypeError, "rate_limit"),
        (True, TypeError, "bool"),
        ([10], TypeError, "rate_limit"),
        ({"burst": 5}, ValueError, "needs a 'rate'"),
        ({"rate": 10, "brust": 5}, ValueError, "brust"),
        ({"rate": "10"}, TypeError, "rate"),
        ({"rate": 10, "burst": 2.5}, TypeError, "burst"),
        ({"rate": 10, "burst": -1}, ValueError, "burst"),
        ({"rate": 10, "adaptive": "yes"}, TypeError, "adaptive"),
    ],
)
def test_wrong_shapes_are_refused_by_the_binding(
    emu: Emulator, limit: Any, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        emu.client(rate_limit=limit)
    with pytest.raises(error, match=words):
        emu.async_client(rate_limit=limit)


@pytest.mark.parametrize(
    "limit", [0, -5.0, float("nan"), float("inf"), {"rate": 10, "burst": 0}]
)
def test_values_the_client_cannot_use_are_configuration_errors(
    emu: Emulator, limit: Any
) -> None:
    with pytest.raises(nw.ConfigurationError) as info:
        emu.client(rate_limit=limit)
    assert isinstance(info.value, nw.NylasWorkspacesError) and isinstance(info.value, ValueError)
    assert emu.api_key not in str(info.value)
    assert "rate" in str(info.value) or "burst" in str(info.value)
