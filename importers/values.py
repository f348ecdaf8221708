"""Field-level value parsing shared by all formats (layer 3: text -> typed values).

Amounts become exact ``Decimal`` (decimal comma handled explicitly, never float); dates
stay calendar dates. Every parser raises :class:`~importers.errors.BadRecord` naming the
file, line and field with the raw value.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from importers.errors import BadRecord

MAX_DECIMALS = 6
MIN_YEAR, MAX_YEAR = 1970, 2100
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")

CURRENCY_WORDS = {
    "人民币": "CNY", "人民币元": "CNY", "RMB": "CNY", "美元": "USD", "港币": "HKD",
    "港元": "HKD", "日元": "JPY", "欧元": "EUR", "英镑": "GBP", "澳元": "AUD",
    "加元": "CAD", "新加坡元": "SGD", "瑞士法郎": "CHF",
}


class Where:
    """The location of a value, carried into every error raised about it."""

    __slots__ = ("field", "file", "line")

    def __init__(self, file: str, line: int | None = None, field: str | None = None) -> None:
        self.file, self.line, self.field = file, line, field

    def at(self, field: str) -> Where:
        """The same place, another field."""
        return Where(self.file, self.line, field)

    def error(self, message: str, value: object = None) -> BadRecord:
        """A ``BadRecord`` for this place."""
        return BadRecord(message, file=self.file, line=self.line, field=self.field, value=value)


def parse_amount(text: str | None, where: Where, *, decimal_comma: bool | None = None) -> Decimal:
    """Parse ``text`` as an exact amount; ``decimal_comma`` None means "decide from text"."""
    if text is None or not text.strip():
        raise where.error("amount is missing", text)
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace("'", "")
    cleaned = _separators(cleaned, decimal_comma)
    if not _PLAIN.fullmatch(cleaned):
        raise where.error("not an amount", text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already checked
        raise where.error("not an amount", text) from exc
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise where.error(f"amount has more than {MAX_DECIMALS} decimals", text)
    return value


def _separators(text: str, decimal_comma: bool | None) -> str:
    if decimal_comma is None:
        if "," in text and "." in text:
            decimal_comma = text.rfind(",") > text.rfind(".")
        else:
            decimal_comma = "," in text and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text)
    if decimal_comma:
        return text.replace(".", "").replace(",", ".")
    return text.replace(",", "")


def check_date(value: date, where: Where, raw: object = None) -> date:
    """Refuse dates outside the plausible range (1970-2100)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise where.error(f"date out of range ({MIN_YEAR}-{MAX_YEAR})", raw or value)
    return value


def parse_date(text: str | None, formats: tuple[str, ...], where: Where) -> date:
    """Parse ``text`` with the first matching strptime format."""
    if text is None or not text.strip():
        raise where.error("date is missing", text)
    for fmt in formats:
        try:
            return check_date(datetime.strptime(text.strip(), fmt).date(), where, text)
        except ValueError:
            continue
    raise where.error("not a date (expected " + " or ".join(formats) + ")", text)


def parse_iso_date(text: str | None, where: Where) -> date:
    """The calendar date of an ISO date or date-time, in the offset written (no UTC shift)."""
    if text is None or not text.strip():
        raise where.error("date is missing", text)
    head = text.lstrip()[:10]
    if len(head) == 10 and head[4] == "-" and head[7] == "-" and head.replace("-", "").isdigit():
        try:  # fast path for the usual YYYY-MM-DD[...]; errors take the path below
            return check_date(date.fromisoformat(head), where, text)
        except ValueError:
            pass
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", text)
    if not match:
        raise where.error("not an ISO date", text)
    try:
        value = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise where.error(f"not a valid date: {exc}", text) from exc
    return check_date(value, where, text)


def currency_code(text: str | None, where: Where | None = None) -> str | None:
    """An ISO 4217 code from a code or a Chinese currency word; None when blank."""
    if text is None or not text.strip():
        return None
    word = text.strip()
    code = CURRENCY_WORDS.get(word, word.upper())
    if _CURRENCY_CODE.fullmatch(code):
        return code
    if where is None:
        return None
    raise where.error("not a currency code", text)


def clean(text: str | None) -> str | None:
    """Strip blanks (incl. TABs and NBSP); None for empty."""
    if text is None:
        return None
    text = text.strip().strip("\t\u00a0 ").strip()
    return text or None
