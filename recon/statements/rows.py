"""Bulk insert of statement lines (helper of ``statements``: rows in, nothing out).

One ``executemany`` per chunk straight on the driver cursor (``COPY`` on PostgreSQL), with
the values already in the driver's form: SQLAlchemy's per-row parameter processing (a bind
processor call per column, a Python default for ``created_at``) cost more than SQLite's own
insert at 100,000 lines. The column types' own bind processors are still used, once per distinct
value where values repeat (dates, empty JSON, flags) and per row only for the rest, so
SQLite and PostgreSQL store exactly what the ORM would. Runs in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.orm import Session

from recon.db.bulkwrite import can_copy, copy_rows
from recon.db.conversions import memoised
from recon.db.types import utcnow
from recon.models import StatementLine

__all__ = ["COLUMNS", "insert_rows"]

COLUMNS = (
    "statement_id", "bank_account_id", "bank_ref", "dedupe_key", "booking_date", "value_date",
    "amount_minor", "currency", "status", "counterparty_name", "counterparty_account",
    "remittance", "end_to_end_id", "creditor_ref", "refs", "bank_tx_code",
    "running_balance_minor", "raw", "possible_duplicate", "allocated_minor", "extra",
    "created_at",
)
"""The order of the value tuples given to :func:`insert_rows`."""

_MEMO = {"booking_date", "value_date", "currency", "status", "possible_duplicate",
         "statement_id", "bank_account_id", "allocated_minor", "created_at"}
_JSON = {"refs", "extra"}


def insert_rows(session: Session, rows: Iterable[Sequence[Any]], chunk: int = 5000,
                done: Callable[[int], None] | None = None) -> None:
    """Insert value tuples (in :data:`COLUMNS` order, ``created_at`` left as None)."""
    connection = session.connection()
    dialect = connection.dialect
    table = StatementLine.__table__
    compiled = insert(table).values({c: bindparam(c) for c in COLUMNS}).compile(dialect=dialect)
    order = compiled.positiontup
    # only the columns that have a converter are touched per row (3 of 22 on SQLite), and
    # positional rows are reordered by one C-level itemgetter when the order differs
    active = [(i, f) for i, f in enumerate(_converters(dialect)) if f is not None]
    pick = (itemgetter(*(_INDEX[c] for c in order))
            if order and list(order) != list(COLUMNS) else None)
    width, last = len(COLUMNS), len(COLUMNS) - 1
    now = _adapted_once(connection, utcnow())
    copy = table if can_copy(connection) else None  # PostgreSQL: COPY, in COLUMNS order
    batch: list = []
    for row in rows:
        values = list(row)
        if len(values) != width:
            raise ValueError(f"a statement line row has {len(values)} values, not {width}")
        values[last] = now
        for i, f in active:
            values[i] = f(values[i])
        batch.append(tuple(values) if copy is not None
                     else (pick(values) if pick else tuple(values)) if order
                     else dict(zip(COLUMNS, values, strict=True)))  # fmt: skip
        if len(batch) >= chunk:
            _flush(connection, str(compiled), batch, done, copy)
    if batch:
        _flush(connection, str(compiled), batch, done, copy)


_INDEX = {c: i for i, c in enumerate(COLUMNS)}


def _adapted_once(connection, value: Any) -> Any:
    """``value`` as the sqlite3 driver adapts it on every row (its registered adapter, see
    ``recon.db.session``), adapted once here for the whole import: the same text is stored."""
    if connection.dialect.driver != "pysqlite":
        return value
    import sqlite3

    adapt = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
    return adapt(value) if adapt is not None else value


def _flush(connection, sql: str, batch: list, done: Callable[[int], None] | None,
           copy: Table | None) -> None:
    if copy is not None:
        copy_rows(connection, copy, COLUMNS, batch)
    else:
        connection.exec_driver_sql(sql, batch)
    if done:
        done(len(batch))
    batch.clear()


def _converters(dialect) -> list[Callable[[Any], Any] | None]:
    out: list[Callable[[Any], Any] | None] = []
    for name in COLUMNS:
        column_type = StatementLine.__table__.c[name].type
        process = column_type.bind_processor(dialect)
        if name in _JSON:
            process = _json(process)
        if process is not None and name in _MEMO:
            process = memoised(process)
        out.append(process)
    return out


def _json(process: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    empty: dict[str, Any] = {}

    def convert(value: Any) -> Any:
        if not value:  # [] or {}: the same text every time
            key = type(value).__name__
            if key not in empty:
                empty[key] = process(value) if process else json.dumps(value)
            return empty[key]
        return process(value) if process else json.dumps(value)
    return convert


