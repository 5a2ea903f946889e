"""The programs in ``bindings/python/examples`` run as a user would run them: each in its own
interpreter (the one running these tests, with the installed wheel), from a scratch folder,
with no API key in the environment, against the bundled emulator. Each must exit 0 and print
the lines that show it did its job; a new example without an entry here fails the suite, so
none goes untested.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# What each example must print: one line per job it shows.
EXPECTED: dict[str, list[str]] = {
    "quickstart.py": [
        "the default workspace is ",
        "attached a policy and two rules:",
        "kept the policy, replaced the rules:",
        "renamed and detached everything:",
        "workspaces left: 1",
    ],
    "async_quickstart.py": [
        "created Ops (ops.example.com)",
        "assigned 2 grant(s) to Sales",
        "not found, as expected (status 404",
        "4 workspace(s) at the end",
    ],
    "bulk_from_csv.py": [
        "read 750 grant ids from grants.csv",
        "partial failure: 250 assigned, 500 failed, 0 not sent",
        "InternalServerError: injected service unavailable",
        "retrying 500 grants",
        "all 750 grants are in Support",
    ],
    "inventory.py": [
        "Sales: 3 grant(s), policy Strict limits, rules Block spam",
        "Field team: 1 grant(s), policy -, rules -",
        "Sales now has rules ['Block spam', 'Strip links']",
        "Field team now has rules ['Strip links']",
        "refused before sending: unknown_reference",
        "grants per provider: {'google': 1, 'nylas': 4}",
    ],
    "as_code.py": [
        "+ create Acme (acme.com, auto_group, policy Standard limits, rules [Block spam])",
        "+ create Field team (manual)",
        "→ assign 2 grants to Field team",
        "summary: {'create': 2,",
        "refused: auto_group: true needs a domain to group by",
        "apply refused before sending: plan_has_refusals",
        "applied 3 change(s), in sync: True",
        "export plans back to nothing: True",
    ],
    "errors.py": [
        "InvariantError rule=auto_group_requires_domain",
        "InvariantError rule=default_workspace_protected",
        "NotFoundError status=404 type=not_found_error request_id=",
        "RateLimitError status=429 retry_after=7.0",
        "InternalServerError status=503",
        "with retries: listed 1 workspace(s)",
        "ConfigurationError: invalid client configuration: the API key is empty",
        "ConfigurationError: invalid client configuration: a rate limit must be",
        "ConfigurationError (a NylasWorkspacesError)",
    ],
}


def test_every_example_has_expectations() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_says_what_it_shows_and_how_to_run_it(name: str) -> None:
    doc = ast.get_docstring(ast.parse((EXAMPLES / name).read_text()))
    assert doc, f"{name} has no module docstring"
    assert f"python examples/{name}" in doc


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_without_a_key(name: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NYLAS_")}
    # The timeout only keeps a broken build from hanging the suite; it is not a speed check.
    done = subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{name} exited {done.returncode}:\n{done.stderr}"
    for line in EXPECTED[name]:
        assert line in done.stdout, f"{name} did not print {line!r}:\n{done.stdout}"
    assert done.stderr == "", done.stderr
    # The examples clean up after themselves.
    assert list(tmp_path.iterdir()) == []
