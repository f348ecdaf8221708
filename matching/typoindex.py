"""Typo blocking on digit strings as integers (leaf layer), SymSpell style.

Two digit strings one substitution or transposition apart share a string one deletion away
from both. A digit string of up to 16 digits is coded as one int64, `value * 32 + length` (the
length keeps written leading zeros apart: "0042" is not "42"), so the deletion neighbourhoods
of all invoices and all payment texts are computed, sorted and joined as numpy columns instead
of millions of Python strings in a dict. `TypoIndex.candidates` returns which (query, invoice)
pairs share a deletion code; refindex.py checks them with a real edit distance.
"""

from __future__ import annotations

import numpy as np

MAX_DIGITS = 16  # longer digit strings are not looked up for typos (and would overflow)
_LEN_BITS = 32  # code = value * 32 + length
_POW10 = 10 ** np.arange(MAX_DIGITS + 1, dtype=np.int64)


def digit_codes(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Value and length of each digit string (each 1..MAX_DIGITS ASCII digits)."""
    values = np.fromiter(map(int, keys), np.int64, len(keys))
    lengths = np.fromiter(map(len, keys), np.int64, len(keys))
    return values, lengths


def deletion_codes(values: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, code): every string's own code and the distinct codes of its one-deletion
    strings (deleting either of two equal adjacent digits gives the same string: once)."""
    owners = [np.arange(len(values))]
    codes = [values * _LEN_BITS + lengths]
    for n in np.unique(lengths):
        rows = np.flatnonzero(lengths == n)
        v = values[rows]
        for pos in range(int(n)):  # delete the digit at `pos` (0 = leftmost)
            low = _POW10[n - pos - 1]
            keep = np.ones(len(v), bool) if pos == 0 else v // low % 10 != v // (low * 10) % 10
            shorter = v[keep] // (low * 10) * low + v[keep] % low
            owners.append(rows[keep])
            codes.append(shorter * _LEN_BITS + (n - 1))
    return np.concatenate(owners), np.concatenate(codes)


def _by_code(owner: np.ndarray, code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(code)  # one owner never has a code twice; owners of one code: any order
    return owner[order], code[order]


class TypoIndex:
    """Deletion codes of the invoices' digit strings -> invoice ids (one sorted column)."""

    def __init__(self, inv_digits: list[str], min_len: int) -> None:
        ok = [k for k, d in enumerate(inv_digits) if min_len <= len(d) <= MAX_DIGITS]
        values, lengths = digit_codes([inv_digits[k] for k in ok])
        owner, code = _by_code(*deletion_codes(values, lengths))
        self.inv = np.array(ok, np.int64)[owner]
        self.code = code

    def candidates(self, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(query, invoice) for every query digit string and every invoice sharing a deletion
        code with it, ordered by query (the order within one query is unspecified)."""
        query, inv = self.shared(keys)
        order = np.argsort(query, kind="stable")
        return query[order], inv[order]

    def shared(self, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The pairs of `candidates` in no particular order: millions of them at 100k, most
        of which the caller's amount check drops before anything needs them sorted."""
        if not keys or not len(self.code):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        query, code = _by_code(*deletion_codes(*digit_codes(keys)))  # sorted: faster lookups
        lo = np.searchsorted(self.code, code, "left")
        counts = np.searchsorted(self.code, code, "right") - lo
        rows = np.repeat(np.arange(len(code)), counts)
        offsets = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        pos = np.repeat(lo, counts) + offsets
        return query[rows], self.inv[pos]
