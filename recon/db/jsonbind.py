"""JSON column values as the bulk writers hand them to the driver: ``json.dumps`` text, faster.

SQLAlchemy's JSON bind processor calls ``json.dumps`` per value, which builds a new C encoder
every call; a bulk write of matches and audit rows serialises hundreds of thousands of small
lists and dicts, and that set-up is a third of it. `json_processor(column, dialect, copy)` returns
a processor writing the same text with one encoder made once (the encoder ``json.dumps`` itself
uses, with its default settings); None when the column's own processor must stay (not a JSON
column, a custom serializer, a dialect whose driver wraps the value, no C encoder).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as _encoder
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlalchemy.engine import Dialect

__all__ = ["json_processor"]


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
