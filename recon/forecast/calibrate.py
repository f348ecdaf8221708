"""Calibrating the 80 % band from the forecast's own past errors (split conformal, rolling origin).

Why: the band of ``curve.receipts_curve`` simulates each invoice independently from its own
delay distribution, so it knows the luck of the draw but not the model's own error (a
deteriorating payer the recency weighting has not caught up with yet, a season unlike the last
one). On one as-of day it covered 69 % of the weeks; across a year of origins 54-92 %.

Method (split-conformal prediction, normalised scores, rolling origin):

1. Calibration origins: the ``WINDOW`` (12) last month-ends ``o`` whose whole horizon lies in
   the past, ``o + 7 × weeks <= as_of``, so every receipt compared was known at ``as_of`` and
   a year of seasons is in the sample. The week being forecast is never among them.
2. For each origin the raw back-test (``backtest.raw_backtest``: forecast, simulated 10th and
   90th percentiles, actual receipts per week) gives one score per week: how far the actual
   lies from the forecast in units of the band's half-width on that side,
   ``s = (f - y) / (f - low)`` when ``y < f``, else ``(y - f) / (high - f)``. A week inside the
   raw band scores at most 1. Normalising makes weeks of different size and origins of
   different portfolios comparable.
3. The factor ``λ`` is the weighted conformal quantile of the scores (Barber, Candès, Ramdas
   and Tibshirani 2023, "Conformal prediction beyond exchangeability"): each origin's weeks
   weigh ``0.5 ** (age / HALF_LIFE)`` with ``age`` in months before the newest origin, the
   week to come weighs 1, and ``λ`` is the smallest score whose weight below it reaches 80 %
   of the total. Without weights this is the plain split-conformal ``⌈(n + 1) × 0.8⌉``-th
   smallest score, which needs exchangeable weeks; payers that drift (the deteriorating ones
   of the benchmark) make recent errors the better guide, and without the weighting the band
   covered 72-78 % of the weeks on the benchmark seeds instead of 75-80 %.
4. The calibrated band is ``[f - λ (f - low), f + λ (high - f)]``, the low end floored at
   0. The same factor widens (or narrows) the per-currency curves.

Fewer than ``MIN_ORIGINS`` usable origins (a young database): ``λ = 1``, the raw band, and
``Calibration.origins`` says so. Measured on ``benchmarks/gen_credit.py`` (``bench_forecast``,
figures in benchmarks/README.md). Pure numpy; raises nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from recon.forecast.curve import Curve

__all__ = ["HALF_LIFE", "LEVEL", "MIN_ORIGINS", "WINDOW", "Calibration", "band_scores",
           "calibration_origins", "conformal_factor", "fit_calibration", "scaled_band", "widen"]

LEVEL = 0.8
WINDOW = 12
HALF_LIFE = 2.0  # months (origins)
MIN_ORIGINS = 3
_TINY = 1e-6


@dataclass(frozen=True)
class Calibration:
    factor: float  # λ: 1.0 = the raw simulated band
    origins: tuple[dt.date, ...]  # the month-ends it was learned from (empty: uncalibrated)
    raw_coverage: float | None  # share of calibration weeks inside the raw band

    @property
    def calibrated(self) -> bool:
        return bool(self.origins)


def calibration_origins(as_of: dt.date, weeks: int = 13,
                        window: int = WINDOW) -> list[dt.date]:
    """The ``window`` last month-ends whose ``weeks``-week horizon ends by ``as_of``, oldest
    first."""
    last = as_of - dt.timedelta(days=7 * weeks)
    end = last if (last + dt.timedelta(days=1)).day == 1 else last.replace(day=1) - dt.timedelta(
        days=1)
    out = []
    for _ in range(window):
        out.append(end)
        end = end.replace(day=1) - dt.timedelta(days=1)
    return out[::-1]


def band_scores(forecast: np.ndarray, low: np.ndarray, high: np.ndarray,
                actual: np.ndarray) -> np.ndarray:
    """Per week: distance of the actual from the forecast in band half-widths (<= 1 inside)."""
    floor = _TINY * np.maximum(np.abs(forecast), 1.0)
    below = np.maximum(forecast - low, floor)
    above = np.maximum(high - forecast, floor)
    return np.where(actual < forecast, (forecast - actual) / below, (actual - forecast) / above)


def conformal_factor(scores: np.ndarray, level: float = LEVEL,
                     weights: np.ndarray | None = None) -> float:
    """The (weighted) conformal quantile: the smallest score whose weight at or below it is at
    least ``level`` of the calibration weights plus 1 for the week to come (inf when the
    calibration weighs too little for that level). Equal weights give the ⌈(n+1)·level⌉-th
    smallest score."""
    if len(scores) == 0:
        return math.inf
    w = np.ones(len(scores)) if weights is None else np.asarray(weights, dtype=float)
    order = np.argsort(scores, kind="stable")
    reached = np.cumsum(w[order]) / (w.sum() + 1.0)
    i = int(np.searchsorted(reached, level - 1e-12))
    return math.inf if i >= len(scores) else float(scores[order][i])


RawBacktest = Callable[[dt.date], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def fit_calibration(raw: RawBacktest, as_of: dt.date, weeks: int = 13,
                    window: int = WINDOW, has_data: Callable[[dt.date], bool] | None = None,
                    ) -> Calibration:
    """λ from the raw back-tests (``raw(origin) -> forecast, low, high, actual``) of the
    calibration origins of ``as_of``; origins ``has_data`` rejects are skipped."""
    origins = [o for o in calibration_origins(as_of, weeks, window)
               if has_data is None or has_data(o)]
    if len(origins) < MIN_ORIGINS:
        return Calibration(1.0, (), None)
    per_origin = [band_scores(*raw(o)) for o in origins]
    age = (origins[-1].year * 12 + origins[-1].month) - np.array(
        [o.year * 12 + o.month for o in origins])
    weights = np.concatenate([np.full(len(s), 0.5 ** (a / HALF_LIFE))
                              for s, a in zip(per_origin, age.tolist(), strict=True)])
    scores = np.concatenate(per_origin)
    factor = conformal_factor(scores, LEVEL, weights)
    if not math.isfinite(factor):
        return Calibration(1.0, (), None)
    return Calibration(factor, tuple(origins), float(np.mean(scores <= 1.0)))


def scaled_band(forecast: np.ndarray, low: np.ndarray, high: np.ndarray,
                factor: float) -> tuple[np.ndarray, np.ndarray]:
    """The band ``[f - λ (f - low), f + λ (high - f)]``, its low end floored at 0."""
    return (np.maximum(forecast - factor * (forecast - low), 0.0),
            forecast + factor * (high - forecast))


def widen(curve: Curve, factor: float) -> Curve:
    """The curve with its band scaled by ``factor`` around the expected receipts."""
    low, high = scaled_band(curve.weekly, curve.low, curve.high, factor)
    return replace(curve, low=low, high=high)
