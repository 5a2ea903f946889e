"""The Python package against the emulator: every documented rule, end to end.

The emulator enforces the rules with its own code, so these tests show that the client's
requests are accepted where the API accepts them and that its refusals match the API's.
"""

from __future__ import annotations

import asyncio
from typing import Iterator

import pytest

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as e:
        yield e


@pytest.fixture
def client(emu: Emulator) -> nw.Client:
    return emu.client(max_retries=0)


def test_lifecycle(emu: Emulator, client: nw.Client) -> None:
    default = client.workspaces.default()
    assert default is not None and default.default
    assert default.workspace_id == emu.default_workspace_id()

    sales = client.workspaces.create("Sales", domain="sales.example", auto_group=True)
    assert sales.auto_group and sales.domain == "sales.example"
    assert client.workspaces.get("sales.example") == sales  # a domain works in the path

    grant = emu.add_grant("ann@sales.example")
    assert emu.grant_workspace(grant) == sales.workspace_id  # auto-grouped on arrival

    manual = client.workspaces.create("Manual")
    assert manual.domain is None and not manual.auto_group
    result = client.workspaces.manual_assign(manual.workspace_id, assign_grants=[grant])
    assert result.grants_assigned == [grant]
    assert emu.grant_workspace(grant) == manual.workspace_id

    policy, rule = emu.add_policy(), emu.add_rule()
    ws = client.workspaces.update(manual.workspace_id, policy_id=policy, rule_ids=[rule])
    assert (ws.policy_id, ws.rule_ids) == (policy, [rule])
    ws = client.workspaces.update(manual.workspace_id, policy_id=None, rule_ids=nw.NOT_GIVEN)
    assert (ws.policy_id, ws.rule_ids) == (None, [rule])
    ws = client.workspaces.update(manual.workspace_id, rule_ids=[])
    assert ws.rule_ids == []

    request_id = client.workspaces.delete(manual.workspace_id)
    assert request_id
    assert emu.grant_workspace(grant) == default.workspace_id  # moved to the default
    with pytest.raises(nw.NotFoundError) as info:
        client.workspaces.get(manual.workspace_id)
    assert info.value.request_id


def test_default_workspace_is_protected(client: nw.Client, emu: Emulator) -> None:
    default = client.workspaces.default()
    assert default is not None
    # Known to be the default (the client just listed it): refused without even a lookup.
    with pytest.raises(nw.InvariantError) as info:
        client.workspaces.update(default.workspace_id, name="Renamed")
    assert info.value.rule == "default_workspace_protected"
    with pytest.raises(nw.InvariantError):
        client.workspaces.delete(default.workspace_id)
    # A fresh client knows nothing yet: the crate looks the target up and refuses the same
    # way, with the rule, before the mutating request (as the CLI does).
    fresh = emu.client(max_retries=0)
    with pytest.raises(nw.InvariantError) as info:
        fresh.workspaces.delete(default.workspace_id)
    assert info.value.rule == "default_workspace_protected"
    with pytest.raises(nw.InvariantError) as info:
        emu.client(max_retries=0).workspaces.update(default.workspace_id, auto_group=True)
    assert info.value.rule == "default_workspace_protected"
    assert emu.calls("delete-workspace") == 0
    assert emu.calls("update-workspace") == 0
    # Its policy and rules may change.
    policy = emu.add_policy()
    assert client.workspaces.update(default.workspace_id, policy_id=policy).policy_id == policy


def test_server_side_refusals(client: nw.Client, emu: Emulator) -> None:
    client.workspaces.create("A", domain="dup.example")
    with pytest.raises(nw.BadRequestError):
        client.workspaces.create("B", domain="dup.example")
    with pytest.raises(nw.BadRequestError):
        client.workspaces.create("C", policy_id="no-such-policy")
    grouped = client.workspaces.create("G", domain="grouped.example", auto_group=True)
    fresh = emu.client(max_retries=0)
    with pytest.raises(nw.InvariantError) as info:
        fresh.workspaces.manual_assign(grouped.workspace_id, assign_grants=["g"])
    assert info.value.rule == "target_auto_groups"
    with pytest.raises(nw.AuthenticationError):
        nw.Client("wrong-key", api_uri=emu.url, max_retries=0).workspaces.list()


def test_bulk_assign_survives_injected_failures(client: nw.Client, emu: Emulator) -> None:
    target = client.workspaces.create("Bulk")
    grants = [emu.add_grant(f"user{i}@bulk.example") for i in range(1200)]
    emu.fail_next("manually-assign-workspace", 2, "service_unavailable")
    retrying = emu.client(max_retries=2)
    result = retrying.workspaces.manual_assign(target.workspace_id, assign_grants=grants)
    assert sorted(result.grants_assigned) == sorted(grants)
    assert emu.grants_in(target.workspace_id) and set(emu.grants_in(target.workspace_id)) == set(grants)
    assert emu.calls("manually-assign-workspace") == 3 + 2


def test_bulk_partial_failure_names_exactly_the_failed_ids(client: nw.Client,
                                                           emu: Emulator) -> None:
    target = client.workspaces.create("Partial")
    grants = [emu.add_grant(f"p{i}@partial.example") for i in range(1100)]
    emu.fail_next("manually-assign-workspace", 1, "internal_server_error")
    with pytest.raises(nw.BulkAssignError) as info:
        client.workspaces.manual_assign(target.workspace_id, assign_grants=grants, concurrency=1)
    err = info.value
    assert len(err.failed) == 500
    assert set(err.grants_assigned) | set(err.failed) == set(grants)
    in_target = set(emu.grants_in(target.workspace_id))
    assert in_target == set(err.grants_assigned)
    assert not in_target & set(err.failed)
    # Retrying exactly the failures finishes the job.
    client.workspaces.manual_assign(target.workspace_id, assign_grants=list(err.failed))
    assert set(emu.grants_in(target.workspace_id)) == set(grants)


def test_async_client_against_the_emulator(emu: Emulator) -> None:
    async def main() -> None:
        client = emu.async_client(max_retries=0)
        ws = await client.workspaces.create("Async", domain="async.example")
        got = await asyncio.gather(*(client.workspaces.get(ws.workspace_id) for _ in range(20)))
        assert all(g == ws for g in got)
        job = await client.workspaces.auto_group(specific_domain="async.example")
        assert job.job_id
        with pytest.raises(nw.RateLimitError) as info:
            await client.workspaces.auto_group()
        assert info.value.retry_after is not None

    asyncio.run(main())


@pytest.mark.parametrize("bad", [-1.0, float("inf"), float("nan")])
def test_emulator_refuses_impossible_latency(bad: float) -> None:
    with pytest.raises(ValueError, match="latency"):
        Emulator(latency=bad)
    with Emulator() as emu:
        with pytest.raises(ValueError, match="latency"):
            emu.set_latency(bad)
