"""Rules from hand work: stored with an audit trail, applied by the matcher run to what nothing
else claimed, counted per hit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from recon.allocation.allocations import AllocationSpec, create_match
from recon.errors import InvariantError
from recon.matchrun.service import run_matching
from recon.models import Adjustment, AuditEvent, Match, Rule
from recon.rules.apply import apply_rules
from recon.rules.store import RuleSpec, create_rule, set_active
from tests.recon.factories import make_customer, make_invoice, make_line


def test_category_rule_books_interest_and_counts_the_hit(session) -> None:
    line = make_line(session, "3.21", counterparty_name="OUR BANK", remittance="Interest Q3")
    other = make_line(session, "100.00", counterparty_name="ACME", remittance="INV-1")
    rule = create_rule(session, RuleSpec("interest", "category", text_contains="interest",
                                         category="other_income"), actor="clara")  # fmt: skip
    report = apply_rules(session, actor="matcher")
    assert (report.hits, report.booked) == (1, 1)
    adj = session.scalars(select(Adjustment).where(Adjustment.statement_line_id == line.id)).one()
    assert (adj.kind, adj.status, adj.amount) == ("other_income", "applied", Decimal("3.21"))
    assert "interest" in adj.reason and other.allocated_minor == 0
    assert rule.hits == 1 and rule.last_hit_at is not None
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "rule"))
    assert list(actions) == ["rule.create", "rule.hit"]
    assert apply_rules(session, actor="matcher").hits == 0  # nothing twice


def test_clearing_rule_names_the_account(session) -> None:
    line = make_line(session, "950.00", counterparty_name="STRIPE PAYMENTS", remittance="STRIPE PAYOUT po_1")
    create_rule(session, RuleSpec("stripe", "clearing", text_contains="STRIPE PAYOUT",
                                  clearing_account="1360 Stripe clearing"), actor="clara")  # fmt: skip
    apply_rules(session, actor="matcher")
    adj = session.scalars(select(Adjustment).where(Adjustment.statement_line_id == line.id)).one()
    assert adj.kind == "own_transfer" and "1360 Stripe clearing" in adj.reason


def test_customer_rule_suggests_the_same_amount_invoice(session) -> None:
    acme = make_customer(session, name="Acme")
    make_invoice(session, "70.00", customer=acme)
    inv = make_invoice(session, "120.00", customer=acme)
    line = make_line(session, "120.00", counterparty_name="A. SMITH FOR ACME", remittance="thanks")
    create_rule(session, RuleSpec("smith pays acme", "customer", payer_contains="smith",
                                  customer_id=acme.id), actor="clara")  # fmt: skip
    assert apply_rules(session, actor="matcher").suggested == 1
    m = session.scalars(select(Match).where(Match.statement_line_id == line.id)).one()
    assert m.status == "suggested" and [a.invoice_id for a in m.allocations] == [inv.id]


def test_rules_leave_claimed_and_disabled_alone(session) -> None:
    inv = make_invoice(session, "10.00")
    line = make_line(session, "10.00", remittance="interest")
    create_match(session, receipt=line, allocations=[AllocationSpec(inv.id, Decimal("10"))],
                 status="suggested", actor="matcher", confidence=0.7)  # fmt: skip
    make_line(session, "5.00", remittance="interest again")
    rule = create_rule(session, RuleSpec("i", "category", text_contains="interest",
                                         category="bank_fee"), actor="clara")  # fmt: skip
    set_active(session, rule.id, False, actor="clara")
    assert apply_rules(session, actor="matcher").hits == 0
    set_active(session, rule.id, True, actor="clara")
    assert apply_rules(session, actor="matcher").hits == 1  # only the unclaimed one


@pytest.mark.parametrize("spec", [
    RuleSpec("x", "category", category="other_income"),  # no condition
    RuleSpec("x", "category", text_contains="a", category="write_off"),
    RuleSpec("x", "clearing", text_contains="a"),
    RuleSpec("x", "category", text_contains="a", category="bank_fee", min_amount=Decimal(5)),
])  # fmt: skip
def test_a_rule_that_cannot_work_is_refused(session, spec) -> None:
    with pytest.raises(InvariantError):
        create_rule(session, spec, actor="clara")


def test_the_matcher_run_applies_rules(session) -> None:
    make_line(session, "1.50", counterparty_name="BANK", remittance="Kontofuehrung fee")
    create_rule(session, RuleSpec("fees", "category", text_contains="fee", category="bank_fee"),
                actor="clara")
    report = run_matching(session, actor="matcher")
    assert report.rules["hits"] == 1
    assert session.scalar(select(Rule.hits)) == 1


@pytest.mark.usefixtures("pg_engine")
def test_two_people_assigning_one_item_at_once_on_postgresql(pg_engine) -> None:
    """Both requests succeed, one row remains, both are in the audit log."""
    import threading

    from sqlalchemy.orm import sessionmaker

    from recon.models import ItemAssignment, User
    from recon.queue.work import assign

    factory = sessionmaker(pg_engine, expire_on_commit=False)
    with factory.begin() as s:
        line_id = make_line(s, "1.00").id
        for name in ("ann", "ben"):
            s.add(User(username=f"{name}{line_id}", password_hash="x", role="clerk"))
    barrier, errors = threading.Barrier(2), []

    def work(name: str) -> None:
        try:
            with factory.begin() as s:
                barrier.wait(timeout=10)
                assign(s, "line", line_id, f"{name}{line_id}", actor=name)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in ("ann", "ben")]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert errors == []
    with factory() as s:
        rows = s.scalars(select(ItemAssignment).where(ItemAssignment.receipt_id == line_id)).all()
        assert len(rows) == 1
        acts = s.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(line_id),
                                                         AuditEvent.action == "item.assign"))
        assert len(list(acts)) == 2
