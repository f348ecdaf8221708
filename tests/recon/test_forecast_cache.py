"""The forecast service keeps each month-end's back-test only while the data it read stands."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from benchmarks.gen_credit import generate
from recon.forecast import service
from tests.recon.credit_ledger import converter


def test_a_new_day_reuses_back_tests_and_a_changed_past_does_not(monkeypatch):
    led = generate(customers=150, invoices=4_000, seed=2)
    conv, calls = converter(led), []
    real = service.raw_backtest
    monkeypatch.setattr(service, "_RAW", {})
    monkeypatch.setattr(service, "raw_backtest",
                        lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    first = service.calibration(led, dt.date(2026, 6, 30), conv)
    assert len(calls) == len(first.origins) == 12
    again = service.calibration(led, dt.date(2026, 7, 1), conv)  # same 12 month-ends
    assert len(calls) == 12 and again.factor == first.factor
    # a settlement long after every horizon changes nothing the back-tests read
    cut = dt.date(2026, 9, 1).toordinal()
    later = dataclasses.replace(led, set_day=np.where(led.set_day > cut, led.set_day + 1,
                                                      led.set_day))
    service.calibration(later, dt.date(2026, 6, 30), conv)
    assert len(calls) == 12
    # a payment in the past moved by a day: the origins whose horizon saw it are redone
    moved = dataclasses.replace(led, set_day=led.set_day.copy())
    moved.set_day[np.argmax(led.set_day > dt.date(2026, 2, 1).toordinal())] += 1
    service.calibration(moved, dt.date(2026, 6, 30), conv)
    assert len(calls) > 12
