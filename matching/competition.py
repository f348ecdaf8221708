"""The competitors of every chosen reading, gathered for all receipts at once (leaf layer).

A chosen reading's confidence normalises over its competitors (see proposals.py): the other
readings of the same receipt (pairs within `span` log2 units of it, and every combined-payment
option of the receipt), and other receipts' pair claims on its invoices that cannot share the
invoice with it. Both are selected here with masks over whole pair-table columns, a few calls
for the run instead of a few small numpy calls per receipt, and returned in the order the
proposals add them up (a float sum depends on its order). Pure; raises nothing.

An overpayment also competes with the combined readings of its receipt (`RestCheck`): a receipt
that pays a named invoice and exactly the open amount of another invoice of the same customer,
cents and all, is far likelier a combined payment whose second number is missing or unreadable
("INV AR-8601-26 + Inv. 26") than an overpayment that happens to equal that invoice. Such an
overpayment is never confirmed automatically: a person sees it, with the combined readings that
hold the invoice beside it when the subset search found them. Whole amounts are left out:
deposits and round invoices (100.00, 500.00) meet by chance.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import numpy as np

from matching.assign import Opt
from matching.features import Groups, PairTable
from matching.prepare import Tables, to_minor
from matching.settings import exponent
from matching.subset import Option

CHUNK = 1 << 18  # invoice-group rows expanded at once when looking for rivals


def readings(
    p: PairTable, subsets: list[Option], chosen: list[Opt], n_rec: int, span: float
) -> list[list[tuple[float, int]]]:
    """Per chosen option: (score, option key) of the receipt's other readings, pairs within
    `span` of it in table order, then all its combined-payment options."""
    low = np.full(n_rec, np.inf)
    low[[o.rec for o in chosen]] = [o.score - span for o in chosen]
    mask = p.score >= low[p.r]
    mask[[o.key for o in chosen if o.key < len(p.r)]] = False  # the reading itself
    sel = np.flatnonzero(mask)
    bounds = np.searchsorted(p.r[sel], [o.rec for o in chosen], "left").tolist()
    ends = np.searchsorted(p.r[sel], [o.rec for o in chosen], "right").tolist()
    scores, keys = p.score[sel].tolist(), sel.tolist()
    base = len(p.r)
    sub_by_rec: dict[int, list[int]] = defaultdict(list)
    for n, o in enumerate(subsets):
        sub_by_rec[o.rec].append(n)
    out = []
    for o, a, b in zip(chosen, bounds, ends, strict=True):
        mine = list(zip(scores[a:b], keys[a:b], strict=True))
        subs = sub_by_rec.get(o.rec, ())
        mine += [(subsets[n].score, base + n) for n in subs if base + n != o.key]
        out.append(mine)
    return out


def rivals(
    p: PairTable, by_inv: Groups, chosen: list[Opt], inv_open: np.ndarray, span: float
) -> list[list[float]]:
    """Per chosen option: scores of other receipts' pairs on each invoice it claims (claim
    order, then table order) within `span` of it whose amount does not fit beside its claim."""
    owner = [c for c, o in enumerate(chosen) for _ in o.claims]
    inv = np.array([i for o in chosen for i, _ in o.claims], np.int64)
    claim = np.array([a for o in chosen for _, a in o.claims], np.int64)
    rec = np.array([o.rec for o in chosen for _ in o.claims], np.int64)
    low = np.array([o.score - span for o in chosen for _ in o.claims], np.float64)
    start, count = by_inv.start[inv], by_inv.start[inv + 1] - by_inv.start[inv]
    out: list[list[float]] = [[] for _ in chosen]
    lo = 0
    while lo < len(inv):  # chunks of claims whose invoice groups hold about CHUNK rows
        hi = lo + max(int(np.searchsorted(np.cumsum(count[lo:]), CHUNK, "right")), 1)
        n = count[lo:hi]
        j = np.repeat(np.arange(lo, hi), n)
        pos = np.repeat(start[lo:hi], n) + np.arange(len(j)) - np.repeat(np.cumsum(n) - n, n)
        rows = pos if by_inv.order is None else by_inv.order[pos]
        hit = (p.r[rows] != rec[j]) & (p.score[rows] >= low[j])
        hit &= p.alloc[rows] + claim[j] > inv_open[inv[j]]
        for k, s in zip(j[hit].tolist(), p.score[rows[hit]].tolist(), strict=True):
            out[owner[k]].append(s)
        lo = hi
    return out


class RestCheck:
    """Open amounts per customer, counted once per run; the combined readings per receipt."""

    def __init__(self, t: Tables, subsets: list[Option]) -> None:
        self.t, self.subsets = t, subsets
        self.count = Counter(zip(t.inv_cust.tolist(), t.inv_open.tolist(), strict=True))
        self.by_rec: dict[int, list[int]] = defaultdict(list)
        for n, o in enumerate(subsets):
            self.by_rec[o.rec].append(n)

    def is_other_invoice(self, inv: int, rest: Decimal, currency: str) -> bool:
        """`rest` of a receipt overpaying invoice `inv` equals another open invoice of its
        customer to the cent (and is not a whole amount)."""
        minor = to_minor(rest, currency)
        if minor <= 0 or minor % 10 ** exponent(currency) == 0:
            return False
        cust = int(self.t.inv_cust[inv])
        same = int(self.t.inv_open[inv]) == minor  # the invoice itself does not count
        return self.count.get((cust, minor), 0) > int(same)


    def combined_with(self, r: int, row: int, base: int) -> list[tuple[float, int]]:
        """(score, option key) of receipt r's combined readings that hold pair `row`: shown
        beside such an overpayment."""
        return [(self.subsets[n].score, base + n) for n in self.by_rec.get(r, ())
                if row in self.subsets[n].rows]  # fmt: skip
