"""Declared comparison levels and their weights (leaf layer), Fellegi-Sunter style.

Each feature is a tuple of levels; each level has a code, a label and a weight in log2 odds
(the Bayes factor m/u of that level, as Splink shows them). A pair's score is PRIOR plus the
weights of its levels (plus a competition term, see score.py); confidence = 2^s / (1 + 2^s).
Weights were set from the m/u reasoning written next to them and checked on the benchmark;
they are the prior and the fallback of the weights each run estimates by EM (learn.py), and
the confidence shown is calibrated to observed precision (calibration.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

# log2 odds that a blocked candidate pair is a match before any comparison.
PRIOR = -6.0
LUT_OFFSET = 8  # level codes (-3..9) + this index arrays of weights by level (features.py)


@dataclass(frozen=True)
class Level:
    code: int
    label: str
    weight: float


@dataclass(frozen=True)
class Feature:
    name: str
    levels: tuple[Level, ...]

    @cached_property
    def _by_code(self) -> dict[int, Level]:
        return {lv.code: lv for lv in self.levels}

    def level(self, code: int) -> Level:
        return self._by_code[int(code)]


# Reference: m ~ share of true pairs quoting the number; u ~ chance a random text hits it.
REFERENCE = Feature("reference", (
    Level(7, "exact, more named", 7.0),  # exact, but the text names other open invoices too
    Level(6, "digits, more named", 5.0),
    Level(5, "exact", 13.0),  # invoice number verbatim after normalisation
    Level(4, "digits", 11.0),  # same digits: prefix or leading zeros differ
    Level(3, "typo", 6.0),  # one digit wrong or transposed
    Level(2, "truncated", 6.0),  # text cut at a bank field limit ends with the number's start
    Level(1, "prefix", 3.0),  # text ends with the number's start (not at a field limit)
    Level(0, "none", 0.0),  # no reference in the text: common, nearly neutral
    Level(-3, "short number", 5.0),  # "124" for INV-2024-00124; only with amount or customer
    Level(-1, "paid", -8.0),  # text names an invoice that is already paid (duplicate?)
    Level(-2, "other", -6.0),  # text names another open invoice
))  # fmt: skip

NAME = Feature("payer", (
    Level(8, "alias", 9.0),  # payer name or account confirmed for this customer
    Level(7, "exact", 7.0),  # same name after normalisation
    Level(6, "pinyin", 6.5),  # Latin payer name = pinyin of the Chinese customer name
    Level(5, "strong", 5.0),  # rapidfuzz >= 90
    Level(4, "similar", 3.0),  # >= 80
    Level(3, "weak", 1.0),  # >= cutoff (70)
    Level(2, "missing", 0.0),  # no payer name given
    Level(9, "intermediary", -0.5),  # frequent payer unlike the customer (clearing house)
    Level(1, "different", -5.0),
    Level(0, "rejected", -14.0),  # people rejected this payer for this customer
))  # fmt: skip

AMOUNT = Feature("amount", (
    Level(6, "exact", 8.0),  # less for common amounts (term frequency) and round amounts
    Level(5, "fx", 5.0),  # equal after the explicit FX rule, within its tolerance
    Level(4, "fee", 4.0),  # short by at most the channel's fee tolerance
    Level(3, "sum", 8.0),  # several invoices add up to it (weight from the search's chance)
    Level(2, "partial", -4.0),  # less than the open amount
    Level(1, "over", -4.0),  # more than the open amount: the rest is unapplied cash
    Level(0, "far", -8.0),  # under 10 % or over twice the open amount
))  # fmt: skip

DATE = Feature("date", (
    Level(3, "plausible", 1.0),  # paid from a few days before issue up to `plausible` days after
    Level(2, "late", -1.0),  # up to `weak` days after issue
    Level(1, "stale", -3.0),  # years later
    Level(0, "before issue", -3.0),  # paid well before the invoice existed: suspicious
))  # fmt: skip

PERIOD = Feature("period", (
    Level(2, "same month", 3.0),  # text names the month the invoice was issued in
    Level(1, "none", 0.0),  # no month in the text: most payments
    Level(0, "other month", -2.0),  # text names another month (another of equal invoices?)
))  # fmt: skip

NOISE = Feature("receipt", (
    Level(2, "payment", 0.0),
    Level(1, "noise", -10.0),  # text or bank code says interest, refund, own transfer ...
    Level(0, "own account", -30.0),  # credit from one of our own accounts
))  # fmt: skip

DECISION = Feature("decision", (
    Level(1, "none", 0.0),
    Level(0, "rejected", -40.0),  # a person rejected exactly this receipt/invoice pair
))  # fmt: skip

FEATURES = (REFERENCE, NAME, AMOUNT, DATE, PERIOD, NOISE, DECISION)
AMOUNT_FLOOR = 2.0  # exact-amount weight never drops below this after term frequency
ROUND_PENALTY = 1.0  # round amounts (multiples of 100) agree by chance more often
