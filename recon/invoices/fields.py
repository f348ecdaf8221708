"""Invoice files, one field at a time: amount, dates and contact columns (helper of ``rows``).

Each check returns the value it read and adds its problem, worded for the person who fixes the
file, to the row's ``problems`` list instead of raising: ``rows`` reports every problem of a
row at once. Amounts are Decimal to minor units of the ISO 4217 currency (``recon.money``),
bounded by ``importers.bounds.MAX_AMOUNT``; contact values by the customer master's own rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from importers.bounds import MAX_AMOUNT
from recon.customers.master import CONTACT_COLUMNS, check_contact, parse_terms
from recon.errors import ServiceError
from recon.money import MoneyError, to_minor

__all__ = ["CONTACT", "amount_minor", "contact_problems", "dates"]

CONTACT = frozenset(CONTACT_COLUMNS)
"""The optional customer columns (email, phone, language, terms) an invoice file may carry."""


def contact_problems(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The optional contact columns, checked by the customer master's own rules."""
    problems: list[tuple[str, str]] = []
    if not CONTACT.intersection(record):
        return problems
    for column in CONTACT_COLUMNS:
        value = (record.get(column) or "").strip()
        if not value:
            continue
        try:
            if column == "terms":
                check_contact({"terms_days": parse_terms(value)})
            else:
                check_contact({column: value})
        except ServiceError as exc:
            problems.append((column, str(exc).split(": ", 1)[-1]))
    return problems


def amount_minor(raw: str, currency: str, problems: list[tuple[str, str]]) -> int | None:
    """The amount in minor units, or None with its problem added to ``problems``."""
    try:
        amount = Decimal(raw.strip())
    except InvalidOperation:
        problems.append(("amount", f"{raw!r} is not a number (use a plain decimal like 1234.50)"))
        return None
    if not amount.is_finite():
        problem = f"{raw!r} is not a finite number"
    elif amount <= 0:
        problem = f"{raw} must be positive (credit notes are not invoices)"
    elif amount >= MAX_AMOUNT:
        problem = f"{raw[:40]} is out of range (below {MAX_AMOUNT:,})"
    else:
        try:
            return to_minor(amount, currency)
        except MoneyError as exc:
            problem = str(exc)
    problems.append(("amount", problem))
    return None


_DAYS: dict[str, dt.date] = {}  # date text -> date: a file repeats a few thousand days


def dates(record: Mapping[str, Any], problems: list[tuple[str, str]]) -> dict[str, dt.date]:
    """The issue and due dates that parse; the others' problems added to ``problems``."""
    dates: dict[str, dt.date] = {}
    for column in ("issue_date", "due_date"):
        raw = (record.get(column) or "").strip()
        if not raw:
            continue
        day = _DAYS.get(raw)
        if day is None:
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                problems.append((column, f"{raw!r} is not a date (YYYY-MM-DD)"))
                continue
            if len(_DAYS) < 100_000:
                _DAYS[raw] = day
        dates[column] = day
    if "issue_date" in dates and "due_date" in dates and dates["due_date"] < dates["issue_date"]:
        problems.append(("due_date", "due date is before the issue date"))
    return dates
