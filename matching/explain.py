"""Reasons in words (leaf layer): each proposal's evidence as (feature, level, weight, detail).

The weights are exactly the terms of the score (prior + feature weights + competition), so
`sum(r.weight for r in proposal.reasons) == proposal.score` and a person sees why. Pure
formatting of values computed elsewhere; raises nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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


def single_reasons(t: Tables, p: PairTable, row: int, tok: str) -> list[Reason]:
    """Reasons of the single-invoice option at `row` of the pair table."""
    rec, inv = t.receipts[p.r[row]], t.invoices[p.i[row]]
    cust = t.customers[int(t.inv_cust[p.i[row]])]
    ref = L.REFERENCE.level(int(p.lv_ref[row])).label
    days = (rec.booking_date - inv.issue_date).days
    reasons = [
        prior(),
        Reason("reference", ref, float(p.w_ref[row]),
               _REF_TEXT[ref].format(tok=tok, num=inv.number)),
        Reason("payer", "named in text" if p.name_text[row] else
               L.NAME.level(int(p.lv_name[row])).label, float(p.w_name[row]),
               f"payer {rec.payer_name!r} vs customer {cust.name!r}"
               + (f", text {rec.remittance!r} names it" if p.name_text[row] else "")),
        Reason("amount", L.AMOUNT.level(int(p.lv_amt[row])).label, float(p.w_amt[row]),
               f"{rec.amount} {rec.currency} received, {inv.open_amount} {inv.currency} open"),
        Reason("date", L.DATE.level(int(p.lv_date[row])).label, float(p.w_date[row]),
               f"paid {_days(rec.booking_date, inv.issue_date)} ({days} days)"),
    ]  # fmt: skip
    if p.w_per[row]:
        label = L.PERIOD.level(int(p.lv_per[row])).label
        reasons.append(Reason("period", label, float(p.w_per[row]),
                              f"text {rec.remittance!r}, invoice of {inv.issue_date:%B %Y}"))
    if p.w_noise[row]:
        label = L.NOISE.level(int(p.lv_noise[row])).label
        reasons.append(Reason("receipt", label, float(p.w_noise[row]), "not a customer payment"))
    if p.w_dec[row]:
        reasons.append(Reason("decision", "rejected", float(p.w_dec[row]), "rejected before"))
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
