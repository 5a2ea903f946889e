"""Workspaces as code through ``AsyncClient``: the same methods as the blocking client's, as
awaitables, with the same results and errors (both are generated from one definition; these
tests make sure the awaitable side is wired to the same calls, and that argument errors
raise at the call, before an awaitable exists).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator, TypeVar

import pytest

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator

T = TypeVar("T")


def run(call: Callable[[], Awaitable[T]]) -> T:
    """Awaits what `call` returns, calling it inside the loop (the awaitable needs one)."""
    async def main() -> T:
        return await call()
    return asyncio.run(main())


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as e:
        yield e


@pytest.fixture
def aclient(emu: Emulator) -> nw.AsyncClient:
    return emu.async_client(max_retries=0, timeout=10.0)


def test_plan_apply_export_are_awaitable_and_end_in_sync(
        emu: Emulator, aclient: nw.AsyncClient, tmp_path: Path) -> None:
    policy = emu.add_policy(name="Strict")
    grants = [emu.add_grant(f"u{i}@crew.example") for i in range(3)]
    desired: dict[str, Any] = {"version": 1, "workspaces": [
        {"name": "Acme", "domain": "acme.com", "auto_group": True, "policy": "Strict"},
        {"name": "Crew", "grants": grants},
    ]}

    async def main() -> None:
        plan = await aclient.plan(desired)
        assert isinstance(plan, nw.Plan)
        assert str(plan) == ("+ create Acme (acme.com, auto_group, policy Strict)\n"
                             "+ create Crew (manual)\n"
                             "→ assign 3 grants to Crew\n")
        assert plan.to_dict()["summary"]["grants_assigned"] == 3
        assert plan.to_dict()["changes"][0]["fields"]["policy_id"] == {"old": None,
                                                                      "new": policy}
        report = await aclient.apply(plan, journal_dir=tmp_path)
        assert report.in_sync and len(report.applied) == 3 and len(report.journals) == 1
        again = await aclient.plan(desired)
        assert again.is_empty and str(again) == ""
        text = await aclient.export(grants=True)
        path = tmp_path / "exported.yaml"
        path.write_text(text)
        assert (await aclient.plan(path, prune=True)).is_empty
        assert all(g in text for g in grants)

    asyncio.run(main())


def test_a_refused_plan_raises_from_the_awaitable_and_sends_no_write(
        emu: Emulator, aclient: nw.AsyncClient) -> None:
    desired = {"version": 1, "workspaces": [{"name": "Auto", "auto_group": True},
                                            {"name": "Fine"}]}
    with pytest.raises(nw.InvariantError) as err:
        run(lambda: aclient.apply(desired))
    assert err.value.rule == "plan_has_refusals"
    assert emu.calls("create-workspace") == 0


def test_argument_and_file_errors_raise_at_the_call(
        emu: Emulator, aclient: nw.AsyncClient, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nworkspaces:\n  - name: A\n    colour: blue\n")

    async def main() -> None:
        # Raised by the call itself (the file is read there), not by awaiting.
        with pytest.raises(nw.PlanFileError) as err:
            aclient.plan(path)
        assert (err.value.line, err.value.kind) == (4, "unknown_key")
        with pytest.raises(TypeError):
            aclient.apply(3.5)  # type: ignore[arg-type]
        plan = await aclient.plan({"version": 1, "workspaces": [{"name": "A"}]})
        with pytest.raises(ValueError, match="prune"):
            aclient.apply(plan, prune=True)
        with pytest.raises(nw.PlanFileError) as err:
            await aclient.plan({"version": 1, "workspaces": [{"name": "A", "rules": ["x"]}]})
        assert (err.value.kind, err.value.line) == ("unknown_reference", None)

    asyncio.run(main())
    assert emu.calls("create-workspace") == 0


def test_a_concurrent_change_raises_apply_error_with_the_conflict(
        emu: Emulator, aclient: nw.AsyncClient) -> None:
    rule = emu.add_rule(name="Block spam")
    other = emu.add_policy(name="Someone else's")

    async def main() -> None:
        ws = await aclient.workspaces.create("Team")
        desired = {"version": 1, "workspaces": [{"name": "Team", "rules": ["Block spam"]}]}
        plan = await aclient.plan(desired)
        await aclient.workspaces.set_policy(ws.workspace_id, other)
        with pytest.raises(nw.ApplyError) as err:
            await aclient.apply(plan)
        report = err.value.report
        assert isinstance(report.error, nw.ConcurrentChangeError)
        assert err.value.__cause__ is report.error
        assert [c.action for c in report.not_applied] == ["update"]
        assert (await aclient.workspaces.get(ws.workspace_id)).rule_ids == []
        # Planned again, the file's rules still go on (the file does not manage the policy).
        report = await aclient.apply(desired)
        assert report.in_sync
        assert (await aclient.workspaces.get(ws.workspace_id)).rule_ids == [rule]

    asyncio.run(main())
