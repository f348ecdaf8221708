"""A charge's refunds, seen both as a cumulative amount and one by one, count once.

Stripe's ``charge.refunded`` webhook (API 2022-11-15 and later) carries only the charge's
cumulative ``amount_refunded``; it is kept as one record ``<charge>:refund``. Settlement
reports, the balance-transaction API and older webhooks itemise each refund (``re_...``), which
name the charge (or its payment intent) in ``related_id``. When both exist for a charge, the
cumulative record keeps only what the itemised ones do not explain yet -- cumulative minus the
itemised refunds, never below zero -- with status ``itemised`` once nothing is left. So a
refund reported by webhook and by report is counted once, and one not yet in any report is
still counted.

The cumulative amount and status the gateway last said are kept in ``raw["observed"]``:
`gateway_txns.upsert` merges a new delivery with that observation, not with the remainder, so
the result is the same whatever order deliveries and reports arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import audit
from recon.models import GatewayTransaction as Txn

__all__ = ["CUMULATIVE", "is_cumulative", "observed", "reconcile_after"]

CUMULATIVE = ":refund"  # gateway_id suffix of a charge's cumulative refund record
COUNTED = ("succeeded", "pending")  # itemised refunds that take money back (not failed ones)


def is_cumulative(row: Txn) -> bool:
    return row.kind == "refund" and row.gateway_id.endswith(CUMULATIVE)


def observed(row: Txn) -> tuple[int, str]:
    """(gross_minor, status) of a cumulative record as the gateway said it."""
    seen = (row.raw or {}).get("observed") or {}
    return int(seen.get("gross_minor", row.gross_minor)), str(seen.get("status", row.status))


def reconcile_after(session: Session, row: Txn, *, actor: str) -> None:
    """Re-derive the cumulative refund records that the refund `row` bears on."""
    if row.kind != "refund":
        return
    for cumulative in _cumulatives_for(session, row):
        _apply(session, cumulative, actor=actor)


def _cumulatives_for(session: Session, row: Txn) -> Iterable[Txn]:
    if is_cumulative(row):
        return [row]
    if not row.related_id:
        return []
    charges = {row.related_id, *session.scalars(  # a payment intent names its charges
        select(Txn.gateway_id).where(Txn.gateway == row.gateway, Txn.kind == "charge",
                                     Txn.related_id == row.related_id))}
    return session.scalars(
        select(Txn).where(Txn.gateway == row.gateway, Txn.kind == "refund",
                          Txn.gateway_id.in_(sorted(c + CUMULATIVE for c in charges)))
        .with_for_update().execution_options(populate_existing=True)
    ).all()


def _apply(session: Session, cumulative: Txn, *, actor: str) -> None:
    charge = cumulative.gateway_id.removesuffix(CUMULATIVE)
    keys = {charge, *session.scalars(
        select(Txn.related_id).where(Txn.gateway == cumulative.gateway, Txn.kind == "charge",
                                     Txn.gateway_id == charge, Txn.related_id.is_not(None)))}
    itemised = session.scalars(
        select(Txn.gross_minor).where(
            Txn.gateway == cumulative.gateway, Txn.kind == "refund",
            Txn.related_id.in_(sorted(keys)), Txn.gateway_id != cumulative.gateway_id,
            Txn.currency == cumulative.currency, Txn.status.in_(COUNTED))
    ).all()
    gross, status = observed(cumulative)
    remainder = min(gross - sum(itemised), 0)  # refunds are negative: never a positive rest
    new_status = status if remainder or not itemised else "itemised"
    if (cumulative.gross_minor, cumulative.status) == (remainder, new_status):
        return
    before = {"gross_minor": cumulative.gross_minor, "status": cumulative.status}
    cumulative.gross_minor, cumulative.status = remainder, new_status
    cumulative.net_minor = remainder - cumulative.fee_minor
    audit.record(session, actor=actor, action="gateway_txn.refunds_itemised",
                 object_type="gateway_transaction", object_id=cumulative.id, before=before,
                 after={"gross_minor": remainder, "status": new_status,
                        "observed_gross_minor": gross, "itemised": len(itemised)})
