"""Forecast back-test on the benchmark data over rolling origins: errors and band coverage.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_forecast.py [--as-of 2026-06-30 ...]

Generates four years of invoices and payments (``benchmarks/gen_credit.py``: 1,000 customers,
40,000 invoices, customer-specific delays, seasonality, deteriorating payers, data to
2026-12-31) and back-tests the forecast at each origin: by default the 12 last month-ends whose
13-week horizon is complete in the data (2025-10-31 .. 2026-09-30). For each origin it prints,
per method, the mean weekly absolute error (EUR) and MAPE, and for the model the share of weeks
inside the raw simulated 80 % band and inside the calibrated band, with the calibration factor
and the origins it was learned from (always earlier month-ends whose horizon had ended: never
the origin scored). Then the averages over the origins, the time taken and the load average.
Exit code 1 when the model does not beat both baselines on average, or the calibrated band's
average coverage is outside 75-85 %.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

import numpy as np

from benchmarks.bench_credit import RATES
from benchmarks.gen_credit import generate
from recon.credit.fx import Converter
from recon.forecast.backtest import BacktestResult, Raw, backtest

METHODS = ("forecast", "due_date", "avg_delay")


def month_ends(first: dt.date, last: dt.date) -> list[str]:
    """Every month-end from ``first``'s month to ``last``'s, as ISO dates."""
    out, day = [], first.replace(day=1)
    while day <= last:
        nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        out.append((nxt - dt.timedelta(days=1)).isoformat())
        day = nxt
    return out


DAYS = month_ends(dt.date(2025, 10, 1), dt.date(2026, 9, 30))


def _row(day: str, r: BacktestResult) -> str:
    s = r.scores
    errs = "  ".join(f"{s[m].mae / 100:>9,.0f} {s[m].mape or 0:>6.1%}" for m in METHODS)
    cal = r.calibration
    return (f"{day:<11} {errs}  {r.raw_coverage:>5.0%} {s['forecast'].coverage:>5.0%} "
            f"x{cal.factor:>4.2f} {len(cal.origins):>3}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", action="append", dest="days")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    led = generate(customers=args.customers, invoices=args.invoices, seed=args.seed)
    conv = Converter(led.currencies, RATES, "EUR")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
          f"{args.customers} customers, {args.invoices} invoices, seed {args.seed}")
    head = "  ".join(f"{m + ' MAE':>9} {'MAPE':>6}" for m in METHODS)
    print(f"{'as of':<11} {head}  {'raw':>5} {'calib':>5} {'λ':>5} {'org':>3}")
    cache: dict[dt.date, Raw] = {}
    results, start = [], time.perf_counter()
    for day in args.days or DAYS:
        results.append(backtest(led, dt.date.fromisoformat(day), conv, cache=cache))
        print(_row(day, results[-1]))
    took = time.perf_counter() - start
    mean = {m: (np.mean([r.scores[m].mae for r in results]) / 100,
                np.mean([r.scores[m].mape or 0 for r in results])) for m in METHODS}
    raw = float(np.mean([r.raw_coverage for r in results]))
    cov = float(np.mean([r.scores["forecast"].coverage for r in results]))
    print("average     " + "  ".join(f"{mean[m][0]:>9,.0f} {mean[m][1]:>6.1%}" for m in METHODS)
          + f"  {raw:>5.1%} {cov:>5.1%}")
    beats = all(mean["forecast"][k] < mean[m][k] for m in METHODS[1:] for k in (0, 1))
    print(f"{len(results)} origins in {took:.1f} s ({len(cache)} raw back-tests); beats both "
          f"baselines on average: {beats}; calibrated coverage in 75-85 %: {0.75 <= cov <= 0.85}; "
          f"load average now {os.getloadavg()[0]:.2f}")
    return 0 if beats and 0.75 <= cov <= 0.85 else 1


if __name__ == "__main__":
    sys.exit(main())
