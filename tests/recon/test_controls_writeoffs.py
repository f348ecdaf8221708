"""Issue #12, write-offs: a pending write-off reserves its amount, the preparer can withdraw,
an approver rejects with a reason, and four eyes apply to the TOTAL written off on one receipt
or invoice in its currency -- also when two requests race on PostgreSQL."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from recon.access.runtime import RuntimeSettings
from recon.allocation import adjustments
from recon.db import make_session_factory
from recon.errors import ApprovalError, InvariantError
from recon.models import Adjustment, GatewayTransaction, Invoice, StatementLine
from recon.queue.actions import withdraw, write_off
from recon.queue.listing import queue_counts
from tests.recon.factories import make_charge, make_invoice, make_line

LIMITS = RuntimeSettings(Decimal("0.97"), Decimal("0.5"), Decimal("50"), Decimal("25"),
                         Decimal("0"), {"JPY": Decimal("5000")})


def test_pending_reserves_and_a_second_write_off_is_refused(session) -> None:
    line = make_line(session, "800.00")
    adj = write_off(session, line_id=line.id, actor="clerk", limit=LIMITS, reason="x",
                    amount=Decimal("777"))
    assert adj.status == "pending_approval" and line.unapplied_minor == 2300
    with pytest.raises(InvariantError, match=r"unapplied 23\.00"):
        write_off(session, line_id=line.id, actor="clerk", limit=LIMITS, reason="x",
                  amount=Decimal("777"))
    adjustments.approve(session, adj.id, actor="boss", role="approver")
    assert adj.status == "applied" and line.unapplied_minor == 2300


def test_withdraw_is_for_the_preparer_and_gives_the_money_back(session) -> None:
    charge = make_charge(session, "90.00", "USD")
    adj = write_off(session, line_id=charge.id, receipt_kind="charge", actor="clerk",
                    limit=LIMITS, reason="x")
    assert adj.status == "pending_approval" and charge.unapplied_minor == 0
    with pytest.raises(ApprovalError, match="clerk"):
        withdraw(session, adj.id, actor="someone")
    withdraw(session, adj.id, actor="clerk")
    assert adj.status == "rejected" and charge.unapplied_minor == 9000
    with pytest.raises(ApprovalError, match="not waiting for approval"):
        adjustments.approve(session, adj.id, actor="boss", role="approver")


def test_reject_needs_a_reason_and_an_approver_who_did_not_prepare(session) -> None:
    line = make_line(session, "100.00")
    adj = write_off(session, line_id=line.id, actor="amy", limit=LIMITS, reason="x")
    with pytest.raises(InvariantError, match="reason"):
        adjustments.reject(session, adj.id, actor="boss", role="approver", reason=" ")
    with pytest.raises(ApprovalError):
        adjustments.reject(session, adj.id, actor="amy", role="approver", reason="mine")
    adjustments.reject(session, adj.id, actor="boss", role="approver", reason="will pay")
    assert (adj.status, adj.approved_by, line.unapplied_minor) == ("rejected", "boss", 10000)


def test_four_eyes_on_the_total_of_one_invoice(session) -> None:
    inv = make_invoice(session, "500.00")
    first = adjustments.add_adjustment(session, kind="write_off", amount=Decimal("30"),
                                       actor="c", limit=LIMITS, invoice_id=inv.id, reason="x")
    second = adjustments.add_adjustment(session, kind="write_off", amount=Decimal("30"),
                                        actor="c", limit=LIMITS, invoice_id=inv.id, reason="x")
    assert (first.status, second.status) == ("applied", "pending_approval")
    assert inv.adjusted_minor == 6000


def test_limit_per_currency(session) -> None:
    yen = make_line(session, "4000", "JPY")
    usd = make_line(session, "60.00", "USD")
    a = write_off(session, line_id=yen.id, actor="c", limit=LIMITS, reason="x")
    b = write_off(session, line_id=usd.id, actor="c", limit=LIMITS, reason="x")
    assert (a.status, b.status) == ("applied", "pending_approval")


def test_a_bank_fee_is_not_counted_as_a_write_off(session) -> None:
    line = make_line(session, "200.00")
    adjustments.add_adjustment(session, kind="own_transfer", amount=Decimal("150"), actor="c",
                               limit=LIMITS, statement_line_id=line.id)
    adj = write_off(session, line_id=line.id, actor="c", limit=LIMITS, reason="x")
    assert adj.status == "applied" and adj.amount_minor == 5000


def test_queue_counts_follow_a_reservation(session) -> None:
    line = make_line(session, "80.00")
    before = queue_counts(session, fresh=True)["no_candidate"]["totals"]["EUR"]
    write_off(session, line_id=line.id, actor="c", limit=LIMITS, reason="x",
              amount=Decimal("70"))
    after = queue_counts(session)["no_candidate"]["totals"]["EUR"]
    assert before - after == Decimal("70")


def _race(factory, work, n: int = 2) -> list[object]:
    barrier, out = threading.Barrier(n), []

    def one() -> None:
        barrier.wait()
        try:
            with factory.begin() as s:
                out.append(work(s).status)
        except InvariantError as exc:
            out.append(type(exc).__name__)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(out)


@pytest.mark.postgres
def test_concurrent_split_around_the_limit_on_postgresql(pg_engine) -> None:
    factory = make_session_factory(pg_engine)
    with factory.begin() as s:
        line_id = make_line(s, "90.00").id
    got = _race(factory, lambda s: write_off(s, line_id=line_id, actor="c", limit=LIMITS,
                                             reason="x", amount=Decimal("45")))
    assert got == ["applied", "pending_approval"]
    with factory() as s:
        assert s.get(StatementLine, line_id).unapplied_minor == 0


@pytest.mark.postgres
def test_concurrent_double_submit_on_postgresql(pg_engine) -> None:
    factory = make_session_factory(pg_engine)
    with factory.begin() as s:
        line_id = make_line(s, "800.00").id
        charge_id = make_charge(s, "800.00", "EUR").id
        inv_id = make_invoice(s, "800.00").id
    assert _race(factory, lambda s: write_off(
        s, line_id=line_id, actor="c", limit=LIMITS, reason="x", amount=Decimal("777"))
    ) == ["InvariantError", "pending_approval"]
    assert _race(factory, lambda s: write_off(
        s, line_id=charge_id, receipt_kind="charge", actor="c", limit=LIMITS, reason="x",
        amount=Decimal("777"))) == ["InvariantError", "pending_approval"]
    assert _race(factory, lambda s: adjustments.add_adjustment(
        s, kind="write_off", amount=Decimal("777"), actor="c", limit=LIMITS, invoice_id=inv_id,
        reason="x")) == ["InvariantError", "pending_approval"]
    with factory() as s:
        assert s.get(StatementLine, line_id).unapplied_minor == 2300
        assert s.get(GatewayTransaction, charge_id).unapplied_minor == 2300
        assert s.get(Invoice, inv_id).open_minor == 2300
        assert s.scalar(sa.select(sa.func.count()).select_from(Adjustment)) == 3
