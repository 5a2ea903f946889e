"""Handling errors: every error derives from ``nw.NylasWorkspacesError``; the subclasses say
what happened and carry what a caller branches on (``rule``, ``status``, ``request_id``,
``retry_after``). Each case below is triggered on purpose, against the emulator bundled in the
wheel or with bad arguments, so it needs no API key and no network::

    python examples/errors.py
"""

from __future__ import annotations

import nylas_workspaces as nw
from nylas_workspaces.testing import Emulator


def main() -> None:
    with Emulator() as emu, emu.client() as client:
        # 1. A documented rule of the API, checked before sending: nothing reaches the server.
        #    InvariantError is also a ValueError.
        try:
            client.workspaces.create("Sales", auto_group=True)
        except nw.InvariantError as err:
            print(f"InvariantError rule={err.rule}: {err}")

        default = client.workspaces.default()
        assert default is not None
        try:
            client.workspaces.delete(default.workspace_id)
        except nw.InvariantError as err:
            print(f"InvariantError rule={err.rule}: {err}")

        # 2. The server refuses: an APIError subclass per status, with the request id to quote
        #    to Nylas support.
        try:
            client.workspaces.get("no-such-workspace")
        except nw.NotFoundError as err:
            print(f"NotFoundError status={err.status} type={err.type} request_id={err.request_id}")

        # 3. Rate limited. The client waits out short Retry-After answers by itself; with
        #    retries off the 429 comes straight back, with the wait the server asked for.
        emu.set_retry_after(7)
        emu.fail_next("get-all-workspaces", 1, "too_many_requests")
        with emu.client(max_retries=0) as impatient:
            try:
                impatient.workspaces.list()
            except nw.RateLimitError as err:
                print(f"RateLimitError status={err.status} retry_after={err.retry_after}")

            # 4. A server failure (5xx) the retries did not get past.
            emu.fail_next("get-all-workspaces", 1, "service_unavailable")
            try:
                impatient.workspaces.list()
            except nw.InternalServerError as err:
                print(f"InternalServerError status={err.status}: try again later")

        # With the default retries the same 503 is invisible.
        emu.fail_next("get-all-workspaces", 1, "service_unavailable")
        print(f"with retries: listed {len(client.workspaces.list())} workspace(s)")

    # 5. Arguments the client cannot work with: ConfigurationError, before anything is sent.
    try:
        nw.Client(api_key="")
    except nw.ConfigurationError as err:
        print(f"ConfigurationError: {err}")
    try:
        nw.Client("k", rate_limit=-5.0)
    except nw.ConfigurationError as err:
        print(f"ConfigurationError: {err}")

    # One except clause catches everything the package raises.
    try:
        nw.Client("k", api_uri="http://api.example.com")
    except nw.NylasWorkspacesError as err:
        print(f"{type(err).__name__} (a NylasWorkspacesError): {err}")


if __name__ == "__main__":
    main()
