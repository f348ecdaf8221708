"""Report tables (service layer): each report section as a header and rows of cell values.

``tables(data)`` turns a ``ReportData`` into ``Table``s that the CSV, XLSX and HTML writers all
use, so the three formats always show the same columns. Cell values are ``str``, ``int``,
exact ``Decimal``, ``date`` or ``None``; nothing is formatted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from recon.reports.data import CAUSE_LABELS, ReportData
from recon.reports.rows import AGING_BUCKETS

__all__ = ["Table", "tables"]


@dataclass(frozen=True)
class Table:
    """One section: ``name`` is the file stem and sheet name; ``title`` is for people."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


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
    return Table("reconciliation", "Bank reconciliation per account", headers, rows)


def _check(difference: Decimal | None, opening_known: bool) -> str:
    if difference is None:
        return "no closing balance from the bank"
    if not opening_known:
        return "no opening balance from the bank"
    return "agrees" if difference == 0 else "DIFFERENCE"


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
            p.state,
        )
        for p in data.payouts
    ]
    return Table("payouts", "Gateway payouts vs bank deposits", headers, rows)


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
            u.kind,
            u.item_id,
            u.account,
            u.booked,
            u.age_days,
            u.currency,
            u.amount,
            u.payer,
            u.text,
            CAUSE_LABELS.get(u.cause, u.cause),
            u.suggestion,
            None if u.confidence is None else round(u.confidence, 3),
        )
        for u in data.unmatched
    ]
    return Table("unmatched", "Unmatched items", headers, rows)


def _aging(data: ReportData) -> Table:
    headers = ("customer", "customer_id", "currency", *AGING_BUCKETS, "total", "invoices")
    rows = [
        (a.customer, a.customer_id, a.currency, *a.buckets, a.total, a.invoices) for a in data.aging
    ]
    return Table("aging", "Accounts receivable aging (days past due)", headers, rows)


def _exceptions(data: ReportData) -> Table:
    headers = ("cause", "count", "currency", "total", "examples")
    rows = []
    for group in data.exceptions:
        for currency, total in sorted(group.totals.items()):
            rows.append(
                (
                    group.label,
                    group.counts[currency],
                    currency,
                    total,
                    "; ".join(group.items[currency][:5]),
                )
            )
    return Table("exceptions", "Exceptions by cause", headers, rows)
