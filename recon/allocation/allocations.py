"""Create a match and apply it: the one place that moves money from a receipt to invoices, so
the CLI, the matcher, the web UI and the API share every rule. A matching run creates its many
matches through `bulk.create_matches_bulk`; the checks of a new match are in `rules` and shared
by both. What becomes of a stored match (accept, reject, undo, supersede) is `decisions`, which
applies an accepted suggestion through `apply_match` here.

Invariants kept here (and backed by check constraints in the database):
allocations from one receipt never exceed it; allocations and adjustments of one invoice never
exceed it; currencies agree unless an allocation says what it takes from the receipt in the
receipt's currency (FX: ``AllocationSpec.receipt_amount``; the invoice side counts ``amount`` in
the invoice's currency, the receipt side ``receipt_amount``); debits never pay customer
invoices; the rest of an overpayment stays visible as unapplied cash; nothing is deleted (undo
and reject, in `decisions`, are status changes with audit rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from recon import audit
from recon.allocation import adjustments, rules, targets
from recon.allocation import batch as allocation_batch
from recon.db.types import utcnow
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
    "create_match",
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
        apply_match(session, match, receipt, actor)
    allocation_batch.audit_event(
        session, actor=actor, action=f"match.{status}", obj=match, after=snapshot(match)
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


def _lock_receipt(session: Session, receipt: Receipt) -> None:
    """Lock the receipt and read it again: a concurrent match, or money going back
    (``recon.allocation.reversals``), may have applied it since the caller read it. The bulk
    path locked it already (``allocation_batch.lock_rows``)."""
    if allocation_batch.locked(session, type(receipt), receipt.id):
        return
    session.flush()
    session.refresh(receipt, with_for_update=True)


def apply_match(session: Session, match: Match, receipt: Receipt, actor: str) -> None:
    """Move the money of ``match``: invoices paid, the receipt allocated, its proposed
    adjustments activated -- after the receipt and invoice room checks of ``rules``."""
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


def _receipt_fk(receipt: Receipt) -> dict[str, Any]:
    if isinstance(receipt, StatementLine):
        return {"statement_line": receipt}
    return {"gateway_txn": receipt}


def snapshot(match: Match) -> dict[str, Any]:
    """What the audit trail keeps of ``match`` (before and after each change)."""
    allocs = [(a.invoice_id, a.amount_minor, a.currency, a.receipt_amount_minor)
              for a in match.allocations]
    return rules.match_snapshot(match.status, match.origin, match.confidence, allocs,
                                match.unapplied_minor, match.currency)
