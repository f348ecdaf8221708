"""One global assignment per run (leaf layer).

Each receipt takes at most one option (a single-invoice reading or a combined subset); no
invoice gets more than its open amount across all receipts. Receipts whose best options do
not collide keep them. Where they collide, the connected component of receipts and invoices is
solved for the best total evidence: by exhaustive search when it is small, otherwise as a 0/1
integer program (scipy's `milp`, HiGHS): one variable per option, at most one option per
receipt, claims on an invoice within its open amount. A combined payment is one variable that
consumes several invoices, so it competes with the single readings it overlaps on equal terms
(the 1:1 assignment used before could not express it, and a combined payment in a large
collision group lost to any weak reading of one of its invoices). Should the solver fail, a
best-first pass with capacity checks decides. Returns {receipt index: chosen option}.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

EXACT_LIMIT = 2_000  # option combinations of a component solved by exhaustive search
PER_RECEIPT = 6  # options per receipt the solver considers
# Per component. The node limit is what stops a hard component (the same answer on a loaded
# machine as on a quiet one); the time limit only guards against a pathological one.
MILP_NODES = 20_000
MILP_SECONDS = 120.0


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


def _milp(recs: list[int], opts: dict[int, list[Opt]], cap: np.ndarray, floor: float):
    """The best total evidence as a 0/1 program; falls back to best-first if HiGHS fails."""
    flat = [o for r in recs for o in opts[r]]
    invs = sorted({i for o in flat for i, _ in o.claims})
    col = {i: c for c, i in enumerate(invs)}
    row_of = {r: k for k, r in enumerate(recs)}
    a_r, a_c, a_v = [], [], []
    for v, o in enumerate(flat):
        a_r.append(row_of[o.rec])
        a_c.append(v)
        a_v.append(1.0)
        for i, amount in o.claims:
            a_r.append(len(recs) + col[i])
            a_c.append(v)
            a_v.append(float(amount))  # integer minor units as solver coefficients only
    shape = (len(recs) + len(invs), len(flat))
    matrix = coo_matrix((a_v, (a_r, a_c)), shape=shape).tocsr()
    upper = np.concatenate([np.ones(len(recs)), cap[invs].astype(float)])
    gain = np.array([o.score - floor for o in flat])
    res = milp(-gain, constraints=LinearConstraint(matrix, -np.inf, upper),
               integrality=np.ones(len(flat)), bounds=Bounds(0, 1),
               options={"node_limit": MILP_NODES, "time_limit": MILP_SECONDS})  # fmt: skip
    chosen: dict[int, Opt] = {}
    used: dict[int, int] = defaultdict(int)
    picked = [] if res.x is None else [flat[v] for v in np.flatnonzero(res.x > 0.5)]
    for o in sorted(picked, key=lambda o: -o.score):  # checked in integers: HiGHS has tolerances
        if o.rec not in chosen and _fits(o.claims, used, cap):
            chosen[o.rec] = o
            _take(o.claims, used)
    return _fill(recs, opts, cap, chosen)  # a time-out may leave room a receipt can still use


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
        else:
            chosen.update(_milp(group, opts, cap, floor))
    return chosen
