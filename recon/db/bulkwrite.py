"""Insert or update many rows with the driver's own executemany: one statement per table.

SQLAlchemy's executemany builds its parameters row by row through the compiled statement (about
as slow as the rest of an import together at 100k rows). `insert_rows(session, table, rows)`
does the same work once per column instead: the column's Python default (called per row with a
context that sees the row, as SQLAlchemy calls it, so ``Invoice.ref_key`` is derived alike) and
the dialect's bind processor (JSON, dates, booleans), then hands plain tuples or dicts to
``cursor.executemany`` on the session's connection, inside its transaction. The SQL text is
SQLAlchemy's own compiled INSERT for the dialect. Returns the number of rows.

`insert_ids(session, table, rows)` also returns the new ids in row order: on PostgreSQL they are
drawn from the table's sequence first (one ``nextval`` query) and inserted with the rows by
`insert_rows` (SQLAlchemy's batched RETURNING builds a new, long SQL text per batch that psycopg
parses again each time: most of a bulk apply's time there); other databases use RETURNING;
on SQLite, whose RETURNING SQLAlchemy can only keep in
order one row at a time, the rows are inserted by `insert_rows` and their ids are the highest
ones afterwards (SQLite gives an integer key max + 1, and after its first write a transaction
holds the only write lock until it ends, so no other insert can come between).
`update_rows(session, table, rows)` sets columns by id (``rows``: dicts with ``id``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

__all__ = ["insert_ids", "insert_rows", "update_rows"]

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
    sql = str(compiled)
    for start in range(0, len(rows), BATCH):
        chunk = _with_defaults(rows[start : start + BATCH], defaults)
        columns = []  # converted column by column: one comprehension per column, not per value
        for name, proc in zip(order, procs, strict=True):
            column = [row[name] for row in chunk]
            columns.append(column if proc is None else [proc(v) for v in column])  # None too:
        values = zip(*columns, strict=True)  # JSON's is 'null'
        params = list(values) if compiled.positional else [dict(zip(order, v, strict=True))
                                                           for v in values]  # fmt: skip
        conn.exec_driver_sql(sql, params)
    return len(rows)


def _with_defaults(rows: Sequence[Mapping[str, Any]], defaults: list[tuple[str, Any, bool]]
                   ) -> Sequence[Mapping[str, Any]]:
    """The rows with the Python defaults of the columns they leave out (a callable default sees
    the row so far, as SQLAlchemy's context does)."""
    if not defaults:
        return rows
    ctx, out = _Context(), []
    for row in rows:
        full = dict(row)
        ctx.row = full
        for name, arg, is_callable in defaults:
            full[name] = arg(ctx) if is_callable else arg
        out.append(full)
    return out


def insert_ids(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """`insert_rows`, returning the new ids in the order of `rows` (see the module docstring)."""
    if not rows:
        return []
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                           {"t": table.name}).scalar()  # fmt: skip
        if seq is not None:  # the ids first, then a plain executemany (no big RETURNING SQL)
            ids = sorted(conn.execute(text("SELECT nextval(:s) FROM generate_series(1, :n)"),
                                      {"s": seq, "n": len(rows)}).scalars())  # fmt: skip
            insert_rows(session, table, [{**r, "id": i} for r, i in zip(rows, ids, strict=True)])
            return ids
    if conn.dialect.name != "sqlite":
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(stmt, list(rows)).scalars())
    insert_rows(session, table, rows)
    last = select(table.c.id).order_by(table.c.id.desc()).limit(len(rows))
    return sorted(conn.execute(last).scalars())


def update_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """``UPDATE table SET cols WHERE id = :id`` for each row (dicts with the same keys);
    columns with an ``onupdate`` the rows leave out get it, as SQLAlchemy's UPDATE would."""
    if not rows:
        return 0
    session.flush()
    conn = session.connection()
    dialect = conn.dialect
    cols = [c for c in rows[0] if c != "id"]
    stamped = [c.name for c in table.columns
               if c.onupdate is not None and c.name not in cols and c.onupdate.is_callable]
    now = {name: table.c[name].onupdate.arg(_Context()) for name in stamped}  # type: ignore
    values = {c: bindparam(f"v_{c}") for c in cols + stamped}
    compiled = (update(table).where(table.c.id == bindparam("v_id")).values(values)
                .compile(dialect=dialect))  # fmt: skip
    keys = list(compiled.positiontup or ()) if compiled.positional else [
        "v_id", *(f"v_{c}" for c in values)]
    procs = {f"v_{c.name}": c.type.dialect_impl(dialect).bind_processor(dialect)
             for c in table.columns}
    sql = str(compiled)
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        columns = []  # column by column, as insert_rows
        for key in keys:
            name, proc = key[2:], procs[key]
            column = [now[name]] * len(chunk) if name in now else [row[name] for row in chunk]
            columns.append(column if proc is None else [proc(v) for v in column])
        values = zip(*columns, strict=True)
        params = list(values) if compiled.positional else [dict(zip(keys, v, strict=True))
                                                           for v in values]  # fmt: skip
        conn.exec_driver_sql(sql, params)
    return len(rows)
