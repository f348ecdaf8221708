"""Amount comparison of candidate pairs (leaf layer).

`classify_amounts` puts each (receipt, invoice) pair on one amount level (exact, fee, partial,
over, far, fx) with its weight and the allocation it implies, in integer minor units. Fee
tolerance = fixed + percent of the open amount, per channel (`MatchSettings.fee_rules`).
Currencies differ only under an explicit `FxRule`; the conversion is exact Decimal arithmetic.
Exact agreement on a common amount weighs less (term frequency within the customer when the
payer agrees, across all open invoices otherwise) and round amounts weigh less again.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

from matching import levels as L
from matching.prepare import Tables
from matching.settings import MatchSettings, exponent

EXACT, FX, FEE, SUM, PARTIAL, OVER, FAR = 6, 5, 4, 3, 2, 1, 0


def fee_tolerance(t: Tables, r: np.ndarray, i: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """Largest shortfall (invoice minor units) still read as a fee, per pair."""
    rules: dict[tuple[str, int], tuple[int, int]] = {}
    fixed = np.zeros(t.n_rec, np.int64)
    ppm = np.zeros(t.n_rec, np.int64)
    for k, rec in enumerate(t.receipts):
        key = (rec.channel, int(t.rec_cur[k]))
        if key not in rules:
            cur = t.currencies[key[1]]
            rule = settings.fee_rule(rec.channel, cur)
            rules[key] = (int(rule.fixed.scaleb(exponent(cur))), int(rule.percent * 10_000))
        fixed[k], ppm[k] = rules[key]
    return fixed[r] + t.inv_open[i] * ppm[r] // 1_000_000


def _frequency(t: Tables, i: np.ndarray, agree: np.ndarray) -> np.ndarray:
    key = t.inv_cur.astype(np.int64) << 42 | t.inv_open
    glob = _counts(key)[i]
    local = _counts(key * (len(t.customers) + 1) + t.inv_cust)[i]  # wraps harmlessly if huge
    return np.where(agree, local, glob)


def _counts(key: np.ndarray) -> np.ndarray:
    """How many rows share each row's key (sort-based)."""
    order = np.argsort(key, kind="stable")
    sk = key[order]
    starts = np.r_[0, np.flatnonzero(sk[1:] != sk[:-1]) + 1] if len(sk) else np.zeros(0, int)
    sizes = np.diff(np.r_[starts, len(sk)])
    out = np.empty(len(key), np.int64)
    out[order] = np.repeat(sizes, sizes)
    return out


def _convert(t: Tables, r: np.ndarray, i: np.ndarray, settings: MatchSettings):
    """Receipt amounts in the invoice currency, and the FX tolerance, for FX pairs only."""
    amount = t.rec_amount[r].copy()
    tol = np.zeros(len(r), np.int64)
    fx = np.flatnonzero(t.rec_cur[r] != t.inv_cur[i])
    for k in fx:
        rec, inv = t.receipts[r[k]], t.invoices[i[k]]
        rule = settings.fx_rule(rec.currency, inv.currency)
        if rule is None:  # blocking never lets such pairs through; be safe anyway
            amount[k] = -1
            continue
        value = (rec.amount * rule.rate).quantize(
            Decimal(1).scaleb(-exponent(inv.currency)), ROUND_HALF_EVEN
        )
        amount[k] = int(value.scaleb(exponent(inv.currency)))
        tol[k] = int(t.inv_open[i[k]] * rule.tolerance_percent / 100)
    return amount, tol, fx


def classify_amounts(
    t: Tables, r: np.ndarray, i: np.ndarray, agree: np.ndarray, settings: MatchSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Level, weight, allocation and fee/FX difference (invoice minor units) per pair."""
    amount, fx_tol, fx = _convert(t, r, i, settings)
    open_ = t.inv_open[i]
    tol = fee_tolerance(t, r, i, settings)
    level = np.full(len(r), PARTIAL, np.int64)
    level[amount > open_] = OVER
    level[(amount < open_) & (amount >= open_ - tol)] = FEE
    level[(amount * 10 < open_) | (amount > 2 * open_)] = FAR
    level[amount == open_] = EXACT
    is_fx = np.zeros(len(r), bool)
    is_fx[fx] = True
    level[is_fx & (np.abs(amount - open_) <= fx_tol)] = FX
    level[is_fx & (level == EXACT)] = FX
    weight = _weights(level)
    freq = _frequency(t, i, agree)
    unit = np.array([10 ** exponent(c) for c in t.currencies], np.int64)[t.inv_cur[i]]
    round_ = (open_ % (100 * unit) == 0).astype(float) * L.ROUND_PENALTY
    exact_w = np.maximum(weight - np.log2(np.maximum(freq, 1)) - round_, L.AMOUNT_FLOOR)
    weight = np.where(level == EXACT, exact_w, weight)
    alloc = np.where((level == PARTIAL) | ((level == FAR) & (amount < open_)), amount, open_)
    fee = np.where((level == FEE) | (level == FX), open_ - np.minimum(amount, open_), 0)
    return level, weight, np.maximum(alloc, 0), fee


def _weights(level: np.ndarray) -> np.ndarray:
    lut = np.array([L.AMOUNT.level(c).weight for c in range(7)])
    return lut[level]
