"""`recon invoices import`: upsert by invoice_no, validation naming file/row/field, all-or-nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recon.invoices.imports import InvoiceImportError, import_invoices
from recon.models import AuditEvent, Customer, Invoice

HEADER = "invoice_no,customer_id,customer_name,amount,currency,issue_date,due_date"


def write(tmp_path: Path, body: str, name: str = "invoices.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_creates_customers_invoices_and_keeps_extra_columns(cli, session, tmp_path) -> None:
    path = write(
        tmp_path,
        f"{HEADER},po_number\n"
        "INV-1,C1,Acme Ltd,100.00,USD,2026-01-01,2026-01-31,PO-9\n"
        "INV-2,C2,上海星河贸易有限公司,88.8,CNY,2026-01-02,,\n",
    )
    result = cli("invoices", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    inv = session.scalar(select(Invoice).where(Invoice.invoice_no == "INV-1"))
    assert inv is not None and inv.amount == Decimal("100.00") and inv.meta == {"po_number": "PO-9"}
    assert (
        session.scalar(select(Customer.name).where(Customer.external_id == "C2"))
        == "上海星河贸易有限公司"
    )
    assert count(session, AuditEvent) >= 3


def test_reimport_updates_open_invoices_and_never_duplicates(cli, session, tmp_path) -> None:
    first = write(
        tmp_path,
        f"{HEADER}\nINV-1,C1,Acme,100.00,USD,2026-01-01,\nINV-2,C1,Acme,5,USD,2026-01-01,\n",
    )
    assert cli("invoices", "import", str(first)).exit_code == 0
    second = write(tmp_path, f"{HEADER}\nINV-1,C1,Acme,120.00,USD,2026-01-01,\n", "again.csv")
    result = cli("invoices", "import", str(second))
    assert result.exit_code == 0 and "1 updated" in result.output
    assert count(session, Invoice) == 2  # INV-2 missing from the later export is kept
    assert (
        session.scalar(select(Invoice.amount_minor).where(Invoice.invoice_no == "INV-1")) == 12000
    )


def test_paid_invoice_amount_change_is_reported_not_applied(cli, session, tmp_path) -> None:
    assert (
        cli(
            "invoices",
            "import",
            str(write(tmp_path, f"{HEADER}\nINV-1,C1,Acme,100.00,USD,2026-01-01,\n")),
        ).exit_code
        == 0
    )
    inv = session.scalar(select(Invoice))
    assert inv is not None
    inv.paid_minor, inv.status = 10000, "paid"
    session.commit()
    result = cli(
        "invoices",
        "import",
        str(write(tmp_path, f"{HEADER}\nINV-1,C1,Acme,150.00,USD,2026-01-01,\n", "b.csv")),
    )
    assert result.exit_code != 0
    assert (
        "row 2: amount: invoice INV-1 is paid; amount change 100.00 → 150.00 refused"
        in result.output
    )
    session.expire_all()
    assert session.scalar(select(Invoice.amount_minor)) == 10000


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("INV-1,C1,Acme,100.00,USD,2026-13-01,", "issue_date", "is not a date"),
        ("INV-1,C1,Acme,-5.00,USD,2026-01-01,", "amount", "must be positive"),
        ("INV-1,C1,Acme,10.001,USD,2026-01-01,", "amount", "more decimals than USD allows"),
        ("INV-1,C1,Acme,10.5,JPY,2026-01-01,", "amount", "more decimals than JPY allows"),
        ("INV-1,C1,Acme,10.00,XYZ,2026-01-01,", "currency", "not an ISO 4217 currency"),
        ("INV-1,C1,Acme,ten,USD,2026-01-01,", "amount", "is not a number"),
        ("INV-1,C1,,10.00,USD,2026-01-01,", "customer_name", "required value is empty"),
        ("INV-1,C1,Acme,10.00,USD,2026-02-01,2026-01-01", "due_date", "before the issue date"),
    ],
)
def test_bad_row_names_file_row_and_field_and_writes_nothing(
    cli, session, tmp_path, row, field, message
) -> None:
    path = write(tmp_path, f"{HEADER}\nINV-0,C1,Acme,1.00,USD,2026-01-01,\n{row}\n")
    result = cli("invoices", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}: row 3: {field}: " in result.output and message in result.output
    assert count(session, Invoice) == 0 and count(session, Customer) == 0


def test_duplicate_invoice_no_in_one_file(cli, session, tmp_path) -> None:
    path = write(
        tmp_path,
        f"{HEADER}\nINV-1,C1,Acme,1.00,USD,2026-01-01,\nINV-1,C1,Acme,2.00,USD,2026-01-01,\n",
    )
    result = cli("invoices", "import", str(path))
    assert (
        result.exit_code == 1
        and "row 3: invoice_no: duplicate invoice_no 'INV-1' (first at row 2)" in result.output
    )
    assert count(session, Invoice) == 0


@pytest.mark.parametrize(
    ("body", "encoding", "message"),
    [
        ("", "utf-8", "the file is empty"),
        (
            "invoice_no,customer_id,amount,currency,issue_date\nX,C,1,USD,2026-01-01\n",
            "utf-8",
            "missing column(s) customer_name",
        ),
        (f"{HEADER}\nINV-1,C1,北京公司,1.00,CNY,2026-01-01,\n", "gbk", "not UTF-8"),
        (f"{HEADER}\n", "utf-8", "no invoices"),
    ],
)
def test_file_level_errors(cli, session, tmp_path, body, encoding, message) -> None:
    result = cli("invoices", "import", str(write(tmp_path, body, encoding=encoding)))
    assert result.exit_code == 1 and message in result.output
    assert count(session, Invoice) == 0


def test_skip_bad_imports_good_rows_and_writes_rejects_beside_input(cli, session, tmp_path) -> None:
    path = write(
        tmp_path,
        f"{HEADER}\nINV-1,C1,Acme,1.00,USD,2026-01-01,\nINV-2,C1,Acme,=HYPERLINK(1),USD,2026-01-01,\n",
    )
    result = cli("invoices", "import", "--skip-bad", str(path))
    assert result.exit_code == 0 and "1 created" in result.output
    rejects = (tmp_path / "invoices.rejects.csv").read_text(encoding="utf-8")
    assert "3,amount," in rejects and "'=HYPERLINK(1)" in rejects  # formula neutralised
    assert count(session, Invoice) == 1


def test_json_import(session_factory, session) -> None:
    data = (
        b'{"invoices": [{"invoice_no": "J-1", "customer_id": "C9", "customer_name": "Zeta GmbH",'
        b' "amount": "1000", "currency": "JPY", "issue_date": "2026-03-01", "due_date": null}]}'
    )
    with session_factory.begin() as s:
        report = import_invoices(s, "erp.json", data, actor="t")
    assert report.created == 1
    assert session.scalar(select(Invoice.amount_minor)) == 1000


def test_json_errors_name_the_item(session_factory) -> None:
    with (
        pytest.raises(InvoiceImportError, match=r"erp.json: row 1: currency"),
        session_factory.begin() as s,
    ):
        import_invoices(
            s,
            "erp.json",
            b'[{"invoice_no": "J", "customer_id": "C", "customer_name": "Z",'
            b' "amount": "1", "currency": "EURO", "issue_date": "2026-03-01"}]',
            actor="t",
        )


def test_twelve_digit_three_decimal_amount_round_trips_through_the_database(
    cli, session, tmp_path
) -> None:
    path = write(tmp_path, f"{HEADER}\nK-1,C1,Kuwait Co,123456789012.345,KWD,2026-01-01,\n")
    assert cli("invoices", "import", str(path)).exit_code == 0
    inv = session.scalar(select(Invoice))
    assert (
        inv is not None
        and inv.amount == Decimal("123456789012.345")
        and inv.amount_minor == 123456789012345
    )
