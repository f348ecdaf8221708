"""Synthetic receivables for the credit and forecast benchmarks: several years of invoices and
payments with customer-specific delays, seasonality and a few deteriorating payers.

    from benchmarks.gen_credit import generate
    ledger = generate(customers=1000, invoices=40_000, start=..., today=..., seed=1)

Customers fall in segments (prompt, steady-late, slow, erratic, deteriorating); each has its own
mean delay and spread, payment terms (14/30/60 days), currency mix (EUR/USD/CNY) and buying
rate. Invoices are issued more in the fourth quarter; payments due in December-February come a
week later (holidays, Chinese New Year). Deteriorating payers drift from prompt to about two
months late over the last 18 months. One invoice in ten is paid in two parts, one in a hundred
never. Settlements after ``today`` are dropped (not known yet). Returns a
``recon.credit.ledger.Ledger``; numpy only, fully vectorised, deterministic per seed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from recon.credit.ledger import Ledger

__all__ = ["CURRENCIES", "generate"]

CURRENCIES = ("CNY", "EUR", "USD")
# segment: (share, mean delay, spread of the mean, day-to-day sd)
SEGMENTS = ((0.45, -1.0, 2.0, 2.5), (0.25, 12.0, 4.0, 5.0), (0.12, 35.0, 8.0, 10.0),
            (0.10, 8.0, 6.0, 18.0), (0.08, 2.0, 1.0, 3.0))
DETERIORATING = 4


def _customers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    shares = np.array([s[0] for s in SEGMENTS])
    seg = rng.choice(len(SEGMENTS), size=n, p=shares / shares.sum())
    means = np.array([s[1] for s in SEGMENTS])[seg] + rng.normal(0, 1, n) * np.array(
        [s[2] for s in SEGMENTS])[seg]
    return {
        "segment": seg, "mean": means, "sd": np.array([s[3] for s in SEGMENTS])[seg],
        "terms": rng.choice([14, 30, 60], size=n, p=[0.2, 0.6, 0.2]),
        "currency": rng.choice(len(CURRENCIES), size=n, p=[0.15, 0.65, 0.2]),
        "activity": rng.gamma(1.5, 1.0, n),
        "scale": rng.lognormal(np.log(150_000), 0.8, n),  # minor units
    }


def _issue_days(rng: np.random.Generator, n: int, start: int, today: int) -> np.ndarray:
    days = np.arange(start, today + 1)
    months = np.array([dt.date.fromordinal(int(d)).month for d in days[::1]])
    weight = np.where(months >= 10, 1.3, 1.0)
    return rng.choice(days, size=n, p=weight / weight.sum())


def _delays(rng: np.random.Generator, cust: dict, c: np.ndarray, due: np.ndarray,
            today: int) -> np.ndarray:
    month = np.array([dt.date.fromordinal(int(d)).month for d in due])
    season = np.where(np.isin(month, (12, 1, 2)), 7.0, 0.0)
    drift = np.clip((due - (today - 548)) / 548, 0, None) * 60.0
    drift = np.where(cust["segment"][c] == DETERIORATING, drift, 0.0)
    noise = rng.normal(0, 1, len(c)) * cust["sd"][c]
    return np.rint(cust["mean"][c] + season + drift + noise).astype(np.int64)


def generate(customers: int = 1000, invoices: int = 40_000, *,
             start: dt.date = dt.date(2023, 1, 1), today: dt.date = dt.date(2026, 12, 31),
             seed: int = 1) -> Ledger:
    """A ledger of ``invoices`` invoices of ``customers`` customers issued ``start``-``today``."""
    rng = np.random.default_rng(seed)
    cust = _customers(rng, customers)
    c = rng.choice(customers, size=invoices, p=cust["activity"] / cust["activity"].sum())
    issue = np.sort(_issue_days(rng, invoices, start.toordinal(), today.toordinal()))
    due = issue + cust["terms"][c]
    amount = np.maximum(np.rint(rng.lognormal(0, 0.7, invoices) * cust["scale"][c]), 100)
    amount = amount.astype(np.int64)
    pay = np.maximum(due + _delays(rng, cust, c, due, today.toordinal()), issue)
    split = rng.random(invoices) < 0.10
    never = rng.random(invoices) < 0.01
    first = np.where(split, amount // 2, amount)
    inv_idx = np.r_[np.arange(invoices), np.flatnonzero(split)]
    set_day = np.r_[pay, pay[split] + 14]
    set_amt = np.r_[first, (amount - first)[split]]
    known = (set_day <= today.toordinal()) & ~never[inv_idx]
    return Ledger(
        customers=np.arange(1, customers + 1, dtype=np.int64), currencies=CURRENCIES,
        inv_id=np.arange(1, invoices + 1, dtype=np.int64), inv_customer=c.astype(np.int64),
        inv_currency=cust["currency"][c].astype(np.int64), inv_amount=amount,
        inv_issue=issue.astype(np.int64), inv_due=due.astype(np.int64),
        inv_suggested=np.zeros(invoices, dtype=np.int64),
        set_invoice=inv_idx[known].astype(np.int64), set_day=set_day[known].astype(np.int64),
        set_amount=set_amt[known].astype(np.int64), set_cash=np.ones(known.sum(), dtype=bool),
    )
