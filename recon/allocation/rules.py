"""The money rules of a new match, on plain values: the one home of each check.

`allocations.create_match` (one match, ORM rows) and `bulk.create_matches_bulk` (many matches,
columns and set-based inserts) both call these, so the two paths refuse exactly the same things
with the same words. Each check raises ``InvariantError``; nothing here touches the database.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from recon.errors import Code, Codes, InvariantError
from recon.models import ADJUSTMENT_KINDS, ORIGINS
from recon.money import Money, minor_text, to_minor

__all__ = [
    "ORIGIN_OF",
    "adjustment_minor",
    "adjustment_snapshot",
    "allocation_minor",
    "check_adjustment_kind",
    "check_adjustment_target",
    "check_invoice_room",
    "check_new_match",
    "check_receipt_room",
    "check_target_room",
    "match_snapshot",
]

ORIGIN_OF = {"auto": "auto", "suggested": "suggestion", "manual": "manual"}


def check_new_match(
    status: str, origin: str | None, confidence: float, receipt_minor: int, parts: int
) -> str:
    """A new match's status, origin and confidence, and its receipt a credit; returns origin.

    ``parts``: how many allocations and adjustments it has (at least one).
    """
    if status not in ("suggested", "auto", "manual"):
        raise InvariantError("a new match cannot have status %(status)s", code="bad_status",
                             status=Code(status))
    origin = origin or ORIGIN_OF[status]
    if origin not in ORIGINS:
        raise InvariantError("unknown match origin %(origin)s", code="bad_origin", origin=origin)
    if not 0 <= confidence <= 1:
        raise InvariantError("confidence %(confidence)s is outside [0, 1]", code="bad_confidence",
                             confidence=confidence)
    if receipt_minor <= 0:
        raise InvariantError("a debit or refund cannot pay customer invoices", code="debit_receipt")
    if not parts:
        raise InvariantError("a match needs at least one allocation or adjustment",
                             code="empty_match")
    return origin


def allocation_minor(
    receipt_currency: str, invoice_currency: str, invoice_no: str,
    amount: Decimal, receipt_amount: Decimal | None,
) -> tuple[int, int | None]:
    """(amount in the invoice's minor units, receipt amount in the receipt's or None)."""
    minor = to_minor(amount, invoice_currency)
    receipt_minor = None
    if invoice_currency != receipt_currency:
        if receipt_amount is None:
            raise InvariantError(
                "a %(receipt_currency)s receipt for %(invoice)s in %(invoice_currency)s needs "
                "the receipt amount (an FX rate rule)", code="fx_needs_receipt_amount",
                receipt_currency=receipt_currency, invoice=invoice_no,
                invoice_currency=invoice_currency)
        receipt_minor = to_minor(receipt_amount, receipt_currency)
        if receipt_minor <= 0:
            raise InvariantError("the receipt amount for %(invoice)s must be positive",
                                 code="not_positive", invoice=invoice_no)
    if minor <= 0:
        raise InvariantError("the amount for %(invoice)s must be positive", code="not_positive",
                             invoice=invoice_no)
    return minor, receipt_minor


def check_receipt_room(total: int, available: int, currency: str) -> None:
    """Allocations of one match never take more than the receipt has left."""
    if total > available:
        raise InvariantError(
            "the allocations of %(amount)s exceed the receipt's unapplied %(left)s",
            code="exceeds_unapplied", amount=Money.of_minor(total, currency),
            left=Money.of_minor(available, currency))


def check_invoice_room(
    invoice_no: str, status: str, currency: str, alloc_currency: str, amount: int, open_: int
) -> None:
    """An allocation pays a live invoice in its currency and never more than it has open."""
    if status == "cancelled":
        raise InvariantError("invoice %(invoice)s is cancelled", code="invoice_cancelled",
                             invoice=invoice_no)
    if currency != alloc_currency:  # pragma: no cover - set from the invoice
        raise InvariantError("the allocation's currency differs from %(invoice)s's",
                             code="currency_differs", invoice=invoice_no)
    if amount > open_:
        raise InvariantError(
            "the allocation of %(amount)s to %(invoice)s exceeds its open amount %(left)s",
            code="exceeds_open", amount=Money.of_minor(amount, currency), invoice=invoice_no,
            left=Money.of_minor(open_, currency))


def check_adjustment_kind(kind: str) -> None:
    if kind not in ADJUSTMENT_KINDS:
        raise InvariantError("unknown adjustment kind %(kind)s; one of %(choices)s",
                             code="bad_kind", kind=kind, choices=Codes(ADJUSTMENT_KINDS))


def check_adjustment_target(invoice_id: int | None, line_id: int | None) -> None:
    """A difference booked with a match adjusts an invoice or the match's bank line."""
    if invoice_id is None and line_id is None:
        raise InvariantError("an adjustment needs an invoice or a bank line",
                             code="adjustment_target_missing")


def adjustment_minor(amount: Decimal, currency: str) -> int:
    minor = to_minor(amount, currency)
    if minor <= 0:
        raise InvariantError("an adjustment amount must be positive", code="not_positive")
    return minor


def check_target_room(
    kind: str, amount: int, currency: str, room: int, invoice_no: str | None
) -> None:
    """An adjustment never books more than its target has left: an invoice's open amount
    (``invoice_no`` given) or a bank line's unapplied (``invoice_no`` None)."""
    if amount <= room:
        return
    what, left = Money.of_minor(amount, currency), Money.of_minor(room, currency)
    if invoice_no is None:
        raise InvariantError("%(kind)s of %(amount)s exceeds the line's unapplied %(left)s",
                             code="exceeds_unapplied", kind=Code(kind), amount=what, left=left)
    raise InvariantError("%(kind)s of %(amount)s exceeds the open %(left)s of %(invoice)s",
                         code="exceeds_open", kind=Code(kind), amount=what, left=left,
                         invoice=invoice_no)


def match_snapshot(
    status: str, origin: str | None, confidence: float,
    allocations: list[tuple[int, int, str, int | None]], unapplied: int, currency: str,
) -> dict[str, Any]:
    """What the audit trail keeps of a match; ``allocations``: (invoice id, amount minor,
    invoice currency, receipt amount minor or None)."""
    return {
        "status": status,
        "origin": origin,
        "confidence": confidence,
        "allocations": [_alloc_snapshot(*a) for a in allocations],
        "unapplied": minor_text(unapplied, currency),
    }


def _alloc_snapshot(
    invoice_id: int, amount: int, currency: str, receipt_amount: int | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"invoice_id": invoice_id, "amount": minor_text(amount, currency)}
    if receipt_amount is not None:
        out["currency"] = currency
        out["receipt_amount_minor"] = receipt_amount
    return out


def adjustment_snapshot(row: dict[str, Any]) -> dict[str, object]:
    """What the audit trail keeps of an adjustment (``row``: its column values)."""
    return {
        "kind": row["kind"],
        "status": row["status"],
        "amount": minor_text(row["amount_minor"], row["currency"]),
        "invoice_id": row.get("invoice_id"),
        "statement_line_id": row.get("statement_line_id"),
        "gateway_txn_id": row.get("gateway_txn_id"),
        "prepared_by": row["prepared_by"],
        "approved_by": row.get("approved_by"),
    }
