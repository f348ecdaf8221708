"""The dashboard's figures and its server-side SVG charts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from recon.allocation.allocations import AllocationSpec, create_match
from recon.models import Match, ReconRun
from recon.queue import overview
from tests.recon.factories import make_charge, make_invoice, make_line
from web.charts import bar_chart, line_chart

TODAY = dt.date.today()


def _arrange(s) -> None:
    run = ReconRun(run_date=TODAY, status="attention", counts={})
    s.add(run)
    s.flush()
    for status in ("auto", "suggested", "auto", "rejected"):
        invoice = make_invoice(s, amount="10.00")
        line = make_line(s, amount="10.00", booking_date=TODAY)
        create_match(s, receipt=line, allocations=[AllocationSpec(invoice.id, Decimal("10.00"))],
                     status=status if status != "rejected" else "suggested", actor="run",
                     run_id=run.id, confidence=0.9)
    s.flush()
    s.query(Match).filter(Match.id == 4).update({"status": "rejected"})
    make_line(s, amount="250.00", booking_date=TODAY - dt.timedelta(days=10))
    make_line(s, amount="99.00", currency="CNY", booking_date=TODAY - dt.timedelta(days=100))
    make_charge(s, amount="-90.00", kind="payout", gateway_id="po_1")
    paid_out = make_charge(s, amount="-90.00", kind="payout", gateway_id="po_2",
                           occurred_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    deposit = make_line(s, amount="89.00", currency="USD", booking_date=TODAY,
                        disposition="payout")
    s.add(Match(kind="payout_deposit", status="manual", confidence=1.0, currency="USD",
                statement_line_id=deposit.id, gateway_txn_id=paid_out.id, created_by="t"))


def test_overview_figures(session_factory, session):
    with session_factory.begin() as s:
        _arrange(s)
    trend = overview.run_trend(session)
    assert len(trend) == 1 and (trend[0].auto, trend[0].total) == (2, 4)
    assert trend[0].rate == 0.5
    buckets = {b.label: b for b in overview.age_buckets(session, TODAY)}
    assert (buckets["8-30"].count, buckets["8-30"].amounts) == (1, {"EUR": Decimal("250.00")})
    assert (buckets["90+"].count, buckets["90+"].amounts) == (1, {"CNY": Decimal("99.00")})
    assert buckets["0-7"].count == 2  # the two receipts whose suggestions are still open/rejected
    assert buckets["31-60"].count == buckets["61-90"].count == 0
    payouts = overview.payout_differences(session)
    assert [(p.payout_id, p.expected, p.deposited, p.difference) for p in payouts] == [
        ("po_1", Decimal("90.00"), None, None),
        ("po_2", Decimal("90.00"), Decimal("89.00"), Decimal("-1.00"))]


def test_dashboard_page_draws_the_charts(client, login, session_factory):
    with session_factory.begin() as s:
        _arrange(s)
    login(client, "dash", "viewer")
    page = client.get("/").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 2
    assert "<title>#1: 50%</title>" in page
    assert "<title>8-30:" in page
    assert "po_1" in page and "not in bank yet" in page
    assert "-$1.00" in page
    assert "CN¥99.00" in page


def test_chart_geometry():
    bars = bar_chart(["a", "b"], [0, 4])
    assert bars.bars[0].h == 0 and bars.bars[1].h > 0
    assert bars.bars[1].y < bars.baseline
    line = line_chart(["r1", "r2", "r3"], [0.5, None, 1.0])
    assert [p.value for p in line.points] == ["50%", "100%"]
    assert line.points[1].y < line.points[0].y  # higher rate drawn higher
