"""Plain records at the boundary of the gateways package (leaf layer).

`VerifiedEvent` is what a webhook verifier returns: a delivery whose signature (and timestamp,
where the scheme has one) checked out, with the parsed payload.  `GatewayTxn` is one normalised
money movement (charge, refund, fee, dispute, payout, adjustment) from a webhook, a settlement
report or the Stripe API.  `merge` combines two observations of the same transaction so that the
final state does not depend on arrival order.

Sign convention: amounts are seen from the merchant's balance at the gateway -- a charge is
positive, a refund, dispute withdrawal, fee or payout negative.  `fee` is positive when a fee is
charged.  `fee`/`net` are ``None`` when the source does not say (webhooks carry no fee).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

Kind = Literal["charge", "refund", "fee", "dispute", "payout", "adjustment"]
KINDS: tuple[Kind, ...] = ("charge", "refund", "fee", "dispute", "payout", "adjustment")

# Later states outrank earlier ones so an out-of-order delivery cannot roll a record back:
# a payout that "failed" after "paid" stays failed whichever event arrives first.
STATUS_RANK: Mapping[str, int] = {
    "pending": 10, "neutral": 10, "in_transit": 20, "needs_response": 20, "under_review": 30,
    "succeeded": 40, "paid": 40, "finished": 50, "won": 60, "lost": 60, "prevented": 60,
    "warning_closed": 60, "closed": 60, "abnormal": 35, "failed": 70, "canceled": 70,
}


@dataclass(frozen=True)
class VerifiedEvent:
    """A webhook delivery that passed verification; `payload` is the parsed body."""

    gateway: str
    event_id: str
    event_type: str
    occurred_at: datetime | None
    payload: Mapping[str, Any] = field(repr=False, compare=False)
    livemode: bool | None = None


@dataclass(frozen=True)
class GatewayTxn:
    """One normalised gateway money movement; `gateway_id` is unique per gateway."""

    gateway: str
    gateway_id: str
    kind: Kind
    gross: Decimal
    currency: str
    occurred_at: datetime | None
    status: str = "succeeded"
    fee: Decimal | None = None
    net: Decimal | None = None
    order_ref: str | None = None
    payout_id: str | None = None
    related_id: str | None = None
    payer: Mapping[str, str] = field(default_factory=dict, compare=False)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.net is None and self.fee is not None:
            object.__setattr__(self, "net", self.gross - self.fee)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (amounts as strings, dates in ISO 8601)."""
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "gateway": self.gateway, "gateway_id": self.gateway_id, "kind": self.kind,
            "status": self.status, "gross": text(self.gross), "fee": text(self.fee),
            "net": text(self.net), "currency": self.currency,
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
            "order_ref": self.order_ref, "payout_id": self.payout_id,
            "related_id": self.related_id, "payer": dict(self.payer),
        }


def _precedence(txn: GatewayTxn) -> tuple[Any, ...]:
    """Total order used by `merge`: status rank, size of the (cumulative) amount, time, raw."""
    when = txn.occurred_at.timestamp() if txn.occurred_at else float("-inf")
    raw = json.dumps(txn.raw, sort_keys=True, default=str)
    return (STATUS_RANK.get(txn.status, 0), abs(txn.gross), when, txn.status, raw)


def merge(a: GatewayTxn, b: GatewayTxn) -> GatewayTxn:
    """Combine two observations of one transaction; commutative, associative, idempotent.

    The observation with the higher precedence wins (a later status, a larger cumulative refund);
    fields it does not know (fee, net, payout id, order reference, payer hints) are filled from
    the other one.  So any delivery order yields the same record.
    """
    if (a.gateway, a.gateway_id) != (b.gateway, b.gateway_id):
        raise ValueError("merge needs two observations of the same transaction")
    win, other = (a, b) if _precedence(a) >= _precedence(b) else (b, a)
    fee, net = win.fee, win.net
    if fee is None and other.fee is not None and other.currency == win.currency:
        fee, net = other.fee, win.gross - other.fee
    return replace(
        win,
        fee=fee,
        net=net,
        order_ref=win.order_ref or other.order_ref,
        payout_id=win.payout_id or other.payout_id,
        related_id=win.related_id or other.related_id,
        occurred_at=win.occurred_at or other.occurred_at,
        payer={**other.payer, **win.payer},
    )
