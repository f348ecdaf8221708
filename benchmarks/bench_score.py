"""Scoring of the matching benchmark: headline figures, the per-case table, the reliability table.

A method's output is `decided[receipt_id] = Decision(status, confidence, allocations,
alternatives)`, allocations as {invoice id: Decimal}. A receipt counts as right only when the
invoices AND the amounts equal the ground truth (fee short-pays: what the receipt brings;
overpayments: the open amount, the rest unapplied). Figures:

  auto precision   share of auto decisions that are exactly right
  auto rate        share of matchable receipts auto-matched exactly right
  suggest recall   share of matchable receipts whose truth is the decision or one of its
                   alternatives (the "best few readings" a person is shown)
  top-1 recall     share of matchable receipts whose truth is the decision itself
  false autos      auto decisions on receipts that must stay unmatched (noise, debits)
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

Alloc = dict[str, Decimal]
BUCKETS = (0.0, 0.3, 0.5, 0.8, 0.9, 0.95, 0.97, 0.99, 0.999, 1.0000001)
CALIBRATION_POINTS = 0.02  # issue #13: each bucket's precision within 2 points of its confidence


@dataclass
class Decision:
    status: str  # "auto" or "suggested"
    confidence: float
    alloc: Alloc
    alts: list[Alloc] = field(default_factory=list)


def _norm(alloc: Alloc) -> dict[str, Decimal]:
    return {str(k): Decimal(v) for k, v in alloc.items()}


def score(truth: dict[str, Alloc], noise: set[str], decided: dict[str, Decision],
          scored: set[str] | None = None) -> dict[str, float]:  # fmt: skip
    """Headline figures over the receipts in `scored` (all of them when None)."""
    keep = (lambda r: True) if scored is None else scored.__contains__
    matchable = [r for r in truth if keep(r)]
    autos = {r: d for r, d in decided.items() if d.status == "auto" and keep(r)}
    right = sum(1 for r, d in autos.items() if _norm(d.alloc) == truth.get(r))
    top1 = sum(1 for r in matchable if r in decided and _norm(decided[r].alloc) == truth[r])
    found = sum(1 for r in matchable if _found(decided.get(r), truth[r]))
    n = max(len(matchable), 1)
    return {"auto_precision": right / max(len(autos), 1), "auto_rate": right / n,
            "suggest_recall": found / n, "top1_recall": top1 / n,
            "false_autos_noise": sum(1 for r in autos if r in noise), "autos": len(autos),
            "matchable": len(matchable)}  # fmt: skip


def _found(d: Decision | None, truth: Alloc) -> bool:
    return d is not None and any(_norm(a) == truth for a in (d.alloc, *d.alts))


def per_case(truth, noise, decided, case: dict[str, str]) -> list[tuple]:
    """(case, receipts, auto rate, auto precision, suggest recall, top-1 recall, wrong autos)
    per case."""
    by: dict[str, list[str]] = defaultdict(list)
    for r, c in case.items():
        by[c].append(r)
    rows = []
    for c in sorted(by):
        rs = by[c]
        autos = [r for r in rs if r in decided and decided[r].status == "auto"]
        right = [r for r in autos if r in truth and _norm(decided[r].alloc) == truth[r]]
        matchable = [r for r in rs if r in truth]
        found = sum(1 for r in matchable if _found(decided.get(r), truth[r]))
        top1 = sum(1 for r in matchable if r in decided and _norm(decided[r].alloc) == truth[r])
        false = len(autos) - len(right)  # wrong invoices or amounts, or must stay unmatched
        rows.append((c, len(rs), _share(len(right), matchable),
                     len(right) / len(autos) if autos else None, _share(found, matchable),
                     _share(top1, matchable), false))  # fmt: skip
    return rows


def _share(k: int, of: list) -> float | None:
    return k / len(of) if of else None


def reliability(truth: dict[str, Alloc], decided: dict[str, Decision]) -> list[tuple]:
    """(bucket low, bucket high, count, mean confidence, observed precision) per bucket."""
    rows = []
    for lo, hi in itertools.pairwise(BUCKETS):
        sel = [d for r, d in decided.items() if lo <= d.confidence < hi]
        ok = [r for r, d in decided.items() if lo <= d.confidence < hi
              and _norm(d.alloc) == truth.get(r)]  # fmt: skip
        if sel:
            mean = sum(d.confidence for d in sel) / len(sel)
            rows.append((lo, min(hi, 1.0), len(sel), mean, len(ok) / len(sel)))
    return rows


def _pct(x: float | None) -> str:
    return "    -  " if x is None else f"{100 * x:6.2f}%"


def print_tables(truth, noise, decided, case: dict[str, str]) -> None:
    print("     case                 n   auto-match  precision  sugg.recall     top-1  false autos")
    for c, n, rate, prec, rec, top1, false in per_case(truth, noise, decided, case):
        print(f"     {c:<18}{n:>6}  {_pct(rate)}   {_pct(prec)}    {_pct(rec)}   {_pct(top1)}"
              f"   {false:>6}")  # fmt: skip
    print("     confidence bucket      n    mean conf   observed precision   std error   verdict")
    for lo, hi, n, mean, prec in reliability(truth, decided):
        se = math.sqrt(max(mean * (1 - mean), 1e-12) / n)
        print(f"     [{lo:.3f}, {hi:.3f})  {n:>6}    {mean:.4f}     {prec:.4f}"
              f"               {se:.4f}      {verdict(mean, prec, n)}")  # fmt: skip


def verdict(mean: float, observed: float, n: int) -> str:
    """Whether a bucket's observed precision is within `CALIBRATION_POINTS` of its mean
    confidence, or the bucket is too small to say (its binomial standard error at the mean
    confidence exceeds the tolerance itself: a perfectly calibrated bucket would miss by
    more than that about one time in three)."""
    se = math.sqrt(max(mean * (1 - mean), 1e-12) / n)
    if abs(observed - mean) <= CALIBRATION_POINTS:
        return "within"
    return "too small to judge" if se > CALIBRATION_POINTS else "MISSED"
