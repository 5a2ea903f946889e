"""Shared plumbing for the Python benchmarks that ``cargo xtask bench`` runs.

Each script times one scenario against an emulator that is already listening and prints its
raw samples as one JSON object on stdout; the xtask turns them into medians and ratios. The
API key comes from ``BENCH_API_KEY`` (never an argument, so it does not show in a process
list), and every loop is bounded by a count.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from typing import Any, Callable, Dict, List
from urllib.parse import urlsplit


def parser(description: str) -> argparse.ArgumentParser:
    """Arguments every script takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--url", required=True, help="the emulator's base URL (loopback)")
    p.add_argument("--workspace", required=True, help="an existing workspace id")
    p.add_argument("--rounds", type=_count, default=10)
    p.add_argument("--calls", type=_count, default=200, help="calls per variant per round")
    p.add_argument("--warmup", type=_count, default=50, help="untimed calls per variant first")
    return p


def _count(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 10_000_000:
        raise argparse.ArgumentTypeError(f"a count from 1 to 10000000, not {raw}")
    return value


def api_key() -> str:
    key = os.environ.get("BENCH_API_KEY")
    if not key:
        sys.exit("BENCH_API_KEY is not set")
    return key


def check_loopback(url: str) -> None:
    """Refuses anything but a loopback URL: these loops must never leave the machine."""
    host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        sys.exit(f"refusing to benchmark against {url!r}: only loopback is allowed")


class RawGet:
    """The floor for one ``get`` from Python: a hand-written HTTP/1.1 exchange over one kept-alive
    socket (``TCP_NODELAY``), with no HTTP library. Each call writes the same request bytes
    (with the ``Authorization`` header), reads the status line and headers, then exactly
    ``Content-Length`` bytes of body, and ``json.loads`` it. Nothing a real client needs
    (chunked bodies, redirects, retries, reconnecting) is here: anything but a 200 with a
    ``Content-Length`` stops the benchmark, so the floor is never faster by skipping work."""

    def __init__(self, url: str, path: str, key: str) -> None:
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        self._sock = socket.create_connection((host, port), timeout=10)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._file = self._sock.makefile("rb")
        self._request = (
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: Bearer {key}\r\nAccept: application/json\r\n\r\n"
        ).encode("ascii")

    def __call__(self) -> Any:
        self._sock.sendall(self._request)
        read = self._file.readline
        status = read(65537)
        if not status.startswith(b"HTTP/1.1 200 "):
            raise SystemExit(f"raw socket: unexpected answer {status[:80]!r}")
        length = -1
        while True:
            line = read(65537)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length < 0:
            raise SystemExit("raw socket: the answer has no Content-Length")
        body = self._file.read(length)
        if len(body) != length:
            raise SystemExit("raw socket: the connection closed mid-body")
        return json.loads(body)["data"]

    def close(self) -> None:
        self._file.close()
        self._sock.close()


def interleave(
    variants: Dict[str, Callable[[], Any]], rounds: int, calls: int, warmup: int
) -> Dict[str, List[float]]:
    """Runs ``calls`` calls of each variant in turn for ``rounds`` rounds after ``warmup``
    untimed calls each, and returns microseconds per call per round. Interleaving spreads the
    machine's noise evenly over the variants; the order rotates each round (A B C, B C A,
    C A B, ...) so that no variant always goes first."""
    for fn in variants.values():
        for _ in range(warmup):
            fn()
    samples: Dict[str, List[float]] = {name: [] for name in variants}
    names = list(variants)
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            fn = variants[name]
            started = time.perf_counter()
            for _ in range(calls):
                fn()
            samples[name].append((time.perf_counter() - started) * 1e6 / calls)
    return samples


def peak_rss_kib() -> int:
    """The process's peak resident set (VmHWM) in KiB, or 0 where /proc does not say."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def emit(result: Dict[str, Any]) -> None:
    """Prints the result as the one JSON line the xtask reads."""
    print(json.dumps(result))
