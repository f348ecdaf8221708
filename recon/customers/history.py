"""The customer page's read model: open items with their age, payment history, average days to
pay, reminders sent, promises (kept/broken), disputes, the contact log and the pay links. Read
only; contact data is the caller's to hide from roles that may not see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.customer_statements.ledger import movements
from recon.customers.masking import mask_account
from recon.models import (
    OPEN_INVOICE_STATUSES,
    ContactLog,
    Customer,
    CustomerAlias,
    CustomerBankAccount,
    Dispute,
    Invoice,
    PayLink,
    PromiseToPay,
    Reminder,
)

__all__ = ["CustomerHistory", "customer_history"]


@dataclass
class CustomerHistory:
    customer: Customer
    open_items: list[tuple[Invoice, int]] = field(default_factory=list)  # (invoice, days late)
    payments: list[tuple[dt.date, Invoice, str, int]] = field(default_factory=list)
    avg_days_to_pay: float | None = None
    reminders: list[Reminder] = field(default_factory=list)
    promises: list[PromiseToPay] = field(default_factory=list)
    disputes: list[tuple[Dispute, str]] = field(default_factory=list)
    log: list[ContactLog] = field(default_factory=list)
    pay_links: dict[int, list[PayLink]] = field(default_factory=dict)
    accounts: list[str] = field(default_factory=list)  # masked
    aliases: list[str] = field(default_factory=list)  # payer names the matcher learned
    invoices_by_id: dict[int, Invoice] = field(default_factory=dict)

    @property
    def promise_record(self) -> dict[str, int]:
        out = {"open": 0, "kept": 0, "broken": 0}
        for p in self.promises:
            out[p.status] += 1
        return out


def customer_history(session: Session, customer: Customer, today: dt.date) -> CustomerHistory:
    h = CustomerHistory(customer)
    invoices = list(session.scalars(select(Invoice).where(
        Invoice.customer_id == customer.id).order_by(Invoice.due_date, Invoice.id)))
    h.invoices_by_id = {i.id: i for i in invoices}
    h.open_items = [(i, (today - i.due_date).days if i.due_date else 0) for i in invoices
                    if i.status in OPEN_INVOICE_STATUSES and i.open_minor > 0]
    h.payments = sorted(((day, inv, ref, amount) for day, inv, kind, ref, amount in
                         movements(session, [i for i in invoices if i.status != "cancelled"])
                         if kind == "payment"), key=lambda p: p[0], reverse=True)
    h.avg_days_to_pay = _avg_days_to_pay(invoices, h.payments)
    h.reminders = _of(session, Reminder, customer.id, Reminder.id.desc())
    h.promises = _of(session, PromiseToPay, customer.id, PromiseToPay.id.desc())
    h.disputes = [(d, h.invoices_by_id[d.invoice_id].invoice_no)
                  for d in _of(session, Dispute, customer.id, Dispute.id.desc())]
    h.log = _of(session, ContactLog, customer.id, ContactLog.id.desc())
    for link in session.scalars(select(PayLink).where(PayLink.invoice_id.in_(
            list(h.invoices_by_id)))):
        h.pay_links.setdefault(link.invoice_id, []).append(link)
    h.accounts = [mask_account(a.account_key) for a in
                  _of(session, CustomerBankAccount, customer.id, CustomerBankAccount.id)]
    h.aliases = list(session.scalars(select(CustomerAlias.alias).where(
        CustomerAlias.customer_id == customer.id, CustomerAlias.polarity == "positive")
        .order_by(CustomerAlias.alias)))
    return h


def _of(session: Session, model: Any, customer_id: int, order: Any) -> list[Any]:
    return list(session.scalars(select(model).where(
        model.customer_id == customer_id).order_by(order)))


def _avg_days_to_pay(invoices: list[Invoice], payments: list[Any]) -> float | None:
    """Mean days from issue to the last payment, over the invoices that are paid."""
    last: dict[int, dt.date] = {}
    for day, inv, _ref, _amount in payments:
        last[inv.id] = max(day, last.get(inv.id, day))
    days = [(last[i.id] - i.issue_date).days for i in invoices
            if i.status == "paid" and i.id in last]
    return round(sum(days) / len(days), 1) if days else None
