"""The exception tree of ``nylas_workspaces``.

Every error the package raises derives from :class:`NylasWorkspacesError`, so one ``except``
clause catches them all. The native module creates these classes; they live in Python so that
they subclass built-ins (``ValueError``) naturally and carry plain attributes.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

__all__ = [
    "NylasWorkspacesError",
    "InvariantError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "InternalServerError",
    "BulkAssignError",
]


class NylasWorkspacesError(Exception):
    """The base class of every error raised by this package."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvariantError(NylasWorkspacesError, ValueError):
    """A documented rule of the API was broken; nothing was sent.

    ``rule`` names the rule (for example ``"default_workspace_protected"``).
    """

    rule: str

    def __init__(self, message: str, *, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


class APIConnectionError(NylasWorkspacesError):
    """The request could not reach Nylas, or the connection broke before an answer."""


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
        super().__init__(message)
        self.status = status
        self.request_id = request_id
        self.body = body


class APIError(NylasWorkspacesError):
    """Nylas answered with an error status and its error envelope."""

    status: int
    request_id: Optional[str]
    type: Optional[str]
    provider_error: Optional[Mapping[str, Any]]

    def __init__(
        self,
        message: str,
        *,
        status: int,
        request_id: Optional[str] = None,
        type: Optional[str] = None,
        provider_error: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.request_id = request_id
        self.type = type
        self.provider_error = provider_error

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


class RateLimitError(APIError):
    """429: too many requests. ``retry_after`` is the wait Nylas asked for, in seconds."""

    retry_after: Optional[float]

    def __init__(self, message: str, *, retry_after: Optional[float] = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class InternalServerError(APIError):
    """5xx: Nylas or an email provider failed."""


class BulkAssignError(NylasWorkspacesError):
    """A manual assignment split into several requests failed part-way.

    Every grant ID is accounted for: ``grants_assigned`` and ``grants_removed`` hold what
    succeeded, ``unmatched`` what was sent in a successful request but matched no grant, and
    ``failed`` maps each ID that did not succeed to the error of its request (or to why it was
    not sent), so retrying exactly ``failed`` finishes the job.
    """

    workspace_id: str
    grants_assigned: list[str]
    grants_removed: list[str]
    unmatched: list[str]
    failed: dict[str, NylasWorkspacesError]
    request_ids: list[str]

    def __init__(
        self,
        message: str,
        *,
        workspace_id: str,
        grants_assigned: list[str],
        grants_removed: list[str],
        failed: dict[str, NylasWorkspacesError],
        request_ids: list[str],
        unmatched: Optional[list[str]] = None,
    ) -> None:
        super().__init__(message)
        self.workspace_id = workspace_id
        self.grants_assigned = grants_assigned
        self.grants_removed = grants_removed
        self.unmatched = unmatched or []
        self.failed = failed
        self.request_ids = request_ids
