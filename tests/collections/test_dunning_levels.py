"""Levels, batching and never twice: the reminder run against a real local SMTP server."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from recon.collections import build_plan, run_dunning
from recon.collections.policies import ensure_policies
from recon.models import DunningLevel, DunningPolicy, Reminder, ReminderItem
from tests.collections.helpers import DUE, customer_with_invoices, dunning_settings
from tests.recon.factories import make_invoice

D = dt.timedelta


def _run(session_factory, day, url, **kw):
    return run_dunning(session_factory, day, dunning_settings(url), actor="test", **kw)


def test_levels_follow_the_due_date_and_batch_per_customer(session, session_factory, smtp):
    inbox, url = smtp
    customer_with_invoices(session, "100.00", "250.50")
    session.commit()
    assert _run(session_factory, DUE - D(4), url).recorded == []  # nothing due yet
    result = _run(session_factory, DUE - D(3), url)
    assert result.outcomes == {"sent": 1} and len(inbox.messages) == 1  # two invoices, one mail
    rcpts, message = inbox.messages[0]
    assert rcpts == ["ap@buyer.example"] and "2 invoice(s) due soon" in message["Subject"]
    assert _run(session_factory, DUE - D(1), url).recorded == []  # same level never twice
    assert _run(session_factory, DUE, url).outcomes == {"sent": 1}
    assert "due today" in inbox.messages[1][1]["Subject"]
    levels = session.scalars(select(Reminder.level_name).order_by(Reminder.id)).all()
    assert levels == ["friendly", "due"]
    items = session.execute(select(ReminderItem.invoice_id, ReminderItem.level)).all()
    assert len(items) == 4 and len(set(items)) == 4


def test_a_late_first_reminder_jumps_to_the_highest_level_due_and_never_goes_back(
        session, session_factory, smtp):
    inbox, url = smtp
    customer_with_invoices(session, "80.00")
    session.commit()
    assert _run(session_factory, DUE + D(16), url).outcomes == {"sent": 1}
    assert session.scalar(select(Reminder.level_name)) == "overdue 15"
    for day in (DUE + D(17), DUE + D(29)):
        assert _run(session_factory, day, url).recorded == []
    assert _run(session_factory, DUE + D(30), url).outcomes == {"sent": 1}
    assert "Final notice" in inbox.messages[-1][1]["Subject"]


def test_the_tier_chooses_the_policy(session, session_factory, smtp):
    _inbox, _url = smtp
    with session_factory.begin() as s:
        ensure_policies(s)
    good = customer_with_invoices(session, "10.00", credit_tier="A")
    weak = customer_with_invoices(session, "10.00", credit_tier="D", email="d@buyer.example")
    session.commit()
    plan = build_plan(session, DUE - D(7))
    assert [r.customer_id for r in plan.reminders] == [weak.id]
    assert build_plan(session, DUE - D(3)).reminders[0].level_name == "reminder"
    assert good.id not in {r.customer_id for r in build_plan(session, DUE - D(1)).reminders}


def test_minimum_amount_holds_a_small_reminder(session, session_factory, smtp):
    _inbox, _url = smtp
    with session_factory.begin() as s:
        ensure_policies(s)
        level = s.scalar(select(DunningLevel).join(DunningPolicy).where(
            DunningPolicy.tier == "default", DunningLevel.level == 1))
        level.min_amount = "50"
    customer_with_invoices(session, "20.00")
    session.commit()
    plan = build_plan(session, DUE - D(3))
    assert plan.reminders[0].held == ("below_minimum",) and plan.to_send == []


def test_concurrent_records_cannot_send_a_level_twice(session, session_factory, smtp):
    from recon.collections.runner import record

    _inbox, url = smtp
    customer_with_invoices(session, "20.00")
    session.commit()
    with session_factory.begin() as s:
        ensure_policies(s)
    planned = build_plan(session, DUE).to_send[0]
    assert record(session_factory, planned, DUE, dunning_settings(url), actor="a") is not None
    assert record(session_factory, planned, DUE, dunning_settings(url), actor="b") is None


def test_paid_invoice_is_not_reminded(session, session_factory, smtp):
    _inbox, _url = smtp
    customer = customer_with_invoices(session, "20.00")
    paid = make_invoice(session, "30.00", "CNY", customer=customer, due_date=DUE,
                        issue_date=DUE - D(30), status="paid", paid_minor=3000)
    ensure_policies(session)
    session.commit()
    invoices = build_plan(session, DUE).to_send[0].invoices
    assert paid.id not in {i.invoice_id for i in invoices} and len(invoices) == 1
