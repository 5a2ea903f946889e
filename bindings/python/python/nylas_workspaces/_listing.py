"""Lazy listings: :class:`Listing` (blocking) and :class:`AsyncListing` (awaitable), what
``client.grants.list()``, ``client.policies.list()`` and ``client.rules.list()`` return.

A listing wraps a *pager*: an object whose ``next_page()`` fetches the next page (one call
into the native module per page, with the GIL released while it waits) and returns its
items, or None at the end. The paging rules themselves (offsets that advance by what came
back, cursors, the quirks of the live API, never yielding a grant twice) are the Rust
crate's; this module only turns pages into Python's iteration protocols and frames.

Nothing is sent until a listing is iterated. **Every iteration is a fresh walk**: iterating
a listing twice, or calling ``to_list()`` after a ``for`` loop, lists again from the start
and sends the requests again (the second walk sees changes made in between). That is why a
listing takes a function that opens a pager rather than a pager: keep ``to_list()``'s result
when the items are needed twice.
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    AsyncIterator,
    Awaitable,
    Callable,
    Generic,
    Iterator,
    Optional,
    Protocol,
    TypeVar,
)

from . import _frames

if TYPE_CHECKING:
    import pandas as _pandas  # type: ignore[import-untyped, import-not-found, unused-ignore]
    import polars as _polars  # type: ignore[import-not-found, unused-ignore]
    import pyarrow as _pyarrow  # type: ignore[import-untyped, import-not-found, unused-ignore]

__all__ = ["AsyncListing", "AsyncPager", "Listing", "Pager"]

T = TypeVar("T")


class Pager(Protocol[T]):
    """What a :class:`Listing` walks: one page per call."""

    def next_page(self) -> Optional[list[T]]:
        """Fetches the next page.

        Returns:
            Its items, or None when the listing has ended.
        """


class AsyncPager(Protocol[T]):
    """What an :class:`AsyncListing` walks: one awaitable page per call."""

    def next_page(self) -> Awaitable[Optional[list[T]]]:
        """Fetches the next page.

        Returns:
            An awaitable of its items, or of None when the listing has ended.
        """


class Listing(Generic[T]):
    """A lazy listing, fetched page by page as it is iterated.

    ``for item in listing`` streams (one page in memory at a time); ``pages()`` gives whole
    pages; ``to_list()``, ``to_pandas()``, ``to_polars()`` and ``to_arrow()`` walk it all.
    Each of these is a fresh walk from the start, sending the requests again. An error
    (``APIError``, ``APIConnectionError``, ...) is raised by the iteration that met it.

    Built by the client's ``list()`` methods; building one by hand is for tests and
    adapters.
    """

    def __init__(self, open_pager: Callable[[], Pager[T]], schema: str) -> None:
        """Wraps a source of pagers; nothing is fetched yet.

        Args:
            open_pager: A function returning a new pager, called once per walk.
            schema: The model's name, which fixes the frames' columns: ``"grant"``,
                ``"policy"`` or ``"rule"``.

        Raises:
            ValueError: An unknown ``schema``.
        """
        if schema not in _frames.SCHEMAS:
            raise ValueError(f"no columns are declared for {schema!r}")
        self._open = open_pager
        self._schema = schema

    def __repr__(self) -> str:
        return f"Listing({self._schema})"

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page

    def pages(self) -> Iterator[list[T]]:
        """Walks the listing a page at a time.

        Returns:
            An iterator of lists of items (one request each; nothing is sent before the
            first ``next()``).
        """
        pager: Optional[Pager[T]] = None
        while True:
            if pager is None:
                pager = self._open()
            page = pager.next_page()
            if page is None:
                return
            if page:
                yield page

    def to_list(self) -> list[T]:
        """Walks the whole listing into a list.

        Returns:
            Every item, in the listing's order.
        """
        items: list[T] = []
        for page in self.pages():
            items.extend(page)
        return items

    def _columns(self) -> _frames.Columns:
        columns = _frames.Columns(self._schema)
        for page in self.pages():
            columns.add(page)
        return columns

    def to_pandas(self) -> "_pandas.DataFrame":
        """Walks the whole listing into a pandas DataFrame.

        The columns are the model's ``to_dict()`` fields, with nullable dtypes (``string``,
        ``Int64``, ``boolean``); ``created_at`` and ``updated_at`` are
        ``datetime64[us, UTC]``. An empty listing gives an empty frame with these columns.

        Returns:
            A ``pandas.DataFrame``.

        Raises:
            ImportError: pandas is not installed (``pip install 'nylas-workspaces[pandas]'``);
                checked before anything is sent.
            ValueError: A timestamp outside the years 1 to 9999.
        """
        pd = _frames.require("pandas", "to_pandas")
        return self._columns().to_pandas(pd)

    def to_polars(self) -> "_polars.DataFrame":
        """Walks the whole listing into a polars DataFrame.

        The columns are the model's ``to_dict()`` fields (``String``, ``Int64``,
        ``Boolean``); ``created_at`` and ``updated_at`` are ``Datetime("us", "UTC")``.

        Returns:
            A ``polars.DataFrame``.

        Raises:
            ImportError: polars is not installed (``pip install 'nylas-workspaces[polars]'``);
                checked before anything is sent.
            ValueError: A timestamp outside the years 1 to 9999.
        """
        pl = _frames.require("polars", "to_polars")
        frame: _polars.DataFrame = self._columns().to_polars(pl)
        return frame

    def to_arrow(self) -> "_pyarrow.Table":
        """Walks the whole listing into a pyarrow Table.

        The columns are the model's ``to_dict()`` fields (``string``, ``int64``, ``bool``);
        ``created_at`` and ``updated_at`` are ``timestamp[us, tz=UTC]``.

        Returns:
            A ``pyarrow.Table``.

        Raises:
            ImportError: pyarrow is not installed
                (``pip install 'nylas-workspaces[pyarrow]'``); checked before anything is
                sent.
            ValueError: A timestamp outside the years 1 to 9999.
        """
        pa = _frames.require("pyarrow", "to_arrow")
        return self._columns().to_arrow(pa)


class AsyncListing(Generic[T]):
    """A lazy listing for ``asyncio``, fetched page by page as it is iterated.

    ``async for item in listing`` streams; ``pages()`` gives whole pages; ``await
    listing.to_list()``, ``to_pandas()``, ``to_polars()`` and ``to_arrow()`` walk it all.
    Each of these is a fresh walk from the start, sending the requests again.

    Built by the client's ``list()`` methods; building one by hand is for tests and
    adapters.
    """

    def __init__(self, open_pager: Callable[[], AsyncPager[T]], schema: str) -> None:
        """Wraps a source of pagers; nothing is fetched yet.

        Args:
            open_pager: A function returning a new pager, called once per walk.
            schema: The model's name, which fixes the frames' columns: ``"grant"``,
                ``"policy"`` or ``"rule"``.

        Raises:
            ValueError: An unknown ``schema``.
        """
        if schema not in _frames.SCHEMAS:
            raise ValueError(f"no columns are declared for {schema!r}")
        self._open = open_pager
        self._schema = schema

    def __repr__(self) -> str:
        return f"AsyncListing({self._schema})"

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def pages(self) -> AsyncIterator[list[T]]:
        """Walks the listing a page at a time.

        Returns:
            An async iterator of lists of items (one request each; nothing is sent before
            the first ``anext()``).
        """
        pager: Optional[AsyncPager[T]] = None
        while True:
            if pager is None:
                pager = self._open()
            page = await pager.next_page()
            if page is None:
                return
            if page:
                yield page

    async def to_list(self) -> list[T]:
        """Walks the whole listing into a list.

        Returns:
            Every item, in the listing's order.
        """
        items: list[T] = []
        async for page in self.pages():
            items.extend(page)
        return items

    async def _columns(self) -> _frames.Columns:
        columns = _frames.Columns(self._schema)
        async for page in self.pages():
            columns.add(page)
        return columns

    async def to_pandas(self) -> "_pandas.DataFrame":
        """Walks the whole listing into a pandas DataFrame (see ``Listing.to_pandas``).

        Returns:
            A ``pandas.DataFrame``.

        Raises:
            ImportError: pandas is not installed (``pip install 'nylas-workspaces[pandas]'``);
                checked before anything is sent.
            ValueError: A timestamp outside the years 1 to 9999.
        """
        pd = _frames.require("pandas", "to_pandas")
        return (await self._columns()).to_pandas(pd)

    async def to_polars(self) -> "_polars.DataFrame":
        """Walks the whole listing into a polars DataFrame (see ``Listing.to_polars``).

        Returns:
            A ``polars.DataFrame``.

        Raises:
            ImportError: polars is not installed (``pip install 'nylas-workspaces[polars]'``);
                checked before anything is sent.
            ValueError: A timestamp outside the years 1 to 9999.
        """
        pl = _frames.require("polars", "to_polars")
        frame: _polars.DataFrame = (await self._columns()).to_polars(pl)
        return frame

    async def to_arrow(self) -> "_pyarrow.Table":
        """Walks the whole listing into a pyarrow Table (see ``Listing.to_arrow``).

        Returns:
            A ``pyarrow.Table``.

        Raises:
            ImportError: pyarrow is not installed
                (``pip install 'nylas-workspaces[pyarrow]'``); checked before anything is
                sent.
            ValueError: A timestamp outside the years 1 to 9999.
        """
        pa = _frames.require("pyarrow", "to_arrow")
        return (await self._columns()).to_arrow(pa)

