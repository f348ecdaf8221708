"""Receivables KPIs over the whole portfolio in the base currency (pure, numpy).

``portfolio_kpis(ledger, as_of, converter)`` gives, as of an ordinal day (worked example in
docs/CREDIT.md and tests/recon/test_credit_kpis.py):

- DSO (standard) = receivables at ``as_of`` ÷ sales of the last 90 days × 90;
- DSO (countback) = walk back month by month (the current month to ``as_of``, then whole
  calendar months) taking each month's sales off the receivables; the days of the months fully
  used plus the used fraction of the last one;
- CEI = (receivables 30 days ago + sales of the 30 days − receivables now) ÷ (receivables 30
  days ago + sales − current receivables now) × 100, current = not yet due;
- average days delinquent = DSO − best possible DSO (current receivables ÷ 90 days' sales × 90);
- aging of open receivables (current, 1-30, 31-60, 61-90, 90+ days past due) per currency and
  in the base currency, with the date of each rate;
- 回款率 by month: of what fell due in a month, the share collected by the month's end;
- the customers with the most overdue receivables.
Raises nothing; figures with nothing to divide by are None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from recon.credit.fx import Converter
from recon.credit.ledger import Ledger

__all__ = ["AGING_BUCKETS", "Kpis", "portfolio_kpis"]

AGING_BUCKETS = (("current", -10**9, 0), ("1-30", 1, 30), ("31-60", 31, 60),
                 ("61-90", 61, 90), ("90+", 91, 10**9))


@dataclass(frozen=True)
class Kpis:
    as_of: dt.date
    base: str
    receivables_minor: int
    dso: float | None
    dso_countback: float | None
    cei: float | None
    avg_days_delinquent: float | None
    aging: list[dict]  # {"bucket", "by_currency": {cur: minor}, "base_minor"}
    rate_days: dict[str, str]
    missing_rates: tuple[str, ...]
    collection_by_month: list[dict]  # {"month", "due_minor", "collected_minor", "rate"}
    top_overdue: list[dict]  # {"customer_id", "overdue_minor", "oldest_days"}


def _base(led: Ledger, conv: Converter, per_invoice: np.ndarray, mask: np.ndarray) -> int:
    by_cur = np.zeros(max(len(led.currencies), 1), dtype=np.int64)
    np.add.at(by_cur, led.inv_currency[mask], per_invoice[mask])
    return int(conv.total(by_cur))


def _ratio(num: int | Fraction, den: int) -> float | None:
    return float(Fraction(num) / den) if den else None


def _months_back(as_of: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    out, end = [], as_of
    for _ in range(count):
        start = end.replace(day=1)
        out.append((start, end))
        end = start - dt.timedelta(days=1)
    return out


def _countback(led: Ledger, conv: Converter, as_of: dt.date, ar: int) -> float | None:
    left, days = Fraction(ar), Fraction(0)
    for start, end in _months_back(as_of, 24):
        s, e = start.toordinal(), end.toordinal()
        sales = _base(led, conv, led.inv_amount, (led.inv_issue >= s) & (led.inv_issue <= e))
        span = e - s + 1
        if sales and left <= sales:
            return float(days + left / sales * span)
        left, days = left - sales, days + span
    return None if ar else 0.0


def _collection_by_month(led: Ledger, conv: Converter, as_of: dt.date) -> list[dict]:
    rows = []
    for start, end in reversed(_months_back(as_of, 12)):
        s, e = start.toordinal(), end.toordinal()
        due = (led.inv_due >= s) & (led.inv_due <= e)
        cash = led.set_cash & (led.set_day <= e)
        got = np.zeros(len(led.inv_id), dtype=np.int64)
        np.add.at(got, led.set_invoice[cash], led.set_amount[cash])
        due_minor = _base(led, conv, led.inv_amount, due)
        coll = _base(led, conv, np.minimum(got, led.inv_amount), due)
        rows.append({"month": start.strftime("%Y-%m"), "due_minor": due_minor,
                     "collected_minor": coll, "rate": _ratio(coll, due_minor)})
    return rows


def _aging(led: Ledger, conv: Converter, day: int, open_: np.ndarray) -> list[dict]:
    rows, late = [], day - led.inv_due
    for label, low, high in AGING_BUCKETS:
        mask = (open_ > 0) & (late >= low) & (late <= high)
        by_cur: dict[str, int] = {}
        for k, cur in enumerate(led.currencies):
            total = int(open_[mask & (led.inv_currency == k)].sum())
            if total:
                by_cur[cur] = total
        rows.append({"bucket": label, "by_currency": by_cur,
                     "base_minor": _base(led, conv, open_, mask)})
    return rows


def _top_overdue(led: Ledger, conv: Converter, day: int, open_: np.ndarray,
                 top: int) -> list[dict]:
    overdue = np.where(led.inv_due < day, open_, 0)
    grid = np.zeros((led.n_customers, max(len(led.currencies), 1)), dtype=np.int64)
    np.add.at(grid, (led.inv_customer, led.inv_currency), overdue)
    base = conv.total(grid)
    oldest = np.zeros(led.n_customers, dtype=np.int64)
    np.maximum.at(oldest, led.inv_customer, np.where(overdue > 0, day - led.inv_due, 0))
    order = sorted(np.flatnonzero(base > 0).tolist(), key=lambda i: -base[i])[:top]
    return [{"customer_id": int(led.customers[i]), "overdue_minor": int(base[i]),
             "oldest_days": int(oldest[i])} for i in order]


def portfolio_kpis(led: Ledger, as_of: dt.date, conv: Converter, top: int = 10) -> Kpis:
    """Every KPI of the module docstring as of ``as_of``."""
    day = as_of.toordinal()
    open_now, open_then = led.open_at(day), led.open_at(day - 30)
    every = np.ones(len(led.inv_id), dtype=bool)
    ar = _base(led, conv, open_now, every)
    current = _base(led, conv, open_now, led.inv_due >= day)
    sales90 = _base(led, conv, led.inv_amount, (led.inv_issue > day - 90) & (led.inv_issue <= day))
    sales30 = _base(led, conv, led.inv_amount, (led.inv_issue > day - 30) & (led.inv_issue <= day))
    begin = _base(led, conv, open_then, every)
    dso = _ratio(ar * 90, sales90)
    best = _ratio(current * 90, sales90)
    cei = _ratio((begin + sales30 - ar) * 100, begin + sales30 - current)
    return Kpis(
        as_of=as_of, base=conv.base, receivables_minor=ar, dso=dso,
        dso_countback=_countback(led, conv, as_of, ar), cei=cei,
        avg_days_delinquent=None if dso is None or best is None else dso - best,
        aging=_aging(led, conv, day, open_now), rate_days=conv.rate_days(),
        missing_rates=conv.missing, collection_by_month=_collection_by_month(led, conv, as_of),
        top_overdue=_top_overdue(led, conv, day, open_now, top),
    )
