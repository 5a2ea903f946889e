"""Inventory: what each workspace holds (its grants) and refers to (its policy and rules, by
name), then attaching a rule to several workspaces without rebuilding their rule lists.

It runs against the emulator bundled in the wheel, so it needs no API key and no network::

    python examples/inventory.py

With pandas installed (``pip install 'nylas-workspaces[pandas]'``) it also counts the grants
per provider from a DataFrame. Against Nylas itself, use ``nw.Client()`` instead of
``emu.client()``.
"""

from __future__ import annotations

import importlib.util
from collections import Counter

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator


def main() -> None:
    with Emulator() as emu:
        strict = emu.add_policy("Strict limits")
        spam = emu.add_rule("Block spam", priority=1)
        links = emu.add_rule("Strip links")
        client = emu.client()
        sales = client.workspaces.create("Sales", domain="sales.example.com", auto_group=True,
                                         policy_id=strict, rule_ids=[spam])
        field = client.workspaces.create("Field team")
        for name in ("ann", "bo", "cy"):
            emu.add_grant(f"{name}@sales.example.com")
        emu.add_grant("dee@gmail.com", provider="google")
        emu.add_grant("eve@example.org", workspace_id=field.workspace_id)

        # Names for the ids a workspace refers to: one listing each, paged lazily.
        policy_names = {p.policy_id: p.name for p in client.policies.list()}
        rule_names = {r.rule_id: r.name for r in client.rules.list()}
        # One walk over every grant, counted by the workspace Nylas says it is in. (Nylas may
        # leave `workspace_id` out for non-Agent-Account grants of the default workspace.)
        per_workspace = Counter(g.workspace_id for g in client.grants.list())
        for ws in client.workspaces.list():
            rules = ", ".join(rule_names.get(r, r) for r in ws.rule_ids) or "-"
            policy = policy_names.get(ws.policy_id, ws.policy_id) if ws.policy_id else "-"
            print(f"{ws.name}: {per_workspace[ws.workspace_id]} grant(s), "
                  f"policy {policy}, rules {rules}")

        # Attach a rule everywhere, keeping each workspace's other rules and their order.
        for ws in (sales, field):
            updated = client.workspaces.attach_rules(ws.workspace_id, [links])
            print(f"{updated.name} now has rules "
                  f"{[rule_names[r] for r in updated.rule_ids]}")

        try:
            client.workspaces.attach_rules(field.workspace_id, ["no-such-rule"])
        except nw.InvariantError as err:
            print(f"refused before sending: {err.rule}")

        if importlib.util.find_spec("pandas") is not None:
            frame = client.grants.list().to_pandas()
            print("grants per provider:", frame.groupby("provider").size().to_dict())


if __name__ == "__main__":
    main()
