"""Stripe API: the balance transactions a payout settled (leaf layer, network edge).

Used only when an API key is configured.  `payout_transactions(client, payout_id)` lists every
balance transaction of the payout through the official library (``BalanceTransaction.list`` with
``payout=`` and automatic pagination) and maps each to a `GatewayTxn` with the same ids as the
webhook and report records, now with fees.  Amounts are the API's integer minor units of the
settlement currency.  Library errors become `GatewayApiError`.  Tests pass an
``http_client`` that replays recorded responses, so nothing here needs the network in tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import stripe

from gateways.errors import GatewayApiError
from gateways.model import GatewayTxn
from gateways.money import from_stripe_minor
from gateways.stripe_events import GATEWAY, order_ref, when
from gateways.stripe_reports import KIND_BY_CATEGORY, identity

PAGE_SIZE = 100


def make_client(
    api_key: str, *, http_client: stripe.HTTPClient | None = None, max_network_retries: int = 2
) -> stripe.StripeClient:
    """A `stripe.StripeClient`; `http_client` lets tests replay recorded responses."""
    return stripe.StripeClient(
        api_key, http_client=http_client, max_network_retries=max_network_retries
    )


def _source(bt: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    source = bt.get("source")
    if isinstance(source, Mapping):
        return str(source.get("id") or ""), source
    return str(source or ""), {}


def _related(kind: str, source: Mapping[str, Any]) -> str | None:
    """A refund's or dispute's charge, else the payment intent (as the reports have it)."""
    keys = ("charge", "payment_intent") if kind in ("refund", "dispute") else ("payment_intent",)
    for key in keys:
        value = source.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def from_balance_transaction(bt: Mapping[str, Any], payout_id: str | None = None) -> GatewayTxn:
    """One API balance transaction (source optionally expanded) as a record."""
    currency = str(bt["currency"]).upper()
    category = str(bt.get("reporting_category") or bt.get("type") or "")
    source_id, source = _source(bt)
    gateway_id, status = identity(category, source_id, str(bt["id"]))
    gross, fee = from_stripe_minor(bt["amount"], currency), from_stripe_minor(bt["fee"], currency)
    net = from_stripe_minor(bt["net"], currency)
    kind = KIND_BY_CATEGORY.get(category, "adjustment")
    if category == "payout_reversal":
        gross, fee, net = -gross, -fee, -net
    return GatewayTxn(
        gateway=GATEWAY, gateway_id=gateway_id, kind=kind, gross=gross, fee=fee, net=net,
        currency=currency, occurred_at=when(bt.get("created")), status=status,
        order_ref=order_ref(source.get("metadata")),
        payout_id=payout_id or (gateway_id if kind == "payout" else None),
        related_id=_related(kind, source),
        raw={"balance_transaction_id": bt["id"], "reporting_category": category},
    )


def payout_transactions(client: stripe.StripeClient, payout_id: str) -> tuple[GatewayTxn, ...]:
    """Every balance transaction settled by `payout_id`, including the payout's own."""
    params: Any = {"payout": payout_id, "limit": PAGE_SIZE, "expand": ["data.source"]}
    try:
        page = client.v1.balance_transactions.list(params=params)
        return tuple(
            from_balance_transaction(bt.to_dict(), payout_id) for bt in page.auto_paging_iter()
        )
    except stripe.StripeError as exc:
        raise GatewayApiError(f"listing balance transactions of {payout_id}: {exc}") from exc
