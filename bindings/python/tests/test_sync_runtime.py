"""How a sync call waits: the calling thread drives the sync client's own runtime (see
``bindings/python/src/runtime.rs``). These tests try the corners of that design: a call that
waits behind another thread's call must still hear Ctrl-C, a dropped call must leave the
runtime usable, and a kept-alive connection must still be looked after while no call runs."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time

import nylas_workspaces as nw
from conftest import API_KEY, workspace

# Thread T's call holds the runtime (its server never answers), so the main thread's call
# waits behind it. Ctrl-C must still reach the main thread's call; after it, a call with a
# short timeout must come back as a timeout, not hang: the interrupted call gave the
# runtime back.
BEHIND_SCRIPT = """
import sys, threading, time, nylas_workspaces as nw
c = nw.Client("k", api_uri=sys.argv[1], max_retries=0, timeout=60)
threading.Thread(target=lambda: c.workspaces.get("held"), daemon=True).start()
time.sleep(0.2)
print("calling", flush=True)
try:
    c.workspaces.list()
except KeyboardInterrupt:
    print("interrupted", flush=True)
quick = nw.Client("k", api_uri=sys.argv[1], max_retries=0, timeout=0.3)
try:
    quick.workspaces.list()
except nw.APITimeoutError:
    print("timed out", flush=True)
    sys.exit(42)
"""


def test_ctrl_c_reaches_a_call_waiting_behind_another_threads_call() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    proc = subprocess.Popen([sys.executable, "-c", BEHIND_SCRIPT, url],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "calling"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        # The bound only keeps a broken build from hanging the suite.
        out, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
        listener.close()
    assert out.split() == ["interrupted", "timed", "out"], out
    assert proc.returncode == 42


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_a_connection_the_server_closes_between_calls_is_closed_without_a_call() -> None:
    """The server answers one call on a kept-alive connection, then closes its side. The
    connection's task in the client must see that and close the socket even though no
    further call is made; had nothing driven the runtime between calls, the socket would stay
    half-open until the next call, and the server would never see the client hang up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    seen: dict[str, object] = {}
    answered = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            seen["request"] = _read_request(conn)
            body = json.dumps({"request_id": "r", "data": workspace()}).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            # Only once the call is over (its answer read), so that the close is news to the
            # client after the call returned, not part of the call.
            answered.wait(timeout=10)
            conn.shutdown(socket.SHUT_WR)
            # Bounded so that a broken build fails the test instead of hanging it.
            conn.settimeout(10)
            try:
                seen["after"] = conn.recv(1)
            except socket.timeout:
                seen["after"] = "still open"

    server = threading.Thread(target=serve)
    server.start()
    try:
        client = nw.Client(API_KEY, api_uri=f"http://127.0.0.1:{port}", max_retries=0)
        assert client.workspaces.get("ws-1").workspace_id == "ws-1"
        answered.set()
        server.join(timeout=15)
    finally:
        listener.close()
    assert b"GET /v3/workspaces/ws-1" in seen["request"]  # type: ignore[operator]
    assert seen["after"] == b"", f"the client kept the connection open: {seen['after']!r}"
