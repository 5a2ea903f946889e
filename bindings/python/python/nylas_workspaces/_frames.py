"""Dataframes from listings: the declared columns of each model, and their pandas, polars and
pyarrow forms.

Kept apart from ``_listing`` (which only pages) so that the type rules live in one place.
Every model has a fixed list of columns with a declared type, so a frame has the same
columns and dtypes whether the listing held a million items or none, and a column that is
None everywhere is still a string or timestamp column, not "object" or "null". The items
are gathered into one Python list per column, page by page, and each column is converted
once at the end: no per-row frame is ever built. ``created_at`` and ``updated_at`` (Unix
seconds) become timezone-aware UTC timestamps of microsecond resolution.

pandas, polars and pyarrow are optional: each is imported only when its ``to_*`` method is
called, and a missing one raises ``ImportError`` naming the extra that installs it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Iterable, Mapping, Sequence

__all__ = ["Columns", "SCHEMAS", "require"]

# The kinds of column.
STR = "str"
INT = "int"
BOOL = "bool"
TIME = "time"

# The columns of each model, in order, as `to_dict()` names them.
SCHEMAS: Mapping[str, Sequence[tuple[str, str]]] = {
    "grant": (
        ("grant_id", STR), ("email", STR), ("name", STR), ("provider", STR),
        ("grant_status", STR), ("workspace_id", STR), ("created_at", TIME),
        ("updated_at", TIME),
    ),
    "policy": (
        ("policy_id", STR), ("name", STR), ("application_id", STR), ("created_at", TIME),
        ("updated_at", TIME),
    ),
    "rule": (
        ("rule_id", STR), ("name", STR), ("description", STR), ("priority", INT),
        ("enabled", BOOL), ("trigger", STR),
    ),
}

# What `pip install 'nylas-workspaces[EXTRA]'` installs each library under.
EXTRAS = {"pandas": "pandas", "polars": "polars", "pyarrow": "pyarrow"}

# The instants a timestamp column holds: years 1 to 9999, as Python's datetime does. A
# server sending seconds outside them is broken; saying so beats a wrapped or clipped time.
MIN_SECONDS = -62_135_596_800
MAX_SECONDS = 253_402_300_799
MICROS = 1_000_000


def require(library: str, method: str) -> ModuleType:
    """Imports an optional dataframe library, or explains how to install it.

    Args:
        library: ``"pandas"``, ``"polars"`` or ``"pyarrow"``.
        method: The method that needs it, for the message (``"to_pandas"``).

    Returns:
        The imported module.

    Raises:
        ImportError: The library is not installed (or fails to import); the message names
            the extra to install.
    """
    try:
        return importlib.import_module(library)
    except ImportError as err:
        extra = EXTRAS[library]
        raise ImportError(
            f"{method}() needs {library}, which could not be imported ({err}); install it "
            f"with: pip install 'nylas-workspaces[{extra}]'"
        ) from err


class Columns:
    """The items of a listing gathered column by column, then turned into a frame.

    Args:
        schema: The model's name in ``SCHEMAS`` (``"grant"``, ``"policy"``, ``"rule"``).

    Raises:
        ValueError: An unknown model.
    """

    def __init__(self, schema: str) -> None:
        if schema not in SCHEMAS:
            raise ValueError(f"no columns are declared for {schema!r} (known: {sorted(SCHEMAS)})")
        self.schema = schema
        self.kinds = dict(SCHEMAS[schema])
        self.values: dict[str, list[Any]] = {name: [] for name in self.kinds}

    def add(self, items: Iterable[Any]) -> None:
        """Adds the items of one page.

        Args:
            items: Objects with a ``to_dict()`` holding (at least) the model's columns; a
                missing key is None.
        """
        columns = list(self.values.items())
        for item in items:
            row = item.to_dict()
            for name, values in columns:
                values.append(row.get(name))

    def _micros(self, name: str) -> list[Any]:
        """A timestamp column in microseconds (None kept), each value checked."""
        out: list[Any] = []
        for value in self.values[name]:
            if value is None:
                out.append(None)
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{self.schema} column {name!r} holds {value!r}, not Unix seconds")
            if not MIN_SECONDS <= value <= MAX_SECONDS:
                raise ValueError(
                    f"{self.schema} column {name!r} holds {value} Unix seconds, outside the "
                    "years 1 to 9999 a timestamp column can hold"
                )
            out.append(value * MICROS)
        return out

    def to_pandas(self, pd: ModuleType) -> Any:
        """Builds a ``pandas.DataFrame``: ``string``, ``Int64`` and ``boolean`` columns
        (nullable) and ``datetime64[us, UTC]`` timestamps.

        Args:
            pd: The pandas module.

        Returns:
            The frame.
        """
        import numpy as np  # a dependency of pandas

        data: dict[str, Any] = {}
        for name, kind in self.kinds.items():
            if kind == TIME:
                micros = self._micros(name)
                nat = np.iinfo(np.int64).min  # NaT's representation
                raw = np.array([nat if v is None else v for v in micros], dtype=np.int64)
                data[name] = pd.Series(raw.view("datetime64[us]")).dt.tz_localize("UTC")
            else:
                dtype = {STR: "string", INT: "Int64", BOOL: "boolean"}[kind]
                data[name] = pd.Series(self.values[name], dtype=dtype)
        return pd.DataFrame(data, columns=list(self.kinds))

    def to_polars(self, pl: ModuleType) -> Any:
        """Builds a ``polars.DataFrame``: ``String``, ``Int64`` and ``Boolean`` columns and
        ``Datetime("us", "UTC")`` timestamps.

        Args:
            pl: The polars module.

        Returns:
            The frame.
        """
        series = []
        for name, kind in self.kinds.items():
            if kind == TIME:
                ints = pl.Series(name, self._micros(name), dtype=pl.Int64)
                series.append(ints.cast(pl.Datetime("us")).dt.replace_time_zone("UTC"))
            else:
                dtype = {STR: pl.String, INT: pl.Int64, BOOL: pl.Boolean}[kind]
                series.append(pl.Series(name, self.values[name], dtype=dtype))
        return pl.DataFrame(series)

    def to_arrow(self, pa: ModuleType) -> Any:
        """Builds a ``pyarrow.Table``: ``string``, ``int64`` and ``bool`` columns and
        ``timestamp[us, tz=UTC]`` timestamps.

        Args:
            pa: The pyarrow module.

        Returns:
            The table.
        """
        types = {STR: pa.string(), INT: pa.int64(), BOOL: pa.bool_(),
                 TIME: pa.timestamp("us", tz="UTC")}
        arrays = []
        for name, kind in self.kinds.items():
            values = self._micros(name) if kind == TIME else self.values[name]
            arrays.append(pa.array(values, type=types[kind]))
        schema = pa.schema([(name, types[kind]) for name, kind in self.kinds.items()])
        return pa.Table.from_arrays(arrays, schema=schema)
