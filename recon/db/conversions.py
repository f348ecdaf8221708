"""Values between the bulk paths and the driver, each conversion made once, not per row.

Writing (`json_processor`): SQLAlchemy's JSON bind processor calls ``json.dumps`` per value,
which builds a new C encoder every call; a bulk write of matches and audit rows serialises
hundreds of thousands of small lists and dicts, and that set-up is a third of it. The processor
here writes the same text with one encoder made once (the encoder ``json.dumps`` itself uses,
with its default settings); None when the column's own processor must stay (not a JSON column,
a custom serializer, a dialect whose driver wraps the value, no C encoder).

Reading (`raw`, `converter`): SQLAlchemy converts every fetched value through its type's result
processor: on SQLite each date and timestamp is parsed from its text and each JSON text decoded,
row after row, although a matching run's 100k lines share a few hundred dates and '[]', and an
export's rows share one ``matched_at`` per bulk write. `raw(column)` selects a column without
that processing and `converter(column, dialect, then)` converts a raw value as the type would,
then applies `then` (e.g. ``isoformat``), remembering the result per distinct text; other values
(PostgreSQL's driver gives dates and JSON as objects) go through each time. Equal texts give the
same object: readers must not change what they get.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as _encoder
from typing import Any

from sqlalchemy import JSON, Column, String, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.types import NullType

__all__ = ["converter", "json_processor", "raw"]


def _make() -> Callable[[Any], str] | None:
    make = getattr(_encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has it
        return None
    defaults = json.JSONEncoder()  # json.dumps's own settings: ", ", ": ", ASCII, NaN allowed
    encode = make(None, defaults.default, _encoder.encode_basestring_ascii, None,
                  defaults.key_separator, defaults.item_separator, False, False, True)  # fmt: skip
    join = "".join
    return lambda value: join(encode(value, 0))


_dumps = _make()


def json_processor(
    column: Column[Any], dialect: Dialect, process: Callable[[Any], Any] | None, copy: bool
) -> Callable[[Any], Any] | None:
    """A processor for `column`'s values giving what `process` gives, or None (see above).

    ``copy``: the values go to PostgreSQL's COPY, which takes the JSON text as it is (psycopg's
    own processor wraps each value to be dumped later, with ``json.dumps`` too).
    """
    if (_dumps is None or process is None or not isinstance(column.type, JSON)
            or getattr(dialect, "_json_serializer", None) is not None):  # fmt: skip
        return None
    if not copy and (dialect.name != "sqlite" or String().bind_processor(dialect) is not None):
        return None
    fast = _dumps

    def processor(value: Any) -> Any:
        if type(value) in (list, dict):
            return fast(value)
        return process(value)  # None, JSON.NULL, a scalar: SQLAlchemy's own rules

    return processor


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
    by_text = memoised(compute)  # texts repeat (dates, JSON); other values are cheap

    def convert(value: Any) -> Any:
        return by_text(value) if type(value) is str else compute(value)

    return convert


def memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process` computed once per distinct (hashable) value."""
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            result = seen[value] = process(value)
            return result
    return convert
