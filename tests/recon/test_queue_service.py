"""The exception queue's service layer: causes, filters, sorting, keyset pages, actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from recon.allocation.allocations import AllocationSpec, create_match
from recon.errors import ApprovalError, InvariantError
from recon.matchrun.causes import cause_of_stored
from recon.models import QUEUE_CAUSES, Adjustment, AuditEvent, Invoice
from recon.queue import cache as queue_cache
from recon.queue.actions import (
    ManualRow,
    bulk_accept,
    classify,
    manual_match,
    undo,
    undo_adjustment,
    write_off,
)
from recon.queue.detail import (
    reasons_of,
    receipt_detail,
    search_open_invoices,
)
from recon.queue.listing import QueueFilter, queue_counts, queue_item, queue_page
from tests.recon.factories import make_charge, make_customer, make_invoice, make_line

TODAY = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _fresh_counts():
    """Per-cause counts are cached per process by data version; start each test empty."""
    queue_cache.clear()


def suggest(session, line, invoice, amount, reasons=(), alternatives=()):
    """A stored suggestion with the cause the matcher decides from these reasons."""
    return create_match(
        session,
        receipt=line,
        allocations=[AllocationSpec(invoice.id, Decimal(amount))],
        status="suggested",
        actor="matcher",
        confidence=0.7,
        reasons=reasons,
        alternatives=alternatives,
        cause=cause_of_stored("receipt_invoice", list(reasons), 1),
    )


def reason(feature, level, weight=1.0):
    return {"feature": feature, "level": level, "weight": weight, "detail": f"{feature} {level}"}


@pytest.fixture
def queue(session):
    """One receipt per cause, plus cleared receipts that must not appear."""
    inv = make_invoice(session, "100.00")
    rows = {
        "possible_duplicate": make_line(session, "10.00", possible_duplicate=True),
        "no_candidate": make_line(session, "20.00", booking_date=dt.date(2026, 2, 25)),
        "unknown_payer": make_line(session, "25.00"),
        "ambiguous": make_line(session, "30.00"),
        "fee_gap": make_line(session, "98.00"),
        "partial_payment": make_line(session, "40.00"),
        "low_confidence": make_line(session, "100.00"),
        "charge": make_charge(session, "12.00"),
    }
    suggest(session, rows["unknown_payer"], inv, "25", [reason("payer", "different", -5.0)])
    suggest(session, rows["ambiguous"], inv, "30",
            [reason("payer", "exact"), reason("competition", "2 alternatives", -1.6)],
            [{"label": "x"}])
    suggest(session, rows["fee_gap"], inv, "98", [reason("amount", "fee")])
    suggest(session, rows["partial_payment"], inv, "40", [["amount", "partial", -4.0, "d"]])
    suggest(session, rows["low_confidence"], inv, "100", [reason("amount", "exact")])
    make_line(session, "5.00", disposition="own_transfer", allocated_minor=500)
    make_line(session, "-7.00")  # a debit is no receipt
    session.commit()
    return rows


def test_each_receipt_has_its_cause(session, queue) -> None:
    page = queue_page(session, QueueFilter(today=TODAY))
    causes = {(i.kind, i.id): i.cause for i in page.items}
    for name, row in queue.items():
        kind = "charge" if name == "charge" else "line"
        assert causes.pop((kind, row.id)) == ("no_candidate" if kind == "charge" else name)
    assert causes == {}  # cleared lines and debits are not in the queue
    assert [i.cause for i in page.items] == sorted(
        (i.cause for i in page.items), key=QUEUE_CAUSES.index)  # grouped by cause


def test_counts_and_filters(session, queue) -> None:
    counts = queue_counts(session, QueueFilter(cause="fee_gap"))
    assert counts["no_candidate"]["count"] == 2
    assert counts["fee_gap"]["totals"] == {"EUR": Decimal("98.00")}
    only = queue_page(session, QueueFilter(cause="fee_gap", today=TODAY)).items
    assert [i.id for i in only] == [queue["fee_gap"].id]
    assert {i.kind for i in queue_page(session, QueueFilter(currency="usd")).items} == {"charge"}
    young = queue_page(session, QueueFilter(max_age=10, today=TODAY)).items
    assert [i.id for i in young] == [queue["no_candidate"].id]
    assert len(queue_page(session, QueueFilter(min_age=10, today=TODAY)).items) == 7
    by_amount = queue_page(session, QueueFilter(text="98.00")).items
    assert [i.id for i in by_amount] == [queue["fee_gap"].id]
    account = queue["ambiguous"].account.account_key
    assert len(queue_page(session, QueueFilter(account=account)).items) == 1
    with pytest.raises(ValueError):
        QueueFilter(cause="nonsense")


@pytest.mark.parametrize("sort", ["amount", "-amount", "age", "-age", "account", "-account"])
@pytest.mark.parametrize("grouped", [True, False])
def test_keyset_pages_cover_everything_once_in_order(session, queue, sort, grouped) -> None:
    full = queue_page(session, sort=sort, grouped=grouped, limit=100).items
    seen, cursor = [], None
    while True:
        page = queue_page(session, sort=sort, grouped=grouped, limit=2, cursor=cursor)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [i.key for i in seen] == [i.key for i in full]
    assert len(full) == 8
    if not grouped and sort == "-amount":
        assert [i.unapplied for i in full][:2] == [Decimal("100.00"), Decimal("98.00")]


def test_malformed_cursor_is_a_value_error(session) -> None:
    with pytest.raises(ValueError):
        queue_page(session, cursor="not-a-cursor")


def test_detail_reasons_and_invoice_search(session, queue) -> None:
    detail = receipt_detail(session, "line", queue["partial_payment"].id)
    assert detail.item.cause == "partial_payment"
    (sugg,) = detail.suggestions
    assert reasons_of(sugg.reasons)[0].level == "partial"
    assert reasons_of(sugg.reasons)[0].weight == -4.0
    customer = make_customer(session, name="Zhang Industrial")
    inv = make_invoice(session, "123.45", customer=customer, invoice_no="INV-777")
    assert search_open_invoices(session, "zhang", currency="EUR") == [inv]
    assert search_open_invoices(session, "inv-777") == [inv]
    assert search_open_invoices(session, "123.45", currency="EUR") == [inv]
    assert search_open_invoices(session, "123.456", currency="EUR") == []


def test_manual_match_two_invoices_with_fee_and_undo(session_factory) -> None:
    with session_factory.begin() as s:
        a, b = make_invoice(s, "100.00"), make_invoice(s, "100.00")
        line = make_line(s, "195.00")
        ids = (a.id, b.id, line.id)
    with session_factory.begin() as s:
        match = manual_match(
            s, kind="line", receipt_id=ids[2], actor="clerk", limit=Decimal("50"),
            rows=[ManualRow(ids[0], Decimal("100")), ManualRow(ids[1], Decimal("95"))],
            difference="bank_fee",
        )  # fmt: skip
        match_id = match.id
    with session_factory() as s:
        assert [s.get(Invoice, i).status for i in ids[:2]] == ["paid", "paid"]
        assert s.get(Invoice, ids[1]).adjusted_minor == 500
        assert queue_page(s).items == ()
    with session_factory.begin() as s:
        undo(s, match_id, actor="clerk", reason="wrong customer")
    with session_factory() as s:
        assert [s.get(Invoice, i).status for i in ids[:2]] == ["open", "open"]
        assert [i.id for i in queue_page(s).items] == [ids[2]]
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "match.undo"))


def test_difference_above_limit_is_refused(session) -> None:
    inv, line = make_invoice(session, "100.00"), make_line(session, "10.00")
    with pytest.raises(InvariantError, match="above the limit"):
        manual_match(
            session, kind="line", receipt_id=line.id, actor="c", limit=Decimal("50"),
            rows=[ManualRow(inv.id, Decimal("10"))], difference="discount",
        )  # fmt: skip


def test_split_rest_as_other_income(session) -> None:
    inv, line = make_invoice(session, "100.00"), make_line(session, "130.00")
    manual_match(
        session, kind="line", receipt_id=line.id, actor="c", limit=Decimal("50"),
        rows=[ManualRow(inv.id, Decimal("100"))], rest="other_income",
    )  # fmt: skip
    assert line.unapplied_minor == 0 and line.disposition == "other_income"


def test_write_off_above_limit_needs_a_second_person(session) -> None:
    line = make_line(session, "80.00")
    adj = write_off(session, line_id=line.id, actor="clerk", limit=Decimal("50"), reason="tiny")
    # pending: the amount is reserved at once, so nobody can write it off a second time
    assert adj.status == "pending_approval" and line.unapplied_minor == 0
    from recon.allocation.adjustments import approve

    with pytest.raises(ApprovalError):
        approve(session, adj.id, actor="clerk", role="approver")
    approve(session, adj.id, actor="boss", role="approver")
    assert adj.status == "applied" and line.unapplied_minor == 0
    assert queue_page(session).items == ()
    undo_adjustment(session, adj.id, actor="boss", reason="mistake")
    assert line.unapplied_minor == 8000


def test_classify_and_bulk_accept(session) -> None:
    inv1, inv2 = make_invoice(session, "10.00"), make_invoice(session, "20.00")
    l1, l2, l3 = make_line(session, "10.00"), make_line(session, "20.00"), make_line(session)
    m1, m2 = suggest(session, l1, inv1, "10"), suggest(session, l2, inv2, "20")
    bulk_accept(session, [m1.id, m2.id], actor="clerk")
    assert {m1.status, m2.status} == {"manual"}
    classify(session, line_id=l3.id, kind="own_transfer", actor="clerk", limit=Decimal("50"))
    assert l3.disposition == "own_transfer"
    assert session.scalar(select(Adjustment.kind)) == "own_transfer"
    with pytest.raises(InvariantError):
        classify(session, line_id=l3.id, kind="own_transfer", actor="c", limit=Decimal(1))
    with pytest.raises(InvariantError):
        bulk_accept(session, [], actor="clerk")


def test_detail_of_a_gateway_charge(session) -> None:
    charge = make_charge(session, "5.00", payer_hint="Li Wei")
    detail = receipt_detail(session, "charge", charge.id)
    assert detail.item.kind == "charge" and detail.item.payer == "Li Wei"
    assert detail.adjustments == () and detail.suggestions == ()
    assert queue_item(session, "charge", charge.id).unapplied == Decimal("5.00")


def test_counts_are_cached_until_the_data_changes(session_factory) -> None:
    with session_factory.begin() as s:
        inv, line = make_invoice(s, "10.00"), make_line(s, "10.00")
        match_id = suggest(s, line, inv, "10", [reason("amount", "fee")]).id
    with session_factory() as s:
        assert queue_counts(s)["fee_gap"]["count"] == 1
        calls = []
        queue_cache.cached(s, ("counts", *QueueFilter(cause=None).__dict__.values()), calls.append)
        assert calls == []  # same version: served from the cache
    with session_factory.begin() as s:
        from recon.allocation.decisions import confirm_match

        confirm_match(s, match_id, actor="clerk")  # an audit row: a new version
    with session_factory() as s:
        assert queue_counts(s)["fee_gap"]["count"] == 0
        assert queue_counts(s, fresh=True)["fee_gap"]["count"] == 0
