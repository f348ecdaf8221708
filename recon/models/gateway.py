"""The verified webhook inbox and the normalised gateway transactions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from recon.db.types import Base, created_at, currency_code, intpk, minor, utcnow
from recon.models._money import MoneyAttr

__all__ = ["SETTLED_CHARGE_STATUSES", "GatewayAccount", "GatewayEvent", "GatewayTransaction"]

# Statuses of a gateway charge whose money has arrived (the gateways normalise theirs to these:
# Stripe/WeChat "succeeded", Alipay TRADE_SUCCESS "succeeded" and TRADE_FINISHED "finished"):
# such a charge settles the invoice it names, and is matchable and queued when it names none.
SETTLED_CHARGE_STATUSES = ("succeeded", "finished")


class GatewayEvent(Base):
    """A verified event exactly as received; unique per gateway and event id.

    ``foreign``: a delivery naming no configured merchant account, kept (raw) for a person and
    never processed (`recon.gateway.event_store.store_foreign`).

    Stored before any processing, so a processing failure leaves it ``pending`` for a retry and
    nothing is lost; a duplicate delivery hits the unique constraint and is answered as success.
    """

    __tablename__ = "gateway_event"
    __table_args__ = (
        UniqueConstraint("gateway", "event_id"),
        CheckConstraint("status IN ('pending', 'processed', 'failed', 'foreign')", name="status"),
    )

    id: Mapped[intpk]
    gateway: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    exception: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[created_at]
    processed_at: Mapped[dt.datetime | None]

    def __repr__(self) -> str:
        return f"GatewayEvent({self.gateway}:{self.event_id}, {self.event_type}, {self.status})"


class GatewayTransaction(Base):
    """A charge, refund, fee, dispute, payout or adjustment; unique per gateway, kind and id."""

    __tablename__ = "gateway_transaction"
    __table_args__ = (
        UniqueConstraint("gateway", "kind", "gateway_id"),
        CheckConstraint(
            "kind IN ('charge', 'refund', 'fee', 'dispute', 'payout', 'adjustment')", name="kind"
        ),
        CheckConstraint("allocated_minor >= 0", name="allocated_nonnegative"),
    )

    id: Mapped[intpk]
    gateway: Mapped[str] = mapped_column(String(16))
    gateway_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(24), default="succeeded")
    gross_minor: Mapped[minor]
    fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    net_minor: Mapped[minor]
    currency: Mapped[currency_code]
    occurred_at: Mapped[dt.datetime] = mapped_column(index=True)
    order_ref: Mapped[str | None] = mapped_column(String(128), index=True)
    payout_id: Mapped[str | None] = mapped_column(String(128), index=True)
    # the transaction this one belongs to: a refund's charge (or payment intent), a charge's
    # payment intent (see recon.gateway.refunds)
    related_id: Mapped[str | None] = mapped_column(String(128), index=True)
    payer_hint: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(16), default="webhook")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("gateway_event.id"))
    allocated_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    gross = MoneyAttr("gross_minor")
    fee = MoneyAttr("fee_minor")
    net = MoneyAttr("net_minor")
    allocated = MoneyAttr("allocated_minor")

    @property
    def unapplied_minor(self) -> int:
        return abs(self.gross_minor) - self.allocated_minor

    def __repr__(self) -> str:
        return f"GatewayTransaction({self.gateway}:{self.kind}:{self.gateway_id}, {self.gross})"


class GatewayAccount(Base):
    """One merchant account of a gateway: a Stripe account, an Alipay app id, a WeChat Pay
    merchant id, a PayPal webhook.  ``credentials`` holds non-secret values (seller id, platform
    serial) and secrets only by reference (``env:NAME`` or ``file:/path``), resolved at start-up
    by `recon.gateway.accounts`; the environment's single-account variables stay the default.
    """

    __tablename__ = "gateway_account"
    __table_args__ = (UniqueConstraint("gateway", "account_id"),)

    id: Mapped[intpk]
    gateway: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(128))
    credentials: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    default_currency: Mapped[str | None] = mapped_column(String(3))
    payout_bank_account_id: Mapped[int | None] = mapped_column(ForeignKey("bank_account.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"GatewayAccount({self.gateway}:{self.account_id})"
