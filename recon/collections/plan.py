"""What a reminder run would send today, to whom, and why anything is held back (read only).

For each open invoice with a due date, the level due is the highest level of the customer's
policy whose ``days`` (relative to the due date) have passed and that is above the highest
level the invoice already had -- levels only move forward, a skipped level is not sent late,
and no level is sent twice for an invoice. A broken promise moves an invoice on to its next
level at once. Invoices are then gathered per customer and level into one reminder. A
reminder is held as a whole when the customer is not in ``normal`` collection status, has no
address on the channel, opted out or bounced, or its total is below the level's minimum.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recon.collections.holds import hold_reasons
from recon.collections.policies import levels_of, policies_by_tier, policy_for
from recon.customers.masking import address_hash, mask_email, mask_phone
from recon.models import (
    OPEN_INVOICE_STATUSES,
    Customer,
    DunningLevel,
    Invoice,
    PromiseToPay,
    Reminder,
    ReminderItem,
    Suppression,
)
from recon.money import from_minor

__all__ = ["HeldInvoice", "Plan", "PlannedInvoice", "PlannedReminder", "build_plan"]


@dataclass(frozen=True)
class PlannedInvoice:
    invoice_id: int
    invoice_no: str
    currency: str
    open_minor: int
    due_date: dt.date
    days_overdue: int

    @property
    def open_amount(self) -> Decimal:
        return from_minor(self.open_minor, self.currency)


@dataclass(frozen=True)
class PlannedReminder:
    """One message: a customer, a level and its invoices; ``held`` says why it will not go."""

    customer_id: int
    customer_name: str
    level: int
    level_name: str
    template: str
    channel: str
    address: str | None
    language: str
    attach_statement: bool
    invoices: tuple[PlannedInvoice, ...]
    held: tuple[str, ...] = ()

    @property
    def totals(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for inv in self.invoices:
            out[inv.currency] += inv.open_amount
        return dict(out)

    @property
    def masked_address(self) -> str:
        return mask_phone(self.address) if self.channel == "sms" else mask_email(self.address)


@dataclass(frozen=True)
class HeldInvoice:
    invoice_id: int
    invoice_no: str
    customer_id: int
    customer_name: str
    level_name: str
    reasons: tuple[str, ...]


@dataclass
class Plan:
    day: dt.date
    reminders: list[PlannedReminder] = field(default_factory=list)
    held: list[HeldInvoice] = field(default_factory=list)

    @property
    def to_send(self) -> list[PlannedReminder]:
        return [r for r in self.reminders if not r.held]


def build_plan(session: Session, day: dt.date, *, customer_ids: list[int] | None = None) -> Plan:
    """The reminders due on ``day`` (optionally for some customers only)."""
    plan = Plan(day)
    invoices = _candidates(session, day, customer_ids)
    if not invoices:
        return plan
    policies = policies_by_tier(session)
    customers = {c.id: c for c in session.scalars(
        select(Customer).where(Customer.id.in_({i.customer_id for i in invoices})))}
    reached = _levels_reached(session, [i.id for i in invoices])
    escalate = _broken_promises(session, invoices)
    holds = hold_reasons(session, invoices, day)
    groups: dict[tuple[int, int], list[tuple[Invoice, DunningLevel]]] = defaultdict(list)
    for invoice in invoices:
        customer = customers[invoice.customer_id]
        policy = policy_for(policies, customer.credit_tier)
        if policy is None:
            continue
        level = _level_due(levels_of(policy), invoice, day, reached.get(invoice.id, 0),
                           invoice.id in escalate)
        if level is None:
            continue
        if invoice.id in holds:
            plan.held.append(HeldInvoice(invoice.id, invoice.invoice_no, customer.id,
                                         customer.name, level.name,
                                         tuple(sorted(holds[invoice.id]))))
            continue
        groups[(customer.id, level.level)].append((invoice, level))
    suppressed = set(session.scalars(select(Suppression.address)))
    for (cid, _n), members in sorted(groups.items()):
        plan.reminders.append(_reminder(customers[cid], members, day, suppressed))
    return plan


def _candidates(session: Session, day: dt.date, customer_ids: list[int] | None) -> list[Invoice]:
    stmt = select(Invoice).where(
        Invoice.status.in_(OPEN_INVOICE_STATUSES), Invoice.due_date.is_not(None),
        Invoice.amount_minor > Invoice.paid_minor + Invoice.adjusted_minor,
        Invoice.due_date <= day + dt.timedelta(days=31)).order_by(Invoice.due_date, Invoice.id)
    if customer_ids is not None:
        stmt = stmt.where(Invoice.customer_id.in_(customer_ids))
    return list(session.scalars(stmt))


def _levels_reached(session: Session, ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(ReminderItem.invoice_id, func.max(ReminderItem.level))
                           .where(ReminderItem.invoice_id.in_(ids))
                           .group_by(ReminderItem.invoice_id))
    return {k: v for k, v in rows}


def _broken_promises(session: Session, invoices: list[Invoice]) -> set[int]:
    """Invoices under a broken promise that no reminder has followed yet."""
    customers = {i.customer_id for i in invoices}
    broken = session.execute(select(PromiseToPay.customer_id, PromiseToPay.invoice_id,
                                    PromiseToPay.resolved_at).where(
        PromiseToPay.status == "broken", PromiseToPay.customer_id.in_(customers))).all()
    if not broken:
        return set()
    stmt = (select(ReminderItem.invoice_id, func.max(Reminder.created_at)).join(Reminder)
            .where(ReminderItem.invoice_id.in_([i.id for i in invoices]))
            .group_by(ReminderItem.invoice_id))
    last = {iid: at for iid, at in session.execute(stmt)}
    out: set[int] = set()
    for cid, iid, resolved in broken:
        for inv in invoices:
            if inv.customer_id == cid and iid in (None, inv.id):
                seen = last.get(inv.id)
                if seen is None or resolved is None or _naive(seen) < _naive(resolved):
                    out.add(inv.id)
    return out


def _naive(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=None) if value.tzinfo is None else \
        value.astimezone(dt.UTC).replace(tzinfo=None)


def _level_due(levels: list[DunningLevel], invoice: Invoice, day: dt.date, reached: int,
               escalate: bool) -> DunningLevel | None:
    assert invoice.due_date is not None  # filtered in _candidates
    days = (day - invoice.due_date).days
    due = [lv for lv in levels if lv.days <= days and lv.level > reached]
    if due:
        return due[-1]
    if escalate:
        return next((lv for lv in levels if lv.level > reached), None)
    return None


def _reminder(customer: Customer, members: list[tuple[Invoice, DunningLevel]], day: dt.date,
              suppressed: set[str]) -> PlannedReminder:
    level = members[0][1]
    channel = customer.channel if level.channel == "preferred" else level.channel
    address = customer.phone if channel == "sms" else customer.email
    items = tuple(PlannedInvoice(i.id, i.invoice_no, i.currency, i.open_minor, i.due_date,
                                 (day - i.due_date).days)
                  for i, _lv in members if i.due_date is not None)
    planned = PlannedReminder(customer.id, customer.name, level.level, level.name,
                              level.template, channel, address, customer.language,
                              level.attach_statement, items)
    held = _reminder_holds(customer, planned, level, suppressed)
    return PlannedReminder(**{**planned.__dict__, "held": held})


def _reminder_holds(customer: Customer, planned: PlannedReminder, level: DunningLevel,
                    suppressed: set[str]) -> tuple[str, ...]:
    reasons: list[str] = []
    if customer.collection_status != "normal":
        reasons.append(f"customer_{customer.collection_status}")
    if not planned.address:
        reasons.append("no_address")
    elif {planned.address.strip().lower(), address_hash(planned.address)} & suppressed:
        reasons.append("opted_out")
    minimum = Decimal(level.min_amount or "0")
    if minimum and all(total < minimum for total in planned.totals.values()):
        reasons.append("below_minimum")
    return tuple(reasons)
