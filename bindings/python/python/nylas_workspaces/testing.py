"""Test helpers: an in-process emulator of the Workspaces API.

The emulator is a real HTTP server on a loopback port, with state and the API's documented
rules (written independently of the client, so it catches client bugs instead of sharing
them). Use it to test your own code without a Nylas account or network::

    from nylas_workspaces.testing import Emulator

    with Emulator() as emu:
        grant = emu.add_grant("ann@example.com")
        client = emu.client()
        ws = client.workspaces.create("Ops")
        client.workspaces.manual_assign(ws.workspace_id, assign_grants=[grant])
        assert emu.grant_workspace(grant) == ws.workspace_id
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Optional

from ._native import AsyncClient, Client, _EmulatorServer

__all__ = ["Emulator"]


class Emulator(_EmulatorServer):
    """A running emulator; a context manager that stops it on exit.

    ``default_workspace=False`` emulates an application created before default workspaces.
    ``latency`` (seconds) is added to every response. The seeding, inspection and
    fault-injection methods (``add_grant``, ``grants_in``, ``fail_next``, ...) are the native
    server's own; this class adds the clients and the ``with`` protocol.
    """

    @property
    def _server(self) -> _EmulatorServer:
        # The native server used to be a separate object kept here; it is now this one.
        return self

    def client(self, **kwargs: Any) -> Client:
        """A :class:`~nylas_workspaces.Client` for this emulator; ``kwargs`` go to it."""
        return Client(self.api_key, api_uri=self.url, **kwargs)

    def async_client(self, **kwargs: Any) -> AsyncClient:
        """An :class:`~nylas_workspaces.AsyncClient` for this emulator."""
        return AsyncClient(self.api_key, api_uri=self.url, **kwargs)

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r})"
