"""The figures of a customer statement, from the same rows that keep the invoices' settled sums:
allocations of confirmed matches (dated by the receipt: the bank line's booking date or the
gateway's time) and applied adjustments on the invoices (dated when applied). Hence, for a
period ending today or later, the closing balance equals the open amounts of the customer's
invoices -- the statement reconciles to the ledger. Cancelled invoices are left out.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.db.types import as_utc
from recon.errors import ServiceError
from recon.models import (
    ACTIVE_STATUSES,
    Adjustment,
    Allocation,
    Customer,
    GatewayTransaction,
    Invoice,
    Match,
    StatementLine,
)

__all__ = ["AGING_BUCKETS", "CustomerStatement", "Entry", "Section", "build_statement",
           "movements", "parse_period"]

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


@dataclass(frozen=True)
class Entry:
    day: dt.date
    kind: str  # invoice | payment | adjustment
    reference: str
    debit_minor: int = 0
    credit_minor: int = 0


@dataclass
class Section:
    """One currency of a statement."""

    currency: str
    opening_minor: int = 0
    entries: list[Entry] = field(default_factory=list)
    aging_minor: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AGING_BUCKETS, 0))

    def total(self, kind: str) -> int:
        return sum(e.debit_minor + e.credit_minor for e in self.entries if e.kind == kind)

    @property
    def closing_minor(self) -> int:
        return (self.opening_minor + self.total("invoice") - self.total("payment")
                - self.total("adjustment"))


@dataclass
class CustomerStatement:
    customer: Customer
    start: dt.date
    end: dt.date
    sections: dict[str, Section]
    open_invoices: list[Invoice] = field(default_factory=list)

    @property
    def period(self) -> str:
        return self.start.strftime("%Y-%m")


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """``2026-11`` -> (2026-11-01, 2026-11-30); ``ServiceError`` for anything else."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        start = dt.date(year, month, 1)
    except ValueError as exc:
        raise ServiceError("period: %(value)s is not a month (YYYY-MM)", code="bad_period",
                           value=text) from exc
    return start, start.replace(day=calendar.monthrange(year, month)[1])


def build_statement(session: Session, customer: Customer, start: dt.date,
                    end: dt.date) -> CustomerStatement:
    invoices = list(session.scalars(select(Invoice).where(
        Invoice.customer_id == customer.id, Invoice.status != "cancelled",
        Invoice.issue_date <= end).order_by(Invoice.issue_date, Invoice.id)))
    sections: dict[str, Section] = {}
    settled_by_end: dict[int, int] = defaultdict(int)
    for day, invoice, kind, ref, amount in _movements(session, invoices):
        section = sections.setdefault(invoice.currency, Section(invoice.currency))
        if day > end:
            continue
        if kind != "invoice":
            settled_by_end[invoice.id] += amount
        if day < start:
            section.opening_minor += amount if kind == "invoice" else -amount
        elif kind == "invoice":
            section.entries.append(Entry(day, kind, ref, debit_minor=amount))
        else:
            section.entries.append(Entry(day, kind, ref, credit_minor=amount))
    for invoice in invoices:
        balance = invoice.amount_minor - settled_by_end[invoice.id]
        if balance:
            sections[invoice.currency].aging_minor[_bucket(invoice, end)] += balance
    for section in sections.values():
        section.entries.sort(key=lambda e: (e.day, e.kind != "invoice", e.reference))
    open_now = [i for i in invoices if i.open_minor > 0]
    return CustomerStatement(customer, start, end, dict(sorted(sections.items())), open_now)


def movements(session: Session, invoices: list[Invoice]):
    """(day, invoice, kind, reference, amount_minor) for every invoice, payment, adjustment."""
    return _movements(session, invoices)


def _movements(session: Session, invoices: list[Invoice]):
    """(day, invoice, kind, reference, amount_minor) for every invoice, payment, adjustment."""
    by_id = {i.id: i for i in invoices}
    for invoice in invoices:
        yield invoice.issue_date, invoice, "invoice", invoice.invoice_no, invoice.amount_minor
    if not by_id:
        return
    rows = session.execute(
        select(Allocation, Match, StatementLine.booking_date, StatementLine.bank_ref,
               GatewayTransaction.occurred_at, GatewayTransaction.gateway_id)
        .join(Match, Allocation.match_id == Match.id)
        .outerjoin(StatementLine, Match.statement_line_id == StatementLine.id)
        .outerjoin(GatewayTransaction, Match.gateway_txn_id == GatewayTransaction.id)
        .where(Allocation.invoice_id.in_(list(by_id)), Match.status.in_(ACTIVE_STATUSES)))
    for alloc, match, booked, bank_ref, occurred, gw_id in rows:
        day = booked or (as_utc(occurred).date() if occurred else None) or \
            as_utc(match.matched_at or alloc.created_at).date()
        ref = f"{by_id[alloc.invoice_id].invoice_no} ← {bank_ref or gw_id or f'#{match.id}'}"
        yield day, by_id[alloc.invoice_id], "payment", ref, alloc.amount_minor
    for adj in session.scalars(select(Adjustment).where(
            Adjustment.invoice_id.in_(list(by_id)), Adjustment.status == "applied")):
        day = as_utc(adj.decided_at or adj.created_at).date()
        yield day, by_id[adj.invoice_id], "adjustment", \
            f"{by_id[adj.invoice_id].invoice_no} {adj.kind}", adj.amount_minor


def _bucket(invoice: Invoice, end: dt.date) -> str:
    late = (end - invoice.due_date).days if invoice.due_date else 0
    if late <= 0:
        return "current"
    return "1-30" if late <= 30 else "31-60" if late <= 60 else "61-90" if late <= 90 else "90+"
