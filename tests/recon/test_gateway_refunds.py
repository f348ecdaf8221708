"""A charge's refunds seen as a cumulative webhook amount and as itemised report rows count once,
whatever order they arrive in."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from sqlalchemy import select

from recon.gateway import reports as gateway_reports
from recon.models import GatewayTransaction
from tests.recon.test_gateway_reports import _webhook

HEADER = ("automatic_payout_id,balance_transaction_id,created_utc,currency,gross,fee,net,"
          "reporting_category,source_id,charge_id,payment_intent_id\n")


def _report(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode()


CHARGE = {"id": "ch_1", "object": "charge", "amount": 10000, "amount_captured": 10000,
          "currency": "usd", "payment_intent": "pi_1", "created": 1_720_000_000}
RE_1 = "po_1,txn_r1,2024-07-09 09:00:00,usd,-30.00,0.00,-30.00,refund,re_1,ch_1,pi_1"
RE_2 = "po_2,txn_r2,2024-07-10 09:00:00,usd,-20.00,0.00,-20.00,refund,re_2,ch_1,pi_1"


def refunded(session_factory, cumulative: int, event_id: str) -> None:
    _webhook(session_factory, "charge.refunded", dict(CHARGE, amount_refunded=cumulative),
             event_id)


def imported(session_factory, name: str, data: bytes) -> None:
    with session_factory.begin() as session:
        gateway_reports.import_report(session, name, data, actor="test")


def refunds(session) -> dict[str, tuple[Decimal, str]]:
    session.expire_all()
    rows = session.scalars(select(GatewayTransaction).filter_by(kind="refund")).all()
    return {r.gateway_id: (r.gross, r.status) for r in rows}


def total(session) -> Decimal:
    return sum((gross for gross, _ in refunds(session).values()), Decimal(0))


def test_report_refunds_take_over_the_cumulative_webhook_amount(session_factory, session):
    refunded(session_factory, 5000, "evt_r1")  # 50.00 refunded so far, no refund ids
    assert total(session) == Decimal("-50.00")
    imported(session_factory, "p1.csv", _report(RE_1))
    assert refunds(session) == {"ch_1:refund": (Decimal("-20.00"), "succeeded"),
                                "re_1": (Decimal("-30.00"), "succeeded")}
    imported(session_factory, "p2.csv", _report(RE_2))
    assert refunds(session)["ch_1:refund"] == (Decimal("0.00"), "itemised")
    assert total(session) == Decimal("-50.00")  # counted once


def test_a_refund_not_yet_reported_still_counts(session_factory, session):
    imported(session_factory, "p1.csv", _report(RE_1))
    refunded(session_factory, 3000, "evt_r1")
    assert total(session) == Decimal("-30.00")
    refunded(session_factory, 7500, "evt_r2")  # a second refund of 45.00, in no report yet
    assert refunds(session)["ch_1:refund"] == (Decimal("-45.00"), "succeeded")
    assert total(session) == Decimal("-75.00")
    refunded(session_factory, 3000, "evt_r0")  # an older delivery arriving late changes nothing
    assert total(session) == Decimal("-75.00")


def test_report_without_charge_column_links_through_the_payment_intent(session_factory,
                                                                       session):
    _webhook(session_factory, "charge.succeeded", CHARGE, "evt_c")
    refunded(session_factory, 5000, "evt_r1")
    header = HEADER.replace(",charge_id", "")
    imported(session_factory, "p.csv", _report(RE_1.replace(",ch_1,", ","), header=header))
    assert refunds(session)["ch_1:refund"] == (Decimal("-20.00"), "succeeded")


STEPS = {
    "charge": lambda f: _webhook(f, "charge.succeeded", CHARGE, "evt_c"),
    "cumulative 30": lambda f: refunded(f, 3000, "evt_r1"),
    "cumulative 50": lambda f: refunded(f, 5000, "evt_r2"),
    "report re_1": lambda f: imported(f, "p1.csv", _report(RE_1)),
    "report re_2": lambda f: imported(f, "p2.csv", _report(RE_2)),
}


@pytest.mark.parametrize("order", list(itertools.permutations(STEPS))[::7])
def test_any_arrival_order_ends_the_same(session_factory, session, order):
    for step in order:
        STEPS[step](session_factory)
    assert refunds(session) == {"ch_1:refund": (Decimal("0.00"), "itemised"),
                                "re_1": (Decimal("-30.00"), "succeeded"),
                                "re_2": (Decimal("-20.00"), "succeeded")}
