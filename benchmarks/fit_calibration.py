"""Fit the matcher's confidence calibration on development seeds and write its steps.

    .venv/bin/python benchmarks/fit_calibration.py --seed 1 2 --sizes 2000 10000 100000  # shipped
    .venv/bin/python benchmarks/fit_calibration.py                    # seeds 1 2 3, 2k and 10k
    .venv/bin/python benchmarks/fit_calibration.py --seed 1 2 --sizes 2000 --dry-run

Runs the engine (learned weights, as in production) on generated data of both families, marks
each proposal right (its invoices AND amounts equal the truth) or wrong (wrong invoices, or a
receipt that must stay unmatched), fits `matching.calibration.fit` on (score, right) and writes
`matching/calibration_knots.py`. Refuses the frozen evaluation seed: calibration must be judged
on data it was not fitted on (bench_matching.py prints the reliability table per seed).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_matching import FROZEN_SEED
from benchmarks.gen_matching import generate
from matching import MatchInput, MatchSettings, match
from matching.calibration import STRATA, fit, stratum

OUT = Path(__file__).resolve().parents[1] / "matching" / "calibration_knots.py"
HEADER = '''"""Calibration steps (score log2 odds, observed precision).

Written by benchmarks/fit_calibration.py on development seeds {seeds}, sizes {sizes},
families {families} ({n} proposals). Do not edit by hand; re-run the script after changing
the matcher."""

KNOTS: dict[str, tuple[tuple[float, float], ...]] = {{
'''


def samples(n: int, seed: int, family: str) -> tuple[list[float], list[bool], list[str]]:
    ds = generate(n, seed, family)
    result = match(MatchInput(tuple(ds.invoices), tuple(ds.receipts), tuple(ds.customers)),
                   MatchSettings())  # fmt: skip
    scores, right, strata = [], [], []
    for p in result.proposals:
        got = {str(a.invoice_id): Decimal(a.amount) for a in p.allocations}
        scores.append(p.score)
        right.append(got == ds.truth.get(str(p.receipt_id)))
        strata.append(stratum(p.evidence, p.kind))
    return scores, right, strata


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2_000, 10_000])
    ap.add_argument("--family", nargs="+", default=["EUR", "CNY"])
    ap.add_argument("--dry-run", action="store_true", help="print the steps, do not write")
    args = ap.parse_args()
    if FROZEN_SEED in args.seed:
        sys.exit(f"refusing to fit on the frozen evaluation seed {FROZEN_SEED}")
    scores: list[float] = []
    right: list[bool] = []
    ident: list[str] = []
    for seed in args.seed:
        for family in args.family:
            for n in args.sizes:
                s, r, i = samples(n, seed, family)
                scores, right, ident = scores + s, right + r, ident + i
                print(f"seed {seed} {family} {n}: {len(s)} proposals, {sum(r)} right", flush=True)
    x, y, strata = np.array(scores), np.array(right, float), np.array(ident)
    body = ""
    for name in STRATA:
        mask = strata == name
        knots = fit(x[mask], y[mask])
        print(f" {name}: {int(mask.sum())} proposals")
        for k, (low, value) in enumerate(knots):
            high = knots[k + 1][0] if k + 1 < len(knots) else np.inf
            sel = mask & (x >= low) & (x < high)
            print(f"  score >= {low:8.3f}: {int(sel.sum()):6d} proposals, precision "
                  f"{y[sel].mean():.4f}, calibrated {value:.4f}")  # fmt: skip
        body += f'    "{name}": (\n' + "".join(f"        ({a!r}, {b!r}),\n" for a, b in knots)
        body += "    ),\n"
    if args.dry_run:
        return
    OUT.write_text(HEADER.format(seeds=args.seed, sizes=args.sizes, families=args.family,
                                 n=len(scores)) + body + "}\n")  # fmt: skip
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
