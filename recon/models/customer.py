"""Customers from the ERP and the payer names learned for them (positive and negative aliases)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recon.db.types import Base, created_at, intpk, json_dict

if TYPE_CHECKING:
    from recon.models.invoice import Invoice

__all__ = ["Customer", "CustomerAlias"]


class Customer(Base):
    __tablename__ = "customer"

    id: Mapped[intpk]
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    meta: Mapped[json_dict]
    # Credit tier (A-D) in force, written by the credit area; NULL = the default tier. Dunning
    # policies and suggested payment terms are chosen by it.
    credit_tier: Mapped[str | None] = mapped_column(String(8))
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
