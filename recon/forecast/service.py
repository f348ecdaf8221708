"""The forecast from the database: open invoices now, expected receipts for 13 weeks.

``forecast(session, as_of=..., settings=...)`` loads the ledger, fits the delay model on what
was settled by ``as_of`` (customers' tiers as now computed), predicts every open invoice
(adjusted by the collections area's promises and disputes) and returns a ``Forecast`` with one
curve per currency (own minor units) and one in the base currency. Every band is calibrated
(``recon.forecast.calibrate``) from back-tests of this database's own earlier month-ends; the
factor is kept per process for the same day and the same ledger (it costs about a dozen
back-tests). ``run_backtest`` does the same for a past day against what then arrived. Reads
only; raises nothing of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from recon.credit.config import CreditSettings
from recon.credit.fx import Converter, rates_on
from recon.credit.inputs import collection_inputs
from recon.credit.ledger import Ledger, load_ledger
from recon.forecast.backtest import BacktestResult, backtest, has_history, raw_backtest, tier_codes
from recon.forecast.calibrate import Calibration, fit_calibration, widen
from recon.forecast.curve import Curve, receipts_curve
from recon.forecast.model import fit, predict

__all__ = ["Forecast", "calibration", "forecast", "run_backtest"]


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
    calibration: Calibration


_CALIBRATIONS: dict[tuple, Calibration] = {}


def _fingerprint(led: Ledger) -> tuple:
    return (len(led.inv_id), len(led.set_day), int(led.inv_amount.sum()),
            int(led.set_amount.sum()), int(led.set_day.sum()), led.currencies)


def calibration(led: Ledger, as_of: dt.date, conv: Converter, weeks: int = 13) -> Calibration:
    """The band factor for ``as_of`` on this ledger (cached per process)."""
    key = (as_of, weeks, conv.base, tuple(conv.float_factors.tolist()), _fingerprint(led))
    if key not in _CALIBRATIONS:
        if len(_CALIBRATIONS) > 32:
            _CALIBRATIONS.clear()
        _CALIBRATIONS[key] = fit_calibration(
            lambda o: raw_backtest(led, o, conv, weeks)[:4], as_of, weeks,
            has_data=lambda o: has_history(led, o.toordinal()))
    return _CALIBRATIONS[key]


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
    cal = calibration(led, as_of, conv, weeks)
    by_currency = {
        code: widen(receipts_curve(q[cur == k], open_[idx][cur == k], weeks), cal.factor)
        for k, code in enumerate(led.currencies) if (cur == k).any()
    }
    base = open_[idx] * conv.float_factors[cur] if len(idx) else np.zeros(0)
    return Forecast(
        as_of=as_of, base=settings.base_currency,
        weeks=[as_of + dt.timedelta(days=1 + 7 * w) for w in range(weeks)],
        by_currency=by_currency, base_curve=widen(receipts_curve(q, base, weeks), cal.factor),
        open_invoices=len(idx), rate_days=conv.rate_days(), missing_rates=conv.missing,
        calibration=cal,
    )


def run_backtest(session: Session, *, as_of: dt.date, settings: CreditSettings,
                 weeks: int = 13) -> BacktestResult:
    """The back-test of ``recon.forecast.backtest`` on this database's ledger."""
    led = load_ledger(session)
    conv = Converter(led.currencies, rates_on(session, as_of, settings.base_currency),
                     settings.base_currency)
    return backtest(led, as_of, conv, weeks)
