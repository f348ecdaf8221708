"""Money flowing back: a refund, chargeback or reversal reopens the invoice the money paid.

`take_back(session, receipt, target_minor, ...)` converges a receipt (a gateway charge or a bank
credit line) on "``target_minor`` of this receipt went back to the payer".  The taken-back part
is booked as an applied ``refund`` classification on the receipt (so it is not unapplied cash in
the queue) and, where the receipt had paid invoices, those invoices are reopened by that part:
the receipt's confirmed match is undone ("refunded after payment") and re-created for what
still stands.  Each reopened invoice counts the amount in ``Invoice.refunded_minor``.  Moving the
target down again (a refund that failed, a chargeback reversed) gives the money back to the
invoices it was taken from, as far as they are still open.

Only the target is an input, never a delta, so calling it with the same final target in any
order of events gives the same balances: that is what makes refund, dispute and resolution
arrival order irrelevant (``recon.allocation.disputes`` is idempotent in the same way).
Never commits; audited through the services it calls.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import money_back
from recon.allocation import adjustments, allocations, decisions
from recon.models import (
    ACTIVE_STATUSES,
    REFUNDED_AFTER_PAYMENT,
    Adjustment,
    GatewayTransaction,
    Invoice,
    Match,
    StatementLine,
)
from recon.money import from_minor

__all__ = [
    "REASON",
    "REOPENED",
    "take_back",
    "taken_back",
    "write_off_reopened",
]

REASON = "refunded after payment"
REOPENED = REFUNDED_AFTER_PAYMENT  # the queue cause of a receipt whose money went back
_Receipt = GatewayTransaction | StatementLine


def _fk(receipt: _Receipt) -> dict[str, int]:
    if isinstance(receipt, StatementLine):
        return {"statement_line_id": receipt.id}
    return {"gateway_txn_id": receipt.id}


def _gross(receipt: _Receipt) -> int:
    return receipt.amount_minor if isinstance(receipt, StatementLine) else receipt.gross_minor


def _booked(session: Session, receipt: _Receipt, *, lock: bool = True) -> list[Adjustment]:
    ((column, value),) = _fk(receipt).items()
    query = (
        select(Adjustment)
        .filter_by(**{column: value}, kind="refund", status="applied")
        .where(Adjustment.reason.like(f"{REASON}%"))
        .order_by(Adjustment.id)
    )
    return list(session.scalars(query.with_for_update() if lock else query))


def taken_back(session: Session, receipt: _Receipt) -> int:
    """How much of the receipt is booked as gone back to the payer (minor units; no lock)."""
    return sum(a.amount_minor for a in _booked(session, receipt, lock=False))


def _matches(session: Session, receipt: _Receipt, statuses: tuple[str, ...]) -> list[Match]:
    column = Match.statement_line_id if isinstance(receipt, StatementLine) else Match.gateway_txn_id
    return list(
        session.scalars(
            select(Match)
            .where(column == receipt.id, Match.status.in_(statuses))
            .order_by(Match.id.desc())
            .with_for_update()
        )
    )


def invoices_of(session: Session, receipt: _Receipt) -> list[Invoice]:
    """Invoices the receipt pays or paid before money was taken back (locked, by id)."""
    matches = _matches(session, receipt, (*ACTIVE_STATUSES, "undone"))
    ids = sorted(
        {
            a.invoice_id
            for m in matches
            for a in m.allocations
            if m.status in ACTIVE_STATUSES or m.close_reason == REASON
        }
    )
    if not ids:
        return []
    return list(
        session.scalars(
            select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id).with_for_update()
        )
    )


def take_back(
    session: Session, receipt: _Receipt, target_minor: int, *, actor: str, detail: str = ""
) -> int:
    """Make exactly ``target_minor`` of the receipt count as returned; returns how much of the
    invoices it paid this call reopened (minor units, 0 when nothing was paid or moved)."""
    target = max(0, min(target_minor, _gross(receipt)))
    booked = _booked(session, receipt)
    current = sum(a.amount_minor for a in booked)
    if target == current:
        return 0
    reason = f"{REASON}: {detail}" if detail else REASON
    for adj in booked:  # start from nothing taken back, then book the new target once
        adjustments.reverse(session, adj, actor, reason)
    if target < current:
        restored = _restore(session, receipt, current - target, actor=actor)
        money_back.reduce(session, receipt, REOPENED, restored, actor=actor)
    missing = target - (
        receipt.unapplied_minor
        if isinstance(receipt, GatewayTransaction)
        else receipt.amount_minor - receipt.allocated_minor
    )
    reopened = _reopen(session, receipt, missing, actor=actor) if missing > 0 else 0
    if reopened:  # a person decides: re-invoice, write off or dismiss (the queue item)
        money_back.raise_item(session, receipt, REOPENED, reopened, detail=reason, actor=actor)
    if target:
        adjustments.add_adjustment(
            session,
            kind="refund",
            amount=from_minor(target, receipt.currency),
            actor=actor,
            limit=Decimal(0),
            reason=reason,
            **_fk(receipt),
        )
    return reopened


def _reopen(session: Session, receipt: _Receipt, amount: int, *, actor: str) -> int:
    """Undo the receipt's confirmed matches (newest first) and re-create them ``amount`` less;
    returns the amount the invoices reopened by."""
    wanted = amount
    for match in _matches(session, receipt, ACTIVE_STATUSES):
        if amount <= 0:
            break
        kept = [(a.invoice_id, a.amount_minor, a.currency) for a in match.allocations]
        status, kind, reasons = match.status, match.kind, list(match.reasons or [])
        decisions.undo_match(session, match.id, actor=actor, reason=REASON)
        specs = []
        for invoice_id, minor, currency in reversed(kept):  # the last allocation gives first
            cut = min(amount, minor)
            amount -= cut
            if cut:
                invoice = session.get(Invoice, invoice_id)
                assert invoice is not None
                invoice.refunded_minor += cut
            if minor - cut:
                specs.append(
                    allocations.AllocationSpec(invoice_id, from_minor(minor - cut, currency))
                )
        if specs:
            allocations.create_match(
                session,
                receipt=receipt,
                status=status,
                actor=actor,
                kind=kind,
                allocations=list(reversed(specs)),
                reasons=[
                    *reasons,
                    {"feature": "money_back", "level": "reopened", "detail": REASON},
                ],
            )
    return wanted - max(amount, 0)


def _restore(session: Session, receipt: _Receipt, amount: int, *, actor: str) -> int:
    """Give back to the invoices this receipt reopened, as far as they are still open;
    returns how much was given back."""
    wanted = amount
    specs = []
    for invoice in invoices_of(session, receipt):
        give = min(amount, invoice.refunded_minor, invoice.open_minor)
        if give <= 0 or invoice.status == "cancelled":
            continue
        invoice.refunded_minor -= give
        amount -= give
        specs.append(allocations.AllocationSpec(invoice.id, from_minor(give, invoice.currency)))
    if specs:
        allocations.create_match(
            session,
            receipt=receipt,
            status="auto",
            actor=actor,
            kind="receipt_invoice" if isinstance(receipt, StatementLine) else "gateway_invoice",
            allocations=specs,
            reasons=[{"feature": "money_back", "level": "restored", "detail": REASON}],
        )
    return wanted - amount


def write_off_reopened(
    session: Session, receipt: _Receipt, *, limit: Decimal | adjustments.LimitPolicy,
    actor: str, reason: str,
) -> list[Adjustment]:
    """Write off what the money going back left open on the invoices this receipt paid (a
    person decided not to re-invoice): one ``write_off`` per invoice, through the controls --
    above the write-off limit it waits for a second person (``pending_approval``)."""
    written = []
    for invoice in invoices_of(session, receipt):
        amount = min(invoice.refunded_minor, invoice.open_minor)
        if amount <= 0 or invoice.status == "cancelled":
            continue
        written.append(adjustments.add_adjustment(
            session, kind="write_off", amount=from_minor(amount, invoice.currency),
            actor=actor, limit=limit, invoice_id=invoice.id,
            reason=f"{REASON}: {reason}"))
    return written
