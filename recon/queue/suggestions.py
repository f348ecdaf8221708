"""What each queue row's suggestion would do, for the list (service layer, read-only).

The queue's page query carries only the suggestion's id and confidence (it must stay cheap at
10,000+ items); ``suggestion_briefs`` then fetches, for the at most one page of ids shown, the
invoice numbers, the customer and the amount the suggestion applies, in one query, so a person
sees what "Accept" will do before pressing it. Raises nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon.models import Allocation, Customer, Invoice
from recon.money import from_minor

__all__ = ["SuggestionBrief", "suggestion_briefs"]


@dataclass
class SuggestionBrief:
    invoices: list[str] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)
    amount: Decimal = Decimal(0)  # in the invoices' currency
    currency: str = ""

    @property
    def invoice_text(self) -> str:
        return ", ".join(self.invoices)

    @property
    def customer_text(self) -> str:
        return ", ".join(dict.fromkeys(self.customers))


def suggestion_briefs(
    session: Session, match_ids: Iterable[int | None]
) -> dict[int, SuggestionBrief]:
    """Per suggestion id: its invoices, customers and allocated total."""
    ids = sorted({i for i in match_ids if i})
    if not ids:
        return {}
    stmt = (
        sa.select(Allocation.match_id, Invoice.invoice_no, Customer.name, Allocation.amount_minor,
                  Allocation.currency)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Allocation.match_id.in_(ids))
        .order_by(Allocation.match_id, Allocation.id)
    )  # fmt: skip
    out: dict[int, SuggestionBrief] = {}
    for match_id, number, customer, minor, currency in session.execute(stmt):
        brief = out.setdefault(match_id, SuggestionBrief(currency=currency))
        brief.invoices.append(number)
        brief.customers.append(customer)
        brief.amount += from_minor(int(minor), currency)
    return out
