"""What a person does to a receipt in the exception queue (service layer, never commits).

Each function is one action of the queue UI expressed through the money services
(``recon.allocation``: ``allocations``, ``decisions`` and ``adjustments``), so the rules and the
audit trail are theirs: a view frames it in ``with session_factory.begin()``. Raises
``ServiceError`` subclasses (``InvariantError``, ``ApprovalError``, ``NotFound``) for what a
person got wrong.
An action on a match or an adjustment reached through a receipt's URL first checks that it is
that receipt's (``check_owner``): another receipt's object is ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon.allocation import adjustments, allocations, decisions, targets
from recon.allocation.adjustments import LimitPolicy
from recon.allocation.allocations import AdjustmentSpec, AllocationSpec
from recon.errors import Code, Codes, InvariantError, NotFound
from recon.models import Adjustment, Invoice, Match, StatementLine
from recon.money import Money, from_minor
from recon.queue.detail import receipt_of

__all__ = [
    "CLASSIFY_KINDS",
    "DIFFERENCE_KINDS",
    "ManualRow",
    "bulk_accept",
    "check_owner",
    "classify",
    "manual_match",
    "undo",
    "undo_adjustment",
    "withdraw",
    "write_off",
]

DIFFERENCE_KINDS = ("bank_fee", "fx_difference", "discount")  # close an invoice's shortfall
CLASSIFY_KINDS = ("other_income", "own_transfer", "refund")  # what a receipt is, if no invoice


@dataclass(frozen=True)
class ManualRow:
    invoice_id: int
    amount: Decimal


def manual_match(
    session: Session,
    *,
    kind: str,
    receipt_id: int,
    rows: Sequence[ManualRow],
    actor: str,
    limit: Decimal | LimitPolicy,
    difference: str | None = None,
    rest: str | None = None,
) -> Match:
    """Match a receipt by hand to one or several invoices with the amounts the person typed.

    ``difference`` books each invoice's shortfall (open minus allocated) as a bank fee, FX
    difference or discount, at most ``limit`` in total (above it, it is a write-off for a second
    person); ``rest`` classifies what is left of a bank line (split), else it stays unapplied.
    """
    receipt = receipt_of(session, kind, receipt_id)
    allocs = [AllocationSpec(r.invoice_id, r.amount) for r in rows if r.amount != 0]
    adjs = _differences(session, rows, difference, limit) if difference else []
    if rest:
        adjs += _rest(receipt, allocs, rest, limit)
    return allocations.create_match(
        session, receipt=receipt, allocations=allocs, status="manual", actor=actor,
        adjustments_=adjs, reasons=[{"feature": "manual", "level": "by hand", "weight": None,
                                     "detail": f"matched by {actor}"}],
    )  # fmt: skip


def _differences(
    session: Session, rows: Sequence[ManualRow], kind: str, limit: Decimal | LimitPolicy
) -> list[AdjustmentSpec]:
    if kind not in DIFFERENCE_KINDS:
        raise InvariantError("a difference is one of %(choices)s, not %(kind)s",
                             code="bad_kind", choices=Codes(DIFFERENCE_KINDS), kind=kind)
    out = []
    for row in rows:
        invoice = session.get(Invoice, row.invoice_id)
        if invoice is None:
            raise NotFound("invoice %(id)s does not exist", code="invoice_not_found",
                           id=row.invoice_id)
        gap = invoice.open_amount - row.amount
        if gap > 0:
            out.append(AdjustmentSpec(kind, gap, invoice_id=invoice.id, reason="manual match"))
    total = sum((a.amount for a in out), Decimal(0))
    cap = adjustments.limit_of(limit, invoice.currency) if out else Decimal(0)
    if total > cap:
        raise InvariantError(
            "the difference %(amount)s is above the limit %(limit)s: write it off for approval",
            code="above_limit", amount=Money(total, invoice.currency),
            limit=Money(cap, invoice.currency))
    return out


def _rest(receipt, allocs: Sequence[AllocationSpec], kind: str,
          limit: Decimal) -> list[AdjustmentSpec]:
    if kind not in CLASSIFY_KINDS:
        raise InvariantError("the rest is one of %(choices)s, not %(kind)s", code="bad_kind",
                             choices=Codes(CLASSIFY_KINDS), kind=kind)
    if not isinstance(receipt, StatementLine):
        raise InvariantError("only a bank line's rest can be classified", code="not_a_line")
    left = receipt.unapplied - sum((a.amount for a in allocs), Decimal(0))
    if kind in adjustments.NEEDS_APPROVAL and left > limit:  # the four eyes of a write-off
        raise InvariantError("the rest %(amount)s is above the limit %(limit)s: classify it on "
                             "its own, for approval", code="above_limit",
                             amount=Money(left, receipt.currency),
                             limit=Money(limit, receipt.currency))
    return [AdjustmentSpec(kind, left, reason="split")] if left > 0 else []


def classify(
    session: Session,
    *,
    line_id: int,
    kind: str,
    actor: str,
    limit: Decimal | LimitPolicy,
    amount: Decimal | None = None,
    reason: str | None = None,
    receipt_kind: str = "line",
) -> Adjustment:
    """Mark (the rest of) a bank line -- or a gateway charge (``receipt_kind="charge"``, id in
    ``line_id``) -- as other income, an own transfer or a refund."""
    if kind not in CLASSIFY_KINDS:
        raise InvariantError("a receipt is classified as one of %(choices)s", code="bad_kind",
                             choices=Codes(CLASSIFY_KINDS))
    return _stand_alone(session, receipt_kind, line_id, kind=kind, amount=amount, actor=actor,
                        limit=limit, reason=reason)


def write_off(
    session: Session,
    *,
    line_id: int,
    actor: str,
    limit: Decimal | LimitPolicy,
    reason: str,
    amount: Decimal | None = None,
    receipt_kind: str = "line",
) -> Adjustment:
    """Write off (part of) a bank line or gateway charge; above ``limit`` it waits for an
    approver."""
    if not reason or not reason.strip():
        raise InvariantError("a write-off needs a reason", code="reason_missing")
    return _stand_alone(session, receipt_kind, line_id, kind="write_off", amount=amount,
                        actor=actor, limit=limit, reason=reason)


def _stand_alone(session: Session, receipt_kind: str, receipt_id: int, *, kind: str,
                 amount: Decimal | None, actor: str, limit: Decimal | LimitPolicy,
                 reason: str | None) -> Adjustment:
    if receipt_kind == "charge":
        charge = receipt_of(session, "charge", receipt_id)
        if charge.kind != "charge":
            raise InvariantError("gateway record %(id)s is a %(kind)s, not a charge",
                                 code="not_a_charge", id=receipt_id, kind=Code(charge.kind))
        rest = from_minor(charge.unapplied_minor, charge.currency)
        return adjustments.add_adjustment(
            session, kind=kind, amount=amount if amount is not None else rest, actor=actor,
            limit=limit, gateway_txn_id=charge.id, reason=reason)
    line = _line(session, receipt_id)
    return adjustments.add_adjustment(
        session, kind=kind, amount=amount if amount is not None else line.unapplied,
        actor=actor, limit=limit, statement_line_id=line.id, reason=reason,
    )  # fmt: skip


def bulk_accept(session: Session, match_ids: Sequence[int], *, actor: str) -> list[Match]:
    """Accept several suggestions at once: all of them or, on the first error, none."""
    if not match_ids:
        raise InvariantError("select at least one suggestion", code="nothing_selected")
    return [
        decisions.confirm_match(session, mid, actor=actor) for mid in dict.fromkeys(match_ids)
    ]


def check_owner(session: Session, kind: str, receipt_id: int, *, match_id: int | None = None,
                adjustment_id: int | None = None) -> None:
    """``NotFound`` unless the match / adjustment belongs to the receipt ``kind`` ``receipt_id``
    (a URL names both: the receipt's id must not be decoration)."""
    line = kind == "line"
    checks = []
    if match_id is not None:
        column = Match.statement_line_id if line else Match.gateway_txn_id
        checks.append(("match", match_id, sa.select(Match.id).where(
            Match.id == match_id, column == receipt_id)))
    if adjustment_id is not None:
        column = Adjustment.statement_line_id if line else Adjustment.gateway_txn_id
        checks.append(("adjustment", adjustment_id, sa.select(Adjustment.id).where(
            Adjustment.id == adjustment_id, column == receipt_id)))
    for name, object_id, query in checks:
        if session.scalar(query) is None:
            raise NotFound("%(object)s %(id)s does not belong to this receipt", code="not_owned",
                           object=Code(name), id=object_id)


def undo(session: Session, match_id: int, *, actor: str, reason: str) -> Match:
    """Undo a confirmed match (invoices reopen; the receipt returns to the queue)."""
    return decisions.undo_match(session, match_id, actor=actor, reason=reason)


def undo_adjustment(session: Session, adjustment_id: int, *, actor: str, reason: str) -> Adjustment:
    """Undo a stand-alone applied adjustment (classification or write-off) of a bank line or
    a gateway charge."""
    if not reason or not reason.strip():
        raise InvariantError("undo needs a reason", code="reason_missing")
    adj = session.get(Adjustment, adjustment_id, with_for_update=True)
    if adj is None:
        raise NotFound("adjustment %(id)s does not exist", code="adjustment_not_found",
                       id=adjustment_id)
    if adj.match_id is not None:
        raise InvariantError("adjustment %(id)s belongs to match %(match)s: undo that",
                             code="part_of_match", id=adjustment_id, match=adj.match_id)
    adjustments.reverse(session, adj, actor, reason)
    return adj


def withdraw(session: Session, adjustment_id: int, *, actor: str,
             reason: str | None = None) -> Adjustment:
    """The preparer takes back a write-off still waiting for approval."""
    return adjustments.withdraw(session, adjustment_id, actor=actor, reason=reason)


def _line(session: Session, line_id: int) -> StatementLine:
    try:
        line = targets.line(session, line_id)
    except NotFound:
        raise NotFound("bank line %(id)s does not exist", code="line_not_found",
                       id=line_id) from None
    if line.unapplied_minor <= 0:
        raise InvariantError("bank line %(id)s has nothing left to clear", code="nothing_left",
                             id=line_id)
    return line
