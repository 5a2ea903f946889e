"""Scenario 3: concurrency from Python while the server takes 20 ms per request.

``threads``: the same ``nylas_workspaces.Client`` shared by 8 threads vs. used by 1 thread,
interleaved; each thread makes ``--calls`` sequential ``get``s, and the sample is requests per
second. 8 threads can only beat 1 thread if a call releases the GIL while it waits.

``async``: ``asyncio.gather`` of ``--batch`` concurrent ``get``s through
``nylas_workspaces.AsyncClient`` vs. through ``httpx.AsyncClient`` (pool raised to the batch
size so both can keep every connection alive), interleaved; the sample is the batch's
wall time in milliseconds.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Callable, Dict, List

import httpx

import nylas_workspaces as nw
from _common import api_key, check_loopback, emit, parser


def threads(args, key: str) -> None:
    client = nw.Client(key, api_uri=args.url)
    ws = args.workspace

    def run(n_threads: int) -> float:
        def worker() -> None:
            for _ in range(args.calls):
                client.workspaces.get(ws)

        pool = [threading.Thread(target=worker) for _ in range(n_threads)]
        started = time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        return n_threads * args.calls / (time.perf_counter() - started)

    for _ in range(args.warmup):
        run(8)
        run(1)
    samples: Dict[str, List[float]] = {"threads_8": [], "threads_1": []}
    for round_ in range(args.rounds):
        # Alternate which goes first, so neither always runs on a freshly idle machine.
        for n in (8, 1) if round_ % 2 == 0 else (1, 8):
            samples[f"threads_{n}"].append(run(n))
    emit({"unit": "requests_per_s", "calls_per_thread": args.calls, "samples": samples})


def run_async(args, key: str) -> None:
    ws, batch = args.workspace, args.batch
    url = f"{args.url}/v3/workspaces/{ws}"

    async def main() -> Dict[str, List[float]]:
        ours = nw.AsyncClient(key, api_uri=args.url)
        limits = httpx.Limits(max_connections=batch, max_keepalive_connections=batch)
        hx = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            limits=limits,
        )

        async def hx_get() -> object:
            response = await hx.get(url)
            response.raise_for_status()
            return json.loads(response.content)["data"]

        variants: Dict[str, Callable] = {
            "nylas_workspaces": lambda: ours.workspaces.get(ws),
            "httpx": hx_get,
        }

        async def one_batch(make) -> float:
            started = time.perf_counter()
            results = await asyncio.gather(*(make() for _ in range(batch)))
            assert len(results) == batch
            return (time.perf_counter() - started) * 1e3

        for _ in range(args.warmup):
            for make in variants.values():
                await one_batch(make)
        samples: Dict[str, List[float]] = {name: [] for name in variants}
        names = list(variants)
        for round_ in range(args.rounds):
            for name in names if round_ % 2 == 0 else names[::-1]:
                samples[name].append(await one_batch(variants[name]))
        await hx.aclose()
        await ours.close()
        return samples

    emit({"unit": "ms_per_batch", "batch": batch, "samples": asyncio.run(main())})


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("mode", choices=["threads", "async"])
    p.add_argument("--batch", type=int, default=100, help="concurrent gets per batch (async)")
    args = p.parse_args()
    check_loopback(args.url)
    if not 1 <= args.batch <= 1000:
        raise SystemExit("--batch must be from 1 to 1000")
    key = api_key()
    if args.mode == "threads":
        threads(args, key)
    else:
        run_async(args, key)


if __name__ == "__main__":
    main()
