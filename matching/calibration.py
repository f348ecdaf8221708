"""Confidence that means what it says (leaf layer): the score's log2 odds -> observed precision.

The Fellegi-Sunter score assumes independent features; they are not (a payer who writes the
invoice number also pays the exact amount), so 2^s / (1 + 2^s) is not a probability of being
right. `fit` learns a monotone step map from scores to the share of right proposals by isotonic
regression (pool adjacent violators), each step's precision smoothed with one right and one
wrong pseudo-proposal (Laplace) so that a step never claims certainty from a finite sample.
There is one map per kind of evidence (`stratum`): readings a reference or an agreeing payer
supports and whose amount fits; the same with an amount that does not fit (partial or over
payment: one piece of evidence fewer, a different error rate at the same score); and readings
only the amount and date support, whose precision at the same score is far lower (equal
amounts are common); and readings the text contradicts (it names another open invoice or a
paid one). `calibrate` applies the map in `KNOTS`, fitted by
`benchmarks/fit_calibration.py` on the benchmark's development seeds only (never on the frozen
evaluation seed) and written to `matching/calibration_knots.py`. A proposal's reasons still
add up to its score; only the confidence shown and compared with the thresholds is the
calibrated one.
"""

from __future__ import annotations

import bisect

import numpy as np

from matching.calibration_knots import KNOTS

# proposals per step at least: smaller PAV blocks are merged into their neighbour. 100 missed
# least on held-out development seeds (benchmarks/fit_calibration.py --cross-validate).
MIN_STEP = 100


def fit(
    scores: np.ndarray, right: np.ndarray, min_step: int = MIN_STEP
) -> tuple[tuple[float, float], ...]:
    """Isotonic (non-decreasing) fit of `right` (0/1) on `scores`: ((lowest score, precision)
    per step), ascending; no step holds fewer than `min_step` proposals."""
    order = np.argsort(scores, kind="stable")
    x, y = np.asarray(scores, float)[order], np.asarray(right, float)[order]
    blocks: list[list[float]] = []  # [sum right, count, lowest score]
    for xi, yi in zip(x, y, strict=True):
        blocks.append([yi, 1.0, xi])
        while len(blocks) > 1 and (
            blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]
            or (blocks[-1][1] < min_step and xi == x[-1])
        ):
            top = blocks.pop()
            blocks[-1][0] += top[0]
            blocks[-1][1] += top[1]
    merged: list[list[float]] = []
    for b in blocks:  # small steps join the step below (or the next one for the first)
        if merged and (b[1] < min_step or merged[-1][1] < min_step):
            merged[-1][0] += b[0]
            merged[-1][1] += b[1]
        else:
            merged.append(list(b))
    values = np.maximum.accumulate([(s + 1.0) / (n + 2.0) for s, n, _ in merged])
    steps = [(float(b[2]), float(v)) for b, v in zip(merged, values, strict=True)]
    return tuple(s for k, s in enumerate(steps) if k == 0 or s[1] > steps[k - 1][1])


Knots = tuple[tuple[float, float], ...]
STRATA = ("fits", "differs", "amount_only", "contradicted")
AMOUNT_DIFFERS = frozenset({"partial", "overpayment"})


def stratum(evidence: str, kind: str) -> str:
    """Which calibration map a reading uses (`Proposal.evidence` and `kind`; see above)."""
    if evidence in ("amount_only", "contradicted"):
        return evidence
    return "differs" if kind in AMOUNT_DIFFERS else "fits"


def calibrate(score: float, where: str = "fits", knots: Knots | None = None) -> float:
    """The observed precision of proposals of stratum `where` scoring like `score`."""
    if knots is None:
        knots = KNOTS.get(where, ())
    if not knots:
        return 1.0 / (1.0 + 2.0 ** (-min(max(score, -60.0), 60.0)))
    step = max(bisect.bisect_right(knots, (score, 2.0)) - 1, 0)
    return knots[step][1]
