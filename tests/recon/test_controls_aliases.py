"""Issue #12, alias learning that cannot be poisoned: only specific payer names are learned from
confirmed matches; a hand match to another name is offered ("Remember <payer> = <customer>?"),
not learned silently; aliases say where they came from."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from recon.allocation import alias_policy
from recon.allocation.allocations import AllocationSpec, create_match
from recon.allocation.decisions import confirm_match
from recon.errors import InvariantError
from recon.models import AuditEvent, CustomerAlias
from recon.queue.actions import ManualRow, manual_match
from tests.recon.factories import make_account, make_customer, make_invoice, make_line


def _accept(session, payer: str, customer=None) -> int:
    customer = customer or make_customer(session, name="Northwind Traders")
    inv = make_invoice(session, "100.00", customer=customer)
    line = make_line(session, "100.00", counterparty_name=payer)
    sugg = create_match(session, receipt=line, status="suggested", actor="run", confidence=0.11,
                        allocations=[AllocationSpec(inv.id, Decimal("100.00"))])
    confirm_match(session, sugg.id, actor="amy")
    return customer.id


def _aliases(session) -> list[tuple[str, str]]:
    return [(a.alias, a.source) for a in session.scalars(sa.select(CustomerAlias))]


@pytest.mark.parametrize("payer", ["UNKNOWN REMITTER 88213", "CASH", "Cash deposit 0042",
                                   "现金", "未知汇款人", "HSBC BANK PLC", "中国工商银行", "n/a"])
def test_generic_or_bank_payer_is_not_learned(session, payer) -> None:
    _accept(session, payer)
    assert _aliases(session) == []
    refused = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "alias.not_learned"))
    assert refused is not None and refused.after["payer"] == payer


def test_own_bank_account_name_is_not_learned(session) -> None:
    make_account(session, name="Cooperatieve Rabo Finance")
    _accept(session, "COOPERATIEVE RABO FINANCE")
    assert _aliases(session) == []


def test_payer_seen_paying_several_customers_is_not_learned(session) -> None:
    _accept(session, "GLOBEX TREASURY")
    assert _aliases(session) == [("GLOBEX TREASURY", "confirmed")]
    _accept(session, "GLOBEX TREASURY", make_customer(session, name="Initech"))
    assert len(_aliases(session)) == 1


def test_specific_payer_is_learned_with_its_match(session) -> None:
    _accept(session, "NORTHWIND TRADERS LTD")
    (row,) = session.scalars(sa.select(CustomerAlias)).all()
    assert row.source == "confirmed" and row.extra["match_id"] > 0


def test_hand_match_offers_instead_of_learning(session) -> None:
    customer = make_customer(session, name="深圳华南电子有限公司")
    inv = make_invoice(session, "500.00", "CNY", customer=customer)
    line = make_line(session, "500.00", "CNY", counterparty_name="SHENZHEN HUANAN ELECTRONICS")
    match = manual_match(session, kind="line", receipt_id=line.id, actor="amy",
                         rows=[ManualRow(inv.id, Decimal("500.00"))], limit=Decimal(50))
    assert _aliases(session) == []
    (offer,) = alias_policy.offers(session, [match])
    assert (offer.payer, offer.customer_name) == ("SHENZHEN HUANAN ELECTRONICS", customer.name)
    alias_policy.accept_offer(session, match.id, customer.id, actor="amy")
    assert _aliases(session) == [("SHENZHEN HUANAN ELECTRONICS", "person")]
    assert alias_policy.offers(session, [match]) == []
    with pytest.raises(InvariantError):
        alias_policy.accept_offer(session, match.id, customer.id, actor="amy")


def test_no_offer_for_the_customers_own_name_or_a_generic_payer(session) -> None:
    acme = make_customer(session, name="Acme Ltd")
    found = []
    for payer in ("ACME LTD", "UNKNOWN REMITTER 1"):
        inv = make_invoice(session, "10.00", customer=acme)
        line = make_line(session, "10.00", counterparty_name=payer)
        match = manual_match(session, kind="line", receipt_id=line.id, actor="amy",
                             rows=[ManualRow(inv.id, Decimal("10.00"))], limit=Decimal(50))
        found += alias_policy.offers(session, [match])
    assert found == []
