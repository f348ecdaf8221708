"""Behaviour measures on a hand-built history, every expected number written out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recon.credit.inputs import CollectionInputs
from recon.credit.measures import behaviour
from tests.recon.credit_ledger import TD, converter, ledger

# Customer 0 (EUR):
#  inv0 issued T-100 due T-70 100.00, paid T-68       -> 32 days to pay, 2 beyond terms (grace)
#  inv1 issued T-80  due T-50 200.00, paid T-40       -> 40 days, 10 beyond terms: late
#  inv2 issued T-60  due T-30 100.00, 50.00 at T-30 and 50.00 at T-20 -> 40 days, 10: late, partial
#  inv3 issued T-40  due T-10 300.00, 100.00 at T-5   -> open 200.00, 10 days overdue, partial
#  inv4 issued T-5   due T+25  50.00, open, 50.00 of it in an unconfirmed suggestion
# Customer 1 (USD, 1 USD = 0.90 EUR):
#  inv5 issued T-400 due T-370 1000.00 paid T-370     -> outside the 12-month window
#  inv6 issued T-20  due T+10  100.00 open            -> exposure 90.00 EUR
INVOICES = [
    (0, "EUR", 10000, TD - 100, TD - 70), (0, "EUR", 20000, TD - 80, TD - 50),
    (0, "EUR", 10000, TD - 60, TD - 30), (0, "EUR", 30000, TD - 40, TD - 10),
    (0, "EUR", 5000, TD - 5, TD + 25, 5000),
    (1, "USD", 100000, TD - 400, TD - 370), (1, "USD", 10000, TD - 20, TD + 10),
]
SETTLEMENTS = [(0, TD - 68, 10000), (1, TD - 40, 20000), (2, TD - 30, 5000), (2, TD - 20, 5000),
               (3, TD - 5, 10000), (5, TD - 370, 100000)]


@pytest.fixture
def m():
    led = ledger(INVOICES, SETTLEMENTS, customers=2)
    return behaviour(led, TD, converter(led), CollectionInputs())


def test_days_to_pay_plain_and_weighted(m):
    assert m.values["n_paid_12m"][0] == 3
    assert m.values["avg_dtp_12m"][0] == pytest.approx((32 + 40 + 40) / 3)  # 37.33
    # weighted by amount: (32*100 + 40*200 + 40*100) / 400 = 38.0
    assert m.values["wavg_dtp_12m"][0] == pytest.approx(38.0)


def test_days_beyond_terms_share_on_time_and_trend(m):
    assert m.values["avg_late_12m"][0] == pytest.approx((2 + 10 + 10) / 3)
    assert m.values["late_share_12m"][0] == pytest.approx(2 / 3)  # 2 days is within the grace
    assert m.values["on_time_share_12m"][0] == pytest.approx(1 / 3)
    assert m.values["late_share_3m"][0] == pytest.approx(2 / 3)
    assert m.values["trend_days"][0] == pytest.approx(0.0)


def test_collection_rate_and_partial_share(m):
    # due in 12 months: 100 + 200 + 100 + 300 = 700; collected on them: 100 + 200 + 100 + 100
    assert m.values["collection_rate_12m"][0] == pytest.approx(500 / 700)
    # issued in 12 months with cash: inv0..inv3; paid in parts or still part-paid: inv2, inv3
    assert m.values["partial_share_12m"][0] == pytest.approx(0.5)


def test_exposure_overdue_suggested_and_oldest(m):
    assert m.money["open_minor"][0] == 25000  # 200.00 + 50.00
    assert m.money["overdue_minor"][0] == 20000
    assert m.money["suggested_minor"][0] == 5000
    assert m.values["oldest_overdue_days"][0] == 10
    assert m.money["invoiced_12m_minor"][0] == 75000


def test_other_currency_in_base_and_nothing_to_measure(m):
    assert m.money["open_minor"][1] == 9000  # 100.00 USD * 0.90
    assert m.values["n_paid_12m"][1] == 0
    assert math.isnan(m.values["avg_dtp_12m"][1])
    assert math.isnan(m.values["late_share_6m"][1])
    assert math.isnan(m.values["collection_rate_12m"][1])
    assert m.row(1)["avg_dtp_12m"] is None


def test_fewer_than_three_invoices_give_no_share():
    led = ledger([(0, "EUR", 100, TD - 40, TD - 30)], [(0, TD - 1, 100)], customers=1)
    m = behaviour(led, TD, converter(led), CollectionInputs())
    assert m.values["avg_dtp_12m"][0] == 39  # a mean of one is still a days-to-pay
    assert math.isnan(m.values["late_share_6m"][0])


def test_promises_and_disputes_from_collection_inputs():
    led = ledger(INVOICES, SETTLEMENTS, customers=2)
    inputs = CollectionInputs(
        promise_invoice=np.array([3, 3, 6]), promise_day=np.array([TD - 9, TD - 2, TD - 1]),
        promise_made=np.array([TD - 12, TD - 8, TD - 5]), promise_kept=np.array([0, 0, 1]),
        dispute_invoice=np.array([6]), dispute_day=np.array([TD - 3]),
        dispute_open=np.array([True]))
    m = behaviour(led, TD, converter(led), inputs)
    assert m.values["broken_promises_6m"].tolist() == [2.0, 0.0]
    assert m.values["disputes_12m"].tolist() == [0.0, 1.0]
