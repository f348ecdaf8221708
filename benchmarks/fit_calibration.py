"""Fit the matcher's confidence calibration on development seeds and write its steps.

    .venv/bin/python benchmarks/fit_calibration.py --seed 1 2 --sizes 2000 10000 100000  # shipped
    .venv/bin/python benchmarks/fit_calibration.py                    # seeds 1 2 3, 2k and 10k
    .venv/bin/python benchmarks/fit_calibration.py --seed 1 2 --sizes 2000 --dry-run
    .venv/bin/python benchmarks/fit_calibration.py --seed 1 2 3 4 --sizes 2000 10000 100000 \
        --cache /tmp/calib   # each run's (score, right, stratum) kept: refits skip the engine

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
from matching.calibration import MIN_STEP, STRATA, calibrate, fit, stratum

OUT = Path(__file__).resolve().parents[1] / "matching" / "calibration_knots.py"
HEADER = '''"""Calibration steps (score log2 odds, observed precision).

Written by benchmarks/fit_calibration.py on development seeds {seeds},
sizes {sizes}, families {families} ({n} proposals), steps of at least
{min_step} proposals. Do not edit by hand; re-run the script after changing the matcher."""

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


def cached(n: int, seed: int, family: str, cache: Path | None) -> tuple[list, list, list]:
    """`samples`, read from or written to ``cache`` (one .npz per seed, family and size)."""
    if cache is None:
        return samples(n, seed, family)
    path = cache / f"{seed}-{family}-{n}.npz"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        s, r, i = samples(n, seed, family)
        np.savez(path, scores=np.array(s, float), right=np.array(r, bool), strata=np.array(i))
    data = np.load(path)
    return data["scores"].tolist(), data["right"].tolist(), data["strata"].tolist()


BUCKETS = ((0, 0.3), (0.3, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 0.97), (0.97, 0.99),
           (0.99, 0.999))  # fmt: skip


def cross_validate(runs: dict[tuple[int, str, int], tuple], min_step: int) -> float:
    """Fit without one seed, print the reliability of that seed's largest runs; the worst miss
    of a bucket whose binomial standard error is at most 2 points."""
    worst = 0.0
    for held in sorted({k[0] for k in runs}):
        rest = [v for k, v in runs.items() if k[0] != held]
        x, y, st = (np.concatenate([np.asarray(r[i]) for r in rest]) for i in range(3))
        knots = {name: fit(x[st == name], y[st == name], min_step) for name in STRATA}
        top = max(k[2] for k in runs)
        for (seed, family, n), (xs, ys, ss) in runs.items():
            if seed != held or n != top:
                continue
            conf = np.array([calibrate(a, b, knots[b]) for a, b in zip(xs, ss, strict=True)])
            cells = []
            for low, high in BUCKETS:
                sel = (conf >= low) & (conf < high)
                if sel.any():
                    mean, seen = conf[sel].mean(), np.asarray(ys, float)[sel].mean()
                    judged = np.sqrt(mean * (1 - mean) / sel.sum()) <= 0.02
                    worst = max(worst, abs(mean - seen) if judged else 0.0)
                    flag = "*" if judged and abs(mean - seen) > 0.02 else ""
                    cells.append(f"[{low}, {high}) {int(sel.sum())} {mean:.3f}/{seen:.3f}{flag}")
            print(f"  held out seed {seed} {family} {n}: " + " | ".join(cells))
    print(f"min step {min_step}: worst judged miss {worst:.3f} (* = more than 2 points)")
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2_000, 10_000])
    ap.add_argument("--family", nargs="+", default=["EUR", "CNY"])
    ap.add_argument("--dry-run", action="store_true", help="print the steps, do not write")
    ap.add_argument("--min-step", type=int, nargs="+", default=[MIN_STEP],
                    help="proposals per calibration step at least (several: cross-validate each)")
    ap.add_argument("--cross-validate", action="store_true",
                    help="leave one seed out: print each held-out seed's reliability; no write")
    ap.add_argument("--cache", type=Path, help="keep each run's samples here (after a matcher "
                    "change, use a new folder)")
    args = ap.parse_args()
    if FROZEN_SEED in args.seed:
        sys.exit(f"refusing to fit on the frozen evaluation seed {FROZEN_SEED}")
    runs = {}
    for seed in args.seed:
        for family in args.family:
            for n in args.sizes:
                runs[seed, family, n] = s, r, _ = cached(n, seed, family, args.cache)
                print(f"seed {seed} {family} {n}: {len(s)} proposals, {sum(r)} right", flush=True)
    if args.cross_validate:
        for min_step in args.min_step:
            cross_validate(runs, min_step)
        return
    scores = [v for r in runs.values() for v in r[0]]
    right = [v for r in runs.values() for v in r[1]]
    ident = [v for r in runs.values() for v in r[2]]
    x, y, strata = np.array(scores), np.array(right, float), np.array(ident)
    body = ""
    for name in STRATA:
        mask = strata == name
        knots = fit(x[mask], y[mask], args.min_step[0])
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
    header = HEADER.format(seeds=args.seed, sizes=args.sizes, families=args.family,
                           n=len(scores), min_step=args.min_step[0])  # fmt: skip
    OUT.write_text(header + body + "}\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
