"""Reference blocking (leaf layer): which receipts name which invoices, and how well.

`find_ref_hits(tables, settled)` indexes every invoice by its full key, digit core, order refs
and (for typo tolerance) the one-deletion neighbourhood of its digits (typoindex.py), then looks
up the keys of each receipt's text. Typo candidates are confirmed with a vectorised optimal-
string-alignment distance (rapidfuzz `cpdist`, one transposition or substitution allowed); letters
OCR confuses with digits (O/0, I/1, S/5, B/8) are read back as digits for that step. Returns
`RefHits`: one row per (receipt, invoice) with the best level, plus per-receipt flags.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

from matching.prepare import Tables
from matching.refs import (
    MIN_CORE,
    MIN_FUZZY,
    SHORT_FUZZY,
    chance_bits,
    core_key,
    digit_key,
    full_key,
    ocr_digits,
    short_key,
    short_tokens,
    text_keys,
    zero_key,
)
from matching.typoindex import TypoIndex

# Reference levels, best first (higher is better).
EXACT, DIGITS, TYPO, TRUNCATED, PREFIX = 5, 4, 3, 2, 1
SHORT = -3  # only the last digits ("124" for INV-2024-00124): counts with amount or customer
SHORT_MAX = 20  # a short number shared by more open invoices names none of them
SETTLED = -1  # sentinel invoice index: an already paid invoice
TYPO_SLACK_PERCENT = 5


@dataclass
class RefHits:
    """Best reference level per (receipt, invoice) pair; `count` = invoices sharing the key."""

    rec: np.ndarray
    inv: np.ndarray
    level: np.ndarray
    count: np.ndarray
    token: dict[tuple[int, int], str]
    names_paid: np.ndarray  # per receipt: text names an already settled invoice
    has_strong: np.ndarray  # per receipt: some EXACT/DIGITS/TYPO hit on an open invoice
    n_strong: np.ndarray  # per receipt: open invoices named EXACT or by DIGITS
    bits: np.ndarray  # per pair: most a number standing alone can tell (chance_bits), else inf


class _Index:
    def __init__(self, tables: Tables, settled: frozenset[str]) -> None:
        self.full: dict[str, list[int]] = defaultdict(list)
        self.core: dict[str, list[int]] = defaultdict(list)
        self.short: dict[str, list[int]] = defaultdict(list)
        self.inv_open, self.rec_amount = tables.inv_open, tables.rec_amount
        self.inv_core: list[str] = []
        self.inv_digits: list[str] = []
        for k, inv in enumerate(tables.invoices):
            digits = digit_key(inv.number)
            self.inv_core.append(digits.lstrip("0"))  # = core_key(inv.number)
            self.inv_digits.append(digits)
            for ref in (inv.number, *inv.order_refs):
                self._add(k, full_key(ref), core_key(ref))
            short = short_key(inv.number)
            if short:
                self.short[short].append(k)
        for number in sorted(settled):
            self._add(SETTLED, full_key(number), core_key(number))
        self.typo = TypoIndex(self.inv_digits, MIN_FUZZY)
        self.n_len = Counter(len(c) for c, ks in self.core.items() if c.isdigit() and ks[0] >= 0)
        self.bits: dict[tuple[int, int], float] = {}  # (receipt, invoice) named by a bare number
        self.sorted_full = sorted((key, ks[0]) for key, ks in self.full.items() if len(ks) == 1)
        self.sorted_keys = [k for k, _ in self.sorted_full]

    def _add(self, k: int, full: str, core: str) -> None:
        if len(full) >= 3:
            self.full[full].append(k)
        if len(core) >= MIN_CORE:
            self.core[core].append(k)
        zero = zero_key(full)
        if len(zero) >= 3 and not zero.isdigit() and zero != full:
            self.core[zero].append(k)

    def prefixed(self, stem: str, limit: int = 3) -> list[int]:
        lo = bisect.bisect_left(self.sorted_keys, stem)
        hi = bisect.bisect_left(self.sorted_keys, stem + "\uffff")
        if hi - lo > limit:
            return []
        return [self.sorted_full[j][1] for j in range(lo, hi) if self.sorted_full[j][1] >= 0]


def _exact_hits(index: _Index, keys) -> tuple[dict[int, tuple[int, int, str]], bool]:
    hits: dict[int, tuple[int, int, str]] = {}
    paid = False
    for level, table, pool in ((EXACT, index.full, keys.full), (DIGITS, index.core, keys.core)):
        for key in _specific_first([key for key in pool if key in table]):
            invs = table[key]
            for k in invs:
                if k == SETTLED:
                    paid = True
                elif hits.get(k, (0,))[0] < level:
                    hits[k] = (level, len(invs), key)
    # Longest match wins: '2024' inside '2024/005247' names no invoice of its own.
    hit_keys = {v[2] for v in hits.values()}
    if len(hit_keys) < 2:
        return hits, paid
    longer = {a for a in hit_keys for b in hit_keys if a != b and a in b}
    return {k: v for k, v in hits.items() if v[2] not in longer or _alone(v[2], hits, k)}, paid


def _specific_first(keys: Iterable[str]) -> list[str]:
    """Keys longest first, then alphabetically: the first key of a level names the invoice (its
    token and count), so a fixed order keeps results independent of set order (PYTHONHASHSEED)."""
    keys = list(keys)
    return keys if len(keys) < 2 else sorted(keys, key=lambda k: (-len(k), k))


def _alone(key: str, hits: dict, k: int) -> bool:
    """True when every longer key containing `key` names the same invoice `k`."""
    return all(other == k for other, v in hits.items() if key in v[2] and key != v[2])


def _lookup(index: _Index, r: int, rec, found: dict, typo: list) -> bool:
    keys = text_keys(rec.remittance, rec.refs)
    hits, paid = _exact_hits(index, keys)
    explained = {v[2] for v in hits.values()}
    for k, v in hits.items():
        found[(r, k)] = v
        if v[2] in keys.full and v[2].isdigit():  # a number standing alone: "TRANSFER 3359"
            index.bits[(r, k)] = chance_bits(v[2], index.n_len)
    digits = keys.digits
    fixed = ocr_digits(rec.remittance)
    if fixed:
        digits |= text_keys(fixed).digits
    # even a number naming an invoice exactly may be a typo of another
    typo.extend((r, key) for key in _specific_first(digits))
    # a short number may name an invoice: when no full one is in the text, or when the full
    # ones name less than the money ("INV 2026-07766 + Inv. 09013" for two invoices)
    short_too = not hits or sum(int(index.inv_open[k]) for k in hits) < index.rec_amount[r]
    if not paid and short_too:
        _short_hits(index, r, rec, found, explained)
    for stem in keys.tails:
        if len(stem) >= 5 and not any(stem in e for e in explained):
            level = TRUNCATED if keys.truncated else PREFIX
            for k in index.prefixed(stem):
                if found.get((r, k), (0,))[0] < level and len(stem) * 10 >= 6 * len(
                    index.inv_core[k] or "x"
                ):
                    found[(r, k)] = (level, 1, stem)
    return paid


def _short_hits(index: _Index, r: int, rec, found: dict, explained: set[str]) -> None:
    for tok in _specific_first(short_tokens(f"{rec.remittance} {' '.join(rec.refs)}")):
        if any(tok in key for key in explained):  # "106" of RE23-106, already read in full
            continue
        invs = index.short.get(tok, ())
        if 0 < len(invs) <= SHORT_MAX:
            for k in invs:
                found.setdefault((r, k), (SHORT, len(invs), tok))


def _confirm_typos(index: _Index, tables: Tables, found: dict, typo: list) -> None:
    """Typo candidates from shared deletion keys, kept when the amount fits, then verified."""
    if not typo:
        return
    keys = [key for _, key in typo]
    owner, inv = index.typo.shared(keys)
    rec = np.fromiter((r for r, _ in typo), np.int64, len(typo))[owner]
    amount, open_ = tables.rec_amount[rec], tables.inv_open[inv]
    # A typo'd number only counts with an amount that fits: equal or a few percent short;
    # a short number (4 digits) only with an equal amount (one wrong digit of 4 is cheap).
    fits = (amount <= open_) & (amount * 100 >= open_ * (100 - TYPO_SLACK_PERCENT))
    short = np.array([len(key) < SHORT_FUZZY for key in keys], bool)[owner]
    fits &= ~short | (amount == open_)
    rec, inv, owner = rec[fits], inv[fits], owner[fits]
    # one candidate per pair, in pair order; of a pair's `typo` entries the first key wins
    code = rec * max(tables.n_inv, 1) + inv
    order = np.lexsort((owner, code))
    pair = order[np.r_[True, code[order][1:] != code[order][:-1]]] if len(order) else order
    cand = [(int(rec[j]), int(inv[j]), keys[owner[j]]) for j in pair]
    cand = [c for c in cand if (c[0], c[1]) not in found]
    if not cand:
        return
    left = [key for _, _, key in cand]
    right = [index.inv_digits[k] for _, k, _ in cand]
    dist = cpdist(left, right, scorer=OSA.distance, score_cutoff=1, workers=-1)
    for (r, k, key), d in zip(cand, dist, strict=True):
        if d <= 1:
            found[(r, k)] = (TYPO, 1, key)


def find_ref_hits(tables: Tables, settled: frozenset[str]) -> RefHits:
    """Look up every receipt's reference keys against the open invoices."""
    index = _Index(tables, settled)
    found: dict[tuple[int, int], tuple[int, int, str]] = {}
    typo: list[tuple[int, str]] = []
    paid = np.zeros(tables.n_rec, bool)
    for r, rec in enumerate(tables.receipts):
        paid[r] = _lookup(index, r, rec, found, typo)
    _confirm_typos(index, tables, found, typo)
    n = len(found)
    rec = np.fromiter((p[0] for p in found), np.int64, n)
    inv = np.fromiter((p[1] for p in found), np.int64, n)
    level = np.fromiter((v[0] for v in found.values()), np.int8, n)
    bits = np.fromiter((index.bits.get(p, np.inf) for p in found), np.float64, n)
    strong = np.zeros(tables.n_rec, bool)
    strong[rec[level >= TYPO]] = True
    return RefHits(
        rec=rec,
        inv=inv,
        level=level,
        count=np.fromiter((v[1] for v in found.values()), np.int32, n),
        token={p: v[2] for p, v in found.items()},
        names_paid=paid,
        has_strong=strong,
        n_strong=np.bincount(rec[level >= DIGITS], minlength=tables.n_rec),
        bits=bits,
    )
