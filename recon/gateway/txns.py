"""Persist normalised gateway transactions and settle the invoices they name (service layer).

`upsert` stores a `gateways.GatewayTxn` as a `GatewayTransaction` row: the first observation
inserts (``INSERT .. ON CONFLICT DO NOTHING`` on the unique (gateway, kind, gateway_id), so two
concurrent writers cannot both insert), later ones are combined with `gateways.merge` under a row
lock -- a later status wins, a cumulative refund only grows, a fee learnt from a report or the API
fills the gap -- so the stored record is the same whatever order the observations arrive in.

`settle` applies a succeeded charge to the invoice its order reference names, through the
allocation service (one ``auto`` match), once.  It returns an exception code for a person when
the invoice is unknown, in another currency, of another amount, or already settled.
Never commits; raises `recon.money.MoneyError` for amounts the currency cannot hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateways import GatewayTxn, merge
from matching.refs import full_key
from recon import audit
from recon.allocation import allocations
from recon.db.types import as_utc, utcnow
from recon.gateway import refunds as gateway_refunds
from recon.gateway.upsert import insert_ignore_returning
from recon.models import SETTLED_CHARGE_STATUSES, GatewayTransaction, Invoice
from recon.money import from_minor, to_minor

__all__ = ["Upserted", "settle", "to_record", "upsert"]

_TXN_KEY = ("gateway", "kind", "gateway_id")


@dataclass(frozen=True)
class Upserted:
    row: GatewayTransaction
    created: bool
    changed: bool


def to_record(row: GatewayTransaction) -> GatewayTxn:
    """The stored row back as a `GatewayTxn` (fee ``None`` when no source has said it); a
    cumulative refund as the gateway said it, not the remainder `gateway_refunds` left."""
    raw = dict(row.raw or {})
    fee_known = bool(raw.get("fee_known"))
    gross_minor, status = gateway_refunds.observed(row)
    gross = from_minor(gross_minor, row.currency)
    fee = row.fee if fee_known else None
    return GatewayTxn(
        gateway=row.gateway, gateway_id=row.gateway_id, kind=row.kind,  # type: ignore[arg-type]
        gross=gross, currency=row.currency, occurred_at=as_utc(row.occurred_at),
        status=status, fee=fee, net=gross - fee if fee is not None else None,
        order_ref=row.order_ref, payout_id=row.payout_id,
        related_id=row.related_id or raw.get("related_id"), payer=dict(raw.get("payer") or {}),
        raw=raw.get("source_raw") or {},
    )


def _values(txn: GatewayTxn, *, source: str, event_id: int | None) -> dict[str, Any]:
    fee = txn.fee if txn.fee is not None else Decimal(0)
    net = txn.net if txn.net is not None else txn.gross - fee
    payer = dict(txn.payer)
    return {
        "gateway": txn.gateway, "gateway_id": txn.gateway_id, "kind": txn.kind,
        "status": txn.status, "currency": txn.currency,
        "gross_minor": to_minor(txn.gross, txn.currency),
        "fee_minor": to_minor(fee, txn.currency),
        "net_minor": to_minor(net, txn.currency),
        "occurred_at": txn.occurred_at or utcnow(), "order_ref": txn.order_ref,
        "payout_id": txn.payout_id, "related_id": (txn.related_id or "")[:128] or None,
        "payer_hint": " ".join(v for k, v in sorted(payer.items()) if k in ("name", "email"))[:255]
        or None,
        "source": source, "event_id": event_id,
        "raw": audit.jsonable({"fee_known": txn.fee is not None, "related_id": txn.related_id,
                               "payer": payer, "source_raw": dict(txn.raw),
                               **_observed(txn)}),
    }


def _observed(txn: GatewayTxn) -> dict[str, Any]:
    """What the gateway said of a cumulative refund, kept beside the derived remainder."""
    if txn.kind != "refund" or not txn.gateway_id.endswith(gateway_refunds.CUMULATIVE):
        return {}
    return {"observed": {"gross_minor": to_minor(txn.gross, txn.currency),
                         "status": txn.status}}


def _snapshot(row: GatewayTransaction) -> dict[str, Any]:
    return {"status": row.status, "gross": row.gross, "fee": row.fee, "net": row.net,
            "order_ref": row.order_ref, "payout_id": row.payout_id}


def upsert(
    session: Session, txn: GatewayTxn, *, source: str, actor: str, event_id: int | None = None
) -> Upserted:
    """Insert or merge one observation; audit rows for a creation or a change."""
    values = _values(txn, source=source, event_id=event_id)
    row = insert_ignore_returning(session, GatewayTransaction, values, _TXN_KEY)
    if row is not None:
        audit.record(session, actor=actor, action="gateway_txn.create",
                     object_type="gateway_transaction", object_id=row.id, after=_snapshot(row))
        gateway_refunds.reconcile_after(session, row, actor=actor)
        return Upserted(row, created=True, changed=True)
    row = session.scalars(
        select(GatewayTransaction)
        .filter_by(gateway=txn.gateway, kind=txn.kind, gateway_id=txn.gateway_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    before = _snapshot(row)
    merged = _values(merge(to_record(row), txn), source=row.source, event_id=row.event_id)
    for key in ("status", "gross_minor", "fee_minor", "net_minor", "occurred_at", "order_ref",
                "payout_id", "related_id", "payer_hint", "raw"):
        setattr(row, key, merged[key])
    gateway_refunds.reconcile_after(session, row, actor=actor)
    after = _snapshot(row)
    if after == before:
        return Upserted(row, created=False, changed=False)
    audit.record(session, actor=actor, action="gateway_txn.update",
                 object_type="gateway_transaction", object_id=row.id, before=before, after=after)
    return Upserted(row, created=False, changed=True)


def _invoice_named(session: Session, order_ref: str) -> Invoice | None:
    """The invoice an order reference names (locked): its exact number, else the one invoice
    whose reference key (``matching.refs.full_key``, as the matcher compares) is the same."""
    exact = session.scalars(
        select(Invoice).filter_by(invoice_no=order_ref).with_for_update()
    ).one_or_none()
    if exact is not None:
        return exact
    key = full_key(order_ref)
    found = session.scalars(
        select(Invoice).filter_by(ref_key=key).limit(2).with_for_update()
    ).all() if key else []
    return found[0] if len(found) == 1 else None


def settle(session: Session, row: GatewayTransaction, *, actor: str) -> str | None:
    """Apply a succeeded charge to the invoice named by its order reference, at most once.

    Returns ``None`` when settled (or nothing to do), else an exception code for a person:
    ``unknown_order``, ``currency_mismatch``, ``amount_mismatch``, ``invoice_not_open``.
    """
    if row.kind != "charge" or row.status not in SETTLED_CHARGE_STATUSES or not row.order_ref:
        return None
    if row.allocated_minor > 0:
        return None  # settled by an earlier delivery or a person
    invoice = _invoice_named(session, row.order_ref)
    if invoice is None:
        return "unknown_order"
    if invoice.currency != row.currency:
        return "currency_mismatch"
    if invoice.amount_minor != row.gross_minor:
        return "amount_mismatch"
    if invoice.status == "cancelled" or invoice.open_minor < row.gross_minor:
        return "invoice_not_open"
    allocations.create_match(
        session, receipt=row, status="auto", actor=actor, kind="gateway_invoice", origin="gateway",
        allocations=[allocations.AllocationSpec(invoice.id, row.gross)],
        reasons=[{"feature": "order_ref", "level": "exact", "detail": row.order_ref}],
    )
    return None
