"""Match, allocation and adjustment invariants (DESIGN.md), by example and by property."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from recon.allocation import adjustments
from recon.allocation.allocations import AdjustmentSpec, AllocationSpec, create_match
from recon.allocation.decisions import confirm_match, reject_match, undo_match
from recon.errors import ApprovalError, InvariantError
from recon.models import (
    Adjustment,
    Allocation,
    AuditEvent,
    CustomerAlias,
    Invoice,
    Match,
    StatementLine,
)
from tests.recon.factories import make_charge, make_customer, make_invoice, make_line


def test_auto_match_settles_invoice_and_audits(session) -> None:
    inv = make_invoice(session, "100.00")
    line = make_line(session, "100.00")
    match = create_match(
        session,
        receipt=line,
        allocations=[AllocationSpec(inv.id, Decimal("100.00"))],
        status="auto",
        actor="matcher",
        confidence=0.97,
        reasons=[("reference", "exact", 5.0, "INV")],
    )
    assert inv.status == "paid" and inv.open_minor == 0
    assert line.allocated_minor == 10000 and match.unapplied_minor == 0
    assert match.matched_by == "matcher"
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "match.auto")
        )
        == 1
    )


def test_fee_short_payment_closes_invoice_with_bank_fee(session) -> None:
    inv = make_invoice(session, "100.00")
    line = make_line(session, "98.50")
    create_match(
        session,
        receipt=line,
        allocations=[AllocationSpec(inv.id, Decimal("98.50"))],
        status="auto",
        actor="m",
        adjustments_=[AdjustmentSpec("bank_fee", Decimal("1.50"), inv.id)],
    )
    assert inv.status == "paid" and inv.paid_minor == 9850 and inv.adjusted_minor == 150


def test_overpayment_leaves_unapplied_cash_visible(session) -> None:
    inv = make_invoice(session, "100.00")
    line = make_line(session, "130.00")
    match = create_match(
        session,
        receipt=line,
        allocations=[AllocationSpec(inv.id, Decimal("100.00"))],
        status="manual",
        actor="anna",
    )
    assert match.unapplied == Decimal("30.00") and line.unapplied == Decimal("30.00")


def test_several_receipts_close_one_invoice(session) -> None:
    inv = make_invoice(session, "100.00")
    for amount in ("40.00", "60.00"):
        create_match(
            session,
            receipt=make_line(session, amount),
            allocations=[AllocationSpec(inv.id, Decimal(amount))],
            status="auto",
            actor="m",
        )
        assert inv.status == ("partial" if amount == "40.00" else "paid")


def test_over_allocation_of_invoice_is_refused(session) -> None:
    inv = make_invoice(session, "100.00")
    create_match(
        session,
        receipt=make_line(session, "80.00"),
        allocations=[AllocationSpec(inv.id, Decimal("80.00"))],
        status="auto",
        actor="m",
    )
    with pytest.raises(InvariantError, match="exceeds its open amount"):
        create_match(
            session,
            receipt=make_line(session, "50.00"),
            allocations=[AllocationSpec(inv.id, Decimal("50.00"))],
            status="auto",
            actor="m",
        )


def test_allocations_cannot_exceed_receipt(session) -> None:
    a, b = make_invoice(session, "60.00"), make_invoice(session, "60.00")
    with pytest.raises(InvariantError, match="exceed the receipt"):
        create_match(
            session,
            receipt=make_line(session, "100.00"),
            status="auto",
            actor="m",
            allocations=[
                AllocationSpec(a.id, Decimal("60.00")),
                AllocationSpec(b.id, Decimal("60.00")),
            ],
        )


def test_debits_and_currency_mismatch_are_refused(session) -> None:
    inv = make_invoice(session, "100.00")
    with pytest.raises(InvariantError, match="debit"):
        create_match(
            session,
            receipt=make_line(session, "-100.00"),
            allocations=[AllocationSpec(inv.id, Decimal("100.00"))],
            status="manual",
            actor="m",
        )
    with pytest.raises(InvariantError, match="needs the receipt amount"):
        create_match(
            session,
            receipt=make_line(session, "100.00", "USD"),
            allocations=[AllocationSpec(inv.id, Decimal("100.00"))],
            status="manual",
            actor="m",
        )


def test_database_refuses_overallocated_invoice_even_without_services(session) -> None:
    inv = make_invoice(session, "100.00")
    inv.paid_minor = 10001
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_suggestion_accept_reject_and_aliases(session) -> None:
    customer = make_customer(session, name="Acme Trading Ltd")
    inv = make_invoice(session, "100.00", customer=customer)
    line = make_line(session, "100.00", counterparty_name="ACME TRADING LIMITED")
    sugg = create_match(
        session,
        receipt=line,
        allocations=[AllocationSpec(inv.id, Decimal("100.00"))],
        status="suggested",
        actor="matcher",
        confidence=0.7,
    )
    assert inv.status == "open" and line.allocated_minor == 0  # suggestions move no money
    confirm_match(session, sugg.id, actor="anna")
    assert sugg.status == "manual" and inv.status == "paid"
    alias = session.scalar(select(CustomerAlias))
    assert alias is not None and alias.polarity == "positive" and alias.customer_id == customer.id

    other = make_invoice(session, "50.00")
    line2 = make_line(session, "50.00", counterparty_name="Clearing House AG")
    sugg2 = create_match(
        session,
        receipt=line2,
        allocations=[AllocationSpec(other.id, Decimal("50.00"))],
        status="suggested",
        actor="matcher",
        confidence=0.6,
    )
    reject_match(session, sugg2.id, actor="anna", reason="not theirs")
    neg = session.scalar(
        select(CustomerAlias).where(CustomerAlias.customer_id == other.customer_id)
    )
    assert sugg2.status == "rejected" and neg is not None and neg.polarity == "negative"
    with pytest.raises(InvariantError):
        confirm_match(session, sugg2.id, actor="anna")


def test_undo_reverses_everything_and_keeps_history(session) -> None:
    inv = make_invoice(session, "100.00")
    line = make_line(session, "99.00")
    match = create_match(
        session,
        receipt=line,
        allocations=[AllocationSpec(inv.id, Decimal("99.00"))],
        status="auto",
        actor="m",
        adjustments_=[AdjustmentSpec("bank_fee", Decimal("1.00"), inv.id)],
    )
    with pytest.raises(InvariantError, match="reason"):
        undo_match(session, match.id, actor="anna", reason=" ")
    undo_match(session, match.id, actor="anna", reason="wrong customer")
    assert inv.status == "open" and inv.paid_minor == 0 and inv.adjusted_minor == 0
    assert line.allocated_minor == 0 and match.status == "undone"
    assert session.scalar(select(Adjustment.status)) == "undone"
    assert session.scalar(select(func.count()).select_from(Match)) == 1  # nothing deleted


def test_gateway_charge_pays_invoice(session) -> None:
    inv = make_invoice(session, "25.00", "USD")
    charge = make_charge(session, "25.00", "USD")
    match = create_match(
        session,
        receipt=charge,
        allocations=[AllocationSpec(inv.id, Decimal("25.00"))],
        status="auto",
        actor="m",
    )
    assert (
        match.kind == "gateway_invoice" and inv.status == "paid" and charge.allocated_minor == 2500
    )


def test_write_off_above_limit_needs_a_second_approver(session) -> None:
    inv = make_invoice(session, "500.00")
    small = adjustments.add_adjustment(
        session,
        kind="write_off",
        amount=Decimal("10.00"),
        actor="clerk1",
        limit=Decimal("50.00"),
        invoice_id=inv.id,
        reason="rounding",
    )
    assert small.status == "applied" and inv.adjusted_minor == 1000
    big = adjustments.add_adjustment(
        session,
        kind="write_off",
        amount=Decimal("200.00"),
        actor="clerk1",
        limit=Decimal("50.00"),
        invoice_id=inv.id,
        reason="bad debt",
    )
    # a pending write-off reserves its amount at once (issue #12)
    assert big.status == "pending_approval" and inv.adjusted_minor == 21000
    with pytest.raises(ApprovalError, match="preparer"):
        adjustments.approve(session, big.id, actor="clerk1", role="approver")
    with pytest.raises(ApprovalError, match="role"):
        adjustments.approve(session, big.id, actor="clerk2", role="clerk")
    adjustments.approve(session, big.id, actor="boss", role="approver")
    assert big.status == "applied" and big.approved_by == "boss" and inv.adjusted_minor == 21000


def test_database_refuses_self_approval(session) -> None:
    inv = make_invoice(session, "500.00")
    session.add(
        Adjustment(
            kind="write_off",
            status="applied",
            amount_minor=100,
            currency="EUR",
            invoice_id=inv.id,
            prepared_by="x",
            approved_by="x",
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_classifying_a_receipt_clears_it(session) -> None:
    line = make_line(session, "3.21", remittance="INTEREST Q1")
    adjustments.add_adjustment(
        session,
        kind="other_income",
        amount=Decimal("3.21"),
        actor="anna",
        limit=Decimal("50"),
        statement_line_id=line.id,
    )
    assert line.unapplied_minor == 0 and line.disposition == "other_income"


def test_audit_rows_are_append_only(session) -> None:
    make_invoice(session)
    create_match(
        session,
        receipt=make_line(session, "100.00"),
        allocations=[AllocationSpec(session.scalar(select(Invoice.id)), Decimal("1.00"))],
        status="manual",
        actor="a",
    )
    event = session.scalar(select(AuditEvent))
    assert event is not None
    event.actor = "mallory"
    with pytest.raises(RuntimeError, match="append-only"):
        session.flush()


amounts = st.integers(min_value=1, max_value=50_000)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    invoices=st.lists(amounts, min_size=1, max_size=5),
    receipts=st.lists(
        st.tuples(amounts, st.lists(st.tuples(st.integers(0, 4), amounts), max_size=4)),
        min_size=1,
        max_size=6,
    ),
)
def test_allocation_sums_never_exceed_receipts_or_invoices(session, invoices, receipts) -> None:
    """Whatever mix of matches is attempted, a valid one is accepted, an invalid one is refused
    by the service (``InvariantError``, never a database error), and every sum stays in bounds.
    A model of the open amounts decides which is which."""
    nested = session.begin_nested()
    invs = [make_invoice(session, str(Decimal(a).scaleb(-2))) for a in invoices]
    open_left = list(invoices)
    lines = []
    for amount, wanted in receipts:
        line = make_line(session, str(Decimal(amount).scaleb(-2)))
        lines.append(line)
        per_invoice = dict(reversed([(i % len(invs), a) for i, a in wanted]))  # one per invoice
        specs = [AllocationSpec(invs[i].id, Decimal(a).scaleb(-2)) for i, a in per_invoice.items()]
        if not specs:
            continue
        valid = (sum(per_invoice.values()) <= amount
                 and all(a <= open_left[i] for i, a in per_invoice.items()))
        sp = session.begin_nested()
        try:
            create_match(session, receipt=line, allocations=specs, status="auto", actor="prop")
        except InvariantError:
            sp.rollback()
            assert not valid, (amount, per_invoice, open_left)
        else:
            sp.commit()
            assert valid, (amount, per_invoice, open_left)
            for i, a in per_invoice.items():
                open_left[i] -= a
    session.flush()
    for inv in invs:
        allocated = session.scalar(
            select(func.coalesce(func.sum(Allocation.amount_minor), 0))
            .select_from(Match)
            .join(Match.allocations)
            .where(Allocation.invoice_id == inv.id, Match.status == "auto")
        )
        assert allocated == inv.paid_minor <= inv.amount_minor
    assert [inv.amount_minor - inv.paid_minor for inv in invs] == open_left
    for line in lines:
        total = session.scalar(
            select(func.coalesce(func.sum(Allocation.amount_minor), 0))
            .select_from(Match)
            .join(Match.allocations)
            .where(Match.statement_line_id == line.id)
        )
        assert total == line.allocated_minor <= line.amount_minor
    nested.rollback()


def test_statement_line_check_constraint(session) -> None:
    line = make_line(session, "10.00")
    line.allocated_minor = 1001
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(StatementLine)) == 0


# --- FX: a receipt in one currency pays an invoice in another (an FX rate rule) -------------


def _fx_match(session, inv, line, amount="920.00", receipt_amount="1000.00", fx="5.00"):
    return create_match(
        session,
        receipt=line,
        allocations=[AllocationSpec(inv.id, Decimal(amount), Decimal(receipt_amount))],
        adjustments_=[AdjustmentSpec("fx_difference", Decimal(fx), inv.id)] if fx else (),
        status="auto",
        actor="matcher",
    )


def test_fx_receipt_pays_invoice_in_another_currency(session) -> None:
    inv = make_invoice(session, "925.00", "EUR")
    line = make_line(session, "1000.00", "USD")
    match = _fx_match(session, inv, line)
    session.flush()
    alloc = match.allocations[0]
    assert (alloc.amount_minor, alloc.currency, alloc.receipt_amount_minor) == (92000, "EUR", 100000)
    assert inv.status == "paid" and inv.paid_minor == 92000 and inv.adjusted_minor == 500
    assert line.allocated_minor == 100000 and match.unapplied_minor == 0
    assert match.currency == "USD"
    adj = match.adjustments[0]
    assert (adj.kind, adj.currency, adj.amount_minor, adj.status) == (
        "fx_difference", "EUR", 500, "applied"
    )  # fmt: skip


def test_fx_partial_receipt_leaves_unapplied_in_receipt_currency(session) -> None:
    inv = make_invoice(session, "1000.00", "EUR")
    line = make_line(session, "1200.00", "USD")
    match = _fx_match(session, inv, line, "920.00", "1000.00", fx=None)
    assert inv.open_minor == 8000 and inv.status != "paid"
    assert line.allocated_minor == 100000 and match.unapplied_minor == 20000


def test_fx_without_receipt_amount_is_refused(session) -> None:
    inv = make_invoice(session, "100.00", "EUR")
    line = make_line(session, "110.00", "USD")
    with pytest.raises(InvariantError, match="needs the receipt amount"):
        create_match(
            session,
            receipt=line,
            allocations=[AllocationSpec(inv.id, Decimal("100.00"))],
            status="suggested",
            actor="m",
        )


def test_fx_undo_reverses_both_sides(session) -> None:
    inv = make_invoice(session, "925.00", "EUR")
    line = make_line(session, "1000.00", "USD")
    match = _fx_match(session, inv, line)
    undo_match(session, match.id, actor="clerk", reason="wrong customer")
    assert (inv.paid_minor, inv.adjusted_minor, inv.open_minor) == (0, 0, 92500)
    assert inv.status == "open"
    assert line.allocated_minor == 0 and match.status == "undone"
    assert match.adjustments[0].status == "undone"
    again = _fx_match(session, inv, line)  # the receipt and invoice are whole again
    assert again.unapplied_minor == 0 and inv.status == "paid"


def test_fx_over_allocation_refused_on_the_receipt_side(session) -> None:
    inv = make_invoice(session, "2000.00", "EUR")
    line = make_line(session, "1000.00", "USD")
    with pytest.raises(InvariantError, match="exceed the receipt"):
        _fx_match(session, inv, line, "920.00", "1000.01", fx=None)  # USD 1000.01 > 1000.00


def test_fx_over_allocation_refused_on_the_invoice_side(session) -> None:
    inv = make_invoice(session, "900.00", "EUR")
    line = make_line(session, "1000.00", "USD")
    with pytest.raises(InvariantError, match="exceeds its open amount"):
        _fx_match(session, inv, line, "920.00", "1000.00", fx=None)  # EUR 920 > 900 open


def test_fx_confirmed_suggestion_applies_both_sides(session) -> None:
    inv = make_invoice(session, "925.00", "EUR")
    line = make_line(session, "1000.00", "USD")
    match = create_match(
        session,
        receipt=line,
        allocations=[AllocationSpec(inv.id, Decimal("920.00"), Decimal("1000.00"))],
        adjustments_=[AdjustmentSpec("fx_difference", Decimal("5.00"), inv.id)],
        status="suggested",
        actor="matcher",
    )
    assert inv.paid_minor == 0 and line.allocated_minor == 0
    confirm_match(session, match.id, actor="clerk")
    assert inv.status == "paid" and line.allocated_minor == 100000
