"""Payer accounts as evidence: learned from people's confirmed matches, read by the next run."""

from __future__ import annotations

from decimal import Decimal

from recon.allocation.allocations import AllocationSpec, create_match
from recon.matchrun.load import payer_accounts
from recon.matchrun.service import run_matching
from recon.models import Match
from tests.recon.factories import make_customer, make_invoice, make_line

IBAN = "DE44 5001 0517 5407 3249 31"


def _confirm(session, line, invoice, status="manual"):
    create_match(session, receipt=line, status=status, actor="clerk",
                 allocations=[AllocationSpec(invoice.id, line.amount)])  # fmt: skip


def test_manual_match_teaches_the_payer_account_of_one_customer(session):
    acme = make_customer(session, name="Acme GmbH")
    other = make_customer(session, name="Beta Trading Ltd")
    first = make_invoice(session, "500.00", customer=acme)
    agent_a = make_invoice(session, "70.00", customer=acme)
    agent_b = make_invoice(session, "80.00", customer=other)
    _confirm(session, make_line(session, "500.00", counterparty_account=IBAN), first)
    shared = "NL91ABNA0417164300"  # an agent paying for both customers teaches nothing
    _confirm(session, make_line(session, "70.00", counterparty_account=shared), agent_a)
    _confirm(session, make_line(session, "80.00", counterparty_account=shared), agent_b)
    assert payer_accounts(session) == {acme.id: ["DE44500105175407324931"]}


def test_auto_matches_teach_nothing(session):
    acme = make_customer(session, name="Acme GmbH")
    _confirm(session, make_line(session, "500.00", counterparty_account=IBAN),
             make_invoice(session, "500.00", customer=acme), status="auto")  # fmt: skip
    assert payer_accounts(session) == {}


def test_known_account_finds_the_customer_when_name_and_text_do_not(session):
    acme = make_customer(session, name="Acme GmbH")
    _confirm(session, make_line(session, "500.00", counterparty_account=IBAN),
             make_invoice(session, "500.00", customer=acme))  # fmt: skip
    target = make_invoice(session, "1234.56", customer=acme)
    decoy = make_invoice(session, "1234.56", customer=make_customer(session, name="Zeta AG"))
    line = make_line(session, "1234.56", counterparty_name="J. MUELLER", remittance="Zahlung",
                     counterparty_account=IBAN.replace(" ", ""))  # fmt: skip
    run_matching(session, actor="tester")
    (match,) = [m for m in session.query(Match).all() if m.statement_line_id == line.id]
    assert [(a.invoice_id, a.amount) for a in match.allocations] == [
        (target.id, Decimal("1234.56"))
    ]
    assert decoy.open_amount == Decimal("1234.56")
    assert any(r["feature"] == "payer" and r["level"] == "alias" for r in match.reasons)


def test_an_account_registered_on_the_customer_page_finds_the_customer(session):
    from recon.customers.master import add_bank_account

    acme = make_customer(session, name="Acme GmbH")
    add_bank_account(session, acme, "de44 5001 0517 5407 3249 31", actor="clerk")
    assert payer_accounts(session) == {acme.id: ["DE44500105175407324931"]}
    target = make_invoice(session, "1234.56", customer=acme)
    make_invoice(session, "1234.56", customer=make_customer(session, name="Zeta AG"))
    line = make_line(session, "1234.56", counterparty_name="J. MUELLER", remittance="Zahlung",
                     counterparty_account=IBAN)
    run_matching(session, actor="tester")
    (match,) = [m for m in session.query(Match).all() if m.statement_line_id == line.id]
    assert [a.invoice_id for a in match.allocations] == [target.id]
