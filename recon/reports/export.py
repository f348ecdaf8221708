"""Cash-application export: one row per allocation, for posting receipts in the ERP.

CSV cells are neutralised against spreadsheet formula injection (OWASP: a text cell starting
with ``= + - @``, tab or carriage return gets a leading apostrophe); numeric columns are written
as plain decimals and never altered.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import Session

from recon.db.conversions import converter, raw
from recon.models import (
    ACTIVE_STATUSES,
    Allocation,
    BankAccount,
    Customer,
    GatewayTransaction,
    Invoice,
    Match,
    StatementLine,
    provenance_of,
)
from recon.money import minor_text

__all__ = [
    "COLUMNS", "export_records", "export_rows", "safe_cell", "write_csv", "write_csv_records",
    "write_json",
]

COLUMNS = (
    "bank_ref",
    "invoice_no",
    "amount",
    "status",
    "confidence",
    "bank_account",
    "booking_date",
    "customer_id",
    "currency",
    "match_id",
    "matched_at",
    "matched_by",
    "source",
    "provenance",
)
_NUMERIC = frozenset({"amount", "confidence", "match_id"})
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """``value`` made inert for spreadsheets if it could be read as a formula."""
    return "'" + value if value.startswith(_DANGEROUS) else value


def export_rows(
    session: Session, *, confirmed_only: bool = False, since: dt.date | None = None
) -> Iterator[dict[str, Any]]:
    """Rows in match order (dicts by `COLUMNS`); suggestions included unless ``confirmed_only``."""
    for record in export_records(session, confirmed_only=confirmed_only, since=since):
        yield dict(zip(COLUMNS, record, strict=True))


def export_records(
    session: Session, *, confirmed_only: bool = False, since: dt.date | None = None
) -> Iterator[tuple[Any, ...]]:
    """The rows of `export_rows` as tuples in `COLUMNS` order.

    One Core select of the columns the file needs, streamed in chunks (a server-side cursor on
    PostgreSQL): no ORM row and no dict per allocation, amounts written from integer minor units.
    """
    statuses = ACTIVE_STATUSES if confirmed_only else (*ACTIVE_STATUSES, "suggested")
    stmt = (
        select(  # dates as the driver gives them: `_Texts` writes each distinct one once
            StatementLine.bank_ref, raw(StatementLine.booking_date), BankAccount.account_key,
            GatewayTransaction.gateway_id, GatewayTransaction.gateway,
            raw(GatewayTransaction.occurred_at), Invoice.invoice_no, Allocation.amount_minor,
            Allocation.currency, Match.status, Match.confidence, Customer.external_id,
            Match.id, raw(Match.matched_at), Match.matched_by, Match.origin,
            Match.statement_line_id,
        )
        .select_from(Allocation)
        .join(Match, Allocation.match_id == Match.id)
        .join(Invoice, Allocation.invoice_id == Invoice.id)
        .join(Customer, Invoice.customer_id == Customer.id)
        .outerjoin(StatementLine, Match.statement_line_id == StatementLine.id)
        .outerjoin(BankAccount, StatementLine.bank_account_id == BankAccount.id)
        .outerjoin(GatewayTransaction, Match.gateway_txn_id == GatewayTransaction.id)
        .where(Match.status.in_(statuses))
        .order_by(Match.id, Allocation.id)
    )  # fmt: skip
    if since is not None:
        start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
        stmt = stmt.where(or_(Match.matched_at >= start, Match.created_at >= start))
    conn = session.connection()
    record = _Texts(conn.dialect).record
    with _mapped(conn):
        result = conn.execution_options(yield_per=_CHUNK).execute(stmt)
        for chunk in result.partitions():
            yield from map(record, chunk)


_CHUNK = 5000
SQLITE_EXPORT_MMAP = 1 << 30
"""Bytes of a SQLite file the export reads through a memory map (the join touches pages of
seven tables once each: read through the page cache, each one is a system call and a copy)."""


@contextmanager
def _mapped(conn: Connection) -> Iterator[None]:
    """On SQLite, the export's reads memory-mapped; the connection's own setting after."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA mmap_size").scalar()
    conn.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_EXPORT_MMAP}")
    try:
        yield
    finally:  # a reader left unfinished may be collected after its session closed
        if not conn.closed and not conn.invalidated:
            conn.exec_driver_sql(f"PRAGMA mmap_size={int(before or 0)}")


def _day(value: dt.datetime) -> str:
    return value.date().isoformat()


class _Texts:
    """A row's cells; each distinct raw date or timestamp converted and written once."""

    def __init__(self, dialect: Any) -> None:
        self.booked = converter(StatementLine.booking_date, dialect, dt.date.isoformat)
        self.occurred = converter(GatewayTransaction.occurred_at, dialect, _day)
        self.matched = converter(Match.matched_at, dialect, dt.datetime.isoformat)

    def record(self, row: Sequence[Any]) -> tuple[Any, ...]:
        (bank_ref, booking_date, account_key, gateway_id, gateway, occurred_at, invoice_no,
         amount_minor, currency, status, confidence, external_id, match_id, matched_at,
         matched_by, origin, line_id) = row  # fmt: skip
        line = line_id is not None
        txn = gateway_id is not None
        return (
            (bank_ref or "") if line else gateway_id if txn else "",
            invoice_no,
            minor_text(amount_minor, currency),
            status,
            f"{confidence:.4f}",
            (account_key or "") if line else gateway if txn else "",
            self.booked(booking_date) if line else self.occurred(occurred_at) if txn else "",
            external_id,
            currency,
            match_id,
            self.matched(matched_at) if matched_at else "",
            matched_by or "",
            "bank" if line else f"gateway:{gateway}" if txn else "",
            # auto / accepted_suggestion / suggestion / manual / gateway (Match.provenance)
            provenance_of(origin, status, matched_at),
        )


def write_csv(rows: Iterable[dict[str, Any]], out: io.TextIOBase | Any) -> int:
    """Write ``rows`` as CSV with the header; returns the number of rows."""
    return write_csv_records(map(itemgetter(*COLUMNS), rows), out)


_TEXT = tuple(i for i, c in enumerate(COLUMNS) if c not in _NUMERIC)
_PICK_TEXT = itemgetter(*_TEXT)
_STARTS_DANGEROUS = re.compile("(?:^|\x00)[" + re.escape("".join(_DANGEROUS)) + "]")
"""A text cell (cells joined by NUL) starting like a formula: one search per row, not per cell."""


def write_csv_records(records: Iterable[Sequence[Any]], out: io.TextIOBase | Any) -> int:
    """`write_csv` for `export_records`: text cells made formula-safe, numbers as they are.

    A chunk at a time: formatted in one go, then searched as a whole for what would need the
    csv module (quotes, a comma or newline in a cell, a None) or a formula at a cell's start;
    only a chunk with any of these goes row by row.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    records = iter(records)
    while chunk := list(islice(records, _CHUNK)):
        count += len(chunk)
        lines = _plain_lines(chunk)
        if lines is None:
            writer.writerows(_checked(chunk))
        else:
            out.write(lines)
    return count


_LINE = ",".join(["%s"] * len(COLUMNS)) + "\n"
_RARE = tuple(c for c in _DANGEROUS if c != "-")  # "-": in every date, so after a separator


def _plain_lines(chunk: list[Sequence[Any]]) -> str | None:
    """``chunk`` as the csv module writes it, if no cell needs quotes or neutralising, else None.

    Checked on the text: ``len(COLUMNS) - 1`` commas and one newline per row (so no cell holds
    one and every cell starts the text, a line or after a comma), no quote or CR, no "None"
    (str(None); the csv module writes ""), no cell starting like a formula: none of "=+@", tab
    or CR anywhere, no "-" after a separator (a negative number counts: that chunk goes row by
    row). One scan per character, not a search per cell.
    """
    try:
        lines = "".join(map(_LINE.__mod__, chunk))
    except TypeError:  # a list or a row of another length
        return None
    rows = len(chunk)
    if (lines.count(",") != rows * (len(COLUMNS) - 1) or lines.count("\n") != rows
            or '"' in lines or "\r" in lines or "None" in lines
            or lines.startswith(_DANGEROUS) or any(c in lines for c in _RARE)
            or ",-" in lines or "\n-" in lines):  # fmt: skip
        return None
    return lines


def _checked(chunk: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Each row of ``chunk`` as written: neutralised if any text cell could be a formula."""
    search = _STARTS_DANGEROUS.search
    for record in chunk:
        try:
            suspect = search("\x00".join(_PICK_TEXT(record))) is not None
        except TypeError:  # None or a number in a text column
            suspect = True
        yield _safe_record(record) if suspect else record


def _safe_record(record: Sequence[Any]) -> list[str]:
    cells = ["" if v is None else str(v) for v in record]
    for i in _TEXT:
        cells[i] = safe_cell(cells[i])
    return cells


def write_json(rows: Iterator[dict[str, Any]], out: Any, columns: Sequence[str] = COLUMNS) -> int:
    """Write ``rows`` as one JSON array (amounts as strings, exact); returns the count."""
    items = [{c: row[c] for c in columns} for row in rows]
    json.dump(items, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(items)
