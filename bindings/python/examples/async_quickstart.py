"""The quickstart with ``AsyncClient``: the same calls, each awaitable, so several can run at
once under one event loop.

It runs against the emulator bundled in the wheel, so it needs no API key and no network::

    python examples/async_quickstart.py

Against Nylas itself, use ``nw.AsyncClient()`` (the key comes from ``NYLAS_API_KEY``).
"""

from __future__ import annotations

import asyncio

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator


async def run(emu: Emulator) -> None:
    async with emu.async_client() as client:
        workspaces = await client.workspaces.list()
        print(f"{len(workspaces)} workspace(s) at start")

        # Three creates in flight at once.
        teams = ["Sales", "Support", "Ops"]
        created: list[nw.Workspace] = await asyncio.gather(*(
            client.workspaces.create(team, domain=f"{team.lower()}.example.com")
            for team in teams
        ))
        for ws in created:
            print(f"created {ws.name} ({ws.domain}) as {ws.workspace_id}")

        # Attach a policy to one, then move two grants into it.
        sales = created[0]
        policy = emu.add_policy()
        updated = await client.workspaces.update(sales.workspace_id, policy_id=policy)
        print(f"{updated.name} now has policy {updated.policy_id}")

        grants = [emu.add_grant(f"user{i}@sales.example.com") for i in range(2)]
        result = await client.workspaces.manual_assign(sales.workspace_id, assign_grants=grants)
        print(f"assigned {len(result.grants_assigned)} grant(s) to {sales.name}")

        # Errors are the same classes as with the blocking client.
        try:
            await client.workspaces.get("no-such-workspace")
        except nw.NotFoundError as err:
            print(f"not found, as expected (status {err.status}, request {err.request_id})")

        print(f"{len(await client.workspaces.list())} workspace(s) at the end")


def main() -> None:
    with Emulator() as emu:
        asyncio.run(run(emu))


if __name__ == "__main__":
    main()
