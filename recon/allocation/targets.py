"""What an adjustment adjusts (service layer): an invoice, a bank line or a gateway charge.

Each loader takes the row with ``SELECT .. FOR UPDATE`` (re-reading it, so a value read before
the lock is never trusted) so that two requests adjusting the same receipt or invoice run one
after the other; ``move`` books or releases an adjustment's amount on its target and refuses
more than is left. Raises ``NotFound`` and ``InvariantError``. Never commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from recon.allocation import batch as allocation_batch
from recon.allocation import rules
from recon.errors import Code, InvariantError, NotFound
from recon.models import Adjustment, GatewayTransaction, Invoice, StatementLine
from recon.money import Money

__all__ = ["CLASSIFICATIONS", "Target", "charge", "invoice", "line", "move", "target"]

CLASSIFICATIONS = ("other_income", "own_transfer", "refund")
Target = Invoice | StatementLine | GatewayTransaction
_FRESH = {"populate_existing": True}


def target(
    session: Session, line_id: int | None, invoice_id: int | None, charge_id: int | None = None
) -> Target:
    """The one target named, locked."""
    if sum(x is not None for x in (line_id, invoice_id, charge_id)) > 1:
        raise InvariantError("an adjustment has one target: an invoice, a bank line or a charge",
                             code="adjustment_targets")
    if invoice_id is not None:
        return invoice(session, invoice_id)
    if line_id is not None:
        return line(session, line_id)
    if charge_id is not None:
        return charge(session, charge_id)
    raise InvariantError("an adjustment needs an invoice, a bank line or a gateway charge",
                         code="adjustment_target_missing")


def charge(session: Session, txn_id: int) -> GatewayTransaction:
    """A gateway charge (the only gateway record that is a receipt) or a dispute (its fee,
    ``recon.allocation.disputes.book_fee``), locked."""
    txn = session.get(GatewayTransaction, txn_id, with_for_update=True,
                      execution_options=_FRESH)
    if txn is None or txn.kind not in ("charge", "dispute"):
        raise NotFound("gateway charge %(id)s does not exist", code="charge_not_found", id=txn_id)
    return txn


def invoice(session: Session, invoice_id: int) -> Invoice:
    if allocation_batch.locked(session, Invoice, invoice_id):  # locked in bulk: identity map
        row = session.get(Invoice, invoice_id)
    else:
        row = session.get(Invoice, invoice_id, with_for_update=True)
    if row is None:
        raise NotFound("invoice %(id)s does not exist", code="invoice_not_found", id=invoice_id)
    return row


def line(session: Session, line_id: int | None) -> StatementLine:
    row = (session.get(StatementLine, line_id, with_for_update=True, execution_options=_FRESH)
           if line_id else None)
    if row is None:
        raise NotFound("bank line %(id)s does not exist", code="line_not_found", id=line_id)
    return row


def move(session: Session, adj: Adjustment, sign: int) -> None:
    """Book (``sign`` 1) or release (-1) the adjustment's amount on its target."""
    amount = sign * adj.amount_minor
    if adj.gateway_txn_id is not None and adj.invoice_id is None:
        txn = charge(session, adj.gateway_txn_id)
        if amount > txn.unapplied_minor:
            raise InvariantError(
                "%(kind)s of %(amount)s exceeds the unapplied %(left)s of charge %(charge)s",
                code="exceeds_unapplied", kind=Code(adj.kind),
                amount=Money(adj.amount, adj.currency),
                left=Money.of_minor(txn.unapplied_minor, txn.currency), charge=txn.gateway_id)
        txn.allocated_minor += amount
    elif adj.invoice_id is not None:
        inv = invoice(session, adj.invoice_id)
        rules.check_target_room(adj.kind, amount, inv.currency, inv.open_minor, inv.invoice_no)
        inv.adjusted_minor += amount
        inv.refresh_status()
    else:
        row = line(session, adj.statement_line_id)
        rules.check_target_room(adj.kind, amount, row.currency, row.unapplied_minor, None)
        row.allocated_minor += amount
        if adj.kind in CLASSIFICATIONS and sign > 0:
            row.disposition = adj.kind
        elif row.disposition == adj.kind:
            row.disposition = None
