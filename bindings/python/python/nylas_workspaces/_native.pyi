# Type stubs of the native module; checked against it by `python -m mypy.stubtest`.
import datetime
import os
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Awaitable, Literal, Optional, Union, final

from typing_extensions import Self, disjoint_base


from ._sentinel import NotGiven

__all__ = [
    "AsyncClient",
    "AsyncWorkspaces",
    "AutoGroupJob",
    "Client",
    "ManualAssignResult",
    "Workspace",
    "Workspaces",
    "__version__",
    "_EmulatorServer",
    "_connect_logging",
    "_set_log_threshold",
]

__version__: str

_Ids = Iterable[str]
# A journal file: a str or a path object (``pathlib.Path``).
_Report = Union[str, os.PathLike[str]]
_When = Union[int, datetime.datetime]
# None, requests per second, or {"rate": float, "burst": int, "adaptive": bool} ("rate" required).
_RateLimit = Union[None, float, Mapping[str, Union[float, int, bool]]]

@final
class Workspace:
    @property
    def workspace_id(self) -> str: ...
    @property
    def application_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def domain(self) -> Optional[str]: ...
    @property
    def auto_group(self) -> bool: ...
    @property
    def default(self) -> bool: ...
    @property
    def policy_id(self) -> Optional[str]: ...
    @property
    def rule_ids(self) -> list[str]: ...
    @property
    def created_at(self) -> Optional[int]: ...
    @property
    def updated_at(self) -> Optional[int]: ...
    @property
    def request_id(self) -> Optional[str]:
        """The id of the request that returned this workspace (each workspace of a list
        carries its page's), or None when the server sent none. Not part of equality."""
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class AutoGroupJob:
    @property
    def job_id(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def request_id(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class ManualAssignResult:
    @property
    def workspace_id(self) -> str: ...
    @property
    def grants_assigned(self) -> list[str]: ...
    @property
    def grants_removed(self) -> list[str]: ...
    @property
    def unmatched(self) -> list[str]: ...
    @property
    def request_ids(self) -> list[str]: ...
    @property
    def request_id(self) -> Optional[str]:
        """The id of the last successful request, in chunk order (the only one for up to
        500 ids per list), or None when none succeeded or the server sent none."""
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Workspaces:
    def list(self) -> list[Workspace]: ...
    def get(self, workspace_id: str) -> Workspace: ...
    def default(self) -> Optional[Workspace]: ...
    def create(
        self,
        name: str,
        *,
        domain: Optional[str] = None,
        auto_group: Optional[bool] = None,
        policy_id: Optional[str] = None,
        rule_ids: Optional[_Ids] = None,
    ) -> Workspace: ...
    def update(
        self,
        workspace_id: str,
        *,
        name: Union[str, NotGiven] = ...,
        auto_group: Union[bool, NotGiven] = ...,
        policy_id: Union[str, None, NotGiven] = ...,
        rule_ids: Union[_Ids, None, NotGiven] = ...,
    ) -> Workspace: ...
    def delete(self, workspace_id: str) -> str: ...
    def auto_group(
        self,
        *,
        after_created_at: Optional[_When] = None,
        invalid_also: Optional[bool] = None,
        specific_domain: Optional[str] = None,
    ) -> AutoGroupJob: ...
    def manual_assign(
        self,
        workspace_id: str,
        *,
        assign_grants: Optional[_Ids] = None,
        remove_grants: Optional[_Ids] = None,
        concurrency: Optional[int] = None,
        report: Optional[_Report] = None,
    ) -> ManualAssignResult:
        """Moves grants in and out of a workspace, in chunks of at most 500 ids per list.

        Raises ``BulkAssignError`` when some chunks failed. On Ctrl-C no further chunk is
        sent, the requests in flight get up to 30 s to finish, and ``BulkAssignInterrupted``
        (a ``KeyboardInterrupt``) is raised with what was done; a second Ctrl-C abandons the
        requests in flight and raises a plain ``KeyboardInterrupt``.

        ``report`` (a path) journals the run to that file as it goes, in the CLI's
        ``--report`` format: the plan is written and synced before anything is sent (a file
        that cannot be written raises ``JournalError`` and sends nothing), then each result.
        ``resume_manual_assign(report)`` finishes it, even after a crash or a kill.
        """
    def resume_manual_assign(
        self, report: _Report, *, concurrency: Optional[int] = None
    ) -> ManualAssignResult:
        """Finishes an assignment journaled with ``report=`` (here, in another process, or by
        the CLI): sends exactly the ids the journal does not confirm and appends to it.

        Returns a ``ManualAssignResult``, or raises ``BulkAssignError``, covering every id of
        the original plan. Nothing is sent when nothing is left. A file that is not a journal,
        or was altered, raises ``JournalError`` and sends nothing. Ctrl-C behaves as for
        ``manual_assign``.
        """

@final
class AsyncWorkspaces:
    def list(self) -> Awaitable[list[Workspace]]: ...
    def get(self, workspace_id: str) -> Awaitable[Workspace]: ...
    def default(self) -> Awaitable[Optional[Workspace]]: ...
    def create(
        self,
        name: str,
        *,
        domain: Optional[str] = None,
        auto_group: Optional[bool] = None,
        policy_id: Optional[str] = None,
        rule_ids: Optional[_Ids] = None,
    ) -> Awaitable[Workspace]: ...
    def update(
        self,
        workspace_id: str,
        *,
        name: Union[str, NotGiven] = ...,
        auto_group: Union[bool, NotGiven] = ...,
        policy_id: Union[str, None, NotGiven] = ...,
        rule_ids: Union[_Ids, None, NotGiven] = ...,
    ) -> Awaitable[Workspace]: ...
    def delete(self, workspace_id: str) -> Awaitable[str]: ...
    def auto_group(
        self,
        *,
        after_created_at: Optional[_When] = None,
        invalid_also: Optional[bool] = None,
        specific_domain: Optional[str] = None,
    ) -> Awaitable[AutoGroupJob]: ...
    def manual_assign(
        self,
        workspace_id: str,
        *,
        assign_grants: Optional[_Ids] = None,
        remove_grants: Optional[_Ids] = None,
        concurrency: Optional[int] = None,
        report: Optional[_Report] = None,
    ) -> Awaitable[ManualAssignResult]:
        """Awaitable ``Workspaces.manual_assign``. Cancelling the task stops sending further
        chunks and abandons those in flight, whose outcome the exception then cannot report:
        give ``report=`` and the journal keeps it, and ``resume_manual_assign(report)``
        finishes the job."""
    def resume_manual_assign(
        self, report: _Report, *, concurrency: Optional[int] = None
    ) -> Awaitable[ManualAssignResult]:
        """Awaitable ``Workspaces.resume_manual_assign``: finishes an assignment journaled
        with ``report=``, covering every id of the original plan. Cancelling the task stops
        sending; the journal keeps what was done, and another resume finishes it."""

@final
class Client:
    def __new__(
        cls,
        api_key: Optional[str] = None,
        *,
        region: Literal["us", "eu"] = "us",
        api_uri: Optional[str] = None,
        timeout: float = 90.0,
        max_retries: int = 2,
        max_retry_wait: float = 60.0,
        rate_limit: _RateLimit = None,
    ) -> Client:
        """``timeout`` (seconds) bounds each attempt, not the call: a failed attempt is retried
        up to ``max_retries`` times, and a retry may first wait out a ``Retry-After`` of at most
        ``max_retry_wait`` seconds (a longer one is raised at once as ``RateLimitError``). One
        call takes at worst about ``(max_retries + 1) * timeout`` plus those waits."""
    @property
    def workspaces(self) -> Workspaces: ...
    def with_options(
        self,
        *,
        timeout: Union[float, NotGiven] = ...,
        max_retries: Union[int, NotGiven] = ...,
        max_retry_wait: Union[float, NotGiven] = ...,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Client:
        """A client of the same class whose calls use other settings, sharing this
        client's connection pool, rate limiter and retry budget (cheap to make).

        Each argument left out (or ``NOT_GIVEN``) keeps this client's value: ``timeout`` is
        the seconds allowed per attempt, ``max_retries`` how many times a failed attempt is
        retried, ``max_retry_wait`` the longest ``Retry-After`` (in seconds) waited out before
        a retry, and ``extra_headers`` a mapping of header names to values added to every
        request (replacing same-named ones from an earlier ``with_options``). The headers the
        client sets itself (``Authorization``, ``User-Agent``, ``Idempotency-Key``,
        ``Content-Type``, ``Accept``, ``Host``, ``Content-Length``, ``Transfer-Encoding``,
        ``Connection``), invalid header names or values, and numbers the constructor would
        refuse raise ``ConfigurationError`` (``TypeError``/``ValueError`` for the wrong kind
        of value).
        """
    def __enter__(self) -> Client: ...
    def __exit__(
        self,
        *_exc: Union[type[BaseException], BaseException, TracebackType, None],
    ) -> bool: ...
    def close(self) -> None: ...

@final
class AsyncClient:
    def __new__(
        cls,
        api_key: Optional[str] = None,
        *,
        region: Literal["us", "eu"] = "us",
        api_uri: Optional[str] = None,
        timeout: float = 90.0,
        max_retries: int = 2,
        max_retry_wait: float = 60.0,
        rate_limit: _RateLimit = None,
    ) -> AsyncClient:
        """``timeout`` (seconds) bounds each attempt, not the call: a failed attempt is retried
        up to ``max_retries`` times, and a retry may first wait out a ``Retry-After`` of at most
        ``max_retry_wait`` seconds (a longer one is raised at once as ``RateLimitError``). One
        call takes at worst about ``(max_retries + 1) * timeout`` plus those waits.

        Cancelling the task of a ``manual_assign`` stops sending; with ``report=`` the journal
        keeps the outcome, and ``resume_manual_assign(report)`` finishes it."""
    @property
    def workspaces(self) -> AsyncWorkspaces: ...
    def with_options(
        self,
        *,
        timeout: Union[float, NotGiven] = ...,
        max_retries: Union[int, NotGiven] = ...,
        max_retry_wait: Union[float, NotGiven] = ...,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> AsyncClient:
        """A client of the same class whose calls use other settings, sharing this
        client's connection pool, rate limiter and retry budget (cheap to make).

        Each argument left out (or ``NOT_GIVEN``) keeps this client's value: ``timeout`` is
        the seconds allowed per attempt, ``max_retries`` how many times a failed attempt is
        retried, ``max_retry_wait`` the longest ``Retry-After`` (in seconds) waited out before
        a retry, and ``extra_headers`` a mapping of header names to values added to every
        request (replacing same-named ones from an earlier ``with_options``). The headers the
        client sets itself (``Authorization``, ``User-Agent``, ``Idempotency-Key``,
        ``Content-Type``, ``Accept``, ``Host``, ``Content-Length``, ``Transfer-Encoding``,
        ``Connection``), invalid header names or values, and numbers the constructor would
        refuse raise ``ConfigurationError`` (``TypeError``/``ValueError`` for the wrong kind
        of value).
        """
    def __aenter__(self) -> Awaitable[AsyncClient]: ...
    def __aexit__(
        self,
        *_exc: Union[type[BaseException], BaseException, TracebackType, None],
    ) -> Awaitable[bool]: ...
    def close(self) -> Awaitable[None]: ...

@disjoint_base
class _EmulatorServer:
    """The native emulator server; ``nylas_workspaces.testing.Emulator`` is its public face."""

    def __new__(
        cls,
        api_key: str = "test-key",
        *,
        default_workspace: bool = True,
        latency: float = 0.0,
        seed_file: Optional[str] = None,
    ) -> Self: ...
    @property
    def url(self) -> str:
        """The base URL to point a client at (``http://127.0.0.1:<port>``)."""
    @property
    def api_key(self) -> str:
        """The key the emulator accepts."""
    def add_grant(
        self,
        email: str,
        *,
        valid: bool = True,
        created_at: Optional[int] = None,
        workspace_id: Optional[str] = None,
        grant_id: Optional[str] = None,
    ) -> str:
        """Creates a grant and returns its id (``grant_id``, if given). Without
        ``workspace_id`` it is placed as Nylas places new grants: an auto-group workspace of
        its domain, else the default."""
    def grant_workspace(self, grant_id: str) -> Optional[str]:
        """The workspace a grant is in, or None."""
    def grants_in(self, workspace_id: str) -> list[str]:
        """The grants currently in a workspace."""
    def default_workspace_id(self) -> Optional[str]:
        """The default workspace's id, or None."""
    def add_policy(self) -> str:
        """Creates a policy owned by the application and returns its id."""
    def add_rule(self) -> str:
        """Creates a rule owned by the application and returns its id."""
    def calls(self, operation: str) -> int:
        """How many requests reached ``operation`` (an operationId such as ``get-workspace``)."""
    def set_latency(self, seconds: float) -> None:
        """Adds ``seconds`` to every response from now on."""
    def set_retry_after(self, seconds: int) -> None:
        """Sends ``Retry-After: seconds`` with injected ``too_many_requests`` faults from now on
        (1 by default)."""
    def fail_next(
        self, operation: str, count: int = 1, fault: str = "internal_server_error"
    ) -> None:
        """Makes the next ``count`` calls to ``operation`` fail with ``fault``
        (``too_many_requests``, ``internal_server_error``, ``bad_gateway``,
        ``service_unavailable`` or ``connection_reset``)."""
    def advance_clock(self, seconds: float) -> None:
        """Moves the emulator's clock ``seconds`` forward (freezing it first if it followed
        the system clock); what is created afterwards is stamped with the new time."""
    def close(self) -> None:
        """Stops the server; later calls raise RuntimeError."""

# The tracing-to-logging bridge (used by ``nylas_workspaces._logs`` only).
def _connect_logging(
    sink: Callable[
        [int, str, Optional[str], Optional[int], Optional[str], dict[str, Any], Optional[str], dict[str, Any]],
        None,
    ],
) -> None:
    """Sets the function that receives the records; a later call keeps the first one."""
def _set_log_threshold(level: int) -> None:
    """Sets the lowest Python level that is forwarded (negative means everything)."""
