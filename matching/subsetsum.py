"""The sums of every small subset of many invoice pools at once (leaf layer).

A combined payment is looked for in one pool of invoices per receipt (subset.py). Pools of the
same size share one layout of subsets (`layout`), so their amounts stand as the rows of one
matrix and every subset sum of all of them is a few numpy operations: the cost of a search is
then the size of its pool, not the number of numpy calls per receipt. `fitting_sums` returns,
per pool, the subsets whose sum equals its target or exceeds it by at most its tolerance: at
most `MAX_FITS` per subset size, exact sums first. Pure; raises nothing.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from itertools import combinations

import numpy as np

MAX_FITS = 6  # fitting subsets scored per size; more only means "ambiguous" anyway
CELLS = 1 << 21  # subset sums computed at once (int64: 16 MB)


@lru_cache(maxsize=64)
def layout(m: int, max_size: int) -> tuple[list[tuple[int, np.ndarray, np.ndarray]], np.ndarray]:
    """Every subset of 1..max_size of m pool members, one position each: singles first, then
    each size in `combinations` order. Per size >= 2: (start, the position of each subset
    without its last member, that last member); and the members of every position (-1 pads)."""
    where = {(j,): j for j in range(m)}
    blocks, members = [], [(j,) for j in range(m)]
    for k in range(2, min(max_size, m) + 1):
        combos = list(combinations(range(m), k))
        start = len(members)
        where.update((c, start + n) for n, c in enumerate(combos))
        prefix = np.array([where[c[:-1]] for c in combos], np.int64)
        blocks.append((start, prefix, np.array([c[-1] for c in combos], np.int64)))
        members += combos
    return blocks, np.array([c + (-1,) * (max_size - len(c)) for c in members], np.int64)


def fitting_sums(
    amounts: np.ndarray, target: np.ndarray, tol: np.ndarray, max_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For pools of one size m (`amounts`: one row of m invoice amounts per pool): (pool,
    position in `layout`, sum) of the kept fitting subsets of 2..max_size members, ordered by
    pool, size, distance above the target, position; and each pool's number of exact sums."""
    n, m = amounts.shape
    blocks, members = layout(m, max_size)
    step = max(CELLS // len(members), 1)
    parts = []
    for lo in range(0, n, step):
        a = amounts[lo : lo + step]
        sums = np.empty((len(a), len(members)), np.int64)
        sums[:, :m] = a
        for start, prefix, last in blocks:  # each subset = its prefix subset + its last member
            np.add(sums[:, prefix], a[:, last], out=sums[:, start : start + len(last)])
        over = sums[:, m:]
        over -= target[lo : lo + step, None]
        # 0 <= over <= tol in one comparison: a negative difference is huge as unsigned
        pool, pos = np.nonzero(over.view(np.uint64) <= tol[lo : lo + step, None].astype(np.uint64))
        parts.append((pool + lo, pos + m, over[pool, pos]))
    pool, pos, over = (np.concatenate(c) for c in zip(*parts, strict=True))
    exact = np.bincount(pool[over == 0], minlength=n)
    size = np.searchsorted(np.array([start for start, _, _ in blocks]), pos, "right")
    order = np.lexsort((pos, over, size, pool))
    pool, pos, over, size = pool[order], pos[order], over[order], size[order]
    group = pool * (max_size + 1) + size
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    rank = np.arange(len(group)) - np.repeat(first, np.diff(np.r_[first, len(group)]))
    keep = rank < MAX_FITS
    return pool[keep], pos[keep], over[keep] + target[pool[keep]], exact


def by_size(pools: list[np.ndarray]) -> list[tuple[list[int], np.ndarray]]:
    """The pools grouped by their size: (their indices in `pools`, their members as rows)."""
    groups: dict[int, list[int]] = defaultdict(list)
    for n, pool in enumerate(pools):
        groups[len(pool)].append(n)
    return [(ns, np.array([pools[n] for n in ns], np.int64)) for ns in groups.values()]


def spans(pool: np.ndarray, n: int) -> tuple[list[int], np.ndarray]:
    """Where each of `n` pools' fits start in `fitting_sums`'s output (n + 1 offsets), and
    which pools have any."""
    cut = np.searchsorted(pool, np.arange(n + 1))
    return cut.tolist(), np.flatnonzero(np.diff(cut))
