"""Columns read as the driver gives them, converted once per distinct text (bulk readers).

SQLAlchemy converts every fetched value through its type's result processor: on SQLite each
date and timestamp is parsed from its text and each JSON text decoded, row after row, although
a matching run's 100k lines share a few hundred dates and '[]', and an export's rows share one
``matched_at`` per bulk write. `raw(column)` selects a column without that processing and
`converter(column, dialect, then)` converts a raw value as the type would, then applies `then`
(e.g. ``isoformat``), remembering the result per distinct text; other values (PostgreSQL's
driver gives dates and JSON as objects) go through each time. Equal texts give the same object:
readers must not change what they get.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.types import NullType

__all__ = ["converter", "raw"]

_RAW = NullType()  # no result processor: the driver's value


def raw(column: Any) -> Any:
    """`column` in a select, fetched as the driver gives it (same SQL, no cast)."""
    return type_coerce(column, _RAW)


def converter(
    column: Any, dialect: Dialect, then: Callable[[Any], Any] | None = None
) -> Callable[[Any], Any]:
    """Raw value of `column` -> what its type gives, through `then` (None stays None)."""
    proc = column.type.dialect_impl(dialect).result_processor(dialect, None)

    def compute(value: Any) -> Any:
        if proc is not None:
            value = proc(value)
        return value if then is None or value is None else then(value)

    if proc is None and then is None:
        return lambda value: value
    memo: dict[str, Any] = {}

    def convert(value: Any) -> Any:
        if type(value) is not str:
            return compute(value)
        try:
            return memo[value]
        except KeyError:
            out = memo[value] = compute(value)
            return out

    return convert
