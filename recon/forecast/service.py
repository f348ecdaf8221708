"""The forecast from the database: open invoices now, expected receipts for 13 weeks.

``forecast(session, as_of=..., settings=...)`` loads the ledger, fits the delay model on what
was settled by ``as_of`` (customers' tiers as now computed), predicts every open invoice
(adjusted by the collections area's promises and disputes) and returns a ``Forecast`` with one
curve per currency (own minor units) and one in the base currency. Every band is calibrated
(``recon.forecast.calibrate``) from back-tests of this database's own earlier month-ends; the
back-test of each month-end is kept per process while the data it read is unchanged (the
first calibration costs about a dozen back-tests). ``run_backtest`` does the same for a past
day against what then arrived. Reads only; raises nothing of its own.
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


_RAW: dict[tuple, tuple] = {}  # (origin, what it read) -> raw back-test of that origin


def _what_origin_reads(led: Ledger, origin: int, weeks: int) -> tuple:
    """A fingerprint of the data a back-test at ``origin`` reads: the invoices issued by then and
    the settlements up to the end of its horizon. Later data does not change it, so a new day
    reuses the back-tests of the month-ends it shares with yesterday."""
    inv = led.inv_issue <= origin
    st = led.set_day <= origin + 7 * weeks
    return (led.n_customers, led.currencies, int(inv.sum()), int(led.inv_amount[inv].sum()),
            int(led.inv_due[inv].sum()), int(led.inv_customer[inv].sum()), int(st.sum()),
            int(led.set_amount[st].sum()), int(led.set_day[st].sum()),
            int(led.set_invoice[st].sum()))


def calibration(led: Ledger, as_of: dt.date, conv: Converter, weeks: int = 13) -> Calibration:
    """The band factor for ``as_of`` on this ledger; each origin's back-test is kept per
    process for as long as the data it read is unchanged (about a dozen back-tests the first
    time)."""
    rates = (conv.base, tuple(conv.float_factors.tolist()))

    def raw(origin: dt.date) -> tuple:
        key = (origin, weeks, rates, _what_origin_reads(led, origin.toordinal(), weeks))
        if key not in _RAW:
            if len(_RAW) > 64:
                _RAW.clear()
            _RAW[key] = raw_backtest(led, origin, conv, weeks)[:4]
        return _RAW[key]

    return fit_calibration(raw, as_of, weeks, has_data=lambda o: has_history(led, o.toordinal()))


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
