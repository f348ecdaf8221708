"""Vectorised comparison of candidate pairs (leaf layer).

`compare(tables, refs, names, r, i, settings, rejected)` returns a `PairTable`: for every
candidate (receipt r, invoice i) the level code and weight of each feature in levels.py, the
total score, and what an allocation would be (amount applied, fee, unapplied rest), all as
numpy columns. Amount levels use integer minor units; the FX conversion uses Decimal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from matching import levels as L
from matching.amounts import EXACT as AMOUNT_EXACT
from matching.amounts import FEE, classify_amounts
from matching.levels import LUT_OFFSET
from matching.model import ItemId
from matching.namematch import DIFFERENT, EXACT, MISSING, SIMILAR, STRONG, WEAK, NamePairs
from matching.period import period_levels
from matching.prepare import Tables
from matching.refindex import DIGITS, SHORT, RefHits
from matching.refs import account_key
from matching.settings import MatchSettings

INTERMEDIARY = 9


def level_table(feature: L.Feature) -> np.ndarray:
    """Weight by level code + LUT_OFFSET."""
    lut = np.zeros(32)
    for lv in feature.levels:
        lut[lv.code + LUT_OFFSET] = lv.weight
    return lut


@dataclass
class PairTable:
    """Columns over candidate pairs; `w_*` are weights, `lv_*` level codes (int8).

    The date, period, receipt and decision weights are one per level (no offsets within a
    level), so they are not stored per pair: `luts` maps each to its weight by level code and
    `weight(name, rows)` (or the `w_*` property, for the whole column) reads them."""

    r: np.ndarray
    i: np.ndarray
    lv_ref: np.ndarray
    w_ref: np.ndarray
    lv_name: np.ndarray
    w_name: np.ndarray
    lv_amt: np.ndarray
    w_amt: np.ndarray
    lv_date: np.ndarray
    lv_per: np.ndarray
    lv_noise: np.ndarray
    lv_dec: np.ndarray
    alloc: np.ndarray  # minor units of the invoice currency applied to the invoice
    fee: np.ndarray  # minor units written off as fee / FX difference
    name_text: np.ndarray  # the payer level comes from a customer name in the text
    score: np.ndarray
    luts: dict[str, np.ndarray]  # "date", "per", "noise", "dec": weight by level code

    def weight(self, name: str, rows) -> np.ndarray:
        codes = getattr(self, "lv_" + name)[rows].astype(np.intp)
        return self.luts[name][codes + LUT_OFFSET]

    w_date = property(lambda self: self.weight("date", slice(None)))
    w_per = property(lambda self: self.weight("per", slice(None)))
    w_noise = property(lambda self: self.weight("noise", slice(None)))
    w_dec = property(lambda self: self.weight("dec", slice(None)))

    def take(self, mask: np.ndarray) -> PairTable:
        cols = {k: v[mask] for k, v in self.__dict__.items() if k != "luts"}
        return PairTable(**cols, luts={k: v.copy() for k, v in self.luts.items()})


class Groups:
    """Rows of a pair table by one of its index columns (receipt or invoice): `get(key)` = the
    rows with that value, in table order. One offset per value, not one array per group."""

    def __init__(self, keys: np.ndarray, n: int) -> None:
        ordered = bool(np.all(keys[1:] >= keys[:-1]))
        self.order = None if ordered else np.argsort(keys, kind="stable")
        self.start = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n))])

    def get(self, key: int, default: np.ndarray | None = None) -> np.ndarray | None:
        a, b = int(self.start[key]), int(self.start[key + 1])
        if a == b:
            return default
        return np.arange(a, b) if self.order is None else self.order[a:b]


def _lookup(keys: np.ndarray, table_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `keys` in the (unsorted) `table_keys`, and whether found."""
    order = np.argsort(table_keys, kind="stable")
    pos = np.searchsorted(table_keys[order], keys)
    pos = np.minimum(pos, max(len(order) - 1, 0))
    if not len(order):
        return pos, np.zeros(len(keys), bool)
    found = table_keys[order][pos] == keys
    return order[pos], found


def _gather(values: np.ndarray, pos: np.ndarray, found: np.ndarray, default) -> np.ndarray:
    """values[pos] where found, else default (also when `values` is empty)."""
    if not len(values):
        return np.full(len(pos), default)
    return np.where(found, values[pos], default)


def _weights(feature: L.Feature, codes: np.ndarray) -> np.ndarray:
    table = {lv.code: lv.weight for lv in feature.levels}
    lut_min = min(table)
    lut = np.zeros(max(table) - lut_min + 1)
    for code, weight in table.items():
        lut[code - lut_min] = weight
    return lut[codes.astype(np.int64) - lut_min]


def _reference(t: Tables, refs: RefHits, r: np.ndarray, i: np.ndarray):
    pos, found = _lookup(r * t.n_inv + i, refs.rec * t.n_inv + refs.inv)
    level = _gather(refs.level, pos, found, 0).astype(np.int64)
    level = np.where(~found & refs.names_paid[r], -1, level)
    level = np.where(~found & refs.has_strong[r], -2, level)
    several = (refs.n_strong[r] > 1) & (level >= DIGITS)
    level = np.where(several, level + 2, level)
    weight = _weights(L.REFERENCE, level)
    count = _gather(refs.count, pos, found, 1)
    tf = np.log2(np.maximum(count, 1))
    weight = np.where(level == SHORT, np.maximum(weight - tf, 1.0), weight)
    weight = np.where(level >= 4, np.maximum(weight - tf, 3.0), weight)
    # a number standing alone in the text tells no more than its chance of naming some invoice
    bits = _gather(refs.bits, pos, found, np.inf)
    return level, np.where(level >= DIGITS, np.minimum(weight, bits), weight)


def _short_backed(lv_ref, w_ref, lv_name, lv_amt):
    """A short number counts only when the amount or the customer agrees; else it is 'none'."""
    backed = np.isin(lv_amt, (AMOUNT_EXACT, FEE)) | ((lv_name >= SIMILAR) & (lv_name <= 8))
    drop = (lv_ref == SHORT) & ~backed
    return np.where(drop, 0, lv_ref), np.where(drop, 0.0, w_ref)


def _name(t: Tables, names: NamePairs, r: np.ndarray, i: np.ndarray, settings: MatchSettings):
    payer = t.rec_payer[r].astype(np.int64)
    cust = t.inv_cust[i].astype(np.int64)
    n_c = max(len(t.customers), 1)
    pos, found = _lookup(payer * n_c + cust, names.payer * n_c + names.cust)
    level = _gather(names.level, pos, found, DIFFERENT)
    has_payer = np.array([bool(f.keys) for f in t.payer_forms], bool)[payer]
    has_cust = np.array([bool(c.name) for c in t.customers], bool)[cust]
    level = np.where(~has_payer | (~has_cust & ~found), MISSING, level)
    _, acct = _lookup(r * n_c + cust, names.acct_rec * n_c + names.acct_cust)
    level = np.where(acct, 8, level)
    frequent = t.payer_count[payer] >= settings.frequent_payer_min
    level = np.where(frequent & (level == DIFFERENT), INTERMEDIARY, level).astype(np.int64)
    weight = _weights(L.NAME, level)
    excess = np.log2(np.maximum(t.payer_count[payer] / settings.frequent_payer_min, 1.0))
    agree = (level >= WEAK) & (level <= EXACT)
    weight = np.where(agree, np.maximum(weight - excess, np.minimum(weight, 2.0)), weight)
    # The customer written in the text (an agent paying for it) counts as a similar payer.
    text = t.rec_text[r]
    pos, found = _lookup(text * n_c + cust, names.payer * n_c + names.cust)
    text_lv = np.where((text >= 0) & found, _gather(names.level, pos, found, DIFFERENT), DIFFERENT)
    named = (text_lv >= STRONG) & (text_lv <= 8) & ((level <= WEAK) | (level == INTERMEDIARY))
    level = np.where(named, SIMILAR, level)
    weight = np.where(named, L.NAME.level(SIMILAR).weight, weight)
    return level, weight, named


def _date(t: Tables, r: np.ndarray, i: np.ndarray, settings: MatchSettings):
    days = t.rec_date[r] - t.inv_issue[i]
    d = settings.dates
    level = np.where(days < -d.early_grace, 0, np.where(days <= d.plausible, 3, 2))
    level = np.where(days > d.weak, 1, level)
    return level, _weights(L.DATE, level)


def _noise(t: Tables, settings: MatchSettings) -> np.ndarray:
    words = re.compile("|".join(re.escape(w.casefold()) for w in settings.noise_keywords) or "$^")
    codes = {c.upper() for c in settings.noise_codes}
    own = {account_key(a) for a in settings.own_accounts}
    level = np.full(t.n_rec, 2, np.int64)
    for k, rec in enumerate(t.receipts):
        if rec.tx_code.upper() in codes or words.search(
            f"{rec.remittance} {rec.payer_name}".casefold()
        ):
            level[k] = 1
        if own and account_key(rec.payer_account) in own:
            level[k] = 0
    return level


def _small(level: np.ndarray, *rest: np.ndarray) -> tuple[np.ndarray, ...]:
    """The level codes as int8, the other columns as they are."""
    return (level.astype(np.int8), *rest)


def compare(
    t: Tables,
    refs: RefHits,
    names: NamePairs,
    r: np.ndarray,
    i: np.ndarray,
    settings: MatchSettings,
    rejected: frozenset[tuple[ItemId, ItemId]],
) -> PairTable:
    """Score every candidate pair; see levels.py for the weights."""
    # Level codes are small (-3..9): kept as int8 from the start, so that the pair table never
    # holds them at eight bytes each (about 170 MB at 100k receipts).
    lv_ref, w_ref = _small(*_reference(t, refs, r, i))
    lv_name, w_name, name_text = _small(*_name(t, names, r, i, settings))
    lv_date, w_date = _small(*_date(t, r, i, settings))
    lv_noise = _noise(t, settings).astype(np.int8)[r]
    lv_per = period_levels(t, r, i).astype(np.int8)
    agree = (lv_name >= WEAK) & (lv_name <= 8)
    lv_amt, w_amt, alloc, fee = _small(*classify_amounts(t, r, i, agree, settings))
    lv_ref, w_ref = _short_backed(lv_ref, w_ref, lv_name, lv_amt)
    lv_dec = np.ones(len(r), np.int8)
    if rejected:
        lv_dec = np.array(
            [
                (t.receipts[a].id, t.invoices[b].id) not in rejected
                for a, b in zip(r, i, strict=True)
            ],
            np.int8,
        )
    luts = {"date": level_table(L.DATE), "per": level_table(L.PERIOD),
            "noise": level_table(L.NOISE), "dec": level_table(L.DECISION)}  # fmt: skip
    total = w_ref + w_name  # in the order of the features: a float sum depends on it
    total += w_amt
    total += w_date
    del w_date
    for name, lv in (("per", lv_per), ("noise", lv_noise), ("dec", lv_dec)):
        total += luts[name][lv.astype(np.intp) + LUT_OFFSET]
    score = L.PRIOR + total
    del total
    parts = dict(lv_ref=lv_ref, w_ref=w_ref, lv_name=lv_name, w_name=w_name, lv_amt=lv_amt,
                 w_amt=w_amt, lv_date=lv_date, lv_per=lv_per, lv_noise=lv_noise, lv_dec=lv_dec)
    # after the sum: pair indices fit in four bytes
    r, i = r.astype(np.int32), i.astype(np.int32)
    return PairTable(r=r, i=i, alloc=alloc, fee=fee, score=score, name_text=name_text, luts=luts,
                     **parts)  # fmt: skip
