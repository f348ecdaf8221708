"""Each queue action's effect on the database through the web layer, four eyes included."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from recon.allocation.allocations import AllocationSpec, create_match
from recon.models import Adjustment, AuditEvent, CustomerAlias, Invoice, Match, StatementLine
from recon.queue import cache as queue_cache
from tests.recon.factories import make_invoice, make_line


@pytest.fixture(autouse=True)
def _fresh_counts():
    """Per-cause counts are cached per process by data version; start each test empty."""
    queue_cache.clear()


def suggestion(s, line, invoice, amount):
    return create_match(
        s, receipt=line, allocations=[AllocationSpec(invoice.id, Decimal(amount))],
        status="suggested", actor="matcher", confidence=0.7,
    )  # fmt: skip


def audit_actions(session_factory) -> list[str]:
    with session_factory() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_accept_applies_and_teaches_the_alias(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        inv, line = make_invoice(s, "50.00"), make_line(s, "50.00", counterparty_name="LI WEI")
        m = suggestion(s, line, inv, "50")
        ids = inv.id, line.id, m.id
    login(client, "clerk1", "clerk")
    response = client.post(f"/queue/line/{ids[1]}/accept", data={"match_id": ids[2]})
    assert response.status_code == 302
    with session_factory() as s:
        assert s.get(Match, ids[2]).status == "manual"
        assert s.get(Match, ids[2]).matched_by == "clerk1"
        assert s.get(Invoice, ids[0]).status == "paid"
        assert s.scalar(select(CustomerAlias.polarity)) == "positive"
    assert "match.accept" in audit_actions(session_factory)


def test_accept_from_the_list_answers_a_row(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        inv, line = make_invoice(s, "50.00"), make_line(s, "50.00")
        ids = line.id, suggestion(s, line, inv, "50").id
    login(client, "clerk1", "clerk")
    form = {"match_id": ids[1], "from": "list"}
    row = client.post(f"/queue/line/{ids[0]}/accept", data=form, headers={"HX-Request": "true"})
    assert row.status_code == 200 and "<tr class=\"done\"" in row.get_data(as_text=True)
    again = client.post(f"/queue/line/{ids[0]}/accept", data=form).get_data(as_text=True)
    assert "failed" in again and "only suggestions can be accepted" in again


def test_reject_is_remembered(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        inv, line = make_invoice(s, "50.00"), make_line(s, "50.00", counterparty_name="WRONG CO")
        ids = line.id, suggestion(s, line, inv, "50").id
    login(client, "clerk1", "clerk")
    client.post(f"/queue/line/{ids[0]}/reject", data={"match_id": ids[1], "reason": "not them"})
    with session_factory() as s:
        match = s.get(Match, ids[1])
        assert (match.status, match.close_reason) == ("rejected", "not them")
        assert s.scalar(select(CustomerAlias.polarity)) == "negative"
        assert s.get(StatementLine, ids[0]).allocated_minor == 0


def test_manual_match_two_invoices_with_fee_htmx(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        a, b = make_invoice(s, "100.00"), make_invoice(s, "60.00")
        line = make_line(s, "157.50")
        ids = a.id, b.id, line.id
    login(client, "clerk1", "clerk")
    form = {"invoice_id": [ids[0], ids[1]], "amount": ["100.00", "57.50"], "difference": "bank_fee"}
    page = client.post(f"/queue/line/{ids[2]}/match", data=form, headers={"HX-Request": "true"})
    assert page.status_code == 200 and "Matched." in page.get_data(as_text=True)
    with session_factory() as s:
        assert [s.get(Invoice, i).status for i in ids[:2]] == ["paid", "paid"]
        fee = s.scalar(select(Adjustment).where(Adjustment.kind == "bank_fee"))
        assert (fee.amount, fee.invoice_id, fee.status) == (Decimal("2.50"), ids[1], "applied")
        assert s.get(StatementLine, ids[2]).unapplied_minor == 0


def test_manual_match_over_the_receipt_writes_nothing(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        a, line = make_invoice(s, "100.00"), make_line(s, "50.00")
        ids = a.id, line.id
    login(client, "clerk1", "clerk")
    client.post(f"/queue/line/{ids[1]}/match", data={"invoice_id": ids[0], "amount": "60"})
    page = client.get(f"/queue/line/{ids[1]}").get_data(as_text=True)
    assert "exceed the receipt" in page  # the rule's message, shown to the person
    with session_factory() as s:
        assert s.scalar(select(func.count(Match.id))) == 0
        assert s.get(Invoice, ids[0]).paid_minor == 0
    bad = client.post(f"/queue/line/{ids[1]}/match", data={"invoice_id": ids[0], "amount": "x"})
    assert bad.status_code == 400


def test_split_and_classify(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        inv, line, other = make_invoice(s, "100.00"), make_line(s, "130.00"), make_line(s, "9.00")
        ids = inv.id, line.id, other.id
    login(client, "clerk1", "clerk")
    form = {"invoice_id": ids[0], "amount": "100", "rest": "refund"}
    client.post(f"/queue/line/{ids[1]}/match", data=form)
    client.post(f"/queue/line/{ids[2]}/classify", data={"kind": "own_transfer"})
    with session_factory() as s:
        assert s.get(StatementLine, ids[1]).disposition == "refund"
        assert s.get(StatementLine, ids[2]).disposition == "own_transfer"
        assert s.get(StatementLine, ids[2]).unapplied_minor == 0


def test_write_off_four_eyes(client, login, session_factory, app) -> None:
    with session_factory.begin() as s:
        big, small = make_line(s, "80.00"), make_line(s, "3.00")
        ids = big.id, small.id
    login(client, "clerk1", "clerk")
    client.post(f"/queue/line/{ids[1]}/write-off", data={"reason": "rounding"})
    client.post(f"/queue/line/{ids[0]}/write-off", data={"reason": "unknown payer"})
    with session_factory() as s:
        assert s.get(StatementLine, ids[1]).unapplied_minor == 0  # under the limit: at once
        pending = s.scalar(select(Adjustment).where(Adjustment.status == "pending_approval"))
        assert pending.statement_line_id == ids[0] and pending.prepared_by == "clerk1"
    assert "€80.00" in client.get("/queue/approvals").get_data(as_text=True)
    # a clerk cannot approve at all (the role check); an approver other than the preparer can
    other = app.test_client()
    login(other, "clerk1", "clerk")
    assert other.post(f"/queue/approvals/{pending.id}/approve").status_code == 403
    approver = login(app.test_client(), "boss", "approver")
    assert approver.post(f"/queue/approvals/{pending.id}/approve").status_code == 302
    with session_factory() as s:
        adj = s.get(Adjustment, pending.id)
        assert (adj.status, adj.approved_by) == ("applied", "boss")
        assert s.get(StatementLine, ids[0]).unapplied_minor == 0


def test_preparer_with_approver_role_cannot_approve(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        line_id = make_line(s, "80.00").id
    login(client, "alice", "approver")
    client.post(f"/queue/line/{line_id}/write-off", data={"reason": "x"})
    with session_factory() as s:
        adj_id = s.scalar(select(Adjustment.id))
    page = client.get("/queue/approvals").get_data(as_text=True)
    assert "Prepared by you" in page
    response = client.post(f"/queue/approvals/{adj_id}/approve", follow_redirects=True)
    assert "cannot approve it (four eyes)" in response.get_data(as_text=True)
    with session_factory() as s:
        assert s.get(Adjustment, adj_id).status == "pending_approval"


def test_undo_needs_a_reason_and_reopens(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        inv, line = make_invoice(s, "50.00"), make_line(s, "50.00")
        match = create_match(
            s, receipt=line, allocations=[AllocationSpec(inv.id, Decimal("50"))],
            status="auto", actor="matcher",
        )  # fmt: skip
        ids = inv.id, line.id, match.id
    login(client, "clerk1", "clerk")
    client.post(f"/queue/line/{ids[1]}/undo/{ids[2]}", data={"reason": " "})
    with session_factory() as s:
        assert s.get(Match, ids[2]).status == "auto"
    client.post(f"/queue/line/{ids[1]}/undo/{ids[2]}", data={"reason": "wrong invoice"})
    with session_factory() as s:
        assert s.get(Match, ids[2]).status == "undone"
        assert s.get(Invoice, ids[0]).status == "open"
    assert "match.undo" in audit_actions(session_factory)
    assert f"/queue/line/{ids[1]}" in client.get("/queue").get_data(as_text=True)


def test_bulk_accept_all_or_nothing(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        inv1, inv2 = make_invoice(s, "10.00"), make_invoice(s, "20.00")
        l1, l2 = make_line(s, "10.00"), make_line(s, "20.00")
        m1, m2 = suggestion(s, l1, inv1, "10"), suggestion(s, l2, inv2, "20")
        stale = suggestion(s, l2, inv2, "20")
        ids = m1.id, m2.id, stale.id
    login(client, "clerk1", "clerk")
    page = client.post("/queue/bulk-accept", data={"match_id": list(ids)}, follow_redirects=True)
    assert "Nothing accepted" in page.get_data(as_text=True)  # m2 and stale spend inv2 twice
    with session_factory() as s:
        assert {s.get(Match, i).status for i in ids} == {"suggested"}
    page = client.post("/queue/bulk-accept", data={"match_id": list(ids[:2])}, follow_redirects=True)
    assert "2 suggestions accepted" in page.get_data(as_text=True)
    with session_factory() as s:
        assert [s.get(Match, i).status for i in ids[:2]] == ["manual", "manual"]


def test_gateway_charge_written_off_classified_and_undone(client, login, session_factory,
                                                          app) -> None:
    """A charge that pays no invoice leaves the queue by a write-off (four eyes above the limit)
    or a classification, like a bank line; undo brings it back."""
    from recon.models import GatewayTransaction
    from tests.recon.factories import make_charge

    with session_factory.begin() as s:
        small = make_charge(s, "3.00", "EUR", order_ref="ORD-UNKNOWN").id
        big = make_charge(s, "80.00", "EUR").id
        donation = make_charge(s, "25.00", "EUR").id
    login(client, "clerk1", "clerk")
    page = client.get(f"/queue/charge/{small}").get_data(as_text=True)
    assert 'id="writeoff-form"' in page and f"/queue/charge/{small}/write-off" in page
    client.post(f"/queue/charge/{small}/write-off", data={"reason": "test payment"})
    client.post(f"/queue/charge/{big}/write-off", data={"reason": "unknown payer"})
    client.post(f"/queue/charge/{donation}/classify", data={"kind": "other_income"})
    with session_factory() as s:
        assert s.get(GatewayTransaction, small).unapplied_minor == 0
        assert s.get(GatewayTransaction, donation).unapplied_minor == 0
        pending = s.scalar(select(Adjustment).where(Adjustment.status == "pending_approval"))
        # reserved while it waits: the whole charge is spoken for, so it leaves the open queue
        assert pending.gateway_txn_id == big and s.get(GatewayTransaction, big).unapplied_minor == 0
    queue = client.get("/queue").get_data(as_text=True)
    assert f"/queue/charge/{small}" not in queue and f"/queue/charge/{big}" not in queue
    assert f"/queue/charge/{big}" in client.get("/queue/approvals").get_data(as_text=True)
    approver = login(app.test_client(), "boss", "approver")
    assert approver.post(f"/queue/approvals/{pending.id}/approve").status_code == 302
    with session_factory() as s:
        assert s.get(GatewayTransaction, big).unapplied_minor == 0
        adj_id = s.scalar(select(Adjustment.id).where(Adjustment.gateway_txn_id == small))
    detail = client.get(f"/queue/charge/{small}").get_data(as_text=True)
    assert "Adjustments" in detail and f"/undo-adjustment/{adj_id}" in detail
    client.post(f"/queue/charge/{small}/undo-adjustment/{adj_id}", data={"reason": "was ours"})
    with session_factory() as s:
        assert s.get(GatewayTransaction, small).unapplied_minor == 300
        assert s.get(Adjustment, adj_id).status == "undone"
    assert f"/queue/charge/{small}" in client.get("/queue").get_data(as_text=True)


def test_write_off_refuses_more_than_a_charge_left_and_non_charges(session_factory) -> None:
    from recon.errors import InvariantError
    from recon.queue import actions as queue_actions
    from tests.recon.factories import make_charge

    with session_factory.begin() as s:
        charge = make_charge(s, "10.00", "EUR")
        payout = make_charge(s, "10.00", "EUR", kind="payout", gateway_id="po_x")
        ids = charge.id, payout.id
    with session_factory() as s, pytest.raises(InvariantError, match="exceeds"):
        queue_actions.write_off(s, line_id=ids[0], receipt_kind="charge", actor="a",
                                limit=Decimal("50"), reason="x", amount=Decimal("10.01"))
    with session_factory() as s, pytest.raises(InvariantError, match="not a charge"):
        queue_actions.write_off(s, line_id=ids[1], receipt_kind="charge", actor="a",
                                limit=Decimal("50"), reason="x")
