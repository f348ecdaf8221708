"""recon.matchrun.service on the database: apply autos, store suggestions, re-run safely."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from recon.allocation.allocations import AllocationSpec, create_match
from recon.allocation.decisions import confirm_match, reject_match
from recon.matchrun.service import run_matching
from recon.models import AuditEvent, CustomerAlias, Match
from tests.recon.factories import make_charge, make_customer, make_invoice, make_line


def _matches(session, status=None):
    stmt = select(Match)
    if status:
        stmt = stmt.where(Match.status == status)
    return list(session.scalars(stmt))


def test_exact_reference_is_applied_as_auto_with_audit(session):
    acme = make_customer(session, name="Acme GmbH")
    invoice = make_invoice(session, "1000.00", customer=acme, invoice_no="INV-2026-0042")
    line = make_line(
        session, "1000.00", counterparty_name="ACME GMBH", remittance="Payment INV 2026 0042"
    )
    report = run_matching(session, actor="tester")
    assert report.auto == 1 and report.errors == []
    (match,) = _matches(session, "auto")
    assert match.statement_line_id == line.id
    assert [(a.invoice_id, a.amount) for a in match.allocations] == [
        (invoice.id, Decimal("1000.00"))
    ]
    assert invoice.status == "paid" and line.allocated_minor == 100000
    assert match.reasons and {r["feature"] for r in match.reasons} >= {"reference", "amount"}
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "match.auto")
        )
        == 1
    )


def test_rerun_applies_nothing_twice_and_keeps_identical_suggestions(session):
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "500.00", customer=acme, invoice_no="INV-1")
    make_invoice(session, "500.00", customer=acme, invoice_no="INV-2")
    make_invoice(session, "250.00", customer=acme, invoice_no="INV-77")
    make_line(session, "500.00", counterparty_name="Acme GmbH", remittance="thanks")
    make_line(session, "250.00", counterparty_name="Acme GmbH", remittance="INV-77")
    first = run_matching(session, actor="tester")
    assert (first.auto, first.suggested) == (1, 1)
    second = run_matching(session, actor="tester")
    assert (second.auto, second.suggested, second.unchanged) == (0, 0, 1)
    assert len(_matches(session)) == 2


def test_fee_short_payment_closes_invoice_with_fee_adjustment(session):
    beta = make_customer(session, name="Beta Trading Ltd")
    invoice = make_invoice(session, "1000.00", customer=beta, invoice_no="SO-88001")
    make_line(session, "985.00", counterparty_name="BETA TRADING", remittance="SO-88001")
    assert run_matching(session, actor="tester").auto == 1
    assert invoice.status == "paid"
    assert invoice.paid_minor == 98500 and invoice.adjusted_minor == 1500


def test_dry_run_writes_nothing(session):
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "10.00", customer=acme, invoice_no="INV-9")
    make_line(session, "10.00", counterparty_name="Acme GmbH", remittance="INV-9")
    report = run_matching(session, actor="tester", dry_run=True)
    assert report.auto == 1 and _matches(session) == []


def test_thresholds_decide_auto_or_suggested(session):
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "10.00", customer=acme, invoice_no="INV-9")
    make_line(session, "10.00", counterparty_name="Acme GmbH", remittance="INV-9")
    report = run_matching(session, actor="tester", auto_threshold=1.0, suggest_threshold=0.5)
    assert (report.auto, report.suggested) == (0, 1)


def test_rejection_feeds_negative_alias_and_stops_the_suggestion(session):
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "300.00", customer=acme, invoice_no="INV-31")
    make_line(session, "300.00", counterparty_name="MUELLER HOLDING", remittance="")
    make_line(
        session,
        "300.00",
        counterparty_name="Acme GmbH",
        remittance="",
        booking_date=dt.date(2026, 1, 21),
    )
    run_matching(session, actor="tester", auto_threshold=1.0)
    suggestion = next(
        m
        for m in _matches(session, "suggested")
        if m.statement_line.counterparty_name == "Acme GmbH"
    )
    reject_match(session, suggestion.id, actor="clerk")
    alias = session.scalar(select(CustomerAlias))
    assert alias.polarity == "negative" and alias.customer_id == acme.id
    again = run_matching(session, actor="tester", auto_threshold=1.0)
    assert all(
        m.statement_line.counterparty_name != "Acme GmbH" for m in _matches(session, "suggested")
    ), again.summary()


def test_confirmation_teaches_alias_used_by_the_next_run(session):
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "120.00", customer=acme, invoice_no="INV-1")
    make_line(session, "120.00", counterparty_name="MUELLER HOLDING", remittance="INV-1")
    run_matching(session, actor="tester", auto_threshold=1.0)
    (suggestion,) = _matches(session, "suggested")
    confirm_match(session, suggestion.id, actor="clerk")
    assert session.scalar(select(CustomerAlias)).polarity == "positive"
    make_invoice(session, "77.00", customer=acme, invoice_no="INV-2")
    make_line(session, "77.00", counterparty_name="Mueller Holding", remittance="")
    assert run_matching(session, actor="tester").auto == 1


def test_gateway_charge_matches_invoice_by_order_reference(session):
    acme = make_customer(session, name="Acme GmbH")
    invoice = make_invoice(
        session,
        "59.90",
        "USD",
        customer=acme,
        invoice_no="INV-5590",
        meta={"order_ref": "ORD-20260120-7"},
    )
    make_charge(session, "59.90", "USD", order_ref="ORD-20260120-7")
    report = run_matching(session, actor="tester")
    assert report.auto == 1 and invoice.status == "paid"
    (match,) = _matches(session, "auto")
    assert match.kind == "gateway_invoice"


def test_rest_of_a_receipt_a_person_matched_in_part_is_matched_again(session):
    acme = make_customer(session, name="Acme GmbH")
    first = make_invoice(session, "400.00", customer=acme, invoice_no="INV-2026-0101")
    second = make_invoice(session, "600.00", customer=acme, invoice_no="INV-2026-0102")
    line = make_line(
        session, "1000.00", counterparty_name="Acme GmbH", remittance="INV-2026-0102 and more"
    )
    create_match(
        session, receipt=line, allocations=[AllocationSpec(first.id, Decimal("400.00"))],
        status="manual", actor="clerk",
    )  # fmt: skip
    report = run_matching(session, actor="tester")
    assert (report.receipts, report.auto, report.errors) == (1, 1, [])
    (auto,) = _matches(session, "auto")
    assert [(a.invoice_id, a.amount) for a in auto.allocations] == [(second.id, Decimal("600.00"))]
    assert line.unapplied_minor == 0 and second.status == "paid"
    assert run_matching(session, actor="tester").receipts == 0  # nothing left to apply


def test_rest_of_an_automatic_overpayment_is_not_matched_again(session):
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "400.00", customer=acme, invoice_no="INV-2026-0201")
    make_line(session, "450.00", counterparty_name="Acme GmbH", remittance="INV-2026-0201")
    assert run_matching(session, actor="tester").auto == 1
    make_invoice(session, "50.00", customer=acme, invoice_no="INV-2026-0202")
    assert run_matching(session, actor="tester").receipts == 0


def test_many_autos_are_applied_in_bulk_each_with_its_audit_row(session):
    acme = make_customer(session, name="Acme GmbH")
    for n in range(30):
        make_invoice(session, f"{100 + n}.00", customer=acme, invoice_no=f"INV-2026-{n:04d}")
        make_line(
            session, f"{100 + n}.00", counterparty_name="ACME", remittance=f"INV-2026-{n:04d}"
        )
    report = run_matching(session, actor="tester")
    assert (report.auto, report.errors) == (30, [])
    audited = select(AuditEvent.object_id).where(AuditEvent.action == "match.auto")
    assert sorted(map(int, session.scalars(audited))) == sorted(m.id for m in _matches(session))


def test_a_refused_proposal_is_reported_and_the_rest_of_its_chunk_applied(session, monkeypatch):
    import recon.matchrun.service as service

    acme = make_customer(session, name="Acme GmbH")
    invoices = [
        make_invoice(session, f"{200 + n}.00", customer=acme, invoice_no=f"INV-2026-{n:04d}")
        for n in range(3)
    ]
    for n in range(3):
        make_line(
            session, f"{200 + n}.00", counterparty_name="ACME", remittance=f"INV-2026-{n:04d}"
        )
    real = service.load

    def meddle(session):  # someone paid the second one after the run read it
        loaded = real(session)
        invoices[1].paid_minor = invoices[1].amount_minor
        session.flush()
        return loaded

    monkeypatch.setattr(service, "load", meddle)
    report = run_matching(session, actor="tester")
    assert report.auto == 2 and len(report.errors) == 1 and "exceeds" in report.errors[0]
    assert {a.invoice_id for m in _matches(session, "auto") for a in m.allocations} == {
        invoices[0].id,
        invoices[2].id,
    }
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "match.auto")
        )
        == 2
    )


def test_fx_proposal_is_stored_with_receipt_amount_and_fx_difference(session):
    from matching import FxRule, MatchSettings

    acme = make_customer(session, name="Acme GmbH")
    eur = make_invoice(session, "925.00", customer=acme, invoice_no="INV-2026-0301")
    usd = make_line(session, "1000.00", "USD", counterparty_name="Acme", remittance="INV-2026-0301")
    make_invoice(session, "80.00", customer=acme, invoice_no="INV-2026-0302")
    make_line(session, "80.00", counterparty_name="Acme", remittance="INV-2026-0302")
    rule = MatchSettings(fx_rules=(FxRule("USD", "EUR", Decimal("0.92"), Decimal("1")),))
    report = run_matching(session, actor="tester", settings=rule)
    assert report.auto + report.suggested == 2 and report.errors == []
    (fx,) = [m for m in _matches(session) if m.statement_line_id == usd.id]
    (alloc,) = fx.allocations
    assert alloc.currency == "EUR" and alloc.receipt_amount_minor == 100000
    assert fx.currency == "USD"
    if fx.status == "auto":
        assert eur.status == "paid" and usd.allocated_minor == 100000 and fx.unapplied_minor == 0
    adj = [a for a in fx.adjustments if a.kind == "fx_difference"]
    assert all(a.currency == "EUR" and a.invoice_id == eur.id for a in adj)
    assert alloc.amount_minor + sum(a.amount_minor for a in adj) == 92500


def test_fx_proposal_without_a_rule_is_not_made(session):
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "920.00", customer=acme, invoice_no="INV-2026-0311")
    usd = make_line(session, "1000.00", "USD", counterparty_name="Acme", remittance="INV-2026-0311")
    report = run_matching(session, actor="tester")
    assert report.auto + report.suggested == 0 and report.errors == []
    assert all(m.statement_line_id != usd.id for m in _matches(session))


def test_fx_suggestion_is_kept_unchanged_on_rerun(session):
    from matching import FxRule, MatchSettings

    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "925.00", customer=acme, invoice_no="INV-2026-0321")
    make_line(session, "1000.00", "USD", counterparty_name="Acme", remittance="INV-2026-0321")
    rule = MatchSettings(fx_rules=(FxRule("USD", "EUR", Decimal("0.92"), Decimal("1")),))
    first = run_matching(session, actor="tester", settings=rule, auto_threshold=1.0)
    assert first.suggested == 1 and first.errors == []
    again = run_matching(session, actor="tester", settings=rule, auto_threshold=1.0)
    assert (again.suggested, again.unchanged, again.superseded) == (0, 1, 0)
    (sugg,) = _matches(session, "suggested")
    confirm_match(session, sugg.id, actor="clerk")
    assert sugg.allocations[0].invoice.status == "paid"
