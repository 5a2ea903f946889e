"""Stopping a bulk assignment part-way: Ctrl-C on the blocking client keeps the account of
what was done (``BulkAssignInterrupted``), a second Ctrl-C gives up at once, and cancelling
the async task stops sending.

The Ctrl-C tests run the call in a child interpreter (a signal needs a main thread of its
own) against a server in this process, so the test sees the server's state directly.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

import nylas_workspaces as nw
from conftest import Recorded, RecordingServer, Reply, workspace
from nylas_workspaces.testing import Emulator

# The child announces each SIGINT it receives, so the test knows when to send the next one.
CHILD = """
import json, signal, sys
import nylas_workspaces as nw

url, key, ws_id, ids_file = sys.argv[1:5]
grants = json.load(open(ids_file))

def on_sigint(signum, frame):
    print("sigint", flush=True)
    raise KeyboardInterrupt

signal.signal(signal.SIGINT, on_sigint)
client = nw.Client(key, api_uri=url, max_retries=0, timeout=60)
print("calling", flush=True)
try:
    try:
        client.workspaces.manual_assign(ws_id, assign_grants=grants, concurrency=1)
    except Exception:
        print(json.dumps({"swallowed_by_except_exception": True}), flush=True)
        sys.exit(3)
except nw.BulkAssignInterrupted as err:
    print(json.dumps({
        "kind": "interrupted",
        "is_keyboard_interrupt": isinstance(err, KeyboardInterrupt),
        "assigned": err.assigned, "removed": err.removed, "unmatched": err.unmatched,
        "failed": sorted(err.failed), "not_sent": err.not_sent,
        "retry": err.retry_request(), "request_ids": err.request_ids,
    }), flush=True)
    sys.exit(42)
except KeyboardInterrupt as err:
    print(json.dumps({"kind": "plain", "type": type(err).__name__, "args": list(err.args)}),
          flush=True)
    sys.exit(43)
print(json.dumps({"kind": "finished"}), flush=True)
"""


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    """Polls ``condition``; the bound only keeps a broken build from hanging the suite."""
    give_up = time.monotonic() + 20
    while not condition():
        assert proc.poll() is None, "the child exited early"
        assert time.monotonic() < give_up, "the condition never held"
        time.sleep(0.01)


def start_child(url: str, key: str, ws_id: str, grants: list[str],
                tmp_path: Path) -> subprocess.Popen[str]:
    ids_file = tmp_path / "ids.json"
    ids_file.write_text(json.dumps(grants))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, url, key, ws_id, str(ids_file)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "calling"
    return proc


def test_ctrl_c_stops_sending_and_reports_every_id(tmp_path: Path) -> None:
    with Emulator() as emu:
        target = emu.client().workspaces.create("Interrupted").workspace_id
        grants = [emu.add_grant(f"u{i}@ctrl-c.example") for i in range(5000)]  # 10 chunks
        emu.set_latency(0.3)
        proc = start_child(emu.url, emu.api_key, target, grants, tmp_path)
        try:
            # Two chunks have reached the server (one done, one in flight): interrupt.
            wait_for(lambda: emu.calls("manually-assign-workspace") >= 2, proc)
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=20)
        finally:
            proc.kill()
        emu.set_latency(0)
        lines = out.splitlines()
        assert lines[0] == "sigint"
        assert proc.returncode == 42, out
        report = json.loads(lines[-1])
        assert report["is_keyboard_interrupt"]
        assigned, not_sent = report["assigned"], report["not_sent"]
        # Every id exactly once; the chunk in flight was let finish, the rest never sent.
        assert sorted(assigned + not_sent + report["failed"]) == sorted(grants)
        assert len(assigned) >= 1000 and assigned == grants[:len(assigned)]
        assert not_sent and not_sent == grants[len(assigned):]
        assert report["removed"] == [] and report["unmatched"] == []
        assert emu.calls("manually-assign-workspace") == len(assigned) // 500
        assert sorted(emu.grants_in(target)) == sorted(assigned)
        assert len(report["request_ids"]) == len(assigned) // 500
        # The retry request resumes exactly where it stopped.
        assert report["retry"] == {"assign_grants": not_sent, "remove_grants": []}
        emu.client().workspaces.manual_assign(target, **report["retry"])
        assert sorted(emu.grants_in(target)) == sorted(grants)


@pytest.fixture
def stuck_server() -> Iterator[tuple[RecordingServer, threading.Event]]:
    """Answers the workspace lookup, then holds every manual-assign request until released."""
    release = threading.Event()
    server = RecordingServer()

    def answer(rec: Recorded) -> Reply:
        if rec.method == "GET":
            return Reply(200, {"request_id": "r", "data": workspace("ws-1")})
        release.wait(30)
        return Reply(200, {"request_id": "late", "data": {
            "grants_assigned": rec.body["assign_grants"], "grants_removed": None}})

    server.respond_with(answer)
    yield server, release
    release.set()
    server.close()


def test_a_second_ctrl_c_abandons_the_requests_in_flight(
    stuck_server: tuple[RecordingServer, threading.Event], tmp_path: Path
) -> None:
    server, _ = stuck_server
    grants = [f"g{i}" for i in range(1500)]
    proc = start_child(server.url, "key", "ws-1", grants, tmp_path)
    assert proc.stdout is not None
    try:
        wait_for(lambda: any(r.method == "POST" for r in server.requests), proc)
        proc.send_signal(signal.SIGINT)
        assert proc.stdout.readline().strip() == "sigint"
        # The first Ctrl-C is now waiting (up to 30 s) for the held request; a second one
        # must end the wait at once. (A SIGINT that lands while the child's handler is still
        # running is folded into the first one by Python, so repeat it until the child
        # exits; 15 s, the bound, is shorter than the 30 s grace.)
        for _ in range(30):
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                pass
        out, _ = proc.communicate(timeout=5)
    finally:
        proc.kill()
    assert proc.returncode == 43, out
    lines = out.splitlines()
    assert set(lines[:-1]) == {"sigint"}
    # A bare KeyboardInterrupt: not BulkAssignInterrupted, and not the end of the grace
    # period (which says so in its message).
    assert json.loads(lines[-1]) == {"kind": "plain", "type": "KeyboardInterrupt", "args": []}
    assert [r.method for r in server.requests].count("POST") == 1


def test_cancelling_the_async_task_stops_sending() -> None:
    with Emulator() as emu:
        target = emu.client().workspaces.create("Cancelled").workspace_id
        grants = [emu.add_grant(f"u{i}@cancel.example") for i in range(5000)]
        emu.set_latency(0.1)
        sent_at_cancel = 0

        async def main() -> None:
            nonlocal sent_at_cancel
            client = emu.async_client(max_retries=0)
            task = asyncio.ensure_future(
                client.workspaces.manual_assign(target, assign_grants=grants, concurrency=1))
            while emu.calls("manually-assign-workspace") < 2:
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            sent_at_cancel = emu.calls("manually-assign-workspace")
            # Several chunk latencies: an assignment still running would send more by now.
            await asyncio.sleep(0.5)

        asyncio.run(main())
        assert sent_at_cancel < 10
        assert emu.calls("manually-assign-workspace") == sent_at_cancel
        assert len(emu.grants_in(target)) < len(grants)
