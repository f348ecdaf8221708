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
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

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
from recon.money import from_minor

__all__ = ["COLUMNS", "export_rows", "safe_cell", "write_csv", "write_json"]

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
    """Rows in match order; suggestions included unless ``confirmed_only``.

    One select of the columns the file needs, streamed (no ORM row per allocation).
    """
    statuses = ACTIVE_STATUSES if confirmed_only else (*ACTIVE_STATUSES, "suggested")
    stmt = (
        select(
            StatementLine.bank_ref, StatementLine.booking_date, BankAccount.account_key,
            GatewayTransaction.gateway_id, GatewayTransaction.gateway,
            GatewayTransaction.occurred_at, Invoice.invoice_no, Allocation.amount_minor,
            Allocation.currency, Match.status, Match.confidence, Customer.external_id,
            Match.id, Match.matched_at, Match.matched_by, Match.origin,
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
    result = session.execute(stmt.execution_options(yield_per=5000))
    for row in result:
        yield _row(*row)


def _row(bank_ref, booking_date, account_key, gateway_id, gateway, occurred_at, invoice_no,
         amount_minor, currency, status, confidence, external_id, match_id, matched_at,
         matched_by, origin, line_id) -> dict[str, Any]:  # fmt: skip
    line = line_id is not None
    txn = gateway_id is not None
    return {
        "bank_ref": (bank_ref or "") if line else gateway_id if txn else "",
        "invoice_no": invoice_no,
        "amount": str(from_minor(amount_minor, currency)),
        "status": status,
        "confidence": f"{confidence:.4f}",
        "bank_account": (account_key or "") if line else gateway if txn else "",
        "booking_date": (
            booking_date.isoformat() if line else occurred_at.date().isoformat() if txn else ""
        ),
        "customer_id": external_id,
        "currency": currency,
        "match_id": match_id,
        "matched_at": matched_at.isoformat() if matched_at else "",
        "matched_by": matched_by or "",
        "source": "bank" if line else f"gateway:{gateway}" if txn else "",
        # auto / accepted_suggestion / suggestion / manual / gateway (Match.provenance)
        "provenance": provenance_of(origin, status, matched_at),
    }


def write_csv(rows: Iterator[dict[str, Any]], out: io.TextIOBase | Any) -> int:
    """Write ``rows`` as CSV with the header; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([_cell(c, row[c]) for c in COLUMNS])
        count += 1
    return count


def write_json(rows: Iterator[dict[str, Any]], out: Any, columns: Sequence[str] = COLUMNS) -> int:
    """Write ``rows`` as one JSON array (amounts as strings, exact); returns the count."""
    items = [{c: row[c] for c in columns} for row in rows]
    json.dump(items, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(items)


def _cell(column: str, value: Any) -> str:
    text = "" if value is None else str(value)
    return text if column in _NUMERIC else safe_cell(text)
