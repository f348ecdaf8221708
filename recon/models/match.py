"""Matches (a receipt paired with invoices or a payout), their allocations, and adjustments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recon.db.types import Base, created_at, currency_code, intpk, minor

if TYPE_CHECKING:
    from recon.models.gateway import GatewayTransaction
    from recon.models.invoice import Invoice
    from recon.models.statement import StatementLine
from recon.models._money import MoneyAttr
from recon.models.money_back import MONEY_BACK_CAUSES

__all__ = [
    "ACTIVE_STATUSES",
    "ADJUSTMENT_KINDS",
    "MATCH_KINDS",
    "MATCH_STATUSES",
    "ORIGINS",
    "QUEUE_CAUSES",
    "Adjustment",
    "Allocation",
    "Match",
    "provenance_of",
]

MATCH_KINDS = ("receipt_invoice", "gateway_invoice", "payout_deposit")
MATCH_STATUSES = ("suggested", "auto", "manual", "rejected", "undone", "superseded")
ACTIVE_STATUSES = ("auto", "manual")  # confirmed: their allocations count against invoices
# Who found the pairing (``Match.origin``, migration 0009): the matcher on its own (``auto``),
# the matcher's proposal a person accepted or may accept (``suggestion``: its confidence and
# reasons are kept), a person by hand (``manual``), or the gateway naming the invoice
# (``gateway``: the order reference of a webhook or settlement report).
ORIGINS = ("auto", "suggestion", "manual", "gateway")
# Why a receipt needs a person: decided once where the proposal is made, stored on the match
# (``Match.cause``) and filtered on by the queue. Closed list; order = display order.
QUEUE_CAUSES = (
    *MONEY_BACK_CAUSES,  # money went back after it paid; a bank return without its credit
    "possible_duplicate",
    "no_candidate",
    "unknown_payer",
    "ambiguous",
    "fee_gap",
    "partial_payment",
    "overpayment",
    "several_invoices",
    "payout_deposit",
    "low_confidence",
)
ADJUSTMENT_KINDS = (
    "bank_fee",
    "fx_difference",
    "discount",
    "write_off",
    "other_income",
    "own_transfer",
    "refund",
)


class Match(Base):
    """A receipt (bank line or gateway charge) with its allocations, or a payout ↔ deposit pair.

    Rows are never deleted: a rejected suggestion, an undone match or a stale suggestion replaced
    by a new run keeps its row with the status saying so.
    """

    __tablename__ = "match"
    __table_args__ = (
        CheckConstraint(
            "statement_line_id IS NOT NULL OR gateway_txn_id IS NOT NULL", name="has_receipt"
        ),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence_range"),
        CheckConstraint("unapplied_minor >= 0", name="unapplied_nonnegative"),
        CheckConstraint(
            "status IN ('suggested', 'auto', 'manual', 'rejected', 'undone', 'superseded')",
            name="status",
        ),
        CheckConstraint(
            "kind IN ('receipt_invoice', 'gateway_invoice', 'payout_deposit')", name="kind"
        ),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(20), default="receipt_invoice")
    status: Mapped[str] = mapped_column(String(12), index=True)
    confidence: Mapped[float] = mapped_column(Float)  # a score, not money
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    alternatives: Mapped[list[Any]] = mapped_column(default=list)
    cause: Mapped[str | None] = mapped_column(String(24), index=True)  # one of QUEUE_CAUSES
    origin: Mapped[str | None] = mapped_column(String(12))  # one of ORIGINS
    statement_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement_line.id"), index=True
    )
    gateway_txn_id: Mapped[int | None] = mapped_column(
        ForeignKey("gateway_transaction.id"), index=True
    )
    currency: Mapped[currency_code]
    unapplied_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("recon_run.id"))
    created_at: Mapped[created_at]
    created_by: Mapped[str] = mapped_column(String(64))
    matched_at: Mapped[dt.datetime | None]
    matched_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    close_reason: Mapped[str | None] = mapped_column(Text)

    statement_line: Mapped[StatementLine | None] = relationship(back_populates="matches")
    gateway_txn: Mapped[GatewayTransaction | None] = relationship()
    allocations: Mapped[list[Allocation]] = relationship(back_populates="match")
    adjustments: Mapped[list[Adjustment]] = relationship(back_populates="match")

    unapplied = MoneyAttr("unapplied_minor")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def provenance(self) -> str:
        """How the match came to be, as reports say it: ``auto``, ``accepted_suggestion``,
        ``suggestion`` (still open), ``manual`` or ``gateway``."""
        return provenance_of(self.origin, self.status, self.matched_at)

    def __repr__(self) -> str:
        return f"Match(id={self.id!r}, {self.kind}, {self.status}, {self.confidence:.3f})"


class Allocation(Base):
    """Part of a receipt applied to one invoice.

    ``amount_minor``/``currency`` are in the INVOICE's currency. When the receipt's currency
    differs (FX), ``receipt_amount_minor`` is the part of the receipt, in its own currency, spent
    on this allocation; NULL means the same currency (it equals ``amount_minor``).
    """

    __tablename__ = "allocation"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "receipt_amount_minor IS NULL OR receipt_amount_minor > 0",
            name="receipt_amount_positive",
        ),
    )

    id: Mapped[intpk]
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    amount_minor: Mapped[minor]
    currency: Mapped[currency_code]
    receipt_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[created_at]

    match: Mapped[Match] = relationship(back_populates="allocations")
    invoice: Mapped[Invoice] = relationship(back_populates="allocations")
    amount = MoneyAttr("amount_minor")

    @property
    def receipt_minor(self) -> int:
        """What this allocation takes from the receipt, in the receipt's currency."""
        if self.receipt_amount_minor is None:
            return self.amount_minor
        return self.receipt_amount_minor

    def __repr__(self) -> str:
        return f"Allocation(match={self.match_id}, invoice={self.invoice_id}, {self.amount})"


class Adjustment(Base):
    """A bank fee, FX difference, discount, write-off or classification of a receipt.

    Above the write-off limit it waits for a second person (``pending_approval``); the database
    refuses an approval by the preparer.
    """

    __tablename__ = "adjustment"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("approved_by IS NULL OR approved_by <> prepared_by", name="four_eyes"),
        CheckConstraint(
            "status IN ('proposed', 'applied', 'pending_approval', 'rejected', 'undone')",
            name="status",
        ),
        CheckConstraint(
            "statement_line_id IS NOT NULL OR invoice_id IS NOT NULL "
            "OR gateway_txn_id IS NOT NULL", name="has_target"
        ),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    amount_minor: Mapped[minor]
    currency: Mapped[currency_code]
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"), index=True)
    statement_line_id: Mapped[int | None] = mapped_column(ForeignKey("statement_line.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))
    # a gateway charge written off or classified in the queue (migration 0007)
    gateway_txn_id: Mapped[int | None] = mapped_column(
        ForeignKey("gateway_transaction.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    prepared_by: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]
    decided_at: Mapped[dt.datetime | None]

    match: Mapped[Match | None] = relationship(back_populates="adjustments")
    amount = MoneyAttr("amount_minor")

    def __repr__(self) -> str:
        return f"Adjustment({self.kind}, {self.amount} {self.currency}, {self.status})"


def provenance_of(origin: str | None, status: str, matched_at: dt.datetime | None) -> str:
    """`Match.provenance` from the columns (the export reads them without ORM rows)."""
    origin = origin or ("manual" if status == "manual" else "auto")
    accepted = status in ACTIVE_STATUSES or matched_at is not None
    if origin == "suggestion" and accepted:
        return "accepted_suggestion"
    return origin
