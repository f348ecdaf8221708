"""A collector's records: promises to pay (kept or broken once due), disputes per invoice,
the call/e-mail log with follow-ups, and suppressed addresses (opt-out, bounce). Audited;
never commits. Raises ``ServiceError`` for a request that makes no sense (a promise in the
past, a dispute on another customer's invoice, resolving twice)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recon import audit
from recon.customers.masking import address_hash
from recon.db.types import utcnow
from recon.errors import NotFound, ServiceError
from recon.models import (
    ACTIVE_STATUSES,
    Allocation,
    ContactLog,
    Customer,
    Dispute,
    Invoice,
    Match,
    PromiseToPay,
    Suppression,
)
from recon.money import MoneyError, to_minor

__all__ = ["add_dispute", "add_promise", "complete_follow_up", "follow_ups_due", "log_contact",
           "resolve_dispute", "review_promises", "suppress"]


def _invoice_of(session: Session, customer: Customer, invoice_id: int | None) -> Invoice | None:
    if invoice_id is None:
        return None
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.customer_id != customer.id:
        raise NotFound("invoice %(id)s is not an invoice of %(customer)s",
                       code="invoice_not_found", id=invoice_id, customer=customer.external_id)
    return invoice


def add_promise(session: Session, customer: Customer, *, promised_date: dt.date,
                amount: Decimal, currency: str, invoice_id: int | None = None,
                note: str | None = None, actor: str, today: dt.date | None = None
                ) -> PromiseToPay:
    if promised_date < (today or dt.date.today()):
        raise ServiceError("promised date: a promise to pay cannot be in the past",
                           code="date_past")
    invoice = _invoice_of(session, customer, invoice_id)
    try:
        minor = to_minor(amount, currency)
    except MoneyError as exc:
        raise ServiceError("amount: %(amount)s is not an amount in %(currency)s",
                           code="bad_amount", amount=amount, currency=currency) from exc
    if minor <= 0:
        raise ServiceError("amount: must be positive", code="not_positive")
    promise = PromiseToPay(customer_id=customer.id, invoice_id=invoice.id if invoice else None,
                           promised_date=promised_date, amount_minor=minor, currency=currency,
                           note=note, created_by=actor)
    session.add(promise)
    audit.record(session, actor=actor, action="promise.create", obj=promise,
                 after={"date": promised_date, "amount": amount, "currency": currency,
                        "invoice": invoice.invoice_no if invoice else None})
    return promise


def review_promises(session: Session, day: dt.date, *, actor: str) -> dict[str, int]:
    """Close open promises whose date has passed: kept when paid, else broken."""
    counts = {"kept": 0, "broken": 0}
    for promise in session.scalars(select(PromiseToPay).where(
            PromiseToPay.status == "open", PromiseToPay.promised_date < day)):
        promise.status = "kept" if _paid_since(session, promise) >= promise.amount_minor \
            else "broken"
        promise.resolved_at = utcnow()
        counts[promise.status] += 1
        audit.record(session, actor=actor, action=f"promise.{promise.status}", obj=promise,
                     before={"status": "open"}, after={"status": promise.status})
    return counts


def _paid_since(session: Session, promise: PromiseToPay) -> int:
    """What reached the promised invoice (or any invoice of the customer) since the promise."""
    stmt = (select(func.coalesce(func.sum(Allocation.amount_minor), 0))
            .join(Match).join(Invoice, Allocation.invoice_id == Invoice.id)
            .where(Match.status.in_(ACTIVE_STATUSES), Allocation.currency == promise.currency,
                   Allocation.created_at >= promise.created_at))
    if promise.invoice_id is not None:
        invoice = session.get_one(Invoice, promise.invoice_id)
        if invoice.open_minor == 0:
            return promise.amount_minor
        stmt = stmt.where(Allocation.invoice_id == promise.invoice_id)
    else:
        stmt = stmt.where(Invoice.customer_id == promise.customer_id)
    return int(session.scalar(stmt) or 0)


def add_dispute(session: Session, customer: Customer, invoice_id: int, reason: str, *,
                actor: str) -> Dispute:
    invoice = _invoice_of(session, customer, invoice_id)
    if not reason.strip():
        raise ServiceError("reason: say what the customer disputes", code="reason_missing")
    dispute = Dispute(customer_id=customer.id, invoice_id=invoice_id, reason=reason.strip(),
                      created_by=actor)
    session.add(dispute)
    audit.record(session, actor=actor, action="dispute.open", obj=dispute,
                 after={"invoice": invoice.invoice_no if invoice else None, "reason": reason})
    return dispute


def resolve_dispute(session: Session, dispute_id: int, resolution: str, *,
                    actor: str) -> Dispute:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound("dispute %(id)s does not exist", code="dispute_not_found", id=dispute_id)
    if dispute.status != "open":
        raise ServiceError("dispute %(id)s is already resolved", code="already_resolved",
                           id=dispute_id)
    dispute.status, dispute.resolution = "resolved", resolution.strip() or None
    dispute.resolved_by, dispute.resolved_at = actor, utcnow()
    audit.record(session, actor=actor, action="dispute.resolve", obj=dispute,
                 before={"status": "open"}, after={"resolution": dispute.resolution})
    return dispute


def log_contact(session: Session, customer: Customer, kind: str, summary: str, *, actor: str,
                follow_up_on: dt.date | None = None,
                assigned_to: str | None = None) -> ContactLog:
    if kind not in ("call", "email", "note", "sms"):
        raise ServiceError("kind: %(value)s is not a call, an e-mail, a note or an SMS",
                           code="bad_kind", value=kind)
    if not summary.strip():
        raise ServiceError("summary: write what was said", code="summary_missing")
    entry = ContactLog(customer_id=customer.id, kind=kind, summary=summary.strip(),
                       follow_up_on=follow_up_on,
                       assigned_to=(assigned_to or actor) if follow_up_on else None,
                       created_by=actor)
    session.add(entry)
    audit.record(session, actor=actor, action="contact.log", obj=entry,
                 after={"kind": kind, "follow_up_on": follow_up_on})
    return entry


def follow_ups_due(session: Session, user: str, day: dt.date) -> list[tuple[ContactLog, str]]:
    """A collector's open follow-ups due on or before ``day``, with the customer's name."""
    return list(session.execute(
        select(ContactLog, Customer.name).join(Customer, ContactLog.customer_id == Customer.id)
        .where(ContactLog.assigned_to == user, ContactLog.done_at.is_(None),
               ContactLog.follow_up_on <= day)
        .order_by(ContactLog.follow_up_on, ContactLog.id)))


def complete_follow_up(session: Session, entry_id: int, *, actor: str) -> ContactLog:
    entry = session.get(ContactLog, entry_id)
    if entry is None:
        raise NotFound("log entry %(id)s does not exist", code="entry_not_found", id=entry_id)
    entry.done_at = utcnow()
    audit.record(session, actor=actor, action="contact.follow_up_done", obj=entry)
    return entry


def suppress(session: Session, address: str, reason: str, *, actor: str,
             detail: str | None = None) -> None:
    """Stop every further send to ``address`` (idempotent)."""
    key = address.strip().lower()
    if session.scalar(select(Suppression.id).where(
            Suppression.address.in_([key, address_hash(key)]))) is not None:
        return
    session.add(Suppression(address=key, reason=reason, detail=detail, created_by=actor))
    audit.record(session, actor=actor, action=f"suppression.{reason}",
                 object_type="suppression", object_id=key[:3] + "…",
                 after={"reason": reason})
