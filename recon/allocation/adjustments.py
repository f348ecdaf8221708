"""Adjustments: bank fees, FX differences, discounts, write-offs and receipt classifications.

Four eyes on write-offs: when the total written off on one receipt or one invoice (pending and
applied, this one included) exceeds the limit of its currency, the write-off waits for a second
person with the ``approver`` (or ``admin``) role; the preparer can never approve their own
(checked here and by a database constraint). A pending write-off RESERVES its amount at once
(the receipt's unapplied drops), so the same money cannot be written off twice; rejecting or
withdrawing it gives the money back. The target row is locked before the total is read, so two
concurrent write-offs are decided one after the other (no 45 + 45 around a limit of 50).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon import audit
from recon.allocation import batch as allocation_batch
from recon.allocation import rules, targets
from recon.allocation.targets import CLASSIFICATIONS
from recon.db.types import utcnow
from recon.errors import ApprovalError, Code, InvariantError, NotFound
from recon.models import Adjustment
from recon.money import from_minor, to_minor

if TYPE_CHECKING:
    from recon.models import Match

__all__ = [
    "APPROVER_ROLES",
    "CLASSIFICATIONS",
    "RESERVING",
    "LimitPolicy",
    "activate",
    "add_adjustment",
    "approve",
    "attach",
    "limit_of",
    "reject",
    "reverse",
    "withdraw",
    "written_off_minor",
]

APPROVER_ROLES = ("approver", "admin")
# Other income clears a receipt like a write-off does, so above the limit it needs four eyes too.
NEEDS_APPROVAL = ("write_off", "other_income")
RESERVING = ("pending_approval", "applied")  # statuses whose money is taken from the target


class LimitPolicy(Protocol):
    """Write-off limits per currency (``recon.access.runtime.RuntimeSettings``)."""

    def limit_for(self, currency: str) -> Decimal: ...


def limit_of(limit: Decimal | LimitPolicy, currency: str) -> Decimal:
    """The write-off limit of ``currency`` (one amount for all, or a policy per currency)."""
    return limit if isinstance(limit, Decimal) else limit.limit_for(currency)


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
    rules.check_adjustment_target(invoice_id, line_id)
    # an invoice's adjustment is in the invoice's currency (an FX match: not the receipt's)
    currency = (targets.invoice(session, invoice_id).currency if invoice_id is not None
                else match.currency)
    adj = Adjustment(
        kind=kind, status="proposed", amount_minor=_positive(amount, currency),
        currency=currency, invoice_id=invoice_id, statement_line_id=line_id,
        prepared_by=actor, reason=reason,
    )  # fmt: skip
    match.adjustments.append(adj)
    allocation_batch.flush(session)
    return adj


def written_off_minor(session: Session, adj: Adjustment) -> int:
    """Write-offs pending or applied on ``adj``'s target, ``adj`` not counted."""
    if adj.invoice_id is not None:
        same = Adjustment.invoice_id == adj.invoice_id
    elif adj.statement_line_id is not None:
        same = Adjustment.statement_line_id == adj.statement_line_id
    else:
        same = (Adjustment.gateway_txn_id == adj.gateway_txn_id) & Adjustment.invoice_id.is_(None)
    stmt = sa.select(sa.func.coalesce(sa.func.sum(Adjustment.amount_minor), 0)).where(
        same, Adjustment.kind.in_(NEEDS_APPROVAL), Adjustment.status.in_(RESERVING),
        Adjustment.id != adj.id)
    return int(session.scalar(stmt) or 0)


def add_adjustment(
    session: Session,
    *,
    kind: str,
    amount: Decimal,
    actor: str,
    limit: Decimal | LimitPolicy,
    statement_line_id: int | None = None,
    invoice_id: int | None = None,
    gateway_txn_id: int | None = None,
    reason: str | None = None,
) -> Adjustment:
    """A stand-alone adjustment of an invoice, a bank line or a gateway charge; a write-off
    taking the target's write-offs above its currency's ``limit`` waits for a second person
    (its amount reserved meanwhile)."""
    _check_kind(kind)
    target = targets.target(session, statement_line_id, invoice_id, gateway_txn_id)  # locked
    adj = Adjustment(
        kind=kind, status="proposed", amount_minor=_positive(amount, target.currency),
        currency=target.currency, statement_line_id=statement_line_id, invoice_id=invoice_id,
        gateway_txn_id=gateway_txn_id, prepared_by=actor, reason=reason,
    )  # fmt: skip
    session.add(adj)
    session.flush()
    if kind in NEEDS_APPROVAL:
        total = written_off_minor(session, adj) + adj.amount_minor
        if total > to_minor(limit_of(limit, target.currency), target.currency):
            targets.move(session, adj, 1)  # reserved: nobody can write it off again
            adj.status = "pending_approval"
            audit.record(session, actor=actor, action="adjustment.prepare", obj=adj,
                         after={**_snap(adj), "written_off_total":
                                str(from_minor(total, adj.currency))}, reason=reason)
            return adj
    activate(session, adj, actor)
    return adj


def approve(session: Session, adjustment_id: int, *, actor: str, role: str,
            note: str | None = None) -> Adjustment:
    """The second pair of eyes: the reserved write-off becomes applied."""
    adj = _pending(session, adjustment_id)
    if role not in APPROVER_ROLES:
        raise ApprovalError("the role %(role)s cannot approve write-offs", code="role_too_low",
                            role=Code(role))
    if actor == adj.prepared_by:
        raise ApprovalError("the preparer of a write-off cannot approve it (four eyes)",
                            code="four_eyes")
    before = _snap(adj)
    adj.approved_by, adj.status, adj.decided_at = actor, "applied", utcnow()
    allocation_batch.flush(session)
    audit.record(session, actor=actor, action="adjustment.approve", obj=adj, before=before,
                 after=_snap(adj), reason=note)
    return adj


def reject(
    session: Session, adjustment_id: int, *, actor: str, role: str, reason: str
) -> Adjustment:
    """An approver turns down a pending write-off (a reason is required); the money returns."""
    if not reason or not reason.strip():
        raise InvariantError("rejecting a write-off needs a reason", code="reason_missing")
    adj = _pending(session, adjustment_id)
    if role not in APPROVER_ROLES:
        raise ApprovalError("the role %(role)s cannot decide write-offs", code="role_too_low",
                            role=Code(role))
    if actor == adj.prepared_by:
        raise ApprovalError("the preparer withdraws a write-off, an approver rejects it",
                            code="four_eyes")
    return _close(session, adj, actor, "adjustment.reject", reason, approver=actor)


def withdraw(session: Session, adjustment_id: int, *, actor: str,
             reason: str | None = None) -> Adjustment:
    """The preparer takes back a write-off still waiting; the money returns."""
    adj = _pending(session, adjustment_id)
    if actor != adj.prepared_by:
        raise ApprovalError("only %(user)s, who prepared it, can withdraw it", code="not_preparer",
                            user=adj.prepared_by)
    return _close(session, adj, actor, "adjustment.withdraw", reason or "withdrawn")


def _close(session: Session, adj: Adjustment, actor: str, action: str, reason: str,
           approver: str | None = None) -> Adjustment:
    before = _snap(adj)
    targets.move(session, adj, -1)
    adj.status, adj.decided_at, adj.approved_by = "rejected", utcnow(), approver
    allocation_batch.flush(session)
    audit.record(session, actor=actor, action=action, obj=adj, before=before, after=_snap(adj),
                 reason=reason)
    return adj


def activate(session: Session, adj: Adjustment, actor: str) -> None:
    """Apply the adjustment's effect: settle the invoice, or clear the bank line or charge."""
    before = _snap(adj)
    targets.move(session, adj, 1)
    adj.status, adj.decided_at = "applied", utcnow()
    allocation_batch.flush(session)
    allocation_batch.audit_event(session, actor=actor, action="adjustment.apply", obj=adj,
                                 before=before, after=_snap(adj), reason=adj.reason)


def reverse(session: Session, adj: Adjustment, actor: str, reason: str) -> None:
    """Undo an applied adjustment (a new state and audit row; the row itself stays)."""
    if adj.status != "applied":
        raise InvariantError("adjustment %(id)s is %(status)s, not applied", code="not_applied",
                             id=adj.id, status=Code(adj.status))
    before = _snap(adj)
    targets.move(session, adj, -1)
    adj.status = "undone"
    audit.record(session, actor=actor, action="adjustment.undo", obj=adj, before=before,
                 after=_snap(adj), reason=reason)


_check_kind = rules.check_adjustment_kind
_positive = rules.adjustment_minor


def _pending(session: Session, adjustment_id: int) -> Adjustment:
    adj = session.get(Adjustment, adjustment_id, with_for_update=True)
    if adj is None:
        raise NotFound("adjustment %(id)s does not exist", code="adjustment_not_found",
                       id=adjustment_id)
    if adj.status != "pending_approval":
        raise ApprovalError("adjustment %(id)s is %(status)s, not waiting for approval",
                            code="not_pending", id=adjustment_id, status=Code(adj.status))
    return adj


def _snap(adj: Adjustment) -> dict[str, object]:
    return rules.adjustment_snapshot({
        "kind": adj.kind, "status": adj.status, "amount_minor": adj.amount_minor,
        "currency": adj.currency, "invoice_id": adj.invoice_id,
        "statement_line_id": adj.statement_line_id, "gateway_txn_id": adj.gateway_txn_id,
        "prepared_by": adj.prepared_by, "approved_by": adj.approved_by,
    })  # fmt: skip
