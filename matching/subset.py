"""One receipt for several invoices: bounded subset-sum guided by references (leaf layer).

`subset_options(...)` looks, for receipts with no single-invoice amount fit, at a small pool
of open invoices (those the text names first, then those of the customers the payer name fits
best, nearest in date first; at most `SubsetBounds.max_invoices`) and finds every subset of
2..`max_size` invoices whose sum equals the receipt, or exceeds it by at most the fee
tolerance. When the payer's name fits several customers (thousands of customers share names)
and the pool overflows, each of them (at most `namematch.TOP_K`) is also searched in a pool
of its own. The search is a numpy sweep over precomputed index combinations, so it is bounded
by C(24, 4) sums per pool.
Every fitting subset becomes an option; when several fit, the competition term in score.py
keeps all of them below the auto threshold and they are offered as alternatives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np

from matching import levels as L
from matching.features import PairTable
from matching.namematch import ALIAS, STRONG, TOP_K, WEAK
from matching.prepare import Tables
from matching.refindex import DIGITS, TYPO
from matching.settings import MatchSettings

MAX_FITS = 6  # fitting subsets scored per size; more only means "ambiguous" anyway
# The only exact sum over ALL open invoices of a customer the payer is strongly named as: the
# search could not have found it by luck elsewhere, so it counts this much more (log2 odds).
UNIQUE_BONUS = 4.0


@dataclass(frozen=True)
class Option:
    """A multi-invoice reading of one receipt; `rows` index the PairTable."""

    rec: int
    rows: tuple[int, ...]
    alloc: tuple[int, ...]
    fee: tuple[int, ...]
    score: float
    weights: tuple[tuple[str, str, float], ...]  # (feature, level, weight)


@lru_cache(maxsize=64)
def _combos(n: int, k: int) -> np.ndarray:
    return np.array(list(combinations(range(n), k)), np.int32).reshape(-1, k)


def _pools(p: PairTable, rows: np.ndarray, t: Tables, bound: int) -> list[tuple[np.ndarray, bool]]:
    """Invoice pools to search, each with whether it holds all its invoices (see below)."""
    named = (p.lv_name[rows] >= WEAK) & (p.lv_name[rows] <= 8)
    ok = (p.lv_ref[rows] >= DIGITS) | named  # a typo-only hit on a stranger's invoice: no
    ok &= (p.lv_dec[rows] == 1) & (t.rec_cur[p.r[rows]] == t.inv_cur[p.i[rows]])
    ok &= t.inv_open[p.i[rows]] <= t.rec_amount[p.r[rows]]
    rows = rows[ok]
    if len(rows) < 2:
        return [(rows, True)]
    gap = np.abs(t.rec_date[p.r[rows]] - t.inv_issue[p.i[rows]])
    # named first, then the customers the payer name fits best (a similarly named neighbour's
    # invoices must not crowd the payer's own out of the bound), then nearest in date
    ref = p.lv_ref[rows] >= DIGITS
    order = np.lexsort((gap, -p.w_name[rows], ~ref))
    rows, ref = rows[order], ref[order]
    cust = t.inv_cust[p.i[rows]]
    tied = np.unique(cust[p.w_name[rows] >= p.w_name[rows].max()])
    if len(rows) <= bound or len(tied) < 2:
        return [(rows[:bound], len(rows) <= bound)]
    # Several customers of one name (common with thousands of customers): a pool of the
    # nearest invoices of all of them may hold none of the payer's, so each customer the payer
    # name fits best gets a pool of its own instead (the named invoices plus its own, nearest
    # first): a combined payment is one payer's.
    pools = []
    # the customers whose invoices the text names come first: their pool must be searched
    firsts = dict.fromkeys([*np.unique(cust[ref]).tolist(), *tied.tolist()])
    for c in list(firsts)[:TOP_K]:
        own = rows[ref | (cust == c)]
        pools.append((own[:bound], len(own) <= bound))
    return pools


def _one_named_customer(p: PairTable, rows: np.ndarray, t: Tables) -> bool:
    """Every invoice of the subset belongs to one customer the payer strongly names."""
    strong = (p.lv_name[rows] >= STRONG) & (p.lv_name[rows] <= ALIAS)
    return bool(strong.all()) and len(set(t.inv_cust[p.i[rows]].tolist())) == 1


_REF_LOW = min(lv.code for lv in L.REFERENCE.levels)  # lowest reference level code (short: -3)


@lru_cache(maxsize=1)
def _ref_weights() -> np.ndarray:
    """Reference weight per level code; "more named" levels count as plain ones in a subset."""
    codes = range(_REF_LOW, max(lv.code for lv in L.REFERENCE.levels) + 1)
    return np.array([L.REFERENCE.level(c - 2 if c >= 6 else c).weight for c in codes])


def _score(
    p: PairTable, rows: np.ndarray, tried: int, tol: int, target: int, named: int, unique: bool
):
    ref = p.lv_ref[rows] >= TYPO
    strong = int((p.lv_ref[rows] >= DIGITS).sum())
    base = _ref_weights()[p.lv_ref[rows] - _REF_LOW]
    if ref.all():
        ref_w, ref_label = float(base.min()), "all referenced"
    elif ref.any():
        # the others carry the "other invoice named" weight, as in a single reading
        ref_w, ref_label = float(base.mean()), "some referenced"
    else:
        ref_w, ref_label = 0.0, "none"
    if named > strong:  # the text names open invoices left out of this subset
        ref_w, ref_label = ref_w + L.REFERENCE.level(-2).weight, ref_label + ", others named"
    chance = max(tried * (tol + 1) / max(target, 1), 1e-9)  # P(some subset lands here by luck)
    amt_w = float(np.clip(np.log2(0.9 / chance), 0.0, L.AMOUNT.level(3).weight))
    amt_label = f"sum of {len(rows)}"
    if unique:
        amt_w, amt_label = amt_w + UNIQUE_BONUS, amt_label + ", the only exact one"
    weights = (
        ("reference", ref_label, ref_w),
        ("payer", "best of subset", float(p.w_name[rows].max())),
        ("amount", amt_label, amt_w),
        ("date", "worst of subset", float(p.w_date[rows].min())),
        ("receipt", "noise" if p.w_noise[rows[0]] < 0 else "payment", float(p.w_noise[rows[0]])),
    )
    return L.PRIOR + sum(w for _, _, w in weights), weights


def _search(
    p: PairTable, pool: np.ndarray, t: Tables, tol: int, bounds, named: int, complete: bool
):
    target = int(t.rec_amount[p.r[pool[0]]])
    amounts = t.inv_open[p.i[pool]]
    found: list[Option] = []
    tried = sum(math.comb(len(pool), k) for k in range(2, bounds.max_size + 1))
    sizes = range(2, min(bounds.max_size, len(pool)) + 1)
    sums_by_k = {k: amounts[_combos(len(pool), k)].sum(axis=1) for k in sizes}
    n_exact = sum(int((sums == target).sum()) for sums in sums_by_k.values())
    for k in sizes:
        combos, sums = _combos(len(pool), k), sums_by_k[k]
        fit = np.flatnonzero((sums >= target) & (sums <= target + tol))
        fit = fit[np.argsort(sums[fit] - target, kind="stable")][:MAX_FITS]  # exact sums first
        for c in fit:
            rows = pool[combos[c]]
            width = 0 if sums[c] == target else tol
            unique = complete and n_exact == 1 and not width and _one_named_customer(p, rows, t)
            score, weights = _score(p, rows, tried, width, target, named, unique)
            alloc = tuple(int(a) for a in t.inv_open[p.i[rows]])
            fee = [0] * k
            fee[int(np.argmax(alloc))] = int(sums[c] - target)  # the fee on the largest one
            found.append(Option(int(p.r[rows[0]]), tuple(map(int, rows)), alloc, tuple(fee),
                                score, weights))  # fmt: skip
    found.sort(key=lambda o: -o.score)
    return found[: bounds.max_alternatives + 1]


def subset_options(
    t: Tables, p: PairTable, by_rec: dict[int, np.ndarray], needy: np.ndarray,
    tol: np.ndarray, settings: MatchSettings,
) -> list[Option]:  # fmt: skip
    """Combined-payment options for the receipts in `needy` (indices into the receipt table)."""
    out: list[Option] = []
    for r in needy:
        rows = by_rec.get(int(r))
        if rows is None or len(rows) < 2:
            continue
        named = int((p.lv_ref[rows] >= DIGITS).sum())
        found: dict[frozenset[int], Option] = {}
        for pool, complete in _pools(p, rows, t, settings.subset.max_invoices):
            if len(pool) >= 2:
                for o in _search(p, pool, t, int(tol[r]), settings.subset, named, complete):
                    key = frozenset(o.rows)
                    if key not in found or found[key].score < o.score:
                        found[key] = o
        best = sorted(found.values(), key=lambda o: -o.score)
        out.extend(best[: settings.subset.max_alternatives + 1])
    return out
