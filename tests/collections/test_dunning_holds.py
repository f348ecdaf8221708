"""Never dun money that has arrived or that a person asked to wait for; the preview says why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from recon.allocation import allocations
from recon.collections import build_plan, run_dunning
from recon.collections.policies import ensure_policies
from recon.collections.promises import add_dispute, add_promise, resolve_dispute, suppress
from recon.customers import add_bank_account, update_customer
from recon.customers.master import CustomerUpdate
from recon.models import GatewayEvent, Invoice, PromiseToPay, Reminder
from tests.collections.helpers import DUE, customer_with_invoices, dunning_settings
from tests.recon.factories import make_charge, make_line

D = dt.timedelta


@pytest.fixture
def dunned(session):
    ensure_policies(session)
    customer = customer_with_invoices(session, "100.00", name="Acme Trading")
    session.commit()
    return customer, session.scalars(select(Invoice)).one()


def _held(session, day=DUE):
    plan = build_plan(session, day)
    return {h.invoice_no: h.reasons for h in plan.held}, plan


def test_free_invoice_is_planned(session, dunned):
    held, plan = _held(session)
    assert held == {} and len(plan.to_send) == 1


def test_open_suggestion_holds(session, dunned):
    _customer, invoice = dunned
    line = make_line(session, "100.00", "CNY")
    allocations.create_match(session, receipt=line, status="suggested", actor="t",
                             allocations=[allocations.AllocationSpec(invoice.id, Decimal("100"))])
    session.commit()
    assert _held(session)[0] == {invoice.invoice_no: ("open_suggestion",)}


def test_pending_gateway_charge_holds(session, dunned):
    _customer, invoice = dunned
    make_charge(session, "100.00", "CNY", status="pending", order_ref=invoice.invoice_no)
    session.commit()
    assert _held(session)[0] == {invoice.invoice_no: ("pending_charge",)}


def test_unprocessed_gateway_event_naming_the_invoice_holds(session, dunned):
    _customer, invoice = dunned
    session.add(GatewayEvent(gateway="alipay", event_id="n1", event_type="trade",
                             body=f"out_trade_no={invoice.invoice_no}&total_amount=100.00"))
    session.commit()
    assert _held(session)[0] == {invoice.invoice_no: ("pending_charge",)}


@pytest.mark.parametrize("how", ["alias", "account", "remittance"])
def test_receipt_waiting_in_the_queue_for_the_customer_holds(session, dunned, how):
    customer, invoice = dunned
    values = {"counterparty_name": "Somebody Else", "remittance": "payment"}
    if how == "alias":
        values["counterparty_name"] = "ACME TRADING"
    elif how == "account":
        add_bank_account(session, customer, "6222 0212 3456 7890", actor="t")
        values["counterparty_account"] = "6222021234567890"
    else:
        values["remittance"] = f"pay {invoice.invoice_no}"
    make_line(session, "60.00", "CNY", **values)
    session.commit()
    assert _held(session)[0] == {invoice.invoice_no: ("queued_receipt",)}


def test_someone_elses_receipt_does_not_hold(session, dunned):
    make_line(session, "60.00", "CNY", counterparty_name="Other Co", remittance="x")
    session.commit()
    assert _held(session)[0] == {}


def test_promise_holds_until_due_and_a_broken_one_moves_dunning_on(
        session, session_factory, dunned, smtp):
    _inbox, url = smtp
    customer, invoice = dunned
    settings = dunning_settings(url)
    assert run_dunning(session_factory, DUE, settings, actor="t").outcomes == {"sent": 1}
    add_promise(session, customer, promised_date=DUE + D(3), amount=Decimal("100"),
                currency="CNY", invoice_id=invoice.id, actor="c", today=DUE)
    session.commit()
    assert _held(session, DUE + D(7))[0] == {}  # the promise is due before; no hold then
    assert _held(session, DUE + D(3))[0] == {}  # nothing due on day 3 anyway
    assert run_dunning(session_factory, DUE + D(3), settings, actor="t").recorded == []
    # the promise date passed unpaid: broken, and the next level ("overdue 7") goes out on
    # day 4 -- before its own +7 days, so only the broken promise explains it
    result = run_dunning(session_factory, DUE + D(4), settings, actor="t")
    assert result.outcomes == {"sent": 1}
    session.expire_all()
    assert session.scalar(select(PromiseToPay.status)) == "broken"
    names = session.scalars(select(Reminder.level_name).order_by(Reminder.id)).all()
    assert names == ["due", "overdue 7"]
    assert run_dunning(session_factory, DUE + D(5), settings, actor="t").recorded == []
    assert run_dunning(session_factory, DUE + D(15), settings, actor="t").outcomes == {"sent": 1}


def test_open_promise_holds_a_level_that_is_due(session, dunned):
    customer, invoice = dunned
    add_promise(session, customer, promised_date=DUE + D(10), amount=Decimal("100"),
                currency="CNY", actor="c", today=DUE)  # for the whole account
    session.commit()
    assert _held(session, DUE + D(7))[0] == {invoice.invoice_no: ("promise",)}


def test_kept_promise_is_recorded_as_kept(session, session_factory, dunned):
    from recon.collections.promises import review_promises

    customer, invoice = dunned
    add_promise(session, customer, promised_date=DUE, amount=Decimal("100"), currency="CNY",
                invoice_id=invoice.id, actor="c", today=DUE)
    invoice.paid_minor, invoice.status = invoice.amount_minor, "paid"
    session.commit()
    assert review_promises(session, DUE + D(1), actor="t") == {"kept": 1, "broken": 0}


def test_dispute_pauses_the_invoice_until_resolved(session, dunned):
    customer, invoice = dunned
    dispute = add_dispute(session, customer, invoice.id, "goods damaged", actor="c")
    session.commit()
    assert _held(session)[0] == {invoice.invoice_no: ("dispute",)}
    resolve_dispute(session, dispute.id, "credit note issued", actor="c")
    session.commit()
    assert _held(session)[0] == {}


@pytest.mark.parametrize("status", ["paused", "dispute", "legal"])
def test_collection_status_holds_the_customer(session, dunned, status):
    customer, _invoice = dunned
    update_customer(session, customer, CustomerUpdate(collection_status=status), actor="c")
    session.commit()
    plan = build_plan(session, DUE)
    assert plan.reminders[0].held == (f"customer_{status}",) and plan.to_send == []


def test_no_address_and_opt_out_hold(session, dunned):
    customer, _invoice = dunned
    suppress(session, "AP@buyer.example", "opt_out", actor="customer")
    session.commit()
    assert build_plan(session, DUE).reminders[0].held == ("opted_out",)
    update_customer(session, customer, CustomerUpdate(email=""), actor="c")
    session.commit()
    assert build_plan(session, DUE).reminders[0].held == ("no_address",)
