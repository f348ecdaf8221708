"""Matching benchmark: the engine against two baselines on synthetic data with ground truth.

    .venv/bin/python benchmarks/bench_matching.py                 # 10k and 100k, engine + baselines
    .venv/bin/python benchmarks/bench_matching.py --sizes 2000 --full   # plus the CLI full path

Each (size, method) runs in its own child process so that peak memory (max RSS) is its own.
Data generation is not timed. Metrics per method:
  auto precision    share of auto proposals whose allocations are exactly the truth
  auto rate         share of matchable receipts auto-matched exactly right
  suggest recall    share of matchable receipts whose truth is the proposal or an alternative
  false autos       auto proposals on receipts that must stay unmatched (noise, debits)
Baselines: exact = an invoice number verbatim in the text and an equal amount; naive fuzzy =
rapidfuzz extractOne of the text against every invoice number (WRatio, default_process), accept
at >= 85 with equal amount. Naive fuzzy runs on a sample of receipts and its time is
extrapolated to all receipts (said so in the output).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.gen_matching import Dataset, generate
from matching import MatchInput, MatchSettings, match

NAIVE_SAMPLE = 400


def _score(ds: Dataset, decided: dict[str, tuple[str, dict, list[dict]]], n_total: int) -> dict:
    """decided[rid] = (status, {invoice: amount}, [alternative allocations])."""
    autos = {r: a for r, (s, a, _) in decided.items() if s == "auto"}
    right = sum(1 for r, a in autos.items() if ds.truth.get(r) == a)
    scored = {x.id for x in ds.receipts[:n_total]}
    matchable = [r for r in ds.truth if r in scored]
    found = 0
    for r in matchable:
        _status, alloc, alts = decided.get(r, ("", {}, []))
        truth_ids = set(ds.truth[r])
        if (
            alloc == ds.truth[r]
            or set(alloc) == truth_ids
            or any(set(x) == truth_ids for x in alts)
        ):
            found += 1
    return {
        "auto_precision": right / max(len(autos), 1),
        "auto_rate": sum(1 for r in matchable if ds.truth[r] == autos.get(r))
        / max(len(matchable), 1),
        "suggest_recall": found / max(len(matchable), 1),
        "false_autos_noise": sum(1 for r in autos if r in ds.noise),
        "autos": len(autos),
    }


def run_engine(ds: Dataset, threshold: float | None) -> tuple[dict, float, list]:
    settings = MatchSettings() if threshold is None else MatchSettings(auto_threshold=threshold)
    data = MatchInput(tuple(ds.invoices), tuple(ds.receipts), tuple(ds.customers))
    t0, c0 = time.perf_counter(), time.process_time()
    result = match(data, settings)
    wall = time.perf_counter() - t0
    run_engine.cpu = time.process_time() - c0  # type: ignore[attr-defined]
    decided = {
        str(p.receipt_id): (
            p.status,
            {a.invoice_id: a.amount for a in p.allocations},
            [{a.invoice_id: a.amount for a in alt.allocations} for alt in p.alternatives],
        )
        for p in result.proposals
    }
    confs = [
        (p.confidence, ds.truth.get(str(p.receipt_id)) == decided[str(p.receipt_id)][1])
        for p in result.proposals
    ]
    return decided, wall, confs


def run_exact(ds: Dataset) -> tuple[dict, float]:
    t0 = time.perf_counter()
    by_number = {inv.number: inv for inv in ds.invoices}
    decided = {}
    for rec in ds.receipts:
        for tok in rec.remittance.replace(",", " ").split():
            inv = by_number.get(tok.strip(".;:"))
            if inv and inv.open_amount == rec.amount:
                decided[rec.id] = ("auto", {inv.id: inv.open_amount}, [])
                break
    return decided, time.perf_counter() - t0


def run_naive(ds: Dataset) -> tuple[dict, float, int]:
    from rapidfuzz import fuzz, process, utils

    numbers = [inv.number for inv in ds.invoices]
    sample = ds.receipts[:NAIVE_SAMPLE]
    t0 = time.perf_counter()
    decided = {}
    for rec in sample:
        best = process.extractOne(
            rec.remittance,
            numbers,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=85,
        )
        if best and ds.invoices[best[2]].open_amount == rec.amount:
            inv = ds.invoices[best[2]]
            decided[rec.id] = ("auto", {inv.id: inv.open_amount}, [])
    wall = (time.perf_counter() - t0) * len(ds.receipts) / len(sample)
    return decided, wall, len(sample)


def child(method: str, n: int, threshold: float | None) -> dict:
    ds = generate(n)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    extra: dict = {}
    if method == "engine":
        decided, wall, confs = run_engine(ds, threshold)
        extra["threshold_curve"] = _curve(confs)
        extra["cpu_s"] = run_engine.cpu  # type: ignore[attr-defined]
        scored_n = len(ds.receipts)
    elif method == "exact":
        decided, wall = run_exact(ds)
        scored_n = len(ds.receipts)
    else:
        decided, wall, scored_n = run_naive(ds)
        extra["note"] = f"naive run on {scored_n} receipts, time extrapolated to {n}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sub = Dataset(ds.customers, ds.invoices, ds.receipts[:scored_n], ds.truth, ds.noise, ds.case)
    out = _score(sub, decided, scored_n)
    return {
        "method": method,
        "n": n,
        "wall_s": wall,
        "peak_mb": peak / 1024,
        "data_mb": base_rss / 1024,
        **out,
        **extra,
    }


def _curve(confs: list[tuple[float, bool]]) -> list[tuple[float, float, int]]:
    """(threshold, precision of proposals at or above it, count) for picking the default."""
    out = []
    for th in (0.5, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999):
        sel = [ok for c, ok in confs if c >= th]
        out.append((th, sum(sel) / max(len(sel), 1), len(sel)))
    return out


def _spawn(method: str, n: int, threshold: float | None) -> dict:
    cmd = [sys.executable, __file__, "--child", method, str(n)]
    if threshold is not None:
        cmd += ["--threshold", str(threshold)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print(row: dict) -> None:
    print(
        f"{row['method']:>7} n={row['n']:>7}  precision={row['auto_precision']:.4f}  "
        f"auto_rate={row['auto_rate']:.4f}  recall={row['suggest_recall']:.4f}  "
        f"false_autos_noise={row['false_autos_noise']}  wall={row['wall_s']:.2f}s  "
        f"peak={row['peak_mb']:.0f}MB (data {row['data_mb']:.0f}MB)"
        + (f"  cpu={row['cpu_s']:.2f}s" if "cpu_s" in row else "")
        + (f"  [{row['note']}]" if "note" in row else ""),
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--child", nargs=2, metavar=("METHOD", "N"))
    ap.add_argument("--full", action="store_true", help="also run the CLI full path")
    ap.add_argument("--no-naive", action="store_true")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), args.threshold), default=str))
        return
    for n in args.sizes:
        rows = {m: _spawn(m, n, args.threshold) for m in ("engine", "exact")}
        if not args.no_naive and n <= 20_000:
            rows["naive"] = _spawn("naive", n, args.threshold)
        for row in rows.values():
            _print(row)
        print("   threshold curve (conf >=, precision, count):", rows["engine"]["threshold_curve"])
        if "naive" in rows:
            speedup = rows["naive"]["wall_s"] / rows["engine"]["wall_s"]
            print(f"   engine speed-up vs naive fuzzy: {speedup:.0f}x")
        if args.full:
            from benchmarks.full_path import run_full

            run_full(n)


if __name__ == "__main__":
    main()
