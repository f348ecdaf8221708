"""Insert many rows with the driver's own executemany: the bulk paths' one INSERT per table.

SQLAlchemy's executemany builds its parameters row by row through the compiled statement (about
as slow as the rest of an import together at 100k rows). `insert_rows(session, table, rows)`
does the same work once per column instead: the column's Python default (called per row with a
context that sees the row, as SQLAlchemy calls it, so ``Invoice.ref_key`` is derived alike) and
the dialect's bind processor (JSON, dates, booleans), then hands plain tuples or dicts to
``cursor.executemany`` on the session's connection, inside its transaction. The SQL text is
SQLAlchemy's own compiled INSERT for the dialect. Returns the number of rows; nothing returned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.orm import Session

__all__ = ["insert_rows"]

BATCH = 10_000  # rows per executemany (bounded memory for the converted parameters)


class _Context:
    """What a column default sees (``get_current_parameters``): the row being inserted."""

    def __init__(self) -> None:
        self.row: Mapping[str, Any] = {}

    def get_current_parameters(self) -> Mapping[str, Any]:
        return self.row


def _defaults(table: Table, given: Sequence[str]) -> list[tuple[str, Any, bool]]:
    """(column, default, callable?) for columns with a Python default the rows leave out."""
    out = []
    for col in table.columns:
        default = col.default
        if col.name in given or default is None or not (default.is_scalar or default.is_callable):
            continue
        out.append((col.name, default.arg, bool(default.is_callable)))
    return out


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert `rows` (dicts with the same keys) into `table`; see the module docstring."""
    if not rows:
        return 0
    session.flush()
    conn = session.connection()
    dialect = conn.dialect
    given = list(rows[0])
    defaults = _defaults(table, given)
    names = given + [name for name, _, _ in defaults]
    compiled = insert(table).values({n: bindparam(n) for n in names}).compile(dialect=dialect)
    order = list(compiled.positiontup or ()) if compiled.positional else names
    procs: list[Callable[[Any], Any] | None] = [
        table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in order
    ]
    ctx = _Context()
    for start in range(0, len(rows), BATCH):
        params = []
        for row in rows[start : start + BATCH]:
            full = dict(row)
            ctx.row = full
            for name, arg, is_callable in defaults:
                full[name] = arg(ctx) if is_callable else arg
            values = [full[n] if p is None else p(full[n])  # None too: JSON's is 'null'
                      for n, p in zip(order, procs, strict=True)]  # fmt: skip
            params.append(tuple(values) if compiled.positional else dict(zip(order, values,
                                                                              strict=True)))
        conn.exec_driver_sql(str(compiled), params)
    return len(rows)
