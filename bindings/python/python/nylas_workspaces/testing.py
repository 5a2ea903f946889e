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


class Emulator:
    """A running emulator; a context manager that stops it on exit.

    ``default_workspace=False`` emulates an application created before default workspaces.
    ``latency`` (seconds) is added to every response.
    """

    def __init__(
        self,
        api_key: str = "test-key",
        *,
        default_workspace: bool = True,
        latency: float = 0.0,
        seed_file: Optional[str] = None,
    ) -> None:
        self._server = _EmulatorServer(
            api_key=api_key,
            default_workspace=default_workspace,
            latency=latency,
            seed_file=seed_file,
        )

    @property
    def url(self) -> str:
        """The base URL to point a client at (``http://127.0.0.1:<port>``)."""
        return str(self._server.url)

    @property
    def api_key(self) -> str:
        """The key the emulator accepts."""
        return str(self._server.api_key)

    def client(self, **kwargs: Any) -> Client:
        """A :class:`~nylas_workspaces.Client` for this emulator; ``kwargs`` go to it."""
        return Client(self.api_key, api_uri=self.url, **kwargs)

    def async_client(self, **kwargs: Any) -> AsyncClient:
        """An :class:`~nylas_workspaces.AsyncClient` for this emulator."""
        return AsyncClient(self.api_key, api_uri=self.url, **kwargs)

    def add_grant(
        self,
        email: str,
        *,
        valid: bool = True,
        created_at: Optional[int] = None,
        workspace_id: Optional[str] = None,
    ) -> str:
        """Creates a grant and returns its id. Without ``workspace_id`` it is placed as
        Nylas places new grants: an auto-group workspace of its domain, else the default."""
        return str(self._server.add_grant(email, valid=valid, created_at=created_at,
                                          workspace_id=workspace_id))

    def grant_workspace(self, grant_id: str) -> Optional[str]:
        """The workspace a grant is in, or None."""
        ws: Optional[str] = self._server.grant_workspace(grant_id)
        return ws

    def grants_in(self, workspace_id: str) -> list[str]:
        """The grants currently in a workspace."""
        return list(self._server.grants_in(workspace_id))

    def default_workspace_id(self) -> Optional[str]:
        """The default workspace's id, or None."""
        ws: Optional[str] = self._server.default_workspace_id()
        return ws

    def add_policy(self) -> str:
        """Creates a policy owned by the application and returns its id."""
        return str(self._server.add_policy())

    def add_rule(self) -> str:
        """Creates a rule owned by the application and returns its id."""
        return str(self._server.add_rule())

    def calls(self, operation: str) -> int:
        """How many requests reached ``operation`` (an operationId such as ``get-workspace``)."""
        return int(self._server.calls(operation))

    def set_latency(self, seconds: float) -> None:
        """Adds ``seconds`` to every response from now on."""
        self._server.set_latency(seconds)

    def set_retry_after(self, seconds: int) -> None:
        """Sends ``Retry-After: seconds`` with injected ``too_many_requests`` faults from now on
        (1 by default)."""
        self._server.set_retry_after(seconds)

    def fail_next(self, operation: str, count: int = 1, fault: str = "internal_server_error") -> None:
        """Makes the next ``count`` calls to ``operation`` fail with ``fault``
        (``too_many_requests``, ``internal_server_error``, ``bad_gateway``,
        ``service_unavailable`` or ``connection_reset``)."""
        self._server.fail_next(operation, count, fault)

    def close(self) -> None:
        """Stops the server."""
        self._server.close()

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
