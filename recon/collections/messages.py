"""The words of one reminder: the template context built from a planned reminder (customer,
invoices with amounts and days overdue, total, pay links, statement link) and its rendering in
the customer's language. Amounts are formatted for the language (Babel); a payer's bank account
never enters the context.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from recon.collections.plan import PlannedReminder
from recon.collections.templates import (
    Rendered,
    TemplateProblem,
    format_money,
    render,
    template_source,
)
from recon.models import Customer
from recon.paylinks import links_for

__all__ = ["compose", "context_for", "sample_context"]


def context_for(customer: Customer, planned: PlannedReminder, pay_links: dict[int, str],
                statement_link: str | None) -> dict[str, Any]:
    lang = planned.language
    invoices = [{"number": i.invoice_no, "amount": format_money(i.open_amount, i.currency, lang),
                 "currency": i.currency, "due_date": i.due_date.isoformat(),
                 "days_overdue": max(i.days_overdue, 0), "pay_link": pay_links.get(i.invoice_id)}
                for i in planned.invoices]
    total = ", ".join(format_money(v, c, lang) for c, v in sorted(planned.totals.items()))
    links = [link for link in (pay_links.get(i.invoice_id) for i in planned.invoices) if link]
    return {
        "customer": {"name": customer.name, "contact_name": customer.contact_name,
                     "external_id": customer.external_id},
        "invoices": invoices, "total": total,
        "pay_link": links[0] if len(links) == 1 else None,
        "statement_link": statement_link, "level": planned.level_name,
    }


def compose(session: Session, customer: Customer, planned: PlannedReminder,
            *, statement_link: str | None = None) -> Rendered:
    """Render ``planned`` with the template in force for its level and language."""
    links = {iid: link.url for iid, link in
             links_for(session, [i.invoice_id for i in planned.invoices]).items()}
    statement = statement_link
    source = template_source(session, planned.template, planned.language)
    context = context_for(customer, planned, links, statement)
    try:
        return render(source, context)
    except TemplateProblem as exc:
        if not str(exc).startswith("sms:") or not context["pay_link"]:
            raise
        # a long gateway URL does not fit one SMS: the message goes without it
        return render(source, context | {"pay_link": None})


def sample_context(language: str) -> dict[str, Any]:
    """A context to preview and check an edited template with."""
    amount = format_money(Decimal("1234.50"), "CNY", language)
    return {
        "customer": {"name": "示例客户" if language == "zh-CN" else "Example Ltd",
                     "contact_name": "Li Wei",
                     "external_id": "C-0001"},
        "invoices": [{"number": "INV-0001", "amount": amount, "currency": "CNY",
                      "due_date": "2026-11-01", "days_overdue": 7,
                      "pay_link": "https://pay.example/INV-0001"}],
        "total": amount, "pay_link": "https://pay.example/INV-0001",
        "statement_link": "https://recon.example/s/1", "level": "overdue 7",
    }
