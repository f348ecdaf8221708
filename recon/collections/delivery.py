"""Attachments of a reminder: the customer's statement of account for the month of the run, as
PDF (HTML when WeasyPrint cannot load its system libraries), in the customer's language, with
the pay links and their QR codes."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from recon.collections.channels import Attachment
from recon.customer_statements import build_statement, parse_period
from recon.customer_statements.render import to_html, to_pdf
from recon.models import Customer, Reminder
from recon.paylinks import links_for, qr_svg_uri

__all__ = ["attachments_for", "statement_html"]

log = logging.getLogger(__name__)


def statement_html(session: Session, customer: Customer, period: str) -> str:
    start, end = parse_period(period)
    statement = build_statement(session, customer, start, end)
    links = {iid: link.url for iid, link in
             links_for(session, [i.id for i in statement.open_invoices]).items()}
    return to_html(statement, language=customer.language, pay_links=links,
                   qr_codes={iid: qr_svg_uri(url) for iid, url in links.items()})


def attachments_for(session: Session, reminder: Reminder) -> tuple[Attachment, ...]:
    customer = session.get_one(Customer, reminder.customer_id)
    period = reminder.run_date.strftime("%Y-%m")
    html = statement_html(session, customer, period)
    name = f"statement-{customer.external_id}-{period}"
    try:
        return (Attachment(f"{name}.pdf", "application/pdf", to_pdf(html)),)
    except OSError as exc:  # WeasyPrint without Pango: send the HTML instead
        log.warning("PDF statement unavailable (%s); attaching HTML", exc)
        return (Attachment(f"{name}.html", "text/html", html.encode()),)
