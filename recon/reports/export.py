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
from sqlalchemy.orm import Session, joinedload

from recon.models import (
    ACTIVE_STATUSES,
    Allocation,
    BankAccount,
    Customer,
    GatewayTransaction,
    Invoice,
    Match,
    StatementLine,
)

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
    """Rows in match order; suggestions included unless ``confirmed_only``."""
    statuses = ACTIVE_STATUSES if confirmed_only else (*ACTIVE_STATUSES, "suggested")
    stmt = (
        select(Allocation, Match, Invoice, Customer)
        .join(Match, Allocation.match_id == Match.id)
        .join(Invoice, Allocation.invoice_id == Invoice.id)
        .join(Customer, Invoice.customer_id == Customer.id)
        .where(Match.status.in_(statuses))
        .options(joinedload(Match.statement_line).joinedload(StatementLine.account))
        .options(joinedload(Match.gateway_txn))
        .order_by(Match.id, Allocation.id)
    )
    if since is not None:
        start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
        stmt = stmt.where(or_(Match.matched_at >= start, Match.created_at >= start))
    for alloc, match, invoice, customer in session.execute(stmt).unique():
        yield _row(alloc, match, invoice, customer)


def _row(alloc: Allocation, match: Match, invoice: Invoice, customer: Customer) -> dict[str, Any]:
    line, txn = match.statement_line, match.gateway_txn
    return {
        "bank_ref": _bank_ref(line, txn),
        "invoice_no": invoice.invoice_no,
        "amount": str(alloc.amount),
        "status": match.status,
        "confidence": f"{match.confidence:.4f}",
        "bank_account": _account(line.account if line else None, txn),
        "booking_date": (
            line.booking_date.isoformat()
            if line
            else txn.occurred_at.date().isoformat()
            if txn
            else ""
        ),
        "customer_id": customer.external_id,
        "currency": alloc.currency,
        "match_id": match.id,
        "matched_at": match.matched_at.isoformat() if match.matched_at else "",
        "matched_by": match.matched_by or "",
        "source": "bank" if line else f"gateway:{txn.gateway}" if txn else "",
        # auto / accepted_suggestion / suggestion / manual / gateway (Match.provenance)
        "provenance": match.provenance,
    }


def _bank_ref(line: StatementLine | None, txn: GatewayTransaction | None) -> str:
    if line is not None:
        return line.bank_ref or ""
    return txn.gateway_id if txn is not None else ""


def _account(account: BankAccount | None, txn: GatewayTransaction | None) -> str:
    if account is not None:
        return account.account_key
    return txn.gateway if txn is not None else ""


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
