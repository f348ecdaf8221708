"""The optional contact columns of an invoice file fill the customer master (audited); a bad
value is refused with its row and field, and nothing of the file is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recon.invoices.imports import InvoiceImportError, import_invoices
from recon.models import AuditEvent, Customer, Invoice

HEADER = "invoice_no,customer_id,customer_name,amount,currency,issue_date,due_date,email,phone,language,terms\n"


def test_contact_columns_update_the_customer(session):
    data = (HEADER + "A-1,C9,示例公司,10.00,CNY,2026-11-01,2026-12-01,"
            "caiwu@shili.example,+86 138-0013-8000,中文,30天\n"
            "A-2,C9,示例公司,12.00,CNY,2026-11-02,2026-12-02,,,,\n").encode()
    import_invoices(session, "invoices.csv", data, actor="erp")
    customer = session.scalars(select(Customer)).one()
    assert (customer.email, customer.phone, customer.language, customer.terms_days) == (
        "caiwu@shili.example", "+8613800138000", "zh-CN", 30)
    assert "email" not in session.scalars(select(Invoice)).first().meta
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "customer.import_contact")) == 1


@pytest.mark.parametrize(("column", "value"), [("email", "not-mail"), ("language", "fr"),
                                               ("terms", "soon"), ("phone", "call me")])
def test_bad_contact_value_names_row_and_field(session, column, value):
    cells = {"email": "", "phone": "", "language": "", "terms": ""} | {column: value}
    data = (HEADER + "A-1,C9,Shili,10.00,CNY,2026-11-01,2026-12-01,"
            + ",".join(cells[c] for c in ("email", "phone", "language", "terms")) + "\n").encode()
    with pytest.raises(InvoiceImportError) as info:
        import_invoices(session, "invoices.csv", data, actor="erp")
    assert f"row 2: {column}:" in str(info.value)
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0
