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
from typing import Any

import numpy as np
from sqlalchemy import Connection, String, cast, func, select
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
EPOCH = dt.date(1970, 1, 1).toordinal()


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


def _days(values: list) -> np.ndarray:
    """ISO date strings (or longer timestamps, cut to their date) -> ordinal days, vectorised."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    stamps = np.array([v[:10] for v in values], dtype="datetime64[D]")
    return stamps.astype(np.int64) + EPOCH


def _text_day(column: Any) -> Any:
    """The date part of a date column, or of a UTC timestamp stored by SQLite, as text."""
    return func.substr(cast(column, String), 1, 10)


def _utc_day(column: Any, dialect: str) -> Any:
    """The UTC date of a timestamp column as text (PostgreSQL's text form of a ``timestamptz``
    follows the session's time zone, so it is converted to UTC first)."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return _text_day(column)


def _columns(conn: Connection, stmt: Any, n: int) -> list[list]:
    rows = conn.execute(stmt).all()
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(n)]


def _settlements(conn: Connection, dialect: str) -> tuple[list, np.ndarray, list, np.ndarray]:
    """(invoice ids, days, minor, cash) for confirmed allocations and applied adjustments; a
    receipt is dated by its bank line, else by its gateway charge."""
    alloc = (
        select(Allocation.invoice_id,
               func.coalesce(_text_day(StatementLine.booking_date),
                             _utc_day(GatewayTransaction.occurred_at, dialect)),
               Allocation.amount_minor)
        .join(Match, Allocation.match_id == Match.id)
        .outerjoin(StatementLine, Match.statement_line_id == StatementLine.id)
        .outerjoin(GatewayTransaction, Match.gateway_txn_id == GatewayTransaction.id)
        .where(Match.status.in_(ACTIVE_STATUSES))
    )
    adj = select(Adjustment.invoice_id, _utc_day(Adjustment.created_at, dialect),
                 Adjustment.amount_minor).where(
        Adjustment.status == "applied", Adjustment.invoice_id.is_not(None))
    a_ids, a_days, a_amt = _columns(conn, alloc, 3)
    j_ids, j_days, j_amt = _columns(conn, adj, 3)
    cash = np.r_[np.ones(len(a_ids), dtype=bool), np.zeros(len(j_ids), dtype=bool)]
    return a_ids + j_ids, _days(a_days + j_days), a_amt + j_amt, cash


def _suggested(conn: Connection) -> tuple[list, list]:
    stmt = (
        select(Allocation.invoice_id, func.sum(Allocation.amount_minor))
        .join(Match, Allocation.match_id == Match.id)
        .where(Match.status == "suggested")
        .group_by(Allocation.invoice_id)
    )
    ids, sums = _columns(conn, stmt, 2)
    return ids, [int(x) for x in sums]


def _positions(sorted_ids: np.ndarray, ids: list) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``ids`` in ``sorted_ids`` and a mask of those found."""
    wanted = np.array(ids, dtype=np.int64)
    pos = np.clip(np.searchsorted(sorted_ids, wanted), 0, max(len(sorted_ids) - 1, 0))
    found = sorted_ids[pos] == wanted if len(sorted_ids) else np.zeros(len(wanted), bool)
    return pos, found


def load_ledger(session: Session, customer_id: int | None = None) -> Ledger:
    """Every non-cancelled invoice (of one customer if given) and its settlements; residues the
    rows do not explain (sums kept on the invoice) are settled on the invoice's last update.

    Read with Core and turned into arrays column by column (dates parsed by numpy), because a
    Python object per row is what would make this slow at 100,000 invoices."""
    conn = session.connection()
    dialect = conn.dialect.name
    cust_stmt = select(Customer.id).order_by(Customer.id)
    inv_stmt = (
        select(Invoice.id, Invoice.customer_id, Invoice.currency, Invoice.amount_minor,
               _text_day(Invoice.issue_date),
               func.coalesce(_text_day(Invoice.due_date), _text_day(Invoice.issue_date)),
               Invoice.paid_minor + Invoice.adjusted_minor, Invoice.paid_minor,
               _utc_day(Invoice.updated_at, dialect))
        .where(Invoice.status != "cancelled").order_by(Invoice.id)
    )
    if customer_id is not None:
        cust_stmt = cust_stmt.where(Customer.id == customer_id)
        inv_stmt = inv_stmt.where(Invoice.customer_id == customer_id)
    customers = np.array(conn.execute(cust_stmt).scalars().all(), dtype=np.int64)
    ids, cust, cur, amount, issue, due, settled, paid, updated = _columns(conn, inv_stmt, 9)
    inv_id = np.array(ids, dtype=np.int64)
    currencies, cur_idx = np.unique(np.array(cur, dtype=object), return_inverse=True)
    s_ids, s_day, s_amt, s_cash = _settlements(conn, dialect)
    s_pos, s_found = _positions(inv_id, s_ids)
    s_pos, s_day, s_cash = s_pos[s_found], s_day[s_found], s_cash[s_found]
    s_amt = np.array(s_amt, dtype=np.int64)[s_found]
    explained = np.zeros(len(inv_id), dtype=np.int64)
    np.add.at(explained, s_pos, s_amt)
    residue = np.array(settled, dtype=np.int64) - explained
    extra = np.flatnonzero(residue > 0)  # keep open_at(today) equal to the invoice's own sums
    g_ids, g_sums = _suggested(conn)
    g_pos, g_found = _positions(inv_id, g_ids)
    suggested = np.zeros(len(inv_id), dtype=np.int64)
    suggested[g_pos[g_found]] = np.array(g_sums, dtype=np.int64)[g_found]
    return Ledger(
        customers=customers, currencies=tuple(str(c) for c in currencies),
        inv_id=inv_id,
        inv_customer=np.searchsorted(customers, np.array(cust, dtype=np.int64)),
        inv_currency=cur_idx.astype(np.int64), inv_amount=np.array(amount, dtype=np.int64),
        inv_issue=_days(issue), inv_due=_days(due), inv_suggested=suggested,
        set_invoice=np.r_[s_pos, extra].astype(np.int64),
        set_day=np.r_[s_day, _days(updated)[extra]].astype(np.int64),
        set_amount=np.r_[s_amt, residue[extra]].astype(np.int64),
        set_cash=np.r_[s_cash, np.array(paid, dtype=np.int64)[extra] > 0],
    )
