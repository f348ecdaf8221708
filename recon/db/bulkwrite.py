"""Insert or update many rows with the driver's own executemany: one statement per table.

SQLAlchemy's executemany builds its parameters row by row through the compiled statement (about
as slow as the rest of an import together at 100k rows). `insert_rows(session, table, rows)`
does the same work once per column instead: the column's Python default (called per row with a
context that sees the row, as SQLAlchemy calls it, so ``Invoice.ref_key`` is derived alike; a
default that reads no row, like ``utcnow``, once per call) and the dialect's bind processor
(JSON, dates, booleans; once per distinct value), then hands plain tuples or dicts to
``cursor.executemany`` on the session's connection, inside its transaction (on PostgreSQL to
``COPY ... FROM STDIN`` instead: `copy_rows`). The SQL text is SQLAlchemy's own compiled INSERT
for the dialect. Returns the number of rows.

`insert_ids(session, table, rows)` also returns the new ids in row order: on PostgreSQL they are
drawn from the table's sequence first (one ``nextval`` query) and inserted with the rows by
`insert_rows` (SQLAlchemy's batched RETURNING builds a new, long SQL text per batch that psycopg
parses again each time: most of a bulk apply's time there); other databases use RETURNING;
on SQLite, whose RETURNING SQLAlchemy can only keep in
order one row at a time, the rows are inserted by `insert_rows` and their ids are the highest
ones afterwards (SQLite gives an integer key max + 1, and after its first write a transaction
holds the only write lock until it ends, so no other insert can come between).
`update_rows(session, table, rows)` sets columns by id (``rows``: dicts with ``id``).
`insert_columns` / `update_columns` take the rows as columns (name -> values): no dict per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from recon.db.conversions import json_processor

__all__ = ["can_copy", "copy_rows", "insert_columns", "insert_ids", "insert_rows",
           "update_columns", "update_rows"]

BATCH = 10_000  # rows per executemany (bounded memory for the converted parameters)


class _Context:
    """What a column default sees (``get_current_parameters``): the row being inserted."""

    def __init__(self) -> None:
        self.row: Mapping[str, Any] = {}

    def get_current_parameters(self) -> Mapping[str, Any]:
        return self.row


def _defaults(table: Table, given: Sequence[str]) -> list[tuple[str, Any, bool]]:
    """(column, default, per row?) for columns with a Python default the rows leave out.

    A default that takes no context (``utcnow``; SQLAlchemy wraps it, keeping ``__wrapped__``)
    is evaluated once per call, as a statement's "now": only those that read the row (like
    ``Invoice.ref_key``) are called per row.
    """
    out = []
    for col in table.columns:
        default = col.default
        if col.name in given or default is None or not (default.is_scalar or default.is_callable):
            continue
        arg = default.arg
        if default.is_callable and hasattr(arg, "__wrapped__"):
            out.append((col.name, arg.__wrapped__(), False))
        else:
            out.append((col.name, arg, bool(default.is_callable)))
    return out


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert `rows` (dicts with the same keys) into `table`; see the module docstring."""
    if not rows:
        return 0
    return insert_columns(session, table, {n: [row[n] for row in rows] for n in rows[0]})


def insert_columns(session: Session, table: Table, columns: Mapping[str, list[Any]]) -> int:
    """`insert_rows` for rows given as columns (name -> values, all as long)."""
    count = len(next(iter(columns.values()), []))
    if not count:
        return 0
    session.flush()
    conn = session.connection()
    dialect = conn.dialect
    given = list(columns)
    defaults = _defaults(table, given)
    names = given + [name for name, _, _ in defaults]
    compiled = insert(table).values({n: bindparam(n) for n in names}).compile(dialect=dialect)
    order = list(compiled.positiontup or ()) if compiled.positional else names
    copy = can_copy(conn)
    procs = {n: _processor(table.c[n], dialect, copy) for n in order}
    sql = str(compiled)
    for start in range(0, count, BATCH):
        chunk = {n: values[start : start + BATCH] for n, values in columns.items()}
        size = len(chunk[given[0]])
        for name, arg, per_row in defaults:
            chunk[name] = _default_column(chunk, given, arg) if per_row else [arg] * size
        # column by column: one processor call per distinct value, rows zipped in C
        values = [_processed(procs[n], chunk[n]) for n in order]
        if copy:
            copy_rows(conn, table, order, zip(*values, strict=True))
            continue
        params: list[Any] = (list(zip(*values, strict=True)) if compiled.positional
                             else [dict(zip(order, v, strict=True))
                                   for v in zip(*values, strict=True)])  # fmt: skip
        conn.exec_driver_sql(sql, params)
    return count


def _processor(column: Any, dialect: Any, copy: bool) -> Callable[[Any], Any] | None:
    """The column's bind processor (JSON ones through `conversions`: the same text, faster)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return json_processor(column, dialect, process, copy) or process


def can_copy(conn: Connection) -> bool:
    """Whether `copy_rows` works on this connection (PostgreSQL through psycopg 3)."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def copy_rows(conn: Connection, table: Table, columns: Sequence[str],
              rows: Iterable[Sequence[Any]]) -> None:
    """``COPY table (columns) FROM STDIN`` with value tuples already in the driver's form, in
    the connection's transaction: PostgreSQL's bulk path (an INSERT per row costs the server
    and psycopg several times more). A refused value raises SQLAlchemy's error type for it
    (``DataError``, ``IntegrityError``), as the INSERT would."""
    prep = conn.dialect.identifier_preparer
    sql = (f"COPY {prep.format_table(table)} ({', '.join(prep.quote(c) for c in columns)}) "
           "FROM STDIN")
    driver = conn.connection.driver_connection
    error = conn.dialect.loaded_dbapi.Error
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            write = copy.write_row
            for row in rows:
                write(row)
    except error as exc:
        raise DBAPIError.instance(sql, None, exc, error) from exc


def _default_column(chunk: Mapping[str, list[Any]], given: Sequence[str],
                    arg: Callable[[Any], Any]) -> list:
    """A callable column default per row, seeing that row (as SQLAlchemy calls it)."""
    ctx = _Context()
    out = []
    for values in zip(*(chunk[n] for n in given), strict=True):
        ctx.row = dict(zip(given, values, strict=True))
        out.append(arg(ctx))
    return out


_BY_VALUE = frozenset({str, int, bool, dt.date})
"""Types whose equal values always convert alike (not datetimes: equal instants in two time
zones write differently; not Decimals: 1.0 == 1.00); empty dicts and lists (JSON columns' usual
value) by type; other values are memoised by identity."""


def _processed(process: Callable[[Any], Any] | None, values: list[Any]) -> list[Any]:
    """``values`` through the column's bind processor (None too: JSON's is 'null'), once per
    distinct value (dates, flags, a shared timestamp repeat); a column of one object once; a
    non-empty list or dict (JSON, each its own object) straight through."""
    if process is None or not values:
        return values
    if all(v is values[0] for v in values):
        return [process(values[0])] * len(values)
    memo: dict[Any, Any] = {}
    out = []
    append = out.append
    by_value = _BY_VALUE
    for value in values:
        kind = type(value)
        if kind is list or kind is dict:
            if value:
                append(process(value))
                continue
            key: Any = (kind, "")
        else:
            key = (kind, value) if kind in by_value else id(value)
        try:
            append(memo[key])
        except KeyError:
            converted = memo[key] = process(value)
            append(converted)
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
    return update_columns(session, table, {c: [row[c] for row in rows] for c in rows[0]})


def update_columns(session: Session, table: Table, columns: Mapping[str, list[Any]]) -> int:
    """`update_rows` for rows given as columns (``id`` among them)."""
    count = len(columns["id"])
    if not count:
        return 0
    session.flush()
    conn = session.connection()
    dialect = conn.dialect
    cols = [c for c in columns if c != "id"]
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
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        chunk = []  # column by column, as insert_rows
        for key in keys:
            name, proc = key[2:], procs[key]
            column = [now[name]] * size if name in now else columns[name][start : start + BATCH]
            chunk.append(_processed(proc, column))  # once per distinct value
        rows = zip(*chunk, strict=True)
        params = list(rows) if compiled.positional else [dict(zip(keys, v, strict=True))
                                                         for v in rows]  # fmt: skip
        conn.exec_driver_sql(sql, params)
    return count
