"""Collections: dunning policies and levels, reminders and what they covered, promises to pay,
disputes, the contact log, suppressed addresses, message templates and pay links.

The rule "a customer never gets the same level twice for the same invoice" is the database's:
``reminder_item`` is unique on (invoice, level), so two concurrent reminder runs cannot both
record it -- the loser's insert fails and its reminder is not sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recon.db.types import Base, created_at, currency_code, intpk, minor

__all__ = [
    "REMINDER_STATUSES",
    "ContactLog",
    "Dispute",
    "DunningLevel",
    "DunningPolicy",
    "PayLink",
    "PromiseToPay",
    "Reminder",
    "ReminderItem",
    "ReminderTemplate",
    "Suppression",
]

# pending: recorded, not yet handed to the server; failed: will be retried; dead: gave up
REMINDER_STATUSES = ("pending", "sent", "failed", "dead")


class DunningPolicy(Base):
    """The levels used for customers of one credit tier (``default`` for customers without)."""

    __tablename__ = "dunning_policy"

    id: Mapped[intpk]
    tier: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    levels: Mapped[list[DunningLevel]] = relationship(
        back_populates="policy", order_by="DunningLevel.level")

    def __repr__(self) -> str:
        return f"DunningPolicy({self.tier!r}, {self.name!r})"


class DunningLevel(Base):
    """One step: ``days`` relative to the due date (negative = before), channel, template."""

    __tablename__ = "dunning_level"
    __table_args__ = (
        UniqueConstraint("policy_id", "level"),
        CheckConstraint("channel IN ('email', 'sms', 'preferred')", name="channel"),
    )

    id: Mapped[intpk]
    policy_id: Mapped[int] = mapped_column(ForeignKey("dunning_policy.id"))
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    days: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(12), default="preferred")
    template: Mapped[str] = mapped_column(String(32))
    attach_statement: Mapped[bool] = mapped_column(Boolean, default=False)
    # the smallest total (major units, any currency) worth a reminder at this level
    min_amount: Mapped[str] = mapped_column(String(32), default="0")
    policy: Mapped[DunningPolicy] = relationship(back_populates="levels")

    def __repr__(self) -> str:
        return f"DunningLevel({self.level}, {self.name!r}, {self.days:+d}d)"


class Reminder(Base):
    """One message to one customer at one level, gathering its invoices at that level."""

    __tablename__ = "reminder"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed', 'dead')", name="status"),
    )

    id: Mapped[intpk]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    level_name: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(255), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    attach_statement: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(8), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    run_date: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]
    sent_at: Mapped[dt.datetime | None]
    items: Mapped[list[ReminderItem]] = relationship(back_populates="reminder")

    def __repr__(self) -> str:
        return f"Reminder(customer={self.customer_id}, level={self.level}, {self.status})"


class ReminderItem(Base):
    """An invoice a reminder covered, at its level; unique per (invoice, level)."""

    __tablename__ = "reminder_item"
    __table_args__ = (UniqueConstraint("invoice_id", "level"),)

    id: Mapped[intpk]
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminder.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    open_minor: Mapped[minor]
    currency: Mapped[currency_code]
    reminder: Mapped[Reminder] = relationship(back_populates="items")


class PromiseToPay(Base):
    """A customer's promise: nothing is dunned until ``promised_date``; kept or broken after."""

    __tablename__ = "promise_to_pay"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'kept', 'broken')", name="status"),
    )

    id: Mapped[intpk]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    promised_date: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[minor]
    currency: Mapped[currency_code]
    status: Mapped[str] = mapped_column(String(8), default="open")
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]
    resolved_at: Mapped[dt.datetime | None]


class Dispute(Base):
    """A disputed invoice: dunning pauses on it until the dispute is resolved."""

    __tablename__ = "dispute"
    __table_args__ = (CheckConstraint("status IN ('open', 'resolved')", name="status"),)

    id: Mapped[intpk]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="open")
    resolution: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[dt.datetime | None]


class ContactLog(Base):
    """A call, e-mail or note about a customer, with an optional follow-up for a collector."""

    __tablename__ = "contact_log"
    __table_args__ = (
        CheckConstraint("kind IN ('call', 'email', 'note', 'sms')", name="kind"),
    )

    id: Mapped[intpk]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(Text)
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(64), index=True)
    done_at: Mapped[dt.datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]


class Suppression(Base):
    """An address that asked not to be contacted (opt-out) or whose mail bounced."""

    __tablename__ = "suppression"
    __table_args__ = (CheckConstraint("reason IN ('opt_out', 'bounce')", name="reason"),)

    id: Mapped[intpk]
    address: Mapped[str] = mapped_column(String(255), unique=True)
    reason: Mapped[str] = mapped_column(String(8))
    detail: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]


class ReminderTemplate(Base):
    """An admin's edit of a shipped template (key + language); absent = the shipped text."""

    __tablename__ = "reminder_template"
    __table_args__ = (UniqueConstraint("key", "language"),)

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    sms: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[created_at]


class PayLink(Base):
    """A payment link or QR code for one invoice at one gateway (the invoice number travels
    with the payment, so its webhook settles the invoice)."""

    __tablename__ = "pay_link"
    __table_args__ = (UniqueConstraint("invoice_id", "gateway"),)

    id: Mapped[intpk]
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    gateway: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(Text)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[currency_code]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
