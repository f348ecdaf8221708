"""Forecast back-test on the benchmark data: the model against two naive baselines.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_forecast.py [--as-of 2026-06-30 ...]

Generates four years of invoices and payments (``benchmarks/gen_credit.py``: 1,000 customers,
40,000 invoices, customer-specific delays, seasonality, deteriorating payers), and for each
``--as-of`` day rebuilds the forecast from what was known then and prints, per method, the mean
weekly absolute error (EUR), MAPE and the 80 % band's coverage, plus the time taken and the load
average. Exit code 1 when the model does not beat both baselines on both error measures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

from benchmarks.bench_credit import RATES
from benchmarks.gen_credit import generate
from recon.credit.fx import Converter
from recon.forecast.backtest import backtest

DAYS = ("2025-03-31", "2025-12-31", "2026-06-30")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", action="append", dest="days")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=40_000)
    args = parser.parse_args()
    led = generate(customers=args.customers, invoices=args.invoices, seed=1)
    conv = Converter(led.currencies, RATES, "EUR")
    ok = True
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'as of':<11} {'method':<10} {'MAE/week EUR':>13} {'MAPE':>7} {'80% band':>9}")
    for day in args.days or DAYS:
        start = time.perf_counter()
        result = backtest(led, dt.date.fromisoformat(day), conv)
        took = time.perf_counter() - start
        for name, s in result.scores.items():
            cover = f"{s.coverage:.0%}" if s.coverage is not None else "-"
            print(f"{day:<11} {name:<10} {s.mae / 100:>13,.0f} {s.mape or 0:>7.1%} {cover:>9}")
        print(f"{'':<11} took {took:.2f} s; beats both baselines: {result.beats_baselines}")
        ok &= result.beats_baselines
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
