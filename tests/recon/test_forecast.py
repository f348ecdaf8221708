"""The delay model, the receipts curve with its band, and the back-test against baselines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from benchmarks.gen_credit import generate
from recon.credit.inputs import CollectionInputs
from recon.forecast.backtest import backtest
from recon.forecast.curve import receipts_curve
from recon.forecast.model import fit, predict
from tests.recon.credit_ledger import TD, converter, ledger

# Customer 0 always pays exactly 10 days after the due day (8 invoices); customer 1 has none.
HIST = [(0, "EUR", 10000, TD - 300 + 30 * k, TD - 270 + 30 * k) for k in range(8)]
PAID = [(k, TD - 260 + 30 * k, 10000) for k in range(8)]


def _model_and_ledger(extra):
    led = ledger(HIST + extra, PAID, customers=2)
    return fit(led, TD, np.zeros(2, dtype=np.int64)), led


def test_own_history_puts_the_mass_around_due_plus_delay():
    model, led = _model_and_ledger([(0, "EUR", 50000, TD - 25, TD + 5)])
    q = predict(model, led, np.array([8]), 91)
    # due T+5, pays +10 -> day T+15 = horizon index 14; kernel and shrinkage spread it a little
    assert q[0].sum() == pytest.approx(1.0)
    assert q[0, 10:19].sum() > 0.6
    assert int(np.argmax(q[0])) == 14


def test_no_history_falls_back_to_the_portfolio():
    model, led = _model_and_ledger([(1, "EUR", 50000, TD - 25, TD + 5)])
    q = predict(model, led, np.array([8]), 91)
    assert int(np.argmax(q[0])) == 14  # the portfolio is customer 0's habit


def test_already_overdue_is_conditioned_on_not_paid_yet():
    model, led = _model_and_ledger([(0, "EUR", 50000, TD - 40, TD - 8)])
    q = predict(model, led, np.array([8]), 91)
    assert q[0].sum() == pytest.approx(1.0)
    assert q[0, 0:5].sum() > 0.5  # due + 10 = T+2: the next days, never the past


def test_promise_and_dispute_adjust_the_distribution():
    model, led = _model_and_ledger([(0, "EUR", 50000, TD - 25, TD + 5),
                                    (0, "EUR", 50000, TD - 25, TD + 5)])
    inputs = CollectionInputs(
        promise_invoice=np.array([8]), promise_day=np.array([TD + 40]),
        promise_made=np.array([TD - 1]), promise_kept=np.array([-1]),
        dispute_invoice=np.array([9]), dispute_day=np.array([TD - 2]),
        dispute_open=np.array([True]))
    q = predict(model, led, np.array([8, 9]), 91, inputs)
    assert q[0, 39] >= 0.6
    assert q[1, -1] == 1.0 and q[1, :-1].sum() == 0.0


def test_curve_expected_weekly_and_band():
    q = np.zeros((2, 92))
    q[0, 3] = 1.0  # week 1, certain
    q[1, 10], q[1, 91] = 0.5, 0.5  # week 2 or later, a coin flip
    c = receipts_curve(q, np.array([1000.0, 400.0]), weeks=13)
    assert c.weekly[0] == pytest.approx(1000) and c.weekly[1] == pytest.approx(200)
    assert c.later == pytest.approx(200)
    assert c.low[0] == pytest.approx(1000) and c.high[0] == pytest.approx(1000)
    assert c.low[1] == 0 and c.high[1] == pytest.approx(400)


def test_backtest_beats_both_naive_baselines_on_the_benchmark_data():
    led = generate(customers=1000, invoices=40_000, seed=1)  # as benchmarks/bench_forecast.py
    result = backtest(led, dt.date(2026, 6, 30), converter(led))
    model, due, avg = (result.scores[k] for k in ("forecast", "due_date", "avg_delay"))
    assert model.mae < avg.mae < due.mae
    assert model.mape < avg.mape and model.mape < due.mape
    assert model.coverage >= 0.5
    assert result.beats_baselines
    assert result.actual.sum() > 0 and len(result.weeks) == 13
