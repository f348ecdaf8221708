"""Read side of one receipt in the exception queue (service layer): what the detail page shows.

``receipt_detail`` returns the receipt as the bank or gateway sent it, its open suggestions with
the matcher's reasons and weights, its confirmed matches (undoable) and its adjustments;
``search_open_invoices`` finds invoices to match by number, customer or amount (the write-offs
waiting for a second person are ``recon.queue.pending_writeoffs``). Raises ``NotFound``.

Data contract with the matching service (``Match.reasons`` / ``Match.alternatives`` JSON): each
reason is ``{"feature", "level", "weight", "detail"}`` (``dataclasses.asdict`` of
``matching.model.Reason``) or the list ``[feature, level, weight, detail]``; alternatives is a
list (empty when there are none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from recon.errors import Code, NotFound
from recon.models import (
    ACTIVE_STATUSES,
    OPEN_INVOICE_STATUSES,
    Adjustment,
    Customer,
    GatewayTransaction,
    Invoice,
    Match,
    StatementLine,
)
from recon.money import to_minor
from recon.queue.listing import QueueItem, queue_item
from recon.queue.search_amount import search_amount

__all__ = [
    "ReasonView",
    "ReceiptDetail",
    "reasons_of",
    "receipt_detail",
    "receipt_of",
    "search_open_invoices",
]

RECEIPT_KINDS = {"line": StatementLine, "charge": GatewayTransaction}


@dataclass(frozen=True)
class ReasonView:
    feature: str
    level: str
    weight: float | None
    detail: str


@dataclass(frozen=True)
class ReceiptDetail:
    item: QueueItem
    receipt: StatementLine | GatewayTransaction
    suggestions: tuple[Match, ...]
    matches: tuple[Match, ...]  # confirmed (auto/manual): can be undone
    history: tuple[Match, ...]  # rejected, undone, superseded
    adjustments: tuple[Adjustment, ...]
    invoices: dict[int, Invoice]
    payout: GatewayTransaction | None = None  # the payout this bank deposit is paired with
    payout_txns: tuple[GatewayTransaction, ...] = ()  # its charges, refunds and fees

    @property
    def raw(self) -> str:
        raw = self.receipt.raw
        if isinstance(raw, dict):
            import json

            return json.dumps(raw, indent=2, ensure_ascii=False, sort_keys=True)
        return raw or ""


def reasons_of(data: Sequence[Any] | None) -> list[ReasonView]:
    """Normalise stored reasons (dicts or ``[feature, level, weight, detail]`` lists)."""
    out = []
    for r in data or ():
        if isinstance(r, dict):
            out.append(
                ReasonView(
                    str(r.get("feature", "")),
                    str(r.get("level", "")),
                    _float(r.get("weight")),
                    str(r.get("detail", "")),
                )
            )
        elif isinstance(r, list | tuple) and r:
            padded = [*r, None, None, None][:4]
            out.append(
                ReasonView(
                    str(padded[0]), str(padded[1] or ""), _float(padded[2]), str(padded[3] or "")
                )
            )
        else:
            out.append(ReasonView("note", "", None, str(r)))
    return out


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def receipt_of(session: Session, kind: str, receipt_id: int) -> StatementLine | GatewayTransaction:
    """The receipt row named by the queue's ``kind`` (``line``/``charge``) and id."""
    model = RECEIPT_KINDS.get(kind)
    row = session.get(model, receipt_id) if model else None
    if row is None:
        raise NotFound("%(kind)s %(id)s does not exist", code="receipt_not_found",
                       kind=Code(kind), id=receipt_id)
    return row


def receipt_detail(session: Session, kind: str, receipt_id: int) -> ReceiptDetail:
    """Everything the receipt page shows, loaded in a few queries."""
    receipt = receipt_of(session, kind, receipt_id)
    column = Match.statement_line_id if kind == "line" else Match.gateway_txn_id
    matches = session.scalars(
        sa.select(Match)
        .where(column == receipt_id)
        .options(selectinload(Match.allocations), selectinload(Match.adjustments))
        .order_by(Match.id.desc())
    ).all()
    target = Adjustment.statement_line_id if kind == "line" else Adjustment.gateway_txn_id
    adjustments: Sequence[Adjustment] = session.scalars(
        sa.select(Adjustment).where(target == receipt_id).order_by(Adjustment.id.desc())
    ).all()
    invoice_ids = {a.invoice_id for m in matches for a in m.allocations}
    invoices = _invoices(session, invoice_ids)
    payout = next((m.gateway_txn for m in matches
                   if m.kind == "payout_deposit" and m.status in ACTIVE_STATUSES), None)
    return ReceiptDetail(
        item=queue_item(session, kind, receipt_id),
        receipt=receipt,
        suggestions=tuple(m for m in matches if m.status == "suggested"),
        matches=tuple(m for m in matches if m.status in ACTIVE_STATUSES),
        history=tuple(m for m in matches if m.status not in (*ACTIVE_STATUSES, "suggested")),
        adjustments=tuple(adjustments),
        invoices=invoices,
        payout=payout,
        payout_txns=_payout_txns(session, payout),
    )


def _payout_txns(session: Session, payout: GatewayTransaction | None) -> tuple[Any, ...]:
    """What the gateway paid out in ``payout``: the transactions carrying its payout id."""
    if payout is None or not payout.payout_id:
        return ()
    return tuple(session.scalars(
        sa.select(GatewayTransaction)
        .where(GatewayTransaction.payout_id == payout.payout_id,
               GatewayTransaction.gateway == payout.gateway,
               GatewayTransaction.kind != "payout")
        .order_by(GatewayTransaction.occurred_at, GatewayTransaction.id)
    ))


def _invoices(session: Session, ids: set[int]) -> dict[int, Invoice]:
    if not ids:
        return {}
    rows = session.scalars(
        sa.select(Invoice).where(Invoice.id.in_(ids)).options(selectinload(Invoice.customer))
    )
    return {inv.id: inv for inv in rows}


def search_open_invoices(
    session: Session, query: str, *, currency: str | None = None, limit: int = 20
) -> list[Invoice]:
    """Open or partly paid invoices whose number or customer contains ``query``, or whose
    amount or open amount equals it (``"1,234.50"`` reads as 1234.50)."""
    query = (query or "").strip()
    open_minor = Invoice.amount_minor - Invoice.paid_minor - Invoice.adjusted_minor
    stmt = (
        sa.select(Invoice)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Invoice.status.in_(OPEN_INVOICE_STATUSES))
        .options(selectinload(Invoice.customer))
    )
    if currency:
        stmt = stmt.where(Invoice.currency == currency)
    if query:
        like = f"%{query.lower()}%"
        ors = [
            sa.func.lower(Invoice.invoice_no).like(like),
            sa.func.lower(Customer.name).like(like),
        ]
        amount = _amount(query)
        minor = _minor(amount, currency)
        if minor is not None:
            ors += [Invoice.amount_minor == minor, open_minor == minor]
        stmt = stmt.where(sa.or_(*ors))
    return list(session.scalars(stmt.order_by(Invoice.due_date, Invoice.id).limit(limit)))


def _amount(text: str) -> Decimal | None:
    value = search_amount(text)
    return value if value is not None and value > 0 else None


def _minor(amount: Decimal | None, currency: str | None) -> int | None:
    if amount is None or not currency:
        return None
    try:
        return to_minor(amount, currency)
    except ValueError:  # more decimals than the currency has: no invoice can equal it
        return None
