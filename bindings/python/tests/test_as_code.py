"""Workspaces as code through the blocking client, against ``testing.Emulator``:
``client.plan``, ``client.apply`` and ``client.export``.

The expected JSON is written out by hand from the documented ``--json`` shape
(``{"changes": [...], "summary": {...}}``, each change with ``action``, ``workspace`` and
``fields`` / ``grants`` / ``reason``), not copied from the crate, so a drift in either shows.
The emulator's call counts tell what went on the wire: a refused plan or a bad file must
change nothing, and a concurrent change must stop the run before the update is sent.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator

WRITES = ("create-workspace", "update-workspace", "delete-workspace",
          "manually-assign-workspace")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as e:
        yield e


@pytest.fixture
def client(emu: Emulator) -> nw.Client:
    return emu.client(max_retries=0, timeout=10.0)


def writes(emu: Emulator) -> dict[str, int]:
    return {op: emu.calls(op) for op in WRITES}


def write(tmp_path: Path, text: str, name: str = "workspaces.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


class Seeded:
    """An application with one of each thing a plan can change."""

    def __init__(self, emu: Emulator, client: nw.Client) -> None:
        self.policy = emu.add_policy(name="Standard limits")
        self.rule = emu.add_rule(name="Block spam")
        self.grants = [emu.add_grant(f"user{i}@field.example") for i in range(3)]
        self.field = client.workspaces.create("Field team", auto_group=False,
                                              policy_id=self.policy)
        client.workspaces.manual_assign(self.field.workspace_id, assign_grants=self.grants[2:])
        self.old = client.workspaces.create("Old team")
        self.acme = client.workspaces.create("Acme", domain="acme.com")


FILE = """\
version: 1
workspaces:
  - name: Acme
    domain: acme.io
  - name: New team
    domain: new.example
    auto_group: false
    policy: Standard limits
  - name: Field team
    policy: null
    rules: [Block spam]
    grants: [{g0}, {g1}]
    exclusive: true
"""


def test_every_kind_of_change_has_its_line_and_the_documented_json_shape(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    s = Seeded(emu, client)
    path = write(tmp_path, FILE.format(g0=s.grants[0], g1=s.grants[1]))
    before = writes(emu)
    plan = client.plan(path, prune=True)
    assert writes(emu) == before, "planning sends only reads"

    assert str(plan) == (
        "! refused Acme: the domain of an existing workspace can't change (acme.com → acme.io)\n"
        "+ create New team (new.example, manual, policy Standard limits)\n"
        "~ update Field team: policy Standard limits → (none), rules [] → [Block spam]\n"
        "→ assign 2 grants to Field team\n"
        "← remove 1 grant from Field team\n"
        "- delete Old team\n"
    )
    field = {"name": "Field team", "domain": None, "workspace_id": s.field.workspace_id}
    expected = {
        "changes": [
            {"action": "refused",
             # The workspace as it is live: the refusal is about that one.
             "workspace": {"name": "Acme", "domain": "acme.com",
                           "workspace_id": s.acme.workspace_id},
             "reason": "the domain of an existing workspace can't change (acme.com → acme.io)"},
            {"action": "create",
             "workspace": {"name": "New team", "domain": "new.example", "workspace_id": None},
             "fields": {"name": {"old": None, "new": "New team"},
                        "domain": {"old": None, "new": "new.example"},
                        "auto_group": {"old": None, "new": False},
                        "policy_id": {"old": None, "new": s.policy}}},
            {"action": "update", "workspace": field,
             "fields": {"policy_id": {"old": s.policy, "new": None},
                        "rule_ids": {"old": [], "new": [s.rule]}}},
            {"action": "assign", "workspace": field, "grants": 2},
            {"action": "remove", "workspace": field, "grants": 1},
            {"action": "delete",
             "workspace": {"name": "Old team", "domain": None,
                           "workspace_id": s.old.workspace_id}},
        ],
        "summary": {"create": 1, "update": 1, "delete": 1, "assign": 1, "remove": 1,
                    "refused": 1, "grants_assigned": 2, "grants_removed": 1},
    }
    shape = plan.to_dict()
    assert shape == expected
    # The CLI prints the crate's serde form; the keys come in the same order.
    assert json.dumps(shape) == json.dumps(expected)
    assert plan.summary == expected["summary"]

    actions = [c.action for c in plan.changes]
    assert actions == ["refused", "create", "update", "assign", "remove", "delete"]
    assert [c.to_dict() for c in plan.changes] == expected["changes"]
    assert [str(c) for c in plan.changes] == str(plan).splitlines()
    refused, create, update, assign, remove, delete = plan.changes
    assert refused.refusal == "domain_change" and refused.reason is not None
    assert plan.refusals == [refused]
    assert create.workspace_id is None and create.name == "New team"
    assert create.domain == "new.example"
    assert update.fields == expected["changes"][2]["fields"]
    assert update.default is False
    assert assign.grant_ids == s.grants[:2] and remove.grant_ids == s.grants[2:]
    assert delete.fields == {} and delete.grant_ids == [] and delete.reason is None
    assert plan.has_changes and not plan.is_empty and len(plan) == 6
    assert "refused=1" in repr(plan) and "+ create New team" in repr(create)
    assert plan.changes == plan.changes and plan == client.plan(path, prune=True)


@pytest.mark.parametrize("entry, refusal", [
    ("  - name: Auto\n    auto_group: true\n", "auto_group_without_domain"),
    ("  - name: Field team\n    domain: field.example\n", "domain_change"),
    ("  - name: Groups\n    domain: g.example\n    auto_group: true\n    grants: [{g0}]\n",
     "grants_on_auto_group"),
])
def test_each_refusal_blocks_apply_before_anything_is_changed(
        emu: Emulator, client: nw.Client, tmp_path: Path, entry: str, refusal: str) -> None:
    s = Seeded(emu, client)
    client.workspaces.create("Groups", domain="g.example", auto_group=True)
    text = "version: 1\nworkspaces:\n" + entry.format(g0=s.grants[0])
    # Something appliable too, to show that it is not applied either.
    text += "  - name: Brand new\n"
    path = write(tmp_path, text)
    plan = client.plan(path)
    assert [c.refusal for c in plan.refusals] == [refusal]
    assert plan.has_changes
    before = writes(emu)
    for source in (path, plan):
        with pytest.raises(nw.InvariantError) as err:
            client.apply(source)
        assert err.value.rule == "plan_has_refusals"
    assert writes(emu) == before
    assert "Brand new" not in [w.name for w in client.workspaces.list()]


def test_default_workspace_name_is_a_refusal(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\ndefault_workspace:\n  name: Renamed\n")
    plan = client.plan(path)
    assert [c.refusal for c in plan.changes] == ["default_workspace_field"]
    assert not plan.has_changes
    with pytest.raises(nw.InvariantError, match="refused"):
        client.apply(plan)
    assert writes(emu)["update-workspace"] == 0


def test_a_bad_file_names_its_line_and_sends_nothing(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nworkspaces:\n  - name: Acme\n    domian: acme.com\n")
    with pytest.raises(nw.PlanFileError) as err:
        client.plan(path)
    e = err.value
    assert (e.file, e.line, e.kind) == (str(path), 4, "unknown_key")
    assert str(e).startswith(f"{path}:4: ") and "domian" in e.reason
    assert isinstance(e, ValueError) and isinstance(e, nw.NylasWorkspacesError)
    # Read and refused by the call itself: not even a read went out.
    assert emu.calls("get-all-workspaces") == 0 and emu.calls("list-policies") == 0
    with pytest.raises(nw.PlanFileError) as err:
        client.apply(path)
    assert err.value.line == 4


@pytest.mark.parametrize("text, line, kind", [
    ("version: 2\n", 1, "version"),
    ("workspaces: []\n", None, "version"),
    ("version: 1\nworkspaces:\n  - name: A\n  - name: A\n", 4, "duplicate_entry"),
    ("version: 1\nworkspaces:\n  - name: A\n    auto_group: maybe\n", 4, "invalid_value"),
    ("version: 1\nworkspaces: [\n", None, "syntax"),
])
def test_file_errors_carry_their_kind(
        client: nw.Client, tmp_path: Path, text: str, line: Any, kind: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(nw.PlanFileError) as err:
        client.plan(path)
    assert err.value.kind == kind
    if line is not None:
        assert err.value.line == line


def test_an_unknown_policy_name_is_found_while_planning_and_names_its_line(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    emu.add_policy(name="Strict")
    path = write(tmp_path, "version: 1\nworkspaces:\n  - name: A\n    policy: Strickt\n")
    with pytest.raises(nw.PlanFileError) as err:
        client.plan(Path(path))  # an os.PathLike works as well as a str
    assert (err.value.kind, err.value.line, err.value.file) == ("unknown_reference", 4, str(path))


def test_a_missing_file_is_an_io_error(client: nw.Client, tmp_path: Path) -> None:
    with pytest.raises(nw.PlanFileError) as err:
        client.plan(tmp_path / "nope.yaml")
    assert err.value.kind == "io" and err.value.file == str(tmp_path / "nope.yaml")


def test_a_dict_is_planned_like_the_file_and_its_errors_carry_no_line(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    emu.add_policy(name="Strict")
    desired = {"version": 1, "workspaces": [
        {"name": "Acme", "domain": "acme.com", "auto_group": True, "policy": "Strict"}]}
    yaml = ("version: 1\nworkspaces:\n  - name: Acme\n    domain: acme.com\n"
            "    auto_group: true\n    policy: Strict\n")
    from_dict = client.plan(desired)
    from_file = client.plan(write(tmp_path, yaml))
    assert from_dict.to_dict() == from_file.to_dict() and str(from_dict) == str(from_file)
    assert str(from_dict) == "+ create Acme (acme.com, auto_group, policy Strict)\n"

    for bad, kind in [({"version": 1, "workspaces": [{"name": "A", "nmae": 1}]}, "unknown_key"),
                      ({"version": 1, "workspaces": [{"name": "A", "policy": "Nope"}]},
                       "unknown_reference"),
                      ({"version": 3}, "version")]:
        with pytest.raises(nw.PlanFileError) as err:
            client.plan(bad)
        assert (err.value.kind, err.value.line, err.value.file) == (kind, None, None)
        assert not str(err.value).startswith("line ")

    with pytest.raises(TypeError):
        client.plan({"version": 1, "workspaces": [{"name": {1, 2}}]})
    with pytest.raises(ValueError):
        client.plan({"version": float("nan")})
    for wrong in (42, b"workspaces.yaml", ["version", 1], None):
        with pytest.raises(TypeError, match="path"):
            client.plan(wrong)  # type: ignore[arg-type]
    assert writes(emu)["create-workspace"] == 0


def test_apply_of_a_file_ends_in_sync_and_a_second_plan_is_empty(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    s = Seeded(emu, client)
    path = write(tmp_path, FILE.format(g0=s.grants[0], g1=s.grants[1])
                 .replace("domain: acme.io", "domain: acme.com"))
    report = client.apply(path, prune=True, journal_dir=tmp_path)
    assert isinstance(report, nw.ApplyReport)
    assert report.in_sync and not report.stopped and report.error is None
    assert report.remaining is not None and report.remaining.is_empty
    assert [c.action for c in report.applied] == ["create", "update", "assign", "remove",
                                                  "delete"]
    assert report.not_applied == []
    assert [w.name for w in report.created] == ["New team"]
    assert [a.workspace_id for a in report.assignments] == [s.field.workspace_id]
    assert report.assignments[0].grants_assigned == s.grants[:2]
    assert report.assignments[0].grants_removed == s.grants[2:]
    assert len(report.journals) == 1 and Path(report.journals[0]).parent == tmp_path
    assert Path(report.journals[0]).exists()
    d = report.to_dict()
    assert list(d) == ["applied", "not_applied", "error", "stopped", "in_sync", "journals",
                       "remaining"]
    assert d["in_sync"] is True and d["error"] is None and d["not_applied"] == []
    assert d["remaining"] == {"changes": [], "summary": dict.fromkeys(
        ["create", "update", "delete", "assign", "remove", "refused", "grants_assigned",
         "grants_removed"], 0)}
    assert str(report) == "5 change(s) applied, 0 not applied"

    field = client.workspaces.get(s.field.workspace_id)
    assert field.policy_id is None and field.rule_ids == [s.rule]
    assert sorted(emu.grants_in(s.field.workspace_id)) == sorted(s.grants[:2])
    names = {w.name for w in client.workspaces.list()}
    assert "Old team" not in names and "New team" in names
    assert client.plan(path, prune=True).is_empty
    before = writes(emu)
    again = client.apply(path, prune=True)
    assert again.in_sync and again.applied == [] and writes(emu) == before


def test_export_plans_back_to_nothing(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    s = Seeded(emu, client)
    client.workspaces.attach_rules(s.acme.workspace_id, [s.rule])
    for grants in (False, True):
        text = client.export(grants=grants)
        assert isinstance(text, str) and text.startswith("version: 1")
        assert ("grants:" in text) == grants
        path = write(tmp_path, text, f"export-{grants}.yaml")
        assert client.plan(path, prune=True).is_empty
    assert s.grants[2] in client.export(grants=True)


def test_a_concurrent_change_between_plan_and_apply_stops_before_the_update(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    s = Seeded(emu, client)
    path = write(tmp_path, "version: 1\nworkspaces:\n  - name: Brand new\n"
                 "  - name: Field team\n    rules: [Block spam]\n")
    plan = client.plan(path)
    assert [c.action for c in plan.changes] == ["create", "update"]
    other = emu.add_policy(name="Someone else's")
    client.workspaces.set_policy(s.field.workspace_id, other)
    updates = emu.calls("update-workspace")
    with pytest.raises(nw.ApplyError) as err:
        client.apply(plan)
    report = err.value.report
    assert isinstance(report.error, nw.ConcurrentChangeError)
    assert err.value.__cause__ is report.error
    assert report.error.workspace_id == s.field.workspace_id
    assert report.error.found.policy_id == other
    assert [c.action for c in report.applied] == ["create"]
    assert [c.action for c in report.not_applied] == ["update"]
    assert not report.in_sync and report.remaining is None
    assert emu.calls("update-workspace") == updates, "the update was not sent"
    assert client.workspaces.get(s.field.workspace_id).rule_ids == []
    assert report.to_dict()["error"] == str(report.error)
    # Planning again sees the other writer's policy and keeps it (the file does not manage it).
    report = client.apply(path)
    assert report.in_sync and [c.action for c in report.applied] == ["update"]
    assert client.workspaces.get(s.field.workspace_id).policy_id == other


def test_apply_of_a_plan_object_applies_exactly_that_plan(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nworkspaces:\n  - name: One\n  - name: Two\n")
    plan = client.plan(path)
    # The file changes after planning: the Plan still holds what was shown.
    path.write_text("version: 1\nworkspaces:\n  - name: Three\n")
    report = client.apply(plan)
    assert [c.name for c in report.applied] == ["One", "Two"]
    # The re-plan afterwards is of the file as it was read when planning, not as it is now.
    assert report.in_sync
    assert "Three" not in [w.name for w in client.workspaces.list()]
    assert [str(c) for c in client.plan(path).changes] == ["+ create Three"]
    with pytest.raises(ValueError, match="prune"):
        client.apply(plan, prune=True)
    with pytest.raises(TypeError, match="apply"):
        client.plan(plan)  # type: ignore[arg-type]


def test_a_failed_grant_move_raises_with_the_report_and_a_second_run_finishes(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    grants = [emu.add_grant(f"u{i}@x.example") for i in range(2)]
    desired = {"version": 1, "workspaces": [{"name": "Crew", "grants": grants},
                                            {"name": "Later", "domain": "later.example"}]}
    emu.fail_next("manually-assign-workspace", count=1, fault="internal_server_error")
    with pytest.raises(nw.ApplyError) as err:
        client.apply(desired, journal_dir=tmp_path)
    report = err.value.report
    assert isinstance(report.error, nw.BulkAssignError)
    assert isinstance(err.value.__cause__, nw.BulkAssignError)
    # Creates come first, then the grant moves.
    assert [c.name for c in report.applied] == ["Crew", "Later"]
    assert [c.action for c in report.not_applied] == ["assign"]
    assert len(report.assignments) == 1 and report.assignments[0].grants_assigned == []
    assert len(report.journals) == 1
    assert "2 change(s) applied, 1 not applied" in str(err.value)
    report2 = client.apply(desired)
    assert report2.in_sync
    assert [str(c) for c in report2.applied] == ["→ assign 2 grants to Crew"]
    crew = next(w for w in client.workspaces.list() if w.name == "Crew")
    assert sorted(emu.grants_in(crew.workspace_id)) == sorted(grants)


def test_a_journal_dir_that_is_not_there_is_refused_before_anything_is_changed(
        emu: Emulator, client: nw.Client, tmp_path: Path) -> None:
    with pytest.raises(nw.ConfigurationError, match="journal"):
        client.apply({"version": 1, "workspaces": [{"name": "A"}]},
                     journal_dir=tmp_path / "missing")
    assert writes(emu)["create-workspace"] == 0


# The child applies a file of many creates against the emulator in this process; the test
# sends SIGINT once the first create went through.
CHILD = """
import json, sys
import nylas_workspaces as nw

url, key, path = sys.argv[1:4]
client = nw.Client(key, api_uri=url, max_retries=0, timeout=60)
print("calling", flush=True)
try:
    try:
        client.apply(path)
    except Exception as err:
        print(json.dumps({"kind": "exception", "type": type(err).__name__}), flush=True)
        sys.exit(3)
except nw.ApplyInterrupted as err:
    r = err.report
    print(json.dumps({"kind": "interrupted",
                      "is_keyboard_interrupt": isinstance(err, KeyboardInterrupt),
                      "stopped": r.stopped, "applied": [c.name for c in r.applied],
                      "not_applied": [c.name for c in r.not_applied]}), flush=True)
    sys.exit(42)
print(json.dumps({"kind": "finished"}), flush=True)
"""


def test_ctrl_c_stops_a_blocking_apply_between_steps_with_the_report(
        emu: Emulator, tmp_path: Path) -> None:
    names = [f"W{i}" for i in range(20)]
    path = write(tmp_path, "version: 1\nworkspaces:\n"
                 + "".join(f"  - name: {n}\n" for n in names))
    emu.set_latency(0.1)
    proc = subprocess.Popen([sys.executable, "-c", CHILD, emu.url, emu.api_key, str(path)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "calling"
        give_up = time.monotonic() + 20
        while emu.calls("create-workspace") < 1:
            assert proc.poll() is None and time.monotonic() < give_up
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        out = json.loads(proc.stdout.readline())
        assert proc.wait(timeout=20) == 42
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out["kind"] == "interrupted" and out["is_keyboard_interrupt"] and out["stopped"]
    assert 1 <= len(out["applied"]) < len(names)
    assert out["applied"] + out["not_applied"] == names
    # Exactly what the report says was applied exists, and nothing started after the stop.
    assert emu.calls("create-workspace") == len(out["applied"])
