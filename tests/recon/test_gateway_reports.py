"""`recon gateways import|events|transactions|retry`: settlement files deduped against webhooks."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select

from gateways.stripe import verify
from recon.gateway import events as gateway_events
from recon.models import GatewayEvent, GatewayTransaction, Invoice
from tests.gateways.gw_signing import BANK_FIXTURES, STRIPE_SECRET, sign_stripe, stripe_event
from tests.gateways.test_settlement_files import STRIPE_REPORT
from tests.recon.factories import make_invoice


def _webhook(session_factory, event_type, obj, event_id):
    body, header = sign_stripe(stripe_event(event_type, obj, event_id=event_id))
    return gateway_events.receive(session_factory, verify(body, header, [STRIPE_SECRET]),
                                  actor="gateway:stripe")


def test_report_merges_into_webhook_record_and_reimport_is_a_noop(cli, session_factory, session,
                                                                   tmp_path):
    make_invoice(session, "120.50", "USD", invoice_no="INV-1001")
    session.commit()
    _webhook(session_factory, "charge.succeeded", {
        "id": "ch_1", "amount": 12050, "amount_captured": 12050, "currency": "usd",
        "metadata": {"invoice_no": "INV-1001"}, "created": 1_720_432_800}, "evt_1")
    report = tmp_path / "payouts.csv"
    report.write_text(STRIPE_REPORT)
    first = cli("gateways", "import", str(report))
    assert first.exit_code == 0, first.output
    assert "5 new, 1 updated, 0 unchanged" in first.output
    again = cli("gateways", "import", str(report))
    assert "0 new, 0 updated, 6 unchanged" in again.output
    session.expire_all()
    ch = session.scalars(select(GatewayTransaction).filter_by(gateway_id="ch_1")).one()
    assert (ch.fee, ch.net, ch.payout_id, ch.allocated) == (
        Decimal("3.80"), Decimal("116.70"), "po_1", Decimal("120.50"))
    assert session.scalars(select(Invoice)).one().status == "paid"
    listed = json.loads(cli("gateways", "transactions", "--json").output)
    assert len(listed) == 6 and {t["gateway_id"] for t in listed} >= {"ch_1", "re_1", "po_1"}


def test_import_real_personal_exports(cli, session):
    for name in ("deg_example-alipay-records.csv", "deg_example-wechat-records.csv"):
        result = cli("gateways", "import", str(BANK_FIXTURES / "csv" / name))
        assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(GatewayTransaction)) == 8 + 27


def test_bad_report_names_file_line_field_and_writes_nothing(cli, session, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(STRIPE_REPORT.replace("120.50,3.80", "12O.50,3.80"))
    result = cli("gateways", "import", str(bad))
    assert result.exit_code == 1 and "bad.csv:2: gross:" in result.output
    assert session.scalar(select(func.count()).select_from(GatewayTransaction)) == 0


def test_events_listing_and_retry(cli, session_factory, session, monkeypatch):
    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", lambda e: 1 / 0)
    _webhook(session_factory, "payout.paid", {"id": "po_1", "amount": 100, "currency": "usd"},
             "evt_p")
    pending = json.loads(cli("gateways", "events", "--status", "pending", "--json").output)
    assert [(e["event_id"], e["attempts"]) for e in pending] == [("evt_p", 1)]
    assert pending[0]["last_error"].startswith("ZeroDivisionError")
    failing = cli("gateways", "retry")
    assert failing.exit_code == 1 and "0 processed, 1 still failing" in failing.output
    monkeypatch.undo()
    ok = cli("gateways", "retry")
    assert ok.exit_code == 0 and "1 processed" in ok.output
    assert session.scalars(select(GatewayEvent)).one().status == "processed"
    assert "evt_p" in cli("gateways", "events").output


def test_fetch_payout_needs_api_key(cli):
    result = cli("gateways", "fetch-payout", "po_1")
    assert result.exit_code == 1 and "STRIPE_API_KEY" in result.output
