"""One receipt for several invoices: bounded subset-sum guided by references (leaf layer).

`subset_options(...)` looks, for receipts with no single-invoice amount fit, at a small pool
of open invoices (those the text names first, then those of the customers the payer name fits
best, nearest in date first; at most `SubsetBounds.max_invoices`) and finds every subset of
2..`max_size` invoices whose sum equals the receipt, or exceeds it by at most the fee
tolerance. When the payer's name fits several customers (thousands of customers share names)
and the pool overflows, each of them (at most `namematch.TOP_K`) is also searched in a pool
of its own. The search is a numpy sweep over precomputed index combinations (subsetsum.py), so
it is bounded by C(24, 4) sums per pool, and all pools of one size are summed together.
Every fitting subset becomes an option; when several fit, the competition term in score.py
keeps all of them below the auto threshold and they are offered as alternatives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matching import levels as L
from matching.features import Groups, PairTable
from matching.namematch import ALIAS, STRONG, TOP_K, WEAK
from matching.prepare import Tables
from matching.refindex import DIGITS, TYPO
from matching.settings import MatchSettings
from matching.subsetsum import by_size, fitting_sums, layout, spans

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


# Reference weight per level code from _REF_LOW up; "more named" levels count as plain ones in
# a subset.
_REF_WEIGHTS = [
    L.REFERENCE.level(c - 2 if c >= 6 else c).weight
    for c in range(_REF_LOW, max(lv.code for lv in L.REFERENCE.levels) + 1)
]


def _score(
    lv_ref: list[int], w_name: list[float], w_date: list[float], w_noise: float,
    tried: int, tol: int, target: int, named: int, unique: bool,
):  # fmt: skip
    """Score of one subset from its members' columns (plain lists: a few members each)."""
    ref = [lv >= TYPO for lv in lv_ref]
    strong = sum(lv >= DIGITS for lv in lv_ref)
    base = [_REF_WEIGHTS[lv - _REF_LOW] for lv in lv_ref]
    if all(ref):
        ref_w, ref_label = min(base), "all referenced"
    elif any(ref):
        # the others carry the "other invoice named" weight, as in a single reading
        ref_w, ref_label = sum(base) / len(base), "some referenced"  # as numpy's mean of < 8
    else:
        ref_w, ref_label = 0.0, "none"
    if named > strong:  # the text names open invoices left out of this subset
        ref_w, ref_label = ref_w + L.REFERENCE.level(-2).weight, ref_label + ", others named"
    chance = max(tried * (tol + 1) / max(target, 1), 1e-9)  # P(some subset lands here by luck)
    amt_w = min(max(float(np.log2(0.9 / chance)), 0.0), L.AMOUNT.level(3).weight)
    amt_label = f"sum of {len(lv_ref)}"
    if unique:
        amt_w, amt_label = amt_w + UNIQUE_BONUS, amt_label + ", the only exact one"
    weights = (
        ("reference", ref_label, ref_w),
        ("payer", "best of subset", max(w_name)),
        ("amount", amt_label, amt_w),
        ("date", "worst of subset", min(w_date)),
        ("receipt", "noise" if w_noise < 0 else "payment", w_noise),
    )
    return L.PRIOR + sum(w for _, _, w in weights), weights


_Job = tuple[int, np.ndarray, bool, int]  # receipt, pool (pair rows), complete, named


def _build(p: PairTable, t: Tables, job: _Job, cols: tuple, fits: tuple, bounds) -> list[Option]:
    """The options of one pool from its kept fitting subsets (position, sum), best first."""
    rec, pool, complete, named = job
    lv_ref, w_name, w_date, amts, w_noise, target, tol, n_exact = cols
    m = len(pool)
    tried = sum(math.comb(m, k) for k in range(2, bounds.max_size + 1))
    members = layout(m, bounds.max_size)[1]
    rows_all = pool.tolist()
    found: list[Option] = []
    for total, who in zip(fits[1].tolist(), members[fits[0]].tolist(), strict=True):
        at = [j for j in who if j >= 0]
        rows = [rows_all[j] for j in at]
        width = 0 if total == target else tol
        unique = complete and n_exact == 1 and not width and _one_named_customer(
            p, np.array(rows), t)  # fmt: skip
        score, weights = _score([lv_ref[j] for j in at], [w_name[j] for j in at],
                                [w_date[j] for j in at], w_noise, tried, width, target,
                                named, unique)  # fmt: skip
        alloc = tuple(amts[j] for j in at)
        fee = [0] * len(at)
        fee[alloc.index(max(alloc))] = total - target  # the fee on the largest one
        found.append(Option(rec, tuple(rows), alloc, tuple(fee), score, weights))
    found.sort(key=lambda o: -o.score)
    return found[: bounds.max_alternatives + 1]


def _search(p: PairTable, t: Tables, jobs: list[_Job], tol: np.ndarray, bounds):
    """The options of every pool, searched together per pool size."""
    out: list[list[Option]] = [[] for _ in jobs]
    for ns, pools in by_size([job[1] for job in jobs]):
        amounts, target = t.inv_open[p.i[pools]], t.rec_amount[p.r[pools[:, 0]]]
        tols = tol[[jobs[n][0] for n in ns]].astype(np.int64)
        pool, pos, total, exact = fitting_sums(amounts, target, tols, bounds.max_size)
        cut, has = spans(pool, len(ns))
        cols = zip(p.lv_ref[pools[has]].tolist(), p.w_name[pools[has]].tolist(),
                   p.weight("date", pools[has]).tolist(), amounts[has].tolist(),
                   p.weight("noise", pools[has, 0]).tolist(), target[has].tolist(),
                   tols[has].tolist(), exact[has].tolist(), strict=True)  # fmt: skip
        for k, col in zip(has.tolist(), cols, strict=True):
            a, b = cut[k], cut[k + 1]
            out[ns[k]] = _build(p, t, jobs[ns[k]], col, (pos[a:b], total[a:b]), bounds)
    return out


def subset_options(
    t: Tables, p: PairTable, by_rec: Groups, needy: np.ndarray,
    tol: np.ndarray, settings: MatchSettings,
) -> list[Option]:  # fmt: skip
    """Combined-payment options for the receipts in `needy` (indices into the receipt table)."""
    jobs: list[_Job] = []
    per_rec: list[range] = []
    for r in needy:
        rows = by_rec.get(int(r))
        if rows is None or len(rows) < 2:
            continue
        named = int((p.lv_ref[rows] >= DIGITS).sum())
        first = len(jobs)
        for pool, complete in _pools(p, rows, t, settings.subset.max_invoices):
            if len(pool) >= 2:
                jobs.append((int(r), pool, complete, named))
        per_rec.append(range(first, len(jobs)))
    results = _search(p, t, jobs, tol, settings.subset)
    out: list[Option] = []
    for mine in per_rec:
        found: dict[frozenset[int], Option] = {}
        for n in mine:
            for o in results[n]:
                key = frozenset(o.rows)
                if key not in found or found[key].score < o.score:
                    found[key] = o
        best = sorted(found.values(), key=lambda o: -o.score)
        out.extend(best[: settings.subset.max_alternatives + 1])
    return out
