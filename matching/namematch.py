"""Payer-to-customer blocking and comparison (leaf layer).

`match_payers(tables)` compares each distinct payer name with the names, other names, pinyin
keys, confirmed aliases and rejected aliases of the customers. Candidates come from shared
keys and shared character 3-grams (rare ones only), never from all payers x all customers;
candidate pairs are scored at once with rapidfuzz `cpdist` (`workers=-1`). Returns `NamePairs`,
one row per (payer, customer) with the best level. Also maps payer accounts to customers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from matching.names import name_forms
from matching.prepare import Tables
from matching.refs import account_key

# Name levels (feature codes used by features.py).
REJECTED, DIFFERENT, MISSING, WEAK, SIMILAR, STRONG, PINYIN, EXACT, ALIAS = range(9)
NAME_KIND, ALIAS_KIND, REJECT_KIND = 0, 1, 2
_MAX_GRAM_DF = 60
_FALLBACK_DF = 1_500  # a key's rarest 3-grams are used up to this many variants
TOP_GAP = 8.0  # a customer this many points under the payer's best is not a candidate
TOP_K = 6


@dataclass
class NamePairs:
    """Best level and score per (payer, customer); `by_account` holds (receipt, customer)."""

    payer: np.ndarray
    cust: np.ndarray
    level: np.ndarray
    score: np.ndarray
    acct_rec: np.ndarray
    acct_cust: np.ndarray
    top: np.ndarray  # among the payer's best customers (used for blocking)


@dataclass
class _Variants:
    cust: list[int]
    key: list[str]
    kind: list[int]
    region: list[str]
    latin_of_cjk: list[bool]
    spaced: list[str]


def _variants(tables: Tables) -> _Variants:
    v = _Variants([], [], [], [], [], [])
    for c, cust in enumerate(tables.customers):
        named = [(n, NAME_KIND) for n in (cust.name, *cust.other_names)]
        named += [(n, ALIAS_KIND) for n in cust.aliases]
        named += [(n, REJECT_KIND) for n in cust.rejected]
        for name, kind in named:
            forms = name_forms(name)
            for j, key in enumerate(forms.keys):
                if key:
                    v.cust.append(c)
                    v.key.append(key)
                    v.kind.append(kind)
                    v.region.append(forms.region)
                    v.latin_of_cjk.append(j == 1)
                    v.spaced.append(forms.spaced if len(forms.keys) == 1 else key)
    return v


def _grams(key: str) -> set[str]:
    return {key[i : i + 3] for i in range(max(1, len(key) - 2))}


def _near(key: str, exact: dict[str, list[int]], grams: dict[str, list[int]]) -> list[int]:
    """Variants sharing the key, or enough rare 3-grams with it.

    Rare = in at most `_MAX_GRAM_DF` variants; with many customers (100k invoices, thousands
    of similar names) a key may have fewer rare 3-grams than it needs, so its `need + 2` rarest
    ones (each in at most `_FALLBACK_DF` variants) are used instead: without them a payer named
    exactly like its customer got no candidate at all."""
    hits: dict[int, int] = defaultdict(int)
    for j in exact.get(key, ()):
        hits[j] += 1000
    gset = _grams(key)
    need = max(1, min(3, len(gset) // 3))
    # sorted grams first: postings of equal length keep a fixed order whatever PYTHONHASHSEED
    postings = sorted((p for g in sorted(gset) if (p := grams.get(g))), key=len)
    rare = sum(len(p) <= _MAX_GRAM_DF for p in postings)
    for posting in postings[: max(rare, need + 2)]:
        if len(posting) <= _FALLBACK_DF:
            for j in posting:
                hits[j] += 1
    if rare < need + 2 and hits:  # common grams: only the variants sharing the most of them
        need = max(need, max(hits.values()) - 1)
    return [j for j, n in hits.items() if n >= need]


def _candidates(tables: Tables, v: _Variants) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    exact: dict[str, list[int]] = defaultdict(list)
    grams: dict[str, list[int]] = defaultdict(list)
    for j, key in enumerate(v.key):
        exact[key].append(j)
        for g in _grams(key):
            grams[g].append(j)
    pairs_p: list[int] = []
    pairs_v: list[int] = []
    pairs_k: list[int] = []
    memo: dict[str, list[int]] = {}
    for p, forms in enumerate(tables.payer_forms):
        for k, key in enumerate(forms.keys):
            if key not in memo:
                memo[key] = _near(key, exact, grams)
            hits = memo[key]
            pairs_p.extend([p] * len(hits))
            pairs_v.extend(hits)
            pairs_k.extend([k] * len(hits))
    return np.array(pairs_p, np.int64), np.array(pairs_v, np.int64), np.array(pairs_k, np.int64)


def _score(tables: Tables, v: _Variants, pp, pv, pk) -> np.ndarray:
    left = [tables.payer_forms[p].keys[k] for p, k in zip(pp, pk, strict=True)]
    right = [v.key[j] for j in pv]
    score = cpdist(left, right, scorer=fuzz.ratio, workers=-1).astype(np.float64)
    spaced_l = [tables.payer_forms[p].spaced for p in pp]
    spaced_r = [v.spaced[j] for j in pv]
    tsr = cpdist(spaced_l, spaced_r, scorer=fuzz.token_sort_ratio, workers=-1)
    score = np.maximum(score, tsr)
    reg_l = np.array([tables.payer_forms[p].region for p in pp], dtype=object)
    reg_r = np.array([v.region[j] for j in pv], dtype=object)
    clash = (reg_l != "") & (reg_r != "") & (reg_l != reg_r)
    return np.where(clash, score - 20, score)


def _levels(v: _Variants, pv: np.ndarray, score: np.ndarray, cutoff: int) -> np.ndarray:
    kind = np.array(v.kind, np.int8)[pv] if len(pv) else np.zeros(0, np.int8)
    pinyin = np.array(v.latin_of_cjk, bool)[pv] if len(pv) else np.zeros(0, bool)
    level = np.full(len(pv), DIFFERENT, np.int8)
    level[score >= cutoff] = WEAK
    level[score >= 80] = SIMILAR
    level[score >= 90] = STRONG
    level[(score >= 99.5) & pinyin] = PINYIN
    level[(score >= 99.5) & ~pinyin] = EXACT
    level[(kind == ALIAS_KIND) & (score >= 97)] = ALIAS
    level[(kind == ALIAS_KIND) & (score < 97)] = DIFFERENT
    level[(kind == REJECT_KIND)] = np.where(score[kind == REJECT_KIND] >= 97, REJECTED, DIFFERENT)
    return level


def _accounts(tables: Tables) -> tuple[np.ndarray, np.ndarray]:
    owners: dict[str, list[int]] = defaultdict(list)
    for c, cust in enumerate(tables.customers):
        for acct in cust.accounts:
            owners[account_key(acct)].append(c)
    rec, cust = [], []
    for r, receipt in enumerate(tables.receipts):
        for c in owners.get(account_key(receipt.payer_account), ()):
            rec.append(r)
            cust.append(c)
    return np.array(rec, np.int64), np.array(cust, np.int64)


def match_payers(tables: Tables, cutoff: int) -> NamePairs:
    """Compare payers with customers; keep the best level per (payer, customer)."""
    v = _variants(tables)
    pp, pv, pk = _candidates(tables, v)
    score = _score(tables, v, pp, pv, pk) if len(pp) else np.zeros(0)
    level = _levels(v, pv, score, cutoff)
    cust = np.array(v.cust, np.int64)[pv] if len(pv) else np.zeros(0, np.int64)
    keep = level != DIFFERENT
    pp, cust, level, score = pp[keep], cust[keep], level[keep], score[keep]
    # Rejected beats everything for the pair; otherwise the best level wins.
    rank = np.where(level == REJECTED, 100, level)
    order = np.lexsort((-score, -rank, cust, pp))
    pp, cust, level, score = pp[order], cust[order], level[order], score[order]
    first = np.ones(len(pp), bool)
    first[1:] = (pp[1:] != pp[:-1]) | (cust[1:] != cust[:-1])
    acct_rec, acct_cust = _accounts(tables)
    pp, cust, level, score = pp[first], cust[first], level[first], score[first]
    return NamePairs(pp, cust, level, score, acct_rec, acct_cust, _top(pp, score, level))


def _top(payer: np.ndarray, score: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Pairs within TOP_GAP of the payer's best score, at most TOP_K per payer (blocking)."""
    best = np.full(int(payer.max()) + 1 if len(payer) else 0, -1.0)
    eff = np.where(level >= ALIAS, 101.0, score)
    np.maximum.at(best, payer, eff)
    near = eff >= best[payer] - TOP_GAP
    order = np.lexsort((-eff, payer))
    rank = np.empty(len(payer), np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(payer[order])) + 1] if len(payer) else np.zeros(0, int)
    pos = np.arange(len(payer)) - np.repeat(starts, np.diff(np.r_[starts, len(payer)]))
    rank[order] = pos
    return near & (rank < TOP_K)
