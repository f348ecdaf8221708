"""Money that went back after it paid: bank returns linked to the credit they undo, and the
queue items a person clears when a refund, chargeback or return reopened a paid invoice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recon.db.types import Base, created_at, currency_code, intpk

__all__ = [
    "MONEY_BACK_CAUSES",
    "MONEY_BACK_RESOLUTIONS",
    "REFUNDED_AFTER_PAYMENT",
    "UNIDENTIFIED_RETURN",
    "BankReturn",
    "MoneyBackItem",
]

REFUNDED_AFTER_PAYMENT = "refunded_after_payment"  # a refund/chargeback/return reopened an invoice
UNIDENTIFIED_RETURN = "unidentified_return"  # a bank return whose credit was not found
MONEY_BACK_CAUSES = (REFUNDED_AFTER_PAYMENT, UNIDENTIFIED_RETURN)
"""The queue causes a ``MoneyBackItem`` carries; they lead ``QUEUE_CAUSES``."""
MONEY_BACK_RESOLUTIONS = ("reinvoiced", "written_off", "dismissed", "restored", "linked")
"""How an item was closed: a person re-invoiced, wrote off or dismissed it; the money came
back (``restored``: a refund failed, a chargeback was won); the return found its credit."""


class BankReturn(Base):
    """A bank debit that takes back an earlier credit, linked to that credit once identified."""

    __tablename__ = "bank_return"

    id: Mapped[intpk]
    return_line_id: Mapped[int] = mapped_column(ForeignKey("statement_line.id"), unique=True)
    original_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement_line.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(35))
    original_ref: Mapped[str | None] = mapped_column(String(140))
    linked_by: Mapped[str | None] = mapped_column(String(16))  # "reference" | "amount"
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"BankReturn(line {self.return_line_id} -> {self.original_line_id})"


class MoneyBackItem(Base):
    """One queue item per receipt and cause: the receipt whose money went back after paying
    invoices (``refunded_after_payment``), or a return whose credit is not found
    (``unidentified_return``, the return line itself). Closed by a person or by the money
    coming back; reopened when more goes back."""

    __tablename__ = "money_back_item"
    __table_args__ = (
        UniqueConstraint("receipt_key", "cause"),
        CheckConstraint("statement_line_id IS NOT NULL OR gateway_txn_id IS NOT NULL",
                        name="has_receipt"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("amount_minor >= 0", name="amount_nonnegative"),
    )

    id: Mapped[intpk]
    receipt_key: Mapped[str] = mapped_column(String(32))  # "line-12" | "charge-5"
    statement_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement_line.id"), index=True)
    gateway_txn_id: Mapped[int | None] = mapped_column(
        ForeignKey("gateway_transaction.id"), index=True)
    cause: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[currency_code]
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"MoneyBackItem({self.receipt_key}, {self.cause}, {self.status})"
