"""Scenario 5: how long ``nylas_workspaces.testing.Emulator()`` takes to start in-process
(bind a loopback port, start the server thread), in milliseconds per start."""

from __future__ import annotations

import argparse
import time

from nylas_workspaces.testing import Emulator

from _common import _count, emit


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=_count, default=30)
    args = p.parse_args()
    Emulator().close()  # warm-up: the first start also loads the native module's pieces
    samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        emulator = Emulator()
        samples.append((time.perf_counter() - started) * 1e3)
        emulator.close()
    emit({"unit": "ms", "a": samples})


if __name__ == "__main__":
    main()
