"""What of a gateway charge has flowed back, derived from every record stored for it (service).

After any charge, refund or dispute is stored, `reconcile(session, row)` finds the charge it
belongs to and recomputes, from all the charge's records as they stand now:

- taken back = counted refunds and reversals (``kind='refund'``, itemised and the cumulative
  remainder `recon.gateway.refunds` keeps, so nothing counts twice) plus, where the gateway's
  dispute itself withdraws the money (Stripe), every *lost* dispute; capped at the charge;
- disputed = any dispute still open (not won, lost or otherwise closed);
- the fee of each lost dispute.

and hands those targets to `recon.allocation.reversals`, which moves the money.  Because only
the final targets count, any order of arrival of charge, refunds, disputes and resolutions ends
in the same state.  PayPal's disputes move no money themselves: the refund or
``PAYMENT.CAPTURE.REVERSED`` that follows a lost one does.  Never commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.allocation import reversals
from recon.allocation.disputes import book_fee, set_disputed
from recon.models import SETTLED_CHARGE_STATUSES
from recon.models import GatewayTransaction as Txn

__all__ = ["CLOSED_DISPUTE", "DISPUTE_WITHDRAWS", "LOST", "REOPENED", "reconcile"]

REOPENED = reversals.REOPENED  # exception code of an event that reopened an invoice
COUNTED_REFUNDS = ("succeeded", "pending", "finished")
LOST = ("lost",)
CLOSED_DISPUTE = ("won", "lost", "prevented", "warning_closed", "closed", "canceled")
DISPUTE_WITHDRAWS = frozenset({"stripe"})  # a lost dispute is itself the money going back


def _charge_of(session: Session, row: Txn) -> Txn | None:
    if row.kind == "charge":
        return row
    if row.kind not in ("refund", "dispute") or not row.related_id:
        return None
    return session.scalars(
        select(Txn)
        .where(
            Txn.gateway == row.gateway,
            Txn.kind == "charge",
            (Txn.gateway_id == row.related_id) | (Txn.related_id == row.related_id),
        )
        .order_by(Txn.id)
        .with_for_update()
    ).first()


def reconcile(session: Session, row: Txn, *, actor: str) -> str | None:
    """Converge the charge that `row` belongs to on what its records now say; returns
    ``refunded_after_payment`` when this reopened an invoice (the event is flagged for a
    person), else ``None``."""
    charge = _charge_of(session, row)
    if charge is None or charge.status not in SETTLED_CHARGE_STATUSES:
        return None
    keys = sorted({charge.gateway_id, *([charge.related_id] if charge.related_id else [])})
    related = session.scalars(
        select(Txn)
        .where(
            Txn.gateway == charge.gateway,
            Txn.kind.in_(("refund", "dispute")),
            Txn.related_id.in_(keys),
            Txn.currency == charge.currency,
        )
        .order_by(Txn.id)
    ).all()
    refunds = [t for t in related if t.kind == "refund" and t.status in COUNTED_REFUNDS]
    disputes = [t for t in related if t.kind == "dispute"]
    taken = sum(-t.gross_minor for t in refunds)
    sources = [t.gateway_id for t in refunds]
    if charge.gateway in DISPUTE_WITHDRAWS:
        lost = [t for t in disputes if t.status in LOST]
        taken += sum(-t.gross_minor for t in lost)
        sources += [t.gateway_id for t in lost]
    reopened = reversals.take_back(session, charge, taken, actor=actor, detail=", ".join(sources))
    set_disputed(
        session, charge, any(t.status not in CLOSED_DISPUTE for t in disputes), actor=actor
    )
    for dispute in disputes:
        if dispute.status in LOST:
            book_fee(session, dispute, dispute.fee_minor, actor=actor)
    return REOPENED if reopened else None
