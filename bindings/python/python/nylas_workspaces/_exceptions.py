"""The exception tree of ``nylas_workspaces``.

Every error the package raises derives from :class:`NylasWorkspacesError`, so one ``except``
clause catches them all. The one exception is :class:`BulkAssignInterrupted`, raised when
Ctrl-C stops a bulk assignment: it is a ``KeyboardInterrupt``, so that ``except Exception``
does not swallow the Ctrl-C. The native module creates these classes; they live in Python so
that they subclass built-ins (``ValueError``, ``KeyboardInterrupt``) naturally and carry plain
attributes.

The tree, with the HTTP status behind each :class:`APIError` subclass (any other status
raises a plain :class:`APIError`; ``status`` always holds the number)::

    NylasWorkspacesError
    ├── InvariantError               a documented rule was broken; nothing sent (ValueError)
    ├── ConfigurationError           the client cannot be built (ValueError)
    ├── InvalidRequestError          the request cannot be sent as given; nothing sent (ValueError)
    ├── LimitExceededError           an answer larger than a configured limit
    ├── JournalError                 a ``report=`` journal cannot be written or read
    ├── APIConnectionError           no answer: network, connection reset
    │   └── APITimeoutError          no answer within ``timeout``
    ├── APIResponseValidationError   an answer this client cannot decode
    ├── APIError                     an error status (a 3xx redirect too, with ``location``)
    │   ├── BadRequestError          400
    │   ├── AuthenticationError      401
    │   ├── PermissionDeniedError    403
    │   ├── NotFoundError            404
    │   ├── ConflictError            409
    │   ├── RateLimitError           429 (``retry_after``)
    │   └── InternalServerError      5xx
    ├── ConcurrentChangeError        a read-modify-write saw another writer's change
    ├── BulkAssignError              a bulk assignment failed part-way
    ├── PlanFileError                a workspaces file cannot be used (ValueError)
    └── ApplyError                   an apply ended early (``report``)
    BulkAssignInterrupted            Ctrl-C stopped a bulk assignment (KeyboardInterrupt)
    ApplyInterrupted                 Ctrl-C stopped an apply (KeyboardInterrupt)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Sequence, TypedDict

if TYPE_CHECKING:
    from ._native import ApplyReport, Workspace

__all__ = [
    "NylasWorkspacesError",
    "InvariantError",
    "ConfigurationError",
    "InvalidRequestError",
    "LimitExceededError",
    "JournalError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "InternalServerError",
    "ConcurrentChangeError",
    "BulkAssignError",
    "BulkAssignInterrupted",
    "PlanFileError",
    "ApplyError",
    "ApplyInterrupted",
    "RetryRequest",
]


class NylasWorkspacesError(Exception):
    """The base class of every error raised by this package."""

    message: str

    def __init__(self, message: str) -> None:
        """Builds the error.

        Args:
            message: What went wrong, in words.
        """
        super().__init__(message)
        self.message = message


class InvariantError(NylasWorkspacesError, ValueError):
    """A documented rule of the API was broken; nothing was sent.

    ``rule`` names the rule (for example ``"default_workspace_protected"``).
    """

    rule: str

    def __init__(self, message: str, *, rule: str) -> None:
        """Builds the error.

        Args:
            message: What went wrong, in words.
            rule: The name of the rule that was broken.
        """
        super().__init__(message)
        self.rule = rule


class ConfigurationError(NylasWorkspacesError, ValueError):
    """The client cannot be built from these arguments (no API key, a rate it cannot pace,
    a base URL it refuses); nothing was sent."""


class InvalidRequestError(NylasWorkspacesError, ValueError):
    """The request cannot be sent as given (for example its URL would be longer than 8 KiB,
    from a 70 KB workspace id); nothing was sent, and retrying would fail the same way.

    ``operation`` names the call (for example ``"get_workspace"``).
    """

    operation: str

    def __init__(self, message: str, *, operation: str = "") -> None:
        """Builds the error.

        Args:
            message: What went wrong, in words.
            operation: The call that could not be sent, or "".
        """
        super().__init__(message)
        self.operation = operation


class LimitExceededError(NylasWorkspacesError):
    """An answer, or a listing across pages, was larger than a configured limit, so it was
    not read further. Never retried: the same request would get the same answer.

    ``setting`` names the limit (``"max_body_bytes"`` or ``"max_list_items"``), ``limit`` is
    its value (bytes or items) and ``request_id`` the id of the answer that went over.
    """

    operation: str
    setting: str
    limit: int
    request_id: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        setting: str,
        limit: int,
        request_id: Optional[str] = None,
        operation: str = "",
    ) -> None:
        """Builds the error.

        Args:
            message: What went wrong, in words.
            setting: The name of the limit that was exceeded.
            limit: The limit's value (bytes or items).
            request_id: The id of the answer that went over, or None.
            operation: The call whose answer went over, or "".
        """
        super().__init__(message)
        self.operation = operation
        self.setting = setting
        self.limit = limit
        self.request_id = request_id


class JournalError(NylasWorkspacesError):
    """The journal of a manual assignment (``report=``) could not be written or read.

    Raised before any assignment is sent: a run that cannot be recorded sends nothing, and a
    journal that cannot be read is not resumed. ``path`` is the file, ``kind`` one of
    ``"unwritable"``, ``"unreadable"``, ``"not_a_journal"``, ``"corrupt"`` (a record other
    than the last is damaged: the file was altered) and ``"too_large"``, and ``line`` the
    1-based line of a corrupt record (else None). When the operating system reported the
    failure, ``__cause__`` is its ``OSError``.
    """

    path: str
    kind: str
    line: Optional[int]

    def __init__(
        self, message: str, *, path: str, kind: str, line: Optional[int] = None
    ) -> None:
        """Builds the error.

        Args:
            message: What went wrong, in words.
            path: The journal file.
            kind: What kind of failure (see the class docstring).
            line: The 1-based line of a corrupt record, or None.
        """
        super().__init__(message)
        self.path = path
        self.kind = kind
        self.line = line


class APIConnectionError(NylasWorkspacesError):
    """The request could not reach Nylas, or the connection broke before an answer.

    The message names the underlying causes ("Connection refused", "message head is too
    large"); ``__cause__`` is an ``OSError`` holding the innermost one (with its ``errno``
    when the system gave one, so a refused connection is a ``ConnectionRefusedError``).
    """


class APITimeoutError(APIConnectionError):
    """No answer arrived within the configured timeout."""


class APIResponseValidationError(NylasWorkspacesError):
    """Nylas (or something in between) answered with a body this client cannot decode."""

    status: Optional[int]
    request_id: Optional[str]
    body: str

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        request_id: Optional[str] = None,
        body: str = "",
    ) -> None:
        """Builds the error.

        Args:
            message: What went wrong, in words.
            status: The HTTP status of the answer, or None.
            request_id: The id of the answer, or None.
            body: The start of the body that could not be decoded.
        """
        super().__init__(message)
        self.status = status
        self.request_id = request_id
        self.body = body


class APIError(NylasWorkspacesError):
    """Nylas (or something in front of it) answered with an error status.

    A redirect (3xx) is one too, and is never followed, since following it would send the key
    and the request to whatever host it names: ``location`` is where it pointed (None for
    any other status). Text the server sent never carries the API key: the client replaces
    it with ``<redacted>``.
    """

    status: int
    request_id: Optional[str]
    type: Optional[str]
    provider_error: Optional[Mapping[str, Any]]
    location: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        status: int,
        request_id: Optional[str] = None,
        type: Optional[str] = None,
        provider_error: Optional[Mapping[str, Any]] = None,
        location: Optional[str] = None,
    ) -> None:
        """Builds the error.

        Args:
            message: The error message Nylas sent (or a description of the status).
            status: The HTTP status.
            request_id: The id of the answer, or None.
            type: Nylas's error type (for example "invalid_request_error"), or None.
            provider_error: The email provider's error, when Nylas passed one on, or None.
            location: Where a redirect pointed, or None.
        """
        super().__init__(message)
        self.status = status
        self.request_id = request_id
        self.type = type
        self.provider_error = provider_error
        self.location = location

    def __str__(self) -> str:
        rid = f", request_id={self.request_id}" if self.request_id else ""
        return f"{self.message} (status {self.status}{rid})"


class BadRequestError(APIError):
    """400: the request broke one of the API's rules."""


class AuthenticationError(APIError):
    """401: the API key is missing, malformed or revoked."""


class PermissionDeniedError(APIError):
    """403: the API key may not do this."""


class NotFoundError(APIError):
    """404: no such workspace."""


class ConflictError(APIError):
    """409: the request conflicts with the workspace's current state or with another request
    in flight."""


class RateLimitError(APIError):
    """429: too many requests. ``retry_after`` is the wait Nylas asked for, in seconds."""

    retry_after: Optional[float]

    def __init__(self, message: str, *, retry_after: Optional[float] = None, **kw: Any) -> None:
        """Builds the error.

        Args:
            message: The error message Nylas sent.
            retry_after: The wait Nylas asked for, in seconds, or None.
            **kw: The other arguments of :class:`APIError` (``status`` is required).
        """
        super().__init__(message, **kw)
        self.retry_after = retry_after


class InternalServerError(APIError):
    """5xx: Nylas or an email provider failed."""


class ConcurrentChangeError(NylasWorkspacesError):
    """A read-modify-write helper (``attach_rules``, ``detach_rules``, ``set_policy``) wrote
    its change, read the workspace back and found something else: another writer changed it
    at the same moment. The API has no ETag, so the client can only notice, not prevent it.

    Not an HTTP error (Nylas answered every request with success), so not an ``APIError``;
    ``ConflictError`` is the 409 status. ``workspace_id`` is the workspace, ``found`` the
    ``Workspace`` as the re-read showed it (decide from it whether to try again), and
    ``request_id`` the id of that re-read.
    """

    workspace_id: str
    found: "Workspace"
    request_id: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        workspace_id: str,
        found: "Workspace",
        request_id: Optional[str] = None,
    ) -> None:
        """Builds the error.

        Args:
            message: What differed, in words.
            workspace_id: The workspace that was changed concurrently.
            found: The workspace as read back after the write.
            request_id: The id of the re-read, or None.
        """
        super().__init__(message)
        self.workspace_id = workspace_id
        self.found = found
        self.request_id = request_id


class RetryRequest(TypedDict):
    """The keyword arguments of ``manual_assign`` that finish a stopped or part-failed
    assignment: ``manual_assign(workspace_id, **err.retry_request())``.

    Args:
        assign_grants: The ids still to move into the workspace.
        remove_grants: The ids still to move out of it.
    """

    assign_grants: list[str]
    remove_grants: list[str]


class _BulkOutcome:
    """What a bulk assignment did, shared by :class:`BulkAssignError` and
    :class:`BulkAssignInterrupted`.

    Every grant id of the assignment is in exactly one of ``assigned`` and ``removed`` (what
    Nylas confirmed), ``unmatched`` (sent in a successful request but matching no grant),
    ``failed`` (id to the error of its request) and ``not_sent`` (never sent: the caller
    stopped, or an earlier request failed in a way that would fail it too).
    ``retry_request()`` is the request that finishes the job::

        except nw.BulkAssignError as err:
            client.workspaces.manual_assign(err.workspace_id, **err.retry_request())

    ``report`` is the journal the run was recorded in (``report=``), or None; with one,
    ``client.workspaces.resume_manual_assign(err.report)`` finishes the job instead, also
    from another process.
    """

    message: str
    workspace_id: str
    assigned: list[str]
    removed: list[str]
    unmatched: list[str]
    failed: dict[str, NylasWorkspacesError]
    not_sent: list[str]
    request_ids: list[str]
    report: Optional[str]

    def _record(
        self,
        message: str,
        *,
        workspace_id: str,
        assigned: Iterable[str],
        removed: Iterable[str],
        unmatched: Iterable[str],
        failed: Mapping[str, NylasWorkspacesError],
        not_sent: Iterable[str],
        request_ids: Iterable[str],
        retry: Optional[Mapping[str, Sequence[str]]],
        report: Optional[str] = None,
    ) -> None:
        self.message = message
        self.report = report
        self.workspace_id = workspace_id
        self.assigned = list(assigned)
        self.removed = list(removed)
        self.unmatched = list(unmatched)
        self.failed = dict(failed)
        self.not_sent = list(not_sent)
        self.request_ids = list(request_ids)
        if retry is None:
            # Built by hand without the moves: every pending id is taken as an assignment.
            retry = {"assign_grants": [*self.failed, *self.not_sent], "remove_grants": []}
        self._retry_assign = list(retry.get("assign_grants", ()))
        self._retry_remove = list(retry.get("remove_grants", ()))

    @property
    def grants_assigned(self) -> list[str]:
        """The same list as ``assigned`` (the name used by ``ManualAssignResult``)."""
        return self.assigned

    @property
    def grants_removed(self) -> list[str]:
        """The same list as ``removed`` (the name used by ``ManualAssignResult``)."""
        return self.removed

    def retry_request(self) -> RetryRequest:
        """Tells the request that finishes the assignment.

        Returns:
            ``{"assign_grants": [...], "remove_grants": [...]}`` holding exactly the failed
            and unsent ids, each with the move that was asked for; pass it as
            ``manual_assign(workspace_id, **err.retry_request())``.
        """
        return {"assign_grants": list(self._retry_assign),
                "remove_grants": list(self._retry_remove)}


class BulkAssignError(_BulkOutcome, NylasWorkspacesError):
    """A manual assignment split into several requests failed part-way.

    Every grant id is accounted for (see the attributes below, shared with
    :class:`BulkAssignInterrupted`), so retrying ``retry_request()`` finishes the job.
    ``grants_assigned`` and ``grants_removed`` are kept as aliases of ``assigned`` and
    ``removed``.
    """

    def __init__(
        self,
        message: str,
        *,
        workspace_id: str,
        assigned: Iterable[str] = (),
        removed: Iterable[str] = (),
        unmatched: Optional[Iterable[str]] = None,
        failed: Optional[Mapping[str, NylasWorkspacesError]] = None,
        not_sent: Iterable[str] = (),
        request_ids: Iterable[str] = (),
        retry: Optional[Mapping[str, Sequence[str]]] = None,
        grants_assigned: Optional[Iterable[str]] = None,
        grants_removed: Optional[Iterable[str]] = None,
        report: Optional[str] = None,
    ) -> None:
        """Builds the error from what the assignment did.

        Args:
            message: What went wrong, in words.
            workspace_id: The workspace of the assignment.
            assigned: The ids Nylas confirmed as moved into the workspace.
            removed: The ids Nylas confirmed as moved out of it.
            unmatched: The ids sent in a successful request that matched no grant.
            failed: Each failed id, to the error of its request.
            not_sent: The ids never sent.
            request_ids: The ids of the requests that were sent.
            retry: The ``retry_request()`` to give, or None to build it from ``failed`` and
                ``not_sent`` (all taken as assignments).
            grants_assigned: An alias of ``assigned``; when given, it wins.
            grants_removed: An alias of ``removed``; when given, it wins.
            report: The journal the run was recorded in, or None.
        """
        NylasWorkspacesError.__init__(self, message)
        self._record(
            message,
            workspace_id=workspace_id,
            assigned=assigned if grants_assigned is None else grants_assigned,
            removed=removed if grants_removed is None else grants_removed,
            unmatched=unmatched or (),
            failed=failed or {},
            not_sent=not_sent,
            request_ids=request_ids,
            retry=retry,
            report=report,
        )


class BulkAssignInterrupted(_BulkOutcome, KeyboardInterrupt):
    """Ctrl-C stopped a manual assignment; what it did is recorded, as on
    :class:`BulkAssignError`.

    No further chunk was sent after the Ctrl-C, and the requests in flight were allowed to
    finish, so ``assigned``, ``removed``, ``unmatched``, ``failed`` and ``not_sent`` together
    hold every id exactly once, and ``retry_request()`` (or, with a ``report``,
    ``resume_manual_assign(err.report)``) resumes where it stopped. It is a
    ``KeyboardInterrupt`` (not an ``Exception``): ``except Exception`` lets it through, and
    an uncaught one ends the program like any Ctrl-C.
    """

    def __init__(
        self,
        message: str,
        *,
        workspace_id: str,
        assigned: Iterable[str] = (),
        removed: Iterable[str] = (),
        unmatched: Iterable[str] = (),
        failed: Optional[Mapping[str, NylasWorkspacesError]] = None,
        not_sent: Iterable[str] = (),
        request_ids: Iterable[str] = (),
        retry: Optional[Mapping[str, Sequence[str]]] = None,
        report: Optional[str] = None,
    ) -> None:
        """Builds the error from what the assignment did.

        Args:
            message: What went wrong, in words.
            workspace_id: The workspace of the assignment.
            assigned: The ids Nylas confirmed as moved into the workspace.
            removed: The ids Nylas confirmed as moved out of it.
            unmatched: The ids sent in a successful request that matched no grant.
            failed: Each failed id, to the error of its request.
            not_sent: The ids never sent.
            request_ids: The ids of the requests that were sent.
            retry: The ``retry_request()`` to give, or None to build it from ``failed`` and
                ``not_sent`` (all taken as assignments).
            report: The journal the run was recorded in, or None.
        """
        KeyboardInterrupt.__init__(self, message)
        self._record(
            message,
            workspace_id=workspace_id,
            assigned=assigned,
            removed=removed,
            unmatched=unmatched,
            failed=failed or {},
            not_sent=not_sent,
            request_ids=request_ids,
            retry=retry,
            report=report,
        )


class PlanFileError(NylasWorkspacesError, ValueError):
    """A workspaces file (or the dict given instead) cannot be used; nothing was changed.

    Raised while the file is read (it is not YAML, an unknown key, a bad value or version, a
    duplicate entry, an unreadable ``grants_file``) and while it is planned (a policy or rule
    name that names nothing or several, an entry several live workspaces match). The message
    reads ``file:line: what is wrong``. ``file`` is the path as given (None for a dict),
    ``line`` the 1-based line (None when the problem is on none, and always for a dict),
    ``kind`` one of ``"io"``, ``"syntax"``, ``"version"``, ``"unknown_key"``,
    ``"invalid_value"``, ``"duplicate_entry"``, ``"grants_file"``, ``"unknown_reference"``,
    ``"ambiguous_reference"``, ``"ambiguous_match"`` and ``"not_exportable"``, and
    ``reason`` what is wrong without the place.
    """

    file: Optional[str]
    line: Optional[int]
    kind: str
    reason: str

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        file: Optional[str] = None,
        line: Optional[int] = None,
        reason: Optional[str] = None,
    ) -> None:
        """Builds the error.

        Args:
            message: What is wrong and where, in words.
            kind: The kind of problem (see the class docstring).
            file: The file as it was given, or None.
            line: The 1-based line, or None.
            reason: What is wrong without the place; None takes ``message``.
        """
        super().__init__(message)
        self.kind = kind
        self.file = file
        self.line = line
        self.reason = message if reason is None else reason


class ApplyError(NylasWorkspacesError):
    """An apply ended early: a step failed, or a workspace changed since the plan was made.

    Nothing is rolled back. ``report`` (an ``ApplyReport``) holds what was applied and what
    was not; ``report.error`` and ``__cause__`` are the exception that ended the run (a
    ``ConcurrentChangeError`` for a concurrent change, a ``BulkAssignError`` for grant moves
    that failed part-way, an ``APIError``, ...). Planning or applying the same file again
    finishes the job: the new plan holds only what is left. Also raised when every change
    went through but the file could not be planned again, so whether the application is in
    sync is unknown (``report.not_applied`` is then empty).
    """

    report: "ApplyReport"

    def __init__(self, message: str, *, report: "ApplyReport") -> None:
        """Builds the error.

        Args:
            message: What ended the run, in words.
            report: What the run did.
        """
        super().__init__(message)
        self.report = report


class ApplyInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a blocking ``apply``; what it did is in ``report``.

    No step started after the Ctrl-C and a grants step in progress sent no further chunk,
    the requests in flight having been allowed to finish, so ``report.applied`` and
    ``report.not_applied`` are exact. It is a ``KeyboardInterrupt`` (not an ``Exception``),
    so ``except Exception`` lets it through. Apply the same file again to finish.
    """

    message: str
    report: "ApplyReport"

    def __init__(self, message: str, *, report: "ApplyReport") -> None:
        """Builds the error.

        Args:
            message: What was done when the run stopped, in words.
            report: What the run did.
        """
        super().__init__(message)
        self.message = message
        self.report = report
