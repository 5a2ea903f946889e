"""``NOT_GIVEN``: tells an omitted argument apart from an explicit ``None``.

In ``update()``, ``NOT_GIVEN`` keeps the current value (the field is not sent), ``None``
detaches it (``null`` is sent), and any other value sets it.
"""

from __future__ import annotations

from typing import Final, Literal, TypeVar, Union

__all__ = ["NOT_GIVEN", "NotGiven", "NotGivenOr"]


class NotGiven:
    """The type of :data:`NOT_GIVEN`; there is only ever one instance."""

    _instance: "NotGiven | None" = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

_T = TypeVar("_T")
NotGivenOr = Union[_T, NotGiven]
