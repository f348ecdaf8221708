"""`recon matches export`: one row per allocation, exact amounts, statuses, formula-safe cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from recon.allocation.allocations import AllocationSpec, create_match
from recon.reports.export import safe_cell
from tests.recon.factories import make_customer, make_invoice, make_line


def seed(session_factory) -> None:
    with session_factory.begin() as s:
        evil = make_customer(s, external_id="=cmd|'/C calc'!A0", name="Evil")
        a = make_invoice(s, "60.00", invoice_no="INV-A")
        b = make_invoice(s, "40.00", invoice_no="INV-B", customer=evil)
        c = make_invoice(s, "10.00", invoice_no="INV-C")
        line = make_line(s, "100.00", bank_ref="+FITID-1")
        create_match(
            s,
            receipt=line,
            status="auto",
            actor="matcher",
            confidence=0.98,
            allocations=[
                AllocationSpec(a.id, Decimal("60.00")),
                AllocationSpec(b.id, Decimal("40.00")),
            ],
        )
        create_match(
            s,
            receipt=make_line(s, "10.00", bank_ref="R2"),
            status="suggested",
            actor="matcher",
            confidence=0.61,
            allocations=[AllocationSpec(c.id, Decimal("10.00"))],
        )


def test_csv_export_rows_header_and_statuses(cli, session_factory, tmp_path) -> None:
    seed(session_factory)
    out = tmp_path / "out.csv"
    result = cli("matches", "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("bank_ref,invoice_no,amount,status,confidence,")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["invoice_no"], r["amount"], r["status"]) for r in rows] == [
        ("INV-A", "60.00", "auto"),
        ("INV-B", "40.00", "auto"),
        ("INV-C", "10.00", "suggested"),
    ]
    assert rows[0]["bank_ref"] == "'+FITID-1"  # neutralised: would start a formula
    assert rows[1]["customer_id"].startswith("'=cmd")
    assert all(0 <= float(r["confidence"]) <= 1 for r in rows)
    assert rows[0]["matched_by"] == "matcher" and rows[0]["booking_date"] == "2026-01-20"
    assert rows[2]["matched_at"] == ""


def test_confirmed_only_json_to_stdout(cli, session_factory) -> None:
    seed(session_factory)
    result = cli("matches", "export", "--format", "json", "--confirmed")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert {i["status"] for i in items} == {"auto"} and len(items) == 2
    assert items[0]["amount"] == "60.00"


def test_since_filters_by_date(cli, session_factory) -> None:
    seed(session_factory)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = cli("matches", "export", "--since", tomorrow)
    assert result.exit_code == 0 and result.stdout.strip().count("\n") == 0  # header only


def test_safe_cell() -> None:
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\t=x") == "'\t=x" and safe_cell("INV-1") == "INV-1"


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_the_sqlite_memory_map_is_the_exports_only(session_factory) -> None:
    """The export maps the SQLite file for its reads; the connection's setting comes back, and a
    reader dropped half-way after its session closed leaves nothing to complain about."""
    import gc

    from recon.reports.export import export_records

    seed(session_factory)
    with session_factory() as s:
        conn = s.connection()
        if conn.dialect.name != "sqlite":
            return
        before = conn.exec_driver_sql("PRAGMA mmap_size").scalar()
        assert len(list(export_records(s))) == 3
        assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == before
        reader = export_records(s)
        next(reader)
    del reader
    gc.collect()
