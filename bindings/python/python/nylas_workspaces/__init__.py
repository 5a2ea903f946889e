"""Client for the Nylas v3 Workspaces API.

>>> import nylas_workspaces as nw
>>> client = nw.Client(api_key="...")            # doctest: +SKIP
>>> client.workspaces.list()                      # doctest: +SKIP

``Client`` blocks (with the GIL released while it waits); ``AsyncClient`` has the same surface
with every call awaitable. Every documented rule of the API is checked before a request is
sent, by the Rust crate underneath; a broken rule raises :class:`InvariantError`.

Ctrl-C during a blocking ``manual_assign`` raises :class:`BulkAssignInterrupted` (a
``KeyboardInterrupt``) that records what was done, so the job can be resumed. With
``manual_assign(..., report="assign.jsonl")`` the run is also journaled on disk as it goes,
and ``resume_manual_assign("assign.jsonl")`` finishes it, even after the process was killed.
"""

from __future__ import annotations

from ._exceptions import (
    APIConnectionError,
    ApplyError,
    ApplyInterrupted,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BulkAssignError,
    BulkAssignInterrupted,
    ConcurrentChangeError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    InvariantError,
    JournalError,
    LimitExceededError,
    NotFoundError,
    NylasWorkspacesError,
    PermissionDeniedError,
    PlanFileError,
    RateLimitError,
    RetryRequest,
)
from ._listing import AsyncListing, Listing
from ._native import (
    Application,
    Applications,
    ApplyReport,
    AsyncApplications,
    AsyncClient,
    AsyncGrants,
    AsyncPolicies,
    AsyncRules,
    AsyncWorkspaces,
    AutoGroupJob,
    Change,
    Client,
    Grant,
    Grants,
    ManualAssignResult,
    Plan,
    Policies,
    Policy,
    Rule,
    Rules,
    Workspace,
    Workspaces,
    __version__,
)
from ._sentinel import NOT_GIVEN, NotGiven, NotGivenOr

# The crate's tracing reaches the `nylas_workspaces` logger; NYLAS_WORKSPACES_LOG=debug|info
# also prints it on stderr (see _logs).
from . import _logs

_logs.install()

__all__ = [
    "Client",
    "AsyncClient",
    "Workspaces",
    "AsyncWorkspaces",
    "Workspace",
    "AutoGroupJob",
    "ManualAssignResult",
    "Grants",
    "AsyncGrants",
    "Applications",
    "AsyncApplications",
    "Policies",
    "AsyncPolicies",
    "Rules",
    "AsyncRules",
    "Grant",
    "Application",
    "Policy",
    "Rule",
    "Listing",
    "AsyncListing",
    "Plan",
    "Change",
    "ApplyReport",
    "NOT_GIVEN",
    "NotGiven",
    "NotGivenOr",
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
    "ConcurrentChangeError",
    "RateLimitError",
    "InternalServerError",
    "BulkAssignError",
    "BulkAssignInterrupted",
    "PlanFileError",
    "ApplyError",
    "ApplyInterrupted",
    "RetryRequest",
    "__version__",
]
