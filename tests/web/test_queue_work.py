"""Working the queue as a team: bulk accept / assign / classify, export, saved views, and the
assignee and notes on the triage screen."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from recon.allocation.allocations import AllocationSpec, create_match
from recon.models import Adjustment, AuditEvent, ItemAssignment, ItemNote, Match, SavedView
from recon.queue import cache as queue_cache
from tests.recon.factories import make_invoice, make_line
from tests.web.conftest import ensure_user


@pytest.fixture
def items(session_factory):
    queue_cache.clear()
    ensure_user(session_factory, "bob", "clerk")
    with session_factory.begin() as s:
        inv = make_invoice(s, "10.00", invoice_no="INV-W1")
        with_s = make_line(s, "10.00", counterparty_name="=HYPERLINK(\"x\")", remittance="INV-W1")
        m = create_match(s, receipt=with_s, allocations=[AllocationSpec(inv.id, Decimal(10))],
                         status="suggested", actor="matcher", confidence=0.7)  # fmt: skip
        bare = make_line(s, "3.00", counterparty_name="BANK", remittance="interest")
        return {"with": with_s.id, "bare": bare.id, "match": m.id}


def test_bulk_accept_takes_the_suggestions_of_the_selection(client, login, items, session_factory) -> None:
    login(client, "clara", "clerk")
    page = client.post("/work/bulk", data={"action": "accept", "next": "/queue",
                                           "item": [f"line-{items['with']}"]}, follow_redirects=True)
    assert "1 suggestion accepted." in page.get_data(as_text=True)
    with session_factory() as s:
        assert s.get(Match, items["match"]).status == "manual"


def test_bulk_assign_and_classify(client, login, items, session_factory) -> None:
    login(client, "clara", "clerk")
    keys = [f"line-{items['with']}", f"line-{items['bare']}"]
    page = client.post("/work/bulk", data={"action": "assign", "assignee": "bob", "item": keys},
                       follow_redirects=True).get_data(as_text=True)
    assert "2 items assigned." in page and "→ bob" in page
    page = client.post("/work/bulk", data={"action": "classify", "category": "other_income",
                                           "item": [f"line-{items['bare']}"]},
                       follow_redirects=True).get_data(as_text=True)
    assert "1 item booked as other income." in page
    with session_factory() as s:
        assert s.scalar(select(ItemAssignment.assignee).limit(1)) == "bob"
        assert s.scalar(select(Adjustment.kind)) == "other_income"
        assert "item.assign" in s.scalars(select(AuditEvent.action)).all()


def test_bulk_refusal_changes_nothing_and_says_why(client, login, items, session_factory) -> None:
    login(client, "clara", "clerk")
    page = client.post("/work/bulk", data={"action": "assign", "assignee": "ghost",
                                           "item": [f"line-{items['bare']}"]},
                       follow_redirects=True).get_data(as_text=True)
    assert "Nothing was changed" in page and "not an active user" in page
    with session_factory() as s:
        assert s.scalar(select(ItemAssignment)) is None


def test_export_is_formula_safe_in_csv_and_xlsx(client, login, items) -> None:
    login(client, "vic", "viewer")
    text = client.get("/work/export.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3 and rows[0][0] == "Cause"
    payers = {r[4] for r in rows[1:]}
    assert "'=HYPERLINK(\"x\")" in payers and "INV-W1" in {r[8] for r in rows[1:]}
    book = load_workbook(io.BytesIO(client.get("/work/export.xlsx?q=HYPERLINK").data))
    values = [c.value for c in book.active[2]]
    assert values[4] == "'=HYPERLINK(\"x\")" and values[6] == 10


def test_saved_views_belong_to_their_owner(client, login, items, session_factory) -> None:
    login(client, "clara", "clerk")
    client.post("/work/views", data={"name": "old ones", "next": "/queue?min_age=30&cursor=x"})
    html = client.get("/queue").get_data(as_text=True)
    assert "old ones" in html and "/queue?min_age=30" in html
    with session_factory() as s:
        view = s.scalars(select(SavedView)).one()
        assert view.query == {"min_age": "30"}
    login(client, "bob", "clerk")
    page = client.post(f"/work/views/{view.id}/delete", follow_redirects=True)
    assert "that view is not yours" in page.get_data(as_text=True)


def test_triage_assign_and_note_stay_on_the_item(client, login, items, session_factory) -> None:
    login(client, "clara", "clerk")
    key = f"line-{items['bare']}"
    body = client.post(f"/triage/line/{items['bare']}/assign", data={"assignee": "bob"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Assigned to bob" in body and f'data-item="{key}"' in body
    empty = client.post(f"/triage/line/{items['bare']}/note", data={"note": "  "},
                        headers={"HX-Request": "true"})
    assert empty.status_code == 422 and "a note needs some text" in empty.get_data(as_text=True)
    body = client.post(f"/triage/line/{items['bare']}/note", data={"note": "called the bank"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "called the bank" in body and "1 note" in body
    with session_factory() as s:
        assert s.scalar(select(ItemNote.author)) == "clara"
