"""The customer statement reconciles to the ledger; CLI commands; export and erase."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from recon.allocation import adjustments, allocations
from recon.collections.promises import log_contact
from recon.customer_statements import build_statement
from recon.customers import add_bank_account, erase_customer, export_customer
from recon.models import AuditEvent, Customer, Invoice, Reminder
from tests.collections.helpers import customer_with_invoices
from tests.recon.factories import make_invoice, make_line

TODAY = dt.date.today()


def _ledger(session):
    customer = customer_with_invoices(session, name="Acme", language="zh-CN")
    first = make_invoice(session, "100.00", "CNY", customer=customer,
                         issue_date=dt.date(2026, 10, 5), due_date=dt.date(2026, 10, 20))
    second = make_invoice(session, "250.00", "CNY", customer=customer,
                          issue_date=dt.date(2026, 11, 3), due_date=dt.date(2026, 12, 3))
    make_invoice(session, "9.00", "CNY", customer=customer, issue_date=dt.date(2026, 11, 4),
                 status="cancelled")
    line = make_line(session, "60.00", "CNY", booking_date=dt.date(2026, 11, 10))
    allocations.create_match(session, receipt=line, status="manual", actor="t", allocations=[
        allocations.AllocationSpec(first.id, Decimal("60.00"))])
    adjustments.add_adjustment(session, kind="write_off", amount=Decimal("5.00"), actor="t",
                               limit=Decimal("50"), invoice_id=second.id)
    session.commit()
    return customer


def test_statement_figures_reconcile_to_the_ledger(session):
    customer = _ledger(session)
    # customer_with_invoices added none (no amounts): only the three above
    october = build_statement(session, customer, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    november = build_statement(session, customer, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    cny = november.sections["CNY"]
    assert october.sections["CNY"].closing_minor == cny.opening_minor == 10000
    assert (cny.total("invoice"), cny.total("payment")) == (25000, 6000)
    assert cny.closing_minor == 10000 + 25000 - 6000 - (500 if TODAY.month == 11 else 0)
    assert sum(cny.aging_minor.values()) == cny.closing_minor
    assert cny.aging_minor["31-60"] == 4000  # 100 - 60, due 2026-10-20
    now = build_statement(session, customer, TODAY.replace(day=1), TODAY + dt.timedelta(days=1))
    open_total = sum(i.open_minor for i in session.scalars(select(Invoice).where(
        Invoice.customer_id == customer.id, Invoice.status != "cancelled")))
    assert now.sections["CNY"].closing_minor == open_total == 10000 + 25000 - 6000 - 500


def test_cli_statement_in_three_formats(session, cli, tmp_path):
    customer = _ledger(session)
    html = tmp_path / "s.html"
    result = cli("statements", "customer", customer.external_id, "--period", "2026-11",
                 "-o", str(html))
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert "对账单" in text and 'data-figure="closing">290.00' in text
    assert cli("statements", "customer", customer.external_id, "--period", "2026-11",
               "--format", "xlsx", "-o", str(tmp_path / "s.xlsx")).exit_code == 0
    sheet = load_workbook(io.BytesIO((tmp_path / "s.xlsx").read_bytes())).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    closing = [r for r in values if r[0] == "期末余额"]
    assert len(closing) == 1 and Decimal(str(closing[0][4])) == Decimal("290.00")
    pdf = tmp_path / "s.pdf"
    assert cli("statements", "customer", customer.external_id, "--period", "2026-11",
               "--format", "pdf", "-o", str(pdf)).exit_code == 0
    reader = PdfReader(pdf)
    assert "期末余额 290.00" in reader.pages[0].extract_text()
    fonts = {str(f.get_object()["/BaseFont"])
             for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("CJK" in f for f in fonts), fonts  # the Chinese font is embedded
    bad = cli("statements", "customer", customer.external_id, "--period", "2026-13")
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output


def test_cli_dunning_dry_run_says_what_and_why(session, cli):
    customer_with_invoices(session, "10.00", name="Dry Run Co", due=dt.date(2026, 11, 10))
    held = customer_with_invoices(session, "20.00", name="Held Co", email=None,
                                  due=dt.date(2026, 11, 10))
    session.commit()
    result = cli("dunning", "run", "--dry-run", "--date", "2026-11-10")
    assert result.exit_code == 0, result.output
    assert "would send: Dry Run Co level 2 (due) email a•@buyer.example" in result.output
    assert "HELD no_address: Held Co" in result.output and held.email is None
    assert session.scalar(select(Reminder.id)) is None


def test_export_then_erase_keeps_the_accounting_records(session):
    customer = _ledger(session)
    add_bank_account(session, customer, "6222021234567890", actor="t")
    log_contact(session, customer, "call", "Li Wei promised to check", actor="c")
    data = export_customer(session, customer, actor="dpo")
    assert data["customer"]["email"] == "ap@buyer.example"
    assert data["bank_accounts"] == ["6222021234567890"] and len(data["invoices"]) == 3
    erase_customer(session, customer, actor="dpo", reason="customer request")
    session.commit()
    session.expire_all()
    row = session.get_one(Customer, customer.id)
    assert (row.email, row.phone, row.contact_name, row.erased_at is not None) == (
        None, None, None, True)
    again = export_customer(session, row, actor="dpo")
    assert "6222021234567890" not in str(again) and "Li Wei" not in str(again)
    assert len(again["invoices"]) == 3  # the accounting stays
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"customer.export", "customer.erase"} <= actions
    assert "6222021234567890" not in str(session.scalars(select(AuditEvent.after)).all())


def test_customer_history_average_days_to_pay_and_open_items(session):
    from recon.customers.history import customer_history

    customer = _ledger(session)
    first = session.scalars(select(Invoice).where(Invoice.customer_id == customer.id)
                            .order_by(Invoice.issue_date)).first()
    line = make_line(session, "40.00", "CNY", booking_date=dt.date(2026, 11, 20))
    allocations.create_match(session, receipt=line, status="manual", actor="t", allocations=[
        allocations.AllocationSpec(first.id, Decimal("40.00"))])
    session.commit()
    history = customer_history(session, customer, dt.date(2026, 12, 10))
    assert history.avg_days_to_pay == 46.0  # issued 10-05, last payment 11-20
    assert [(i.invoice_no, late) for i, late in history.open_items] == [
        (i.invoice_no, 7) for i in session.scalars(select(Invoice).where(
            Invoice.customer_id == customer.id, Invoice.status.in_(("open", "partial"))))]
    assert [p[0] for p in history.payments] == [dt.date(2026, 11, 20), dt.date(2026, 11, 10)]


def test_erase_keeps_an_opt_out_without_the_address(session):
    from recon.collections import build_plan
    from recon.collections.policies import ensure_policies
    from recon.collections.promises import suppress
    from recon.customers import update_customer
    from recon.customers.master import CustomerUpdate
    from recon.models import Suppression

    ensure_policies(session)
    customer = customer_with_invoices(session, "10.00", due=dt.date(2026, 11, 10))
    suppress(session, "ap@buyer.example", "opt_out", actor="customer")
    erase_customer(session, customer, actor="dpo", reason="request")
    session.commit()
    assert "buyer" not in session.scalar(select(Suppression.address))
    update_customer(session, customer, CustomerUpdate(email="AP@buyer.example"), actor="c")
    session.commit()  # the same address entered again: the opt-out still holds
    assert build_plan(session, dt.date(2026, 11, 10)).reminders[0].held == ("opted_out",)
