"""Report tables (service layer): each report section as a header and rows of cell values.

``tables(data)`` turns a ``ReportData`` into ``Table``s that the CSV, XLSX and HTML writers all
use, so the three formats always show the same columns. Cell values are ``str``, ``int``,
exact ``Decimal``, ``date`` or ``None``; nothing is formatted here. ``headers`` are the CSV's
machine column names; ``labels`` the column names for people (gettext messages, translated by
the HTML and XLSX writers, like ``title`` and ``sheet``). A cell that is a word of ours rather
than data (a check result, a payout state, a cause) is a ``Word``: the writers for people
translate it, the CSV keeps the English.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from recon.reports.data import CAUSE_LABELS, ReportData
from recon.reports.i18n import N_
from recon.reports.rows import AGING_BUCKETS

__all__ = ["LABELS", "SHEETS", "Phrase", "Table", "Word", "tables"]


class Word(str):
    """A cell holding a message of ours (translated for people), not data."""

    __slots__ = ()


class Phrase(tuple):
    """A cell of several parts, some of them ``Word``s; ``str`` joins the English."""

    def __str__(self) -> str:
        return "".join(self)


# Column names for people, per machine name (the CSV header).
LABELS = {
    "account": N_("account"), "name": N_("name"), "currency": N_("currency"),
    "opening": N_("opening balance"), "receipts_matched": N_("receipts matched"),
    "receipts_unmatched": N_("receipts unmatched"), "payments": N_("payments"),
    "closing_ledger": N_("closing balance (ledger)"),
    "closing_statement": N_("closing balance (statement)"), "difference": N_("difference"),
    "check": N_("check"), "lines": N_("lines"), "gateway": N_("gateway"),
    "payout_id": N_("payout"), "date": N_("date"), "payout_amount": N_("payout amount"),
    "expected_net": N_("expected net"), "components": N_("components"),
    "bank_deposit": N_("bank deposit"), "deposit_ref": N_("deposit reference"),
    "deposit_date": N_("deposit date"), "state": N_("state"), "source": N_("source"),
    "item_id": N_("item"), "booked": N_("booked"), "age_days": N_("age (days)"),
    "amount": N_("amount"), "payer": N_("payer"), "text": N_("text"), "cause": N_("cause"),
    "best_suggestion": N_("best suggestion"), "confidence": N_("confidence"),
    "customer": N_("customer"), "customer_id": N_("customer id"), "total": N_("total"),
    "invoices": N_("invoices"), "count": N_("count"), "examples": N_("examples"),
    "current": N_("current"), "1-30": N_("1-30 days"), "31-60": N_("31-60 days"),
    "61-90": N_("61-90 days"), ">90": N_("over 90 days"), "90+": N_("over 90 days"),
}
# Sheet names for people (at most 31 characters in every language).
SHEETS = {
    "summary": N_("summary"), "reconciliation": N_("reconciliation"),
    "payouts": N_("payouts"), "unmatched": N_("unmatched"), "aging": N_("aging"),
    "exceptions": N_("exceptions"), "credit": N_("credit"), "forecast": N_("forecast"),
}


@dataclass(frozen=True)
class Table:
    """One section: ``name`` is the file stem; ``title``, ``labels`` and ``sheet`` are for
    people (messages to translate)."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(LABELS.get(h, h) for h in self.headers)

    @property
    def sheet(self) -> str:
        return SHEETS.get(self.name, self.name)


def tables(data: ReportData) -> list[Table]:
    """The five sections, in report order."""
    return [
        _reconciliation(data),
        _payouts(data),
        _unmatched(data),
        _aging(data),
        _exceptions(data),
    ]


def _reconciliation(data: ReportData) -> Table:
    headers = (
        "account",
        "name",
        "currency",
        "opening",
        "receipts_matched",
        "receipts_unmatched",
        "payments",
        "closing_ledger",
        "closing_statement",
        "difference",
        "check",
        "lines",
    )
    rows = [
        (
            a.account,
            a.name,
            a.currency,
            a.opening,
            a.receipts_matched,
            a.receipts_unmatched,
            a.payments,
            a.closing_ledger,
            a.closing_statement,
            a.difference,
            _check(a.difference, a.opening_known),
            a.lines,
        )
        for a in data.accounts
    ]
    return Table("reconciliation", N_("Bank reconciliation per account"), headers, rows)


def _check(difference: Decimal | None, opening_known: bool) -> Word:
    if difference is None:
        return Word(N_("no closing balance from the bank"))
    if not opening_known:
        return Word(N_("no opening balance from the bank"))
    return Word(N_("agrees") if difference == 0 else N_("DIFFERENCE"))


def _payouts(data: ReportData) -> Table:
    headers = (
        "gateway",
        "payout_id",
        "date",
        "currency",
        "payout_amount",
        "expected_net",
        "components",
        "bank_deposit",
        "deposit_ref",
        "deposit_date",
        "difference",
        "state",
    )
    rows = [
        (
            p.gateway,
            p.payout_id,
            p.date,
            p.currency,
            p.payout_amount,
            p.expected_net,
            p.components,
            p.deposit,
            p.deposit_ref,
            p.deposit_date,
            p.difference,
            Word(p.state),
        )
        for p in data.payouts
    ]
    return Table("payouts", N_("Gateway payouts vs bank deposits"), headers, rows)


def _unmatched(data: ReportData) -> Table:
    headers = (
        "source",
        "item_id",
        "account",
        "booked",
        "age_days",
        "currency",
        "amount",
        "payer",
        "text",
        "cause",
        "best_suggestion",
        "confidence",
    )
    rows = [
        (
            Word(u.kind),
            u.item_id,
            u.account,
            u.booked,
            u.age_days,
            u.currency,
            u.amount,
            u.payer,
            u.text,
            Word(CAUSE_LABELS.get(u.cause, u.cause)),
            u.suggestion,
            None if u.confidence is None else round(u.confidence, 3),
        )
        for u in data.unmatched
    ]
    return Table("unmatched", N_("Unmatched items"), headers, rows)


def _aging(data: ReportData) -> Table:
    headers = ("customer", "customer_id", "currency", *AGING_BUCKETS, "total", "invoices")
    rows = [
        (a.customer, a.customer_id, a.currency, *a.buckets, a.total, a.invoices) for a in data.aging
    ]
    return Table("aging", N_("Accounts receivable aging (days past due)"), headers, rows)


def _exceptions(data: ReportData) -> Table:
    headers = ("cause", "count", "currency", "total", "examples")
    rows = []
    for group in data.exceptions:
        for currency, total in sorted(group.totals.items()):
            rows.append(
                (
                    Word(group.label),
                    group.counts[currency],
                    currency,
                    total,
                    _examples(group.items[currency][:5]),
                )
            )
    return Table("exceptions", N_("Exceptions by cause"), headers, rows)


def _examples(items: list[tuple[str, str]]) -> Phrase:
    parts: list[str] = []
    for kind, what in items:
        parts += [*(["; "] if parts else []), Word(kind), f" {what}"]
    return Phrase(parts)
