"""Normalise verified PayPal events into `GatewayTxn` records (leaf layer, after `paypal`).

Ids are chosen so every source of one money movement lands on one record: a capture is keyed by
its capture id, which PayPal's transaction detail report calls the transaction id
(`gateways.paypal_report`); a refund or reversal by its own id, naming the capture in
``related_id`` (the ``up`` link); a dispute by its dispute id, naming the disputed capture.
The order reference is ``invoice_id``, else ``custom_id``.  Amounts are decimal strings in
major units.  A lost dispute takes no money by itself -- PayPal sends the refund or
``PAYMENT.CAPTURE.REVERSED`` that does -- so disputes only carry their state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from gateways.errors import WebhookRejected
from gateways.model import GatewayTxn, VerifiedEvent
from gateways.money import parse_major

GATEWAY = "paypal"
CAPTURE_STATUS = {"COMPLETED": "succeeded", "PENDING": "pending", "DECLINED": "failed",
                  "FAILED": "failed", "REFUNDED": "succeeded", "PARTIALLY_REFUNDED": "succeeded",
                  "REVERSED": "succeeded"}
REFUND_STATUS = {"COMPLETED": "succeeded", "PENDING": "pending", "CANCELLED": "canceled",
                 "FAILED": "failed"}
LOST = ("RESOLVED_BUYER_FAVOUR", "ACCEPTED", "RESOLVED_WITH_PAYOUT")
WON = ("RESOLVED_SELLER_FAVOUR", "CANCELED_BY_BUYER", "DENIED")
Handler = Callable[[VerifiedEvent, Mapping[str, Any]], list[GatewayTxn]]


def _money(obj: object, event: VerifiedEvent) -> tuple[Decimal, str]:
    if not isinstance(obj, Mapping) or not isinstance(obj.get("value"), str) or not isinstance(
            obj.get("currency_code"), str):
        raise WebhookRejected("malformed", "amount missing", gateway=GATEWAY,
                              event_id=event.event_id)
    currency = obj["currency_code"].upper()
    try:
        return abs(parse_major(obj["value"], currency)), currency
    except ValueError:
        raise WebhookRejected("malformed", "amount is not a decimal", gateway=GATEWAY,
                              event_id=event.event_id) from None


def _when(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if isinstance(
            text, str) else None
    except ValueError:
        return None


def _ref(*objs: Mapping[str, Any]) -> str | None:
    for obj in objs:
        for key in ("invoice_id", "custom_id"):
            value = obj.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _fee(breakdown: object, currency: str) -> Decimal | None:
    fee = breakdown.get("paypal_fee") if isinstance(breakdown, Mapping) else None
    if isinstance(fee, Mapping) and fee.get("currency_code") == currency:
        try:
            return abs(parse_major(str(fee.get("value")), currency))
        except ValueError:
            return None
    return None


def _up(resource: Mapping[str, Any]) -> str | None:
    """The capture a refund belongs to: the id at the end of its ``up`` link."""
    for link in resource.get("links") or []:
        if isinstance(link, Mapping) and link.get("rel") == "up" and "/captures/" in str(
                link.get("href")):
            return str(link["href"]).rstrip("/").rsplit("/", 1)[1]
    return None


def _raw(event: VerifiedEvent) -> dict[str, str]:
    return {"event_id": event.event_id, "type": event.event_type}


def capture(event: VerifiedEvent, res: Mapping[str, Any],
            unit: Mapping[str, Any] | None = None) -> list[GatewayTxn]:
    gross, currency = _money(res.get("amount"), event)
    related = ((res.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id")
    return [GatewayTxn(
        gateway=GATEWAY, gateway_id=str(res["id"]), kind="charge", gross=gross,
        currency=currency, occurred_at=_when(res.get("create_time")) or event.occurred_at,
        status=CAPTURE_STATUS.get(str(res.get("status")), "pending"),
        fee=_fee(res.get("seller_receivable_breakdown"), currency),
        order_ref=_ref(res, unit or {}), related_id=related, raw=_raw(event))]


def refund(event: VerifiedEvent, res: Mapping[str, Any]) -> list[GatewayTxn]:
    """A refund (``REFUNDED``) or a reversal/chargeback (``REVERSED``): money back out."""
    gross, currency = _money(res.get("amount"), event)
    capture_id = _up(res)
    gateway_id = str(res["id"])
    if capture_id is None and event.event_type.endswith("REVERSED"):
        capture_id, gateway_id = gateway_id, f"{gateway_id}:reversal"  # the capture itself
    fee = _fee(res.get("seller_payable_breakdown"), currency)
    status = str(res.get("status") or "COMPLETED")
    return [GatewayTxn(
        gateway=GATEWAY, gateway_id=gateway_id, kind="refund", gross=-gross, currency=currency,
        occurred_at=_when(res.get("create_time")) or event.occurred_at,
        status="succeeded" if event.event_type.endswith("REVERSED")
        else REFUND_STATUS.get(status, "pending"),
        fee=-fee if fee is not None else None, order_ref=_ref(res), related_id=capture_id,
        raw=_raw(event))]


def dispute(event: VerifiedEvent, res: Mapping[str, Any]) -> list[GatewayTxn]:
    """A dispute: open until RESOLVED; its outcome says won or lost."""
    gross, currency = _money(res.get("dispute_amount"), event)
    txns = [t for t in res.get("disputed_transactions") or [] if isinstance(t, Mapping)]
    capture_id = next((str(t["seller_transaction_id"]) for t in txns
                       if t.get("seller_transaction_id")), None)
    outcome = str((res.get("dispute_outcome") or {}).get("outcome_code") or "")
    status = "needs_response"
    if res.get("status") == "RESOLVED" or outcome:
        status = "lost" if outcome in LOST else "won" if outcome in WON else "closed"
    ref = next((str(t["invoice_number"]) for t in txns if t.get("invoice_number")), None)
    return [GatewayTxn(
        gateway=GATEWAY, gateway_id=str(res.get("dispute_id") or res.get("id")), kind="dispute",
        gross=-gross, currency=currency, status=status,
        occurred_at=_when(res.get("create_time")) or event.occurred_at,
        order_ref=ref, related_id=capture_id, raw=_raw(event))]


def order_completed(event: VerifiedEvent, order: Mapping[str, Any]) -> list[GatewayTxn]:
    """A completed checkout order: each purchase unit's captures, with the unit's reference."""
    out: list[GatewayTxn] = []
    for unit in order.get("purchase_units") or []:
        for cap in ((unit.get("payments") or {}).get("captures") or []):
            cap = dict(cap)
            cap.setdefault("supplementary_data", {"related_ids": {"order_id": order.get("id")}})
            out += capture(event, cap, unit)
    return out


HANDLERS: Mapping[str, Handler] = {
    "PAYMENT.CAPTURE.COMPLETED": capture,
    "PAYMENT.CAPTURE.REFUNDED": refund,
    "PAYMENT.CAPTURE.REVERSED": refund,
    "CUSTOMER.DISPUTE.CREATED": dispute,
    "CUSTOMER.DISPUTE.UPDATED": dispute,
    "CUSTOMER.DISPUTE.RESOLVED": dispute,
    "CHECKOUT.ORDER.COMPLETED": order_completed,
}


def normalize(event: VerifiedEvent) -> tuple[GatewayTxn, ...]:
    """The records an event describes; ``()`` for types stored but not interpreted."""
    handler = HANDLERS.get(event.event_type)
    if handler is None:
        return ()
    try:
        return tuple(handler(event, event.payload["resource"]))
    except (KeyError, TypeError, AttributeError):
        raise WebhookRejected("malformed", "resource lacks required fields", gateway=GATEWAY,
                              event_id=event.event_id) from None
