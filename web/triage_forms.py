"""Web layer: reading the triage screen's hand-match and write-off forms, with messages a
person can act on.

The queue's own forms answer a bad amount with a bare 400; here every mistake is a
``FormError`` naming the field and saying, in the person's language, what was wrong and how to
write it ("“99O.00” is not an amount: use digits and a decimal point, for example 99.00"), so
the screen can show it beside the field with what was typed kept. Invoices are named by their
number, as on paper. Raises ``FormError`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from recon.models import OPEN_INVOICE_STATUSES, Invoice

__all__ = ["FormError", "HandMatch", "parse_amount", "parse_hand_match", "parse_write_off"]

# 1234.5 / 1,234.50 / 0.99: a person's way of writing an amount; nothing else is guessed at.
_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
DIFFERENCES = ("bank_fee",)  # what the triage screen offers for an invoice's shortfall


class FormError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class HandMatch:
    rows: list[tuple[int, Decimal]]  # (invoice id, amount)
    difference: str | None


def parse_amount(
    raw: str | None, field: str = "amount", *, required: bool = True
) -> Decimal | None:
    text = (raw or "").strip()
    if not text:
        if required:
            raise FormError(field, _("Enter an amount, for example 99.00."))
        return None
    if not _AMOUNT.match(text):
        raise FormError(field, _(
            "“%(text)s” is not an amount: use digits and a decimal point, for example 99.00.",
            text=text[:40]))  # fmt: skip
    value = Decimal(text.replace(",", ""))
    if value <= 0:
        raise FormError(field, _("The amount must be more than zero."))
    return value


def _invoice(session: Session, number: str, currency: str | None) -> Invoice:
    number = number.strip()
    if not number:
        raise FormError("invoice_no", _("Enter the invoice number."))
    inv = session.scalars(
        sa.select(Invoice).where(sa.func.lower(Invoice.invoice_no) == number.lower()).limit(1)
    ).first()
    if inv is None:
        raise FormError("invoice_no", _("There is no invoice numbered “%(no)s”.", no=number[:40]))
    if inv.status not in OPEN_INVOICE_STATUSES:
        raise FormError("invoice_no", _("Invoice %(no)s is already settled.", no=inv.invoice_no))
    if currency and inv.currency != currency:
        raise FormError("invoice_no", _(
            "Invoice %(no)s is in %(cur)s, the receipt in %(rc)s.",
            no=inv.invoice_no, cur=inv.currency, rc=currency))  # fmt: skip
    return inv


def parse_hand_match(session: Session, form: Any, kind: str, receipt_id: int) -> HandMatch:
    """Invoice numbers and amounts (one row, or several from an alternative)."""
    from recon.queue.detail import receipt_of

    currency = receipt_of(session, kind, receipt_id).currency
    numbers, amounts = form.getlist("invoice_no"), form.getlist("amount")
    if not numbers or len(numbers) != len(amounts):
        raise FormError("invoice_no", _("Enter the invoice number."))
    rows = []
    for number, raw in zip(numbers, amounts, strict=True):
        inv = _invoice(session, number, currency)
        rows.append((inv.id, parse_amount(raw)))
    difference = form.get("difference") or None
    if difference not in (None, *DIFFERENCES):
        raise FormError("difference", _("Choose how to book the difference."))
    return HandMatch(rows, difference)


def parse_write_off(form: Any) -> tuple[Decimal | None, str]:
    amount = parse_amount(form.get("wo_amount"), "wo_amount", required=False)
    reason = (form.get("reason") or "").strip()
    if not reason:
        raise FormError("reason", _("Say why the amount is written off."))
    return amount, reason
