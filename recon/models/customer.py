"""Customers from the ERP, the payer names learned for them (positive and negative aliases) and
the bank accounts they pay from."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recon.db.types import Base, created_at, intpk, json_dict

if TYPE_CHECKING:
    from recon.models.invoice import Invoice

__all__ = [
    "COLLECTION_STATUSES",
    "CONTACT_CHANNELS",
    "LANGUAGES",
    "Customer",
    "CustomerAlias",
    "CustomerBankAccount",
]

# The collection status of a customer: only ``normal`` customers are reminded automatically.
COLLECTION_STATUSES = ("normal", "paused", "dispute", "legal")
LANGUAGES = ("en", "zh-CN")  # of the customer's documents: reminders and statements
CONTACT_CHANNELS = ("email", "sms")


class Customer(Base):
    """A customer and its master data: one contact (name, e-mail, phone, language, preferred
    channel), payment terms, collection status and notes (migration 0014, the collections area).
    ``erased_at`` is set when its personal data was anonymised; its invoices stay."""

    __tablename__ = "customer"
    __table_args__ = (
        CheckConstraint("collection_status IN ('normal', 'paused', 'dispute', 'legal')",
                        name="collection_status"),
        CheckConstraint("language IN ('en', 'zh-CN')", name="language"),
        CheckConstraint("channel IN ('email', 'sms')", name="channel"),
    )

    id: Mapped[intpk]
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    meta: Mapped[json_dict]
    # Credit tier (A-D) in force, written by the credit area; NULL = the default tier. Dunning
    # policies and suggested payment terms are chosen by it.
    credit_tier: Mapped[str | None] = mapped_column(String(8))
    contact_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    channel: Mapped[str] = mapped_column(String(8), default="email", server_default="email")
    terms_days: Mapped[int | None] = mapped_column(Integer)
    collection_status: Mapped[str] = mapped_column(
        String(12), default="normal", server_default="normal")
    notes: Mapped[str | None] = mapped_column(Text)
    erased_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]

    aliases: Mapped[list[CustomerAlias]] = relationship(back_populates="customer")
    invoices: Mapped[list[Invoice]] = relationship(back_populates="customer")

    def __repr__(self) -> str:
        return f"Customer(id={self.id!r}, external_id={self.external_id!r}, name={self.name!r})"


class CustomerAlias(Base):
    """A payer name seen for a customer: ``positive`` (confirmed) or ``negative`` (rejected)."""

    __tablename__ = "customer_alias"
    __table_args__ = (
        UniqueConstraint("customer_id", "alias_key"),
        CheckConstraint("polarity IN ('positive', 'negative')", name="polarity"),
    )

    id: Mapped[intpk]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    alias: Mapped[str] = mapped_column(String(255))
    alias_key: Mapped[str] = mapped_column(String(255), index=True)
    polarity: Mapped[str] = mapped_column(String(8), default="positive")
    source: Mapped[str] = mapped_column(String(16), default="manual")
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime | None]
    extra: Mapped[dict[str, Any] | None]

    customer: Mapped[Customer] = relationship(back_populates="aliases")

    def __repr__(self) -> str:
        return f"CustomerAlias({self.alias!r} -> {self.customer_id!r}, {self.polarity})"


class CustomerBankAccount(Base):
    """An account the customer pays from (shown masked; the full number never leaves here)."""

    __tablename__ = "customer_bank_account"

    id: Mapped[intpk]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    account_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]
