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

    The seeding, inspection and fault-injection methods (``add_grant``, ``grants_in``,
    ``fail_next``, ...) are the native server's own; this class adds the clients and the
    ``with`` protocol. Policies and rules can be named (``add_policy("Strict")``,
    ``add_rule("Block spam", priority=5)``), grants given a provider, a status and times,
    and ``set_quirks(...)`` switches on the live behaviours of Nylas's listings that its
    reference does not describe (``quirks`` reads them back).

    Args:
        api_key: The key the emulator accepts (and its clients send).
        default_workspace: Whether the application starts with a default workspace; False
            emulates one created before default workspaces.
        latency: Seconds added to every response, zero or more.
        seed_file: A JSON file of workspaces and grants to start with, or None.

    Raises:
        ValueError: A setting out of range.
        TypeError: ``latency`` is not a number.
        RuntimeError: The server cannot start (no socket, no thread, a seed file that
            cannot be read or breaks a rule).
    """

    def client(self, **kwargs: Any) -> Client:
        """Builds a client pointed at this emulator, with its key.

        Args:
            **kwargs: Other arguments of :class:`~nylas_workspaces.Client` (``timeout``,
                ``max_retries``, ...).

        Returns:
            A :class:`~nylas_workspaces.Client` for this emulator.

        Raises:
            RuntimeError: The emulator has been stopped.
        """
        return Client(self.api_key, api_uri=self.url, **kwargs)

    def async_client(self, **kwargs: Any) -> AsyncClient:
        """Builds an asynchronous client pointed at this emulator, with its key.

        Args:
            **kwargs: Other arguments of :class:`~nylas_workspaces.AsyncClient`.

        Returns:
            An :class:`~nylas_workspaces.AsyncClient` for this emulator.

        Raises:
            RuntimeError: The emulator has been stopped.
        """
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
