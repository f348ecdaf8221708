"""The receivables ledger as numpy columns: invoices and the settlements against them.

``load_ledger(session)`` reads every non-cancelled invoice and every settlement (confirmed
allocations dated by their receipt; applied adjustments dated by their creation) into a
``Ledger`` of parallel arrays, the one input of the behaviour measures, KPIs and forecast, so
those are column-wise over all customers and a benchmark or a test can build a ``Ledger``
without a database. Days are proleptic ordinals (``date.toordinal()``). Raises nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

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

__all__ = ["Ledger", "load_ledger"]

NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Ledger:
    """Parallel arrays; ``inv_customer`` and ``inv_currency`` index ``customers``/``currencies``.

    ``set_cash`` tells a receipt (cash collected) from an adjustment (fee, write-off), which
    settles an invoice without being collected cash.
    """

    customers: np.ndarray  # customer ids, int64
    currencies: tuple[str, ...]
    inv_id: np.ndarray
    inv_customer: np.ndarray
    inv_currency: np.ndarray
    inv_amount: np.ndarray  # minor units
    inv_issue: np.ndarray  # ordinal day
    inv_due: np.ndarray  # ordinal day (the issue day when the ERP gave none)
    inv_suggested: np.ndarray  # minor units covered by unconfirmed suggestions
    set_invoice: np.ndarray  # index into the invoice arrays
    set_day: np.ndarray
    set_amount: np.ndarray  # minor units, invoice currency
    set_cash: np.ndarray  # bool

    @property
    def n_customers(self) -> int:
        return len(self.customers)

    def settled_by(self, day: int) -> np.ndarray:
        """Minor units settled per invoice on or before ``day``."""
        keep = self.set_day <= day
        out = np.zeros(len(self.inv_id), dtype=np.int64)
        np.add.at(out, self.set_invoice[keep], self.set_amount[keep])
        return out

    def open_at(self, day: int) -> np.ndarray:
        """Minor units still open per invoice at the end of ``day`` (0 before issue)."""
        open_ = np.clip(self.inv_amount - self.settled_by(day), 0, None)
        return np.where(self.inv_issue <= day, open_, 0)

    def paid_day(self, day: int) -> np.ndarray:
        """Per invoice, the day its settlements reached its amount (``NEVER`` if not by ``day``)."""
        keep = self.set_day <= day
        inv, when, amt = self.set_invoice[keep], self.set_day[keep], self.set_amount[keep]
        order = np.lexsort((when, inv))
        inv, when, amt = inv[order], when[order], amt[order]
        cum = np.cumsum(amt)
        starts = np.r_[0, np.flatnonzero(np.diff(inv)) + 1] if len(inv) else np.zeros(0, int)
        base = np.repeat(cum[starts] - amt[starts], np.diff(np.r_[starts, len(inv)]))
        reached = (cum - base) >= self.inv_amount[inv]
        out = np.full(len(self.inv_id), NEVER, dtype=np.int64)
        np.minimum.at(out, inv[reached], when[reached])
        return out


def _date(value: dt.date | dt.datetime | str) -> int:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.toordinal()


def _settlements(session: Session) -> list[tuple[int, int, int, bool]]:
    """(invoice id, day, minor, cash) for confirmed allocations and applied adjustments."""
    alloc = (
        select(Allocation.invoice_id, StatementLine.booking_date, GatewayTransaction.occurred_at,
               Allocation.amount_minor)
        .join(Match, Allocation.match_id == Match.id)
        .outerjoin(StatementLine, Match.statement_line_id == StatementLine.id)
        .outerjoin(GatewayTransaction, Match.gateway_txn_id == GatewayTransaction.id)
        .where(Match.status.in_(ACTIVE_STATUSES))
    )
    adj = select(Adjustment.invoice_id, Adjustment.created_at, Adjustment.amount_minor).where(
        Adjustment.status == "applied", Adjustment.invoice_id.is_not(None)
    )
    # the day of a bank receipt, else of the gateway charge (two columns: a SQL coalesce of a
    # date and a timestamp has no single type SQLite can hand back)
    rows = [(i, _date(day or at), a, True) for i, day, at, a in session.execute(alloc)]
    return rows + [(i, _date(d), a, False) for i, d, a in session.execute(adj)]


def _suggested(session: Session) -> dict[int, int]:
    stmt = (
        select(Allocation.invoice_id, func.sum(Allocation.amount_minor))
        .join(Match, Allocation.match_id == Match.id)
        .where(Match.status == "suggested")
        .group_by(Allocation.invoice_id)
    )
    return {i: int(a) for i, a in session.execute(stmt)}


def load_ledger(session: Session, customer_id: int | None = None) -> Ledger:
    """Every non-cancelled invoice (of one customer if given) and its settlements; residues the
    rows do not explain (sums kept on the invoice) are settled on the invoice's last update."""
    cust_stmt = select(Customer.id).order_by(Customer.id)
    inv_stmt = (
        select(Invoice.id, Invoice.customer_id, Invoice.currency, Invoice.amount_minor,
               Invoice.issue_date, Invoice.due_date, Invoice.paid_minor, Invoice.adjusted_minor,
               Invoice.updated_at)
        .where(Invoice.status != "cancelled").order_by(Invoice.id)
    )
    if customer_id is not None:
        cust_stmt = cust_stmt.where(Customer.id == customer_id)
        inv_stmt = inv_stmt.where(Invoice.customer_id == customer_id)
    customers = np.array(session.scalars(cust_stmt).all(), dtype=np.int64)
    invs = session.execute(inv_stmt).all()
    currencies = tuple(sorted({r.currency for r in invs}))
    index = {r.id: n for n, r in enumerate(invs)}
    sets = [s for s in _settlements(session) if s[0] in index]
    explained = np.zeros(len(invs), dtype=np.int64)
    for inv_id, _day, amount, _cash in sets:
        explained[index[inv_id]] += amount
    for n, r in enumerate(invs):  # keep open_at(today) equal to the invoice's own sums
        residue = r.paid_minor + r.adjusted_minor - int(explained[n])
        if residue > 0:
            sets.append((r.id, _date(r.updated_at), residue, r.paid_minor > 0))
    suggested = _suggested(session)
    cust_pos = {int(c): n for n, c in enumerate(customers)}
    return Ledger(
        customers=customers,
        currencies=currencies,
        inv_id=np.array([r.id for r in invs], dtype=np.int64),
        inv_customer=np.array([cust_pos[r.customer_id] for r in invs], dtype=np.int64),
        inv_currency=np.array([currencies.index(r.currency) for r in invs], dtype=np.int64),
        inv_amount=np.array([r.amount_minor for r in invs], dtype=np.int64),
        inv_issue=np.array([_date(r.issue_date) for r in invs], dtype=np.int64),
        inv_due=np.array([_date(r.due_date or r.issue_date) for r in invs], dtype=np.int64),
        inv_suggested=np.array([suggested.get(r.id, 0) for r in invs], dtype=np.int64),
        set_invoice=np.array([index[s[0]] for s in sets], dtype=np.int64),
        set_day=np.array([s[1] for s in sets], dtype=np.int64),
        set_amount=np.array([s[2] for s in sets], dtype=np.int64),
        set_cash=np.array([s[3] for s in sets], dtype=bool),
    )
