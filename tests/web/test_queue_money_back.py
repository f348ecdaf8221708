"""The "refunded after payment" queue item on the web: listed under its cause, explained on the
receipt page in both languages, closed by a clerk with a note (viewers cannot)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from recon.allocation import reversals
from recon.allocation.allocations import AllocationSpec, create_match
from recon.models import MoneyBackItem
from recon.queue import cache as queue_cache
from tests.recon.factories import make_invoice, make_line


@pytest.fixture(autouse=True)
def _fresh_counts():
    queue_cache.clear()


def _refunded(session_factory) -> tuple[int, int]:
    """A 60.00 line that paid an invoice, then went back in full: (line id, item id)."""
    with session_factory.begin() as s:
        inv, line = make_invoice(s, "60.00", invoice_no="INV-MB-1"), make_line(s, "60.00")
        create_match(s, receipt=line, allocations=[AllocationSpec(inv.id, Decimal(60))],
                     status="manual", actor="clerk")
        reversals.take_back(s, line, 6000, actor="bank", detail="bank return #9 (MD06)")
        item = s.scalars(select(MoneyBackItem)).one()
        return line.id, item.id


def test_listed_explained_and_closed_with_a_note(client, login, session_factory) -> None:
    line_id, item_id = _refunded(session_factory)
    login(client, "clerk1", "clerk")
    listing = client.get("/queue?cause=refunded_after_payment").get_data(as_text=True)
    assert f"/queue/line/{line_id}" in listing and "Refunded after payment" in listing
    page = client.get(f"/queue/line/{line_id}").get_data(as_text=True)
    assert "bank return #9 (MD06)" in page and "Close item" in page and "INV-MB-1" in page
    url = f"/queue/line/{line_id}/money-back/{item_id}/close"
    refused = client.post(url, data={"resolution": "reinvoiced", "note": ""})
    assert refused.status_code == 302
    with session_factory() as s:
        assert s.get(MoneyBackItem, item_id).status == "open"
    done = client.post(url, data={"resolution": "reinvoiced", "note": "INV-MB-2 sent"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/queue")
    with session_factory() as s:
        item = s.get(MoneyBackItem, item_id)
        assert (item.status, item.resolution, item.closed_by) == ("closed", "reinvoiced",
                                                                  "clerk1")
    assert client.post(url, data={"resolution": "nonsense", "note": "x"}).status_code == 302
    assert client.post(f"/queue/charge/{line_id}/money-back/{item_id}/close",
                       data={"resolution": "dismissed", "note": "x"}).status_code == 404


def test_in_chinese(client, login, session_factory) -> None:
    line_id, _ = _refunded(session_factory)
    login(client, "clerk1", "clerk")
    client.post("/locale", data={"lang": "zh_Hans"})
    page = client.get(f"/queue/line/{line_id}").get_data(as_text=True)
    assert "付款后退款" in page and "关闭此项" in page and "已重新开票" in page


def test_a_viewer_cannot_close(client, login, session_factory) -> None:
    line_id, item_id = _refunded(session_factory)
    login(client, "viewer1", "viewer")
    page = client.get(f"/queue/line/{line_id}").get_data(as_text=True)
    assert "Close item" not in page
    response = client.post(f"/queue/line/{line_id}/money-back/{item_id}/close",
                           data={"resolution": "dismissed", "note": "x"})
    assert response.status_code == 403


def test_an_unidentified_return_has_a_page_and_a_triage_item(
    client, login, session_factory
) -> None:
    from recon import money_back

    with session_factory.begin() as s:
        ret = make_line(s, "-45.00", counterparty_name="WHO")
        money_back.raise_item(s, ret, "unidentified_return", 4500, actor="bank",
                              detail="reason MD06; no credit of that reference")
        ret_id = ret.id
    login(client, "clerk1", "clerk")
    page = client.get(f"/queue/line/{ret_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Bank return, credit not found" in text and "MD06" in text
    triage = client.get(f"/triage?cause=unidentified_return&item=line-{ret_id}")
    assert triage.status_code == 200  # the triage screen shows it under its cause
    body = triage.get_data(as_text=True)
    assert "Bank return, credit not found" in body and 'id="money-back-open"' in body
    # the triage screen offers what the service accepts: close it on the receipt page, not a
    # hand match or a write-off (which the service refuses for a money-back item)
    assert 'id="hand-form"' not in body and 'id="writeoff-form"' not in body
    assert f'href="/queue/line/{ret_id}"' in body


@pytest.mark.parametrize(("amount", "status", "invoice_status"), [
    ("40.00", "applied", "paid"),  # within the 50.00 limit: written off at once
    ("60.00", "pending_approval", "paid"),  # above it: reserved until a second person approves
])
def test_written_off_writes_the_reopened_amount_off(client, login, session_factory, amount,
                                                    status, invoice_status) -> None:
    from recon.models import Adjustment, Invoice

    with session_factory.begin() as s:
        inv, line = make_invoice(s, amount, invoice_no="INV-WO"), make_line(s, amount)
        create_match(s, receipt=line, allocations=[AllocationSpec(inv.id, Decimal(amount))],
                     status="manual", actor="clerk")
        reversals.take_back(s, line, line.amount_minor, actor="bank", detail="return")
        ids = line.id, inv.id, s.scalars(select(MoneyBackItem.id)).one()
    login(client, "clerk1", "clerk")
    client.post(f"/queue/line/{ids[0]}/money-back/{ids[2]}/close",
                data={"resolution": "written_off", "note": "customer insolvent"})
    with session_factory() as s:
        adj = s.scalars(select(Adjustment).filter_by(kind="write_off")).one()
        assert (adj.invoice_id, adj.status, adj.prepared_by) == (ids[1], status, "clerk1")
        assert s.get(Invoice, ids[1]).status == invoice_status
        assert s.get(MoneyBackItem, ids[2]).resolution == "written_off"
