"""Invoices (filters, pagination, detail with allocations and history), gateways with their
reconciliation state, and the audit log's filters."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from recon.allocation.allocations import AllocationSpec, create_match
from recon.allocation.decisions import undo_match
from recon.models import AuditEvent, Match
from tests.recon.factories import make_charge, make_customer, make_invoice, make_line


def test_invoice_list_filters_and_pages(client, login, session_factory):
    with session_factory.begin() as s:
        acme = make_customer(s, name="Acme Handels GmbH")
        for n in range(55):
            make_invoice(s, invoice_no=f"INV-{n:03d}", customer=acme)
        make_invoice(s, invoice_no="OTHER-1", status="paid", paid_minor=10000)
    login(client, "v", "viewer")
    first = client.get("/invoices").get_data(as_text=True)
    assert "Page 1 of 2" in first and "56 items" in first and 'rel="next"' in first
    second = client.get("/invoices?page=2").get_data(as_text=True)
    assert second.count("/invoices/") == 6
    paid = client.get("/invoices?status=paid").get_data(as_text=True)
    assert "OTHER-1" in paid and "INV-000" not in paid
    found = client.get("/invoices?q=handels").get_data(as_text=True)
    assert "55 items" in found
    assert client.get("/invoices?page=99").status_code == 200
    assert client.get("/invoices/999").status_code == 404


def test_invoice_detail_shows_allocations_and_history(client, login, session_factory):
    with session_factory.begin() as s:
        invoice = make_invoice(s, amount="100.00", due_date=dt.date(2020, 1, 31))
        line = make_line(s, amount="60.00")
        match = create_match(s, receipt=line, allocations=[AllocationSpec(invoice.id,
                             Decimal("60.00"))], status="manual", actor="clerk-ann")
        s.flush()
        undo_match(s, match.id, actor="clerk-bob", reason="wrong customer")
        invoice_id = invoice.id
    login(client, "v", "viewer")
    page = client.get(f"/invoices/{invoice_id}").get_data(as_text=True)
    assert "€60.00" in page and "undone" in page
    assert "clerk-bob" in page and "wrong customer" in page
    assert "€100.00" in page  # open again after the undo


def test_gateway_states(client, login, session_factory):
    with session_factory.begin() as s:
        make_charge(s, amount="30.00", gateway_id="ch_open")
        make_charge(s, amount="30.00", gateway_id="ch_done", allocated_minor=3000)
        make_charge(s, amount="-25.00", kind="payout", gateway_id="po_waiting")
    login(client, "v", "viewer")
    page = client.get("/gateways").get_data(as_text=True)
    rows = {gid: row for row in page.split("<tr")[1:]
            for gid in ("ch_open", "ch_done", "po_waiting") if gid in row}
    state = {gid: re.search(r'<span class="badge[^"]*">([^<]+)</span>', row).group(1)
             for gid, row in rows.items()}
    assert state == {"ch_open": "unmatched", "ch_done": "matched",
                     "po_waiting": "awaiting_deposit"}
    payouts = client.get("/gateways?kind=payout").get_data(as_text=True)
    assert "po_waiting" in payouts and "ch_open" not in payouts


def test_audit_filters(client, login, session_factory):
    with session_factory.begin() as s:
        s.add_all([
            AuditEvent(actor="ann", action="match.confirm", object_type="match", object_id="1",
                       at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)),
            AuditEvent(actor="bob", action="match.undo", object_type="match", object_id="2",
                       at=dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC), reason="typo"),
            AuditEvent(actor="bob", action="alias.positive", object_type="customer_alias",
                       object_id="7", at=dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)),
        ])
    login(client, "v", "viewer")

    def rows(query: str) -> int:
        return client.get(f"/audit?{query}").get_data(as_text=True).count("<code>")

    assert rows("actor=bob") == 2
    assert rows("action=match.undo") == 1
    assert rows("object_type=match&object_id=1") == 1
    assert rows("date_from=2026-03-02&date_to=2026-03-05") == 1
    assert rows("date_from=2026-03-02") >= 2  # plus the login event of today
    assert rows("date_from=not-a-date&actor=ann") == 1


def test_pages_only_read(client, login, session_factory, session):
    """Opening pages writes nothing: the audit log has only the login afterwards."""
    with session_factory.begin() as s:
        invoice_id = make_invoice(s).id
    login(client, "reader", "viewer")
    before = session.query(AuditEvent).count()
    for url in ("/", "/invoices", f"/invoices/{invoice_id}", "/gateways", "/runs", "/audit"):
        assert client.get(url).status_code == 200
    session.expire_all()
    assert session.query(AuditEvent).count() == before
    assert session.query(Match).count() == 0
