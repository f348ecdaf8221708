"""Write-offs waiting for a second person (service layer, read-only): the approvals page's list,
the navigation's count and the queue list's mark on a receipt.

Apart from one receipt's detail (``recon.queue.detail``) because these read across receipts, for
the people who decide on write-offs (four eyes, ``recon.allocation.adjustments``) rather than for
the one who works a receipt. Raises nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon.models import Adjustment

__all__ = ["pending_count", "pending_receipts", "pending_writeoffs"]


def pending_writeoffs(session: Session) -> list[Adjustment]:
    """Write-offs waiting for a second person, oldest first."""
    return list(
        session.scalars(
            sa.select(Adjustment)
            .where(Adjustment.status == "pending_approval")
            .order_by(Adjustment.created_at, Adjustment.id)
        )
    )


def pending_count(session: Session) -> int:
    """How many write-offs wait for a second person (the navigation shows it)."""
    stmt = sa.select(sa.func.count()).where(Adjustment.status == "pending_approval")
    return int(session.scalar(stmt) or 0)


def pending_receipts(session: Session, keys: Sequence[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of the receipts ``(kind, id)`` have a write-off waiting for approval."""
    lines = [i for k, i in keys if k == "line"]
    charges = [i for k, i in keys if k == "charge"]
    if not lines and not charges:
        return set()
    stmt = sa.select(Adjustment.statement_line_id, Adjustment.gateway_txn_id).where(
        Adjustment.status == "pending_approval",
        sa.or_(Adjustment.statement_line_id.in_(lines), Adjustment.gateway_txn_id.in_(charges)),
    )
    found = set()
    for line_id, txn_id in session.execute(stmt):
        found.add(("line", line_id) if line_id is not None else ("charge", txn_id))
    return found
