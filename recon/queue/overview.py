"""Dashboard figures (service layer, read-only): run trend, unmatched by age, unapplied cash,
payout differences and the last runs.

Each function takes a ``Session`` and returns plain frozen rows with exact ``Decimal`` amounts
per currency (amounts in different currencies are never added together). Unmatched receipts
come from the exception queue's SQL (``recon.queue.sql``) so the dashboard and the
queue always count the same items. Raises nothing of its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon.db.session import without_jit
from recon.models import ACTIVE_STATUSES, GatewayTransaction, Match, ReconRun, StatementLine
from recon.money import from_minor
from recon.queue.sql import items_subquery
from recon.reports import cash

__all__ = [
    "AGE_BUCKETS",
    "AgeBucket",
    "PayoutRow",
    "RunPoint",
    "age_buckets",
    "last_runs",
    "payout_differences",
    "run_trend",
    "unapplied_cash",
]

# (label, lowest age in days, highest age in days or None)
AGE_BUCKETS = (("0-7", 0, 7), ("8-30", 8, 30), ("31-60", 31, 60), ("61-90", 61, 90),
               ("90+", 91, None))


@dataclass(frozen=True)
class RunPoint:
    run_id: int
    run_date: dt.date
    status: str
    auto: int
    total: int

    @property
    def rate(self) -> float | None:
        """Share of the run's proposals it confirmed on its own (a ratio, not money)."""
        return self.auto / self.total if self.total else None


@dataclass(frozen=True)
class AgeBucket:
    label: str
    count: int
    amounts: dict[str, Decimal]  # currency -> unapplied amount


@dataclass(frozen=True)
class PayoutRow:
    id: int
    gateway: str
    payout_id: str
    currency: str
    expected: Decimal
    deposited: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        return None if self.deposited is None else self.deposited - self.expected


def run_trend(session: Session, limit: int = 14) -> list[RunPoint]:
    """The last ``limit`` runs, oldest first, with how many of their matches were auto."""
    runs = session.scalars(sa.select(ReconRun).order_by(ReconRun.id.desc()).limit(limit)).all()
    ids = [r.id for r in runs]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        stmt = (
            sa.select(Match.run_id, Match.status, sa.func.count())
            .where(Match.run_id.in_(ids))
            .group_by(Match.run_id, Match.status)
        )
        for run_id, status, n in session.execute(stmt):
            counts[run_id][status] = n
    return [
        RunPoint(r.id, r.run_date, r.status, counts[r.id].get("auto", 0),
                 sum(counts[r.id].values()))
        for r in reversed(runs)
    ]


def age_buckets(session: Session, today: dt.date) -> list[AgeBucket]:
    """Unmatched receipts (the open queue) counted and summed per age bucket and currency."""
    q = items_subquery(open_only=True)
    bucket = sa.case(
        *[
            (q.c.booked >= today - dt.timedelta(days=high), label)
            for label, _low, high in AGE_BUCKETS
            if high is not None
        ],
        else_=AGE_BUCKETS[-1][0],
    )
    stmt = sa.select(bucket, q.c.currency, sa.func.count(), sa.func.sum(q.c.unapplied_minor))
    without_jit(session)
    rows = session.execute(stmt.group_by(bucket, q.c.currency)).all()
    counts: dict[str, int] = defaultdict(int)
    amounts: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for label, currency, n, total in rows:
        counts[label] += n
        amounts[label][currency] = from_minor(int(total or 0), currency)
    return [AgeBucket(label, counts[label], amounts[label]) for label, _, _ in AGE_BUCKETS]


def unapplied_cash(session: Session) -> dict[str, Decimal]:
    """Money left on receipts with a confirmed match, per currency: the same figure as the run
    summary and the reports (``recon.reports.cash``), read from the receipts, never stale."""
    return cash.unapplied_cash(session)


def payout_differences(session: Session, limit: int = 20) -> list[PayoutRow]:
    """Recent gateway payouts: expected net vs the bank deposit matched to them (if any)."""
    gt, sl = GatewayTransaction, StatementLine
    deposit = (
        sa.select(Match.gateway_txn_id, sa.func.sum(sl.amount_minor).label("deposit"))
        .join(sl, sl.id == Match.statement_line_id)
        .where(Match.kind == "payout_deposit", Match.status.in_(ACTIVE_STATUSES))
        .group_by(Match.gateway_txn_id)
        .subquery()
    )
    stmt = (
        sa.select(gt, deposit.c.deposit)
        .outerjoin(deposit, deposit.c.gateway_txn_id == gt.id)
        .where(gt.kind == "payout")
        .order_by(gt.occurred_at.desc())
        .limit(limit)
    )
    return [
        PayoutRow(
            t.id, t.gateway, t.gateway_id, t.currency, from_minor(abs(t.net_minor), t.currency),
            None if dep is None else from_minor(abs(int(dep)), t.currency),
        )
        for t, dep in session.execute(stmt)
    ]


def last_runs(session: Session, limit: int = 5) -> list[ReconRun]:
    return list(session.scalars(sa.select(ReconRun).order_by(ReconRun.id.desc()).limit(limit)))
