"""Open items from the ERP. ``paid_minor`` and ``adjusted_minor`` are kept by the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matching.refs import full_key
from recon.db.types import Base, created_at, currency_code, intpk, json_dict, minor, utcnow
from recon.models._money import MoneyAttr
from recon.money import from_minor

if TYPE_CHECKING:
    from recon.models.customer import Customer
    from recon.models.match import Allocation

__all__ = ["INVOICE_STATUSES", "OPEN_INVOICE_STATUSES", "Invoice", "settled_status"]


def _ref_key(context: Any) -> str:
    """Default of ``Invoice.ref_key`` for every insert (ORM or bulk): the key of invoice_no."""
    return full_key(context.get_current_parameters()["invoice_no"])


INVOICE_STATUSES = ("open", "partial", "paid", "cancelled")
OPEN_INVOICE_STATUSES = ("open", "partial")  # money still due: matchable, dunnable, in aging


class Invoice(Base):
    """An invoice; settled = allocations of confirmed matches + adjustments (fees, write-offs).

    The check constraints are the database's half of the invariant "allocations to one invoice
    never exceed its amount": services keep ``paid_minor``/``adjusted_minor`` equal to the sums
    of the confirmed rows, and the database refuses any state where they pass the amount.
    """

    __tablename__ = "invoice"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("paid_minor >= 0 AND adjusted_minor >= 0", name="settled_nonnegative"),
        CheckConstraint("paid_minor + adjusted_minor <= amount_minor", name="not_overallocated"),
        CheckConstraint("status IN ('open', 'partial', 'paid', 'cancelled')", name="status"),
        CheckConstraint("refunded_minor >= 0", name="refunded_nonnegative"),
    )

    id: Mapped[intpk]
    invoice_no: Mapped[str] = mapped_column(String(64), unique=True)
    # The number as every reader compares it (``matching.refs.full_key``: letters and digits,
    # upper case): a gateway's "inv-2026/0042" finds INV-2026-0042. Set from invoice_no.
    ref_key: Mapped[str] = mapped_column(String(64), index=True, default=_ref_key)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    amount_minor: Mapped[minor]
    currency: Mapped[currency_code]
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    adjusted_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    # money flowing back (migration 0016, recon.allocation.reversals): an open dispute on a
    # charge that paid it (collections pause dunning), and what refunds/chargebacks reopened
    disputed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    issue_date: Mapped[dt.date]
    due_date: Mapped[dt.date | None]
    meta: Mapped[json_dict]
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="invoices")
    allocations: Mapped[list[Allocation]] = relationship(back_populates="invoice")

    amount = MoneyAttr("amount_minor")
    paid = MoneyAttr("paid_minor")
    adjusted = MoneyAttr("adjusted_minor")
    refunded = MoneyAttr("refunded_minor")

    @property
    def open_minor(self) -> int:
        return self.amount_minor - self.paid_minor - self.adjusted_minor

    @property
    def open_amount(self) -> Decimal:
        return from_minor(self.open_minor, self.currency)

    def refresh_status(self) -> None:
        """Derive ``status`` from the settled sums (cancelled stays cancelled)."""
        self.status = settled_status(
            self.status, self.amount_minor, self.paid_minor, self.adjusted_minor)

    def __repr__(self) -> str:
        return f"Invoice({self.invoice_no!r}, {self.amount} {self.currency}, {self.status})"


def settled_status(status: str, amount: int, paid: int, adjusted: int) -> str:
    """An invoice's status from its settled sums (cancelled stays cancelled); the bulk paths
    (``recon.allocation.bulk``) derive it from columns with this same rule."""
    if status == "cancelled":
        return status
    settled = paid + adjusted
    return "paid" if settled >= amount else "partial" if settled else "open"
