"""Normalise verified Stripe events into `GatewayTxn` records (leaf layer, after `stripe.verify`).

Dispatch is a table, `HANDLERS`, keyed by event type; an unknown type yields no records (the
caller stores and acknowledges it).  Canonical ids are chosen so that every source of one money
movement lands on one record: a payment is keyed by its **charge** id (what balance transactions
and reports call `source_id`), whether it arrives as ``payment_intent.succeeded`` or
``charge.succeeded``; a dispute by its ``dp_`` id; a payout by its ``po_`` id.  Refunds are the
charge's cumulative ``amount_refunded`` (the refund list is not embedded since API 2022-11-15),
keyed ``<charge>:refund``, unless the event embeds the refund objects.  Raises `WebhookRejected`
(``malformed``) when a known event lacks its amount fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from gateways.errors import WebhookRejected
from gateways.model import GatewayTxn, VerifiedEvent
from gateways.money import from_stripe_minor

GATEWAY = "stripe"
# Metadata keys that may carry our invoice / order number, first match wins.
ORDER_REF_KEYS = ("invoice_no", "invoice_number", "invoice", "order_id", "order_no", "order_ref")

Handler = Callable[[VerifiedEvent, Mapping[str, Any]], list[GatewayTxn]]


def when(epoch: object) -> datetime | None:
    """Unix seconds (as Stripe sends them) to an aware UTC datetime; ``None`` if absent or
    outside the years a datetime can hold."""
    if isinstance(epoch, bool) or not isinstance(epoch, int):
        return None
    try:
        return datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def order_ref(metadata: object) -> str | None:
    """Our invoice/order number from Stripe metadata, if any known key carries one."""
    if not isinstance(metadata, Mapping):
        return None
    for key in ORDER_REF_KEYS:
        value = metadata.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _payer(obj: Mapping[str, Any]) -> dict[str, str]:
    """Hints for matching the payer: name, e-mail, customer id, card last four only."""
    billing = obj.get("billing_details") or {}
    card = (obj.get("payment_method_details") or {}).get("card") or {}
    customer = obj.get("customer")
    hints = {
        "name": billing.get("name"),
        "email": billing.get("email") or obj.get("receipt_email"),
        "customer": customer if isinstance(customer, str) else None,
        "card_last4": card.get("last4"),
    }
    return {k: str(v) for k, v in hints.items() if v}


def _amount(obj: Mapping[str, Any], key: str, event: VerifiedEvent) -> tuple[Any, str]:
    amount, currency = obj.get(key), obj.get("currency")
    if isinstance(amount, bool) or not isinstance(amount, int) or not isinstance(currency, str):
        raise WebhookRejected(
            "malformed", f"{key}/currency missing or not minor units",
            gateway=GATEWAY, event_id=event.event_id,
        )
    return from_stripe_minor(amount, currency), currency.upper()


def _txn(event: VerifiedEvent, obj: Mapping[str, Any], **fields: Any) -> GatewayTxn:
    fields.setdefault("occurred_at", when(obj.get("created")) or event.occurred_at)
    fields.setdefault("raw", {"event_id": event.event_id, "type": event.event_type})
    return GatewayTxn(gateway=GATEWAY, **fields)


def payment_intent_succeeded(event: VerifiedEvent, pi: Mapping[str, Any]) -> list[GatewayTxn]:
    """A paid PaymentIntent: keyed by its latest charge so it merges with ``charge.succeeded``."""
    gross, currency = _amount(pi, "amount_received", event)
    charge = pi.get("latest_charge")
    charge_id = charge.get("id") if isinstance(charge, Mapping) else charge
    return [_txn(
        event, pi, gateway_id=charge_id or pi["id"], kind="charge", gross=gross,
        currency=currency, order_ref=order_ref(pi.get("metadata")),
        related_id=pi.get("id"), payer=_payer(pi),
    )]


def charge_succeeded(event: VerifiedEvent, charge: Mapping[str, Any]) -> list[GatewayTxn]:
    """A captured charge (amount_captured falls back to amount for older API versions)."""
    key = "amount_captured" if isinstance(charge.get("amount_captured"), int) else "amount"
    gross, currency = _amount(charge, key, event)
    return [_txn(
        event, charge, gateway_id=charge["id"], kind="charge", gross=gross, currency=currency,
        order_ref=order_ref(charge.get("metadata")), related_id=charge.get("payment_intent"),
        payer=_payer(charge),
    )]


def charge_refunded(event: VerifiedEvent, charge: Mapping[str, Any]) -> list[GatewayTxn]:
    """Refunds of a charge: one per embedded refund, else the cumulative amount refunded."""
    refunds = (charge.get("refunds") or {}).get("data") or []
    ref = order_ref(charge.get("metadata"))
    if refunds:
        return [_refund(event, charge, refund, ref) for refund in refunds]
    gross, currency = _amount(charge, "amount_refunded", event)
    status = "succeeded" if gross else "pending"
    return [_txn(
        event, charge, gateway_id=f"{charge['id']}:refund", kind="refund", gross=-gross,
        currency=currency, status=status, order_ref=ref, related_id=charge["id"],
        occurred_at=event.occurred_at, payer=_payer(charge),
    )]


def _refund(
    event: VerifiedEvent, charge: Mapping[str, Any], refund: Mapping[str, Any], ref: str | None
) -> GatewayTxn:
    gross, currency = _amount(refund, "amount", event)
    return _txn(
        event, refund, gateway_id=refund["id"], kind="refund", gross=-gross, currency=currency,
        status=str(refund.get("status") or "succeeded"), order_ref=ref, related_id=charge["id"],
    )


def dispute(event: VerifiedEvent, dp: Mapping[str, Any]) -> list[GatewayTxn]:
    """A dispute, opened or closed; its status (won, lost, ...) decides the final state."""
    gross, currency = _amount(dp, "amount", event)
    fee = sum(
        (from_stripe_minor(bt["fee"], bt["currency"]) for bt in dp.get("balance_transactions") or []
         if isinstance(bt, Mapping) and isinstance(bt.get("fee"), int)),
        start=from_stripe_minor(0, currency),
    )
    return [_txn(
        event, dp, gateway_id=dp["id"], kind="dispute", gross=-gross, currency=currency,
        status=str(dp.get("status") or "needs_response"),
        fee=fee if dp.get("balance_transactions") else None,
        order_ref=order_ref(dp.get("metadata")), related_id=dp.get("charge"),
    )]


def payout(event: VerifiedEvent, po: Mapping[str, Any]) -> list[GatewayTxn]:
    """A payout to the bank: ``paid`` (expected at the bank) or ``failed``/``canceled``."""
    gross, currency = _amount(po, "amount", event)
    status = str(po.get("status") or event.event_type.rpartition(".")[2])
    return [_txn(
        event, po, gateway_id=po["id"], kind="payout", gross=-gross, currency=currency,
        status=status, payout_id=po["id"],
        occurred_at=when(po.get("arrival_date")) or event.occurred_at,
    )]


HANDLERS: Mapping[str, Handler] = {
    "payment_intent.succeeded": payment_intent_succeeded,
    "charge.succeeded": charge_succeeded,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute,
    "charge.dispute.closed": dispute,
    "payout.paid": payout,
    "payout.failed": payout,
}


def normalize(event: VerifiedEvent) -> tuple[GatewayTxn, ...]:
    """The records an event describes; ``()`` for types we store but do not interpret."""
    handler = HANDLERS.get(event.event_type)
    if handler is None:
        return ()
    return tuple(handler(event, event.payload["data"]["object"]))
