"""Quickstart: list and inspect workspaces, create one with a domain, then attach and detach a
policy and rules.

It runs against the emulator bundled in the wheel (``nylas_workspaces.testing.Emulator``, a
real HTTP server on a loopback port), so it needs no API key and no network::

    python examples/quickstart.py

Against Nylas itself, use ``nw.Client()`` instead of ``emu.client()``: it reads the key from
``NYLAS_API_KEY`` (pass ``region="eu"`` for the EU region).
"""

from __future__ import annotations

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator


def show(ws: nw.Workspace) -> None:
    """One line per workspace."""
    print(f"  {ws.workspace_id} name={ws.name!r} domain={ws.domain or '-'} "
          f"default={ws.default} auto_group={ws.auto_group} "
          f"policy={ws.policy_id or '-'} rules={ws.rule_ids}")


def main() -> None:
    with Emulator() as emu:
        # The emulated application owns a policy and two rules we can attach.
        policy = emu.add_policy()
        rule_a, rule_b = emu.add_rule(), emu.add_rule()

        with emu.client() as client:
            # List and inspect.
            print("workspaces at start:")
            for ws in client.workspaces.list():
                show(ws)
            default = client.workspaces.default()
            if default is not None:
                print(f"the default workspace is {default.workspace_id}")

            # Create one with a domain; auto_group stays off, so grants are moved by hand
            # (see bulk_from_csv.py).
            sales = client.workspaces.create("Sales", domain="sales.example.com")
            print("created:")
            show(sales)
            ws_id = sales.workspace_id

            # Each optional field of an update has three states: left out (NOT_GIVEN, the
            # default) keeps it, None clears it, a value sets it.
            ws = client.workspaces.update(ws_id, policy_id=policy, rule_ids=[rule_a, rule_b])
            print("attached a policy and two rules:")
            show(ws)

            ws = client.workspaces.update(ws_id, policy_id=nw.NOT_GIVEN, rule_ids=[rule_b])
            print("kept the policy, replaced the rules:")
            show(ws)

            ws = client.workspaces.update(ws_id, name="Sales EMEA", policy_id=None, rule_ids=None)
            print("renamed and detached everything:")
            show(ws)

            # Inspect one workspace by id, then delete it.
            assert client.workspaces.get(ws_id).policy_id is None
            request_id = client.workspaces.delete(ws_id)
            print(f"deleted {ws_id} (request {request_id})")
            print(f"workspaces left: {len(client.workspaces.list())}")


if __name__ == "__main__":
    main()
