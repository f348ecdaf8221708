"""Billing period named in a payment text (leaf layer): "Rechnung vom Juni", "6月服务费".

People paying one of several equal invoices (a monthly fee, rent, a subscription) often name
the month instead of the number. `months_named(receipts)` gives per receipt a 12-bit mask of
the months its text names (English and German month names, Chinese "N月"); `period_levels`
compares it with each candidate invoice's issue month: same month, another month, or none
named. Abbreviations are left out on purpose ("Mar", "May", "Dec" hide inside other words).
Pure; raises nothing.
"""

from __future__ import annotations

import re

import numpy as np

from matching.prepare import Tables

NAMED, NONE, OTHER = 2, 1, 0

_NAMES = (
    ("january", "januar", "jänner"), ("february", "februar"), ("march", "märz", "maerz"),
    ("april",), ("may", "mai"), ("june", "juni"), ("july", "juli"), ("august",),
    ("september",), ("october", "oktober"), ("november",), ("december", "dezember"),
)  # fmt: skip
_WORD = {name: k for k, names in enumerate(_NAMES) for name in names}
_WORDS = re.compile(
    r"(?<![a-zäöü])(" + "|".join(sorted(_WORD, key=len, reverse=True)) + r")(?![a-zäöü])"
)
_CN = re.compile(r"(?<![0-9])(1[0-2]|0?[1-9])月")


def month_mask(text: str) -> int:
    """Bit k set when the text names month k+1."""
    folded = text.casefold()
    mask = 0
    for m in _WORDS.finditer(folded):
        mask |= 1 << _WORD[m.group(1)]
    for m in _CN.finditer(folded):
        mask |= 1 << (int(m.group(1)) - 1)
    return mask


def period_levels(t: Tables, r: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Per candidate pair: NAMED (text names the invoice's issue month), OTHER, or NONE."""
    masks = np.array([month_mask(rec.remittance) for rec in t.receipts], np.int64)
    month = np.array([inv.issue_date.month - 1 for inv in t.invoices], np.int64)
    mask = masks[r] if len(r) else np.zeros(0, np.int64)
    hit = (mask >> month[i]) & 1 if len(i) else np.zeros(0, np.int64)
    return np.where(mask == 0, NONE, np.where(hit == 1, NAMED, OTHER)).astype(np.int64)
