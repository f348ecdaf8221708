"""Money conversion and the order-independent `merge` of transaction observations."""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gateways import GatewayTxn, merge
from gateways.money import from_minor, parse_major


@pytest.mark.parametrize(("minor", "cur", "major"), [
    (1000, "usd", "10.00"), (1000, "JPY", "1000"), (1005, "kwd", "1.005"), (-1, "eur", "-0.01")])
def test_from_minor(minor, cur, major):
    assert str(from_minor(minor, cur)) == major


@pytest.mark.parametrize("bad", [1.5, True, "100"])
def test_from_minor_refuses_non_integers(bad):
    with pytest.raises(ValueError):
        from_minor(bad, "usd")


@pytest.mark.parametrize(("text", "cur", "value"), [
    ("1,234.50", "usd", "1234.50"), ("¥28.16", "CNY", "28.16"), ("`0.32000", "CNY", "0.32"),
    ("+10", "JPY", "10"), ("-0.08000", "CNY", "-0.08")])
def test_parse_major(text, cur, value):
    assert parse_major(text, cur) == Decimal(value)


@pytest.mark.parametrize("bad", ["0.325", "12O", "", "NaN", "1e400000"])
def test_parse_major_refuses_lossy_or_garbage(bad):
    with pytest.raises(ValueError):
        parse_major(bad, "CNY")


def _obs(status: str, gross: str, *, fee: str | None = None, payout: str | None = None,
         ref: str | None = None, ts: int = 0) -> GatewayTxn:
    return GatewayTxn(
        gateway="stripe", gateway_id="po_1", kind="payout", gross=Decimal(gross), currency="USD",
        occurred_at=datetime.fromtimestamp(1_720_000_000 + ts, UTC), status=status,
        fee=None if fee is None else Decimal(fee), payout_id=payout, order_ref=ref,
        raw={"ts": ts},
    )


OBSERVATIONS = [
    _obs("paid", "-100.00", ts=1), _obs("failed", "-100.00", ts=2),
    _obs("paid", "-100.00", fee="0.00", payout="po_1", ts=3), _obs("pending", "-100.00", ref="R"),
]


def test_merge_is_order_independent():
    results = {
        (m := functools.reduce(merge, perm)).status + repr((m.fee, m.net, m.payout_id, m.order_ref))
        for perm in itertools.permutations(OBSERVATIONS)
    }
    assert results == {"failed" + repr((Decimal("0.00"), Decimal("-100.00"), "po_1", "R"))}


def test_cumulative_refund_keeps_the_largest():
    a = _obs("succeeded", "-20.00", ts=5)
    b = _obs("succeeded", "-50.00", ts=1)
    assert merge(a, b).gross == merge(b, a).gross == Decimal("-50.00")
    assert merge(a, a) == a


def test_merge_refuses_different_transactions():
    other = GatewayTxn(gateway="stripe", gateway_id="po_2", kind="payout", gross=Decimal(1),
                       currency="USD", occurred_at=None)
    with pytest.raises(ValueError):
        merge(OBSERVATIONS[0], other)
