"""Adjustments: bank fees, FX differences, discounts, write-offs and receipt classifications.

A write-off above the configured limit is prepared by one person and applied only when a second
person with the ``approver`` (or ``admin``) role approves it; the preparer can never approve
their own (checked here and by a database constraint).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from recon import audit
from recon.allocation import batch as allocation_batch
from recon.db.types import utcnow
from recon.errors import ApprovalError, InvariantError, NotFound
from recon.models import ADJUSTMENT_KINDS, Adjustment, GatewayTransaction, Invoice, StatementLine
from recon.money import from_minor, to_minor

if TYPE_CHECKING:
    from recon.models import Match

__all__ = [
    "APPROVER_ROLES",
    "CLASSIFICATIONS",
    "activate",
    "add_adjustment",
    "approve",
    "attach",
    "reject",
    "reverse",
]

APPROVER_ROLES = ("approver", "admin")
CLASSIFICATIONS = ("other_income", "own_transfer", "refund")
# Other income clears a receipt like a write-off does, so above the limit it needs four eyes too.
NEEDS_APPROVAL = ("write_off", "other_income")


def attach(
    session: Session,
    match: Match,
    kind: str,
    amount: Decimal,
    invoice_id: int | None,
    actor: str,
    reason: str | None,
) -> Adjustment:
    """A difference proposed with a match; it takes effect when the match is applied."""
    _check_kind(kind)
    line_id = None
    if invoice_id is None:  # the match may not be flushed yet: read the relationship too
        line = match.statement_line
        line_id = match.statement_line_id or (line.id if line is not None else None)
    if invoice_id is None and line_id is None:
        raise InvariantError("an adjustment needs an invoice or a bank line")
    # an invoice's adjustment is in the invoice's currency (an FX match: not the receipt's)
    currency = _invoice(session, invoice_id).currency if invoice_id is not None else match.currency
    adj = Adjustment(
        kind=kind,
        status="proposed",
        amount_minor=_positive(amount, currency),
        currency=currency,
        invoice_id=invoice_id,
        statement_line_id=line_id,
        prepared_by=actor,
        reason=reason,
    )
    match.adjustments.append(adj)
    allocation_batch.flush(session)
    return adj


def add_adjustment(
    session: Session,
    *,
    kind: str,
    amount: Decimal,
    actor: str,
    limit: Decimal,
    statement_line_id: int | None = None,
    invoice_id: int | None = None,
    gateway_txn_id: int | None = None,
    reason: str | None = None,
) -> Adjustment:
    """A stand-alone adjustment of an invoice, a bank line or a gateway charge; a write-off
    above ``limit`` waits for a second person."""
    _check_kind(kind)
    target = _target(session, statement_line_id, invoice_id, gateway_txn_id)
    adj = Adjustment(
        kind=kind,
        status="proposed",
        amount_minor=_positive(amount, target.currency),
        currency=target.currency,
        statement_line_id=statement_line_id,
        invoice_id=invoice_id,
        gateway_txn_id=gateway_txn_id,
        prepared_by=actor,
        reason=reason,
    )
    session.add(adj)
    session.flush()
    if kind in NEEDS_APPROVAL and amount > limit:
        adj.status = "pending_approval"
        audit.record(
            session,
            actor=actor,
            action="adjustment.prepare",
            obj=adj,
            after=_snap(adj),
            reason=reason,
        )
        return adj
    activate(session, adj, actor)
    return adj


def approve(session: Session, adjustment_id: int, *, actor: str, role: str) -> Adjustment:
    """The second pair of eyes: applies a pending write-off."""
    adj = _pending(session, adjustment_id)
    if role not in APPROVER_ROLES:
        raise ApprovalError(f"role {role!r} cannot approve write-offs")
    if actor == adj.prepared_by:
        raise ApprovalError("the preparer of a write-off cannot approve it (four eyes)")
    adj.approved_by = actor
    activate(session, adj, actor)
    return adj


def reject(
    session: Session, adjustment_id: int, *, actor: str, role: str, reason: str
) -> Adjustment:
    """Turn down a pending write-off; nothing moves."""
    adj = _pending(session, adjustment_id)
    if role not in APPROVER_ROLES:
        raise ApprovalError(f"role {role!r} cannot decide write-offs")
    before = _snap(adj)
    adj.status, adj.decided_at, adj.approved_by = "rejected", utcnow(), actor
    if actor == adj.prepared_by:
        adj.approved_by = None
    audit.record(
        session,
        actor=actor,
        action="adjustment.reject",
        obj=adj,
        before=before,
        after=_snap(adj),
        reason=reason,
    )
    return adj


def activate(session: Session, adj: Adjustment, actor: str) -> None:
    """Apply the adjustment's effect: settle the invoice, or clear the bank line or charge."""
    before = _snap(adj)
    if adj.gateway_txn_id is not None and adj.invoice_id is None:
        charge = _charge(session, adj.gateway_txn_id)
        if adj.amount_minor > charge.unapplied_minor:
            raise InvariantError(
                f"{adj.kind} {adj.amount} exceeds the unapplied "
                f"{from_minor(charge.unapplied_minor, charge.currency)} of charge "
                f"{charge.gateway_id}"
            )
        charge.allocated_minor += adj.amount_minor
    elif adj.invoice_id is not None:
        invoice = _invoice(session, adj.invoice_id)
        if adj.amount_minor > invoice.open_minor:
            raise InvariantError(
                f"{adj.kind} {adj.amount} exceeds the open {invoice.open_amount} of "
                f"{invoice.invoice_no}"
            )
        invoice.adjusted_minor += adj.amount_minor
        invoice.refresh_status()
    else:
        line = _line(session, adj.statement_line_id)
        if adj.amount_minor > line.unapplied_minor:
            raise InvariantError(
                f"{adj.kind} {adj.amount} exceeds the line's unapplied {line.unapplied}"
            )
        line.allocated_minor += adj.amount_minor
        if adj.kind in CLASSIFICATIONS:
            line.disposition = adj.kind
    adj.status, adj.decided_at = "applied", utcnow()
    allocation_batch.flush(session)
    allocation_batch.audit_event(
        session,
        actor=actor,
        action="adjustment.apply",
        obj=adj,
        before=before,
        after=_snap(adj),
        reason=adj.reason,
    )


def reverse(session: Session, adj: Adjustment, actor: str, reason: str) -> None:
    """Undo an applied adjustment (a new state and audit row; the row itself stays)."""
    if adj.status != "applied":
        raise InvariantError(f"adjustment {adj.id} is {adj.status}, not applied")
    before = _snap(adj)
    if adj.gateway_txn_id is not None and adj.invoice_id is None:
        _charge(session, adj.gateway_txn_id).allocated_minor -= adj.amount_minor
    elif adj.invoice_id is not None:
        invoice = _invoice(session, adj.invoice_id)
        invoice.adjusted_minor -= adj.amount_minor
        invoice.refresh_status()
    else:
        line = _line(session, adj.statement_line_id)
        line.allocated_minor -= adj.amount_minor
        if line.disposition == adj.kind:
            line.disposition = None
    adj.status = "undone"
    audit.record(
        session,
        actor=actor,
        action="adjustment.undo",
        obj=adj,
        before=before,
        after=_snap(adj),
        reason=reason,
    )


def _check_kind(kind: str) -> None:
    if kind not in ADJUSTMENT_KINDS:
        raise InvariantError(
            f"unknown adjustment kind {kind!r}; one of {', '.join(ADJUSTMENT_KINDS)}"
        )


def _positive(amount: Decimal, currency: str) -> int:
    minor = to_minor(amount, currency)
    if minor <= 0:
        raise InvariantError("an adjustment amount must be positive")
    return minor


def _target(
    session: Session, line_id: int | None, invoice_id: int | None, charge_id: int | None = None
) -> Invoice | StatementLine | GatewayTransaction:
    if sum(x is not None for x in (line_id, invoice_id, charge_id)) > 1:
        raise InvariantError("an adjustment has one target: an invoice, a bank line or a charge")
    if invoice_id is not None:
        return _invoice(session, invoice_id)
    if line_id is not None:
        return _line(session, line_id)
    if charge_id is not None:
        return _charge(session, charge_id)
    raise InvariantError("an adjustment needs an invoice, a bank line or a gateway charge")


def _charge(session: Session, txn_id: int) -> GatewayTransaction:
    """A gateway charge (the only gateway record that is a receipt), locked."""
    txn = session.get(GatewayTransaction, txn_id, with_for_update=True)
    if txn is None or txn.kind != "charge":
        raise NotFound(f"gateway charge id {txn_id} does not exist")
    return txn


def _pending(session: Session, adjustment_id: int) -> Adjustment:
    adj = session.get(Adjustment, adjustment_id, with_for_update=True)
    if adj is None:
        raise NotFound(f"adjustment {adjustment_id} does not exist")
    if adj.status != "pending_approval":
        raise ApprovalError(f"adjustment {adjustment_id} is {adj.status}, not pending approval")
    return adj


def _invoice(session: Session, invoice_id: int) -> Invoice:
    if allocation_batch.locked(session, Invoice, invoice_id):  # locked in bulk: identity map
        invoice = session.get(Invoice, invoice_id)
    else:
        invoice = session.get(Invoice, invoice_id, with_for_update=True)
    if invoice is None:
        raise NotFound(f"invoice id {invoice_id} does not exist")
    return invoice


def _line(session: Session, line_id: int | None) -> StatementLine:
    line = session.get(StatementLine, line_id, with_for_update=True) if line_id else None
    if line is None:
        raise NotFound(f"bank line id {line_id} does not exist")
    return line


def _snap(adj: Adjustment) -> dict[str, object]:
    return {
        "kind": adj.kind,
        "status": adj.status,
        "amount": str(adj.amount),
        "invoice_id": adj.invoice_id,
        "statement_line_id": adj.statement_line_id,
        "gateway_txn_id": adj.gateway_txn_id,
        "prepared_by": adj.prepared_by,
        "approved_by": adj.approved_by,
    }
