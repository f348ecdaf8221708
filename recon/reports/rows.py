"""Report rows (service layer, read-only): the row types, bank reconciliation and AR aging.

Each function reads the database and returns plain frozen rows with exact ``Decimal`` amounts;
``recon.reports.data`` assembles them into the report. Raises nothing of its own.

Conventions: receipts are booked credit lines, payments booked debit lines (shown positive).
A receipt counts as matched for the part allocated to invoices, or wholly when it is the bank
deposit of a matched payout or has been classified (``disposition``). The ledger closing is
opening + receipts - payments; ``difference`` is statement closing minus ledger closing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.models import ACTIVE_STATUSES as _ACTIVE
from recon.models import (
    OPEN_INVOICE_STATUSES,
    BankAccount,
    Customer,
    Invoice,
    Match,
    Statement,
    StatementLine,
)
from recon.money import from_minor
from recon.reports.i18n import N_

__all__ = [
    "AGING_BUCKETS",
    "AccountRow",
    "AgingRow",
    "ExceptionGroup",
    "PayoutRow",
    "UnmatchedRow",
    "account_rows",
    "aging_rows",
]

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", ">90")


@dataclass(frozen=True)
class AccountRow:
    account: str
    currency: str
    name: str
    opening: Decimal
    opening_known: bool
    receipts_matched: Decimal
    receipts_unmatched: Decimal
    payments: Decimal
    closing_ledger: Decimal
    closing_statement: Decimal | None
    lines: int

    @property
    def receipts(self) -> Decimal:
        return self.receipts_matched + self.receipts_unmatched

    @property
    def difference(self) -> Decimal | None:
        """Statement closing minus ledger closing (None when the bank gave no closing)."""
        if self.closing_statement is None:
            return None
        return self.closing_statement - self.closing_ledger


@dataclass(frozen=True)
class PayoutRow:
    gateway: str
    payout_id: str
    currency: str
    date: dt.date | None
    payout_amount: Decimal
    expected_net: Decimal
    components: int
    deposit: Decimal | None
    deposit_ref: str
    deposit_date: dt.date | None

    @property
    def difference(self) -> Decimal | None:
        """Bank deposit minus expected net; None while no deposit is matched."""
        return None if self.deposit is None else self.deposit - self.expected_net

    @property
    def state(self) -> str:
        if self.deposit is None:
            return N_("no deposit found")
        return N_("ok") if self.difference == 0 else N_("difference")


@dataclass(frozen=True)
class UnmatchedRow:
    kind: str
    item_id: int
    account: str
    booked: dt.date | None
    age_days: int
    currency: str
    amount: Decimal
    payer: str
    text: str
    cause: str
    suggestion: str
    confidence: float | None


@dataclass(frozen=True)
class AgingRow:
    customer: str
    customer_id: str
    currency: str
    buckets: tuple[Decimal, ...]
    invoices: int

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, Decimal(0))


@dataclass
class ExceptionGroup:
    """One cause: per currency, how many items, their total and the items as (kind, what):
    ``("bank", "#12 payer")``; the kind is a word the report translates."""

    cause: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    totals: dict[str, Decimal] = field(default_factory=dict)
    items: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    def add(self, currency: str, amount: Decimal, item: tuple[str, str]) -> None:
        self.counts[currency] = self.counts.get(currency, 0) + 1
        self.totals[currency] = self.totals.get(currency, Decimal(0)) + amount
        self.items.setdefault(currency, []).append(item)


def account_rows(session: Session) -> list[AccountRow]:
    """One row per bank account, in account order."""
    deposits = set(
        session.scalars(
            select(Match.statement_line_id).where(
                Match.kind == "payout_deposit", Match.status.in_(_ACTIVE)
            )
        )
    )
    rows = []
    for account in session.scalars(
        select(BankAccount).order_by(BankAccount.account_key, BankAccount.currency)
    ):
        rows.append(_account_row(session, account, deposits))
    return rows


def _account_row(session: Session, account: BankAccount, deposits: set[int | None]) -> AccountRow:
    matched = unmatched = paid = 0
    lines = session.scalars(
        select(StatementLine).where(
            StatementLine.bank_account_id == account.id, StatementLine.status == "booked"
        )
    )
    count = 0
    for line in lines:
        count += 1
        if line.amount_minor < 0:
            paid += -line.amount_minor
            continue
        whole = line.id in deposits or line.disposition is not None
        part = line.amount_minor if whole else min(line.allocated_minor, line.amount_minor)
        matched, unmatched = matched + part, unmatched + line.amount_minor - part
    opening, closing = _balances(session, account.id)
    cur = account.currency
    ledger = (opening or 0) + matched + unmatched - paid
    return AccountRow(
        account=account.account_key,
        currency=cur,
        name=account.name or "",
        opening=from_minor(opening or 0, cur),
        opening_known=opening is not None,
        receipts_matched=from_minor(matched, cur),
        receipts_unmatched=from_minor(unmatched, cur),
        payments=from_minor(paid, cur),
        closing_ledger=from_minor(ledger, cur),
        closing_statement=None if closing is None else from_minor(closing, cur),
        lines=count,
    )


def _balances(session: Session, account_id: int) -> tuple[int | None, int | None]:
    """Opening of the account's first statement and closing of its last one."""
    stmts = list(session.scalars(select(Statement).where(Statement.bank_account_id == account_id)))
    opened = [s for s in stmts if s.opening_minor is not None]
    closed = [s for s in stmts if s.closing_minor is not None]
    first = min(
        opened, key=lambda s: (s.opening_date or s.period_start or dt.date.max, s.id), default=None
    )
    last = max(
        closed, key=lambda s: (s.closing_date or s.period_end or dt.date.min, s.id), default=None
    )
    return (first.opening_minor if first else None, last.closing_minor if last else None)


def aging_rows(session: Session, as_of: dt.date) -> list[AgingRow]:
    """Open invoices per customer and currency, by days past due (issue date when no due)."""
    stmt = (
        select(Invoice, Customer)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Invoice.status.in_(OPEN_INVOICE_STATUSES))
    )
    sums: dict[tuple[str, str, str], list[int]] = {}
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for inv, cust in session.execute(stmt):
        key = (cust.name, cust.external_id, inv.currency)
        bucket = sums.setdefault(key, [0] * len(AGING_BUCKETS))
        bucket[_aging_index(as_of, inv.due_date or inv.issue_date)] += inv.open_minor
        counts[key] += 1
    return [
        AgingRow(name, ext, cur, tuple(from_minor(v, cur) for v in vals), counts[(name, ext, cur)])
        for (name, ext, cur), vals in sorted(sums.items())
    ]


def _aging_index(as_of: dt.date, due: dt.date) -> int:
    late = (as_of - due).days
    if late <= 0:
        return 0
    return 1 if late <= 30 else 2 if late <= 60 else 3 if late <= 90 else 4
