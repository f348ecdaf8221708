"""Reasons in words (leaf layer): each proposal's evidence as (feature, level, weight, detail).

The weights are exactly the terms of the score (prior + feature weights + competition), so
`sum(r.weight for r in proposal.reasons) == proposal.score` and a person sees why. Pure
formatting of values computed elsewhere; raises nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from matching import levels as L
from matching.features import PairTable
from matching.model import Reason
from matching.prepare import Tables
from matching.settings import exponent
from matching.subset import Option

_REF_TEXT = {
    "exact": "text has {tok!r} = invoice {num}",
    "digits": "text has {tok!r}: same digits as invoice {num}",
    "exact, more named": "text has {tok!r} = invoice {num}, and names other open invoices",
    "digits, more named": "text has {tok!r} ~ invoice {num}, and names other open invoices",
    "typo": "text has {tok!r}: one digit off invoice {num}",
    "truncated": "text cut at a bank field limit ends with {tok!r}, start of invoice {num}",
    "prefix": "text ends with {tok!r}, start of invoice {num}",
    "none": "no invoice number in the text",
    "short number": "text has {tok!r}: the last digits of invoice {num}",
    "paid": "text names an invoice that is already paid",
    "other": "text names another open invoice, not {num}",
}


def money(minor: int, currency: str) -> Decimal:
    """Minor units back to a Decimal amount with the currency's exponent."""
    return Decimal(int(minor)).scaleb(-exponent(currency))


def prior() -> Reason:
    return Reason("prior", "candidate", L.PRIOR, "a candidate from a shared block, before evidence")


def competition(weight: float, n: int) -> Reason:
    detail = f"{n} other reading(s) of this money compete (other invoices or other receipts)"
    return Reason("competition", f"{n} alternatives", weight, detail)


@dataclass(frozen=True, slots=True)
class PairRow:
    """One pair-table row as plain Python values (the chosen readings' rows, read at once)."""

    r: int
    i: int
    lv_ref: int
    w_ref: float
    lv_name: int
    w_name: float
    name_text: bool
    lv_amt: int
    w_amt: float
    lv_date: int
    w_date: float
    lv_per: int
    w_per: float
    lv_noise: int
    w_noise: float
    w_dec: float
    alloc: int
    fee: int


_ROW_FIELDS = tuple(PairRow.__dataclass_fields__)


def pair_rows(p: PairTable, keys: np.ndarray) -> list[PairRow]:
    """The rows `keys` of the pair table, one column gathered at a time."""
    cols = [(p.weight(name[2:], keys) if name[2:] in p.luts and name[0] == "w" else
             getattr(p, name)[keys]).tolist() for name in _ROW_FIELDS]  # fmt: skip
    return [PairRow(*values) for values in zip(*cols, strict=True)]


def single_reasons(t: Tables, row: PairRow, tok: str) -> list[Reason]:
    """Reasons of the single-invoice option at `row` of the pair table."""
    rec, inv = t.receipts[row.r], t.invoices[row.i]
    cust = t.customers[int(t.inv_cust[row.i])]
    ref = L.REFERENCE.level(row.lv_ref).label
    days = (rec.booking_date - inv.issue_date).days
    reasons = [
        prior(),
        Reason("reference", ref, row.w_ref, _REF_TEXT[ref].format(tok=tok, num=inv.number)),
        Reason("payer", "named in text" if row.name_text else L.NAME.level(row.lv_name).label,
               row.w_name, f"payer {rec.payer_name!r} vs customer {cust.name!r}"
               + (f", text {rec.remittance!r} names it" if row.name_text else "")),
        Reason("amount", L.AMOUNT.level(row.lv_amt).label, row.w_amt,
               f"{rec.amount} {rec.currency} received, {inv.open_amount} {inv.currency} open"),
        Reason("date", L.DATE.level(row.lv_date).label, row.w_date,
               f"paid {_days(rec.booking_date, inv.issue_date)} ({days} days)"),
    ]  # fmt: skip
    if row.w_per:
        label = L.PERIOD.level(row.lv_per).label
        reasons.append(Reason("period", label, row.w_per,
                              f"text {rec.remittance!r}, invoice of {inv.issue_date:%B %Y}"))
    if row.w_noise:
        label = L.NOISE.level(row.lv_noise).label
        reasons.append(Reason("receipt", label, row.w_noise, "not a customer payment"))
    if row.w_dec:
        reasons.append(Reason("decision", "rejected", row.w_dec, "rejected before"))
    return reasons


def subset_reasons(t: Tables, p: PairTable, opt: Option) -> list[Reason]:
    """Reasons of a combined-payment option."""
    numbers = ", ".join(t.invoices[int(p.i[row])].number for row in opt.rows)
    out = [prior()]
    for feature, level, weight in opt.weights:
        detail = f"invoices {numbers}" if feature != "amount" else f"sum of {numbers}"
        out.append(Reason(feature, level, weight, detail))
    return out


def _days(paid: date, issued: date) -> str:
    return "before issue" if paid < issued else "after issue"
