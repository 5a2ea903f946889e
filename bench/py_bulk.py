"""Scenario 4: moving many grants into one workspace from Python; one run per process so
the peak memory (VmHWM) belongs to that run alone.

``ours``: one ``nylas_workspaces.Client.workspaces.manual_assign`` call with every id and
``--concurrency`` requests in flight (the client splits them into requests of 500), with the
client's defaults: bulk calls are paced (to stay under Nylas's per-application rate limit).
``ours_unpaced``: the same with ``rate_limit`` lifted far above what 200 requests need, so
only the chunking and the concurrency are measured (the Rust driver's ``--pacing off``).
``official``: what a user of the official Nylas SDK writes today: the same chunks of 500,
one ``workspaces.manual_assign`` after another.
"""

from __future__ import annotations

import time

from _common import api_key, check_loopback, emit, peak_rss_kib, parser

CHUNK = 500


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("variant", choices=["ours", "ours_unpaced", "official"])
    p.add_argument("--ids", type=int, default=100_000)
    p.add_argument("--concurrency", type=int, default=8)
    args = p.parse_args()
    check_loopback(args.url)
    if not 1 <= args.ids <= 1_000_000 or not 1 <= args.concurrency <= 64:
        raise SystemExit("--ids must be 1..1000000 and --concurrency 1..64")
    key, ws = api_key(), args.workspace
    # The ids the xtask seeded into the emulator.
    ids = [f"g-{i:06}" for i in range(args.ids)]

    if args.variant in ("ours", "ours_unpaced"):
        import nylas_workspaces as nw

        if args.variant == "ours":
            client = nw.Client(key, api_uri=args.url)
        else:
            # A client-wide limit replaces the bulk pacing; this one never binds here.
            client = nw.Client(key, api_uri=args.url, rate_limit={"rate": 100_000, "burst": 100_000})
        rss_before = peak_rss_kib()
        started = time.perf_counter()
        result = client.workspaces.manual_assign(
            ws, assign_grants=ids, concurrency=args.concurrency
        )
        seconds = time.perf_counter() - started
        assigned = len(result.grants_assigned)
    else:
        import nylas

        client = nylas.Client(key, api_uri=args.url)
        rss_before = peak_rss_kib()
        started = time.perf_counter()
        assigned = 0
        for start in range(0, len(ids), CHUNK):
            response = client.workspaces.manual_assign(
                ws, {"assign_grants": ids[start:start + CHUNK]}
            )
            assigned += len(response.data.grants_assigned or [])
        seconds = time.perf_counter() - started

    emit({
        "variant": args.variant,
        "seconds": seconds,
        "assigned": assigned,
        "peak_rss_kib": peak_rss_kib(),
        "rss_before_kib": rss_before,
    })


if __name__ == "__main__":
    main()
