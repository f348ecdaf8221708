"""Credit profiles (measures, tier, reasons, override, limit, hold per customer) and FX rates.

A ``CreditProfile`` is recomputed by the daily run and on demand (``recon.credit.profiles``);
the tier in force is copied to ``Customer.credit_tier`` so other areas (dunning, payment terms)
read one column. ``FxRate`` holds daily rates imported from a CSV: one unit of ``currency`` is
``rate`` units of ``base_currency`` on ``rate_date``; the rate is exact decimal text, because
``Numeric`` goes through float on SQLite.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recon.db.types import Base, created_at, currency_code, intpk, utcnow

__all__ = ["CreditProfile", "FxRate"]


class CreditProfile(Base):
    """One customer's credit state; amounts in the base currency's minor units."""

    __tablename__ = "credit_profile"

    id: Mapped[intpk]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), unique=True)
    measures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed_tier: Mapped[str | None] = mapped_column(String(8))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    base_currency: Mapped[currency_code]
    exposure_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    limit_minor: Mapped[int | None] = mapped_column(BigInteger)  # manual limit
    limit_reason: Mapped[str | None] = mapped_column(Text)
    suggested_limit_minor: Mapped[int | None] = mapped_column(BigInteger)
    hold: Mapped[bool] = mapped_column(Boolean, default=False)
    override_tier: Mapped[str | None] = mapped_column(String(8))
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_until: Mapped[dt.date | None]
    override_by: Mapped[str | None] = mapped_column(String(64))
    computed_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def tier_on(self, day: dt.date) -> str | None:
        """The tier in force on ``day``: an unexpired override, else the computed tier."""
        if self.override_tier and (self.override_until is None or day <= self.override_until):
            return self.override_tier
        return self.computed_tier

    @property
    def limit_in_force_minor(self) -> int | None:
        return self.limit_minor if self.limit_minor is not None else self.suggested_limit_minor

    def __repr__(self) -> str:
        return f"CreditProfile(customer={self.customer_id}, tier={self.computed_tier})"


class FxRate(Base):
    """A daily rate: 1 ``currency`` = ``rate`` ``base_currency`` on ``rate_date``."""

    __tablename__ = "fx_rate"
    __table_args__ = (UniqueConstraint("rate_date", "currency", "base_currency"),)

    id: Mapped[intpk]
    rate_date: Mapped[dt.date] = mapped_column(index=True)
    currency: Mapped[currency_code]
    base_currency: Mapped[currency_code]
    rate: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(255), default="csv")
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"FxRate({self.rate_date}, 1 {self.currency} = {self.rate} {self.base_currency})"
