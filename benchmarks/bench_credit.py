"""Credit-measures benchmark: behaviour + tiers for 12,500 customers / 100,000 invoices <= 5 s.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_credit.py [--customers N --invoices M]

Times the column-wise ``recon.credit.measures.behaviour`` plus ``tiers.assign_tiers`` on data
from ``benchmarks/gen_credit.py`` (no database: the ledger is what ``load_ledger`` returns), and,
in the same run, the naive way: a Python loop over invoices and settlements per customer for the
same 12-month measures, whose results must agree. Prints the load average beside the timings
(the machine is shared). Exit code 1 when the vectorised path takes more than 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections import defaultdict
from decimal import Decimal

import numpy as np

from benchmarks.gen_credit import generate
from recon.credit.fx import Converter, Rate
from recon.credit.inputs import CollectionInputs
from recon.credit.ledger import Ledger
from recon.credit.measures import GRACE_DAYS, MIN_OBS, behaviour
from recon.credit.tiers import assign_tiers

RATES = {"EUR": Rate(Decimal(1), None), "USD": Rate(Decimal("0.92"), dt.date(2026, 6, 30)),
         "CNY": Rate(Decimal("0.128"), dt.date(2026, 6, 30))}


def naive(led: Ledger, as_of: int) -> dict[int, tuple[float, float, int]]:
    """Per customer: (avg days-to-pay 12m, late share 12m, open minor in own currencies)."""
    settled: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for inv, day, amt in zip(led.set_invoice.tolist(), led.set_day.tolist(),
                             led.set_amount.tolist(), strict=True):
        if day <= as_of:
            settled[inv].append((day, amt))
    per: dict[int, list] = defaultdict(lambda: [0, 0, 0, 0])
    for i in range(len(led.inv_id)):
        c, amount = int(led.inv_customer[i]), int(led.inv_amount[i])
        total, paid = 0, None
        for day, amt in sorted(settled.get(i, [])):
            total += amt
            if total >= amount and paid is None:
                paid = day
        row = per[c]
        if int(led.inv_issue[i]) <= as_of:
            row[3] += max(amount - total, 0)
        if paid is not None and paid > as_of - 365:
            row[0] += paid - int(led.inv_issue[i])
            row[1] += paid > int(led.inv_due[i]) + GRACE_DAYS
            row[2] += 1
    return {c: (r[0] / r[2] if r[2] else float("nan"),
                r[1] / r[2] if r[2] >= MIN_OBS else float("nan"),
                r[3]) for c, r in per.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=12_500)
    parser.add_argument("--invoices", type=int, default=100_000)
    args = parser.parse_args()
    led = generate(customers=args.customers, invoices=args.invoices, seed=3)
    conv = Converter(led.currencies, RATES, "EUR")
    as_of = dt.date(2026, 6, 30).toordinal()
    print(f"{args.customers} customers, {args.invoices} invoices, {len(led.set_day)} "
          f"settlements; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    start = time.perf_counter()
    m = behaviour(led, as_of, conv, CollectionInputs())
    tiers = assign_tiers(m)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    slow = naive(led, as_of)
    slow_s = time.perf_counter() - start
    for c, (dtp, late, _open) in slow.items():
        assert np.isclose(dtp, m.values["avg_dtp_12m"][c], equal_nan=True), c
        assert np.isclose(late, m.values["late_share_12m"][c], equal_nan=True), c
    counts = {t: tiers.tiers.count(t) for t in ("A", "B", "C", "D", None)}
    print(f"vectorised measures + tiers: {fast:.2f} s  (tiers {counts})")
    print(f"naive per-row loop (3 of the measures only): {slow_s:.2f} s  "
          f"-> {slow_s / fast:.1f}x slower; results agree")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0 if fast <= 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
