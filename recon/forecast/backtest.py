"""Back-test: rebuild the forecast from what was known on a past day, compare with what came.

``backtest(ledger, as_of, converter)`` takes the receivables open at the end of ``as_of``,
forecasts their receipts for ``weeks`` weeks from the data known then (settlements dated on or
before ``as_of``; tiers recomputed as of that day), and compares each week with the cash that
actually arrived on those invoices. Two naive baselines run on the same invoices: every invoice
paid on its due day, and every invoice paid its customer's average delay after its due day
(the portfolio's average for a customer without history); a day already past counts as the
next day. Invoices issued after ``as_of`` are in neither side. Metrics per method: mean weekly
absolute error, MAPE over the weeks with receipts, and (the model only) how many weeks fell
inside the 80 % band. The band is calibrated (``recon.forecast.calibrate``) from the raw
back-tests of earlier month-ends whose horizon ended by ``as_of``, never from the weeks it is
scored on; ``raw_coverage`` is the simulated band's own. ``cache`` (origin -> raw back-test)
lets a caller back-testing many days compute each origin once. All in the base currency, float
minor units. Raises nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from recon.credit.fx import Converter
from recon.credit.inputs import CollectionInputs
from recon.credit.ledger import NEVER, Ledger
from recon.credit.measures import behaviour
from recon.credit.tiers import TIERS, assign_tiers
from recon.forecast.calibrate import Calibration, band_scores, fit_calibration, scaled_band
from recon.forecast.curve import receipts_curve
from recon.forecast.model import fit, predict

__all__ = ["BacktestResult", "Raw", "Score", "backtest", "has_history", "raw_backtest",
           "tier_codes"]

Raw = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Score:
    mae: float
    mape: float | None
    coverage: float | None


@dataclass(frozen=True)
class BacktestResult:
    as_of: dt.date
    base: str
    weeks: list[str]  # week start dates
    actual: np.ndarray
    forecast: np.ndarray
    low: np.ndarray
    high: np.ndarray
    due_date: np.ndarray
    avg_delay: np.ndarray
    scores: dict[str, Score]
    calibration: Calibration
    raw_coverage: float | None  # the uncalibrated simulated band's coverage on these weeks

    @property
    def beats_baselines(self) -> bool:
        model = self.scores["forecast"]
        return all(model.mae < s.mae and (model.mape or 0) < (s.mape or 0)
                   for name, s in self.scores.items() if name != "forecast")


def tier_codes(led: Ledger, as_of: int, conv: Converter) -> np.ndarray:
    """Each customer's computed tier as of ``as_of``: 0 default, 1..4 = A..D."""
    tiers = assign_tiers(behaviour(led, as_of, conv, CollectionInputs())).tiers
    return np.array([TIERS.index(t) + 1 if t else 0 for t in tiers], dtype=np.int64)


def _score(pred: np.ndarray, actual: np.ndarray, low: np.ndarray | None = None,
           high: np.ndarray | None = None) -> Score:
    err = np.abs(pred - actual)
    some = actual > 0
    mape = float(np.mean(err[some] / actual[some])) if some.any() else None
    cover = None if low is None else float(np.mean((actual >= low) & (actual <= high)))
    return Score(mae=float(err.mean()), mape=mape, coverage=cover)


def _by_week(days_ahead: np.ndarray, amounts: np.ndarray, weeks: int) -> np.ndarray:
    week = (days_ahead - 1) // 7
    keep = (week >= 0) & (week < weeks)
    return np.bincount(week[keep], weights=amounts[keep], minlength=weeks)[:weeks]


def _avg_delay(led: Ledger, t: int) -> np.ndarray:
    paid = led.paid_day(t)
    done = paid != NEVER
    delay = (paid - led.inv_due)[done].astype(float)
    cust = led.inv_customer[done]
    n = np.bincount(cust, minlength=led.n_customers)
    total = np.bincount(cust, weights=delay, minlength=led.n_customers)
    overall = float(delay.mean()) if len(delay) else 0.0
    return np.where(n > 0, total / np.maximum(n, 1), overall)


def has_history(led: Ledger, t: int) -> bool:
    """Something was open and something had been paid by day ``t``."""
    return bool((led.inv_issue <= t).any() and (led.set_day <= t).any())


def raw_backtest(led: Ledger, as_of: dt.date, conv: Converter, weeks: int = 13) -> Raw:
    """Per week: forecast, raw band low and high, actual, and the two baselines."""
    t = as_of.toordinal()
    open_ = led.open_at(t)
    idx = np.flatnonzero(open_ > 0)
    base = open_[idx] * conv.float_factors[led.inv_currency[idx]]
    model = fit(led, t, tier_codes(led, t, conv))
    curve = receipts_curve(predict(model, led, idx, weeks * 7), base, weeks)
    later = led.set_cash & (led.set_day > t) & (open_[led.set_invoice] > 0)
    amt = led.set_amount[later] * conv.float_factors[led.inv_currency[led.set_invoice[later]]]
    actual = _by_week(led.set_day[later] - t, amt, weeks)
    due = np.maximum(led.inv_due[idx] - t, 1)
    delayed = np.maximum(np.rint(led.inv_due[idx] + _avg_delay(led, t)[
        led.inv_customer[idx]]).astype(np.int64) - t, 1)
    return (curve.weekly, curve.low, curve.high, actual, _by_week(due, base, weeks),
            _by_week(delayed, base, weeks))


def backtest(led: Ledger, as_of: dt.date, conv: Converter, weeks: int = 13, *,
             cache: dict[dt.date, Raw] | None = None) -> BacktestResult:
    """Forecast (calibrated band) vs actual and both baselines for the invoices open at
    ``as_of``."""
    cache = {} if cache is None else cache

    def raw(day: dt.date) -> Raw:
        if day not in cache:
            cache[day] = raw_backtest(led, day, conv, weeks)
        return cache[day]

    forecast, low, high, actual, b_due, b_avg = raw(as_of)
    cal = fit_calibration(lambda o: raw(o)[:4], as_of, weeks,
                          has_data=lambda o: has_history(led, o.toordinal()))
    c_low, c_high = scaled_band(forecast, low, high, cal.factor)
    return BacktestResult(
        as_of=as_of, base=conv.base,
        weeks=[(as_of + dt.timedelta(days=1 + 7 * w)).isoformat() for w in range(weeks)],
        actual=actual, forecast=forecast, low=c_low, high=c_high,
        due_date=b_due, avg_delay=b_avg,
        scores={"forecast": _score(forecast, actual, c_low, c_high),
                "due_date": _score(b_due, actual), "avg_delay": _score(b_avg, actual)},
        calibration=cal,
        raw_coverage=float(np.mean(band_scores(forecast, low, high, actual) <= 1.0)),
    )
