"""``Listing`` and ``AsyncListing`` over a fake pager: laziness, fresh walks, frames.

No native code and no server: a pager here is a Python object whose ``next_page()`` hands
out scripted pages and counts the calls, so these tests pin what the Python layer promises
(nothing fetched before iteration, one call per page, a fresh walk per iteration, frames
with declared columns and dtypes, a clear ImportError per missing library) on its own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from dataclasses import dataclass
from typing import Any, Callable, Optional

import pytest

import nylas_workspaces as nw

UTC = dt.timezone.utc


@dataclass(frozen=True)
class FakeGrant:
    grant_id: str
    email: Optional[str] = None
    name: Optional[str] = None
    provider: Optional[str] = "nylas"
    grant_status: Optional[str] = "valid"
    workspace_id: Optional[str] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class FakeRule:
    rule_id: str
    name: str = ""
    description: Optional[str] = None
    priority: Optional[int] = None
    enabled: Optional[bool] = None
    trigger: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


class FakePager:
    """Hands out ``pages`` one per call, then None; ``fail_at`` raises instead."""

    def __init__(self, source: "Source") -> None:
        self.source = source
        self.at = 0

    def next_page(self) -> Optional[list[Any]]:
        self.source.calls += 1
        if self.source.fail_at == self.at:
            raise nw.InternalServerError("boom", status=500)
        if self.at >= len(self.source.pages):
            return None
        page = self.source.make(self.at)
        self.at += 1
        return page


class AsyncFakePager(FakePager):
    async def next_page(self) -> Optional[list[Any]]:  # type: ignore[override]
        await asyncio.sleep(0)
        return FakePager.next_page(self)


class Source:
    """Opens fake pagers over the same pages and counts what was done."""

    def __init__(self, pages: list[list[Any]], *, fail_at: Optional[int] = None,
                 make: Optional[Callable[[int], list[Any]]] = None) -> None:
        self.pages = pages
        self.fail_at = fail_at
        self.opened = 0
        self.calls = 0
        self.make = make or (lambda i: list(self.pages[i]))

    def open(self) -> FakePager:
        self.opened += 1
        return FakePager(self)

    def open_async(self) -> AsyncFakePager:
        self.opened += 1
        return AsyncFakePager(self)


def grants(n: int, start: int = 0, **kw: Any) -> list[FakeGrant]:
    return [FakeGrant(f"g-{i}", email=f"u{i}@x.com", **kw) for i in range(start, start + n)]


def test_nothing_is_fetched_until_iterated_and_each_page_is_one_call() -> None:
    src = Source([grants(2), grants(2, 2)])
    listing = nw.Listing(src.open, "grant")
    it = iter(listing)
    assert (src.opened, src.calls) == (0, 0)
    assert next(it).grant_id == "g-0"
    assert (src.opened, src.calls) == (1, 1)
    assert next(it).grant_id == "g-1"
    assert src.calls == 1, "the second item comes from the page already fetched"
    assert [g.grant_id for g in it] == ["g-2", "g-3"]
    assert src.calls == 3  # two pages and the None that ends the walk
    assert repr(listing) == "Listing(grant)"


def test_every_iteration_is_a_fresh_walk() -> None:
    src = Source([grants(3)])
    listing = nw.Listing(src.open, "grant")
    first = [g.grant_id for g in listing]
    second = listing.to_list()
    assert [g.grant_id for g in second] == first == ["g-0", "g-1", "g-2"]
    assert src.opened == 2
    # An abandoned walk does not disturb the next one.
    next(iter(listing))
    assert len(listing.to_list()) == 3


def test_pages_skip_empty_ones_and_an_error_is_raised_where_it_was_met() -> None:
    src = Source([grants(2), [], grants(1, 2)])
    assert [len(p) for p in nw.Listing(src.open, "grant").pages()] == [2, 1]
    failing = Source([grants(2), grants(2, 2)], fail_at=1)
    seen: list[str] = []
    with pytest.raises(nw.InternalServerError):
        for g in nw.Listing(failing.open, "grant"):
            seen.append(g.grant_id)
    assert seen == ["g-0", "g-1"]


def test_an_unknown_schema_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="no columns"):
        nw.Listing(Source([]).open, "gadget")
    with pytest.raises(ValueError, match="no columns"):
        nw.AsyncListing(Source([]).open_async, "gadget")


# ----- frames ----------------------------------------------------------------------------------

T0 = 1_700_000_000


def sample() -> Source:
    return Source([[FakeGrant("g-1", email="a@x.com", workspace_id="ws-1", created_at=T0,
                              updated_at=T0 + 60),
                    FakeGrant("g-2", provider=None, grant_status=None, created_at=None)]])


def test_to_pandas_declares_nullable_dtypes_and_utc_timestamps() -> None:
    pd = pytest.importorskip("pandas")
    df = nw.Listing(sample().open, "grant").to_pandas()
    assert list(df.columns) == ["grant_id", "email", "name", "provider", "grant_status",
                                "workspace_id", "created_at", "updated_at"]
    assert str(df["grant_id"].dtype) == "string" and str(df["name"].dtype) == "string"
    assert str(df["created_at"].dtype) == "datetime64[us, UTC]"
    assert df["created_at"][0] == pd.Timestamp(T0, unit="s", tz="UTC")
    assert df["created_at"][0].to_pydatetime() == dt.datetime.fromtimestamp(T0, UTC)
    assert df["updated_at"][0] - df["created_at"][0] == pd.Timedelta(seconds=60)
    assert pd.isna(df["created_at"][1]) and pd.isna(df["provider"][1])

    empty = nw.Listing(Source([]).open, "grant").to_pandas()
    assert len(empty) == 0
    assert dict(empty.dtypes.astype(str)) == dict(df.dtypes.astype(str))

    rules = nw.Listing(Source([[FakeRule("r-1", "Block", priority=3, enabled=True),
                                FakeRule("r-2")]]).open, "rule").to_pandas()
    assert str(rules["priority"].dtype) == "Int64" and str(rules["enabled"].dtype) == "boolean"
    assert rules["priority"][0] == 3 and pd.isna(rules["priority"][1])


def test_to_polars_declares_dtypes_and_utc_timestamps() -> None:
    pl = pytest.importorskip("polars")
    df = nw.Listing(sample().open, "grant").to_polars()
    assert df.schema["grant_id"] == pl.String
    assert df.schema["created_at"] == pl.Datetime("us", "UTC")
    assert df["created_at"][0] == dt.datetime.fromtimestamp(T0, UTC)
    assert df["created_at"][1] is None
    empty = nw.Listing(Source([]).open, "grant").to_polars()
    assert empty.height == 0 and empty.schema == df.schema
    rules = nw.Listing(Source([[FakeRule("r-1", priority=3, enabled=False)]]).open,
                       "rule").to_polars()
    assert rules.schema["priority"] == pl.Int64 and rules.schema["enabled"] == pl.Boolean


def test_to_arrow_declares_types_and_utc_timestamps() -> None:
    pa = pytest.importorskip("pyarrow")
    table = nw.Listing(sample().open, "grant").to_arrow()
    assert table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("email").type == pa.string()
    assert table.column("created_at")[0].as_py() == dt.datetime.fromtimestamp(T0, UTC)
    assert table.column("created_at")[1].as_py() is None
    empty = nw.Listing(Source([]).open, "grant").to_arrow()
    assert empty.num_rows == 0 and empty.schema == table.schema
    policies = nw.Listing(Source([]).open, "policy").to_arrow()
    assert policies.schema.names == ["policy_id", "name", "application_id", "created_at",
                                     "updated_at"]


@pytest.mark.parametrize("method", ["to_pandas", "to_polars", "to_arrow"])
@pytest.mark.parametrize("seconds, error", [(253_402_300_800, ValueError),
                                            (-62_135_596_801, ValueError),
                                            (True, TypeError)])
def test_impossible_timestamps_are_refused_not_wrapped(method: str, seconds: Any,
                                                       error: type[Exception]) -> None:
    pytest.importorskip({"to_pandas": "pandas", "to_polars": "polars",
                         "to_arrow": "pyarrow"}[method])
    src = Source([[FakeGrant("g-1", created_at=seconds)]])
    with pytest.raises(error, match="created_at"):
        getattr(nw.Listing(src.open, "grant"), method)()


@pytest.mark.parametrize("method, library, extra", [
    ("to_pandas", "pandas", "pandas"),
    ("to_polars", "polars", "polars"),
    ("to_arrow", "pyarrow", "pyarrow"),
])
def test_a_missing_library_names_its_extra_before_anything_is_fetched(
        monkeypatch: pytest.MonkeyPatch, method: str, library: str, extra: str) -> None:
    monkeypatch.setitem(sys.modules, library, None)  # `import library` now fails
    src = Source([grants(1)])
    with pytest.raises(ImportError, match=rf"pip install 'nylas-workspaces\[{extra}\]'"):
        getattr(nw.Listing(src.open, "grant"), method)()
    with pytest.raises(ImportError, match=rf"nylas-workspaces\[{extra}\]"):
        asyncio.run(getattr(nw.AsyncListing(src.open_async, "grant"), method)())
    assert src.opened == 0, "the library is checked before any page is asked for"
    # The other two libraries still work without it.
    for other in {"to_pandas", "to_polars", "to_arrow"} - {method}:
        lib = {"to_pandas": "pandas", "to_polars": "polars", "to_arrow": "pyarrow"}[other]
        if sys.modules.get(lib, 0) is None:
            continue
        pytest.importorskip(lib)
        assert len(getattr(nw.Listing(src.open, "grant"), other)()) == 1


def test_a_large_listing_is_gathered_by_column_with_one_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    pd = pytest.importorskip("pandas")
    page, count = 1000, 100
    src = Source([[]] * count, make=lambda i: grants(page, i * page, created_at=T0 + i))
    frames = []
    real = pd.DataFrame

    def counting(*args: Any, **kwargs: Any) -> Any:
        frames.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pd, "DataFrame", counting)
    monkeypatch.setattr(pd, "concat", lambda *a, **k: pytest.fail("no per-page frames"))
    df = nw.Listing(src.open, "grant").to_pandas()
    assert len(df) == page * count and df["grant_id"].is_unique
    assert len(frames) == 1
    assert src.calls == count + 1
    assert df["created_at"].iloc[-1] == pd.Timestamp(T0 + count - 1, unit="s", tz="UTC")


# ----- async -----------------------------------------------------------------------------------


def test_async_listing_is_lazy_fresh_per_walk_and_builds_frames() -> None:
    async def main() -> None:
        src = Source([grants(2), grants(1, 2)])
        listing = nw.AsyncListing(src.open_async, "grant")
        it = listing.__aiter__()
        assert src.opened == 0
        first = await it.__anext__()
        assert first.grant_id == "g-0" and src.calls == 1
        assert [g.grant_id async for g in listing] == ["g-0", "g-1", "g-2"]
        assert [len(p) async for p in listing.pages()] == [2, 1]
        assert len(await listing.to_list()) == 3
        assert src.opened == 4
        assert repr(listing) == "AsyncListing(grant)"
        failing = Source([grants(1), grants(1)], fail_at=1)
        with pytest.raises(nw.InternalServerError):
            await nw.AsyncListing(failing.open_async, "grant").to_list()
        for method in ("to_pandas", "to_polars", "to_arrow"):
            frame = await getattr(listing, method)()
            assert len(frame) == 3

    asyncio.run(main())
