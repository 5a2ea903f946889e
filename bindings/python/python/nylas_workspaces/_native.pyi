# Type stubs of the native module; checked against it by `python -m mypy.stubtest`.
import datetime
import os
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Awaitable, Literal, Optional, TypedDict, Union, final

from typing_extensions import Self, disjoint_base


from ._listing import AsyncListing, Listing
from ._sentinel import NOT_GIVEN, NotGiven

__all__ = [
    "Application",
    "Applications",
    "ApplyReport",
    "AsyncApplications",
    "AsyncClient",
    "AsyncGrants",
    "AsyncPolicies",
    "AsyncRules",
    "AsyncWorkspaces",
    "AutoGroupJob",
    "Change",
    "Client",
    "Grant",
    "Grants",
    "ManualAssignResult",
    "Plan",
    "Policies",
    "Policy",
    "Rule",
    "Rules",
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

# A workspaces file: a path (str or path object), or its content as a dict.
_Source = Union[str, os.PathLike[str], dict[str, Any]]
_Action = Literal["create", "update", "assign", "remove", "delete", "refused"]

class _OldNew(TypedDict):
    """A managed field's value before and after a change."""

    old: Any
    new: Any

class _PlanSummary(TypedDict):
    """How many changes of each kind a plan holds, and how many grants move."""

    create: int
    update: int
    delete: int
    assign: int
    remove: int
    refused: int
    grants_assigned: int
    grants_removed: int

class _Quirks(TypedDict):
    """The emulator's live quirks, as `set_quirks` takes them."""

    nested_rules_envelope: bool
    trailing_policy_cursor: bool
    page_size_cap: Optional[int]
    filtered_grant_lag_secs: Optional[int]
    omit_default_workspace_id: bool

@final
class Workspace:
    """A workspace, as Nylas reported it: immutable, compared by value, hashable.
    Equality compares the workspace, not the call that read it (`request_id` is left out).

    Returned by `Workspaces`; not built directly.
    """

    @property
    def workspace_id(self) -> str:
        """The workspace's id."""
    @property
    def application_id(self) -> str:
        """The id of the application that owns the workspace."""
    @property
    def name(self) -> str:
        """The workspace's name."""
    @property
    def domain(self) -> Optional[str]:
        """The email domain the workspace groups, or None."""
    @property
    def auto_group(self) -> bool:
        """Whether new grants of `domain` join the workspace by themselves."""
    @property
    def default(self) -> bool:
        """Whether this is the default workspace (only its policy and rules can change)."""
    @property
    def policy_id(self) -> Optional[str]:
        """The id of the attached policy, or None."""
    @property
    def rule_ids(self) -> list[str]:
        """The ids of the attached rules (a list, possibly empty)."""
    @property
    def created_at(self) -> Optional[int]:
        """When the workspace was created, in Unix seconds, or None when Nylas did not say."""
    @property
    def updated_at(self) -> Optional[int]:
        """When the workspace last changed, in Unix seconds, or None when Nylas did not say."""
    @property
    def request_id(self) -> Optional[str]:
        """The id of the request that returned this workspace, or None when the server sent none."""
    def to_dict(self) -> dict[str, Any]:
        """Converts the workspace to a plain dict.

        Returns:
            A new dict with the API's field names as keys.
        """
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class AutoGroupJob:
    """A started auto-group job: immutable, compared by value.

    Returned by `auto_group`; not built directly.
    """

    @property
    def job_id(self) -> str:
        """The job's id (empty when Nylas did not report one)."""
    @property
    def message(self) -> str:
        """Nylas's note about the job."""
    @property
    def request_id(self) -> Optional[str]:
        """The id of the request that started the job, or None."""
    def to_dict(self) -> dict[str, Any]:
        """Converts the job to a plain dict.

        Returns:
            A new dict with `job_id`, `message` and `request_id`.
        """
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class ManualAssignResult:
    """What a manual assignment did, over all its chunks: immutable, compared by value.

    Returned by `manual_assign` and `resume_manual_assign`; not built directly.
    """

    @property
    def workspace_id(self) -> str:
        """The workspace the grants moved into or out of."""
    @property
    def grants_assigned(self) -> list[str]:
        """The ids Nylas confirmed as moved into the workspace."""
    @property
    def grants_removed(self) -> list[str]:
        """The ids Nylas confirmed as moved out of the workspace."""
    @property
    def unmatched(self) -> list[str]:
        """The ids sent in a successful request that Nylas did not report as changed (unknown)."""
    @property
    def request_ids(self) -> list[str]:
        """The ids of the requests that were sent, one per chunk."""
    @property
    def request_id(self) -> Optional[str]:
        """The last successful request's id (the only one for up to 500 ids per list), or None."""
    def to_dict(self) -> dict[str, Any]:
        """Converts the result to a plain dict.

        Returns:
            A new dict with the attribute names as keys.
        """
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Change:
    """One step of a plan: what it does and to which workspace. Immutable, compared by value.

    `str(change)` is its plan line (`+ create Acme (acme.com, auto_group)`), and `to_dict()`
    its JSON form. Returned in `Plan.changes` and `ApplyReport.applied`; not built directly.
    """

    @property
    def action(self) -> _Action:
        """What the change does: `"create"`, `"update"`, `"assign"`, `"remove"`, `"delete"` or
        `"refused"`.
        """
    @property
    def name(self) -> str:
        """The name of the workspace the change is about (the file's, for a create)."""
    @property
    def domain(self) -> Optional[str]:
        """The domain of that workspace, or None."""
    @property
    def workspace_id(self) -> Optional[str]:
        """The id of that workspace; None for a workspace the plan creates."""
    @property
    def fields(self) -> dict[str, _OldNew]:
        """For a create or an update, each managed field that changes, keyed by `name`,
        `domain`, `auto_group`, `policy_id` or `rule_ids`, as `{"old": ..., "new": ...}`
        (policies and rules by id; `old` is None for a create). Empty for other actions.
        """
    @property
    def grant_ids(self) -> list[str]:
        """For an assign or a remove, the ids of the grants that move (a list; empty for other
        actions). `to_dict()` shows only their count, as the CLI's JSON does.
        """
    @property
    def reason(self) -> Optional[str]:
        """For a refused change, why the API would refuse it, in words; else None."""
    @property
    def refusal(self) -> Optional[str]:
        """For a refused change, the kind of refusal: `"domain_change"`,
        `"default_workspace_field"`, `"grants_on_auto_group"`, `"auto_group_without_domain"`
        or `"no_default_workspace"`; else None.
        """
    @property
    def default(self) -> bool:
        """True for an update of the application's default workspace."""
    def to_dict(self) -> dict[str, Any]:
        """Converts the change to its JSON form.

        Returns:
            A new dict: `action`, `workspace` (`name`, `domain`, `workspace_id`), and as the
            action needs `fields`, `grants` (a count) or `reason`.
        """
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Plan:
    """What `apply` would do to bring the application to a file, in the order it does it:
    refusals first, then creates, updates, grant moves and deletes.

    `str(plan)` is one line per change (empty when the application is in sync), `to_dict()`
    the JSON the CLI's `plan --json` prints. Pass the plan to `client.apply` to carry out
    exactly these changes: it remembers the file and the workspaces it saw, so a workspace
    changed since is noticed. Equality compares the changes. Returned by `client.plan`; not
    built directly.
    """

    @property
    def changes(self) -> list[Change]:
        """The changes, in apply order (refusals first): a list of `Change`."""
    @property
    def has_changes(self) -> bool:
        """True when there is something to apply (a change that is not a refusal)."""
    @property
    def is_empty(self) -> bool:
        """True when the plan holds nothing at all, refusals included: the application is in
        sync with the file.
        """
    @property
    def refusals(self) -> list[Change]:
        """The refused changes (a list of `Change`); while there is one, `apply` sends nothing."""
    @property
    def summary(self) -> _PlanSummary:
        """The counts, as a dict: `create`, `update`, `delete`, `assign`, `remove`, `refused`,
        `grants_assigned` and `grants_removed`.
        """
    def to_dict(self) -> dict[str, Any]:
        """Converts the plan to its JSON form, the one `plan --json` prints.

        Returns:
            A new dict `{"changes": [...], "summary": {...}}`; each change as
            `Change.to_dict()` gives it.
        """
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class ApplyReport:
    """What an apply did: the changes carried out and not, the grant moves, and whether the
    application was found in sync afterwards.

    Returned by `client.apply` after a complete run, and carried by `ApplyError.report` and
    `ApplyInterrupted.report` after one that ended early; not built directly.
    """

    @property
    def applied(self) -> list[Change]:
        """The changes carried out, in order (a list of `Change`)."""
    @property
    def not_applied(self) -> list[Change]:
        """The changes not carried out after a failure or a stop, the failed step's included
        (a list of `Change`; empty after a complete run).
        """
    @property
    def in_sync(self) -> bool:
        """True when the run completed and planning the file again found nothing left to do."""
    @property
    def stopped(self) -> bool:
        """True when Ctrl-C (the stop flag) ended the run."""
    @property
    def error(self) -> Optional[BaseException]:
        """The exception that ended the run early (a `ConcurrentChangeError`, a
        `BulkAssignError`, an `APIError`, ...), or None.
        """
    @property
    def remaining(self) -> Optional[Plan]:
        """The plan made again after a complete run (empty when in sync), or None when the run
        did not complete or there was no file to plan again.
        """
    @property
    def created(self) -> list[Workspace]:
        """The workspaces created, as Nylas answered (a list of `Workspace`)."""
    @property
    def assignments(self) -> list[ManualAssignResult]:
        """The outcome of each grants step (a list of `ManualAssignResult`)."""
    @property
    def journals(self) -> list[str]:
        """The journals written, one per grants step (a list of str paths); each can be
        finished with `client.workspaces.resume_manual_assign(path)`.
        """
    def to_dict(self) -> dict[str, Any]:
        """Converts the report to its JSON form, the crate's (and the CLI's `apply --json`
        `report`).

        Returns:
            A new dict: `applied` and `not_applied` (changes as `Change.to_dict()` gives
            them), `error` (its text, or None), `stopped`, `in_sync`, `journals` and
            `remaining` (a plan's dict, or None).
        """

@final
class Grant:
    """A grant (a connected account), as Nylas reported it: immutable, compared by value,
    hashable. Equality leaves `request_id` out.

    `workspace_id` is exactly what Nylas sent. Nylas may leave it out for grants that are
    not Agent Accounts (`provider` other than `nylas`) and sit in the default workspace, so
    None means "in no workspace, or in the default one": the provider tells which.

    Returned by `client.grants`; not built directly.
    """

    @property
    def grant_id(self) -> str:
        """The grant's id."""
    @property
    def email(self) -> Optional[str]:
        """The account's email address, or None when Nylas did not report one."""
    @property
    def name(self) -> Optional[str]:
        """The account owner's display name, or None."""
    @property
    def provider(self) -> Optional[str]:
        """The provider: `nylas` for Agent Accounts, `google`, `microsoft`, ...; or None."""
    @property
    def grant_status(self) -> Optional[str]:
        """`valid` or `invalid` (new values may appear), or None."""
    @property
    def workspace_id(self) -> Optional[str]:
        """The workspace the grant belongs to, as Nylas sent it (see the class docstring)."""
    @property
    def created_at(self) -> Optional[int]:
        """When the grant was created, in Unix seconds, or None when Nylas did not say."""
    @property
    def updated_at(self) -> Optional[int]:
        """When the grant last changed, in Unix seconds, or None when Nylas did not say."""
    @property
    def request_id(self) -> Optional[str]:
        """The id of the request that returned this object, or None when the server sent
        none.
        """
    def to_dict(self) -> dict[str, Any]:
        """Converts the grant to a plain dict.

        Returns:
            A new dict with the attribute names as keys, `request_id` left out (the
            columns of the listings' dataframes).
        """
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Application:
    """The application the API key belongs to: immutable, compared by value, hashable.
    Equality leaves `request_id` out.

    Returned by `client.application.get()`; not built directly.
    """

    @property
    def application_id(self) -> str:
        """The application's id (empty when Nylas did not report one)."""
    @property
    def region(self) -> Optional[str]:
        """Its region (`us`, `eu`, ...), or None."""
    @property
    def environment(self) -> Optional[str]:
        """`production` or `staging` (new values may appear), or None."""
    @property
    def default_workspace_id(self) -> Optional[str]:
        """The id of its default workspace, or None when it has none (or Nylas did not say)."""
    @property
    def request_id(self) -> Optional[str]:
        """The id of the request that returned this object, or None when the server sent
        none.
        """
    def to_dict(self) -> dict[str, Any]:
        """Converts the application to a plain dict.

        Returns:
            A new dict with the attribute names as keys, `request_id` left out (the
            columns of the listings' dataframes).
        """
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Policy:
    """A policy (limits and spam settings a workspace points to with `policy_id`):
    immutable, compared by value, hashable. Equality leaves `request_id` out.

    Returned by `client.policies`; not built directly.
    """

    @property
    def policy_id(self) -> str:
        """The policy's id."""
    @property
    def name(self) -> str:
        """Its name (empty when Nylas sent none)."""
    @property
    def application_id(self) -> str:
        """The id of the application that owns it (empty when Nylas sent none)."""
    @property
    def created_at(self) -> Optional[int]:
        """When the policy was created, in Unix seconds, or None when Nylas did not say."""
    @property
    def updated_at(self) -> Optional[int]:
        """When the policy last changed, in Unix seconds, or None when Nylas did not say."""
    @property
    def request_id(self) -> Optional[str]:
        """The id of the request that returned this object, or None when the server sent
        none.
        """
    def to_dict(self) -> dict[str, Any]:
        """Converts the policy to a plain dict.

        Returns:
            A new dict with the attribute names as keys, `request_id` left out (the
            columns of the listings' dataframes).
        """
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Rule:
    """A rule (a filter on mail that a workspace lists in `rule_ids`): immutable, compared by
    value, hashable. Equality leaves `request_id` out.

    Returned by `client.rules`; not built directly.
    """

    @property
    def rule_id(self) -> str:
        """The rule's id."""
    @property
    def name(self) -> str:
        """Its name (empty when Nylas sent none)."""
    @property
    def description(self) -> Optional[str]:
        """What it is for, or None."""
    @property
    def priority(self) -> Optional[int]:
        """Its evaluation order (lower runs first), or None."""
    @property
    def enabled(self) -> Optional[bool]:
        """Whether it is switched on, or None when Nylas did not say."""
    @property
    def trigger(self) -> Optional[str]:
        """What triggers it (`inbound`, `outbound`, ...), or None."""
    @property
    def request_id(self) -> Optional[str]:
        """The id of the request that returned this object, or None when the server sent
        none.
        """
    def to_dict(self) -> dict[str, Any]:
        """Converts the rule to a plain dict.

        Returns:
            A new dict with the attribute names as keys, `request_id` left out (the
            columns of the listings' dataframes).
        """
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Grants:
    """Synchronous access to `/v3/grants`: the grants (connected accounts) of the
    application, and which workspace each is in.

    Reached as `Client.grants`; not built directly.
    """

    def get(self, grant_id: str) -> Grant:
        """Fetches one grant.

        Args:
            grant_id: The grant's id.

        Returns:
            The `Grant` (an awaitable of it on `AsyncGrants`).

        Raises:
            InvariantError: `grant_id` is empty, `.`, `..` or holds control characters;
                nothing was sent.
            NotFoundError: No such grant.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def list(
        self,
        workspace_id: Optional[str] = None,
        *,
        email: Optional[str] = None,
        provider: Optional[str] = None,
        grant_status: Optional[Literal["valid", "invalid"]] = None,
        since: Optional[_When] = None,
        before: Optional[_When] = None,
        full_scan: bool = False,
        page_size: Optional[int] = None,
    ) -> Listing[Grant]:
        """Lists grants, lazily: nothing is sent until the listing is iterated.

        Pages are fetched one at a time as the listing is walked (`for grant in ...`,
        `pages()`), or all at once by `to_list()`, `to_pandas()`, `to_polars()` and
        `to_arrow()`. The walk asks for the oldest grants first and never yields a grant
        twice, even when grants created meanwhile shift the offsets; it follows pages that
        are shorter than asked and ends only on an empty one. Each iteration is a fresh
        walk.

        Args:
            workspace_id: Only the grants of this workspace; None for every grant.
            email: Only the grant(s) with this email address.
            provider: Only grants of this provider (`nylas` for Agent Accounts, `google`,
                ...).
            grant_status: Only `"valid"` or only `"invalid"` grants.
            since: Only grants created at or after this instant: Unix seconds (an int) or
                a timezone-aware `datetime` (a fraction of a second rounds up).
            before: Only grants created at or before this instant, in the same forms (a
                fraction of a second rounds down).
            full_scan: Needs `workspace_id`: list every grant and keep those of it here instead of
                asking Nylas to filter: Nylas's filtered listing has been seen to miss
                grants created in the last minute or so, the full walk does not. It costs
                a walk over every grant of the application. Grants whose `workspace_id`
                Nylas leaves out (grants other than Agent Accounts in the default
                workspace) never match a workspace id, in either mode.
            page_size: Grants asked for per request, 1 to 200; None for 200.

        Returns:
            A `Listing` of `Grant` (an `AsyncListing` on `AsyncGrants`).

        Raises:
            InvariantError: A filter the API would refuse or that matches nothing: an
                unknown `grant_status`, an empty `email` or `provider`, `since` after
                `before`, an instant before 1970, a `page_size` outside 1 to 200, a
                `workspace_id` that is not a usable id. Raised by this call; nothing was
                sent.
            TypeError: A value of the wrong type (a bool or a string for an instant, ...).
            ValueError: `since` or `before` is a naive `datetime`.
            OverflowError: An int too large for its setting.
        """

@final
class AsyncGrants:
    """Asynchronous access to `/v3/grants`: `get` returns an awaitable, `list` an
    `AsyncListing` (`async for`).

    Reached as `AsyncClient.grants`; not built directly. The methods take the same
    arguments as those of `Grants`.
    """

    def get(self, grant_id: str) -> Awaitable[Grant]:
        """Fetches one grant.

        Args:
            grant_id: The grant's id.

        Returns:
            The `Grant` (an awaitable of it on `AsyncGrants`).

        Raises:
            InvariantError: `grant_id` is empty, `.`, `..` or holds control characters;
                nothing was sent.
            NotFoundError: No such grant.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def list(
        self,
        workspace_id: Optional[str] = None,
        *,
        email: Optional[str] = None,
        provider: Optional[str] = None,
        grant_status: Optional[Literal["valid", "invalid"]] = None,
        since: Optional[_When] = None,
        before: Optional[_When] = None,
        full_scan: bool = False,
        page_size: Optional[int] = None,
    ) -> AsyncListing[Grant]:
        """Lists grants, lazily: nothing is sent until the listing is iterated.

        Pages are fetched one at a time as the listing is walked (`for grant in ...`,
        `pages()`), or all at once by `to_list()`, `to_pandas()`, `to_polars()` and
        `to_arrow()`. The walk asks for the oldest grants first and never yields a grant
        twice, even when grants created meanwhile shift the offsets; it follows pages that
        are shorter than asked and ends only on an empty one. Each iteration is a fresh
        walk.

        Args:
            workspace_id: Only the grants of this workspace; None for every grant.
            email: Only the grant(s) with this email address.
            provider: Only grants of this provider (`nylas` for Agent Accounts, `google`,
                ...).
            grant_status: Only `"valid"` or only `"invalid"` grants.
            since: Only grants created at or after this instant: Unix seconds (an int) or
                a timezone-aware `datetime` (a fraction of a second rounds up).
            before: Only grants created at or before this instant, in the same forms (a
                fraction of a second rounds down).
            full_scan: Needs `workspace_id`: list every grant and keep those of it here instead of
                asking Nylas to filter: Nylas's filtered listing has been seen to miss
                grants created in the last minute or so, the full walk does not. It costs
                a walk over every grant of the application. Grants whose `workspace_id`
                Nylas leaves out (grants other than Agent Accounts in the default
                workspace) never match a workspace id, in either mode.
            page_size: Grants asked for per request, 1 to 200; None for 200.

        Returns:
            A `Listing` of `Grant` (an `AsyncListing` on `AsyncGrants`).

        Raises:
            InvariantError: A filter the API would refuse or that matches nothing: an
                unknown `grant_status`, an empty `email` or `provider`, `since` after
                `before`, an instant before 1970, a `page_size` outside 1 to 200, a
                `workspace_id` that is not a usable id. Raised by this call; nothing was
                sent.
            TypeError: A value of the wrong type (a bool or a string for an instant, ...).
            ValueError: `since` or `before` is a naive `datetime`.
            OverflowError: An int too large for its setting.
        """

@final
class Applications:
    """Synchronous access to `/v3/applications`: the application the API key belongs to.

    Reached as `Client.application`; not built directly.
    """

    def get(self) -> Application:
        """Fetches the application the API key belongs to.

        Returns:
            The `Application`, with its `default_workspace_id` (an awaitable of it on
            `AsyncApplications`).

        Raises:
            APIError: Nylas answered with an error status (a subclass per status).
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """

@final
class AsyncApplications:
    """Asynchronous access to `/v3/applications`: `get` returns an awaitable.

    Reached as `AsyncClient.application`; not built directly.
    """

    def get(self) -> Awaitable[Application]:
        """Fetches the application the API key belongs to.

        Returns:
            The `Application`, with its `default_workspace_id` (an awaitable of it on
            `AsyncApplications`).

        Raises:
            APIError: Nylas answered with an error status (a subclass per status).
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """

@final
class Policies:
    """Synchronous access to `/v3/policies`: the policies a workspace can point to.

    Reached as `Client.policies`; not built directly.
    """

    def get(self, policy_id: str) -> Policy:
        """Fetches one policy.

        Args:
            policy_id: The policy's id.

        Returns:
            The `Policy` (an awaitable of it on `AsyncPolicies`).

        Raises:
            InvariantError: `policy_id` is empty or not a usable id; nothing was sent.
            NotFoundError: No such policy.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def list(self) -> Listing[Policy]:
        """Lists every policy of the application, lazily: nothing is sent until the
        listing is iterated.

        Cursor pages of up to 200, fetched one at a time as the listing is walked; the
        live API's cursor on the last page is handled. Each iteration is a fresh walk.

        Returns:
            A `Listing` of `Policy` (an `AsyncListing` on `AsyncPolicies`).
        """

@final
class AsyncPolicies:
    """Asynchronous access to `/v3/policies`: `get` returns an awaitable, `list` an
    `AsyncListing` (`async for`).

    Reached as `AsyncClient.policies`; not built directly.
    """

    def get(self, policy_id: str) -> Awaitable[Policy]:
        """Fetches one policy.

        Args:
            policy_id: The policy's id.

        Returns:
            The `Policy` (an awaitable of it on `AsyncPolicies`).

        Raises:
            InvariantError: `policy_id` is empty or not a usable id; nothing was sent.
            NotFoundError: No such policy.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def list(self) -> AsyncListing[Policy]:
        """Lists every policy of the application, lazily: nothing is sent until the
        listing is iterated.

        Cursor pages of up to 200, fetched one at a time as the listing is walked; the
        live API's cursor on the last page is handled. Each iteration is a fresh walk.

        Returns:
            A `Listing` of `Policy` (an `AsyncListing` on `AsyncPolicies`).
        """

@final
class Rules:
    """Synchronous access to `/v3/rules`: the rules a workspace can list.

    Reached as `Client.rules`; not built directly.
    """

    def get(self, rule_id: str) -> Rule:
        """Fetches one rule.

        Args:
            rule_id: The rule's id.

        Returns:
            The `Rule` (an awaitable of it on `AsyncRules`).

        Raises:
            InvariantError: `rule_id` is empty or not a usable id; nothing was sent.
            NotFoundError: No such rule.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def list(self) -> Listing[Rule]:
        """Lists every rule of the application, lazily: nothing is sent until the listing
        is iterated.

        Cursor pages of up to 200, fetched one at a time as the listing is walked; both
        the documented envelope and the nested one the live API sends are understood.
        Each iteration is a fresh walk.

        Returns:
            A `Listing` of `Rule` (an `AsyncListing` on `AsyncRules`).
        """

@final
class AsyncRules:
    """Asynchronous access to `/v3/rules`: `get` returns an awaitable, `list` an
    `AsyncListing` (`async for`).

    Reached as `AsyncClient.rules`; not built directly.
    """

    def get(self, rule_id: str) -> Awaitable[Rule]:
        """Fetches one rule.

        Args:
            rule_id: The rule's id.

        Returns:
            The `Rule` (an awaitable of it on `AsyncRules`).

        Raises:
            InvariantError: `rule_id` is empty or not a usable id; nothing was sent.
            NotFoundError: No such rule.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def list(self) -> AsyncListing[Rule]:
        """Lists every rule of the application, lazily: nothing is sent until the listing
        is iterated.

        Cursor pages of up to 200, fetched one at a time as the listing is walked; both
        the documented envelope and the nested one the live API sends are understood.
        Each iteration is a fresh walk.

        Returns:
            A `Listing` of `Rule` (an `AsyncListing` on `AsyncRules`).
        """

@final
class Workspaces:
    """Synchronous access to `/v3/workspaces`: every method blocks until Nylas answers.

    Reached as `Client.workspaces`; not built directly.
    """

    def list(self) -> list[Workspace]:
        """Lists every workspace of the application, reading every page.

        Returns:
            A list of `Workspace` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            LimitExceededError: The listing is larger than the client's limit.
            APIError: Nylas answered with an error status (a subclass per status).
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def get(self, workspace_id: str) -> Workspace:
        """Fetches one workspace.

        Args:
            workspace_id: The workspace's id, or its domain.

        Returns:
            The `Workspace` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: `workspace_id` is empty, `.`, `..` or holds control characters;
                nothing was sent.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def default(self) -> Optional[Workspace]:
        """Finds the application's default workspace.

        Asks the application for its `default_workspace_id` and reads that workspace; when
        the application does not name one, looks through the list for the workspace marked
        `default`.

        Returns:
            The default `Workspace`, or None when the application has none (an awaitable of
            it on `AsyncWorkspaces`).

        Raises:
            APIError: Nylas answered with an error status (a subclass per status).
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def create(
        self,
        name: str,
        *,
        domain: Optional[str] = None,
        auto_group: Optional[bool] = None,
        policy_id: Optional[str] = None,
        rule_ids: Optional[_Ids] = None,
    ) -> Workspace:
        """Creates a workspace.

        A retried attempt never creates a second one: each call sends one idempotency key.

        Args:
            name: The workspace's name; not empty.
            domain: The email domain whose grants the workspace groups, or None.
            auto_group: Whether new grants of `domain` join the workspace by themselves
                (needs `domain`); None leaves it to Nylas.
            policy_id: The id of a policy to attach, or None.
            rule_ids: A sequence of rule ids to attach (not a single string), or None.

        Returns:
            The new `Workspace` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: A documented rule is broken (an empty name or domain, `auto_group`
                without a domain, an empty id); nothing was sent.
            TypeError: `rule_ids` is a string, or holds something other than strings.
            APIError: Nylas answered with an error status (a subclass per status).
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def update(
        self,
        workspace_id: str,
        *,
        name: Union[str, NotGiven] = NOT_GIVEN,
        auto_group: Union[bool, NotGiven] = NOT_GIVEN,
        policy_id: Union[str, None, NotGiven] = NOT_GIVEN,
        rule_ids: Union[_Ids, None, NotGiven] = NOT_GIVEN,
    ) -> Workspace:
        """Changes some fields of a workspace and leaves the others as they are.

        Called as `update(workspace_id, *, name=NOT_GIVEN, auto_group=NOT_GIVEN,
        policy_id=NOT_GIVEN, rule_ids=NOT_GIVEN)`. Each field takes three kinds of value:
        `NOT_GIVEN` (the default) keeps it and is not sent, None detaches it (`policy_id`,
        `rule_ids`), any other value sets it. (`inspect.signature` cannot show these defaults:
        CPython evaluates only literal defaults of a native method, so it raises ValueError.)

        Args:
            workspace_id: The workspace's id.
            name: The new name. Default `NOT_GIVEN`; None is refused.
            auto_group: Whether new grants of the workspace's domain join it by themselves.
                Default `NOT_GIVEN`; None is refused.
            policy_id: The policy to attach, or None to detach the current one. Default
                `NOT_GIVEN`.
            rule_ids: A sequence of rule ids replacing the current ones, or None to detach
                them all. Default `NOT_GIVEN`.

        Returns:
            The updated `Workspace` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: Nothing would change, `name` or `auto_group` targets the default
                workspace, or `auto_group=True` targets one without a domain; nothing was
                sent.
            TypeError: An unknown keyword, a value of the wrong type, or None for `name` or
                `auto_group`.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def delete(self, workspace_id: str) -> str:
        """Deletes a workspace.

        Args:
            workspace_id: The workspace's id.

        Returns:
            The request id of the deletion (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: `workspace_id` is the default workspace, which cannot be deleted,
                or is not a usable id; nothing was sent.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def auto_group(
        self,
        *,
        after_created_at: Optional[_When] = None,
        invalid_also: Optional[bool] = None,
        specific_domain: Optional[str] = None,
    ) -> AutoGroupJob:
        """Starts a background job that sorts grants into workspaces by email domain.

        Nylas allows one call per minute per application; a refused call raises
        `RateLimitError` with `retry_after` set.

        Args:
            after_created_at: Only grants created after this instant: Unix seconds (an int)
                or a timezone-aware `datetime`; None for every grant.
            invalid_also: Whether invalid grants are sorted too; None leaves it to Nylas.
            specific_domain: Only grants of this email domain; None for every domain.

        Returns:
            The started `AutoGroupJob` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: `after_created_at` is before 1970; nothing was sent.
            TypeError: `after_created_at` is neither an int nor a `datetime` (a bool is
                refused).
            ValueError: `after_created_at` is a naive `datetime`.
            RateLimitError: Called again within the minute.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def attach_rules(self, workspace_id: str, rule_ids: _Ids) -> Workspace:
        """Attaches rules to a workspace, keeping its other rules and their order.

        A read-modify-write done for you: the ids are first checked to be rules of the
        application (one listing of the rules), then the workspace is read, the new ids are
        appended after the current ones (ids already attached stay where they are), the
        list is written only if it changes, and the workspace is read back.

        Args:
            workspace_id: The workspace's id.
            rule_ids: A sequence of rule ids (not a single string), at least one.

        Returns:
            The `Workspace` as read back after the write, or as it was when nothing had to
            change (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: No id, an empty id, or ids that are not rules of the application
                (`rule == "unknown_reference"`, the message names them); nothing was changed.
            TypeError: `rule_ids` is a single string or holds something other than strings.
            ConcurrentChangeError: The workspace read back differs from what was written:
                another writer changed it at the same moment (`found` is what it now holds).
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def detach_rules(self, workspace_id: str, rule_ids: _Ids) -> Workspace:
        """Detaches rules from a workspace, keeping its other rules and their order.

        Checked, written and read back as `attach_rules` is. Ids that are rules of the
        application but not attached to the workspace are ignored.

        Args:
            workspace_id: The workspace's id.
            rule_ids: A sequence of rule ids (not a single string), at least one.

        Returns:
            The `Workspace` as read back after the write, or as it was when nothing had to
            change (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: No id, an empty id, or ids that are not rules of the application
                (`rule == "unknown_reference"`); nothing was changed.
            TypeError: `rule_ids` is a single string or holds something other than strings.
            ConcurrentChangeError: The workspace read back differs from what was written.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def set_policy(self, workspace_id: str, policy_id: Optional[str]) -> Workspace:
        """Attaches a policy to a workspace, or detaches its policy.

        The policy is first checked to be the application's (one read of it), then the
        workspace is read, written only if its policy differs, and read back.

        Args:
            workspace_id: The workspace's id.
            policy_id: The id of the policy to attach, or None to detach the current one.

        Returns:
            The `Workspace` as read back after the write, or as it was when nothing had to
            change (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: An empty id, or one that is not a policy of the application
                (`rule == "unknown_reference"`); nothing was changed.
            ConcurrentChangeError: The workspace read back shows another policy.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def manual_assign(
        self,
        workspace_id: str,
        *,
        assign_grants: Optional[_Ids] = None,
        remove_grants: Optional[_Ids] = None,
        concurrency: Optional[int] = None,
        report: Optional[_Report] = None,
    ) -> ManualAssignResult:
        """Moves grants into and out of a workspace, in chunks of at most 500 ids per list.

        Every id is accounted for, in the result or in the exception.

        Blocking (`Workspaces`): on Ctrl-C no further chunk is sent, the requests already in
        flight are given up to 30 seconds to finish, and `BulkAssignInterrupted` (a
        `KeyboardInterrupt`) is raised with what was done and what was not: pass
        `**err.retry_request()` to `manual_assign` to finish the job. A second Ctrl-C during
        that wait abandons the requests in flight and raises a plain `KeyboardInterrupt`.

        Awaitable (`AsyncWorkspaces`): cancelling the task (`task.cancel()`, a timeout,
        Ctrl-C under `asyncio.run`) drops the assignment: no further chunk is sent and the
        requests in flight are abandoned, so what they did is not reported by the exception.
        Give `report=` to keep it: the journal holds every result as it arrives, and
        `resume_manual_assign(report)` finishes the job.

        Args:
            workspace_id: The workspace the grants move into or out of; its `auto_group` must
                be off.
            assign_grants: A sequence of grant ids to move into the workspace (not a single
                string), or None.
            remove_grants: A sequence of grant ids to move out of it, or None. Together with
                `assign_grants` at least one id, and no id in both.
            concurrency: How many requests run at a time, at least 1; None for 4.
            report: A path (str or `os.PathLike`) of a journal to record the run in, created
                or truncated, written and synced before any assignment is sent and after each
                request; it survives a crash or a kill, and `resume_manual_assign(report)`
                sends exactly what it does not confirm. The format of the CLI's `--report`.
                None keeps no journal.

        Returns:
            A `ManualAssignResult` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: A documented rule is broken (no ids, an empty id, an id both
                assigned and removed, an auto-group workspace, `concurrency=0`); nothing was
                sent.
            TypeError: A list is a single string or holds something other than strings, or
                `concurrency` is not an int.
            OverflowError: `concurrency` is negative or too large.
            JournalError: `report` cannot be written; nothing was sent.
            BulkAssignError: Some chunks failed; it tells which ids moved and which did not.
            BulkAssignInterrupted: Ctrl-C stopped a blocking call (see above).
            APIError: The check of the workspace, before any chunk, got an error status.
            APIConnectionError: That check got no answer.
        """
    def resume_manual_assign(
        self, report: _Report, *, concurrency: Optional[int] = None
    ) -> ManualAssignResult:
        """Finishes a manual assignment recorded with `report=`.

        The run may have been here or in another process (also one that was killed, or the
        CLI's `--report`): the journal is read, exactly the ids it does not confirm are sent
        again (failed, never sent, or in flight when the run died; sending an id twice is
        harmless), and the same file goes on being appended to. When nothing is left,
        nothing is sent. Ctrl-C and task cancellation behave as for `manual_assign`.

        Args:
            report: The path (str or `os.PathLike`) of the journal.
            concurrency: How many requests run at a time, at least 1; None for 4.

        Returns:
            A `ManualAssignResult` covering every id of the original plan, earlier runs
            included (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            JournalError: The file is not a journal, was altered, or cannot be read or
                appended to; nothing was sent.
            InvariantError: `concurrency=0`; nothing was sent.
            TypeError: `concurrency` is not an int.
            OverflowError: `concurrency` is negative or too large.
            BulkAssignError: Some chunks failed again; it covers the whole plan.
            BulkAssignInterrupted: Ctrl-C stopped a blocking call.
        """

@final
class AsyncWorkspaces:
    """Asynchronous access to `/v3/workspaces`: every method returns an awaitable.

    Reached as `AsyncClient.workspaces`; not built directly. The methods take the same
    arguments as those of `Workspaces` and their awaitables give the same results.
    """

    def list(self) -> Awaitable[list[Workspace]]:
        """Lists every workspace of the application, reading every page.

        Returns:
            A list of `Workspace` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            LimitExceededError: The listing is larger than the client's limit.
            APIError: Nylas answered with an error status (a subclass per status).
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def get(self, workspace_id: str) -> Awaitable[Workspace]:
        """Fetches one workspace.

        Args:
            workspace_id: The workspace's id, or its domain.

        Returns:
            The `Workspace` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: `workspace_id` is empty, `.`, `..` or holds control characters;
                nothing was sent.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def default(self) -> Awaitable[Optional[Workspace]]:
        """Finds the application's default workspace.

        Asks the application for its `default_workspace_id` and reads that workspace; when
        the application does not name one, looks through the list for the workspace marked
        `default`.

        Returns:
            The default `Workspace`, or None when the application has none (an awaitable of
            it on `AsyncWorkspaces`).

        Raises:
            APIError: Nylas answered with an error status (a subclass per status).
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def create(
        self,
        name: str,
        *,
        domain: Optional[str] = None,
        auto_group: Optional[bool] = None,
        policy_id: Optional[str] = None,
        rule_ids: Optional[_Ids] = None,
    ) -> Awaitable[Workspace]:
        """Creates a workspace.

        A retried attempt never creates a second one: each call sends one idempotency key.

        Args:
            name: The workspace's name; not empty.
            domain: The email domain whose grants the workspace groups, or None.
            auto_group: Whether new grants of `domain` join the workspace by themselves
                (needs `domain`); None leaves it to Nylas.
            policy_id: The id of a policy to attach, or None.
            rule_ids: A sequence of rule ids to attach (not a single string), or None.

        Returns:
            The new `Workspace` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: A documented rule is broken (an empty name or domain, `auto_group`
                without a domain, an empty id); nothing was sent.
            TypeError: `rule_ids` is a string, or holds something other than strings.
            APIError: Nylas answered with an error status (a subclass per status).
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def update(
        self,
        workspace_id: str,
        *,
        name: Union[str, NotGiven] = NOT_GIVEN,
        auto_group: Union[bool, NotGiven] = NOT_GIVEN,
        policy_id: Union[str, None, NotGiven] = NOT_GIVEN,
        rule_ids: Union[_Ids, None, NotGiven] = NOT_GIVEN,
    ) -> Awaitable[Workspace]:
        """Changes some fields of a workspace and leaves the others as they are.

        Called as `update(workspace_id, *, name=NOT_GIVEN, auto_group=NOT_GIVEN,
        policy_id=NOT_GIVEN, rule_ids=NOT_GIVEN)`. Each field takes three kinds of value:
        `NOT_GIVEN` (the default) keeps it and is not sent, None detaches it (`policy_id`,
        `rule_ids`), any other value sets it. (`inspect.signature` cannot show these defaults:
        CPython evaluates only literal defaults of a native method, so it raises ValueError.)

        Args:
            workspace_id: The workspace's id.
            name: The new name. Default `NOT_GIVEN`; None is refused.
            auto_group: Whether new grants of the workspace's domain join it by themselves.
                Default `NOT_GIVEN`; None is refused.
            policy_id: The policy to attach, or None to detach the current one. Default
                `NOT_GIVEN`.
            rule_ids: A sequence of rule ids replacing the current ones, or None to detach
                them all. Default `NOT_GIVEN`.

        Returns:
            The updated `Workspace` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: Nothing would change, `name` or `auto_group` targets the default
                workspace, or `auto_group=True` targets one without a domain; nothing was
                sent.
            TypeError: An unknown keyword, a value of the wrong type, or None for `name` or
                `auto_group`.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def delete(self, workspace_id: str) -> Awaitable[str]:
        """Deletes a workspace.

        Args:
            workspace_id: The workspace's id.

        Returns:
            The request id of the deletion (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: `workspace_id` is the default workspace, which cannot be deleted,
                or is not a usable id; nothing was sent.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def auto_group(
        self,
        *,
        after_created_at: Optional[_When] = None,
        invalid_also: Optional[bool] = None,
        specific_domain: Optional[str] = None,
    ) -> Awaitable[AutoGroupJob]:
        """Starts a background job that sorts grants into workspaces by email domain.

        Nylas allows one call per minute per application; a refused call raises
        `RateLimitError` with `retry_after` set.

        Args:
            after_created_at: Only grants created after this instant: Unix seconds (an int)
                or a timezone-aware `datetime`; None for every grant.
            invalid_also: Whether invalid grants are sorted too; None leaves it to Nylas.
            specific_domain: Only grants of this email domain; None for every domain.

        Returns:
            The started `AutoGroupJob` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: `after_created_at` is before 1970; nothing was sent.
            TypeError: `after_created_at` is neither an int nor a `datetime` (a bool is
                refused).
            ValueError: `after_created_at` is a naive `datetime`.
            RateLimitError: Called again within the minute.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def attach_rules(self, workspace_id: str, rule_ids: _Ids) -> Awaitable[Workspace]:
        """Attaches rules to a workspace, keeping its other rules and their order.

        A read-modify-write done for you: the ids are first checked to be rules of the
        application (one listing of the rules), then the workspace is read, the new ids are
        appended after the current ones (ids already attached stay where they are), the
        list is written only if it changes, and the workspace is read back.

        Args:
            workspace_id: The workspace's id.
            rule_ids: A sequence of rule ids (not a single string), at least one.

        Returns:
            The `Workspace` as read back after the write, or as it was when nothing had to
            change (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: No id, an empty id, or ids that are not rules of the application
                (`rule == "unknown_reference"`, the message names them); nothing was changed.
            TypeError: `rule_ids` is a single string or holds something other than strings.
            ConcurrentChangeError: The workspace read back differs from what was written:
                another writer changed it at the same moment (`found` is what it now holds).
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def detach_rules(self, workspace_id: str, rule_ids: _Ids) -> Awaitable[Workspace]:
        """Detaches rules from a workspace, keeping its other rules and their order.

        Checked, written and read back as `attach_rules` is. Ids that are rules of the
        application but not attached to the workspace are ignored.

        Args:
            workspace_id: The workspace's id.
            rule_ids: A sequence of rule ids (not a single string), at least one.

        Returns:
            The `Workspace` as read back after the write, or as it was when nothing had to
            change (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: No id, an empty id, or ids that are not rules of the application
                (`rule == "unknown_reference"`); nothing was changed.
            TypeError: `rule_ids` is a single string or holds something other than strings.
            ConcurrentChangeError: The workspace read back differs from what was written.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def set_policy(self, workspace_id: str, policy_id: Optional[str]) -> Awaitable[Workspace]:
        """Attaches a policy to a workspace, or detaches its policy.

        The policy is first checked to be the application's (one read of it), then the
        workspace is read, written only if its policy differs, and read back.

        Args:
            workspace_id: The workspace's id.
            policy_id: The id of the policy to attach, or None to detach the current one.

        Returns:
            The `Workspace` as read back after the write, or as it was when nothing had to
            change (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: An empty id, or one that is not a policy of the application
                (`rule == "unknown_reference"`); nothing was changed.
            ConcurrentChangeError: The workspace read back shows another policy.
            NotFoundError: No such workspace.
            APIError: Nylas answered with another error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def manual_assign(
        self,
        workspace_id: str,
        *,
        assign_grants: Optional[_Ids] = None,
        remove_grants: Optional[_Ids] = None,
        concurrency: Optional[int] = None,
        report: Optional[_Report] = None,
    ) -> Awaitable[ManualAssignResult]:
        """Moves grants into and out of a workspace, in chunks of at most 500 ids per list.

        Every id is accounted for, in the result or in the exception.

        Blocking (`Workspaces`): on Ctrl-C no further chunk is sent, the requests already in
        flight are given up to 30 seconds to finish, and `BulkAssignInterrupted` (a
        `KeyboardInterrupt`) is raised with what was done and what was not: pass
        `**err.retry_request()` to `manual_assign` to finish the job. A second Ctrl-C during
        that wait abandons the requests in flight and raises a plain `KeyboardInterrupt`.

        Awaitable (`AsyncWorkspaces`): cancelling the task (`task.cancel()`, a timeout,
        Ctrl-C under `asyncio.run`) drops the assignment: no further chunk is sent and the
        requests in flight are abandoned, so what they did is not reported by the exception.
        Give `report=` to keep it: the journal holds every result as it arrives, and
        `resume_manual_assign(report)` finishes the job.

        Args:
            workspace_id: The workspace the grants move into or out of; its `auto_group` must
                be off.
            assign_grants: A sequence of grant ids to move into the workspace (not a single
                string), or None.
            remove_grants: A sequence of grant ids to move out of it, or None. Together with
                `assign_grants` at least one id, and no id in both.
            concurrency: How many requests run at a time, at least 1; None for 4.
            report: A path (str or `os.PathLike`) of a journal to record the run in, created
                or truncated, written and synced before any assignment is sent and after each
                request; it survives a crash or a kill, and `resume_manual_assign(report)`
                sends exactly what it does not confirm. The format of the CLI's `--report`.
                None keeps no journal.

        Returns:
            A `ManualAssignResult` (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            InvariantError: A documented rule is broken (no ids, an empty id, an id both
                assigned and removed, an auto-group workspace, `concurrency=0`); nothing was
                sent.
            TypeError: A list is a single string or holds something other than strings, or
                `concurrency` is not an int.
            OverflowError: `concurrency` is negative or too large.
            JournalError: `report` cannot be written; nothing was sent.
            BulkAssignError: Some chunks failed; it tells which ids moved and which did not.
            BulkAssignInterrupted: Ctrl-C stopped a blocking call (see above).
            APIError: The check of the workspace, before any chunk, got an error status.
            APIConnectionError: That check got no answer.
        """
    def resume_manual_assign(
        self, report: _Report, *, concurrency: Optional[int] = None
    ) -> Awaitable[ManualAssignResult]:
        """Finishes a manual assignment recorded with `report=`.

        The run may have been here or in another process (also one that was killed, or the
        CLI's `--report`): the journal is read, exactly the ids it does not confirm are sent
        again (failed, never sent, or in flight when the run died; sending an id twice is
        harmless), and the same file goes on being appended to. When nothing is left,
        nothing is sent. Ctrl-C and task cancellation behave as for `manual_assign`.

        Args:
            report: The path (str or `os.PathLike`) of the journal.
            concurrency: How many requests run at a time, at least 1; None for 4.

        Returns:
            A `ManualAssignResult` covering every id of the original plan, earlier runs
            included (an awaitable of it on `AsyncWorkspaces`).

        Raises:
            JournalError: The file is not a journal, was altered, or cannot be read or
                appended to; nothing was sent.
            InvariantError: `concurrency=0`; nothing was sent.
            TypeError: `concurrency` is not an int.
            OverflowError: `concurrency` is negative or too large.
            BulkAssignError: Some chunks failed again; it covers the whole plan.
            BulkAssignInterrupted: Ctrl-C stopped a blocking call.
        """

@final
class Client:
    """The synchronous client: calls block the calling thread, not other Python threads.

    `timeout` bounds each attempt of a request, not the call: a failed attempt is retried
    up to `max_retries` times, and before a retry the client may first wait out a
    `Retry-After` of at most `max_retry_wait` seconds. The worst case of one call is
    therefore about `(max_retries + 1) * timeout` plus up to `max_retries` such waits and
    a short backoff. Usable as a context manager (`with Client() as client:`).

    Args:
        api_key: The Nylas API key; None reads `NYLAS_API_KEY`. Never shown in a repr,
            a log or an error.
        region: The Nylas region, `"us"` or `"eu"`.
        api_uri: A base URL to use instead of the region's (also read from
            `NYLAS_API_URI`), such as an emulator's; None for the region's.
        timeout: Seconds each attempt of a request may take (not the whole call).
        max_retries: How many times a failed attempt is retried (0 never retries).
        max_retry_wait: The longest `Retry-After`, in seconds, waited out before a retry;
            a longer one is raised at once as `RateLimitError` with `retry_after` set,
            and 0 never waits.
        rate_limit: Paces every request of the client: None (no pacing), requests per
            second, or `{"rate": ..., "burst": ..., "adaptive": ...}` with `rate`
            required.

    Raises:
        ConfigurationError: No API key, an unknown region, a refused base URL or a
            number of seconds or a rate the client cannot use.
        TypeError: An argument of the wrong type (a bool for a number, ...).
        OverflowError: An int too large for its setting.
    """

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
    ) -> Client: ...
    @property
    def workspaces(self) -> Workspaces:
        """The `/v3/workspaces` operations of this client."""
    @property
    def grants(self) -> Grants:
        """The `/v3/grants` operations of this client."""
    @property
    def application(self) -> Applications:
        """The `/v3/applications` operation of this client."""
    @property
    def policies(self) -> Policies:
        """The `/v3/policies` operations of this client."""
    @property
    def rules(self) -> Rules:
        """The `/v3/rules` operations of this client."""
    def with_options(
        self,
        *,
        timeout: Union[float, NotGiven] = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        max_retry_wait: Union[float, NotGiven] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Client:
        """A client of the same class whose calls use other settings.

        It shares this client's connection pool, rate limiter, retry budget and workspace cache,
        so it is cheap to make (one per call if need be).

        Args:
            timeout: Seconds allowed per attempt; NOT_GIVEN keeps this client's value.
            max_retries: How many times a failed attempt is retried; NOT_GIVEN keeps this
                client's value.
            max_retry_wait: The longest `Retry-After`, in seconds, waited out before a retry;
                NOT_GIVEN keeps this client's value.
            extra_headers: A mapping of header names to values added to every request
                (replacing same-named ones of an earlier `with_options`), or None.

        Returns:
            A new client of the same class.

        Raises:
            ConfigurationError: A header the client sets itself (`Authorization`,
                `User-Agent`, `Idempotency-Key`, `Content-Type`, `Accept`, `Host`,
                `Content-Length`, `Transfer-Encoding`, `Connection`), an invalid header name or
                value, or a number the constructor would refuse.
            TypeError: An argument of the wrong kind.
        """
    def plan(self, path_or_dict: _Source, prune: bool = False) -> Plan:
        """Plans a workspaces file against the application: what `apply` would change.

        Sends only reads (the workspaces, policies, rules and application, and every grant
        once when the file lists grants). Changes the API would refuse are planned as
        refusals and never attempted; see the README's "Workspaces as code" for the file
        format and the rules of matching.

        Args:
            path_or_dict: The file, as a path (str or `os.PathLike`; YAML or JSON, at most
                64 MiB, `grants_file` paths relative to it), or the same content as a dict
                (`{"version": 1, "workspaces": [...]}`; `grants_file` paths relative to the
                current directory). Read and checked by this call, before anything is sent.
            prune: Also plan the deletion of every live workspace the file does not
                mention (never the default workspace).

        Returns:
            A `Plan` (an awaitable of it on `AsyncClient`).

        Raises:
            PlanFileError: The file cannot be used: unreadable, not YAML, an unknown key, a
                bad value or version, a duplicate entry, a policy or rule name that names
                nothing or several, an entry several workspaces match. `file`, `line`
                (None for a dict) and `kind` say where and what.
            TypeError: `path_or_dict` is neither a path nor a dict, or the dict holds
                values JSON cannot hold.
            APIError: Nylas answered a read with an error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def apply(self,
        path_or_dict_or_plan: Union[_Source, Plan],
        prune: bool = False,
        *,
        journal_dir: Optional[_Report] = None,
    ) -> ApplyReport:
        """Brings the application to a workspaces file, or carries out a `Plan`.

        A file or dict is planned first (as `plan` does); a `Plan` is applied as it was
        planned. A plan with a refusal is refused whole before anything is changed. The
        changes then run in plan order: creates, updates (each workspace read again first:
        one changed since the plan was made stops the run rather than being overwritten),
        grant moves (through the bulk engine, one journal per workspace in `journal_dir`),
        deletes. After a complete run the file is planned again: `report.in_sync` tells
        whether anything is left. Nothing is rolled back after a failure; applying the
        same file again finishes the job.

        Blocking (`Client`): on Ctrl-C no further step starts, a grants step sends no
        further chunk, the requests in flight are given up to 30 seconds, and
        `ApplyInterrupted` (a `KeyboardInterrupt`) is raised with the report. A second
        Ctrl-C abandons the requests in flight. Awaitable (`AsyncClient`): cancelling the
        task drops the run; give `journal_dir` to keep the record of the grant moves.

        Args:
            path_or_dict_or_plan: A path (str or `os.PathLike`) or a dict, as for `plan`,
                or a `Plan` that `plan` returned.
            prune: For a file or dict, also delete the live workspaces it does not mention
                (never the default workspace). Must stay False with a `Plan`, which keeps
                the options it was planned with.
            journal_dir: An existing folder (str or `os.PathLike`) to journal each grants
                step in (`assign-<step>-<workspace id>.jsonl`, readable by
                `resume_manual_assign`), or None for no journals.

        Returns:
            An `ApplyReport` of the complete run (an awaitable of it on `AsyncClient`).

        Raises:
            InvariantError: The plan has refusals (`rule == "plan_has_refusals"`); nothing
                was changed.
            PlanFileError: The file cannot be used (see `plan`); nothing was sent.
            ConfigurationError: `journal_dir` is not an existing folder; nothing was
                changed.
            ApplyError: The run ended early (a failure, or a concurrent change); `report`
                says what was applied and what was not, `__cause__` is the error.
            ApplyInterrupted: Ctrl-C stopped a blocking call (see above).
            TypeError: An argument of the wrong kind.
            ValueError: `prune=True` with a `Plan`.
            APIError: Nylas answered a read of the planning with an error status.
            APIConnectionError: No answer came to such a read.
        """
    def export(self, grants: bool = False) -> str:
        """Writes the application as a workspaces file that plans back to no changes.

        Every managed field is written (`policy: null`, `rules: []`), policies and rules
        by name where the name leads back to the id, else by id. Sends only reads.

        Args:
            grants: Also list the grants of every manual (not auto-grouping) workspace
                other than the default one (one walk over every grant).

        Returns:
            The file, as YAML text (an awaitable of it on `AsyncClient`).

        Raises:
            PlanFileError: No file can describe the application (`kind ==
                "not_exportable"`, e.g. two workspaces without a domain share a name).
            APIError: Nylas answered with an error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def __enter__(self) -> Client: ...
    def __exit__(
        self,
        *_exc: Union[type[BaseException], BaseException, TracebackType, None],
    ) -> bool: ...
    def close(self) -> None:
        """Closes the client.

        Releases nothing today (connections close when the client is dropped); present
        so that `with Client() as c:` and an explicit `close()` both read naturally.
        """

@final
class AsyncClient:
    """The asynchronous client: the same surface as `Client`, every call awaitable.

    The arguments mean what they mean for `Client`: `timeout` bounds each attempt, and a
    call may take about `(max_retries + 1) * timeout` plus up to `max_retries` waits of at
    most `max_retry_wait` seconds each for a `Retry-After`. Usable as an async context
    manager (`async with AsyncClient() as client:`).

    Cancelling the task of a `manual_assign` stops sending and abandons the requests in
    flight; with `report=` the journal keeps the outcome of every request that finished,
    and `resume_manual_assign(report)` finishes the job.

    Args:
        api_key: The Nylas API key; None reads `NYLAS_API_KEY`. Never shown in a repr,
            a log or an error.
        region: The Nylas region, `"us"` or `"eu"`.
        api_uri: A base URL to use instead of the region's (also read from
            `NYLAS_API_URI`), such as an emulator's; None for the region's.
        timeout: Seconds each attempt of a request may take (not the whole call).
        max_retries: How many times a failed attempt is retried (0 never retries).
        max_retry_wait: The longest `Retry-After`, in seconds, waited out before a retry;
            a longer one is raised at once as `RateLimitError` with `retry_after` set,
            and 0 never waits.
        rate_limit: Paces every request of the client: None (no pacing), requests per
            second, or `{"rate": ..., "burst": ..., "adaptive": ...}` with `rate`
            required.

    Raises:
        ConfigurationError: No API key, an unknown region, a refused base URL or a
            number of seconds or a rate the client cannot use.
        TypeError: An argument of the wrong type (a bool for a number, ...).
        OverflowError: An int too large for its setting.
    """

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
    ) -> AsyncClient: ...
    @property
    def workspaces(self) -> AsyncWorkspaces:
        """The `/v3/workspaces` operations of this client."""
    @property
    def grants(self) -> AsyncGrants:
        """The `/v3/grants` operations of this client."""
    @property
    def application(self) -> AsyncApplications:
        """The `/v3/applications` operation of this client."""
    @property
    def policies(self) -> AsyncPolicies:
        """The `/v3/policies` operations of this client."""
    @property
    def rules(self) -> AsyncRules:
        """The `/v3/rules` operations of this client."""
    def with_options(
        self,
        *,
        timeout: Union[float, NotGiven] = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        max_retry_wait: Union[float, NotGiven] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> AsyncClient:
        """A client of the same class whose calls use other settings.

        It shares this client's connection pool, rate limiter, retry budget and workspace cache,
        so it is cheap to make (one per call if need be).

        Args:
            timeout: Seconds allowed per attempt; NOT_GIVEN keeps this client's value.
            max_retries: How many times a failed attempt is retried; NOT_GIVEN keeps this
                client's value.
            max_retry_wait: The longest `Retry-After`, in seconds, waited out before a retry;
                NOT_GIVEN keeps this client's value.
            extra_headers: A mapping of header names to values added to every request
                (replacing same-named ones of an earlier `with_options`), or None.

        Returns:
            A new client of the same class.

        Raises:
            ConfigurationError: A header the client sets itself (`Authorization`,
                `User-Agent`, `Idempotency-Key`, `Content-Type`, `Accept`, `Host`,
                `Content-Length`, `Transfer-Encoding`, `Connection`), an invalid header name or
                value, or a number the constructor would refuse.
            TypeError: An argument of the wrong kind.
        """
    def plan(self, path_or_dict: _Source, prune: bool = False) -> Awaitable[Plan]:
        """Plans a workspaces file against the application: what `apply` would change.

        Sends only reads (the workspaces, policies, rules and application, and every grant
        once when the file lists grants). Changes the API would refuse are planned as
        refusals and never attempted; see the README's "Workspaces as code" for the file
        format and the rules of matching.

        Args:
            path_or_dict: The file, as a path (str or `os.PathLike`; YAML or JSON, at most
                64 MiB, `grants_file` paths relative to it), or the same content as a dict
                (`{"version": 1, "workspaces": [...]}`; `grants_file` paths relative to the
                current directory). Read and checked by this call, before anything is sent.
            prune: Also plan the deletion of every live workspace the file does not
                mention (never the default workspace).

        Returns:
            A `Plan` (an awaitable of it on `AsyncClient`).

        Raises:
            PlanFileError: The file cannot be used: unreadable, not YAML, an unknown key, a
                bad value or version, a duplicate entry, a policy or rule name that names
                nothing or several, an entry several workspaces match. `file`, `line`
                (None for a dict) and `kind` say where and what.
            TypeError: `path_or_dict` is neither a path nor a dict, or the dict holds
                values JSON cannot hold.
            APIError: Nylas answered a read with an error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def apply(self,
        path_or_dict_or_plan: Union[_Source, Plan],
        prune: bool = False,
        *,
        journal_dir: Optional[_Report] = None,
    ) -> Awaitable[ApplyReport]:
        """Brings the application to a workspaces file, or carries out a `Plan`.

        A file or dict is planned first (as `plan` does); a `Plan` is applied as it was
        planned. A plan with a refusal is refused whole before anything is changed. The
        changes then run in plan order: creates, updates (each workspace read again first:
        one changed since the plan was made stops the run rather than being overwritten),
        grant moves (through the bulk engine, one journal per workspace in `journal_dir`),
        deletes. After a complete run the file is planned again: `report.in_sync` tells
        whether anything is left. Nothing is rolled back after a failure; applying the
        same file again finishes the job.

        Blocking (`Client`): on Ctrl-C no further step starts, a grants step sends no
        further chunk, the requests in flight are given up to 30 seconds, and
        `ApplyInterrupted` (a `KeyboardInterrupt`) is raised with the report. A second
        Ctrl-C abandons the requests in flight. Awaitable (`AsyncClient`): cancelling the
        task drops the run; give `journal_dir` to keep the record of the grant moves.

        Args:
            path_or_dict_or_plan: A path (str or `os.PathLike`) or a dict, as for `plan`,
                or a `Plan` that `plan` returned.
            prune: For a file or dict, also delete the live workspaces it does not mention
                (never the default workspace). Must stay False with a `Plan`, which keeps
                the options it was planned with.
            journal_dir: An existing folder (str or `os.PathLike`) to journal each grants
                step in (`assign-<step>-<workspace id>.jsonl`, readable by
                `resume_manual_assign`), or None for no journals.

        Returns:
            An `ApplyReport` of the complete run (an awaitable of it on `AsyncClient`).

        Raises:
            InvariantError: The plan has refusals (`rule == "plan_has_refusals"`); nothing
                was changed.
            PlanFileError: The file cannot be used (see `plan`); nothing was sent.
            ConfigurationError: `journal_dir` is not an existing folder; nothing was
                changed.
            ApplyError: The run ended early (a failure, or a concurrent change); `report`
                says what was applied and what was not, `__cause__` is the error.
            ApplyInterrupted: Ctrl-C stopped a blocking call (see above).
            TypeError: An argument of the wrong kind.
            ValueError: `prune=True` with a `Plan`.
            APIError: Nylas answered a read of the planning with an error status.
            APIConnectionError: No answer came to such a read.
        """
    def export(self, grants: bool = False) -> Awaitable[str]:
        """Writes the application as a workspaces file that plans back to no changes.

        Every managed field is written (`policy: null`, `rules: []`), policies and rules
        by name where the name leads back to the id, else by id. Sends only reads.

        Args:
            grants: Also list the grants of every manual (not auto-grouping) workspace
                other than the default one (one walk over every grant).

        Returns:
            The file, as YAML text (an awaitable of it on `AsyncClient`).

        Raises:
            PlanFileError: No file can describe the application (`kind ==
                "not_exportable"`, e.g. two workspaces without a domain share a name).
            APIError: Nylas answered with an error status.
            APIConnectionError: No answer came (`APITimeoutError` when none came in time).
        """
    def __aenter__(self) -> Awaitable[AsyncClient]: ...
    def __aexit__(
        self,
        *_exc: Union[type[BaseException], BaseException, TracebackType, None],
    ) -> Awaitable[bool]: ...
    def close(self) -> Awaitable[None]:
        """Closes the client; an awaitable that does nothing, mirroring `Client.close()`.

        Returns:
            An awaitable of None.
        """

@disjoint_base
class _EmulatorServer:
    """The native emulator server; `nylas_workspaces.testing.Emulator` is its public face.

    Started when built; stopped when `close()` is called or the object is collected.

    Args:
        api_key: The key the emulator accepts.
        default_workspace: Whether the application starts with a default workspace (False
            emulates one created before default workspaces).
        latency: Seconds added to every response, zero or more.
        seed_file: A JSON file of workspaces and grants to start with, or None.

    Raises:
        ValueError: A setting out of range.
        TypeError: `latency` is not a number.
        RuntimeError: The server cannot start (no socket, no thread, a seed file that
            cannot be read or breaks a rule).
    """

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
        """The base URL to point a client at (`http://127.0.0.1:<port>`)."""
    @property
    def api_key(self) -> str:
        """The key the emulator accepts."""
    def add_grant(
        self,
        email: str,
        *,
        valid: Optional[bool] = None,
        created_at: Optional[int] = None,
        workspace_id: Optional[str] = None,
        grant_id: Optional[str] = None,
        provider: Optional[str] = None,
        name: Optional[str] = None,
        grant_status: Optional[Literal["valid", "invalid"]] = None,
        updated_at: Optional[int] = None,
    ) -> str:
        """Creates a grant.

        Args:
            email: The grant's email address; its domain decides where it is placed.
            valid: Whether the grant is valid (auto-group skips invalid ones unless asked);
                None for valid unless `grant_status` says otherwise.
            created_at: Its creation time in Unix seconds; None for the emulator's clock.
            workspace_id: The workspace to place it in; None places it as Nylas places new
                grants: an auto-group workspace of its domain, else the default.
            grant_id: The id to give it; None for a new one.
            provider: Its provider (`google`, `microsoft`, ...); None for `nylas`, an Agent
                Account.
            name: The account owner's display name; None sends none.
            grant_status: `"valid"` or `"invalid"`, the listing's words for `valid`; None
                leaves it to `valid`.
            updated_at: Its last change in Unix seconds; None for `created_at`.

        Returns:
            The grant's id.

        Raises:
            ValueError: `grant_status` is another word, or disagrees with `valid`.
            RuntimeError: The grant cannot be created as asked (for example, an unknown
                workspace or an id already taken), or the emulator has been stopped.
        """
    def grant_workspace(self, grant_id: str) -> Optional[str]:
        """Tells which workspace a grant is in.

        Args:
            grant_id: The grant's id.

        Returns:
            The workspace's id, or None (no such grant, or in no workspace).

        Raises:
            RuntimeError: The emulator has been stopped.
        """
    def grants_in(self, workspace_id: str) -> list[str]:
        """Lists the grants currently in a workspace.

        Args:
            workspace_id: The workspace's id.

        Returns:
            A list of grant ids (empty for an unknown workspace).

        Raises:
            RuntimeError: The emulator has been stopped.
        """
    def default_workspace_id(self) -> Optional[str]:
        """Tells the default workspace's id.

        Returns:
            The id, or None when the application has no default workspace.

        Raises:
            RuntimeError: The emulator has been stopped.
        """
    def add_policy(self, name: Optional[str] = None, *, policy_id: Optional[str] = None) -> str:
        """Creates a policy owned by the application.

        Args:
            name: Its name; None names it `Policy <id>`.
            policy_id: The id to give it; None for a new one. An id that exists already
                keeps the policy it names unchanged.

        Returns:
            The policy's id.

        Raises:
            ValueError: An empty name or id.
            RuntimeError: The emulator has been stopped.
        """
    def add_rule(
        self,
        name: Optional[str] = None,
        *,
        rule_id: Optional[str] = None,
        description: Optional[str] = None,
        priority: Optional[int] = None,
        enabled: Optional[bool] = None,
        trigger: Optional[Literal["inbound", "outbound"]] = None,
    ) -> str:
        """Creates a rule owned by the application.

        Args:
            name: Its name; None names it `Rule <id>`.
            rule_id: The id to give it; None for a new one. An id that exists already keeps
                the rule it names unchanged.
            description: What the rule is for; None sends none.
            priority: Its evaluation order, 0 to 1000; None for 10.
            enabled: Whether it applies; None for True.
            trigger: `"inbound"` or `"outbound"`; None for `"inbound"`.

        Returns:
            The rule's id.

        Raises:
            ValueError: An empty name or id, a priority outside 0 to 1000 or another
                trigger.
            RuntimeError: The emulator has been stopped.
        """
    @property
    def quirks(self) -> _Quirks:
        """The live quirks in force, as a dict of `set_quirks`'s keywords.

        All are off (False or None) until `set_quirks` switches them on.
        """
    def set_quirks(
        self,
        *,
        nested_rules_envelope: bool = False,
        trailing_policy_cursor: bool = False,
        page_size_cap: Optional[int] = None,
        filtered_grant_lag_secs: Optional[int] = None,
        omit_default_workspace_id: bool = False,
    ) -> None:
        """Switches the live behaviours of Nylas's listings that its reference does not
        describe, so that a client's handling of them can be tested.

        Every call sets all of them: a keyword left out switches its quirk off. To change
        one, pass the others along: `emu.set_quirks(**{**emu.quirks, "page_size_cap": 3})`.

        Args:
            nested_rules_envelope: The rules listing answers `{data: {items, next_cursor}}`
                instead of `{data: [...], next_cursor}`.
            trailing_policy_cursor: The policies listing sends a `next_cursor` on its last
                page too, and ends with an empty page.
            page_size_cap: The most items any listing returns per page, whatever was asked
                (at least 1); None for no cap.
            filtered_grant_lag_secs: Grants created within this many seconds (by the
                emulator's clock) are missing from grant listings filtered by
                `workspace_id`; None for no lag.
            omit_default_workspace_id: Grants of the default workspace whose provider is not
                `nylas` come back without `workspace_id`.

        Raises:
            ValueError: `page_size_cap=0`.
            TypeError: A value of the wrong type.
            OverflowError: A negative number.
            RuntimeError: The emulator has been stopped.
        """
    def set_clock(self, unix_secs: int) -> None:
        """Moves the emulator's clock to an instant; it stays there until moved again.

        Args:
            unix_secs: The instant, in Unix seconds.

        Raises:
            RuntimeError: The emulator has been stopped.
        """
    def now(self) -> int:
        """Tells the emulator's current time.

        Returns:
            The time, in Unix seconds.

        Raises:
            RuntimeError: The emulator has been stopped.
        """
    def calls(self, operation: str) -> int:
        """Counts the requests that reached an operation.

        Args:
            operation: An operationId of the API, such as `get-workspace`.

        Returns:
            How many requests reached it.

        Raises:
            ValueError: An unknown operation.
            RuntimeError: The emulator has been stopped.
        """
    def set_latency(self, seconds: float) -> None:
        """Delays every response from now on.

        Args:
            seconds: The delay, zero or more.

        Raises:
            ValueError: A negative or too long delay.
            TypeError: Not a number.
            RuntimeError: The emulator has been stopped.
        """
    def set_retry_after(self, seconds: int) -> None:
        """Sets the `Retry-After` sent with injected `too_many_requests` faults from now on.

        Args:
            seconds: Whole seconds (1 until this is called).

        Raises:
            TypeError: Not an int.
            OverflowError: Negative or too large.
            RuntimeError: The emulator has been stopped.
        """
    def fail_next(
        self, operation: str, count: int = 1, fault: str = "internal_server_error"
    ) -> None:
        """Makes the next calls to an operation fail.

        Args:
            operation: An operationId of the API, such as `get-workspace`.
            count: How many calls fail.
            fault: `too_many_requests`, `internal_server_error`, `bad_gateway`,
                `service_unavailable` or `connection_reset`.

        Raises:
            ValueError: An unknown operation or fault.
            RuntimeError: The emulator has been stopped.
        """
    def advance_clock(self, seconds: float) -> None:
        """Moves the emulator's clock forward.

        The clock is frozen first if it followed the system clock; what is created
        afterwards is stamped with the new time.

        Args:
            seconds: How far, zero or more.

        Raises:
            ValueError: A negative or too long step.
            TypeError: Not a number.
            RuntimeError: The emulator has been stopped.
        """
    def close(self) -> None:
        """Stops the server; later calls raise RuntimeError, and closing again does nothing."""

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
