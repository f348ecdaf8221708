"""Create, confirm, reject and undo matches: the one place that moves money between receipts
and invoices, so the CLI, the matcher, the web UI and the API share every rule. A matching run
creates its many matches through `bulk.create_matches_bulk`; the checks of a new match are in
`rules` and shared by both.

Invariants kept here (and backed by check constraints in the database):
allocations from one receipt never exceed it; allocations and adjustments of one invoice never
exceed it; currencies agree unless an allocation says what it takes from the receipt in the
receipt's currency (FX: ``AllocationSpec.receipt_amount``; the invoice side counts ``amount`` in
the invoice's currency, the receipt side ``receipt_amount``); debits never pay customer
invoices; the rest of an overpayment stays visible as unapplied cash; nothing is deleted (undo
and reject are status changes with audit rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import audit
from recon.allocation import adjustments, alias_policy, rules, targets
from recon.allocation import batch as allocation_batch
from recon.allocation.aliases import remember_alias
from recon.db.types import utcnow
from recon.errors import Code, InvariantError, NotFound
from recon.models import (
    ACTIVE_STATUSES,
    Allocation,
    GatewayTransaction,
    Match,
    StatementLine,
)

__all__ = [
    "AdjustmentSpec",
    "AllocationSpec",
    "Receipt",
    "confirm_match",
    "create_match",
    "reject_match",
    "supersede_suggestions",
    "undo_match",
]

Receipt = StatementLine | GatewayTransaction


@dataclass(frozen=True)
class AllocationSpec:
    """``amount`` in the invoice's currency; ``receipt_amount`` in the receipt's (FX only)."""

    invoice_id: int
    amount: Decimal
    receipt_amount: Decimal | None = None


@dataclass(frozen=True)
class AdjustmentSpec:
    """A difference booked with the match, e.g. the bank fee that made a receipt short."""

    kind: str
    amount: Decimal
    invoice_id: int | None = None
    reason: str | None = None


def receipt_minor(receipt: Receipt) -> int:
    """What the receipt brought in, in minor units (credits only; a debit pays no invoice)."""
    if isinstance(receipt, StatementLine):
        return receipt.amount_minor
    return receipt.gross_minor if receipt.kind == "charge" else -abs(receipt.gross_minor)


def create_match(
    session: Session,
    *,
    receipt: Receipt,
    allocations: Sequence[AllocationSpec],
    status: str,
    actor: str,
    confidence: float = 1.0,
    reasons: Sequence[Any] = (),
    alternatives: Sequence[Any] = (),
    adjustments_: Sequence[AdjustmentSpec] = (),
    run_id: int | None = None,
    kind: str | None = None,
    cause: str | None = None,
    origin: str | None = None,
) -> Match:
    """Record a match of ``receipt`` to invoices; ``auto``/``manual`` apply it at once.

    ``origin`` (``recon.models.ORIGINS``) defaults from the status: the matcher's ``auto``,
    a ``suggestion``, or a person's ``manual`` match; the gateway path says ``gateway``.
    """
    origin = rules.check_new_match(status, origin, confidence, receipt_minor(receipt),
                                   len(allocations) + len(adjustments_))
    match = Match(
        kind=kind
        or ("receipt_invoice" if isinstance(receipt, StatementLine) else "gateway_invoice"),
        status=status,
        confidence=float(confidence),
        reasons=audit.jsonable(list(reasons)),
        alternatives=audit.jsonable(list(alternatives)),
        cause=cause,
        currency=receipt.currency,
        run_id=run_id,
        origin=origin,
        created_by=actor,
        unapplied_minor=0,
        allocations=[],  # a new match's collections start empty: no lazy load (and autoflush)
        adjustments=[],
        **_receipt_fk(receipt),
    )
    session.add(match)
    for spec in allocations:
        match.allocations.append(_allocation(session, receipt, spec))
    allocation_batch.flush(session)
    for adj in adjustments_:
        adjustments.attach(session, match, adj.kind, adj.amount, adj.invoice_id, actor, adj.reason)
    if status in ACTIVE_STATUSES:
        _apply(session, match, receipt, actor)
    allocation_batch.audit_event(
        session, actor=actor, action=f"match.{status}", obj=match, after=_snapshot(match)
    )
    return match


def _allocation(session: Session, receipt: Receipt, spec: AllocationSpec) -> Allocation:
    invoice = targets.invoice(session, spec.invoice_id)
    amount, receipt_amount = rules.allocation_minor(
        receipt.currency, invoice.currency, invoice.invoice_no, spec.amount, spec.receipt_amount)
    return Allocation(
        invoice_id=invoice.id,
        amount_minor=amount,
        currency=invoice.currency,
        receipt_amount_minor=receipt_amount,
    )


def confirm_match(session: Session, match_id: int, *, actor: str) -> Match:
    """A person accepts a suggestion: it becomes ``manual`` and is applied, keeping its origin
    (``suggestion``), confidence and reasons; a specific payer name is learned."""
    match = _match(session, match_id)
    if match.status != "suggested":
        raise InvariantError("match %(id)s is %(status)s: only suggestions can be accepted",
                             code="not_a_suggestion", id=match_id, status=Code(match.status))
    before = _snapshot(match)
    match.status = "manual"
    _apply(session, match, _receipt_of(match), actor)
    _learn(session, match, "positive", actor)
    audit.record(
        session,
        actor=actor,
        action="match.accept",
        obj=match,
        before=before,
        after=_snapshot(match),
    )
    return match


def reject_match(
    session: Session, match_id: int, *, actor: str, reason: str | None = None
) -> Match:
    """A person rejects a suggestion; remembered as a negative alias for its customer."""
    match = _match(session, match_id)
    if match.status != "suggested":
        raise InvariantError("match %(id)s is %(status)s: only suggestions can be rejected",
                             code="not_a_suggestion", id=match_id, status=Code(match.status))
    before = _snapshot(match)
    match.status, match.closed_at, match.closed_by = "rejected", utcnow(), actor
    match.close_reason = reason
    _learn(session, match, "negative", actor)
    audit.record(
        session,
        actor=actor,
        action="match.reject",
        obj=match,
        before=before,
        after=_snapshot(match),
        reason=reason,
    )
    return match


def undo_match(session: Session, match_id: int, *, actor: str, reason: str) -> Match:
    """Reverse a confirmed match: invoices reopen, the receipt is unallocated again."""
    if not reason or not reason.strip():
        raise InvariantError("undo needs a reason", code="reason_missing")
    match = _match(session, match_id)
    if match.status not in ACTIVE_STATUSES:
        raise InvariantError("match %(id)s is %(status)s: only confirmed ones can be undone",
                             code="not_confirmed", id=match_id, status=Code(match.status))
    before = _snapshot(match)
    receipt = _receipt_of(match)
    for alloc in match.allocations:
        invoice = targets.invoice(session, alloc.invoice_id)
        invoice.paid_minor -= alloc.amount_minor
        invoice.refresh_status()
        receipt.allocated_minor -= alloc.receipt_minor
    for adj in match.adjustments:
        if adj.status == "applied":
            adjustments.reverse(session, adj, actor, reason)
    match.status, match.closed_at, match.closed_by, match.close_reason = (
        "undone",
        utcnow(),
        actor,
        reason,
    )
    audit.record(
        session,
        actor=actor,
        action="match.undo",
        obj=match,
        before=before,
        after=_snapshot(match),
        reason=reason,
    )
    return match


def supersede_suggestions(
    session: Session, receipt: Receipt, *, actor: str, stale: Sequence[Match] | None = None
) -> int:
    """Mark the open suggestions of ``receipt`` stale (a new run proposes afresh).

    ``stale``: the receipt's suggestions the caller already loaded (saves a query per receipt);
    only those still ``suggested`` are changed.
    """
    if stale is None:
        column = (
            Match.statement_line_id if isinstance(receipt, StatementLine) else Match.gateway_txn_id
        )
        stale = session.scalars(
            select(Match).where(column == receipt.id, Match.status == "suggested")
        ).all()
    stale = [m for m in stale if m.status == "suggested"]
    for match in stale:
        match.status, match.closed_at, match.closed_by = "superseded", utcnow(), actor
    return len(stale)


def _lock_receipt(session: Session, receipt: Receipt) -> None:
    """Lock the receipt and read it again: a concurrent match, or money going back
    (``recon.allocation.reversals``), may have applied it since the caller read it. The bulk
    path locked it already (``allocation_batch.lock_rows``)."""
    if allocation_batch.locked(session, type(receipt), receipt.id):
        return
    session.flush()
    session.refresh(receipt, with_for_update=True)


def _apply(session: Session, match: Match, receipt: Receipt, actor: str) -> None:
    _lock_receipt(session, receipt)
    total = sum(a.receipt_minor for a in match.allocations)
    rules.check_receipt_room(total, receipt_minor(receipt) - receipt.allocated_minor,
                             receipt.currency)
    for alloc in match.allocations:
        invoice = targets.invoice(session, alloc.invoice_id)
        rules.check_invoice_room(invoice.invoice_no, invoice.status, invoice.currency,
                                 alloc.currency, alloc.amount_minor, invoice.open_minor)
        invoice.paid_minor += alloc.amount_minor
        invoice.refresh_status()
    receipt.allocated_minor += total
    match.unapplied_minor = receipt_minor(receipt) - receipt.allocated_minor
    match.matched_at, match.matched_by = utcnow(), actor
    for adj in match.adjustments:
        if adj.status == "proposed":
            adjustments.activate(session, adj, actor)
    allocation_batch.flush(session)


def _learn(session: Session, match: Match, polarity: str, actor: str) -> None:
    """Remember the payer for the match's customers -- only a specific payer name
    (``alias_policy.refusal``); a refused one is audited with the reason instead."""
    payer = alias_policy.payer_of(_receipt_of(match))
    customers = {targets.invoice(session, a.invoice_id).customer_id for a in match.allocations}
    for customer_id in sorted(customers):
        why = alias_policy.refusal(session, payer, customer_id, polarity=polarity)
        if why is not None:
            if payer and payer.strip():
                audit.record(session, actor=actor, action="alias.not_learned", obj=match,
                             after={"payer": payer, "customer_id": customer_id}, reason=why)
            continue
        row = remember_alias(
            session, customer_id=customer_id, payer_name=payer, polarity=polarity, actor=actor,
            source="confirmed" if polarity == "positive" else "rejected",
        )  # fmt: skip
        if row is not None and not row.extra:
            row.extra = {"match_id": match.id}


def _receipt_fk(receipt: Receipt) -> dict[str, Any]:
    if isinstance(receipt, StatementLine):
        return {"statement_line": receipt}
    return {"gateway_txn": receipt}


def _receipt_of(match: Match) -> Receipt:
    receipt = match.statement_line or match.gateway_txn
    if receipt is None:  # pragma: no cover - the check constraint makes this impossible
        raise NotFound("match %(id)s has no receipt", code="match_not_found", id=match.id)
    return receipt


def _match(session: Session, match_id: int) -> Match:
    match = session.get(Match, match_id, with_for_update=True)
    if match is None:
        raise NotFound("match %(id)s does not exist", code="match_not_found", id=match_id)
    return match


def _snapshot(match: Match) -> dict[str, Any]:
    allocs = [(a.invoice_id, a.amount_minor, a.currency, a.receipt_amount_minor)
              for a in match.allocations]
    return rules.match_snapshot(match.status, match.origin, match.confidence, allocs,
                                match.unapplied_minor, match.currency)
