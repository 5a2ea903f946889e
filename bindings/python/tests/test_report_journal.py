"""``manual_assign(..., report=path)`` and ``resume_manual_assign(path)``: a bulk assignment
journaled to disk as it goes, finished later by sending exactly what the journal does not
confirm, from this process or another, also one that was killed.

The journal is the crate's (the CLI's ``--report`` format); these tests check that the
binding hands the path through, that a resume covers the whole plan, and that a journal that
cannot be written or read stops the call before any assignment is sent. They count the
emulator's ``manually-assign-workspace`` calls to prove what was (not) sent.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator

ASSIGN = "manually-assign-workspace"


def seeded(emu: Emulator, n: int, tag: str) -> tuple[str, list[str]]:
    """A fresh workspace and ``n`` grants outside it."""
    target = emu.client().workspaces.create(f"Journal {tag}").workspace_id
    return target, [emu.add_grant(f"u{i}@{tag}.example") for i in range(n)]


def test_a_failed_chunk_is_journaled_and_resume_sends_exactly_it(tmp_path: Path) -> None:
    with Emulator() as emu:
        target, grants = seeded(emu, 1500, "sync")  # 3 chunks
        report = tmp_path / "assign.jsonl"
        client = emu.client(max_retries=0)
        emu.fail_next(ASSIGN, 1, "internal_server_error")
        with pytest.raises(nw.BulkAssignError) as info:
            client.workspaces.manual_assign(target, assign_grants=grants, concurrency=1,
                                            report=str(report))
        err = info.value
        assert err.report == str(report)
        assert sorted(err.failed) == sorted(grants[:500])
        assert err.assigned == grants[500:]
        assert emu.calls(ASSIGN) == 3
        # The crate's journal: a plan record first, in its own format.
        first = json.loads(report.read_text().splitlines()[0])["record"]
        assert (first["kind"], first["format"]) == ("plan",
                                                    "nylas-workspaces/manual-assign-journal")

        result = client.workspaces.resume_manual_assign(report)
        assert emu.calls(ASSIGN) == 4  # the one failed chunk, nothing else
        assert sorted(result.grants_assigned) == sorted(grants)  # the whole plan
        assert sorted(emu.grants_in(target)) == sorted(grants)
        # Finished: a second resume sends nothing and still reports the whole plan.
        again = client.workspaces.resume_manual_assign(str(report))
        assert emu.calls(ASSIGN) == 4
        assert sorted(again.grants_assigned) == sorted(grants)


def test_the_async_client_journals_and_resumes_the_same_way(tmp_path: Path) -> None:
    with Emulator() as emu:
        target, grants = seeded(emu, 1500, "async")
        report = tmp_path / "assign.jsonl"  # a PathLike, not a str
        emu.fail_next(ASSIGN, 1, "service_unavailable")

        async def main() -> nw.ManualAssignResult:
            client = emu.async_client(max_retries=0)
            with pytest.raises(nw.BulkAssignError) as info:
                await client.workspaces.manual_assign(target, assign_grants=grants,
                                                      concurrency=1, report=report)
            assert info.value.report == str(report)
            assert emu.calls(ASSIGN) == 3
            return await client.workspaces.resume_manual_assign(report)

        result = asyncio.run(main())
        assert emu.calls(ASSIGN) == 4
        assert sorted(result.grants_assigned) == sorted(grants)
        assert sorted(emu.grants_in(target)) == sorted(grants)


def test_a_cancelled_async_task_is_finished_from_its_journal(tmp_path: Path) -> None:
    with Emulator() as emu:
        target, grants = seeded(emu, 5000, "cancel")  # 10 chunks
        report = tmp_path / "assign.jsonl"
        emu.set_latency(0.1)

        async def main() -> nw.ManualAssignResult:
            client = emu.async_client(max_retries=0)
            task = asyncio.ensure_future(client.workspaces.manual_assign(
                target, assign_grants=grants, concurrency=1, report=report))
            while emu.calls(ASSIGN) < 3:
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            at_cancel = emu.calls(ASSIGN)
            emu.set_latency(0)
            result = await client.workspaces.resume_manual_assign(report)
            # At least the chunks answered before the last one started are not sent again.
            assert emu.calls(ASSIGN) - at_cancel <= 10 - (at_cancel - 1)
            return result

        result = asyncio.run(main())
        assert sorted(result.grants_assigned) == sorted(grants)
        assert sorted(emu.grants_in(target)) == sorted(grants)


# Runs a journaled assignment until the test kills it.
CHILD = """
import json, sys
import nylas_workspaces as nw

url, key, ws_id, ids_file, report = sys.argv[1:6]
client = nw.Client(key, api_uri=url, max_retries=0, timeout=60)
print("calling", flush=True)
client.workspaces.manual_assign(ws_id, assign_grants=json.load(open(ids_file)),
                                concurrency=1, report=report)
print("finished", flush=True)
"""


def run_child(emu: Emulator, target: str, grants: list[str], tmp_path: Path,
              script: str = CHILD) -> tuple[subprocess.Popen[str], Path]:
    ids_file, report = tmp_path / "ids.json", tmp_path / "assign.jsonl"
    ids_file.write_text(json.dumps(grants))
    proc = subprocess.Popen([sys.executable, "-c", script, emu.url, emu.api_key, target,
                             str(ids_file), str(report)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "calling"
    return proc, report


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    """Polls ``condition``; the bound only keeps a broken build from hanging the suite."""
    give_up = time.monotonic() + 20
    while not condition():
        assert proc.poll() is None, "the child exited early"
        assert time.monotonic() < give_up, "the condition never held"
        time.sleep(0.01)


def test_a_journal_of_a_killed_process_is_finished_by_resume(tmp_path: Path) -> None:
    with Emulator() as emu:
        target, grants = seeded(emu, 5000, "killed")  # 10 chunks
        emu.set_latency(0.2)
        proc, report = run_child(emu, target, grants, tmp_path)
        try:
            wait_for(lambda: emu.calls(ASSIGN) >= 3, proc)
            before_kill = emu.calls(ASSIGN)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            proc.kill()
        assert proc.returncode == -signal.SIGKILL
        after_kill = emu.calls(ASSIGN)
        assert after_kill < 10 and len(emu.grants_in(target)) < len(grants)
        emu.set_latency(0)

        result = emu.client(max_retries=0).workspaces.resume_manual_assign(report)
        resent = emu.calls(ASSIGN) - after_kill
        # Each chunk is sent only after the one before it was journaled; the chunks that
        # never reached the server must all be sent.
        assert 10 - after_kill <= resent <= 10 - (before_kill - 1)
        assert sorted(result.grants_assigned) == sorted(grants)
        assert sorted(emu.grants_in(target)) == sorted(grants)


CHILD_CTRL_C = """
import json, sys
import nylas_workspaces as nw

url, key, ws_id, ids_file, report = sys.argv[1:6]
client = nw.Client(key, api_uri=url, max_retries=0, timeout=60)
print("calling", flush=True)
try:
    client.workspaces.manual_assign(ws_id, assign_grants=json.load(open(ids_file)),
                                    concurrency=1, report=report)
except nw.BulkAssignInterrupted as err:
    print(json.dumps({"report": err.report, "not_sent": len(err.not_sent)}), flush=True)
    sys.exit(42)
"""


def test_ctrl_c_names_the_report_that_resume_finishes(tmp_path: Path) -> None:
    with Emulator() as emu:
        target, grants = seeded(emu, 5000, "ctrl-c")
        emu.set_latency(0.2)
        proc, report = run_child(emu, target, grants, tmp_path, CHILD_CTRL_C)
        try:
            wait_for(lambda: emu.calls(ASSIGN) >= 2, proc)
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=20)
        finally:
            proc.kill()
        assert proc.returncode == 42, out
        told = json.loads(out.splitlines()[-1])
        assert told["report"] == str(report) and told["not_sent"] > 0
        at_stop = emu.calls(ASSIGN)
        emu.set_latency(0)
        result = emu.client(max_retries=0).workspaces.resume_manual_assign(told["report"])
        # The run stopped cleanly, so every answered chunk is journaled: only the rest goes.
        assert emu.calls(ASSIGN) - at_stop == 10 - at_stop
        assert sorted(result.grants_assigned) == sorted(grants)


@pytest.mark.parametrize("use_async", [False, True])
def test_an_unwritable_report_raises_before_anything_is_sent(use_async: bool) -> None:
    with Emulator() as emu:
        target, grants = seeded(emu, 3, "full")

        async def assign_async() -> None:
            await emu.async_client(max_retries=0).workspaces.manual_assign(
                target, assign_grants=grants, report="/dev/full")

        with pytest.raises(nw.JournalError) as info:
            if use_async:
                asyncio.run(assign_async())
            else:
                emu.client(max_retries=0).workspaces.manual_assign(
                    target, assign_grants=grants, report="/dev/full")
        err = info.value
        assert (err.path, err.kind, err.line) == ("/dev/full", "unwritable", None)
        assert isinstance(err, nw.NylasWorkspacesError)
        assert "No space left on device" in str(err)  # the system's reason, named
        assert emu.calls(ASSIGN) == 0
        assert emu.grants_in(target) == []


def test_resume_refuses_a_file_that_is_not_an_intact_journal(tmp_path: Path) -> None:
    with Emulator() as emu:
        target, grants = seeded(emu, 600, "altered")
        client = emu.client(max_retries=0)
        stranger = tmp_path / "notes.txt"
        stranger.write_text("just some notes\n")
        with pytest.raises(nw.JournalError) as info:
            client.workspaces.resume_manual_assign(stranger)
        assert info.value.kind == "not_a_journal" and info.value.path == str(stranger)

        missing = tmp_path / "missing.jsonl"
        with pytest.raises(nw.JournalError) as info:
            client.workspaces.resume_manual_assign(missing)
        assert info.value.kind == "unreadable"
        assert isinstance(info.value.__cause__, FileNotFoundError)

        # A journal with a damaged line that is not the last: altered, not torn.
        report = tmp_path / "assign.jsonl"
        emu.fail_next(ASSIGN, 2, "internal_server_error")
        with pytest.raises(nw.BulkAssignError):
            client.workspaces.manual_assign(target, assign_grants=grants, concurrency=1,
                                            report=report)
        lines = report.read_text().splitlines()
        assert len(lines) >= 3
        lines[1] = lines[1].replace('"chunk"', '"chunX"')
        report.write_text("\n".join(lines) + "\n")
        sent = emu.calls(ASSIGN)
        with pytest.raises(nw.JournalError) as info:
            client.workspaces.resume_manual_assign(report)
        assert (info.value.kind, info.value.line) == ("corrupt", 2)
        assert emu.calls(ASSIGN) == sent
