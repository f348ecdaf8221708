"""Issue #12, matching controls: an undone match sticks, paired payout deposits leave the queue,
every match says where it came from, and the dashboard, the queue counts and the ``recon run``
summary agree after every action."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import sqlalchemy as sa

from recon.allocation.decisions import confirm_match, undo_match
from recon.gateway.txns import settle
from recon.models import Match
from recon.queue import overview
from recon.queue.actions import ManualRow, manual_match, write_off
from recon.queue.detail import receipt_detail
from recon.queue.listing import queue_counts, queue_page
from tests.recon.factories import make_charge, make_customer, make_invoice, make_line


def _scene(session_factory, paid: str = "1000.00") -> tuple[int, int]:
    with session_factory.begin() as s:
        customer = make_customer(s, name="Shenzhen Huanan Electronics")
        inv = make_invoice(s, "1000.00", "CNY", customer=customer, invoice_no="INV-7781")
        line = make_line(s, paid, "CNY", counterparty_name="SHENZHEN HUANAN ELECTRONICS",
                         remittance=f"PAYMENT {inv.invoice_no}")
        return line.id, inv.id


def _run_json(cli, *args: str) -> dict:
    """``recon run --json``'s summary (the JSON line on stdout; the runner mixes in stderr)."""
    return json.loads(cli("run", "--json", *args).output.strip().splitlines()[-1])


def _pair_matches(session_factory, line_id: int) -> list[tuple[str, str | None]]:
    with session_factory() as s:
        rows = s.scalars(sa.select(Match).where(Match.statement_line_id == line_id)
                         .order_by(Match.id))
        return [(m.status, m.origin) for m in rows]


def test_undo_sticks_for_recon_match_and_recon_run(cli, session_factory) -> None:
    line_id, inv_id = _scene(session_factory)
    cli("match")
    (match_id,) = [m for m, in _ids(session_factory)]
    with session_factory.begin() as s:
        undo_match(s, match_id, actor="amy", reason="wrong customer")
    assert json.loads(cli("match", "--json").output)["auto"] == 0
    cli("run", "--date", "2026-03-01")
    assert _pair_matches(session_factory, line_id) == [("undone", "auto")]
    with session_factory.begin() as s:
        assert s.get(Match, match_id).close_reason == "wrong customer"
        manual = manual_match(s, kind="line", receipt_id=line_id, actor="amy",
                              rows=[ManualRow(inv_id, Decimal("1000.00"))], limit=Decimal(50))
        assert (manual.status, manual.origin) == ("manual", "manual")


def _ids(session_factory) -> list[tuple[int]]:
    with session_factory() as s:
        return list(s.execute(sa.select(Match.id)))


def test_accepted_suggestion_keeps_its_provenance_confidence_and_reasons(
        cli, session_factory, tmp_path) -> None:
    _scene(session_factory)
    cli("match", "--auto-threshold", "1")
    with session_factory.begin() as s:
        sugg = s.scalar(sa.select(Match))
        confidence, reasons = sugg.confidence, sugg.reasons
        confirm_match(s, sugg.id, actor="amy")
    with session_factory() as s:
        match = s.get(Match, sugg.id)
        assert (match.status, match.provenance) == ("manual", "accepted_suggestion")
        assert match.confidence == confidence < 1.0 and match.reasons == reasons
    cli("matches", "export", "-o", str(tmp_path / "m.csv"))
    export = (tmp_path / "m.csv").read_text().splitlines()
    assert export[0].endswith(",provenance") and export[1].endswith(",accepted_suggestion")
    summary = _run_json(cli, "--date", "2026-03-02")
    assert summary["provenance"] == {"accepted_suggestion": 1}


def test_provenance_of_auto_manual_and_gateway(cli, session_factory) -> None:
    _scene(session_factory)
    cli("match")
    with session_factory.begin() as s:
        inv = make_invoice(s, "88.50", "EUR", invoice_no="INV-G7")
        charge = make_charge(s, "88.50", "EUR", order_ref=inv.invoice_no, status="succeeded")
        assert settle(s, charge, actor="gateway:stripe") is None
        other = make_invoice(s, "10.00", "EUR")
        line = make_line(s, "10.00", "EUR", counterparty_name="NOBODY", remittance="X")
        manual_match(s, kind="line", receipt_id=line.id, actor="amy",
                     rows=[ManualRow(other.id, Decimal("10.00"))], limit=Decimal(50))
    with session_factory() as s:
        got = sorted(m.provenance for m in s.scalars(sa.select(Match)))
    assert got == ["auto", "gateway", "manual"]


def test_paired_payout_deposit_leaves_the_queue_and_shows_its_payout(session) -> None:
    payout = make_charge(session, "-970.30", "EUR", kind="payout", gateway_id="po_1OaB",
                         payout_id="po_1OaB", net_minor=-97030)
    charge = make_charge(session, "1000.00", "EUR", payout_id="po_1OaB", fee_minor=2970,
                         net_minor=97030)
    deposit = make_line(session, "970.30", counterparty_name="STRIPE",
                        remittance="STRIPE PAYOUT po_1OaB")
    unpaired = make_line(session, "5.00")
    session.add(Match(kind="payout_deposit", status="auto", confidence=0.99, currency="EUR",
                      statement_line_id=deposit.id, gateway_txn_id=payout.id, created_by="run",
                      origin="auto"))
    session.flush()
    listed = {(i.kind, i.id) for i in queue_page(session).items}
    assert ("line", deposit.id) not in listed and ("line", unpaired.id) in listed
    assert sum(c["count"] for c in queue_counts(session, fresh=True).values()) == 2  # + charge
    detail = receipt_detail(session, "line", deposit.id)
    assert detail.payout is not None and detail.payout.id == payout.id
    assert [t.id for t in detail.payout_txns] == [charge.id]


def _figures(cli, session_factory, day: int) -> tuple[dict, dict]:
    summary = _run_json(cli, "--no-match", "--date", f"2026-04-{day:02d}")
    with session_factory() as s:
        counts = queue_counts(s, fresh=True)
        dashboard = overview.unapplied_cash(s)
    queue_total = sum(c["count"] for c in counts.values())
    return summary, {"queue": queue_total, "dashboard": dashboard}


def _agree(cli, session_factory, day: int) -> dict:
    summary, seen = _figures(cli, session_factory, day)
    with session_factory() as s:
        from recon.reports.cash import unapplied_receipts
        with_cash = unapplied_receipts(s)
    assert {k: str(v) for k, v in seen["dashboard"].items()} == summary["unapplied_cash"]
    assert seen["queue"] == summary["unmatched"] + with_cash
    return summary


def test_dashboard_queue_counts_and_run_summary_agree_after_each_action(
        cli, session_factory) -> None:
    line_id, inv_id = _scene(session_factory, paid="1080.00")  # overpaid by 80
    cli("match")
    first = _agree(cli, session_factory, 1)
    assert first["unapplied_cash"] == {"CNY": "80.00"}
    with session_factory.begin() as s:
        write_off(s, line_id=line_id, actor="amy", limit=Decimal(50), reason="x",
                  amount=Decimal("30"))  # a partial write-off: the 80 become 50
    assert _agree(cli, session_factory, 2)["unapplied_cash"] == {"CNY": "50.00"}
    (match_id,) = [m for m, in _ids(session_factory)]
    with session_factory.begin() as s:
        undo_match(s, match_id, actor="amy", reason="wrong")
    after_undo = _agree(cli, session_factory, 3)
    assert after_undo["unapplied_cash"] == {} and after_undo["unmatched"] == 1
    with session_factory.begin() as s:
        manual_match(s, kind="line", receipt_id=line_id, actor="amy",
                     rows=[ManualRow(inv_id, Decimal("1000.00"))], limit=Decimal(50))
    assert _agree(cli, session_factory, 4)["unapplied_cash"] == {"CNY": "50.00"}
    assert dt.date(2026, 4, 4)  # four runs, four agreements
