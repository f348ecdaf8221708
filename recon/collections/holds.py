"""Why an invoice must not be dunned today: money may already have arrived, or a person asked to
wait. One query per reason over all candidate invoices (never one per invoice).

Reasons (closed list, in display order):

- ``open_suggestion``: a suggested match proposes a receipt for the invoice;
- ``pending_charge``: a gateway charge names it and is not settled yet, or an unprocessed
  gateway event mentions its number;
- ``queued_receipt``: an unapplied bank receipt waits in the queue whose payer is the customer
  (a learned alias or its name, a known payer account, or the invoice number in the remittance);
- ``promise``: a promise to pay, not yet due, covers it;
- ``dispute``: the invoice is disputed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from matching.refs import account_key, text_keys
from recon.allocation.aliases import alias_key
from recon.models import (
    Allocation,
    Customer,
    CustomerAlias,
    CustomerBankAccount,
    Dispute,
    GatewayEvent,
    GatewayTransaction,
    Invoice,
    Match,
    PromiseToPay,
    StatementLine,
)

__all__ = ["HOLD_REASONS", "hold_reasons"]

HOLD_REASONS = ("open_suggestion", "pending_charge", "queued_receipt", "promise", "dispute")
_NOT_COMING = ("failed", "canceled", "cancelled", "refunded", "closed")


def hold_reasons(
    session: Session, invoices: list[Invoice], today: dt.date
) -> dict[int, set[str]]:
    """``invoice id -> reasons`` for the invoices that are held (absent = free to dun)."""
    held: dict[int, set[str]] = defaultdict(set)
    if not invoices:
        return held
    ids = [i.id for i in invoices]
    for iid in _suggested(session, ids):
        held[iid].add("open_suggestion")
    for iid in _pending_charges(session, invoices):
        held[iid].add("pending_charge")
    for iid in _queued_receipts(session, invoices):
        held[iid].add("queued_receipt")
    for iid in _promised(session, invoices, today):
        held[iid].add("promise")
    for iid in session.scalars(select(Dispute.invoice_id).where(
            Dispute.invoice_id.in_(ids), Dispute.status == "open")):
        held[iid].add("dispute")
    return held


def _suggested(session: Session, ids: list[int]) -> Iterable[int]:
    return session.scalars(select(Allocation.invoice_id).join(Match).where(
        Allocation.invoice_id.in_(ids), Match.status == "suggested"))


def _pending_charges(session: Session, invoices: list[Invoice]) -> set[int]:
    by_no = {i.invoice_no: i.id for i in invoices}
    rows = session.execute(select(GatewayTransaction.order_ref).where(
        GatewayTransaction.kind == "charge", GatewayTransaction.order_ref.in_(list(by_no)),
        GatewayTransaction.allocated_minor == 0,
        GatewayTransaction.status.not_in(_NOT_COMING)))
    found = {by_no[ref] for (ref,) in rows}
    for body in session.scalars(select(GatewayEvent.body).where(
            GatewayEvent.status == "pending")):
        found.update(iid for number, iid in by_no.items() if number in body)
    return found


def _queued_receipts(session: Session, invoices: list[Invoice]) -> set[int]:
    customers = {i.customer_id for i in invoices}
    lines = session.execute(select(
        StatementLine.counterparty_name, StatementLine.counterparty_account,
        StatementLine.remittance).where(
        StatementLine.amount_minor > 0, StatementLine.status == "booked",
        StatementLine.allocated_minor < StatementLine.amount_minor,
        StatementLine.disposition.is_(None), StatementLine.possible_duplicate.is_(False))).all()
    if not lines:
        return set()
    payer_of = _payer_keys(session, customers)
    account_of = dict(session.execute(select(
        CustomerBankAccount.account_key, CustomerBankAccount.customer_id).where(
        CustomerBankAccount.customer_id.in_(customers))).all())
    owner_of = {i.ref_key: i.customer_id for i in invoices}
    waiting: set[int] = set()
    for name, account, remittance in lines:
        if account and (cid := account_of.get(account_key(account))):
            waiting.add(cid)
        if name and (cid := payer_of.get(alias_key(name))):
            waiting.add(cid)
        for key in text_keys(remittance or "").full:  # invoice numbers in it, as the matcher reads
            if (cid := owner_of.get(key)) is not None:
                waiting.add(cid)
    return {i.id for i in invoices if i.customer_id in waiting}


def _payer_keys(session: Session, customers: set[int]) -> dict[str, int]:
    keys = {alias_key(name): cid for cid, name in session.execute(
        select(Customer.id, Customer.name).where(Customer.id.in_(customers)))}
    keys.update(dict(session.execute(select(CustomerAlias.alias_key, CustomerAlias.customer_id)
                                     .where(CustomerAlias.customer_id.in_(customers),
                                            CustomerAlias.polarity == "positive")).all()))
    keys.pop("", None)
    return keys


def _promised(session: Session, invoices: list[Invoice], today: dt.date) -> set[int]:
    ids = [i.id for i in invoices]
    customers = {i.customer_id for i in invoices}
    rows = session.execute(select(PromiseToPay.customer_id, PromiseToPay.invoice_id).where(
        PromiseToPay.status == "open", PromiseToPay.promised_date >= today,
        or_(PromiseToPay.invoice_id.in_(ids),
            PromiseToPay.invoice_id.is_(None) & PromiseToPay.customer_id.in_(customers)))).all()
    whole = {cid for cid, iid in rows if iid is None}
    named = {iid for _cid, iid in rows if iid is not None}
    return {i.id for i in invoices if i.id in named or i.customer_id in whole}
