"""One global assignment per run (leaf layer).

Each receipt takes at most one option (a single-invoice reading or a combined subset); no
invoice gets more than its open amount across all receipts. Receipts whose best options do
not collide keep them. Where they collide, the connected component of receipts and invoices is
solved for the best total evidence: exactly (depth-first search) when it is small, otherwise
with scipy's `linear_sum_assignment` on the receipt x invoice score matrix, followed by a pass
that gives left-over receipts their best option that still fits (partials and combined
payments, which the 1:1 solver cannot express). Returns {receipt index: chosen option}.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

EXACT_LIMIT = 2_000  # option combinations of a component solved by exhaustive search
PER_RECEIPT = 6  # options per receipt the solver considers
LSA_LIMIT = 2500  # larger components fall back to best-first with capacity checks


@dataclass(frozen=True)
class Opt:
    """An option as the solver sees it: receipt, score, and (invoice, amount) claims."""

    key: int
    rec: int
    score: float
    claims: tuple[tuple[int, int], ...]


def _fits(claims, used: dict[int, int], cap: np.ndarray) -> bool:
    return all(used[i] + a <= cap[i] for i, a in claims)


def _take(claims, used: dict[int, int], sign: int = 1) -> None:
    for i, a in claims:
        used[i] += sign * a


def _exact(recs: list[int], opts: dict[int, list[Opt]], cap: np.ndarray, floor: float):
    best: tuple[float, dict[int, Opt]] = (-1.0, {})
    used: dict[int, int] = defaultdict(int)
    chosen: dict[int, Opt] = {}

    def walk(k: int, total: float) -> None:
        nonlocal best
        if k == len(recs):
            if total > best[0]:
                best = (total, dict(chosen))
            return
        for o in opts[recs[k]]:
            if _fits(o.claims, used, cap):
                _take(o.claims, used)
                chosen[recs[k]] = o
                walk(k + 1, total + o.score - floor)
                del chosen[recs[k]]
                _take(o.claims, used, -1)
        walk(k + 1, total)

    walk(0, 0.0)
    return best[1]


def _lsa(recs: list[int], opts: dict[int, list[Opt]], cap: np.ndarray, floor: float):
    invs = sorted({i for r in recs for o in opts[r] for i, _ in o.claims})
    col = {i: c for c, i in enumerate(invs)}
    profit = np.zeros((len(recs), len(invs) + len(recs)))
    single: dict[tuple[int, int], Opt] = {}
    for row, r in enumerate(recs):
        for o in opts[r]:
            if len(o.claims) == 1 and profit[row, col[o.claims[0][0]]] < o.score - floor + 1:
                profit[row, col[o.claims[0][0]]] = o.score - floor + 1
                single[(row, col[o.claims[0][0]])] = o
    rows, cols = linear_sum_assignment(profit, maximize=True)
    chosen = {recs[a]: single[(a, b)] for a, b in zip(rows, cols, strict=True) if (a, b) in single}
    return _improve(recs, opts, cap, _fill(recs, opts, cap, chosen))


def _improve(recs, opts, cap, chosen: dict[int, Opt]) -> dict[int, Opt]:
    """Local search: switch a receipt to a better option (e.g. a combined payment) if it fits."""
    used: dict[int, int] = defaultdict(int)
    for o in chosen.values():
        _take(o.claims, used)
    for r in recs:
        current = chosen.get(r)
        for o in opts[r]:
            if current is not None and o.score <= current.score:
                break
            if current is not None:
                _take(current.claims, used, -1)
            if _fits(o.claims, used, cap):
                chosen[r], current = o, o
                _take(o.claims, used)
                break
            if current is not None:
                _take(current.claims, used)
    return chosen


def _fill(recs, opts, cap, chosen: dict[int, Opt]) -> dict[int, Opt]:
    """Give receipts still without an option their best one that fits (best score first)."""
    used: dict[int, int] = defaultdict(int)
    for o in chosen.values():
        _take(o.claims, used)
    waiting = sorted((o for r in recs if r not in chosen for o in opts[r]), key=lambda o: -o.score)
    for o in waiting:
        if o.rec not in chosen and _fits(o.claims, used, cap):
            chosen[o.rec] = o
            _take(o.claims, used)
    return chosen


def _components(options: list[Opt], n_inv: int) -> tuple[np.ndarray, list[int]]:
    recs = sorted({o.rec for o in options})
    row_of = {r: k for k, r in enumerate(recs)}
    a, b = [], []
    for o in options:
        for i, _ in o.claims:
            a.append(row_of[o.rec])
            b.append(len(recs) + i)
    n = len(recs) + n_inv
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels[: len(recs)], recs


def assign(options: list[Opt], cap: np.ndarray, floor: float) -> dict[int, Opt]:
    """Choose at most one option per receipt, respecting every invoice's open amount."""
    opts: dict[int, list[Opt]] = defaultdict(list)
    for o in sorted(options, key=lambda o: -o.score):
        if len(opts[o.rec]) < PER_RECEIPT:
            opts[o.rec].append(o)
    chosen = {r: os[0] for r, os in opts.items()}
    used: dict[int, int] = defaultdict(int)
    for o in chosen.values():
        _take(o.claims, used)
    crowded = {i for i, a in used.items() if a > cap[i]}
    if not crowded:
        return chosen
    labels, recs = _components([o for os in opts.values() for o in os], len(cap))
    hot = {labels[k] for k, r in enumerate(recs) if any(i in crowded for i, _ in chosen[r].claims)}
    members: dict[int, list[int]] = defaultdict(list)
    for k, r in enumerate(recs):
        if labels[k] in hot:
            members[labels[k]].append(r)
            del chosen[r]
    for group in members.values():
        if sum(math.log(len(opts[r]) + 1) for r in group) <= math.log(EXACT_LIMIT):
            chosen.update(_exact(group, opts, cap, floor))
        elif len(group) <= LSA_LIMIT:
            chosen.update(_lsa(group, opts, cap, floor))
        else:
            chosen.update(_fill(group, opts, cap, {}))
    return chosen
