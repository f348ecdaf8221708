"""Recompute from the database, tier overrides with expiry, manual limits, holds and alerts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from recon.allocation.allocations import AllocationSpec, create_match
from recon.credit import overrides
from recon.credit.config import CreditSettings
from recon.credit.fx import RateImportError, import_rates_csv, rates_on
from recon.credit.ledger import load_ledger
from recon.credit.profiles import recompute, tier_worse
from recon.credit.views import customer_credit, portfolio
from recon.errors import NotFound, ServiceError
from recon.models import AuditEvent, CreditProfile, Customer, Invoice
from tests.recon.factories import make_charge, make_customer, make_invoice, make_line

TODAY = dt.date(2026, 6, 30)
CFG = CreditSettings()


def pay(s, invoice, day, amount=None, status="auto"):
    line = make_line(s, str(amount or invoice.amount), invoice.currency, booking_date=day)
    create_match(s, receipt=line, allocations=[AllocationSpec(invoice.id, amount or invoice.amount)],
                 status=status, actor="test")


def late_payer(s, days_late=20, n=4, today=TODAY):
    """n invoices of 100.00 paid ``days_late`` after their due day, plus one open one."""
    cust = make_customer(s, name="Slow Payer GmbH")
    for k in range(n):
        due = today - dt.timedelta(days=100 - 15 * k)
        inv = make_invoice(s, "100.00", customer=cust, issue_date=due - dt.timedelta(days=30),
                           due_date=due)
        pay(s, inv, due + dt.timedelta(days=days_late))
    make_invoice(s, "250.00", customer=cust, issue_date=today - dt.timedelta(days=10),
                 due_date=today + dt.timedelta(days=20))
    return cust


def test_ledger_dates_settlements_by_their_receipt(session):
    cust = late_payer(session, n=1)
    led = load_ledger(session)
    assert led.customers.tolist() == [cust.id]
    assert led.set_day.tolist() == [(TODAY - dt.timedelta(days=80)).toordinal()]
    assert led.open_at(TODAY.toordinal()).tolist() == [0, 25000]


def test_recompute_writes_tier_reasons_exposure_and_the_customer_column(session):
    cust = late_payer(session)
    prompt = make_customer(session, name="Prompt Ltd")
    for k in range(3):
        inv = make_invoice(session, "50.00", customer=prompt,
                           issue_date=TODAY - dt.timedelta(days=60 + k),
                           due_date=TODAY - dt.timedelta(days=30 + k))
        pay(session, inv, TODAY - dt.timedelta(days=31 + k))
    result = recompute(session, as_of=TODAY, actor="run", settings=CFG)
    assert result.tiers == {"D": 1, "A": 1}
    slow = session.scalar(select(CreditProfile).where(CreditProfile.customer_id == cust.id))
    assert slow.computed_tier == "D"  # 100 % late in 6 months
    assert slow.reasons == [{"measure": "late_share_6m", "value": 1.0}]
    assert slow.exposure_minor == 25000 and slow.hold
    assert session.get(Customer, cust.id).credit_tier == "D"
    assert session.get(Customer, prompt.id).credit_tier == "A"
    assert result.alerts == []  # a first assessment is no drop
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("credit.recompute") == 1  # first assessments: in its counts
    assert "credit.tier" not in actions
    data = customer_credit(session, cust.id, today=TODAY, base="EUR")
    assert data["reasons"][0]["text"] == "100 % paid late in 6 months"
    assert data["hold_reason"] == "tier_d" and data["suggested_terms_days"] == 0
    assert [r["name"] for r in portfolio(session, today=TODAY)] == ["Slow Payer GmbH",
                                                                    "Prompt Ltd"]


def test_override_with_reason_and_expiry_is_audited(session):
    cust = late_payer(session)
    recompute(session, as_of=TODAY, actor="run", settings=CFG)
    until = TODAY + dt.timedelta(days=10)
    p = overrides.set_override(session, cust.id, tier="B", reason="paid all after call",
                               until=until, actor="boris", base="EUR", today=TODAY)
    assert p.tier_on(TODAY) == "B"
    # no longer held for tier D, but over the tier-B suggested limit: 650.00 invoiced over 5
    # months (first invoice 130 days ago) = 130.00 a month, x 2 = 260.00 -> 200.00
    assert p.suggested_limit_minor == 20000 and p.hold
    assert customer_credit(session, cust.id, today=TODAY, base="EUR")["hold_reason"] == (
        "over_limit")
    assert session.get(Customer, cust.id).credit_tier == "B"
    assert p.tier_on(until + dt.timedelta(days=1)) == "D"  # expired: back to the computed tier
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "credit.override")).one()
    assert event.actor == "boris" and event.reason == "paid all after call"
    assert event.before["tier"] == "D" and event.after["tier"] == "B"
    # the recompute keeps an override in force and says nothing about it
    again = recompute(session, as_of=TODAY, actor="run", settings=CFG)
    assert session.get(Customer, cust.id).credit_tier == "B" and again.alerts == []
    with pytest.raises(ServiceError, match="reason"):
        overrides.set_override(session, cust.id, tier="A", reason=" ", until=None,
                               actor="b", base="EUR", today=TODAY)
    with pytest.raises(ServiceError, match="past"):
        overrides.set_override(session, cust.id, tier="A", reason="x",
                               until=TODAY - dt.timedelta(days=1), actor="b", base="EUR",
                               today=TODAY)
    overrides.clear_override(session, cust.id, reason="", actor="b", base="EUR", today=TODAY)
    assert session.get(Customer, cust.id).credit_tier == "D"


def test_manual_limit_hold_and_over_limit_alert(session):
    cust = late_payer(session, days_late=0)
    recompute(session, as_of=TODAY, actor="run", settings=CFG)
    p = overrides.set_limit(session, cust.id, amount=Decimal("300"), reason="new customer",
                            actor="boris", base="EUR", today=TODAY)
    assert p.limit_minor == 30000 and not p.hold
    make_invoice(session, "100.00", customer=cust, issue_date=TODAY, due_date=TODAY)
    result = recompute(session, as_of=TODAY, actor="run", settings=CFG)
    assert result.alerts == [{"customer_id": cust.id, "kind": "over_limit",
                              "exposure_minor": 35000, "limit_minor": 30000}]
    p = session.scalar(select(CreditProfile).where(CreditProfile.customer_id == cust.id))
    assert p.hold
    assert customer_credit(session, cust.id, today=TODAY, base="EUR")["available"] == "-50.00"
    # crossing once alerts once
    assert recompute(session, as_of=TODAY, actor="run", settings=CFG).alerts == []
    with pytest.raises(ServiceError, match="negative"):
        overrides.set_limit(session, cust.id, amount=Decimal("-1"), reason="", actor="b",
                            base="EUR", today=TODAY)
    with pytest.raises(ServiceError, match="limit"):
        overrides.set_limit(session, cust.id, amount=Decimal("1.001"), reason="", actor="b",
                            base="EUR", today=TODAY)
    with pytest.raises(NotFound):
        overrides.set_limit(session, 999999, amount=None, reason="", actor="b", base="EUR",
                            today=TODAY)


def test_tier_drop_alert_on_a_later_recompute(session):
    cust = late_payer(session, days_late=0)
    assert recompute(session, as_of=TODAY, actor="run", settings=CFG).tiers == {"A": 1}
    for k in range(3):  # three more invoices, each paid three weeks late
        due = TODAY - dt.timedelta(days=40 - 10 * k)
        inv = make_invoice(session, "100.00", customer=cust, issue_date=due - dt.timedelta(
            days=30), due_date=due)
        pay(session, inv, due + dt.timedelta(days=21))
    later = TODAY + dt.timedelta(days=10)
    alerts = recompute(session, as_of=later, actor="run", settings=CFG).alerts
    assert alerts[0] == {"customer_id": cust.id, "kind": "tier_drop", "from": "A", "to": "C",
                         "reasons": [{"measure": "late_share_6m", "value": 3 / 7}]}
    assert alerts[1]["kind"] == "over_limit"  # tier C's suggested limit is lower
    tier_event = session.scalars(select(AuditEvent).where(AuditEvent.action == "credit.tier")).one()
    assert tier_event.before == {"tier": "A"} and tier_event.after["tier"] == "C"
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "credit.hold")).all() == ["credit.hold"]


def test_gateway_charges_are_dated_by_their_time(session):
    cust = make_customer(session)
    inv = make_invoice(session, "30.00", "USD", customer=cust, issue_date=TODAY,
                       due_date=TODAY)
    if session.bind.dialect.name == "postgresql":  # a session zone where it is already July 4
        session.execute(text("SET TIME ZONE 'Asia/Shanghai'"))
    charge = make_charge(session, "30.00", occurred_at=dt.datetime(2026, 7, 3, 20, 30,
                                                                   tzinfo=dt.UTC))
    create_match(session, receipt=charge, allocations=[AllocationSpec(inv.id, Decimal("30"))],
                 status="auto", actor="test")
    led = load_ledger(session)
    assert led.set_day.tolist() == [dt.date(2026, 7, 3).toordinal()]


def test_suggestions_count_in_exposure_as_still_open(session):
    cust = make_customer(session)
    inv = make_invoice(session, "80.00", customer=cust, issue_date=TODAY, due_date=TODAY)
    pay(session, inv, TODAY, status="suggested")
    recompute(session, as_of=TODAY, actor="run", settings=CFG)
    p = session.scalar(select(CreditProfile).where(CreditProfile.customer_id == cust.id))
    assert p.exposure_minor == 8000 and p.measures["suggested_minor"] == 8000


def test_rates_import_all_or_nothing_and_latest_rate(session):
    good = b"date,currency,rate\n2026-06-01,USD,0.91\n2026-06-28,USD,0.93\n2026-07-02,USD,0.5\n"
    assert import_rates_csv(session, "r.csv", good, base="EUR", actor="t") == 3
    rates = rates_on(session, TODAY, "EUR")
    assert rates["USD"].rate == Decimal("0.93") and rates["USD"].day == dt.date(2026, 6, 28)
    assert rates["EUR"].rate == 1
    bad = b"date,currency,rate\n2026-06-29,USD,0.9\n2026-13-01,USD,1\n2026-06-29,XYZ,1\n"
    with pytest.raises(RateImportError) as err:
        import_rates_csv(session, "bad.csv", bad, base="EUR", actor="t")
    assert err.value.problems == [
        "bad.csv:3: date: not a YYYY-MM-DD date: '2026-13-01'",
        "bad.csv:4: currency: not an ISO 4217 currency: 'XYZ'"]
    assert rates_on(session, TODAY, "EUR")["USD"].day == dt.date(2026, 6, 28)
    with pytest.raises(RateImportError, match="rate: column missing"):
        import_rates_csv(session, "x.csv", b"date,currency\n", base="EUR", actor="t")


def test_tier_order_for_alerts():
    assert tier_worse("C", "B") and tier_worse("C", None) and not tier_worse("B", None)
    assert not tier_worse("A", "D")


def test_promises_and_disputes_of_the_collections_area_reach_the_measures(session):
    """The collections area's rows (not hand-built arrays) feed broken promises and disputes."""
    from recon.credit.inputs import collection_inputs
    from recon.models import Dispute, PromiseToPay

    cust = late_payer(session, n=1)
    inv = session.scalars(select(Invoice).where(Invoice.customer_id == cust.id,
                                                Invoice.status == "open")).one()
    made = dt.datetime.combine(TODAY - dt.timedelta(days=20), dt.time(9), tzinfo=dt.UTC)
    session.add_all([
        PromiseToPay(customer_id=cust.id, invoice_id=inv.id, amount_minor=25000,
                     currency="EUR", promised_date=TODAY - dt.timedelta(days=5),
                     status="broken", created_by="c", created_at=made),
        PromiseToPay(customer_id=cust.id, invoice_id=None, amount_minor=100,
                     currency="EUR", promised_date=TODAY, created_by="c"),
        Dispute(customer_id=cust.id, invoice_id=inv.id, reason="goods damaged",
                created_by="c", created_at=made),
    ])
    session.flush()
    inputs = collection_inputs(session, load_ledger(session))
    assert inputs.promise_kept.tolist() == [0]
    assert inputs.promise_day.tolist() == [(TODAY - dt.timedelta(days=5)).toordinal()]
    assert inputs.dispute_open.tolist() == [True]
    recompute(session, as_of=TODAY, actor="run", settings=CFG)
    profile = session.scalar(select(CreditProfile).where(CreditProfile.customer_id == cust.id))
    assert profile.measures["broken_promises_6m"] == 1
    assert profile.measures["disputes_12m"] == 1
