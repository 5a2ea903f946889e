"""Scenario 2: the cost of one sequential ``get`` of a workspace from Python.

Variants, interleaved: ``nylas_workspaces.Client.workspaces.get`` (this project), the official
Nylas SDK's ``Client.workspaces.find``, ``httpx.Client`` + ``json``, ``requests.Session`` +
``json``, and the floor: a hand-written keep-alive socket loop (``_common.RawGet``: the same
request bytes, ``Content-Length`` body, ``json.loads``), which no HTTP client can beat. Each is
used as its documentation shows, one client reused for every call; the two
plain HTTP clients keep their connection alive, as does ours. The official SDK does not: it
calls ``requests.request`` per call, a new connection each time, and that is part of what a
user of it pays.
"""

from __future__ import annotations

import json
from importlib.metadata import version

import httpx
import nylas
import requests

import nylas_workspaces as nw
from _common import RawGet, api_key, check_loopback, emit, interleave, parser


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--only", help="comma-separated variants to time (default: all)")
    args = p.parse_args()
    check_loopback(args.url)
    key, ws = api_key(), args.workspace
    url = f"{args.url}/v3/workspaces/{ws}"
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}

    ours = nw.Client(key, api_uri=args.url)
    official = nylas.Client(key, api_uri=args.url)
    hx = httpx.Client(headers=headers)
    session = requests.Session()
    session.headers.update(headers)

    def with_httpx() -> object:
        response = hx.get(url)
        response.raise_for_status()
        return json.loads(response.content)["data"]

    def with_requests() -> object:
        response = session.get(url)
        response.raise_for_status()
        return json.loads(response.content)["data"]

    raw = RawGet(args.url, f"/v3/workspaces/{ws}", key)

    # The same workspace must come back from all five, or the comparison means nothing.
    assert ours.workspaces.get(ws).workspace_id == ws
    assert official.workspaces.find(ws).data.workspace_id == ws
    assert with_httpx()["workspace_id"] == ws
    assert with_requests()["workspace_id"] == ws
    assert raw()["workspace_id"] == ws

    variants = {
        "nylas_workspaces": lambda: ours.workspaces.get(ws),
        "nylas": lambda: official.workspaces.find(ws),
        "httpx": with_httpx,
        "requests": with_requests,
        "raw_socket": raw,
    }
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - set(variants)
        if unknown:
            raise SystemExit(f"unknown variants {sorted(unknown)}; known: {sorted(variants)}")
        variants = {name: variants[name] for name in wanted}
    samples = interleave(
        variants,
        rounds=args.rounds,
        calls=args.calls,
        warmup=args.warmup,
    )
    emit({"unit": "us_per_call", "calls_per_round": args.calls, "samples": samples,
          "versions": {"nylas": version("nylas"),
                       "httpx": httpx.__version__, "requests": requests.__version__}})


if __name__ == "__main__":
    main()
