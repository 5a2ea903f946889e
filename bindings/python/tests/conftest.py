"""A scriptable, recording HTTP server for the binding's tests.

Each test tells the server what to answer (``server.reply(...)``) and then inspects what the
client sent (``server.requests``). It runs on a thread on loopback, so the tests need no
network and no Nylas account.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator, Optional

import pytest

import nylas_workspaces as nw

API_KEY = "nyk_secret_test_key_1234567890"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Optional[Any]


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: Optional[bytes] = None


Responder = Callable[[Recorded], Reply]


class RecordingServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._script: list[tuple[str, str, Reply]] = []
        self._responder: Optional[Responder] = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                rec = Recorded(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                reply = server._next(rec)
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def _next(self, rec: Recorded) -> Reply:
        with self._lock:
            self.requests.append(rec)
            responder = self._responder
        if responder is not None:
            return responder(rec)  # outside the lock, so slow responders overlap
        with self._lock:
            for i, (method, path, reply) in enumerate(self._script):
                if method == rec.method and rec.path.startswith(path):
                    del self._script[i]
                    return reply
        return Reply(404, {"request_id": "req-unscripted",
                           "error": {"type": "not_found_error", "message": f"unscripted {rec.method} {rec.path}"}})

    def reply(self, method: str, path: str, status: int = 200, body: Any = None, **kw: Any) -> None:
        """Answer the next ``method`` request whose path starts with ``path``."""
        with self._lock:
            self._script.append((method, path, Reply(status, body, **kw)))

    def respond_with(self, responder: Responder) -> None:
        """Answer every request with ``responder(recorded_request)``."""
        self._responder = responder

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def workspace(ws_id: str = "ws-1", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "workspace_id": ws_id,
        "application_id": "app-1",
        "name": "Sales",
        "domain": "example.com",
        "auto_group": False,
        "default": False,
        "policy_id": None,
        "rule_ids": None,
        "created_at": 1725273600,
        "updated_at": 1725273600,
    }
    data.update(overrides)
    return data


def envelope(request_id: str, type_: str, message: str) -> dict[str, Any]:
    return {"request_id": request_id, "error": {"type": type_, "message": message}}


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    s = RecordingServer()
    yield s
    s.close()


@pytest.fixture
def client(server: RecordingServer) -> Iterator[nw.Client]:
    with nw.Client(API_KEY, api_uri=server.url, max_retries=0, timeout=10.0) as c:
        yield c


@pytest.fixture
def async_client(server: RecordingServer) -> nw.AsyncClient:
    return nw.AsyncClient(API_KEY, api_uri=server.url, max_retries=0, timeout=10.0)
