"""Candidate generation by blocking keys (leaf layer), Splink style.

A (receipt, invoice) pair becomes a candidate only when it shares a block:

- `ref`: the receipt's text names the invoice (see refindex.py);
- `payer`: the payer name or account, or a name in the text, points to the invoice's customer
  (see namematch.py);
- `amount`: same currency and exactly the open amount, used only when that amount is rare
  (an amount block larger than `settings.max_block` carries no evidence and is skipped).

Fee-short, partial and FX amounts reach scoring through the `ref` and `payer` blocks. Everything
is vectorised: blocks are joined with numpy (repeat / searchsorted), never receipts x invoices.
"""

from __future__ import annotations

import numpy as np

from matching.namematch import WEAK, NamePairs
from matching.prepare import Tables
from matching.refindex import RefHits
from matching.settings import MatchSettings


def _expand(owner: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each row k, emit (k, starts[k] + 0..counts[k]-1): a vectorised ragged join."""
    total = int(counts.sum())
    rows = np.repeat(np.arange(len(owner)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner[rows], np.repeat(starts, counts) + offsets


def _group(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort order plus start/count per key value 0..n-1."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=n)
    starts = np.cumsum(counts) - counts
    return order, starts, counts


def _payer_block(t: Tables, names: NamePairs, fx_ok: np.ndarray) -> np.ndarray:
    keep = (names.level >= WEAK) & names.top
    pay, cust = names.payer[keep], names.cust[keep]
    acct_r, acct_c = names.acct_rec, names.acct_cust
    # receipts by payer name, and by a name written in their text (an agent paying for them)
    has_text = np.flatnonzero(t.rec_text >= 0)
    rec_of = np.concatenate([np.arange(t.n_rec), has_text])
    payer_of = np.concatenate([t.rec_payer.astype(np.int64), t.rec_text[has_text]])
    r_order, r_start, r_count = _group(payer_of, len(t.payer_forms))
    pair_idx, rec_pos = _expand(np.arange(len(pay)), r_start[pay], r_count[pay])
    rc_r = np.concatenate([rec_of[r_order[rec_pos]], acct_r])
    rc_c = np.concatenate([cust[pair_idx], acct_c])
    i_order, i_start, i_count = _group(t.inv_cust.astype(np.int64), len(t.customers))
    row, inv_pos = _expand(np.arange(len(rc_r)), i_start[rc_c], i_count[rc_c])
    r, i = rc_r[row], i_order[inv_pos]
    ok = fx_ok[t.rec_cur[r], t.inv_cur[i]]
    return r[ok] * t.n_inv + i[ok]


def _amount_block(t: Tables, max_block: int) -> np.ndarray:
    inv_key = t.inv_cur.astype(np.int64) << 42 | t.inv_open
    order = np.argsort(inv_key, kind="stable")
    sorted_key = inv_key[order]
    rec_key = t.rec_cur.astype(np.int64) << 42 | t.rec_amount
    lo = np.searchsorted(sorted_key, rec_key, "left")
    hi = np.searchsorted(sorted_key, rec_key, "right")
    counts = np.where(hi - lo <= max_block, hi - lo, 0)
    r, pos = _expand(np.arange(t.n_rec), lo, counts)
    return r * t.n_inv + order[pos]


def unique_sorted(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based; faster than hashing for large int64 arrays)."""
    keys = np.sort(keys, kind="stable")
    keep = np.ones(len(keys), bool)
    keep[1:] = keys[1:] != keys[:-1]
    return keys[keep]


def fx_matrix(t: Tables, settings: MatchSettings) -> np.ndarray:
    """fx_ok[a, b]: receipts in currency a may pay invoices in currency b."""
    n = len(t.currencies)
    ok = np.eye(n, dtype=bool)
    for a, ca in enumerate(t.currencies):
        for b, cb in enumerate(t.currencies):
            ok[a, b] |= settings.fx_rule(ca, cb) is not None
    return ok


def candidates(
    t: Tables, refs: RefHits, names: NamePairs, settings: MatchSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Unique candidate pairs (receipt index, invoice index) from all blocks."""
    fx_ok = fx_matrix(t, settings)
    ref_ok = fx_ok[t.rec_cur[refs.rec], t.inv_cur[refs.inv]] if len(refs.rec) else []
    ref_keys = (refs.rec * t.n_inv + refs.inv)[ref_ok] if len(refs.rec) else np.zeros(0, np.int64)
    blocks = [ref_keys, _payer_block(t, names, fx_ok), _amount_block(t, settings.max_block)]
    keys = unique_sorted(np.concatenate(blocks))
    return keys // max(t.n_inv, 1), keys % max(t.n_inv, 1)
