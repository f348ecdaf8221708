"""Comparison weights estimated from the run's own candidate pairs (leaf layer), as splink does.

Fellegi-Sunter: each feature level has m = P(level | match) and u = P(level | non-match); its
weight is log2(m / u). `estimate` runs expectation-maximisation over the unlabelled candidate
pairs (features assumed independent given the class, as in the model), vectorised with
`np.bincount`. The hand-set weights of levels.py are the prior: they start the EM and act as a
Dirichlet prior of `PRIOR_STRENGTH` pseudo-pairs per class, so levels seen rarely keep about
their declared weight, and they are used alone when the run has fewer than `MIN_PAIRS` pairs or
EM does not converge. Pairs people confirmed or refused (`Feedback`, loaded by recon) are added
as labelled counts: a confirmed pair counts fully as a match, a refused one as a non-match.
A learned weight moves at most `MAX_SHIFT` log2 units from its declared value (a guard against
a run whose candidates are dominated by one customer). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matching import levels as L

MIN_PAIRS = 2_000  # fewer candidate pairs: keep the declared weights
PRIOR_STRENGTH = 1000.0  # pseudo-pairs per class behind the declared weights
MAX_ITER = 300
TOL = 1e-4  # stop when no m or u moves by more than this
MAX_SHIFT = 1.0
# Levels that say "nothing to compare" (no payer name, no number, no month in the text) keep
# their declared weight, as splink's null levels keep a Bayes factor of 1.
NULL_LEVELS = frozenset({("payer", 2), ("reference", 0), ("period", 1)})
# (feature, PairTable column) learned from data; receipt noise and decisions are rules.
LEARNED = ((L.REFERENCE, "ref"), (L.NAME, "name"), (L.AMOUNT, "amt"), (L.DATE, "date"),
           (L.PERIOD, "per"))  # fmt: skip


@dataclass(frozen=True)
class Feedback:
    """What people decided, as (feature name, level label, pairs) counts of stored reasons."""

    confirmed: tuple[tuple[str, str, int], ...] = ()
    refused: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class Learned:
    """Weights per (feature name, level code), how they were obtained, and the match share."""

    weights: dict[tuple[str, int], float] = field(default_factory=dict)
    m: dict[tuple[str, int], float] = field(default_factory=dict)
    u: dict[tuple[str, int], float] = field(default_factory=dict)
    match_share: float = 0.0
    iterations: int = 0
    source: str = "declared"  # "em", "em+feedback" or "declared" (fallback)

    def weight(self, feature: L.Feature, code: int) -> float:
        return self.weights.get((feature.name, code), feature.level(code).weight)


def _codes(feature: L.Feature, column: np.ndarray) -> tuple[np.ndarray, list[int]]:
    codes = [lv.code for lv in feature.levels]
    lut_min = min(codes)
    lut = np.zeros(max(codes) - lut_min + 1, np.int64)
    for k, c in enumerate(codes):
        lut[c - lut_min] = k
    return lut[column.astype(np.int64) - lut_min], codes


def _bayes(feature: L.Feature, codes: list[int], m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """log2(m / u) per level; null levels keep their declared weight."""
    out = np.log2(m / u)
    for k, c in enumerate(codes):
        if (feature.name, c) in NULL_LEVELS:
            out[k] = feature.level(c).weight
    return out


def _labelled(fb: Feedback | None, feature: L.Feature, codes: list[int]) -> np.ndarray:
    """(2, levels) counts of confirmed (row 0) and refused (row 1) pairs at each level."""
    out = np.zeros((2, len(codes)))
    if fb is None:
        return out
    index = {lv.label: codes.index(lv.code) for lv in feature.levels}
    for row, counts in enumerate((fb.confirmed, fb.refused)):
        for name, label, n in counts:
            if name == feature.name and label in index:
                out[row, index[label]] += n
    return out


def estimate(
    columns: dict[str, np.ndarray],
    start: np.ndarray,
    fixed: np.ndarray | None = None,
    feedback: Feedback | None = None,
    counts: np.ndarray | None = None,
) -> Learned:
    """EM over candidate pairs: `columns` = level codes per learned column, `start` = the
    declared match probability of each pair (from the hand-set score), `fixed` = log2 odds of
    each pair that are not learned (rules, and term-frequency offsets within a level), `counts`
    = how many pairs each row stands for (rows are usually distinct comparison patterns)."""
    weight = np.ones(len(start)) if counts is None else counts.astype(float)
    if weight.sum() < MIN_PAIRS:
        return Learned()
    coded = [(f, *_codes(f, columns[c])) for f, c in LEARNED]
    labelled = [_labelled(feedback, f, codes) for f, _, codes in coded]
    gamma = np.clip(start, 1e-6, 1 - 1e-6)
    total = weight.sum()
    # The declared weights as a prior: u from the pairs weighted by the declared posterior,
    # m = u * 2^weight renormalised (the Bayes factors the levels declare).
    priors = []
    for f, idx, codes in coded:
        u0 = np.bincount(idx, weight * (1 - gamma), len(codes)) + 0.5
        u0 /= u0.sum()
        m0 = u0 * np.exp2([f.level(c).weight for c in codes])
        priors.append((m0 / m0.sum(), u0))
    m_u: list[tuple[np.ndarray, np.ndarray]] = []
    iterations, moved = 0, 1.0
    while iterations < MAX_ITER:
        iterations += 1
        new = []
        for (_, idx, codes), (m0, u0), lab in zip(coded, priors, labelled, strict=True):
            m = np.bincount(idx, weight * gamma, len(codes)) + PRIOR_STRENGTH * m0 + lab[0]
            u = np.bincount(idx, weight * (1 - gamma), len(codes)) + PRIOR_STRENGTH * u0 + lab[1]
            new.append((m / m.sum(), u / u.sum()))
        share = float((weight * gamma).sum() / total)
        logit = np.log2(share / (1 - share)) + (0.0 if fixed is None else fixed)
        for (f, idx, codes), (m, u) in zip(coded, new, strict=True):
            logit = logit + _bayes(f, codes, m, u)[idx]
        gamma = 1.0 / (1.0 + np.exp2(-np.clip(logit, -60, 60)))
        moved = 1.0 if not m_u else max(np.abs(a[0] - b[0]).max() + np.abs(a[1] - b[1]).max()
                                        for a, b in zip(new, m_u, strict=True))  # fmt: skip
        m_u = new
        if moved < TOL:
            break
    if moved >= TOL:
        return Learned()  # did not settle: keep the declared weights
    weights, ms, us = {}, {}, {}
    for (f, _, codes), (m, u) in zip(coded, m_u, strict=True):
        bayes = _bayes(f, codes, m, u)
        for k, c in enumerate(codes):
            declared = f.level(c).weight
            w = float(np.clip(bayes[k], declared - MAX_SHIFT, declared + MAX_SHIFT))
            weights[(f.name, c)], ms[(f.name, c)], us[(f.name, c)] = w, float(m[k]), float(u[k])
    has_fb = feedback is not None and bool(feedback.confirmed or feedback.refused)
    share = float((weight * gamma).sum() / total)
    return Learned(weights, ms, us, share, iterations, "em+feedback" if has_fb else "em")


def reweigh(p, learned: Learned):
    """The pair table with each learned level's declared weight replaced by the learned one
    (offsets within a level, e.g. for common amounts, are kept); scores recomputed. Changes
    `p`'s weight and score columns in place (no second copy of them at 100k pairs)."""
    if learned.source == "declared":
        return p
    for f, c in LEARNED:
        lv = getattr(p, "lv_" + c)
        shift = np.zeros(len(lv))
        for lev in f.levels:
            delta = learned.weight(f, lev.code) - lev.weight
            if delta:
                shift[lv == lev.code] = delta
        if c in p.luts:  # one weight per level: its table changes, as the column would
            for lev in f.levels:
                p.luts[c][lev.code + L.LUT_OFFSET] += learned.weight(f, lev.code) - lev.weight
        else:
            weights = getattr(p, "w_" + c)
            weights += shift
        p.score += shift
    return p


def fit(p, feedback: Feedback | None = None) -> Learned:
    """Estimate the weights from a pair table (see `estimate`). Pairs are first grouped by
    comparison pattern (level codes, and rule/offset log odds to 1/8 bit), as splink does, so
    the EM iterates over a few thousand patterns instead of every pair."""
    offsets = p.score - L.PRIOR
    for f, c in LEARNED:
        offsets = offsets - _declared(f, getattr(p, "lv_" + c))
    key = np.round(offsets * 8).astype(np.int64)
    for _, c in LEARNED:  # level codes are small: 16 slots each, offset by 8
        key = key * 16 + (getattr(p, "lv_" + c).astype(np.int64) + 8)
    _, first, inverse, counts = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    start = np.bincount(inverse.reshape(-1), 1.0 / (1.0 + np.exp2(-np.clip(p.score, -60, 60))))
    columns = {c: getattr(p, "lv_" + c)[first] for _, c in LEARNED}
    fixed = np.round(offsets[first] * 8) / 8.0
    return estimate(columns, start / counts, fixed, feedback, counts)


def _declared(feature: L.Feature, codes: np.ndarray) -> np.ndarray:
    idx, order = _codes(feature, codes)
    return np.array([feature.level(c).weight for c in order])[idx]
