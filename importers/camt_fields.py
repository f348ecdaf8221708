"""Typed values of camt fields whose errors name the XML path (layer 3 of the camt reader).

A bad amount, currency or date raises :class:`~importers.errors.BadRecord` naming the
element's path and line, which the reader computes only when it raises (it is O(n)). Dates
and currency codes repeat within a file, so valid ones are remembered.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from importers.errors import BadRecord
from importers.values import Where, currency_code, parse_amount, parse_iso_date
from importers.xmlflat import Flat
from importers.xmlsafe import child, path_of, text


class XmlWhere(Where):
    """A ``Where`` whose XML path is only computed when an error is raised (it is O(n))."""

    __slots__ = ("element", "suffix")

    def __init__(self, file: str, element: etree._Element, suffix: str = "") -> None:
        super().__init__(file, None, None)  # the line too is read only for an error
        self.element, self.suffix = element, suffix

    def at(self, field: str) -> Where:
        return XmlWhere(self.file, self.element, self.suffix + field.rpartition("/")[2])

    def error(self, message: str, value: object = None) -> BadRecord:
        self.line = self.element.sourceline
        self.field = path_of(self.element) + (f"/{self.suffix}" if self.suffix else "")
        return super().error(message, value)


def where(element: etree._Element, file: str, name: str | None = None) -> Where:
    """A location naming the XML path (and line) of ``element`` or its child ``name``."""
    return XmlWhere(file, element, name or "")


def money(element: etree._Element, file: str, name: str = "Amt") -> tuple[Decimal, str | None]:
    """The unsigned amount and currency of child ``name`` of ``element``."""
    amount_el = child(element, name)
    if amount_el is None:
        raise where(element, file, name).error("amount is missing")
    loc = where(amount_el, file)
    value = parse_amount(amount_el.text, loc, decimal_comma=False)
    return value, currency_code(amount_el.get("Ccy"), where(amount_el, file, "@Ccy"))


def signed(value: Decimal, indicator: str | None, element: etree._Element, file: str) -> Decimal:
    """Apply ``CdtDbtInd``: DBIT is negative, CRDT positive, anything else an error."""
    if indicator == "CRDT":
        return value
    if indicator == "DBIT":
        return -value
    raise where(element, file, "CdtDbtInd").error("CdtDbtInd must be CRDT or DBIT", indicator)


def date_of(element: etree._Element | None, file: str) -> date | None:
    """The calendar date of a ``Dt``/``DtTm`` choice (also ``Dt`` holding a date-time)."""
    if element is None:
        return None
    value = text(element, "Dt") or text(element, "DtTm") or text(element, "Dt", "DtTm")
    return parse_iso_date(value, where(element, file)) if value else None


_DATES: dict[str, date] = {}  # date text -> date: a statement repeats a few hundred days


def date_at(flat: Flat, name: str, keys: tuple[str, str, str], file: str) -> date | None:
    """:func:`date_of` for child ``name`` of a flattened ``Ntry`` (dict lookups)."""
    texts = flat.texts
    value = texts.get(keys[0]) or texts.get(keys[1]) or texts.get(keys[2])
    if not value:
        return None
    found = _DATES.get(value)
    if found is None:  # only valid dates are remembered: a bad one raises here every time
        found = parse_iso_date(value, where(flat.nodes[name], file))
        if len(_DATES) < 50_000:
            _DATES[value] = found
    return found


DATE_KEYS = {n: (f"{n}/Dt", f"{n}/DtTm", f"{n}/Dt/DtTm") for n in ("BookgDt", "ValDt")}


_CURRENCIES: dict[str, str] = {}


def entry_currency(amount_el: etree._Element, file: str) -> str | None:
    """``Amt/@Ccy`` as a currency code (valid codes remembered: a file has one or two)."""
    raw = amount_el.get("Ccy")
    code = _CURRENCIES.get(raw) if raw is not None else None
    if code is None:
        code = currency_code(raw, where(amount_el, file, "@Ccy"))
        if code is not None and len(_CURRENCIES) < 1000:
            _CURRENCIES[raw] = code
    return code
