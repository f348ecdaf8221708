"""Unapplied cash (service layer, read-only): the one definition the dashboard, the run summary
and the reports share, computed from the receipts themselves.

A receipt still in the exception queue (``recon.queue.sql.items_subquery``) either has no
confirmed match (it is *unmatched*) or has one and money left over (*unapplied cash*: an
overpayment, the rest of a partial match). Reading the receipts' own ``amount - allocated``
(not the ``Match.unapplied_minor`` snapshot taken when the match was applied) keeps the figure
right after a later write-off, classification or reservation. Raises nothing of its own.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon.models import ACTIVE_STATUSES, Match
from recon.money import from_minor
from recon.queue.sql import items_subquery

__all__ = ["has_confirmed_match", "unapplied_cash", "unapplied_receipts"]


def has_confirmed_match(q: sa.Subquery) -> sa.ColumnElement[bool]:
    """The queue row's receipt has a confirmed invoice match (a payout pairing does not count)."""
    return sa.exists().where(
        Match.status.in_(ACTIVE_STATUSES),
        Match.kind != "payout_deposit",
        sa.or_(
            sa.and_(q.c.kind == "line", Match.statement_line_id == q.c.id),
            sa.and_(q.c.kind == "charge", Match.gateway_txn_id == q.c.id),
        ),
    )


def unapplied_cash(session: Session) -> dict[str, Decimal]:
    """Money left on receipts that have a confirmed match, per currency."""
    q = items_subquery(open_only=True)
    stmt = (
        sa.select(q.c.currency, sa.func.sum(q.c.unapplied_minor))
        .where(has_confirmed_match(q))
        .group_by(q.c.currency)
        .order_by(q.c.currency)
    )
    return {cur: from_minor(int(total), cur) for cur, total in session.execute(stmt) if total}


def unapplied_receipts(session: Session) -> int:
    """How many receipts carry unapplied cash."""
    q = items_subquery(open_only=True)
    return int(session.scalar(sa.select(sa.func.count()).where(has_confirmed_match(q))) or 0)
