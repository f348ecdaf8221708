"""Web layer: the matcher's reasons in plain words, in the person's language.

``Match.reasons`` holds ``{"feature", "level", "weight", "detail"}`` per piece of evidence (see
``recon.queue.listing``). ``explain(reasons, ctx)`` turns each into a sentence a clerk reads
("invoice number found in the text, one digit different", "amount is 20.00 less than the
invoice: within the bank-fee tolerance") with its direction (for / against / neutral); the log2
weights stay available for the "details" toggle. This is the one place those sentences live, so
the queue, the triage screen and any report say the same. Codes never reach the page: an
unknown (feature, level) reads as "other evidence". Raises nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from recon.queue.detail import reasons_of

__all__ = ["Explained", "ReasonContext", "explain", "summary_words"]


@dataclass(frozen=True)
class ReasonContext:
    """What a sentence may quote: the amount gap (invoices' open total minus the receipt),
    formatted; the invoice numbers; the number of invoices; who matched by hand."""

    gap: Decimal = Decimal(0)
    gap_text: str = ""
    invoices: str = ""
    count: int = 1


@dataclass(frozen=True)
class Explained:
    text: str
    direction: str  # "for" | "against" | "neutral"
    feature: str  # for the details toggle only (never shown as the sentence)
    level: str
    weight: float | None


_Say = Callable[[ReasonContext], str]

# (feature, level) -> sentence. Functions, so each is translated in the request's language.
_REFERENCE: dict[str, _Say] = {
    "exact": lambda c: _("invoice number %(num)s found in the text", num=c.invoices),
    "digits": lambda c: _("the digits of invoice %(num)s found in the text", num=c.invoices),
    "exact, more named": lambda c: _(
        "invoice number found in the text, which also names other open invoices"
    ),
    "digits, more named": lambda c: _(
        "the invoice's digits found in the text, which also names other open invoices"
    ),
    "typo": lambda c: _("invoice number found in the text, one digit different"),
    "truncated": lambda c: _(
        "the text, cut off at the bank's field limit, ends with the start of the invoice number"
    ),
    "prefix": lambda c: _("the text ends with the start of the invoice number"),
    "none": lambda c: _("no invoice number in the text"),
    "short number": lambda c: _("the last digits of the invoice number found in the text"),
    "paid": lambda c: _("the text names an invoice that is already paid"),
    "other": lambda c: _("the text names a different open invoice"),
    "payout id": lambda c: _("the payout reference found in the deposit"),
}
_PAYER: dict[str, _Say] = {
    "alias": lambda c: _("this payer is known to pay for this customer"),
    "exact": lambda c: _("payer name is the customer's name"),
    "pinyin": lambda c: _("payer name is the pinyin of the customer's Chinese name"),
    "strong": lambda c: _("payer name is very close to the customer's"),
    "similar": lambda c: _("payer name is similar to the customer's"),
    "weak": lambda c: _("payer name is only a little like the customer's"),
    "missing": lambda c: _("the bank sent no payer name"),
    "intermediary": lambda c: _("payer looks like a clearing house paying for others"),
    "different": lambda c: _("payer name differs from the customer's"),
    "rejected": lambda c: _("this payer was rejected for this customer before"),
    "named in text": lambda c: _("the text names the customer (someone paying on its behalf)"),
    "gateway": lambda c: _("the deposit comes from the payment gateway"),
    "other": lambda c: _("the deposit does not name the payment gateway"),
}
_AMOUNT: dict[str, _Say] = {
    "exact": lambda c: _("amount equals the open amount"),
    "fx": lambda c: _("amount equals the invoice after currency conversion"),
    "fee": lambda c: _(
        "amount is %(gap)s less than the invoice: within the bank-fee tolerance", gap=c.gap_text
    ),
    "sum": lambda c: ngettext(
        "amount equals %(num)d invoice", "amount equals the sum of %(num)d invoices", c.count
    ),
    "partial": lambda c: _("amount is %(gap)s less than the invoice: a part payment",
                           gap=c.gap_text),
    "over": lambda c: _("amount is %(gap)s more than the invoice: the rest stays unapplied",
                        gap=c.gap_text),
    "far": lambda c: _("amount is far from the invoice's open amount"),
    "different": lambda c: _("amount differs from the payout"),
}  # fmt: skip
_DATE: dict[str, _Say] = {
    "plausible": lambda c: _("paid in the usual time after the invoice"),
    "late": lambda c: _("paid later than usual"),
    "stale": lambda c: _("paid very long after the invoice"),
    "before issue": lambda c: _("paid before the invoice was issued"),
    "on time": lambda c: _("arrived when the payout was due"),
    "far": lambda c: _("arrived long before or after the payout was due"),
}
_OTHER: dict[tuple[str, str], _Say] = {
    ("receipt", "noise"): lambda c: _(
        "the text says this is not a customer payment (interest, refund, transfer)"
    ),
    ("receipt", "payment"): lambda c: _("looks like a customer payment"),
    ("decision", "none"): lambda c: _("no earlier decision on this pairing"),
    ("receipt", "own account"): lambda c: _("the money comes from one of our own accounts"),
    ("decision", "rejected"): lambda c: _("a person rejected this pairing before"),
    ("rule", "customer"): lambda c: _("a rule you wrote says this payer pays for this customer"),
    ("manual", "by hand"): lambda c: _("matched by hand"),
    ("period", "same month"): lambda c: _("the text names the month the invoice was issued"),
    ("period", "none"): lambda c: _("no month named in the text"),
    ("period", "other month"): lambda c: _("the text names another month than the invoice's"),
    ("group", "closes invoice"): lambda c: _(
        "together with other payments from this payer it pays the invoice to the cent"),
}
_BY_FEATURE = {"reference": _REFERENCE, "payer": _PAYER, "amount": _AMOUNT, "date": _DATE}
_HIDDEN = ("prior",)  # the starting odds: a detail, not a reason a person weighs


def _sentence(feature: str, level: str, ctx: ReasonContext) -> str:
    if feature == "competition":
        n = _leading_int(level)
        return ngettext(
            "%(num)d other invoice or receipt fits this money too",
            "%(num)d other invoices or receipts fit this money too", n,
        )  # fmt: skip
    say = _BY_FEATURE.get(feature, {}).get(level) or _OTHER.get((feature, level))
    return say(ctx) if say else _("other evidence")


def _leading_int(text: str) -> int:
    digits = "".join(ch for ch in text.split(" ", 1)[0] if ch.isdigit())
    return int(digits) if digits else 1


def explain(reasons: Sequence[Any] | None, ctx: ReasonContext | None = None) -> list[Explained]:
    """Stored reasons as sentences, strongest evidence first; the prior is left out."""
    ctx = ctx or ReasonContext()
    out = []
    for r in reasons_of(reasons):
        if r.feature in _HIDDEN:
            continue
        weight = r.weight or 0.0
        direction = "for" if weight > 0.5 else "against" if weight < -0.5 else "neutral"
        out.append(Explained(_sentence(r.feature, r.level, ctx), direction, r.feature, r.level,
                             r.weight))  # fmt: skip
    return sorted(out, key=lambda e: -abs(e.weight or 0.0))


def summary_words(reasons: Sequence[Any] | None, ctx: ReasonContext | None = None) -> str:
    """The two strongest reasons in one line (queue rows, cards)."""
    return "; ".join(e.text for e in explain(reasons, ctx)[:2])
