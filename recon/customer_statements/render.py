"""A customer statement as HTML (Jinja2, autoescaped), PDF (WeasyPrint, with the Noto CJK font
for Chinese) and XLSX (openpyxl), in the customer's language. Labels live here per language:
the statement goes to the customer, whose language may differ from the person who prints it.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Font

from recon.customer_statements.ledger import AGING_BUCKETS, CustomerStatement
from recon.money import from_minor

__all__ = ["LABELS", "to_html", "to_pdf", "to_xlsx"]

LABELS: dict[str, dict[str, str]] = {
    "en": {"title": "Statement of account", "period": "Period", "customer": "Customer",
           "currency": "Currency", "opening": "Opening balance", "date": "Date",
           "type": "Type", "reference": "Reference", "debit": "Debit", "credit": "Credit",
           "closing": "Closing balance", "aging": "Aging at period end",
           "invoice": "Invoice", "payment": "Payment", "adjustment": "Adjustment",
           "current": "Not yet due", "pay": "Pay online", "open_items": "Open invoices",
           "open": "Open", "due": "Due", "days": "days", "none": "No movements."},
    "zh-CN": {"title": "对账单", "period": "期间", "customer": "客户", "currency": "币种",
              "opening": "期初余额", "date": "日期", "type": "类型", "reference": "摘要",
              "debit": "借方", "credit": "贷方", "closing": "期末余额",
              "aging": "期末账龄", "invoice": "发票", "payment": "收款",
              "adjustment": "调整", "current": "未到期", "pay": "在线付款",
              "open_items": "未结发票", "open": "未付金额", "due": "到期日", "days": "天",
              "none": "本期无发生额。"},
}


@functools.cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent),
                      autoescape=select_autoescape(["html"]))
    env.filters["amount"] = lambda minor, ccy: f"{from_minor(minor, ccy):,}"
    return env


def to_html(statement: CustomerStatement, *, language: str = "en",
            pay_links: Mapping[int, str] | None = None,
            qr_codes: Mapping[int, str] | None = None) -> str:
    """The statement page; ``pay_links``/``qr_codes`` (invoice id -> URL / SVG data URI)."""
    return _env().get_template("statement.html").render(
        s=statement, t=LABELS.get(language, LABELS["en"]), buckets=AGING_BUCKETS,
        lang=language, pay_links=pay_links or {}, qr_codes=qr_codes or {})


def to_pdf(html: str) -> bytes:
    """The HTML rendered by WeasyPrint (imported here: it loads Pango, which is slow)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def to_xlsx(statement: CustomerStatement, *, language: str = "en") -> bytes:
    t = LABELS.get(language, LABELS["en"])
    book = Workbook()
    sheet = book.active
    sheet.title = statement.period
    sheet.append([t["title"], statement.customer.name, statement.customer.external_id])
    sheet.append([t["period"], statement.start.isoformat(), statement.end.isoformat()])
    sheet["A1"].font = Font(bold=True)
    for section in statement.sections.values():
        ccy = section.currency
        sheet.append([])
        sheet.append([t["currency"], ccy])
        sheet.append([t["opening"], "", "", "", from_minor(section.opening_minor, ccy)])
        sheet.append([t["date"], t["type"], t["reference"], t["debit"], t["credit"]])
        for e in section.entries:
            sheet.append([e.day, t[e.kind], e.reference,
                          from_minor(e.debit_minor, ccy) if e.debit_minor else None,
                          from_minor(e.credit_minor, ccy) if e.credit_minor else None])
        sheet.append([t["closing"], "", "", "", from_minor(section.closing_minor, ccy)])
        sheet.append([t["aging"], *[t.get(b, b) for b in AGING_BUCKETS]])
        sheet.append(["", *[from_minor(section.aging_minor[b], ccy) for b in AGING_BUCKETS]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
