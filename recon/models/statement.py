"""Bank accounts, imported files, statements and their lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recon.db.types import Base, created_at, currency_code, intpk, json_dict, minor
from recon.models._money import MoneyAttr
from recon.money import from_minor

if TYPE_CHECKING:
    from recon.models.match import Match

__all__ = ["BankAccount", "Statement", "StatementImport", "StatementLine"]


class BankAccount(Base):
    """An account as the bank names it (IBAN or local number), one row per currency."""

    __tablename__ = "bank_account"
    __table_args__ = (UniqueConstraint("account_key", "currency"),)

    id: Mapped[intpk]
    account_key: Mapped[str] = mapped_column(String(64))
    bank_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(255))
    currency: Mapped[currency_code]
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"BankAccount({self.account_key!r}, {self.currency})"


class StatementImport(Base):
    """One imported file: who, when, what format, how many lines were new/known/flagged."""

    __tablename__ = "statement_import"

    id: Mapped[intpk]
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[created_at]
    statements: Mapped[int] = mapped_column(Integer, default=0)
    lines_total: Mapped[int] = mapped_column(Integer, default=0)
    lines_new: Mapped[int] = mapped_column(Integer, default=0)
    lines_known: Mapped[int] = mapped_column(Integer, default=0)
    lines_flagged: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list[Any]] = mapped_column(default=list)

    def __repr__(self) -> str:
        return f"StatementImport({self.file_name!r}, {self.format}, new={self.lines_new})"


class Statement(Base):
    """One statement of one account, period and currency, with its booked balances."""

    __tablename__ = "statement"

    id: Mapped[intpk]
    import_id: Mapped[int] = mapped_column(ForeignKey("statement_import.id"), index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"), index=True)
    statement_ref: Mapped[str | None] = mapped_column(String(140))
    currency: Mapped[currency_code]
    period_start: Mapped[dt.date | None]
    period_end: Mapped[dt.date | None]
    opening_minor: Mapped[int | None] = mapped_column(BigInteger)
    opening_date: Mapped[dt.date | None]
    closing_minor: Mapped[int | None] = mapped_column(BigInteger)
    closing_date: Mapped[dt.date | None]
    lines_new: Mapped[int] = mapped_column(Integer, default=0)
    lines_total: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[created_at]

    account: Mapped[BankAccount] = relationship()
    source: Mapped[StatementImport] = relationship()
    opening = MoneyAttr("opening_minor")
    closing = MoneyAttr("closing_minor")

    def __repr__(self) -> str:
        return f"Statement({self.statement_ref!r}, account={self.bank_account_id})"


class StatementLine(Base):
    """A booked money movement; positive = money in. ``allocated_minor`` is kept by services.

    ``dedupe_key`` is ``ref:<bank id>`` when the bank gives a stable id, else ``fp:<hash>`` of the
    line's content plus its occurrence number in the file; unique per account, so a re-import or
    an overlapping export adds nothing twice.
    """

    __tablename__ = "statement_line"
    __table_args__ = (
        UniqueConstraint("bank_account_id", "dedupe_key"),
        CheckConstraint(
            "allocated_minor >= 0 AND allocated_minor <= abs(amount_minor)",
            name="allocation_within_amount",
        ),
        CheckConstraint("status IN ('booked', 'pending', 'info')", name="status"),
        Index("ix_statement_line_account_day_amount", "bank_account_id", "booking_date",
              "amount_minor"),
    )

    id: Mapped[intpk]
    # no index of their own (migration 0017): nothing reads lines by statement, and queries by
    # account use the two indexes above that begin with it
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"))
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"))
    bank_ref: Mapped[str | None] = mapped_column(String(140), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(160))
    booking_date: Mapped[dt.date] = mapped_column(index=True)
    value_date: Mapped[dt.date | None]
    amount_minor: Mapped[minor]
    currency: Mapped[currency_code]
    status: Mapped[str] = mapped_column(String(8), default="booked")
    counterparty_name: Mapped[str | None] = mapped_column(String(255))
    counterparty_account: Mapped[str | None] = mapped_column(String(64))
    remittance: Mapped[str | None] = mapped_column(Text)
    # indexed (migration 0020): a bank return finds the credit it takes back by it
    end_to_end_id: Mapped[str | None] = mapped_column(String(64), index=True)
    creditor_ref: Mapped[str | None] = mapped_column(String(64))
    refs: Mapped[list[Any]] = mapped_column(default=list)
    bank_tx_code: Mapped[str | None] = mapped_column(String(64))
    running_balance_minor: Mapped[int | None] = mapped_column(BigInteger)
    raw: Mapped[str | None] = mapped_column(Text)
    possible_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    allocated_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    disposition: Mapped[str | None] = mapped_column(String(24))
    extra: Mapped[json_dict]
    created_at: Mapped[created_at]

    statement: Mapped[Statement] = relationship()
    account: Mapped[BankAccount] = relationship()
    matches: Mapped[list[Match]] = relationship(back_populates="statement_line")

    amount = MoneyAttr("amount_minor")
    allocated = MoneyAttr("allocated_minor")

    @property
    def unapplied_minor(self) -> int:
        """What of a receipt is not yet allocated or adjusted (0 for cleared lines)."""
        return abs(self.amount_minor) - self.allocated_minor

    @property
    def unapplied(self) -> Decimal:
        return from_minor(self.unapplied_minor, self.currency)

    def __repr__(self) -> str:
        return f"StatementLine({self.bank_ref!r}, {self.amount} {self.currency})"
