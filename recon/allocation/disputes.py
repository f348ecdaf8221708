"""A gateway dispute on a receipt: the invoices it paid flagged as disputed, and a lost
dispute's fee booked once.

Both are idempotent, like ``recon.allocation.reversals.take_back``, because gateways deliver
dispute events more than once and in any order; never commits, audited.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import audit
from recon.allocation import adjustments
from recon.allocation.reversals import invoices_of
from recon.models import Adjustment, GatewayTransaction, StatementLine
from recon.money import from_minor

__all__ = ["book_fee", "set_disputed"]


def set_disputed(
    session: Session, receipt: GatewayTransaction | StatementLine, disputed: bool, *, actor: str
) -> None:
    """Flag (or clear) the invoices the receipt paid as disputed; audited when it changes."""
    for invoice in invoices_of(session, receipt):
        if invoice.disputed != disputed:
            audit.record(
                session,
                actor=actor,
                action="invoice.disputed",
                obj=invoice,
                before={"disputed": invoice.disputed},
                after={"disputed": disputed},
            )
            invoice.disputed = disputed


def book_fee(
    session: Session, dispute: GatewayTransaction, fee_minor: int, *, actor: str
) -> Adjustment | None:
    """Book a lost dispute's fee once, as a ``bank_fee`` adjustment on the dispute record."""
    if fee_minor <= 0:
        return None
    existing = session.scalars(
        select(Adjustment).filter_by(gateway_txn_id=dispute.id, kind="bank_fee", status="applied")
    ).first()
    if existing is not None:
        return existing
    return adjustments.add_adjustment(
        session,
        kind="bank_fee",
        amount=from_minor(fee_minor, dispute.currency),
        actor=actor,
        limit=Decimal(0),
        gateway_txn_id=dispute.id,
        reason=f"dispute fee: {dispute.gateway_id} lost",
    )
