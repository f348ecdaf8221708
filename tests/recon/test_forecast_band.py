"""The forecast's 80 % band: the conformal calibration and its coverage out of sample."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from benchmarks.bench_forecast import DAYS
from benchmarks.gen_credit import generate
from recon.forecast.backtest import backtest
from recon.forecast.calibrate import (
    band_scores,
    calibration_origins,
    conformal_factor,
    fit_calibration,
    scaled_band,
)
from tests.recon.credit_ledger import converter


def test_calibration_origins_are_month_ends_whose_horizon_has_ended():
    got = calibration_origins(dt.date(2026, 6, 30), weeks=13, window=3)
    assert got == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    assert all(o + dt.timedelta(days=91) <= dt.date(2026, 6, 30) for o in got)
    # 2026-07-15 - 91 days = 2026-04-15: the last usable month-end is still 2026-03-31
    assert calibration_origins(dt.date(2026, 7, 15), 13, 1) == [dt.date(2026, 3, 31)]


def test_scores_count_half_widths_on_the_side_of_the_miss():
    f, lo, hi = np.array([100.0] * 4), np.array([90.0] * 4), np.array([140.0] * 4)
    s = band_scores(f, lo, hi, np.array([100.0, 80.0, 120.0, 180.0]))
    assert s.tolist() == pytest.approx([0.0, 2.0, 0.5, 2.0])


def test_conformal_quantile_equal_and_recency_weights():
    scores = np.arange(1.0, 11.0)  # 1..10
    assert conformal_factor(scores, 0.8) == 9.0  # ceil(11 * 0.8) = 9th smallest
    assert math.isinf(conformal_factor(scores[:3], 0.8))  # ceil(4 * 0.8) = 4 > 3
    # the newest scores (weight 1) are the small ones: the quantile moves down
    weights = np.array([0.01] * 5 + [1.0] * 5)
    assert conformal_factor(scores[::-1], 0.8, weights) == 5.0


def test_a_band_too_narrow_is_widened_to_cover_what_it_says():
    rng = np.random.default_rng(3)

    def raw(_origin):  # the model's band is +-10 but its error is N(0, 20)
        f = np.full(13, 1000.0)
        return f, f - 10, f + 10, f + rng.normal(0, 20, 13)

    cal = fit_calibration(raw, dt.date(2026, 6, 30))
    assert len(cal.origins) == 12 and cal.raw_coverage < 0.5
    f, lo, hi, _ = raw(None)
    low, high = scaled_band(f, lo, hi, cal.factor)
    fresh = f[0] + rng.normal(0, 20, 5000)
    inside = np.mean((fresh >= low[0]) & (fresh <= high[0]))
    assert 0.7 <= inside <= 0.92
    assert cal.factor > 2


def test_young_database_keeps_the_raw_band():
    cal = fit_calibration(lambda o: (np.ones(13),) * 4, dt.date(2026, 6, 30),
                          has_data=lambda o: o >= dt.date(2026, 2, 1))
    assert not cal.calibrated and cal.factor == 1.0  # only 2 usable origins


def test_band_covers_near_80_percent_across_origins_it_was_not_calibrated_on():
    led = generate(customers=1000, invoices=40_000, seed=1)  # as benchmarks/bench_forecast.py
    conv, cache = converter(led), {}
    results = [backtest(led, dt.date.fromisoformat(d), conv, cache=cache) for d in DAYS]
    for r in results:  # the origin scored is never one the band was calibrated on
        assert all(o + dt.timedelta(days=91) <= r.as_of for o in r.calibration.origins)
        assert len(r.calibration.origins) == 12
    coverage = float(np.mean([r.scores["forecast"].coverage for r in results]))
    assert 0.72 <= coverage <= 0.88, coverage
