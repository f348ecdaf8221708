"""The forecast from the database: open invoices now, expected receipts for 13 weeks.

``forecast(session, as_of=..., settings=...)`` loads the ledger, fits the delay model on what
was settled by ``as_of`` (customers' tiers as now computed), predicts every open invoice
(adjusted by the collections area's promises and disputes) and returns a ``Forecast`` with one
curve per currency (own minor units) and one in the base currency. ``run_backtest`` does the same
for a past day against what then arrived. Reads only; raises nothing of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from recon.credit.config import CreditSettings
from recon.credit.fx import Converter, rates_on
from recon.credit.inputs import collection_inputs
from recon.credit.ledger import load_ledger
from recon.forecast.backtest import BacktestResult, backtest, tier_codes
from recon.forecast.curve import Curve, receipts_curve
from recon.forecast.model import fit, predict

__all__ = ["Forecast", "forecast", "run_backtest"]


@dataclass(frozen=True)
class Forecast:
    as_of: dt.date
    base: str
    weeks: list[dt.date]  # first day of each week
    by_currency: dict[str, Curve]
    base_curve: Curve
    open_invoices: int
    rate_days: dict[str, str]
    missing_rates: tuple[str, ...]


def forecast(session: Session, *, as_of: dt.date, settings: CreditSettings,
             weeks: int = 13) -> Forecast:
    """Expected receipts per currency and in the base currency (see module docstring)."""
    led = load_ledger(session)
    conv = Converter(led.currencies, rates_on(session, as_of, settings.base_currency),
                     settings.base_currency)
    t = as_of.toordinal()
    open_ = led.open_at(t)
    idx = np.flatnonzero(open_ > 0)
    model = fit(led, t, tier_codes(led, t, conv))
    q = predict(model, led, idx, weeks * 7, collection_inputs(session, led))
    cur = led.inv_currency[idx]
    by_currency = {
        code: receipts_curve(q[cur == k], open_[idx][cur == k], weeks)
        for k, code in enumerate(led.currencies) if (cur == k).any()
    }
    base = open_[idx] * conv.float_factors[cur] if len(idx) else np.zeros(0)
    return Forecast(
        as_of=as_of, base=settings.base_currency,
        weeks=[as_of + dt.timedelta(days=1 + 7 * w) for w in range(weeks)],
        by_currency=by_currency, base_curve=receipts_curve(q, base, weeks),
        open_invoices=len(idx), rate_days=conv.rate_days(), missing_rates=conv.missing,
    )


def run_backtest(session: Session, *, as_of: dt.date, settings: CreditSettings,
                 weeks: int = 13) -> BacktestResult:
    """The back-test of ``recon.forecast.backtest`` on this database's ledger."""
    led = load_ledger(session)
    conv = Converter(led.currencies, rates_on(session, as_of, settings.base_currency),
                     settings.base_currency)
    return backtest(led, as_of, conv, weeks)
