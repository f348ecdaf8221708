"""Invoice CSV reading and the bulk ``invoice.create`` audit rows, row for row as before.

The CSV reader builds each record with ``dict(zip())`` instead of ``csv.DictReader``: short rows
must still read missing cells as empty, blank rows must still be skipped, a row with more cells
than the header must still refuse the file, and extra and contact columns must still be read.
The audit rows of new invoices are written as plain JSON: they must hold what
``audit.jsonable`` makes of the invoice's values.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from recon.audit import jsonable
from recon.invoices.imports import import_invoices
from recon.invoices.rows import parse_invoice_file
from recon.models import AuditEvent, Customer, Invoice

HEADER = "invoice_no,customer_id,customer_name,amount,currency,issue_date,due_date"


def _parse(body: str):
    return parse_invoice_file("f.csv", body.encode())


def test_short_rows_read_missing_cells_as_empty() -> None:
    rows, errors = _parse(f"{HEADER}\nINV-1,C1,Acme,10.00,EUR,2026-01-02\nINV-2,C1,Acme\n")
    assert [r.invoice_no for r in rows] == ["INV-1"] and rows[0].due_date is None
    assert [(e.row, e.field) for e in errors] == [
        (3, "amount"), (3, "currency"), (3, "issue_date")]
    assert errors[0].raw["due_date"] is None  # as DictReader's restval


def test_blank_rows_are_skipped_and_rows_keep_their_line_numbers() -> None:
    rows, errors = _parse(f"{HEADER}\n\n , ,\t,,,,\nINV-1,C1,Acme,10.00,EUR,2026-01-02,\n")
    assert errors == [] and [(r.row, r.invoice_no) for r in rows] == [(4, "INV-1")]


def test_a_row_with_more_cells_than_the_header_refuses_the_file() -> None:
    rows, errors = _parse(f"{HEADER}\nINV-1,C1,Acme,10.00,EUR,2026-01-02,,extra\n")
    assert rows == [] and [(e.row, e.message) for e in errors] == [
        (None, "row 2: more cells than header columns")]


def test_extra_and_contact_columns_are_still_read() -> None:
    rows, errors = _parse(f"{HEADER},po,email\nINV-1,C1,Acme,10.00,EUR,2026-01-02,,PO-9,"
                          "ap@acme.example\nINV-2,C1,Acme,5,EUR,2026-01-02,,,\n")
    assert errors == []
    assert rows[0].meta == {"po": "PO-9"} and rows[0].contact == {"email": "ap@acme.example"}
    assert rows[1].meta == {"po": ""} and rows[1].contact == {}


def test_dates_repeat_and_bad_dates_are_still_named() -> None:
    rows, errors = _parse(f"{HEADER}\nINV-1,C1,A,1,EUR,2026-01-02,2026-01-02\n"
                          "INV-2,C1,A,1,EUR,2026-01-02,2026-13-01\n")
    assert rows[0].issue_date == rows[0].due_date == dt.date(2026, 1, 2)
    assert [(e.row, e.field, e.message) for e in errors] == [
        (3, "due_date", "'2026-13-01' is not a date (YYYY-MM-DD)")]


def test_create_audit_rows_hold_what_jsonable_makes_of_the_values(session) -> None:
    body = (f"{HEADER},po\nINV-1,C1,Acme,10.00,EUR,2026-01-02,2026-02-01,PO-1\n"
            "INV-2,C2,Beta,7,JPY,2026-01-03,,\n")
    import_invoices(session, "f.csv", body.encode(), actor="tester")
    session.flush()
    events = {e.object_id: e for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "invoice.create"))}
    customers = dict(session.execute(select(Customer.external_id, Customer.id)).all())
    for inv in session.scalars(select(Invoice)):
        values = {"customer_id": customers[{"INV-1": "C1", "INV-2": "C2"}[inv.invoice_no]],
                  "amount_minor": inv.amount_minor, "currency": inv.currency,
                  "issue_date": inv.issue_date, "due_date": inv.due_date, "meta": inv.meta}
        event = events[inv.invoice_no]
        assert (event.actor, event.object_type) == ("tester", "invoice")
        assert event.after == jsonable(values)
        assert list(event.after) == list(values)  # the same keys in the same order
    assert events["INV-2"].after["due_date"] is None
    assert events["INV-1"].after["issue_date"] == "2026-01-02"
