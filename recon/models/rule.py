"""Rules people write from hand work, and the small records of who works which queue item.

``Rule``: conditions on a bank credit (payer contains, text contains, amount range, currency)
→ an outcome (a customer, a category, or a clearing account), with its hit count; applied by
``recon.rules``. ``ItemAssignment`` / ``ItemNote`` / ``SavedView``: work management on the
exception queue (an item is ``kind`` + ``receipt_id``, as the queue names it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recon.db.types import Base, created_at, intpk, json_dict

__all__ = ["RULE_CATEGORIES", "RULE_OUTCOMES", "ItemAssignment", "ItemNote", "Rule", "SavedView"]

RULE_OUTCOMES = ("customer", "category", "clearing")
# What a category rule books the receipt as (adjustment kinds): other income, bank charges,
# a transfer between own accounts.
RULE_CATEGORIES = ("other_income", "bank_fee", "own_transfer")


class Rule(Base):
    __tablename__ = "rule"
    __table_args__ = (
        CheckConstraint("outcome IN ('customer', 'category', 'clearing')", name="outcome"),
        CheckConstraint(
            "payer_contains IS NOT NULL OR text_contains IS NOT NULL", name="has_condition"
        ),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(120))
    payer_contains: Mapped[str | None] = mapped_column(String(120))
    text_contains: Mapped[str | None] = mapped_column(String(120))
    min_minor: Mapped[int | None] = mapped_column(BigInteger)
    max_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    outcome: Mapped[str] = mapped_column(String(12))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    category: Mapped[str | None] = mapped_column(String(16))
    clearing_account: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    hits: Mapped[int] = mapped_column(default=0)
    last_hit_at: Mapped[dt.datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]


class ItemAssignment(Base):
    """Who works a queue item now (one row per item; reassigning updates it, audited)."""

    __tablename__ = "item_assignment"
    __table_args__ = (Index("ix_item_assignment_item", "kind", "receipt_id", unique=True),)

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(8))
    receipt_id: Mapped[int]
    assignee: Mapped[str] = mapped_column(String(64), index=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[created_at]


class ItemNote(Base):
    """A note on a queue item; notes are only added, never edited."""

    __tablename__ = "item_note"
    __table_args__ = (Index("ix_item_note_item", "kind", "receipt_id"),)

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(8))
    receipt_id: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]


class SavedView(Base):
    """A person's named queue filter (the query string of ``/queue``)."""

    __tablename__ = "saved_view"
    __table_args__ = (Index("ix_saved_view_owner_name", "owner", "name", unique=True),)

    id: Mapped[intpk]
    owner: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[json_dict]
    created_at: Mapped[created_at]
