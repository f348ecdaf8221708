"""Receivables KPIs against a worked example (docs/CREDIT.md has the same numbers).

As of 2026-06-30, one customer, EUR:
  A issued 06-10, due 07-10, 600.00, open (current)
  B issued 05-15, due 06-14, 300.00, open (16 days overdue)
  C issued 04-20, due 05-20, 900.00, paid 06-05
  D issued 03-01, due 03-31, 200.00, paid 04-10
  E issued 04-01, due 04-30, 400.00, paid 04-28
Receivables 900.00; sales of the last 90 days (after 04-01): A + B + C = 1,800.00.
DSO = 900 / 1800 * 90 = 45.0.
Countback: June's sales 600 < 900 -> 30 days, 300 left; May's sales 300 -> all 31 days: 61.0.
CEI: receivables on 05-31 = B + C = 1,200; sales of 30 days = 600; current now = A 600:
  (1200 + 600 - 900) / (1200 + 600 - 600) * 100 = 75.0.
Best possible DSO = 600 / 1800 * 90 = 30 -> average days delinquent 15.0.
回款率: April (E due, paid in April) 100 %; May (C due, paid in June) 0 %; March (D) 0 %.
"""

from __future__ import annotations

import datetime as dt

import pytest

from recon.credit.kpis import portfolio_kpis
from tests.recon.credit_ledger import T, converter, ledger


def d(month: int, day: int) -> int:
    return dt.date(2026, month, day).toordinal()


@pytest.fixture
def kpis():
    led = ledger(
        [(0, "EUR", 60000, d(6, 10), d(7, 10)), (0, "EUR", 30000, d(5, 15), d(6, 14)),
         (0, "EUR", 90000, d(4, 20), d(5, 20)), (0, "EUR", 20000, d(3, 1), d(3, 31)),
         (0, "EUR", 40000, d(4, 1), d(4, 30))],
        [(2, d(6, 5), 90000), (3, d(4, 10), 20000), (4, d(4, 28), 40000)], customers=1)
    return portfolio_kpis(led, T, converter(led))


def test_dso_standard_and_countback(kpis):
    assert kpis.receivables_minor == 90000
    assert kpis.dso == pytest.approx(45.0)
    assert kpis.dso_countback == pytest.approx(61.0)


def test_cei_and_average_days_delinquent(kpis):
    assert kpis.cei == pytest.approx(75.0)
    assert kpis.avg_days_delinquent == pytest.approx(15.0)


def test_aging_in_own_and_base_currency(kpis):
    rows = {r["bucket"]: r for r in kpis.aging}
    assert rows["current"]["base_minor"] == 60000
    assert rows["1-30"]["by_currency"] == {"EUR": 30000}
    assert rows["90+"]["base_minor"] == 0


def test_collection_rate_by_month_and_top_overdue(kpis):
    by_month = {r["month"]: r["rate"] for r in kpis.collection_by_month}
    assert len(by_month) == 12
    assert by_month["2026-04"] == pytest.approx(1.0)
    assert by_month["2026-05"] == 0.0 and by_month["2026-03"] == 0.0
    assert by_month["2026-02"] is None
    assert kpis.top_overdue == [{"customer_id": 1, "overdue_minor": 30000, "oldest_days": 16}]


def test_usd_aging_converted_with_the_rate_date():
    led = ledger([(0, "USD", 10000, d(6, 1), d(6, 20))], [], customers=1)
    k = portfolio_kpis(led, T, converter(led, usd="0.9"))
    rows = {r["bucket"]: r for r in k.aging}
    assert rows["1-30"] == {"bucket": "1-30", "by_currency": {"USD": 10000}, "base_minor": 9000}
    assert k.rate_days["USD"] == "2026-06-29"
