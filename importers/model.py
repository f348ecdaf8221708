"""Normalised records every importer returns (the boundary of the importers package).

Frozen dataclasses only: amounts are exact ``Decimal`` with the precision the file has
(quantising to the currency's minor unit happens when recon posts them), dates are the
bank's calendar dates (never shifted through UTC). A file holds one or more statements.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

INCOMPLETE = "incomplete: "
"""Prefix of a statement warning saying the statement is cut short (e.g. an MT940 without its
closing balance): recon flags such a statement, and refuses it when the balance check is strict."""


class Status(enum.StrEnum):
    """Whether a line moves money: only booked lines count for balances."""

    BOOKED = "booked"
    PENDING = "pending"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Return:
    """What a line says about the earlier credit it returns or reverses (a bounced direct
    debit collection, a returned transfer): recon links it to that credit by these."""

    reason: str | None = None
    """The bank's return reason code (ISO ``AC06``, ACH ``R02``), when the file gives one."""
    original_ref: str | None = None
    """The original payment's reference (end-to-end id, client reference), when given."""


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """One statement line, amount signed from the account holder's view (+ in, - out)."""

    booking_date: date
    amount: Decimal
    currency: str | None
    bank_ref: str | None = None
    value_date: date | None = None
    status: Status = Status.BOOKED
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    remittance: str | None = None
    end_to_end_id: str | None = None
    creditor_ref: str | None = None
    invoice_refs: tuple[str, ...] = ()
    bank_tx_code: str | None = None
    running_balance: Decimal | None = None
    reversal: bool = False
    returns: Return | None = None
    """Set on a debit that takes back an earlier credit (camt ``RtrInf``/``RvslInd``, BAI2
    return type codes, MT940 ``RC`` or a ``/RTRN/`` code); ``reversal`` keeps the format's own
    reversal mark as it was."""
    other_refs: tuple[tuple[str, str], ...] = ()
    raw: str = field(default="", compare=False)
    source_line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """One account, one period, one currency; balances are booked balances."""

    account_id: str | None
    currency: str | None
    lines: tuple[ParsedLine, ...] = ()
    opening_balance: Decimal | None = None
    opening_date: date | None = None
    closing_balance: Decimal | None = None
    closing_date: date | None = None
    available_balance: Decimal | None = None
    period_start: date | None = None
    period_end: date | None = None
    statement_ref: str | None = None
    sequence: str | None = None
    bank_id: str | None = None
    warnings: tuple[str, ...] = ()
    investment: bool = False
    """An investment account's cash (OFX ``INVSTMTRS``): amounts may be priced finer than
    the currency's minor unit by design; recon rounds them for posting and keeps them."""

    @property
    def booked_lines(self) -> tuple[ParsedLine, ...]:
        """The lines that move money (status booked)."""
        return tuple(line for line in self.lines if line.status is Status.BOOKED)

    @property
    def incomplete(self) -> tuple[str, ...]:
        """The warnings saying this statement is cut short (prefix ``INCOMPLETE``)."""
        return tuple(w for w in self.warnings if w.startswith(INCOMPLETE))

    def balance_gap(self) -> Decimal | None:
        """``closing - (opening + sum of booked amounts)``; None without both balances."""
        if self.opening_balance is None or self.closing_balance is None:
            return None
        moved = sum((line.amount for line in self.booked_lines), Decimal(0))
        return self.closing_balance - (self.opening_balance + moved)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What one importer made of one file: one or more statements plus file warnings."""

    filename: str
    format: str
    statements: tuple[ParsedStatement, ...]
    encoding: str | None = None
    warnings: tuple[str, ...] = ()
    kind: str = "bank"
    """``bank`` for bank statements, ``gateway_bill`` for Alipay/WeChat personal bills."""

    @property
    def line_count(self) -> int:
        """Booked lines over all statements."""
        return sum(len(s.booked_lines) for s in self.statements)
