"""Per-customer data protection: an export of everything held about a customer, and an erase
that anonymises its personal data (contact person, e-mail, phone, notes, the text and addresses
of reminders, the contact log, payer account numbers) while its invoices, matches, allocations
and adjustments -- the accounting records -- stay as they are. Both are audited; never commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import audit
from recon.customers.masking import address_hash, mask_account
from recon.db.types import utcnow
from recon.models import (
    ContactLog,
    Customer,
    CustomerBankAccount,
    Dispute,
    Invoice,
    PromiseToPay,
    Reminder,
    Suppression,
)

__all__ = ["ERASED", "erase_customer", "export_customer"]

ERASED = "[erased]"
_MASTER = ("external_id", "name", "contact_name", "email", "phone", "language", "channel",
           "terms_days", "collection_status", "credit_tier", "notes")


def export_customer(session: Session, customer: Customer, *, actor: str) -> dict[str, Any]:
    """Everything held about ``customer`` as JSON-ready data (audited as ``customer.export``)."""
    cid = customer.id
    data = {
        "customer": {k: getattr(customer, k) for k in _MASTER},
        "bank_accounts": [a.account_key for a in _rows(session, CustomerBankAccount, cid)],
        "invoices": [{"invoice_no": i.invoice_no, "amount_minor": i.amount_minor,
                      "currency": i.currency, "status": i.status, "due_date": i.due_date}
                     for i in _rows(session, Invoice, cid)],
        "reminders": [{"level": r.level_name, "channel": r.channel, "address": r.address,
                       "subject": r.subject, "status": r.status, "created_at": r.created_at}
                      for r in _rows(session, Reminder, cid)],
        "promises": [{"date": p.promised_date, "amount_minor": p.amount_minor,
                      "currency": p.currency, "status": p.status, "note": p.note}
                     for p in _rows(session, PromiseToPay, cid)],
        "disputes": [{"invoice_id": d.invoice_id, "reason": d.reason, "status": d.status,
                      "resolution": d.resolution} for d in _rows(session, Dispute, cid)],
        "contact_log": [{"kind": c.kind, "summary": c.summary, "follow_up_on": c.follow_up_on,
                         "created_at": c.created_at} for c in _rows(session, ContactLog, cid)],
    }
    audit.record(session, actor=actor, action="customer.export", obj=customer,
                 after={"sections": sorted(data)})
    return audit.jsonable(data)


def erase_customer(session: Session, customer: Customer, *, actor: str, reason: str) -> None:
    """Anonymise ``customer``'s personal data; the accounting records are kept."""
    before = {"contact": bool(customer.email or customer.phone or customer.contact_name)}
    for address in (customer.email, customer.phone):
        if address:  # an opt-out stays honoured, but no longer names the address
            for row in session.scalars(select(Suppression).filter_by(
                    address=address.strip().lower())):
                row.address, row.detail = address_hash(address), None
    customer.contact_name = customer.email = customer.phone = customer.notes = None
    customer.erased_at = utcnow()
    for reminder in _rows(session, Reminder, customer.id):
        reminder.address = None
        reminder.subject, reminder.body_text, reminder.body_html = ERASED, ERASED, None
    for entry in _rows(session, ContactLog, customer.id):
        entry.summary = ERASED
    for promise in _rows(session, PromiseToPay, customer.id):
        promise.note = None
    for account in _rows(session, CustomerBankAccount, customer.id):
        account.account_key = f"ERASED-{account.id}-{mask_account(account.account_key)[-4:]}"
    audit.record(session, actor=actor, action="customer.erase", obj=customer,
                 before=before, after={"erased": True}, reason=reason)


def _rows(session: Session, model: Any, customer_id: int) -> list[Any]:
    return list(session.scalars(
        select(model).where(model.customer_id == customer_id).order_by(model.id)))
