"""Workspaces as code: keep the application's setup in a reviewed file, plan it, apply it,
and export the live state back as such a file.

It runs against the emulator bundled in the wheel, so it needs no API key and no network::

    python examples/as_code.py

The file is the one the CLI's ``plan``/``apply`` read (YAML; a dict of the same content works
too). Against Nylas itself, use ``nw.Client()`` instead of ``emu.client()``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator

FILE = """\
version: 1
workspaces:
  - name: Acme
    domain: acme.com
    auto_group: true
    policy: Standard limits
    rules: [Block spam]
  - name: Field team
    auto_group: false
    grants: [{grants}]
"""


def main() -> None:
    with Emulator() as emu, tempfile.TemporaryDirectory() as folder:
        emu.add_policy("Standard limits")
        emu.add_rule("Block spam")
        grants = [emu.add_grant(f"{n}@field.example") for n in ("ann", "bo")]
        client = emu.client()
        path = Path(folder) / "workspaces.yaml"
        path.write_text(FILE.format(grants=", ".join(grants)))

        # What apply would do: one line per change, and the JSON shape of `plan --json`.
        plan = client.plan(path)
        print(str(plan), end="")
        print("summary:", plan.summary)

        # A refusal is planned, never attempted, and blocks the whole apply.
        refused = client.plan({"version": 1, "workspaces": [{"name": "X", "auto_group": True}]})
        print("refused:", refused.refusals[0].reason)
        try:
            client.apply(refused)
        except nw.InvariantError as err:
            print("apply refused before sending:", err.rule)

        # Apply exactly the plan that was shown; the report says whether all is in sync.
        report = client.apply(plan)
        print(f"applied {len(report.applied)} change(s), in sync: {report.in_sync}")

        # The live state as a file: planning it changes nothing.
        exported = Path(folder) / "exported.yaml"
        exported.write_text(client.export(grants=True))
        print("export plans back to nothing:", client.plan(exported).is_empty)


if __name__ == "__main__":
    main()
