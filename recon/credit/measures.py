"""Payment behaviour per customer, column-wise over all customers at once (numpy).

``behaviour(ledger, as_of, converter, inputs)`` returns a ``Measures``: one array per measure,
indexed like ``ledger.customers`` (NaN where a customer has nothing to measure). Windows are
counted back from ``as_of`` (3/6/12 months = 91/182/365 days) by the day an invoice was fully
settled. Definitions (docs/CREDIT.md has the worked examples):

- days-to-pay: settled day − issue day; ``avg_dtp_12m`` plain, ``wavg_dtp_12m`` weighted by the
  invoice amount in the base currency;
- days beyond terms: max(0, settled day − due day), mean in ``avg_late_{3,6,12}m``;
  ``late_share_{3,6,12}m`` the share settled more than ``GRACE_DAYS`` after the due day (bank
  transfers take a day or two), ``on_time_share_12m`` = 1 − it; a mean or share over fewer than
  ``MIN_OBS`` invoices is not measured (NaN), so one late invoice does not make a bad payer;
  ``trend_days`` = ``avg_late_3m − avg_late_12m`` (positive: paying later lately);
- collection rate 回款率 ``collection_rate_12m``: of the invoices due in the last 12 months, the
  cash collected on them by ``as_of`` ÷ their amount (base currency; ``MIN_OBS`` invoices due);
- ``partial_share_12m``: of the invoices issued in 12 months that received cash, the share paid
  in more than one receipt or still part-paid;
- ``disputes_12m``, ``broken_promises_6m``: counts from the collections area's inputs;
- exposure: ``open_minor`` (open receivables, base minor units, exact), of which
  ``suggested_minor`` is covered by unconfirmed suggestions and ``overdue_minor`` is past due;
  ``oldest_overdue_days``; ``invoiced_12m_minor`` (sales, for a suggested limit) over
  ``active_months_12m`` (months since the first invoice of the window, 1-12).

Hand-written on numpy rather than pandas: every measure is a grouped sum or mean, which
``np.bincount`` does in one pass without a second dataframe library. Raises nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recon.credit.fx import Converter
from recon.credit.inputs import CollectionInputs
from recon.credit.ledger import NEVER, Ledger

__all__ = ["GRACE_DAYS", "MIN_OBS", "WINDOWS", "Measures", "behaviour"]

WINDOWS = {"3m": 91, "6m": 182, "12m": 365}
GRACE_DAYS = 2
MIN_OBS = 3


@dataclass(frozen=True)
class Measures:
    values: dict[str, np.ndarray]  # float arrays (NaN = nothing to measure)
    money: dict[str, np.ndarray]  # object arrays of exact base minor units

    def row(self, i: int) -> dict[str, float | int | None]:
        """One customer's measures as JSON-ready numbers (None for NaN)."""
        out: dict[str, float | int | None] = {}
        for k, v in self.values.items():
            x = float(v[i])
            out[k] = None if np.isnan(x) else round(x, 4)
        out.update({k: int(v[i]) for k, v in self.money.items()})
        return out


def _mean(groups: np.ndarray, values: np.ndarray, mask: np.ndarray, n: int,
          weights: np.ndarray | None = None) -> np.ndarray:
    w = mask.astype(float) if weights is None else np.where(mask, weights, 0.0)
    den = np.bincount(groups, weights=w, minlength=n)
    num = np.bincount(groups, weights=w * values, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _count(groups: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(groups[mask], minlength=n).astype(float)


def _paid_measures(led: Ledger, as_of: int, base_f: np.ndarray) -> dict[str, np.ndarray]:
    paid = led.paid_day(as_of)
    settled = paid != NEVER
    dtp = np.where(settled, paid - led.inv_issue, 0).astype(float)
    late = np.where(settled, np.maximum(paid - led.inv_due, 0), 0).astype(float)
    is_late = (late > GRACE_DAYS).astype(float)
    c, n = led.inv_customer, led.n_customers
    out: dict[str, np.ndarray] = {}
    for name, days in WINDOWS.items():
        window = settled & (paid > as_of - days)
        count = _count(c, window, n)
        few = count < MIN_OBS
        out[f"avg_late_{name}"] = np.where(few, np.nan, _mean(c, late, window, n))
        out[f"late_share_{name}"] = np.where(few, np.nan, _mean(c, is_late, window, n))
        if name == "12m":
            out["n_paid_12m"] = count
            out["avg_dtp_12m"] = _mean(c, dtp, window, n)
            out["wavg_dtp_12m"] = _mean(c, dtp, window, n, weights=base_f)
            out["on_time_share_12m"] = 1 - out["late_share_12m"]
    out["trend_days"] = out["avg_late_3m"] - out["avg_late_12m"]
    return out


def _collection(led: Ledger, as_of: int, base_f: np.ndarray) -> dict[str, np.ndarray]:
    c, n = led.inv_customer, led.n_customers
    due = (led.inv_due > as_of - 365) & (led.inv_due <= as_of)
    cash = led.set_cash & (led.set_day <= as_of)
    collected = np.zeros(len(led.inv_id))
    np.add.at(collected, led.set_invoice[cash], led.set_amount[cash].astype(float))
    f = base_f / np.maximum(led.inv_amount, 1)  # base units per minor unit of the invoice
    num = np.bincount(c[due], weights=(np.minimum(collected, led.inv_amount) * f)[due],
                      minlength=n)
    den = np.bincount(c[due], weights=base_f[due], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    rate = np.where(_count(c, due, n) < MIN_OBS, np.nan, rate)
    receipts = np.bincount(led.set_invoice[cash], minlength=len(led.inv_id))
    recent = led.inv_issue > as_of - 365
    got_cash = recent & (receipts > 0)
    part = got_cash & ((receipts > 1) | (collected < led.inv_amount))
    return {"collection_rate_12m": rate,
            "partial_share_12m": _mean(c, part.astype(float), got_cash, n)}


def _exposure(led: Ledger, as_of: int, conv: Converter) -> tuple[dict, dict]:
    n, k = led.n_customers, max(len(led.currencies), 1)
    open_ = led.open_at(as_of)
    overdue = np.where(led.inv_due < as_of, open_, 0)
    sales = np.where(led.inv_issue > as_of - 365, led.inv_amount, 0)
    sales = np.where(led.inv_issue <= as_of, sales, 0)
    money = {}
    for name, col in (("open_minor", open_), ("overdue_minor", overdue),
                      ("suggested_minor", np.minimum(led.inv_suggested, open_)),
                      ("invoiced_12m_minor", sales)):
        grid = np.zeros((n, k), dtype=np.int64)
        np.add.at(grid, (led.inv_customer, led.inv_currency), col)
        money[name] = conv.total(grid)
    age = np.where(overdue > 0, as_of - led.inv_due, 0)
    oldest = np.zeros(n, dtype=np.int64)
    np.maximum.at(oldest, led.inv_customer, age)
    first = np.full(n, as_of, dtype=np.int64)
    recent = (led.inv_issue > as_of - 365) & (led.inv_issue <= as_of)
    np.minimum.at(first, led.inv_customer[recent], led.inv_issue[recent])
    months = np.clip(np.ceil((as_of - first + 1) / 30.4), 1, 12)
    return {"oldest_overdue_days": oldest.astype(float), "active_months_12m": months}, money


def _collections(led: Ledger, as_of: int, inp: CollectionInputs) -> dict[str, np.ndarray]:
    c, n = led.inv_customer, led.n_customers
    broken = (inp.promise_kept == 0) & (inp.promise_day > as_of - 182) & (
        inp.promise_day <= as_of)
    disputed = (inp.dispute_day > as_of - 365) & (inp.dispute_day <= as_of)
    return {
        "broken_promises_6m": np.bincount(c[inp.promise_invoice[broken]], minlength=n) * 1.0,
        "disputes_12m": np.bincount(c[inp.dispute_invoice[disputed]], minlength=n) * 1.0,
    }


def behaviour(led: Ledger, as_of: int, conv: Converter, inputs: CollectionInputs) -> Measures:
    """Every measure for every customer of ``led`` as of the ordinal day ``as_of``."""
    base_f = led.inv_amount * conv.float_factors[led.inv_currency] if len(led.inv_id) else (
        np.zeros(0))
    values = _paid_measures(led, as_of, base_f)
    values.update(_collection(led, as_of, base_f))
    values.update(_collections(led, as_of, inputs))
    extra, money = _exposure(led, as_of, conv)
    values.update(extra)
    return Measures(values=values, money=money)
